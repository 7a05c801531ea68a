"""Keep library chatter (TensorFlow start-up lines, deprecation notices) out of what editors read.

Imported first by the command-line tools; importing Rasa pulls in TensorFlow, whose start-up log lines would
otherwise bury the content problems.
"""
from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=PendingDeprecationWarning)

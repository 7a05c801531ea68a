"""Safety: risk assessment of every child message (lexicon + classifier, fail-safe), its batch interface and
evaluation. Levels and categories follow docs/risk-taxonomy.md; see data/safety/README.md for the lexicon.

  python -m bot.safety                 batch: lines on stdin -> JSON lines (through the trained model)
  python -m bot.safety.evaluate        recall / false positives / confusion / latency on the dev set
  python -m bot.safety.lexicon_check   content checks of the lexicon (compiles, examples detected)
  python -m bot.safety.benchmark       latency of the assessment itself
"""

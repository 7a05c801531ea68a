#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 supports 3.8-3.10 only), or explains what to install.
set -euo pipefail
works() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }
for candidate in "${PYTHON310:-}" python3.10; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && works "$candidate"; then
    command -v "$candidate"; exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  for candidate in "$(pyenv root)"/versions/3.10.*/bin/python3.10; do
    if [ -x "$candidate" ] && works "$candidate"; then echo "$candidate"; exit 0; fi
  done
fi
for candidate in "$HOME"/.pyenv/versions/3.10.*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  if [ -x "$candidate" ] && works "$candidate"; then echo "$candidate"; exit 0; fi
done
cat >&2 <<'MSG'
No Python 3.10 found. Rasa 3.6 runs on Python 3.8-3.10 only. Install one of:
  - pyenv:   pyenv install 3.10.13
  - Debian/Ubuntu: apt-get install python3.10 python3.10-venv   (deadsnakes PPA on Ubuntu)
  - or point PYTHON310=/path/to/python3.10 at an existing interpreter.
MSG
exit 1

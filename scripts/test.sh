#!/usr/bin/env bash
# Set up and run the test suite (unit + integration against the embedded Kafka broker).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"

#!/usr/bin/env bash
# Set up and run the whole pipeline: embedded broker, a worker, the dashboard, the demo feed.
# Extra arguments go to `newswire run` (e.g. --workers 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/newswire run --demo "$@"

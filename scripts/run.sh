#!/usr/bin/env bash
# Set up and run the whole pipeline: embedded broker, a worker, the dashboard, the demo feed.
# Extra arguments go to `newswire run` (e.g. --workers 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Apache Kafka instead of the memory-only embedded broker: Java, Maven and Kafka's jars first.
if [[ " $* " == *" --broker kafka "* || "${NEWSWIRE_BROKER_KIND:-}" == kafka ]]; then
  # shellcheck source=scripts/deps.sh
  source scripts/deps.sh
  need_kafka
fi
exec .venv/bin/newswire run --demo "$@"

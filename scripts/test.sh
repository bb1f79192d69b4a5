#!/usr/bin/env bash
# Set up and run the test suite (unit + integration against the embedded Kafka broker).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/deps.sh
source scripts/deps.sh
need_chromium      # the dashboard's browser tests (Playwright drives Debian's Chromium)
need_kafka         # tests/kafka: Java, Maven, Apache Kafka's jars
need_axe           # the accessibility audit in the browser tests
need_ajv           # the contract tests' Node validator
need_postgres      # the archive's PostgreSQL store
need_compose_spec  # docker-compose.yml validation
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache  # the layer contracts in pyproject.toml [tool.importlinter]
.venv/bin/mypy  # the packages and settings in pyproject.toml [tool.mypy]
.venv/bin/python -m vulture pipeline agents schemas newswire --min-confidence 100  # certain dead code only
# --durations: the slowest tests in CI's log, to keep the suite within its ~15-minute budget.
PYTEST=(.venv/bin/python -m pytest -q -p no:cacheprovider --durations=30)
if [ "$#" -gt 0 ]; then
  exec "${PYTEST[@]}" "$@"  # the tests asked for, in one process
fi
# Two pytest processes side by side: the Kafka package, mostly waiting on Java brokers
# (restarts, fencing, ISR), beside the integration, archive and unit packages. Then the
# packages whose tests read live states (session timeouts, a frozen broker, what a page
# shows), which a loaded machine delays: reliability and dashboard, alone.
# (Not pytest-xdist: its --dist loadgroup no longer groups under pytest 9.2, pytest-xdist
# issue 1386, and spread the Kafka package over both workers, two clusters at once.)
# Each lane its own pytest temporary folder, one per checkout, which pytest empties at start:
# two processes never share one, and runs do not pile up (the Kafka lane leaves ~110 MB).
LANE_TMP="${TMPDIR:-/tmp}/newswire-tests-$(pwd | md5sum | cut -c1-8)"
mkdir -p "$LANE_TMP"
lane() {  # lane NAME ARGS...: one pytest process, each line of its output prefixed with NAME
  local name=$1
  shift
  "${PYTEST[@]}" --basetemp "$LANE_TMP/$name" "$@" 2>&1 | sed -u "s/^/[$name] /"
}
LANES=(tests/kafka tests/integration tests/archive tests/unit)
status=0
lane kafka tests/kafka &
kafka=$!
lane local tests/integration tests/archive tests/unit &
local_lane=$!
wait "$kafka" || status=$?
wait "$local_lane" || status=$?
"${PYTEST[@]}" "${LANES[@]/#/--ignore=}" || status=$?  # everything else: reliability, dashboard
exit "$status"

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
# Two lanes side by side (tests/conftest.py: the Kafka package | integration, archive, unit),
# then the packages whose tests read live states, alone.
status=0
LANES=(tests/kafka tests/integration tests/archive tests/unit)
"${PYTEST[@]}" -n 2 --dist loadgroup "${LANES[@]}" || status=$?
"${PYTEST[@]}" "${LANES[@]/#/--ignore=}" || status=$?  # everything else: reliability, dashboard
exit "$status"

#!/usr/bin/env bash
# Set up and run the test suite (unit + integration against the embedded Kafka broker).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The dashboard is tested in a real browser: Debian's Chromium, driven by Playwright.
if ! command -v chromium >/dev/null 2>&1; then
  echo "test: installing chromium (Debian package) for the browser tests" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# Apache Kafka for tests/kafka: Java and Maven from Debian, Kafka's own jars from Maven Central
# (kafka/pom.xml) into the ignored .kafka/lib; fetched again only when the pom's version changes.
if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  echo "test: installing Java 17 and Maven (Debian packages) for the Apache Kafka tests" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless maven >/dev/null
fi
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' kafka/pom.xml)
if [ ! -s ".kafka/lib/kafka_2.13-$KAFKA_VERSION.jar" ]; then
  echo "test: fetching Apache Kafka $KAFKA_VERSION's jars from Maven Central (kafka/pom.xml)" >&2
  rm -rf .kafka/lib
  mvn -q -B -f kafka/pom.xml dependency:copy-dependencies
fi
# axe-core (npm) for the dashboard's accessibility audit, injected by the browser tests; kept
# in the ignored .venv, pinned so the audit's rules do not change under the tests.
AXE=.venv/share/axe/node_modules/axe-core/axe.min.js
if [ ! -s "$AXE" ]; then
  echo "test: installing axe-core 4.14.1 (npm) for the accessibility audit" >&2
  npm install --silent --no-audit --no-fund --prefix .venv/share/axe axe-core@4.14.1 >/dev/null
fi
# Ajv (npm) validates pipeline outputs against the JSON Schemas as a Node consumer would
# (tests/contract); pinned, in the ignored .venv like axe-core.
if [ ! -d .venv/share/ajv/node_modules/ajv-formats ]; then
  echo "test: installing ajv 8.20.0 and ajv-formats 3.0.1 (npm) for the contract tests" >&2
  npm install --silent --no-audit --no-fund --prefix .venv/share/ajv ajv@8.20.0 ajv-formats@3.0.1 >/dev/null
fi
# The archive's PostgreSQL store is tested against a real server (tests/archive start their own
# with initdb/pg_ctl in a temp dir): Debian's postgresql package provides them.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "test: installing postgresql (Debian package) for the archive tests" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
# The Compose Specification's JSON schema, to validate docker-compose.yml against: it ships in
# the docker-compose 1.29.2 wheel (compose/config/compose_spec.json); only that file is kept.
SPEC=.venv/share/compose-spec/compose_spec.json
if [ ! -s "$SPEC" ]; then
  echo "test: fetching the Compose Specification schema (docker-compose 1.29.2 wheel)" >&2
  tmp=$(mktemp -d)
  .venv/bin/python -m pip download --quiet --no-deps --dest "$tmp" docker-compose==1.29.2
  mkdir -p "$(dirname "$SPEC")"
  .venv/bin/python -c "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('compose/config/compose_spec.json'))" "$tmp"/docker_compose-1.29.2-*.whl > "$SPEC"
  rm -rf "$tmp"
fi
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache  # the layer contracts in pyproject.toml [tool.importlinter]
.venv/bin/mypy  # the packages and settings in pyproject.toml [tool.mypy]
.venv/bin/python -m vulture pipeline agents schemas newswire --min-confidence 100  # certain dead code only
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"

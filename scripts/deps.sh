#!/usr/bin/env bash
# What the two README commands install beyond the venv, one function each; sourced by
# scripts/test.sh (all of them) and scripts/run.sh (Apache Kafka, when asked for).
# Debian packages come from apt (sudo when not root); npm and Maven artifacts are pinned and
# kept in ignored folders (.venv/share, .kafka/lib), fetched again only when missing.

apt_install() {
  local SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# The dashboard is tested in a real browser: Debian's Chromium, driven by Playwright.
need_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    echo "test: installing chromium (Debian package) for the browser tests" >&2
    apt_install chromium
  fi
}

# Apache Kafka for tests/kafka: Java and Maven from Debian, Kafka's own jars from Maven Central
# (kafka/pom.xml) into the ignored .kafka/lib; fetched again only when the pom's version changes.
need_kafka() {
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    echo "installing Java 17 and Maven (Debian packages) for Apache Kafka" >&2
    apt_install openjdk-17-jre-headless maven
  fi
  KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' kafka/pom.xml)
  if [ ! -s ".kafka/lib/kafka_2.13-$KAFKA_VERSION.jar" ]; then
    echo "fetching Apache Kafka $KAFKA_VERSION's jars from Maven Central (kafka/pom.xml)" >&2
    rm -rf .kafka/lib
    mvn -q -B -f kafka/pom.xml dependency:copy-dependencies
  fi
}

# axe-core (npm) for the dashboard's accessibility audit, injected by the browser tests; kept
# in the ignored .venv, pinned so the audit's rules do not change under the tests.
need_axe() {
  AXE=.venv/share/axe/node_modules/axe-core/axe.min.js
  if [ ! -s "$AXE" ]; then
    echo "test: installing axe-core 4.14.1 (npm) for the accessibility audit" >&2
    npm install --silent --no-audit --no-fund --prefix .venv/share/axe axe-core@4.14.1 >/dev/null
  fi
}

# Ajv (npm) validates pipeline outputs against the JSON Schemas as a Node consumer would
# (tests/contract); pinned, in the ignored .venv like axe-core.
need_ajv() {
  if [ ! -d .venv/share/ajv/node_modules/ajv-formats ]; then
    echo "test: installing ajv 8.20.0 and ajv-formats 3.0.1 (npm) for the contract tests" >&2
    npm install --silent --no-audit --no-fund --prefix .venv/share/ajv ajv@8.20.0 ajv-formats@3.0.1 >/dev/null
  fi
}

# The archive's PostgreSQL store is tested against a real server (tests/archive start their own
# with initdb/pg_ctl in a temp dir): Debian's postgresql package provides them.
need_postgres() {
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "test: installing postgresql (Debian package) for the archive tests" >&2
    apt_install postgresql
  fi
}

# The Compose Specification's JSON schema, to validate docker-compose.yml against: it ships in
# the docker-compose 1.29.2 wheel (compose/config/compose_spec.json); only that file is kept.
need_compose_spec() {
  SPEC=.venv/share/compose-spec/compose_spec.json
  if [ ! -s "$SPEC" ]; then
    echo "test: fetching the Compose Specification schema (docker-compose 1.29.2 wheel)" >&2
    tmp=$(mktemp -d)
    .venv/bin/python -m pip download --quiet --no-deps --dest "$tmp" docker-compose==1.29.2
    mkdir -p "$(dirname "$SPEC")"
    .venv/bin/python -c "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('compose/config/compose_spec.json'))" "$tmp"/docker_compose-1.29.2-*.whl > "$SPEC"
    rm -rf "$tmp"
  fi
}

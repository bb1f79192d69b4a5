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
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"

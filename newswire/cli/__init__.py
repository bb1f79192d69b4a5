"""The ``newswire`` command line.

Each command lives in its own module with a ``register(subparsers)`` function; ``COMMANDS``
is the registry, in the order ``--help`` lists them. Adding a command is one module and one
line here.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType

from newswire.cli import archive, enrich, ingest, run, schema, search, subscribe, train

COMMANDS: list[ModuleType] = [run, ingest, subscribe, enrich, schema, archive, search, train]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newswire", description="Streaming news processing on Kafka.")
    sub = p.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.fn(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

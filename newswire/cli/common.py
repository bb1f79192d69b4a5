"""What every command shares: where the demo stories are, messages on stderr, readiness."""

from __future__ import annotations

import sys
from pathlib import Path

import pipeline

DEMO_DIR = Path(pipeline.__file__).parent / "demo" / "stories"


def err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def is_ready(host: str, port: int) -> bool:
    """One look at a worker's ``/readyz``: the readiness poll every command shares."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://{host}:{port}/readyz", timeout=2) as r:  # our own worker
            return bool(r.status == 200)
    except Exception:  # not up yet, or not ready
        return False


def broker_hint() -> str:
    """How to get a broker, for the one line a client prints when none answers."""
    return ("Start one with 'newswire run' (broker and workers) or 'newswire broker' (broker only), "
            "or point NEWSWIRE_BROKER at yours.")


def quiet_kafka_logs() -> None:
    """aiokafka logs every failed connection attempt at ERROR; a command line says what went
    wrong in its own one line instead (failures that matter raise and are reported)."""
    import logging

    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)


EXIT_USAGE = 2  # the command could not run at all: bad arguments, no broker, no such topic


def broker_failed(command: str, exc: Exception, bootstrap: str) -> int:
    """The one line a client command prints when its broker is missing or failed, never a
    traceback; returns the exit status."""
    from pipeline.errors import BrokerUnavailable

    if isinstance(exc, BrokerUnavailable):
        err(f"newswire {command}: {exc}. {broker_hint()}")
    else:
        err(f"newswire {command}: the broker at {bootstrap} failed: {exc}. {broker_hint()}")
    return EXIT_USAGE

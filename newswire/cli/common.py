"""What every command shares: where the demo stories are, messages on stderr, readiness."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pipeline

DEMO_DIR = Path(pipeline.__file__).parent / "demo" / "stories"


def err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def wait_ready(host: str, port: int, timeout: float = 120.0) -> bool:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/readyz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return True
        except Exception:  # noqa: BLE001
            pass
        time.sleep(1.0)
    return False



"""Workers as real processes, articles as real messages, and an accounting of what came out."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from pipeline.broker import free_port
from tests.helpers import collect, collect_all, produce, run

SUBJECTS = ["The council", "Police", "The ministry", "Union leaders", "The company", "Doctors"]
PLACES = ["LONDON (Reuters) -", "PARIS (AFP) -", "NEW YORK, March 3 -", "ROME 1996-12-06", "KABUL, Afghanistan (AP) -"]


def story(i: int) -> bytes:
    """A short wire story: cheap to parse, so thousands flow in seconds."""
    rnd = random.Random(i)
    body = (f"{rnd.choice(PLACES)} {rnd.choice(SUBJECTS)} said on Monday that plan number {i} would go ahead. "
            f'"We are ready," spokesman Daniel Cole said.')
    return orjson.dumps({"id": f"a{i:05d}", "title": f"Plan {i} approved", "body": body})


@dataclass
class Workers:
    broker_url: str
    data_dir: Path
    app_id: str = field(default_factory=lambda: f"rel-{uuid.uuid4().hex[:6]}")
    procs: dict[int, subprocess.Popen] = field(default_factory=dict)

    def env(self, port: int) -> dict[str, str]:
        return {**os.environ, "NEWSWIRE_BROKER": self.broker_url, "NEWSWIRE_APP_ID": self.app_id,
                "NEWSWIRE_WEB_PORT": str(port), "NEWSWIRE_DATA_DIR": str(self.data_dir),
                "NEWSWIRE_SESSION_TIMEOUT": "6", "NEWSWIRE_STALL_TIMEOUT": "25"}

    def start(self, port: int | None = None, wait: bool = True) -> int:
        port = port or free_port()
        log = open(self.data_dir / f"worker-{port}.log", "ab")
        self.procs[port] = subprocess.Popen([sys.executable, "-m", "newswire", "worker", "-l", "warn"],
                                            env=self.env(port), stdout=log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready(port)
        return port

    def wait_ready(self, port: int, timeout: float = 120.0) -> None:
        proc = self.procs[port]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"worker on {port} exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    if r.status == 200:
                        return
            except Exception:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"worker on {port} not ready in {timeout}s")

    def kill(self, port: int, sig: int = signal.SIGKILL) -> float:
        """Send ``sig``; return how long the process took to exit."""
        proc = self.procs.pop(port)
        t0 = time.monotonic()
        proc.send_signal(sig)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave a worker behind to eat the next test's CPU
            proc.wait(10)
            raise
        return time.monotonic() - t0

    def stop_all(self) -> None:
        for port in list(self.procs):
            try:
                self.kill(port, signal.SIGTERM)
            except subprocess.TimeoutExpired:
                pass  # killed; the test's own assertions report what went wrong


def send(bootstrap: str, ids: range) -> None:
    run(produce(bootstrap, "news.raw", [(f"a{i:05d}".encode(), story(i)) for i in ids]))


def account(bootstrap: str, ids: range, timeout: float = 180.0) -> dict:
    """Read both output topics until every id is accounted for (or the timeout)."""
    wanted = {f"a{i:05d}" for i in ids}
    seen: dict[str, int] = {}

    def done(records_e: list) -> bool:
        return wanted <= {v.get("id") for _, v in records_e}

    enriched = run(collect(bootstrap, "news.enriched", done, timeout=timeout))
    dead = run(collect_all(bootstrap, "news.deadletter"))
    for _, v in enriched:
        if v.get("id") in wanted:
            seen[v["id"]] = seen.get(v["id"], 0) + 1
    dead_ids = {v.get("key") for _, v in dead} & wanted
    lost = wanted - seen.keys() - dead_ids
    return {"sent": len(wanted), "enriched": len(seen), "dead_lettered": len(dead_ids), "lost": len(lost),
            "duplicates": sum(n - 1 for n in seen.values()), "lost_ids": sorted(lost)[:10]}

"""The processes ``newswire run`` keeps alive: restarted with backoff when they die, stopped
only by a signal.

A worker's death must never take the broker down: the embedded broker keeps topics in memory,
so stopping it would lose every article not yet enriched. Each child is restarted on its own
schedule (``pipeline.supervision.Backoff``) and its status is written where the dashboard and
``/readyz`` read it, so a crash loop is visible rather than hidden by the restarts.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newswire.cli.common import err
from pipeline.supervision import Backoff, ChildStatus, write_status

STOP_TIMEOUT_S = 30.0  # a worker finishing its batch and committing; after that it is killed


@dataclass
class Child:
    name: str
    command: list[str]
    status: ChildStatus
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    backoff: Backoff = field(default_factory=Backoff)


class Fleet:
    def __init__(self, data_dir: Path, env: Mapping[str, str]) -> None:
        self.data_dir = data_dir
        self.env = dict(env)
        self.children: list[Child] = []

    def add(self, name: str, command: list[str]) -> Child:
        child = Child(name, command, ChildStatus(name))
        self.children.append(child)
        self._start(child)
        return child

    def _start(self, child: Child) -> None:
        child.proc = subprocess.Popen(child.command, env={**self.env, "NEWSWIRE_RESTARTS": str(child.status.restarts)})
        child.started_at, child.restart_at = time.monotonic(), None
        child.status.pid = child.proc.pid
        if child.status.state != "crash-loop":
            child.status.state = "running"
        write_status(self.data_dir, child.status)

    def tend(self) -> None:
        """Restart children that died, once their backoff has passed. Call every half second."""
        now = time.monotonic()
        for child in self.children:
            if child.proc is not None and child.proc.poll() is not None:
                code = child.proc.returncode
                child.proc = None
                child.status.exited(code)
                wait = child.backoff.after_exit(now - child.started_at)
                child.restart_at = now + wait
                child.status.restarts += 1
                write_status(self.data_dir, child.status)
                how = "crash-looping: " + child.status.reason() if child.status.crash_looping else f"exited with {code}"
                err(f"run: {child.name} {how}; restarting in {wait:.0f}s")
            elif child.proc is None and child.restart_at is not None and now >= child.restart_at:
                self._start(child)
            elif child.proc is not None and child.status.crash_looping and now - child.started_at > 60:
                child.status.exits.clear()  # up for a minute: the loop is over
                child.status.state = "running"
                write_status(self.data_dir, child.status)

    def stop(self) -> None:
        for child in self.children:
            if child.proc is not None and child.proc.poll() is None:
                child.proc.send_signal(signal.SIGTERM)
        for child in self.children:
            if child.proc is None:
                continue
            try:
                child.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                child.proc.kill()
                child.proc.wait()
            child.status.state, child.status.pid = "stopped", None
            write_status(self.data_dir, child.status)

"""Keep one worker process running: restart it when it dies, pass signals on when asked to stop.

Crash-only recovery. A worker that finds itself wedged (see ``agents/watchdog.py``) exits with
``RESTART`` instead of trying to repair a Kafka client from the inside; its uncommitted input
is read again by the new process, so at-least-once holds across the restart. The child is
tied to this process with ``PR_SET_PDEATHSIG``: if the supervisor is killed (even with -9),
the worker dies with it and never runs on unsupervised.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline.supervision import Backoff, ChildStatus, write_status

RESTART = 75  # EX_TEMPFAIL: "try again"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (a ``preexec_fn``, or a child's first call)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not Linux: the supervisor's own signal handling still covers SIGTERM/SIGINT
        pass


def supervise(command: list[str], stop_timeout: float = 30.0, status: tuple[Path, str] | None = None) -> int:
    """Run ``command`` until it exits on its own accord or we are told to stop.

    A worker told to stop gets ``stop_timeout`` seconds to finish its batch and commit; a
    Faust shutdown caught in a rebalance can wait forever on a commit, so after that it is
    killed. Nothing is lost by that: whatever it had not committed is read again. With
    ``status`` (data dir, name), each start and exit is written where the dashboard reads it.
    """
    stopping = False
    child: subprocess.Popen | None = None
    record = ChildStatus(status[1]) if status else None
    backoff = Backoff()

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    def publish() -> None:
        if status and record:
            write_status(status[0], record)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while True:
        started = time.monotonic()
        env = {**os.environ, "NEWSWIRE_FAUST_RESTARTS": str(record.restarts if record else 0)}
        child = subprocess.Popen(command, preexec_fn=die_with_parent, env=env)  # only sets a prctl flag
        if record:
            record.pid, record.state = child.pid, ("crash-loop" if record.crash_looping else "running")
        publish()
        code = _wait(child, lambda: stopping, stop_timeout)
        if stopping or code == 0:
            if record:
                record.state, record.pid = "stopped", None
            publish()
            return code
        wait = backoff.after_exit(time.monotonic() - started)
        if record:
            record.exited(code)
            record.restarts += 1
        publish()
        why = "asked to restart (wedged)" if code == RESTART else f"exited with {code}"
        print(f"supervisor: worker {why}; restarting in {wait:.0f}s", file=sys.stderr, flush=True)
        time.sleep(wait)
        if stopping:
            return code


def _wait(child: subprocess.Popen, stopping, stop_timeout: float) -> int:
    """Wait for the child; once we are stopping, for at most ``stop_timeout`` seconds."""
    stop_deadline: float | None = None
    while True:
        try:
            return child.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            pass
        if stopping():
            stop_deadline = stop_deadline or time.monotonic() + stop_timeout
            if time.monotonic() > stop_deadline:
                print(f"supervisor: worker did not stop within {stop_timeout:.0f}s; killing it",
                      file=sys.stderr, flush=True)
                child.kill()
                return child.wait()

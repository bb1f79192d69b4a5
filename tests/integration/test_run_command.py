"""`newswire run` (the README's run command) stops its workers and broker on SIGTERM, as on Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request

from pipeline.broker import free_port, port_open


def test_sigterm_stops_workers_and_broker(tmp_path):
    broker_port, web_port = free_port(), free_port()
    env = {**os.environ, "NEWSWIRE_BROKER_PORT": str(broker_port), "NEWSWIRE_WEB_PORT": str(web_port),
           "NEWSWIRE_DATA_DIR": str(tmp_path), "NEWSWIRE_APP_ID": f"run-{broker_port}"}
    env.pop("NEWSWIRE_BROKER", None)
    run = subprocess.Popen([sys.executable, "-m", "newswire", "run"], env=env, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        ready = False
        while time.monotonic() < deadline and not ready:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/readyz", timeout=2) as r:
                    ready = r.status == 200
            except OSError:
                time.sleep(0.5)
        assert ready, "the worker never became ready"
        run.send_signal(signal.SIGTERM)
        assert run.wait(60) == 0
        # everything it started is gone: the broker's port and the dashboard are closed
        assert not port_open("127.0.0.1", broker_port)
        assert not port_open("127.0.0.1", web_port)
    finally:
        _kill_leftovers(run.pid, broker_port)


def _kill_leftovers(group: int, broker_port: int) -> None:
    """If the test failed, leave nothing running: the workers share run's process group, the
    broker has a session of its own and is found by its listener port."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if f"tcp://127.0.0.1:{broker_port}".encode() in f.read():
                    os.kill(int(pid), signal.SIGKILL)


def test_sigterm_stops_the_standalone_broker(tmp_path):
    broker_port = free_port()
    env = {**os.environ, "NEWSWIRE_BROKER_PORT": str(broker_port), "NEWSWIRE_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "newswire", "broker"], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not port_open("127.0.0.1", broker_port):
            time.sleep(0.2)
        assert port_open("127.0.0.1", broker_port)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        assert not port_open("127.0.0.1", broker_port)  # Tansu went with it
    finally:
        _kill_leftovers(proc.pid, broker_port)

"""`newswire run --workers 2`: one worker's supervisor killed with -9 mid-flow. The run command
must restart it and keep the memory-only embedded broker up: 0 articles lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from pipeline.broker import free_port, port_open
from pipeline.supervision import read_statuses
from tests.integration.test_run_command import _kill_leftovers
from tests.reliability.harness import account, send

N = 300


def _statuses(data_dir) -> dict:
    return {s.name: s for s in read_statuses(data_dir)}


def test_a_killed_worker_is_restarted_and_the_broker_keeps_every_article(tmp_path):
    broker_port, web_port = free_port(), free_port()
    free_port()  # the second worker takes web_port + 1
    env = {**os.environ, "NEWSWIRE_BROKER_PORT": str(broker_port), "NEWSWIRE_WEB_PORT": str(web_port),
           "NEWSWIRE_DATA_DIR": str(tmp_path), "NEWSWIRE_APP_ID": f"sup-{broker_port}",
           "NEWSWIRE_SESSION_TIMEOUT": "6"}
    env.pop("NEWSWIRE_BROKER", None)
    log = open(tmp_path / "run.log", "wb")
    run = subprocess.Popen([sys.executable, "-m", "newswire", "run", "--workers", "2"], env=env,
                           start_new_session=True, stdout=log, stderr=subprocess.STDOUT)
    bootstrap = f"127.0.0.1:{broker_port}"
    victim = f"worker-{web_port + 1}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not {f"worker-{web_port}", victim} <= _statuses(tmp_path).keys():
            time.sleep(0.5)
        while time.monotonic() < deadline and not port_open("127.0.0.1", broker_port):
            time.sleep(0.5)
        sender = threading.Thread(target=send, args=(bootstrap, range(N)))
        sender.start()
        time.sleep(8)
        os.kill(_statuses(tmp_path)[victim].pid, signal.SIGKILL)
        sender.join()
        figures = account(bootstrap, range(N), timeout=240)
        status = _statuses(tmp_path)[victim]
        assert run.poll() is None, "newswire run stopped because a worker died"
        assert port_open("127.0.0.1", broker_port)
        print(f"\n[reliability] run --workers 2, one supervisor kill -9: {figures}, restarts={status.restarts}")
        assert figures["lost"] == 0, figures["lost_ids"]
        assert figures["enriched"] + figures["dead_lettered"] == N
        assert status.restarts == 1 and status.last_exit_code == -signal.SIGKILL and status.state == "running"
        run.send_signal(signal.SIGTERM)
        assert run.wait(90) == 0
    finally:
        _kill_leftovers(run.pid, broker_port)
        log.close()

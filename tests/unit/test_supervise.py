"""The worker supervisor restarts a worker that asks for it, and stops when the worker is done."""

import sys

from pipeline.supervise import RESTART, supervise
from pipeline.supervision import read_statuses


def test_restarts_until_the_worker_exits_cleanly(tmp_path):
    runs = tmp_path / "runs"
    script = (f"import pathlib, sys; p = pathlib.Path({str(runs)!r}); n = len(p.read_text()) if p.exists() else 0; "
              f"p.write_text('x' * (n + 1)); sys.exit({RESTART} if n < 2 else 0)")
    assert supervise([sys.executable, "-c", script], status=(tmp_path, "faust-1")) == 0
    assert runs.read_text() == "xxx"  # wedged twice, restarted twice, then done
    [status] = read_statuses(tmp_path)
    assert (status.name, status.restarts, status.last_exit_code, status.state) == ("faust-1", 2, RESTART, "stopped")


def test_a_worker_that_ignores_sigterm_is_killed_after_the_stop_timeout():
    import os
    import signal
    import subprocess
    import time

    # a supervisor whose worker ignores SIGTERM (as a Faust shutdown stuck on a commit does)
    code = ("import signal, sys, time; from pipeline.supervise import supervise; "
            "sys.exit(supervise([sys.executable, '-c', 'import signal, time; "
            "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)'], stop_timeout=1.0))")
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    started = time.monotonic()
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(20)
    assert time.monotonic() - started < 10
    assert proc.returncode == (-signal.SIGKILL) & 0xFF  # the killed worker's status, passed on
    assert "did not stop within 1s" in proc.stderr.read()

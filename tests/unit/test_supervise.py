"""The worker supervisor restarts a worker that asks for it, and stops when the worker is done."""

import sys

from pipeline.supervise import RESTART, supervise


def test_restarts_until_the_worker_exits_cleanly(tmp_path):
    runs = tmp_path / "runs"
    script = (f"import pathlib, sys; p = pathlib.Path({str(runs)!r}); n = len(p.read_text()) if p.exists() else 0; "
              f"p.write_text('x' * (n + 1)); sys.exit({RESTART} if n < 2 else 0)")
    assert supervise([sys.executable, "-c", script], max_backoff=0.1) == 0
    assert runs.read_text() == "xxx"  # wedged twice, restarted twice, then done

"""What the dashboard itself costs a worker: CPU seconds of its own work on the event loop.

Every periodic or per-request piece of dashboard work (the stats snapshot and its encoding,
reading peers' snapshots and dead letters, the chart samples, each SSE update and API view)
runs inside ``measure()``. ``time.thread_time`` counts only the event loop's thread, so the
NLP child, aiokafka's own fetch work and Faust's are not charged to the dashboard. Shown as
``newswire_dashboard_cpu_seconds_total`` and in each worker's row; ``bench/dashboard.py``
compares it with the worker's CPU at full load.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Cost:
    def __init__(self) -> None:
        self.seconds = 0.0

    @contextmanager
    def measure(self) -> Iterator[None]:
        started = time.thread_time()
        try:
            yield
        finally:
            self.seconds += time.thread_time() - started


COST = Cost()  # one per process: a worker is one process

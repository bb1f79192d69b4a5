"""What the dashboard costs a worker at full load (issue 19 item 7: under 2% of its CPU).

    python -m bench.dashboard --limit 400

One worker on a fresh embedded broker, one browser-like SSE client connected throughout (the
page's stream) and the chart history polled every 5 s as the page does; every article sent at
once. The dashboard's own work is counted by the worker (``agents.web.cost``, thread CPU time
of the event loop); the worker's CPU is read from /proc (its process, and with its NLP child).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
import urllib.request
import uuid

import orjson

from bench.corpus import load
from bench.throughput import children, cpu_seconds, send_and_collect, start_workers
from pipeline.broker import EmbeddedBroker, free_port


def follow_stream(url: str, stop: threading.Event, counts: dict) -> None:
    """An EventSource client: read the stream, count updates and their spacing."""
    with urllib.request.urlopen(url, timeout=30) as r:
        last = None
        while not stop.is_set():
            line = r.readline()
            if line.startswith(b"data: "):
                now = time.monotonic()
                if last is not None:
                    counts["min_gap_s"] = min(counts.get("min_gap_s", 99.0), now - last)
                last = now
                counts["updates"] = counts.get("updates", 0) + 1


def poll_history(base: str, stop: threading.Event) -> None:
    while not stop.wait(5.0):
        urllib.request.urlopen(base + "/api/history?window=15m", timeout=30).read()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=400, help="articles to send")
    args = ap.parse_args(argv)
    corpus, raws = load(args.limit)
    with EmbeddedBroker("127.0.0.1", free_port()) as broker:
        procs, ports = start_workers(1, broker.url, f"bench-dash-{uuid.uuid4().hex[:6]}")
        base = f"http://127.0.0.1:{ports[0]}"
        try:
            stop, counts = threading.Event(), {}
            threads = [threading.Thread(target=follow_stream, args=(base + "/api/stream", stop, counts), daemon=True),
                       threading.Thread(target=poll_history, args=(base, stop), daemon=True)]
            for t in threads:
                t.start()

            def dashboard_cpu() -> float:
                view = orjson.loads(urllib.request.urlopen(base + "/api/pipeline", timeout=30).read())
                return view["workers"][0]["dashboard_cpu_s"]

            worker, child = procs[0].pid, children(procs[0].pid)
            before = (dashboard_cpu(), cpu_seconds(worker), sum(cpu_seconds(c) for c in child))
            t0 = time.monotonic()
            asyncio.run(send_and_collect(broker.bootstrap, raws, None, timeout=1800))
            span = time.monotonic() - t0
            after = (dashboard_cpu(), cpu_seconds(worker), sum(cpu_seconds(c) for c in child))
            stop.set()
        finally:
            for p in procs:
                p.terminate()
                p.wait(30)
    dash, main_cpu, nlp_cpu = (after[i] - before[i] for i in range(3))
    result = {"corpus": corpus, "articles": len(raws), "span_s": round(span, 1),
              "dashboard_cpu_s": round(dash, 3), "worker_cpu_s": round(main_cpu, 1), "nlp_child_cpu_s": round(nlp_cpu, 1),
              "share_of_worker_process": round(dash / main_cpu, 4) if main_cpu else None,
              "share_of_worker_with_nlp": round(dash / (main_cpu + nlp_cpu), 4) if main_cpu + nlp_cpu else None,
              "sse_updates": counts.get("updates", 0), "sse_min_gap_s": round(counts.get("min_gap_s", 0.0), 2)}
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())

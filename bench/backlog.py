"""Worker memory with a backlog on news.raw: it must stay flat (no unbounded queue anywhere).

    python -m bench.backlog --articles 20000 --minutes 4 [--json FILE]

One worker (and its NLP child) on a fresh embedded broker; ``--articles`` raw articles (the
benchmark's texts, repeated under new ids) are produced to news.raw as fast as the broker takes
them, far faster than one worker enriches; the resident memory (VmRSS) of the worker and of
its NLP child is sampled every ``--every`` seconds while the worker works through the backlog.
Flat means: the last samples are no higher than the first ones after warm-up, however much
is still waiting on the topic.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
import uuid

import orjson
from aiokafka import AIOKafkaProducer

from bench.corpus import load
from bench.throughput import children, start_workers
from pipeline.broker import EmbeddedBroker, free_port
from pipeline.messages import encode

STOP_GRACE = 60  # seconds a worker gets to leave its group cleanly on a busy machine


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, and SIGKILL if the worker has not shut down in STOP_GRACE seconds (the NLP child
    dies with its parent)."""
    proc.terminate()
    try:
        proc.wait(STOP_GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(STOP_GRACE)


async def produce(bootstrap: str, raws: list, n: int) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_request_size=4_000_000)
    await producer.start()
    t0 = time.monotonic()
    try:
        for i in range(n):
            raw = raws[i % len(raws)]
            await producer.send("news.raw", key=f"backlog-{i}".encode(),
                                value=encode(raw.model_copy(update={"id": f"backlog-{i}"})))
            if i % 5000 == 4999:
                print(f"produced {i + 1}", file=sys.stderr, flush=True)
        await producer.flush()
    finally:
        await producer.stop()
    return time.monotonic() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--minutes", type=float, default=4.0, help="how long to sample while the backlog drains")
    ap.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    ap.add_argument("--json", help="write the samples here too")
    args = ap.parse_args(argv)
    _, raws = load(2_000)
    with EmbeddedBroker("127.0.0.1", free_port()) as broker:
        procs, _ = start_workers(1, broker.url, f"backlog-{uuid.uuid4().hex[:6]}")
        worker = procs[0]
        try:
            seconds = asyncio.run(produce(broker.bootstrap, raws, args.articles))
            print(f"{args.articles} articles on news.raw in {seconds:.0f}s; sampling RSS", file=sys.stderr, flush=True)
            samples = []
            t0 = time.monotonic()
            while time.monotonic() - t0 < args.minutes * 60:
                kids = children(worker.pid)
                samples.append({"t_s": round(time.monotonic() - t0), "worker_mb": round(rss_mb(worker.pid), 1),
                                "nlp_child_mb": round(sum(rss_mb(k) for k in kids), 1)})
                print(samples[-1], file=sys.stderr, flush=True)
                time.sleep(args.every)
        finally:
            stop(worker)
    total = [s["worker_mb"] + s["nlp_child_mb"] for s in samples]
    third = max(1, len(total) // 3)
    result = {"articles": args.articles, "samples": samples, "first_third_max_mb": max(total[:third]),
              "last_third_max_mb": max(total[-third:]), "max_mb": max(total)}
    print(orjson.dumps({k: v for k, v in result.items() if k != "samples"}).decode())
    if args.json:
        with open(args.json, "wb") as f:
            f.write(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Pipeline throughput against the NLP ceiling, latency under full and light load, worker RSS.

    python -m bench.throughput --limit 600 --processes 1 2 --json bench/results.json

For each process count P, on the same texts:
1. reference: what a user would write, ``spacy.load("en_core_web_sm")`` with every component and
   ``nlp.pipe(texts, batch_size=32, n_process=P)``; ceiling: the pipeline's own NLP
   (``pipeline.enrich.parse_texts``) on P processes. Both measured before, between and after
   ``--rounds`` pipeline runs with nothing else running; ``ratio_vs_spacy`` is mean pipeline rate
   over mean reference, ``ratio`` mean pipeline rate over mean ceiling (this machine's speed
   drifts by 10-25% over minutes, so a single reference and a single pipeline run taken minutes
   apart are no comparison);
2. full load (each round): P workers on a fresh embedded broker, every article sent at once, articles/s
   from the first send to the last enriched record, and latency p50/p99 (received_at to the
   enriched record's broker timestamp);
3. light load: articles sent at a steady ``--light-rate`` per second, latency p99;
4. peak RSS of each worker process and its NLP child (VmHWM), the largest reported, and the
   worker's and its child's peaks added up (an upper bound of what the pair holds at once).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.corpus import load
from bench.nlp_rates import ceiling, reference
from pipeline.broker import EmbeddedBroker, free_port
from pipeline.kafka_local import LocalKafka
from pipeline.messages import encode
from pipeline.nlp.view import tagger_view
from pipeline.normalise import normalise
from pipeline.settings import get_settings


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p * len(values)))], 3) if values else float("nan")


def children(pid: int) -> list[int]:
    """The worker's NLP child process (and anything else it started)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one live process, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_role(broker_pid: int, procs: list[subprocess.Popen]) -> dict[str, float]:
    """Where the cores go: worker event loops, their NLP children, the broker, this benchmark."""
    own = os.times()
    return {"workers": sum(cpu_seconds(p.pid) for p in procs),
            "nlp_children": sum(cpu_seconds(c) for p in procs for c in children(p.pid)),
            "broker": cpu_seconds(broker_pid), "bench": own.user + own.system}


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def send_and_collect(bootstrap: str, raws, rate: float | None, timeout: float) -> dict[str, float]:
    """Send the articles (all at once, or at ``rate`` per second); return id -> latency (s)."""
    consumer = AIOKafkaConsumer("news.enriched", bootstrap_servers=bootstrap, auto_offset_reset="latest",
                                group_id=None, enable_auto_commit=False)
    await consumer.start()
    await asyncio.sleep(1.0)
    await consumer.seek_to_end()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_request_size=4_000_000)
    await producer.start()
    sent: dict[str, float] = {}
    latencies: dict[str, float] = {}

    async def produce() -> None:
        for raw in raws:
            now = datetime.now(UTC)
            sent[raw.id] = now.timestamp()
            await producer.send("news.raw", key=raw.id.encode(), value=encode(raw.model_copy(update={"received_at": now})))
            if rate:
                await asyncio.sleep(1.0 / rate)
        await producer.flush()

    task = asyncio.create_task(produce())
    deadline = time.monotonic() + timeout
    wanted = {r.id for r in raws}
    while time.monotonic() < deadline and not wanted <= latencies.keys():
        batch = await consumer.getmany(timeout_ms=500)
        for records in batch.values():
            for rec in records:
                article_id = orjson.loads(rec.value)["id"]
                if article_id in sent:
                    latencies[article_id] = rec.timestamp / 1000.0 - sent[article_id]
    await task
    await producer.stop()
    await consumer.stop()
    missing = wanted - latencies.keys()
    if missing:
        raise RuntimeError(f"{len(missing)} articles never reached news.enriched within {timeout}s")
    latencies["__span__"] = max(sent[i] + latencies[i] for i in wanted) - min(sent.values())
    return latencies


def start_workers(n: int, broker_url: str, app_id: str) -> tuple[list[subprocess.Popen], list[int]]:
    procs, ports = [], []
    for _ in range(n):
        port = free_port()
        env = {**os.environ, "NEWSWIRE_BROKER": broker_url, "NEWSWIRE_APP_ID": app_id,
               "NEWSWIRE_WEB_PORT": str(port), "NEWSWIRE_DATA_DIR": f"/tmp/newswire-bench-{app_id}"}
        log = open(f"/tmp/newswire-bench-{app_id}-{port}.log", "wb")
        procs.append(subprocess.Popen([sys.executable, "-m", "newswire", "worker", "--no-supervise", "-l", "warn"], env=env,
                                      stdout=log, stderr=subprocess.STDOUT))
        ports.append(port)
    for proc, port in zip(procs, ports, strict=True):
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"worker exited with {proc.returncode}: see /tmp/newswire-bench-{app_id}-{port}.log")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except Exception:
                time.sleep(0.5)
    time.sleep(3.0)  # let the group settle after the last join
    return procs, ports


@contextlib.contextmanager
def open_broker() -> Iterator[EmbeddedBroker | LocalKafka]:
    """A fresh broker for one round: the embedded Tansu, or with NEWSWIRE_BROKER_KIND=kafka one
    Apache Kafka node from .kafka/lib (pipeline/kafka_local.py), its log in a temporary folder."""
    from pipeline.settings import get_settings

    if get_settings().broker_kind == "kafka":
        with tempfile.TemporaryDirectory() as tmp, LocalKafka(Path(tmp), nodes=1) as kafka:
            yield kafka
    else:
        with EmbeddedBroker("127.0.0.1", free_port()) as tansu:
            yield tansu


def pipeline_round(processes: int, raws, light_rate: float, light_n: int) -> dict:
    """Fresh broker and workers; full load, then (if asked) light load; stopped afterwards."""
    with open_broker() as broker:
        app_id = f"bench-{uuid.uuid4().hex[:6]}"
        procs, _ = start_workers(processes, broker.url, app_id)
        broker_pid = broker.process.pid if broker.process is not None else 0  # 0: no /proc entry, 0 CPU s
        try:
            print(f"[{processes}] warm-up, then full load: {len(raws)} articles", file=sys.stderr, flush=True)
            asyncio.run(send_and_collect(broker.bootstrap, [r.model_copy(update={"id": f"warm-{i}"})
                                                             for i, r in enumerate(raws[:16])], None, 300))
            cpu_before = cpu_by_role(broker_pid, procs)
            full = asyncio.run(send_and_collect(broker.bootstrap, raws, None, 1800))
            span = full.pop("__span__")
            cpu_after = cpu_by_role(broker_pid, procs)
            cpu = {role: round(cpu_after[role] - cpu_before[role], 1) for role in cpu_after}
            print(f"[{processes}] full load: {len(raws) / span:.2f} articles/s ({span:.1f}s on {os.cpu_count()} "
                  f"cores); CPU seconds: {cpu}", file=sys.stderr, flush=True)
            light: dict[str, float] = {}
            if light_n:
                print(f"[{processes}] light load: {light_n} articles at {light_rate}/s", file=sys.stderr, flush=True)
                light = asyncio.run(send_and_collect(
                    broker.bootstrap, [r.model_copy(update={"id": f"light-{i}"}) for i, r in enumerate(raws[:light_n])],
                    light_rate, 600))
                light.pop("__span__")
            rss = max(peak_rss_mb(pid) for p in procs for pid in [p.pid, *children(p.pid)])
            # each process's own peak, summed: an upper bound of the pair's peak at any one time
            pair = max(sum(peak_rss_mb(pid) for pid in [p.pid, *children(p.pid)]) for p in procs)
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(30)
    return {"span": span, "full": full, "light": light, "cpu": cpu, "rss": rss, "pair": pair}


def nlp_only(processes: int, texts: list[str], references: list[float], ceilings: list[float]) -> None:
    """One reference and one ceiling measurement, appended to their lists."""
    print(f"[{processes} process(es)] reference: en_core_web_sm nlp.pipe ...", file=sys.stderr, flush=True)
    references.append(reference(texts, processes))
    print(f"[{processes}] reference: {references[-1]:.2f} articles/s; ceiling ...", file=sys.stderr, flush=True)
    ceilings.append(ceiling(texts, processes, get_settings().batch_size))
    print(f"[{processes}] ceiling: {ceilings[-1]:.2f} articles/s", file=sys.stderr, flush=True)


def run_one(processes: int, raws, texts: list[str], light_rate: float, light_n: int, rounds: int) -> dict:
    """Reference, ceiling and pipeline interleaved (R C P R C P ... R C), nothing else running
    during R and C: this machine's speed drifts by 10-25% over minutes, so one of each is not a
    comparison."""
    references: list[float] = []
    ceilings: list[float] = []
    results: list[dict] = []
    for r in range(rounds):
        nlp_only(processes, texts, references, ceilings)
        results.append(pipeline_round(processes, raws, light_rate, light_n if r == rounds - 1 else 0))
    nlp_only(processes, texts, references, ceilings)
    ceil = statistics.fmean(ceilings)
    ref = statistics.fmean(references)
    rates = [len(raws) / res["span"] for res in results]
    rate = statistics.fmean(rates)
    last = results[-1]
    full = [v for res in results for v in res["full"].values()]
    words = sum(len(t.split()) for t in texts) * rate / len(raws)
    return {"processes": processes, "articles": len(raws),
            "reference_articles_per_s": round(ref, 2), "reference_runs": [round(c, 2) for c in references],
            "ceiling_articles_per_s": round(ceil, 2), "ceiling_runs": [round(c, 2) for c in ceilings],
            "pipeline_articles_per_s": round(rate, 2), "pipeline_runs": [round(x, 2) for x in rates],
            "pipeline_words_per_s": round(words), "ratio_vs_spacy": round(rate / ref, 3),
            "ratio": round(rate / ceil, 3), "latency_p50_s": pct(full, 0.5),
            "latency_p99_s": pct(full, 0.99), "light_latency_p99_s": pct(list(last["light"].values()), 0.99),
            "peak_rss_mb": round(max(res["rss"] for res in results), 1),
            "peak_rss_worker_plus_child_mb": round(max(res["pair"] for res in results), 1),
            "full_load_cpu_s": last["cpu"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=600, help="articles per run")
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--light-rate", type=float, default=5.0)
    ap.add_argument("--light-n", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=2, help="pipeline runs per process count, between ceilings")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args(argv)
    corpus, raws = load(args.limit)
    texts = [tagger_view(normalise(r)) for r in raws]
    runs = [run_one(p, raws, texts, args.light_rate, args.light_n, args.rounds) for p in args.processes]
    cols = list(runs[0])
    print(f"corpus: {corpus}")
    print(" | ".join(cols))
    for r in runs:
        print(" | ".join(str(r[c]) for c in cols))
    if args.json:
        with open(args.json, "wb") as f:
            f.write(orjson.dumps({"corpus": corpus, "runs": runs}, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The archive's figures: search p95 over 100,000 articles on both stores, memory, keeping up.

    python -m bench.archive --enriched /tmp/bbc.jsonl search --articles 100000 --json bench/archive.json
    python -m bench.archive search --keep /tmp/archive100k    # stores kept for bench.render
    python -m bench.archive --enriched /tmp/bbc.jsonl memory --articles 20000
    python -m bench.archive keepup --limit 400 --pairs 2 --processes 2

``--enriched`` is a JSONL file of enriched BBC articles (``newswire enrich <bbc dir> > file``,
made once; it is written there when missing, which takes a few minutes). The 100,000 are
those ~2,200 articles again and again under unique ids (``<id>~r<n>``), seen over 60 days.

search: both stores (SQLite in a temp dir; PostgreSQL started with initdb/pg_ctl) filled
   through the store's own write path, then a fixed mix of searches (words, phrases, quotes by
   a speaker, entity, label, source and since filters, a second page) run once untimed, then
   ``--repeat`` times;
   p50/p95/max per store, the worst query's p95, bytes per 1,000 articles.
memory: ``newswire archive`` consumes that many records from a fresh embedded broker; its
   peak RSS (VmHWM), articles/s and CPU seconds per 1,000 articles.
keepup: the pipeline benchmark's full-load run (bench.throughput) with and without the
   archive process beside the workers, interleaved (off on off on ...); the drop in
   articles/s, the archive's CPU share, and whether it had stored everything when the
   pipeline finished.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson

from pipeline.archive import build_search, open_store
from pipeline.archive.pgtemp import TempPostgres
from pipeline.archive.rows import article_row

ROOT = Path(__file__).resolve().parent.parent
SPREAD_DAYS = 60  # the replicas' seen_at spread: "--since 7d" then selects about a ninth
BATCH = 500  # the consumer's default transaction size
WARM_UP = 1  # untimed rounds of every search before the timed ones

# (name, search arguments): what newsrooms ask, from common to rare, with each filter
QUERIES: list[tuple[str, dict]] = [
    ("common word", {"q": "government"}),
    ("two words", {"q": "economy growth"}),
    ("phrase", {"q": '"interest rates"'}),
    ("rare word", {"q": "broadband"}),
    ("word + source", {"q": "shares", "source": "business"}),
    ("word + since 7d", {"q": "election", "since": "7d"}),
    ("entity (name)", {"entity": "microsoft"}),
    ("entity + label + word", {"q": "profits", "entity": "united", "label": "ORG"}),
    ("label only", {"label": "PERSON", "q": "minister"}),
    ("quotes by speaker", {"speaker": "blair"}),
    ("quotes by speaker about word", {"q": "election", "speaker": "blair"}),
    ("quotes about word", {"q": "economy", "kind": "quotes"}),
    ("quotes by entity + since", {"kind": "quotes", "entity": "brown", "since": "30d"}),
    ("common entity (GPE:us)", {"entity": "GPE:us"}),
    ("articles quoting speaker", {"kind": "articles", "speaker": "brown"}),
    ("source, no match", {"source": "zzz"}),
    ("no match", {"q": "zzyzx"}),
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


def enriched_corpus(path: Path) -> list[bytes]:
    if not path.exists() or path.stat().st_size == 0:
        from bench.corpus import BBC

        log(f"enriching the BBC corpus once into {path} (a few minutes) ...")
        with open(path, "wb") as out:
            subprocess.run([sys.executable, "-m", "newswire", "enrich", str(BBC)], stdout=out, check=True)
    lines = [line for line in path.read_bytes().splitlines() if line.strip()]
    log(f"{len(lines)} enriched articles from {path}")
    return lines


def replicas(base: list[bytes], n: int, now: float) -> Iterator[tuple[bytes, float]]:
    """n records with unique ids, oldest first, spread over SPREAD_DAYS up to now."""
    parsed = [orjson.loads(v) for v in base]
    for k in range(n):
        rec = dict(parsed[k % len(parsed)])
        rep = k // len(parsed)
        rid = f"{rec['id']}~r{rep}"
        rec["id"] = rid
        rec["quotes"] = [{**q, "id": f"{rid}:{str(q.get('id', '')).rsplit(':', 1)[-1]}"} for q in rec.get("quotes") or []]
        yield orjson.dumps(rec), now - SPREAD_DAYS * 86400 * (1 - k / n)


def fill(url: str, base: list[bytes], n: int) -> dict:
    now = time.time()
    started = time.perf_counter()
    size_at_1000 = 0
    with open_store(url, create=True) as store:
        batch: list = []
        for i, (value, seen) in enumerate(replicas(base, n, now), 1):
            batch.append(article_row(value, seen))
            if len(batch) == BATCH or i == n:
                store.write(batch, [])
                batch = []
            if i == min(1000, n):
                size_at_1000 = store.stats()["bytes"]
            if i % 10_000 == 0:
                log(f"  {i} articles, {i / (time.perf_counter() - started):.0f}/s")
        stats = store.stats()
    took = time.perf_counter() - started
    return {"articles": stats["articles"], "quotes": stats["quotes"], "entities": stats["entities"],
            "bytes": stats["bytes"], "bytes_per_1000": round(stats["bytes"] / stats["articles"] * 1000),
            "bytes_first_1000": size_at_1000, "write_articles_per_s": round(n / took)}


def bulk_gin(url: str, bulk: bool) -> None:
    """A bulk load's usual trick: GIN pending lists on while filling, then merged and switched off,
    which leaves the indexes as the archive keeps them (postgres.py: fastupdate off) at a
    fraction of the filling time; then ANALYZE, as autovacuum would."""
    with open_store(url, create=True) as store:
        run = store._execute  # type: ignore[attr-defined]
        for index in ("articles_tsv", "quotes_tsv"):
            run(f"ALTER INDEX {index} SET (fastupdate = {'on' if bulk else 'off'})")
            if not bulk:
                run(f"SELECT gin_clean_pending_list('{index}')")
        if not bulk:
            run("ANALYZE")


def stored_articles(url: str) -> int:
    """How many articles a kept archive already holds (0 for a new one)."""
    with open_store(url, create=True) as store:
        return int(store.stats()["articles"])


def time_queries(url: str, repeat: int) -> dict:
    timings: dict[str, list[float]] = {name: [] for name, _ in QUERIES}
    timings["second page"] = []
    timings["entity page"] = []
    hits: dict[str, int] = {}
    with open_store(url) as store:
        top = store.search(build_search(entity="microsoft", limit=1))["results"]
        entity_id = "ORG:microsoft" if top else None
        for _ in range(WARM_UP):  # a server just started has empty buffers: not what a user meets
            for _name, args in QUERIES:
                store.search(build_search(args.get("q"), **{k: v for k, v in args.items() if k != "q"}))
        for _ in range(repeat):
            for name, args in QUERIES:
                search = build_search(args.get("q"), **{k: v for k, v in args.items() if k != "q"})
                t0 = time.perf_counter()
                page = store.search(search)
                timings[name].append(time.perf_counter() - t0)
                hits[name] = len(page["results"])
            first = store.search(build_search("government"))
            t0 = time.perf_counter()
            store.search(build_search("government", cursor=first["next_cursor"]))
            timings["second page"].append(time.perf_counter() - t0)
            if entity_id:
                t0 = time.perf_counter()
                store.entity(entity_id)
                timings["entity page"].append(time.perf_counter() - t0)
    searches = [t for name, ts in timings.items() if name != "entity page" for t in ts]
    per_query = {name: round(pct(ts, 0.95) * 1000, 1) for name, ts in timings.items() if ts}
    worst = max((v, k) for k, v in per_query.items() if k != "entity page")
    return {"searches": len(searches), "p50_ms": round(pct(searches, 0.5) * 1000, 1),
            "p95_ms": round(pct(searches, 0.95) * 1000, 1), "max_ms": round(max(searches) * 1000, 1),
            "worst_query": worst[1], "worst_query_p95_ms": worst[0], "per_query_p95_ms": per_query,
            "hits": hits}


def cmd_search(args: argparse.Namespace) -> dict:
    base = enriched_corpus(Path(args.enriched))
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="newswire-bench-archive-") as tmp:
        where = Path(args.keep) if args.keep else Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        stores = {"sqlite": lambda: f"sqlite:///{where}/archive.sqlite3"}
        pg = None
        if "postgresql" in args.stores:
            pg = TempPostgres(directory=where / "pg" if args.keep else None).start()
            stores["postgresql"] = lambda: pg.create_database("bench")
        try:
            for name in args.stores:
                url = stores[name]()
                already = stored_articles(url)
                if already >= args.articles:
                    # a kept archive from an earlier run (--keep): time the queries again only
                    log(f"[{name}] reusing the {already} articles already in {where}")
                    filled = {"articles": already, "reused": True}
                else:
                    if already:
                        raise SystemExit(f"{where} holds a partial {name} archive ({already} articles): "
                                         "delete it or pick another --keep directory")
                    log(f"[{name}] writing {args.articles} articles ...")
                    if name == "postgresql":
                        bulk_gin(url, True)
                    filled = fill(url, base, args.articles)
                    if name == "postgresql":
                        bulk_gin(url, False)
                log(f"[{name}] {filled}")
                log(f"[{name}] {len(QUERIES) + 2} searches x {args.repeat} ...")
                timed = time_queries(url, args.repeat)
                log(f"[{name}] p50 {timed['p50_ms']} ms, p95 {timed['p95_ms']} ms, worst {timed['worst_query']} "
                    f"{timed['worst_query_p95_ms']} ms")
                out[name] = {**filled, **timed}
        finally:
            if pg:
                pg.stop()
    return out


def vm(pid: int, field: str) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cmd_memory(args: argparse.Namespace) -> dict:
    from aiokafka import AIOKafkaProducer

    from pipeline.broker import EmbeddedBroker, free_port

    async def produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_request_size=4_000_000)
        await producer.start()
        try:
            for value in values:
                await producer.send(topic, value=value)
            await producer.flush()
        finally:
            await producer.stop()

    base = enriched_corpus(Path(args.enriched))
    with tempfile.TemporaryDirectory(prefix="newswire-bench-archive-") as tmp, \
            EmbeddedBroker("127.0.0.1", free_port(), log_path=Path(tmp) / "broker.log") as broker:
        log(f"producing {args.articles} enriched records ...")
        records = [v for v, _ in replicas(base, args.articles, time.time())]
        asyncio.run(produce(broker.bootstrap, "news.enriched", records))
        env = {**os.environ, "NEWSWIRE_BROKER": broker.url, "NEWSWIRE_DATA_DIR": tmp,
               "NEWSWIRE_ARCHIVE_GROUP": f"bench-{uuid.uuid4().hex[:6]}"}
        env.pop("NEWSWIRE_ARCHIVE_URL", None)
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "newswire", "archive", "--until-idle", "3"], env=env,
                                stderr=subprocess.PIPE, text=True)
        peak = cpu = 0.0
        while proc.poll() is None:
            peak = max(peak, vm(proc.pid, "VmHWM"))
            cpu = max(cpu, cpu_seconds(proc.pid))
            time.sleep(0.2)
        took = time.perf_counter() - started - 3  # less the idle wait before it exits
        tail = (proc.stderr.read() if proc.stderr else "").strip().splitlines()[-1:]
        with open_store(f"sqlite:///{tmp}/archive.sqlite3") as s:
            stored = s.stats()["articles"]
    return {"articles": args.articles, "stored": stored, "peak_rss_mb": round(peak, 1),
            "articles_per_s": round(stored / took), "cpu_s_per_1000": round(cpu / stored * 1000, 2),
            "last_line": tail[0] if tail else ""}


def cmd_keepup(args: argparse.Namespace) -> dict:
    from bench.corpus import load
    from bench.throughput import children, send_and_collect, start_workers
    from pipeline.broker import EmbeddedBroker, free_port

    def pipeline_cpu(procs: list[subprocess.Popen]) -> float:
        """CPU seconds of the workers and their NLP children so far (process CPU times)."""
        return sum(cpu_seconds(pid) for p in procs for pid in (p.pid, *children(p.pid)))

    corpus, raws = load(args.limit)
    rounds: list[dict] = []
    for n in range(2 * args.pairs):
        archive_on = n % 2 == 1
        with tempfile.TemporaryDirectory(prefix="newswire-bench-keepup-") as tmp, \
                EmbeddedBroker("127.0.0.1", free_port()) as broker:
            app_id = f"bench-{uuid.uuid4().hex[:6]}"
            procs, _ = start_workers(args.processes, broker.url, app_id)
            archive = None
            if archive_on:
                env = {**os.environ, "NEWSWIRE_BROKER": broker.url, "NEWSWIRE_DATA_DIR": tmp}
                env.pop("NEWSWIRE_ARCHIVE_URL", None)
                archive = subprocess.Popen([sys.executable, "-m", "newswire", "archive"], env=env,
                                           stderr=subprocess.DEVNULL)
            try:
                warm = [r.model_copy(update={"id": f"warm-{i}"}) for i, r in enumerate(raws[:16])]
                asyncio.run(send_and_collect(broker.bootstrap, warm, None, 300))
                cpu0 = cpu_seconds(archive.pid) if archive else 0.0
                pipe0, load0 = pipeline_cpu(procs), os.getloadavg()[0]
                full = asyncio.run(send_and_collect(broker.bootstrap, raws, None, 1800))
                span = full.pop("__span__")
                rate = len(raws) / span
                pipe_cpu = pipeline_cpu(procs) - pipe0
                result = {"archive": archive_on, "articles_per_s": round(rate, 2),
                          "load_average_1m": [round(load0, 2), round(os.getloadavg()[0], 2)],
                          "pipeline_cpu_s": round(pipe_cpu, 2),
                          "pipeline_cpu_ms_per_article": round(pipe_cpu / len(raws) * 1000, 1)}
                if archive:
                    done_at = time.perf_counter()
                    stored = 0
                    while time.perf_counter() - done_at < 60:
                        try:
                            with open_store(f"sqlite:///{tmp}/archive.sqlite3") as s:
                                stored = s.stats()["articles"]
                        except Exception:  # not created yet
                            stored = 0
                        if stored >= len(raws) + len(warm):
                            break
                        time.sleep(0.2)
                    archive_cpu = cpu_seconds(archive.pid) - cpu0
                    result.update({"archive_behind_s": round(time.perf_counter() - done_at, 1),
                                   "archive_stored": stored,
                                   "archive_cpu_s": round(archive_cpu, 2),
                                   "archive_cpu_ms_per_article": round(archive_cpu / len(raws) * 1000, 2),
                                   # the archive's CPU against the pipeline's, both measured in this run
                                   "archive_cpu_share_pct": round(archive_cpu / pipe_cpu * 100, 2) if pipe_cpu else None,
                                   "archive_peak_rss_mb": round(vm(archive.pid, "VmHWM"), 1)})
                log(f"round {n + 1}: {result}")
                rounds.append(result)
            finally:
                for p in [*procs, *([archive] if archive else [])]:
                    p.terminate()
                for p in [*procs, *([archive] if archive else [])]:
                    p.wait(30)
    off = statistics.fmean(r["articles_per_s"] for r in rounds if not r["archive"])
    on = statistics.fmean(r["articles_per_s"] for r in rounds if r["archive"])
    shares = [r["archive_cpu_share_pct"] for r in rounds if r.get("archive_cpu_share_pct") is not None]
    return {"corpus": corpus, "articles": len(raws), "processes": args.processes, "rounds": rounds,
            "articles_per_s_off": round(off, 2), "articles_per_s_on": round(on, 2),
            "change_pct": round((on - off) / off * 100, 1),
            "archive_cpu_share_pct": round(statistics.fmean(shares), 2) if shares else None,
            "load_average_1m_range": [min(r["load_average_1m"][0] for r in rounds),
                                      max(r["load_average_1m"][1] for r in rounds)]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--enriched", default=str(Path(tempfile.gettempdir()) / "newswire-bbc-enriched.jsonl"))
    ap.add_argument("--json", help="merge the results into this file")
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("search")
    s.add_argument("--articles", type=int, default=100_000)
    s.add_argument("--repeat", type=int, default=20)
    s.add_argument("--stores", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    s.add_argument("--keep", metavar="DIR", help="keep the stores in DIR (SQLite file, PostgreSQL cluster in DIR/pg) "
                   "for later runs and the render benchmark; a full archive found there is timed, not refilled")
    m = sub.add_parser("memory")
    m.add_argument("--articles", type=int, default=20_000)
    k = sub.add_parser("keepup")
    k.add_argument("--limit", type=int, default=400)
    k.add_argument("--pairs", type=int, default=2)
    k.add_argument("--processes", type=int, default=2)
    args = ap.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the temporary PostgreSQL server and directories go too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    random.seed(0)
    result = {"search": cmd_search, "memory": cmd_memory, "keepup": cmd_keepup}[args.what](args)
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    if args.json:
        path = Path(args.json)
        merged = orjson.loads(path.read_bytes()) if path.exists() else {}
        merged[args.what] = result
        path.write_bytes(orjson.dumps(merged, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

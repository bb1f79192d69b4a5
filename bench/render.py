"""How long the dashboard's pages take to render in Chromium with 100,000 archived articles
(issue 19 item 7: under 1 s).

    python -m bench.archive search --keep /tmp/archive100k          # the 100,000 articles, once
    python -m bench.render --keep /tmp/archive100k --json bench/render.json

One worker on a fresh embedded broker serves the dashboard, its archive pointed at the kept
store (``NEWSWIRE_ARCHIVE_URL``): the SQLite file and, when ``--keep`` holds one, the
PostgreSQL cluster, started from its directory. A few BBC articles go through the pipeline
first so the pipeline page has figures to draw. Each page then loads ``--repeat`` times in a
fresh browser context (no cache: the dashboard sends ``no-store``), and its render time is
``performance.now()`` when the page shows its content: the time from navigation to the
figures, results, article text or quotes on screen, including every API call the page makes.
The first load of each page is also the first time the store answers that question (cold).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import orjson

from bench.corpus import load
from bench.throughput import send_and_collect
from pipeline.archive import open_store
from pipeline.archive.pgtemp import TempPostgres
from pipeline.broker import EmbeddedBroker, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGET_MS = 1000.0
PAGE_TIMEOUT_MS = 30_000  # a page that never shows its content is a failure, not a slow figure
FEED = 20  # articles through the pipeline before the pipeline page is timed
REPLICA = 40  # the archived copy of an article the article page opens (not in the worker's memory)
BASE_ARTICLES = 2226  # the enriched BBC corpus bench.archive replicates under ids "<id>~r<n>"

# (name, path, JavaScript that is true once the page shows its content)
PAGES: list[tuple[str, str, str]] = [
    ("pipeline", "/dashboard",
     "document.querySelectorAll('#workers tbody tr').length > 0 && "
     "document.querySelectorAll('#agents tbody tr').length > 0 && "
     "document.querySelector('#chart-throughput').dataset.points !== undefined"),
    ("search: common word", "/dashboard?view=search&q=government",
     "document.querySelectorAll('#search-results li.result').length === 20"),
    ("search: quotes by speaker about a word", "/dashboard?view=search&kind=quotes&q=election&speaker=blair",
     "document.querySelectorAll('#search-results li.quote-item').length > 0"),
    ("article (archived)", "/dashboard?article=business/001~r{replica}",
     "document.querySelectorAll('#article-text mark').length > 0 && "
     "document.querySelectorAll('#article-entities li').length > 0"),
    ("entity: commonest (GPE:us)", "/dashboard?entity=GPE:us",
     "document.querySelector('#entity-meta').textContent.includes('articles') && "
     "document.querySelectorAll('#entity-cooc li').length > 0"),
    ("entity: company (ORG:microsoft)", "/dashboard?entity=ORG:microsoft",
     "document.querySelector('#entity-meta').textContent.includes('articles')"),
    ("speaker (PERSON:tony-blair)", "/dashboard?speaker=PERSON:tony-blair",
     "document.querySelectorAll('#speaker-quotes li').length === 20"),
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def start_worker(broker_url: str, archive_url: str, data_dir: str) -> tuple[subprocess.Popen, int, Path]:
    port = free_port()
    env = {**os.environ, "NEWSWIRE_BROKER": broker_url, "NEWSWIRE_APP_ID": f"bench-render-{uuid.uuid4().hex[:6]}",
           "NEWSWIRE_WEB_PORT": str(port), "NEWSWIRE_DATA_DIR": data_dir, "NEWSWIRE_ARCHIVE_URL": archive_url}
    log_path = Path(data_dir) / "worker.log"
    proc = subprocess.Popen([sys.executable, "-m", "newswire", "worker", "--no-supervise", "-l", "warn"], env=env,
                            stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited with {proc.returncode}: see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return proc, port, log_path
        except Exception:  # not up yet
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"worker not ready in 180 s: see {log_path}")
        time.sleep(0.5)


def load_once(context, base: str, name: str, path: str, ready: str) -> float:
    """Navigate one page in ``context`` and return ms from navigation to its content on screen."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + path, wait_until="commit")
    try:
        took = page.wait_for_function(f"() => ({ready}) && performance.now()", timeout=PAGE_TIMEOUT_MS).json_value()
    except PlaywrightTimeout:
        shown = page.evaluate("[...document.querySelectorAll('main > section:not([hidden])')]"
                              ".map(s => s.id + ': ' + s.innerText.slice(0, 300))")
        raise RuntimeError(f"{name}: no content within {PAGE_TIMEOUT_MS} ms; the page shows {shown}; "
                           f"errors {errors}") from None
    page.close()
    if errors:
        raise RuntimeError(f"{name}: page errors {errors}")
    return float(took)


def time_pages(base: str, repeat: int, replica: int) -> dict:
    """Each page ``repeat`` times in a fresh context (a first visit: nothing cached), then once
    more in one context that has opened the pipeline page before (moving between pages)."""
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, path, ready in PAGES:
                times = []
                for _ in range(repeat):
                    context = browser.new_context(viewport={"width": 1600, "height": 1000})
                    times.append(load_once(context, base, name, path.format(replica=replica), ready))
                    context.close()
                out[name] = {"first_ms": round(times[0]), "median_ms": round(statistics.median(times)),
                             "max_ms": round(max(times))}
            context = browser.new_context(viewport={"width": 1600, "height": 1000})
            load_once(context, base, *PAGES[0])
            for name, path, ready in PAGES:
                out[name]["in_session_ms"] = round(load_once(context, base, name, path.format(replica=replica), ready))
                log(f"  {name}: {out[name]}")
            context.close()
        finally:
            browser.close()
    return out


def run_store(label: str, archive_url: str, repeat: int) -> dict:
    with open_store(archive_url) as store:
        articles = store.stats()["articles"]
    log(f"[{label}] {articles} archived articles")
    _, raws = load(FEED)
    with tempfile.TemporaryDirectory(prefix="newswire-bench-render-") as tmp, \
            EmbeddedBroker("127.0.0.1", free_port()) as broker:
        proc, port, _ = start_worker(broker.url, archive_url, tmp)
        try:
            asyncio.run(send_and_collect(broker.bootstrap, raws, None, 300))
            time.sleep(6)  # the chart history samples every 5 s: the pipeline page has a point to draw
            replica = max(0, min(REPLICA, articles // BASE_ARTICLES - 1))
            pages = time_pages(f"http://127.0.0.1:{port}", repeat, replica)
        finally:
            proc.terminate()
            proc.wait(30)
    worst = max(pages.values(), key=lambda v: v["max_ms"])["max_ms"]
    return {"articles": articles, "load_average": os.getloadavg(), "pages": pages, "worst_ms": worst,
            "under_1s": worst < TARGET_MS}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", required=True, metavar="DIR",
                    help="the directory bench.archive search --keep filled (archive.sqlite3, pg/)")
    ap.add_argument("--stores", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", help="write the results to this file")
    args = ap.parse_args(argv)
    keep = Path(args.keep)
    result: dict = {}
    for name in args.stores:
        if name == "sqlite":
            path = keep / "archive.sqlite3"
            if not path.exists():
                raise SystemExit(f"no {path}: run python -m bench.archive search --keep {keep} first")
            result["sqlite"] = run_store("sqlite", f"sqlite:///{path}", args.repeat)
        elif (keep / "pg" / "data").exists():
            pg = TempPostgres(directory=keep / "pg").start()
            try:
                result["postgresql"] = run_store("postgresql", pg.url("bench"), args.repeat)
            finally:
                pg.stop()
        else:
            log(f"no PostgreSQL cluster in {keep / 'pg'}: PostgreSQL not timed")
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    if args.json:
        Path(args.json).write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

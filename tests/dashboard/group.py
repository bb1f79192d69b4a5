"""A two-worker pipeline with its archive, on topics of its own, fed articles whose entity and
speaker counts are known: the dashboard tests read its pages and API against those counts.

Own topic names and app id: other tests' workers on the same session broker never see these
articles, so every count on the dashboard comes from this feed alone.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest

from pipeline.broker import free_port
from tests.helpers import collect, collect_all, own_topics, produce, run, wait_http

ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout (test-artifacts/ is ignored there)
INGEST_TOKEN = "dash-ingest-token"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Twelve countries; article i names the countries k < 12 - i, so country k is in 12 - k
# articles: distinct counts, no tie at the tenth place.
COUNTRIES = ["France", "Germany", "Japan", "Brazil", "Canada", "Kenya", "Norway", "Chile", "Egypt",
             "Mexico", "Spain", "Peru"]
SPEAKERS = ["Maria Lopez", "David Chen", "Amina Yusuf", "Peter Novak", "Sofia Rossi", "James Okoro",
            "Elena Petrova", "Tom Becker", "Laura Kim", "Omar Haddad", "Nina Berg"]
SEARCH_WORD = "zirconium"  # one article mentions it: the search test's hit


def article(i: int) -> dict:
    names = COUNTRIES[: len(COUNTRIES) - i]
    listed = ", ".join(names[:-1]) + (f" and {names[-1]}" if len(names) > 1 else names[0])
    quotes = "\n\n".join(f'"We expect progress on item {i}-{j} before the summit ends," {SPEAKERS[j]} said.'
                         for j in range(len(SPEAKERS) - i))
    extra = f" Talks also covered {SEARCH_WORD} exports." if i == 3 else ""
    body = (f"GENEVA, March {i + 1} (Reuters) - Delegates from {listed} met on day {i + 1} of the "
            f"trade round number {1000 + i}.{extra}\n\n{quotes}\n\nThe round continues next week.")
    return {"id": f"dash-{i:02d}", "source": "dashboard-test", "title": f"Trade round day {i + 1}", "body": body}


ARTICLES = [article(i) for i in range(12)]


@dataclass
class Group:
    env: dict
    ports: list[int]
    procs: list[subprocess.Popen]
    logs: Path
    bootstrap: str = ""
    enriched: list[dict] = field(default_factory=list)
    copies: int = 0  # enriched records read, duplicates included (at-least-once)

    def url(self, path: str, worker: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[worker]}{path}"

    def get(self, path: str, worker: int = 0) -> dict:
        with urllib.request.urlopen(self.url(path, worker), timeout=10) as r:
            return orjson.loads(r.read())

    def records(self, topic: str) -> list:
        """Every record on one of the group's topics now."""
        return run(collect_all(self.bootstrap, self.env[f"NEWSWIRE_TOPIC_{topic.upper()}"]))

    def articles_now(self) -> list[dict]:
        """Each article enriched so far, once: other tests (replays) add to the feed."""
        return list({v["id"]: v for _, v in self.records("enriched") if "id" in v}.values())

    def expected_top(self, kind: str, n: int = 10, articles: list[dict] | None = None) -> list[tuple[str, int]]:
        """The true top ``n`` from the enriched records: an entity counts once per article,
        a speaker once per attributed quote (as agents.trends counts them)."""
        counts: Counter[str] = Counter()
        for a in self.enriched if articles is None else articles:
            if kind == "entities":
                counts.update(e["id"] for e in a["entities"])
            else:
                counts.update(q["speaker"]["entity_id"] for q in a["quotes"]
                              if q.get("speaker") and q["speaker"].get("entity_id"))
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


@pytest.fixture(scope="module", name="browser")
def browser_fixture():
    """One Chromium per test module.

    Playwright's sync API allows one driver per thread and, while it runs, leaves its
    event loop marked as running in that thread: a session-wide browser made every
    later pytest-asyncio test fail with "Runner.run() cannot be called from a running
    event loop". A module's scope ends the driver before the next module starts.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# Package scope: the group (two workers and an archive, ~5% of a core each when idle) is
# stopped once the dashboard tests are done instead of running beside every later test.
@pytest.fixture(scope="package", name="dash_group")
def dash_group_fixture(broker, tmp_path_factory):
    tag = uuid.uuid4().hex[:6]
    data = tmp_path_factory.mktemp("dash")
    env = {
        **__import__("os").environ,
        "NEWSWIRE_BROKER": broker.url,
        "NEWSWIRE_APP_ID": f"dash-{tag}",
        "NEWSWIRE_DATA_DIR": str(data),
        "NEWSWIRE_INGEST_TOKEN": INGEST_TOKEN,
        "NEWSWIRE_ARCHIVE_GROUP": f"dash-archive-{tag}",
        # the dashboard calls a worker stalled after half of this: 20 s instead of the default's
        # 45 s of a test waiting (tests/dashboard/test_dashboard_workers.py)
        "NEWSWIRE_STALL_TIMEOUT": "40",
        **own_topics(f"dash-{tag}"),
    }
    ports = [free_port(), free_port()]
    procs: list[subprocess.Popen] = []
    logs = ROOT / "test-artifacts" / f"dash-logs-{tag}"  # kept after the run, for a failure's story
    logs.mkdir(parents=True)
    try:
        procs.append(subprocess.Popen([sys.executable, "-m", "newswire", "archive"], env=env,
                                      stdout=open(logs / "archive.log", "wb"), stderr=subprocess.STDOUT))
        for port in ports:
            procs.append(subprocess.Popen([sys.executable, "-m", "newswire", "worker", "--web-port", str(port),
                                           "-l", "warn"], env=env, stdout=open(logs / f"worker-{port}.log", "wb"),
                                          stderr=subprocess.STDOUT))
        for port, proc in zip(ports, procs[1:], strict=True):
            wait_http(f"http://127.0.0.1:{port}/readyz", proc, 180.0)
        group = Group(env=env, ports=ports, procs=procs, logs=logs, bootstrap=broker.bootstrap)
        # both workers must hold partitions before the feed, or one would take them all
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            view = group.get("/api/pipeline")
            if sum(1 for w in view["workers"] if w["inputs"]) == 2:
                break
            time.sleep(1)
        run(produce(broker.bootstrap, env["NEWSWIRE_TOPIC_RAW"],
                    [(a["id"].encode(), orjson.dumps(a)) for a in ARTICLES]))
        records = run(collect(broker.bootstrap, env["NEWSWIRE_TOPIC_ENRICHED"],
                              lambda rs: len({v.get("id") for _, v in rs}) >= len(ARTICLES), timeout=180))
        group.enriched = list({v["id"]: v for _, v in records}.values())
        group.copies = len(records)
        assert len(group.enriched) == len(ARTICLES)
        yield group
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()

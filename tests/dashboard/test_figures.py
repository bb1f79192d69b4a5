"""The dashboard's figures against known input, through two workers (issue 19 item 1; issue 16
items 4 and 5): the true top 10, every worker in every sample, lag against the true end."""

from __future__ import annotations

import os
import signal
import time
from importlib.metadata import version

import orjson

from agents.web.peers import PUBLISH_S
from tests.dashboard.group import ARTICLES
from tests.helpers import produce, run

SAMPLES = 20
SETTLE_S = 30


def test_trending_lists_are_the_true_top_10_on_every_worker(dash_group):
    articles = dash_group.articles_now()
    entities = dash_group.expected_top("entities", articles=articles)
    speakers = dash_group.expected_top("speakers", articles=articles)
    for worker in (0, 1):
        # trend counts travel through their own topic and the 2 s stats: settled within seconds
        deadline = time.monotonic() + SETTLE_S
        while True:
            view = dash_group.get("/api/pipeline", worker)
            got = ([(e["id"], e["count"]) for e in view["trending_entities"]],
                   [(s["id"], s["count"]) for s in view["quoted_speakers"]])
            if got == (entities, speakers) or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert got == (entities, speakers), f"{dash_group.copies} enriched records for {len(ARTICLES)} articles"
    # names, not ids, for the page
    assert all(e["name"] and ":" not in e["name"] for e in view["trending_entities"])


def test_every_worker_is_in_every_sample(dash_group):
    seen, reporting = [], []
    for i in range(SAMPLES):
        view = dash_group.get("/api/pipeline", i % 2)
        seen.append(sorted(str(w["web"]) for w in view["workers"]))
        reporting.append(all(w["state"] != "silent" for w in view["workers"]))
        time.sleep(0.5)
    assert seen == [sorted(f"http://127.0.0.1:{p}/" for p in dash_group.ports)] * SAMPLES
    assert all(reporting), [(w["web"], w["state"], w["reason"]) for w in view["workers"]]


def test_lag_is_committed_offset_against_the_true_end(dash_group):
    env = dash_group.env
    deadline = time.monotonic() + 30
    while True:
        lag = dash_group.get("/api/pipeline", 1)["lag"]
        raw, normalised = lag["topics"][env["NEWSWIRE_TOPIC_RAW"]], lag["topics"][env["NEWSWIRE_TOPIC_NORMALISED"]]
        if (raw["lag"], normalised["lag"]) == (0, 0) or time.monotonic() > deadline:
            break
        time.sleep(1)
    # every article was read and committed; the ends are what was produced (ListOffsets on
    # the embedded broker says less: the last batch's base offset + 1)
    produced = {t: len(dash_group.records(t)) for t in ("raw", "normalised")}
    assert produced["normalised"] >= len(ARTICLES)
    assert (raw["end"], normalised["end"]) == (produced["raw"], produced["normalised"])
    assert (raw["lag"], raw["in_flight"], normalised["lag"], normalised["in_flight"]) == (0, 0, 0, 0)
    rows = [r for r in lag["partitions"] if r["topic"] == env["NEWSWIRE_TOPIC_NORMALISED"]]
    assert sum(r["committed"] or 0 for r in rows) == produced["normalised"]
    assert len(rows) == 4 and {r["worker"] for r in rows} == {w["worker"] for w in
                                                              dash_group.get("/api/pipeline")["workers"]}


def test_worker_rows_describe_each_worker(dash_group):
    workers = dash_group.get("/api/pipeline")["workers"]
    assert len(workers) == 2
    inputs = sorted(p for w in workers for p in w["inputs"] if p.startswith(dash_group.env["NEWSWIRE_TOPIC_RAW"]))
    assert inputs == sorted(f"{dash_group.env['NEWSWIRE_TOPIC_RAW']}[{i}]" for i in range(4))
    for w in workers:
        assert w["state"] == "running" and not w["bad"] and w["restarts"] == 0
        assert w["nlp"]["state"] == "running" and w["nlp"]["pid"] > 0 and w["nlp"]["rss_mb"] > 50
        assert w["process"]["rss_mb"] > 50 and w["process"]["cpu_percent"] is not None
        assert w["version"] == version("newswire")
        assert w["last_commit_age_s"] is not None and w["last_commit_age_s"] < 600


def test_a_redelivered_article_counts_once(dash_group, broker):
    """At-least-once delivers copies after crashes and rebalances; trends count articles."""
    entities = dash_group.expected_top("entities", articles=dash_group.articles_now())
    before = dash_group.get("/api/pipeline")["agents"]["enrich"]["events_out"]
    copies = ARTICLES[:3]
    run(produce(broker.bootstrap, dash_group.env["NEWSWIRE_TOPIC_RAW"],
                [(a["id"].encode(), orjson.dumps(a)) for a in copies]))
    deadline = time.monotonic() + 120
    while dash_group.get("/api/pipeline")["agents"]["enrich"]["events_out"] < before + len(copies):
        assert time.monotonic() < deadline, "the copies were not enriched"
        time.sleep(1)
    time.sleep(2 * PUBLISH_S + 1)  # the copies' trend messages and the next snapshots
    for worker in (0, 1):
        view = dash_group.get("/api/pipeline", worker)
        assert [(e["id"], e["count"]) for e in view["trending_entities"]] == entities


def wait_for_row(dash_group, web: str, check, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    rows: dict = {}
    while True:
        try:
            rows = {w["web"]: w for w in dash_group.get("/api/pipeline", 0)["workers"]}
        except OSError:  # worker 0 restarting (its supervisor brings it back): ask again
            rows = {}
        if web in rows and check(rows[web]):
            return rows[web]
        assert time.monotonic() < deadline, f"worker row never matched: {rows.get(web)}"
        time.sleep(1)


def test_a_frozen_worker_turns_red_and_a_restart_is_counted(dash_group, browser):
    """Last in this file: it freezes and then kills worker 1 (the group recovers by itself)."""
    from tests.conftest import ROOT

    web = f"http://127.0.0.1:{dash_group.ports[1]}/"
    pid = wait_for_row(dash_group, web, lambda w: w["state"] == "running", 30)["process"]["pid"]
    os.kill(pid, signal.SIGSTOP)  # wedged: alive, silent
    try:
        row = wait_for_row(dash_group, web, lambda w: w["state"] == "silent", 30)
        assert row["bad"] and "no stats for" in row["reason"]
        page = browser.new_page()
        try:
            page.goto(dash_group.url("/dashboard", 0))
            page.wait_for_selector("#workers tr.bad-row[data-state='silent']", timeout=30_000)
            alert = page.text_content("#workers-alert")
            assert row["worker"] in alert and "is silent: no stats for" in alert
            (ROOT / "test-artifacts").mkdir(exist_ok=True)
            page.screenshot(path=str(ROOT / "test-artifacts" / "worker-silent.png"), full_page=True)
        finally:
            page.close()
    finally:
        os.kill(pid, signal.SIGCONT)
    os.kill(pid, signal.SIGKILL)  # the supervisor starts a new process: restart 1
    row = wait_for_row(dash_group, web, lambda w: w["restarts"] == 1 and w["process"].get("pid") != pid, 180)
    assert row["state"] in ("starting", "recovering", "rebalancing", "running")

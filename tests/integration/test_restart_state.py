"""Worker state that must survive a restart: the duplicate detector's fingerprints (a topic
every worker follows), and the group view on the dashboard when a second worker joins."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid

import orjson

from pipeline.broker import free_port
from tests.helpers import collect, own_topics, produce, run
from tests.integration.conftest import wait_ready

STORY = ("VALMORA (Reuters) - Dockworkers at the port of Valmora returned to work on Wednesday after a three-day "
         "strike, ending a dispute that had left dozens of container ships waiting offshore. The union said the "
         "deal included a pay rise of six percent over two years, and the port authority confirmed the agreement.")


def start_worker(env, port, wait=True):
    proc = subprocess.Popen([sys.executable, "-m", "newswire", "worker", "-l", "warn"],
                            env={**env, "NEWSWIRE_WEB_PORT": str(port)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if wait:
        wait_ready(port, proc)
    return proc


def stop(proc):
    proc.terminate()
    proc.wait(60)


def test_duplicate_detector_survives_restart_and_dashboard_sees_both_workers(broker, tmp_path):
    tag = uuid.uuid4().hex[:6]
    # Topics of its own: the session's news.raw holds every earlier test's articles, which a new
    # group would read first, and the package's worker enriches news.raw too (its record of
    # "orig" would end the wait below before this group had judged "orig").
    topics = own_topics(f"restart-{tag}")
    raw, enriched = topics["NEWSWIRE_TOPIC_RAW"], topics["NEWSWIRE_TOPIC_ENRICHED"]
    env = {**os.environ, "NEWSWIRE_BROKER": broker.url, "NEWSWIRE_APP_ID": f"restart-{tag}",
           "NEWSWIRE_DATA_DIR": str(tmp_path), **topics}
    port = free_port()
    first = start_worker(env, port)
    run(produce(broker.bootstrap, raw, [(b"orig", orjson.dumps({"id": "orig", "title": "Strike ends",
                                                                           "body": STORY}))]))
    run(collect(broker.bootstrap, enriched, lambda rs: any(v["id"] == "orig" for _, v in rs)))
    stop(first)

    # Both at once: whichever gets the copy's partition must have read the fingerprints back
    # before judging it (agents/normalise.py waits for that).
    other_port = free_port()
    second, third = start_worker(env, port, wait=False), start_worker(env, other_port, wait=False)
    try:
        wait_ready(port, second)
        wait_ready(other_port, third)
        # any worker's API shows the whole group (stats travel through a global table); waiting
        # for it also lets the rebalance settle before the copy is sent
        deadline = time.monotonic() + 60
        workers: list = []
        while time.monotonic() < deadline and len(workers) < 2:
            with urllib.request.urlopen(f"http://127.0.0.1:{other_port}/api/pipeline") as r:
                workers = orjson.loads(r.read())["workers"]
            time.sleep(1)
        assert len(workers) == 2

        copy = {"id": "syndicated", "title": "Valmora port strike is over", "body": STORY}
        run(produce(broker.bootstrap, raw, [(b"syndicated", orjson.dumps(copy))]))
        records = run(collect(broker.bootstrap, enriched, lambda rs: any(v["id"] == "syndicated" for _, v in rs)))
        copies = [v for _, v in records if v["id"] == "syndicated"]
        # at-least-once: a rebalance may deliver the copy twice; every delivery must name the original
        assert copies and all(c["duplicate_of"] == "orig" for c in copies), [c["duplicate_of"] for c in copies]
    finally:
        stop(third)
        stop(second)

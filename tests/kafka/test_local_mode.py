"""`newswire run --broker kafka`: one Apache Kafka node whose log lives under NEWSWIRE_DATA_DIR.
Stopped mid-flow and started again, it loses nothing: every article sent before the stop is
enriched, and the copies that at-least-once delivery may repeat are identical records."""

from __future__ import annotations

import os
import time
import uuid

from pipeline.broker import free_port, port_open
from tests.helpers import collect, collect_all, run
from tests.kafka.cluster_tools import Sender, comparable
from tests.kafka.conftest import newswire_run, require_kafka, web_env
from tests.reliability.harness import account

# Enough that the stop lands mid-flow (STOP_AFTER enriched, the rest still waiting in news.raw);
# more articles only lengthen the suite (this test took 328 s of a loaded machine with 300).
ARTICLES = 150
STOP_AFTER = 20


def test_durable_local_kafka_loses_nothing_across_a_restart(tmp_path):
    require_kafka()
    port = free_port()
    env = web_env({**os.environ, "NEWSWIRE_DATA_DIR": str(tmp_path / "data"), "NEWSWIRE_BROKER_PORT": str(port),
                   "NEWSWIRE_APP_ID": f"local-{uuid.uuid4().hex[:6]}"})
    env.pop("NEWSWIRE_BROKER", None)
    env.pop("NEWSWIRE_BROKER_KIND", None)
    bootstrap = f"127.0.0.1:{port}"
    ids = range(50_000, 50_000 + ARTICLES)
    log = tmp_path / "run.log"

    t0 = time.monotonic()
    with newswire_run(env, log, "--broker", "kafka", timeout=300):
        first_start = time.monotonic() - t0
        Sender(bootstrap, ids).start().join()
        before = run(collect(bootstrap, "news.enriched", lambda rs: len(rs) >= STOP_AFTER, timeout=180))
    # stopped (SIGTERM) mid-flow: the broker went with it
    assert not port_open("127.0.0.1", port)
    assert len({v["id"] for _, v in before}) < ARTICLES, "the stop came too late to be mid-flow"
    assert (tmp_path / "data" / "kafka" / "node-1" / "data" / "meta.properties").exists()

    t0 = time.monotonic()
    with newswire_run(env, log, "--broker", "kafka", timeout=300):
        second_start = time.monotonic() - t0
        figures = account(bootstrap, ids, timeout=300)
        records = run(collect_all(bootstrap, "news.enriched"))
    figures.update(enriched_before_stop=len({v["id"] for _, v in before}), first_start_s=round(first_start, 1),
                   restart_s=round(second_start, 1))
    print("\n[kafka] durable local mode, stop mid-flow and start again: "
          + ", ".join(f"{k}={v}" for k, v in figures.items() if k != "lost_ids"))
    assert "Apache Kafka" in log.read_text()
    assert figures["lost"] == 0, figures["lost_ids"]
    assert figures["enriched"] == ARTICLES
    copies: dict[str, dict] = {}
    for _, v in records:
        assert copies.setdefault(v["id"], comparable(v)) == comparable(v), f"two different records for {v['id']}"

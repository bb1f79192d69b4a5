"""Consumer lag on Apache Kafka: the dashboard's per-partition end offset, committed offset and
lag (``/api/pipeline``) equal what Kafka's own ``kafka-consumer-groups --describe`` reports for
the group, with a backlog (the NLP children frozen) and after it drained."""

from __future__ import annotations

import contextlib
import os
import signal
import time
import urllib.request

import orjson

from tests.kafka.cluster_tools import Sender, consumer_groups
from tests.kafka.conftest import APP_ID
from tests.reliability.harness import account

INPUTS = ("news.raw", "news.normalised")
FROZEN = 80  # articles sent while enrich cannot finish any: news.normalised lag of at least this


def api_rows(port: int) -> dict[tuple[str, int], dict]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/pipeline", timeout=5) as r:
        view = orjson.loads(r.read())
    return {(row["topic"], row["partition"]): row for row in view["lag"]["partitions"] if row["topic"] in INPUTS}


def agree(kafka_cluster, port: int, timeout: float = 60.0) -> tuple[dict, dict]:
    """Poll until newswire's figures and Kafka's are the same for every input partition (each
    samples at its own moment: stats every 2 s, end offsets every 5 s); the last pair seen."""
    deadline = time.monotonic() + timeout
    while True:
        ours = api_rows(port)
        theirs = {tp: row for tp, row in consumer_groups(kafka_cluster, APP_ID).items() if tp[0] in INPUTS}
        same = len(ours) == len(theirs) == 2 * 4 and all(
            ours[tp]["end"] == row["end"] and ours[tp]["committed"] == row["current"] and ours[tp]["lag"] == row["lag"]
            for tp, row in theirs.items() if tp in ours)
        if same or time.monotonic() > deadline:
            return ours, theirs
        time.sleep(2.0)


def test_lag_and_end_offsets_match_kafka_consumer_groups(kafka_cluster, cluster_pipeline):
    bootstrap = kafka_cluster.bootstrap
    port = cluster_pipeline.ports[0]
    cluster_pipeline.wait_ready()
    before = range(40_000, 40_040)
    Sender(bootstrap, before).start().join()
    assert account(bootstrap, before)["lost"] == 0

    frozen = cluster_pipeline.processes("spawn_main")  # each worker's NLP child (multiprocessing, spawned)
    assert frozen, "no NLP child found under the workers"
    backlog = range(40_040, 40_040 + FROZEN)
    try:
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        Sender(bootstrap, backlog).start().join()
        ours, theirs = agree(kafka_cluster, port)
    finally:
        for pid in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
    waiting = sum(row["lag"] for tp, row in theirs.items() if tp[0] == "news.normalised")
    print(f"\n[kafka] backlog: news.normalised lag {waiting} by kafka-consumer-groups, "
          f"{sum(r['lag'] for tp, r in ours.items() if tp[0] == 'news.normalised')} on the dashboard")
    assert waiting >= FROZEN
    for tp, row in theirs.items():
        assert (ours[tp]["end"], ours[tp]["committed"], ours[tp]["lag"]) == (row["end"], row["current"], row["lag"]), tp

    assert account(bootstrap, backlog)["lost"] == 0
    ours, theirs = agree(kafka_cluster, port)
    for tp, row in theirs.items():
        assert row["lag"] == 0, (tp, row)
        assert (ours[tp]["end"], ours[tp]["committed"], ours[tp]["lag"]) == (row["end"], row["current"], 0), tp

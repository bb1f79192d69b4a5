"""Faults on the three-node cluster while articles flow: a broker killed with SIGKILL (any
broker, then the one leading most of news.raw) and started again, and a worker killed. Nothing
sent may be lost; duplicates (at-least-once) are counted and printed (run with -s)."""

from __future__ import annotations

import os
import random
import signal
import time

import pytest

from tests.kafka.cluster_tools import Sender, busiest_leader, partitions, wait_full_isr
from tests.kafka.conftest import BROKER_SESSION_TIMEOUT_MS, NODES, REPLICATION
from tests.reliability.harness import account

ARTICLES = 2000
KILL_AFTER_S = 3.0  # the flow is under way: the workers are fetching, enriching and committing
# Longer than the controller's broker session timeout (tests/kafka/conftest.py, 6 s): the victim
# is fenced, leadership moves to the survivors and the ISR shrinks to two, which
# min.insync.replicas=2 still accepts.
BROKER_DOWN_S = BROKER_SESSION_TIMEOUT_MS / 1000 + 2.0


def report(name: str, figures: dict) -> None:
    print(f"\n[kafka] {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items() if k != "lost_ids"))


@pytest.mark.parametrize(("victim", "first_id"), [("any broker", 10_000), ("news.raw leader", 20_000)])
def test_broker_kill_9_while_2000_articles_flow(kafka_cluster, cluster_pipeline, victim, first_id):
    bootstrap = kafka_cluster.bootstrap
    ids = range(first_id, first_id + ARTICLES)
    if victim == "news.raw leader":
        node = busiest_leader(bootstrap, "news.raw")
    else:
        node = random.Random(first_id).randint(1, NODES)
    led = sum(p["leader"] == node for p in partitions(bootstrap, "news.raw"))
    sender = Sender(bootstrap, ids).start()
    time.sleep(KILL_AFTER_S)
    kafka_cluster.kill(node, signal.SIGKILL)
    time.sleep(BROKER_DOWN_S)
    restart_s = kafka_cluster.restart(node)
    isr_s = wait_full_isr(bootstrap, "news.raw", REPLICATION)
    sender.join()
    figures = account(bootstrap, ids, timeout=300)
    figures.update(node=node, led_raw_partitions=led, down_s=BROKER_DOWN_S, restart_s=round(restart_s, 1),
                   isr_back_after_restart_s=round(isr_s, 1), send_s=round(sender.seconds, 1),
                   producer_retries=len(sender.failures))
    report(f"kill -9 of {victim} (node {node}) during {ARTICLES} articles", figures)
    assert figures["lost"] == 0, figures["lost_ids"]
    assert figures["enriched"] + figures["dead_lettered"] == ARTICLES


def test_worker_killed_under_the_cluster(kafka_cluster, cluster_pipeline):
    """One worker's supervisor killed with SIGKILL under `newswire run --workers 2`: its Faust
    worker dies with it, the other takes its partitions, `newswire run` starts it again."""
    bootstrap = kafka_cluster.bootstrap
    ids = range(30_000, 30_600)
    inner = set(cluster_pipeline.processes("--no-supervise"))
    (victim,) = [pid for pid in cluster_pipeline.processes(f"--web-port {cluster_pipeline.ports[0]}")
                 if pid not in inner]  # the supervisor, not the Faust worker under it
    sender = Sender(bootstrap, ids).start()
    time.sleep(KILL_AFTER_S)
    os.kill(victim, signal.SIGKILL)
    sender.join()
    figures = account(bootstrap, ids, timeout=300)
    cluster_pipeline.wait_ready()  # restarted by newswire run, for the tests after this one
    figures["producer_retries"] = len(sender.failures)
    report("worker kill -9 under `newswire run --workers 2` on the cluster (600 articles)", figures)
    assert figures["lost"] == 0, figures["lost_ids"]
    assert victim not in cluster_pipeline.processes("newswire worker")

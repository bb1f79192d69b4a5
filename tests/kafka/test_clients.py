"""Clients newswire did not write, on Apache Kafka: librdkafka (confluent-kafka) produces
articles to news.raw and reads news.enriched in a consumer group, with the classic group
protocol and with KIP-848's consumer protocol (Kafka 4 serves it by default); and the topics
are what the deployment promises (replication factor 3, min.insync.replicas 2)."""

from __future__ import annotations

import time
import uuid

import orjson
import pytest
from confluent_kafka import Consumer, Producer

from tests.kafka.cluster_tools import consumer_groups, partitions, topic_config
from tests.kafka.conftest import MIN_INSYNC, REPLICATION

PIPELINE_TOPICS = ["news.raw", "news.normalised", "news.enriched", "news.quotes", "news.deadletter"]


def test_pipeline_topics_are_replicated_as_configured(kafka_cluster, cluster_pipeline):
    for topic in PIPELINE_TOPICS:
        deadline = time.monotonic() + 60  # the outputs are created by a task that runs beside /readyz
        while not (parts := partitions(kafka_cluster.bootstrap, topic)) and time.monotonic() < deadline:
            time.sleep(1.0)
        assert len(parts) == 4, topic
        assert all(len(p["replicas"]) == REPLICATION for p in parts), (topic, parts)
        assert topic_config(kafka_cluster.bootstrap, topic)["min.insync.replicas"] == str(MIN_INSYNC), topic


@pytest.mark.parametrize("protocol", ["classic", "consumer"])
def test_librdkafka_produces_and_consumes_in_a_group(kafka_cluster, cluster_pipeline, protocol):
    run_id = uuid.uuid4().hex[:6]
    ids = [f"rdk-{protocol}-{run_id}-{i}" for i in range(20)]
    producer = Producer({"bootstrap.servers": kafka_cluster.bootstrap, "acks": "all", "enable.idempotence": True})
    delivered: list[str] = []
    for i, article_id in enumerate(ids):
        body = (f"OSLO (Reuters) - The harbour authority said on Tuesday that berth {i} would reopen. "
                f'"We expect ships by noon," harbour master Ingrid Dahl said.')
        producer.produce("news.raw", key=article_id, value=orjson.dumps({"id": article_id, "title": f"Berth {i}",
                                                                         "body": body}),
                         on_delivery=lambda err, msg: delivered.append(msg.key().decode()) if err is None else None)
    assert producer.flush(60) == 0
    assert sorted(delivered) == sorted(ids)

    group = f"rdk-{protocol}-{run_id}"
    config = {"bootstrap.servers": kafka_cluster.bootstrap, "group.id": group, "group.protocol": protocol,
              "auto.offset.reset": "earliest", "enable.auto.commit": False}
    consumer = Consumer(config)
    consumer.subscribe(["news.enriched"])
    got: dict[str, dict] = {}
    committed_here: set[int] = set()  # partitions this consumer committed an offset on
    deadline = time.monotonic() + 180
    try:
        while set(ids) - got.keys() and time.monotonic() < deadline:
            msg = consumer.poll(1.0)
            if msg is None or msg.error():
                continue
            record = orjson.loads(msg.value())
            if record["id"] in ids:
                got[record["id"]] = record
                assert msg.key().decode() == record["id"]
            consumer.commit(msg, asynchronous=False)
            committed_here.add(msg.partition())
        assignment = consumer.assignment()
    finally:
        consumer.close()
    assert sorted(got) == sorted(ids)
    assert {tp.partition for tp in assignment} == {0, 1, 2, 3}  # the only member holds every partition
    for record in got.values():
        assert record["dateline"]["location"] == "OSLO"
        assert any(q["speaker"] and q["speaker"]["name"] == "Ingrid Dahl" for q in record["quotes"])
    # Kafka's own tool sees the group's commits: on every partition this consumer committed on (the
    # loop stops at the 20th id, so a partition whose records it had not reached yet has none)
    committed = consumer_groups(kafka_cluster, group)
    assert committed_here
    assert {tp for tp in committed if tp[0] == "news.enriched" and committed[tp]["current"] is not None} \
        == {("news.enriched", p) for p in committed_here}
    assert sum(row["current"] or 0 for row in committed.values()) > 0

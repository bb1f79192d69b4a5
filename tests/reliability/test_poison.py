"""Poison input from producers the project did not write: every codec librdkafka offers, and a
batch no client can read. Nothing may stop a partition; every good article is enriched and the
unreadable records are dead-lettered with their partition, offset and a specific reason."""

from __future__ import annotations

import confluent_kafka
import orjson
import pytest

from pipeline.broker import EmbeddedBroker, free_port
from tests.helpers import collect, run
from tests.rawbatch import CODEC_ZSTD, batch_bytes, send_batch
from tests.reliability.harness import Workers, story

CODECS = ["gzip", "snappy", "lz4", "zstd"]
PER_CODEC = 5
PARTITIONS = 4  # NEWSWIRE_PARTITIONS default: the poison goes to one, good articles to all


@pytest.fixture
def own_broker(tmp_path):
    with EmbeddedBroker("127.0.0.1", free_port(), log_path=tmp_path / "tansu.log") as b:
        yield b


def librdkafka_produce(bootstrap: str, codec: str, ids: range) -> None:
    producer = confluent_kafka.Producer({"bootstrap.servers": bootstrap, "compression.codec": codec,
                                         "acks": "all", "linger.ms": 20})
    errors: list = []
    for i in ids:
        producer.produce("news.raw", key=f"a{i:05d}".encode(), value=story(i),
                         partition=i % PARTITIONS, on_delivery=lambda err, _m: err and errors.append(err))
    assert producer.flush(30) == 0
    assert errors == []


def test_every_codec_and_a_corrupt_batch(own_broker, tmp_path):
    workers = Workers(own_broker.url, tmp_path)
    workers.start()
    try:
        good: list[int] = []
        for n, codec in enumerate(CODECS):
            ids = range(n * PER_CODEC, (n + 1) * PER_CODEC)
            librdkafka_produce(own_broker.bootstrap, codec, ids)
            good += ids
        # A zstd batch whose payload is not zstd: stored by the broker, unreadable by any consumer.
        poison = [orjson.dumps({"id": f"poison{i}", "body": "never readable"}) for i in range(3)]
        assert run(send_batch(own_broker.bootstrap, "news.raw", 1, batch_bytes(poison, CODEC_ZSTD))) == 0
        # Good articles after the poison, on every partition including the poisoned one.
        after = range(100, 100 + 2 * PARTITIONS)
        librdkafka_produce(own_broker.bootstrap, "none", after)
        good += after

        wanted = {f"a{i:05d}" for i in good}
        enriched = run(collect(own_broker.bootstrap, "news.enriched",
                               lambda rs: wanted <= {v.get("id") for _, v in rs}, timeout=180))
        dead = run(collect(own_broker.bootstrap, "news.deadletter",
                           lambda rs: sum(v.get("reason") == "corrupt_batch" for _, v in rs) >= 3, timeout=60))
    finally:
        workers.stop_all()
    assert wanted <= {v.get("id") for _, v in enriched}
    poisoned = sorted((v["partition"], v["offset"]) for _, v in dead if v.get("reason") == "corrupt_batch")
    assert [p for p, _ in poisoned] == [1, 1, 1]
    offsets = [o for _, o in poisoned]
    assert offsets == list(range(offsets[0], offsets[0] + 3))  # one dead letter per offset of the batch
    assert all(v["stage"] == "normalise" and "could not be read" in v["message"]
               for _, v in dead if v.get("reason") == "corrupt_batch")

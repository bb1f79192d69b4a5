"""The duplicate detector across workers: an original enriched by one worker and a copy that
arrives later on a partition another worker owns. Each worker keeps its own index; the
fingerprints topic, which every worker follows, is how the other worker learns of the original."""

from __future__ import annotations

import time
import urllib.request

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from pipeline.broker import EmbeddedBroker, free_port
from tests.helpers import collect, run
from tests.integration.test_restart_state import STORY
from tests.reliability.harness import Workers


@pytest.fixture
def own_broker(tmp_path):
    with EmbeddedBroker("127.0.0.1", free_port(), log_path=tmp_path / "tansu.log") as b:
        yield b


def raw_partitions(port: int) -> set[int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as r:
        assigned = orjson.loads(r.read())["assigned_partitions"]
    return {int(name.split("[")[1].rstrip("]")) for name in assigned if name.startswith("news.raw[")}


async def send_to(bootstrap: str, partition: int, key: str, value: dict) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait("news.raw", orjson.dumps(value), key=key.encode(), partition=partition)
    finally:
        await producer.stop()


def enriched(bootstrap: str, article_id: str) -> list[dict]:
    records = run(collect(bootstrap, "news.enriched", lambda rs: any(v.get("id") == article_id for _, v in rs)))
    return [v for _, v in records if v.get("id") == article_id]


def test_a_copy_on_another_workers_partition_names_the_original(own_broker, tmp_path):
    workers = Workers(own_broker.url, tmp_path)
    a, b = workers.start(wait=False), workers.start(wait=False)
    try:
        workers.wait_ready(a)
        workers.wait_ready(b)
        deadline = time.monotonic() + 60  # until the group has split news.raw between the two
        while not (raw_partitions(a) and raw_partitions(b)) and time.monotonic() < deadline:
            time.sleep(1)
        first, second = min(raw_partitions(a)), min(raw_partitions(b))
        run(send_to(own_broker.bootstrap, first, "orig", {"id": "orig", "title": "Strike ends", "body": STORY}))
        assert [r["duplicate_of"] for r in enriched(own_broker.bootstrap, "orig")] == [None]
        time.sleep(2)  # the fingerprint's changelog record reaches the other worker
        run(send_to(own_broker.bootstrap, second, "copy",
                    {"id": "copy", "title": "Valmora port strike is over", "body": STORY}))
        copies = enriched(own_broker.bootstrap, "copy")
        assert copies and all(c["duplicate_of"] == "orig" for c in copies)
    finally:
        workers.stop_all()

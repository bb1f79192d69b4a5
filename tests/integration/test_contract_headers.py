"""Every output record carries its schema version, content type and source in Kafka headers, and
validates against the published schemas (issue 17), read back from the real broker with aiokafka."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import orjson
from aiokafka import AIOKafkaProducer

from schemas.records import SCHEMA_VERSION
from tests.contract.validators import ajv_errors, python_errors
from tests.helpers import collect, run

STORY = ("GENEVA (Reuters) - Health ministers met on Tuesday to agree a plan. \"We have a deal,\" "
         "chair Lena Brandt said after the talks. The plan takes effect next month, she said.")


async def _produce(bootstrap: str, messages: list[tuple[bytes, bytes]]) -> dict[bytes, tuple[str, int, int]]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        sent = {}
        for key, value in messages:
            meta = await producer.send_and_wait("news.raw", key=key, value=value)
            sent[key] = (meta.topic, meta.partition, meta.offset)
        return sent
    finally:
        await producer.stop()


def test_outputs_carry_version_type_and_source_headers(worker, broker):
    tag = uuid.uuid4().hex[:8]
    good, bad = f"hdr-{tag}".encode(), f"hdr-bad-{tag}".encode()
    sent = run(_produce(broker.bootstrap, [
        (good, orjson.dumps({"id": good.decode(), "body": STORY, "published_at": "Tue, 24 Aug 2021 09:30:00 +0200"})),
        (bad, orjson.dumps({"id": bad.decode(), "body": STORY, "published_at": "2021-02-30"})),
    ]))

    def mine(key: bytes, field: str = "id") -> Callable[[list], bool]:
        return lambda rs: any(v.get(field) == key.decode() for _, v, _ in rs)

    def read(topic: str, wanted: Callable[[list], bool]) -> list:
        return run(collect(broker.bootstrap, topic, wanted, timeout=90, headers=True))

    normalised = [r for r in read("news.normalised", mine(good)) if r[1]["id"] == good.decode()]
    enriched = [r for r in read("news.enriched", mine(good)) if r[1]["id"] == good.decode()]
    quotes = [r for r in read("news.quotes", mine(good, "article_id"))
              if r[1]["article_id"] == good.decode()]
    dead = [r for r in read("news.deadletter", mine(bad, "key")) if r[1]["key"] == bad.decode()]
    assert normalised and enriched and quotes and dead

    raw_topic, raw_partition, raw_offset = sent[good]
    norm_headers = normalised[0][2]
    assert norm_headers == {
        "schema_version": SCHEMA_VERSION.encode(), "content-type": b"application/json",
        "source_topic": raw_topic.encode(), "source_partition": str(raw_partition).encode(),
        "source_offset": str(raw_offset).encode(),
    }
    for _, value, headers in enriched + quotes:  # enrich reads news.normalised: its source is that record
        assert headers["schema_version"] == value["schema_version"].encode() == SCHEMA_VERSION.encode()
        assert headers["content-type"] == b"application/json"
        assert headers["source_topic"] == b"news.normalised"
        assert int(headers["source_offset"]) >= 0 and int(headers["source_partition"]) >= 0
    _, letter, letter_headers = dead[0]
    assert letter["reason"] == "invalid_record" and "published_at" in letter["message"]
    assert (letter_headers["source_topic"], letter_headers["source_partition"], letter_headers["source_offset"]) == (
        sent[bad][0].encode(), str(sent[bad][1]).encode(), str(sent[bad][2]).encode())
    assert (letter["topic"], letter["partition"], letter["offset"]) == sent[bad]
    assert letter_headers["schema_version"] == SCHEMA_VERSION.encode()

    article = enriched[0][1]
    assert (article["published_at"], article["published_at_precision"]) == ("2021-08-24T07:30:00Z", "datetime")
    assert article["received_at"].endswith("Z") and letter["failed_at"].endswith("Z")
    records = [("NormalisedArticle", v) for _, v, _ in normalised] + [("EnrichedArticle", v) for _, v, _ in enriched]
    records += [("QuoteRecord", v) for _, v, _ in quotes] + [("DeadLetter", v) for _, v, _ in dead]
    assert {(n, str(python_errors(n, v))) for n, v in records if python_errors(n, v)} == set()
    assert [e for e in ajv_errors(records) if e] == []

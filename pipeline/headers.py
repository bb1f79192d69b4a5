"""Kafka headers on every output record: route and trace without parsing the body.

``schema_version`` lets a consumer pick the schema (or skip a major it does not know) before
decoding; ``content-type`` says the value is JSON; ``source_topic`` / ``source_partition`` /
``source_offset`` name the input record it came from, so an output can be traced (and its
input replayed) without opening it. Values are UTF-8 text: offsets and partitions in decimal.
"""

from __future__ import annotations

from typing import Protocol

from schemas.records import SCHEMA_VERSION

CONTENT_TYPE = "application/json"

Headers = list[tuple[str, bytes]]


class SourceRecord(Protocol):
    """What a consumed message tells about itself (Faust's Message and aiokafka's ConsumerRecord)."""

    topic: str
    partition: int
    offset: int


def output_headers(source: SourceRecord | None = None, schema_version: str = SCHEMA_VERSION) -> Headers:
    headers: Headers = [("schema_version", schema_version.encode()), ("content-type", CONTENT_TYPE.encode())]
    if source is not None:
        headers += [("source_topic", str(source.topic).encode()),
                    ("source_partition", str(source.partition).encode()),
                    ("source_offset", str(source.offset).encode())]
    return headers

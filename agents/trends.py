"""Trending entities and most-quoted speakers, counted in Faust windowed tables.

Counts are kept per ten-second tumbling window for an hour; "trending" is the sum over the
last 15 minutes. Each worker publishes the top of its table partitions in its stats, and the
dashboard adds them up.

A table key must always be updated from the same partition, so that exactly one worker
counts it. The enrich agent therefore routes each entity id to a partition of the internal
``trend-counts`` topic itself (``partition_of``) and sends one message per partition per
batch with the counts of all the ids that live there.

The table key is that partition, and the value the window's ``{entity id: count}``: one
changelog record per table per message. Keyed by entity id, every mention in a batch was its
own changelog record (about 18 an article), and those sends cost the two-core pipeline a
twentieth of its throughput. Ten-second windows keep each record small (a few kB at full load).
"""

from __future__ import annotations

import time
import zlib
from collections import defaultdict
from datetime import timedelta

import orjson

from agents.context import Context
from schemas.records import EnrichedArticle

WINDOW_S = 10
SHOW_LAST_S = 15 * 60
TOP_N = 10  # the dashboard's lists


def partition_of(entity_id: str, partitions: int) -> int:
    """Stable across processes and restarts (Python's ``hash`` is salted per process)."""
    return zlib.crc32(entity_id.encode()) % partitions


def trend_counts(articles: list[EnrichedArticle], partitions: int) -> dict[int, bytes]:
    """One message per partition: ``{"entities": {id: [name, label, n]}, "speakers": {...}}``."""
    by_partition: dict[int, dict] = defaultdict(lambda: {"entities": {}, "speakers": {}})
    for article in articles:
        for entity in article.entities:
            counts = by_partition[partition_of(entity.id, partitions)]["entities"]
            counts.setdefault(entity.id, [entity.name, entity.label, 0])[2] += 1
        for quote in article.quotes:
            speaker = quote.speaker
            if speaker is None or not speaker.entity_id:
                continue
            counts = by_partition[partition_of(speaker.entity_id, partitions)]["speakers"]
            label = speaker.entity_id.split(":", 1)[0]
            counts.setdefault(speaker.entity_id, [speaker.name or speaker.text, label, 0])[2] += 1
    return {p: orjson.dumps(v) for p, v in by_partition.items()}


def _from_id(entity_id: str) -> dict:
    """Name and label from the id alone: counts recovered from the changelog after a
    rebalance come without the names this worker saw (``GPE:new-delhi`` -> new delhi, GPE)."""
    label, _, slug = entity_id.partition(":")
    return {"id": entity_id, "name": slug.replace("-", " ") or entity_id, "label": label if slug else ""}


def add_counts(window: dict[str, int], delta: dict[str, int]) -> dict[str, int]:
    """The table operation: the window's counts plus one message's."""
    for key, n in delta.items():
        window[key] = window.get(key, 0) + n
    return window


def register(ctx: Context) -> None:
    app, settings = ctx.app, ctx.settings
    counts_topic = app.topic(f"{settings.app_id}.trend-counts", key_type=bytes, value_type=bytes,
                             key_serializer="raw", value_serializer="raw", partitions=settings.partitions,
                             internal=True)  # created before the subscription (see agents/topics.py)
    ctx.topics_extra["trend_counts"] = counts_topic
    entity_counts = app.Table("trending-entities", default=dict, partitions=settings.partitions).tumbling(
        WINDOW_S, expires=timedelta(hours=1))
    speaker_counts = app.Table("quoted-speakers", default=dict, partitions=settings.partitions).tumbling(
        WINDOW_S, expires=timedelta(hours=1))
    names: dict[str, dict] = {}

    @app.agent(counts_topic, name="trends")
    async def count(stream):  # noqa: ANN001, ANN202
        async for event in stream.events():
            message = orjson.loads(event.value)
            bucket = f"p{event.message.partition}"  # always updated from this partition
            for table, field in ((entity_counts, "entities"), (speaker_counts, "speakers")):
                delta: dict[str, int] = {}
                for key, (name, label, n) in message.get(field, {}).items():
                    names.setdefault(key, {"id": key, "name": name, "label": label})
                    delta[key] = n
                if delta:
                    table[bucket].apply(add_counts, delta)

    def active_buckets() -> set[str]:
        """Buckets of this worker's *active* partitions. The store also holds standby copies
        of other workers' partitions; counting those too would count an entity twice."""
        try:
            assignment = app.consumer.assignment()
        except Exception:  # noqa: BLE001 - not started yet
            return set()
        name = counts_topic.get_topic_name()
        return {f"p{tp.partition}" for tp in assignment if tp.topic == name}

    def top(table, limit: int = TOP_N) -> list[dict]:  # noqa: ANN001
        """This worker's top ``limit``. An id lives on one partition, so one worker, so the
        merge of every worker's top ``limit`` holds the group's true top ``limit``."""
        cutoff = time.time() - SHOW_LAST_S
        buckets = active_buckets()
        totals: dict[str, int] = {}
        for (bucket, (start, _end)), counts in list(table.table.data.items()):
            if bucket in buckets and start >= cutoff - WINDOW_S:
                for key, count in counts.items():
                    totals[key] = totals.get(key, 0) + count
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [{**(names.get(k) or _from_id(k)), "count": c} for k, c in ranked]

    ctx.trends = lambda: {"entities": top(entity_counts), "speakers": top(speaker_counts)}  # type: ignore[attr-defined]

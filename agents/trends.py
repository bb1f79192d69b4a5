"""Trending entities and most-quoted speakers, counted in Faust windowed tables.

Counts are kept per one-minute tumbling window for an hour; "trending" is the sum over the
last 15 minutes. Each table is fed by a topic keyed by entity id, so every key is counted on
exactly one worker; each worker publishes the top of its partitions in its stats, and the
dashboard adds them up.
"""

from __future__ import annotations

import time
from datetime import timedelta

import orjson

from agents.context import Context

WINDOW_S = 60
SHOW_LAST_S = 15 * 60


def register(ctx: Context) -> None:
    app, settings = ctx.app, ctx.settings
    mentions_topic = app.topic(f"{settings.app_id}.entity-mentions", key_type=bytes, value_type=bytes,
                               key_serializer="raw", value_serializer="raw", partitions=settings.partitions)
    ctx.topics_extra["entity_mentions"] = mentions_topic
    entity_counts = app.Table("trending-entities", default=int, partitions=settings.partitions).tumbling(
        WINDOW_S, expires=timedelta(hours=1))
    speaker_counts = app.Table("quoted-speakers", default=int, partitions=settings.partitions).tumbling(
        WINDOW_S, expires=timedelta(hours=1))
    names: dict[str, dict] = {}

    @app.agent(mentions_topic, name="trend_entities")
    async def count_entities(stream):  # noqa: ANN001, ANN202
        async for event in stream.events():
            info = orjson.loads(event.value)
            names[info["id"]] = info
            entity_counts[info["id"]] += 1

    @app.agent(ctx.topics.quotes, name="trend_speakers")
    async def count_speakers(stream):  # noqa: ANN001, ANN202
        async for event in stream.events():
            record = orjson.loads(event.value)
            entity_id = record.get("speaker_entity_id")
            if entity_id:
                label = entity_id.split(":", 1)[0]
                names.setdefault(entity_id, {"id": entity_id, "name": record.get("speaker_name"), "label": label})
                speaker_counts[entity_id] += 1

    def top(table, n: int = 10) -> list[dict]:  # noqa: ANN001
        cutoff = time.time() - SHOW_LAST_S
        totals: dict[str, int] = {}
        for stored_key, value in list(table.table.data.items()):
            key, (start, _end) = stored_key
            if start >= cutoff - WINDOW_S:
                totals[key] = totals.get(key, 0) + value
        ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:n]
        return [{**names.get(k, {"id": k, "name": k}), "count": c} for k, c in ranked]

    ctx.trends = lambda: {"entities": top(entity_counts), "speakers": top(speaker_counts)}  # type: ignore[attr-defined]

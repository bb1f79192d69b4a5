"""A small consumer client for people writing their own subscribers.

    from pipeline.client import enriched_articles, quote_records
    from pipeline.filters import Filters

    async for article in enriched_articles(group="my-archive"):
        print(article.title, [q.speaker.name for q in article.quotes if q.speaker])

    async for quote in quote_records(filters=Filters(speaker="Saleh"), from_beginning=True):
        print(quote.speaker_name, quote.quote.text)

With ``group`` the consumer group is durable: offsets are committed only after your loop body
has finished with a record, so a restart resumes after the last record you handled (and may
see the last few again: at-least-once). Without ``group`` each run is a fresh, anonymous
reader starting at the end of the topic (or the beginning, with ``from_beginning``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from pipeline.filters import Filters
from pipeline.settings import Settings, get_settings
from schemas.records import EnrichedArticle, QuoteRecord


async def subscribe_records(
    settings: Settings, topic: str, group: str | None = None, from_beginning: bool = False,
    idle_timeout: float | None = None, done_on_yield: bool = False,
) -> AsyncIterator[tuple[bytes, int]]:
    """(value, timestamp ms) of every record on ``topic``; see the module docstring for groups.

    ``done_on_yield``: count a record as handled as soon as it is handed over (for callers whose
    handling cannot fail afterwards, like printing it), instead of when the next is asked for.
    """
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.bootstrap_servers,
        group_id=group,  # None: a plain reader of every partition, no group to join (fast)
        enable_auto_commit=False,
        auto_offset_reset="earliest" if (from_beginning or group) else "latest",
        **settings.kafka_client_options(),
    )
    await consumer.start()
    done: dict[TopicPartition, int] = {}  # next offset per partition, for the commit

    async def commit() -> None:
        if group and done:
            await consumer.commit({tp: OffsetAndMetadata(off, "") for tp, off in done.items()})
            done.clear()

    try:
        idle = 0.0
        while True:
            batch = await consumer.getmany(timeout_ms=1000)
            if not batch:
                idle += 1.0
                if idle_timeout is not None and idle >= idle_timeout:
                    return
                continue
            idle = 0.0
            for tp, records in batch.items():
                for record in records:
                    if done_on_yield:
                        done[tp] = record.offset + 1
                    if record.value is not None:
                        yield record.value, record.timestamp
                    done[tp] = record.offset + 1  # the caller is finished with it: it asked for the next
            await commit()
    finally:
        # the caller stopped early (limit, Ctrl-C): keep what it finished, not what it did not
        try:
            await commit()
        finally:
            await consumer.stop()


async def subscribe_raw(settings: Settings, topic: str, filters: Filters | None = None,
                        **kwargs) -> AsyncIterator[bytes]:  # noqa: ANN003
    """Raw JSON values, optionally filtered (see ``pipeline.filters``)."""
    async with aclosing(subscribe_records(settings, topic, **kwargs)) as records:
        async for value, timestamp in records:
            if not filters:
                yield value
                continue
            try:
                record = orjson.loads(value)
            except orjson.JSONDecodeError:
                continue
            if isinstance(record, dict) and filters.matches(record, timestamp):
                yield value


async def enriched_articles(settings: Settings | None = None, filters: Filters | None = None,
                            **kwargs) -> AsyncIterator[EnrichedArticle]:  # noqa: ANN003
    """Typed records from ``news.enriched``; kwargs: group, from_beginning, idle_timeout."""
    settings = settings or get_settings()
    async with aclosing(subscribe_raw(settings, settings.topic_enriched, filters, **kwargs)) as values:
        async for value in values:
            yield EnrichedArticle.model_validate_json(value)


async def quote_records(settings: Settings | None = None, filters: Filters | None = None,
                        **kwargs) -> AsyncIterator[QuoteRecord]:  # noqa: ANN003
    """Typed records from ``news.quotes`` (one per quote, keyed by speaker entity id)."""
    settings = settings or get_settings()
    async with aclosing(subscribe_raw(settings, settings.topic_quotes, filters, **kwargs)) as values:
        async for value in values:
            yield QuoteRecord.model_validate_json(value)


if __name__ == "__main__":
    async def _demo() -> None:
        async for article in enriched_articles(from_beginning=True, idle_timeout=5):
            print(article.id, article.title)

    asyncio.run(_demo())

"""A small consumer client for people writing their own subscribers.

    async for article in enriched_articles():
        print(article.title, [q.speaker.name for q in article.quotes if q.speaker])
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer

from pipeline.settings import Settings, get_settings
from schemas.records import EnrichedArticle, QuoteRecord


async def subscribe_raw(
    settings: Settings, topic: str, group: str | None = None, from_beginning: bool = False,
    idle_timeout: float | None = None,
) -> AsyncIterator[bytes]:
    """Raw values of a topic. With ``group``, offsets are committed and a restart resumes."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.bootstrap_servers,
        group_id=group or f"newswire-subscribe-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=bool(group),
        auto_offset_reset="earliest" if (from_beginning or group) else "latest",
        **settings.kafka_client_options(),
    )
    await consumer.start()
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=1000)
            if not batch:
                if idle_timeout is not None:
                    idle_timeout -= 1.0
                    if idle_timeout <= 0:
                        return
                continue
            for records in batch.values():
                for record in records:
                    if record.value is not None:
                        yield record.value
            if group:
                await consumer.commit()
    finally:
        await consumer.stop()


async def enriched_articles(settings: Settings | None = None, **kwargs) -> AsyncIterator[EnrichedArticle]:  # noqa: ANN003
    settings = settings or get_settings()
    async for value in subscribe_raw(settings, settings.topic_enriched, **kwargs):
        yield EnrichedArticle.model_validate_json(value)


async def quote_records(settings: Settings | None = None, **kwargs) -> AsyncIterator[QuoteRecord]:  # noqa: ANN003
    settings = settings or get_settings()
    async for value in subscribe_raw(settings, settings.topic_quotes, **kwargs):
        yield QuoteRecord.model_validate_json(value)


if __name__ == "__main__":
    async def _demo() -> None:
        async for article in enriched_articles(from_beginning=True, idle_timeout=5):
            print(article.id, article.title)

    asyncio.run(_demo())

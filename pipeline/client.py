"""A small consumer client for people writing their own subscribers.

    from pipeline.client import enriched_articles, quote_records
    from pipeline.filters import Filters

    async for article in enriched_articles(group="my-archive"):
        print(article.title, [q.speaker.name for q in article.quotes if q.speaker])

    async for quote in quote_records(filters=Filters(speaker="Saleh"), from_beginning=True):
        print(quote.speaker_name, quote.quote.text)

Each record is delivered once per reader: a copy that at-least-once processing put on the
topic again (same article id, or same quote id) is skipped, within the last
``pipeline.delivered.DELIVERED_MEMORY`` ids; ``keep_duplicates=True`` passes every copy on.

With ``group`` the consumer group is durable: offsets are committed only after your loop body
has finished with a record, so a restart resumes after the last record you handled (and may
see the last few again: at-least-once). Without ``group`` each run is a fresh, anonymous
reader starting at the end of the topic (or the beginning, with ``from_beginning``).
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaConnectionError
from aiokafka.structs import OffsetAndMetadata

from pipeline import leave_group
from pipeline.broker import port_open
from pipeline.delivered import DeliveredIds, record_key
from pipeline.errors import BrokerUnavailable
from pipeline.filters import Filters
from pipeline.settings import Settings, get_settings
from schemas.records import EnrichedArticle, QuoteRecord

PROBE_AFTER = 5.0  # seconds without records before checking that the broker is still there
TOPIC_WAIT = 2.0  # seconds between looks for a pipeline topic that does not exist yet
INTERNAL_SUFFIXES = ("-changelog", "-repartition", "__assignor-__leader")  # Faust's own topics


class UnknownTopic(LookupError):
    """The topic does not exist on the broker (and is not one the pipeline will create)."""

    def __init__(self, topic: str, known: list[str]) -> None:
        super().__init__(f"topic {topic!r} does not exist; known topics: {', '.join(known) or 'none'}")
        self.topic = topic
        self.known = known


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def user_topics(topics: set[str]) -> list[str]:
    """The topics worth naming to a person: not Kafka's or Faust's internals."""
    return sorted(t for t in topics if not t.startswith("_") and not t.endswith(INTERNAL_SUFFIXES))


def pipeline_topics(settings: Settings) -> set[str]:
    return {settings.topic_raw, settings.topic_normalised, settings.topic_enriched, settings.topic_quotes,
            settings.topic_deadletter}


async def _start(consumer: AIOKafkaConsumer, settings: Settings) -> None:
    try:
        await consumer.start()
    except KafkaConnectionError:
        await consumer.stop()  # else aiokafka warns "Unclosed AIOKafkaConsumer" at exit
        raise BrokerUnavailable(settings.bootstrap_servers) from None


async def _await_topic(consumer: AIOKafkaConsumer, settings: Settings, topic: str,
                       report: Callable[[str], None], idle_timeout: float | None) -> bool:
    """True once ``topic`` exists; False if ``idle_timeout`` passed first. A pipeline topic not
    created yet is waited for (a worker creates it); any other unknown name is an error, not
    an endless silent wait."""
    said = False
    started = time.monotonic()
    while True:
        topics = await consumer.topics()
        if topic in topics:
            return True
        if topic not in pipeline_topics(settings):
            raise UnknownTopic(topic, user_topics(topics))
        if not said:
            report(f"topic {topic!r} does not exist yet (a newswire worker creates it); waiting")
            said = True
        if idle_timeout is not None and time.monotonic() - started >= idle_timeout:
            return False
        await asyncio.sleep(TOPIC_WAIT)


class _BrokerWatch:
    """Says once when the broker stops answering and once when it is back (aiokafka itself
    retries forever without a word to the reader)."""

    def __init__(self, settings: Settings, report: Callable[[str], None]) -> None:
        self.address = settings.bootstrap_servers
        self.hosts = [(h, int(p)) for h, _, p in (a.rpartition(":") for a in self.address.split(","))]
        self.report = report
        self.lost = False
        self.last_check = time.monotonic()

    async def check(self, idle_since: float) -> None:
        now = time.monotonic()
        if now - idle_since < PROBE_AFTER or now - self.last_check < PROBE_AFTER:
            return
        self.last_check = now
        up = any([await asyncio.to_thread(port_open, h, p) for h, p in self.hosts])
        if not up and not self.lost:
            self.report(f"lost the Kafka broker at {self.address}; retrying until it is back (Ctrl-C to stop)")
        elif up and self.lost:
            self.report(f"the Kafka broker at {self.address} is back; resuming")
        self.lost = not up

    def records_arrived(self) -> None:
        if self.lost:
            self.report(f"the Kafka broker at {self.address} is back; resuming")
            self.lost = False


async def subscribe_records(
    settings: Settings, topic: str, group: str | None = None, from_beginning: bool = False,
    idle_timeout: float | None = None, done_on_yield: bool = False,
    report: Callable[[str], None] = _stderr,
) -> AsyncGenerator[tuple[bytes, int], None]:
    """(value, timestamp ms) of every record on ``topic``; see the module docstring for groups.

    ``done_on_yield``: count a record as handled as soon as it is handed over (for callers whose
    handling cannot fail afterwards, like printing it), instead of when the next is asked for.
    ``report`` receives the lines a person watching should read (waiting for a topic, broker
    lost and back). Raises ``BrokerUnavailable`` when no broker answers at the start and
    ``UnknownTopic`` for a topic that does not exist.
    """
    leave_group.install()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        group_id=group,  # None: a plain reader of every partition, no group to join (fast)
        enable_auto_commit=False,
        auto_offset_reset="earliest" if (from_beginning or group) else "latest",
        # a reader that died hands its partitions on after the same time as a worker would
        session_timeout_ms=int(settings.session_timeout * 1000),
        heartbeat_interval_ms=int(min(3.0, settings.session_timeout / 3) * 1000),
        **settings.kafka_client_options(),
    )
    await _start(consumer, settings)
    done: dict[TopicPartition, int] = {}  # next offset per partition, for the commit

    async def commit() -> None:
        if group and done:
            await consumer.commit({tp: OffsetAndMetadata(off, "") for tp, off in done.items()})
            done.clear()

    try:
        if not await _await_topic(consumer, settings, topic, report, idle_timeout):
            return
        consumer.subscribe([topic])
        watch = _BrokerWatch(settings, report)
        idle_since = time.monotonic()
        while True:
            batch = await consumer.getmany(timeout_ms=1000)
            if not batch:
                if idle_timeout is not None and time.monotonic() - idle_since >= idle_timeout:
                    return
                await watch.check(idle_since)
                continue
            watch.records_arrived()
            idle_since = time.monotonic()
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
                        keep_duplicates: bool = False, delivered: DeliveredIds | None = None,
                        **kwargs: Any) -> AsyncGenerator[bytes, None]:
    """Raw JSON values, optionally filtered (see ``pipeline.filters``), each record once.

    A record whose id (``pipeline.delivered.record_key``) this reader already delivered is
    skipped, unless ``keep_duplicates``; pass ``delivered`` to share or inspect the memory.
    """
    seen = None if keep_duplicates else (delivered if delivered is not None else DeliveredIds())
    async with aclosing(subscribe_records(settings, topic, **kwargs)) as records:
        async for value, timestamp in records:
            if not filters and seen is None:
                yield value
                continue
            try:
                record = orjson.loads(value)
            except orjson.JSONDecodeError:
                if not filters:
                    yield value  # not ours to judge: a plain reader passes foreign values on
                continue
            if filters and not (isinstance(record, dict) and filters.matches(record, timestamp)):
                continue
            if seen is not None and not seen.first_time(record_key(record)):
                continue
            yield value


async def enriched_articles(settings: Settings | None = None, filters: Filters | None = None,
                            **kwargs: Any) -> AsyncIterator[EnrichedArticle]:
    """Typed records from ``news.enriched``; kwargs: group, from_beginning, idle_timeout,
    keep_duplicates (each article once per reader by default)."""
    settings = settings or get_settings()
    async with aclosing(subscribe_raw(settings, settings.topic_enriched, filters, **kwargs)) as values:
        async for value in values:
            yield EnrichedArticle.model_validate_json(value)


async def quote_records(settings: Settings | None = None, filters: Filters | None = None,
                        **kwargs: Any) -> AsyncIterator[QuoteRecord]:
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

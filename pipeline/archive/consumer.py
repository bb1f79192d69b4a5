"""The archive's consumer loop: news.enriched and news.deadletter into the store, exactly once.

Exactly once in the store is idempotence plus ordering: every write is an upsert by article id
(dead letters by their own topic/partition/offset), and offsets are committed only after the
store's transaction has committed. A crash between the two replays at most one batch,
which overwrites itself. The loop never skips a batch it could not store: it waits for the
store to come back, saying so on stderr.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import CommitFailedError, KafkaError
from aiokafka.structs import OffsetAndMetadata, TopicPartition

from pipeline import leave_group
from pipeline.archive.backends import open_store
from pipeline.archive.rows import ArticleRow, DeadLetterRow, NotArchivable, article_row, dead_letter_row
from pipeline.archive.store import ArchiveStore, ArchiveUnavailable, redact
from pipeline.settings import Settings

PROGRESS_EVERY_S = 10.0  # a line on stderr while records flow: alive and how fast
RETENTION_EVERY_S = 600.0  # purging is a bulk delete: often enough for a days-long retention
RETRY_MAX_S = 30.0  # back-off ceiling while the store or the broker is down
POLL_MS = 1000


def log(msg: str) -> None:
    print(f"archive: {msg}", file=sys.stderr, flush=True)


@dataclass
class Counts:
    articles: int = 0
    dead_letters: int = 0
    skipped: int = 0  # records on news.enriched that are no article (not JSON, no id)
    batches: int = 0
    started: float = field(default_factory=time.monotonic)


class Archiver:
    """One consumer group member; run several on one store to share partitions."""

    def __init__(self, settings: Settings, url: str | None = None, say: Callable[[str], None] = log) -> None:
        self.settings = settings
        self.url = url
        self.say = say
        self.counts = Counts()
        self.store: ArchiveStore | None = None
        self.stopping = asyncio.Event()

    def stop(self) -> None:
        self.stopping.set()

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.stopping.wait(), seconds)
        except TimeoutError:
            pass

    async def _open_store(self) -> ArchiveStore:
        delay = 1.0
        while True:
            try:
                return await asyncio.to_thread(open_store, self.url, create=True, settings=self.settings)
            except ArchiveUnavailable as exc:
                if "not supported" in str(exc) or "names no file" in str(exc):
                    raise
                self.say(f"waiting for the store: {exc} (retry in {delay:.0f}s)")
            await self._sleep(delay)
            if self.stopping.is_set():
                raise ArchiveUnavailable("stopped while waiting for the store")
            delay = min(delay * 2, RETRY_MAX_S)

    async def _store_batch(self, articles: list[ArticleRow], dead: list[DeadLetterRow]) -> None:
        """Write until it commits; a store that went away is reopened (the batch is kept)."""
        delay = 1.0
        while True:
            assert self.store is not None
            try:
                await asyncio.to_thread(self.store.write, articles, dead)
                return
            except Exception as exc:  # any store failure: keep the batch, retry
                self.say(f"store write failed ({type(exc).__name__}: {exc}); offsets not committed, "
                         f"retrying in {delay:.0f}s")
                await self._sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)
                try:
                    await asyncio.to_thread(self.store.close)
                except Exception:  # already broken
                    pass
                self.store = await self._open_store()

    def _rows(self, batch: dict[TopicPartition, list]) -> tuple[list[ArticleRow], list[DeadLetterRow]]:
        articles: list[ArticleRow] = []
        dead: list[DeadLetterRow] = []
        for tp, records in batch.items():
            for rec in records:
                if rec.value is None:
                    continue
                seen = (rec.timestamp or time.time() * 1000) / 1000
                if tp.topic == self.settings.topic_deadletter:
                    dead.append(dead_letter_row(rec.value, seen, tp.topic, tp.partition, rec.offset))
                    continue
                try:
                    articles.append(article_row(rec.value, seen))
                except NotArchivable as exc:
                    self.counts.skipped += 1
                    if self.counts.skipped <= 10 or self.counts.skipped % 1000 == 0:
                        self.say(f"skipped {tp.topic}/{tp.partition}@{rec.offset}: {exc} "
                                 f"({self.counts.skipped} skipped so far)")
        return articles, dead

    async def _retention(self) -> None:
        days = self.settings.archive_retention
        if not days or self.store is None:
            return
        cutoff = time.time() - days * 86400
        gone = await asyncio.to_thread(self.store.purge, cutoff)
        if any(gone.values()):
            self.say(f"retention {days:g} days: deleted {gone['articles']} articles, {gone['dead_letters']} dead letters")

    async def _start_consumer(self) -> AIOKafkaConsumer | None:
        """Started, or None when stopped while the broker was away."""
        s = self.settings
        delay = 1.0
        leave_group.install()
        while True:
            consumer = AIOKafkaConsumer(
                s.topic_enriched, s.topic_deadletter, bootstrap_servers=s.bootstrap_servers,
                group_id=s.archive_group, enable_auto_commit=False, auto_offset_reset="earliest",
                max_poll_records=s.archive_batch, session_timeout_ms=int(s.session_timeout * 1000),
                **s.kafka_client_options())
            try:
                await consumer.start()
                return consumer
            except KafkaError as exc:
                await consumer.stop()
                self.say(f"waiting for the Kafka broker at {s.bootstrap_servers}: {exc} (retry in {delay:.0f}s)")
            await self._sleep(delay)
            if self.stopping.is_set():
                return None
            delay = min(delay * 2, RETRY_MAX_S)

    async def run(self, idle_exit: float | None = None) -> Counts:
        """Until ``stop()`` (or ``idle_exit`` seconds without records); returns what it stored."""
        self.store = await self._open_store()
        self.say(f"store {redact(self.store.url)}; group {self.settings.archive_group} on "
                 f"{self.settings.topic_enriched}, {self.settings.topic_deadletter}")
        consumer = await self._start_consumer()
        if consumer is None:
            self.store.close()
            return self.counts
        last_progress = last_retention = 0.0
        reported = (0, 0)
        idle = 0.0
        try:
            await self._retention()
            last_retention = time.monotonic()
            while not self.stopping.is_set():
                batch = await consumer.getmany(timeout_ms=POLL_MS, max_records=self.settings.archive_batch)
                now = time.monotonic()
                if batch:
                    idle = 0.0
                    articles, dead = self._rows(batch)
                    if articles or dead:
                        await self._store_batch(articles, dead)
                    offsets = {tp: OffsetAndMetadata(recs[-1].offset + 1, "") for tp, recs in batch.items() if recs}
                    try:
                        await consumer.commit(offsets)
                    except CommitFailedError as exc:  # a rebalance: the next owner replays, upserts absorb it
                        self.say(f"offset commit refused ({exc}); the batch will be replayed and overwrite itself")
                    self.counts.articles += len(articles)
                    self.counts.dead_letters += len(dead)
                    self.counts.batches += 1
                else:
                    idle += POLL_MS / 1000
                    if idle_exit is not None and idle >= idle_exit:
                        break
                if now - last_progress >= PROGRESS_EVERY_S and (self.counts.articles, self.counts.dead_letters) != reported:
                    rate = (self.counts.articles - reported[0]) / max(now - last_progress, 1e-9) if last_progress else 0.0
                    self.say(f"stored {self.counts.articles} articles, {self.counts.dead_letters} dead letters"
                             + (f" ({rate:.0f} articles/s)" if last_progress else ""))
                    reported = (self.counts.articles, self.counts.dead_letters)
                    last_progress = now
                if now - last_retention >= RETENTION_EVERY_S:
                    await self._retention()
                    last_retention = now
        finally:
            await consumer.stop()
            if self.store is not None:
                self.store.close()
        return self.counts


def describe(stats: dict) -> str:
    """The --stats line."""
    mb = stats["bytes"] / 1e6
    span = f", {stats['oldest']} .. {stats['newest']}" if stats.get("oldest") else ""
    return (f"{stats['articles']} articles, {stats['quotes']} quotes, {stats['entities']} entities, "
            f"{stats['dead_letters']} dead letters, {mb:.1f} MB on disk{span}")

"""Sending RawArticles to ``news.raw`` with a plain aiokafka producer (acks=all)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError

from pipeline.errors import BrokerUnavailable
from pipeline.identity import with_id
from pipeline.messages import encode
from pipeline.settings import Settings
from pipeline.sources.base import Item, Rejected
from schemas.records import RawArticle

# Room for the record's JSON envelope around an article at the size limit (field names,
# headline, metadata): the producer must accept what the input limit lets through.
ENVELOPE_BYTES = 65_536


@dataclass
class IngestSummary:
    sent: int = 0
    skipped: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def reasons(self) -> Counter[str]:
        return Counter(r.reason for r in self.rejected)


def prepare(raw: RawArticle) -> RawArticle:
    """The article as it goes on the topic: its id (``pipeline.identity``) and arrival time."""
    return with_id(raw).model_copy(update={"received_at": raw.received_at or datetime.now(UTC)})


class KafkaSink:
    """One producer for a whole ingest (every pass of a follower), stopped on the way out."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.producer = AIOKafkaProducer(
            bootstrap_servers=settings.bootstrap_servers, acks="all", enable_idempotence=False, linger_ms=5,
            max_request_size=settings.max_article_bytes + ENVELOPE_BYTES, **settings.kafka_client_options())

    async def __aenter__(self) -> KafkaSink:
        try:
            await self.producer.start()
        except KafkaConnectionError:
            await self.producer.stop()  # else aiokafka warns "Unclosed AIOKafkaProducer" at exit
            raise BrokerUnavailable(self.settings.bootstrap_servers) from None
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        _tb: TracebackType | None) -> None:
        await self.producer.stop()

    async def send(self, items: Iterable[Item], summary: IngestSummary,
                   on_progress: Callable[[IngestSummary], None] | None = None) -> list[str]:
        """Send every article, count rejections in ``summary``; the ids the broker acknowledged."""
        pending = []
        for item in items:
            if isinstance(item, Rejected):
                summary.rejected.append(item)
            else:
                raw = prepare(item)
                future = await self.producer.send(self.settings.topic_raw, key=(raw.id or "").encode(),
                                                  value=encode(raw))
                pending.append((raw.id or "", future))
                summary.sent += 1  # handed to the producer; the pass fails as a whole if a send does
            if on_progress:
                on_progress(summary)
        acked = []
        for aid, future in pending:
            await future
            acked.append(aid)
        summary.ids.extend(acked)
        return acked

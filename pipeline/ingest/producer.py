"""Sending RawArticles to ``news.raw`` with a plain aiokafka producer (acks=all)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from pipeline.ingest.readers import Rejected
from pipeline.messages import encode
from pipeline.settings import Settings
from schemas.records import RawArticle


@dataclass
class IngestSummary:
    sent: int = 0
    skipped: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def reasons(self) -> Counter[str]:
        return Counter(r.reason for r in self.rejected)


def stable_id(raw: RawArticle) -> str:
    """The producer's id, else a hash of the URL, else of the content: re-sends keep their id."""
    if raw.id:
        return raw.id
    basis = raw.url or (raw.title or "") + "\n" + (raw.body or raw.html or "")
    return hashlib.sha1(basis.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def prepare(raw: RawArticle) -> RawArticle:
    return raw.model_copy(update={"id": stable_id(raw), "received_at": raw.received_at or datetime.now(UTC)})


async def send_all(
    items: Iterable[RawArticle | Rejected], settings: Settings, on_progress=None  # noqa: ANN001
) -> IngestSummary:
    summary = IngestSummary()
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all",
                                enable_idempotence=False, linger_ms=5, max_request_size=settings.max_article_bytes + 65536,
                                **settings.kafka_client_options())
    await producer.start()
    try:
        pending = []
        for item in items:
            if isinstance(item, Rejected):
                summary.rejected.append(item)
            else:
                raw = prepare(item)
                pending.append(await producer.send(settings.topic_raw, key=raw.id.encode(), value=encode(raw)))
                summary.sent += 1
                summary.ids.append(raw.id)
            if on_progress:
                on_progress(summary)
        for fut in pending:
            await fut
        await producer.flush()
    finally:
        await producer.stop()
    return summary

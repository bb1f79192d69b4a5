"""What every agent module needs, passed explicitly instead of through module globals.

The dashboard's pieces (peers, lag tracker, dead-letter index, trends) live in ``agents.web``
and ``agents.trends``, which import this module; their slots here are typed by the small
protocols below, so the context names what it holds without importing them back.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from faust.types import AppT, EventT, TopicT

from agents.topics import Topics
from pipeline.headers import Headers, output_headers
from pipeline.messages import dead_letter, encode
from pipeline.metrics import Metrics
from pipeline.nlp_process import NlpProcess
from pipeline.settings import Settings

T = TypeVar("T")
Snapshot = dict[str, Any]  # one worker's published figures (agents.web.peers.snapshot)
Trends = dict[str, list[dict[str, Any]]]  # {"entities": [...], "speakers": [...]}


class PeerSnapshots(Protocol):
    """The other workers' last snapshots (agents.web.peers.Peers)."""

    def live(self, now: float | None = None) -> list[Snapshot]: ...


class LagRows(Protocol):
    """Per-partition lag rows of this worker (agents.lag.LagTracker)."""

    def partitions(self) -> list[dict[str, Any]]: ...


class DeadLetterSummary(Protocol):
    """Counts of dead letters by reason and stage (agents.web.deadletters.DeadIndex)."""

    def summary(self) -> dict[str, Any]: ...


@dataclass
class Context:
    app: AppT
    settings: Settings
    topics: Topics
    metrics: Metrics = field(default_factory=Metrics)
    # spaCy runs in a child process (pipeline.nlp_process), created by the enrich
    # agent; normalisation runs in a thread, off the event loop.
    nlp: NlpProcess | None = None
    normalise_executor: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "newswire-norm"))
    worker_id: str = ""
    # The last enriched articles this worker produced, for the dashboard's article page.
    articles: OrderedDict[str, bytes] = field(default_factory=OrderedDict)
    topics_extra: dict[str, TopicT] = field(default_factory=dict)  # internal topics other agents feed
    trends: Callable[[], Trends] | None = None  # this worker's top lists, set by agents.trends
    # set by agents.web.peers / agents.web.views when the web layer registers
    peers: PeerSnapshots | None = None
    own_snapshot: Callable[[], Snapshot] | None = None
    lag_tracker: LagRows | None = None
    dead_index: DeadLetterSummary | None = None

    def remember_article(self, article_id: str, encoded: bytes, keep: int = 200) -> None:
        self.articles[article_id] = encoded
        self.articles.move_to_end(article_id)
        while len(self.articles) > keep:
            self.articles.popitem(last=False)

    async def run_normalise(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.normalise_executor, fn, *args)

    async def send(self, topic: TopicT, key: str | None, value: bytes,
                   partition: int | None = None, headers: Headers | None = None) -> asyncio.Future[Any]:
        """Publish now (not attached to the source offset) and return the delivery future.

        Callers await these futures before acking the source events, so a source offset is
        committed only after its outputs are acknowledged by the broker: at-least-once.
        Values are already bytes, so this goes straight to Faust's producer: ``Topic.send``'s
        codec and sensor bookkeeping cost more than a record's own encoding (an article makes
        about seven output records).
        """
        producer = await self.app.maybe_start_producer()
        return await producer.send(topic.get_topic_name(), key.encode() if key is not None else None, value,
                                   partition=partition, timestamp=None, headers=headers)

    async def send_dead_letter(self, stage: str, error: BaseException, event: EventT | None = None,
                               value: bytes | None = None, article_id: str | None = None) -> asyncio.Future[Any]:
        msg = event.message if event is not None else None
        record = dead_letter(
            stage=stage, error=error, value=value if value is not None else (event.value if event else None),
            key=event.key if event is not None else None,
            topic=msg.topic if msg else None, partition=msg.partition if msg else None,
            offset=msg.offset if msg else None, article_id=article_id,
        )
        self.metrics.dead_letters[record.reason] += 1
        self.metrics.recent_dead.appendleft({
            "stage": record.stage, "reason": record.reason, "message": record.message[:300],
            "article_id": record.article_id, "offset": record.offset, "partition": record.partition,
            "failed_at": record.failed_at, "payload": record.payload[:2000],
        })
        self.metrics.agent(stage).errors += 1
        return await self.send(self.topics.deadletter, article_id or (record.key or None), encode(record),
                               headers=output_headers(msg))

"""What every agent module needs, passed explicitly instead of through module globals."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import faust

from agents.topics import Topics
from pipeline.headers import Headers, output_headers
from pipeline.messages import dead_letter, encode
from pipeline.metrics import Metrics
from pipeline.nlp_process import NlpProcess
from pipeline.settings import Settings


@dataclass
class Context:
    app: faust.App
    settings: Settings
    topics: Topics
    metrics: Metrics = field(default_factory=Metrics)
    # spaCy runs in a child process (pipeline.nlp_process), created by the enrich
    # agent; normalisation runs in a thread, off the event loop.
    nlp: NlpProcess | None = None
    normalise_executor: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "newswire-norm"))
    worker_id: str = ""
    stats_table: object = None  # the global "worker-stats" table, set by agents.app
    # The last enriched articles this worker produced, for the dashboard's article page.
    articles: OrderedDict = field(default_factory=OrderedDict)
    topics_extra: dict = field(default_factory=dict)  # internal topics other agents feed
    trends: object = None  # () -> {"entities": [...], "speakers": [...]}, set by agents.trends

    def remember_article(self, article_id: str, encoded: bytes, keep: int = 200) -> None:
        self.articles[article_id] = encoded
        self.articles.move_to_end(article_id)
        while len(self.articles) > keep:
            self.articles.popitem(last=False)

    async def run_normalise(self, fn, *args):  # noqa: ANN001, ANN201
        return await asyncio.get_running_loop().run_in_executor(self.normalise_executor, fn, *args)

    async def send(self, topic: faust.TopicT, key: str | None, value: bytes,
                   partition: int | None = None, headers: Headers | None = None) -> asyncio.Future:
        """Publish now (not attached to the source offset) and return the delivery future.

        Callers await these futures before acking the source events, so a source offset is
        committed only after its outputs are acknowledged by the broker: at-least-once.
        Values are already bytes, so this goes straight to Faust's producer: ``Topic.send``'s
        codec and sensor bookkeeping cost more than a record's own encoding (an article makes
        about seven output records).
        """
        producer = await self.app.maybe_start_producer()
        return await producer.send(topic.get_topic_name(), key.encode() if key else None, value,
                                   partition=partition, timestamp=None, headers=headers)

    async def send_dead_letter(self, stage: str, error: BaseException, event: faust.EventT | None = None,
                               value: bytes | None = None, article_id: str | None = None) -> asyncio.Future:
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


def now() -> float:
    return time.monotonic()

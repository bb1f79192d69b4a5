"""Agent ``enrich``: news.normalised -> news.enriched + one news.quotes record per quote.

Two stages overlap so that the NLP process never waits on Kafka:

* the agent takes a batch (``stream.take_events`` with a deadline) and hands it to the worker's
  NLP child process (``pipeline.nlp_process``), which parses it with ``nlp.pipe``,
  extracts entities and quotes, and returns the encoded records;
* a finisher task awaits each batch's results in order, publishes the records, waits for the
  broker's acks, and only then acks the source events; meanwhile the agent has already
  submitted the next batches, so the child never waits for Kafka.

Each message gets an extra reference before the hand-off, so ``take_events``' own ack is not
the final one: an offset becomes committable only after its outputs are acknowledged
(at-least-once). An article the NLP process cannot handle is dead-lettered on its own.

``prepare`` and ``finish`` are plain coroutines/functions around the context's ``send`` and an
``ack`` callable: tests run them in-process (tests/unit/test_agents_inprocess.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import orjson
from faust import Stream
from faust.types import EventT, StreamT

from agents.context import Context
from agents.trends import trend_counts
from pipeline.compact import fit
from pipeline.errors import PipelineError, Reason, Stage
from pipeline.fanout import quote_records
from pipeline.headers import Headers, output_headers
from pipeline.messages import encode, poison_of
from pipeline.nlp_process import NlpProcess, Outcome
from schemas.records import EnrichedArticle, NormalisedArticle

Ack = Callable[[EventT], Awaitable[Any]]


@dataclass
class Batch:
    """One batch between the agent and the finisher."""

    events: list[EventT]  # every event taken, in order: each is acked once its outputs are
    items: list[tuple[EventT, NormalisedArticle | None, Outcome | PipelineError]]  # known results
    parsed: list[tuple[EventT, NormalisedArticle]]  # sent to the NLP process
    pending: asyncio.Future[list[Outcome]] | None  # the NLP process's outcomes for ``parsed``
    started: float

    def submit(self, enrich: Callable[[list[NormalisedArticle]], Coroutine[Any, Any, list[Outcome]]]) -> None:
        """Start the NLP work now; the finisher awaits it. The NLP process so always has the next
        batch waiting while this one is published."""
        if self.parsed:
            self.pending = asyncio.ensure_future(enrich([a for _, a in self.parsed]))  # noqa: RUF006 - held here, awaited by finish


def prepare(events: list[EventT]) -> Batch:
    """Take a reference on each message and sort the batch: what goes to the NLP process, and
    what is already known to fail (a poison placeholder, a record that is no NormalisedArticle)."""
    batch = Batch(events=events, items=[], parsed=[], pending=None, started=time.monotonic())
    for event in events:
        event.message.incref()  # released by the finisher once outputs are acked
        poison = poison_of(event.headers)
        if poison is not None:
            batch.items.append((event, None, poison))
            continue
        try:
            batch.parsed.append((event, NormalisedArticle.model_validate(orjson.loads(event.value))))
        except Exception as exc:
            err = PipelineError(f"not a NormalisedArticle: {exc}", Reason.INVALID_RECORD)
            batch.items.append((event, None, err))
    return batch


async def publish(ctx: Context, article: EnrichedArticle, encoded: bytes, started: float,
                  headers: Headers) -> list[asyncio.Future[Any]]:
    """Send an enriched record and its quote records; the delivery futures are awaited by the caller."""
    ctx.remember_article(article.id, encoded)
    topics = ctx.topics
    futures = [await ctx.send(topics.enriched, article.id, encoded, headers=headers)]
    for record in quote_records(article):
        futures.append(await ctx.send(topics.quotes, record.speaker_entity_id or "", encode(record), headers=headers))
    ctx.metrics.recent_articles.appendleft({
        "id": article.id, "title": article.title, "source": article.source,
        "entities": len(article.entities), "quotes": len(article.quotes),
        "duplicate_of": article.duplicate_of, "at": time.time(),
    })
    ctx.metrics.agent(Stage.ENRICH).record_out(latency=time.monotonic() - started)
    return futures


async def finish(ctx: Context, batch: Batch, ack: Ack) -> None:
    """Publish a batch's records (or dead letters), wait for the broker to acknowledge every one,
    and only then ack the source events."""
    items = list(batch.items)
    if batch.pending is not None:
        outcomes = await batch.pending
        items.extend((e, a, o) for (e, a), o in zip(batch.parsed, outcomes, strict=True))
    futures: list[asyncio.Future[Any]] = []
    published: list[EnrichedArticle] = []
    for event, article, outcome in items:
        try:
            if isinstance(outcome, PipelineError):
                raise outcome
            if outcome.error is not None or outcome.encoded is None:
                raise PipelineError(outcome.error or "no record", Reason.NLP_FAILED)
            enriched = EnrichedArticle.model_validate_json(outcome.encoded)  # one parse, not two
            enriched, encoded = fit(enriched, outcome.encoded, ctx.settings.max_output_bytes)
            futures.extend(await publish(ctx, enriched, encoded, batch.started, output_headers(event.message)))
            published.append(enriched)
        except PipelineError as exc:
            futures.append(await ctx.send_dead_letter(Stage.ENRICH, exc, event,
                                                      article_id=article.id if article else None))
        except Exception as exc:  # a bug must not stop the stream
            err = PipelineError(f"{type(exc).__name__}: {exc}", Reason.NLP_FAILED)
            futures.append(await ctx.send_dead_letter(Stage.ENRICH, err, event,
                                                      article_id=article.id if article else None))
    counts_topic = ctx.topics_extra.get("trend_counts")
    if counts_topic is not None and published:
        for partition, value in trend_counts(published, ctx.settings.partitions).items():
            futures.append(await ctx.send(counts_topic, None, value, partition=partition))
    await asyncio.gather(*futures)
    for event in batch.events:
        await ack(event)  # the final reference: now the offset may be committed


def register(ctx: Context) -> None:
    app, settings, topics = ctx.app, ctx.settings, ctx.topics
    metrics = ctx.metrics.agent(Stage.ENRICH)

    async def finisher(stream: Stream[bytes], queue: asyncio.Queue[Batch]) -> None:
        while True:
            batch = await queue.get()
            await finish(ctx, batch, stream.ack)
            queue.task_done()

    @app.agent(topics.normalised, name="enrich")
    async def enrich_agent(stream: StreamT[bytes]) -> None:
        if not isinstance(stream, Stream):  # take_events is Stream's, not declared on StreamT
            raise TypeError(f"the enrich agent needs a faust Stream, got {type(stream).__name__}")
        if ctx.nlp is None:
            ctx.nlp = NlpProcess(settings.model, settings.batch_size)
            await ctx.nlp.warm_up()
        nlp: NlpProcess = ctx.nlp
        queue: asyncio.Queue[Batch] = asyncio.Queue(maxsize=1)
        finishing = asyncio.ensure_future(finisher(stream, queue))
        try:
            async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
                metrics.record_in(len(events))
                batch = prepare(list(events))
                batch.submit(nlp.enrich)
                if finishing.done():
                    finishing.result()  # surface a crashed finisher instead of hanging
                await queue.put(batch)
        finally:
            finishing.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await finishing

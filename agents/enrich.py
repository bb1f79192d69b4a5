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
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import orjson

from agents.context import Context
from agents.trends import trend_counts
from pipeline.enrich import quote_records
from pipeline.errors import PipelineError, Reason, Stage
from pipeline.headers import Headers, output_headers
from pipeline.messages import encode, poison_of
from pipeline.nlp_process import NlpProcess, Outcome
from schemas.records import EnrichedArticle, NormalisedArticle


def register(ctx: Context) -> None:
    app, settings, topics = ctx.app, ctx.settings, ctx.topics
    metrics = ctx.metrics.agent(Stage.ENRICH)

    async def publish(article: EnrichedArticle, encoded: bytes, started: float, headers: Headers) -> list:
        ctx.remember_article(article.id, encoded)
        futures = [await ctx.send(topics.enriched, article.id, encoded, headers=headers)]
        for record in quote_records(article):
            futures.append(await ctx.send(topics.quotes, record.speaker_entity_id or "", encode(record), headers=headers))
        ctx.metrics.recent_articles.appendleft({
            "id": article.id, "title": article.title, "source": article.source,
            "entities": len(article.entities), "quotes": len(article.quotes),
            "duplicate_of": article.duplicate_of, "at": time.time(),
        })
        metrics.record_out(latency=time.monotonic() - started)
        return futures

    async def finish(stream, queue: asyncio.Queue) -> None:
        while True:
            events, items, parsed, pending, started = await queue.get()
            if pending is not None:
                outcomes: list[Outcome] = await pending
                items.extend((e, a, o) for (e, a), o in zip(parsed, outcomes, strict=True))
            futures: list = []
            published: list[EnrichedArticle] = []
            for event, article, outcome in items:
                try:
                    if isinstance(outcome, PipelineError):
                        raise outcome
                    if outcome.error is not None:
                        raise PipelineError(outcome.error, Reason.NLP_FAILED)
                    enriched = EnrichedArticle.model_validate_json(outcome.encoded)  # one parse, not two
                    futures.extend(await publish(enriched, outcome.encoded, started, output_headers(event.message)))
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
                for partition, value in trend_counts(published, settings.partitions).items():
                    futures.append(await ctx.send(counts_topic, None, value, partition=partition))
            await asyncio.gather(*futures)
            for event in events:
                await stream.ack(event)  # the final reference: now the offset may be committed
            queue.task_done()

    @app.agent(topics.normalised, name="enrich")
    async def enrich_agent(stream):
        if ctx.nlp is None:
            ctx.nlp = NlpProcess(settings.model, settings.batch_size)
            await ctx.nlp.warm_up()
        nlp: NlpProcess = ctx.nlp
        queue: asyncio.Queue = asyncio.Queue(maxsize=1)
        finisher = asyncio.ensure_future(finish(stream, queue))
        try:
            async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
                started = time.monotonic()
                metrics.record_in(len(events))
                items: list[tuple] = []
                parsed: list[tuple] = []
                for event in events:
                    event.message.incref()  # released by the finisher once outputs are acked
                    poison = poison_of(event.headers)
                    if poison is not None:
                        items.append((event, None, poison))
                        continue
                    try:
                        parsed.append((event, NormalisedArticle.model_validate(orjson.loads(event.value))))
                    except Exception as exc:
                        err = PipelineError(f"not a NormalisedArticle: {exc}", Reason.INVALID_RECORD)
                        items.append((event, None, err))
                # submitted now, awaited by the finisher: the NLP process always has the next
                # batch waiting while this one is published
                pending = asyncio.ensure_future(nlp.enrich([a for _, a in parsed])) if parsed else None
                if finisher.done():
                    finisher.result()  # surface a crashed finisher instead of hanging
                await queue.put((events, items, parsed, pending, started))
        finally:
            finisher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await finisher

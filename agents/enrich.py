"""Agent ``enrich``: news.normalised -> news.enriched + one news.quotes record per quote.

Two stages overlap so that the spaCy thread never waits on Kafka:

* the agent takes a batch (``stream.take_events`` with a deadline) and parses it with
  ``nlp.pipe`` in the NLP thread;
* a finisher task extracts entities and quotes (in the normalisation thread), publishes the
  records, waits for the broker's acks, and only then acks the source events.

Each message gets an extra reference before the hand-off, so ``take_events``' own ack is not
the final one: an offset becomes committable only after its outputs are acknowledged
(at-least-once). A batch that fails in spaCy is retried one article at a time, so only the
bad article is dead-lettered.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import orjson

from agents.context import Context
from pipeline.enrich import extract, parse_batch, quote_records
from pipeline.errors import PipelineError, Reason, Stage
from pipeline.messages import encode
from pipeline.nlp.model import load_model, model_label
from schemas.records import EnrichedArticle, NormalisedArticle


def register(ctx: Context) -> None:
    app, settings, topics = ctx.app, ctx.settings, ctx.topics
    metrics = ctx.metrics.agent(Stage.ENRICH)

    def parse(articles: list[NormalisedArticle]):  # noqa: ANN202
        nlp = load_model(settings.model)
        return parse_batch(articles, nlp, batch_size=settings.batch_size), model_label(nlp)

    async def publish(article: EnrichedArticle, started: float) -> list:
        encoded = encode(article)
        ctx.remember_article(article.id, encoded)
        futures = [await ctx.send(topics.enriched, article.id, encoded)]
        mentions_topic = ctx.topics_extra.get("entity_mentions")
        for entity in article.entities if mentions_topic is not None else ():
            info = orjson.dumps({"id": entity.id, "name": entity.name, "label": entity.label})
            futures.append(await ctx.send(mentions_topic, entity.id, info))
        for record in quote_records(article):
            futures.append(await ctx.send(topics.quotes, record.speaker_entity_id or "", encode(record)))
        ctx.metrics.recent_articles.appendleft({
            "id": article.id, "title": article.title, "source": article.source,
            "entities": len(article.entities), "quotes": len(article.quotes),
            "duplicate_of": article.duplicate_of, "at": time.time(),
        })
        metrics.record_out(latency=time.monotonic() - started)
        return futures

    async def finish(stream, queue: asyncio.Queue) -> None:  # noqa: ANN001
        while True:
            events, items, started = await queue.get()
            futures: list = []
            for event, article, doc, label, per_article, error in items:
                try:
                    if error is not None:
                        raise error
                    enriched = await ctx.run_normalise(extract, article, doc, label, per_article)
                    futures.extend(await publish(enriched, started))
                except PipelineError as exc:
                    futures.append(await ctx.send_dead_letter(Stage.ENRICH, exc, event,
                                                              article_id=article.id if article else None))
                except Exception as exc:  # noqa: BLE001 - a bug must not stop the stream
                    err = PipelineError(f"{type(exc).__name__}: {exc}", Reason.NLP_FAILED)
                    futures.append(await ctx.send_dead_letter(Stage.ENRICH, err, event,
                                                              article_id=article.id if article else None))
            await asyncio.gather(*futures)
            for event in events:
                await stream.ack(event)  # the final reference: now the offset may be committed
            queue.task_done()

    @app.agent(topics.normalised, name="enrich")
    async def enrich_agent(stream):  # noqa: ANN001, ANN202
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
                    try:
                        parsed.append((event, NormalisedArticle.model_validate(orjson.loads(event.value))))
                    except Exception as exc:  # noqa: BLE001
                        err = PipelineError(f"not a NormalisedArticle: {exc}", Reason.INVALID_RECORD)
                        items.append((event, None, None, None, 0.0, err))
                if parsed:
                    t0 = time.perf_counter()
                    try:
                        docs, label = await ctx.run_blocking(parse, [a for _, a in parsed])
                        per_article = (time.perf_counter() - t0) / len(parsed)
                        items.extend((e, a, d, label, per_article, None) for (e, a), d in zip(parsed, docs, strict=True))
                    except Exception:  # noqa: BLE001 - isolate the article that broke the batch
                        for event, article in parsed:
                            try:
                                (doc,), label = await ctx.run_blocking(parse, [article])
                                items.append((event, article, doc, label, 0.0, None))
                            except Exception as exc:  # noqa: BLE001
                                err = PipelineError(f"{type(exc).__name__}: {exc}", Reason.NLP_FAILED)
                                items.append((event, article, None, None, 0.0, err))
                if finisher.done():
                    finisher.result()  # surface a crashed finisher instead of hanging
                await queue.put((events, items, started))
        finally:
            finisher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await finisher

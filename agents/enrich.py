"""Agent ``enrich``: news.normalised -> news.enriched + one news.quotes record per quote.

Articles are taken in batches (``stream.take_events`` with a deadline) and parsed with
``nlp.pipe`` in the context's executor thread, so the event loop keeps serving the broker
and the dashboard. A batch that fails is retried one article at a time so that only the
bad article is dead-lettered.
"""

from __future__ import annotations

import asyncio
import time

import orjson

from agents.context import Context
from pipeline.enrich import enrich_batch, quote_records
from pipeline.errors import PipelineError, Reason, Stage
from pipeline.messages import encode
from pipeline.nlp.model import load_model
from schemas.records import EnrichedArticle, NormalisedArticle


def register(ctx: Context) -> None:
    app, settings, topics = ctx.app, ctx.settings, ctx.topics
    metrics = ctx.metrics.agent(Stage.ENRICH)

    def run(articles: list[NormalisedArticle]) -> list[EnrichedArticle]:
        return enrich_batch(articles, load_model(settings.model), batch_size=settings.batch_size)

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

    @app.agent(topics.normalised, name="enrich")
    async def enrich_agent(stream):  # noqa: ANN001, ANN202
        async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
            started = time.monotonic()
            metrics.record_in(len(events))
            parsed: list[tuple] = []
            futures: list = []
            for event in events:
                try:
                    parsed.append((event, NormalisedArticle.model_validate(orjson.loads(event.value))))
                except Exception as exc:  # noqa: BLE001
                    err = PipelineError(f"not a NormalisedArticle: {exc}", Reason.INVALID_RECORD)
                    futures.append(await ctx.send_dead_letter(Stage.ENRICH, err, event))
            if parsed:
                try:
                    enriched = await ctx.run_blocking(run, [a for _, a in parsed])
                    for article in enriched:
                        futures.extend(await publish(article, started))
                except Exception:  # noqa: BLE001 - isolate the article that broke the batch
                    for event, article in parsed:
                        try:
                            (one,) = await ctx.run_blocking(run, [article])
                            futures.extend(await publish(one, started))
                        except Exception as exc:  # noqa: BLE001
                            err = PipelineError(f"{type(exc).__name__}: {exc}", Reason.NLP_FAILED)
                            futures.append(await ctx.send_dead_letter(Stage.ENRICH, err, event,
                                                                      article_id=article.id))
            await asyncio.gather(*futures)

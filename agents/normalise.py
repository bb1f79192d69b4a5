"""Agent ``normalise``: news.raw -> news.normalised (or news.deadletter).

Also the duplicate detector: fingerprints live in a global table (every worker sees every
story, whichever partition it came in on) and the in-memory LSH index is rebuilt from it
after a restart.
"""

from __future__ import annotations

import time

import orjson

from agents.context import Context
from pipeline.errors import PipelineError, Reason, Stage
from pipeline.headers import output_headers
from pipeline.messages import encode, parse_raw_message, poison_of
from pipeline.normalise import fingerprint, normalise
from pipeline.normalise.dedupe import DuplicateIndex, Fingerprint


def register(ctx: Context) -> None:
    app, settings, topics = ctx.app, ctx.settings, ctx.topics
    fingerprints = app.GlobalTable("dedupe-fingerprints", key_type=bytes, value_type=bytes,
                                   partitions=1)
    index = DuplicateIndex(threshold=settings.dedupe_threshold, window=settings.dedupe_window)
    state = {"loaded": False}
    metrics = ctx.metrics.agent(Stage.NORMALISE)

    def load_index() -> None:
        for value in fingerprints.values():
            index.add(Fingerprint.from_dict(orjson.loads(value)))
        state["loaded"] = True

    def process(value: bytes) -> tuple:
        raw = parse_raw_message(value, settings.max_article_bytes)
        article = normalise(raw, max_chars=settings.max_article_bytes)
        fp = fingerprint(article)
        article.duplicate_of = index.find(fp)
        index.add(fp)
        return article, fp

    @app.agent(topics.raw, name="normalise")
    async def normalise_agent(stream):
        async for event in stream.events():
            started = time.monotonic()
            metrics.record_in()
            if not state["loaded"]:
                load_index()
            poison = poison_of(event.headers)
            if poison is not None:
                await (await ctx.send_dead_letter(Stage.NORMALISE, poison, event))
                continue
            try:
                article, fp = await ctx.run_normalise(process, event.value)
            except PipelineError as exc:
                await (await ctx.send_dead_letter(Stage.NORMALISE, exc, event))
                continue
            except Exception as exc:  # a bug must not stop the stream
                err = PipelineError(f"{type(exc).__name__}: {exc}", Reason.NORMALISE_FAILED)
                await (await ctx.send_dead_letter(Stage.NORMALISE, err, event))
                continue
            fingerprints.send_changelog(0, fp.article_id.encode(), orjson.dumps(fp.to_dict()))
            await (await ctx.send(topics.normalised, article.id, encode(article), headers=output_headers(event.message)))
            metrics.record_out(latency=time.monotonic() - started)

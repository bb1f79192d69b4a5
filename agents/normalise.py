"""Agent ``normalise``: news.raw -> news.normalised (or news.deadletter).

Also the duplicate detector: fingerprints live in a global table (every worker sees every
story, whichever partition it came in on) and the in-memory LSH index is rebuilt from it
after a restart.

What happens to one event is ``NormaliseStep.handle``, a plain coroutine whose only way out is
the context's ``send``: tests run it in-process with a recording ``send`` and Faust's own
``Event``s (tests/unit/test_agents_inprocess.py); the agent below only feeds it the stream.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from faust.types import EventT, StreamT, TableT

from agents.context import Context
from pipeline.errors import PipelineError, Reason, Stage
from pipeline.headers import output_headers
from pipeline.messages import encode, parse_raw_message, poison_of
from pipeline.normalise import normalise_and_dedupe
from pipeline.normalise.dedupe import DuplicateIndex, Fingerprint
from schemas.records import NormalisedArticle


@dataclass
class NormaliseStep:
    ctx: Context
    index: DuplicateIndex
    remember: Callable[[Fingerprint], None]  # persists a fingerprint (the global table's changelog)

    def process(self, value: bytes) -> tuple[NormalisedArticle, Fingerprint]:
        """Parse, normalise and check for a duplicate: CPU work, run off the event loop."""
        limit = self.ctx.settings.max_article_bytes
        return normalise_and_dedupe(parse_raw_message(value, limit), self.index, limit)

    async def handle(self, event: EventT) -> None:
        """One raw event to its normalised record or its dead letter. Returns once the output is
        acknowledged by the broker, so the event's offset (committed after this returns, when
        the stream moves on) never runs ahead of its output: at-least-once."""
        ctx = self.ctx
        metrics = ctx.metrics.agent(Stage.NORMALISE)
        started = time.monotonic()
        metrics.record_in()
        poison = poison_of(event.headers)
        if poison is not None:
            await (await ctx.send_dead_letter(Stage.NORMALISE, poison, event))
            return
        try:
            article, fp = await ctx.run_normalise(self.process, event.value)
        except PipelineError as exc:
            await (await ctx.send_dead_letter(Stage.NORMALISE, exc, event))
            return
        except Exception as exc:  # a bug must not stop the stream
            err = PipelineError(f"{type(exc).__name__}: {exc}", Reason.NORMALISE_FAILED)
            await (await ctx.send_dead_letter(Stage.NORMALISE, err, event))
            return
        self.remember(fp)
        await (await ctx.send(ctx.topics.normalised, article.id, encode(article), headers=output_headers(event.message)))
        metrics.record_out(latency=time.monotonic() - started)


def register(ctx: Context) -> None:
    app, settings, topics = ctx.app, ctx.settings, ctx.topics
    fingerprints: TableT[bytes, bytes] = app.GlobalTable("dedupe-fingerprints", key_type=bytes,
                                                         value_type=bytes, partitions=1)
    index = DuplicateIndex(threshold=settings.dedupe_threshold, window=settings.dedupe_window)
    state = {"loaded": False}

    def remember(fp: Fingerprint) -> None:
        fingerprints.send_changelog(0, fp.article_id.encode(), orjson.dumps(fp.to_dict()))

    def load_index() -> None:
        for value in fingerprints.values():
            index.add(Fingerprint.from_dict(orjson.loads(value)))
        state["loaded"] = True

    step = NormaliseStep(ctx, index, remember)

    @app.agent(topics.raw, name="normalise")
    async def normalise_agent(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            if not state["loaded"]:
                load_index()
            await step.handle(event)

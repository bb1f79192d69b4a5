"""Agent ``normalise``: news.raw -> news.normalised (or news.deadletter).

Also the duplicate detector: fingerprints are written to a one-partition topic, and every
worker follows that topic into its in-memory LSH index (every worker learns of
every story, whichever partition it came in on, and a restarted worker reads them all back
before judging its first story).

What happens to one event is ``NormaliseStep.handle``, a plain coroutine whose only way out is
the context's ``send``: tests run it in-process with a recording ``send`` and Faust's own
``Event``s (tests/unit/test_agents_inprocess.py); the agent below only feeds it the stream.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from faust.types import EventT, StreamT

from agents import tail
from agents.context import Context
from pipeline.errors import PipelineError, Reason, Stage
from pipeline.headers import output_headers
from pipeline.messages import encode, parse_raw_message, poison_of
from pipeline.normalise import normalise_and_dedupe
from pipeline.normalise.dedupe import DuplicateIndex, Fingerprint
from schemas.records import NormalisedArticle

log = logging.getLogger("newswire.normalise")
FINGERPRINTS = "dedupe-fingerprints"
# How long a starting worker waits to have read the fingerprints changelog before judging
# stories: reading 50,000 fingerprints (the default window) takes a few seconds.
FINGERPRINTS_WAIT_S = 60.0


@dataclass
class NormaliseStep:
    ctx: Context
    index: DuplicateIndex
    # persists a fingerprint (the fingerprints topic); returns its delivery
    remember: Callable[[Fingerprint], Awaitable[asyncio.Future[Any]]]

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
        # The fingerprint is delivered before the event is done, as the record is: a worker
        # stopped right after a story must not leave its copies unrecognisable.
        remembered = await self.remember(fp)
        await (await ctx.send(ctx.topics.normalised, article.id, encode(article), headers=output_headers(event.message)))
        await remembered
        metrics.record_out(latency=time.monotonic() - started)


def register(ctx: Context) -> None:
    app, settings, topics = ctx.app, ctx.settings, ctx.topics
    # The fingerprints' durable store: one partition, so that every worker reads them in the
    # order they were written. The name is the one the Faust GlobalTable used before, so a
    # deployment keeps what it remembered.
    fingerprints = app.topic(f"{app.conf.id}-{FINGERPRINTS}-changelog", key_type=bytes, value_type=bytes,
                             key_serializer="raw", value_serializer="raw", partitions=1, compacting=True,
                             internal=True, config=ctx.topics.config)
    index = DuplicateIndex(threshold=settings.dedupe_threshold, window=settings.dedupe_window)
    caught_up = asyncio.Event()

    async def remember(fp: Fingerprint) -> asyncio.Future[Any]:
        return await ctx.send(fingerprints, fp.article_id, orjson.dumps(fp.to_dict()), partition=0)

    def learn(message: Any) -> None:
        """A fingerprint from the changelog (any worker's, this one's included: adding is
        idempotent) into the index, on the normalise thread: the only thread that touches
        the index, and in order, so a story read before an event is known when it is judged."""
        if message.value is not None:
            ctx.normalise_executor.submit(index.add, Fingerprint.from_dict(orjson.loads(message.value)))

    @app.task
    async def follow_fingerprints() -> None:
        # Every worker reads every fingerprint, live (a Faust GlobalTable reads its changelog only
        # while recovering, agents/tail.py), and at start only the last ``window`` of them: the
        # index forgets older ones anyway, so start-up time and memory do not grow with history.
        await fingerprints.maybe_declare()
        await tail.follow(settings, fingerprints.get_topic_name(), learn, back=settings.dedupe_window,
                          on_caught_up=caught_up.set)

    step = NormaliseStep(ctx, index, remember)

    @app.agent(topics.raw, name="normalise")
    async def normalise_agent(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            if not caught_up.is_set():
                await _wait_for_fingerprints(caught_up)
            await step.handle(event)


async def _wait_for_fingerprints(caught_up: asyncio.Event) -> None:
    """A restarted worker judges no story before it knows the stories already seen (else a
    copy arriving in that window was not marked). Bounded: a changelog that cannot be read
    must not stop the pipeline, only its duplicate marks."""
    try:
        await asyncio.wait_for(caught_up.wait(), FINGERPRINTS_WAIT_S)
    except TimeoutError:
        log.warning("the duplicate detector's fingerprints were not read within %.0f s; "
                    "going on without the older ones", FINGERPRINTS_WAIT_S)
        caught_up.set()

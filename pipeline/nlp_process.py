"""spaCy in a child process of the Faust worker, so the parser never shares a GIL with Kafka.

With spaCy in a thread of the worker, every produce request and fetch on the event loop had
to win the GIL back from the parser (which holds it for most of its time), and the parser had
to give it up: on two cores the pipeline reached about 0.64 of bare ``nlp.pipe``. In a child
process the parser runs undisturbed and the worker's own process is left with the cheap work.

The child does the whole NLP half of an article, parse and extraction, and sends back the
encoded EnrichedArticle: orjson bytes cross the process boundary far more cheaply than a
spaCy ``Doc`` would. It runs ``pipeline.enrich.enrich_batch``, the code the offline command
and the tests run; a batch that fails is retried one article at a time in the child, so only
the bad article fails. If the child itself dies (a segfault, the OOM killer), the pool is
rebuilt and the batch retried one article at a time in fresh children; an article that kills a
fresh child is reported as failed rather than retried forever.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.messages import encode
from schemas.records import NormalisedArticle

if TYPE_CHECKING:  # the worker that starts the child never loads spaCy itself (~70 MB)
    from spacy.language import Language

_nlp: Language | None = None  # the child's model, loaded once by _init
CHILD_BLAS_THREADS = 1


@dataclass(frozen=True)
class Outcome:
    """One article's result: the encoded EnrichedArticle, or why it failed."""

    encoded: bytes | None = None
    error: str | None = None


def _init(model: str | None) -> None:
    global _nlp  # one model per child process, loaded before the first batch
    from pipeline.nlp import gazetteer
    from pipeline.nlp.model import load_model
    from pipeline.supervise import die_with_parent

    die_with_parent()  # a worker killed with -9 must not leave its parser running
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent decides
    # The gazetteer's city file is parsed while the child is still small: the parse's transient
    # ~30 MB then never adds to a batch's peak, and the model's objects reuse the memory it
    # freed (peak 228 -> 221 MB, RSS after 300 BBC articles 218 -> 208 MB, in-process).
    gazetteer.load()
    _nlp = load_model(model)


def _enrich(articles: list[NormalisedArticle], batch_size: int) -> list[Outcome]:
    """One Outcome per article, always: a batch that fails is retried article by article."""
    from pipeline.enrich import enrich_batch  # in the child only (see the TYPE_CHECKING import)

    try:
        if _nlp is None:
            raise RuntimeError("the NLP child's model is not loaded (_init did not run)")
        return [Outcome(encoded=encode(a)) for a in enrich_batch(articles, _nlp, batch_size)]
    except Exception as exc:  # find the article that broke the batch
        if len(articles) == 1:
            return [Outcome(error=f"{type(exc).__name__}: {exc}")]
        return [_enrich([a], batch_size)[0] for a in articles]


class NlpProcess:
    """One child process running the configured model; ``enrich`` is awaited from the loop."""

    def __init__(self, model: str | None, batch_size: int) -> None:
        self.model = model
        self.batch_size = batch_size
        self.restarts = 0
        self._pool = self._new_pool()
        # For the watchdog: a long article keeps the child busy for a minute or more, with no
        # offset committed meanwhile; that is work, not a wedge (agents/watchdog.py).
        self.in_flight = 0
        self.progress_at = time.monotonic()

    def _new_pool(self) -> ProcessPoolExecutor:
        # One BLAS thread in the child (read by OpenBLAS when the child imports NumPy): the
        # worker's event loop and, with several workers, the other children need the other cores.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", str(CHILD_BLAS_THREADS))
        # spawn, not fork: the worker already runs aiokafka's threads and sockets
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init, initargs=(self.model,))

    async def _run(self, articles: list[NormalisedArticle]) -> list[Outcome]:
        pool = self._pool
        if not self.in_flight:
            self.progress_at = time.monotonic()
        self.in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, _enrich, articles, self.batch_size)
        except BrokenProcessPool:
            self._replace(pool)
            raise
        finally:
            self.in_flight -= 1
            self.progress_at = time.monotonic()

    def busy_for(self) -> float:
        """Seconds the child has been working without finishing a batch; 0 when it is idle."""
        return time.monotonic() - self.progress_at if self.in_flight else 0.0

    async def warm_up(self) -> None:
        """Start the child and load its model now, not on the first article."""
        await asyncio.get_running_loop().run_in_executor(self._pool, _ping)

    async def enrich(self, articles: list[NormalisedArticle]) -> list[Outcome]:
        try:
            return await self._run(articles)
        except BrokenProcessPool:
            pass
        out: list[Outcome] = []
        for article in articles:  # one at a time in fresh children: only the culprit fails
            try:
                out.extend(await self._run([article]))
            except BrokenProcessPool:
                out.append(Outcome(error="the NLP process died on this article"))
        return out

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Several batches may be in flight when the child dies: replace it once, not per batch."""
        if self._pool is not broken:
            return
        self.restarts += 1
        broken.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _ping() -> bool:
    return _nlp is not None

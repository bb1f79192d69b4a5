"""NLP-only rates for the throughput benchmark: the reference a user would write, and the ceiling.

Both are timed the way a user would time them with ``n_process``: from the call to the last
document, process start-up included when there is more than one process (spaCy's own
``n_process`` spawns its workers inside ``nlp.pipe`` too), after a warm-up when there is one.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import spacy

# What a user writes: spaCy's default batch size for nlp.pipe is 1000 *texts*, far too many for
# news articles held in memory at once; 32 is the figure the issue names, and spaCy's docs use.
REFERENCE_BATCH = 32
WARM_UP = 16  # texts parsed before timing, so the first batch's lazy set-up is not counted

_nlp = None  # the child's pipeline in a ceiling pool


def reference(texts: list[str], processes: int) -> float:
    """``spacy.load("en_core_web_sm")`` with every component, ``nlp.pipe(batch_size=32, n_process=P)``."""
    from pipeline.nlp.model import resolve_model_name

    nlp = spacy.load(resolve_model_name("en_core_web_sm"))  # no exclusions: what a user loads
    list(nlp.pipe(texts[:WARM_UP]))
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=REFERENCE_BATCH, n_process=processes):
        pass
    return len(texts) / (time.perf_counter() - t0)


def _init() -> None:
    global _nlp
    from pipeline.nlp.model import load_model

    _nlp = load_model()


def _parse(texts: list[str], batch_size: int) -> int:
    from pipeline.enrich import parse_texts

    assert _nlp is not None
    return len(parse_texts(texts, _nlp, batch_size))


def ceiling(texts: list[str], processes: int, batch_size: int) -> float:
    """The pipeline's own NLP (``pipeline.enrich.parse_texts``, what the worker's NLP child runs)
    over the texts with nothing else running: the most the pipeline could do on these cores."""
    if processes == 1:
        _init()
        _parse(texts[:WARM_UP], batch_size)
        t0 = time.perf_counter()
        _parse(texts, batch_size)
        return len(texts) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"), initializer=_init) as pool:
        chunks = [texts[i:i + batch_size] for i in range(0, len(texts), batch_size)]
        sum(pool.map(_parse, chunks, [batch_size] * len(chunks)))
    return len(texts) / (time.perf_counter() - t0)

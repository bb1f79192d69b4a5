"""NormalisedArticle -> EnrichedArticle: the registered stages, one spaCy batch at a time.

What is extracted is not written here: each stage in :mod:`pipeline.stages` (entities, quotes,
reading, ...) registers itself and fills its own section of the record; this module parses a
batch once (when any stage needs the parse) and runs the registry over each article.

The same function serves the Faust ``enrich`` agent (in the worker's NLP child process, off the event
loop), the offline ``newswire enrich`` command, the benchmark and the tests.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.fastpath import fast_path
from pipeline.nlp.model import model_label
from pipeline.nlp.view import tagger_view
from pipeline.settings import get_settings
from pipeline.stages import load_stages
from schemas.records import EnrichedArticle, NormalisedArticle

STAGES = load_stages()
# A typical news story's length in characters (BBC: median 1,960, 9 in 10 under 3,700):
# a batch of long articles holds as many characters as batch_size stories of this length.
STORY_CHARS = 4_000


def parse_texts(texts: list[str], nlp: Language, batch_size: int = 16, fast: bool | None = None) -> list[Doc]:
    """spaCy over texts as the pipeline parses them (the benchmark's ceiling runs this too).

    ``fast`` (default: ``NEWSWIRE_FAST_PARSE``) parses only the sentences the quotes stage reads
    (:mod:`pipeline.nlp.fastpath`), when the model has what that needs; else every sentence."""
    selective = fast_path(nlp) if (get_settings().fast_parse if fast is None else fast) else None
    docs: list[Doc] = []
    for batch in length_batches(texts, batch_size):
        docs.extend(selective.parse(batch) if selective is not None else nlp.pipe(batch, batch_size=len(batch)))
    return docs


def length_batches(texts: list[str], batch_size: int, max_chars: int | None = None) -> Iterator[list[str]]:
    """Up to ``batch_size`` texts a batch, fewer when they are long: a batch's arrays grow with
    its tokens, so 16 long features must not cost 16 times a news story's memory."""
    limit = max_chars if max_chars is not None else batch_size * STORY_CHARS
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (len(batch) >= batch_size or size + len(text) > limit):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def parse_batch(articles: list[NormalisedArticle], nlp: Language, batch_size: int = 16) -> list[Doc | None]:
    """The expensive half: spaCy over the casing views of a batch (nothing when no stage needs it)."""
    if not STAGES.needs_doc:
        return [None] * len(articles)
    return list(parse_texts([tagger_view(a) for a in articles], nlp, batch_size))


def extract(article: NormalisedArticle, doc: Doc | None, model: str, nlp_seconds: float) -> EnrichedArticle:
    """The cheap half: every registered stage's section for one parsed article."""
    t0 = time.perf_counter()
    sections = STAGES.run(article, doc)
    data = article.model_dump()
    data["pipeline"]["model"] = model
    data["pipeline"]["timings"]["nlp"] = round(nlp_seconds, 6)
    data["pipeline"]["timings"]["extract"] = round(time.perf_counter() - t0, 6)
    return EnrichedArticle(**data, **sections)


def enrich_batch(articles: list[NormalisedArticle], nlp: Language, batch_size: int = 16) -> list[EnrichedArticle]:
    started = time.perf_counter()
    docs = parse_batch(articles, nlp, batch_size)
    nlp_seconds = (time.perf_counter() - started) / max(len(articles), 1)
    label = model_label(nlp)
    return [extract(a, d, label, nlp_seconds) for a, d in zip(articles, docs, strict=True)]


def chunked(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch

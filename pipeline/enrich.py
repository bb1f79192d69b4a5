"""NormalisedArticle -> EnrichedArticle: entities and quotes, one spaCy batch at a time.

The same function serves the Faust ``enrich`` agent (in the worker's NLP child process, off the event
loop), the offline ``newswire enrich`` command, the benchmark and the tests.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.casing import casing_view
from pipeline.nlp.entities import canonical_entities
from pipeline.nlp.model import model_label
from pipeline.nlp.quotes import extract_quotes
from schemas.records import EnrichedArticle, NormalisedArticle, QuoteRecord


def _view(article: NormalisedArticle) -> str:
    view = casing_view(article.text)
    dl = article.dateline
    if dl and dl.location and dl.location.isupper():
        # Show the tagger "Moscow", not "MOSCOW": same length, so offsets still hold.
        from pipeline.nlp.casing import recase_span

        view = view[: dl.start] + recase_span(view, dl.start, dl.end) + view[dl.end:]
    return view


def parse_batch(articles: list[NormalisedArticle], nlp: Language, batch_size: int = 16) -> list[Doc]:
    """The expensive half: spaCy over the casing views of a batch."""
    return list(nlp.pipe((_view(a) for a in articles), batch_size=batch_size))


def extract(article: NormalisedArticle, doc: Doc, model: str, nlp_seconds: float) -> EnrichedArticle:
    """The cheap half: canonical entities and quotes from one parsed article."""
    t0 = time.perf_counter()
    entities = canonical_entities(doc, article)
    quotes = extract_quotes(doc, article, entities)
    data = article.model_dump()
    data["pipeline"]["model"] = model
    data["pipeline"]["timings"]["nlp"] = round(nlp_seconds, 6)
    data["pipeline"]["timings"]["extract"] = round(time.perf_counter() - t0, 6)
    return EnrichedArticle(**data, entities=entities, quotes=quotes)


def enrich_batch(articles: list[NormalisedArticle], nlp: Language, batch_size: int = 16) -> list[EnrichedArticle]:
    started = time.perf_counter()
    docs = parse_batch(articles, nlp, batch_size)
    nlp_seconds = (time.perf_counter() - started) / max(len(articles), 1)
    label = model_label(nlp)
    return [extract(a, d, label, nlp_seconds) for a, d in zip(articles, docs, strict=True)]


def quote_records(article: EnrichedArticle) -> Iterator[QuoteRecord]:
    for quote in article.quotes:
        speaker = quote.speaker
        yield QuoteRecord(
            article_id=article.id, source=article.source, url=article.url, title=article.title,
            published_at=article.published_at, quote=quote,
            speaker_name=speaker.name if speaker else None,
            speaker_entity_id=speaker.entity_id if speaker else None,
        )


def chunked(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch

"""An enriched article's quotes as the records of ``news.quotes``.

Kept apart from :mod:`pipeline.enrich` so that the Faust worker, which publishes these records
but parses nothing itself, does not import spaCy (about 70 MB of a worker's memory).
"""

from __future__ import annotations

from collections.abc import Iterator

from schemas.records import EnrichedArticle, QuoteRecord


def quote_records(article: EnrichedArticle) -> Iterator[QuoteRecord]:
    for quote in article.quotes:
        speaker = quote.speaker
        yield QuoteRecord(
            article_id=article.id, source=article.source, url=article.url, title=article.title,
            published_at=article.published_at, published_at_precision=article.published_at_precision, quote=quote,
            speaker_name=speaker.name if speaker else None,
            speaker_entity_id=speaker.entity_id if speaker else None,
        )

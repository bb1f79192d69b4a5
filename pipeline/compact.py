"""Outputs that always fit: an enriched record over the broker's message limit is compacted.

An article under the input limit can still make an output several times its size (a long
transcript: every name a mention, every paragraph a quote, each quoting its text again). The
broker would refuse it, and the article would be lost to a dead letter. Instead we leave out
what a reader misses least, in steps, and say so in the record's ``compacted`` field: first
the later mentions of each entity (its first ones and its salience stay), then the last quotes
(the ``news.quotes`` records are made from the compacted record, so both topics agree). The
text is never cut: a record whose text alone cannot fit is dead-lettered ``output_too_large``.
"""

from __future__ import annotations

from pipeline.errors import PipelineError, Reason
from pipeline.messages import encode
from schemas.records import EnrichedArticle

# Mentions each entity keeps, tried in turn: enough to highlight an entity in the text and to
# resolve a speaker, far fewer than a transcript's hundreds of repetitions of one name.
MENTION_STEPS = (20, 5, 1)


def fit(article: EnrichedArticle, encoded: bytes, limit: int) -> tuple[EnrichedArticle, bytes]:
    """The record and its encoding, compacted until it is at most ``limit`` bytes."""
    if len(encoded) <= limit:
        return article, encoded
    for keep in MENTION_STEPS:
        entities = [e.model_copy(update={"mentions": e.mentions[:keep]}) for e in article.entities]
        article = article.model_copy(update={"entities": entities, "compacted": ["mentions"]})
        encoded = encode(article)
        if len(encoded) <= limit:
            return article, encoded
    quotes = list(article.quotes)
    while quotes:
        # drop a share of what is left at a time: a record with 5,000 quotes should not be
        # encoded 5,000 times
        over = len(encoded) - limit
        per_quote = max(1, len(encode_quotes(article)) // len(quotes))
        quotes = quotes[: max(0, len(quotes) - max(1, over // per_quote))]
        article = article.model_copy(update={"quotes": quotes, "compacted": ["mentions", "quotes"]})
        encoded = encode(article)
        if len(encoded) <= limit:
            return article, encoded
    raise PipelineError(f"the enriched record is {len(encoded)} bytes even without quotes and repeated mentions, "
                        f"over NEWSWIRE_MAX_OUTPUT_BYTES={limit}", Reason.OUTPUT_TOO_LARGE)


def encode_quotes(article: EnrichedArticle) -> bytes:
    return b"".join(encode(q) for q in article.quotes)

"""Outputs always fit: a record over the limit loses repeated mentions, then its last quotes."""

from __future__ import annotations

import pytest

from pipeline.compact import fit
from pipeline.errors import PipelineError, Reason
from pipeline.messages import encode
from schemas.records import EnrichedArticle, Entity, Mention, PipelineInfo, Quote

NAME = "Mara Quist"


def transcript(paragraphs: int) -> EnrichedArticle:
    """A long transcript: one speaker named in every paragraph, every paragraph a quote."""
    para = f'{NAME} said: "We will keep the line open for as long as the valley needs it."\n\n'
    text = para * paragraphs
    mentions = [Mention(start=i * len(para), end=i * len(para) + len(NAME), text=NAME) for i in range(paragraphs)]
    q0 = para.index('"')
    quotes = [Quote(id=f"q{i}", text=para[q0:-2], start=i * len(para) + q0, end=(i + 1) * len(para) - 2,
                    segments=[], kind="direct") for i in range(paragraphs)]
    return EnrichedArticle(id="t1", source="test", received_at="2026-11-27T06:00:00Z", text=text,
                           content_hash="h", pipeline=PipelineInfo(version="test"),
                           entities=[Entity(id="PERSON:mara-quist", label="PERSON", name=NAME, mentions=mentions,
                                            salience=1.0)], quotes=quotes)


def test_a_record_under_the_limit_is_untouched():
    article = transcript(10)
    encoded = encode(article)
    assert fit(article, encoded, len(encoded)) == (article, encoded)


def test_repeated_mentions_go_first():
    article = transcript(400)
    encoded = encode(article)
    limit = len(encoded) - 300 * 50  # a little less than the whole: dropping mentions is enough
    fitted, out = fit(article, encoded, limit)
    assert len(out) <= limit
    assert fitted.compacted == ["mentions"]
    assert [m.start for m in fitted.entities[0].mentions] == [m.start for m in article.entities[0].mentions[:20]]
    assert fitted.quotes == article.quotes and fitted.text == article.text


def test_then_the_last_quotes_and_never_the_text():
    article = transcript(2000)
    encoded = encode(article)
    limit = len(article.text.encode()) + 40_000
    fitted, out = fit(article, encoded, limit)
    assert len(out) <= limit < len(encoded)
    assert fitted.compacted == ["mentions", "quotes"]
    assert 0 < len(fitted.quotes) < len(article.quotes)
    assert fitted.quotes == article.quotes[: len(fitted.quotes)]  # the first ones, in order
    assert fitted.text == article.text and len(fitted.entities[0].mentions) == 1


def test_a_text_that_cannot_fit_is_output_too_large():
    article = transcript(50)
    with pytest.raises(PipelineError) as caught:
        fit(article, encode(article), len(article.text) // 2)
    assert caught.value.reason == Reason.OUTPUT_TOO_LARGE

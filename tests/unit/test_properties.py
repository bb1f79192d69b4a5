"""Hypothesis: no text makes normalisation, entities or quotes raise, and spans stay valid."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.enrich import enrich_batch
from pipeline.errors import EmptyArticle
from pipeline.normalise import normalise
from schemas import RawArticle

WIRE_BITS = st.sampled_from([
    '"', "\u201c", "\u201d", "\n", "\n\n", " said ", " he noted.", "LONDON (Reuters) - ", "MOSCOW (A / B - 24th August, 2021) ",
    "Saleh", "Amrullah Saleh", ", told the Herald that ", "According to police, ", "\u200b", "\x00", "date 2021-08-24 ",
    "NEW YORK, March 30 - ", "The official added that ", " on Tuesday", ".", ",", "   ",
])
TEXTS = st.lists(st.one_of(WIRE_BITS, st.text(max_size=20)), max_size=30).map("".join)


def check_spans(article):
    text = article.text
    spans = [m for e in getattr(article, "entities", []) for m in e.mentions] + list(article.dates)
    for q in getattr(article, "quotes", []):
        spans += [q, *q.segments] + [x for x in (q.speaker, q.cue) if x]
    if article.dateline:
        spans.append(article.dateline)
    for s in spans:
        assert 0 <= s.start <= s.end <= len(text)
        assert text[s.start:s.end] == s.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_normalise_never_raises_unexpectedly(body):
    try:
        article = normalise(RawArticle(body=body))
    except EmptyArticle:
        return
    check_spans(article)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(TEXTS)
def test_enrich_never_raises_and_spans_hold(nlp, body):
    try:
        article = normalise(RawArticle(body=body))
    except EmptyArticle:
        return
    check_spans(enrich_batch([article], nlp)[0])

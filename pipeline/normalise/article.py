"""RawArticle -> NormalisedArticle: the whole normalisation stage as one pure function."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime

from pipeline import __version__
from pipeline.errors import EmptyArticle, TooLarge
from pipeline.identity import article_id
from pipeline.normalise import dates as dates_mod
from pipeline.normalise.byline import find_byline
from pipeline.normalise.dateline import parse_dateline
from pipeline.normalise.dedupe import DuplicateIndex, Fingerprint, body_words, content_hash, signature
from pipeline.normalise.html import extract_html
from pipeline.normalise.language import detect_language
from pipeline.normalise.layout import split_header
from pipeline.normalise.text import clean_characters, repair_displaced_quotes, split_paragraphs
from schemas.records import Byline, Dateline, DateRef, NormalisedArticle, PipelineInfo, RawArticle, Span

PARAGRAPH_SEP = "\n\n"
_ALNUM = re.compile(r"[^0-9a-z]+")


def _fold(s: str) -> str:
    return _ALNUM.sub(" ", s.lower()).strip()


def normalise(raw: RawArticle, max_chars: int = 2_000_000, now: datetime | None = None) -> NormalisedArticle:
    """Clean text plus the structure wire formatting carries (headline, dateline, byline, dates).

    ``text`` is the headline (when the source has one) and the body paragraphs, separated by
    blank lines; every span in the result indexes it.
    """
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    title = raw.title
    header_date: str | None = None
    if raw.html and (raw.content_type == "text/html" or not raw.body):
        html_title, source_text = extract_html(raw.html)
        title = title or html_title
    else:
        source_text = raw.body or ""
    if len(source_text) > max_chars:
        raise TooLarge(f"article body has {len(source_text)} characters, over the limit of {max_chars}")
    source_text = clean_characters(source_text)
    if title is None:
        layout = split_header(source_text)
        title, header_date, source_text = layout.title, layout.published_at, layout.body
    else:
        title = clean_characters(title)
        first = source_text.lstrip().split("\n", 1)[0].strip()
        if _fold(first) == _fold(title):  # the body repeats the headline on its first line
            source_text = source_text.lstrip().split("\n", 1)[1] if "\n" in source_text.strip() else ""
    title = re.sub(r"\s+", " ", title).strip() if title else None

    paragraphs = repair_displaced_quotes(split_paragraphs(source_text))
    if not paragraphs and not title:
        raise EmptyArticle("article has no text after cleaning", field="body")
    if not paragraphs:
        paragraphs, title = [title or ""], None

    # Assemble text; remember where the headline and the first body paragraph are.
    parts: list[str] = []
    title_span = None
    if title:
        parts.append(title)
        title_span = Span(start=0, end=len(title), text=title)
    body_offset = len(PARAGRAPH_SEP.join(parts)) + (len(PARAGRAPH_SEP) if parts else 0)
    parts.extend(paragraphs)
    text = PARAGRAPH_SEP.join(parts)

    # Reference date for a dateline without a year: the publication date if the producer or a
    # header gave one, else when the story was received, else the years the story mentions.
    given = dates_mod.published(raw.published_at, header_date)
    published = given.day if given else None
    received_given = dates_mod.given_time(raw.received_at)
    received = received_given.day if received_given else None
    year = dates_mod.infer_year(text) if published is None and received is None else None
    reference = published or received or (date(year, 12, 31) if year else now.date())

    dateline = None
    dl = parse_dateline(paragraphs[0], offset=body_offset, reference=reference)
    if dl:
        dateline = Dateline(
            location=dl.location, agencies=dl.agencies, date=dl.date,
            start=dl.start, end=dl.end, text=text[dl.start: dl.end],
        )
    story = given or dates_mod.published(None, dl.date if dl else None)
    story_date = story.day if story else None

    byline = _find_byline(text, paragraphs, body_offset)
    found_dates = dates_mod.find_dates(text, story_date, skip=(dl.start, dl.end) if dl else None)

    body_start = dl.body_start if dl else body_offset
    lead = text[body_start: body_start + (len(title) + 20 if title else 0)]
    lead_repeats_title = bool(title) and _fold(lead).startswith(_fold(title or "")) and len(_fold(title or "")) > 20

    body_only = text[body_start:]
    words = body_words(body_only)
    aid = article_id(raw)  # the one identity rule, as every source applies it
    return NormalisedArticle(
        id=aid,
        source=raw.source,
        url=raw.url,
        language=detect_language(body_only or text),
        title=title,
        title_span=title_span,
        published_at=story.at if story else None,
        published_at_precision=story.precision if story else None,
        received_at=dates_mod.received(raw.received_at, now),
        text=text,
        dateline=dateline,
        byline=byline,
        dates=[DateRef(**d) for d in found_dates],
        content_hash=content_hash(words),
        lead_repeats_title=lead_repeats_title,
        metadata=raw.metadata,
        pipeline=PipelineInfo(version=__version__, timings={"normalise": round(time.perf_counter() - started, 6)}),
    )


def fingerprint(article: NormalisedArticle) -> Fingerprint:
    """What the duplicate detector compares: the body below headline and dateline."""
    start = article.dateline.end if article.dateline else (article.title_span.end if article.title_span else 0)
    words = body_words(article.text[start:])
    return Fingerprint(article.id, article.content_hash, signature(words))


def normalise_and_dedupe(raw: RawArticle, index: DuplicateIndex, max_chars: int = 2_000_000
                         ) -> tuple[NormalisedArticle, Fingerprint]:
    """The normalise stage for one article, as the agent and ``newswire enrich`` both run it:
    clean it, mark it ``duplicate_of`` the first recent story it copies, and remember it.

    The fingerprint is returned too: the agent persists it so that a restarted worker rebuilds
    the same index.
    """
    article = normalise(raw, max_chars=max_chars)
    fp = fingerprint(article)
    article.duplicate_of = index.find(fp)
    index.add(fp)
    return article, fp


def _find_byline(text: str, paragraphs: list[str], body_offset: int) -> Byline | None:
    candidates = [(0, paragraphs[0])] if paragraphs else []
    if len(paragraphs) > 1:
        candidates.append((len(paragraphs) - 1, paragraphs[-1]))
    for index, paragraph in candidates:
        found = find_byline(paragraph)
        if found:
            names, s, e = found
            start = body_offset + sum(len(p) + len(PARAGRAPH_SEP) for p in paragraphs[:index]) + s
            return Byline(names=names, start=start, end=start + (e - s), text=text[start: start + (e - s)])
    return None

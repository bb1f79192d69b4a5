"""Enriched articles and dead letters as the rows the stores keep.

Records are read by field name, defensively: the schema gains fields and grows stricter
over time, and an archive must keep accepting what the pipeline published yesterday. The
full record is stored as well, so nothing a newer schema adds is lost and the article view
shows exactly what subscribers received.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


class NotArchivable(ValueError):
    """A record on the topic that is no article (not JSON, no id): counted, not stored."""


@dataclass
class QuoteRow:
    id: str
    article_id: str
    text: str
    kind: str
    speaker_name: str | None
    speaker_entity_id: str | None
    speaker_ref: str | None  # entity id, else the name: what /api/speakers/{id} looks up
    about: list[str] = field(default_factory=list)  # entity ids named inside the quote


@dataclass
class MentionRow:
    entity_id: str
    label: str
    name: str
    count: int
    salience: float


@dataclass
class ArticleRow:
    id: str
    source: str
    source_key: str  # source and dateline agencies, case-folded: --source sputnik finds Sputnik copy
    title: str | None
    url: str | None
    language: str | None
    published_at: str | None
    seen_at: float  # epoch seconds the pipeline published it (broker timestamp)
    day: str  # yyyy-mm-dd: published date when known, else the day it was seen
    text: str
    record: bytes  # the full JSON record as received
    mentions: list[MentionRow]
    quotes: list[QuoteRow]


@dataclass
class DeadLetterRow:
    key: str  # topic/partition/offset of the dead letter itself: unique, stable on replay
    stage: str
    reason: str
    message: str
    article_id: str | None
    failed_at: str | None
    seen_at: float
    record: bytes


MAX_ID_CHARS = 512  # ids are index keys: PostgreSQL refuses btree keys over ~2,700 bytes
MAX_NAME_CHARS = 300


def _str(value: object, limit: int | None = None) -> str | None:
    """Text as both stores accept it: PostgreSQL refuses NUL characters, so they go."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text[:limit] if limit else text


def _day(published_at: str | None, seen_at: float) -> str:
    if published_at and _DAY.match(published_at):
        return published_at[:10]
    return datetime.fromtimestamp(seen_at, UTC).strftime("%Y-%m-%d")


def _origin(source: str, dateline: object) -> str:
    agencies = dateline.get("agencies") if isinstance(dateline, dict) else None
    names = [source] + [a for a in agencies or [] if isinstance(a, str)]
    return " | ".join(names).casefold()[:1000]


def speaker_ref(name: str | None, entity_id: str | None) -> str | None:
    return entity_id or (name.strip() if name and name.strip() else None)


def article_row(value: bytes, seen_at: float) -> ArticleRow:
    """One ``news.enriched`` value; ``NotArchivable`` when it is no article."""
    try:
        rec = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise NotArchivable(f"not JSON: {exc}") from None
    if not isinstance(rec, dict) or not isinstance(rec.get("id"), str) or not rec["id"].strip("\x00"):
        raise NotArchivable("no article id")
    if len(rec["id"]) > MAX_ID_CHARS:
        raise NotArchivable(f"article id of {len(rec['id'])} characters (at most {MAX_ID_CHARS})")
    article_id = _str(rec["id"]) or ""
    text = (_str(rec["text"]) if isinstance(rec.get("text"), str) else None) or ""
    published = _str(rec.get("published_at"))
    mentions: list[MentionRow] = []
    spans: list[tuple[int, int, str]] = []
    for ent in rec.get("entities") or []:
        if not isinstance(ent, dict) or not isinstance(ent.get("id"), str):
            continue
        eid = _str(ent["id"], MAX_NAME_CHARS) or ""
        ms = [m for m in ent.get("mentions") or [] if isinstance(m, dict)]
        mentions.append(MentionRow(eid, _str(ent.get("label"), 40) or eid.split(":", 1)[0],
                                   _str(ent.get("name"), MAX_NAME_CHARS) or eid, max(1, len(ms)),
                                   float(ent.get("salience") or 0.0)))
        spans += [(int(m.get("start") or 0), int(m.get("end") or 0), eid) for m in ms]
    quotes: list[QuoteRow] = []
    for n, q in enumerate(rec.get("quotes") or []):
        if not isinstance(q, dict):
            continue
        raw_speaker = q.get("speaker")
        speaker: dict = raw_speaker if isinstance(raw_speaker, dict) else {}
        name = _str(speaker.get("name"), MAX_NAME_CHARS) or _str(speaker.get("text"), MAX_NAME_CHARS)
        ent_id = _str(speaker.get("entity_id"), MAX_NAME_CHARS)
        start, end = int(q.get("start") or 0), int(q.get("end") or 0)
        about = sorted({eid for s, e, eid in spans if start <= s and e <= end and eid != ent_id})
        quotes.append(QuoteRow(id=_str(q.get("id"), MAX_ID_CHARS + 20) or f"{article_id}:q{n + 1}", article_id=article_id,
                               text=_str(q.get("text")) or "", kind=_str(q.get("kind")) or "direct",
                               speaker_name=name, speaker_entity_id=ent_id, speaker_ref=speaker_ref(name, ent_id),
                               about=about))
    source = _str(rec.get("source"), 300) or "unknown"
    return ArticleRow(id=article_id, source=source, source_key=_origin(source, rec.get("dateline")), title=_str(rec.get("title")),
                      url=_str(rec.get("url")), language=_str(rec.get("language"), 20), published_at=published,
                      seen_at=seen_at, day=_day(published, seen_at), text=text, record=value,
                      mentions=mentions, quotes=quotes)


def dead_letter_row(value: bytes, seen_at: float, topic: str, partition: int, offset: int) -> DeadLetterRow:
    """One ``news.deadletter`` value; kept even when it is not JSON (that is the failure record)."""
    try:
        rec = orjson.loads(value)
    except orjson.JSONDecodeError:
        rec = None
    if not isinstance(rec, dict):
        rec = {"stage": "unknown", "reason": "unreadable_dead_letter", "message": "dead letter is not a JSON object"}
        value = orjson.dumps({**rec, "payload": value.decode("utf-8", "replace")})
    return DeadLetterRow(key=f"{topic}/{partition}/{offset}", stage=_str(rec.get("stage"), 50) or "unknown",
                         reason=_str(rec.get("reason"), 80) or "unknown", message=_str(rec.get("message"), 2000) or "",
                         article_id=_str(rec.get("article_id"), 300), failed_at=_str(rec.get("failed_at"), 60),
                         seen_at=seen_at, record=value)

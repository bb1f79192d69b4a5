"""Which enriched articles and quote records a subscriber asked for.

Pure functions over the decoded JSON records (dicts), so ``newswire subscribe``, the Python
client and the tests share one definition of "matches". Name matches are case-insensitive
substrings (``--speaker saleh`` finds "Amrullah Saleh"); an entity may also be given by its
stable id (``PERSON:amrullah saleh``). All given filters must match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """``2021-08-24``, ``2021-08-24T10:00:00+00:00`` or a relative ``90m`` / ``6h`` / ``2d``."""
    now = now or datetime.now(UTC)
    match = _RELATIVE.match(value.strip().lower())
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"--since {value!r}: use an ISO date/time (2021-08-24, 2021-08-24T10:00Z) "
                         "or a relative age (30m, 6h, 2d)") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _has(haystack: str | None, needle: str) -> bool:
    return haystack is not None and needle.casefold() in haystack.casefold()


@dataclass(frozen=True)
class Filters:
    entity: str | None = None
    speaker: str | None = None
    label: str | None = None
    source: str | None = None
    since: datetime | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.entity, self.speaker, self.label, self.source, self.since))

    def matches(self, record: dict, timestamp_ms: int | None = None) -> bool:
        """``record`` is an EnrichedArticle or a QuoteRecord (told apart by ``quote``)."""
        if self.since is not None and timestamp_ms is not None and timestamp_ms < self.since.timestamp() * 1000:
            return False
        if self.source and not _has(record.get("source"), self.source):
            return False
        if "quote" in record:
            return self._matches_quote(record)
        return self._matches_article(record)

    def _matches_article(self, article: dict) -> bool:
        entities = article.get("entities") or []
        if self.entity and not any(_has(e.get("name"), self.entity) or e.get("id") == self.entity for e in entities):
            return False
        if self.label and not any(e.get("label") == self.label.upper() for e in entities):
            return False
        if self.speaker:
            speakers = [(q.get("speaker") or {}) for q in article.get("quotes") or []]
            if not any(_has(s.get("name"), self.speaker) or _has(s.get("text"), self.speaker) for s in speakers):
                return False
        return True

    def _matches_quote(self, record: dict) -> bool:
        speaker_id = record.get("speaker_entity_id") or ""
        if self.speaker and not (_has(record.get("speaker_name"), self.speaker) or speaker_id == self.speaker):
            return False
        if self.label and not speaker_id.startswith(self.label.upper() + ":"):
            return False
        # a quote is "about" an entity when the entity is its speaker or is named in its words
        if self.entity and not (_has(record.get("speaker_name"), self.entity) or speaker_id == self.entity
                                or _has((record.get("quote") or {}).get("text"), self.entity)):
            return False
        return True

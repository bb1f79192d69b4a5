"""Calendar dates: parsing date phrases and resolving relative ones against the story date;
and the article's own times (``published_at``, ``received_at``) in the one shape newswire emits.

Producers send times in any shape :mod:`schemas.times` accepts; records carry RFC 3339 UTC with
``Z``. What was given is kept where it matters: ``published_at_precision`` says whether only a
date was known (``published_at`` is then its midnight UTC), a time with its offset, or a time
without one (read as UTC); relative dates in the story resolve against the calendar day as the
source wrote it, not the UTC day, which may differ.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from schemas.times import GivenTime, Precision, format_timestamp, parse_input_time

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MONTH = (
    r"(?i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
MONTH_RE = _MONTH

# "August 15", "Aug. 15, 2021", "15 August 2021", "24th August, 2021", "2021-08-24"
DATE_PHRASE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})\b(?:,?\s+(?P<y1>{_YEAR})\b)?"
    rf"|(?P<d2>{_DAY})\s+(?P<m2>{_MONTH})\b(?:,?\s+(?P<y2>{_YEAR})\b)?"
    rf"|(?P<iso>{_YEAR}-[01]\d-[0-3]\d)\b)"
)
_WEEKDAY_RE = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
# Lower case, or capitalised at a sentence start: "India Today" is a magazine, not a date.
_RELATIVE_RE = re.compile(
    r"(?:\b|(?:^|(?<=[.!?\"\u201c] )))(today|yesterday|tomorrow|(?<![^\n.!?\"\u201c] )(?:Today|Yesterday|Tomorrow))\b"
)
_FUTURE_HINT = re.compile(r"\b(next|will|to be|due|until|scheduled|planned|expected)\b[^.]{0,40}$", re.I)
_YEAR_RE = re.compile(r"(?<![\d,.$])(19[0-9]\d|20[0-9]\d)(?![\d,])")


def _month(token: str) -> int:
    return MONTHS[token[:3].lower()]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date_phrase(text: str, reference: date | None = None) -> date | None:
    """A calendar date from one phrase; a missing year is taken from ``reference``.

    Without a year, the date is placed in the reference's year unless that puts it more than
    a month after the reference, in which case the story is talking about last year.
    """
    m = DATE_PHRASE.search(text)
    if not m:
        return None
    return _from_match(m, reference)


def _from_match(m: re.Match[str], reference: date | None) -> date | None:
    if m.group("iso"):
        y, mo, d = map(int, m.group("iso").split("-"))
        return _safe_date(y, mo, d)
    month = _month(m.group("m1") or m.group("m2"))
    digits = re.match(r"\d+", m.group("d1") or m.group("d2"))
    if digits is None:  # the day groups of the pattern start with digits: never taken
        return None
    day = int(digits.group())
    year_txt = m.group("y1") or m.group("y2")
    if year_txt:
        return _safe_date(int(year_txt), month, day)
    if reference is None:
        return None
    found = _safe_date(reference.year, month, day)
    if found and (found - reference).days > 31:
        found = _safe_date(reference.year - 1, month, day)
    return found


def infer_year(text: str) -> int | None:
    """The year a story was most likely written in, from the years it mentions.

    Used only when nothing else dates the story. Stories mention their own year and the
    previous one most; forecasts mention later years, so the most mentioned year wins and
    ties go to the later year.
    """
    years = Counter(int(y) for y in _YEAR_RE.findall(text))
    if not years:
        return None
    return max(years, key=lambda y: (years[y], y))


def find_dates(text: str, reference: date | None, skip: tuple[int, int] | None = None) -> list[dict]:
    """Date expressions in ``text`` resolved to ISO dates. ``skip`` excludes a span (the dateline)."""
    if reference is None:
        return []
    found: list[dict] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: date | None) -> None:
        if value is None:
            return
        if skip and start < skip[1] and end > skip[0]:
            return
        if any(start < e and end > s for s, e in taken):
            return
        taken.append((start, end))
        found.append({"start": start, "end": end, "text": text[start:end], "value": value.isoformat()})

    for m in DATE_PHRASE.finditer(text):
        add(m.start(), m.end(), _from_match(m, reference))
    for m in _WEEKDAY_RE.finditer(text):
        target = WEEKDAYS.index(m.group(1).lower())
        before = text[max(0, m.start() - 60): m.start()]
        if _FUTURE_HINT.search(before):
            delta = (target - reference.weekday()) % 7 or 7
            add(m.start(), m.end(), reference + timedelta(days=delta))
        else:
            delta = (reference.weekday() - target) % 7
            add(m.start(), m.end(), reference - timedelta(days=delta))
    for m in _RELATIVE_RE.finditer(text):
        offset = {"today": 0, "yesterday": -1, "tomorrow": 1}[m.group(1).lower()]
        add(m.start(), m.end(), reference + timedelta(days=offset))
    found.sort(key=lambda d: d["start"])
    return found


@dataclass(frozen=True)
class Published:
    """When a story was published, as records carry it."""

    at: str  # RFC 3339 UTC
    precision: Precision
    day: date  # the calendar day as the source wrote it: what "on Monday" resolves against


def given_time(value: str | datetime | date | None) -> GivenTime | None:
    """A producer's time in any accepted shape (None when absent or in none of them)."""
    return None if value is None else parse_input_time(value)


def published(raw_value: str | datetime | date | None, *fallback_days: date | str | None) -> Published | None:
    """The producer's publication time, else the first calendar day of ``fallback_days`` (a
    header's or the dateline's date), which is known to the day only."""
    given = given_time(raw_value)
    if given is not None:
        return Published(format_timestamp(given.at), given.precision, given.day)
    for day in fallback_days:
        found = given_time(day) if isinstance(day, str) else (GivenTime(
            datetime(day.year, day.month, day.day), "date", day) if day is not None else None)
        if found is not None and found.precision == "date":
            return Published(format_timestamp(found.at), "date", found.day)
    return None


def received(raw_value: str | datetime | date | None, now: datetime) -> str:
    """When the article entered the pipeline: the producer's stamp, else ``now``."""
    given = given_time(raw_value)
    return format_timestamp(given.at if given is not None else now)

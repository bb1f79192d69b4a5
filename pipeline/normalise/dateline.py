"""Wire datelines: ``LOCATION[, Region][, Month Day] [(Agency)] -``, in their many styles.

Handled, among others::

    MOSCOW (UrduPoint News / Sputnik - 24th August, 2021)
    NEW YORK, March 30 -
    ROME 1996-12-06
    Washington (AFP) –
    LONDON (Reuters) -
    KABUL, Afghanistan (AP) —
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.normalise.dates import DATE_PHRASE, MONTH_RE, _from_match

_CAPS_WORD = r"[A-Z][A-Z.'\u2019&-]*[A-Z.]|[A-Z]"
_CAPS_LOC = rf"(?:{_CAPS_WORD})(?:[ ](?:{_CAPS_WORD}|de|da|del|la|el|of)){{0,4}}"
_MIXED_LOC = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3}"
_REGION = rf",[ ](?!{MONTH_RE}\s*\d)(?!\d)[A-Z][A-Za-z.']*(?:[ ][A-Z][A-Za-z.']*){{0,3}}"
_DATE = (
    rf"(?:,?[ ](?:{MONTH_RE}[ ]\d{{1,2}}(?:,?[ ]\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?[ ]{MONTH_RE}(?:,?[ ]\d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}))"
)
_AGENCY = r"[ ]?\((?P<agency>[^()\n]{1,100})\)"
_SEP = r"(?P<sep>[ ]*(?:--|-|\u2013|\u2014|:)[ ]*)"

_CAPS_DATELINE = re.compile(
    rf"^(?P<loc>{_CAPS_LOC})(?P<region>{_REGION})?(?P<date>{_DATE})?(?:{_AGENCY})?(?P<date2>{_DATE})?"
    rf"(?:{_SEP}|(?P<end>[ ]*$)|[ ](?=[A-Z\"\u201c]))"
)
_MIXED_DATELINE = re.compile(
    rf"^(?P<loc>{_MIXED_LOC})(?P<region>{_REGION})?(?P<date>{_DATE})?{_AGENCY}(?P<date2>{_DATE})?"
    rf"(?:{_SEP}|[ ](?=[A-Z\"\u201c]))"
)
# "Toronto, Feb 26 -", "Scarborough, Ontario, Feb 26 -": mixed case needs a date and a dash.
_MIXED_DATED = re.compile(
    rf"^(?P<loc>{_MIXED_LOC})(?P<region>{_REGION})?(?P<date>{_DATE})(?:{_AGENCY})?(?P<date2>){_SEP}"
)
_AGENCY_SPLIT = re.compile(r"\s*(?:/|,|;|\band\b)\s*")
_STOP_CAPS = {"A", "I", "THE", "AN", "IN", "ON", "AT", "BY", "FOR", "TO", "OF", "AND", "BUT", "IF", "AS"}


@dataclass
class DatelineMatch:
    location: str
    agencies: list[str] = field(default_factory=list)
    date: str | None = None
    start: int = 0
    end: int = 0  # end of the dateline proper, separator excluded
    body_start: int = 0  # where the story text begins after the separator
    location_span: tuple[int, int] = (0, 0)
    agency_spans: list[tuple[int, int]] = field(default_factory=list)


def _match(paragraph: str) -> re.Match[str] | None:
    m = _CAPS_DATELINE.match(paragraph)
    if m and _plausible_caps(m):
        return m
    m = _MIXED_DATELINE.match(paragraph)
    if m and _looks_like_agency(m.group("agency")):
        return m
    m = _MIXED_DATED.match(paragraph)
    if m and m.group("sep").strip() in ("-", "--", "\u2013", "\u2014"):
        return m
    return None


def _plausible_caps(m: re.Match[str]) -> bool:
    """A capitalised opening is a dateline only with a date, an agency, or a dash after it."""
    loc = m.group("loc")
    if loc in _STOP_CAPS or not re.search(r"[A-Z]{2}", loc):
        return False
    has_marker = bool(m.group("date") or m.group("date2") or m.group("agency") or m.group("sep"))
    if m.group("sep") and m.group("sep").strip() == ":" and not (m.group("date") or m.group("agency")):
        return False
    if m.group("agency") and not (m.group("date") or _looks_like_agency(m.group("agency"))):
        return False
    return has_marker or (m.group("end") is not None and m.group("date") is not None)


def _looks_like_agency(text: str | None) -> bool:
    if not text:
        return False
    words = text.split()
    return 0 < len(words) <= 12 and text[:1].isupper()


def looks_like_dateline(paragraph: str) -> bool:
    return _match(paragraph) is not None


def parse_dateline(paragraph: str, offset: int = 0, reference=None) -> DatelineMatch | None:
    """Parse a dateline at the start of ``paragraph``; spans are shifted by ``offset``."""
    m = _match(paragraph)
    if not m:
        return None
    loc = m.group("loc").strip()
    agencies: list[str] = []
    agency_spans: list[tuple[int, int]] = []
    date_value = None
    agency_text = m.group("agency")
    if agency_text:
        a_start = m.start("agency")
        inner = agency_text
        dm = DATE_PHRASE.search(inner)
        if dm:
            date_value = _from_match(dm, reference)
            inner = inner[: dm.start()]
        inner = re.sub(r"[\s\-\u2013\u2014,]+$", "", inner)
        pos = 0
        for part in _AGENCY_SPLIT.split(inner):
            part = part.strip()
            if not part:
                continue
            idx = agency_text.find(part, pos)
            pos = idx + len(part)
            agencies.append(part)
            agency_spans.append((offset + a_start + idx, offset + a_start + idx + len(part)))
    for group in ("date", "date2"):
        if date_value is None and m.group(group):
            dm = DATE_PHRASE.search(m.group(group))
            if dm:
                date_value = _from_match(dm, reference)
    end = m.end("sep") - len(m.group("sep")) if m.group("sep") else m.end()
    while end > 0 and paragraph[end - 1] == " ":
        end -= 1
    return DatelineMatch(
        location=loc,
        agencies=agencies,
        date=date_value.isoformat() if date_value else None,
        start=offset,
        end=offset + end,
        body_start=offset + m.end(),
        location_span=(offset + m.start("loc"), offset + m.start("loc") + len(loc)),
        agency_spans=agency_spans,
    )

"""Times in the contract: the shapes producers may send, and the one shape newswire emits.

Inputs (``RawArticle.published_at`` / ``received_at``) may come in any common shape: a date
(``2021-08-24``), ISO 8601 with or without an offset (``2021-08-24T09:30:00+02:00``,
``2021-08-24 09:30``, ``2021-08-24T09:30:00Z``), or RFC 2822 as feeds and mail write it
(``Tue, 24 Aug 2021 09:30:00 GMT``). The same regular expressions are the JSON Schema's
``pattern`` and the pipeline's check, so the schema and the pipeline accept exactly the same
strings. They are written in the subset of regex syntax that Python (``re``, used by
``jsonschema``) and ECMAScript (Ajv) read alike, and they check the calendar (no 30 February,
29 February only in leap years) because a pattern is all a JSON Schema can check everywhere:
``format`` is an annotation unless the validator is told to assert it.

Outputs carry every timestamp as RFC 3339 in UTC with ``Z`` (``2021-08-24T07:30:00Z``) and every
calendar date as ``YYYY-MM-DD``, which ``java.time.Instant``/``OffsetDateTime``, JavaScript's
``Date`` and Go's ``time.RFC3339`` all parse.

This module is pure standard library: the records (``schemas.records``) validate with it and
the pipeline (``pipeline.normalise.dates``) normalises with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal

# End of string in both dialects: Python's "$" also matches before a final "\n", ECMAScript's
# does not; the lookahead makes Python agree.
_END = r"$(?!\n)"
_YEAR = "[1-9][0-9]{3}"  # 1000-9999: Python's date has no year 0, and no wire story is older
_LEAP_YEAR = "(?:[1-9][0-9](?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)"
_MONTH_DAY = ("(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
              "|02-(?:0[1-9]|1[0-9]|2[0-8]))")
_DATE = f"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
# Seconds may be 60 (a leap second, which RFC 3339 allows); it is read as :59.
_TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::(?:[0-5][0-9]|60)(?:[.][0-9]+)?)?"
_RFC2822_TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::(?:[0-5][0-9]|60))?"
_OFFSET = "(?:[Zz]|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RFC2822_ZONES = {"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
                  "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
_RFC2822_DAY_MONTH_YEAR = (
    f"(?:(?:0?[1-9]|[12][0-9]|3[01]) (?:Jan|Mar|May|Jul|Aug|Oct|Dec) {_YEAR}"
    f"|(?:0?[1-9]|[12][0-9]|30) (?:Apr|Jun|Sep|Nov) {_YEAR}"
    f"|(?:0?[1-9]|1[0-9]|2[0-8]) Feb {_YEAR}"
    f"|29 Feb {_LEAP_YEAR})"
)

DATE_PATTERN = f"^{_DATE}{_END}"
ISO_DATETIME_PATTERN = f"^{_DATE}[Tt ]{_TIME}{_OFFSET}?{_END}"
RFC2822_PATTERN = (
    f"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ?)?{_RFC2822_DAY_MONTH_YEAR} {_RFC2822_TIME} "
    f"(?:[+-](?:[01][0-9]|2[0-3])[0-5][0-9]|{'|'.join(_RFC2822_ZONES)}){_END}"
)
INPUT_TIME_PATTERNS = {
    "date": DATE_PATTERN,
    "ISO 8601 date and time, with or without an offset (without: read as UTC)": ISO_DATETIME_PATTERN,
    "RFC 2822 (feeds, mail)": RFC2822_PATTERN,
}

# What newswire emits. The patterns hold even for validators that treat ``format`` as a mere
# annotation: UTC with "Z", and a plain calendar date.
UTC_TIMESTAMP_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?Z$"
CALENDAR_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

Precision = Literal["date", "datetime", "datetime_no_offset"]

_DATE_RE = re.compile(DATE_PATTERN)
_ISO_RE = re.compile(
    rf"^(?P<date>{_DATE})[Tt ](?P<h>[0-9]{{2}}):(?P<mi>[0-9]{{2}})(?::(?P<s>[0-9]{{2}})(?:[.](?P<f>[0-9]+))?)?"
    rf"(?P<off>{_OFFSET})?{_END}"
)
_RFC2822_RE = re.compile(RFC2822_PATTERN)
_RFC2822_PARTS = re.compile(
    r"(?P<d>[0-9]{1,2}) (?P<mon>[A-Z][a-z]{2}) (?P<y>[0-9]{4}) (?P<h>[0-9]{2}):(?P<mi>[0-9]{2})"
    r"(?::(?P<s>[0-9]{2}))? (?P<zone>\S+)$"
)


@dataclass(frozen=True)
class GivenTime:
    """A time as a producer gave it: the instant in UTC, how much was given, the calendar day.

    ``day`` is the date as written (its own zone), which is what a story's relative dates
    ("on Monday") resolve against; ``at`` may fall on another UTC day.
    """

    at: datetime
    precision: Precision
    day: date


def _offset(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _clock(h: str, mi: str, s: str | None, f: str | None) -> tuple[int, int, int, int]:
    second = min(int(s or 0), 59)  # a leap second is read as the second before it
    micro = int((f or "0")[:6].ljust(6, "0"))
    return int(h), int(mi), second, micro


def parse_input_time(value: str | datetime | date) -> GivenTime | None:
    """A producer's time in any accepted shape, or None when it is in none of them."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return GivenTime(value.replace(tzinfo=UTC), "datetime_no_offset", value.date())
        return GivenTime(value.astimezone(UTC), "datetime", value.date())
    if isinstance(value, date):
        return GivenTime(datetime(value.year, value.month, value.day, tzinfo=UTC), "date", value)
    if not isinstance(value, str):
        return None
    if _DATE_RE.match(value):
        day = date.fromisoformat(value)
        return GivenTime(datetime(day.year, day.month, day.day, tzinfo=UTC), "date", day)
    m = _ISO_RE.match(value)
    if m:
        day = date.fromisoformat(m.group("date"))
        zone = _offset(m.group("off"))
        local = datetime(day.year, day.month, day.day, *_clock(m["h"], m["mi"], m["s"], m["f"]), tzinfo=zone or UTC)
        return GivenTime(local.astimezone(UTC), "datetime" if zone else "datetime_no_offset", day)
    if _RFC2822_RE.match(value):
        p = _RFC2822_PARTS.search(value)
        if p is None:  # pragma: no cover - the pattern above guarantees these parts
            return None
        day = date(int(p["y"]), _MONTHS.index(p["mon"]) + 1, int(p["d"]))
        zone_text = p["zone"]
        if zone_text == "-0000":  # RFC 2822 3.3: "-0000" says the offset is unknown
            zone = None
        elif zone_text in _RFC2822_ZONES:
            zone = timezone(timedelta(hours=_RFC2822_ZONES[zone_text]))
        else:
            zone = _offset(f"{zone_text[0]}{zone_text[1:3]}:{zone_text[3:5]}")
        local = datetime(day.year, day.month, day.day, *_clock(p["h"], p["mi"], p["s"], None), tzinfo=zone or UTC)
        return GivenTime(local.astimezone(UTC), "datetime" if zone else "datetime_no_offset", day)
    return None


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with ``Z``; a naive datetime is taken to be UTC already."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds" if utc.microsecond else "seconds") + "Z"


def as_utc_timestamp(value: object) -> object:
    """Coerce what Python code hands an output record (a datetime, an ISO string with any
    offset) to the one emitted shape; anything else is left for validation to reject."""
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, str) and not re.match(UTC_TIMESTAMP_PATTERN, value):
        given = parse_input_time(value)
        if given is not None:
            return format_timestamp(given.at)
    return value

"""Bylines and wire credit lines: ``By Jane Doe``, ``(Reporting by ...; Editing by ...)``."""

from __future__ import annotations

import re

_NAME = r"[A-Z][\w.'\u2019-]+(?:\s+(?:[A-Z][\w.'\u2019-]+|de|van|von|al-\w+)){0,3}"
_BY = re.compile(rf"^(?:By|BY)\s+(?P<names>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)\s*(?:[,;|/-].*)?$")
_CREDIT = re.compile(
    r"^\(?\s*(?:Reporting|Writing|Additional reporting)\s+by\s+(?P<names>[^;)]+?)(?:;[^)]*)?\)?\s*$", re.I
)
_SPLIT = re.compile(r"\s*(?:,|\band\b|&|\bin\b.*$)\s*")


def find_byline(paragraph: str) -> tuple[list[str], int, int] | None:
    """(names, start, end) within the paragraph, or None."""
    if len(paragraph) > 200:
        return None
    for pattern in (_BY, _CREDIT):
        m = pattern.match(paragraph)
        if m:
            names = [n.strip() for n in _SPLIT.split(m.group("names")) if n.strip() and n[0].isupper()]
            if names:
                return names, 0, len(paragraph)
    return None

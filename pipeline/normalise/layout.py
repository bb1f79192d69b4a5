"""Where the parts of a plain-text story are: header line, headline, body paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+(.+?)\s*$", re.IGNORECASE)


@dataclass
class Layout:
    title: str | None
    published_at: str | None
    body: str  # the text below the title, line structure preserved


def split_header(raw: str) -> Layout:
    """Peel off a headline (and the ``date YYYY-MM-DD <title>`` header some feeds use).

    The first line is a headline when it is short and a blank line or more text follows.
    A first line that is itself a dateline sentence is body, not a headline.
    """
    from pipeline.normalise.dateline import looks_like_dateline

    text = raw.lstrip("\n")
    first, sep, rest = text.partition("\n")
    m = _HEADER.match(first)
    if m:
        return Layout(title=m.group(2).strip(), published_at=m.group(1), body=rest)
    first_stripped = first.strip()
    next_line = rest.strip().split("\n", 1)[0] if rest.strip() else ""
    if (
        sep
        and rest.strip()
        and 0 < len(first_stripped) <= 250
        and (not looks_like_dateline(first_stripped) or (rest.startswith("\n") and looks_like_dateline(next_line)))
        and (rest.startswith("\n") or not first_stripped.endswith((",", ";")))
    ):
        return Layout(title=first_stripped, published_at=None, body=rest)
    return Layout(title=None, published_at=None, body=text)

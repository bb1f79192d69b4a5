"""A short passage around the first search hit, made in Python so both stores give the same one.

The engines stem (a search for "negotiations" finds "negotiation"), so the passage is found
by each word's stem-like prefix rather than the exact word; with no terms it is the lead.
"""

from __future__ import annotations

import re

from pipeline.archive.query import Term

WIDTH = 220  # characters: two lines of a result list
MIN_PREFIX = 4  # shorter prefixes match too much to place a snippet well


def _prefix(token: str) -> str:
    return token if len(token) <= MIN_PREFIX else token[:max(MIN_PREFIX, len(token) - 3)]


def snippet(text: str, terms: tuple[Term, ...], width: int = WIDTH) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    at = -1
    for term in terms:
        pattern = r"\b" + r"\W+".join(re.escape(_prefix(t)) + r"\w*" for t in term.tokens)
        match = re.search(pattern, text, re.IGNORECASE)
        if match and (at < 0 or match.start() < at):
            at = match.start()
    start = 0 if at < width // 3 else at - width // 3
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    piece = text[start:start + width]
    if start + width < len(text):
        piece = piece.rsplit(" ", 1)[0] + " …"
    return ("… " if start else "") + piece

"""Pass 1, marks: pair quotation marks into quotations, before any parsing.

Curly or straight, balanced or not: every sequence of marks gives some pairing and never an
error. A quotation may run over several paragraphs (each continued paragraph reopens the
quotation without closing the one before, the newspaper convention).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

OPENERS = "\u201c\u00ab\u201e"
CLOSERS = "\u201d\u00bb"
MARKS = '"' + OPENERS + CLOSERS
_BEFORE_OPEN = set(" \t\n([{\u2014\u2013-/:")
_TRIM_CHARS = " \t\n,;:\u2014\u2013-"


@dataclass
class Quotation:
    """A candidate quote while the passes shape it; becomes a ``Quote`` record at the end."""

    segments: list[tuple[int, int]]  # content spans, marks excluded
    closed: bool = True
    kind: str = "direct"
    cue: Token | None = None

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds, pos = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, len(text)))
    return [b for b in bounds if b[1] > b[0]]


def _mark_kind(text: str, i: int) -> str:
    ch = text[i]
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch in OPENERS:
        return "open"
    if ch in CLOSERS:
        # a closing mark at a paragraph start is a typo for an opening one
        return "open" if before == "\n" and not after.isspace() else "close"
    if before in _BEFORE_OPEN and not after.isspace():
        return "open"
    return "close"


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in _TRIM_CHARS:
        end -= 1
    return start, end


def find_quotations(text: str) -> list[Quotation]:
    """Pair quote marks into quotations. Robust to any sequence of marks."""
    quotations: list[Quotation] = []
    paragraphs = paragraph_bounds(text)
    carry: list[tuple[int, int]] = []  # segments of a quotation continuing from earlier paragraphs
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        open_at: int | None = None
        marks = [i for i in range(p_start, p_end) if text[i] in MARKS]
        if carry and (not marks or text[p_start:marks[0]].strip()):
            # the continuing quotation was never reopened: it ended with the last paragraph
            quotations.append(Quotation(segments=carry, closed=False))
            carry = []
        for i in marks:
            kind = _mark_kind(text, i)
            if open_at is None:
                if carry and i == marks[0]:
                    open_at = i
                elif kind == "open":
                    open_at = i
                continue
            if kind == "open" and text[i] in OPENERS:
                open_at = i  # a stray opener: restart from the later mark
                continue
            seg = trimmed(text, open_at + 1, i)
            if seg[1] > seg[0]:
                quotations.append(Quotation(segments=[*carry, seg]))
            carry = []
            open_at = None
        if open_at is not None:
            seg = trimmed(text, open_at + 1, p_end)
            nxt = paragraphs[p_index + 1] if p_index + 1 < len(paragraphs) else None
            if seg[1] > seg[0]:
                carry = [*carry, seg]
            if nxt is None or text[nxt[0]] not in '"' + OPENERS:
                if carry:
                    quotations.append(Quotation(segments=carry, closed=False))
                carry = []
    if carry:
        quotations.append(Quotation(segments=carry, closed=False))
    return quotations

"""Pass 1, marks: pair quotation marks into quotations, before any parsing.

Curly or straight, balanced or not: every sequence of marks gives some pairing and never an
error. A quotation may run over several paragraphs (each continued paragraph reopens the
quotation without closing the one before, the newspaper convention).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Token

from schemas.records import QuoteKind

OPENERS = "\u201c\u00ab\u201e"
CLOSERS = "\u201d\u00bb"
MARKS = '"' + OPENERS + CLOSERS
_BEFORE_OPEN = set(" \t\n([{\u2014\u2013-/:")
_TRIM_CHARS = " \t\n,;:\u2014\u2013-"
# 'PENCE: Well, ...', '"WALLACE: But, Governor ...': a capitalised name of up to three words and a
# colon leading a paragraph, or Q and A in an interview
_LABEL = re.compile(
    r"(?P<mark>[\"\u201c\u00ab\u201e])?(?P<name>[A-Z][A-Z.'\u2019-]+(?: [A-Z][A-Z.'\u2019-]+){0,2}|Q|A):[ \t]+(?=\S)"
)
# a dialogue has two speakers at least: one label alone ('HUFFPOLLSTER: ...') is a heading
DIALOGUE_MIN_SPEAKERS = 2
_LOOKBEHIND = 12  # enough to see past the opening mark and spaces to the previous sentence's end
_NOT_LABELS = {
    "UPDATE", "UPDATED", "CORRECTION", "CLARIFICATION", "EDITOR'S NOTE", "NOTE", "VIDEO", "WATCH", "PHOTO", "PHOTOS",
    "EXCLUSIVE", "BREAKING", "BYLINE", "EMAIL", "READ MORE", "RELATED", "LOOK", "BOOM", "BUSTED", "SOURCE", "SOURCES",
}


@dataclass
class Quotation:
    """A candidate quote while the passes shape it; becomes a ``Quote`` record at the end."""

    segments: list[tuple[int, int]]  # content spans, marks excluded
    closed: bool = True
    kind: QuoteKind = "direct"
    cue: Token | None = None
    label: tuple[int, int] | None = None  # a transcript label naming the speaker

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


@lru_cache(maxsize=8)
def _paragraph_starts(text: str) -> tuple[int, ...]:
    return tuple(s for s, _e in paragraph_bounds(text))


def paragraph_index(text: str, i: int) -> int:
    """Which paragraph character ``i`` is in (the blank lines before one count as its own)."""
    return bisect_right(_paragraph_starts(text), i)


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
    """Pair quote marks into quotations. Robust to any sequence of marks.

    A quotation opened and not closed in its paragraph continues into the next one when that
    paragraph opens with a mark; a paragraph led by a transcript label is one quotation of its own.
    """
    quotations: list[Quotation] = []
    paragraphs = paragraph_bounds(text)
    labels = transcript_labels(text, paragraphs)
    carry: list[tuple[int, int]] = []  # segments of a quotation continuing from earlier paragraphs
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        marks = [i for i in range(p_start, p_end) if text[i] in MARKS]
        label = labels.get(p_start)
        if carry and (label is not None or not marks or text[p_start:marks[0]].strip()):
            # the continuing quotation was never reopened: it ended with the last paragraph
            quotations.append(Quotation(segments=carry, closed=False))
            carry = []
        if label is not None:
            quotations.append(_labelled(text, label, p_end))
            continue
        open_at = _pair_marks(text, marks, bool(carry), quotations, carry)  # closes or clears carry
        if open_at is not None:
            seg = trimmed(text, open_at + 1, p_end)
            nxt = paragraphs[p_index + 1] if p_index + 1 < len(paragraphs) else None
            if seg[1] > seg[0]:
                carry = [*carry, seg]
            if nxt is None or text[nxt[0]] not in '"' + OPENERS or nxt[0] in labels:
                if carry:
                    quotations.append(Quotation(segments=carry, closed=False))
                carry = []
    if carry:
        quotations.append(Quotation(segments=carry, closed=False))
    return quotations


def _pair_marks(text: str, marks: list[int], continuing: bool, quotations: list[Quotation],
                carry: list[tuple[int, int]]) -> int | None:
    """Pair one paragraph's marks, appending closed quotations; the opening mark left open, if any.

    An opening mark inside an open quotation nests ('what he calls "hell" than') when enough
    closing marks follow to close both; otherwise it is a stray, and the quotation restarts there.
    """
    kinds = [_mark_kind(text, i) for i in marks]
    open_at: int | None = None
    depth = 0
    for n, i in enumerate(marks):
        if open_at is None:
            if (continuing and n == 0) or kinds[n] == "open":
                open_at, depth = i, 0
            continue
        if kinds[n] == "open" and text[i] in OPENERS:
            closers, openers = kinds[n + 1:].count("close"), kinds[n + 1:].count("open")
            if closers > openers + depth + 1:
                depth += 1  # nested: the outer quotation goes on past its closing mark
            else:
                open_at, depth = i, 0  # a stray opener: restart from the later mark
                carry.clear()
            continue
        if kinds[n] == "open" and depth:
            depth += 1
            continue
        if depth:
            depth -= 1
            continue
        seg = trimmed(text, open_at + 1, i)
        if seg[1] > seg[0]:
            quotations.append(Quotation(segments=[*carry, seg]))
        carry.clear()
        open_at = None
    return open_at


def _labelled(text: str, label: tuple[int, int, int], p_end: int) -> Quotation:
    """A transcript turn: the paragraph after its label, without the marks around it."""
    s, e = trimmed(text, label[2], p_end)
    while e > s and text[e - 1] in MARKS:
        e -= 1
    s, e = trimmed(text, s, e)
    return Quotation(segments=[(s, e)], closed=True, label=(label[0], label[1]))


def transcript_labels(text: str, paragraphs: list[tuple[int, int]]) -> dict[int, tuple[int, int, int]]:
    """Paragraphs led by a speaker label (``PENCE: Well, ...``), as paragraph start -> (label start,
    label end, content start).

    A label counts inside an opening mark (``"WALLACE: ...``), or when the story has turns by two
    different labels at least (a dialogue); a heading word (``UPDATE:``) never does."""
    found: dict[int, tuple[int, int, int, bool]] = {}
    for p_start, p_end in paragraphs:
        m = _LABEL.match(text, p_start, p_end)
        if m is None or m.group("name") in _NOT_LABELS or (m.group("name") in ("Q", "A") and not m.group("mark")):
            continue  # an interview printed as Q and A is the story itself, not quotations in it
        found[p_start] = (m.start("name"), m.end("name"), m.end(), bool(m.group("mark")))
    names = {text[s:e] for s, e, _c, _q in found.values()}
    dialogue = len(names) >= DIALOGUE_MIN_SPEAKERS
    return {p: (s, e, c) for p, (s, e, c, quoted) in found.items() if quoted or dialogue}


def opens_sentence(text: str, start: int) -> bool:
    """True when the quotation starting at ``start`` opens its sentence ('... planet. "And they're
    terrifying," he said'), not when it is a title or phrase inside one ('on "Meet the Press," he said')."""
    before = text[max(0, start - _LOOKBEHIND):start].rstrip(MARKS + " \t\u00a0")
    return not before or before[-1] in ".!?\n:" or before.endswith(("\u2014", "--"))

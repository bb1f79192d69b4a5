"""A same-length, mixed-case view of ALL-CAPS lines for the tagger.

spaCy's small model reads ``JAPAN GET LUCKY WIN`` as a run of proper nouns. Headlines and
datelines in capitals are shown to it in title case instead; because the view has exactly
the length of the original, every offset found on it is an offset into ``text``.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")
_SMALL = {
    "a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "by", "with", "from",
    "as", "is", "are", "was", "were", "be", "it", "its", "into", "over", "after", "before", "up",
    "out", "off", "not", "no", "vs", "v", "says", "said", "say", "will", "has", "have", "had",
}


def _caps_ratio(line: str) -> float:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 6:
        return 0.0
    return sum(c.isupper() for c in letters) / len(letters)


def _recase_word(m: re.Match[str], first: bool) -> str:
    word = m.group(0)
    if len(word) <= 2 and word.isupper() and word.lower() not in _SMALL:
        return word  # EU, UN, US: keep acronyms
    lower = word.lower()
    if lower in _SMALL and not first:
        return lower
    return word[0].upper() + lower[1:]


def casing_view(text: str) -> str:
    """Title-case the lines that are (almost) all capitals; leave the rest untouched."""
    if not any(_caps_ratio(line) > 0.8 for line in text.split("\n")):
        return text
    out = []
    for line in text.split("\n"):
        if _caps_ratio(line) > 0.8:
            first = [True]

            def repl(m: re.Match[str], first: list[bool] = first) -> str:
                result = _recase_word(m, first[0])
                first[0] = False
                return result

            line = _WORD.sub(repl, line)
        out.append(line)
    view = "\n".join(out)
    if len(view) != len(text):  # every offset found on the view must be an offset into text
        raise ValueError(f"casing view changed the length ({len(text)} -> {len(view)} characters)")
    return view


def recase_span(text: str, start: int, end: int) -> str:
    """Title-case one span (a dateline's capital location) in the view."""
    return _WORD.sub(lambda m: _recase_word(m, True), text[start:end])

"""Names that title case invents in a headline.

A headline in title case (``Reporter Visits Hospital Where Senator Was Treated``; an ALL-CAPS
wire headline is shown to the tagger that way too) hides which words are names: every word
looks like one, and the NER, news NER or small model alike, tags runs such as ``Visits
Hospital`` as people. The story's body settles it: a name is written with a capital there too,
while ``hospital`` is not. So in a title-case headline, a mention none of whose words is
capitalised anywhere in the body is a casing artefact, not a name.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
MIN_TITLE_WORDS = 3  # content words (4+ letters) a headline needs before its casing says anything
TITLE_CASE_SHARE = 0.8  # share of those capitalised: sentence-case headlines ("Feta cheese battle") keep theirs


def title_cased(title: str) -> bool:
    words = [w for w in _WORD.findall(title) if len(w) >= 4]
    return len(words) >= MIN_TITLE_WORDS and sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)


def capitalised_words(body: str) -> set[str]:
    """The body's words that start with a capital, lower-cased."""
    return {w.lower() for w in _WORD.findall(body) if w[0].isupper()}


def casing_artefact(mention: str, body_capitalised: set[str]) -> bool:
    """True when no word of a headline mention is written as a name in the body."""
    words = [w.lower() for w in _WORD.findall(mention)]
    return bool(words) and not any(w in body_capitalised for w in words)

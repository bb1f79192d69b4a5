"""Language identification.

Most wire copy is English, and langdetect costs several milliseconds an article, so a cheap
test goes first: text where the commonest English function words make up a good share of the
words is English. Everything else goes to langdetect (seeded, so results are reproducible).
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z']+")
_ENGLISH = frozenset(
    "the of and to in a is that for on was with he it as at by from his be have has had are were "
    "said not but this an they which or its their will would who been more after also".split()
)


@lru_cache(maxsize=1)
def _factory() -> None:
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0


def _english_share(sample: str) -> float:
    words = _WORD.findall(sample.lower())
    if len(words) < 30:
        return 0.0
    return sum(w in _ENGLISH for w in words) / len(words)


def detect_language(text: str) -> str | None:
    sample = text[:2000]
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    if _english_share(sample) >= 0.25:
        return "en"
    _factory()
    from langdetect import LangDetectException, detect

    try:
        return detect(sample[:1000])
    except LangDetectException:
        return None

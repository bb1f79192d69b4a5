"""Language identification (langdetect, seeded so results are reproducible)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _factory() -> None:
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0


def detect_language(text: str) -> str | None:
    sample = text[:2000]
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    _factory()
    from langdetect import LangDetectException, detect

    try:
        return detect(sample)
    except LangDetectException:
        return None

"""The text spaCy is shown for an article: what the tagger reads at run time and in training.

One function, so the enrich stage, the NER training data (``pipeline/nlp/ner/convert.py``) and
the benchmarks all parse the very same text; offsets found on it are offsets into
``article.text`` because every transformation keeps the length.
"""

from __future__ import annotations

from pipeline.nlp.casing import casing_view, recase_span
from schemas.records import NormalisedArticle


def tagger_view(article: NormalisedArticle) -> str:
    """The casing view, with an upper-case dateline place recased."""
    view = casing_view(article.text)
    dl = article.dateline
    if dl and dl.location and dl.location.isupper():
        # Show the tagger "Moscow", not "MOSCOW": same length, so offsets still hold.
        view = view[: dl.start] + recase_span(view, dl.start, dl.end) + view[dl.end:]
    return view

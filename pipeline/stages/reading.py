"""Stage ``reading``: word count and estimated reading time of the body.

Needs no parse: it counts words in the text below the headline and dateline, so it costs
microseconds and would run even in a pipeline without spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipeline.stages.registry import stage
from schemas.records import NormalisedArticle, Reading

# Average silent reading rate of adults for non-fiction, in words per minute: Brysbaert (2019),
# "How many words do we read per minute? A review and meta-analysis of reading rate", J. Mem. Lang.
WORDS_PER_MINUTE = 238
# A word is a run of letters or digits, with inner apostrophes and hyphens: "don't", "ex-minister".
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")


def body_start(article: NormalisedArticle) -> int:
    """Where the story's own words start: after the dateline, else after the headline."""
    if article.dateline is not None:
        return article.dateline.end
    return article.title_span.end if article.title_span is not None else 0


@stage("reading")
def reading(article: NormalisedArticle, doc: None, inputs: Mapping[str, Any]) -> Reading:
    words = len(_WORD.findall(article.text[body_start(article):]))
    return Reading(words=words, minutes=round(words / WORDS_PER_MINUTE, 1))

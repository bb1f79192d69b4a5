"""Stage ``quotes``: direct, indirect and mixed quotes, with speakers resolved to the entities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spacy.tokens import Doc

from pipeline.nlp.quotes import extract_quotes
from pipeline.stages.registry import DOC, stage
from schemas.records import NormalisedArticle, Quote


@stage("quotes", needs=(DOC, "entities"))
def quotes(article: NormalisedArticle, doc: Doc, inputs: Mapping[str, Any]) -> list[Quote]:
    return extract_quotes(doc, article, inputs["entities"])

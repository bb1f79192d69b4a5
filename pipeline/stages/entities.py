"""Stage ``entities``: canonical entities (one per person, organisation or place) with their mentions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spacy.tokens import Doc

from pipeline.nlp.entities import canonical_entities
from pipeline.stages.registry import DOC, stage
from schemas.records import Entity, NormalisedArticle


@stage("entities", needs=(DOC,))
def entities(article: NormalisedArticle, doc: Doc, inputs: Mapping[str, Any]) -> list[Entity]:
    return canonical_entities(doc, article)

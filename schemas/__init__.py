"""The records newswire puts on its topics, and their versioned JSON Schemas.

The pydantic models in :mod:`schemas.records` are the source of truth; ``newswire schema
--write`` regenerates ``schemas/json/v1/*.schema.json`` and a test fails when they drift.
"""

from schemas.records import (
    SCHEMA_VERSION,
    Cue,
    Dateline,
    DateRef,
    DeadLetter,
    EnrichedArticle,
    Entity,
    Mention,
    NormalisedArticle,
    PipelineInfo,
    Quote,
    QuoteRecord,
    RawArticle,
    Segment,
    Speaker,
)

__all__ = [
    "SCHEMA_VERSION",
    "Cue",
    "DateRef",
    "Dateline",
    "DeadLetter",
    "EnrichedArticle",
    "Entity",
    "Mention",
    "NormalisedArticle",
    "PipelineInfo",
    "Quote",
    "QuoteRecord",
    "RawArticle",
    "Segment",
    "Speaker",
]

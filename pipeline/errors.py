"""Every way an article can fail, and the reason codes dead letters carry.

Kept in one place (like spaCy's ``errors.py``) so that operators grepping the dead-letter
topic and developers raising errors speak the same vocabulary.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Dead-letter reason codes. Stable strings: consumers filter on them."""

    INVALID_JSON = "invalid_json"  # value is not JSON at all
    INVALID_RECORD = "invalid_record"  # JSON, but not a RawArticle (missing/wrong fields)
    EMPTY_BODY = "empty_body"  # nothing left to process after extraction
    TOO_LARGE = "too_large"  # over NEWSWIRE_MAX_ARTICLE_BYTES
    UNDECODABLE = "undecodable"  # bytes that are no text in any encoding we try
    NORMALISE_FAILED = "normalise_failed"  # a bug in normalisation: report it
    NLP_FAILED = "nlp_failed"  # a bug in entity / quote extraction: report it


class Stage(StrEnum):
    NORMALISE = "normalise"
    ENRICH = "enrich"
    INGEST = "ingest"


class PipelineError(Exception):
    """An article that cannot go on. Carries the reason code for its dead letter."""

    reason: Reason = Reason.NORMALISE_FAILED

    def __init__(self, message: str, reason: Reason | None = None, field: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason
        self.field = field


class InvalidInput(PipelineError):
    """The producer sent something that is not an article."""

    reason = Reason.INVALID_RECORD


class TooLarge(PipelineError):
    reason = Reason.TOO_LARGE


class EmptyArticle(PipelineError):
    reason = Reason.EMPTY_BODY

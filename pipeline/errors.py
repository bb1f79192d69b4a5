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
    UNSUPPORTED_CODEC = "unsupported_codec"  # a record batch compressed with a codec we cannot decode
    CORRUPT_BATCH = "corrupt_batch"  # a record batch that cannot be read (bad CRC, broken payload)
    OUTPUT_TOO_LARGE = "output_too_large"  # the enriched record cannot fit in one Kafka message


class Stage(StrEnum):
    NORMALISE = "normalise"
    ENRICH = "enrich"


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


class BrokerUnavailable(Exception):
    """No Kafka broker answered at the configured address (a client's start, not an article's
    failure: it never becomes a dead letter). ``address`` is what was tried."""

    def __init__(self, address: str, detail: str = "") -> None:
        super().__init__(f"no Kafka broker answers at {address}" + (f" ({detail})" if detail else ""))
        self.address = address

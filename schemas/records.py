"""Records carried on newswire's topics.

Every span (``start``/``end``) is a character offset into the record's ``text`` field, with
``text[start:end] == span.text``. Records are serialised with orjson via ``model_dump``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RawArticle(_Record):
    """What producers put on ``news.raw``. Only ``body`` or ``html`` is required."""

    id: str | None = Field(default=None, description="Stable article id; derived from url/content when absent.")
    source: str = Field(default="unknown", description="Feed, agency or file the article came from.")
    received_at: datetime | None = None
    content_type: Literal["text/plain", "text/html", "application/json"] = "text/plain"
    title: str | None = None
    body: str | None = None
    html: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class Span(_Record):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Dateline(_Record):
    location: str | None = None
    agencies: list[str] = Field(default_factory=list)
    date: str | None = Field(default=None, description="ISO yyyy-mm-dd")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Byline(_Record):
    names: list[str]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Mention(Span):
    pass


class Entity(_Record):
    id: str = Field(description="Stable across articles: LABEL:normalised-name")
    label: str = Field(description="spaCy label: PERSON, ORG, GPE, LOC, NORP, ...")
    name: str
    mentions: list[Mention]
    salience: float = Field(ge=0, le=1)
    country_code: str | None = Field(default=None, description="ISO 3166-1 alpha-2, for GPE entities")


class Segment(Span):
    pass


class Cue(Span):
    pass


class Speaker(Span):
    name: str | None = Field(default=None, description="Resolved full name")
    entity_id: str | None = None


class Quote(_Record):
    id: str
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    segments: list[Segment]
    kind: Literal["direct", "indirect", "mixed"]
    cue: Cue | None = None
    speaker: Speaker | None = None


class DateRef(Span):
    value: str = Field(description="ISO yyyy-mm-dd the expression refers to")


class Reading(_Record):
    words: int = Field(ge=0, description="Words in the body (headline and dateline left out)")
    minutes: float = Field(ge=0, description="Estimated silent reading time in minutes")


class PipelineInfo(_Record):
    version: str
    model: str | None = None
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per stage")


class NormalisedArticle(_Record):
    """What ``normalise`` puts on ``news.normalised``: clean text and its structure."""

    schema_version: str = SCHEMA_VERSION
    id: str
    source: str
    url: str | None = None
    language: str | None = None
    title: str | None = None
    title_span: Span | None = Field(default=None, description="Where the headline sits in text, if it does")
    published_at: str | None = Field(default=None, description="ISO date or datetime")
    received_at: str | None = None
    text: str
    dateline: Dateline | None = None
    byline: Byline | None = None
    dates: list[DateRef] = Field(default_factory=list)
    content_hash: str
    duplicate_of: str | None = None
    lead_repeats_title: bool = False
    metadata: dict[str, Any] = Field(default_factory=dict)
    pipeline: PipelineInfo


class EnrichedArticle(NormalisedArticle):
    """What subscribers read on ``news.enriched``."""

    entities: list[Entity] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    reading: Reading | None = None


class QuoteRecord(_Record):
    """One per quote on ``news.quotes``, keyed by the speaker's entity id."""

    schema_version: str = SCHEMA_VERSION
    article_id: str
    source: str
    url: str | None = None
    title: str | None = None
    published_at: str | None = None
    quote: Quote
    speaker_name: str | None = None
    speaker_entity_id: str | None = None


class DeadLetter(_Record):
    """Anything a stage could not process, with enough context to replay it."""

    schema_version: str = SCHEMA_VERSION
    stage: str
    reason: str = Field(description="A reason code from pipeline.errors.Reason")
    message: str
    article_id: str | None = None
    key: str | None = None
    payload: str = Field(description="The original message value (UTF-8, or base64 when not text)")
    payload_encoding: Literal["utf-8", "base64"] = "utf-8"
    payload_bytes: int = Field(default=0, description="Size of the original message value")
    payload_truncated: bool = Field(default=False, description="payload holds only the first 256 kB; "
                                    "the whole message is at topic/partition/offset")
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    failed_at: str


ALL_RECORDS: dict[str, type[BaseModel]] = {
    "RawArticle": RawArticle,
    "NormalisedArticle": NormalisedArticle,
    "EnrichedArticle": EnrichedArticle,
    "QuoteRecord": QuoteRecord,
    "DeadLetter": DeadLetter,
}

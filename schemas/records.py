"""Records carried on newswire's topics: the contract consumers in any language build on.

Every span (``start``/``end``) is a character offset into the record's ``text`` field, with
``text[start:end] == span.text``. Records are serialised with orjson via ``model_dump``.

How the JSON Schemas read (README "Topics and schemas"):

* output records (everything but ``RawArticle``) list every field they always carry as
  *required*; a field that may be null says so (``anyOf [..., {"type": "null"}]``); a field a
  minor version added is *optional* (absent from records of earlier minors) and never null;
* output objects are open (no ``additionalProperties: false``) and Python parses them with
  ``extra="ignore"``: consumers ignore fields they do not know, so a minor version can add them;
* ``RawArticle`` is the input contract: it stays closed, so that a misspelt field is a dead
  letter naming it rather than data silently lost (extra data goes in ``metadata``);
* timestamps are RFC 3339 UTC with ``Z`` (``format: date-time``) and calendar dates
  ``YYYY-MM-DD`` (``format: date``); see :mod:`schemas.times`.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from schemas.times import (
    CALENDAR_DATE_PATTERN,
    INPUT_TIME_PATTERNS,
    UTC_TIMESTAMP_PATTERN,
    Precision,
    as_utc_timestamp,
    parse_input_time,
)

# MAJOR.MINOR. A minor version only adds optional fields; anything else is a new major, with a
# new schemas/json/v<MAJOR>/ directory (README "Schema evolution", tests/unit/test_schema_compat.py).
SCHEMA_VERSION = "1.1"
SCHEMA_VERSION_PATTERN = r"^[0-9]+\.[0-9]+$"


class Since:
    """Marks a field a minor version added: optional in the schema, never null when present."""

    def __init__(self, version: str) -> None:
        self.version = version


def _output_schema(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """Required means always there; defaults are a Python detail; ``Since`` fields are optional."""
    props: dict[str, Any] = schema.get("properties", {})
    for prop in props.values():
        prop.pop("default", None)
    for name, field in cls.model_fields.items():
        since = next((m for m in field.metadata if isinstance(m, Since)), None)
        if since is None or name not in props:
            continue
        schema["required"] = [r for r in schema.get("required", []) if r != name]
        prop = props[name]
        branches = [b for b in prop.pop("anyOf", []) if b != {"type": "null"}]
        if len(branches) == 1:
            prop.update(branches[0])
        elif branches:
            prop["anyOf"] = branches
        note = f"Since {since.version}: absent from records of earlier 1.x versions."
        prop["description"] = f"{prop['description']} {note}" if prop.get("description") else note


class _Record(BaseModel):
    """An output record: every field always serialised, unknown fields ignored when parsing."""

    model_config = ConfigDict(extra="ignore", json_schema_serialization_defaults_required=True,
                              json_schema_extra=_output_schema)


@cache
def since_fields(cls: type[BaseModel]) -> frozenset[str]:
    return frozenset(n for n, f in cls.model_fields.items() if any(isinstance(m, Since) for m in f.metadata))


class _Evolving(_Record):
    """A top-level record: a field a minor version added is left out when unset, never null,
    as its schema says (``Since``)."""

    @model_serializer(mode="wrap")
    def _leave_out_unset_additions(self, handler: SerializerFunctionWrapHandler):
        # no return annotation: pydantic would take it for the record's serialisation schema
        data = handler(self)
        for name in since_fields(type(self)):
            if isinstance(data, dict) and name in data and data[name] is None:
                del data[name]
        return data


def _versioned() -> Any:
    return Field(default=SCHEMA_VERSION, pattern=SCHEMA_VERSION_PATTERN,
                 description="MAJOR.MINOR of the contract this record was written under")


UtcTimestamp = Annotated[
    str,
    BeforeValidator(as_utc_timestamp),
    Field(pattern=UTC_TIMESTAMP_PATTERN, json_schema_extra={"format": "date-time"}),
]
CalendarDate = Annotated[str, Field(pattern=CALENDAR_DATE_PATTERN, json_schema_extra={"format": "date"})]


def _input_time_text(value: object) -> object:
    """Python producers may hand a datetime or date; JSON producers send one of the string shapes."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and parse_input_time(value) is None:
        shapes = "; ".join(INPUT_TIME_PATTERNS)
        raise ValueError(f"not a date or time in an accepted shape ({shapes}), e.g. 2021-08-24, "
                         f"2021-08-24T09:30:00+02:00, Tue, 24 Aug 2021 09:30:00 GMT")
    return value


InputTime = Annotated[
    str,
    BeforeValidator(_input_time_text),
    # model_copy(update=...) skips validation: a datetime put there still serialises as text
    PlainSerializer(lambda v: v.isoformat() if isinstance(v, datetime | date) else v, return_type=str),
    Field(json_schema_extra={"anyOf": [{"pattern": p, "description": d} for d, p in INPUT_TIME_PATTERNS.items()]}),
]


def _raw_schema(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    # "body or html, with some text in it": what parse_raw_message checks, as a schema
    schema["anyOf"] = [
        {"type": "object", "required": [name], "properties": {name: {"type": "string", "pattern": r"\S"}}}
        for name in ("body", "html")
    ]


class RawArticle(BaseModel):
    """What producers put on ``news.raw``: ``body`` or ``html`` with some text in it, the rest optional."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_raw_schema)

    id: str | None = Field(default=None, description="Stable article id; derived from url/content when absent.")
    source: str = Field(default="unknown", description="Feed, agency or file the article came from.")
    received_at: InputTime | None = Field(default=None, description="When the producer received it; any "
                                          "accepted shape, emitted as RFC 3339 UTC")
    content_type: Literal["text/plain", "text/html", "application/json"] = "text/plain"
    title: str | None = None
    body: str | None = None
    html: str | None = None
    url: str | None = None
    published_at: InputTime | None = Field(default=None, description="A date, an ISO 8601 date and time (an "
                                           "offset-less one is read as UTC) or RFC 2822")
    metadata: dict[str, Any] = Field(default_factory=dict)


class Span(_Record):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Dateline(_Record):
    location: str | None = None
    agencies: list[str] = Field(default_factory=list)
    date: CalendarDate | None = Field(default=None, description="The date the dateline gives, YYYY-MM-DD")
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


QuoteKind = Literal["direct", "indirect", "mixed"]


class Quote(_Record):
    id: str
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    segments: list[Segment]
    kind: QuoteKind
    cue: Cue | None = None
    speaker: Speaker | None = None


class DateRef(Span):
    value: CalendarDate = Field(description="The calendar date the expression refers to, YYYY-MM-DD")


class Reading(_Record):
    words: int = Field(ge=0, description="Words in the body (headline and dateline left out)")
    minutes: float = Field(ge=0, description="Estimated silent reading time in minutes")


class PipelineInfo(_Record):
    version: str
    model: str | None = Field(default=None, description="spaCy model; null before enrichment")
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per stage")


PUBLISHED_AT = ("When the story was published, RFC 3339 UTC; null when neither the producer, a header "
                "nor the dateline dates it. published_at_precision says how much of it was given.")
PRECISION = ("What the source gave for published_at: 'date' (a calendar date only; published_at is "
             "its midnight UTC), 'datetime' (a time with its offset), 'datetime_no_offset' (a time "
             "without an offset, read as UTC). Null exactly when published_at is.")


class NormalisedArticle(_Evolving):
    """What ``normalise`` puts on ``news.normalised``: clean text and its structure."""

    schema_version: str = _versioned()
    id: str
    source: str
    url: str | None = None
    language: str | None = Field(default=None, description="ISO 639-1; null when too little text to tell")
    title: str | None = None
    title_span: Span | None = Field(default=None, description="Where the headline sits in text, if it does")
    published_at: UtcTimestamp | None = Field(default=None, description=PUBLISHED_AT)
    published_at_precision: Precision | None = Field(default=None, description=PRECISION)
    received_at: UtcTimestamp = Field(description="When the article entered the pipeline, RFC 3339 UTC")
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
    """What subscribers read on ``news.enriched``: one section per enrichment stage (pipeline/stages)."""

    entities: list[Entity] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    reading: Annotated[Reading | None, Since("1.1")] = None
    compacted: Annotated[list[Literal["mentions", "quotes"]] | None, Since("1.1")] = Field(
        default=None, description="What was left out so that the record fits in one Kafka message "
        "(NEWSWIRE_MAX_OUTPUT_BYTES): 'mentions' (each entity keeps its first mentions), 'quotes' (the last "
        "quotes). Absent when the record is whole.")


class QuoteRecord(_Evolving):
    """One per quote on ``news.quotes``, keyed by the speaker's entity id."""

    schema_version: str = _versioned()
    article_id: str
    source: str
    url: str | None = None
    title: str | None = None
    published_at: UtcTimestamp | None = Field(default=None, description=PUBLISHED_AT)
    published_at_precision: Precision | None = Field(default=None, description=PRECISION)
    quote: Quote
    speaker_name: str | None = None
    speaker_entity_id: str | None = None


PayloadEncoding = Literal["utf-8", "base64"]


class DeadLetter(_Evolving):
    """Anything a stage could not process, with enough context to replay it."""

    schema_version: str = _versioned()
    stage: str
    reason: str = Field(description="A reason code from pipeline.errors.Reason")
    message: str
    article_id: str | None = None
    key: str | None = None
    payload: str = Field(description="The original message value (UTF-8, or base64 when not text)")
    payload_encoding: PayloadEncoding = "utf-8"
    payload_bytes: int = Field(default=0, description="Size of the original message value")
    payload_truncated: bool = Field(default=False, description="payload holds only the first 256 kB; "
                                    "the whole message is at topic/partition/offset")
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    failed_at: UtcTimestamp = Field(description="When the stage gave up on it, RFC 3339 UTC")


ALL_RECORDS: dict[str, type[BaseModel]] = {
    "RawArticle": RawArticle,
    "NormalisedArticle": NormalisedArticle,
    "EnrichedArticle": EnrichedArticle,
    "QuoteRecord": QuoteRecord,
    "DeadLetter": DeadLetter,
}
INPUT_RECORDS = frozenset({"RawArticle"})  # schemas in validation mode: what producers may send

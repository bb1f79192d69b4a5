"""Topic values: orjson in and out, raw-message validation, dead letters."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import orjson
from pydantic import BaseModel, ValidationError

from pipeline.errors import InvalidInput, PipelineError, Reason, TooLarge
from pipeline.normalise.decode import decode_bytes
from schemas.records import DeadLetter, PayloadEncoding, RawArticle

# Set by the consumer (agents/poison.py) on placeholders for records it could not read.
POISON_HEADER = "newswire-poison"
POISON_DETAIL_HEADER = "newswire-poison-detail"


def poison_of(headers: Mapping[str, bytes] | Iterable[tuple[str, bytes]] | None) -> PipelineError | None:
    """The error a placeholder for an unreadable record stands for, or None for a real record."""
    if not headers:
        return None
    items = headers.items() if isinstance(headers, Mapping) else headers
    found = dict(items)
    reason = found.get(POISON_HEADER)
    if reason is None:
        return None
    detail = found.get(POISON_DETAIL_HEADER) or b""
    return PipelineError(f"record batch could not be read: {bytes(detail).decode('utf-8', 'replace')}",
                         Reason(bytes(reason).decode()))


def encode(record: BaseModel) -> bytes:
    return orjson.dumps(record.model_dump(mode="json", exclude_none=False))


def parse_raw_message(value: bytes | None, max_bytes: int) -> RawArticle:
    """Validate one ``news.raw`` value. Raises PipelineError with the dead-letter reason."""
    if value is None or len(value) == 0:
        raise PipelineError("empty message", Reason.EMPTY_BODY)
    if len(value) > max_bytes:
        raise TooLarge(f"message is {len(value)} bytes, over NEWSWIRE_MAX_ARTICLE_BYTES={max_bytes}")
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        try:
            decode_bytes(value)
        except PipelineError:
            raise PipelineError("message is binary data, not JSON", Reason.UNDECODABLE) from exc
        raise PipelineError(f"message is not valid JSON: {exc}", Reason.INVALID_JSON) from exc
    if not isinstance(data, dict):
        raise InvalidInput(f"expected a JSON object, got {type(data).__name__}")
    try:
        raw = RawArticle.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise InvalidInput(f"field {field!r}: {err['msg']}", field=field) from exc
    if not (raw.body and raw.body.strip()) and not (raw.html and raw.html.strip()):
        raise PipelineError("article has neither body nor html", Reason.EMPTY_BODY, field="body")
    return raw


DEAD_LETTER_PAYLOAD_LIMIT = 256_000


def dead_letter(
    *, stage: str, error: BaseException, value: bytes | None, key: bytes | None = None,
    topic: str | None = None, partition: int | None = None, offset: int | None = None,
    article_id: str | None = None,
) -> DeadLetter:
    reason = error.reason if isinstance(error, PipelineError) else Reason.NORMALISE_FAILED
    payload = value or b""
    size = len(payload)
    # A dead letter must fit in one Kafka message; an oversized article stays replayable from
    # its source topic/partition/offset, which the record names.
    payload = payload[:DEAD_LETTER_PAYLOAD_LIMIT]
    encoding: PayloadEncoding
    try:
        text, encoding = payload.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(payload).decode(), "base64"
    return DeadLetter(
        stage=stage, reason=str(reason), message=str(error)[:2000] or type(error).__name__,
        article_id=article_id, key=key.decode("utf-8", "replace") if key else None,
        payload=text, payload_encoding=encoding, payload_bytes=size, payload_truncated=size > len(payload),
        topic=topic, partition=partition, offset=offset,
        failed_at=datetime.now(UTC).isoformat(),
    )

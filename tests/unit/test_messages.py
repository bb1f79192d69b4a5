import orjson
import pytest

from pipeline.errors import PipelineError, Reason
from pipeline.messages import dead_letter, parse_raw_message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"", Reason.EMPTY_BODY),
        (b"{not json", Reason.INVALID_JSON),
        (b"[1, 2]", Reason.INVALID_RECORD),
        (orjson.dumps({"body": 12}), Reason.INVALID_RECORD),
        (orjson.dumps({"body": "   "}), Reason.EMPTY_BODY),
        (orjson.dumps({"body": "x" * 2000}), Reason.TOO_LARGE),
        (bytes(range(256)) * 3, Reason.UNDECODABLE),
    ],
)
def test_bad_raw_messages_get_reason_codes(value, reason):
    with pytest.raises(PipelineError) as exc:
        parse_raw_message(value, max_bytes=1000)
    assert exc.value.reason == reason


def test_wrong_type_names_the_field():
    with pytest.raises(PipelineError) as exc:
        parse_raw_message(orjson.dumps({"body": "text", "published_at": "yesterday-ish"}), 10_000)
    assert "published_at" in str(exc.value)


def test_dead_letter_keeps_binary_payload_as_base64():
    record = dead_letter(stage="normalise", error=PipelineError("x", Reason.UNDECODABLE), value=b"\xff\xfe\x00")
    assert record.payload_encoding == "base64" and record.reason == "undecodable"

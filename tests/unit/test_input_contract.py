"""RawArticle.schema.json is the input contract: one table through the schema (Python jsonschema
with format checking, and Ajv) and through the pipeline's own parse and normalise.

What the schema accepts the pipeline accepts; what it rejects the pipeline dead-letters with a
reason. The schema cannot see two things, listed as such below: text that is empty only once
markup and invisible characters are removed, and the configurable size limit.
"""

from __future__ import annotations

import orjson
import pytest

from pipeline.errors import PipelineError, Reason
from pipeline.messages import dead_letter, parse_raw_message
from pipeline.normalise import normalise
from tests.contract.validators import ajv_errors, python_errors

BODY = "LONDON (Reuters) - Talks resumed on Monday. \"We are close,\" minister Ana Ruiz said."
MAX_BYTES = 20_000  # parse_raw_message's limit in this test (NEWSWIRE_MAX_ARTICLE_BYTES in production)
ACCEPT = "accept"


def _t(field: str, value: object) -> dict:
    return {"id": "c", "body": BODY, field: value}


# (case, value, outcome): outcome is "accept" or the dead-letter reason
TABLE: list[tuple[str, object, str]] = [
    ("body only", {"body": BODY}, ACCEPT),
    ("html only", {"html": f"<html><body><p>{BODY}</p></body></html>", "content_type": "text/html"}, ACCEPT),
    ("every field", {"id": "a1", "source": "wire", "received_at": "2021-08-24T09:31:00Z",
                     "content_type": "text/plain", "title": "Talks resume", "body": BODY, "html": None,
                     "url": "https://example.org/a1", "published_at": "2021-08-24T09:30:00Z",
                     "metadata": {"desk": ["world"]}}, ACCEPT),
    ("null id and times", {"id": None, "body": BODY, "published_at": None, "received_at": None}, ACCEPT),
    ("date only", _t("published_at", "2021-08-24"), ACCEPT),
    ("29 February of a leap year", _t("published_at", "2024-02-29"), ACCEPT),
    ("29 February 2000 (divisible by 400)", _t("published_at", "2000-02-29"), ACCEPT),
    ("RFC 3339 UTC", _t("published_at", "2021-08-24T09:30:00Z"), ACCEPT),
    ("RFC 3339 other zone", _t("published_at", "2021-08-24T09:30:00+02:00"), ACCEPT),
    ("RFC 3339 fraction, negative offset", _t("published_at", "2021-08-24T09:30:00.123456-05:00"), ACCEPT),
    ("RFC 3339 lower-case t and z", _t("published_at", "2021-08-24t09:30:00z"), ACCEPT),
    ("leap second", _t("published_at", "2016-12-31T23:59:60Z"), ACCEPT),
    ("naive date-time", _t("published_at", "2021-08-24T09:30:00"), ACCEPT),
    ("naive, space, no seconds", _t("published_at", "2021-08-24 09:30"), ACCEPT),
    ("ISO basic offset, no seconds", _t("published_at", "2021-08-24T09:30+0530"), ACCEPT),
    ("RFC 2822 GMT", _t("published_at", "Tue, 24 Aug 2021 09:30:00 GMT"), ACCEPT),
    ("RFC 2822 numeric zone, no weekday", _t("published_at", "24 Aug 2021 09:30:00 +0200"), ACCEPT),
    ("RFC 2822 unknown zone -0000", _t("published_at", "Tue, 24 Aug 2021 09:30 -0000"), ACCEPT),
    ("RFC 2822 US zone", _t("received_at", "Tue, 24 Aug 2021 09:30:00 EDT"), ACCEPT),
    ("received_at date-time", _t("received_at", "2021-08-24T09:30:00+01:00"), ACCEPT),
    # what the schema rejects, the pipeline dead-letters
    ("no body, no html", {"id": "x", "title": "Headline only"}, Reason.EMPTY_BODY),
    ("empty object", {}, Reason.EMPTY_BODY),
    ("blank body", {"body": "  \n\t "}, Reason.EMPTY_BODY),
    ("null body and html", {"body": None, "html": None}, Reason.EMPTY_BODY),
    ("body not a string", {"body": 42}, Reason.INVALID_RECORD),
    ("title not a string", {"body": BODY, "title": ["a"]}, Reason.INVALID_RECORD),
    ("unknown field", {"body": BODY, "publishedAt": "2021-08-24"}, Reason.INVALID_RECORD),
    ("unknown content type", {"body": BODY, "content_type": "text/markdown"}, Reason.INVALID_RECORD),
    ("metadata not an object", {"body": BODY, "metadata": ["a"]}, Reason.INVALID_RECORD),
    ("null source", {"body": BODY, "source": None}, Reason.INVALID_RECORD),
    ("array, not an object", [1, 2], Reason.INVALID_RECORD),
    ("30 February", _t("published_at", "2021-02-30"), Reason.INVALID_RECORD),
    ("29 February 1900", _t("published_at", "1900-02-29"), Reason.INVALID_RECORD),
    ("hour 25", _t("published_at", "2021-08-24T25:00:00"), Reason.INVALID_RECORD),
    ("offset of 24 hours", _t("published_at", "2021-08-24T09:30:00+24:00"), Reason.INVALID_RECORD),
    ("space before offset", _t("published_at", "2021-08-24T09:30:00 +02:00"), Reason.INVALID_RECORD),
    ("trailing newline", _t("published_at", "2021-08-24\n"), Reason.INVALID_RECORD),
    ("day first with slashes", _t("published_at", "24/08/2021"), Reason.INVALID_RECORD),
    ("words", _t("published_at", "yesterday"), Reason.INVALID_RECORD),
    ("epoch seconds", _t("published_at", 1629797400), Reason.INVALID_RECORD),
    ("RFC 2822 unknown zone name", _t("published_at", "Tue, 24 Aug 2021 09:30:00 XYZ"), Reason.INVALID_RECORD),
    ("RFC 2822 31 April", _t("published_at", "31 Apr 2021 09:30:00 GMT"), Reason.INVALID_RECORD),
    ("RFC 2822 fraction", _t("published_at", "24 Aug 2021 09:30:00.5 GMT"), Reason.INVALID_RECORD),
    ("year 999", _t("published_at", "0999-08-24"), Reason.INVALID_RECORD),
]
# Valid by the schema, dead-lettered by the pipeline: what no JSON Schema can see.
BEYOND_THE_SCHEMA: list[tuple[str, object, str]] = [
    ("html with no text in it", {"html": "<html><body><script>track()</script></body></html>"}, Reason.EMPTY_BODY),
    ("only invisible characters", {"body": "\u200b\u200d\ufeff"}, Reason.EMPTY_BODY),
    ("over the size limit", {"body": "word " * (MAX_BYTES // 5 + 1)}, Reason.TOO_LARGE),
]


def pipeline_outcome(value: object) -> str:
    """accept, or the reason of the dead letter the normalise agent would write."""
    encoded = orjson.dumps(value)
    try:
        normalise(parse_raw_message(encoded, MAX_BYTES))
    except PipelineError as exc:
        record = dead_letter(stage="normalise", error=exc, value=encoded, key=b"c", topic="news.raw",
                             partition=0, offset=7)
        assert python_errors("DeadLetter", orjson.loads(orjson.dumps(record.model_dump(mode="json")))) == []
        return record.reason
    return ACCEPT


@pytest.fixture(scope="module")
def ajv_verdicts() -> dict[str, list[str]]:
    rows = TABLE + BEYOND_THE_SCHEMA
    return dict(zip([case for case, _, _ in rows], ajv_errors(("RawArticle", v) for _, v, _ in rows), strict=True))


@pytest.mark.parametrize(("case", "value", "outcome"), TABLE, ids=[c for c, _, _ in TABLE])
def test_schema_and_pipeline_agree(case, value, outcome, ajv_verdicts):
    schema_ok = python_errors("RawArticle", value) == []
    assert schema_ok == (outcome == ACCEPT), f"jsonschema: {python_errors('RawArticle', value)}"
    assert (ajv_verdicts[case] == []) == schema_ok, f"Ajv: {ajv_verdicts[case]}"
    assert pipeline_outcome(value) == outcome


@pytest.mark.parametrize(("case", "value", "outcome"), BEYOND_THE_SCHEMA, ids=[c for c, _, _ in BEYOND_THE_SCHEMA])
def test_what_the_schema_cannot_see_is_still_a_dead_letter(case, value, outcome, ajv_verdicts):
    assert python_errors("RawArticle", value) == [] and ajv_verdicts[case] == []
    assert pipeline_outcome(value) == outcome

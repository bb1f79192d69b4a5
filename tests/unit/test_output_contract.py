"""Real outputs validate against the published schemas, in Python (jsonschema, formats asserted)
and in Node (Ajv 8, draft 2020-12 strict, ajv-formats): the demo stories, our wire story, the seed
when ../shared is here, and whatever the pipeline makes of the hostile inputs."""

from __future__ import annotations

import orjson
import pytest
from pydantic import BaseModel

from pipeline.enrich import enrich_batch
from pipeline.errors import PipelineError
from pipeline.fanout import quote_records
from pipeline.messages import dead_letter, encode, parse_raw_message
from pipeline.normalise import normalise
from pipeline.sources.files import FileSource
from tests.conftest import DEMO, wire_stories
from tests.contract.validators import ajv_errors, python_errors
from tests.hostile import HOSTILE

MAX_ARTICLE_BYTES = 200_000  # what the integration tests' worker runs with


def _as_json(record: BaseModel) -> dict:
    return orjson.loads(encode(record))


@pytest.fixture(scope="module")
def outputs(nlp) -> list[tuple[str, dict]]:
    """(schema name, record) for every record the pipeline writes for the stories and hostile inputs."""
    normalised = []
    out: list[tuple[str, dict]] = []
    for path in [*sorted(DEMO.glob("*.txt")), *wire_stories()]:
        (raw,) = list(FileSource(str(path)).read())
        normalised.append(normalise(raw))
    for key, value in HOSTILE.items():
        try:
            normalised.append(normalise(parse_raw_message(value, MAX_ARTICLE_BYTES), max_chars=MAX_ARTICLE_BYTES))
        except PipelineError as exc:
            letter = dead_letter(stage="normalise", error=exc, value=value, key=key.encode(), topic="news.raw",
                                 partition=1, offset=42)
            out.append(("DeadLetter", _as_json(letter)))
    out += [("NormalisedArticle", _as_json(a)) for a in normalised]
    for article in enrich_batch(normalised, nlp):
        out.append(("EnrichedArticle", _as_json(article)))
        out += [("QuoteRecord", _as_json(q)) for q in quote_records(article)]
    return out


def test_outputs_cover_every_output_record(outputs):
    kinds = {name for name, _ in outputs}
    assert kinds == {"NormalisedArticle", "EnrichedArticle", "QuoteRecord", "DeadLetter"}
    enriched = [r for n, r in outputs if n == "EnrichedArticle"]
    assert sum(len(r["quotes"]) for r in enriched) == sum(1 for n, _ in outputs if n == "QuoteRecord") > 20
    letters = {r["key"]: r["reason"] for n, r in outputs if n == "DeadLetter"}
    assert letters == {"h-bad-utf8": "invalid_json", "h-one-line": "too_large", "h-array": "invalid_record",
                       "h-null-body": "empty_body"}


def test_every_output_validates_with_python_jsonschema(outputs):
    failures = {(n, r.get("id") or r.get("article_id") or r.get("key")): python_errors(n, r) for n, r in outputs}
    assert {k: v for k, v in failures.items() if v} == {}


def test_every_output_validates_with_ajv(outputs):
    verdicts = ajv_errors(outputs)
    failures = {(n, r.get("id") or r.get("article_id") or r.get("key")): v for (n, r), v in zip(outputs, verdicts, strict=True)}
    assert {k: v for k, v in failures.items() if v} == {}


def test_every_time_is_utc_z_and_every_date_a_calendar_date(outputs):
    for name, record in outputs:
        for field in ("received_at", "failed_at", "published_at"):
            value = record.get(field)
            if value is not None:
                assert value.endswith("Z") and "+" not in value, (name, field, value)
        for ref in record.get("dates", []):
            assert len(ref["value"]) == 10, ref
    stories = [r for n, r in outputs if n == "EnrichedArticle" and r["source"] == "file:wire_story.txt"]
    assert [(r["published_at"], r["published_at_precision"]) for r in stories] == [("2022-03-15T00:00:00Z", "date")]


def test_validators_do_check_formats(outputs):
    """A value that fits the pattern but is no real time must fail in both validators."""
    name, record = next((n, r) for n, r in outputs if n == "EnrichedArticle")
    bad = {**record, "received_at": "2021-13-45T25:61:00Z"}
    assert any("received_at" in e for e in python_errors(name, bad))
    assert any("received_at" in e for e in ajv_errors([(name, bad)])[0])
    extra = {**record, "a_field_from_the_future": {"x": 1}}  # consumers ignore what they do not know
    assert python_errors(name, extra) == [] and ajv_errors([(name, extra)]) == [[]]

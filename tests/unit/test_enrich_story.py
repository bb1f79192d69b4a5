"""The specification story (our own fixture with its features, and the seed when present)."""

from pathlib import Path

import jsonschema
import orjson
import pytest

from pipeline.enrich import enrich_batch
from pipeline.messages import encode
from pipeline.normalise import normalise
from pipeline.sources.files import FileSource
from schemas.generate import schema_for
from tests.conftest import FIXTURES, SEED, wire_stories


def enriched(path: Path, nlp):
    (raw,) = list(FileSource(str(path)).read())
    return enrich_batch([normalise(raw)], nlp)[0]


@pytest.mark.parametrize("path", wire_stories(), ids=lambda p: p.name)
def test_record_validates_against_schema(path, nlp):
    record = orjson.loads(encode(enriched(path, nlp)))
    jsonschema.validate(record, schema_for("EnrichedArticle"))
    text = record["text"]
    spans = [record["dateline"]] + [m for e in record["entities"] for m in e["mentions"]] + record["dates"]
    spans += [q for q in record["quotes"]] + [s for q in record["quotes"] for s in q["segments"]]
    spans += [q["speaker"] for q in record["quotes"] if q["speaker"]] + [q["cue"] for q in record["quotes"] if q["cue"]]
    for span in spans:
        assert text[span["start"]:span["end"]] == span["text"]


def test_own_fixture_story(nlp):
    a = enriched(FIXTURES / "wire_story.txt", nlp)
    assert (a.published_at, a.published_at_precision) == ("2022-03-15T00:00:00Z", "date")
    assert (a.dateline.location, a.dateline.agencies) == ("LISBON", ["Iberia Wire", "Atlantic Press"])
    assert 'acceptance of the plan."\n\nIf the authority' in a.text
    assert {d.value for d in a.dates} >= {"2022-03-15", "2022-03-14", "2022-03-01"}
    speakers = {(q.kind, q.speaker.name if q.speaker else None) for q in a.quotes}
    assert ("direct", "Mira Castell") in speakers
    assert ("mixed", "Mira Castell") in speakers
    assert ("indirect", "Mira Castell") in speakers
    assert not any("Iberia Wire / Atlantic" in e.name for e in a.entities)


@pytest.mark.skipif(not SEED.exists(), reason="../shared/corpora is not on this machine")
def test_seed_story(nlp):
    a = enriched(SEED, nlp)
    assert a.title.startswith("Afghanistan rejects the dictatorship of the Taliban")
    assert a.published_at == "2021-08-24T00:00:00Z" and a.published_at_precision == "date" and a.language == "en"
    assert (a.dateline.location, a.dateline.agencies, a.dateline.date) == (
        "MOSCOW", ["UrduPoint News", "Sputnik"], "2021-08-24")
    assert 'clerical dictatorship."\n\nIf the group chooses' in a.text
    resolved = {(d.text, d.value) for d in a.dates}
    assert {("Tuesday", "2021-08-24"), ("Monday", "2021-08-23"), ("August 15", "2021-08-15")} <= resolved
    names = {e.name: e for e in a.entities}
    for name in ("Amrullah Saleh", "Taliban", "Afghanistan", "Russia", "Kabul", "Panjshir", "Ashraf Ghani", "India Today"):
        assert name in names, name
    assert names["Amrullah Saleh"].label == "PERSON"
    assert any(m.text == "Saleh" for m in names["Amrullah Saleh"].mentions)
    assert names["Taliban"].label == "ORG"
    assert not any("Sputnik -" in e.name or "24th" in e.name for e in a.entities)
    quotes = a.quotes
    assert all(q.speaker and q.speaker.name == "Amrullah Saleh" for q in quotes)
    kinds = [q.kind for q in quotes]
    assert kinds.count("direct") == 2 and kinds.count("mixed") == 1 and kinds.count("indirect") == 2
    mixed = next(q for q in quotes if q.kind == "mixed")
    assert "disguised surrender" in mixed.text and mixed.speaker.text == "The official"
    noted = next(q for q in quotes if q.cue and q.cue.text == "noted")
    assert noted.speaker.text == "he" and noted.text.startswith("If the group chooses to fight")
    told = next(q for q in quotes if q.cue and q.cue.text == "told")
    assert told.kind == "indirect" and told.text.startswith("Afghanistan rejects")

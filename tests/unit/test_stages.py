"""The stage interface: registration, ordering by needs, the record's sections, the example stage."""

from __future__ import annotations

import pytest

from pipeline.enrich import STAGES, enrich_batch
from pipeline.normalise import normalise
from pipeline.stages import DOC, Registry, StageError
from pipeline.stages.reading import WORDS_PER_MINUTE, reading
from pipeline.stages.registry import RECORD_FIELDS
from schemas.records import EnrichedArticle, NormalisedArticle, RawArticle
from tests.conftest import FIXTURES


def _article(body: str, title: str | None = None) -> NormalisedArticle:
    return normalise(RawArticle(id="t", body=body, title=title))


def test_registry_runs_stages_in_the_order_their_needs_require():
    reg = Registry()
    calls: list[str] = []

    @reg.register("shout", needs=("count",))  # registered first, needs a later stage
    def shout(article, doc, inputs):
        calls.append("shout")
        return f"{inputs['count']}!"

    @reg.register("count")
    def count(article, doc, inputs):
        calls.append("count")
        return len(article.text.split())

    article = _article("one two three four")
    sections = reg.run(article, None)
    assert article.text == "one two three four"
    assert calls == ["count", "shout"]
    assert sections == {"count": 4, "shout": "4!"}
    assert reg.names == ["count", "shout"] and not reg.needs_doc


def test_a_stage_that_needs_the_doc_refuses_to_run_without_it():
    reg = Registry()
    reg.register("parsed", needs=(DOC,))(lambda article, doc, inputs: len(doc))
    assert reg.needs_doc
    with pytest.raises(StageError, match="needs the parsed doc"):
        reg.run(_article("Some text here."), None)


def test_cycles_and_unknown_needs_are_reported_by_name():
    reg = Registry()
    reg.register("a", needs=("b",))(lambda *_: 1)
    reg.register("b", needs=("a",))(lambda *_: 2)
    with pytest.raises(StageError, match="cycle: a -> b -> a"):
        reg.ordered()
    reg2 = Registry()
    reg2.register("a", needs=("nowhere",))(lambda *_: 1)
    with pytest.raises(StageError, match="needs 'nowhere'"):
        reg2.ordered()


def test_every_stage_has_its_section_and_every_section_its_stage():
    assert STAGES.names == ["entities", "quotes", "reading"]
    assert STAGES["quotes"].needs == (DOC, "entities") and STAGES["reading"].needs == ()
    sections = set(EnrichedArticle.model_fields) - set(NormalisedArticle.model_fields) - RECORD_FIELDS
    assert sections == set(STAGES.names)
    reg = Registry()
    reg.register("sentiment")(lambda *_: 0.5)
    with pytest.raises(StageError, match=r"\['sentiment'\] fill no field"):
        reg.check_record()
    reg = Registry()
    reg.register("entities", needs=(DOC,))(lambda *_: [])
    with pytest.raises(StageError, match=r"\['quotes', 'reading'\] have no registered stage"):
        reg.check_record()


def test_reading_counts_body_words_not_headline_or_dateline():
    article = _article("LONDON (Reuters) - The ex-minister said he didn't know. Talks resume at 10.",
                       title="Talks to resume")
    section = reading(article, None, {})
    # The, ex-minister, said, he, didn't, know, Talks, resume, at, 10
    assert section.words == 10
    assert section.minutes == round(10 / WORDS_PER_MINUTE, 1) == 0.0


def test_enriched_record_carries_the_reading_section(nlp):
    raw = RawArticle(id="w", body=(FIXTURES / "wire_story.txt").read_text())
    (record,) = enrich_batch([normalise(raw)], nlp)
    assert record.reading is not None
    assert record.reading.words == reading(normalise(raw), None, {}).words == 130
    assert record.reading.minutes == 0.5


def test_a_record_leaves_out_an_unset_minor_addition_rather_than_writing_null():
    from schemas.records import _Evolving, since_fields

    article = EnrichedArticle(**_article("one two three").model_dump())
    assert article.reading is None and "reading" in since_fields(EnrichedArticle)
    assert "reading" not in article.model_dump(mode="json")
    with_reading = article.model_copy(update={"reading": reading(article, None, {})})
    assert with_reading.model_dump(mode="json")["reading"] == {"words": 3, "minutes": 0.0}
    # every record class with such fields is one that leaves them out
    import schemas.records as records

    for cls in vars(records).values():
        if isinstance(cls, type) and issubclass(cls, records.BaseModel) and since_fields(cls):
            assert issubclass(cls, _Evolving), cls

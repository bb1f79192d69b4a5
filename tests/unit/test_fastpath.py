"""The selective parse gives the records the full parse gives, on our own stories.

Every fixture and demo story is enriched twice, every sentence parsed (``fast=False``) and only
the sentences a quote can be in (``fast=True``); the records must be equal except the timings.
The same comparison on the PolNeAR and CoNLL dev splits is in the README ("Performance").
"""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from pipeline.enrich import STAGES, extract, length_batches, parse_texts
from pipeline.nlp.fastpath import FastPath, fast_path, supports
from pipeline.nlp.model import model_label
from pipeline.nlp.view import tagger_view
from pipeline.normalise import normalise
from pipeline.sources import Rejected, read_all
from schemas.records import NormalisedArticle
from tests.conftest import all_own_stories


def records(articles: list[NormalisedArticle], nlp, fast: bool) -> list[dict]:
    docs = parse_texts([tagger_view(a) for a in articles], nlp, fast=fast)
    out = []
    for article, doc in zip(articles, docs, strict=True):
        record = extract(article, doc, model_label(nlp), 0.0).model_dump()
        record["pipeline"]["timings"] = {}
        out.append(record)
    return out


def test_fast_and_full_records_are_equal(nlp):
    paths = all_own_stories()
    articles = [normalise(a) for a in read_all([str(p) for p in paths]) if not isinstance(a, Rejected)]
    assert len(articles) == len(paths) >= 16
    full, fast = records(articles, nlp, fast=False), records(articles, nlp, fast=True)
    assert [r["id"] for r in fast] == [r["id"] for r in full]
    for a, b in zip(full, fast, strict=True):
        assert b == a, a["id"]
    assert sum(len(r["quotes"]) for r in fast) > 20  # the stories do exercise the quotes stage


def test_only_trigger_sentences_are_parsed(nlp):
    text = ("The river rose overnight. Farmers moved their cattle to higher ground. "
            '"We have never seen it this high," said Ana Brill, a farmer. The rain stopped at noon.')
    fp = FastPath(nlp)
    (doc,) = fp.parse([text])
    parsed = [t.text for t in doc if t.dep_]
    assert parsed[0] == '"' and parsed[-1] == "."
    assert "river" not in parsed and "noon" not in parsed  # no quotation, no cue: no parse
    said = next(t for t in doc if t.text == "said")
    assert said.pos_ == "VERB" and said.dep_ and doc[0].dep_ == "" and doc[0].tag_ == ""
    assert next(s.text.strip() for s in doc.sents) == "The river rose overnight."
    assert [e.text for e in doc.ents if e.label_ == "PERSON"] == ["Ana Brill"]


def test_regions_merge_adjacent_sentences(nlp):
    fp = FastPath(nlp)
    doc = nlp.get_pipe("senter")(nlp.make_doc('Calm. He said so. "Yes," she told them. Rain fell. Wind: strong.'))
    regions = fp.regions(doc)
    assert [doc[s:e].text.strip() for s, e in regions] == ['He said so. "Yes," she told them.', "Wind: strong."]


def test_a_text_without_triggers_gets_entities_and_no_parse(nlp):
    (doc,) = FastPath(nlp).parse(["Maria Lopez visited Lisbon in May."])
    assert isinstance(doc, Doc) and not any(t.dep_ for t in doc)
    assert {(e.text, e.label_) for e in doc.ents} >= {("Maria Lopez", "PERSON"), ("Lisbon", "GPE")}


def test_models_without_a_senter_use_the_full_parse(nlp):
    import spacy

    blank = spacy.blank("en")
    assert not supports(blank) and fast_path(blank) is None
    assert supports(nlp) and STAGES.needs_doc
    assert parse_texts(["One. Two."], blank, fast=True)[0].text == "One. Two."


@pytest.mark.parametrize("text", ["", "   ", "\n\n", '"'])
def test_degenerate_texts(nlp, text):
    (doc,) = FastPath(nlp).parse([text])
    assert doc.text == text


def test_long_texts_make_smaller_batches():
    texts = ["a" * 1_000] * 20 + ["b" * 30_000] * 3 + ["c" * 70_000]
    batches = list(length_batches(texts, 16, max_chars=64_000))
    assert [len(b) for b in batches] == [16, 6, 1, 1]  # 4 short + 2 long fill 64,000 exactly
    assert [t for b in batches for t in b] == texts  # every text once, in order
    assert list(length_batches([], 16)) == []

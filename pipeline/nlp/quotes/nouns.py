"""Speech nouns: a quotation inside what someone's claim, promise or warning says.

``Donald Trump's claim that there have been "thousands of shootings" in Chicago``: no verb
reports the words, the noun does, and its possessor is the speaker. PolNeAR annotates the
noun's clause as the quote and the possessor as its source.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.nlp.quotes.cues import token_at
from pipeline.nlp.quotes.marks import Quotation

SPEECH_NOUNS = frozenset({
    "claim", "statement", "assertion", "remark", "comment", "promise", "pledge", "warning", "accusation",
    "argument", "suggestion", "insistence", "charge", "boast", "vow", "demand", "prediction", "declaration",
    "admission", "contention", "allegation", "complaint", "announcement", "threat", "tweet", "message",
})
# the clause a noun takes: 'claim that ...' (acl or ccomp in the small model's parse)
COMPLEMENT_DEPS = ("acl", "ccomp")
# 'claim that there have been "thousands ...': heads from the quotation's first word up to the
# noun (the mark's word, its verb, the complement)
NOUN_MAX_CLIMB = 4


def possessor(noun: Token) -> Token | None:
    """'Trump's claim', 'her warning': who made it."""
    return next((c for c in noun.children if c.dep_ == "poss" and c.pos_ in ("PROPN", "PRON", "NOUN")), None)


def speech_noun(doc: Doc, q: Quotation) -> tuple[Token, Token] | None:
    """The speech noun whose clause holds the quotation, with that clause's head; only a noun
    with a possessor (a claim no one is said to have made is the reporter's). Word forms, not
    lemmas: the selective parse sets no lemmas."""
    tok = token_at(doc, q.start)
    for _ in range(NOUN_MAX_CLIMB):
        if tok is None or tok.head is tok:
            return None
        child, tok = tok, tok.head
        if tok.pos_ == "NOUN" and tok.idx < q.start and child.dep_ in COMPLEMENT_DEPS \
                and (tok.lower_ in SPEECH_NOUNS or tok.lower_[:-1] in SPEECH_NOUNS) and possessor(tok) is not None:
            return tok, child
    return None

"""Pass 2, cues: the reporting verb of each quotation, found in the parse around it.

Word lists (what counts as a reporting or characterising verb) live in
:mod:`pipeline.nlp.cues`; this module decides which occurrence reports a given quotation.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from pipeline.nlp.cues import CHARACTERISING_FORMS, PRONOUNS_GROUP, PRONOUNS_PERSON, ROLE_NOUNS, SPEECH_FORMS
from pipeline.nlp.quotes.doctext import doc_text
from pipeline.nlp.quotes.marks import Quotation, paragraph_index

_PERSON_WORDS = PRONOUNS_PERSON | PRONOUNS_GROUP - {"it"} | ROLE_NOUNS  # subjects that stand for people
# subjects that stand for an organisation or a document whose act a quoted phrase is part of ('the
# IMF ... it referenced "political tensions"', 'the agency, which reported "1,240 delays"'); not
# 'who' ('a coach who is "working the referees"' is a comparison, not the coach's words)
_DOCUMENT_WORDS = frozenset({"it", "which"})
# '"... pardon?" he asks.': how far past a question's closing mark its cue may start (a space
# or two and the mark itself; the cue sits on the same line)
QUESTION_CUE_WINDOW = 10
# 'She thanked them for staying "day after day"': how many heads up from a quoted phrase the
# person's verb may be ('compared him to a coach who is "working the referees"': five; PolNeAR
# train and dev both gain at five, now that the act's clause is cut at other acts and sentence ends)
SPEAKERS_VERB_MAX_CLIMB = 5
# Verbs that present a clause as what a report found or a person believes; a quotation deep in
# that clause ('found that the agency could not be sure that money ... was not coming from "..."':
# seven heads up) is part of it. Only the quotation's own sentence is read (it is always parsed).
HOLDING_FORMS = frozenset("""found finds find finding show shows showed showing shown reveals revealed think
thinks thought believe believes believed know knows knew feel feels felt hope hopes hoped want wants
wanted""".split())
HOLDING_VERB_MAX_CLIMB = 8


def token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def sent_of(doc: Doc, char: int) -> Span | None:
    tok = token_at(doc, char)
    return tok.sent if tok is not None else None


def inside(i: int, segments: list[tuple[int, int]]) -> bool:
    """True when character ``i`` is within a segment or on one of its quotation marks."""
    return any(s - 1 <= i < e + 1 for s, e in segments)


def in_reach(tok: Token, verb: Token) -> bool:
    """A token that can be part of what ``verb`` reports: its sentence, and its paragraph (the
    parser may run a headline or the last paragraph's closing mark into the sentence)."""
    sent = verb.sent
    if not sent.start <= tok.i < sent.end:
        return False
    text = doc_text(verb.doc)
    return paragraph_index(text, tok.idx) == paragraph_index(text, verb.idx)


def is_cue(tok: Token) -> bool:
    return tok.lower_ in SPEECH_FORMS and tok.pos_ in ("VERB", "AUX") and tok.dep_ != "amod"


def is_according(tok: Token) -> bool:
    return tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children)


def find_cue(doc: Doc, q: Quotation, text: str) -> Token | None:
    """The reporting verb nearest the quotation, in the sentences it starts and ends in (for a
    quotation split by its attribution, the verb in that attribution)."""
    if len(q.segments) > 1:
        gap = doc.char_span(q.segments[0][1], q.segments[1][0], alignment_mode="expand")
        between = next((t for t in gap or [] if is_cue(t)), None)
        if between is not None:
            return between
    first, last = sent_of(doc, q.start), sent_of(doc, max(q.end - 1, q.start))
    after = None
    if 0 < q.end < len(text) and text[q.end - 1] in "?!":
        # '"... pardon?" he asks.': the parser ends the sentence at the question mark, so the
        # cue is in the next one (same line, right after the closing mark)
        m = re.match(r"[\"\u201d\u00bb]?[ \t]*(?=\S)", text[q.end:q.end + QUESTION_CUE_WINDOW])
        if m is not None:
            after = sent_of(doc, q.end + m.end())
    sents = [s for s in (first, last, after) if s is not None]
    if not sents:
        return None
    lo, hi = min(s.start for s in sents), max(s.end for s in sents)
    best, best_rank = None, (True, 10**9)
    first_tok = token_at(doc, q.start)
    for tok in doc[lo:hi]:
        if inside(tok.idx, q.segments) or not (is_cue(tok) or is_according(tok)):
            continue
        # a verb whose clause holds the quotation beats one that is merely close to it
        governs = first_tok is not None and first_tok in tok.subtree
        rank = (not governs, min(abs(tok.idx - q.end), abs(tok.idx - q.start)))
        if rank < best_rank:
            best, best_rank = tok, rank
    if best is None and first is not None and first.start > 0:
        return _colon_cue(doc, first)
    return best


def _colon_cue(doc: Doc, first: Span) -> Token | None:
    """`X said:` ending the sentence before the quotation."""
    prev = doc[first.start - 1].sent
    if prev.text.rstrip().endswith(":"):
        for tok in reversed(list(prev)):
            if is_cue(tok):
                return tok
    return None


def characterising_verb(doc: Doc, q: Quotation) -> Token | None:
    """The nearest characterising verb (``called``, ``described``) before the quotation whose
    object holds it, in the same sentence."""
    first_tok = token_at(doc, q.start)
    if first_tok is None:
        return None
    sent = first_tok.sent
    for tok in reversed(doc[sent.start:first_tok.i]):
        if tok.lower_ in CHARACTERISING_FORMS and tok.pos_ == "VERB" and first_tok in tok.subtree:
            return _outer_act(tok)
    return None


def _outer_act(verb: Token) -> Token:
    """'condemned what he called a "reckless gamble"': the words are his, and what is quoted is
    the whole object of the act they are used in (the outer verb, when it reports or characterises)."""
    outer = verb.head
    if outer.i < verb.i and any(c.dep_ == "dobj" and c.lower_ == "what" and c.i < verb.i for c in verb.children) \
            and (outer.lower_ in CHARACTERISING_FORMS or is_cue(outer)):
        return outer
    return verb


def speakers_verb(doc: Doc, q: Quotation) -> Token | None:
    """A phrase quoted inside a person's act ('She applauded him for fighting "over and over
    again"') is their words in a clause of their own: the verb above it, when its subject is a
    person, an organisation or a pronoun standing for one."""
    tok = token_at(doc, q.start)
    for _ in range(SPEAKERS_VERB_MAX_CLIMB):
        if tok is None or tok.head is tok:
            return None
        tok = tok.head
        if tok.pos_ == "VERB" and tok.idx < q.start:
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if subj is None:
                continue  # "thanked them for staying ...": climb to the verb with the subject
            if subj.ent_type_ in ("PERSON", "ORG", "NORP") or subj.lower_ in _PERSON_WORDS:
                return tok
            if subj.lower_ in _DOCUMENT_WORDS:
                return tok  # 'it referenced "political tensions" in ...': an organisation or a document
            return None
    return None



def holding_verb(doc: Doc, q: Quotation) -> Token | None:
    """A verb of finding, showing or believing whose clause holds the quotation: 'A report found
    that the agency could not be sure the money was not coming from "the drug trade."' (PolNeAR
    takes the clause as what the report says, and its subject as the source)."""
    tok = token_at(doc, q.start)
    for _ in range(HOLDING_VERB_MAX_CLIMB):
        if tok is None or tok.head is tok:
            return None
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX") and tok.idx < q.start and tok.lower_ in HOLDING_FORMS:
            return tok
    return None


def as_put_it(doc: Doc, q: Quotation) -> Token | None:
    """'..., as a Homeland Security memo put it' / 'as The New Yorker put it, "the operator."': the
    writer of the words, named in an 'as ... put it' clause of the quotation's sentence."""
    first, last = sent_of(doc, q.start), sent_of(doc, max(q.end - 1, q.start))
    for sent in {s.start: s for s in (first, last) if s is not None}.values():
        for tok in sent:
            if tok.lower_ in ("put", "puts") and tok.pos_ == "VERB" \
                    and any(c.lower_ == "it" and c.dep_ == "dobj" for c in tok.children) \
                    and any(c.lower_ == "as" and c.dep_ == "mark" for c in tok.children):
                return tok
    return None

"""Pass 4, indirect: reported speech without quotation marks.

``X told Y that ...``, ``..., he noted.``, ``according to X, ...``: every reporting verb not
already the cue of a quotation, whose reported clause overlaps no quotation.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.nlp.cues import SPEECH_FORMS
from pipeline.nlp.quotes.attribution import subject_of
from pipeline.nlp.quotes.cues import in_reach, is_according, is_cue
from pipeline.nlp.quotes.marks import Quotation
from pipeline.nlp.quotes.spans import clause_span, edges

# cues of direct speech only: "they continue to ..." and "agree to ..." report nothing
_NOT_INDIRECT = {"continue", "respond", "agree"}
# a reported clause shorter than this is a fragment ("he said so"), not a statement
MIN_INDIRECT_WORDS = 4


def find_indirect(doc: Doc, text: str, found: list[Quotation], furniture: list[tuple[int, int]]) -> list[Quotation]:
    """Indirect quotes from the cues the quotations in ``found`` did not use (none in the headline,
    dateline or byline: ``furniture``)."""
    used_cues = {q.cue.i for q in found if q.cue is not None}
    covered = [seg for q in found for seg in q.segments]
    out: list[Quotation] = []
    for sent in doc.sents:
        for tok in sent:
            if tok.i in used_cues or not (is_cue(tok) or is_according(tok)):
                continue
            if any(s <= tok.idx < e for s, e in furniture):
                continue
            if SPEECH_FORMS.get(tok.lower_) in _NOT_INDIRECT:
                continue
            span = indirect_content(tok)
            if span is None:
                continue
            s, e = span
            if any(s < ce and e > cs for cs, ce in covered) or len(text[s:e].split()) < MIN_INDIRECT_WORDS:
                continue
            out.append(Quotation(segments=[(s, e)], kind="indirect", cue=tok))
            covered.append((s, e))
            used_cues.add(tok.i)
    return out


def _according_content(verb: Token) -> tuple[int, int] | None:
    """'X, according to Y': the clause 'according to' hangs on, without the source."""
    to = next(c for c in verb.children if c.lower_ == "to")
    head = verb.head
    if head is verb:
        return None
    source = set(verb.subtree) | set(to.subtree)  # "to" may hang on the head, not on "according"
    toks = [t for t in head.subtree if t not in source and in_reach(t, verb)]
    toks = [t for t in toks if not t.is_space and not (t.is_punct and t.text in ",")]
    while toks and toks[-1].is_punct:
        toks.pop()
    while toks and (toks[0].dep_ == "cc" or toks[0].lower_ in ("however", "but", "and")):
        toks.pop(0)  # "But, according to X, ...": the connective is not what X said
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def indirect_content(verb: Token) -> tuple[int, int] | None:
    """The reported clause of a reporting verb with no quote marks, if it has one."""
    if is_according(verb):
        return _according_content(verb)
    subject = subject_of(verb)
    if subject is None or subject.lower_ == "it":
        return None  # 'it says', without marks, is mostly a document or a form of words, not a report
    # the parser may hang a headline on the first sentence's verb: the clause must be in reach
    clause = next((c for c in verb.children if c.dep_ == "ccomp" and in_reach(c, verb)), None)
    misparsed = clause is not None and clause.lower_ == "that" and any(c.dep_ == "nsubj" for c in clause.children)
    if clause is not None and (clause.pos_ in ("VERB", "AUX") or misparsed):
        # ('said that its vaccine cut infections': the parser may head the clause with "that")
        # a verbless "ccomp" is a small clause: "declared himself the caretaker president"
        s, e = clause_span(clause, verb)
        return (s, e) if e > s else None
    # "..., he noted." / "X rejects Y, Saleh told India Today.": the clause before the verb
    own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
    if (verb.dep_ in ("parataxis", "ccomp") or (verb.dep_ == "conj" and own_subject)) and verb.head.i < verb.i:
        toks = [t for t in verb.head.subtree if t not in set(verb.subtree) and in_reach(t, verb)]
        toks = edges(toks)
        if toks and toks[-1].text in ('"', "\u201d"):
            toks = toks[:-1]
        if toks:
            return toks[0].idx, toks[-1].idx + len(toks[-1])
    return None

"""Demands and names without quotation marks: ``called for X``, ``called on X to Y``, ``called X a Y``,
``described X as Y``.

'Call' is not a reporting verb (it is not in the speech word lists, so ``called the meeting``
reports nothing), but these three shapes of it report what someone demanded or how they named
something, and news attribution counts them as reports; the speaker is the verb's subject.
"""

from __future__ import annotations

from spacy.tokens import Token

from pipeline.nlp.quotes.attribution import subject_of
from pipeline.nlp.quotes.cues import in_reach
from pipeline.nlp.quotes.spans import edges

CALL_FORMS = frozenset({"call", "calls", "called", "calling"})
DESCRIBE_FORMS = frozenset({"describe", "describes", "described", "describing"})
# 'a group called Harbour Watch', 'the so-called plan': a name given, not a report
_NOT_REPORTS = ("acl", "amod", "relcl")


def is_call(tok: Token) -> bool:
    return tok.lower_ in CALL_FORMS and tok.pos_ == "VERB" and tok.dep_ not in _NOT_REPORTS


def call_content(verb: Token) -> tuple[int, int] | None:
    """What a ``call`` reports: the demand after ``for`` or ``on``, or the object and what it is
    called (``called the plan a costly mistake``); None for any other use of the verb."""
    if subject_of(verb) is None:
        return None  # 'was called a hero', 'calls for a vote': no one to report
    children = [c for c in verb.rights if in_reach(c, verb)]
    prep = next((c for c in children if c.dep_ == "prep" and c.lower_ in ("for", "on")), None)
    if prep is not None:
        # 'called on the council to act': the listener and what they are asked to do
        rest = [c for c in children if c.i > prep.i and c.dep_ in ("xcomp", "ccomp", "advcl")]
        toks = [t for t in prep.subtree if t is not prep]
        for c in rest:
            toks.extend(c.subtree)
        return _span(toks)
    obj = next((c for c in children if c.dep_ == "dobj"), None)
    named = next((c for c in children if c.dep_ in ("oprd", "ccomp") and obj is not None and c.i > obj.i), None)
    if obj is not None and named is not None:
        return _span([*obj.subtree, *named.subtree])
    return None


def described_content(verb: Token) -> tuple[int, int] | None:
    """'described the plan as a costly mistake': what is described and what it is described as."""
    if verb.lower_ not in DESCRIBE_FORMS or subject_of(verb) is None:
        return None
    children = [c for c in verb.rights if in_reach(c, verb)]
    obj = next((c for c in children if c.dep_ == "dobj"), None)
    as_ = next((c for c in children if c.dep_ == "prep" and c.lower_ == "as" and obj is not None and c.i > obj.i), None)
    if obj is None or as_ is None:
        return None
    return _span([*obj.subtree, *as_.subtree])


def _span(toks: list[Token]) -> tuple[int, int] | None:
    toks = edges(sorted(toks, key=lambda t: t.i))
    return (toks[0].idx, toks[-1].idx + len(toks[-1])) if toks else None

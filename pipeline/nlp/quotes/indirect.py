"""Pass 4, indirect: reported speech without quotation marks.

``X told Y that ...``, ``..., he noted.``, ``according to X, ...``: every reporting verb not
already the cue of a quotation, whose reported clause overlaps no quotation.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.nlp.cues import SPEECH_FORMS
from pipeline.nlp.quotes.attribution import ADDRESSING, subject_of
from pipeline.nlp.quotes.calls import call_content, described_content, is_call
from pipeline.nlp.quotes.cues import in_reach, is_according, is_cue
from pipeline.nlp.quotes.marks import Quotation
from pipeline.nlp.quotes.spans import clause_span, edges

# cues of direct speech only: "they continue to ..." and "agree to ..." report nothing
_NOT_INDIRECT = {"continue", "respond", "agree"}
# verbs of commitment: what they report is the infinitive ('vowed to cut taxes')
_PROMISES = {"promise", "pledge", "vow"}
# verbs whose object is itself the news they report ('announced a new route', 'reported a loss')
_ANNOUNCEMENTS = {"announce", "report"}
_FINITE = ("VBD", "VBZ", "VBP")
_WH_TAGS = ("WDT", "WP", "WP$", "WRB")  # 'asked which ...', 'who ...', 'whose ...', 'why ...'

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
            if tok.i in used_cues or not (is_cue(tok) or is_according(tok) or is_call(tok)):
                continue
            if any(s <= tok.idx < e for s, e in furniture):
                continue
            if SPEECH_FORMS.get(tok.lower_) in _NOT_INDIRECT:
                continue
            segments = parenthetical_content(tok) if not is_call(tok) else [call] if (call := call_content(tok)) else []
            if segments is None:
                span = indirect_content(tok)
                segments = [span] if span is not None else []
            if not segments:
                continue
            s, e = segments[0][0], segments[-1][1]
            if any(s < ce and e > cs for cs, ce in covered) \
                    or sum(len(text[a:b].split()) for a, b in segments) < MIN_INDIRECT_WORDS:
                continue
            out.append(Quotation(segments=segments, kind="indirect", cue=tok))
            covered.append((s, e))
            used_cues.add(tok.i)
    return out


def according_content(verb: Token) -> tuple[int, int] | None:
    """'X, according to Y': the clause 'according to' hangs on, without the source."""
    to = next(c for c in verb.children if c.lower_ == "to")
    head = verb.head
    if head.i == verb.i:
        # the parser may take 'According to X, the plan smacks of ...' for one noun phrase: what
        # X said is the rest of the sentence after the comma closing 'according to X'
        sent = verb.sent
        if verb.i != sent.start:
            return None
        comma = next((t for t in sent if t.i > verb.i and t.text == ","), None)
        toks = edges([t for t in sent if comma is not None and t.i > comma.i and in_reach(t, verb)])
        return (toks[0].idx, toks[-1].idx + len(toks[-1])) if toks else None
    while head.dep_ == "conj" and head.head.i < head.i < verb.i:
        head = head.head  # 'A rose and B fell, according to X': X reports both, not only the last
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


def parenthetical_content(verb: Token) -> list[tuple[int, int]] | None:
    """'The bridge, she said, would open in the spring': an attribution set off by commas inside
    the sentence it reports. What is said is that sentence around it, two segments."""
    head = verb.head
    if verb.dep_ != "parataxis" or head.i <= verb.i or subject_of(verb) is None:
        return None
    own = set(verb.subtree)
    if verb.left_edge.i == 0 or (verb.doc[verb.left_edge.i - 1].text != "," and verb.left_edge.text != ","):
        return None  # not set off by a comma: 'He said the bridge would ...' is a plain clause
    toks = [t for t in head.subtree if t not in own and in_reach(t, verb)]
    before = edges([t for t in toks if t.i < verb.i])
    after = edges([t for t in toks if t.i > verb.i])
    if not before or not after:
        return None
    return [(before[0].idx, before[-1].idx + len(before[-1])), (after[0].idx, after[-1].idx + len(after[-1]))]


def indirect_content(verb: Token) -> tuple[int, int] | None:
    """The reported clause of a reporting verb with no quote marks, if it has one."""
    if is_according(verb):
        return according_content(verb)
    described = described_content(verb)
    if described is not None:
        return described
    if SPEECH_FORMS.get(verb.lower_) == "ask":
        question = _question(verb)
        if question is not None:
            return question
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
    if (verb.dep_ in ("parataxis", "ccomp") or (verb.dep_ == "conj" and own_subject)) and verb.head.i < verb.i \
            and not is_cue(verb.head):
        # ('As a student, Ortiz said, asked about it' / 'The mayor said on Monday, announcing ...': when
        # the verb it hangs on reports too, what comes before is that report's attribution, not a statement)
        toks = [t for t in verb.head.subtree if t not in set(verb.subtree) and in_reach(t, verb)]
        toks = edges(toks)
        if toks and toks[-1].text in ('"', "\u201d"):
            toks = toks[:-1]
        if toks:
            return toks[0].idx, toks[-1].idx + len(toks[-1])
    return _object_content(verb)


def _question(verb: Token) -> tuple[int, int] | None:
    """'asked whether the ferry would run', 'asked the mayor about the strike': the question, with
    its 'if', 'whether' or question word (the one asked, when named, is the listener: left out)."""
    for child in verb.rights:
        if not in_reach(child, verb):
            continue
        first = child.left_edge
        if child.dep_ in ("ccomp", "advcl") and (first.lower_ in ("if", "whether") or first.tag_ in _WH_TAGS):
            toks = edges([t for t in child.subtree if in_reach(t, verb)])
        elif child.dep_ == "prep" and child.lower_ == "about":
            toks = edges([t for t in child.subtree if in_reach(t, verb)])
        else:
            continue
        return (toks[0].idx, toks[-1].idx + len(toks[-1])) if toks else None
    return None


def _object_content(verb: Token) -> tuple[int, int] | None:
    """'pledged to keep the ferry running': a promise reports the infinitive after it; 'told his
    staff to keep the ferry running': a request reports whom it asks and what. (Not the object of
    any reporting verb: 'confirmed the agreement in a statement' says nothing quotable.)"""
    if verb.tag_ not in _FINITE:
        return None
    kind = SPEECH_FORMS.get(verb.lower_)
    if kind in _ANNOUNCEMENTS:
        # 'announced a new ferry route to the islands': what is announced is the news itself
        obj = next((c for c in verb.rights if c.dep_ == "dobj" and in_reach(c, verb)), None)
        if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
            toks = edges([t for t in obj.subtree if in_reach(t, verb)])
            return (toks[0].idx, toks[-1].idx + len(toks[-1])) if toks else None
    xcomp = next((c for c in verb.rights if c.dep_ == "xcomp" and in_reach(c, verb)), None)
    if xcomp is None or kind not in _PROMISES | ADDRESSING:
        return None
    toks = [t for t in xcomp.subtree if in_reach(t, verb)]
    listener = next((c for c in verb.rights if c.dep_ == "dobj" and c.i < xcomp.i), None)
    if kind in ADDRESSING:  # 'urged voters to stay home': whom they ask, and what
        if listener is None:
            return None
        toks = [t for t in listener.subtree if in_reach(t, verb)] + toks
    toks = edges(toks)
    return (toks[0].idx, toks[-1].idx + len(toks[-1])) if toks else None

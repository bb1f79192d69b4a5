"""Pass 3, spans: what exactly a quote covers.

A quotation inside what a verb reports (``said the talks did not mean "..."``) widens to that
clause (a mixed quote); a reported clause loses its complementiser and edge punctuation. Split
quotations (``"...," he said, "..."``) are joined in :mod:`.joins`.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from pipeline.nlp.cues import CHARACTERISING_FORMS, SPEECH_FORMS
from pipeline.nlp.quotes.cues import in_reach, is_according, is_cue, token_at
from pipeline.nlp.quotes.doctext import doc_text
from pipeline.nlp.quotes.marks import MARKS, Quotation

# '"You cut jobs" to raise the price': a second part that the sentence goes on after is not
# the rest of the first quotation but a phrase quoted in a sentence of the reporter's
SENTENCE_GOES_ON = re.compile(r"[\"\u201d\u00bb][ \t]+[a-z]")
# "Yes, we can!" is a sentence; "Stop!" alone is as likely a title or a slogan
SENTENCE_MIN_WORDS = 2
_LEADING_JUNK = ",;:-\u2013\u2014\"\u201d\u00bb"
# the object of 'tell' is who was told (a person, a programme, a paper), never what was said
_LISTENER_DEPS = ("dobj", "dative", "iobj")
# prepositions that open when or where something was said, not what it was called
_CIRCUMSTANCE_PREPS = {"during", "at", "on", "in", "after", "before", "while", "amid", "following"}


def edges(toks: list[Token]) -> list[Token]:
    """Drop whitespace and leading/trailing punctuation (a closing mark may stay)."""
    toks = [t for t in toks if not t.is_space]
    while toks and toks[0].is_punct:
        toks = toks[1:]
    while toks and toks[-1].is_punct and toks[-1].text not in ('"', "\u201d"):
        toks = toks[:-1]
    return toks


def _quoting(text: str, start: int, at: int) -> bool:
    """True when ``at`` is inside a quotation opened after ``start`` (an odd number of marks between)."""
    return sum(text[start:at].count(m) for m in MARKS) % 2 == 1


def clause_span(clause: Token, verb: Token) -> tuple[int, int]:
    """A reported clause without its complementiser (``that``) and edge punctuation, without
    another speaker's report inside it ('she was confident, while Petrakis told supporters ...')
    and without the verb's own time phrase the parser hung on it ('said on Thursday they had')."""
    others = {t.i for d in clause.subtree if d is not clause and d.dep_ in ("advcl", "conj") and is_cue(d)
              and (any(c.dep_ == "nsubj" for c in d.children) or d.head.i == clause.i) for t in d.subtree}
    text = doc_text(verb.doc)
    for d in clause.subtree:
        after_comma = d.left_edge.i > clause.i and d.doc[d.left_edge.i - 1].text == ","
        if after_comma and _quoting(text, clause.left_edge.idx, d.left_edge.idx):
            continue  # 'did not mean "a collapse, only a delay"': inside a quotation, the speaker's words
        if after_comma and d.right_edge.i >= clause.right_edge.i - 1 and (
                d.dep_ == "appos" or (d.dep_ == "relcl" and d.left_edge.tag_ in ("WDT", "WP"))):
            # '... would not back Ortiz, the mayor's rival' / '..., which ...' closing the clause: the
            # reporter's note on a name, not part of what was said
            others.update(t.i for t in d.subtree)
        if after_comma and d.dep_ == "advcl" and d.tag_ == "VBG" and d.right_edge.i >= clause.right_edge.i - 1 \
                and any(m in text[clause.left_edge.idx:d.left_edge.idx] for m in MARKS):
            # 'wondered whether the panel will be "fair" to him, engaging in ...': a participle closing a
            # clause that quotes a phrase is the reporter's gloss on the act (without a quoted phrase, PolNeAR
            # keeps it in the clause: the rule is held to the mixed quotes)
            others.update(t.i for t in d.subtree)
    subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    for child in clause.lefts:
        if child.dep_ in ("prep", "npadvmod") and subject is not None and child.i < subject.i \
                and child.left_edge.i == verb.i + 1:
            others.update(t.i for t in child.subtree)
    toks = edges([t for t in clause.subtree if t.i != verb.i and t.i not in others and in_reach(t, verb)])
    while toks and ((toks[0].dep_ == "mark" and toks[0].head == clause) or toks[0] == clause) \
            and toks[0].lower_ in ("that", "whether"):
        toks = edges(toks[1:])
    while toks and toks[-1].dep_ == "cc":
        toks = edges(toks[:-1])  # 'would reopen in October and [warned ...]': the report left out
    if not toks:
        return clause.idx, clause.idx
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def make_mixed(q: Quotation, verb: Token) -> bool:
    """Widen the quotation to what ``verb`` reports around it, if that clause holds it whole."""
    if verb.lower_ == "according":
        return False  # 'according to X, the plan smacks of "panic"': not the verb's dependents (extract takes the clause)
    s, e = reported_span(verb, q.start, q.end + 1)
    if s is None or s > q.start or e < q.end - 1:
        return False
    end = max(e, q.end)
    text = doc_text(verb.doc)
    if verb.lower_ not in CHARACTERISING_FORMS and verb.idx < q.start and end <= q.end + 2 \
            and not (text[q.start].isupper() or text[q.end - 1] in ".!?"):
        # the clause stops at a phrase's closing mark, and the sentence goes on: the rest of it
        # (not a name, a title or an utterance of its own: those end where they close)
        end = max(end, _rest_of_sentence(verb, q.end))
    # the end of the last quotation in the span ('as "reckless" and a "gift" at a meeting')
    marks = [i for i in range(q.end + 1, end) if text[i] in MARKS]
    last = marks[-1] if len(marks) >= 2 and len(marks) % 2 == 0 else q.end
    if verb.lower_ in CHARACTERISING_FORMS and verb.idx < q.start and end <= last + 2 \
            and not (text[q.start].isupper() or text[last - 1] in ".!?"):
        # 'rated 30% of the claims as "false," compared to 11% of ...': a characterisation goes on in a
        # phrase or clause the parser hung on the verb (a preposition or a conjunction opens it; not
        # 'and threatened ...', ', referring to ...' or an apposition: the reporter's words)
        end = max(end, _rest_of_sentence(verb, last, opened=True))
    if verb.lower_ in CHARACTERISING_FORMS and end > last + 1 and _circumstance_after(verb.doc, text, last, end):
        end = last  # 'described the plan as a "costly mistake" during a town-hall meeting': when and where are the reporter's
    closing = re.match(r"[,;:]?[\"\u201d\u00bb]", text[end:end + 2]) if end in (q.end, last) else None
    if closing is not None:
        end += closing.end()  # 'was "the only fair way forward."': the quotation ends at its closing mark
    elif _quoting(text, s, end):
        # 'the levy "unfair" and "a tax on the poor."': the clause ends inside a later quotation,
        # whose closing mark (after its full stop) is part of it
        later = re.match(r"[.,;:!?]?[\"\u201d\u00bb]", text[end:end + 2])
        end += later.end() if later is not None else 0
    q.segments, q.kind = [(_with_opening_mark(text, s, q.start), end)], "mixed"
    return True


def _rest_of_sentence(verb: Token, closing: int, opened: bool = False) -> int:
    """'said waterboarding is "peanuts," compared to what ...': the parser hung the rest of the
    reported sentence on the cue; where it ends (no other cue, quotation or attribution in it).
    ``opened``: only a rest that a preposition or a subordinating conjunction opens, or the noun
    the quoted phrase modifies."""
    text = doc_text(verb.doc)
    m = re.match(r",?[\"\u201d\u00bb]?,?[ \t]+(?=[a-z])", text[closing:closing + 5])
    if m is None:
        return closing
    rest = [t for t in verb.sent if t.idx >= closing + m.end() and in_reach(t, verb)]
    if rest and rest[0].tag_ in ("WDT", "WP") and text[closing:rest[0].idx].strip(" \t\"\u201d\u00bb") == ",":
        return closing  # '"public option", which would allow ...': the reporter's note on the phrase
    if opened and rest and not (rest[0].dep_ in ("prep", "mark", "agent") or rest[0].tag_ == "IN"
                                or any(t.head is rest[0] for t in verb.sent if verb.idx < t.idx < closing)):
        return closing
    if not rest or any(is_cue(t) or is_according(t) or t.text in MARKS or t.lower_ in CHARACTERISING_FORMS
                       or (t.dep_ == "conj" and t.head is verb)
                       or (t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "conj") for t in rest):
        return closing  # another act, clause ('but he has ...') or quotation: the reporter's sentence
    rest = edges(rest)
    return rest[-1].idx + len(rest[-1]) if rest else closing


def mixed_over(text: str, q: Quotation, span: tuple[int, int]) -> bool:
    """Make the quotation a mixed quote over ``span`` when that holds it whole (with its marks)."""
    s, e = span
    if s > q.start or e < q.end - 1:
        return False
    end = max(e, q.end)
    closing = re.match(r"[,;:]?[\"\u201d\u00bb]", text[end:end + 2])
    if closing is not None:
        end += closing.end()
    q.segments, q.kind = [(_with_opening_mark(text, s, q.start), end)], "mixed"
    return True


def _with_opening_mark(text: str, s: int, start: int) -> int:
    """A mixed quote that begins with its quotation keeps the opening mark ('"the tide is turning"
    despite ...'), as it keeps the closing one: never half a pair of marks."""
    return s - 1 if s == start and s > 0 and text[s - 1] in MARKS else s


def goes_on(text: str, q: Quotation) -> bool:
    """'says "the wind is at our backs" despite the loss': the sentence goes on after the closing
    mark with the reporter's words (a lower-case word, not a comma and an attribution)."""
    return SENTENCE_GOES_ON.match(text, q.end) is not None


def make_mixed_before(doc: Doc, text: str, q: Quotation, cue: Token) -> bool:
    """'the group is less likely to be "overrun with zealots," he said': the reported clause
    before the cue holds the quotation and words outside it: a mixed quote over that clause."""
    first = token_at(doc, q.start)
    if first is None:
        return False
    for child in cue.lefts:
        if child.dep_ != "ccomp" or first not in child.subtree:
            continue
        s, e = clause_span(child, cue)
        outside = text[s:q.start].strip(" \t\n\"\u201c\u201d\u00ab,:") or (goes_on(text, q) and e > q.end + 1)
        if s > q.start or e < q.end - 1 or not outside:
            return False
        if any(is_cue(t) and s <= t.idx < q.start for t in child.subtree):
            return False  # 'Acts of protest, Mr. Obama said, are ... "...," as Garner said': another report
        end = max(e, q.end)
        closing = re.match(r"[,;:]?[\"\u201d\u00bb]", text[end:end + 2])
        if closing is not None:
            end += closing.end()
        q.segments, q.kind = [(_with_opening_mark(text, s, q.start), end)], "mixed"
        return True
    return False


def _circumstance_after(doc: Doc, text: str, closing: int, end: int) -> bool:
    """True when what follows a characterisation's closing mark says when or where it was made (a
    time, 'during', 'at', 'on' ... or a dash), and no other quotation follows."""
    tail = text[closing + 1:end]
    if any(ch in MARKS for ch in tail):
        return False
    first = token_at(doc, closing + 1 + len(tail) - len(tail.lstrip()))
    if first is None:
        return False
    return first.ent_type_ in ("DATE", "TIME") or first.text in ("\u2014", "\u2013", "--") \
        or (first.dep_ == "prep" and first.lower_ in _CIRCUMSTANCE_PREPS)


def embedded(doc: Doc, text: str, q: Quotation, cue: Token) -> bool:
    """True when the quotation is part of the reported clause rather than introduced whole.

    ``said: "..."``, ``said, "..."`` and ``said "...`` introduce a direct quote; anything else
    between the cue and the opening mark (``said the talks did not mean "...``, ``said that "...``:
    PolNeAR takes the whole reported clause) embeds it.
    """
    first = token_at(doc, q.start)
    if first is None or first not in cue.subtree:
        return False
    between = text[cue.idx + len(cue):q.start].strip(" \t\n\"\u201c\u201d\u00ab,:")
    return bool(between)


def reported_span(cue: Token, at: int | None = None, until: int = 0) -> tuple[int | None, int]:
    """What a cue reports: the reported clause holding character ``at`` if it has one (``told
    his protégés on a regular basis that "..."``: the clause, not the whole predicate), else
    its dependents to the right up to the one holding ``at`` (``describing as "unhinged" a
    tweet``: not the tweet; ``promising lower taxes and "jobs," but he ...``: not the clause
    after ``but``; but up to a later quotation of the same act, ``until`` being where the first
    one ends); subject and complementiser left out."""
    if at is not None:
        for child in cue.children:
            if child.dep_ == "ccomp" and child.i > cue.i:
                s, e = clause_span(child, cue)
                if s <= at < e:
                    return s, e
    toks: list[Token] = []
    rights = list(cue.rights)
    for n, child in enumerate(rights):
        if at is not None and child.dep_ == "punct" and child.text in MARKS and child.idx < at:
            continue  # 'calling it "absurd"': the opening mark hung on the verb; what it reports goes on
        if child.dep_ in ("cc", "conj", "punct"):
            if at is None:
                continue
            break
        holds = at is not None and child.left_edge.idx <= at < child.right_edge.idx + len(child.right_edge)
        if holds and child.dep_ in _LISTENER_DEPS and SPEECH_FORMS.get(cue.lower_) == "tell":
            return None, 0  # 'told WXYZ's "Morning Radio" that ...': the listener, not what was said
        toks.extend(t for t in child.subtree if in_reach(t, cue))
        if holds:
            toks.extend(_later_quoted(rights[n + 1:], cue, until))
            break
    toks = edges(sorted(toks, key=lambda t: t.i))
    if at is not None:
        toks = _without_closing_relative(toks, at)
    while toks and toks[0].dep_ == "mark" and toks[0].lower_ in ("that", "whether"):
        toks = edges(toks[1:])
    if not toks:
        return None, 0
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _without_closing_relative(toks: list[Token], at: int) -> list[Token]:
    """'support for the "harbour fund", which would pay for ...': a relative clause after a comma
    that closes what a verb reports, past the quotation and outside any quotation, is the
    reporter's note on the phrase, as in a reported clause (:func:`clause_span`)."""
    if not toks:
        return toks
    text = doc_text(toks[0].doc)
    for d in toks:
        if d.dep_ == "relcl" and d.left_edge.tag_ in ("WDT", "WP") and d.left_edge.idx > at \
                and d.doc[d.left_edge.i - 1].text == "," and d.right_edge.i >= toks[-1].i - 1 \
                and not _quoting(text, toks[0].idx, d.left_edge.idx):
            drop = {t.i for t in d.subtree}
            return edges([t for t in toks if t.i not in drop])
    return toks


def _later_quoted(later: list[Token], cue: Token, until: int) -> list[Token]:
    """'condemned the test as "reckless" and a "grave threat" to peace': the dependents after the
    one holding the quotation, up to the last that holds another quotation of the same act (not a
    clause with a subject of its own)."""
    taken: list[Token] = []
    last: list[Token] = []
    for child in later:
        if child.pos_ in ("VERB", "AUX"):
            break  # 'and called for pay to be "clawed back"', ', calling it "absurd"': another act
        sub = [t for t in child.subtree if in_reach(t, cue)]
        if not sub or re.search(r"[.!?;]", doc_text(cue.doc)[until:sub[0].idx]):
            break  # '... "absurd." "The idea ...': past the end of the sentence the parser ran on
        taken.extend(sub)
        if any(t.text in MARKS and t.idx > until for t in sub):
            last = list(taken)
    return last


def sentence_like(text: str, q: Quotation) -> bool:
    """A short quotation still counts when it is a sentence of its own ("Yes, we can!")."""
    content = text[q.start:q.end].rstrip()
    return content[:1].isupper() and content[-1:] in ".!?," and len(content.split()) >= SENTENCE_MIN_WORDS


def _opens_pair(text: str, s: int, e: int) -> bool:
    """A straight mark that a later one in the segment closes ('"the tide is turning" despite')."""
    return text[s] == '"' and text.count('"', s, e) % 2 == 0


def clip_segments(text: str, q: Quotation, regions: list[tuple[int, int]]) -> bool:
    """Cut the headline, dateline or byline out of a quote the parse widened into them (the
    parser may run a headline into the first sentence); False when nothing is left."""
    segments = []
    for s, e in q.segments:
        for r_start, r_end in regions:
            if r_start <= s < r_end:
                s = r_end
            if r_start < e <= r_end:
                e = r_start
        while s < e and (text[s].isspace() or text[s] in _LEADING_JUNK) and not _opens_pair(text, s, e):
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            segments.append((s, e))
    q.segments = segments
    return bool(segments)

"""Quotes and who said them, from quote marks and the dependency parse.

Three passes over a story:

1. Quote marks are paired into quotations, tolerating unbalanced marks, curly or straight,
   and quotations running over several paragraphs. Never raises on odd counts.
2. Each quotation gets its reporting verb (cue) and speaker from the sentences around it;
   a quotation embedded in a reported clause (``said they did not mean "..."``) becomes a
   mixed quote covering the whole clause; ``"...," he said, "..."`` becomes one quote with
   two segments.
3. Reported speech without marks (``X told Y that ...``, ``..., he noted.``, ``according to
   X, ...``) becomes indirect quotes.

Speakers are resolved by :mod:`pipeline.nlp.speakers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from pipeline.nlp.cues import CHARACTERISING_FORMS, PRONOUNS_GROUP, PRONOUNS_PERSON, ROLE_NOUNS, SPEECH_FORMS
from pipeline.nlp.speakers import SpeakerResolver
from schemas.records import Cue, Entity, NormalisedArticle, Quote, Segment, Speaker

_OPENERS = "\u201c\u00ab\u201e"
_CLOSERS = "\u201d\u00bb"
_BEFORE_OPEN = set(" \t\n([{\u2014\u2013-/:")
_TRIM_CHARS = " \t\n,;:\u2014\u2013-"
_NOT_SPEAKERS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY"}  # "63 percent said" speaks
# "...”― Pamela Padilla" and "PENCE: Well, ..." name the speaker without a verb
_DASH_CREDIT = re.compile(
    r"^[\"\u201d\u00bb.,]*\s*[\u2015\u2014\u2013-]{1,2}\s*([A-Z][\w.'\u2019-]*(?:\s[A-Z][\w.'\u2019-]*){0,3})"
)
# cues of direct speech only: "they continue to ..." and "agree to ..." report nothing
_NOT_INDIRECT = {"continue", "respond", "agree"}
_PERSON_WORDS = PRONOUNS_PERSON | PRONOUNS_GROUP - {"it"} | ROLE_NOUNS  # subjects that stand for people
_TRANSCRIPT = re.compile(r"^([A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)?):\s")


@dataclass
class Quotation:
    segments: list[tuple[int, int]]  # content spans, marks excluded
    closed: bool = True
    kind: str = "direct"
    cue: Token | None = None
    speaker: tuple[int, int] | None = None
    extra_segments: list[tuple[int, int]] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds, pos = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, len(text)))
    return [b for b in bounds if b[1] > b[0]]


def _mark_kind(text: str, i: int) -> str:
    ch = text[i]
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch in _OPENERS:
        return "open"
    if ch in _CLOSERS:
        # a closing mark at a paragraph start is a typo for an opening one
        return "open" if before == "\n" and not after.isspace() else "close"
    if before in _BEFORE_OPEN and not after.isspace():
        return "open"
    return "close"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in _TRIM_CHARS:
        end -= 1
    return start, end


def find_quotations(text: str) -> list[Quotation]:
    """Pair quote marks into quotations. Robust to any sequence of marks."""
    quotations: list[Quotation] = []
    paragraphs = _paragraph_bounds(text)
    carry: list[tuple[int, int]] = []  # segments of a quotation continuing from earlier paragraphs
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        open_at: int | None = None
        marks = [i for i in range(p_start, p_end) if text[i] in '"' + _OPENERS + _CLOSERS]
        if carry and (not marks or text[p_start:marks[0]].strip()):
            # the continuing quotation was never reopened: it ended with the last paragraph
            quotations.append(Quotation(segments=carry, closed=False))
            carry = []
        for i in marks:
            kind = _mark_kind(text, i)
            if open_at is None:
                if carry and i == marks[0]:
                    open_at = i
                elif kind == "open":
                    open_at = i
                continue
            if kind == "open" and text[i] in _OPENERS:
                open_at = i  # a stray opener: restart from the later mark
                continue
            seg = _trimmed(text, open_at + 1, i)
            if seg[1] > seg[0]:
                quotations.append(Quotation(segments=[*carry, seg]))
            carry = []
            open_at = None
        if open_at is not None:
            seg = _trimmed(text, open_at + 1, p_end)
            nxt = paragraphs[p_index + 1] if p_index + 1 < len(paragraphs) else None
            if seg[1] > seg[0]:
                carry = [*carry, seg]
            if nxt is None or text[nxt[0]] not in '"' + _OPENERS:
                if carry:
                    quotations.append(Quotation(segments=carry, closed=False))
                carry = []
    if carry:
        quotations.append(Quotation(segments=carry, closed=False))
    return quotations


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _sent_of(doc: Doc, char: int) -> Span | None:
    tok = _token_at(doc, char)
    return tok.sent if tok is not None else None


def is_cue(tok: Token) -> bool:
    return tok.lower_ in SPEECH_FORMS and tok.pos_ in ("VERB", "AUX") and tok.dep_ != "amod"


def subject_of(verb: Token, quoted: list[tuple[int, int]] = ()) -> Token | None:
    """The speaker token of a reporting verb: its subject, or the subject it shares.

    Nothing inside ``quoted`` (the story's quotation marks) can be the speaker: in
    ``"My apologies," Quick said`` the parser may make "apologies" the subject."""
    for child in verb.children:
        if quoted and _inside(child.idx, quoted):
            continue
        if child.dep_ in ("nsubj", "nsubjpass"):
            if verb.dep_ == "relcl" and child.tag_ in ("WDT", "WP"):
                # "McConnell, who said ...": the relative pronoun is the mention, the noun it
                # hangs on the speaker. "a letter that says ...": not a person; "Saleh, who
                # declared himself president": no reported clause, so no quote either.
                return child if child.lower_ == "who" else None
            if child.ent_type_ in _NOT_SPEAKERS or child.is_space:
                continue  # "12:15 p.m. / Donald Trump says": a parse with two subjects
            if child.lower_ in ("it", "there") or child.tag_ in ("WP", "WDT"):
                return None
            return child
    if verb.dep_ == "relcl":
        return None
    if verb.lower_ in ("according",):
        for child in verb.children:
            if child.lower_ == "to":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand
    if SPEECH_FORMS.get(verb.lower_) != "tell" and verb.lower_ not in CHARACTERISING_FORMS:
        # inverted: "..., said Saleh." (the object of "telling reporters" or "calling
        # himself the king of debt" is the listener or the one described, never the speaker)
        for child in verb.rights:
            if child.dep_ in ("dobj", "attr", "oprd", "dep", "appos") and child.pos_ in ("PROPN", "NOUN") \
                    and child.ent_type_ not in _NOT_SPEAKERS and not (quoted and _inside(child.idx, quoted)):
                return child
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
        return subject_of(verb.head, quoted)
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
        # "responded by saying ...", "after saying ..., she was": the clause's subject
        return subject_of(verb.head.head, quoted)
    return None


def _inside(i: int, segments: list[tuple[int, int]]) -> bool:
    return any(s - 1 <= i < e + 1 for s, e in segments)


def _find_cue(doc: Doc, q: Quotation, text: str) -> Token | None:
    """The reporting verb nearest the quotation, in the sentences it starts and ends in."""
    first, last = _sent_of(doc, q.start), _sent_of(doc, max(q.end - 1, q.start))
    after = None
    if 0 < q.end < len(text) and text[q.end - 1] in "?!":
        # '"... pardon?" he asks.': the parser ends the sentence at the question mark, so the
        # cue is in the next one (same line, right after the closing mark)
        m = re.match(r"[\"\u201d\u00bb]?[ \t]*(?=\S)", text[q.end:q.end + 10])
        if m is not None:
            after = _sent_of(doc, q.end + m.end())
    sents = [s for s in (first, last, after) if s is not None]
    if not sents:
        return None
    lo, hi = min(s.start for s in sents), max(s.end for s in sents)
    best, best_rank = None, (True, 10**9)
    first_tok = _token_at(doc, q.start)
    for tok in doc[lo:hi]:
        if _inside(tok.idx, q.segments) or not (is_cue(tok) or _is_according(tok)):
            continue
        # a verb whose clause holds the quotation beats one that is merely close to it
        governs = first_tok is not None and first_tok in tok.subtree
        rank = (not governs, min(abs(tok.idx - q.end), abs(tok.idx - q.start)))
        if rank < best_rank:
            best, best_rank = tok, rank
    if best is None and first is not None and first.start > 0:
        prev = doc[first.start - 1].sent  # `X said:` ending the previous sentence
        if prev.text.rstrip().endswith(":"):
            for tok in reversed(list(prev)):
                if is_cue(tok):
                    return tok
    return best


def _characterising_verb(doc: Doc, q: Quotation) -> Token | None:
    """The nearest characterising verb (``called``, ``described``) before the quotation whose
    object holds it, in the same sentence."""
    first_tok = _token_at(doc, q.start)
    if first_tok is None:
        return None
    sent = first_tok.sent
    for tok in reversed(doc[sent.start:first_tok.i]):
        if tok.lower_ in CHARACTERISING_FORMS and tok.pos_ == "VERB" and first_tok in tok.subtree:
            return tok
    return None


def _speakers_verb(doc: Doc, q: Quotation) -> Token | None:
    """A phrase quoted inside a person's act ('She applauded him for fighting "over and over
    again"') is their words in a clause of their own: the verb above it, when its subject is a
    person, an organisation or a pronoun standing for one."""
    tok = _token_at(doc, q.start)
    for _ in range(4):
        if tok is None or tok.head is tok:
            return None
        tok = tok.head
        if tok.pos_ == "VERB" and tok.idx < q.start:
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if subj is None:
                continue  # "thanked them for staying ...": climb to the verb with the subject
            if subj.ent_type_ in ("PERSON", "ORG", "NORP") or subj.lower_ in _PERSON_WORDS:
                return tok
            return None
    return None


def _is_according(tok: Token) -> bool:
    return tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children)


def _ccomp(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "ccomp":
            return child
    return None


def _edges(toks: list[Token]) -> list[Token]:
    """Drop whitespace and leading/trailing punctuation (a closing mark may stay)."""
    toks = [t for t in toks if not t.is_space]
    while toks and toks[0].is_punct:
        toks = toks[1:]
    while toks and toks[-1].is_punct and toks[-1].text not in ('"', "\u201d"):
        toks = toks[:-1]
    return toks


def _clause_span(text: str, clause: Token, verb: Token) -> tuple[int, int]:
    """A reported clause without its complementiser (``that``) and edge punctuation."""
    sent = verb.sent
    toks = _edges([t for t in clause.subtree if t.i != verb.i and sent.start <= t.i < sent.end])
    while toks and toks[0].dep_ == "mark" and toks[0].head == clause and toks[0].lower_ in ("that", "whether"):
        toks = _edges(toks[1:])
    if not toks:
        return clause.idx, clause.idx
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def extract_quotes(doc: Doc, article: NormalisedArticle, entities: list[Entity]) -> list[Quote]:
    text = article.text
    skip_until = article.title_span.end if (article.title_span and article.lead_repeats_title) else 0
    resolver = SpeakerResolver(doc, text, entities)
    found: list[Quotation] = []

    quotations = [q for q in find_quotations(text) if q.start >= skip_until]
    quotations = _merge_split(doc, text, quotations)
    marked = [seg for q in quotations for seg in q.segments]  # before mixed quotes widen them
    for q in quotations:
        n_words = sum(len(text[s:e].split()) for s, e in q.segments)
        cue = _find_cue(doc, q, text)
        if cue is not None and cue.idx < q.start and _embedded(doc, text, q, cue):
            # the quotation sits inside what the cue reports: a mixed quote over that clause
            _make_mixed(text, q, cue)
        if q.kind == "direct" and (cue is None or cue.idx > q.start):
            verb = _characterising_verb(doc, q)
            if verb is None and ((n_words < 8 and not _sentence_like(text, q)) or text[q.start].islower()):
                verb = _speakers_verb(doc, q)
            if verb is not None and _make_mixed(text, q, verb):
                cue = verb
        if q.kind == "direct" and n_words < 4 and not _sentence_like(text, q):
            continue  # a scare quote, a title or a nickname, not speech
        if q.kind == "direct" and cue is None and n_words < 8 and text[q.start].islower():
            continue  # a phrase quoted in passing, with no one saying it
        if q.kind == "mixed" and any(f.kind == "mixed" and f.start < q.end and q.start < f.end for f in found):
            continue  # 'called Trump a "liar" who is "amoral"': one characterisation, one quote
        q.cue = cue
        found.append(q)

    used_cues = {q.cue.i for q in found if q.cue is not None}
    covered = [seg for q in found for seg in q.segments]
    for sent in doc.sents:
        if sent.end_char <= skip_until:
            continue
        for tok in sent:
            if tok.idx < skip_until or tok.i in used_cues or not (is_cue(tok) or _is_according(tok)):
                continue
            if SPEECH_FORMS.get(tok.lower_) in _NOT_INDIRECT:
                continue
            span = _indirect_content(text, tok)
            if span is None:
                continue
            s, e = span
            if any(s < ce and e > cs for cs, ce in covered) or len(text[s:e].split()) < 4:
                continue
            q = Quotation(segments=[(s, e)], kind="indirect", cue=tok)
            found.append(q)
            covered.append((s, e))
            used_cues.add(tok.i)

    found.sort(key=lambda q: q.start)
    quotes: list[Quote] = []
    for q in found:
        speaker = None
        if q.cue is not None:
            subj = subject_of(q.cue, marked)
            if subj is not None:
                speaker = resolver.resolve(subj, q.start)
        if speaker is None and q.kind == "direct":
            speaker = (_credited(text, q, resolver) or _introduced(doc, text, q, resolver, marked)
                       or resolver.continuing(q.start))
        if speaker is not None:
            resolver.remember(speaker)
        start, end = q.start, q.end
        cue = None
        if q.cue is not None:
            c_end = q.cue.idx + len(q.cue)
            if _is_according(q.cue):
                c_end = next(c for c in q.cue.children if c.lower_ == "to").idx + 2
            cue = Cue(start=q.cue.idx, end=c_end, text=text[q.cue.idx:c_end])
        quotes.append(Quote(
            id=f"{article.id}:q{len(quotes) + 1}",
            text=text[start:end], start=start, end=end,
            segments=[Segment(start=s, end=e, text=text[s:e]) for s, e in q.segments],
            kind=q.kind, cue=cue, speaker=speaker,
        ))
    return quotes


def _credited(text: str, q: Quotation, resolver: SpeakerResolver) -> Speaker | None:
    """A speaker named by a dash credit after the quote, or a transcript label inside it."""
    m = _DASH_CREDIT.match(text[q.end:q.end + 80])
    if m:
        start = q.end + m.start(1)
        return resolver.named(start, start + len(m.group(1)))
    m = _TRANSCRIPT.match(text[q.start:q.start + 40])
    if m:
        return resolver.named(q.start, q.start + len(m.group(1)))
    return None


def _introduced(doc: Doc, text: str, q: Quotation, resolver: SpeakerResolver,
                marked: list[tuple[int, int]]) -> Speaker | None:
    """A quotation introduced by a colon speaks for the subject of the sentence that ends in it:
    'Trump issued the following statement: "..."', 'She went on: "..."'."""
    before = text[:q.start].rstrip(" \t\n\"\u201c\u201d\u00ab")
    if not before.endswith(":"):
        return None
    colon = _token_at(doc, len(before) - 1)
    if colon is None:
        return None
    # the parser often joins the quotation to that sentence: look left of the colon only
    for tok in reversed(doc[colon.sent.start:colon.i]):
        if tok.pos_ in ("VERB", "AUX") and any(c.dep_ == "nsubj" for c in tok.children):
            subj = subject_of(tok, marked)
            if subj is None or subj.pos_ not in ("PROPN", "NOUN", "PRON"):
                return None
            return resolver.resolve(subj, q.start)
    return None


def _make_mixed(text: str, q: Quotation, verb: Token) -> bool:
    """Widen the quotation to what ``verb`` reports around it, if that clause holds it whole."""
    s, e = _reported_span(text, verb, q.start)
    if s is None or s > q.start or e < q.end - 1:
        return False
    q.segments, q.kind = [(s, max(e, q.end))], "mixed"
    return True


def _embedded(doc: Doc, text: str, q: Quotation, cue: Token) -> bool:
    """True when the quotation is part of the reported clause rather than introduced whole.

    ``said: "..."``, ``said, "..."`` and ``said "...`` introduce a direct quote; anything else
    between the cue and the opening mark (``said the talks did not mean "...``) embeds it.
    """
    first = _token_at(doc, q.start)
    if first is None or first not in cue.subtree:
        return False
    between = text[cue.idx + len(cue):q.start].strip(" \t\n\"\u201c\u201d\u00ab,:")
    return bool(between) and between.lower() not in ("that",)


def _reported_span(text: str, cue: Token, at: int | None = None) -> tuple[int | None, int]:
    """What a cue reports: the reported clause holding character ``at`` if it has one (``told
    his protégés on a regular basis that "..."``: the clause, not the whole predicate), else
    its dependents to the right up to the one holding ``at`` (``describing as "unhinged" a
    tweet``: not the tweet; ``promising lower taxes and "jobs," but he ...``: not the clause
    after ``but``); subject and complementiser left out."""
    if at is not None:
        for child in cue.children:
            if child.dep_ == "ccomp" and child.i > cue.i:
                s, e = _clause_span(text, child, cue)
                if s <= at < e:
                    return s, e
    sent = cue.sent
    toks: list[Token] = []
    for child in cue.rights:
        if child.dep_ in ("cc", "conj", "punct"):
            if at is None:
                continue
            break
        toks.extend(t for t in child.subtree if sent.start <= t.i < sent.end)
        if at is not None and child.left_edge.idx <= at < child.right_edge.idx + len(child.right_edge):
            break
    toks = _edges(sorted(toks, key=lambda t: t.i))
    while toks and toks[0].dep_ == "mark" and toks[0].lower_ in ("that", "whether"):
        toks = _edges(toks[1:])
    if not toks:
        return None, 0
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _sentence_like(text: str, q: Quotation) -> bool:
    """A short quotation still counts when it is a sentence of its own ("Yes, we can!")."""
    content = text[q.start:q.end].rstrip()
    return content[:1].isupper() and content[-1:] in ".!?," and len(content.split()) >= 2


def _indirect_content(text: str, verb: Token) -> tuple[int, int] | None:
    """The reported clause of a reporting verb with no quote marks, if it has one."""
    if _is_according(verb):
        to = next(c for c in verb.children if c.lower_ == "to")
        head = verb.head
        if head is verb:
            return None
        source = set(verb.subtree) | set(to.subtree)  # "to" may hang on the head, not on "according"
        sent = verb.sent
        toks = [t for t in head.subtree if t not in source and sent.start <= t.i < sent.end]
        toks = [t for t in toks if not t.is_space and not (t.is_punct and t.text in ",")]
        while toks and toks[-1].is_punct:
            toks.pop()
        while toks and (toks[0].dep_ == "cc" or toks[0].lower_ in ("however", "but", "and")):
            toks.pop(0)  # "But, according to X, ...": the connective is not what X said
        if not toks or to is None:
            return None
        return toks[0].idx, toks[-1].idx + len(toks[-1])
    if subject_of(verb) is None:
        return None
    clause = _ccomp(verb)
    if clause is not None and clause.pos_ in ("VERB", "AUX"):
        # a verbless "ccomp" is a small clause: "declared himself the caretaker president"
        s, e = _clause_span(text, clause, verb)
        return (s, e) if e > s else None
    # "..., he noted." / "X rejects Y, Saleh told India Today.": the clause before the verb
    own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
    if (verb.dep_ in ("parataxis", "ccomp") or (verb.dep_ == "conj" and own_subject)) and verb.head.i < verb.i:
        sent = verb.sent
        toks = [t for t in verb.head.subtree if t not in set(verb.subtree) and sent.start <= t.i < sent.end]
        toks = _edges(toks)
        if toks and toks[-1].text in ('"', "\u201d"):
            toks = toks[:-1]
        if toks:
            return toks[0].idx, toks[-1].idx + len(toks[-1])
    return None


def _merge_split(doc: Doc, text: str, quotations: list[Quotation]) -> list[Quotation]:
    """Join ``"...," he said, "..."`` (and ``"...," he said. "..."``) into one quotation with
    two segments.

    The first part must end in a comma (the attribution completes its sentence), only the
    attribution may stand between the parts, and it must hold exactly one cue:
    ``"...." He added, "..."``, ``"...," he said, adding, "..."`` and ``the "women's card"
    and said that Rubio is "weak"`` are two quotations each."""
    out: list[Quotation] = []
    for q in quotations:
        if out:
            prev = out[-1]
            between = text[prev.end:q.start]
            if (
                "\n" not in between
                and len(between.split()) <= 20  # "said Rep. Diane Russell, a Maine legislator and ..."
                and re.match(r"^,[\"\u201d]?\s", between)
                and between.rstrip(" \t\"\u201c").endswith((",", ".", ":"))
                and sum(w.lower().strip(",.:") in SPEECH_FORMS for w in between.split()) == 1
            ):
                prev.segments.extend(q.segments)
                continue
        out.append(q)
    return out

"""Pass 5, attribution: who said each quote.

The subject of its cue (or the inverted ``..., said Saleh``), else a dash credit or transcript
label, else the subject before an introducing colon, else the speaker of the quote just
before. Mentions resolve to entities through :class:`pipeline.nlp.speakers.SpeakerResolver`.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from pipeline.nlp.cues import CHARACTERISING_FORMS, SPEECH_FORMS
from pipeline.nlp.quotes.cues import HOLDING_FORMS, inside, token_at
from pipeline.nlp.quotes.doctext import doc_text
from pipeline.nlp.quotes.marks import Quotation, paragraph_index
from pipeline.nlp.quotes.nouns import possessor
from pipeline.nlp.speakers import SpeakerResolver
from schemas.records import Speaker

# verbs whose object is the one addressed ('warned Lestria to stop'), never an inverted speaker
ADDRESSING = frozenset({"tell", "ask", "urge", "warn", "advise"})
# "did n't believe", "let 's say": a clitic the parser took for a subject never names anyone
_CLITICS = {"n't", "n\u2019t", "'s", "\u2019s", "'re", "\u2019re", "'m", "\u2019m"}
_NOT_SPEAKERS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY"}  # "63 percent said" speaks
# "...”― Pamela Padilla" and "PENCE: Well, ..." name the speaker without a verb
_DASH_CREDIT = re.compile(
    r"^[\"\u201d\u00bb.,]*\s*[\u2015\u2014\u2013-]{1,2}\s*([A-Z][\w.'\u2019-]*(?:\s[A-Z][\w.'\u2019-]*){0,3})"
)
_TRANSCRIPT = re.compile(r"^([A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)?):\s")
# '(D-Lestria)', '(R-Ohio), chairman of ...': how far back a parenthesis after a name may open
PARENTHESIS_MAX_TOKENS = 8
# how far past the closing mark a dash credit may reach: the dash, a space and a name of up
# to four words
CREDIT_WINDOW = 80
# how far into a quotation a transcript label may reach: two capitalised words and a colon
TRANSCRIPT_WINDOW = 40


def subject_of(verb: Token, quoted: list[tuple[int, int]] | None = None) -> Token | None:
    """The speaker token of a reporting verb: its subject, or the subject it shares.

    Nothing inside ``quoted`` (the story's quotation marks) can be the speaker: in
    ``"My apologies," Quick said`` the parser may make "apologies" the subject."""
    quoted = quoted or []
    if verb.pos_ == "NOUN":
        return possessor(verb)  # "Trump's claim that ...": a speech noun's speaker is its possessor
    skipped = False
    counted = None  # 'six in 10 said': a number of people, the speaker when no other subject is found
    for child in verb.children:
        if quoted and inside(child.idx, quoted):
            skipped = skipped or child.dep_ in ("nsubj", "nsubjpass")
            continue
        if child.dep_ in ("nsubj", "nsubjpass"):
            if verb.dep_ == "relcl" and child.tag_ in ("WDT", "WP"):
                # "McConnell, who said ...": the relative pronoun is the mention, the noun it
                # hangs on the speaker. "a letter that says ...": not a person; "Saleh, who
                # declared himself president": no reported clause, so no quote either.
                return child if child.lower_ == "who" else None
            if child.ent_type_ == "CARDINAL" and child.dep_ == "nsubj" and counted is None:
                counted = child
                continue
            if child.ent_type_ in _NOT_SPEAKERS or child.is_space or child.lower_ in _CLITICS:
                continue  # "12:15 p.m. / Donald Trump says": a parse with two subjects
            if child.lower_ == "there" or child.tag_ in ("WP", "WDT"):
                return None
            return child
    if counted is not None:
        return counted
    if verb.dep_ == "relcl":
        return None
    found = _subject_elsewhere(verb, quoted)
    if found is None and skipped:
        # the parser ran a quotation or the headline into the subject: the speaker is the noun
        # right before the verb ('Harbour to reopen\n\nMaria Lopez told the council: "...')
        return _word_before(verb, quoted)
    if found is None:
        # no subject at all: the parser hung the name before the verb elsewhere ('In a meeting with
        # the board of the Gazette Lopez said ...': 'Lopez' taken into the prepositional phrase)
        before = _word_before(verb, quoted)
        if before is not None and before.pos_ in ("PROPN", "PRON") and before.tag_ not in ("WP", "WDT"):
            return before
    return found


def _word_before(verb: Token, quoted: list[tuple[int, int]]) -> Token | None:
    if verb.i == 0:
        return None
    i = verb.i - 1
    if verb.doc[i].text == ")":
        # 'Sen. Ana Ruiz (D-Lestria) said': the name before the party and state
        opening = next((t.i for t in reversed(verb.doc[max(0, i - PARENTHESIS_MAX_TOKENS):i]) if t.text == "("), None)
        if opening is None or opening == 0:
            return None
        i = opening - 1
    before = verb.doc[i]
    if before.pos_ in ("PROPN", "NOUN", "PRON") and before.lower_ not in _CLITICS and not inside(before.idx, quoted) \
            and paragraph_index(doc_text(verb.doc), before.idx) == paragraph_index(doc_text(verb.doc), verb.idx):
        return before
    return None


def _subject_elsewhere(verb: Token, quoted: list[tuple[int, int]]) -> Token | None:
    """A verb without a subject of its own: 'according to X', 'said X', or a shared subject."""
    if verb.lower_ in ("according",):
        for child in verb.children:
            if child.lower_ == "to":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand
    if SPEECH_FORMS.get(verb.lower_) not in ADDRESSING and verb.lower_ not in CHARACTERISING_FORMS \
            and verb.lower_ not in HOLDING_FORMS:
        # inverted: "..., said Saleh." (the object of "telling reporters" or "calling
        # himself the king of debt" is the listener or the one described, never the speaker;
        # nor is the object of "showing support for ..." the one who shows it)
        for child in verb.rights:
            if child.dep_ in ("dobj", "attr", "oprd", "dep", "appos") and child.pos_ in ("PROPN", "NOUN") \
                    and child.ent_type_ not in _NOT_SPEAKERS and not (quoted and inside(child.idx, quoted)):
                return child
    if SPEECH_FORMS.get(verb.lower_) == "ask" and (verb.dep_ == "advcl" or verb.tag_ == "VBN"):
        return None  # 'When asked whether ..., Lopez said': the one who answers did not ask
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.head.dep_ == "relcl" and verb.i > 0 \
            and verb.doc[verb.i - 1].text == "," and verb.sent.root.i != verb.i:
        # 'X refused to pay an architect who said ..., saying "..."': a participle after a comma
        # speaks for the sentence's subject, not for the relative clause the parser hung it on
        return subject_of(verb.sent.root, quoted)
    if verb.dep_ == "xcomp":
        # 'got him to admit ...', 'pressed the mayor to explain ...': the one made to speak is
        # the object of the verb above, not its subject
        obj = next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)
        if obj is not None and obj.pos_ in ("PROPN", "PRON") and obj.lower_ not in ("this", "that", "it") \
                and not (quoted and inside(obj.idx, quoted)):
            return obj
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
        return subject_of(verb.head, quoted)
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
        # "responded by saying ...", "after saying ..., she was": the clause's subject
        return subject_of(verb.head.head, quoted)
    return None


def relative_subject(verb: Token) -> Token | None:
    """'the police department, which reported "..."': the relative pronoun is the mention (its
    name is the noun the clause hangs on)."""
    return next((c for c in verb.children if c.dep_ == "nsubj" and c.tag_ == "WDT" and c.lower_ == "which"), None)


def credited(text: str, q: Quotation, resolver: SpeakerResolver) -> Speaker | None:
    """A speaker named by a transcript label, a dash credit after the quote, or a label inside it."""
    if q.label is not None:
        return resolver.named(*q.label)
    m = _DASH_CREDIT.match(text[q.end:q.end + CREDIT_WINDOW])
    if m:
        start = q.end + m.start(1)
        return resolver.named(start, start + len(m.group(1)))
    m = _TRANSCRIPT.match(text[q.start:q.start + TRANSCRIPT_WINDOW])
    if m:
        return resolver.named(q.start, q.start + len(m.group(1)))
    return None


def introduced(doc: Doc, text: str, q: Quotation, resolver: SpeakerResolver,
               marked: list[tuple[int, int]]) -> Speaker | None:
    """A quotation introduced by a colon speaks for the subject of the sentence that ends in it:
    'Trump issued the following statement: "..."', 'She went on: "..."'."""
    before = text[:q.start].rstrip(" \t\n\"\u201c\u201d\u00ab")
    if not before.endswith(":"):
        return None
    colon = token_at(doc, len(before) - 1)
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


def speaker_of(doc: Doc, text: str, q: Quotation, resolver: SpeakerResolver,
               marked: list[tuple[int, int]]) -> Speaker | None:
    """The speaker of one quote, remembered for the quotes after it."""
    speaker = None
    if q.label is not None:
        speaker = credited(text, q, resolver)
    if speaker is None and q.cue is not None:
        subj = subject_of(q.cue, marked)
        if subj is None:
            subj = relative_subject(q.cue)
        if subj is not None:
            speaker = resolver.resolve(subj, q.start)
    if speaker is None and q.kind == "direct":
        speaker = (credited(text, q, resolver) or introduced(doc, text, q, resolver, marked)
                   or resolver.continuing(q.start))
    if speaker is not None:
        resolver.remember(speaker)
    return speaker

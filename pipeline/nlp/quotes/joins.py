"""Split quotations: ``"...," he said, "..."`` is one quote with two segments, unless the
attribution between the parts is more than an attribution."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from pipeline.nlp.cues import SPEECH_FORMS
from pipeline.nlp.quotes.cues import is_cue, token_at
from pipeline.nlp.quotes.marks import Quotation, paragraph_index
from pipeline.nlp.quotes.spans import SENTENCE_GOES_ON

# a sentence ends inside the attribution between two quotations ('..., who works in retail.
# Roloson supports Clinton. "..."'): they are two quotes. A full stop after a short capitalised
# word ('Rep.', 'Sept.', 'St.') is an abbreviation, not a sentence end.
_SENTENCE_END = re.compile(r"(?:[a-z]{3,}|[A-Z][a-z]{4,}|\d)[.!?][ \t]+[A-Z\"\u201c]")
# how far past a quotation its own attribution may run: a name with a title and a verb
OWN_ATTRIBUTION_WINDOW = 80


def merge_split(text: str, quotations: list[Quotation], doc: Doc) -> list[Quotation]:
    """Join ``"...," he said, "..."`` (and ``"...," he said. "..."``) into one quotation with
    two segments.

    The first part must end in a comma (the attribution completes its sentence), only the
    attribution may stand between the parts, and it must hold exactly one cue:
    ``"...." He added, "..."``, ``"...," he said, adding, "..."`` and ``the "women's card"
    and said that Rubio is "weak"`` are two quotations each; so are ``Lopez said the port was
    "a lost cause," she said. "..."``: the first is part of what an earlier verb reports."""
    out: list[Quotation] = []
    for q in quotations:
        if out:
            prev = out[-1]
            between = text[prev.end:q.start]
            if (
                "\n" not in between
                and _SENTENCE_END.search(between.rstrip(" \t\"\u201c")) is None
                and re.match(r"^,[\"\u201d]?\s", between)
                and between.rstrip(" \t\"\u201c").endswith((",", ".", ":"))
                and sum(w.lower().strip(",.:") in SPEECH_FORMS for w in between.split()) == 1
                and not _own_attribution(text, q)
                and SENTENCE_GOES_ON.match(text, q.end) is None
                and not _reported_before(doc, text, prev.start)
            ):
                prev.segments.extend(q.segments)
                continue
        out.append(q)
    return out


def _reported_before(doc: Doc, text: str, start: int) -> bool:
    """True when a reporting verb earlier in the quotation's sentence (and paragraph) has it in its
    clause: the quotation is part of that report, and the attribution after it is another one."""
    first = token_at(doc, start)
    if first is None:
        return False
    return any(is_cue(t) and first in t.subtree and paragraph_index(text, t.idx) == paragraph_index(text, start)
               for t in doc[first.sent.start:first.i])


def _own_attribution(text: str, q: Quotation) -> bool:
    """'"A," she said. "B," she said.': a second part with an attribution of its own after it is
    a quote of its own, not the rest of the first."""
    after = text[q.end:q.end + OWN_ATTRIBUTION_WINDOW].split("\n", 1)[0]
    m = re.match(r"[,?!][\"\u201d\u00bb]\s*([^.!?\"\u201c]*)", after)  # '...," she said', not '...." She
    return m is not None and any(w.lower().strip(",.:") in SPEECH_FORMS for w in m.group(1).split())

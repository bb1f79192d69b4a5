"""Reading CoNLL-2003 (4 columns, IOB1, ``-DOCSTART-`` between documents).

A document is laid out as the shared evaluation dumps it (tokens joined by spaces, a sentence
a line), so that what the model is trained on is what ``newswire enrich`` reads when scored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CONLL_TYPES = ("PER", "ORG", "LOC", "MISC")


class ConllFormatError(ValueError):
    """A line that is not ``token POS chunk tag`` with an IOB tag."""


@dataclass
class GoldSpan:
    start: int  # character offsets into ConllDoc.text
    end: int
    type: str  # PER, ORG, LOC or MISC
    pos: tuple[str, ...]  # the tokens' part-of-speech tags, for refining MISC


@dataclass
class ConllDoc:
    text: str
    spans: list[GoldSpan] = field(default_factory=list)


def read_sentences(path: Path) -> Iterator[list[list[tuple[str, str, str]]]]:
    """Documents as lists of sentences of (token, POS, tag)."""
    doc: list[list[tuple[str, str, str]]] = []
    sent: list[tuple[str, str, str]] = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if line.startswith("-DOCSTART-"):
                if sent:
                    doc.append(sent)
                    sent = []
                if doc:
                    yield doc
                    doc = []
                continue
            if not line:
                if sent:
                    doc.append(sent)
                    sent = []
                continue
            cols = line.split()
            if len(cols) != 4 or not (cols[3] == "O" or cols[3][:2] in ("I-", "B-")):
                raise ConllFormatError(f"{path}:{n}: expected 'token POS chunk IOB-tag', got {line!r}")
            sent.append((cols[0], cols[1], cols[3]))
    if sent:
        doc.append(sent)
    if doc:
        yield doc


def layout(sentences: list[list[tuple[str, str, str]]]) -> ConllDoc:
    """Text and gold character spans; IOB1: ``B-`` only separates two adjacent same-type names."""
    text = ""
    spans: list[GoldSpan] = []
    for sent in sentences:
        cur: list | None = None  # [start, end, type, [pos...]]
        prev = "O"
        for j, (tok, pos, tag) in enumerate(sent):
            if j:
                text += " "
            start = len(text)
            text += tok
            typ = tag[2:] if tag != "O" else None
            begin = tag.startswith("B-") or (typ is not None and (prev == "O" or prev[2:] != typ))
            if cur is not None and (typ is None or begin):
                spans.append(GoldSpan(cur[0], cur[1], cur[2], tuple(cur[3])))
                cur = None
            if typ is not None and begin:
                cur = [start, len(text), typ, [pos]]
            elif typ is not None and cur is not None:
                cur[1] = len(text)
                cur[3].append(pos)
            prev = tag
        if cur is not None:
            spans.append(GoldSpan(cur[0], cur[1], cur[2], tuple(cur[3])))
        text += "\n"
    return ConllDoc(text, spans)


def read_conll(path: Path) -> list[ConllDoc]:
    docs = [layout(d) for d in read_sentences(path)]
    if not docs:
        raise ConllFormatError(f"{path}: no CoNLL-2003 documents found")
    return docs

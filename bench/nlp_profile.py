"""Where the NLP child's time goes: each spaCy component, then each extraction stage, on news.

    python -m bench.nlp_profile --limit 200 --rounds 2 [--paths reference full fast] [--json FILE]

The texts are the benchmark's (BBC when ../shared is here, every topic; casing views, as the
pipeline parses them). Components run one after another over the whole batch with ``pipe``
(what ``nlp.pipe`` does inside), each timed on its own; the extraction stages (entities, quotes,
reading) are then timed per stage on the parsed documents. Times are CPU seconds of this
process (``time.process_time``): other work on the machine does not inflate them.

- ``reference``: ``spacy.load("en_core_web_sm")`` with every component, what a user loads;
- ``full``: the pipeline's model as ``load_model()`` loads it, every sentence parsed;
- ``fast``: the pipeline's selective parse (:mod:`pipeline.nlp.fastpath`), timed by its own steps.

The paths run interleaved, round by round, in one process, and the means are reported: CPU time
too drifts with what else the machine runs (caches, shared cores), so only interleaved runs compare.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

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
PATHS = ("reference", "full", "fast")


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
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--paths", nargs="+", choices=PATHS, default=list(PATHS))
    ap.add_argument("--rounds", type=int, default=2, help="each path once per round, interleaved; means reported")
    ap.add_argument("--json", help="write the table here too")
    args = ap.parse_args(argv)
    articles = sample(args.limit)
    texts = [tagger_view(a) for a in articles]
    models = {p: spacy.load(resolve_model_name("en_core_web_sm")) if p == "reference" else load_model()
              for p in args.paths}
    runs = {p: profile_fast if p == "fast" else profile_components for p in args.paths}
    for p in args.paths:  # the first call of each component builds lazy state: not timed
        runs[p](models[p], texts[:BATCH])
    tokens = sum(len(models[args.paths[0]].make_doc(t)) for t in texts)
    print(f"profiling {args.paths} on {len(texts)} articles ({tokens} tokens), {args.rounds} rounds",
          file=sys.stderr, flush=True)
    seconds: dict[str, dict[str, float]] = {p: defaultdict(float) for p in args.paths}
    for r in range(args.rounds):
        for p in args.paths:  # interleaved: this machine's speed drifts over minutes
            docs, steps = runs[p](models[p], texts)
            steps.update(profile_stages(articles, docs))
            for k, v in steps.items():
                seconds[p][k] += v / args.rounds
            print(f"round {r + 1}: {p} {sum(steps.values()):.2f} CPU s", file=sys.stderr, flush=True)
    order = list(dict.fromkeys(k for p in args.paths for k in seconds[p]))
    print("| step | " + " | ".join(args.paths) + " |\n| --- |" + " --- |" * len(args.paths))
    for k in order:
        cells = [f"{seconds[p][k]:.2f} s ({100 * seconds[p][k] / sum(seconds[p].values()):.1f}%)" if k in seconds[p]
                 else "-" for p in args.paths]
        print(f"| {k} | " + " | ".join(cells) + " |")
    print("| total | " + " | ".join(f"{sum(seconds[p].values()):.2f} s" for p in args.paths) + " |")
    if args.json:
        with open(args.json, "wb") as f:
            f.write(orjson.dumps({"articles": len(texts), "tokens": tokens, "rounds": args.rounds,
                                  "cpu_seconds": {p: {k: round(v, 3) for k, v in seconds[p].items()}
                                                  for p in args.paths}}, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

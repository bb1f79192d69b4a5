"""Entity-stage throughput and the cost of post-processing over bare ``nlp.pipe``.

    python -m bench.entities --limit 500
"""

from __future__ import annotations

import argparse
import time

from bench.corpus import load
from pipeline.nlp.entities import canonical_entities
from pipeline.nlp.model import load_model
from pipeline.nlp.quotes import extract_quotes
from pipeline.nlp.view import tagger_view
from pipeline.normalise import normalise


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=500)
    args = ap.parse_args()
    name, raws = load(args.limit)
    articles = [normalise(r) for r in raws]
    nlp = load_model()
    views = [tagger_view(a) for a in articles]
    list(nlp.pipe(views[:32]))  # warm up
    t0 = time.perf_counter()
    docs = list(nlp.pipe(views, batch_size=16))
    t_nlp = time.perf_counter() - t0
    t0 = time.perf_counter()
    ents = [canonical_entities(d, a) for d, a in zip(docs, articles, strict=True)]
    t_ent = time.perf_counter() - t0
    t0 = time.perf_counter()
    for d, a, e in zip(docs, articles, ents, strict=True):
        extract_quotes(d, a, e)
    t_quotes = time.perf_counter() - t0
    n = len(articles)
    print(f"corpus {name}, {n} articles")
    print(f"bare nlp.pipe:           {n / t_nlp:7.1f} articles/s ({t_nlp:.2f} s)")
    print(f"entity post-processing:  {t_ent:.2f} s = {100 * t_ent / t_nlp:.1f}% of nlp.pipe")
    print(f"entity stage:            {n / (t_nlp + t_ent):7.1f} articles/s")
    print(f"quote extraction:        {t_quotes:.2f} s = {100 * t_quotes / t_nlp:.1f}% of nlp.pipe")


if __name__ == "__main__":
    main()

"""Cost as articles grow: words/s of the NLP child's work for short, medium and long articles.

    python -m bench.lengths [--per-bucket 60] [--json FILE]

The BBC articles (when ../shared is here) fall into buckets by their body's word count (the
``reading`` stage's count): short under 300 words, medium 300-1,500, long over 1,500 (BBC has
few: the long bucket also takes pairs of medium stories of one topic joined into one article,
said so in the output). Each bucket is enriched in-process with ``pipeline.enrich.enrich_batch``
(parse and every stage, batches of 16, as the worker's NLP child does), selective parse on and
off; words/s is the bucket's words over CPU seconds of this process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import orjson

from bench.corpus import load
from pipeline.enrich import enrich_batch
from pipeline.nlp.model import load_model
from pipeline.normalise import normalise
from pipeline.settings import get_settings
from pipeline.stages.reading import reading
from schemas.records import NormalisedArticle, RawArticle

SHORT, LONG = 300, 1500  # the bounds, in words
BATCH = 16


def words(article: NormalisedArticle) -> int:
    return reading(article, None, {}).words


def buckets(per_bucket: int) -> dict[str, list[NormalisedArticle]]:
    _, raws = load(10_000)
    unique = list({r.body or r.html or "": r for r in raws}.values())
    out: dict[str, list[NormalisedArticle]] = {"short": [], "medium": [], "long": []}
    medium: list[tuple[int, RawArticle]] = []
    for r in unique:
        a = normalise(r)
        n = words(a)
        bucket = "short" if n < SHORT else "long" if n > LONG else "medium"
        out[bucket].append(a)
        if bucket == "medium":
            medium.append((n, r))
    medium.sort(key=lambda x: x[0], reverse=True)
    while len(out["long"]) < per_bucket and len(medium) >= 2:  # BBC has few long stories: join two
        (_, first), (_, second) = medium.pop(0), medium.pop(0)
        joined = normalise(RawArticle(id=f"{first.id}+{second.id}", source=first.source, title=first.title,
                                      body=f"{first.body}\n\n{second.body}"))
        if words(joined) > LONG:
            out["long"].append(joined)
    return {k: v[:per_bucket] for k, v in out.items()}


def rate(articles: list[NormalisedArticle], fast: bool) -> tuple[float, float]:
    """(words per CPU second, words per wall second)."""
    os.environ["NEWSWIRE_FAST_PARSE"] = "true" if fast else "false"  # as a user turns it off
    get_settings.cache_clear()
    nlp = load_model()
    enrich_batch(articles[:4], nlp, BATCH)
    c0, t0 = time.process_time(), time.perf_counter()
    for i in range(0, len(articles), BATCH):
        enrich_batch(articles[i:i + BATCH], nlp, BATCH)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    n = sum(words(a) for a in articles)
    return n / cpu, n / wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-bucket", type=int, default=60)
    ap.add_argument("--json", help="write the figures here too")
    args = ap.parse_args(argv)
    rows = []
    for name, arts in buckets(args.per_bucket).items():
        if not arts:
            continue
        row: dict[str, object] = {"bucket": name, "articles": len(arts),
                                  "mean_words": round(sum(words(a) for a in arts) / len(arts))}
        for fast in (True, False):
            cpu, wall = rate(arts, fast)
            row[f"{'fast' if fast else 'full'}_words_per_cpu_s"] = round(cpu)
            row[f"{'fast' if fast else 'full'}_words_per_wall_s"] = round(wall)
        rows.append(row)
        print(row, file=sys.stderr, flush=True)
    cols = list(rows[0])
    print(" | ".join(cols))
    for r in rows:
        print(" | ".join(str(r[c]) for c in cols))
    if args.json:
        with open(args.json, "wb") as f:
            f.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""NLP-only speed of the default pipeline (small model + the news NER) against bare en_core_web_sm.

    python -m bench.ner_speed --limit 300 --rounds 3

Three pipelines over the same BBC texts (casing views, as the pipeline parses them), each in a
fresh process so that its peak RSS is its own, interleaved round by round (this machine's speed
drifts by 10-25% over minutes, so only interleaved runs compare):
- ``sm``: ``spacy.load("en_core_web_sm")`` with every component, what a user would write;
- ``sm-as-loaded``: the small model as newswire loaded it before the news NER (lemmatizer off);
- ``news``: ``load_model()``, the default pipeline now.
Reported: mean articles/s per pipeline, the ratio of each to ``sm``, and peak RSS; also the
same per CPU-second of the timed process (``time.process_time``), which other jobs on a shared
machine disturb far less than wall time: with a load average of 5 on 2 cores, wall-time rounds
of one pipeline varied 2.4x while CPU times of interleaved rounds stayed within 2-8%.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

PIPELINES = ("sm", "sm-as-loaded", "news")
BATCH_SIZE = 16  # what pipeline.enrich uses


def texts(limit: int) -> list[str]:
    from bench.corpus import load
    from pipeline.nlp.view import tagger_view
    from pipeline.normalise import normalise

    _, raws = load(10_000)
    step = max(1, len(raws) // limit)  # every topic, not the first folder only
    return [tagger_view(normalise(r)) for r in raws[::step][:limit]]


def run_one(which: str, limit: int) -> dict:
    """In a child process: load one pipeline, warm up, time nlp.pipe over the texts."""
    import spacy

    from pipeline.nlp.model import load_model, resolve_model_name

    data = texts(limit)
    if which == "sm":
        nlp = spacy.load(resolve_model_name("en_core_web_sm"))
    elif which == "sm-as-loaded":
        nlp = spacy.load(resolve_model_name("en_core_web_sm"), exclude=["lemmatizer"])
    else:
        nlp = load_model()
    list(nlp.pipe(data[:16], batch_size=BATCH_SIZE))
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(data, batch_size=BATCH_SIZE):
        pass
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    with open("/proc/self/status") as f:
        hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
    return {"pipeline": which, "articles_per_s": round(len(data) / seconds, 2),
            "articles_per_cpu_s": round(len(data) / cpu, 2), "peak_rss_mb": round(hwm / 1024, 1)}


def child_env() -> dict[str, str]:
    """The BLAS threads of the pipeline's NLP child (pipeline/nlp_process.py): with OpenBLAS's
    default of one thread per core, ``news`` (load_model puts the models on OpenBLAS) would
    run on both cores while ``sm`` (BLIS) runs on one, and articles/s would compare thread
    counts, not pipelines."""
    from pipeline.nlp_process import CHILD_BLAS_THREADS

    return {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", str(CHILD_BLAS_THREADS))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", help="write the figures to this file too")
    ap.add_argument("--one", choices=PIPELINES, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.limit)))
        return
    runs: dict[str, list[dict]] = {p: [] for p in PIPELINES}
    for r in range(args.rounds):
        for p in PIPELINES:
            out = subprocess.run([sys.executable, "-m", "bench.ner_speed", "--one", p, "--limit", str(args.limit)],
                                 check=True, capture_output=True, text=True, env=child_env()).stdout
            runs[p].append(json.loads(out.strip().splitlines()[-1]))
            print(f"round {r + 1}: {p:13s} {runs[p][-1]['articles_per_s']:6.2f} articles/s, "
                  f"{runs[p][-1]['articles_per_cpu_s']:6.2f} per CPU-s", file=sys.stderr, flush=True)
    mean = {p: statistics.mean(x["articles_per_s"] for x in runs[p]) for p in PIPELINES}
    cpu = {p: statistics.mean(x["articles_per_cpu_s"] for x in runs[p]) for p in PIPELINES}
    result = {
        "articles": args.limit, "rounds": args.rounds,
        "articles_per_s": {p: round(mean[p], 2) for p in PIPELINES},
        "runs": {p: [x["articles_per_s"] for x in runs[p]] for p in PIPELINES},
        "ratio_to_sm": {p: round(mean[p] / mean["sm"], 3) for p in PIPELINES},
        "articles_per_cpu_s": {p: round(cpu[p], 2) for p in PIPELINES},
        "cpu_ratio_to_sm": {p: round(cpu[p] / cpu["sm"], 3) for p in PIPELINES},
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "peak_rss_mb": {p: max(x["peak_rss_mb"] for x in runs[p]) for p in PIPELINES},
    }
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()

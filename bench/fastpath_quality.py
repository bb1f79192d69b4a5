"""The selective parse against the full parse on the dev splits, scored by ../shared/eval.

    python -m bench.fastpath_quality [--work DIR] [--reuters-limit 300] [--json FILE]

For PolNeAR dev (quotes), CoNLL-2003 dev ``eng.testa`` (entities) and Reuters-21578 (datelines):
dump the texts with the eval script, run ``newswire enrich`` on them twice, with
``NEWSWIRE_FAST_PARSE=false`` (every sentence parsed) and ``=true`` (the default), score both
runs with the same script, and count the records that differ (anything but timings and
``received_at``). The tolerance the issue sets: every polnear.py figure within 0.005, conll.py
F1 within 0.005, datelines identical.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSWIRE_SHARED_DIR", ROOT.parent / "shared"))
EVAL = SHARED / "eval"
CORPORA = SHARED / "corpora"


def splits(reuters_limit: int) -> dict[str, tuple[list[str], list[str]]]:
    """name -> (dump arguments, score arguments) of each eval script."""
    polnear = ["polnear.py", "--data", str(CORPORA / "polnear"), "--split", "dev"]
    conll = ["conll.py", "--conll", str(CORPORA / "conll2003" / "eng.testa")]
    reuters = ["reuters.py", *sorted(str(p) for p in (CORPORA / "reuters21578").glob("*.sgm")),
               "--limit", str(reuters_limit)]
    return {"polnear_dev": (polnear, polnear), "conll_dev": (conll, conll), "reuters": (reuters, reuters)}


def run_eval(args: list[str], *extra: str) -> str:
    out = subprocess.run([sys.executable, str(EVAL / args[0]), *args[1:], *extra], check=True,
                         capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def enrich(folder: Path, fast: bool, out: Path) -> None:
    env = {**os.environ, "NEWSWIRE_FAST_PARSE": "true" if fast else "false"}
    with open(out, "wb") as f:
        subprocess.run([sys.executable, "-m", "newswire", "enrich", "--quiet", str(folder)], env=env, check=True,
                       stdout=f, cwd=ROOT)


def comparable(line: bytes) -> tuple[str, dict]:
    record = orjson.loads(line)
    record.pop("received_at", None)
    record.get("pipeline", {}).pop("timings", None)
    return record["id"], record


def differing(full: Path, fast: Path) -> list[str]:
    a = dict(comparable(x) for x in full.read_bytes().splitlines() if x.strip())
    b = dict(comparable(x) for x in fast.read_bytes().splitlines() if x.strip())
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", help="where to dump and enrich (default: a temporary folder)")
    ap.add_argument("--reuters-limit", type=int, default=300)
    ap.add_argument("--only", nargs="+", choices=("polnear_dev", "conll_dev", "reuters"))
    ap.add_argument("--json", help="write the figures here too")
    args = ap.parse_args(argv)
    if not EVAL.exists():
        print(f"{EVAL} is not here: nothing to score", file=sys.stderr)
        return 2
    work = Path(args.work or tempfile.mkdtemp(prefix="newswire-fastpath-"))
    result: dict[str, dict] = {}
    for name, (dump, score) in splits(args.reuters_limit).items():
        if args.only and name not in args.only:
            continue
        folder = work / name
        folder.mkdir(parents=True, exist_ok=True)
        run_eval(dump, "--dump", str(folder))
        figures = {}
        for mode in ("full", "fast"):
            print(f"{name}: enrich ({mode}) ...", file=sys.stderr, flush=True)
            out = work / f"{name}.{mode}.jsonl"
            enrich(folder, mode == "fast", out)
            figures[mode] = orjson.loads(run_eval(score, "--pred", str(out)))
        diff = differing(work / f"{name}.full.jsonl", work / f"{name}.fast.jsonl")
        result[name] = {**figures, "records": len(list(folder.glob("*.txt"))), "records_differing": len(diff),
                        "differing_ids": diff[:20]}
        print(f"{name}: full {figures['full']}\n{name}: fast {figures['fast']}\n{name}: "
              f"{len(diff)} of {result[name]['records']} records differ", flush=True)
    if args.json:
        Path(args.json).write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark texts: the BBC corpus when ../shared is here, else the bundled demo stories."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.sources import Rejected, read_all
from schemas.records import RawArticle

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout, or wherever NEWSWIRE_SHARED_DIR points (as for the tests)
BBC = Path(os.environ.get("NEWSWIRE_SHARED_DIR", ROOT.parent / "shared")) / "corpora" / "bbc"
DEMO = ROOT / "pipeline" / "demo" / "stories"


def load(limit: int) -> tuple[str, list[RawArticle]]:
    source = BBC if BBC.exists() else DEMO
    items = [a for a in read_all([str(source)]) if not isinstance(a, Rejected)]
    out: list[RawArticle] = []
    i = 0
    while len(out) < limit and items:
        a = items[i % len(items)]
        out.append(a.model_copy(update={"id": f"{a.id}-{len(out)}" if source == DEMO else
                                        f"{a.source.split(':')[-1]}-{len(out)}"}))
        i += 1
    return ("bbc" if source == BBC else "demo"), out

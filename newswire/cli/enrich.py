"""`newswire enrich`: the pipeline's stages offline, on files, without a broker."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime
from datetime import time as dt_time

from newswire.cli.common import err as _err
from pipeline.settings import get_settings


def cmd_enrich(args: argparse.Namespace) -> int:
    from pipeline.enrich import chunked, enrich_batch
    from pipeline.errors import PipelineError
    from pipeline.ingest.producer import stable_id
    from pipeline.ingest.readers import Rejected, read_paths
    from pipeline.messages import encode
    from pipeline.nlp.model import load_model
    from pipeline.normalise import fingerprint, normalise
    from pipeline.normalise.dedupe import DuplicateIndex

    s = get_settings()
    nlp = load_model(args.model or s.model)
    out = sys.stdout.buffer
    done = failed = 0
    started = time.monotonic()

    index = DuplicateIndex(threshold=s.dedupe_threshold, window=s.dedupe_window)
    reference = datetime.combine(date.fromisoformat(args.reference_date), dt_time(12), UTC) if args.reference_date else None

    def articles():  # noqa: ANN202
        nonlocal failed
        for item in read_paths(args.paths):
            if isinstance(item, Rejected):
                failed += 1
                _err(f"skipped {item.source}: {item.reason}")
                continue
            if reference is not None and item.received_at is None:
                item = item.model_copy(update={"received_at": reference})
            try:
                article = normalise(item.model_copy(update={"id": stable_id(item)}), max_chars=s.max_article_bytes)
            except PipelineError as exc:
                failed += 1
                _err(f"skipped {item.id}: {exc.reason}: {exc}")
                continue
            fp = fingerprint(article)
            article.duplicate_of = index.find(fp)
            index.add(fp)
            yield article

    for batch in chunked(articles(), 32):
        for article in enrich_batch(batch, nlp):
            out.write(encode(article) + b"\n")
        done += len(batch)
        out.flush()
        if not args.quiet and done % 256 < len(batch):
            rate = done / max(time.monotonic() - started, 1e-9)
            _err(f"enriched {done} articles ({rate:.1f}/s)")
    if not args.quiet:
        _err(f"enriched {done} articles, {failed} skipped, in {time.monotonic() - started:.1f}s")
    return 0 if done or not failed else 1


def register(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser("enrich", help="offline: enrich files, no broker; one JSON line per article")
    e.add_argument("paths", nargs="+")
    e.add_argument("--model", help="spaCy model (default NEWSWIRE_MODEL)")
    e.add_argument("--reference-date", metavar="YYYY-MM-DD",
                   help="when stories were received, for archives: dates without a year resolve against it")
    e.add_argument("--quiet", action="store_true")
    e.set_defaults(fn=cmd_enrich)

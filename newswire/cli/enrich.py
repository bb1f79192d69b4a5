"""`newswire enrich`: the pipeline's stages offline, on files, without a broker."""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from datetime import time as dt_time

from newswire.cli.common import err as _err
from pipeline.settings import get_settings

PROGRESS_EVERY = 256  # articles between progress lines: about one every few seconds on a laptop
BATCH = 32  # articles per spaCy pipe call, as in the worker


def shared_names(sources: list) -> dict[str, list[str]]:  # pipeline.sources.Source
    """Ids that two different files would both take when names are ids."""
    from pipeline.sources.files import FileSource

    owners: dict[str, list[str]] = defaultdict(list)
    for src in sources:
        if isinstance(src, FileSource):
            for path, root in src.files():
                own = src.context(path, root).own_id
                if own:
                    owners[own].append(str(path))
    return {aid: paths for aid, paths in owners.items() if len(paths) > 1}


def cmd_enrich(args: argparse.Namespace) -> int:
    from pipeline.enrich import chunked, enrich_batch
    from pipeline.errors import PipelineError
    from pipeline.identity import with_id
    from pipeline.messages import encode
    from pipeline.nlp.model import load_model
    from pipeline.normalise import normalise_and_dedupe
    from pipeline.normalise.dedupe import DuplicateIndex
    from pipeline.sources import Rejected, SourceOptions, source_for
    from schemas.records import NormalisedArticle

    s = get_settings()
    options = SourceOptions(data_dir=s.data_dir, names_are_ids=args.ids == "name", remember=False)
    sources = [source_for(g, options) for g in args.paths]
    clashes = shared_names(sources)
    if clashes:
        aid, paths = next(iter(clashes.items()))
        _err(f"newswire enrich: {len(clashes)} id(s) would name two different files, e.g. {aid!r}: "
             f"{', '.join(paths[:3])}. Give their common parent directory (ids become relative paths) "
             f"or use --ids content")
        return 2
    nlp = load_model(args.model or s.model)
    out = sys.stdout.buffer
    done = failed = 0
    started = time.monotonic()

    index = DuplicateIndex(threshold=s.dedupe_threshold, window=s.dedupe_window)
    reference = datetime.combine(date.fromisoformat(args.reference_date), dt_time(12), UTC) if args.reference_date else None

    def articles() -> Iterator[NormalisedArticle]:
        nonlocal failed
        for src in sources:
            for item in src.read():
                if isinstance(item, Rejected):
                    failed += 1
                    _err(f"skipped {item.source}: {item.reason}")
                    continue
                if reference is not None and item.received_at is None:
                    item = item.model_copy(update={"received_at": reference})
                try:
                    article, _fp = normalise_and_dedupe(with_id(item), index, s.max_article_bytes)
                except PipelineError as exc:
                    failed += 1
                    _err(f"skipped {item.source}: {exc.reason}: {exc}")
                    continue
                yield article

    for batch in chunked(articles(), BATCH):
        for article in enrich_batch(batch, nlp):
            out.write(encode(article) + b"\n")
        done += len(batch)
        out.flush()
        if not args.quiet and done % PROGRESS_EVERY < len(batch):
            rate = done / max(time.monotonic() - started, 1e-9)
            _err(f"enriched {done} articles ({rate:.1f}/s)")
    if not args.quiet:
        _err(f"enriched {done} articles, {failed} skipped, in {time.monotonic() - started:.1f}s")
    return 0 if done or not failed else 1


def register(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser("enrich", help="offline: enrich files, no broker; one JSON line per article")
    e.add_argument("paths", nargs="+", help="files, directories, globs, feeds, - for JSONL on standard input")
    e.add_argument("--model", help="spaCy model (default NEWSWIRE_MODEL)")
    e.add_argument("--reference-date", metavar="YYYY-MM-DD",
                   help="when stories were received, for archives: dates without a year resolve against it")
    e.add_argument("--ids", choices=["name", "content"], default="name",
                   help="name: an article file's id is its name, its path relative to what was given without "
                        "suffix (default, what the eval scripts match on); content: a hash of origin and text, "
                        "as 'newswire ingest' gives")
    e.add_argument("--quiet", action="store_true")
    e.set_defaults(fn=cmd_enrich)

"""Progress for bulk ingests: a rich bar with rate and ETA on a terminal, a plain line every
few seconds otherwise (CI logs, pipes), and the summary people read at the end."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from pipeline.ingest.producer import IngestSummary


class IngestProgress:
    """Counts files done (the bar's unit: known up front) and shows articles sent alongside."""

    def __init__(self, total_files: int | None, quiet: bool = False, every: float = 5.0) -> None:
        self.total = total_files
        self.quiet = quiet
        self.every = every
        self.files = 0
        self.started = self._last = time.monotonic()
        self._console = Console(stderr=True)
        self._bar: Progress | None = None
        if not quiet and self._console.is_terminal:
            self._bar = Progress(
                TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                TextColumn("{task.fields[sent]} sent, {task.fields[rejected]} rejected, {task.fields[rate]}/s"),
                TextColumn("ETA"), TimeRemainingColumn(), console=self._console, transient=True,
            )
            self._task = self._bar.add_task("ingest", total=total_files, sent=0, rejected=0, rate="0")

    def __enter__(self) -> IngestProgress:
        if self._bar:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar:
            self._bar.stop()

    def file_done(self) -> None:
        self.files += 1

    def update(self, summary: IngestSummary) -> None:
        if self.quiet:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = summary.sent / elapsed
        if self._bar:
            self._bar.update(self._task, completed=self.files, sent=summary.sent,
                             rejected=len(summary.rejected), rate=f"{rate:.0f}")
        elif time.monotonic() - self._last >= self.every:
            self._last = time.monotonic()
            of = f"/{self.total}" if self.total else ""
            print(f"ingest: {self.files}{of} files, {summary.sent} sent, {len(summary.rejected)} rejected, "
                  f"{rate:.0f} articles/s", file=sys.stderr, flush=True)


def print_summary(summary: IngestSummary, topic: str, elapsed: float) -> None:
    err = sys.stderr
    print(f"sent {summary.sent} to {topic}, skipped {summary.skipped} (already sent), "
          f"rejected {len(summary.rejected)} in {elapsed:.1f}s", file=err)
    for reason, count in summary.reasons().most_common():
        print(f"  {count} x {reason}", file=err)
    for rejected in summary.rejected[:20]:
        print(f"  rejected {rejected.source}: {rejected.reason}", file=err)
    if len(summary.rejected) > 20:
        print(f"  ... and {len(summary.rejected) - 20} more", file=err)

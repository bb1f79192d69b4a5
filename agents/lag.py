"""How far each consumer group is behind the end of its partitions, honestly.

Lag is ``end - committed``: messages the group has not finished (outputs acknowledged and the
offset committed). Messages fetched or sitting in the NLP child are part of that lag; they are
also reported on their own as ``in_flight`` (``read - committed``), so an operator sees both
"how much is left" and "how much is being worked on now".

The end of a partition is the larger of two figures, because neither is right alone:

* the high watermark of the last fetch response: exact when fresh, but stale for a partition
  the consumer has paused or not fetched lately;
* ListOffsets (``consumer.highwaters``), asked every ``REFRESH_S`` seconds. The embedded Tansu
  broker under-reports it: it answers the last *batch*'s base offset + 1, not the last
  offset + 1 (32 records in two batches of 25 and 7 read back as end 26, while the fetch
  high watermark said 32; see ``tests/dashboard/test_figures.py``).
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

from agents.context import Context
from agents.offsets import committed_offsets, read_offsets

REFRESH_S = 5.0  # ListOffsets round trip per refresh: cheap, but not on every 2 s snapshot


@dataclass
class LagTracker:
    ctx: Context
    ends: dict = field(default_factory=dict)  # tp -> end offset from ListOffsets
    commits: dict = field(default_factory=dict)  # tp -> (committed offset, when it last moved)
    refreshed_at: float = 0.0
    last_commit_at: float | None = None  # when any committed offset of this worker last moved

    def _tracked(self) -> list:
        settings = self.ctx.settings
        topics = {settings.topic_raw, settings.topic_normalised, f"{settings.app_id}.trend-counts"}
        try:
            assignment = self.ctx.app.consumer.assignment()
        except Exception:
            return []
        return sorted((tp for tp in assignment if tp.topic in topics), key=lambda tp: (tp.topic, tp.partition))

    async def refresh(self) -> None:
        """Ask the broker for the end offsets of this worker's assigned input partitions."""
        tps = self._tracked()
        if not tps:
            return
        with contextlib.suppress(Exception):  # a broker hiccup: keep the last figures
            ends = await self.ctx.app.consumer.highwaters(*tps)
            self.ends = {tp: end for tp, end in ends.items() if end is not None}
            self.refreshed_at = time.time()

    def partitions(self) -> list[dict]:
        """One row per assigned input partition: end, committed, read, lag, in flight, commit age."""
        consumer = self.ctx.app.consumer
        now = time.time()
        rows = []
        for tp in self._tracked():
            try:
                fetched_end = consumer.highwater(tp)
            except Exception:
                fetched_end = None
            end = max(filter(None, [fetched_end, self.ends.get(tp)]), default=0)
            committed = committed_offsets(consumer).get(tp)
            read = read_offsets(consumer).get(tp)
            done = committed or 0  # Faust keeps the next offset to read as "committed"
            position = (read + 1) if read is not None else done
            last = self.commits.get(tp)
            if last is None or last[0] != committed:
                if last is not None:
                    self.last_commit_at = now
                self.commits[tp] = last = (committed, now)
            rows.append({
                "topic": tp.topic, "partition": tp.partition, "end": end, "committed": committed,
                "lag": max(0, end - done),
                # a read offset left from an earlier assignment can be past the end we know
                "in_flight": max(0, min(position, end) - done),
                # how long the committed offset has stood still while work is waiting
                "stuck_s": round(now - last[1], 1) if end > done else 0.0,
            })
        return rows

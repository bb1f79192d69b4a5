"""The one ingest loop: read every source, send, let polling sources commit; with a follow
interval, read the polling ones again and again.

Every source goes through here (files, stdin, feeds), so sending, rejection counting, state
commits after acknowledgement and the follow cadence exist once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from pipeline.ingest.producer import IngestSummary, KafkaSink
from pipeline.settings import Settings
from pipeline.sources.base import Item, Source


async def _items(source: Source) -> Iterable[Item]:
    # a remote source blocks on the network: read it in a thread so the producer's own
    # tasks (metadata, in-flight requests) keep running
    return await asyncio.to_thread(list, source.read()) if source.remote else source.read()


async def ingest(sources: list[Source], settings: Settings, follow_every: float | None = None,
                 report: Callable[[str], None] = print,
                 on_progress: Callable[[IngestSummary], None] | None = None) -> IngestSummary:
    """Send what ``sources`` hold; with ``follow_every`` seconds, keep polling the followable
    ones until cancelled. Raises ``BrokerUnavailable`` when no broker answers."""
    total = IngestSummary()
    async with KafkaSink(settings) as sink:
        current = sources
        while True:
            for source in current:
                acked = await sink.send(await _items(source), total, on_progress)
                source.commit(acked)  # only now: a crash before this resends rather than loses
                total.skipped += source.skipped
                line = source.describe(len(acked))
                if line:
                    report(line)
            if follow_every is None:
                return total
            current = [s for s in sources if s.followable]
            await asyncio.sleep(follow_every)

"""Minimal reproduction of the embedded broker's end-offset under-report (issue 16).

Tansu answers ListOffsets(latest) with the base offset of the partition's last record *batch*
plus one, not the last offset plus one; the high watermark in its fetch responses is right.
newswire therefore never trusts ListOffsets alone: lag takes the larger of the two
(agents/lag.py), the watchdog reads the fetch high watermark (agents/watchdog.py). If this
test starts failing because the broker was fixed, the workaround can go.
"""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition

from tests.helpers import run
from tests.rawbatch import batch_bytes, send_batch


async def ends_after_batches(bootstrap: str, topic: str, sizes: list[int]) -> list[tuple[int, int, int]]:
    """(ListOffsets end, fetch high watermark, offsets actually readable) after each batch."""
    tp = TopicPartition(topic, 0)
    out = []
    for n in sizes:
        assert await send_batch(bootstrap, topic, 0, batch_bytes([b"x"] * n, 0)) == 0
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            listed = (await consumer.end_offsets([tp]))[tp]
            consumer.assign([tp])
            await consumer.seek_to_beginning(tp)
            readable = 0
            while batch := await consumer.getmany(timeout_ms=1000):
                readable = max(m.offset for ms in batch.values() for m in ms) + 1
            out.append((listed, consumer.highwater(tp), readable))
        finally:
            await consumer.stop()
    return out


def test_list_offsets_reports_the_last_batch_base_not_the_end(broker):
    # batches of 1, 5 and 3 records: offsets 0 | 1-5 | 6-8
    figures = run(ends_after_batches(broker.bootstrap, "tansu-end-offsets", [1, 5, 3]))
    assert [readable for _, _, readable in figures] == [1, 6, 9]
    assert [high for _, high, _ in figures] == [1, 6, 9]  # the fetch high watermark is right
    assert [listed for listed, _, _ in figures] == [1, 2, 7]  # ListOffsets: last batch's base + 1

"""Follow a topic with a plain consumer (no group): every worker reads every record.

The dashboard's shared state lives on small topics (worker stats, replays) and on
``news.deadletter``; the duplicate detector's fingerprints on its table's changelog. Faust's
GlobalTable was the first choice for both, but it only reads its changelog while recovering
(faust-streaming issue 283): a peer's snapshot arrived after a rebalance and then went
stale, so ``/api/pipeline`` showed one worker of two in most samples, and a copy on another
worker's partition was never marked a duplicate. A plain consumer assigned to every
partition sees each record within a fetch, always.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, TopicPartition

from pipeline.settings import Settings

log = logging.getLogger("newswire.tail")
RETRY_S = 3.0  # a topic not created yet or a broker away: look again this often
FETCH_WAIT_MS = 1000


async def follow(settings: Settings, topic: str, on_record: Callable[[object], None],
                 back: int | None = None, on_caught_up: Callable[[], None] | None = None) -> None:
    """Call ``on_record(message)`` for every record of ``topic``, forever.

    ``back``: start this many records before the end of each partition (None: from the
    beginning). ``on_caught_up``: called once every partition has been read up to the high
    watermark of a fetch (what the topic held when this reader started, and more), after
    ``on_record`` has seen those records. Restarts itself on any error; cancelling the task
    stops it.
    """
    while True:
        consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None,
                                    enable_auto_commit=False, auto_offset_reset="earliest",
                                    **settings.kafka_client_options())
        try:
            await consumer.start()
            partitions = consumer.partitions_for_topic(topic)
            while not partitions:
                await asyncio.sleep(RETRY_S)
                await consumer._client.force_metadata_update()  # no public refresh
                partitions = consumer.partitions_for_topic(topic)
            tps = [TopicPartition(topic, p) for p in sorted(partitions)]
            consumer.assign(tps)
            if back is None:
                await consumer.seek_to_beginning(*tps)
            else:
                ends = await consumer.end_offsets(tps)
                for tp in tps:
                    consumer.seek(tp, max(0, ends[tp] - back))
            while True:
                batch = await consumer.getmany(timeout_ms=FETCH_WAIT_MS)
                for messages in batch.values():
                    for message in messages:
                        try:
                            on_record(message)
                        except Exception:  # one bad record must not stop the feed
                            log.exception("could not read a record of %s", topic)
                if on_caught_up is not None and not batch and await at_end(consumer, tps):
                    on_caught_up()
                    on_caught_up = None
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # broker away: try again
            log.warning("following %s failed (%s); retrying in %.0fs", topic, exc, RETRY_S)
            await asyncio.sleep(RETRY_S)
        finally:
            await consumer.stop()


async def at_end(consumer: AIOKafkaConsumer, tps: list[TopicPartition]) -> bool:
    """Each partition read up to the high watermark of its latest fetch. That watermark, not
    ListOffsets: the embedded broker under-reports the latter (agents/lag.py)."""
    for tp in tps:
        high = consumer.highwater(tp)
        if high is None or await consumer.position(tp) < high:
            return False
    return True

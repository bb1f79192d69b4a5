"""Adjustments to Faust's Kafka consumer: a short fetch wait, and offset bookkeeping that
cannot commit past an article nobody processed.

Fetch wait. faust-streaming hard-codes ``fetch_max_wait_ms=1500`` for the worker's consumer.
A broker that holds an empty fetch for the full wait (Tansu does) then adds up to 1.5 s per
pipeline hop to an article that arrives while a partition is idle. We set the wait on the
consumer object Faust builds, before it starts.

Acks during a rebalance. When a rebalance starts, Faust suspends flow control and its streams
*skip* the events still queued, but they also *ack* them, so their offsets count as done. The
rebalance then commits (``wait_empty``) while the revoked partitions' committed offsets have
just been forgotten, so nothing checks that the acked offsets start where the last commit
ended. The partition resumes after the skipped events and they are never processed: we
measured 17-38 of 600 articles lost when one of two workers was killed. Two rules close it:

* an ack counts only while flow control is active and the message belongs to the current
  consumer generation. Otherwise the message is marked done (so ``wait_empty`` does not wait
  for it) but its offset is not recorded; it is fetched again from the committed offset and
  processed then (a duplicate at worst, which at-least-once allows);
* a commit never skips the head: if the lowest acked offset is above the committed one (or,
  for a partition never committed, above its earliest offset), nothing is committed for that
  partition. Events of a partition are acked in order, so a gap that lasts more than a few
  seconds was skipped, not delayed: we seek back to the head and process it again. Without
  this the surviving worker of a pair was seen holding a gap forever (stalled commits) or,
  for never-committed partitions, committing past it.
* after a rebalance every stream partition is positioned at its committed offset, including
  partitions never committed, which aiokafka leaves where the last fetch stopped.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from faust.transport import consumer as faust_consumer
from faust.transport.consumer import Consumer
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.types import TP, Message

from agents import poison
from agents.offsets import committed_offsets
from pipeline import leave_group

FETCH_MAX_WAIT_MS = 100
REWIND_AFTER_S = 3.0
REWIND_AGAIN_AFTER_S = 60.0
log = logging.getLogger("newswire.transport")
_background: set[asyncio.Future[Any]] = set()  # the loop keeps only weak references to tasks


def _in_background(coro: Coroutine[Any, Any, Any]) -> None:
    """Run ``coro`` without awaiting it (from a synchronous Faust callback), keeping it alive."""
    task = asyncio.ensure_future(coro)
    _background.add(task)
    task.add_done_callback(_background.discard)
_create_worker_consumer_original = AIOKafkaConsumerThread._create_worker_consumer
_ack_original = Consumer.ack
_new_offset_original = Consumer._new_offset


def _create_worker_consumer(self: AIOKafkaConsumerThread, transport: Any) -> Any:
    consumer = _create_worker_consumer_original(self, transport)
    consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS  # read by aiokafka at start()
    return consumer


def _ack(self: Consumer, message: Message) -> bool:
    app = self.app
    current = message.generation_id is None or message.generation_id == app.consumer_generation_id
    if current and app.flow_control.is_active():
        return _ack_original(self, message)
    with faust_consumer.ack_lock:
        message.acked = True  # done for wait_empty, but its offset is not committable
        self._unacked_messages.discard(message)
    return False


def _head(self: Consumer, tp: TP) -> int | None:
    """The first offset not yet committed. Faust forgets committed offsets at a rebalance
    and does not always learn them again, so when it has none we ask the broker once (its
    committed offset for the group, else the partition's earliest); None until answered."""
    committed = committed_offsets(self).get(tp)
    if committed is not None:
        return committed
    heads: dict[TP, int | None] = self.__dict__.setdefault("_newswire_heads", {})
    if tp not in heads:
        heads[tp] = None

        async def lookup() -> None:
            try:
                thread = self._thread  # type: ignore[attr-defined]  # set by the aiokafka driver's Consumer only
                offset = await thread.call_thread(thread._ensure_consumer().committed, tp)
                if offset is None or offset < 0:
                    offset = (await self.earliest_offsets(tp)).get(tp) or 0
                heads[tp] = offset
            except Exception:  # try again on the next commit
                heads.pop(tp, None)

        _in_background(lookup())
    return heads[tp]


def _new_offset(self: Consumer, tp: TP) -> int | None:
    acked = self._acked[tp]
    held = self.__dict__.setdefault("_newswire_held", {})
    if acked and not self._gap[tp]:
        head = _head(self, tp)
        if head is None or min(acked) > head:
            # Offsets below the lowest ack were skipped (a rebalance) or are still in flight.
            # Within a partition events are acked in order, so a gap that outlives a few commit
            # intervals was skipped: rewind to the head and process it again.
            now = time.monotonic()
            since = held.setdefault(tp, now)
            if head is not None and now - since > REWIND_AFTER_S and _may_rewind(self, tp, head, now):
                held.pop(tp, None)
                self.__dict__.get("_newswire_heads", {}).pop(tp, None)
                log.warning("offsets %s..%s of %s[%s] were skipped in a rebalance: rewinding to %s",
                            head, min(acked) - 1, tp.topic, tp.partition, head)
                _in_background(self.seek(tp, head))
            return None
    held.pop(tp, None)
    self.__dict__.get("_newswire_heads", {}).pop(tp, None)
    return _new_offset_original(self, tp)


def _may_rewind(self: Consumer, tp: TP, head: int, now: float) -> bool:
    """One rewind per skipped head and consumer generation. The rewound events queue up behind
    those already buffered (thousands, under a backlog), so the gap can outlive the rewind by
    many seconds; rewinding again then only read the same events once more (hundreds of
    duplicates per kill -9). A later rebalance, or a minute without the head, may rewind again."""
    rewound = self.__dict__.setdefault("_newswire_rewound", {})
    key = (head, self.app.consumer_generation_id)
    last = rewound.get(tp)
    if last is not None and last[0] == key and now - last[1] < REWIND_AGAIN_AFTER_S:
        return False
    rewound[tp] = (key, now)
    return True


async def _seek_to_committed(self: AIOKafkaConsumerThread) -> Any:
    """aiokafka's ``seek_to_committed`` only seeks partitions with a committed offset above 0;
    the others keep whatever fetch position the previous generation left, which is past any
    events fetched and then skipped in the rebalance. Those partitions go back to the
    beginning (the group's auto_offset_reset is ``earliest`` anyway)."""
    consumer = self._ensure_consumer()
    app = self.consumer.app

    async def seek() -> dict:
        committed = await consumer.seek_to_committed()
        never = [tp for tp, offset in committed.items() if not offset and app.topics.acks_enabled_for(tp.topic)]
        if never:
            await consumer.seek_to_beginning(*never)
        return committed

    return await self.call_thread(seek)


async def _add_gap(self: Consumer, tp: TP, offset_from: int, offset_to: int) -> None:
    """Faust treats a jump in fetched offsets as a "gap" (compaction, transaction markers) and
    counts the missing offsets as processed. Our input topics have neither; a jump there means
    the fetch position moved past events nobody processed (a stale fetch after a rebalance),
    and counting them as done loses them. So no gaps: the head check holds the commit and the
    rewind reads them again."""
    log.warning("fetch jumped from %s to %s on %s[%s]: not counting the skipped offsets as done",
                offset_from - 1, offset_to, tp.topic, tp.partition)


# What install() replaces: (class, method name, our replacement). tests/unit/test_transport_shape.py
# checks each original still exists with the signature the replacement expects.
REPLACED: list[tuple[type, str, Callable[..., Any]]] = [
    (Consumer, "_add_gap", _add_gap),
    (AIOKafkaConsumerThread, "seek_to_committed", _seek_to_committed),
    (AIOKafkaConsumerThread, "_create_worker_consumer", _create_worker_consumer),
    (Consumer, "ack", _ack),
    (Consumer, "_new_offset", _new_offset),
]

# Faust's own methods, as imported (before any install).
ORIGINALS: dict[tuple[type, str], Any] = {(cls, name): cls.__dict__.get(name) for cls, name, _ in REPLACED}


def shape_problem(cls: type, name: str, replacement: Callable[..., Any]) -> str | None:
    """Why ``replacement`` cannot stand in for Faust's method any more, or None if it can."""
    original = ORIGINALS[(cls, name)]
    where = f"faust {cls.__qualname__}.{name}"
    if not inspect.isfunction(original):
        return f"{where} is gone: agents/transport.py needs updating"
    if list(inspect.signature(original).parameters) != list(inspect.signature(replacement).parameters):
        return (f"{where}{inspect.signature(original)} changed its parameters "
                f"(ours: {inspect.signature(replacement)}): agents/transport.py needs updating")
    if inspect.iscoroutinefunction(original) != inspect.iscoroutinefunction(replacement):
        return f"{where} changed between sync and async: agents/transport.py needs updating"
    return None


def _replace(cls: type, name: str, replacement: Callable[..., Any]) -> None:
    """Swap one method, refusing if Faust no longer has it under that name and shape."""
    problem = shape_problem(cls, name, replacement)
    if problem:
        raise RuntimeError(problem)
    setattr(cls, name, replacement)


def install() -> None:
    poison.install()
    leave_group.install()
    for cls, name, replacement in REPLACED:
        _replace(cls, name, replacement)

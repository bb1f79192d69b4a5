"""Dead letters as the dashboard lists them: every record of ``news.deadletter``, indexed.

Each worker follows the topic (``agents.tail``) and keeps a small entry per record (the
first ``PREVIEW_CHARS`` of the payload, never the whole of it) plus counts by reason and stage
and per minute, so the list can be filtered and charted without the worker's own counters,
which restart at zero and only know that worker's failures. The whole record is read back
from the topic by its offset when someone asks for it ("show all", replay).

Payloads are untrusted bytes: the API hands them out as JSON strings (the page sets them with
``textContent``), and binary payloads (base64 in the record) as a hex dump.
"""

from __future__ import annotations

import base64
import time
from collections import Counter, deque
from dataclasses import dataclass, field

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from agents.web.cost import COST
from pipeline.settings import Settings

PREVIEW_CHARS = 2000  # what the list shows before "show all"
HEX_PREVIEW_BYTES = 512
KEEP = 5000  # entries kept for listing; counts cover every record ever read
MINUTE = 60
KEEP_MINUTES = 6 * 60 + 5  # the longest chart window, 6 h
FETCH_TIMEOUT_S = 5.0


def hexdump(data: bytes, limit: int = HEX_PREVIEW_BYTES) -> str:
    """``0000  7b 22 69 64 ...  {"id...`` lines, 16 bytes each: readable and never executable."""
    lines = []
    for at in range(0, min(len(data), limit), 16):
        chunk = data[at:at + 16]
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{at:04x}  {chunk.hex(' '):<47}  {text}")
    if len(data) > limit:
        lines.append(f"... {len(data) - limit} more bytes")
    return "\n".join(lines)


def payload_bytes(record: dict) -> bytes:
    payload = record.get("payload") or ""
    if record.get("payload_encoding") == "base64":
        return base64.b64decode(payload)
    return payload.encode("utf-8")


def present(record: dict, partition: int, offset: int, full: bool = False) -> dict:
    """The API's view of one dead letter: metadata, and the payload as safe text."""
    binary = record.get("payload_encoding") == "base64"
    payload = record.get("payload") or ""
    out = {
        "id": f"{partition}:{offset}", "partition": partition, "offset": offset,
        "stage": record.get("stage"), "reason": record.get("reason"),
        "message": (record.get("message") or "")[:PREVIEW_CHARS],
        "article_id": record.get("article_id"), "key": record.get("key"),
        "failed_at": record.get("failed_at"), "payload_bytes": record.get("payload_bytes", len(payload)),
        "payload_kind": "binary" if binary else "text",
        "payload_truncated_at_source": bool(record.get("payload_truncated")),
        "source": {"topic": record.get("topic"), "partition": record.get("partition"),
                   "offset": record.get("offset")},
    }
    if binary:
        data = payload_bytes(record)
        out["payload"] = hexdump(data, limit=len(data) if full else HEX_PREVIEW_BYTES)
        out["payload_shown_all"] = full or len(data) <= HEX_PREVIEW_BYTES
    else:
        out["payload"] = payload if full else payload[:PREVIEW_CHARS]
        out["payload_shown_all"] = full or len(payload) <= PREVIEW_CHARS
    return out


@dataclass
class DeadIndex:
    entries: deque = field(default_factory=lambda: deque(maxlen=KEEP))
    by_reason: Counter = field(default_factory=Counter)
    by_stage: Counter = field(default_factory=Counter)
    per_minute: dict[int, Counter] = field(default_factory=dict)  # minute -> reason counts
    listeners: list = field(default_factory=list)  # callables(entry) told of each new letter

    def on_record(self, message) -> None:  # aiokafka ConsumerRecord
        with COST.measure():
            self._take(message)

    def _take(self, message) -> None:
        try:
            record = orjson.loads(message.value)
        except orjson.JSONDecodeError:
            record = {"stage": "unknown", "reason": "unreadable_dead_letter", "payload": ""}
        if not isinstance(record, dict):
            record = {"stage": "unknown", "reason": "unreadable_dead_letter", "payload": ""}
        entry = present(record, message.partition, message.offset)
        entry["ts"] = (message.timestamp or time.time() * 1000) / 1000.0
        self.entries.append(entry)
        self.by_reason[entry["reason"]] += 1
        self.by_stage[entry["stage"]] += 1
        minute = int(entry["ts"] // MINUTE)
        self.per_minute.setdefault(minute, Counter())[entry["reason"]] += 1
        if len(self.per_minute) > KEEP_MINUTES:
            for old in sorted(self.per_minute)[:-KEEP_MINUTES]:
                del self.per_minute[old]
        for listener in self.listeners:
            listener(entry)

    def summary(self) -> dict:
        return {"total": sum(self.by_reason.values()), "by_reason": dict(self.by_reason.most_common()),
                "by_stage": dict(self.by_stage.most_common())}

    def select(self, stage: str | None = None, reason: str | None = None, limit: int = 50) -> list[dict]:
        """Newest first, filtered."""
        out = []
        for entry in reversed(self.entries):
            if (stage and entry["stage"] != stage) or (reason and entry["reason"] != reason):
                continue
            out.append(entry)
            if len(out) >= limit:
                break
        return out

    def series(self, since: float, step: int) -> dict:
        """Dead letters per reason per ``step`` seconds since ``since`` (for the chart)."""
        start = int(since // step) * step
        buckets = list(range(start, int(time.time()) + 1, step))
        reasons = sorted({r for c in self.per_minute.values() for r in c})
        out = {r: [0] * len(buckets) for r in reasons}
        for minute, counts in self.per_minute.items():
            t = minute * MINUTE
            if t < start or t > buckets[-1] + step:
                continue
            i = min(len(buckets) - 1, (t - start) // step)
            for reason, n in counts.items():
                out[reason][i] += n
        return {"t": buckets, "by_reason": out}


async def read_records(settings: Settings, locations: list[tuple[int, int]]) -> dict[tuple[int, int], dict]:
    """The whole dead-letter records at ``(partition, offset)``, read back from the topic."""
    if not locations:
        return {}
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None,
                                enable_auto_commit=False, **settings.kafka_client_options())
    await consumer.start()
    found: dict[tuple[int, int], dict] = {}
    try:
        by_partition: dict[int, set[int]] = {}
        for p, o in locations:
            by_partition.setdefault(p, set()).add(o)
        for partition, offsets in by_partition.items():
            tp = TopicPartition(settings.topic_deadletter, partition)
            consumer.assign([tp])
            consumer.seek(tp, min(offsets))
            deadline = time.monotonic() + FETCH_TIMEOUT_S
            while offsets - {o for (p, o) in found if p == partition} and time.monotonic() < deadline:
                batch = await consumer.getmany(tp, timeout_ms=500)
                for message in batch.get(tp, []):
                    if message.offset in offsets:
                        found[(partition, message.offset)] = orjson.loads(message.value)
                    if message.offset >= max(offsets):
                        deadline = 0.0
    finally:
        await consumer.stop()
    return found

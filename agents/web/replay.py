"""Replay dead letters to ``news.raw`` after a fix, and follow what became of them.

A replay needs the ingest token (``NEWSWIRE_INGEST_TOKEN``): it writes to the pipeline's
input, exactly like ``POST /api/articles``. Each replay is a record on the
``<app id>.replays`` topic (who, from where, when, what was asked, how many were sent or
skipped and why, and the outcome so far), so every worker's dashboard lists every replay.

What goes back to ``news.raw``:

* a letter from ``normalise`` carries the original ``news.raw`` value: it is sent unchanged
  (same key, same bytes, so the article keeps its id);
* a letter from ``enrich`` carries the ``NormalisedArticle``: it becomes a ``RawArticle`` with
  the same id, source, title, text, url and dates.

Outcome: the replaying worker watches ``news.enriched`` (keys only: enriched records are keyed
by article id) and the dead-letter index for the replayed articles, for up to
``WATCH_S`` seconds, and republishes the record as they arrive.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from agents import tail
from agents.web.deadletters import DeadIndex, payload_bytes, read_records
from pipeline.errors import Stage
from pipeline.settings import Settings
from schemas.records import NormalisedArticle, RawArticle

MAX_PER_REPLAY = 1000
WATCH_S = 600.0
PUBLISH_EVERY_S = 1.0
MAX_OPERATOR_CHARS = 80


class ReplayRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def raw_message(record: dict) -> tuple[bytes | None, bytes]:
    """The (key, value) to send to ``news.raw`` for one whole dead-letter record."""
    if record.get("payload_truncated"):
        src = f"{record.get('topic')}[{record.get('partition')}]@{record.get('offset')}"
        raise ValueError(f"payload was cut at 256 kB in the dead letter; replay the original from {src}")
    data = payload_bytes(record)
    key = (record.get("key") or record.get("article_id") or "").encode() or None
    if record.get("stage") == Stage.ENRICH:
        article = NormalisedArticle.model_validate_json(data)
        raw = RawArticle(id=article.id, source=article.source, title=article.title, body=article.text,
                         url=article.url, published_at=article.published_at,
                         metadata=article.metadata)
        return article.id.encode(), raw.model_dump_json(exclude_none=True).encode()
    return key, data


def parse_request(body: bytes) -> dict:
    """``{"ids": ["p:o", ...]}`` or ``{"reason": ..., "stage": ...}``, plus ``operator``."""
    try:
        data = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError as exc:
        raise ReplayRefused(400, f"body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ReplayRefused(400, "expected a JSON object with 'ids' or 'reason'")
    operator = str(data.get("operator") or "").strip()[:MAX_OPERATOR_CHARS]
    if not operator:
        raise ReplayRefused(400, "operator: say who is replaying (a name or handle), for the replay log")
    ids = data.get("ids")
    reason = data.get("reason")
    if ids is not None:
        if not isinstance(ids, list) or not ids or len(ids) > MAX_PER_REPLAY:
            raise ReplayRefused(400, f"ids: a list of 1 to {MAX_PER_REPLAY} dead-letter ids ('partition:offset')")
        locations = []
        for item in ids:
            p, _, o = str(item).partition(":")
            if not (p.isdigit() and o.isdigit()):
                raise ReplayRefused(400, f"ids: {str(item)[:40]!r} is not a dead-letter id ('partition:offset')")
            locations.append((int(p), int(o)))
        return {"operator": operator, "locations": locations}
    if not isinstance(reason, str) or not reason:
        raise ReplayRefused(400, "give 'ids' (a list of dead-letter ids) or 'reason' (replay all of a reason)")
    stage = data.get("stage") if isinstance(data.get("stage"), str) else None
    return {"operator": operator, "reason": reason[:64], "stage": stage}


@dataclass
class ReplayLog:
    replays: dict[str, dict] = field(default_factory=dict)

    def on_record(self, message) -> None:  # aiokafka ConsumerRecord
        record = orjson.loads(message.value)
        known = self.replays.get(record["id"])
        if known is None or record.get("updated_at", 0) >= known.get("updated_at", 0):
            self.replays[record["id"]] = record

    def recent(self, limit: int = 20) -> list[dict]:
        return sorted(self.replays.values(), key=lambda r: r.get("at", 0), reverse=True)[:limit]


@dataclass
class Replayer:
    settings: Settings
    send: Callable  # (topic name, key, value) -> awaitable RecordMetadata
    publish: Callable  # (record) -> awaitable
    index: DeadIndex
    watchers: set = field(default_factory=set)

    async def replay(self, request: dict, remote: str) -> dict:
        if "locations" in request:
            locations = request["locations"]
            selector: dict[str, object] = {"ids": [f"{p}:{o}" for p, o in locations]}
        else:
            entries = self.index.select(stage=request.get("stage"), reason=request["reason"], limit=MAX_PER_REPLAY)
            if not entries:
                raise ReplayRefused(404, f"no dead letters with reason {request['reason']!r}"
                                    + (f" at stage {request['stage']!r}" if request.get("stage") else ""))
            locations = [(e["partition"], e["offset"]) for e in reversed(entries)]  # oldest first
            selector = {"reason": request["reason"], "stage": request.get("stage")}
        records = await read_records(self.settings, locations)
        now = time.time()
        record: dict = {"id": uuid.uuid4().hex[:12], "who": request["operator"], "remote": remote, "at": now,
                        "updated_at": now, "selector": selector, "requested": len(locations), "sent": 0,
                        "skipped": [], "articles": [], "outcome": {}}
        futures = []
        for loc in locations:
            dead_id = f"{loc[0]}:{loc[1]}"
            whole = records.get(loc)
            if whole is None:
                record["skipped"].append({"id": dead_id, "why": "no such dead letter on the topic"})
                continue
            try:
                key, value = raw_message(whole)
            except Exception as exc:  # say why this one cannot go back
                record["skipped"].append({"id": dead_id, "why": str(exc)[:300]})
                continue
            futures.append((dead_id, whole.get("article_id") or (key.decode() if key else None),
                            await self.send(self.settings.topic_raw, key, value)))
        for dead_id, article_id, fut in futures:
            meta = await fut
            record["articles"].append({"dead_letter": dead_id, "article_id": article_id,
                                       "raw": f"{meta.partition}:{meta.offset}", "state": "pending"})
        record["sent"] = len(record["articles"])
        record["outcome"] = _outcome(record)
        await self.publish(record)
        if record["articles"]:
            task = asyncio.ensure_future(self._watch(record))
            self.watchers.add(task)
            task.add_done_callback(self.watchers.discard)
        return record

    async def _watch(self, record: dict) -> None:
        """Mark each replayed article enriched or failed again, as the topics tell."""
        by_id = {a["article_id"]: a for a in record["articles"] if a["article_id"]}
        by_raw = {a["raw"]: a for a in record["articles"]}
        changed = asyncio.Event()
        since = record["at"]

        def on_enriched(message) -> None:
            item = by_id.get(message.key.decode("utf-8", "replace") if message.key else "")
            if item is not None and item["state"] != "enriched" and message.timestamp / 1000 >= since - 1:
                item["state"] = "enriched"
                changed.set()

        def on_dead(entry: dict) -> None:
            src = entry["source"]
            item = by_id.get(entry.get("article_id") or "")
            if item is None and src.get("topic") == self.settings.topic_raw:
                item = by_raw.get(f"{src.get('partition')}:{src.get('offset')}")
            if item is not None and entry["ts"] >= since - 1 and item["state"] == "pending":
                item["state"] = "failed"
                item["reason"] = entry["reason"]
                item["dead_letter_again"] = entry["id"]
                changed.set()

        self.index.listeners.append(on_dead)
        follower = asyncio.ensure_future(tail.follow(self.settings, self.settings.topic_enriched,
                                                     on_enriched, back=len(by_id) + 500))
        deadline = time.monotonic() + WATCH_S
        try:
            while time.monotonic() < deadline and any(a["state"] == "pending" for a in record["articles"]):
                try:
                    await asyncio.wait_for(changed.wait(), timeout=5.0)
                except TimeoutError:
                    continue
                changed.clear()
                await asyncio.sleep(PUBLISH_EVERY_S)  # several arrivals, one update
                record["outcome"] = _outcome(record)
                record["updated_at"] = time.time()
                await self.publish(record)
            if any(a["state"] == "pending" for a in record["articles"]):
                for a in record["articles"]:
                    if a["state"] == "pending":
                        a["state"] = "unknown"
                record["outcome"] = _outcome(record)
                record["updated_at"] = time.time()
                await self.publish(record)
        finally:
            self.index.listeners.remove(on_dead)
            follower.cancel()


def _outcome(record: dict) -> dict:
    states: dict[str, int] = {}
    for a in record["articles"]:
        states[a["state"]] = states.get(a["state"], 0) + 1
    reasons: dict[str, int] = {}
    for a in record["articles"]:
        if a["state"] == "failed":
            reasons[a.get("reason", "?")] = reasons.get(a.get("reason", "?"), 0) + 1
    return {"enriched": states.get("enriched", 0), "failed": states.get("failed", 0),
            "pending": states.get("pending", 0), "unknown": states.get("unknown", 0),
            "failed_by_reason": reasons}

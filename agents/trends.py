"""Trending entities and most-quoted speakers, counted in a Faust windowed table.

Counts are kept per ten-second tumbling window for twenty minutes; "trending" is the sum over
the last 15 minutes. Each worker publishes the top of its active table partitions in its
stats, and the dashboard merges them.

A table key must always be updated from the same partition, so that exactly one worker
counts it. The enrich agent therefore routes each entity id to a partition of the internal
``trend-counts`` topic itself (``partition_of``) and sends one message per partition per
batch with the articles that name the ids living there.

The table key is that partition, and the value the window's ``{"e": {entity id: articles},
"s": {speaker id: quotes}, "a": [article ids]}``: one changelog record per message. Keyed by
entity id, every mention in a batch was its own changelog record (about 18 an article), and
those sends cost the two-core pipeline a twentieth of its throughput.

An entity counts once per article and a speaker once per quote, however often the article is
delivered: the pipeline is at-least-once, and a rebalance or a crash sends some articles
through enrich twice (a test saw every count of a two-worker run doubled). The article ids
in the kept windows are the duplicate check, so it survives a partition moving to another
worker with the table.
"""

from __future__ import annotations

import heapq
import time
import zlib
from collections import defaultdict
from datetime import timedelta

import orjson
from faust.types import StreamT

from agents.context import Context, Trends
from schemas.records import EnrichedArticle

WINDOW_S = 10
SHOW_LAST_S = 15 * 60
TOP_N = 10  # the dashboard's lists
KEEP_S = SHOW_LAST_S + 5 * 60  # windows older than the shown 15 minutes are of no use
REBUILD_SEEN_S = 60.0  # drop ids of expired windows from the duplicate check this often


def partition_of(entity_id: str, partitions: int) -> int:
    """Stable across processes and restarts (Python's ``hash`` is salted per process)."""
    return zlib.crc32(entity_id.encode()) % partitions


def trend_counts(articles: list[EnrichedArticle], partitions: int) -> dict[int, bytes]:
    """One message per partition: ``{"names": {id: [name, label]}, "articles": {article id:
    {"e": [entity ids], "s": {speaker id: quotes}}}}``. Per article, so that a copy of an
    article (at-least-once redelivery after a crash or a rebalance) is counted once."""
    by_partition: dict[int, dict] = defaultdict(lambda: {"names": {}, "articles": {}})
    for article in articles:
        for entity in article.entities:
            message = by_partition[partition_of(entity.id, partitions)]
            message["names"].setdefault(entity.id, [entity.name, entity.label])
            message["articles"].setdefault(article.id, {"e": [], "s": {}})["e"].append(entity.id)
        for quote in article.quotes:
            speaker = quote.speaker
            if speaker is None or not speaker.entity_id:
                continue
            sid = speaker.entity_id
            message = by_partition[partition_of(sid, partitions)]
            message["names"].setdefault(sid, [speaker.name or speaker.text, sid.split(":", 1)[0]])
            slot = message["articles"].setdefault(article.id, {"e": [], "s": {}})["s"]
            slot[sid] = slot.get(sid, 0) + 1
    return {p: orjson.dumps(v) for p, v in by_partition.items()}


def new_articles(message: dict, seen: set[str]) -> dict:
    """The window delta of one message, leaving out articles already counted (``seen``,
    updated): ``{"e": {entity id: articles}, "s": {speaker id: quotes}, "a": [article ids]}``."""
    delta: dict = {"e": {}, "s": {}, "a": []}
    for article_id, parts in message.get("articles", {}).items():
        if article_id in seen:
            continue
        seen.add(article_id)
        delta["a"].append(article_id)
        for eid in parts.get("e", []):
            delta["e"][eid] = delta["e"].get(eid, 0) + 1
        for sid, n in parts.get("s", {}).items():
            delta["s"][sid] = delta["s"].get(sid, 0) + n
    return delta


def _from_id(entity_id: str) -> dict:
    """Name and label from the id alone: counts recovered from the changelog after a
    rebalance come without the names this worker saw (``GPE:new-delhi`` -> new delhi, GPE)."""
    label, _, slug = entity_id.partition(":")
    return {"id": entity_id, "name": slug.replace("-", " ").title() or entity_id, "label": label if slug else "",
            "guessed": True}


def add_counts(window: dict, delta: dict) -> dict:
    """The table operation: the window's counts and article ids plus one message's."""
    for kind in ("e", "s"):
        counts = window.setdefault(kind, {})
        for key, n in delta.get(kind, {}).items():
            counts[key] = counts.get(key, 0) + n
    window.setdefault("a", []).extend(delta.get("a", []))
    return window


class WindowTotals:
    """Sums of the shown windows, kept up to date instead of re-added on every snapshot.

    A window's article list only grows, so its length tells whether the window changed since
    it was added: only the open window (and a late one, after a redelivery) is re-added; a
    window that left the range (expired, older than 15 minutes, or its partition revoked) is
    taken out. Re-adding every window every two seconds was the dashboard's largest cost.
    """

    def __init__(self) -> None:
        self.added: dict[tuple, tuple[int, dict]] = {}  # window key -> (articles, its counts)
        self.sums: dict[str, dict[str, int]] = {"e": {}, "s": {}}

    def _apply(self, counts: dict, sign: int) -> None:
        for kind, sums in self.sums.items():
            for key, n in counts.get(kind, {}).items():
                left = sums.get(key, 0) + sign * n
                if left:
                    sums[key] = left
                else:
                    sums.pop(key, None)

    def update(self, shown: dict[tuple, dict]) -> None:
        for key in [k for k in self.added if k not in shown]:
            self._apply(self.added.pop(key)[1], -1)
        for key, value in shown.items():
            size = len(value.get("a", ()))
            before = self.added.get(key)
            if before is not None and before[0] == size:
                continue
            if before is not None:
                self._apply(before[1], -1)
            counts = {kind: dict(value.get(kind, {})) for kind in self.sums}
            self._apply(counts, 1)
            self.added[key] = (size, counts)

    def top(self, kind: str, limit: int) -> list[tuple[str, int]]:
        return heapq.nsmallest(limit, self.sums[kind].items(), key=lambda kv: (-kv[1], kv[0]))


def register(ctx: Context) -> None:
    app, settings = ctx.app, ctx.settings
    counts_topic = app.topic(f"{settings.app_id}.trend-counts", key_type=bytes, value_type=bytes,
                             key_serializer="raw", value_serializer="raw", partitions=settings.partitions,
                             internal=True)  # created before the subscription (see agents/topics.py)
    ctx.topics_extra["trend_counts"] = counts_topic
    windows = app.Table("trend-windows", default=dict, partitions=settings.partitions).tumbling(
        WINDOW_S, expires=timedelta(seconds=KEEP_S))
    names: dict[str, dict] = {}
    seen: dict[str, set[str]] = {}  # bucket -> ids of the articles its kept windows counted

    def seen_in(bucket: str) -> set[str]:
        """Built from the table itself, so a worker that takes over a partition knows which
        articles the previous owner already counted."""
        if bucket not in seen:
            ids: set[str] = set()
            for (b, _window), value in list(windows.table.data.items()):
                if b == bucket:
                    ids.update(value.get("a", []))
            seen[bucket] = ids
        return seen[bucket]

    @app.agent(counts_topic, name="trends")
    async def count(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            message = orjson.loads(event.value)
            bucket = f"p{event.message.partition}"  # always updated from this partition
            for key, (name, label) in message.get("names", {}).items():
                names.setdefault(key, {"id": key, "name": name, "label": label})
            delta = new_articles(message, seen_in(bucket))
            if delta["a"]:
                windows[bucket].apply(add_counts, delta)

    @app.timer(interval=REBUILD_SEEN_S)
    async def forget_expired() -> None:
        seen.clear()  # rebuilt from the windows still kept, on the next message

    def active_buckets() -> set[str]:
        """Buckets of this worker's *active* partitions. The store also holds standby copies
        of other workers' partitions; counting those too would count an entity twice."""
        try:
            assignment = app.consumer.assignment()
        except Exception:  # not started yet
            return set()
        name = counts_topic.get_topic_name()
        return {f"p{tp.partition}" for tp in assignment if tp.topic == name}

    totals = WindowTotals()

    def top(limit: int = TOP_N) -> Trends:
        """This worker's top ``limit``. An id lives on one partition, so one worker, so the
        merge of every worker's top ``limit`` holds the group's true top ``limit``."""
        buckets = active_buckets()
        for bucket in list(seen):
            if bucket not in buckets:
                del seen[bucket]  # revoked: the next owner's counts are not ours to remember
        cutoff = time.time() - SHOW_LAST_S - WINDOW_S
        totals.update({key: value for key, value in list(windows.table.data.items())
                       if key[0] in buckets and key[1][0] >= cutoff})

        def named(kind: str) -> list[dict]:
            return [{**(names.get(k) or _from_id(k)), "count": c} for k, c in totals.top(kind, limit)]

        return {"entities": named("e"), "speakers": named("s")}

    ctx.trends = top

"""Worker stats: each worker publishes a snapshot every ``PUBLISH_S``; every worker follows all.

The snapshot stays small (a few kB: counters, percentiles, lag rows, the worker's own
description, its top trends), because it is written every two seconds for as long as the
pipeline runs. Charts are built from these snapshots by the serving worker
(``agents.web.history``), not shipped inside them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

import orjson

from agents import tail
from agents.context import Context
from agents.lag import REFRESH_S, LagTracker
from agents.web import workers
from agents.web.cost import COST

PUBLISH_S = 2.0
FOLLOW_BACK = 200  # records before the end to start from: a few minutes of every live worker
SILENT_AFTER_S = 10.0  # no snapshot for this long: the worker is shown as silent, in red
FORGET_AFTER_S = 600.0  # a worker silent this long is gone (scaled down), not shown
RECENT_ARTICLES = 20
MAX_KNOWN = 64  # worker ids remembered before the gone ones are dropped


@dataclass
class Peers:
    snapshots: dict[str, dict] = field(default_factory=dict)

    def on_record(self, message) -> None:  # aiokafka ConsumerRecord
        with COST.measure():
            self._take(orjson.loads(message.value))

    def _take(self, snap: dict) -> None:
        known = self.snapshots.get(snap["worker"])
        if known is None or snap.get("at", 0) >= known.get("at", 0):
            snap["received_at"] = time.time()
            self.snapshots[snap["worker"]] = snap
        if len(self.snapshots) > MAX_KNOWN:  # restarted workers come back under new ids
            live = {id(s) for s in self.live()}
            self.snapshots = {k: s for k, s in self.snapshots.items() if id(s) in live}

    def live(self, now: float | None = None) -> list[dict]:
        now = time.time() if now is None else now
        return [s for s in self.snapshots.values() if now - s.get("at", 0) < FORGET_AFTER_S]


def snapshot(ctx: Context, tracker: LagTracker, meter: workers.ProcessMeter, starts: dict,
             clock: workers.StallClock | None = None) -> dict:
    """This worker's figures now."""
    metrics = ctx.metrics.snapshot()
    for agent in metrics["agents"].values():
        agent.pop("series", None)  # per-second points: the history is kept by the reader
    try:
        assignment = sorted(f"{tp.topic}[{tp.partition}]" for tp in ctx.app.consumer.assignment())
    except Exception:  # not assigned yet
        assignment = []
    partitions = tracker.partitions()
    return {
        "worker": ctx.worker_id,
        "at": time.time(),
        "started_at": metrics["started_at"],
        "web": f"http://{ctx.settings.web_host}:{ctx.settings.web_port}/",
        "agents": metrics["agents"],
        "dead_letters": metrics["dead_letters"],
        "recent_articles": metrics["recent_articles"][:RECENT_ARTICLES],
        "trends": ctx.trends() if ctx.trends else {},
        "assignment": assignment,
        "partitions": partitions,
        "info": workers.describe(ctx, meter, partitions, assignment, starts, tracker.last_commit_at, clock),
    }


def register(ctx: Context) -> Peers:
    app, settings = ctx.app, ctx.settings
    topic = app.topic(f"{settings.app_id}.worker-stats", key_type=bytes, value_type=bytes,
                      key_serializer="raw", value_serializer="raw", partitions=1,
                      compacting=True, retention=timedelta(hours=1))
    peers = Peers()
    tracker = LagTracker(ctx)
    meter = workers.ProcessMeter()
    clock = workers.StallClock()
    starts = workers.record_start(ctx.settings.data_dir / f"worker-{settings.web_port}")
    ctx.peers = peers
    ctx.lag_tracker = tracker
    cache: dict = {"at": 0.0, "snap": None}

    def own_snapshot(max_age: float = PUBLISH_S) -> dict:
        """This worker's snapshot, made at most once per ``PUBLISH_S`` (the trends' sums over
        the window tables are the dashboard's largest cost; readers share one)."""
        now = time.monotonic()
        if cache["snap"] is None or now - cache["at"] >= max_age:
            cache["snap"], cache["at"] = snapshot(ctx, tracker, meter, starts, clock), now
        return cache["snap"]

    ctx.own_snapshot = own_snapshot

    @app.task
    async def follow_stats() -> None:
        await topic.maybe_declare()
        await tail.follow(settings, topic.get_topic_name(), peers.on_record, back=FOLLOW_BACK)

    @app.timer(interval=PUBLISH_S)
    async def publish_stats() -> None:
        if time.time() - tracker.refreshed_at >= REFRESH_S:
            await tracker.refresh()
        try:
            with COST.measure():
                value = orjson.dumps(own_snapshot(max_age=0.0), option=orjson.OPT_NON_STR_KEYS)
            await ctx.send(topic, ctx.worker_id, value)
        except Exception:  # stats must never take the worker down
            tail.log.exception("could not publish worker stats")

    return peers

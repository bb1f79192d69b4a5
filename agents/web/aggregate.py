"""The numbers the dashboard shows, merged over every worker's published snapshot."""

from __future__ import annotations

import time
from collections import defaultdict

from agents.context import Context
from agents.web import supervised
from agents.web.peers import SILENT_AFTER_S
from pipeline.supervision import read_statuses

TOP_N = 10
RECENT_ARTICLES = 20
BAD_STATES = {"stalled", "crash-looping", "silent"}
VIEW_TTL_S = 1.0  # the SSE stream updates every 2 s; nothing needs the view fresher than this
_VIEWS: dict[int, tuple[float, dict]] = {}  # one worker process has one context
_NAMES: dict[str, dict] = {}  # entity id -> name and label, as some worker published them


def worker_snapshots(ctx: Context) -> list[dict]:
    """Every known worker: this one live, the others as last published, keyed by web address
    (stable across a supervisor restart, unlike the process id)."""
    snaps: dict[str, dict] = {}
    peers = getattr(ctx, "peers", None)
    if peers is not None:
        for snap in peers.live():
            key = snap.get("web") or snap["worker"]
            if key not in snaps or snap.get("at", 0) > snaps[key].get("at", 0):
                snaps[key] = snap
    own_fn = getattr(ctx, "own_snapshot", None)
    if own_fn is not None:
        own = own_fn()
        snaps[own.get("web") or own["worker"]] = own
    return list(snaps.values())


def _worker_row(snap: dict, now: float) -> dict:
    info = snap.get("info") or {}
    silent = now - snap.get("at", now)
    state, reason = info.get("state", "starting"), info.get("reason", "")
    if silent > SILENT_AFTER_S:
        state, reason = "silent", f"no stats for {silent:.0f}s: stopped, wedged or being restarted"
    parts = snap.get("partitions", [])
    return {
        "worker": snap["worker"], "web": snap.get("web"), "state": state, "reason": reason,
        "bad": state in BAD_STATES, "silent_s": round(silent, 1), "at": snap.get("at"),
        "started_at": snap.get("started_at"), "assignment": snap.get("assignment", []),
        "inputs": sorted(f"{p['topic']}[{p['partition']}]" for p in parts),
        "restarts": info.get("restarts", 0),
        "last_commit_age_s": None if info.get("last_commit_age_s") is None else
        round(info["last_commit_age_s"] + max(0.0, silent), 1),
        "nlp": info.get("nlp", {}), "process": info.get("process", {}), "version": info.get("version"),
        "dashboard_cpu_s": info.get("dashboard_cpu_s"),
        "lag": sum(p["lag"] for p in parts), "in_flight": sum(p["in_flight"] for p in parts),
    }


def _merge_agents(snaps: list[dict]) -> dict[str, dict]:
    agents: dict[str, dict] = defaultdict(lambda: {"events_in": 0, "events_out": 0, "errors": 0,
                                                   "rate_1m": 0.0, "last_event_at": None,
                                                   "latency_p50": None, "latency_p99": None})
    for snap in snaps:
        for name, a in snap.get("agents", {}).items():
            agg = agents[name]
            for k in ("events_in", "events_out", "errors"):
                agg[k] += a.get(k, 0)
            agg["rate_1m"] = round(agg["rate_1m"] + a.get("rate_1m", 0.0), 3)
            agg["last_event_at"] = max(filter(None, [agg["last_event_at"], a.get("last_event_at")]), default=None)
            for k in ("latency_p50", "latency_p99"):  # worst worker: what an operator needs to see
                if a.get(k) is not None:
                    agg[k] = max(agg[k] or 0.0, a[k])
    return dict(agents)


def _merge_lag(snaps: list[dict]) -> dict:
    """Per topic totals, and the partition rows (each partition counted once: by the worker
    holding it that published last)."""
    rows: dict[tuple, dict] = {}
    for snap in sorted(snaps, key=lambda s: s.get("at", 0)):
        for p in snap.get("partitions", []):
            rows[(p["topic"], p["partition"])] = {**p, "worker": snap["worker"]}
    topics: dict[str, dict] = {}
    for (topic, _), row in sorted(rows.items()):
        t = topics.setdefault(topic, {"lag": 0, "in_flight": 0, "end": 0, "partitions": 0})
        t["lag"] += row["lag"]
        t["in_flight"] += row["in_flight"]
        t["end"] += row["end"]
        t["partitions"] += 1
    return {"topics": topics, "partitions": [rows[k] for k in sorted(rows)]}


def _merge_trends(snaps: list[dict]) -> dict[str, list[dict]]:
    """Each id is counted on exactly one worker (see agents.trends), so the merge of every
    worker's top list, re-ranked, is the group's top list. A worker that took a partition over
    knows its ids but not always their names: the names any worker published are kept."""
    totals: dict[str, dict[str, dict]] = {"entities": {}, "speakers": {}}
    for snap in snaps:
        for kind, items in (snap.get("trends") or {}).items():
            for item in items:
                if not item.get("guessed"):
                    _NAMES[item["id"]] = {"name": item["name"], "label": item.get("label", "")}
                elif item["id"] in _NAMES:
                    item = {**item, **_NAMES[item["id"]], "guessed": False}
                slot = totals.setdefault(kind, {}).setdefault(item["id"], {**item, "count": 0})
                slot["count"] += item["count"]
    return {kind: sorted(items.values(), key=lambda x: (-x["count"], x["id"]))[:TOP_N]
            for kind, items in totals.items()}


def pipeline_view(ctx: Context) -> dict:
    """The merged view, made at most once per ``VIEW_TTL_S`` however many pages, streams and
    chart samples ask for it."""
    cached = _VIEWS.get(id(ctx))
    if cached is not None and time.monotonic() - cached[0] < VIEW_TTL_S:
        return cached[1]
    view = _pipeline_view(ctx)
    _VIEWS[id(ctx)] = (time.monotonic(), view)
    return view


def _pipeline_view(ctx: Context) -> dict:
    now = time.time()
    snaps = worker_snapshots(ctx)
    live = [s for s in snaps if now - s.get("at", now) <= SILENT_AFTER_S]
    recent_articles = sorted((a for s in live for a in s.get("recent_articles", [])),
                             key=lambda a: a.get("at", 0), reverse=True)[:RECENT_ARTICLES]
    trends = _merge_trends(live)
    dead = getattr(ctx, "dead_index", None)
    return {
        "at": now,
        "workers": supervised.merge(sorted((_worker_row(s, now) for s in snaps),
                                           key=lambda w: w.get("web") or w["worker"]),
                                    read_statuses(ctx.settings.data_dir), now),
        "agents": _merge_agents(live),
        "lag": _merge_lag(live),
        "dead_letters": dead.summary() if dead is not None else {"total": 0, "by_reason": {}, "by_stage": {}},
        "recent_articles": recent_articles,
        "trending_entities": trends.get("entities", []),
        "quoted_speakers": trends.get("speakers", []),
    }


def readiness(ctx: Context) -> dict:
    app = ctx.app
    try:
        assignment = sorted(f"{tp.topic}[{tp.partition}]" for tp in app.consumer.assignment())
    except Exception:  # consumer not started yet
        assignment = []
    # An agent whose actors crashed (or stopped) no longer processes: not ready.
    agents_running = bool(app.agents) and all(
        any(not actor.should_stop and not actor.crashed for actor in agent._actors) for agent in app.agents.values()
    )
    broker_ok = bool(getattr(app.consumer, "_active_partitions", None) is not None)
    # Processes supervised on this host (``newswire run``'s children, this worker's Faust process):
    # a crash loop is reported here, not hidden by the restarts that keep data flowing.
    crash_loops = [s.reason() for s in read_statuses(ctx.settings.data_dir) if s.crash_looping]
    topics_ok = ctx.topics.outputs_declared
    ready = bool(assignment) and agents_running and broker_ok and topics_ok and not crash_loops
    return {"ready": ready, "assigned_partitions": assignment, "agents_running": agents_running,
            "broker_connected": broker_ok, "output_topics": topics_ok, "crash_loops": crash_loops}

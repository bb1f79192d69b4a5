"""The numbers the dashboard shows, merged over every worker's published snapshot."""

from __future__ import annotations

import time
from collections import Counter, defaultdict

import orjson

from agents.context import Context
from agents.lag import consumer_lag

STALE_AFTER_S = 15.0


def worker_snapshots(ctx: Context) -> list[dict]:
    """Fresh snapshots of all workers (this one live, others from the global stats table)."""
    snaps: dict[str, dict] = {}
    table = ctx.stats_table
    if table is not None:
        for value in table.values():  # type: ignore[attr-defined]
            snap = orjson.loads(value)
            if time.time() - snap.get("at", 0) < STALE_AFTER_S:
                snaps[snap["worker"]] = snap
    own = ctx.metrics.snapshot()
    own["worker"] = ctx.worker_id
    own["assignment"] = _assignment(ctx)
    own["trends"] = ctx.trends() if ctx.trends else {}
    own["lag"] = consumer_lag(ctx)
    snaps[ctx.worker_id] = own
    return list(snaps.values())


def _assignment(ctx: Context) -> list[str]:
    try:
        return sorted(f"{tp.topic}[{tp.partition}]" for tp in ctx.app.consumer.assignment())
    except Exception:  # noqa: BLE001 - consumer not started yet
        return []


def pipeline_view(ctx: Context) -> dict:
    snaps = worker_snapshots(ctx)
    agents: dict[str, dict] = defaultdict(lambda: {"events_in": 0, "events_out": 0, "errors": 0,
                                                   "rate_1m": 0.0, "last_event_at": None,
                                                   "latency_p50": None, "latency_p99": None})
    series: dict[str, Counter[int]] = defaultdict(Counter)
    dead: Counter[str] = Counter()
    recent_dead: list[dict] = []
    recent_articles: list[dict] = []
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
            for t, n in a.get("series", []):
                series[name][t] += n
        dead.update(snap.get("dead_letters", {}))
        recent_dead.extend(snap.get("recent_dead", []))
        recent_articles.extend(snap.get("recent_articles", []))
    lag: dict[str, int] = {}
    trend_totals: dict[str, dict[str, dict]] = {"entities": {}, "speakers": {}}
    for snap in snaps:
        lag.update(snap.get("lag", {}))
        for kind, items in (snap.get("trends") or {}).items():
            for item in items:
                slot = trend_totals.setdefault(kind, {}).setdefault(item["id"], {**item, "count": 0})
                slot["count"] += item["count"]
    recent_dead.sort(key=lambda d: d.get("failed_at", ""), reverse=True)
    recent_articles.sort(key=lambda a: a.get("at", 0), reverse=True)
    return {
        "workers": [{"worker": s["worker"], "assignment": s.get("assignment", []), "at": s.get("at")} for s in snaps],
        "agents": dict(agents),
        "series": {name: sorted(c.items()) for name, c in series.items()},
        "dead_letters": {"by_reason": dict(dead), "recent": recent_dead[:20]},
        "recent_articles": recent_articles[:20],
        "lag": dict(sorted(lag.items())),
        "trending_entities": sorted(trend_totals["entities"].values(), key=lambda x: -x["count"])[:10],
        "quoted_speakers": sorted(trend_totals["speakers"].values(), key=lambda x: -x["count"])[:10],
        "at": time.time(),
    }


def readiness(ctx: Context) -> dict:
    app = ctx.app
    assignment = _assignment(ctx)
    # An agent whose actors crashed (or stopped) no longer processes: not ready.
    agents_running = bool(app.agents) and all(
        any(not actor.should_stop and not actor.crashed for actor in agent._actors) for agent in app.agents.values()
    )
    broker_ok = bool(getattr(app.consumer, "_active_partitions", None) is not None)
    ready = bool(assignment) and agents_running and broker_ok
    return {"ready": ready, "assigned_partitions": assignment, "agents_running": agents_running,
            "broker_connected": broker_ok}


def prometheus(ctx: Context) -> str:
    view = pipeline_view(ctx)
    lines = [
        "# HELP newswire_events_in_total Events taken in by an agent.",
        "# TYPE newswire_events_in_total counter",
    ]
    for name, a in view["agents"].items():
        lines.append(f'newswire_events_in_total{{agent="{name}"}} {a["events_in"]}')
    lines += ["# HELP newswire_events_out_total Events an agent published.", "# TYPE newswire_events_out_total counter"]
    for name, a in view["agents"].items():
        lines.append(f'newswire_events_out_total{{agent="{name}"}} {a["events_out"]}')
    lines += ["# HELP newswire_errors_total Events an agent dead-lettered.", "# TYPE newswire_errors_total counter"]
    for name, a in view["agents"].items():
        lines.append(f'newswire_errors_total{{agent="{name}"}} {a["errors"]}')
    lines += ["# HELP newswire_latency_seconds Processing latency percentiles.", "# TYPE newswire_latency_seconds gauge"]
    for name, a in view["agents"].items():
        for q, key in (("0.5", "latency_p50"), ("0.99", "latency_p99")):
            if a[key] is not None:
                lines.append(f'newswire_latency_seconds{{agent="{name}",quantile="{q}"}} {a[key]}')
    lines += ["# HELP newswire_dead_letters_total Dead letters by reason.", "# TYPE newswire_dead_letters_total counter"]
    for reason, n in view["dead_letters"]["by_reason"].items():
        lines.append(f'newswire_dead_letters_total{{reason="{reason}"}} {n}')
    lines += ["# HELP newswire_consumer_lag Messages behind the end of a partition.", "# TYPE newswire_consumer_lag gauge"]
    for tp, n in view["lag"].items():
        topic, _, part = tp.rstrip("]").partition("[")
        lines.append(f'newswire_consumer_lag{{topic="{topic}",partition="{part}"}} {n}')
    lines += ["# HELP newswire_workers Workers that published stats recently.", "# TYPE newswire_workers gauge",
              f"newswire_workers {len(view['workers'])}"]
    return "\n".join(lines) + "\n"

"""Per-agent counters, rates and latency percentiles, kept in process memory.

Each worker publishes a snapshot of these to a Faust global table so that any worker's
dashboard can show the whole group.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass, field


@dataclass
class AgentMetrics:
    events_in: int = 0
    events_out: int = 0
    errors: int = 0
    last_event_at: float | None = None
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=2000))
    # (minute bucket -> events out) for the throughput chart, last 15 minutes
    per_second: deque[tuple[int, int]] = field(default_factory=lambda: deque(maxlen=900))

    def record_in(self, n: int = 1) -> None:
        self.events_in += n
        self.last_event_at = time.time()

    def record_out(self, n: int = 1, latency: float | None = None) -> None:
        self.events_out += n
        now = int(time.time())
        if self.per_second and self.per_second[-1][0] == now:
            self.per_second[-1] = (now, self.per_second[-1][1] + n)
        else:
            self.per_second.append((now, n))
        if latency is not None:
            self.latencies.append(latency)

    def snapshot(self) -> dict:
        lat = sorted(self.latencies)
        now = int(time.time())
        last_minute = sum(n for t, n in self.per_second if t > now - 60)

        def pct(p: float) -> float | None:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))], 4) if lat else None

        return {
            "events_in": self.events_in, "events_out": self.events_out, "errors": self.errors,
            "last_event_at": self.last_event_at, "rate_1m": round(last_minute / 60.0, 3),
            "latency_p50": pct(0.50), "latency_p99": pct(0.99),
            "series": [[t, n] for t, n in self.per_second if t > now - 900],
        }


@dataclass
class Metrics:
    agents: dict[str, AgentMetrics] = field(default_factory=dict)
    dead_letters: Counter[str] = field(default_factory=Counter)
    recent_dead: deque[dict] = field(default_factory=lambda: deque(maxlen=50))
    recent_articles: deque[dict] = field(default_factory=lambda: deque(maxlen=50))
    started_at: float = field(default_factory=time.time)

    def agent(self, name: str) -> AgentMetrics:
        if name not in self.agents:
            self.agents[name] = AgentMetrics()
        return self.agents[name]

    def snapshot(self) -> dict:
        return {
            "agents": {name: a.snapshot() for name, a in self.agents.items()},
            "dead_letters": dict(self.dead_letters),
            "recent_dead": list(self.recent_dead),
            "recent_articles": list(self.recent_articles),
            "started_at": self.started_at,
            "at": time.time(),
        }

"""The dashboard's charts: the group's figures sampled every ``SAMPLE_S`` for six hours.

Every worker keeps this history from the snapshots it already follows (``agents.web.peers``),
so the charts of any worker's dashboard cover the whole group. A window is served at no more
than ``MAX_POINTS`` points (averaged, or the maximum for lag, over each step), so six hours
cost the browser what fifteen minutes do.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

SAMPLE_S = 5
KEEP_S = 6 * 3600
WINDOWS = {"15m": 900, "1h": 3600, "6h": 6 * 3600}
MAX_POINTS = 360


@dataclass
class History:
    samples: deque = field(default_factory=lambda: deque(maxlen=KEEP_S // SAMPLE_S))
    _last: dict = field(default_factory=dict)  # (worker, agent) -> (events_out, at)

    def sample(self, snaps: list[dict], view: dict, now: float | None = None) -> None:
        """Add one sample: per-agent throughput (events/s summed over workers), worst p50/p99
        latency, and the lag and in-flight count of each input topic."""
        now = time.time() if now is None else now
        rates: dict[str, float] = {}
        for snap in snaps:
            key_worker = snap.get("web") or snap["worker"]
            for name, a in snap.get("agents", {}).items():
                out, at = a.get("events_out", 0), snap.get("at", now)
                before = self._last.get((key_worker, name))
                self._last[(key_worker, name)] = (out, at, snap.get("started_at"))
                if before is None or at <= before[1]:
                    continue
                # a restarted worker counts from zero again: its new count is the delta
                delta = out - before[0] if before[2] == snap.get("started_at") and out >= before[0] else out
                rates[name] = rates.get(name, 0.0) + delta / (at - before[1])
        self.samples.append({
            "t": now,
            "rate": rates,
            "p50": {n: a["latency_p50"] for n, a in view["agents"].items() if a.get("latency_p50") is not None},
            "p99": {n: a["latency_p99"] for n, a in view["agents"].items() if a.get("latency_p99") is not None},
            "lag": {t: v["lag"] for t, v in view["lag"]["topics"].items()},
            "in_flight": {t: v["in_flight"] for t, v in view["lag"]["topics"].items()},
            # per partition, for the chart an operator opens on demand (a few dozen numbers)
            "lag_p": {f"{p['topic']}[{p['partition']}]": p["lag"] for p in view["lag"].get("partitions", [])},
        })

    def window(self, seconds: int, now: float | None = None, partitions_of: str | None = None) -> dict:
        """``{"t": [...], "rate": {agent: [...]}, "p99": ..., "lag": {topic: [...]}, ...}``;
        ``None`` where there is no sample (uPlot draws a gap, not a fake zero). With
        ``partitions_of`` a topic, also ``"partitions": {"topic[0]": [...], ...}``: that
        topic's lag per partition (the worst moment of each step, like the topic's)."""
        now = time.time() if now is None else now
        step = max(SAMPLE_S, -(-seconds // MAX_POINTS))
        step = -(-step // SAMPLE_S) * SAMPLE_S
        start = int((now - seconds) // step) * step
        n = int((now - start) // step) + 1
        ts = [start + i * step for i in range(n)]
        kinds: tuple[str, ...] = ("rate", "p50", "p99", "lag", "in_flight")
        if partitions_of is not None:
            kinds += ("lag_p",)
        sums: dict[str, dict[str, list]] = {k: {} for k in kinds}
        counts: dict[str, dict[str, list]] = {k: {} for k in kinds}
        for sample in self.samples:
            if sample["t"] < start:
                continue
            i = min(n - 1, int((sample["t"] - start) // step))
            for kind in kinds:
                for name, value in sample.get(kind, {}).items():
                    if kind == "lag_p" and name.rsplit("[", 1)[0] != partitions_of:
                        continue
                    s = sums[kind].setdefault(name, [None] * n)
                    c = counts[kind].setdefault(name, [0] * n)
                    if kind in ("lag", "lag_p"):  # the worst moment of the step, not its average
                        s[i] = value if s[i] is None else max(s[i], value)
                        c[i] = 1
                    else:
                        s[i] = value if s[i] is None else s[i] + value
                        c[i] += 1
        out: dict = {"t": ts, "step": step}
        for kind in kinds:
            out["partitions" if kind == "lag_p" else kind] = {
                name: [None if v is None else round(v / max(1, counts[kind][name][i]), 4)
                       for i, v in enumerate(values)]
                for name, values in sums[kind].items()}
        return out

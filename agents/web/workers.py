"""What a worker says about itself: state, partitions, restarts, commits, NLP child, RSS, CPU.

Published in the worker's stats snapshot (``agents.web.peers``) so any worker's dashboard can
show every worker. The figures come from ``/proc`` (Linux) and from Faust's own flags; none
of this touches the hot path.

Restarts are counted across processes in ``<worker data dir>/starts.json``: the supervisor
(``pipeline.supervise``) restarts the Faust worker in a new process with the same parent, so a
start whose parent pid matches the file's is a restart. That keeps the supervisor unchanged.
"""

from __future__ import annotations

import contextlib
import os
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import orjson

from agents.context import Context
from agents.web.cost import COST

CRASH_LOOP_STARTS = 3  # this many starts ...
CRASH_LOOP_WINDOW_S = 300.0  # ... within five minutes is a crash loop, not a one-off restart
STALLED_AFTER_FRACTION = 0.5  # red well before the watchdog (NEWSWIRE_STALL_TIMEOUT) restarts it
_CLOCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def package_version() -> str:
    try:
        return version("newswire")
    except PackageNotFoundError:
        return "unknown"


def record_start(data_dir: Path, now: float | None = None) -> dict:
    """Add this process's start to the file; return ``{"restarts", "recent_starts"}``."""
    now = time.time() if now is None else now
    path = data_dir / "starts.json"
    parent = os.getppid()
    state: dict = {"parent": parent, "starts": []}
    with contextlib.suppress(OSError, ValueError):
        previous = orjson.loads(path.read_bytes())
        if previous.get("parent") == parent:
            state = previous
    state["starts"] = [*[t for t in state["starts"] if now - t < 24 * 3600][-50:], now]
    with contextlib.suppress(OSError):
        path.write_bytes(orjson.dumps(state))
    recent = [t for t in state["starts"] if now - t < CRASH_LOOP_WINDOW_S]
    return {"restarts": len(state["starts"]) - 1, "recent_starts": len(recent)}


def _proc_stat(pid: int | str) -> tuple[float, int] | None:
    """(CPU seconds, RSS bytes) of a process from /proc, or None off Linux / when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        statm = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK, int(statm[1]) * _PAGE


class ProcessMeter:
    """CPU % of one core since the last reading, and RSS, for this process and a child."""

    def __init__(self) -> None:
        self._last: dict[int, tuple[float, float]] = {}

    def read(self, pid: int) -> dict | None:
        got = _proc_stat(pid)
        if got is None:
            return None
        cpu_s, rss = got
        now = time.monotonic()
        before = self._last.get(pid)
        self._last[pid] = (now, cpu_s)
        cpu = None
        if before is not None and now > before[0]:
            cpu = round(100.0 * (cpu_s - before[1]) / (now - before[0]), 1)
        return {"pid": pid, "rss_mb": round(rss / 2**20, 1), "cpu_percent": cpu}


def nlp_child(ctx: Context, meter: ProcessMeter) -> dict:
    nlp = ctx.nlp
    if nlp is None:
        return {"state": "not started", "restarts": 0}
    procs = getattr(nlp._pool, "_processes", None) or {}  # ProcessPoolExecutor keeps no public list
    alive = [pid for pid, p in procs.items() if p.is_alive()]
    out: dict = {"state": "running" if alive else "starting", "restarts": nlp.restarts}
    if alive:
        out.update(meter.read(alive[0]) or {})
    return out


class StallClock:
    """How long each input partition's committed offset has stood still *while work waited*.

    The lag tracker's commit age runs from the last commit, so a partition idle for ten
    minutes looked stalled the moment one new message arrived (red for the second it took to
    process it). This clock starts when a message is first seen waiting behind an unchanged
    committed offset, and stops as soon as the offset moves or nothing waits."""

    def __init__(self) -> None:
        self._since: dict[tuple[str, int], tuple[int | None, float]] = {}

    def waited(self, partitions: list[dict], now: float | None = None) -> dict[tuple[str, int], float]:
        now = time.time() if now is None else now
        out: dict[tuple[str, int], float] = {}
        for p in partitions:
            key = (p["topic"], p["partition"])
            if p["lag"] <= 0:
                self._since.pop(key, None)
                out[key] = 0.0
                continue
            last = self._since.get(key)
            if last is None or last[0] != p["committed"]:
                self._since[key] = last = (p["committed"], now)
            out[key] = round(now - last[1], 1)
        for key in set(self._since) - set(out):  # partitions this worker no longer holds
            del self._since[key]
        return out


def worker_state(ctx: Context, partitions: list[dict], assignment: list[str],
                 waited: dict[tuple[str, int], float] | None = None) -> tuple[str, str]:
    """(state, reason) with the reason an operator needs when the state is bad."""
    app = ctx.app
    stall_after = max(10.0, ctx.settings.stall_timeout * STALLED_AFTER_FRACTION)
    waited = waited or {}
    stuck = [(waited.get((p["topic"], p["partition"]), 0.0), p) for p in partitions]
    stuck = [(s, p) for s, p in stuck if s > stall_after]
    if stuck:
        s, p = max(stuck, key=lambda sp: sp[0])
        reason = (f"{p['topic']}[{p['partition']}] committed offset stuck at {p['committed']} for "
                  f"{s:.0f}s with {p['lag']} waiting")
        busy = ctx.nlp.busy_for() if ctx.nlp is not None else 0.0
        if busy > 0:
            reason += f"; the NLP child has been on one batch for {busy:.0f}s"
        return "stalled", reason
    if getattr(app, "rebalancing", False):
        return "rebalancing", "the group is reassigning partitions"
    if getattr(app, "in_recovery", False):
        return "recovering", "rebuilding tables from their changelogs"
    if not assignment:
        return "starting", "no partitions assigned yet"
    return "running", ""


def describe(ctx: Context, meter: ProcessMeter, partitions: list[dict], assignment: list[str],
             starts: dict, last_commit_at: float | None, clock: StallClock | None = None) -> dict:
    waited = clock.waited(partitions) if clock is not None else {}
    state, reason = worker_state(ctx, partitions, assignment, waited)
    if starts.get("recent_starts", 0) >= CRASH_LOOP_STARTS:
        state, reason = "crash-looping", (f"{starts['recent_starts']} starts in the last "
                                          f"{CRASH_LOOP_WINDOW_S / 60:.0f} min (supervisor restarts)")
    commits = [p for p in partitions if p["committed"] is not None]
    return {
        "state": state, "reason": reason,
        "restarts": starts.get("restarts", 0),
        "version": package_version(),
        "process": meter.read(os.getpid()) or {},
        "nlp": nlp_child(ctx, meter),
        "max_commit_stuck_s": max((p["stuck_s"] for p in commits), default=0.0),
        "max_waited_s": max(waited.values(), default=0.0),
        "dashboard_cpu_s": round(COST.seconds, 3),
        "last_commit_age_s": round(time.time() - last_commit_at, 1) if last_commit_at else None,
    }

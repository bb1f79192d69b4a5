"""What this host's supervisors know, on the workers table: restarts, the last exit and why,
and crash loops, even of a worker that is down between two restarts and so publishes nothing.

A worker describes itself (``agents.web.workers``), but a worker that dies on start never gets
to: only its supervisor sees it, and writes one status file per child under
``NEWSWIRE_DATA_DIR/supervision/`` (``pipeline.supervision``). Each status is matched to a
worker row by its web port (``faust-<port>``: a worker's own supervisor; ``worker-<port>``:
``newswire run``'s); a status matching no row (the archive, or a worker that never came up)
gets a row of its own when it is bad or restarting. Files are local: a worker's dashboard shows
the supervisors of its own host.
"""

from __future__ import annotations

import signal
import time
from urllib.parse import urlsplit

from pipeline.supervise import RESTART
from pipeline.supervision import CRASH_LOOP_EXITS, CRASH_LOOP_WINDOW_S, ChildStatus


def exit_text(code: int | None) -> str:
    """An exit code as an operator reads it."""
    if code is None:
        return "no exit yet"
    if code == RESTART:
        return f"exit {code}: asked to be restarted (wedged: no commit progress)"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (the OOM killer, or kill -9)" if -code == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    if code == 0:
        return "exited cleanly"
    return f"exit code {code} (an error: see the worker's log)"


def port_of(name_or_url: str | None) -> int | None:
    """The web port in ``http://host:port/`` or in a status name ``faust-<port>``."""
    if not name_or_url:
        return None
    if "://" in name_or_url:
        try:
            return urlsplit(name_or_url).port
        except ValueError:
            return None
    tail = name_or_url.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def summary(status: ChildStatus, now: float) -> dict:
    recent = [t for t in status.exits if now - t < CRASH_LOOP_WINDOW_S]
    return {
        "name": status.name, "state": status.state, "restarts": status.restarts,
        "exits_in_window": len(recent), "crash_looping": len(recent) >= CRASH_LOOP_EXITS,
        "last_exit": exit_text(status.last_exit_code) if status.last_exit_at else None,
        "last_exit_code": status.last_exit_code,
        "last_exit_age_s": round(now - status.last_exit_at, 1) if status.last_exit_at else None,
    }


def crash_reason(sup: dict) -> str:
    return (f"{sup['exits_in_window']} exits in {CRASH_LOOP_WINDOW_S / 60:.0f} min under its supervisor "
            f"({sup['name']}); last: {sup['last_exit']}, {sup['last_exit_age_s']:.0f}s ago")


def _worst(items: list[dict]) -> dict:
    return max(items, key=lambda s: (s["crash_looping"], s["exits_in_window"], s["restarts"]))


def merge(rows: list[dict], statuses: list[ChildStatus], now: float | None = None) -> list[dict]:
    """The worker rows with their supervisors' figures; crash loops red with the last exit."""
    now = time.time() if now is None else now
    by_port: dict[int | None, list[dict]] = {}
    for status in statuses:
        by_port.setdefault(port_of(status.name), []).append(summary(status, now))
    out = []
    for row in rows:
        port = port_of(row.get("web"))
        matched = by_port.pop(port, None) if port is not None else None
        if matched:
            sup = _worst(matched)
            row = {**row, "supervisor": sup}
            if sup["crash_looping"]:
                row.update(state="crash-looping", bad=True, reason=crash_reason(sup))
        out.append(row)
    for items in by_port.values():
        for sup in items:
            if not (sup["crash_looping"] or sup["state"] == "restarting"):
                continue  # running or stopped, and no worker row: nothing an operator must see
            state = "crash-looping" if sup["crash_looping"] else "restarting"
            reason = crash_reason(sup) if sup["crash_looping"] else f"restarting after {sup['last_exit']}"
            out.append({
                "worker": sup["name"], "web": None, "state": state, "reason": reason,
                "bad": sup["crash_looping"], "silent_s": None, "at": None, "started_at": None,
                "assignment": [], "inputs": [], "restarts": sup["restarts"], "last_commit_age_s": None,
                "nlp": {}, "process": {}, "version": None, "dashboard_cpu_s": None, "lag": 0, "in_flight": 0,
                "supervisor": sup,
            })
    return out

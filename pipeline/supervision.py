"""What the supervisors know about the processes they keep alive, where the dashboard can read it.

``newswire run`` restarts any child that dies (workers, the archive) and each worker's own
supervisor restarts its Faust process. A restart keeps data flowing but must not hide a crash
loop, so every supervisor writes one small JSON file per child under
``NEWSWIRE_DATA_DIR/supervision/``; the workers' ``/readyz`` and dashboard read them all.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import orjson

# A child that exits this many times within the window is crash-looping, not unlucky: three
# exits in five minutes is more than any rebalance, OOM kill or deploy explains.
CRASH_LOOP_EXITS = 3
CRASH_LOOP_WINDOW_S = 300.0
# Restart backoff: at once the first time, doubling to a cap that keeps a crash loop from
# burning a core, reset once a child has run long enough to count as healthy.
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
HEALTHY_AFTER_S = 60.0


@dataclass
class ChildStatus:
    name: str
    pid: int | None = None
    state: str = "starting"  # running, restarting, crash-loop, stopped
    restarts: int = 0
    last_exit_code: int | None = None
    last_exit_at: float | None = None
    exits: list[float] = field(default_factory=list)  # recent exit times, within the window
    supervisor_pid: int = field(default_factory=os.getpid)
    updated_at: float = field(default_factory=time.time)

    def exited(self, code: int, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self.last_exit_code, self.last_exit_at = code, now
        self.exits = [t for t in self.exits if now - t < CRASH_LOOP_WINDOW_S] + [now]
        self.state = "crash-loop" if self.crash_looping else "restarting"
        self.pid = None

    @property
    def crash_looping(self) -> bool:
        return len(self.exits) >= CRASH_LOOP_EXITS

    def reason(self) -> str:
        return (f"{self.name} exited {len(self.exits)} times in {CRASH_LOOP_WINDOW_S / 60:.0f} min "
                f"(last exit code {self.last_exit_code})")


class Backoff:
    """Seconds to wait before the next restart of one child."""

    def __init__(self) -> None:
        self.next = FIRST_BACKOFF_S

    def after_exit(self, ran_for: float) -> float:
        if ran_for > HEALTHY_AFTER_S:
            self.next = FIRST_BACKOFF_S  # a new failure, not a crash loop
        wait, self.next = self.next, min(self.next * 2, MAX_BACKOFF_S)
        return wait


def status_dir(data_dir: Path) -> Path:
    return data_dir / "supervision"


def write_status(data_dir: Path, status: ChildStatus) -> None:
    folder = status_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    status.updated_at = time.time()
    tmp = folder / f".{status.name}.tmp"
    tmp.write_bytes(orjson.dumps(asdict(status)))
    tmp.replace(folder / f"{status.name}.json")  # atomic: readers never see half a file


def read_statuses(data_dir: Path) -> list[ChildStatus]:
    """Every child's last known status; files of supervisors that are gone are ignored."""
    out: list[ChildStatus] = []
    folder = status_dir(data_dir)
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        try:
            status = ChildStatus(**orjson.loads(path.read_bytes()))
        except (OSError, ValueError, TypeError):
            continue
        if _alive(status.supervisor_pid):
            out.append(status)
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

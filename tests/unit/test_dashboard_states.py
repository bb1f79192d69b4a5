"""The dashboard's worker states and per-partition lag history, as pure functions: when a worker
counts as stalled, how a supervisor's status file becomes a red row with the last exit."""

from __future__ import annotations

import signal

from agents.web import supervised
from agents.web.history import History
from agents.web.workers import StallClock
from pipeline.supervise import RESTART
from pipeline.supervision import ChildStatus


def part(committed: int, lag: int, partition: int = 0) -> dict:
    return {"topic": "news.normalised", "partition": partition, "committed": committed, "lag": lag}


def test_the_stall_clock_starts_when_work_waits_not_at_the_last_commit():
    clock = StallClock()
    assert clock.waited([part(10, 0)], now=0.0) == {("news.normalised", 0): 0.0}
    # idle for ten minutes, then one message arrives: waiting 0 s, not 600 s
    assert clock.waited([part(10, 1)], now=600.0)[("news.normalised", 0)] == 0.0
    assert clock.waited([part(10, 3)], now=650.0)[("news.normalised", 0)] == 50.0
    # the offset moves: the clock starts again; nothing waits: no clock
    assert clock.waited([part(12, 1)], now=660.0)[("news.normalised", 0)] == 0.0
    assert clock.waited([part(13, 0)], now=700.0)[("news.normalised", 0)] == 0.0
    assert clock.waited([part(13, 2)], now=710.0)[("news.normalised", 0)] == 0.0


def test_exit_codes_read_as_reasons():
    assert supervised.exit_text(-signal.SIGKILL) == "killed by SIGKILL (the OOM killer, or kill -9)"
    assert supervised.exit_text(-signal.SIGSEGV) == "killed by SIGSEGV"
    assert supervised.exit_text(RESTART).startswith(f"exit {RESTART}: asked to be restarted")
    assert supervised.exit_text(1) == "exit code 1 (an error: see the worker's log)"
    assert supervised.port_of("http://127.0.0.1:7610/") == 7610 and supervised.port_of("faust-7610") == 7610
    assert supervised.port_of("archive") is None


def crashed(name: str, times: list[float], code: int) -> ChildStatus:
    status = ChildStatus(name)
    for t in times:
        status.exited(code, now=t)
        status.restarts += 1
    return status


def test_a_crash_loop_turns_its_worker_row_red_with_the_last_exit():
    rows = [{"worker": "w1", "web": "http://h:7610/", "state": "running", "reason": "", "bad": False},
            {"worker": "w2", "web": "http://h:7611/", "state": "running", "reason": "", "bad": False}]
    statuses = [crashed("faust-7610", [100.0, 110.0, 130.0], -9), crashed("faust-7611", [100.0], 1)]
    merged = supervised.merge(rows, statuses, now=140.0)
    assert [(r["worker"], r["state"], r["bad"]) for r in merged] == [("w1", "crash-looping", True),
                                                                      ("w2", "running", False)]
    assert merged[0]["reason"] == ("3 exits in 5 min under its supervisor (faust-7610); last: killed by SIGKILL "
                                   "(the OOM killer, or kill -9), 10s ago")
    assert merged[1]["supervisor"]["last_exit"] == "exit code 1 (an error: see the worker's log)"
    # five minutes later the loop is over: the row is back to its own state
    assert supervised.merge(rows, statuses, now=500.0)[0]["state"] == "running"


def test_a_supervised_process_with_no_row_gets_one_only_when_it_is_in_trouble():
    statuses = [crashed("faust-7612", [10.0, 20.0, 30.0], -9), crashed("archive", [25.0], 2),
                ChildStatus("faust-7613", pid=5, state="running")]
    merged = supervised.merge([], statuses, now=40.0)
    assert [(r["worker"], r["state"], r["bad"], r["restarts"]) for r in merged] == [
        ("faust-7612", "crash-looping", True, 3), ("archive", "restarting", False, 1)]
    assert merged[1]["reason"] == "restarting after exit code 2 (an error: see the worker's log)"


def test_lag_per_partition_is_kept_and_served_for_one_topic_on_demand():
    history = History()
    for t, lags in ((100.0, (0, 4)), (105.0, (0, 6)), (110.0, (2, 6))):
        view = {"agents": {}, "lag": {"topics": {"news.normalised": {"lag": sum(lags), "in_flight": 0}},
                                      "partitions": [{"topic": "news.normalised", "partition": i, "lag": v}
                                                     for i, v in enumerate(lags)]
                                      + [{"topic": "news.raw", "partition": 0, "lag": 9}]}}
        history.sample([], view, now=t)
    assert "partitions" not in history.window(60, now=110.0)
    window = history.window(60, now=110.0, partitions_of="news.normalised")
    assert sorted(window["partitions"]) == ["news.normalised[0]", "news.normalised[1]"]
    assert [v for v in window["partitions"]["news.normalised[1]"] if v is not None] == [4, 6, 6]
    assert [v for v in window["partitions"]["news.normalised[0]"] if v is not None][-1] == 2

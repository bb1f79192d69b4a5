"""Restart backoff and crash-loop detection: the rules that keep restarts from hiding a loop."""

from __future__ import annotations

from pipeline.supervision import (
    CRASH_LOOP_WINDOW_S,
    FIRST_BACKOFF_S,
    HEALTHY_AFTER_S,
    MAX_BACKOFF_S,
    Backoff,
    ChildStatus,
    read_statuses,
    write_status,
)


def test_backoff_doubles_to_its_cap_and_resets_after_a_healthy_run():
    b = Backoff()
    waits = [b.after_exit(ran_for=1.0) for _ in range(7)]
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert waits[0] == FIRST_BACKOFF_S and waits[-1] == MAX_BACKOFF_S
    assert b.after_exit(ran_for=HEALTHY_AFTER_S + 1) == FIRST_BACKOFF_S


def test_three_exits_in_the_window_is_a_crash_loop_and_old_exits_expire():
    s = ChildStatus("worker-6066")
    s.exited(1, now=1000.0)
    s.exited(1, now=1010.0)
    assert s.state == "restarting" and not s.crash_looping
    s.exited(137, now=1020.0)
    assert s.state == "crash-loop"
    assert s.reason() == "worker-6066 exited 3 times in 5 min (last exit code 137)"
    s.exited(1, now=1020.0 + CRASH_LOOP_WINDOW_S + 1)  # the first three are now outside the window
    assert s.exits == [1020.0 + CRASH_LOOP_WINDOW_S + 1] and s.state == "restarting"


def test_statuses_round_trip_and_dead_supervisors_are_ignored(tmp_path):
    write_status(tmp_path, ChildStatus("archive", pid=12, restarts=2))
    write_status(tmp_path, ChildStatus("worker-1", supervisor_pid=2**22 + 12345))  # no such process
    [only] = read_statuses(tmp_path)
    assert (only.name, only.pid, only.restarts) == ("archive", 12, 2)

"""A stalled worker and a crash-looping one are red at a glance with the reason (issue 19 item 2),
and lag over time per partition opens on demand (item 3): read in Chromium from the live group.

Both bad states are made once for the module, with real processes, and undone afterwards:

* stalled: worker 1's NLP child is stopped (SIGSTOP, as a child wedged in native code would
  be) and articles are sent whose enriching falls to worker 1's partitions: their committed
  offsets stand still with work waiting. The watchdog leaves a busy NLP child alone, so only
  the dashboard says so (after half of NEWSWIRE_STALL_TIMEOUT: 20 s in the group's settings).
* crash-looping: a real supervisor (``newswire worker`` with an app id and topics of its own,
  in the group's data dir) whose Faust process is killed with SIGKILL as soon as it starts, as
  the OOM killer would: three exits within five minutes. It never publishes a figure, so the
  row comes from the supervisor's status file alone, with the last exit's reason.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest
from aiokafka.partitioner import DefaultPartitioner

from pipeline.broker import free_port
from pipeline.supervision import status_dir
from tests.dashboard.conftest import audit, horizontal_overflow, shot
from tests.helpers import produce, run

STALL_ARTICLES = 3  # articles left waiting on worker 1's partitions
CRASH_KILLS = 3  # a crash loop is three exits in five minutes (pipeline.supervision)
PARTITIONS = 4  # NEWSWIRE_PARTITIONS' default, which the group runs with
STALL_SHOWN_S = 90  # half the group's stall timeout, and the 2 s snapshots, with ample room for a loaded machine


@dataclass
class Trouble:
    stalled_web: str
    normalised: str
    waiting: Counter  # partition -> articles waiting there
    crash_name: str
    kills: list[int] = field(default_factory=list)


def _worker(view: dict, web: str) -> dict:
    return next(w for w in view["workers"] if w["web"] == web)


def _kill_each_start(path, kills: list[int], stop: threading.Event) -> None:
    """SIGKILL every process the supervisor starts, as soon as its status names it."""
    while not stop.wait(0.1):
        try:
            status = json.loads(path.read_bytes())
        except (OSError, ValueError):
            continue
        pid = status.get("pid")
        if status.get("state") in ("running", "crash-loop") and pid and pid not in kills:
            try:
                os.kill(pid, signal.SIGKILL)
                kills.append(pid)
            except ProcessLookupError:
                pass


@pytest.fixture(scope="module")
def trouble(dash_group):
    env = dash_group.env
    web = f"http://127.0.0.1:{dash_group.ports[1]}/"
    normalised = env["NEWSWIRE_TOPIC_NORMALISED"]
    worker = _worker(dash_group.get("/api/pipeline"), web)
    owned = [int(p[len(normalised) + 1:-1]) for p in worker["inputs"] if p.startswith(normalised + "[")]
    assert owned, f"worker 1 holds no {normalised} partition: {worker['inputs']}"
    # ids whose normalised record lands on worker 1's partitions (the producer's own partitioner)
    partitioner, every = DefaultPartitioner(), list(range(PARTITIONS))
    ids: list[str] = []
    waiting: Counter = Counter()
    n = 0
    while len(ids) < STALL_ARTICLES:
        article_id, n = f"stall-{n:03d}", n + 1
        part = partitioner(article_id.encode(), every, every)
        if part in owned:
            ids.append(article_id)
            waiting[part] += 1
    nlp_pid = worker["nlp"]["pid"]
    crash_port = free_port()
    crash_env = {**env, "NEWSWIRE_APP_ID": f"{env['NEWSWIRE_APP_ID']}-crash",
                 **{k: v + "-crash" for k, v in env.items() if k.startswith("NEWSWIRE_TOPIC_")}}
    status_file = status_dir(Path(env["NEWSWIRE_DATA_DIR"])) / f"faust-{crash_port}.json"
    trouble = Trouble(stalled_web=web, normalised=normalised, waiting=waiting, crash_name=f"faust-{crash_port}")
    stop = threading.Event()
    killer = threading.Thread(target=_kill_each_start, args=(status_file, trouble.kills, stop), daemon=True)
    supervisor = None
    os.kill(nlp_pid, signal.SIGSTOP)
    try:
        run(produce(dash_group.bootstrap, env["NEWSWIRE_TOPIC_RAW"], [
            (i.encode(), orjson.dumps({"id": i, "source": "dashboard-test", "title": f"Stall check {i}",
                                       "body": f"GENEVA (Reuters) - Delegates from France met again for {i}. "
                                               "The talks continue."})) for i in ids]))
        killer.start()
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "newswire", "worker", "--web-port", str(crash_port), "-l", "warn"],
            env=crash_env, stdout=open(dash_group.logs / "crash-loop.log", "wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while len(trouble.kills) < CRASH_KILLS:
            assert time.monotonic() < deadline, f"the supervisor started {len(trouble.kills)} processes in 60 s"
            assert supervisor.poll() is None, f"the supervisor exited with {supervisor.returncode}"
            time.sleep(0.2)
        yield trouble
    finally:
        stop.set()
        os.kill(nlp_pid, signal.SIGCONT)
        if supervisor is not None:
            supervisor.terminate()
            supervisor.wait(30)
    # the group as before for the tests after these: every worker running, nothing waiting
    deadline = time.monotonic() + 120
    while True:
        view = dash_group.get("/api/pipeline")
        calm = (all(w["state"] == "running" for w in view["workers"]) and len(view["workers"]) == 2
                and all(t["lag"] == 0 for name, t in view["lag"]["topics"].items() if not name.endswith("trend-counts")))
        if calm:
            break
        assert time.monotonic() < deadline, f"the group did not recover: {view['workers']}"
        time.sleep(1)


def _row(page, worker: str):
    return page.locator(f"#workers tbody tr[data-worker='{worker}']")


def test_a_stalled_worker_is_red_with_the_partition_and_what_waits(dash_group, trouble, page):
    p = page.page
    p.goto(dash_group.url("/dashboard"))
    stalled_worker = _worker(dash_group.get("/api/pipeline"), trouble.stalled_web)["worker"]
    p.wait_for_function("w => document.querySelector(`#workers tbody tr[data-worker='${w}']`)?.dataset.state "
                        "=== 'stalled'", arg=stalled_worker, timeout=STALL_SHOWN_S * 1000)
    row = _row(p, stalled_worker)
    assert "bad-row" in (row.get_attribute("class") or "")
    assert row.locator(".badge.bad").text_content() == "stalled"
    reason = row.locator(".reason").text_content()
    found = re.search(rf"{re.escape(trouble.normalised)}\[(\d)\] committed offset stuck at (\d+) for (\d+)s "
                      r"with (\d+) waiting; the NLP child has been on one batch for (\d+)s", reason)
    assert found, reason
    partition, committed, waited, lag = (int(found.group(i)) for i in range(1, 5))
    assert lag == trouble.waiting[partition] and waited >= float(dash_group.env["NEWSWIRE_STALL_TIMEOUT"]) / 2
    view = dash_group.get("/api/pipeline")
    held = next(r for r in view["lag"]["partitions"] if (r["topic"], r["partition"]) == (trouble.normalised, partition))
    assert (held["committed"], held["lag"]) == (committed, lag)
    # the alert line above the table names it too, and the other worker is not red
    assert f"{stalled_worker} is stalled: {trouble.normalised}[{partition}]" in p.text_content("#workers-alert")
    others = [w for w in view["workers"] if w["web"] and w["web"] != trouble.stalled_web]
    assert [w["state"] for w in others] == ["running"]


def test_a_crash_looping_worker_is_red_with_its_last_exit(dash_group, trouble, page):
    p = page.page
    p.goto(dash_group.url("/dashboard", 1))
    p.wait_for_function("w => document.querySelector(`#workers tbody tr[data-worker='${w}']`)?.dataset.state "
                        "=== 'crash-looping'", arg=trouble.crash_name, timeout=30_000)
    row = _row(p, trouble.crash_name)
    assert "bad-row" in (row.get_attribute("class") or "")
    reason = row.locator(".reason").text_content()
    found = re.search(r"(\d+) exits in 5 min under its supervisor \((faust-\d+)\); last: killed by SIGKILL", reason)
    assert found, reason
    assert CRASH_KILLS <= int(found.group(1)) <= len(trouble.kills) and found.group(2) == trouble.crash_name
    assert f"{trouble.crash_name} is crash-looping" in p.text_content("#workers-alert")
    # it publishes nothing: the two workers report, the crash-looping process is counted apart
    assert p.text_content("#workers-count") == "2 of 2 worker(s) reporting, 1 supervised process(es) down"
    restarts = int(row.locator("td").nth(3).locator(".count").text_content())
    assert CRASH_KILLS <= restarts <= len(trouble.kills)
    assert "last exit: killed by SIGKILL" in row.locator("td").nth(3).text_content()
    # and the host's readiness says why it is not ready
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(dash_group.url("/readyz", 1), timeout=10)
    assert refused.value.code == 503
    assert any(line.startswith(f"{trouble.crash_name} exited ") for line in orjson.loads(refused.value.read())["crash_loops"])
    assert audit(p) == [] and horizontal_overflow(p) <= 0
    shot(p, "workers-stalled-and-crash-looping")
    assert page.errors == []


def test_lag_per_partition_over_time_opens_on_demand(dash_group, trouble, page):
    p = page.page
    p.goto(dash_group.url("/dashboard"))
    p.wait_for_selector(f"#lag-topic option[value='{trouble.normalised}']", state="attached", timeout=30_000)
    assert p.get_attribute("#chart-lag-partitions", "data-series") is None  # nothing fetched while closed
    p.click("#lag-details summary")
    p.select_option("#lag-topic", trouble.normalised)
    expected = {f"{trouble.normalised}[{i}]": trouble.waiting.get(i, 0) for i in range(PARTITIONS)}
    p.wait_for_function("([topic, want]) => { const c = document.querySelector('#chart-lag-partitions'); "
                        "return c.dataset.topic === topic && c.dataset.last === want; }",
                        arg=[trouble.normalised, json.dumps(expected, separators=(",", ":"))], timeout=30_000)
    chart = p.locator("#chart-lag-partitions")
    assert chart.get_attribute("data-series") == ",".join(sorted(expected))
    assert chart.locator(".u-legend .u-series").count() == PARTITIONS + 1  # time + one per partition
    assert audit(p) == []
    shot(p, "lag-per-partition")
    assert page.errors == []

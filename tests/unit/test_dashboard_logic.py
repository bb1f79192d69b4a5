"""The dashboard's pure parts: merging worker snapshots, chart history, dead-letter views,
replay requests, restart counting."""

from __future__ import annotations

import base64
import os
import time
from types import SimpleNamespace

import orjson
import pytest

from agents.web import aggregate, workers
from agents.web.deadletters import DeadIndex, hexdump, present
from agents.web.history import History
from agents.web.replay import ReplayRefused, parse_request, raw_message
from pipeline.errors import PipelineError, Reason, Stage
from pipeline.messages import dead_letter


def snap(worker: str, at: float, **extra) -> dict:
    return {"worker": worker, "web": f"http://h/{worker}", "at": at, "started_at": 0.0, **extra}


def test_top_lists_merge_each_workers_top_into_the_group_top():
    a = snap("a", 0, trends={"entities": [{"id": "GPE:x", "name": "X", "count": 5},
                                          {"id": "GPE:y", "name": "Y", "count": 1}]})
    b = snap("b", 0, trends={"entities": [{"id": "GPE:z", "name": "Z", "count": 3}]})
    merged = aggregate._merge_trends([a, b])["entities"]
    assert [(e["id"], e["count"]) for e in merged] == [("GPE:x", 5), ("GPE:z", 3), ("GPE:y", 1)]


def test_lag_rows_count_each_partition_once_from_the_newest_snapshot():
    row = {"topic": "news.raw", "partition": 0, "end": 10, "committed": 4, "lag": 6, "in_flight": 2, "stuck_s": 0}
    old = snap("a", 1, partitions=[row])
    new = snap("b", 2, partitions=[{**row, "committed": 9, "lag": 1, "in_flight": 0}])
    lag = aggregate._merge_lag([new, old])
    assert lag["topics"] == {"news.raw": {"lag": 1, "in_flight": 0, "end": 10, "partitions": 1}}
    assert lag["partitions"][0]["worker"] == "b"


def test_a_silent_worker_is_red_with_the_reason():
    row = aggregate._worker_row(snap("a", 100.0, info={"state": "running", "reason": ""}), now=130.0)
    assert (row["state"], row["bad"]) == ("silent", True)
    assert "30s" in row["reason"]


def test_history_turns_counters_into_rates_and_survives_a_restart():
    history = History()
    view = {"agents": {}, "lag": {"topics": {"news.raw": {"lag": 7, "in_flight": 1}}}}
    history.sample([snap("a", 100.0, agents={"enrich": {"events_out": 10}})], view, now=100.0)
    history.sample([snap("a", 110.0, agents={"enrich": {"events_out": 60}})], view, now=110.0)
    restarted = {**snap("a", 120.0, agents={"enrich": {"events_out": 20}}), "started_at": 115.0}
    history.sample([restarted], view, now=120.0)
    rates = [s["rate"].get("enrich") for s in history.samples]
    assert rates == [None, 5.0, 2.0]
    window = history.window(60, now=120.0)
    assert max(v for v in window["lag"]["news.raw"] if v is not None) == 7
    assert None in window["rate"]["enrich"]  # no sample: a gap, not a zero


def test_binary_payloads_are_shown_as_a_hex_dump():
    letter = dead_letter(stage=Stage.NORMALISE, error=PipelineError("binary", Reason.UNDECODABLE),
                         value=b"\xff\xfe" + bytes(range(38)), topic="news.raw", partition=1, offset=7)
    shown = present(orjson.loads(letter.model_dump_json()), 0, 3)
    assert shown["payload_kind"] == "binary" and shown["id"] == "0:3"
    assert shown["payload"].splitlines()[0] == "0000  ff fe 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d  ................"
    assert hexdump(b"<script>") == "0000  3c 73 63 72 69 70 74 3e                          <script>"


def test_long_text_payloads_are_cut_with_a_show_all():
    letter = dead_letter(stage=Stage.NORMALISE, error=PipelineError("x", Reason.INVALID_JSON), value=b"y" * 5000)
    record = orjson.loads(letter.model_dump_json())
    assert len(present(record, 0, 0)["payload"]) == 2000 and not present(record, 0, 0)["payload_shown_all"]
    assert len(present(record, 0, 0, full=True)["payload"]) == 5000


def test_dead_index_filters_counts_and_charts_by_reason():
    index = DeadIndex()
    now = time.time() - 30
    for offset, (stage, reason) in enumerate([("normalise", "invalid_json"), ("enrich", "nlp_failed"),
                                              ("normalise", "invalid_json")]):
        value = orjson.dumps({"stage": stage, "reason": reason, "message": "m", "payload": "p"})
        index.on_record(SimpleNamespace(value=value, partition=0, offset=offset, timestamp=int(now * 1000)))
    assert index.summary()["by_reason"] == {"invalid_json": 2, "nlp_failed": 1}
    assert [e["id"] for e in index.select(reason="invalid_json")] == ["0:2", "0:0"]
    assert [e["id"] for e in index.select(stage="enrich")] == ["0:1"]
    series = index.series(now - 120, 60)
    assert sum(series["by_reason"]["invalid_json"]) == 2


def test_replay_sends_the_original_bytes_or_rebuilds_a_raw_article():
    raw = b'{"id": "a1", "body": "text"}'
    letter = dead_letter(stage=Stage.NORMALISE, error=PipelineError("x"), value=raw, key=b"a1")
    assert raw_message(orjson.loads(letter.model_dump_json())) == (b"a1", raw)
    normalised = {"id": "n1", "source": "wire", "title": "T", "text": "Body text.", "content_hash": "h",
                  "received_at": "2026-01-01T00:00:00Z",
                  "pipeline": {"version": "t", "timings": {}}}
    letter = dead_letter(stage=Stage.ENRICH, error=PipelineError("x", Reason.NLP_FAILED),
                         value=orjson.dumps(normalised), article_id="n1")
    key, value = raw_message(orjson.loads(letter.model_dump_json()))
    assert key == b"n1" and orjson.loads(value) == {"id": "n1", "source": "wire", "title": "T", "body": "Body text.",
                                                    "content_type": "text/plain", "metadata": {}}
    cut = {**orjson.loads(letter.model_dump_json()), "payload_truncated": True, "topic": "news.raw",
           "partition": 2, "offset": 9}
    with pytest.raises(ValueError, match=r"news.raw\[2\]@9"):
        raw_message(cut)


def test_base64_payloads_replay_as_their_bytes():
    record = {"stage": "normalise", "payload": base64.b64encode(b"\xff\x00").decode(), "payload_encoding": "base64"}
    assert raw_message(record) == (None, b"\xff\x00")


@pytest.mark.parametrize(("body", "message"), [
    (b"not json", "not valid JSON"),
    (b'{"reason": "invalid_json"}', "operator"),
    (b'{"operator": "me"}', "give 'ids'"),
    (b'{"operator": "me", "ids": ["3-4"]}', "not a dead-letter id"),
    (b'{"operator": "me", "ids": []}', "a list of 1 to"),
])
def test_bad_replay_requests_say_what_is_wrong(body, message):
    with pytest.raises(ReplayRefused, match=message):
        parse_request(body)


def test_replay_request_by_ids_and_by_reason():
    assert parse_request(b'{"operator": " me ", "ids": ["0:3", "2:10"]}') == {"operator": "me",
                                                                            "locations": [(0, 3), (2, 10)]}
    assert parse_request(b'{"operator": "me", "reason": "invalid_json", "stage": "normalise"}') == {
        "operator": "me", "reason": "invalid_json", "stage": "normalise"}


def test_restarts_are_counted_under_one_supervisor(tmp_path):
    first = workers.record_start(tmp_path, now=1000.0)
    second = workers.record_start(tmp_path, now=1010.0)
    third = workers.record_start(tmp_path, now=1020.0)
    assert (first["restarts"], second["restarts"], third["restarts"]) == (0, 1, 2)
    assert third["recent_starts"] == 3  # three starts in five minutes: a crash loop
    later = workers.record_start(tmp_path, now=1020.0 + workers.CRASH_LOOP_WINDOW_S + 1)
    assert later["recent_starts"] == 1


def test_another_supervisor_starts_the_count_again(tmp_path):
    (tmp_path / "starts.json").write_bytes(orjson.dumps({"parent": os.getppid() + 1, "starts": [1.0, 2.0]}))
    assert workers.record_start(tmp_path, now=3.0)["restarts"] == 0


def test_cpu_and_rss_of_this_process():
    meter = workers.ProcessMeter()
    assert meter.read(os.getpid())["cpu_percent"] is None  # no earlier reading yet
    sum(i * i for i in range(200_000))
    reading = meter.read(os.getpid())
    assert reading["rss_mb"] > 10 and reading["cpu_percent"] >= 0

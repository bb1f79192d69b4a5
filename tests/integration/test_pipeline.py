"""End to end on the real embedded broker: ingest -> normalise -> enrich -> topics."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import orjson
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import DEMO, FIXTURES
from tests.helpers import collect, collect_all, produce, run
from tests.hostile import HOSTILE


def ingest(env, *paths):
    out = subprocess.run([sys.executable, "-m", "newswire", "ingest", "--quiet", "--ids", "name", *map(str, paths)],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stderr


def test_ingested_story_is_enriched(worker, pipeline_env, broker):
    summary = ingest(pipeline_env, FIXTURES / "wire_story.txt")
    assert "sent 1" in summary
    records = run(collect(broker.bootstrap, "news.enriched", lambda rs: any(v["id"] == "wire_story" for _, v in rs)))
    # other tests in the session send this story too: every copy must be the same record
    copies = [(k, v) for k, v in records if v["id"] == "wire_story"]
    assert copies
    for key, article in copies:
        assert key == b"wire_story"
        assert article["dateline"]["location"] == "LISBON"
        assert any(q["speaker"] and q["speaker"]["name"] == "Mira Castell" for q in article["quotes"])


def test_quotes_fan_out_keyed_by_speaker(worker, pipeline_env, broker):
    ingest(pipeline_env, DEMO / "07_central_bank.txt")
    records = run(collect(broker.bootstrap, "news.quotes",
                          lambda rs: any(v["article_id"] == "07_central_bank" for _, v in rs)))
    mine = [(k, v) for k, v in records if v["article_id"] == "07_central_bank"]
    assert mine
    for key, record in mine:
        assert key.decode() == (record["speaker_entity_id"] or "")
    assert any(v["speaker_name"] == "Ana Lindqvist" for _, v in mine)


def test_malformed_messages_are_dead_lettered_and_processing_goes_on(worker, pipeline_env, broker):
    bad = [
        (b"bad-json", b"{this is not json"),
        (b"bad-type", orjson.dumps({"id": "bad-type", "body": 42})),
        (b"empty", orjson.dumps({"id": "empty", "body": "  "})),
        (b"huge", orjson.dumps({"id": "huge", "body": "word " * 60_000})),
        (b"binary", bytes(range(256)) * 8),
    ]
    good = (b"after-bad", orjson.dumps({"id": "after-bad", "body": "ROME (Reuters) - Italy said on Monday "
                                         "it would hold talks. \"We are ready,\" minister Carla Neri said."}))
    run(produce(broker.bootstrap, "news.raw", [*bad, good]))
    dead = run(collect(broker.bootstrap, "news.deadletter", lambda rs: len({v["key"] for _, v in rs} &
                       {"bad-json", "bad-type", "empty", "huge", "binary"}) == 5))
    reasons = {v["key"]: v["reason"] for _, v in dead}
    assert reasons["bad-json"] == "invalid_json"
    assert reasons["bad-type"] == "invalid_record"
    assert reasons["empty"] == "empty_body"
    assert reasons["huge"] == "too_large"
    assert reasons["binary"] == "undecodable"
    assert all(v["stage"] == "normalise" and v["message"] for _, v in dead)
    enriched = run(collect(broker.bootstrap, "news.enriched", lambda rs: any(v["id"] == "after-bad" for _, v in rs)))
    assert any(v["id"] == "after-bad" for _, v in enriched)


def test_health_ready_and_metrics(worker, pipeline_env):
    port = pipeline_env["NEWSWIRE_WEB_PORT"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as r:
        assert orjson.loads(r.read())["status"] == "ok"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz") as r:
        assert orjson.loads(r.read())["ready"] is True
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as r:
        families = {f.name: f for f in text_string_to_metric_families(r.read().decode())}
    assert "newswire_events_in" in families or "newswire_events_in_total" in families


def test_hostile_inputs_are_processed_or_dead_lettered_never_stuck(worker, pipeline_env, broker):
    """Every kind of bad input from issue 9: each ends on news.enriched or news.deadletter with
    a reason code, and the message after them is processed normally."""
    from pipeline.errors import Reason

    hostile = HOSTILE
    good = (b"after-hostile", orjson.dumps({"id": "after-hostile", "body": "OSLO (Reuters) - The port reopened."}))
    run(produce(broker.bootstrap, "news.raw", [*((k.encode(), v) for k, v in hostile.items()), good]))

    # partitions finish in any order: read both topics until every input is accounted for
    wanted = set(hostile) | {"after-hostile"}
    deadline = time.monotonic() + 90
    while True:
        dead = run(collect_all(broker.bootstrap, "news.deadletter"))
        dead_keys = {v.get("key") for _, v in dead}
        enriched = run(collect(broker.bootstrap, "news.enriched",
                               lambda rs, known=dead_keys: wanted <= {v.get("id") for _, v in rs} | known,
                               timeout=10))
        if wanted <= {v.get("id") for _, v in enriched} | dead_keys or time.monotonic() > deadline:
            break
    done = {v["id"]: v for _, v in enriched if v.get("id") in hostile}
    reasons = {v["key"]: v["reason"] for _, v in dead if v.get("key") in hostile}
    assert set(done) | set(reasons) == set(hostile), "every hostile input must be accounted for"
    assert set(reasons.values()) <= {r.value for r in Reason}
    assert done["h-russian"]["language"] == "ru"
    control = done["h-control"]
    assert "\x00" not in control["text"] and "\u200b" not in control["text"]
    for article in done.values():  # spans of whatever was processed still index its text
        for entity in article["entities"]:
            for m in entity["mentions"]:
                assert article["text"][m["start"]:m["end"]] == m["text"]

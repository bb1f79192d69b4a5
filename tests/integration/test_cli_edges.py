"""The command line's edges against a real broker (or none): one clear line and exit status 2
without a broker, rejected input named by field and line, unknown topics, a subscriber that
lost its broker, each record delivered once, and one id per story across folders sharing names."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid

import orjson
import pytest

from pipeline.broker import EmbeddedBroker, free_port
from pipeline.client import quote_records, subscribe_raw
from pipeline.delivered import DeliveredIds
from pipeline.settings import Settings
from tests.conftest import FIXTURES, SHARED
from tests.helpers import collect, produce, run

BBC = SHARED / "corpora" / "bbc"


def cli(env, *args, stdin: bytes | None = None, timeout=120):
    return subprocess.run([sys.executable, "-m", "newswire", *map(str, args)], env=env, input=stdin,
                          capture_output=True, timeout=timeout)


@pytest.mark.parametrize("command", [("ingest", FIXTURES / "wire_story.txt"), ("subscribe", "--timeout", "5")])
def test_no_broker_is_one_line_and_exit_status_2(pipeline_env, command):
    port = free_port()
    out = cli({**pipeline_env, "NEWSWIRE_BROKER": f"kafka://127.0.0.1:{port}"}, *command)
    err = out.stderr.decode()
    assert out.returncode == 2, err
    assert err.strip().count("\n") == 0, err
    assert f"127.0.0.1:{port}" in err and "newswire run" in err and "newswire broker" in err
    assert "Traceback" not in err and "Unclosed" not in err


def test_ingest_names_the_field_and_line_and_exits_non_zero(pipeline_env, broker):
    lines = b'{"body": "ROME - fine."}\n{"body": 5}\n{broken\n{"title": "no text"}\n'
    out = cli(pipeline_env, "ingest", "--stdin", stdin=lines)
    err = out.stderr.decode()
    assert out.returncode == 1, err
    assert "sent 1 to news.raw" in err and "rejected 3" in err
    assert "stdin:2: field 'body': Input should be a valid string" in err
    assert "stdin:3: not valid JSON at line 3, column 2:" in err
    assert "stdin:4: field 'body': an article needs a non-empty body or html" in err


def test_subscribing_to_an_unknown_topic_says_so(pipeline_env, broker):
    known = f"test.known.{uuid.uuid4().hex[:6]}"
    run(produce(broker.bootstrap, known, [(b"k", b'{"id": "k"}')]))
    out = cli(pipeline_env, "subscribe", "--topic", "nosuch", timeout=30)
    err = out.stderr.decode()
    assert out.returncode == 2 and "topic 'nosuch' does not exist" in err and known in err, err


def test_a_pipeline_topic_not_created_yet_is_waited_for(pipeline_env, broker):
    env = {**pipeline_env, "NEWSWIRE_TOPIC_DEADLETTER": f"test.dl.{uuid.uuid4().hex[:6]}"}
    out = cli(env, "subscribe", "--topic", "deadletter", "--timeout", "3", timeout=30)
    assert out.returncode == 0 and "does not exist yet" in out.stderr.decode() and out.stdout == b""


def article(aid: str) -> dict:
    return {"id": aid, "source": "wire:test", "entities": [], "quotes": []}


def test_subscribers_get_each_record_once(pipeline_env, broker):
    topic = f"test.enriched.{uuid.uuid4().hex[:8]}"
    # at-least-once copies, as a killed worker leaves them: same id, same record, later offsets
    values = [article(a) for a in ["d0", "d1", "d0", "d2", "d1", "d0"]] + [{"stage": "enrich", "payload": "x"}] * 2
    run(produce(broker.bootstrap, topic, [(b"k", orjson.dumps(v)) for v in values]))  # one key: one partition
    once = cli(pipeline_env, "subscribe", "--topic", topic, "--from-beginning", "--timeout", "2")
    every = cli(pipeline_env, "subscribe", "--topic", topic, "--from-beginning", "--timeout", "2", "--keep-duplicates")
    ids = [orjson.loads(line).get("id") for line in once.stdout.splitlines()]
    assert ids == ["d0", "d1", "d2", None, None], "dead letters have no id and are never dropped"
    assert len(every.stdout.splitlines()) == len(values)

    settings = Settings(broker=broker.url, topic_quotes=topic + ".quotes")
    quote = {"article_id": "d0", "source": "wire:test", "quote": {"id": "d0:q1", "text": "x", "start": 0, "end": 1,
                                                                  "segments": [], "kind": "direct"}}
    second = {**quote, "quote": {**quote["quote"], "id": "d0:q2"}}
    run(produce(broker.bootstrap, settings.topic_quotes, [(b"s", orjson.dumps(q)) for q in [quote, second, quote]]))

    async def read_quotes(**kwargs) -> list[str]:
        return [q.quote.id async for q in quote_records(settings, from_beginning=True, idle_timeout=2, **kwargs)]

    assert run(read_quotes()) == ["d0:q1", "d0:q2"]
    assert run(read_quotes(keep_duplicates=True)) == ["d0:q1", "d0:q2", "d0:q1"]

    memory = DeliveredIds(size=1)  # bounded: with room for one id, a copy two records behind gets through

    async def read_raw() -> list[bytes]:
        return [v async for v in subscribe_raw(settings, topic, from_beginning=True, idle_timeout=2, delivered=memory)]

    assert [orjson.loads(v).get("id") for v in run(read_raw())] == ["d0", "d1", "d0", "d2", "d1", "d0", None, None]


def wait_for_line(lines: list[str], text: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in line for line in lines):
            return True
        time.sleep(0.2)
    return False


def test_a_subscriber_that_lost_its_broker_says_it_is_retrying_and_when_it_is_back(pipeline_env, tmp_path):
    port = free_port()
    own = EmbeddedBroker("127.0.0.1", port, log_path=tmp_path / "broker.log").start()
    again = None
    proc = None
    try:
        topic = f"test.lost.{uuid.uuid4().hex[:6]}"
        run(produce(own.bootstrap, topic, [(b"a", orjson.dumps(article("a")))]))
        proc = subprocess.Popen([sys.executable, "-m", "newswire", "subscribe", "--topic", topic, "--from-beginning"],
                                env={**pipeline_env, "NEWSWIRE_BROKER": own.url}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        lines: list[str] = []
        threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True).start()
        assert orjson.loads(proc.stdout.readline())["id"] == "a"
        own.stop()
        assert wait_for_line(lines, f"lost the Kafka broker at {own.bootstrap}; retrying"), lines
        again = EmbeddedBroker("127.0.0.1", port, log_path=tmp_path / "broker2.log").start()
        assert wait_for_line(lines, f"the Kafka broker at {own.bootstrap} is back"), lines
        assert sum("lost the Kafka broker" in x for x in lines) == 1, "said once, not on every retry"
    finally:
        if proc:
            proc.terminate()
            proc.wait(30)
        own.stop()
        if again:
            again.stop()


def raw_ids(broker, topic: str, expected: int) -> list[str]:
    records = run(collect(broker.bootstrap, topic, lambda rs: len(rs) >= expected, timeout=120))
    return [v["id"] for _, v in records]


def test_folders_sharing_file_names_give_one_id_per_story(pipeline_env, broker):
    """Each folder given on its own, as the measured bug was made (tech, then business): every
    001.txt has origin 001.txt, only the content tells them apart."""
    desks = [FIXTURES / "desks" / d for d in ("tech", "business", "politics")]
    topic = f"test.raw.{uuid.uuid4().hex[:6]}"  # no worker reads it: exactly what ingest sent
    env = {**pipeline_env, "NEWSWIRE_TOPIC_RAW": topic}
    out = cli(env, "ingest", "--quiet", *desks)
    assert out.returncode == 0, out.stderr
    ids = raw_ids(broker, topic, 5)
    assert len(ids) == 5 and len(set(ids)) == 5
    again = cli(env, "ingest", "--quiet", *desks)  # the same stories sent twice keep their ids
    assert again.returncode == 0 and sorted(raw_ids(broker, topic, 10)) == sorted(ids * 2)


@pytest.mark.skipif(not BBC.exists(), reason="the BBC corpus is used when ../shared is here")
def test_bbc_folders_one_by_one_give_as_many_ids_as_stories(pipeline_env, broker):
    folders = sorted(p for p in BBC.iterdir() if p.is_dir())
    stories = sum(1 for f in folders for p in f.glob("*.txt"))
    topic = f"test.raw.{uuid.uuid4().hex[:6]}"
    out = cli({**pipeline_env, "NEWSWIRE_TOPIC_RAW": topic}, "ingest", "--quiet", *folders, timeout=300)
    assert out.returncode == 0, out.stderr
    ids = raw_ids(broker, topic, stories)
    assert len(ids) == stories and len(set(ids)) == stories, f"{len(set(ids))} ids for {stories} stories"

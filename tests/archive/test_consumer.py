"""The archive process against the real (embedded) broker, on both stores.

Exactly once: kill -9 mid-flow, restart, and every article is there once with its quotes
once; duplicates on the topic and replays after the crash overwrite, never add.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from pipeline.archive import open_store
from pipeline.archive.sql import SqlStore
from tests.archive.records import encode, story
from tests.helpers import produce, run

FIRST, SECOND = 1000, 500  # articles sent before the crash, and while the archive is down
DUPLICATES = 100  # re-sent articles (an at-least-once producer's retries)
DEAD = 5


def archive_env(broker, store_url: str, uid: str) -> dict[str, str]:
    return {**os.environ, "NEWSWIRE_BROKER": broker.url, "NEWSWIRE_TOPIC_ENRICHED": f"arch-enriched-{uid}",
            "NEWSWIRE_TOPIC_DEADLETTER": f"arch-dead-{uid}", "NEWSWIRE_ARCHIVE_GROUP": f"archive-{uid}",
            "NEWSWIRE_ARCHIVE_URL": store_url, "NEWSWIRE_ARCHIVE_BATCH": "25",
            # the killed archive's group membership expires after 6 s, not 10: the restart waits that long
            "NEWSWIRE_SESSION_TIMEOUT": "6"}


def articles(start: int, stop: int) -> list[tuple[bytes | None, bytes]]:
    return [(f"a{n:05d}".encode(), encode(story(f"a{n:05d}"))) for n in range(start, stop)]


def stored(store_url: str) -> int:
    try:
        with open_store(store_url) as s:
            return s.stats()["articles"]
    except Exception:
        return 0


async def committed_lag(bootstrap: str, group: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or await _parts(consumer, topic)]
        ends = await consumer.end_offsets(parts)
        lag = 0
        for tp in parts:
            lag += ends[tp] - (await consumer.committed(tp) or 0)
        return lag
    finally:
        await consumer.stop()


async def _parts(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer._client.cluster.partitions_for_topic(topic) or set()


def test_kill_9_mid_flow_then_every_article_exactly_once(broker, store_url, tmp_path):
    uid = uuid.uuid4().hex[:8]
    env = archive_env(broker, store_url, uid)
    bootstrap = broker.url.split("://")[-1]
    run(produce(bootstrap, env["NEWSWIRE_TOPIC_ENRICHED"], articles(0, FIRST)))
    dead: list[tuple[bytes | None, bytes]] = [
        (None, b'{"stage": "normalise", "reason": "invalid_json", "message": "m", "payload": "p", "failed_at": "t"}')]
    run(produce(bootstrap, env["NEWSWIRE_TOPIC_DEADLETTER"], dead * DEAD))
    log = open(tmp_path / "archive.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "newswire", "archive"], env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while stored(store_url) < 50 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    at_kill = stored(store_url)
    assert 50 <= at_kill < FIRST, f"not mid-flow: {at_kill} stored at the kill"

    # while it is down: more articles, and some sent again
    run(produce(bootstrap, env["NEWSWIRE_TOPIC_ENRICHED"], articles(FIRST, FIRST + SECOND) + articles(0, DUPLICATES)))
    again = subprocess.run([sys.executable, "-m", "newswire", "archive", "--until-idle", "4"], env=env,
                           stdout=log, stderr=subprocess.STDOUT, timeout=180, check=False)
    log.close()
    assert again.returncode == 0, (tmp_path / "archive.log").read_text()[-2000:]

    total = FIRST + SECOND
    with open_store(store_url) as s:
        assert isinstance(s, SqlStore)
        assert s.stats()["articles"] == total
        assert s.stats()["quotes"] == 3 * total
        per_article = s._execute("SELECT article_id, count(*) FROM quotes GROUP BY article_id HAVING count(*) <> 3")
        assert per_article == []
        assert s._execute("SELECT count(*) FROM mentions")[0][0] == 3 * total
        assert s._execute("SELECT count(DISTINCT id) FROM articles")[0][0] == total
        assert s.stats()["dead_letters"] == DEAD
        assert sorted(r[0] for r in s._execute("SELECT id FROM articles")) == [f"a{n:05d}" for n in range(total)]
    # and the group has committed everything: a third start would have nothing to do
    for topic in (env["NEWSWIRE_TOPIC_ENRICHED"], env["NEWSWIRE_TOPIC_DEADLETTER"]):
        assert run(committed_lag(bootstrap, env["NEWSWIRE_ARCHIVE_GROUP"], topic)) == 0


def test_stats_line_and_junk_on_the_topic(broker, store_url, tmp_path):
    uid = uuid.uuid4().hex[:8]
    env = archive_env(broker, store_url, uid)
    bootstrap = broker.url.split("://")[-1]
    run(produce(bootstrap, env["NEWSWIRE_TOPIC_ENRICHED"], [(None, b"not json"), (None, b'{"no": "id"}'), *articles(0, 3)]))
    done = subprocess.run([sys.executable, "-m", "newswire", "archive", "--until-idle", "3"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "stored 3 articles and 0 dead letters this run (2 records skipped)" in done.stderr
    stats = subprocess.run([sys.executable, "-m", "newswire", "archive", "--stats"], env=env,
                           capture_output=True, text=True, timeout=60, check=False)
    assert stats.returncode == 0, stats.stderr
    assert ": 3 articles, 9 quotes, 3 entities, 0 dead letters, " in stats.stdout
    assert " MB on disk" in stats.stdout


def test_search_command_answers_and_refuses(broker, store_url, tmp_path):
    with open_store(store_url, create=True) as s:
        from pipeline.archive.rows import article_row

        s.write([article_row(encode(story("a1")), time.time())], [])
    env = {**os.environ, "NEWSWIRE_ARCHIVE_URL": store_url}
    ok = subprocess.run([sys.executable, "-m", "newswire", "search", "negotiations", "--speaker", "saleh",
                         "--since", "7d"], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "Amrullah Saleh: \u201cWe prefer negotiations, but they should be meaningful\u201d" in ok.stdout
    assert ok.stderr.strip() == "1 quote"
    bad = subprocess.run([sys.executable, "-m", "newswire", "search", "'; DROP TABLE articles"], env=env,
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and "unexpected \"'\" at column 1" in bad.stderr
    with open_store(store_url) as s:
        assert s.stats()["articles"] == 1


def test_retention_setting_purges_old_articles_at_start(broker, store_url):
    with open_store(store_url, create=True) as s:
        from pipeline.archive.rows import article_row

        s.write([article_row(encode(story("old")), time.time() - 40 * 86400),
                 article_row(encode(story("recent")), time.time() - 2 * 86400)], [])
    env = {**archive_env(broker, store_url, uuid.uuid4().hex[:8]), "NEWSWIRE_ARCHIVE_RETENTION": "30"}
    done = subprocess.run([sys.executable, "-m", "newswire", "archive", "--until-idle", "2"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "retention 30 days: deleted 1 articles, 0 dead letters" in done.stderr
    with open_store(store_url) as s:
        assert s.article("old") is None and s.article("recent") is not None

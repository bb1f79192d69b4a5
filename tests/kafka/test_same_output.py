"""The pipeline on a three-node Apache Kafka cluster (`newswire run --workers 2`) writes exactly
the records it writes on the embedded broker: the demo feed, the seed story and our own wire
story, compared field by field except the times (when it was received, how long stages took)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import orjson

from pipeline.broker import EmbeddedBroker, free_port
from tests.conftest import DEMO, wire_stories
from tests.helpers import collect, collect_all, run
from tests.kafka.cluster_tools import comparable
from tests.kafka.conftest import newswire_run, web_env


def outputs(bootstrap: str, ids: set[str] | None, expected: int) -> tuple[dict[str, dict], list[bytes]]:
    """Enriched articles by id (every copy must be identical) and the sorted quote records."""
    def complete(records: list) -> bool:
        got = {v.get("id") for _, v in records}
        return ids <= got if ids is not None else len(got) >= expected

    enriched = run(collect(bootstrap, "news.enriched", complete, timeout=240))
    articles: dict[str, dict] = {}
    for _, v in enriched:
        if ids is not None and v["id"] not in ids:
            continue
        seen = articles.setdefault(v["id"], comparable(v))
        assert seen == comparable(v), f"two different records for {v['id']}"
    quotes = run(collect_all(bootstrap, "news.quotes"))
    mine = {orjson.dumps(comparable(v), option=orjson.OPT_SORT_KEYS) for _, v in quotes
            if v.get("article_id") in articles}
    return articles, sorted(mine)


def ingest(env: dict[str, str], paths: list[Path]) -> None:
    out = subprocess.run([sys.executable, "-m", "newswire", "ingest", "--quiet", *map(str, paths)],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_demo_feed_and_seed_story_same_as_on_the_embedded_broker(kafka_cluster, cluster_pipeline, tmp_path):
    feed = [DEMO, *wire_stories()]  # the demo feed `newswire run --demo` sends, the seed, our story
    expected = len(list(DEMO.glob("*.txt"))) + len(wire_stories())

    # the reference: the embedded broker under `newswire run`, one worker
    with EmbeddedBroker("127.0.0.1", free_port(), log_path=tmp_path / "tansu.log") as tansu:
        env = web_env({**os.environ, "NEWSWIRE_BROKER": tansu.url, "NEWSWIRE_APP_ID": f"ref-{uuid.uuid4().hex[:6]}",
                       "NEWSWIRE_DATA_DIR": str(tmp_path / "tansu-data")})
        with newswire_run(env, tmp_path / "run-tansu.log"):
            ingest(env, feed)
            reference, reference_quotes = outputs(tansu.bootstrap, None, expected)
    assert len(reference) == expected
    assert reference_quotes, "the demo feed has quotes"

    # the same files into `newswire run --workers 2` on the three-node cluster
    ingest(cluster_pipeline.env, feed)
    on_kafka, kafka_quotes = outputs(kafka_cluster.bootstrap, set(reference), expected)

    assert sorted(on_kafka) == sorted(reference)
    for article_id, record in reference.items():
        for name, value in record.items():
            assert on_kafka[article_id].get(name) == value, f"{article_id}: field {name!r} differs"
        assert on_kafka[article_id].keys() == record.keys()
    assert kafka_quotes == reference_quotes
    print(f"\n[kafka] same output: {len(reference)} articles, {len(reference_quotes)} quote records "
          "identical on Tansu and on the 3-node cluster")

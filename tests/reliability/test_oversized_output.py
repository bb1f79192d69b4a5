"""An article under the input limit whose enriched record is over the output limit: compacted,
published, never lost; one whose text alone cannot fit: dead-lettered ``output_too_large``."""

from __future__ import annotations

import orjson
import pytest

from pipeline.broker import EmbeddedBroker, free_port
from tests.helpers import collect, produce, run
from tests.reliability.harness import Workers

OUTPUT_LIMIT = 20_000  # the same code path as the 990 kB default, at a size the test can parse quickly


def transcript(paragraphs: int) -> str:
    para = ('Minister Mara Quist told the hearing in Lestria City: "We will keep the valley line open '
            'for as long as the farmers of the valley need it, and we will say so again tomorrow."\n\n')
    return "LESTRIA CITY (Wire) - " + para * paragraphs


@pytest.fixture
def own_broker(tmp_path):
    with EmbeddedBroker("127.0.0.1", free_port(), log_path=tmp_path / "tansu.log") as b:
        yield b


def test_oversized_outputs_are_compacted_or_dead_lettered(own_broker, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSWIRE_MAX_OUTPUT_BYTES", str(OUTPUT_LIMIT))
    workers = Workers(own_broker.url, tmp_path)
    workers.start()
    fits = transcript(40)  # ~7 kB of text; the whole record with its quotes and mentions is far more
    cannot = transcript(120)  # ~22 kB of text: over the limit before anything else is added
    try:
        run(produce(own_broker.bootstrap, "news.raw", [
            (b"big1", orjson.dumps({"id": "big1", "title": "Valley line", "body": fits})),
            (b"big2", orjson.dumps({"id": "big2", "title": "Valley line again", "body": cannot})),
        ]))
        enriched = run(collect(own_broker.bootstrap, "news.enriched",
                               lambda rs: any(v.get("id") == "big1" for _, v in rs), timeout=420))
        dead = run(collect(own_broker.bootstrap, "news.deadletter",
                           lambda rs: any(v.get("article_id") == "big2" for _, v in rs), timeout=240))
    finally:
        workers.stop_all()
    record = next(v for _, v in enriched if v.get("id") == "big1")
    assert len(orjson.dumps(record)) <= OUTPUT_LIMIT
    assert record["compacted"][0] == "mentions" and len(record["quotes"]) >= 1
    assert record["text"].count("We will keep the valley line open") == 40  # the text is whole
    letters = [v for _, v in dead if v.get("article_id") == "big2"]
    assert letters, "big2 was neither published nor dead-lettered"
    # at-least-once: a restart under load may dead-letter it twice, never for another reason
    assert all(v["reason"] == "output_too_large" and f"NEWSWIRE_MAX_OUTPUT_BYTES={OUTPUT_LIMIT}" in v["message"]
               for v in letters), [(v["reason"], v["message"][:200]) for v in letters]

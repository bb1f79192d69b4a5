"""Trend counts are routed by entity id, so one worker owns each key's count."""

import orjson

from agents.trends import add_counts, new_articles, partition_of, trend_counts
from schemas.records import EnrichedArticle


def article(article_id: str, entities: list[tuple[str, str, str]], speakers: list[tuple[str, str]]) -> EnrichedArticle:
    text = "x" * 10
    return EnrichedArticle.model_validate({
        "id": article_id, "source": "test", "text": text, "received_at": "2026-01-01T00:00:00+00:00",
        "content_hash": "h", "pipeline": {"version": "t", "timings": {}},
        "entities": [{"id": i, "label": label, "name": name, "mentions": [{"start": 0, "end": 1, "text": "x"}],
                      "salience": 1.0} for i, label, name in entities],
        "quotes": [{"id": f"{article_id}:q{n}", "text": "x", "start": 0, "end": 1,
                    "segments": [{"start": 0, "end": 1, "text": "x"}], "kind": "direct",
                    "speaker": {"start": 0, "end": 1, "text": "x", "name": name, "entity_id": sid}}
                   for n, (sid, name) in enumerate(speakers)],
    })


def test_partition_is_stable_and_in_range():
    assert partition_of("PERSON:amrullah_saleh", 8) == partition_of("PERSON:amrullah_saleh", 8)
    assert {partition_of(f"ORG:{n}", 4) for n in range(200)} == {0, 1, 2, 3}


def test_articles_are_sent_to_the_partitions_owning_their_ids():
    batch = [
        article("a", [("ORG:taliban", "ORG", "Taliban"), ("GPE:kabul", "GPE", "Kabul")],
                [("PERSON:saleh", "Amrullah Saleh"), ("PERSON:saleh", "Amrullah Saleh")]),
        article("b", [("ORG:taliban", "ORG", "Taliban")], []),
    ]
    messages = {p: orjson.loads(v) for p, v in trend_counts(batch, 4).items()}
    names = {k: v for m in messages.values() for k, v in m["names"].items()}
    assert names == {"ORG:taliban": ["Taliban", "ORG"], "GPE:kabul": ["Kabul", "GPE"],
                     "PERSON:saleh": ["Amrullah Saleh", "PERSON"]}
    delta = {"e": {}, "s": {}, "a": []}
    for message in messages.values():
        add_counts(delta, new_articles(message, set()))
    assert delta["e"] == {"ORG:taliban": 2, "GPE:kabul": 1}
    assert delta["s"] == {"PERSON:saleh": 2}
    for partition, message in messages.items():
        for parts in message["articles"].values():
            for key in [*parts["e"], *parts["s"]]:
                assert partition_of(key, 4) == partition


def test_a_redelivered_article_is_counted_once():
    message = orjson.loads(trend_counts([article("a", [("ORG:un", "ORG", "UN")], [])], 1)[0])
    seen: set[str] = set()
    window: dict = {}
    add_counts(window, new_articles(message, seen))
    add_counts(window, new_articles(message, seen))  # the same article again, after a rebalance
    assert window == {"e": {"ORG:un": 1}, "s": {}, "a": ["a"]}


def test_quotes_without_a_linked_speaker_are_not_counted():
    messages = trend_counts([article("c", [], [(None, None)])], 4)
    assert messages == {}


def test_a_window_adds_each_message_to_its_counts():
    window: dict = {}
    add_counts(window, {"e": {"ORG:taliban": 2, "GPE:kabul": 1}, "s": {}, "a": ["x", "y"]})
    add_counts(window, {"e": {"ORG:taliban": 3}, "s": {"PERSON:saleh": 1}, "a": ["z"]})
    assert window == {"e": {"ORG:taliban": 5, "GPE:kabul": 1}, "s": {"PERSON:saleh": 1}, "a": ["x", "y", "z"]}


def test_window_totals_follow_changed_and_dropped_windows():
    from agents.trends import WindowTotals

    totals = WindowTotals()
    w1, w2 = ("p0", (0.0, 9.9)), ("p1", (0.0, 9.9))
    totals.update({w1: {"e": {"GPE:x": 2}, "s": {}, "a": ["a", "b"]}, w2: {"e": {"GPE:y": 1}, "s": {}, "a": ["c"]}})
    assert totals.top("e", 10) == [("GPE:x", 2), ("GPE:y", 1)]
    totals.update({w1: {"e": {"GPE:x": 2, "GPE:y": 2}, "s": {}, "a": ["a", "b", "d"]}})  # w1 grew, w2 left
    assert totals.top("e", 10) == [("GPE:x", 2), ("GPE:y", 2)]
    assert totals.top("e", 1) == [("GPE:x", 2)]
    totals.update({})
    assert totals.top("e", 10) == [] and totals.sums == {"e": {}, "s": {}}

"""A subscriber's memory of what it delivered: each record once, in bounded memory."""

import pytest

from pipeline.delivered import DELIVERED_MEMORY, DeliveredIds, record_key


def test_a_redelivered_record_is_dropped_once_seen():
    seen = DeliveredIds()
    assert [seen.first_time(k) for k in ["a", "b", "a", "c", "b"]] == [True, True, False, True, False]
    assert seen.dropped == 2 and len(seen) == 3 and seen.size == DELIVERED_MEMORY


def test_memory_is_bounded_and_forgets_the_least_recently_seen():
    seen = DeliveredIds(size=2)
    assert seen.first_time("a") and seen.first_time("b")
    assert not seen.first_time("a")  # a is now the most recent
    assert seen.first_time("c")  # evicts b, not a
    assert len(seen) == 2 and not seen.first_time("a") and seen.first_time("b")
    with pytest.raises(ValueError):
        DeliveredIds(size=0)


def test_records_without_an_id_are_never_dropped():
    seen = DeliveredIds()
    assert seen.first_time(None) and seen.first_time(None)


def test_what_makes_records_the_same():
    assert record_key({"id": "a1", "title": "x"}) == "a1"
    # quote records share their article's id; each quote has its own
    q1 = {"article_id": "a1", "quote": {"id": "a1:q1"}}
    q2 = {"article_id": "a1", "quote": {"id": "a1:q2"}}
    assert record_key(q1) == "quote:a1:q1" and record_key(q2) == "quote:a1:q2"
    assert record_key({"stage": "normalise", "reason": "invalid_json", "article_id": "a1"}) is None
    assert record_key([1, 2]) is None and record_key({"id": ""}) is None

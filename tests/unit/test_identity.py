"""The one article identity: own id wins, else a hash of origin and content."""

from pathlib import Path

import pytest

from pipeline.identity import HASH_BYTES, article_id, content_id, name_id, relative_origin, scoped_id, with_id
from schemas.records import RawArticle


def raw(**fields) -> RawArticle:
    return RawArticle(**{"source": "file:tech/001.txt", "body": "A bridge opened.", **fields})


def test_the_producers_own_id_wins():
    assert article_id(raw(id="reuters-123")) == "reuters-123"
    assert article_id(raw(id="  ")) == content_id(raw()), "a blank id is no id"
    assert with_id(raw(id="x")).id == "x"


def test_the_same_story_sent_twice_keeps_its_id():
    assert article_id(raw()) == article_id(raw())
    # pinned: an id must not change between releases, or a re-sent story would look new
    assert article_id(raw()) == "e438ab6e6173c3c3" and len(article_id(raw())) == 2 * HASH_BYTES
    assert with_id(raw()).id == article_id(raw())


@pytest.mark.parametrize("change", [
    {"source": "file:business/001.txt"},  # same name, another folder: the BBC collision
    {"body": "A bridge closed."},
    {"title": "Bridge"},
    {"url": "https://x.example/1"},
    {"html": "<p>A bridge opened.</p>"},
])
def test_a_different_origin_or_content_gives_another_id(change):
    assert article_id(raw(**change)) != article_id(raw())


def test_fields_cannot_run_into_each_other():
    assert article_id(raw(title="ab", body="c")) != article_id(raw(title="a", body="bc"))
    assert article_id(raw(title="", body="x")) != article_id(raw(title=None, body="x"))


def test_scoped_ids_keep_a_feeds_guid_apart_from_anothers():
    assert scoped_id("https://a/rss", "1", "feed") != scoped_id("https://b/rss", "1", "feed")
    assert scoped_id("https://a/rss", "1", "feed") == scoped_id("https://a/rss", "1", "feed")
    # unchanged from before identity.py existed: followers' saved state still matches
    assert scoped_id("f", "g", "feed") == "feed-" + __import__("hashlib").sha1(b"f\ng").hexdigest()[:16]


def test_origins_are_relative_to_what_was_given():
    assert relative_origin(Path("bbc/tech/001.txt"), Path("bbc")) == "tech/001.txt"
    assert relative_origin(Path("bbc/tech/001.txt"), None) == "001.txt"
    assert relative_origin(Path("elsewhere/001.txt"), Path("bbc")) == "001.txt"
    assert name_id("tech/001.txt") == "tech/001" and name_id("v1.2/notes") == "v1.2/notes"
    assert name_id("story") == "story"

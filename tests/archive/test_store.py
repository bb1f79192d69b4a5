"""One suite, both stores (SQLite FTS5 and PostgreSQL tsvector): the same answers from each."""

from __future__ import annotations

import time
import zlib

import orjson
import pytest

from pipeline.archive import build_search
from pipeline.archive.backends import open_store
from pipeline.archive.rows import article_row, dead_letter_row
from pipeline.archive.sql import SqlStore
from tests.archive.records import KABUL, SALEH, TALIBAN, encode, plain, story

NOW = time.time()


def write(store, *records: dict, seen: float = NOW) -> None:
    store.write([article_row(encode(r), seen) for r in records], [])


def ids(page: dict) -> list[str]:
    return [hit["id"] for hit in page["results"]]


def counts(store) -> tuple[int, int, int]:
    s = store.stats()
    return s["articles"], s["quotes"], s["entities"]


def test_writing_an_article_again_updates_never_doubles(store):
    write(store, story("a1"))
    write(store, story("a1"))
    store.write([article_row(encode(story("a1")), NOW)] * 3, [])  # duplicates inside one batch
    assert counts(store) == (1, 3, 3)
    assert ids(store.search(build_search(speaker="saleh"))) == ["a1:q2", "a1:q1"]
    changed = story("a1", title="Updated headline")
    changed["quotes"] = changed["quotes"][:1]
    write(store, changed)
    assert counts(store) == (1, 1, 3)
    assert store.search(build_search("Updated"))["results"][0]["title"] == "Updated headline"
    assert ids(store.search(build_search("negotiations", kind="quotes"))) == []


def test_the_full_record_comes_back_as_received(store):
    record = story("a1")
    write(store, record)
    assert orjson.loads(store.article("a1")) == record  # including fields the archive does not know
    assert store.article("nope") is None


def test_what_did_saleh_say_about_negotiations(store):
    write(store, story("a1"), plain("b1", "Budget talks", "Negotiations on the budget continue."))
    page = store.search(build_search("negotiation", speaker="saleh", since="7d"))  # stemmed: negotiations
    assert ids(page) == ["a1:q2"]
    hit = page["results"][0]
    assert hit["speaker"] == {"name": "Amrullah Saleh", "entity_id": SALEH}
    assert (hit["article_id"], hit["kind"], hit["published_at"]) == ("a1", "direct", "2021-08-24")
    assert hit["text"] == "We prefer negotiations, but they should be meaningful"
    assert ids(store.search(build_search("negotiations", speaker=SALEH))) == ["a1:q2"]
    assert ids(store.search(build_search(speaker="saleh", since=time.strftime("%Y-%m-%d", time.gmtime(NOW + 86400))))) == []


def test_articles_by_word_source_entity_and_label(store):
    write(store, story("a1"), plain("b1", "Kabul airport", "Flights resumed in Kabul.", source="bbc/world"))
    assert ids(store.search(build_search("Kabul", kind="articles"))) == ["b1", "a1"]
    assert ids(store.search(build_search("Kabul", kind="articles", source="sputnik"))) == ["a1"]  # dateline agency
    assert ids(store.search(build_search("Kabul", source="BBC"))) == ["b1"]
    assert ids(store.search(build_search(entity="kabul"))) == ["a1"]  # by name, not just by word
    assert ids(store.search(build_search(entity=KABUL))) == ["a1"]
    assert ids(store.search(build_search(entity="kabul", label="ORG"))) == []
    assert ids(store.search(build_search(label="person"))) == ["a1"]
    assert ids(store.search(build_search("airport Kabul"))) == ["b1"]  # every word required
    hit = store.search(build_search("Kabul", source="sputnik"))["results"][0]
    assert "Saleh said in Kabul" in hit["snippet"] and (hit["quotes"], hit["entities"]) == (3, 3)


def test_phrases_match_words_in_order(store):
    write(store, story("a1"))
    assert ids(store.search(build_search('"prefer negotiations"'))) == ["a1"]
    assert ids(store.search(build_search('"negotiations prefer"'))) == []


def test_quotes_by_or_about_an_entity_and_by_label(store):
    write(store, story("a1"))
    assert ids(store.search(build_search(kind="quotes", entity="taliban"))) == ["a1:q3", "a1:q1"]
    assert ids(store.search(build_search(kind="quotes", label="ORG"))) == ["a1:q3"]


def test_cursor_pages_cover_everything_once_newest_first(store):
    write(store, *[plain(f"p{n:02d}", f"Market report {n}", "Shares rose.") for n in range(25)])
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        page = store.search(build_search("shares", limit=10, cursor=cursor))
        seen += ids(page)
        cursor = page["next_cursor"]
    assert cursor is None
    assert seen == [f"p{n:02d}" for n in reversed(range(25))]


def test_entity_page(store):
    write(store, story("a1"), seen=NOW - 86400)
    write(store, story("a2", published=None))
    e = store.entity(SALEH)
    assert (e["name"], e["label"], e["articles"], e["mentions"]) == ("Amrullah Saleh", "PERSON", 2, 4)
    today = time.strftime("%Y-%m-%d", time.gmtime(NOW))
    assert e["per_day"] == [{"day": "2021-08-24", "articles": 1, "mentions": 2}, {"day": today, "articles": 1, "mentions": 2}]
    assert [(c["id"], c["articles"]) for c in e["co_occurring"]] == [(KABUL, 2), (TALIBAN, 2)]
    assert [q["id"] for q in e["quotes_by"]] == ["a2:q2", "a2:q1", "a1:q2", "a1:q1"]
    assert [q["id"] for q in store.entity(TALIBAN)["quotes_about"]] == ["a2:q1", "a1:q1"]
    assert store.entity("PERSON:nobody") is None


def test_speaker_quotes_page_by_cursor(store):
    write(store, story("a1"), story("a2"))
    first = store.speaker_quotes(SALEH, 3)
    assert ids(first) == ["a2:q2", "a2:q1", "a1:q2"] and first["speaker"]["name"] == "Amrullah Saleh"
    after = build_search(kind="quotes", cursor=first["next_cursor"]).after
    rest = store.speaker_quotes(SALEH, 3, after)
    assert ids(rest) == ["a1:q1"] and rest["next_cursor"] is None


def test_dead_letters_are_kept_once_by_their_offset(store):
    value = b'{"stage": "normalise", "reason": "invalid_json", "message": "bad", "payload": "x", "failed_at": "t"}'
    rows = [dead_letter_row(value, NOW, "news.deadletter", 0, 7)] * 2
    store.write([], rows)
    store.write([], rows)
    assert [(d["key"], d["reason"]) for d in store.dead_letters()] == [("news.deadletter/0/7", "invalid_json")]
    assert store.dead_letters(reason="too_large") == []


def test_retention_deletes_what_was_seen_before_the_cutoff(store):
    write(store, story("old"), seen=NOW - 10 * 86400)
    write(store, plain("new", "Fresh", "News."))
    store.write([], [dead_letter_row(b"{}", NOW - 10 * 86400, "news.deadletter", 0, 1)])
    assert store.purge(NOW - 5 * 86400) == {"articles": 1, "dead_letters": 1}
    assert counts(store) == (1, 0, 0)  # the old article's quotes and now-orphaned entities went with it
    assert store.article("old") is None and store.article("new") is not None


def test_stats_count_and_measure(store):
    write(store, story("a1"))
    s = store.stats()
    assert (s["articles"], s["quotes"], s["entities"], s["dead_letters"]) == (1, 3, 3, 0)
    assert s["bytes"] > 10_000


@pytest.mark.parametrize("hostile", ["'; DROP TABLE articles; --", "%", "_", "\\", "a' OR '1'='1", "Robert'); --"])
def test_filters_are_bound_parameters_not_sql(store, hostile):
    write(store, story("a1"))
    before = counts(store)
    for kind in ("articles", "quotes"):
        for field in ("speaker", "entity", "source"):
            assert store.search(build_search(kind=kind, **{field: hostile}))["results"] == []
    assert store.speaker_quotes(hostile, 5)["results"] == []
    assert store.entity(hostile) is None and store.article(hostile) is None
    assert counts(store) == before


def test_nul_characters_are_dropped_and_huge_ids_refused(store):
    from pipeline.archive.rows import NotArchivable

    record = story("nul\x00id", title="Head\x00line")
    record["text"] = record["text"].replace("Kabul", "Ka\x00bul")  # PostgreSQL text cannot hold NUL
    record["entities"][0]["name"] = "Amrullah\x00 Saleh"
    write(store, record)
    assert store.search(build_search("Headline"))["results"][0]["id"] == "nulid"
    assert store.entity(SALEH)["name"] == "Amrullah Saleh"
    with pytest.raises(NotArchivable, match="article id of 600 characters"):
        article_row(encode(story("x" * 600)), NOW)


def test_records_are_stored_compressed(store_url):
    with open_store(store_url, create=True) as s:
        write(s, story("a1"))
        assert isinstance(s, SqlStore)
        raw = s._execute("SELECT record FROM articles WHERE id = ?", ("a1",))[0][0]
    assert orjson.loads(zlib.decompress(bytes(raw)))["id"] == "a1"


def test_a_reader_cannot_open_an_archive_nobody_created(tmp_path):
    from pipeline.archive import ArchiveUnavailable

    with pytest.raises(ArchiveUnavailable, match="no archive at"):
        open_store(f"sqlite:///{tmp_path / 'missing.sqlite3'}")
    with pytest.raises(ArchiveUnavailable, match="not supported"):
        open_store("mysql://localhost/db")


def test_probe_and_index_plans_give_the_same_answers(store, monkeypatch):
    """Filters matching many rows are probed row by row, rare ones looked up by index
    (sql.COMMON_ROWS): both plans must find the same results."""
    import pipeline.archive.sql as sql

    write(store, story("a1"), story("a2", source="bbc/politics"), plain("b1", "Kabul airport", "Flights.", source="bbc/world"))
    searches = [build_search(entity="kabul"), build_search(entity=SALEH, kind="quotes"), build_search("Kabul", source="bbc"),
                build_search(source="sputnik", kind="quotes"), build_search(kind="articles", speaker="saleh"),
                build_search(source="nothing-like-it")]
    by_index = [ids(store.search(s)) for s in searches]
    monkeypatch.setattr(sql, "COMMON_ROWS", 1)
    assert [ids(store.search(s)) for s in searches] == by_index
    assert by_index == [["a2", "a1"], ["a2:q2", "a2:q1", "a1:q2", "a1:q1"], ["b1", "a2"],
                        ["a2:q3", "a2:q2", "a2:q1", "a1:q3", "a1:q2", "a1:q1"], ["a2", "a1"], []]


def test_full_text_pages_are_the_same_through_the_newest_rows_or_the_index(store, monkeypatch):
    """PostgreSQL looks for a word among the newest rows first and through the GIN index after
    (postgres.PROBE_ROWS): with a window of 3 rows, every page crosses from one to the other.
    Rare and common words, a second page, quotes; SQLite answers the same in one step."""
    import pipeline.archive.postgres as postgres

    records = [plain(f"p{n:02d}", f"Market report {n}", "Shares rose." + (" Zinc too." if n % 7 == 0 else ""))
               for n in range(25)]
    write(store, *records, story("a1"), story("a2"))
    monkeypatch.setattr(postgres, "PROBE_ROWS", {"articles": 3, "quotes": 3})

    def all_pages(**kw) -> list[str]:
        seen, cursor = [], None
        while True:
            page = store.search(build_search(cursor=cursor, limit=4, **kw))
            seen += ids(page)
            cursor = page["next_cursor"]
            if cursor is None:
                return seen

    assert all_pages(q="shares") == [f"p{n:02d}" for n in reversed(range(25))]
    assert all_pages(q="zinc") == ["p21", "p14", "p07", "p00"]  # none among the newest three
    assert all_pages(q="zzyzx") == []
    assert all_pages(q="negotiations", kind="quotes") == ["a2:q2", "a1:q2"]
    assert all_pages(q="Taliban", kind="articles") == ["a2", "a1"]

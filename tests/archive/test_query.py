"""The search grammar and its validator: pure functions, no store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.archive.query import (
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    BadQuery,
    Term,
    build_search,
    decode_cursor,
    encode_cursor,
    parse_terms,
)
from pipeline.archive.rows import NotArchivable, article_row, dead_letter_row
from pipeline.archive.snippet import snippet
from tests.archive.records import KABUL, SALEH, TALIBAN, encode, story


def test_words_and_phrases_become_lower_case_token_terms():
    terms = parse_terms('Negotiations "caretaker President" U.S. al-Qaeda don\'t')
    assert [t.tokens for t in terms] == [("negotiations",), ("caretaker", "president"), ("u", "s"),
                                         ("al", "qaeda"), ("don", "t")]
    assert [t.is_phrase for t in terms] == [False, True, True, True, True]


def test_typographic_quotes_make_phrases_too():
    assert parse_terms("\u201cmeaningful negotiation\u201d")[0].tokens == ("meaningful", "negotiation")


@pytest.mark.parametrize(("query", "message"), [
    ('"unbalanced phrase', "unbalanced quote at column 1"),
    ('Saleh "said', "unbalanced quote at column 7"),
    ("'; DROP TABLE articles; --", "unexpected \"'\" at column 1"),
    ("Taliban; DELETE FROM quotes", "unexpected ';' at column 8"),
    ("Saleh OR Taliban", "'OR' at column 7 is search-engine syntax"),
    ("text:Saleh", "unexpected ':' at column 5"),
    ("negotiat*", "unexpected '*' at column 9"),
    ("(Saleh)", "unexpected '(' at column 1"),
    ("NEAR(a b)", "unexpected '(' at column 5"),
    ("-Taliban", "unexpected '-' at column 1"),
    ('""', "empty phrase at column 1"),
    ("x" * (MAX_QUERY_CHARS + 1), f"the limit is {MAX_QUERY_CHARS}"),
    (" ".join(["word"] * 13), "13 words or phrases; the limit is 12"),
])
def test_malformed_queries_are_refused_with_where_and_why(query, message):
    with pytest.raises(BadQuery) as info:
        parse_terms(query)
    assert message in str(info.value)


def test_operators_inside_a_phrase_are_words():
    assert parse_terms('"Saleh OR Taliban"')[0].tokens == ("saleh", "or", "taliban")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"limit": 0}, f"limit must be from 1 to {MAX_LIMIT}, not 0"),
    ({"limit": MAX_LIMIT + 1}, f"not {MAX_LIMIT + 1}"),
    ({"limit": "ten"}, "limit must be a whole number"),
    ({"kind": "tweets"}, "kind must be one of articles, quotes"),
    ({"label": "PERSON'--"}, "is not an entity label"),
    ({"since": "last tuesday"}, "since 'last tuesday'"),
    ({"speaker": "s" * 121}, "speaker is 121 characters"),
    ({"cursor": "not-a-cursor"}, "cursor is not one this API returned"),
    ({"cursor": encode_cursor("quotes", 5)}, "cursor belongs to another search"),
])
def test_bad_parameters_are_refused(kwargs, message):
    with pytest.raises(BadQuery) as info:
        build_search("Kabul", **kwargs)
    assert message in str(info.value)


def test_defaults_quotes_with_a_speaker_articles_without():
    assert build_search("negotiations", speaker="saleh").kind == "quotes"
    assert build_search("Kabul").kind == "articles"
    assert build_search("Kabul", speaker="saleh", kind="articles").kind == "articles"


def test_since_is_relative_to_now_and_label_upper_case():
    s = build_search(since="7d", label="person")
    assert s.since is not None and abs(s.since - (datetime.now(UTC) - timedelta(days=7))) < timedelta(seconds=5)
    assert s.label == "PERSON"


def test_cursor_round_trip():
    assert decode_cursor("articles", encode_cursor("articles", 12345)) == 12345
    assert build_search("x", cursor=encode_cursor("articles", 7)).after == 7


def test_snippet_finds_a_stemmed_word_and_marks_cuts():
    text = "Lead paragraph. " * 30 + "We prefer negotiation over war. " + "Tail. " * 60
    cut = snippet(text, (Term("negotiations", ("negotiations",)),))
    assert "negotiation over war" in cut and cut.startswith("… ") and cut.endswith(" …")
    assert snippet("Short text.", ()) == "Short text."


def test_article_rows_read_fields_by_name_and_keep_the_record():
    value = encode(story("a1"))
    row = article_row(value, 1_700_000_000.0)
    assert (row.id, row.day, row.record) == ("a1", "2021-08-24", value)
    assert row.source_key == "file:seed.txt | urdupoint news | sputnik"
    assert [(m.entity_id, m.count) for m in row.mentions] == [(SALEH, 2), (TALIBAN, 2), (KABUL, 1)]
    # a quote is about the entities named inside it, other than its speaker
    assert [(q.id, q.speaker_ref, q.about) for q in row.quotes] == [
        ("a1:q1", SALEH, [TALIBAN]), ("a1:q2", SALEH, []), ("a1:q3", TALIBAN, [])]


def test_undated_article_is_filed_under_the_day_it_was_seen():
    row = article_row(b'{"id": "x", "text": "t", "published_at": null}', 1_700_000_000.0)
    assert row.day == "2023-11-14" and row.quotes == [] and row.title is None


@pytest.mark.parametrize("value", [b"not json", b"[]", b'{"title": "no id"}', b'{"id": ""}'])
def test_records_without_an_id_are_not_archivable(value):
    with pytest.raises(NotArchivable):
        article_row(value, 0.0)


def test_a_dead_letter_that_is_not_json_is_still_kept():
    row = dead_letter_row(b"\xff garbage", 5.0, "news.deadletter", 2, 9)
    assert (row.key, row.reason, row.stage) == ("news.deadletter/2/9", "unreadable_dead_letter", "unknown")

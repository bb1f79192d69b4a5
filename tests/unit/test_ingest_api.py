"""POST /api/articles request checking: token, JSON, fields, batch size (no server needed)."""

import orjson
import pytest

from agents.web.ingest_api import MAX_BATCH, IngestRejected, check_token, parse_articles


def rejected(fn, *args) -> IngestRejected:
    with pytest.raises(IngestRejected) as info:
        fn(*args)
    return info.value


def test_token_rules():
    assert rejected(check_token, "Bearer x", None).status == 404  # endpoint off without a token
    assert rejected(check_token, None, "s3cret").status == 401
    assert rejected(check_token, "Bearer nope", "s3cret").message == "wrong bearer token"
    check_token("Bearer s3cret", "s3cret")


def test_single_article_gets_a_stable_id():
    body = orjson.dumps({"title": "Bridge", "body": "LONDON (Reuters) - A bridge opened.", "url": "https://x/1"})
    (first,) = parse_articles(body)
    (again,) = parse_articles(body)
    assert first.id == again.id and first.source == "http" and first.received_at is not None


def test_batch_forms():
    items = [{"id": "a", "body": "one"}, {"id": "b", "html": "<p>two</p>", "content_type": "text/html"}]
    assert [a.id for a in parse_articles(orjson.dumps(items))] == ["a", "b"]
    assert [a.id for a in parse_articles(orjson.dumps({"articles": items}))] == ["a", "b"]


@pytest.mark.parametrize(("body", "field", "text"), [
    (b"", None, "empty request body"),
    (b"{not json", None, "not valid JSON"),
    (orjson.dumps([{"body": "ok"}, {"body": 5}]), "articles[1].body", "valid string"),
    (orjson.dumps({"title": "no text"}), "body", "non-empty body or html"),
    (orjson.dumps([{"body": "ok"}, "text"]), "articles[1]", "expected a JSON object"),
    (orjson.dumps({"body": "x", "colour": "red"}), "colour", "Extra inputs"),
    (orjson.dumps({"body": "x", "content_type": "text/rtf"}), "content_type", "Input should be"),
])
def test_bad_bodies_name_the_field(body, field, text):
    err = rejected(parse_articles, body)
    assert err.status == 400 and text in err.message and err.field == field


def test_batch_limit():
    assert rejected(parse_articles, orjson.dumps([{"body": "x"}] * (MAX_BATCH + 1))).status == 413

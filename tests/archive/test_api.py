"""The HTTP API over real HTTP (aiohttp's test server) on both stores: answers, 400s, 404s."""

from __future__ import annotations

import time

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from agents.web.archive_api import ArchiveReader, handlers
from pipeline.archive.rows import article_row
from pipeline.settings import Settings
from tests.archive.records import SALEH, encode, plain, story

HEADERS = {"X-Content-Type-Options": "nosniff"}


@pytest.fixture
async def client(store, store_url):
    store.write([article_row(encode(story("a1")), time.time())]
                + [article_row(encode(plain(f"p{n}", f"Shares report {n}", "Shares rose.")), time.time())
                   for n in range(5)], [])
    reader = ArchiveReader(Settings(), store_url)
    app = web.Application()
    for path, handler in handlers(reader, HEADERS).items():
        app.router.add_get(path, handler)
    async with TestClient(TestServer(app)) as c:
        yield c
    reader.close()


async def test_search_quotes_by_speaker(client):
    r = await client.get("/api/search", params={"q": "negotiations", "speaker": "saleh", "since": "7d"})
    assert r.status == 200 and r.headers["X-Content-Type-Options"] == "nosniff"
    body = await r.json()
    assert body["kind"] == "quotes" and [h["id"] for h in body["results"]] == ["a1:q2"]
    assert body["results"][0]["speaker"] == {"name": "Amrullah Saleh", "entity_id": SALEH}


async def test_search_pages_with_the_cursor(client):
    seen, cursor = [], None
    while True:
        params = {"q": "shares", "limit": "2", **({"cursor": cursor} if cursor else {})}
        body = await (await client.get("/api/search", params=params)).json()
        seen += [h["id"] for h in body["results"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == ["p4", "p3", "p2", "p1", "p0"]


@pytest.mark.parametrize(("params", "message"), [
    ({"q": '"unbalanced'}, "unbalanced quote"),
    ({"q": "Kabul AND Saleh"}, "'AND' at column 7 is search-engine syntax"),
    ({"q": "'; DROP TABLE articles; --"}, "unexpected \"'\""),
    ({"q": "text:kabul"}, "unexpected ':'"),
    ({"q": "k" * 201}, "the limit is 200"),
    ({"q": "Kabul", "limit": "1000"}, "limit must be from 1 to 100"),
    ({"q": "Kabul", "limit": "-1"}, "limit must be from 1 to 100"),
    ({"q": "Kabul", "cursor": "'; DROP"}, "cursor is not one this API returned"),
    ({"q": "Kabul", "kind": "everything"}, "kind must be one of"),
    ({"q": "Kabul", "spaker": "saleh"}, "unknown parameter 'spaker'"),
    ({"q": "Kabul", "since": "yesterday"}, "since 'yesterday'"),
])
async def test_malformed_searches_are_400_and_change_nothing(client, store, params, message):
    before = store.stats()
    r = await client.get("/api/search", params=params)
    assert r.status == 400
    assert message in (await r.json())["error"]
    after = store.stats()
    assert {k: after[k] for k in ("articles", "quotes", "entities")} == {k: before[k] for k in ("articles", "quotes", "entities")}
    assert (await client.get("/api/search", params={"q": "Kabul"})).status == 200  # the store still answers


async def test_sql_in_a_filter_is_only_a_value(client, store):
    r = await client.get("/api/search", params={"speaker": "x'; DROP TABLE quotes; --", "kind": "quotes"})
    assert r.status == 200 and (await r.json())["results"] == []
    assert store.stats()["quotes"] == 3


async def test_article_entity_and_speaker_pages(client):
    r = await client.get("/api/articles/a1")
    assert r.status == 200 and (await r.json())["future_field"] == {"added": "by a later schema"}
    assert (await client.get("/api/articles/missing")).status == 404
    entity = await (await client.get(f"/api/entities/{SALEH}")).json()
    assert (entity["articles"], entity["mentions"], len(entity["quotes_by"])) == (1, 2, 2)
    missing = await client.get("/api/entities/PERSON:nobody")
    assert missing.status == 404 and "PERSON:amrullah-saleh" in (await missing.json())["error"]
    quotes = await (await client.get(f"/api/speakers/{SALEH}/quotes", params={"limit": "1"})).json()
    assert [q["id"] for q in quotes["results"]] == ["a1:q2"] and quotes["next_cursor"]
    rest = await (await client.get(f"/api/speakers/{SALEH}/quotes", params={"cursor": quotes["next_cursor"]})).json()
    assert [q["id"] for q in rest["results"]] == ["a1:q1"]
    assert (await client.get("/api/speakers/Nobody%20At%20All/quotes")).status == 404
    stats = await (await client.get("/api/archive/stats")).json()
    assert (stats["articles"], stats["quotes"]) == (6, 3)


async def test_no_archive_yet_is_503_with_the_reason(tmp_path):
    reader = ArchiveReader(Settings(), f"sqlite:///{tmp_path / 'none.sqlite3'}")
    app = web.Application()
    for path, handler in handlers(reader, HEADERS).items():
        app.router.add_get(path, handler)
    async with TestClient(TestServer(app)) as c:
        r = await c.get("/api/search", params={"q": "Kabul"})
        assert r.status == 503 and "start `newswire archive`" in (await r.json())["error"]
        assert await reader.article("a1") is None
    reader.close()

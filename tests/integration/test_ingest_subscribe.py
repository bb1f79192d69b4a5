"""The two ends of the pipeline, on the real broker: feeding (directories, RSS over HTTP with
--follow, POST /api/articles) and subscribing (filters, durable groups, the quote archive)."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import orjson
import pytest

from pipeline.identity import article_id
from pipeline.sources import Rejected, read_all
from tests.conftest import FIXTURES, ROOT
from tests.helpers import collect, collect_all, produce, run
from tests.integration.conftest import INGEST_TOKEN

FEED = (FIXTURES / "feed" / "wire.rss").read_bytes()


def cli(env, *args, timeout=90):
    return subprocess.run([sys.executable, "-m", "newswire", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=timeout)


def enriched_ids(broker, ids, timeout=90.0):
    records = run(collect(broker.bootstrap, "news.enriched", lambda rs: set(ids) <= {v["id"] for _, v in rs},
                          timeout=timeout))
    return {v["id"] for _, v in records} & set(ids)


def test_ingest_a_directory_recursively(worker, pipeline_env, broker, tmp_path):
    tag = uuid.uuid4().hex[:6]
    (tmp_path / "desk" / "late").mkdir(parents=True)
    (tmp_path / "desk" / f"bridge-{tag}.txt").write_text(
        "LONDON (Reuters) - The Harlow council voted on Tuesday to build a second bridge, mayor Tom Reed said.")
    (tmp_path / "desk" / "late" / f"strike-{tag}.txt").write_text(
        'VALMORA (AP) - Dockworkers returned to work. "We have a deal," union leader Marta Ibsen said.')
    lines = [{"id": f"j1-{tag}", "title": "Fares", "body": "PARIS (AFP) - Rail fares will rise in April."},
             {"id": f"j2-{tag}", "body": "ROME 1996-12-06 The senate approved the budget on Friday."}]
    (tmp_path / "desk" / "late" / "batch.jsonl").write_bytes(b"\n".join(orjson.dumps(x) for x in lines)
                                                               + b"\n{broken\n")
    (tmp_path / "desk" / "notes.md").write_text("not an article type: ignored")
    out = cli(pipeline_env, "ingest", tmp_path / "desk")
    assert out.returncode == 1, "a rejected line makes the exit status say so"
    assert "sent 4 to news.raw" in out.stderr and "rejected 1" in out.stderr and "batch.jsonl:3" in out.stderr
    assert "not valid JSON at line 3" in out.stderr
    # the files' ids are the one identity rule's (origin + content); the JSON lines keep their own
    ids = {article_id(a) for a in read_all([str(tmp_path / "desk")]) if not isinstance(a, Rejected)}
    assert {f"j1-{tag}", f"j2-{tag}"} < ids and len(ids) == 4
    assert enriched_ids(broker, ids) == ids


class FeedServer(http.server.ThreadingHTTPServer):
    """Serves one RSS document with an ETag; counts the conditional requests it answers 304."""

    def __init__(self, body: bytes) -> None:
        self.body, self.requests, self.not_modified = body, 0, 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests += 1
                etag = f'"{hash(outer.body) & 0xFFFFFF:x}"'
                if self.headers.get("If-None-Match") == etag:
                    outer.not_modified += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(outer.body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/wire.rss"


def sent_from_feed(broker, url):
    records = run(collect_all(broker.bootstrap, "news.raw"))
    return [v["id"] for _, v in records if (v.get("metadata") or {}).get("feed") == url]


def test_rss_feed_over_http_and_follow_never_resends(pipeline_env, broker, tmp_path):
    env = {**pipeline_env, "NEWSWIRE_DATA_DIR": str(tmp_path)}
    server = FeedServer(FEED)
    try:
        first = cli(env, "ingest", server.url)
        assert first.returncode == 0, first.stderr
        assert "3 new, 0 already sent" in first.stderr

        # a follower started after that: conditional GET, nothing resent, across a restart
        follower = subprocess.Popen([sys.executable, "-m", "newswire", "ingest", server.url, "--follow",
                                     "--interval", "0.5"], env=env, stderr=subprocess.PIPE, text=True)
        give_up = threading.Timer(90, follower.terminate)  # a slow machine: wait for lines, not seconds
        give_up.start()
        lines = []
        for line in follower.stderr:
            lines.append(line)
            if sum("not modified" in x for x in lines) >= 2:
                break
        give_up.cancel()
        follower.terminate()
        _, rest = follower.communicate(timeout=30)
        err = "".join(lines) + rest
        assert "not modified" in err and "new" not in err.replace("0 new", "")
        assert server.not_modified >= 2

        # the feed gains an item: only that one goes out, even to a fresh process
        server.body = FEED.replace(b"<item>", b"<item><guid>https://wire.example/2024/new-ferry</guid>"
                                   b"<title>Ferry line opens</title><description>BERGEN (Reuters) - A new ferry line "
                                   b"opened on Friday.</description></item><item>", 1)
        again = cli(env, "ingest", server.url)
        assert "1 new, 3 already sent" in again.stderr, again.stderr
    finally:
        server.shutdown()
    sent = sent_from_feed(broker, server.url)
    assert len(sent) == 4 and len(set(sent)) == 4, f"each feed item exactly once on news.raw: {sent}"


def post(port, body: bytes, token: str | None = INGEST_TOKEN):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/articles", data=body, method="POST",
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, orjson.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, orjson.loads(exc.read())


def test_post_articles_statuses_and_a_good_batch(worker, pipeline_env, broker):
    port = int(pipeline_env["NEWSWIRE_WEB_PORT"])
    good = orjson.dumps([{"title": f"Harbour {uuid.uuid4().hex[:6]}", "body": "LISBON (Reuters) - The harbour "
                          "reopened on Monday, officials said.", "url": f"https://x.example/{uuid.uuid4().hex}"},
                         {"id": f"posted-{uuid.uuid4().hex[:6]}", "body": "ROME 1996-12-06 Talks ended."}])
    assert post(port, good, token=None) == (401, {"error": "missing bearer token: send 'Authorization: "
                                                   "Bearer <NEWSWIRE_INGEST_TOKEN>'"})
    assert post(port, good, token="wrong")[0] == 401
    status, body = post(port, b'{"body": "' + b"x" * 400_000 + b'"}')
    assert status == 413 and "limit" in body["error"]
    status, body = post(port, orjson.dumps({"articles": [{"body": "ok"}, {"title": 7, "body": "x"}]}))
    assert status == 400 and body["field"] == "articles[1].title"
    status, body = post(port, good)
    assert status == 202 and body["accepted"] == 2 and len(body["ids"]) == 2
    assert enriched_ids(broker, body["ids"]) == set(body["ids"])
    assert post(port, good)[1]["ids"] == body["ids"], "re-sending a story keeps its id"


def enriched(aid, entities, speakers=(), source="wire:test"):
    return {"id": aid, "source": source,
            "entities": [{"id": f"{label}:{name.lower()}", "label": label, "name": name} for name, label in entities],
            "quotes": [{"text": "...", "speaker": {"text": s, "name": s}} for s in speakers]}


def subscribe(env, topic, *args):
    out = cli(env, "subscribe", "--topic", topic, "--timeout", "2", *args)
    assert out.returncode == 0, out.stderr
    return sorted(orjson.loads(line)["id"] for line in out.stdout.splitlines())  # partitions interleave


@pytest.fixture
def topic(broker):
    name = f"test.enriched.{uuid.uuid4().hex[:8]}"
    records = [enriched("r0", [("Amrullah Saleh", "PERSON"), ("Taliban", "ORG")], ["Amrullah Saleh"]),
               enriched("r1", [("Harlow", "GPE")], source="feed:Valmora Wire"),
               enriched("r2", [("Taliban", "ORG"), ("Kabul", "GPE")], ["Ashraf Ghani"]),
               enriched("r3", [("Marta Ibsen", "PERSON")], ["Marta Ibsen"], source="feed:Valmora Wire"),
               enriched("r4", [])]
    run(produce(broker.bootstrap, name, [(r["id"].encode(), orjson.dumps(r)) for r in records]))
    return name


def test_subscribe_filters_return_exactly_the_matching_records(pipeline_env, topic):
    env = pipeline_env
    assert subscribe(env, topic, "--from-beginning") == ["r0", "r1", "r2", "r3", "r4"]
    assert subscribe(env, topic, "--from-beginning", "--entity", "taliban") == ["r0", "r2"]
    assert subscribe(env, topic, "--from-beginning", "--speaker", "Ibsen") == ["r3"]
    assert subscribe(env, topic, "--from-beginning", "--label", "GPE") == ["r1", "r2"]
    assert subscribe(env, topic, "--from-beginning", "--source", "valmora", "--label", "PERSON") == ["r3"]
    assert subscribe(env, topic, "--since", "1h") == ["r0", "r1", "r2", "r3", "r4"]  # all produced just now
    out = cli(env, "subscribe", "--topic", topic, "--since", "last week")
    assert out.returncode == 2 and "relative age" in out.stderr


def test_durable_group_resumes_where_it_left_off(pipeline_env, topic, broker):
    group = f"g-{uuid.uuid4().hex[:6]}"
    env = pipeline_env
    first = subscribe(env, topic, "--group", group, "--limit", "2")
    rest = subscribe(env, topic, "--group", group)
    assert len(first) == 2 and sorted(first + rest) == ["r0", "r1", "r2", "r3", "r4"]
    run(produce(broker.bootstrap, topic, [(b"r5", orjson.dumps(enriched("r5", [])))]))
    assert subscribe(env, topic, "--group", group) == ["r5"]


def test_quote_archive_answers_what_did_x_say_about_y(worker, pipeline_env, broker, tmp_path):
    out = cli(pipeline_env, "ingest", "--ids", "name", FIXTURES / "wire_story.txt")
    assert out.returncode == 0, out.stderr
    run(collect(broker.bootstrap, "news.quotes", lambda rs: any(v["article_id"] == "wire_story" for _, v in rs)))
    db = tmp_path / "quotes.db"
    example = str(ROOT / "examples" / "quote_archive.py")
    env = {**pipeline_env, "PYTHONPATH": str(ROOT)}
    consume = subprocess.run([sys.executable, example, "consume", "--db", db, "--timeout", "4",
                              "--group", f"archive-{uuid.uuid4().hex[:6]}"], env=env, capture_output=True,
                             text=True, timeout=90)
    assert consume.returncode == 0 and "stored" in consume.stderr, consume.stderr
    ask = subprocess.run([sys.executable, example, "ask", "Castell", "talks", "--db", db], env=env,
                         capture_output=True, text=True, timeout=30)
    lines = ask.stdout.splitlines()
    assert lines and all("Mira Castell:" in line and "talks" in line.lower() for line in lines), ask.stdout
    nothing = subprocess.run([sys.executable, example, "ask", "Castell", "volcano", "--db", db], env=env,
                             capture_output=True, text=True, timeout=30)
    assert nothing.stdout == "" and "no matching quotes" in nothing.stderr
    assert Path(db).exists()

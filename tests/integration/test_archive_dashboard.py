"""The archive beside a real worker: articles flow raw -> enriched -> archive, the dashboard
server answers /api/search behind its token, and its article view opens any archived article
(also ones this worker never processed)."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import orjson
import pytest

from pipeline.archive import open_store
from pipeline.archive.rows import article_row
from pipeline.broker import free_port
from tests.archive.records import encode, story
from tests.conftest import FIXTURES
from tests.helpers import wait_http

TOKEN = "archive-dash-token"


@pytest.fixture(scope="module")
def stack(broker, tmp_path_factory):
    """A worker with a dashboard token and `newswire archive`, sharing a data dir (SQLite archive)."""
    data = tmp_path_factory.mktemp("archive-stack")
    port = free_port()
    env = {**__import__("os").environ, "NEWSWIRE_BROKER": broker.url, "NEWSWIRE_DATA_DIR": str(data),
           "NEWSWIRE_APP_ID": f"newswire-arch-{uuid.uuid4().hex[:6]}", "NEWSWIRE_WEB_PORT": str(port),
           "NEWSWIRE_DASHBOARD_TOKEN": TOKEN, "NEWSWIRE_ARCHIVE_GROUP": f"archive-{uuid.uuid4().hex[:6]}"}
    env.pop("NEWSWIRE_ARCHIVE_URL", None)
    logs = data / "logs"
    logs.mkdir()
    with open(logs / "worker.log", "wb") as wlog, open(logs / "archive.log", "wb") as alog:
        worker = subprocess.Popen([sys.executable, "-m", "newswire", "worker", "-l", "warn"], env=env,
                                  stdout=wlog, stderr=subprocess.STDOUT)
        archive = subprocess.Popen([sys.executable, "-m", "newswire", "archive"], env=env,
                                   stdout=alog, stderr=subprocess.STDOUT)
        try:
            wait_ready(port, worker)
            yield env, port, data
        finally:
            for proc in (archive, worker):
                proc.terminate()
            for proc in (archive, worker):
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
    assert archive.returncode == 0, (logs / "archive.log").read_text()[-2000:]


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 150.0) -> None:
    """/readyz with the token (behind it, like every page, when one is set)."""
    wait_http(f"http://127.0.0.1:{port}/readyz?{urllib.parse.urlencode({'token': TOKEN})}", proc, timeout)


def get(port: int, path: str, token: str | None = TOKEN, **params: str) -> tuple[int, dict]:
    if token:
        params["token"] = token
    url = f"http://127.0.0.1:{port}{path}?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, orjson.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, orjson.loads(exc.read())


def test_ingested_story_is_searchable_from_the_dashboard(stack):
    env, port, _ = stack
    done = subprocess.run([sys.executable, "-m", "newswire", "ingest", "--ids", "name", FIXTURES / "wire_story.txt"],
                          env=env, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 120
    body: dict = {}
    while time.monotonic() < deadline:
        status, body = get(port, "/api/search", q="talks", speaker="castell", source="iberia wire")
        if status == 200 and body["results"]:
            break
        time.sleep(1)
    assert body["results"], body
    assert all(h["speaker"]["name"] == "Mira Castell" and "talks" in h["text"].lower() for h in body["results"])
    article_id = body["results"][0]["article_id"]
    status, article = get(port, f"/api/articles/{article_id}")
    assert status == 200 and article["id"] == article_id and article["quotes"]
    status, entity = get(port, "/api/entities/PERSON:mira-castell")
    assert status == 200 and entity["articles"] >= 1 and entity["quotes_by"]


def test_any_archived_article_opens_in_the_article_view(stack):
    _env, port, data = stack
    aid = f"elsewhere-{uuid.uuid4().hex[:6]}"  # archived by someone else: never on this worker
    deadline = time.monotonic() + 60
    while not (data / "archive.sqlite3").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    with open_store(f"sqlite:///{data / 'archive.sqlite3'}", create=True) as s:
        s.write([article_row(encode(story(aid)), time.time())], [])
    status, article = get(port, f"/api/articles/{aid}")
    assert status == 200 and article["id"] == aid and article["future_field"] == {"added": "by a later schema"}
    status, missing = get(port, "/api/articles/never-seen")
    assert status == 404 and "'never-seen'" in missing["error"] and "archive" in missing["error"]


def test_archive_api_sits_behind_the_dashboard_token(stack):
    _, port, _ = stack
    for path in ("/api/search", "/api/entities/PERSON:mira-castell", "/api/speakers/PERSON:mira-castell/quotes",
                 "/api/archive/stats", "/api/articles/anything"):
        status, body = get(port, path, token=None, q="talks") if path == "/api/search" else get(port, path, token=None)
        assert (status, body) == (401, {"error": "unauthorised"}), path
    status, body = get(port, "/api/search", q="'; DROP TABLE articles; --")
    assert status == 400 and "unexpected" in body["error"]
    status, stats = get(port, "/api/archive/stats")
    assert status == 200 and stats["articles"] >= 1

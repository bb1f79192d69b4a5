"""The dashboard against hostile article text, in Chromium (Debian's, driven by Playwright), on
the session's single worker: nothing an article, a dead letter or a search carries runs."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import orjson

from tests.conftest import DEMO, ROOT
from tests.helpers import collect, produce, run

ARTIFACTS = ROOT / "test-artifacts"
XSS_TITLE = "Alarm <script>window.__xss = 1</script> raised"
XSS_BODY = ('LONDON (Reuters) - A reporter wrote <img src=x onerror="window.__xss = 2"> in copy on Monday. '
            '"Nothing here runs," editor Ruth Clay said.')
XSS_DEAD = b'{ definitely not json <img src=x onerror="window.__xss = 3"><script>window.__xss = 4</script>'


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_hostile_text_is_shown_never_run(worker, pipeline_env, broker, browser):
    import subprocess
    import sys

    port = pipeline_env["NEWSWIRE_WEB_PORT"]
    subprocess.run([sys.executable, "-m", "newswire", "ingest", "--quiet", str(DEMO)], env=pipeline_env,
                   check=True, timeout=60)
    run(produce(broker.bootstrap, "news.raw", [
        (b"xss", orjson.dumps({"id": "xss-story", "title": XSS_TITLE, "body": XSS_BODY})),
        (b"broken", XSS_DEAD),
    ]))
    run(collect(broker.bootstrap, "news.enriched", lambda rs: any(v["id"] == "xss-story" for _, v in rs)))
    page = browser.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        # the article view (from the worker's recent articles: no archive runs here)
        page.goto(f"http://127.0.0.1:{port}/dashboard?article=xss-story")
        page.wait_for_selector("#article-text mark")
        time.sleep(0.5)
        assert page.locator("#article-title").text_content() == XSS_TITLE
        assert "<img src=x" in page.locator("#article-text").text_content()
        assert page.locator("#article-text img, #article-title script").count() == 0
        shot(page, "xss-article")
        # the latest-articles list and the dead-letter summary on the pipeline page
        page.goto(f"http://127.0.0.1:{port}/dashboard")
        page.wait_for_function("() => [...document.querySelectorAll('#articles a')].some(a => "
                               "a.textContent.includes('<script>'))", timeout=30_000)
        page.wait_for_function("() => document.querySelector('#dead-reasons').textContent.includes('invalid_json')",
                               timeout=30_000)
        # the dead-letter payload, opened and shown in full
        page.goto(f"http://127.0.0.1:{port}/dashboard?view=dead&reason=invalid_json")
        page.wait_for_selector("li.dead[data-reason='invalid_json']")
        item = page.locator("li.dead[data-reason='invalid_json']").first
        item.locator("summary").click()
        assert XSS_DEAD.decode() in item.locator("pre").text_content()
        assert page.locator("#dead-list img, #dead-list script").count() == 0
        shot(page, "xss-dead-letter")
        # a search for markup: the page shows the archive's answer as text (no archive here: 503)
        page.goto(f"http://127.0.0.1:{port}/dashboard?view=search&q=" + '%3Cimg%20src%3Dx%20onerror%3D%22window.__xss%3D5%22%3E')
        page.wait_for_function("() => document.querySelector('#search-status').textContent.length > 0 && "
                               "!document.querySelector('#search-status').textContent.startsWith('Searching')")
        assert page.locator("#search-results img").count() == 0
        assert page.evaluate("window.__xss") is None and not dialogs
    except Exception:
        shot(page, "xss-failure")
        raise
    finally:
        page.close()


def test_pages_carry_a_content_security_policy(worker, pipeline_env):
    port = pipeline_env["NEWSWIRE_WEB_PORT"]
    for path in ("/dashboard", "/api/pipeline", "/dashboard/static/app.js", "/api/deadletters"):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
            csp = r.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "default-src 'none'" in csp, path
            assert "unsafe-inline" not in csp and r.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_stay_inside_the_static_folder(worker, pipeline_env):
    port = pipeline_env["NEWSWIRE_WEB_PORT"]
    for name in ("..%2Fviews.py", "vendor/..%2F..%2Fviews.py", ".hidden", "vendor/%2E%2E/app.js"):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/dashboard/static/{name}")
            raise AssertionError(f"{name} was served")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404, name
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/dashboard/static/vendor/uPlot.iife.min.js") as r:
        assert r.headers["Content-Type"].startswith("application/javascript") and b"uPlot" in r.read()

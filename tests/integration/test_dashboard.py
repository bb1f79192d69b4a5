"""The dashboard in a real browser (Debian Chromium driven by Playwright) against a live pipeline."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import DEMO, ROOT
from tests.helpers import collect, produce, run

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
XSS_TITLE = "Alarm <script>window.__xss = 1</script> raised"
XSS_BODY = ('LONDON (Reuters) - A reporter wrote <img src=x onerror="window.__xss = 2"> in copy on Monday. '
            '"Nothing here runs," editor Ruth Clay said.')


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_dashboard_in_browser(worker, pipeline_env, broker, browser):
    port = pipeline_env["NEWSWIRE_WEB_PORT"]
    subprocess.run([sys.executable, "-m", "newswire", "ingest", "--quiet", str(DEMO)], env=pipeline_env,
                   check=True, timeout=60)
    run(produce(broker.bootstrap, "news.raw", [
        (b"xss", orjson.dumps({"id": "xss-story", "title": XSS_TITLE, "body": XSS_BODY})),
        (b"broken", b"{ definitely not json"),
    ]))
    run(collect(broker.bootstrap, "news.enriched", lambda rs: any(v["id"] == "xss-story" for _, v in rs)))

    page = browser.new_page()
    try:
        check_pages(page, port)
    except Exception:
        shot(page, "failure")
        print(page.content()[:3000])
        raise
    finally:
        page.close()


def check_pages(page, port: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"http://127.0.0.1:{port}/dashboard")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#agents tbody tr')].some("
        "tr => tr.dataset.agent === 'enrich' && Number(tr.children[2].textContent) > 0)", timeout=30_000)
    first = page.get_attribute("#chart", "data-updated")
    page.wait_for_function(f"() => document.querySelector('#chart').dataset.updated !== '{first}'", timeout=15_000)
    assert page.locator("#chart polyline").count() >= 1
    page.wait_for_function("() => document.querySelector('#dead-recent').textContent.includes('invalid_json')",
                           timeout=30_000)
    page.wait_for_function("() => document.querySelectorAll('#trending li').length > 0", timeout=30_000)
    shot(page, "pipeline")
    page.locator("#dead-recent a", has_text="invalid_json").first.click()
    assert "definitely not json" in page.locator("#dead-detail").text_content()

    page.goto(f"http://127.0.0.1:{port}/dashboard?article=07_central_bank")
    page.wait_for_selector("mark.quote")
    assert page.locator("mark.ent").count() >= 3
    assert "Ana Lindqvist" in page.locator("#article-quotes").text_content()
    shot(page, "article")

    page.goto(f"http://127.0.0.1:{port}/dashboard?article=xss-story")
    page.wait_for_selector("#article-text mark")
    time.sleep(0.5)
    assert page.locator("#article-title").text_content() == XSS_TITLE
    assert "<img src=x" in page.locator("#article-text").text_content()
    assert page.evaluate("window.__xss") is None and not dialogs
    assert page.locator("#article-text img, #article-title script").count() == 0
    shot(page, "xss-escaped")


def test_pages_carry_a_content_security_policy(worker, pipeline_env):
    import urllib.request

    port = pipeline_env["NEWSWIRE_WEB_PORT"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/dashboard") as r:
        csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp

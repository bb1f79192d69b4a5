"""Every dashboard page in Chromium against a live two-worker pipeline: the values the test put
in, the axe-core audit (no serious or critical violation), no horizontal scroll from 390 px to
wide, no console errors; screenshots in test-artifacts/."""

from __future__ import annotations

import urllib.error
import urllib.request

import orjson
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from pipeline.errors import PipelineError, Reason, Stage
from pipeline.messages import dead_letter, encode
from tests.dashboard.conftest import audit, horizontal_overflow, shot
from tests.dashboard.group import INGEST_TOKEN, SEARCH_WORD, SPEAKERS
from tests.helpers import collect, produce, run

XSS_TITLE = "Replayed <script>window.__xss = 1</script> story"
XSS_BODY = ('LONDON (Reuters) - A reporter wrote <img src=x onerror="window.__xss = 2"> in copy on Monday. '
            '"Nothing here runs," editor Ruth Clay said.')


def check_page(watched, name: str) -> None:
    """The checks every page passes, at the page's current viewport."""
    page = watched.page
    assert audit(page) == [], f"{name}: axe-core serious/critical violations"
    assert horizontal_overflow(page) <= 0, f"{name}: wider than the viewport"
    shot(page, name)
    assert page.evaluate("window.__xss") is None
    assert watched.errors == [], f"{name}: console errors {watched.errors}"


def ranking(page, selector: str) -> list[list]:
    return page.eval_on_selector_all(f"{selector} li", "els => els.map(e => [e.dataset.id, Number(e.dataset.count)])")


def settled_ranking(page, selector: str, expected: list[list], timeout_ms: int = 30_000) -> list[list]:
    """The list once it shows ``expected``, or what it shows after the timeout (for the assert's
    diff). The counts settle a few seconds after the last record is enriched: the trend agents
    count from their own topic, and each page refreshes on its own clock."""
    try:
        page.wait_for_function(
            "([sel, want]) => JSON.stringify([...document.querySelectorAll(sel + ' li')]"
            ".map(e => [e.dataset.id, Number(e.dataset.count)])) === JSON.stringify(want)",
            arg=[selector, expected], timeout=timeout_ms)
    except PlaywrightTimeout:
        pass
    return ranking(page, selector)


def test_pipeline_page_shows_every_worker_and_the_true_top_10(dash_group, page, phone):
    articles = dash_group.articles_now()
    entities = [list(t) for t in dash_group.expected_top("entities", articles=articles)]
    speakers = [list(t) for t in dash_group.expected_top("speakers", articles=articles)]
    assert len(entities) == 10 and len(speakers) == 10
    for worker in (0, 1):  # any worker's dashboard shows the whole group
        page.page.goto(dash_group.url("/dashboard", worker))
        page.page.wait_for_function(
            "n => document.querySelectorAll('#trending li').length === n && "
            "document.querySelectorAll('#workers tbody tr').length === 2", arg=10, timeout=30_000)
        assert settled_ranking(page.page, "#trending", entities) == entities
        assert settled_ranking(page.page, "#speakers", speakers) == speakers
        states = page.page.eval_on_selector_all("#workers tbody tr", "rs => rs.map(r => r.dataset.state)")
        assert states == ["running", "running"]
    raw_topic = dash_group.env["NEWSWIRE_TOPIC_RAW"]
    # Right after the feed the page may still show a sample taken before the last commit (offsets
    # are committed every second, figures published every two): wait for the true value, 0.
    page.page.wait_for_function("t => document.querySelector(`#lag tr[data-topic='${t}']`)?.dataset.lag === '0'",
                                arg=raw_topic, timeout=30_000)
    assert page.page.get_attribute(f"#lag tr[data-topic='{raw_topic}']", "data-lag") == "0"
    enrich_out = page.page.text_content("#agents tr[data-agent='enrich'] td:nth-child(3)")
    assert int(enrich_out.replace(",", "")) >= len(dash_group.enriched)
    # the charts draw the window's samples with a legend per series
    page.page.wait_for_function("() => document.querySelector('#chart-throughput').dataset.series?.includes('enrich')")
    assert page.page.locator("#chart-throughput .u-legend").count() == 1
    page.page.check("input[value='1h']")
    points_1h = len(dash_group.get("/api/history?window=1h")["t"])  # 15 min has 181 points
    assert points_1h > 300
    page.page.wait_for_function("n => Math.abs(Number(document.querySelector('#chart-lag').dataset.points) - n) <= 1",
                                arg=points_1h)
    check_page(page, "pipeline-wide")
    for width in (1024, 800):  # between the phone's cards and the wide table
        page.page.set_viewport_size({"width": width, "height": 900})
        page.page.wait_for_timeout(300)
        assert horizontal_overflow(page.page) <= 0, f"pipeline page wider than {width} px"

    phone.page.goto(dash_group.url("/dashboard", 1))
    phone.page.wait_for_function("() => document.querySelectorAll('#trending li').length === 10", timeout=30_000)
    assert settled_ranking(phone.page, "#speakers", speakers) == speakers
    check_page(phone, "pipeline-390")


def test_dead_letters_filter_show_and_replay(dash_group, page, phone, broker):
    env = dash_group.env
    # A dead letter that a fix would clear (as when the NLP child died on a good article), and
    # one that fails again whatever is fixed: replay sends both back and reports both outcomes.
    good = {"id": "replay-me", "source": "dashboard-test", "title": XSS_TITLE, "body": XSS_BODY}
    letter = dead_letter(stage=Stage.NORMALISE, error=PipelineError("NLP child died", Reason.NORMALISE_FAILED),
                         value=orjson.dumps(good), key=b"replay-me", topic=env["NEWSWIRE_TOPIC_RAW"],
                         partition=0, offset=0, article_id="replay-me")
    run(produce(broker.bootstrap, env["NEWSWIRE_TOPIC_DEADLETTER"], [(b"replay-me", encode(letter))]))
    run(produce(broker.bootstrap, env["NEWSWIRE_TOPIC_RAW"], [(b"bad", b"{ not json <b>bold</b>"),
                                                              (b"bin", bytes(range(256)) * 12)]))
    p = page.page
    p.goto(dash_group.url("/dashboard?view=dead"))
    p.wait_for_function("() => document.querySelectorAll('#dead-list li.dead').length >= 3", timeout=30_000)
    # payloads are text, never markup; binary as a hex dump cut at 512 bytes with "show all"
    assert p.locator("#dead-list b, #dead-list script, #dead-list img").count() == 0
    binary = p.locator("li.dead[data-reason='undecodable']")
    binary.locator("summary").click()
    assert binary.locator("pre").text_content().startswith("0000  00 01 02 03")
    binary.locator("button", has_text="Show all").click()
    p.wait_for_function("() => document.querySelector(\"li.dead[data-reason='undecodable'] pre\").textContent"
                        ".includes('0bf0  f0 f1')")
    # filter by reason
    p.select_option("#dead-reason", "normalise_failed")
    p.click("#dead-filter button[type=submit]")
    p.wait_for_function("() => [...document.querySelectorAll('#dead-list li.dead')].every(li => "
                        "li.dataset.reason === 'normalise_failed')")
    assert p.locator("#dead-list li.dead").count() == 1
    # replay needs the ingest token
    p.click("li.dead >> text=Replay this one")
    assert "ingest token" in p.text_content("#replay-status")
    p.fill("#replay-operator", "test-operator")
    p.fill("#replay-token", "wrong")
    p.click("li.dead >> text=Replay this one")
    p.wait_for_function("() => document.querySelector('#replay-status').textContent.includes('wrong bearer token')")
    p.fill("#replay-token", INGEST_TOKEN)
    p.click("li.dead >> text=Replay this one")
    p.wait_for_function("() => document.querySelector('#replay-status').textContent.includes('sent 1')")
    # the replayed article arrives enriched under its own id, and the log says so
    records = run(collect(broker.bootstrap, env["NEWSWIRE_TOPIC_ENRICHED"],
                          lambda rs: any(v.get("id") == "replay-me" for _, v in rs), timeout=90))
    enriched = next(v for _, v in records if v.get("id") == "replay-me")
    assert enriched["title"] == XSS_TITLE and any(q["speaker"] and q["speaker"]["name"] == "Ruth Clay"
                                                  for q in enriched["quotes"])
    p.wait_for_function("() => document.querySelector('#replays tbody tr')?.dataset.enriched === '1'", timeout=60_000)
    p.wait_for_function("() => document.querySelector(\"li.dead[data-reason='normalise_failed'] .replayed\")"
                        "?.dataset.state === 'enriched'")
    assert "replayed by test-operator: enriched" in p.text_content("li.dead[data-reason='normalise_failed']")
    row = p.text_content("#replays tbody tr")
    assert "test-operator" in row and "1 selected" in row and "1 enriched" in row
    # replay all of a reason: the invalid JSON fails again, and the log says why
    p.select_option("#dead-reason", "invalid_json")
    p.click("#dead-filter button[type=submit]")
    p.wait_for_selector("#replay-all:not([hidden])")
    p.click("#replay-all")
    p.wait_for_function("() => [...document.querySelectorAll('#replays tbody tr')].some(r => "
                        "r.textContent.includes('failed again (invalid_json 1)'))", timeout=60_000)
    page.errors.clear()  # the refused replays above answered 401 on purpose
    check_page(page, "dead-letters-wide")
    phone.page.goto(dash_group.url("/dashboard?view=dead&reason=invalid_json"))
    phone.page.wait_for_function("() => document.querySelectorAll('#dead-list li.dead').length >= 1")
    check_page(phone, "dead-letters-390")


def test_replay_api_refuses_without_the_ingest_token(dash_group):
    request = urllib.request.Request(dash_group.url("/api/deadletters/replay"), method="POST",
                                     data=orjson.dumps({"reason": "invalid_json", "operator": "x"}),
                                     headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("replay without a token was accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 401
        assert "bearer token" in orjson.loads(exc.read())["error"]


def test_search_article_entity_and_speaker_pages(dash_group, page, phone):
    p = page.page
    p.goto(dash_group.url("/dashboard?view=search"))
    p.fill("#search-q", SEARCH_WORD)
    p.click("#search-form button[type=submit]")
    p.wait_for_selector("#search-results li.result")
    assert p.eval_on_selector_all("#search-results li.result", "els => els.map(e => e.dataset.id)") == ["dash-03"]
    assert p.text_content("#search-results mark.hit").lower() == SEARCH_WORD
    check_page(page, "search-wide")
    # hostile input in the search box: shown as text, nothing runs, the API says why it refused
    p.fill("#search-q", '"<img src=x onerror="window.__xss=3">')
    p.click("#search-form button[type=submit]")
    p.wait_for_function("() => document.querySelector('#search-status').textContent.length > 0 && "
                        "!document.querySelector('#search-status').textContent.startsWith('Searching')")
    assert p.locator("#search-results img").count() == 0 and p.evaluate("window.__xss") is None
    page.errors.clear()  # a refused query answers 400 on purpose

    p.goto(dash_group.url("/dashboard?article=dash-03"))
    p.wait_for_selector("#article-text mark.quote")
    article = next(a for a in dash_group.enriched if a["id"] == "dash-03")
    assert p.text_content("#article-title") == article["title"]
    assert p.locator("#article-legend li").count() == 5
    assert p.locator("#article-quotes li").count() == len(article["quotes"])
    meta = p.text_content("#article-meta")
    assert "· ·" not in meta and f"published {article['published_at']}" in meta  # no empty parts
    check_page(page, "article-wide")

    articles = dash_group.articles_now()
    top_id, top_count = dash_group.expected_top("entities", articles=articles)[0]
    p.goto(dash_group.url(f"/dashboard?entity={top_id}"))
    p.wait_for_function("() => document.querySelector('#entity-meta').textContent.includes('articles')")
    assert f"{top_count} articles" in p.text_content("#entity-meta")
    check_page(page, "entity-wide")

    speaker_id, quoted = dash_group.expected_top("speakers", articles=articles)[0]
    p.goto(dash_group.url(f"/dashboard?speaker={speaker_id}"))
    p.wait_for_selector("#speaker-quotes li")
    assert p.text_content("#speaker-title") == SPEAKERS[0]
    assert p.locator("#speaker-quotes li").count() == quoted
    api = dash_group.get(f"/api/speakers/{speaker_id}/quotes?limit=50")
    assert p.eval_on_selector_all("#speaker-quotes blockquote", "els => els.map(e => e.textContent)") == [
        q["text"] for q in api["results"]]  # the archive's order: newest first
    check_page(page, "speaker-wide")

    for path, name in ((f"/dashboard?view=search&q={SEARCH_WORD}", "search-390"),
                       ("/dashboard?article=dash-03", "article-390"),
                       (f"/dashboard?entity={top_id}", "entity-390"),
                       (f"/dashboard?speaker={speaker_id}", "speaker-390")):
        phone.page.goto(dash_group.url(path))
        phone.page.wait_for_function("() => document.body.dataset.updated", timeout=30_000)
        check_page(phone, name)


def test_root_opens_the_dashboard_and_favicon_is_served(dash_group, page):
    page.page.goto(dash_group.url("/"))
    assert page.page.url.endswith("/dashboard")
    page.page.wait_for_selector("#workers tbody tr")
    with urllib.request.urlopen(dash_group.url("/favicon.ico"), timeout=10) as r:
        assert r.status == 200 and r.headers["Content-Type"].startswith("image/svg+xml")
        assert r.read().startswith(b"<svg")
    assert page.errors == []


def test_keyboard_reaches_the_controls_with_a_visible_focus(dash_group, page):
    p = page.page
    p.goto(dash_group.url("/dashboard?view=dead"))
    p.wait_for_function("() => document.body.dataset.updated")
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.textContent") == "Skip to content"
    p.keyboard.press("Enter")
    assert p.evaluate("document.activeElement.id") == "main"
    reached = []
    for _ in range(12):
        p.keyboard.press("Tab")
        reached.append(p.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
        assert p.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", reached[-1]
    assert reached[:5] == ["dead-stage", "dead-reason", "Filter", "replay-operator", "replay-token"]
    assert page.errors == []

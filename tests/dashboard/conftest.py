"""The dashboard against one two-worker group (tests/dashboard/group.py): its pages in Debian's
Chromium driven by Playwright, with the axe-core audit and the layout checks every page test
uses. axe-core comes from npm (scripts/test.sh installs it into .venv/share/axe)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Dialog, Page

from tests.conftest import ROOT

# The group's tests run in file order: pages and workers first, then test_figures.py, whose
# last test restarts a worker (its counters start again from zero).
from tests.dashboard.group import dash_group_fixture  # noqa: F401  (the package's fixture)

ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(os.environ.get("NEWSWIRE_AXE_JS", ROOT / ".venv/share/axe/node_modules/axe-core/axe.min.js"))
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1600, "height": 1000}


class Watched:
    """A page that records console errors and uncaught exceptions."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Dialog) -> None:
        self.errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=WIDE)
    watched = Watched(context.new_page())
    yield watched
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    watched = Watched(context.new_page())
    yield watched
    context.close()


def audit(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.x A/AA and
    best practices). Evaluated through the DevTools protocol, so the page's CSP stays on."""
    assert AXE.is_file(), f"{AXE} missing: scripts/test.sh installs axe-core"
    page.evaluate(AXE.read_text())
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
                               "({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))")
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the viewport (0: no horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

"""Shared fixtures. Corpus material from ../shared is used when present, never required."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.nlp.model import load_model

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
# ../shared beside the checkout; a fresh clone elsewhere finds it through NEWSWIRE_SHARED_DIR
SHARED = Path(os.environ.get("NEWSWIRE_SHARED_DIR", ROOT.parent / "shared"))
SEED = SHARED / "corpora" / "seed" / "000_a7448ef9fa85b64d.txt"
DEMO = ROOT / "pipeline" / "demo" / "stories"


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    """One embedded Tansu broker for the whole test session, on a free port."""
    from pipeline.broker import EmbeddedBroker, free_port

    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker("127.0.0.1", free_port(), log_path=log) as b:
        yield b


@pytest.fixture(scope="session")
def nlp():
    return load_model()


def wire_stories() -> list[Path]:
    """Our own story with every feature of the seed; plus the seed itself when it is here."""
    stories = [FIXTURES / "wire_story.txt"]
    if SEED.exists():
        stories.append(SEED)
    return stories


def all_own_stories() -> list[Path]:
    """Every story file of ours (wire fixture, desk fixtures, demo feed), plus the seed when here:
    the texts the tests that compare two ways of enriching run on."""
    paths = [FIXTURES / "wire_story.txt", *sorted((FIXTURES / "desks").rglob("*.txt")), *sorted(DEMO.glob("*.txt"))]
    return [*paths, SEED] if SEED.exists() else paths


# One Chromium per test module, for the dashboard tests and tests/integration/test_dashboard.py.
from tests.dashboard.group import browser_fixture  # noqa: E402, F401

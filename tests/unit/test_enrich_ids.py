"""Offline enrich names records by file (what ../shared/eval matches on) and refuses a run in
which two files would take the same name."""

import subprocess
import sys

from newswire.cli.enrich import shared_names
from pipeline.sources import SourceOptions, source_for
from tests.conftest import FIXTURES

DESKS = FIXTURES / "desks"
NAMES = SourceOptions(names_are_ids=True, remember=False)


def test_names_shared_by_two_files_are_found_before_any_work():
    apart = [source_for(str(DESKS / d), NAMES) for d in ("tech", "business", "politics")]
    clashes = shared_names(apart)
    assert sorted(clashes) == ["001", "002"] and len(clashes["001"]) == 3
    assert shared_names([source_for(str(DESKS), NAMES)]) == {}, "one parent: names are relative paths"
    assert shared_names([source_for(str(DESKS / d)) for d in ("tech", "business")]) == {}, "content ids"


def test_enrich_refuses_the_run_and_says_what_to_do():
    out = subprocess.run([sys.executable, "-m", "newswire", "enrich", DESKS / "tech", DESKS / "business"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and out.stdout == ""
    assert "would name two different files, e.g. '001'" in out.stderr and "--ids content" in out.stderr

"""Sources behind one interface: the registry's choice, what each yields, and ids that never
collide across folders that share file names."""

import io
from pathlib import Path

import orjson
import pytest

from pipeline.identity import article_id
from pipeline.sources import SOURCES, Rejected, SourceOptions, read_all, source_for
from pipeline.sources.feeds import FeedSource
from pipeline.sources.files import FileSource
from pipeline.sources.stdin import StdinSource
from tests.conftest import FIXTURES, SHARED

DESKS = FIXTURES / "desks"
BBC = SHARED / "corpora" / "bbc"


def articles(items):
    return [i for i in items if not isinstance(i, Rejected)]


@pytest.mark.parametrize(("given", "kind"), [
    ("-", StdinSource), ("https://wire.example/rss", FeedSource), ("x/wire.atom", FeedSource),
    (str(FIXTURES / "feed" / "wire.rss"), FeedSource), ("story.txt", FileSource), ("stories/", FileSource),
    ("wire/*.json", FileSource),
])
def test_the_registry_picks_a_source_by_what_it_is_given(given, kind):
    assert type(source_for(given)) is kind
    assert SOURCES[-1] is FileSource, "files are the catch-all, tried last"


def test_folders_sharing_file_names_give_one_id_per_story():
    got = articles(read_all([str(DESKS)]))
    assert len(got) == 5
    assert sorted(a.source for a in got)[:2] == ["file:business/001.txt", "file:business/002.txt"]
    assert len({article_id(a) for a in got}) == 5


def test_ingesting_the_folders_one_by_one_still_gives_distinct_ids():
    got = articles(read_all([str(DESKS / d) for d in ("tech", "business", "politics")]))
    assert [a.source for a in got].count("file:001.txt") == 3
    assert len({article_id(a) for a in got}) == len(got) == 5


def test_reading_again_reproduces_every_id():
    first = [article_id(a) for a in articles(read_all([str(DESKS)]))]
    assert first == [article_id(a) for a in articles(read_all([str(DESKS)]))]


@pytest.mark.skipif(not BBC.exists(), reason="the BBC corpus is read when ../shared is here")
def test_bbc_folders_one_by_one_give_as_many_ids_as_stories():
    folders = sorted(p for p in BBC.iterdir() if p.is_dir())
    got = articles(read_all([str(f) for f in folders]))
    stems = {Path(a.source).stem for a in got}
    assert len(stems) < len(got), "the corpus does share file names across folders"
    assert len({article_id(a) for a in got}) == len(got)


def test_names_as_ids_are_relative_paths(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "7.txt").write_text("ROME - One.")
    (tmp_path / "8.html").write_text("<p>Two</p>")
    (tmp_path / "9.json").write_text('{"body": "Three"}')
    (tmp_path / "10.json").write_text('{"id": "own", "body": "Four"}')
    (tmp_path / "b.jsonl").write_text('{"body": "Five"}\n')
    got = articles(read_all([str(tmp_path)], SourceOptions(names_are_ids=True)))
    assert sorted(a.id or "-" for a in got) == ["-", "8", "9", "a/7", "own"]
    assert [a.id for a in articles(read_all([str(tmp_path / "a" / "7.txt")], SourceOptions(names_are_ids=True)))] \
        == ["7"]


def test_file_formats_and_their_rejections(tmp_path):
    lines = [b'{"title": "Fares", "body": "PARIS - Fares rise."}', b"", b'{"body": 5}', b"{broken", b"[1]",
             b'{"title": "only a title"}']
    (tmp_path / "batch.jsonl").write_bytes(b"\n".join(lines))
    (tmp_path / "list.json").write_bytes(orjson.dumps([{"body": "one"}, {"body": "two", "colour": "red"}]))
    (tmp_path / "bad.json").write_text('{\n  "body": "x",\n  oops\n}')
    (tmp_path / "binary.txt").write_bytes(bytes(range(32)) * 64)
    items = list(read_all([str(tmp_path)]))
    rejected = {r.source.replace(str(tmp_path) + "/", ""): r.reason for r in items if isinstance(r, Rejected)}
    assert rejected == {
        "bad.json": "not valid JSON at line 3, column 3: unexpected character, expected a string key",
        "batch.jsonl:3": "field 'body': Input should be a valid string",
        "batch.jsonl:4": "not valid JSON at line 4, column 2: unexpected character, expected a string key",
        "batch.jsonl:5": "expected a JSON object, got an array",
        "batch.jsonl:6": "field 'body': an article needs a non-empty body or html",
        "binary.txt": "payload looks like binary data, not text",
        "list.json[1]": "field 'colour': Extra inputs are not permitted",
    }
    bodies = sorted(a.body for a in articles(items))
    assert bodies == ["PARIS - Fares rise.", "one"]


def test_missing_files_and_empty_globs_are_rejected_with_a_reason(tmp_path):
    assert [r.reason for r in read_all([str(tmp_path / "nope.txt"), str(tmp_path / "*.json")])] == \
        ["no such file", "no file matches this pattern"]


def test_globs_are_relative_to_their_fixed_part():
    got = articles(read_all([str(DESKS / "*" / "001.txt")]))
    assert sorted(a.source for a in got) == ["file:business/001.txt", "file:politics/001.txt", "file:tech/001.txt"]


def test_stdin_lines_name_their_line_and_field():
    stream = io.BytesIO(b'{"body": "ROME - ok"}\n\n{"body": 5}\nnull\n')
    items = list(StdinSource(stream=stream).read())
    assert [(i.source, i.reason) for i in items if isinstance(i, Rejected)] == [
        ("stdin:3", "field 'body': Input should be a valid string"), ("stdin:4", "expected a JSON object, got null")]
    (ok,) = articles(items)
    assert ok.source == "stdin" and ok.body == "ROME - ok"


def test_units_count_the_files_a_pass_reads():
    sources = [source_for(str(DESKS)), source_for(str(DESKS / "tech" / "001.txt"))]
    done = []
    for s in sources:
        s.unit_done = lambda: done.append(1)
        list(s.read())
    assert [s.units() for s in sources] == [5, 1] and len(done) == 6


def test_a_new_source_plugs_in_through_the_registry_alone(monkeypatch, tmp_path):
    """What "Adding a source" in the README promises: a class and its line in SOURCES."""
    from collections.abc import Iterator

    from pipeline import sources
    from pipeline.sources.base import Item, Source, validate

    class Lines(Source):
        name = "lines"

        @classmethod
        def claims(cls, given: str) -> bool:
            return given.endswith(".lines")

        def read(self) -> Iterator[Item]:
            for n, text in enumerate(Path(self.given).read_text().splitlines(), 1):
                yield validate({"source": "lines", "body": text}, f"{self.given}:{n}")

    monkeypatch.setattr(sources, "SOURCES", [Lines, *sources.SOURCES])
    path = tmp_path / "wire.lines"
    path.write_text("ROME - One.\n\nPARIS - Two.\n")
    picked = sources.source_for(str(path))
    items = list(picked.read())
    assert isinstance(picked, Lines) and [getattr(i, "body", None) for i in items] == ["ROME - One.", None,
                                                                                      "PARIS - Two."]
    assert items[1].reason == "field 'body': an article needs a non-empty body or html"
    assert len({article_id(i) for i in articles(items)}) == 2

"""Files, directories and globs: every file of a known format below what was given.

Each article's origin is its path relative to what was given (a directory, or a glob's fixed
part), so ``bbc/`` gives ``tech/001.txt`` and ``business/001.txt``: two stories, two ids.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from pipeline.identity import name_id, relative_origin
from pipeline.sources.base import Item, Rejected, Source
from pipeline.sources.formats import FORMATS, SINGLE_ARTICLE, FileContext, read_text

GLOB_CHARS = "*?["


def _glob_base(pattern: str) -> Path:
    """The part of a glob before its first wildcard: what its matches are relative to."""
    fixed: list[str] = []
    for part in Path(pattern).parts:
        if any(ch in part for ch in GLOB_CHARS):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path()


class FileSource(Source):
    """A file (any suffix; unknown ones are read as plain text), a directory (recursive, known
    suffixes only) or a glob."""

    name = "files"

    @classmethod
    def claims(cls, given: str) -> bool:
        return not given.startswith(("http://", "https://")) and given != "-"

    _files: list[tuple[Path, Path | None]] | None = None

    def files(self) -> list[tuple[Path, Path | None]]:
        """(file, root it is relative to) for every file this source reads, in a stable order;
        listed once (the progress total and the pass must agree)."""
        if self._files is None:
            self._files = self._list()
        return self._files

    def _list(self) -> list[tuple[Path, Path | None]]:
        given = self.given
        path = Path(given)
        if any(ch in given for ch in GLOB_CHARS):
            base = _glob_base(given)
            return [(Path(p), base) for p in sorted(glob.glob(given, recursive=True)) if Path(p).is_file()]
        if path.is_dir():
            return [(p, path) for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in FORMATS]
        return [(path, None)]

    def units(self) -> int | None:
        return len(self.files())

    def context(self, path: Path, root: Path | None) -> FileContext:
        origin = relative_origin(path, root)
        own = name_id(origin) if self.options.names_are_ids and path.suffix.lower() in SINGLE_ARTICLE else None
        return FileContext(origin=origin, where=str(path), own_id=own)

    def read(self) -> Iterator[Item]:
        files = self.files()
        if not files and any(ch in self.given for ch in GLOB_CHARS):
            yield Rejected(self.given, "no file matches this pattern")
        for path, root in files:
            yield from self.read_one(path, root)
            self.unit_done()

    def read_one(self, path: Path, root: Path | None) -> Iterator[Item]:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            yield Rejected(str(path), "no such file")
            return
        except OSError as exc:
            yield Rejected(str(path), f"cannot read: {exc.strerror}")
            return
        reader = FORMATS.get(path.suffix.lower(), read_text)
        yield from reader(data, self.context(path, root))

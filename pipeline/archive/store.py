"""The archive's store interface; backends implement it and register in ``backends``.

Kept free of any backend import, so the backends can import the interface and the registry
(``pipeline.archive.backends``) can import them without an import cycle.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from pipeline.archive.query import Search
from pipeline.archive.rows import ArticleRow, DeadLetterRow
from pipeline.settings import Settings, get_settings

SQLITE_FILE = "archive.sqlite3"


class ArchiveUnavailable(RuntimeError):
    """The store cannot be reached or holds no archive yet; the message says which and why."""


class ArchiveStore(ABC):
    """Everything the consumer, the CLI, the HTTP API and Python callers ask of a store.

    Writes are idempotent by article id: writing an article again replaces it (its quotes,
    mentions and index entries with it), so a replayed record never doubles.
    """

    url: str

    @abstractmethod
    def write(self, articles: list[ArticleRow], dead_letters: list[DeadLetterRow]) -> None:
        """Store a batch in one transaction: all of it or none of it."""

    @abstractmethod
    def search(self, search: Search) -> dict[str, Any]:
        """One page: ``{"kind", "query", "results": [...], "next_cursor"}``, newest first."""

    @abstractmethod
    def article(self, article_id: str) -> bytes | None:
        """The full enriched record as it was received, or None."""

    @abstractmethod
    def entity(self, entity_id: str) -> dict[str, Any] | None:
        """Mentions per day, co-occurring entities, quotes by and about it; None if never seen."""

    @abstractmethod
    def speaker_quotes(self, speaker: str, limit: int, after: int | None = None) -> dict[str, Any]:
        """Quotes by a speaker (entity id, or the name when it has none), newest first."""

    @abstractmethod
    def dead_letters(self, limit: int = 50, reason: str | None = None) -> list[dict[str, Any]]:
        """The newest archived dead letters."""

    @abstractmethod
    def purge(self, older_than: float) -> dict[str, int]:
        """Delete what the archive saw before ``older_than`` (epoch seconds); counts deleted."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """Counts of articles, quotes, entities, dead letters and bytes on disk."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> ArchiveStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_url(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    if settings.archive_url:
        return settings.archive_url.get_secret_value()
    return f"sqlite:///{Path(settings.data_dir).resolve() / SQLITE_FILE}"


def redact(url: str) -> str:
    """The URL without its password, for logs and --stats."""
    head, sep, rest = url.partition("://")
    if "@" in rest:
        creds, _, host = rest.rpartition("@")
        user = creds.split(":", 1)[0]
        return f"{head}{sep}{user}:***@{host}" if ":" in creds else url
    return url

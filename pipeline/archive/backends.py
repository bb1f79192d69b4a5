"""The registry of archive backends, chosen by the URL's scheme.

``sqlite:///path``, ``postgresql://...``: adding a backend is a class with the ``ArchiveStore``
methods (``pipeline.archive.store``) and one ``register_backend`` call, nothing else in the
archive changes. ``open_store`` with no URL gives the embedded default: SQLite under
``NEWSWIRE_DATA_DIR``, so ``newswire run`` needs no setting. This module imports the backends
and the interface; neither imports it back.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.archive.store import ArchiveStore, ArchiveUnavailable, default_url
from pipeline.settings import Settings

Factory = Callable[[str, bool], ArchiveStore]  # (url, create) -> store
_BACKENDS: dict[str, Factory] = {}


def register_backend(scheme: str, factory: Factory) -> None:
    _BACKENDS[scheme] = factory


def backends() -> list[str]:
    _load_builtin()
    return sorted(_BACKENDS)


def _load_builtin() -> None:
    # imported lazily: psycopg is only needed by those who use PostgreSQL
    if "sqlite" not in _BACKENDS:
        from pipeline.archive import sqlite

        register_backend("sqlite", sqlite.SqliteStore.open)
    if "postgresql" not in _BACKENDS:
        def open_postgres(url: str, create: bool) -> ArchiveStore:
            from pipeline.archive import postgres

            return postgres.PostgresStore.open(url, create)

        register_backend("postgresql", open_postgres)
        register_backend("postgres", open_postgres)


def open_store(url: str | None = None, *, create: bool = False, settings: Settings | None = None) -> ArchiveStore:
    """The store at ``url`` (default: NEWSWIRE_ARCHIVE_URL, else SQLite in the data dir).

    ``create``: make the schema if missing (the archive process does); readers pass False
    and get ``ArchiveUnavailable`` for an archive nobody has written yet.
    """
    url = url or default_url(settings)
    scheme = url.split("://", 1)[0].split("+", 1)[0].lower() if "://" in url else ""
    _load_builtin()
    factory = _BACKENDS.get(scheme)
    if factory is None:
        raise ArchiveUnavailable(f"archive URL scheme {scheme or url!r} is not supported; "
                                 f"use one of: {', '.join(f'{b}://' for b in backends())}")
    return factory(url, create)

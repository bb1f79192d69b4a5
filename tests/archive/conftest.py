"""Both archive stores, real: SQLite in a temp file, PostgreSQL started here with initdb/pg_ctl.

One PostgreSQL server per test session, a fresh database per test. If PostgreSQL cannot
start, every PostgreSQL test fails with the reason (never skips): the suite promises both.
"""

from __future__ import annotations

import pytest

from pipeline.archive import open_store
from pipeline.archive.pgtemp import PostgresUnavailable, TempPostgres
from tests.archive.records import STORES


@pytest.fixture(scope="session")
def pg_server():
    server: TempPostgres | PostgresUnavailable
    try:
        server = TempPostgres().start()
    except PostgresUnavailable as exc:
        server = exc
    yield server
    if isinstance(server, TempPostgres):
        server.stop()


@pytest.fixture(params=STORES)
def store_url(request, tmp_path, pg_server) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    if isinstance(pg_server, Exception):
        pytest.fail(f"PostgreSQL could not start: {pg_server}")
    return pg_server.create_database()


@pytest.fixture
def store(store_url):
    with open_store(store_url, create=True) as s:
        yield s

"""The embedded store: one SQLite file with FTS5 indexes, under NEWSWIRE_DATA_DIR by default.

WAL mode lets the dashboard and ``newswire search`` read while the archive writes;
``synchronous=FULL`` makes a committed batch survive power loss as well as kill -9, which is
what allows the consumer to commit its Kafka offsets right after the transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

from pipeline.archive.query import Term
from pipeline.archive.sql import SqlStore
from pipeline.archive.store import ArchiveUnavailable

BUSY_TIMEOUT_MS = 10_000  # a reader waits this long for the writer's checkpoint instead of failing
WAL_LIMIT_BYTES = 8 << 20  # a batch of 500 articles writes ~6 MB of WAL: keep about that much after a checkpoint

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source TEXT, source_key TEXT, title TEXT, url TEXT, language TEXT,
    published_at TEXT, seen_at REAL NOT NULL, day TEXT, text TEXT, record BLOB,
    n_quotes INTEGER, n_entities INTEGER);
CREATE INDEX IF NOT EXISTS articles_seen ON articles (seen_at);
CREATE INDEX IF NOT EXISTS articles_source ON articles (source_key, seq);
CREATE TABLE IF NOT EXISTS sources (key TEXT PRIMARY KEY);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='seq', tokenize='porter unicode61');
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text); END;
CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text); END;
CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text); END;

CREATE TABLE IF NOT EXISTS entities (id TEXT PRIMARY KEY, label TEXT, name TEXT, name_key TEXT);
CREATE TABLE IF NOT EXISTS mentions (
    article_seq INTEGER NOT NULL, entity_id TEXT NOT NULL, label TEXT, count INTEGER, salience REAL, day TEXT,
    PRIMARY KEY (article_seq, entity_id)) WITHOUT ROWID;
DROP INDEX IF EXISTS mentions_entity;
CREATE INDEX IF NOT EXISTS mentions_entity_days ON mentions (entity_id, article_seq, day, count);
CREATE INDEX IF NOT EXISTS mentions_label ON mentions (label, article_seq);

CREATE TABLE IF NOT EXISTS quotes (
    seq INTEGER PRIMARY KEY, article_seq INTEGER NOT NULL, id TEXT NOT NULL, article_id TEXT NOT NULL,
    text TEXT, kind TEXT, speaker_name TEXT, speaker_entity_id TEXT, speaker_ref TEXT, speaker_label TEXT,
    source TEXT, source_key TEXT, title TEXT, published_at TEXT, seen_at REAL, day TEXT, UNIQUE (article_seq, id));
DROP INDEX IF EXISTS quotes_speaker;
CREATE INDEX IF NOT EXISTS quotes_speaker_article ON quotes (speaker_ref, seq, article_seq);
CREATE INDEX IF NOT EXISTS quotes_source ON quotes (source_key, seq);
CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(
    text, content='quotes', content_rowid='seq', tokenize='porter unicode61');
CREATE TRIGGER IF NOT EXISTS quotes_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text) VALUES (new.seq, new.text); END;
CREATE TRIGGER IF NOT EXISTS quotes_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.seq, old.text); END;

CREATE TABLE IF NOT EXISTS quote_entities (
    entity_id TEXT NOT NULL, quote_seq INTEGER NOT NULL, article_seq INTEGER NOT NULL,
    PRIMARY KEY (entity_id, quote_seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS quote_entities_article ON quote_entities (article_seq);
CREATE TABLE IF NOT EXISTS speakers (ref TEXT PRIMARY KEY, name TEXT, name_key TEXT, entity_id TEXT);

CREATE TABLE IF NOT EXISTS dead_letters (
    key TEXT PRIMARY KEY, stage TEXT, reason TEXT, message TEXT, article_id TEXT, failed_at TEXT,
    seen_at REAL, record BLOB);
CREATE INDEX IF NOT EXISTS dead_letters_seen ON dead_letters (seen_at);
"""


def fts_query(terms: tuple[Term, ...]) -> str:
    """Every term as an FTS5 phrase string: its tokens are letters and digits only (see query.py),
    so nothing in them can be FTS syntax; the whole string is still passed as a parameter."""
    return " ".join('"' + " ".join(t.tokens) + '"' for t in terms)


class SqliteStore(SqlStore):
    def __init__(self, url: str, path: Path, create: bool) -> None:
        super().__init__(url)
        self.path = path
        if not create and not path.exists():
            raise ArchiveUnavailable(f"no archive at {path} yet: start `newswire archive` (or `newswire run`), "
                                     "or point NEWSWIRE_ARCHIVE_URL at the archive")
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if create:
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
            self.db.executescript(SCHEMA)
        self.db.execute("PRAGMA synchronous = FULL")
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone():
            raise ArchiveUnavailable(f"{path} holds no archive yet: start `newswire archive`")

    @classmethod
    def open(cls, url: str, create: bool) -> SqliteStore:
        parsed = urlparse(url)
        raw = unquote(parsed.netloc + parsed.path) if parsed.netloc else unquote(parsed.path)
        if not raw:
            raise ArchiveUnavailable(f"{url!r} names no file: use sqlite:///absolute/path.sqlite3")
        return cls(url, Path(raw), create)

    def _execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        return self.db.execute(sql, tuple(params)).fetchall()

    def _executemany(self, sql: str, rows: list[tuple]) -> None:
        self.db.executemany(sql, rows)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _article_match(self, terms: tuple[Term, ...]) -> tuple[str, str, list[object], str]:
        # driven by the FTS index in descending rowid order: SQLite stops after one page
        return ("articles_fts f JOIN articles a ON a.seq = f.rowid", "articles_fts MATCH ?",
                [fts_query(terms)], "f.rowid")

    def _quote_match(self, terms: tuple[Term, ...]) -> tuple[str, str, list[object], str]:
        return ("quotes_fts f JOIN quotes qt ON qt.seq = f.rowid", "quotes_fts MATCH ?",
                [fts_query(terms)], "f.rowid")

    def _size_bytes(self) -> int:
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"))
                   if p.exists())

    def close(self) -> None:
        self.db.close()

"""The production store: PostgreSQL full-text search (``tsvector`` columns with GIN indexes).

Same tables and queries as SQLite (pipeline.archive.sql); the differences are the
full-text clause (``tsv @@ phraseto_tsquery(...)``, English stemming like SQLite's porter
tokenizer), identity columns for ``seq`` and ``bytea`` for the compressed records.
Connection strings are libpq's (``postgresql://user:pass@host:5432/db?sslmode=require``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from pipeline.archive.query import Search, Term
from pipeline.archive.rows import ArticleRow
from pipeline.archive.sql import SqlStore
from pipeline.archive.store import ArchiveUnavailable, redact

CONNECT_TIMEOUT_S = 10  # a dead host fails the command in seconds, not the OS's minutes
# GIN indexes without a pending list (fastupdate = off): with one, the planner prices the GIN
# index by its unmerged pages, and between autovacuum runs it chose to walk all articles
# newest first for a word nobody used (seconds at 100,000 articles) instead of the index
# (milliseconds). Writes cost more; searches stay predictable.
TEXT_CONFIG = "english"  # stemming and stop words, matching SQLite's porter tokenizer closely
# Full-text pages look at this many newest rows first (see PostgresStore._newest): about 20 ms
# walked either way at 100,000 articles (an article row is wide, a quote row narrow), and a word
# used in one article of 3,000 (one quote of 12,000) fills its page there.
PROBE_ROWS = {"articles": 3000, "quotes": 12000}

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS articles (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text NOT NULL UNIQUE, source text, source_key text,
    title text, url text, language text, published_at text, seen_at double precision NOT NULL, day text,
    text text, record bytea, n_quotes integer, n_entities integer,
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('{TEXT_CONFIG}', coalesce(title, '')), 'A')
        || to_tsvector('{TEXT_CONFIG}', coalesce(text, ''))) STORED);
CREATE INDEX IF NOT EXISTS articles_tsv ON articles USING gin (tsv) WITH (fastupdate = off);
ALTER INDEX articles_tsv SET (fastupdate = off);
CREATE INDEX IF NOT EXISTS articles_seen ON articles (seen_at);
CREATE INDEX IF NOT EXISTS articles_source ON articles (source_key, seq);
CREATE TABLE IF NOT EXISTS sources (key text PRIMARY KEY);

CREATE TABLE IF NOT EXISTS entities (id text PRIMARY KEY, label text, name text, name_key text);
CREATE TABLE IF NOT EXISTS mentions (
    article_seq bigint NOT NULL, entity_id text NOT NULL, label text, count integer, salience real, day text,
    PRIMARY KEY (article_seq, entity_id));
DROP INDEX IF EXISTS mentions_entity;
CREATE INDEX IF NOT EXISTS mentions_entity_days ON mentions (entity_id, article_seq, day, count);
CREATE INDEX IF NOT EXISTS mentions_label ON mentions (label, article_seq);

CREATE TABLE IF NOT EXISTS quotes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, article_seq bigint NOT NULL, id text NOT NULL,
    article_id text NOT NULL, text text, kind text, speaker_name text, speaker_entity_id text, speaker_ref text,
    speaker_label text, source text, source_key text, title text, published_at text, seen_at double precision,
    day text, UNIQUE (article_seq, id),
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('{TEXT_CONFIG}', coalesce(text, ''))) STORED);
CREATE INDEX IF NOT EXISTS quotes_tsv ON quotes USING gin (tsv) WITH (fastupdate = off);
ALTER INDEX quotes_tsv SET (fastupdate = off);
DROP INDEX IF EXISTS quotes_speaker;
CREATE INDEX IF NOT EXISTS quotes_speaker_article ON quotes (speaker_ref, seq, article_seq);
CREATE INDEX IF NOT EXISTS quotes_source ON quotes (source_key, seq);

CREATE TABLE IF NOT EXISTS quote_entities (
    entity_id text NOT NULL, quote_seq bigint NOT NULL, article_seq bigint NOT NULL,
    PRIMARY KEY (entity_id, quote_seq));
CREATE INDEX IF NOT EXISTS quote_entities_article ON quote_entities (article_seq);
CREATE TABLE IF NOT EXISTS speakers (ref text PRIMARY KEY, name text, name_key text, entity_id text);

CREATE TABLE IF NOT EXISTS dead_letters (
    key text PRIMARY KEY, stage text, reason text, message text, article_id text, failed_at text,
    seen_at double precision, record bytea);
CREATE INDEX IF NOT EXISTS dead_letters_seen ON dead_letters (seen_at);
"""
TABLES = ("articles", "entities", "mentions", "quotes", "quote_entities", "speakers", "sources", "dead_letters")


def _pg(sql: str) -> str:
    """The shared SQL's ``?`` placeholders in psycopg's style (the shared SQL has no literal % or ?)."""
    return sql.replace("?", "%s")


def tsquery(alias: str, terms: tuple[Term, ...]) -> tuple[str, list[object]]:
    """Each term a phrase query, all required; the words travel as parameters."""
    parts = " && ".join(f"phraseto_tsquery('{TEXT_CONFIG}', ?)" for _ in terms)
    return f"{alias}.tsv @@ ({parts})", [" ".join(t.tokens) for t in terms]


class PostgresStore(SqlStore):
    def __init__(self, url: str, create: bool) -> None:
        super().__init__(url)
        try:
            # prepare_threshold=None: psycopg would otherwise prepare a query run 5 times, and
            # PostgreSQL's generic plan for "tsv @@ <any words>" cannot tell a rare word from a
            # common one: it walks every article newest first (3.7 s for a word nobody used,
            # at 100,000 articles) where the GIN index answers at once
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                                        prepare_threshold=None)
        except psycopg.Error as exc:
            raise ArchiveUnavailable(f"cannot connect to the archive at {redact(url)}: {exc}".strip()) from None
        if create:
            with self.conn.transaction():
                # one creator at a time: two archive processes starting together must not race
                self.conn.execute("SELECT pg_advisory_xact_lock(7350001)")
                self.conn.execute(SCHEMA)
        found = self.conn.execute("SELECT to_regclass('articles')").fetchone()
        if not found or found[0] is None:
            self.conn.close()
            raise ArchiveUnavailable(f"{redact(url)} holds no archive yet: start `newswire archive`")

    @classmethod
    def open(cls, url: str, create: bool) -> PostgresStore:
        return cls(url, create)

    def _execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        cur = self.conn.execute(_pg(sql), tuple(params))  # built from our own SQL
        return cur.fetchall() if cur.description else []

    def _executemany(self, sql: str, rows: list[tuple]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(_pg(sql), rows)

    def _returning_many(self, sql: str, rows: list[tuple]) -> list[int]:
        """One pipelined round of INSERT ... RETURNING seq (a round trip per row costs more than the row)."""
        seqs: list[int] = []
        if not rows:
            return seqs
        with self.conn.cursor() as cur:
            cur.executemany(_pg(sql), rows, returning=True)
            while True:
                seqs.append(int(cur.fetchone()[0]))  # type: ignore[index]  # RETURNING: one row per result set
                if not cur.nextset():
                    break
        return seqs

    def _insert_quotes(self, rows: list[tuple]) -> list[int]:
        return self._returning_many(self.QUOTE_INSERT, rows)

    def _upsert_articles(self, articles: list[ArticleRow]) -> dict[str, int]:
        seqs = self._returning_many(self.ARTICLE_UPSERT, [self._article_params(a) for a in articles])
        return {a.id: seq for a, seq in zip(articles, seqs, strict=True)}

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self.conn.transaction():
            yield

    def _newest(self, cols: str, source: str, where: list[str], params: list[object], order: str,
                s: Search) -> list[tuple]:
        """A full-text page in two steps, because PostgreSQL cannot tell a rare word from a common
        one: for a word outside its statistics it guesses 0.5% of rows, and for "newest 21" it
        then walks the table newest first, through every row when the word is not there (1.1 s
        at 100,000 articles), while the GIN index would answer at once; the GIN index alone is as
        bad for a common word (all its rows fetched and sorted: 1.2 s for "government").

        1. the newest ``PROBE_ROWS`` rows, walked newest first: a word used at least once in that
           many fills its page here (a common word stops after a few dozen rows);
        2. only if the page is not full: the older rows through the GIN index (``seq + 0`` keeps
           the planner off the walk), a cost in proportion to the rare word's matches.
        """
        if not s.terms:
            return super()._newest(cols, source, where, params, order, s)
        table = source.split()[0]
        top = s.after if s.after is not None else int(self._execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {table}")[0][0])
        floor = top - PROBE_ROWS[table]
        newest = super()._newest(cols, source, [*where, f"{order} >= ?"], [*params, floor], order, s)
        if len(newest) > s.limit or floor <= 0:
            return newest
        sql = (f"SELECT {cols} FROM {source} WHERE " + " AND ".join([*where, f"{order} < ?"])
               + f" ORDER BY {order} + 0 DESC LIMIT ?")
        return newest + self._execute(sql, [*params, floor, s.limit + 1 - len(newest)])

    def _article_match(self, terms: tuple[Term, ...]) -> tuple[str, str, list[object], str]:
        cond, params = tsquery("a", terms)
        return "articles a", cond, params, "a.seq"

    def _quote_match(self, terms: tuple[Term, ...]) -> tuple[str, str, list[object], str]:
        cond, params = tsquery("qt", terms)
        return "quotes qt", cond, params, "qt.seq"

    def _size_bytes(self) -> int:
        row = self.conn.execute("SELECT sum(pg_total_relation_size(to_regclass(t))) FROM unnest(%s::text[]) AS t",
                                (list(TABLES),)).fetchone()
        return int(row[0] or 0) if row else 0

    def stats(self) -> dict[str, Any]:
        return {**super().stats(), "store": redact(self.url)}

    def close(self) -> None:
        self.conn.close()

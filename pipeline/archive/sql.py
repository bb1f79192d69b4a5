"""The SQL both stores share; each backend supplies its full-text clause and its connection.

Every value reaches the database as a bound parameter. The only text composed into SQL is
this module's own: column lists, and the number of ``?`` placeholders in an ``IN (...)``.
Results come newest first by ``seq`` (the order the archive stored them), which makes
cursor pagination a keyset (``seq < cursor``) and lets both engines stop after one page.
"""

from __future__ import annotations

import threading
import zlib
from abc import abstractmethod
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pipeline.archive.query import MAX_LIMIT, Search, Term, encode_cursor
from pipeline.archive.rows import ArticleRow, DeadLetterRow
from pipeline.archive.snippet import snippet
from pipeline.archive.store import ArchiveStore

MAX_RESOLVED = 200  # names a filter may expand to ("--entity john" matches many Johns): bounds the IN list
# A filter matching more rows than this is tested row by row on the newest candidates (a page
# is found long before the end); a rarer one is looked up by its index and sorted. Either way
# no query reads a common filter's every row, nor scans everything for a rare one.
COMMON_ROWS = 20_000  # a fifth of the 100,000-article benchmark archive: cheaper to probe than to collect
COOCCUR_WINDOW = 1000  # co-occurrence is counted over an entity's latest articles: bounded cost for "US"
DAYS_SHOWN = 90  # mentions-per-day rows on an entity page
ENTITY_QUOTES = 10  # quotes by / about shown on an entity page
ZLIB_LEVEL = 1  # records are mostly text: level 1 gets ~4x at a fraction of the CPU of level 6

ARTICLE_COLS = "a.seq, a.id, a.title, a.source, a.url, a.published_at, a.seen_at, a.text, a.n_quotes, a.n_entities"
QUOTE_COLS = ("qt.seq, qt.id, qt.article_id, qt.text, qt.kind, qt.speaker_name, qt.speaker_entity_id, "
              "qt.source, qt.title, qt.published_at, qt.seen_at")


def iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds") if epoch is not None else None


def like_pattern(value: str) -> str:
    """A case-folded substring pattern with LIKE's own wildcards escaped."""
    escaped = value.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


class SqlStore(ArchiveStore):
    """Schema-independent logic over a DB-API connection using ``?`` placeholders."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.lock = threading.Lock()  # one connection, used by one thread at a time

    # --- what a backend provides -------------------------------------------------------
    @abstractmethod
    def _execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple]: ...

    @abstractmethod
    def _executemany(self, sql: str, rows: list[tuple]) -> None: ...

    @abstractmethod
    def _transaction(self) -> Any: ...  # a context manager: commit on success, roll back on error

    @abstractmethod
    def _article_match(self, terms: tuple[Term, ...]) -> tuple[str, str, list[object], str]:
        """(FROM clause, WHERE condition, its params, the column to order by) for a full-text match."""

    @abstractmethod
    def _quote_match(self, terms: tuple[Term, ...]) -> tuple[str, str, list[object], str]: ...

    @abstractmethod
    def _size_bytes(self) -> int: ...

    # --- writes --------------------------------------------------------------------------
    def write(self, articles: list[ArticleRow], dead_letters: list[DeadLetterRow]) -> None:
        latest = {a.id: a for a in articles}  # the same article twice in a batch: the later one wins
        with self.lock, self._transaction():
            seqs = self._upsert_articles(list(latest.values()))
            if seqs:
                self._delete_children(list(seqs.values()))
            mention_rows: list[tuple] = []
            quote_rows: list[tuple[tuple, list[str]]] = []
            entity_rows: dict[str, tuple] = {}
            speaker_rows: dict[str, tuple] = {}
            for a in latest.values():
                seq = seqs[a.id]
                for m in a.mentions:
                    mention_rows.append((seq, m.entity_id, m.label, m.count, m.salience, a.day))
                    entity_rows.setdefault(m.entity_id, (m.entity_id, m.label, m.name, m.name.casefold()))
                for q in a.quotes:
                    quote_rows.append(((seq, q.id, a.id, q.text, q.kind, q.speaker_name, q.speaker_entity_id,
                                        q.speaker_ref, (q.speaker_entity_id or "").split(":", 1)[0] or None,
                                        a.source, a.source_key, a.title, a.published_at, a.seen_at, a.day), q.about))
                    if q.speaker_ref:
                        speaker_rows.setdefault(q.speaker_ref, (q.speaker_ref, q.speaker_name or q.speaker_ref,
                                                                (q.speaker_name or q.speaker_ref).casefold(),
                                                                q.speaker_entity_id))
            self._executemany("INSERT INTO sources (key) VALUES (?) ON CONFLICT (key) DO NOTHING",
                              [(k,) for k in {a.source_key for a in latest.values()}])
            if mention_rows:
                self._executemany("INSERT INTO mentions (article_seq, entity_id, label, count, salience, day) "
                                  "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article_seq, entity_id) DO NOTHING",
                                  mention_rows)
                self._executemany("INSERT INTO entities (id, label, name, name_key) VALUES (?, ?, ?, ?) "
                                  "ON CONFLICT (id) DO NOTHING", list(entity_rows.values()))
            if quote_rows:
                quote_seqs = self._insert_quotes([row for row, _ in quote_rows])
                about = [(qseq, eid, row[0]) for qseq, (row, ids) in zip(quote_seqs, quote_rows, strict=True)
                         for eid in ids]
                if about:
                    self._executemany("INSERT INTO quote_entities (quote_seq, entity_id, article_seq) VALUES (?, ?, ?) "
                                      "ON CONFLICT (entity_id, quote_seq) DO NOTHING", about)
                self._executemany("INSERT INTO speakers (ref, name, name_key, entity_id) VALUES (?, ?, ?, ?) "
                                  "ON CONFLICT (ref) DO NOTHING", list(speaker_rows.values()))
            if dead_letters:
                self._executemany(
                    "INSERT INTO dead_letters (key, stage, reason, message, article_id, failed_at, seen_at, record) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET stage = excluded.stage, "
                    "reason = excluded.reason, message = excluded.message, article_id = excluded.article_id, "
                    "failed_at = excluded.failed_at, record = excluded.record",
                    [(d.key, d.stage, d.reason, d.message, d.article_id, d.failed_at, d.seen_at,
                      self._blob(zlib.compress(d.record, ZLIB_LEVEL))) for d in dead_letters])

    def _blob(self, data: bytes) -> object:
        return data

    ARTICLE_UPSERT = (
            "INSERT INTO articles (id, source, source_key, title, url, language, published_at, seen_at, day, text, "
            "record, n_quotes, n_entities) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "source = excluded.source, source_key = excluded.source_key, title = excluded.title, url = excluded.url, "
            "language = excluded.language, "
            "published_at = excluded.published_at, seen_at = excluded.seen_at, day = excluded.day, "
            "text = excluded.text, record = excluded.record, n_quotes = excluded.n_quotes, "
            "n_entities = excluded.n_entities RETURNING seq")

    def _article_params(self, a: ArticleRow) -> tuple:
        return (a.id, a.source, a.source_key, a.title, a.url, a.language, a.published_at, a.seen_at, a.day, a.text,
                self._blob(zlib.compress(a.record, ZLIB_LEVEL)), len(a.quotes), len(a.mentions))

    def _upsert_articles(self, articles: list[ArticleRow]) -> dict[str, int]:
        """Article id -> seq (kept when the article was already there)."""
        return {a.id: int(self._execute(self.ARTICLE_UPSERT, self._article_params(a))[0][0]) for a in articles}

    def _insert_quotes(self, rows: list[tuple]) -> list[int]:
        sql = self.QUOTE_INSERT
        return [int(self._execute(sql, row)[0][0]) for row in rows]

    QUOTE_INSERT = ("INSERT INTO quotes (article_seq, id, article_id, text, kind, speaker_name, speaker_entity_id, "
               "speaker_ref, speaker_label, source, source_key, title, published_at, seen_at, day) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq")

    def _delete_children(self, seqs: list[int]) -> None:
        for start in range(0, len(seqs), 500):
            chunk = seqs[start:start + 500]
            for table in ("quote_entities", "quotes", "mentions"):
                self._execute(f"DELETE FROM {table} WHERE article_seq IN ({marks(chunk)})", chunk)

    def purge(self, older_than: float) -> dict[str, int]:
        with self.lock, self._transaction():
            old = "SELECT seq FROM articles WHERE seen_at < ?"
            for table in ("quote_entities", "quotes", "mentions"):
                self._execute(f"DELETE FROM {table} WHERE article_seq IN ({old})", (older_than,))
            articles = self._execute("DELETE FROM articles WHERE seen_at < ? RETURNING seq", (older_than,))
            dead = self._execute("DELETE FROM dead_letters WHERE seen_at < ? RETURNING key", (older_than,))
            if articles:
                self._execute("DELETE FROM entities WHERE NOT EXISTS "
                              "(SELECT 1 FROM mentions m WHERE m.entity_id = entities.id)")
                self._execute("DELETE FROM speakers WHERE NOT EXISTS "
                              "(SELECT 1 FROM quotes q WHERE q.speaker_ref = speakers.ref)")
                self._execute("DELETE FROM sources WHERE NOT EXISTS "
                              "(SELECT 1 FROM articles a WHERE a.source_key = sources.key)")
        return {"articles": len(articles), "dead_letters": len(dead)}

    # --- reads ---------------------------------------------------------------------------
    def article(self, article_id: str) -> bytes | None:
        with self.lock:
            rows = self._execute("SELECT record FROM articles WHERE id = ?", (article_id,))
        return zlib.decompress(bytes(rows[0][0])) if rows else None

    def _resolve(self, table: str, key: str, value: str, label: str | None = None) -> list[str]:
        """Ids a user's name stands for: an exact id as is, else every name containing it."""
        if ":" in value:
            kind, _, rest = value.partition(":")
            return [f"{kind.upper()}:{rest}"] if table == "entities" else [value, f"{kind.upper()}:{rest}"]
        sql = f"SELECT {key} FROM {table} WHERE name_key LIKE ? ESCAPE '\\'"
        params: list[object] = [like_pattern(value)]
        if label and table == "entities":
            sql += " AND label = ?"
            params.append(label)
        rows = self._execute(sql + f" LIMIT {MAX_RESOLVED}", params)
        return [r[0] for r in rows]

    def search(self, search: Search) -> dict[str, Any]:
        with self.lock:
            rows = self._search_articles(search) if search.kind == "articles" else self._search_quotes(search)
        more = len(rows) > search.limit
        rows = rows[:search.limit]
        results = [self._article_hit(r, search.terms) if search.kind == "articles" else self._quote_hit(r) for r in rows]
        return {"kind": search.kind, "query": search.query, "results": results,
                "next_cursor": encode_cursor(search.kind, rows[-1][0]) if more and rows else None}

    def _search_articles(self, s: Search) -> list[tuple]:
        source, order = "articles a", "a.seq"
        where: list[str] = []
        params: list[object] = []
        if s.terms:
            source, cond, params, order = self._article_match(s.terms)
            where.append(cond)
        if s.entity:
            ids = self._resolve("entities", "id", s.entity, s.label)
            if not ids:
                return []
            if self._common(f"mentions WHERE entity_id IN ({marks(ids)})", ids):
                where.append(f"EXISTS (SELECT 1 FROM mentions m WHERE m.article_seq = a.seq "
                             f"AND m.entity_id IN ({marks(ids)}))")
            else:
                where.append(f"a.seq IN (SELECT article_seq FROM mentions WHERE entity_id IN ({marks(ids)}))")
            params += ids
        elif s.label:
            # every other article names a PERSON: probe each candidate (newest first, stops after a
            # page) instead of collecting every article with the label
            where.append("EXISTS (SELECT 1 FROM mentions m WHERE m.label = ? AND m.article_seq = a.seq)")
            params.append(s.label)
        if s.speaker:
            refs = self._resolve("speakers", "ref", s.speaker)
            if not refs:
                return []
            if self._common(f"quotes WHERE speaker_ref IN ({marks(refs)})", refs):
                where.append(f"EXISTS (SELECT 1 FROM quotes q2 WHERE q2.article_seq = a.seq "
                             f"AND q2.speaker_ref IN ({marks(refs)}))")
            else:
                where.append(f"a.seq IN (SELECT article_seq FROM quotes WHERE speaker_ref IN ({marks(refs)}))")
            params += refs
        if not self._common_filters(s, "a", "articles", order, where, params):
            return []
        return self._newest(ARTICLE_COLS, source, where, params, order, s)

    def _search_quotes(self, s: Search) -> list[tuple]:
        source, order = "quotes qt", "qt.seq"
        where: list[str] = []
        params: list[object] = []
        if s.terms:
            source, cond, params, order = self._quote_match(s.terms)
            where.append(cond)
        if s.speaker:
            refs = self._resolve("speakers", "ref", s.speaker)
            if not refs:
                return []
            where.append(f"qt.speaker_ref IN ({marks(refs)})")
            params += refs
        if s.entity:  # quotes by the entity or naming it
            ids = self._resolve("entities", "id", s.entity)
            if not ids:
                return []
            where.append(f"(qt.speaker_entity_id IN ({marks(ids)}) OR qt.seq IN "
                         f"(SELECT quote_seq FROM quote_entities WHERE entity_id IN ({marks(ids)})))")
            params += ids + ids
        if s.label:
            where.append("qt.speaker_label = ?")
            params.append(s.label)
        if not self._common_filters(s, "qt", "quotes", order, where, params):
            return []
        return self._newest(QUOTE_COLS, source, where, params, order, s)

    def _newest(self, cols: str, source: str, where: list[str], params: list[object], order: str,
                s: Search) -> list[tuple]:
        """The page: up to ``limit + 1`` rows matching every condition, newest first (a backend
        may plan it in steps)."""
        sql = f"SELECT {cols} FROM {source}"
        sql += (" WHERE " + " AND ".join(where)) if where else ""
        sql += f" ORDER BY {order} DESC LIMIT ?"
        return self._execute(sql, [*params, s.limit + 1])

    def _common(self, rows_sql: str, params: Sequence[object]) -> bool:
        """Whether a filter matches at least COMMON_ROWS rows (counting stops there)."""
        found = self._execute(f"SELECT count(*) FROM (SELECT 1 FROM {rows_sql} LIMIT {COMMON_ROWS}) AS c", params)
        return int(found[0][0]) >= COMMON_ROWS

    def _common_filters(self, s: Search, alias: str, table: str, order: str, where: list[str],
                        params: list[object]) -> bool:
        """Source, since and cursor conditions; False when the source matches nothing at all."""
        if s.source:
            keys = [r[0] for r in self._execute(f"SELECT key FROM sources WHERE key LIKE ? ESCAPE '\\' "
                                                f"LIMIT {MAX_RESOLVED}", (like_pattern(s.source),))]
            if not keys:
                return False
            if self._common(f"{table} WHERE source_key IN ({marks(keys)})", keys):
                where.append(f"{alias}.source_key LIKE ? ESCAPE '\\'")
                params.append(like_pattern(s.source))
            else:
                where.append(f"{alias}.source_key IN ({marks(keys)})")
                params += keys
        if s.since is not None:
            where.append(f"{alias}.seen_at >= ?")
            params.append(s.since.timestamp())
        if s.after is not None:
            where.append(f"{order} < ?")
            params.append(s.after)
        return True

    @staticmethod
    def _article_hit(r: tuple, terms: tuple[Term, ...]) -> dict[str, Any]:
        return {"id": r[1], "title": r[2], "source": r[3], "url": r[4], "published_at": r[5], "seen_at": iso(r[6]),
                "snippet": snippet(r[7] or "", terms), "quotes": r[8], "entities": r[9]}

    @staticmethod
    def _quote_hit(r: tuple) -> dict[str, Any]:
        return {"id": r[1], "article_id": r[2], "text": r[3], "kind": r[4],
                "speaker": {"name": r[5], "entity_id": r[6]}, "source": r[7], "title": r[8],
                "published_at": r[9], "seen_at": iso(r[10])}

    def speaker_quotes(self, speaker: str, limit: int, after: int | None = None) -> dict[str, Any]:
        limit = max(1, min(limit, MAX_LIMIT))
        sql = f"SELECT {QUOTE_COLS} FROM quotes qt WHERE qt.speaker_ref = ?"
        params: list[object] = [speaker]
        if after is not None:
            sql += " AND qt.seq < ?"
            params.append(after)
        with self.lock:
            rows = self._execute(sql + " ORDER BY qt.seq DESC LIMIT ?", [*params, limit + 1])
            named = self._execute("SELECT name, entity_id FROM speakers WHERE ref = ?", (speaker,))
        more = len(rows) > limit
        rows = rows[:limit]
        return {"speaker": {"id": speaker, "name": named[0][0] if named else None,
                            "entity_id": named[0][1] if named else None},
                "results": [self._quote_hit(r) for r in rows],
                "next_cursor": encode_cursor("quotes", rows[-1][0]) if more and rows else None}

    def entity(self, entity_id: str) -> dict[str, Any] | None:
        with self.lock:
            found = self._execute("SELECT id, label, name FROM entities WHERE id = ?", (entity_id,))
            if not found:
                return None
            totals = self._execute("SELECT count(*), sum(count) FROM mentions WHERE entity_id = ?", (entity_id,))
            days = self._execute("SELECT day, count(*), sum(count) FROM mentions WHERE entity_id = ? "
                                 "GROUP BY day ORDER BY day DESC LIMIT ?", (entity_id, DAYS_SHOWN))
            together = self._execute(  # counted first, named after: ten lookups, not thousands
                "SELECT g.entity_id, e.label, e.name, g.n FROM (SELECT m.entity_id, count(*) AS n FROM mentions m "
                "WHERE m.article_seq IN (SELECT article_seq FROM mentions WHERE entity_id = ? "
                "ORDER BY article_seq DESC LIMIT ?) AND m.entity_id <> ? "
                "GROUP BY m.entity_id ORDER BY n DESC, m.entity_id LIMIT 10) AS g JOIN entities e ON e.id = g.entity_id "
                "ORDER BY g.n DESC, g.entity_id",
                (entity_id, COOCCUR_WINDOW, entity_id))
            by = self._execute(f"SELECT {QUOTE_COLS} FROM quotes qt WHERE qt.speaker_ref = ? "
                               "ORDER BY qt.seq DESC LIMIT ?", (entity_id, ENTITY_QUOTES))
            about = self._execute(f"SELECT {QUOTE_COLS} FROM quotes qt WHERE qt.seq IN "
                                  "(SELECT quote_seq FROM quote_entities WHERE entity_id = ? "
                                  "ORDER BY quote_seq DESC LIMIT ?) ORDER BY qt.seq DESC", (entity_id, ENTITY_QUOTES))
        eid, label, name = found[0]
        return {"id": eid, "label": label, "name": name, "articles": int(totals[0][0] or 0),
                "mentions": int(totals[0][1] or 0),
                "per_day": [{"day": d, "articles": int(n), "mentions": int(m)} for d, n, m in reversed(days)],
                "co_occurring": [{"id": i, "label": lb, "name": nm, "articles": int(n)} for i, lb, nm, n in together],
                "quotes_by": [self._quote_hit(r) for r in by], "quotes_about": [self._quote_hit(r) for r in about]}

    def dead_letters(self, limit: int = 50, reason: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT key, stage, reason, message, article_id, failed_at, seen_at FROM dead_letters"
        params: list[object] = []
        if reason:
            sql += " WHERE reason = ?"
            params.append(reason)
        with self.lock:
            rows = self._execute(sql + " ORDER BY seen_at DESC, key DESC LIMIT ?", [*params, max(1, min(limit, 500))])
        cols = ("key", "stage", "reason", "message", "article_id", "failed_at", "seen_at")
        return [{**dict(zip(cols, r, strict=True)), "seen_at": iso(r[6])} for r in rows]

    def stats(self) -> dict[str, Any]:
        with self.lock:
            counts = {table: int(self._execute(f"SELECT count(*) FROM {table}")[0][0])
                      for table in ("articles", "quotes", "entities", "dead_letters")}
            span = self._execute("SELECT min(seen_at), max(seen_at) FROM articles")[0]
            size = self._size_bytes()
        return {**counts, "bytes": size, "oldest": iso(span[0]), "newest": iso(span[1])}

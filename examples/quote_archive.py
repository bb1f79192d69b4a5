"""A searchable archive of quotes: subscribe to ``news.quotes``, keep them in SQLite (FTS5),
answer "what did X say about Y".

    python examples/quote_archive.py consume --db quotes.db        # runs until Ctrl-C
    python examples/quote_archive.py ask "Saleh" "Taliban" --db quotes.db

The consumer uses a durable group, so a restart resumes where it stopped; a quote delivered
twice (at-least-once) is stored once, because its id is the primary key.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from pathlib import Path

from pipeline.client import quote_records
from schemas.records import QuoteRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS quotes (
    quote_id TEXT PRIMARY KEY, article_id TEXT, speaker TEXT, speaker_entity_id TEXT,
    kind TEXT, text TEXT, title TEXT, url TEXT, published_at TEXT
);
CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(
    speaker, text, title, content='quotes', content_rowid='rowid'
);
CREATE TRIGGER IF NOT EXISTS quotes_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, speaker, text, title) VALUES (new.rowid, new.speaker, new.text, new.title);
END;
"""


def open_db(path: str | Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    return db


def store(db: sqlite3.Connection, record: QuoteRecord) -> bool:
    """True when the quote was new."""
    q = record.quote
    speaker = record.speaker_name or (q.speaker.text if q.speaker else None)
    cur = db.execute(
        "INSERT OR IGNORE INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (f"{record.article_id}/{q.id}", record.article_id, speaker, record.speaker_entity_id, q.kind, q.text,
         record.title, record.url, record.published_at),
    )
    db.commit()
    return cur.rowcount == 1


def _fts_phrase(words: str) -> str:
    """User words as an FTS5 phrase query: quoted, so punctuation cannot become syntax."""
    return '"' + words.replace('"', '""') + '"'


def ask(db: sqlite3.Connection, speaker: str, about: str | None = None, limit: int = 20) -> list[dict]:
    """Quotes by a speaker (name substring), optionally about a subject (full-text match)."""
    sql = ("SELECT q.speaker, q.text, q.title, q.published_at, q.article_id FROM quotes_fts f "
           "JOIN quotes q ON q.rowid = f.rowid WHERE q.speaker LIKE ? ")
    params: list = [f"%{speaker}%"]
    if about:
        sql += "AND quotes_fts MATCH ? "
        params.append("text : " + _fts_phrase(about))
    sql += "ORDER BY q.published_at DESC LIMIT ?"
    params.append(limit)
    cols = ("speaker", "text", "title", "published_at", "article_id")
    return [dict(zip(cols, row, strict=True)) for row in db.execute(sql, params)]


async def consume(db: sqlite3.Connection, group: str, idle_timeout: float | None = None) -> int:
    stored = 0
    async for record in quote_records(group=group, from_beginning=True, idle_timeout=idle_timeout):
        stored += store(db, record)
    return stored


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("consume")
    c.add_argument("--db", default="quotes.db")
    c.add_argument("--group", default="quote-archive")
    c.add_argument("--timeout", type=float, help="stop after N seconds without new quotes")
    a = sub.add_parser("ask")
    a.add_argument("speaker")
    a.add_argument("about", nargs="?")
    a.add_argument("--db", default="quotes.db")
    args = p.parse_args(argv)
    db = open_db(args.db)
    if args.command == "consume":
        try:
            n = asyncio.run(consume(db, args.group, args.timeout))
        except KeyboardInterrupt:
            return 0
        print(f"stored {n} new quotes in {args.db}", file=sys.stderr)
        return 0
    rows = ask(db, args.speaker, args.about)
    for row in rows:
        print(f"{row['published_at'] or '':10.10}  {row['speaker']}: {row['text']}  [{row['article_id']}]")
    if not rows:
        print("no matching quotes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

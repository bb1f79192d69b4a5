"""The one rule for an article's id, used by every source, the normalise stage and offline enrich.

Downstream consumers drop repeated ids as duplicates, so the id must never be shared by two
different stories (file stems were: ``bbc/tech/001`` and ``bbc/business/001`` both became
``001``, and 401 real stories looked like copies), and must come out the same when the same
story is sent twice (so a re-send is recognisable).

1. The producer's own id wins (``RawArticle.id``, a feed entry's guid scoped by its feed, a
   file name when the caller says names are ids).
2. Otherwise a hash of where the story came from and what it says: ``source`` (for files
   ``file:`` plus the path relative to what was ingested), the URL, and the raw headline, body
   and HTML. Different content or a different origin gives a different id; the same story from
   the same place gives the same id on every run. The raw text is hashed rather than the
   normalised text so that an id survives changes to the normaliser.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePath

from schemas.records import RawArticle

# 64 bits of hash: a collision among n stories has probability about n^2 / 2^65, under one in
# a million for six million stories, while the id stays short enough to read in a log line.
HASH_BYTES = 8


def _digest(*parts: str | None) -> str:
    """Length-prefixed fields, so ("ab", "c") and ("a", "bc") never hash alike; None != ""."""
    h = hashlib.blake2b(digest_size=HASH_BYTES)
    for part in parts:
        data = b"-" if part is None else str(len(part)).encode() + b":" + part.encode("utf-8", "surrogatepass")
        h.update(data + b"\x1f")
    return h.hexdigest()


def content_id(raw: RawArticle) -> str:
    """The hash of origin and content (rule 2), whatever ``raw.id`` says."""
    return _digest(raw.source, raw.url, raw.title, raw.body, raw.html)


def article_id(raw: RawArticle) -> str:
    """The article's id: the producer's own (rule 1), else the content hash (rule 2)."""
    own = (raw.id or "").strip()
    return own or content_id(raw)


def with_id(raw: RawArticle) -> RawArticle:
    """``raw`` carrying its id, for producers that must key the Kafka message by it."""
    aid = article_id(raw)
    return raw if raw.id == aid else raw.model_copy(update={"id": aid})


def scoped_id(scope: str, key: str, prefix: str) -> str:
    """A producer's own key that is unique only within ``scope`` (a feed's entry guids): the
    same key in two feeds must not become the same article. SHA-1 of scope, newline, key as
    before this module existed, so followers' saved state still recognises sent entries."""
    return f"{prefix}-" + hashlib.sha1(f"{scope}\n{key}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def relative_origin(path: Path, root: Path | None) -> str:
    """``path`` relative to what was ingested (a directory or a glob's base), POSIX-style;
    just the file name when the file itself was given."""
    if root is not None:
        try:
            return PurePath(path.relative_to(root)).as_posix()
        except ValueError:
            pass
    return path.name


def name_id(origin: str) -> str:
    """A file's name as its id (``tech/001.txt`` -> ``tech/001``), when names are ids."""
    return origin.rsplit(".", 1)[0] if "." in origin.rsplit("/", 1)[-1] else origin

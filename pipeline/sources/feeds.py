"""RSS/Atom feeds, with the memory a follower needs to never resend.

A feed is polled again and again; most polls return items already sent. Two things keep a
restarted follower from resending them: the conditional-GET validators (ETag and
Last-Modified, so an unchanged feed costs a 304 and no parsing) and the set of entry ids
already sent. Both live in a small JSON state file per feed under the data directory, and
an id is added only after the broker acknowledged its article (``commit``), so a crash
between fetch and send resends rather than loses.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import orjson

from pipeline.identity import article_id, scoped_id
from pipeline.sources.base import Item, Rejected, Source, SourceOptions
from schemas.records import RawArticle

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
SEEN_LIMIT = 10_000  # ids remembered per feed; a feed rarely carries more than a few hundred


def is_feed(given: str) -> bool:
    """URLs and .rss/.atom/.xml files are feeds; everything else is an article file."""
    return given.startswith(("http://", "https://")) or Path(given).suffix.lower() in FEED_SUFFIXES


def _published(entry: dict[str, Any]) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat() if parsed else None


def entry_to_article(feed: str, entry: dict[str, Any], feed_title: str | None) -> RawArticle:
    """The entry's guid (or link) is the producer's id, scoped by its feed; an entry with
    neither gets the content hash of the one identity rule."""
    content = entry.get("content") or []
    html = content[0].get("value") if content else None
    html = html or entry.get("summary") or entry.get("description") or ""
    guid = entry.get("id") or entry.get("link")
    raw = RawArticle(
        id=scoped_id(feed, guid, "feed") if guid else None, source=f"feed:{feed_title or feed}",
        content_type="text/html", title=entry.get("title"), html=html or None,
        body=None if html else entry.get("title"), url=entry.get("link"), published_at=_published(entry),
        metadata={"feed": feed, "guid": guid},
    )
    return raw if raw.id else raw.model_copy(update={"id": article_id(raw)})


@dataclass
class FeedState:
    """What a follower remembers about one feed between polls and across restarts
    (``path`` None: remembered for this process only)."""

    path: Path | None
    etag: str | None = None
    modified: str | None = None
    seen: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, data_dir: Path, feed: str) -> FeedState:
        path = Path(data_dir) / "feeds" / (hashlib.sha1(feed.encode()).hexdigest()[:16] + ".json")
        if path.exists():
            data = orjson.loads(path.read_bytes())
            return cls(path, data.get("etag"), data.get("modified"), data.get("seen", []))
        return cls(path)

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(orjson.dumps({"etag": self.etag, "modified": self.modified,
                                      "seen": self.seen[-SEEN_LIMIT:]}))
        tmp.replace(self.path)  # atomic: a crash never leaves half a state file

    def mark_sent(self, ids: list[str]) -> None:
        known = set(self.seen)
        self.seen.extend(i for i in ids if i not in known)


@dataclass
class Poll:
    status: int | None  # HTTP status, None for a local file
    new: list[RawArticle]
    skipped: int
    error: str | None = None


def poll(feed: str, state: FeedState) -> Poll:
    """Fetch ``feed`` once (conditional GET for URLs) and return the entries not yet sent.

    Blocking (feedparser does its own HTTP): callers in an event loop run it in a thread.
    """
    parsed = feedparser.parse(feed, etag=state.etag, modified=state.modified)
    status = parsed.get("status")
    if status == 304:
        return Poll(status, [], 0)
    if parsed.get("bozo") and not parsed.entries:
        return Poll(status, [], 0, error=f"not a feed: {parsed.get('bozo_exception')}")
    if status is not None and status >= 400:
        return Poll(status, [], 0, error=f"HTTP {status}")
    state.etag = parsed.get("etag") or state.etag
    state.modified = parsed.get("modified") or state.modified
    seen = set(state.seen)
    title = parsed.feed.get("title")
    new: list[RawArticle] = []
    skipped = 0
    for entry in parsed.entries:
        article = entry_to_article(feed, entry, title)
        if article.id in seen:
            skipped += 1
        else:
            new.append(article)
    return Poll(status, new, skipped)


class FeedSource(Source):
    """An RSS/Atom feed (URL or file); followable: each pass yields only what is new."""

    name = "feed"
    followable = True
    remote = True

    def __init__(self, given: str, options: SourceOptions | None = None) -> None:
        super().__init__(given, options)
        self.state = (FeedState.load(self.options.data_dir, given) if self.options.remember
                      else FeedState(None))
        self.last: Poll | None = None

    @classmethod
    def claims(cls, given: str) -> bool:
        return is_feed(given)

    def units(self) -> int | None:
        return 1

    def read(self) -> Iterator[Item]:
        self.last = poll(self.given, self.state)
        self.skipped = self.last.skipped
        if self.last.error:
            yield Rejected(self.given, self.last.error)
        yield from self.last.new
        self.unit_done()

    def commit(self, sent_ids: list[str]) -> None:
        if self.last is None or self.last.error:
            return
        self.state.mark_sent(sent_ids)
        self.state.save()

    def describe(self, sent: int) -> str | None:
        if self.last is None:
            return None
        if self.last.error:
            return f"{self.given}: {self.last.error}"
        if self.last.status == 304:
            return f"{self.given}: not modified"
        return f"{self.given}: {sent} new, {self.last.skipped} already sent"

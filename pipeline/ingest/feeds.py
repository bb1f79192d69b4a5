"""RSS/Atom feeds to RawArticles, with the memory a follower needs to never resend.

A feed is polled again and again; most polls return items already sent. Two things keep a
restarted follower from resending them: the conditional-GET validators (ETag and
Last-Modified, so an unchanged feed costs a 304 and no parsing) and the set of entry ids
already sent. Both live in a small JSON state file per feed under the data directory, and
an id is added only after the broker acknowledged its article (so a crash between fetch and
send resends rather than loses).
"""

from __future__ import annotations

import asyncio
import calendar
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import orjson

from pipeline.ingest.producer import IngestSummary, send_all
from pipeline.ingest.readers import Rejected
from pipeline.settings import Settings
from schemas.records import RawArticle

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
SEEN_LIMIT = 10_000  # ids remembered per feed; a feed rarely carries more than a few hundred


def is_feed(given: str) -> bool:
    """URLs and .rss/.atom/.xml files are feeds; everything else is an article file."""
    return given.startswith(("http://", "https://")) or Path(given).suffix.lower() in FEED_SUFFIXES


def entry_id(feed: str, entry: dict) -> str:
    """The entry's guid (or link, or title+summary) hashed: stable across polls and restarts."""
    basis = entry.get("id") or entry.get("link") or (entry.get("title", "") + entry.get("summary", ""))
    return "feed-" + hashlib.sha1(f"{feed}\n{basis}".encode()).hexdigest()[:16]


def _published(entry: dict) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None


def entry_to_article(feed: str, entry: dict, feed_title: str | None) -> RawArticle:
    content = entry.get("content") or []
    html = content[0].get("value") if content else None
    html = html or entry.get("summary") or entry.get("description") or ""
    return RawArticle(
        id=entry_id(feed, entry), source=f"feed:{feed_title or feed}", content_type="text/html",
        title=entry.get("title"), html=html or None, body=None if html else entry.get("title"),
        url=entry.get("link"), published_at=_published(entry),
        metadata={"feed": feed, "guid": entry.get("id") or entry.get("link")},
    )


@dataclass
class FeedState:
    """What a follower remembers about one feed between polls and across restarts."""

    path: Path
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
    new, skipped = [], 0
    for entry in parsed.entries:
        if entry_id(feed, entry) in seen:
            skipped += 1
        else:
            new.append(entry_to_article(feed, entry, title))
    return Poll(status, new, skipped)


async def follow(feeds: list[str], settings: Settings, interval: float | None,
                 report: Callable[[str], None] = print) -> IngestSummary:
    """Poll every feed, send what is new, remember it; with ``interval``, forever.

    The state is saved only after the broker acknowledged every new article, so a crash
    between fetch and send resends those articles rather than losing them.
    """
    total = IngestSummary()
    while True:
        for feed in feeds:
            state = FeedState.load(settings.data_dir, feed)
            result = await asyncio.to_thread(poll, feed, state)
            if result.error:
                total.rejected.append(Rejected(feed, result.error))
                report(f"{feed}: {result.error}")
                continue
            sent = await send_all(result.new, settings) if result.new else IngestSummary()
            state.mark_sent(sent.ids)
            state.save()
            total.sent += sent.sent
            total.skipped += result.skipped
            total.ids.extend(sent.ids)
            status = "not modified" if result.status == 304 else f"{sent.sent} new, {result.skipped} already sent"
            report(f"{feed}: {status}")
        if interval is None:
            return total
        await asyncio.sleep(interval)

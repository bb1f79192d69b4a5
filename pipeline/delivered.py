"""What a subscriber has already delivered, so a record redelivered by at-least-once
processing (a worker killed between producing and committing) reaches its reader once.

Bounded: an LRU of the most recent ids. A copy arrives close behind its original (a crashed
worker's replay covers at most its uncommitted tail: a commit interval of work, a few
thousand records), so remembering the last ``DELIVERED_MEMORY`` ids catches it with a wide
margin while memory stays near 10 MB (an id is under 100 bytes with its dict slot).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

DELIVERED_MEMORY = 100_000


def record_key(record: Any) -> str | None:
    """What makes two records on a topic the same one: an article's ``id``, a quote record's
    ``quote.id`` (its ``article_id`` is shared by every quote of the article); dead letters
    and foreign records have none and are never dropped."""
    if not isinstance(record, dict):
        return None
    quote = record.get("quote")
    if isinstance(quote, dict) and isinstance(quote.get("id"), str):
        return "quote:" + quote["id"]
    aid = record.get("id")
    return aid if isinstance(aid, str) and aid else None


class DeliveredIds:
    """An LRU set: ``first_time(key)`` is True once per key among the last ``size`` keys seen."""

    def __init__(self, size: int = DELIVERED_MEMORY) -> None:
        if size < 1:
            raise ValueError("the delivered-id memory needs room for at least one id")
        self.size = size
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.dropped = 0

    def first_time(self, key: str | None) -> bool:
        if key is None:
            return True
        if key in self._seen:
            self._seen.move_to_end(key)
            self.dropped += 1
            return False
        self._seen[key] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._seen)

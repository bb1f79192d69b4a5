"""What a search may ask, checked before any store sees it.

The grammar is deliberately small, so that it means the same on SQLite FTS5 and on
PostgreSQL and cannot smuggle either engine's syntax through: words (all required) and
"quoted phrases". Anything else (FTS operators, column filters, wildcards, brackets, SQL
punctuation such as ``'; DROP TABLE``) is refused with a message saying where and why, so a
user learns the grammar instead of getting silently different results. The stores receive
only the parsed terms, as bound parameters.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import datetime

from pipeline.filters import parse_since

MAX_QUERY_CHARS = 200  # a search box, not a document: long inputs are mistakes or abuse
MAX_TERMS = 12  # each term is an index lookup; more add cost and no precision
MAX_FILTER_CHARS = 120  # entity/speaker/source names are short
DEFAULT_LIMIT = 20
MAX_LIMIT = 100  # a page, not an export: bigger pages make p95 unpredictable
KINDS = ("articles", "quotes")

# A word: letters/digits, with inner apostrophes, hyphens, dots or ampersands (don't,
# al-Qaeda, U.S., AT&T). Unicode letters are welcome (\w minus underscore).
_WORD = re.compile("[^\\W_]+(?:['\u2019.&-][^\\W_]+)*\\.?", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


class BadQuery(ValueError):
    """A search that cannot run; the message is for the person who typed it."""


@dataclass(frozen=True)
class Term:
    """One required word or phrase, as the index tokens it stands for."""

    text: str  # as the user wrote it (for snippets and echoing back)
    tokens: tuple[str, ...]  # lower-case word tokens, the same split both engines make

    @property
    def is_phrase(self) -> bool:
        return len(self.tokens) > 1


@dataclass(frozen=True)
class Search:
    """A validated search request; build it with ``build_search``."""

    kind: str = "articles"
    terms: tuple[Term, ...] = ()
    speaker: str | None = None
    entity: str | None = None
    label: str | None = None
    source: str | None = None
    since: datetime | None = None
    limit: int = DEFAULT_LIMIT
    after: int | None = None  # keyset cursor: results older (lower seq) than this
    query: str = ""  # the text as given, echoed in responses
    extra: dict = field(default_factory=dict)


def parse_terms(text: str) -> tuple[Term, ...]:
    """Words and "quoted phrases" -> terms; ``BadQuery`` names the first problem and its column."""
    if len(text) > MAX_QUERY_CHARS:
        raise BadQuery(f"query is {len(text)} characters; the limit is {MAX_QUERY_CHARS}")
    terms: list[Term] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "\"“”":
            close = _closing_quote(text, i + 1)
            if close < 0:
                raise BadQuery(f"unbalanced quote at column {i + 1}: close the phrase with \"")
            inner = text[i + 1:close]
            tokens = tuple(t.casefold() for t in _TOKEN.findall(inner))
            if not tokens:
                raise BadQuery(f"empty phrase at column {i + 1}")
            _check_phrase(inner, i + 1)
            terms.append(Term(inner.strip(), tokens))
            i = close + 1
            continue
        match = _WORD.match(text, i)
        if not match:
            raise BadQuery(f"unexpected {ch!r} at column {i + 1}: search takes words and \"quoted phrases\" "
                           "(no operators, wildcards or punctuation)")
        word = match.group(0)
        end = match.end()
        if end < n and not text[end].isspace():
            bad = text[end]
            raise BadQuery(f"unexpected {bad!r} at column {end + 1}: search takes words and \"quoted phrases\" "
                           "(no operators, wildcards or punctuation)")
        if word in _OPERATORS:
            raise BadQuery(f"{word!r} at column {i + 1} is search-engine syntax: every word is already "
                           "required; put it in quotes to search for the word itself")
        terms.append(Term(word, tuple(t.casefold() for t in _TOKEN.findall(word))))
        i = end
    if len(terms) > MAX_TERMS:
        raise BadQuery(f"{len(terms)} words or phrases; the limit is {MAX_TERMS}")
    return tuple(terms)


def _closing_quote(text: str, start: int) -> int:
    for j in range(start, len(text)):
        if text[j] in "\"“”":
            return j
    return -1


def _check_phrase(inner: str, column: int) -> None:
    """Inside quotes anything goes except what both engines treat as syntax even there."""
    for k, ch in enumerate(inner):
        if ch in "\x00":
            raise BadQuery(f"control character at column {column + k + 1}")


def _clean_filter(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_FILTER_CHARS:
        raise BadQuery(f"{name} is {len(value)} characters; the limit is {MAX_FILTER_CHARS}")
    if any(ord(c) < 32 for c in value):
        raise BadQuery(f"{name} contains a control character")
    return value


def encode_cursor(kind: str, seq: int) -> str:
    return base64.urlsafe_b64encode(f"{kind[0]}:{seq}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> int:
    """The ``seq`` a page ends at; refuses cursors of the other kind or made up by hand."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, seq = raw.partition(":")
        value = int(seq)
    except (ValueError, UnicodeDecodeError):
        raise BadQuery("cursor is not one this API returned: pass next_cursor unchanged") from None
    if prefix != kind[0] or value < 0:
        raise BadQuery(f"cursor belongs to another search (kind={kind} expected)")
    return value


def build_search(q: str | None = None, *, kind: str | None = None, speaker: str | None = None,
                 entity: str | None = None, label: str | None = None, source: str | None = None,
                 since: str | datetime | None = None, limit: int | str | None = None,
                 cursor: str | None = None) -> Search:
    """Every check in one place, for the CLI, the HTTP API and Python callers alike.

    ``kind`` defaults to quotes when a speaker is given (the question is "what did X say"),
    else articles.
    """
    q = q or ""
    terms = parse_terms(q)
    speaker = _clean_filter("speaker", speaker)
    kind = (kind or ("quotes" if speaker else "articles")).strip().lower()
    if kind not in KINDS:
        raise BadQuery(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    label_value = _clean_filter("label", label)
    if label_value is not None and not re.fullmatch(r"[A-Za-z_]{2,20}", label_value):
        raise BadQuery(f"label {label_value!r} is not an entity label such as PERSON, ORG or GPE")
    when: datetime | None
    if isinstance(since, str) and since.strip():
        try:
            when = parse_since(since)
        except ValueError as exc:
            raise BadQuery(str(exc).replace("--since", "since")) from None
    else:
        when = since if isinstance(since, datetime) else None
    if limit is None or limit == "":
        size = DEFAULT_LIMIT
    else:
        try:
            size = int(limit)
        except (TypeError, ValueError):
            raise BadQuery(f"limit must be a whole number from 1 to {MAX_LIMIT}") from None
        if not 1 <= size <= MAX_LIMIT:
            raise BadQuery(f"limit must be from 1 to {MAX_LIMIT}, not {size}")
    after = decode_cursor(kind, cursor) if cursor else None
    return Search(kind=kind, terms=terms, speaker=speaker, entity=_clean_filter("entity", entity),
                  label=label_value.upper() if label_value else None, source=_clean_filter("source", source),
                  since=when, limit=size, after=after, query=q)

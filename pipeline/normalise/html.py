"""Main text out of an HTML page, boilerplate (menus, footers, ads) dropped."""

from __future__ import annotations

import html as htmllib
import re

_TAG = re.compile(r"<[^>]*>")
_BLOCK = re.compile(r"</?(p|div|br|h[1-6]|li|tr|article|section)\b[^>]*>", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_SCRIPT = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.I | re.S)


def extract_html(markup: str) -> tuple[str | None, str]:
    """(title, text). trafilatura does the work; a tag-stripping fallback covers pages it
    rejects (too short, or so deeply nested that lxml gives up)."""
    title = None
    text = ""
    try:
        import trafilatura

        text = trafilatura.extract(markup, include_comments=False, include_tables=False, favor_recall=True) or ""
        meta = trafilatura.extract_metadata(markup)
        title = meta.title if meta is not None else None
    except Exception:  # lxml raises many kinds on hostile markup; fall back
        text = ""
    if not text.strip():
        stripped = _SCRIPT.sub(" ", markup)
        stripped = _BLOCK.sub("\n\n", stripped)
        text = htmllib.unescape(_TAG.sub(" ", stripped))
    if title is None:
        m = _TITLE.search(markup)
        title = htmllib.unescape(_TAG.sub("", m.group(1))).strip() if m else None
    return title or None, text

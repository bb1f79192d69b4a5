"""Character- and paragraph-level repair of wire text.

Everything here maps a string to a cleaner string; offsets are taken only after these steps,
so no offset mapping is needed downstream.
"""

from __future__ import annotations

import re

import ftfy

_DROP = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)]
_ZERO_WIDTH = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x200E, 0x200F]
_SPACES = [0x09, 0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]
_TABLE: dict[int, str | None] = {cp: None for cp in _DROP + _ZERO_WIDTH}
_TABLE.update({cp: " " for cp in _SPACES})
_TABLE.update({0x2028: "\n", 0x2029: "\n\n"})

_SENTENCE_END = re.compile(r"[.!?:;\"\u201d')\]]$")
_MULTISPACE = re.compile(r"[ ]{2,}")
# Two apostrophes or two backticks for a double quote; three apostrophes close an inner
# single quote and the outer double one.
_TYPEWRITER_QUOTES = re.compile(r"'''|``|''")


def clean_characters(text: str) -> str:
    """Repair mojibake and drop control/zero-width characters; unify line endings.

    Curly quotes are kept (ftfy would straighten them by default): they carry direction,
    which the quote extractor uses. Typewriter double quotes (two apostrophes, as newspaper
    archives write them, or two backticks) become ``"``: two apostrophes are no quote mark
    to the quote extractor.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=False, normalization="NFC")
    text = _TYPEWRITER_QUOTES.sub(lambda m: "'\"" if len(m[0]) == 3 else '"', text)
    return text.translate(_TABLE)


def _is_hard_wrapped(lines: list[str]) -> tuple[bool, int]:
    """Wire copy (Reuters, AP archives) is wrapped at a fixed width; ordinary text is not.

    We call a block hard-wrapped when most of its lines sit just under a common width.
    """
    lengths = [len(line.rstrip()) for line in lines if line.strip()]
    if len(lengths) < 4:
        return False, 0
    width = sorted(lengths)[int(len(lengths) * 0.9) - 1]
    if width > 100 or width < 30:
        return False, width
    near = sum(1 for n in lengths if n >= 0.7 * width)
    return near >= 0.6 * len(lengths), width


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs with hard wraps reflowed and inner whitespace collapsed.

    Breaks are blank lines and indented lines; in hard-wrapped copy a short line that ends
    a sentence also ends its paragraph, while in unwrapped text every line is a paragraph.
    """
    lines = text.split("\n")
    wrapped, width = _is_hard_wrapped(lines)
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraphs.append(_MULTISPACE.sub(" ", " ".join(current)).strip())
            current.clear()

    for line in lines:
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        indented = len(line) - len(line.lstrip(" ")) >= 2
        if current:
            prev = current[-1]
            if not wrapped or indented:
                flush()
            elif len(prev) < 0.7 * width and _SENTENCE_END.search(prev):
                flush()
        current.append(stripped)
    flush()
    return [p for p in paragraphs if p]


def _open_quote_balance(paragraph: str) -> int:
    """Positive when the paragraph leaves a quotation open."""
    straight = paragraph.count('"')
    opened = paragraph.count("\u201c") + paragraph.count("\u00ab") + paragraph.count("\u201e")
    closed = paragraph.count("\u201d") + paragraph.count("\u00bb")
    return (straight % 2) + opened - closed


_LEADING_STRAY = re.compile(r"^([\"\u201d\u00bb])\s+")


def repair_displaced_quotes(paragraphs: list[str]) -> list[str]:
    """Move a closing quote mark that was pushed to the start of the next paragraph back.

    Seen in the wild as ``...dictatorship.\\n\\n" If the group...``: a paragraph opening with
    a quote mark followed by a space, right after a paragraph that left a quotation open.
    """
    out = list(paragraphs)
    for i in range(1, len(out)):
        m = _LEADING_STRAY.match(out[i])
        if m and _open_quote_balance(out[i - 1]) > 0:
            out[i - 1] = out[i - 1].rstrip() + m.group(1)
            out[i] = out[i][m.end():]
    return [p for p in out if p]

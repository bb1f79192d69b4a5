"""A parsed document's text, built once.

``Doc.text`` joins every token's text on each call; the quote passes ask for it once per
candidate verb, so on a long article the cost grew with the square of its length (the quotes
stage was 4-7x slower than it needed to be on BBC stories).
"""

from __future__ import annotations

from spacy.tokens import Doc

_KEY = "newswire.text"


def doc_text(doc: Doc) -> str:
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return str(text)

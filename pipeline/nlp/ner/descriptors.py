"""Story-level evidence that a one-word "person" is an organisation.

The NER reads a few words either side of a name, and an unfamiliar one-word name before a
verb looks like a surname in Reuters copy: ``Yukos said ...`` comes out PERSON, even where the
same story calls it ``Russian oil giant Yukos`` or talks of ``Yukos shares``. A story that
names such a word with an organisation's descriptor, and never with a personal title or a
first name, is talking about an organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_ORG_NOUNS = (
    "firm|company|companies|giant|group|maker|manufacturer|bank|lender|insurer|carrier|airline|retailer|"
    "supermarket|chain|operator|producer|brewer|publisher|broadcaster|network|regulator|watchdog|agency|"
    "club|subsidiary|conglomerate|corporation|start-up|startup|exchange|label|studio|consortium|utility"
)
_BEFORE = re.compile(  # "oil giant Yukos", "cable firms NTL and Telewest", "shares in Yukos"
    rf"(?:\b(?i:{_ORG_NOUNS})s?(?:\s+[A-Z][\w&.-]*\s+(?:and|or|&))?|\b(?i:shares (?:in|of)))\s+$")
_AFTER = re.compile(
    r"^(?:'s|\u2019s)?\s+(?:shares|shareholders|stock|boss|bosses|unit|subsidiary|subsidiaries|employees|headquarters|"
    r"Inc|Ltd|plc|PLC|Corp|Corporation|Holdings|AG|SA|NV)\b"
)
_APPOSITION = re.compile(  # "Yukos, the Russian oil company," (the noun ends the phrase: not "company director")
    rf"^,\s+(?:the|a|an)\s+(?:[\w-]+\s+){{0,3}}(?:{_ORG_NOUNS})(?=\s*[,.;:)]|\s+(?:that|which|based|in)\b)",
    re.IGNORECASE,
)
_TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Prof|President|Judge|Senator|Sen|Rep|Gov|Gen|Capt|Rev)\.?\s+$"
)
_WINDOW = 40  # characters of context either side: a descriptor sits right next to the name


def looks_like_organisation(text: str, spans: Iterable[tuple[int, int]]) -> bool:
    """True if some mention has an organisation's descriptor and none has a personal title."""
    org = False
    for start, end in spans:
        before, after = text[max(0, start - _WINDOW):start], text[end:end + _WINDOW]
        if _TITLE.search(before):
            return False
        org = org or bool(_BEFORE.search(before) or _AFTER.match(after) or _APPOSITION.match(after))
    return org


_PLACE_NOUNS = re.compile(
    r"^\s+(?:province|region|district|county|valley|governorate|prefecture|oblast|state|city|town|village)\b"
)
_MEDIA = re.compile(
    r"\b[Tt]he\s+((?:[A-Z][\w'&.-]*\s+){0,4}[A-Z][\w'&.-]*)\s+"
    r"(?:news\s+)?(?:magazine|newspaper|news agency|daily|weekly|tabloid|broadcaster|channel|website)\b"
)


def looks_like_place(text: str, spans: Iterable[tuple[int, int]]) -> bool:
    """``the holdout Panjshir province``: a name before a word for a territory is a place."""
    return any(_PLACE_NOUNS.match(text[end:end + _WINDOW]) for _, end in spans)


def media_names(text: str) -> list[tuple[int, int]]:
    """``the India Today news magazine``: the capitalised run before a word for a medium is one
    name, though the NER sees a country in it."""
    return [m.span(1) for m in _MEDIA.finditer(text)]

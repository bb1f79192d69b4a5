"""Story-level evidence that a name is a title of a work or an award, not a person or a place.

Neither CoNLL-2003 (its MISC lumps titles with nationalities and events) nor the small model's
silver tags teach titles well: ``his latest album Musicology`` comes out PERSON, ``the
documentary Secret Agent`` PERSON, ``Oscar nominee`` PERSON and ``Grammy`` GPE. News writes a
work's title straight after the word for what it is, and the big awards are a short closed
list, so the story itself settles these (OntoNotes, whose labels the records keep, tags both as
WORK_OF_ART).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WORK_LABEL = "WORK_OF_ART"
# Labels a work or an award is mistaken for; EVENT, LAW and the rest are left as the NER says.
_MISREAD = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT"}

# Nouns that are also verbs or sports words ("polls show Clinton", "Chelsea play Arsenal",
# "the series England won", "after the game Wenger said", "the storm hit Florida") are left out.
_WORK_NOUNS = (
    "album|single|song|film|movie|musical|opera|novel|book|autobiography|memoir|biography|"
    "documentary|sitcom|video game|painting|poem"
)
_DETERMINER = (
    r"(?:the|his|her|their|its|new|latest|debut|recent|forthcoming|upcoming|hit|acclaimed|[\w-]+'s|[\w-]+\u2019s)"
)
# "his latest album Musicology", "the BBC documentary Secret Agent", a memoir "entitled X";
# the noun must touch the title: "the film's director Ang Lee" and "film star Tom Cruise" do not,
# and it must be a noun phrase: "a single Republican" and "to film Kidman" do not.
_BEFORE = re.compile(
    rf"(?:\b(?i:{_DETERMINER})\s+(?:[\w-]+\s+)?(?i:{_WORK_NOUNS})|\b(?:entitled|titled))\s+$"
)
_SPEAKS = re.compile(r"^\s+(?:said|says|told|added|wrote)\b")  # a title does not talk
_TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Prof|President|Judge|Senator|Sen|Rep|Gov|Gen|Capt|Rev)\.?\s+$"
)
_WINDOW = 30  # characters before a mention: the descriptor sits right next to the title

# The awards news names on their own. Words that are also common first names or surnames on
# their own ("Tony", "Booker", "Olivier", "Mercury", "Turner") are left out: a story about an
# award names them with "award" or "prize", which the NER already reads as part of the name.
# Names ending in award or prize ("Brit Awards") are matched by their last word instead.
AWARDS = frozenset({
    "oscar", "oscars", "grammy", "grammys", "grammies", "emmy", "emmys", "bafta", "baftas", "golden globe",
    "golden globes", "cesar", "cesars", "c\u00e9sar", "c\u00e9sars", "pulitzer", "palme d'or",
})


_AWARD_WORDS = {"award", "awards", "prize", "prizes", "trophy", "medal"}


def is_award(key: str) -> bool:
    """``key`` is a normalised name (lower case, no article or possessive): an award on the list,
    or any name ending in award or prize (``Grammy Awards``, ``Critics' Circle Theatre Awards``)."""
    words = key.split()
    return key in AWARDS or (len(words) > 1 and words[-1] in _AWARD_WORDS)


def looks_like_work(text: str, spans: Iterable[tuple[int, int]]) -> bool:
    """True if some mention follows the word for a work, and none follows a personal title or
    speaks."""
    work = False
    for start, end in spans:
        before = text[max(0, start - _WINDOW):start]
        if _TITLE.search(before) or _SPEAKS.match(text[end:end + _WINDOW]):
            return False
        work = work or bool(_BEFORE.search(before))
    return work


def relabel_work(label: str, key: str, text: str, spans: Iterable[tuple[int, int]]) -> str:
    """WORK_OF_ART for an award or a titled work the NER read as something else."""
    if label not in _MISREAD:
        return label
    if (is_award(key) and label != "ORG") or key in AWARDS or looks_like_work(text, spans):
        return WORK_LABEL  # "the Grammy Awards" may name the academy that gives them: ORG stays
    return label

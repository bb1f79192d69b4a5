"""CoNLL-2003's four types as the OntoNotes labels the records carry.

CoNLL says LOC where the records distinguish GPE (countries, cities, states) from LOC
(regions, seas, mountains), and MISC where they say NORP, EVENT, PRODUCT, WORK_OF_ART, LAW or
LANGUAGE. Where spaCy's small model tags the very same span with one of the finer labels of
that type, its label is kept (it knows ``Europe`` is LOC and ``Euro 96`` an EVENT); otherwise
the span's words decide. Numeric labels (DATE, MONEY, ...), which CoNLL does not annotate, are
taken from the small model wherever they overlap no CoNLL name, so the trained model keeps them.
"""

from __future__ import annotations

import re

from pipeline.nlp.gazetteer import city_country, country_code

FINER = {
    "PER": ("PERSON",),
    "ORG": ("ORG",),
    "LOC": ("GPE", "LOC", "FAC"),
    "MISC": ("NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"),
}
NUMERIC = ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
NAMED = tuple(label for labels in FINER.values() for label in labels)

# Geographic features OntoNotes calls LOC rather than GPE.
_LOC_WORDS = re.compile(
    r"\b(?:river|sea|ocean|gulf|bay|lake|mountains?|mount|mt|hills?|valley|desert|island|islands|strait|"
    r"peninsula|coast|basin|channel|canal|plains?|forest|park|region|delta|continent)\b",
    re.IGNORECASE,
)
_CONTINENTS = {
    "europe", "asia", "africa", "america", "north america", "south america", "latin america",
    "middle east", "far east", "balkans", "caribbean", "scandinavia", "antarctica", "oceania",
    "central america", "west africa", "east africa", "southeast asia", "central asia", "gaza strip", "west bank",
}
_EVENT_WORDS = re.compile(
    r"\b(?:cup|championships?|open|games|olympics?|grand prix|tour|trophy|series|war|masters|classic|"
    r"rally|tournament|league|final|finals|derby|marathon|festival|election|summit|conference|prix)\b",
    re.IGNORECASE,
)
_LAW_WORDS = re.compile(r"\b(?:act|treaty|accords?|law|constitution|bill|agreement|convention|amendment)\b", re.IGNORECASE)
_NATIONALITY_ENDINGS = ("ese", "ian", "ish", "an", "i", "ic", "ch")


def refine(conll_type: str, text: str, pos: tuple[str, ...], small_label: str | None) -> str:
    """The OntoNotes label of one CoNLL name; ``small_label`` is the small model's label on this exact span."""
    if small_label in FINER[conll_type]:
        return small_label
    if conll_type == "PER":
        return "PERSON"
    if conll_type == "ORG":
        return "ORG"
    key = " ".join(text.lower().split())
    if conll_type == "LOC":
        if key in _CONTINENTS or _LOC_WORDS.search(key):
            return "LOC"
        return "GPE"  # countries, cities and states are most of CoNLL's locations
    if _EVENT_WORDS.search(key):
        return "EVENT"
    if _LAW_WORDS.search(key) and len(pos) > 1:
        return "LAW"
    single = len(pos) == 1
    if single and (pos[0] in ("JJ", "NNPS", "NNS") or key.endswith(_NATIONALITY_ENDINGS)):
        return "NORP"  # Germans, British, Iraqi
    if country_code(key) or city_country(key):
        return "NORP"  # a country used as a modifier: MISC in CoNLL only as an adjective
    return "NORP" if single else "EVENT"

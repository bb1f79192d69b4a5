"""Canonical entities from spaCy's NER, with the fixes news copy needs.

Mentions are merged into one entity per real-world name (``Saleh`` into ``Amrullah Saleh``,
``the Taliban`` into ``Taliban``), every mention of a name gets the story's majority label,
dateline debris is dropped, and the dateline's location and agencies are added as mentions.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from spacy.tokens import Doc

from pipeline.nlp.gazetteer import city_country, country_code
from pipeline.nlp.ner.descriptors import looks_like_organisation, looks_like_place, media_names
from pipeline.nlp.ner.headline import capitalised_words, casing_artefact, title_cased
from pipeline.nlp.ner.works import relabel_work
from schemas.records import Entity, Mention, NormalisedArticle

NAMED_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}
_LABEL_PRIORITY = ["PERSON", "GPE", "LOC", "ORG", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"]
_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_LEADING = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING = re.compile(r"(?:'s|\u2019s|'|\u2019)$")
_SLUG = re.compile(r"[^0-9a-z]+")
_SPACED_DASH = re.compile(r"\s[-\u2013\u2014]\s")
_DEBRIS = re.compile(r"\d|[-\u2013\u2014/]\s")
# "S Parisse", "CA del Fava": an initial and a surname, how line-ups and lists write people.
_INITIAL_NAME = re.compile(r"^[A-Z]{1,2} (?:(?:de|da|del|della|di|van|von|le|la|du) )?[A-Z][\w'\u2019-]+$")
UNKNOWN_PLACE_MENTIONS = 5  # place tags a word unknown to the gazetteer needs before it is no surname
_LIST_BEFORE = re.compile(r"[,;:]\s*$")
_LIST_AFTER = re.compile(r"^\s*[,;.]")


@dataclass
class RawMention:
    start: int
    end: int
    label: str


def slug(name: str) -> str:
    return _SLUG.sub("-", name.lower()).strip("-")


def _key(text: str) -> str:
    return " ".join(_TRAILING.sub("", _LEADING.sub("", text)).lower().split())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading article and trailing possessive/punctuation from a mention."""
    span = text[start:end]
    m = _LEADING.match(span)
    if m and end - start > m.end():
        start += m.end()
    span = text[start:end]
    m = re.search(r"\s*(?:'s|\u2019s|[.,;:]|\s[-\u2013\u2014]+)$", span)  # "CHARLOTTE -" of a dateline
    if m and m.start() > 0 and not re.search(r"[A-Z]\.$", span):
        end = start + m.start()
    return start, end


def collect_mentions(doc: Doc, article: NormalisedArticle) -> list[RawMention]:
    """spaCy's named mentions, minus dateline debris, plus the dateline's own parts."""
    text = article.text
    dl = article.dateline
    mentions: list[RawMention] = []
    title = article.title_span
    headline_end = title.end if title and title_cased(title.text) else 0
    body_names = capitalised_words(text[headline_end:]) if headline_end else set()
    for ent in doc.ents:
        if ent.label_ not in NAMED_LABELS:
            continue
        start, end = _trim(text, ent.start_char, ent.end_char)
        if end <= headline_end and casing_artefact(text[start:end], body_names):
            continue  # "Visits Hospital" of a title-case headline: the body never writes it as a name
        if dl and start < dl.end and end > dl.start:
            continue  # the dateline is parsed on its own below
        if end <= start or not any(c.isalpha() for c in text[start:end]):
            continue
        if _SPACED_DASH.search(text[start:end]):
            continue  # "Reconstruction - Virginia": two phrases run together, not a name
        if ent.label_ in ("ORG", "PERSON") and _DEBRIS.search(text[start:end]) and len(ent) > 3:
            continue
        label = ent.label_
        if label != "PERSON" and _in_line_up(text, start, end):
            label = "PERSON"  # "... A Masi, L Nitoglia; S Parisse.": the NER reads places and clubs
        mentions.append(RawMention(start, end, label))
    for start, end in media_names(text):  # "the India Today news magazine": one name, not India
        if any(m.start < end and start < m.end for m in mentions):
            mentions = [m for m in mentions if not (m.start < end and start < m.end)]
            mentions.append(RawMention(start, end, "ORG"))
    if dl:
        if dl.location:
            loc_start = text.find(dl.location, dl.start, dl.end)
            if loc_start >= 0 and _is_place(doc, dl.location, loc_start, loc_start + len(dl.location)):
                mentions.append(RawMention(loc_start, loc_start + len(dl.location), "GPE"))
        pos = dl.start
        for agency in dl.agencies:
            a_start = text.find(agency, pos, dl.end)
            if a_start >= 0:
                mentions.append(RawMention(a_start, a_start + len(agency), "ORG"))
                pos = a_start + len(agency)
    mentions.sort(key=lambda m: m.start)
    return mentions


def _in_line_up(text: str, start: int, end: int) -> bool:
    """An initial-and-surname name between list separators: a team sheet or a list of people."""
    return bool(_INITIAL_NAME.match(text[start:end]) and _LIST_BEFORE.search(text[max(0, start - 3):start])
                and _LIST_AFTER.match(text[end:end + 3]))


def _is_place(doc: Doc, name: str, start: int, end: int) -> bool:
    """A dateline's location is a place if the gazetteer knows it or the NER tags it as one:
    wire headlines such as ``CRICKET - LEICESTERSHIRE TAKE OVER`` parse like a dateline."""
    if country_code(name) or city_country(name):
        return True
    return any(ent.label_ in _PLACE_LABELS and ent.start_char < end and start < ent.end_char for ent in doc.ents)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def _whole_word_occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    """Where ``surface`` stands as a whole word. ``str.find``, not a regex per name: compiling
    one pattern per distinct name was a sixth of the extraction time on news."""
    found: list[tuple[int, int]] = []
    start = text.find(surface)
    while start != -1:
        end = start + len(surface)
        if not (start and _is_word_char(text[start - 1])) and not (end < len(text) and _is_word_char(text[end])):
            found.append((start, end))
            start = text.find(surface, end)
        else:
            start = text.find(surface, start + 1)
    return found


def _propagate(text: str, mentions: list[RawMention], names: dict[str, str]) -> list[RawMention]:
    """Tag untagged repeats of names the story already uses (``Saleh`` missed once)."""
    taken = [(m.start, m.end) for m in mentions]
    added: list[RawMention] = []
    for surface, label in names.items():
        if len(surface) < 3 or not surface[0].isupper():
            continue
        for s, e in _whole_word_occurrences(text, surface):
            if any(s < te and e > ts for ts, te in taken):
                continue
            taken.append((s, e))
            added.append(RawMention(s, e, label))
    return sorted(mentions + added, key=lambda m: m.start)


def canonical_entities(doc: Doc, article: NormalisedArticle) -> list[Entity]:
    text = article.text
    mentions = collect_mentions(doc, article)

    # Group by normalised name; single-word names join the person whose name ends with them.
    groups: dict[str, list[RawMention]] = defaultdict(list)
    for m in mentions:
        groups[_key(text[m.start: m.end])].append(m)
    full_names: dict[str, list[str]] = defaultdict(list)
    for key, ms in groups.items():
        tokens = key.split()
        if len(tokens) >= 2 and any(m.label == "PERSON" for m in ms):
            full_names[tokens[-1]].append(key)
            full_names[tokens[0]].append(key)
    surnamed: set[str] = set()  # names also used by their last word alone: people, in news style
    for key in list(groups):
        targets = set(full_names.get(key, [])) - {key}
        if len(key.split()) != 1 or not targets or _mostly_a_place(key, groups[key], [groups[t] for t in targets]):
            continue
        if len(targets) == 1:
            target = targets.pop()
            groups[target].extend(groups.pop(key))
            surnamed.add(target)
        else:
            surnamed.add(key)  # "Trump" beside Donald and Ivanka Trump: a person, though not one we can pick

    # Propagate each name's surface form (and a person's surname) to untagged repeats.
    surfaces: dict[str, str] = {}
    for ms in groups.values():
        label = _majority(ms)
        for m in ms:
            surfaces.setdefault(text[m.start: m.end], label)
    extra = [m for m in _propagate(text, mentions, surfaces) if m not in mentions]
    for m in extra:
        key = _key(text[m.start: m.end])
        for gkey, ms in groups.items():
            if key == gkey or text[m.start: m.end] in {text[x.start: x.end] for x in ms}:
                ms.append(m)
                break

    scored: list[tuple[float, dict]] = []
    lead_end = _lead_end(article)
    for key, ms in groups.items():
        ms.sort(key=lambda m: m.start)
        label = "PERSON" if key in surnamed else _majority(ms)
        spans = [(m.start, m.end) for m in ms]
        if label == "PERSON" and " " not in key and looks_like_organisation(text, spans):
            label = "ORG"  # "Yukos said" reads like a surname; "oil giant Yukos" settles it
        elif label in ("ORG", "PERSON") and looks_like_place(text, spans):
            label = "GPE"  # "the holdout Panjshir province"
        label = relabel_work(label, key, text, spans)  # "his album Musicology", "an Oscar"
        name = max((text[m.start: m.end] for m in ms), key=lambda s: (len(s.split()), not s.isupper(), len(s)))
        name = _LEADING.sub("", name)
        if name.isupper() and len(name) > 4 and "." not in name:
            name = name.title()  # MOSCOW from a dateline reads as Moscow
        code = None
        if label in ("GPE", "LOC", "ORG", "NORP"):
            code = country_code(name)
            if code and label != "NORP":
                label = "GPE"
        if label == "GPE" and code is None:
            code = city_country(name)
        seen: set[tuple[int, int]] = set()
        mention_records = []
        for m in ms:
            if (m.start, m.end) in seen:
                continue
            seen.add((m.start, m.end))
            mention_records.append(Mention(start=m.start, end=m.end, text=text[m.start: m.end]))
        score = len(mention_records) + (2.0 if ms[0].start < lead_end else 0.0) + (
            1.0 - ms[0].start / max(len(text), 1)
        )
        scored.append((score, dict(
            id=f"{label}:{slug(name)}", label=label, name=name, mentions=mention_records, country_code=code,
        )))
    top = max((score for score, _ in scored), default=1.0) or 1.0
    entities = [Entity(salience=round(score / top, 4), **fields) for score, fields in scored]
    entities.sort(key=lambda e: (-e.salience, e.mentions[0].start))
    return _merge_same_id(entities)


def _mostly_a_place(key: str, ms: list[RawMention], people: list[list[RawMention]]) -> bool:
    """A place the NER calls a place more often than the people it would be the name of are
    mentioned is not their name: one "Poor Mexico" (a title-case slip) must not make thirty
    "Mexico"s a person. A word the gazetteer does not know needs a story full of place tags
    ("Lebed Chechnya" once, "Chechnya" seven times), so a surname the NER misreads a few times
    ("Nervo" three times beside "Frank Nervo") still joins its person."""
    places = sum(m.label in _PLACE_LABELS for m in ms)
    person_mentions = sum(len(p) for p in people)
    if places * 2 <= len(ms):
        return False
    if country_code(key) or city_country(key):
        return places > person_mentions
    return places >= UNKNOWN_PLACE_MENTIONS and places > 2 * person_mentions


def _majority(ms: list[RawMention]) -> str:
    counts = Counter(m.label for m in ms)
    best = max(counts.values())
    tied = [lab for lab in counts if counts[lab] == best]
    return min(tied, key=lambda lab: _LABEL_PRIORITY.index(lab) if lab in _LABEL_PRIORITY else 99)


def _lead_end(article: NormalisedArticle) -> int:
    """End of the headline and first body paragraph: presence there raises salience."""
    start = article.title_span.end + 2 if article.title_span else 0
    nxt = article.text.find("\n\n", start)
    return len(article.text) if nxt < 0 else nxt


def _merge_same_id(entities: list[Entity]) -> list[Entity]:
    """Two keys can end up with one id (``U.S.`` vs ``US`` aside, ``Taliban``/``Taliban's``)."""
    by_id: dict[str, Entity] = {}
    for e in entities:
        if e.id in by_id:
            keep = by_id[e.id]
            spans = {(m.start, m.end) for m in keep.mentions}
            keep.mentions.extend(m for m in e.mentions if (m.start, m.end) not in spans)
            keep.mentions.sort(key=lambda m: m.start)
        else:
            by_id[e.id] = e
    return list(by_id.values())

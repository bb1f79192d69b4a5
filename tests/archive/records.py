"""Enriched records for the archive tests, built by hand so every expected value is known.

Shaped like the pipeline's EnrichedArticle (schemas/records.py); the archive reads fields by
name, so these carry only what it uses plus a field it does not know (``future_field``).
"""

from __future__ import annotations

import orjson

STORES = ["sqlite", "postgresql"]

SALEH = "PERSON:amrullah-saleh"
TALIBAN = "ORG:taliban"
KABUL = "GPE:kabul"

STORY = ("MOSCOW (UrduPoint News / Sputnik - 24th August, 2021) Afghanistan rejects the Taliban, Amrullah Saleh "
         "said. \"We prefer negotiations, but they should be meaningful,\" Saleh said in Kabul. "
         "The Taliban said talks were under way.")


def _span(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def entity(eid: str, name: str, spans: list[tuple[int, int]], text: str) -> dict:
    return {"id": eid, "label": eid.split(":")[0], "name": name, "salience": 0.5,
            "mentions": [{"start": s, "end": e, "text": text[s:e]} for s, e in spans]}


def quote(aid: str, n: int, text: str, part: str, speaker: tuple[str, str | None] | None, kind: str = "direct") -> dict:
    start, end = _span(text, part)
    return {"id": f"{aid}:q{n}", "text": part, "start": start, "end": end, "kind": kind, "segments": [],
            "speaker": {"start": 0, "end": 1, "text": speaker[0], "name": speaker[0], "entity_id": speaker[1]}
            if speaker else None}


def story(aid: str = "seed-1", source: str = "file:seed.txt", title: str = "Afghanistan rejects the Taliban",
          published: str | None = "2021-08-24") -> dict:
    """The seed story's shape: Saleh quoted on negotiations, Kabul and the Taliban named."""
    t = STORY
    words = "We prefer negotiations, but they should be meaningful"
    return {
        "schema_version": "1.0", "id": aid, "source": source, "title": title, "url": None, "language": "en",
        "published_at": published, "text": t,
        "dateline": {"location": "MOSCOW", "agencies": ["UrduPoint News", "Sputnik"], "date": "2021-08-24",
                     "start": 0, "end": 52, "text": t[:52]},
        "entities": [
            entity(SALEH, "Amrullah Saleh", [_span(t, "Amrullah Saleh"), _span(t, "Saleh", 1)], t),
            entity(TALIBAN, "Taliban", [_span(t, "Taliban"), _span(t, "Taliban", 1)], t),
            entity(KABUL, "Kabul", [_span(t, "Kabul")], t),
        ],
        "quotes": [
            quote(aid, 1, t, "Afghanistan rejects the Taliban", ("Amrullah Saleh", SALEH), "indirect"),
            quote(aid, 2, t, words, ("Amrullah Saleh", SALEH)),
            quote(aid, 3, t, "talks were under way", ("Taliban", TALIBAN), "indirect"),
        ],
        "future_field": {"added": "by a later schema"},
    }


def plain(aid: str, title: str, body: str, source: str = "bbc/business") -> dict:
    """An article with no entities or quotes (BBC-like)."""
    return {"schema_version": "1.0", "id": aid, "source": source, "title": title, "text": f"{title}\n\n{body}",
            "entities": [], "quotes": []}


def encode(record: dict) -> bytes:
    return orjson.dumps(record)

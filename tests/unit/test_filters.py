"""Subscriber filters: what --entity, --speaker, --label, --source and --since select."""

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.filters import Filters, parse_since


def article(aid, source="wire:reuters", entities=(), speakers=()):
    return {"id": aid, "source": source,
            "entities": [{"id": f"{label}:{name.lower()}", "label": label, "name": name} for name, label in entities],
            "quotes": [{"text": "...", "speaker": {"text": s, "name": s}} for s in speakers]}


def quote(aid, speaker, entity_id, text):
    return {"article_id": aid, "source": "wire:afp", "speaker_name": speaker, "speaker_entity_id": entity_id,
            "quote": {"text": text, "kind": "direct"}}


SALEH = article("a1", entities=[("Amrullah Saleh", "PERSON"), ("Taliban", "ORG")], speakers=["Amrullah Saleh"])
COUNCIL = article("a2", source="feed:Valmora Wire", entities=[("Harlow", "GPE")])


def test_entity_matches_name_substring_or_id():
    assert Filters(entity="saleh").matches(SALEH)
    assert Filters(entity="PERSON:amrullah saleh").matches(SALEH)
    assert not Filters(entity="saleh").matches(COUNCIL)


def test_speaker_label_and_source():
    assert Filters(speaker="Saleh").matches(SALEH) and not Filters(speaker="Saleh").matches(COUNCIL)
    assert Filters(label="gpe").matches(COUNCIL) and not Filters(label="GPE").matches(SALEH)
    assert Filters(source="valmora").matches(COUNCIL) and not Filters(source="valmora").matches(SALEH)


def test_all_filters_must_match():
    assert not Filters(entity="Taliban", source="valmora").matches(SALEH)
    assert Filters(entity="Taliban", speaker="saleh", label="ORG").matches(SALEH)


def test_quote_records_by_speaker_or_about_an_entity():
    q = quote("a1", "Amrullah Saleh", "PERSON:amrullah saleh", "The Taliban will not take Panjshir.")
    assert Filters(speaker="saleh").matches(q)
    assert Filters(entity="Taliban").matches(q)  # named in the quote's words
    assert Filters(label="PERSON").matches(q) and not Filters(label="ORG").matches(q)
    assert not Filters(speaker="Ghani").matches(q)


def test_since_uses_the_record_timestamp():
    now = datetime(2024, 3, 6, 12, tzinfo=UTC)
    f = Filters(since=parse_since("2h", now))
    assert f.matches(SALEH, timestamp_ms=int((now - timedelta(minutes=30)).timestamp() * 1000))
    assert not f.matches(SALEH, timestamp_ms=int((now - timedelta(hours=3)).timestamp() * 1000))


def test_parse_since_forms_and_errors():
    now = datetime(2024, 3, 6, 12, tzinfo=UTC)
    assert parse_since("2024-03-01", now) == datetime(2024, 3, 1, tzinfo=UTC)
    assert parse_since("90m", now) == now - timedelta(minutes=90)
    assert parse_since("2d", now) == now - timedelta(days=2)
    with pytest.raises(ValueError, match="relative age"):
        parse_since("yesterday", now)

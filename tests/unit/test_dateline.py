from datetime import date

import pytest

from pipeline.normalise.dateline import looks_like_dateline, parse_dateline

REF = date(2021, 8, 30)


@pytest.mark.parametrize(
    ("line", "location", "agencies", "iso"),
    [
        ("MOSCOW (UrduPoint News / Sputnik - 24th August, 2021) Afghanistan rejects", "MOSCOW",
         ["UrduPoint News", "Sputnik"], "2021-08-24"),
        ("NEW YORK, March 30 - Stocks fell", "NEW YORK", [], "2021-03-30"),
        ("ROME 1996-12-06 Italy said", "ROME", [], "1996-12-06"),
        ("Washington (AFP) – The talks", "Washington", ["AFP"], None),
        ("LONDON (Reuters) - Britain said", "LONDON", ["Reuters"], None),
        ("KABUL, Afghanistan (AP) — The Taliban", "KABUL", ["AP"], None),
        ("SALVADOR, Feb 26 - Showers continued", "SALVADOR", [], "2021-02-26"),
    ],
)
def test_dateline_styles(line, location, agencies, iso):
    d = parse_dateline(line, 0, REF)
    assert d is not None
    assert (d.location, d.agencies, d.date) == (location, agencies, iso)
    assert line[d.location_span[0]:d.location_span[1]] == location


@pytest.mark.parametrize("line", ["NATO said on Monday it would", "I said so", "The BBC reported", "BAHIA COCOA REVIEW"])
def test_not_datelines(line):
    assert not looks_like_dateline(line)


def test_offsets_are_shifted():
    text = "Headline\n\nLONDON (Reuters) - Britain said"
    d = parse_dateline(text[10:], offset=10, reference=REF)
    assert text[d.start:d.end] == "LONDON (Reuters)"
    assert text[d.body_start:].startswith("Britain")


def test_date_without_year_after_reference_goes_to_last_year():
    d = parse_dateline("PARIS, Dec 28 - x", 0, date(2022, 1, 3))
    assert d.date == "2021-12-28"

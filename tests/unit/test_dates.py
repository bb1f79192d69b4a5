from datetime import date

from pipeline.normalise.dates import find_dates, infer_year, parse_date_phrase

TUESDAY = date(2021, 8, 24)


def values(text, ref=TUESDAY):
    return [(d["text"], d["value"]) for d in find_dates(text, ref)]


def test_weekdays_resolve_to_the_story_week():
    assert values("On Tuesday he spoke; on Monday they met.") == [("Tuesday", "2021-08-24"), ("Monday", "2021-08-23")]


def test_future_weekday():
    assert values("The talks will resume on Friday.") == [("Friday", "2021-08-27")]


def test_month_day_takes_the_story_year():
    assert values("entered Kabul on August 15 causing") == [("August 15", "2021-08-15")]


def test_explicit_and_relative():
    assert values("On 3 March 2020 and yesterday.") == [("3 March 2020", "2020-03-03"), ("yesterday", "2021-08-23")]


def test_magazine_name_is_not_a_date():
    assert values("told the India Today news magazine") == []


def test_spans_index_the_text():
    text = "Talks on Monday, August 16, went well."
    for d in find_dates(text, TUESDAY):
        assert text[d["start"]:d["end"]] == d["text"]


def test_parse_phrase_and_infer_year():
    assert parse_date_phrase("24th August, 2021") == date(2021, 8, 24)
    assert infer_year("Profits in 1986 rose; 1987 outlook; 1986 again") == 1986
    assert infer_year("no years here") is None

"""Every time on every output in one shape: RFC 3339 UTC with Z, and what the source gave kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from pipeline.fanout import quote_records
from pipeline.messages import dead_letter
from pipeline.normalise import normalise
from pipeline.normalise.dates import published, received
from schemas.records import EnrichedArticle, RawArticle
from schemas.times import format_timestamp, parse_input_time
from tests.contract.validators import python_errors

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
STORY = "OSLO (Reuters) - The port reopened yesterday, officials said."


@pytest.mark.parametrize(("given", "at", "precision"), [
    ("2021-08-24", "2021-08-24T00:00:00Z", "date"),
    ("2005-03-01T09:30:00", "2005-03-01T09:30:00Z", "datetime_no_offset"),
    ("2005-03-01T09:30:00+00:00", "2005-03-01T09:30:00Z", "datetime"),
    ("2005-03-01T09:30:00+02:00", "2005-03-01T07:30:00Z", "datetime"),
    ("2005-03-01T01:15:00+05:30", "2005-02-28T19:45:00Z", "datetime"),
    ("2005-03-01T09:30:00.25-05:00", "2005-03-01T14:30:00.250000Z", "datetime"),
    ("Tue, 01 Mar 2005 09:30:00 GMT", "2005-03-01T09:30:00Z", "datetime"),
    ("Tue, 01 Mar 2005 09:30:00 PST", "2005-03-01T17:30:00Z", "datetime"),
    ("01 Mar 2005 09:30 -0000", "2005-03-01T09:30:00Z", "datetime_no_offset"),
    ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z", "datetime"),
])
def test_any_input_shape_becomes_utc_with_its_precision(given, at, precision):
    article = normalise(RawArticle(body=STORY, published_at=given), now=NOW)
    assert (article.published_at, article.published_at_precision) == (at, precision)
    assert article.received_at == "2026-01-02T03:04:05Z"


def test_python_producers_may_hand_datetimes_and_dates():
    aware = datetime(2005, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert normalise(RawArticle(body=STORY, published_at=aware)).published_at == "2005-03-01T14:30:00Z"
    naive = normalise(RawArticle(body=STORY, published_at=datetime(2005, 3, 1, 9, 30)))
    assert (naive.published_at, naive.published_at_precision) == ("2005-03-01T09:30:00Z", "datetime_no_offset")
    day = normalise(RawArticle(body=STORY, published_at=date(2005, 3, 1)))
    assert (day.published_at, day.published_at_precision) == ("2005-03-01T00:00:00Z", "date")
    # model_copy skips validation (the ingest producer stamps received_at this way): still one shape
    stamped = RawArticle(body=STORY).model_copy(update={"received_at": datetime(2026, 5, 6, 7, 8, 9, 10, tzinfo=UTC)})
    assert normalise(stamped).received_at == "2026-05-06T07:08:09.000010Z"


def test_header_and_dateline_dates_are_known_to_the_day_only():
    header = normalise(RawArticle(body="date 2021-08-24 Talks resume\n\n" + STORY))
    assert (header.published_at, header.published_at_precision) == ("2021-08-24T00:00:00Z", "date")
    dateline = normalise(RawArticle(body="OSLO, March 3, 2022 (Reuters) - The port reopened."))
    assert dateline.dateline is not None and dateline.dateline.date == "2022-03-03"
    assert (dateline.published_at, dateline.published_at_precision) == ("2022-03-03T00:00:00Z", "date")
    undated = normalise(RawArticle(body="The port reopened, officials said."), now=NOW)
    assert (undated.published_at, undated.published_at_precision) == (None, None)


def test_relative_dates_resolve_against_the_day_the_source_wrote():
    # 01:15 in India on 1 March is still 28 February in UTC: "yesterday" is 28 February
    article = normalise(RawArticle(body=STORY, published_at="2005-03-01T01:15:00+05:30"))
    assert [(d.text, d.value) for d in article.dates] == [("yesterday", "2005-02-28")]
    assert published("2005-03-01T01:15:00+05:30") == published("2005-03-01T01:15:00+05:30", "2001-01-01")
    assert published(None, None, "2005-03-01").precision == "date"  # type: ignore[union-attr]
    assert received(None, NOW) == "2026-01-02T03:04:05Z"


def test_every_output_time_validates_with_format_checking_and_rejects_other_shapes():
    article = normalise(RawArticle(id="t1", body=STORY, published_at="2005-03-01T09:30:00"), now=NOW)
    record = article.model_dump(mode="json")
    assert python_errors("NormalisedArticle", record) == []
    for bad in ("2005-03-01T09:30:00", "2005-03-01", "2005-03-01T09:30:00+00:00", "2005-13-01T09:30:00Z"):
        errors = python_errors("NormalisedArticle", {**record, "published_at": bad})
        assert errors and errors[0].startswith("/published_at"), bad
    letter = dead_letter(stage="enrich", error=ValueError("x"), value=b"{}").model_dump(mode="json")
    assert letter["failed_at"].endswith("Z") and python_errors("DeadLetter", letter) == []
    enriched = EnrichedArticle(**record)
    assert list(quote_records(enriched)) == []  # no quotes here: QuoteRecord times are covered with real stories


def test_format_and_parse_round_trip():
    assert format_timestamp(datetime(2021, 8, 24, 9, 30)) == "2021-08-24T09:30:00Z"
    moment = parse_input_time(format_timestamp(NOW))
    assert moment is not None and moment.at == NOW and moment.precision == "datetime"
    assert parse_input_time("2021-02-29") is None and parse_input_time(12) is None  # type: ignore[arg-type]

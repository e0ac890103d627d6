"""Record dates keep their precision; question periods; the half-inside matching rule."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.dates import OPEN_END, OPEN_START, parse_date
from bot.engine.periods import find_periods


def d(s: str) -> int:
    return dt.date.fromisoformat(s).toordinal()


@pytest.mark.parametrize("value,kind,text,anchors", [
    ("2021-03-22", "day", "22 March 2021", [("2021-03-22", "2021-03-22")]),
    ("2021-03", "month", "March 2021", [("2021-03-01", "2021-03-31")]),
    ("2021", "year", "2021", [("2021-01-01", "2021-12-31")]),
    (2021, "year", "2021", [("2021-01-01", "2021-12-31")]),
    ("late 2020", "approximate", "late 2020", [("2020-09-01", "2020-12-31")]),
    ("early 2021", "approximate", "early 2021", [("2021-01-01", "2021-04-30")]),
    ("winter 2020", "approximate", "winter 2020", [("2020-12-01", "2021-02-28")]),
    ("2020-07/2021-12", "range", "July 2020 – December 2021",
     [("2020-07-01", "2020-07-31"), ("2021-12-01", "2021-12-31"), ("2020-07-01", "2021-12-31")]),
    ("2019-09/..", "range", "from September 2019", [("2019-09-01", "2019-09-30")]),
    (["2021-03", "2021-07"], "several", "March 2021 and July 2021",
     [("2021-03-01", "2021-03-31"), ("2021-07-01", "2021-07-31")]),
    ("--12-27", "no-year", "27 December (year not given)", []),
    ("--02-29", "no-year", "29 February (year not given)", []),
])
def test_record_dates(value, kind, text, anchors):
    v = parse_date(value)
    assert (v.kind, v.text) == (kind, text)
    assert list(v.anchors) == [(d(a), d(b)) for a, b in anchors]


@pytest.mark.parametrize("value,message", [
    ("2021-02-30", "not a real day"), ("2021-13", "month 13"), ("soon", "cannot read"),
    ("2022/2021", "ends before it starts"), ("../..", "no end"), ("--02-30", "not a real day"),
    ("--12-27/2021", "needs years"),
])
def test_impossible_dates(value, message):
    with pytest.raises(ValueError, match=message):
        parse_date(value)


def test_no_date():
    assert parse_date(None) is None and parse_date("") is None


@pytest.mark.parametrize("question,periods", [
    ("sanctions in 2021", [("2021-01-01", "2021-12-31")]),
    ("what happened in March 2021?", [("2021-03-01", "2021-03-31")]),
    ("on 22 March 2021", [("2021-03-22", "2021-03-22")]),
    ("March 22, 2021", [("2021-03-22", "2021-03-22")]),
    ("22nd of March 2021", [("2021-03-22", "2021-03-22")]),
    ("between 2019 and 2020", [("2019-01-01", "2020-12-31")]),
    ("from 2020 to 2019", [("2019-01-01", "2020-12-31")]),
    ("2019-2020", [("2019-01-01", "2020-12-31")]),
    ("2019 – 2021", [("2019-01-01", "2021-12-31")]),
    ("since March 2021", [("2021-03-01", None)]),
    ("after 2020", [("2021-01-01", None)]),
    ("before 2019", [(None, "2018-12-31")]),
    ("until June 2020", [(None, "2020-06-30")]),
    ("in late 2020", [("2020-09-01", "2020-12-31")]),
    ("in 2019 and 2020", [("2019-01-01", "2019-12-31"), ("2020-01-01", "2020-12-31")]),
    ("2021-03", [("2021-03-01", "2021-03-31")]),
    ("H.R.6256", []), ("in may", []), ("31 February 2021", []), ("the 1990s", [("1990-01-01", "1999-12-31")]),
])
def test_question_periods(question, periods):
    got = [(p.start, p.end) for _, _, p in find_periods(question)]
    want = [(d(a) if a else OPEN_START, d(b) if b else OPEN_END) for a, b in periods]
    assert got == want


@pytest.mark.parametrize("question,periods", [
    # quarters and halves
    ("what happened in Q2 2021?", [("2021-04-01", "2021-06-30")]),
    ("the first quarter of 2021", [("2021-01-01", "2021-03-31")]),
    ("in the second half of 2020", [("2020-07-01", "2020-12-31")]),
    ("H1 2021", [("2021-01-01", "2021-06-30")]),
    # month ranges that say the year once
    ("between september and november 2020", [("2020-09-01", "2020-11-30")]),
    ("May to July 2021", [("2021-05-01", "2021-07-31")]),
    ("from November to February 2021", [("2020-11-01", "2021-02-28")]),
    # the middle, end and beginning of a year; open ranges from them
    ("since mid 2021", [("2021-07-01", None)]),
    ("before mid 2020", [(None, "2020-06-30")]),
    ("at the end of 2020", [("2020-09-01", "2020-12-31")]),
    ("since late 2020", [("2020-09-01", None)]),
    ("in the 2010s", [("2010-01-01", "2019-12-31")]),
    # other languages' months
    ("en mars 2021", [("2021-03-01", "2021-03-31")]),
    ("im Juni 2021", [("2021-06-01", "2021-06-30")]),
])
def test_question_periods_people_use(question, periods):
    got = [(p.start, p.end) for _, _, p in find_periods(question)]
    assert got == [(d(a) if a else OPEN_START, d(b) if b else OPEN_END) for a, b in periods]


@pytest.mark.parametrize("question,months,unknown", [
    ("what happened in December?", [12], []),
    ("what did Canada do in may", [5], []),
    ("may I ask what Canada did", [], []),            # "may" only a month beside a date word
    ("what happened last year?", [], ["last year"]),
    ("anything recently?", [], ["recently"]),
    ("what was done most recently?", [], []),          # a superlative, not a date
])
def test_months_without_a_year_and_dates_not_understood(question, months, unknown):
    from bot.engine.periods import read_dates
    got = read_dates(question)
    assert [m for _, _, m in got.months] == months and [w for _, _, w in got.unknown] == unknown


def test_the_years_the_data_covers():
    from bot.engine.periods import read_dates
    got = read_dates("what happened in the final year covered?", years=(2018, 2022)).periods
    assert [(p.start, p.end) for _, _, p in got] == [(d("2022-01-01"), d("2022-12-31"))]

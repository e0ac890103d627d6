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

"""bot/engine/filters.py: each part of an interpretation as an SQL fragment with named
parameters and a description (tables from input to SQL, as datasette tests its filters), and
the period rule run by SQLite itself on real dates."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from bot.dates import Period, parse_date
from bot.engine.filters import clauses, fts_query, text_clause
from bot.engine.interpret import Interpretation

ACTOR_SQL = ("r.rowid in (select ra.record from record_actors ra join actor_closure c on c.descendant = ra.actor"
             " where c.ancestor in ({ids}) and ra.role in ({roles}))")
TYPE_SQL = ("r.rowid in (select rt.record from record_types rt join type_closure tc on tc.descendant = rt.type"
            " where tc.ancestor in ({ids}))")

CANADA = {"id": "canada", "name": "Canada", "object": False}
XPCC = {"id": "xpcc", "name": "XPCC", "object": True}
SANCTIONS, BANS = {"id": "sanctions", "name": "Sanctions"}, {"id": "import-bans", "name": "Import bans"}

CASES = [
    # (interpretation parts, [(sql, params, description)])
    ({"actors": [CANADA], "acting_only": True},
     [(ACTOR_SQL.format(ids=":a0", roles=":ar0, :ar1"), {"a0": "canada", "ar0": "acted", "ar1": "joined"},
       "Canada (as actor)")]),
    ({"actors": [CANADA], "types": [SANCTIONS]},     # any part it took, but not a passing mention
     [(ACTOR_SQL.format(ids=":a0", roles=":ar0, :ar1, :ar2, :ar3"),
       {"a0": "canada", "ar0": "acted", "ar1": "joined", "ar2": "venue", "ar3": "target"}, "Canada"),
      (TYPE_SQL.format(ids=":t0_0"), {"t0_0": "sanctions"}, "Sanctions")]),
    ({"actors": [XPCC]},
     [(ACTOR_SQL.format(ids=":o0", roles=":or0, :or1, :or2, :or3, :or4"),
       {"o0": "xpcc", "or0": "acted", "or1": "joined", "or2": "venue", "or3": "target", "or4": "mentioned"},
       "concerning XPCC")]),
    ({"types": [SANCTIONS, BANS]},                   # listed: either
     [(TYPE_SQL.format(ids=":t0_0, :t0_1"), {"t0_0": "sanctions", "t0_1": "import-bans"}, "Sanctions or Import bans")]),
    ({"types": [SANCTIONS, BANS], "all_types": True},  # together: both
     [(TYPE_SQL.format(ids=":t0_0"), {"t0_0": "sanctions"}, "Sanctions"),
      (TYPE_SQL.format(ids=":t1_0"), {"t1_0": "import-bans"}, "Import bans")]),
    ({"stages": ["failed"]}, [("r.stage in (:s0)", {"s0": "failed"}, "stage failed")]),
    ({"kinds": ["legislature"]},
     [("exists (select 1 from record_actors ra join actors a on a.id = ra.actor where ra.record = r.rowid"
       " and ra.role in (:kr0, :kr1) and (a.kind in (:k0, :k1, :k2)))",
       {"kr0": "acted", "kr1": "joined", "k0": "legislature", "k1": "chamber", "k2": "committee"},
       "by legislature")]),
    ({"periods": [Period(10, 20, "in 2021")]},
     [("r.rowid in (select d.record from record_dates d where (d.start + d.end between 2 * :p0s - 1 and"
       " 2 * :p0e + 1 and (min(d.end, :p0e) - max(d.start, :p0s) + 1) * 2 >= d.end - d.start + 1))",
       {"p0s": 10, "p0e": 20}, "in 2021")]),
    ({"topic_words": ["investigation", "inquiry"]},
     [("r.rowid in (select rowid from records_fts where records_fts match :q)",
       {"q": '"investigation" OR "inquiry"'}, "mentioning investigation or inquiry")]),
    # a group is its members, as alternatives; a party marked `any_role` may be merely named
    ({"groups": [{"id": "benelux", "name": "Benelux countries", "members": ["belgium", "netherlands"]}]},
     [(ACTOR_SQL.format(ids=":a0, :a1", roles=":ar0, :ar1, :ar2, :ar3"),
       {"a0": "belgium", "a1": "netherlands", "ar0": "acted", "ar1": "joined", "ar2": "venue", "ar3": "target"},
       "Benelux countries")]),
    ({"actors": [dict(CANADA, any_role=True)]},
     [(ACTOR_SQL.format(ids=":a0", roles=":ar0, :ar1, :ar2, :ar3, :ar4"),
       {"a0": "canada", "ar0": "acted", "ar1": "joined", "ar2": "venue", "ar3": "target", "ar4": "mentioned"},
       "Canada")]),
    # what is left out: a record stays when someone outside acted in it; an excluded type drops it
    ({"exclude": [{"category": "actor", "id": "united-states", "name": "United States"}]},
     [("exists (select 1 from record_actors ra where ra.record = r.rowid and ra.role in (:xr0) and ra.actor not in"
       " (select descendant from actor_closure where ancestor in (:xa0)))",
       {"xr0": "acted", "xa0": "united-states"}, "leaving out United States")]),
    ({"exclude": [{"category": "kind", "id": "legislature", "name": "parliaments"}]},
     [("exists (select 1 from record_actors ra where ra.record = r.rowid and ra.role in (:xr0) and ra.actor not in"
       " (select c.descendant from actor_closure c join actors a on a.id = c.ancestor where a.kind in"
       " (:xk0, :xk1, :xk2)))", {"xr0": "acted", "xk0": "legislature", "xk1": "chamber", "xk2": "committee"},
       "leaving out parliaments")]),
    ({"exclude": [{"category": "type", "id": "sanctions", "name": "Sanctions"}]},
     [("r.rowid not in (select rt.record from record_types rt join type_closure tc on tc.descendant = rt.type"
       " where tc.ancestor in (:xt0))", {"xt0": "sanctions"}, "leaving out Sanctions")]),
    # a heading of the source: the records citing that section
    ({"sections": [{"id": "uhrp-responses:multilateral", "name": "Multilateral Action"}]},
     [("r.rowid in (select rowid from records where sources like :sec0)",
       {"sec0": '%"section_key": "multilateral"%'}, "in the source's “Multilateral Action”")]),
]


@pytest.mark.parametrize("parts,expected", CASES, ids=[f"{n}-{','.join(c[0])}" for n, c in enumerate(CASES)])
def test_parts_become_sql(parts, expected):
    got = [(c.sql, c.params, c.description) for c in clauses(Interpretation("q", **parts))]
    assert got == expected


@pytest.mark.parametrize("words,any_of,expected", [
    (["sanctions", "2021"], False, '"sanctions" "2021"'),
    (["a", "b"], True, '"a" OR "b"'),
    (['say "NEAR"', "OR"], False, '"say ""NEAR""" "OR"'),   # user text never becomes search syntax
    (["", "  ", "x"], False, '"x"'),
])
def test_full_text_queries_quote_every_word(words, any_of, expected):
    assert fts_query(words, any_of) == expected
    assert text_clause(words, any_of).params == {"q": expected}


def day(s: str) -> int:
    return dt.date.fromisoformat(s).toordinal()


@pytest.mark.parametrize("record,period,expected", [
    ("2021-03", ("2021-01-01", "2021-12-31"), True),      # month in its year
    ("2021-03", ("2021-03-01", "2021-03-31"), True),      # month in its month
    ("2021-03", ("2021-03-22", "2021-03-22"), False),     # never more precise than the data
    ("2021", ("2021-03-01", "2021-03-31"), False),
    ("late 2020", ("2020-01-01", "2020-12-31"), True),
    ("late 2020", ("2020-12-01", "2020-12-31"), False),
    ("2020-07/2021-12", ("2021-03-01", "2021-03-31"), False),  # middle of a range: unknown
    ("2020-07/2021-12", ("2020-01-01", "2020-12-31"), True),   # holds its start
    ("2020-07/2021-12", ("2021-01-01", "2021-12-31"), True),   # holds its end
    ("2021-03-22", ("2021-03-22", "2021-03-22"), True),
    ("2019-09/..", ("2019-01-01", "2019-12-31"), True),        # an open range holds its known end
    ("--12-27", ("2021-01-01", "2021-12-31"), False),          # no year: never in a period
])
def test_the_period_rule_in_sqlite(record, period, expected):
    """At least half of one of a record's dates lies in the period, computed by SQLite."""
    db = sqlite3.connect(":memory:")
    db.execute('create table record_dates (record integer, start integer, "end" integer)')
    db.executemany("insert into record_dates values (1, ?, ?)", parse_date(record).anchors)
    (clause,) = clauses(Interpretation("q", periods=[Period(day(period[0]), day(period[1]), "p")]))
    found = db.execute(f"select 1 from (select 1 as rowid) r where {clause.sql}", clause.params).fetchall()
    assert bool(found) is expected


@pytest.mark.parametrize("record,month,expected", [
    ("2021-12-09", 12, True), ("2020-12", 12, True), ("2021-11-30", 12, False),
    ("late 2020", 12, False),                  # a season says nothing of its December
    ("2020-07/2021-12", 12, True),             # a range holds its end month
    ("--12-27", 12, True), ("--12-27", 11, False),   # the year not given: the month still is
])
def test_a_month_without_a_year_in_sqlite(record, month, expected):
    from bot.engine.filters import month_clause
    db = sqlite3.connect(":memory:")
    db.execute('create table record_dates (record integer, start integer, "end" integer)')
    db.execute("create table records (rowid integer primary key, date_text text)")
    value = parse_date(record)
    db.executemany("insert into record_dates values (1, ?, ?)", value.anchors)
    db.execute("insert into records values (1, ?)", (value.text,))
    clause = month_clause([month])
    found = db.execute(f"select 1 from (select 1 as rowid) r where {clause.sql}", clause.params).fetchall()
    assert bool(found) is expected

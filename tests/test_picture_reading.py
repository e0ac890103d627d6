"""Pictures that read the same way everywhere: one colour per action type in every chart, every
mark style in the legend, axes over the years the title says, co-actors' rows marked as such,
and captions that explain the counts that differ between charts."""
from __future__ import annotations

import datetime as dt

from bot.pictures.draw import _key_handles, _type_handle, layout_timeline, render_stats, render_timeline
from bot.pictures.select import select, timeline_chart
from bot.pictures.stats import stats_counts
from bot.pictures.style import HATCHES, NEUTRAL, PALETTE, type_styles, year_ticks


def test_a_type_has_one_colour_in_every_chart_from_the_vocabulary(engine):
    st = engine.state
    styles = type_styles(st.types)
    first = next(iter(st.types))
    assert styles[first].colour == PALETTE[0]   # types.yaml's order, not how often a type is drawn
    selections = [engine.select(actors=["canada"], limit=1000).records, engine.select(label="all", limit=1000).records,
                  engine.select(types=["statements"], limit=1000).records]
    for records in selections:
        for rows in ("actor", "type"):
            lay = layout_timeline(records, rows=rows, styles=styles, max_rows=100)
            by_id = {r["id"]: r for r in records}
            for m in lay.marks:
                types = by_id[m.record_id]["types"]
                expected = styles[types[0]].colour if rows == "actor" else {styles[t].colour for t in types}
                assert m.colour == expected or m.colour in expected, (m, types)
    sanctions = engine.select(types=["sanctions"], limit=1000).records
    svg = render_stats(sanctions, styles=styles, fmt="svg").image.decode().lower()
    for label in stats_counts(sanctions)["types"]:
        t = next(k for k, v in st.types.items() if v == label)
        assert f"fill: {styles[t].colour.lower()}" in svg, label
    assert f"fill: {NEUTRAL.lower()}" in svg   # years and actors: a colour no type has


def test_the_legend_shows_every_mark_style_stripes_included(engine):
    st = engine.state
    styles = type_styles(st.types)
    striped = [t for t, s in styles.items() if s.hatch]
    assert striped and {s.hatch for s in styles.values()} <= set(HATCHES)
    records = engine.select(types=striped[:3], limit=1000).records
    lay = layout_timeline(records, styles=styles, max_rows=100)
    shown = {s for s in lay.styles if s.hatch}
    assert shown
    for s in shown:
        point, bar = _type_handle(s)
        assert point.get_marker() == s.marker and bar.get_hatch() == s.hatch
    _, labels = _key_handles(lay.kinds, co=True)
    from bot.pictures.draw import KEY
    assert {KEY[k] for k in lay.kinds} | {KEY["co"]} <= set(labels)


def test_the_axis_runs_over_the_years_the_title_names(engine):
    chart, sel = timeline_chart(engine, types=["sanctions"], start=2021, end=2021)
    lay = layout_timeline(sel.records, styles=type_styles(engine.state.types), years=(2021, 2021))
    assert (lay.first_year, lay.last_year) == (2021, 2021)
    assert lay.x_lo.year == 2020 and lay.x_lo > dt.date(2020, 12, 1)   # a few days' margin, no 2020 tick
    assert all(dt.date(2021, 1, 1) <= m.x_start <= m.x_end <= dt.date(2021, 12, 31)
               for m in lay.marks if m.kind not in ("open-end", "open-start"))
    assert "cut at the edge" in chart.caption   # a range from 2019 runs into the period
    for first, last in ((2020, 2021), (2018, 2022), (1990, 2024), (2021, 2021)):
        major, _, minor = year_ticks(first, last)
        assert all(first <= d.year <= last for d in major + minor), (first, last)
    free = layout_timeline(sel.records)   # no period asked: the years the dates cover
    assert free.first_year == min(m.x_start.year for m in free.marks if m.kind != "open-start")


def test_rows_of_the_other_actors_in_the_asked_actors_records_are_marked(engine):
    sel = select(engine, actors=["canda"])
    assert sel.focus == ["Canada"]
    lay = layout_timeline(sel.records, focus=sel.focus)
    assert lay.rows[0] == "Canada" and lay.co_rows[0] is False and all(lay.co_rows[1:]) and len(lay.rows) > 1
    assert all(m.co == lay.co_rows[m.row] for m in lay.marks)
    chart = render_timeline(sel.records, focus=sel.focus)
    assert "Faded rows marked “shared”: other actors acting in Canada's records" in chart.caption


def test_captions_explain_the_counts_that_differ(engine):
    records = engine.select(types=["sanctions"], limit=1000).records
    counts = stats_counts(records)
    assert sum(counts["types"].values()) > len(records) and sum(counts["actors"].values()) > len(records)
    stats = render_stats(records).caption
    assert f"the type bars add up to {sum(counts['types'].values())} for {len(records)} records" in stats
    assert f"the actor bars add up to {sum(counts['actors'].values())}" in stats
    assert "in the year its date starts" in stats
    lay = layout_timeline(records)
    assert sum(lay.row_counts) > lay.shown and lay.several_types
    timeline = render_timeline(records).caption
    assert f"({sum(lay.row_counts)} for {lay.shown} records)" in timeline
    assert f"Colour: the record's first action type ({lay.several_types} records have more than one" in timeline

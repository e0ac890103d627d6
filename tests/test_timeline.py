"""Timeline and stats pictures: real PNGs of the stated size, honest dates, clear notes on what is left out."""
from __future__ import annotations

import copy
import datetime as dt
import io
import struct

import pytest
from helpers import ROOT

from bot.engine.engine import Engine
from bot.pictures.draw import EmptyChart, layout_timeline, render_stats, render_timeline, stats_counts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def timeline_engine(tmp_path_factory, frozen_data) -> Engine:
    return Engine(frozen_data, tmp_path_factory.mktemp("timeline") / "index.db")


@pytest.fixture(scope="module")
def everything(timeline_engine) -> list[dict]:
    return timeline_engine.select(label="all", limit=100000).records


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def assert_real_picture(chart) -> None:
    assert png_size(chart.png) == (chart.width, chart.height)
    import numpy as np
    from PIL import Image
    img = np.asarray(Image.open(io.BytesIO(chart.png)).convert("RGB"))
    assert img.shape == (chart.height, chart.width, 3)
    inked = np.any(img != img[0, 0], axis=2).sum()
    assert inked > 0.02 * chart.width * chart.height, "the picture is (nearly) blank"


def with_date(rec: dict, date: dict | None, rid: str) -> dict:
    out = copy.deepcopy(rec)
    out["id"], out["date"] = rid, date
    return out


def month(y: int, m: int) -> dict:
    start = dt.date(y, m, 1)
    end = (dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1))
    text = start.strftime("%B %Y")
    return {"text": text, "kind": "month", "sort": start.toordinal(),
            "parts": [{"precision": "month", "start": start.isoformat(), "end": end.isoformat(), "text": text}]}


NO_YEAR = {"text": "27 December (year not given)", "kind": "no-year", "sort": None,
           "parts": [{"precision": "no-year", "start": None, "end": None, "text": "27 December (year not given)"}]}


def synthetic(base: list[dict], n: int = 1000) -> list[dict]:
    """Real record dicts with shifted dates and made-up actors: many more rows than fit."""
    out = []
    for i in range(n):
        rec = copy.deepcopy(base[i % len(base)])
        rec["id"] = f"synthetic-{i}"
        shift = dt.timedelta(days=(i * 37) % 2900 - 1400)
        if rec.get("date"):
            for p in rec["date"]["parts"]:
                for k in ("start", "end"):
                    if p.get(k):
                        p[k] = (dt.date.fromisoformat(p[k]) + shift).isoformat()
            if rec["date"].get("sort") is not None:
                rec["date"]["sort"] += shift.days
        for a in rec["actors"]:
            a["name"] = a["top_name"] = f"Synthetic actor {(i * 7919) % 60:02d}"
        out.append(rec)
    return out


def test_one_record(everything):
    dated = next(r for r in everything if r["date"] and r["date"]["kind"] == "day")
    chart = render_timeline([dated])
    assert_real_picture(chart)
    assert (chart.shown, chart.omitted) == (1, 0)
    assert "Source: International Responses to the Uyghur Crisis" in chart.caption


def test_whole_dataset_by_actor_and_by_type(everything, timeline_engine):
    for rows in ("actor", "type"):
        chart = render_timeline(everything, rows=rows, documents=timeline_engine.state.documents)
        assert_real_picture(chart)
        assert chart.shown + chart.omitted == len(everything)
        assert chart.caption.endswith("Source: International Responses to the Uyghur Crisis (Uyghur Human Rights Project)")
        assert 400 <= chart.height <= 4096 and chart.width == 1600


def test_one_actor(timeline_engine):
    chart = render_timeline(timeline_engine.select(actors=["canada"], limit=1000).records, title="Canada")
    assert_real_picture(chart)
    assert chart.omitted == 0


def test_thousand_records_cap_rows_and_report_what_is_left_out(everything):
    records = synthetic(everything)
    lay = layout_timeline(records, max_rows=20)
    assert len(lay.rows) == 20
    assert any("more actor" in n and "not shown" in n for n in lay.notes)
    chart = render_timeline(records, max_rows=20)
    assert_real_picture(chart)
    assert chart.shown + chart.omitted == 1000
    assert 0 < chart.shown < 1000
    assert "more actors not shown" in chart.caption
    assert chart.height <= 4096


def test_height_grows_with_rows_within_bounds(everything):
    records = synthetic(everything)
    small, big = render_timeline(records, max_rows=3), render_timeline(records, max_rows=60)
    assert small.height < big.height <= 4096


def test_empty_selection_raises():
    with pytest.raises(EmptyChart, match="no records"):
        render_timeline([])
    with pytest.raises(EmptyChart):
        render_stats([])
    assert issubclass(EmptyChart, ValueError)


def test_nothing_drawable_raises(everything):
    recs = [with_date(everything[0], NO_YEAR, "a"), with_date(everything[0], None, "b")]
    with pytest.raises(EmptyChart, match="without a year"):
        render_timeline(recs)


def test_records_without_a_year_are_left_out_and_noted(everything):
    base = everything[0]
    recs = [with_date(base, month(2021, 3), "dated"), with_date(base, NO_YEAR, "no-year"),
            with_date(base, None, "undated")]
    lay = layout_timeline(recs)
    assert {m.record_id for m in lay.marks} == {"dated"}
    assert "1 record without a year not drawn" in lay.notes
    assert "1 undated record not drawn" in lay.notes
    chart = render_timeline(recs)
    assert (chart.shown, chart.omitted) == (1, 2)
    assert "1 record without a year not drawn" in chart.caption


def test_month_is_a_span_and_day_is_a_point(everything):
    day = next(r for r in everything if r["date"] and r["date"]["kind"] == "day")
    lay = layout_timeline([with_date(day, month(2021, 3), "m"), day])
    by_id = {m.record_id: m for m in lay.marks}
    m = by_id["m"]
    assert m.kind == "month" and (m.x_start, m.x_end) == (dt.date(2021, 3, 1), dt.date(2021, 3, 31))
    d = by_id[day["id"]]
    assert d.kind == "day" and d.x_start == d.x_end


def test_coarse_ranges_open_and_several_dates(everything):
    kinds = {r["id"]: r["date"]["kind"] for r in everything if r["date"]}
    lay = layout_timeline(everything, max_rows=100)
    marks = {}
    for m in lay.marks:
        marks.setdefault(m.record_id, []).append(m)
    for rid, kind in kinds.items():
        if kind == "approximate":
            assert [m.kind for m in marks[rid]] == ["period"] * len(marks[rid])
            assert all((m.x_end - m.x_start).days > 60 for m in marks[rid])
        if kind == "several":
            assert "link" in {m.kind for m in marks[rid]}
    opened = [m for m in lay.marks if m.kind == "open-end"]
    assert opened and all(m.x_end == lay.x_hi for m in opened)
    closed = [m for m in lay.marks if m.kind == "range"]
    assert closed and all(m.x_end > m.x_start for m in closed)


def test_open_ended_range_alone(everything):
    rec = next(r for r in everything if r["date"] and r["date"]["text"].startswith("from "))
    chart = render_timeline([rec])
    assert_real_picture(chart)
    (mark,) = layout_timeline([rec]).marks
    assert mark.kind == "open-end" and mark.x_start.isoformat() == rec["date"]["parts"][0]["start"]


def test_rows_by_type_put_a_record_on_each_of_its_types(everything):
    rec = next(r for r in everything if len(r["types"]) >= 2 and r["date"] and r["date"]["kind"] == "day")
    lay = layout_timeline([rec], rows="type")
    assert sorted(lay.rows) == sorted(rec["type_labels"])
    assert len([m for m in lay.marks if m.record_id == rec["id"]]) == len(rec["types"])


def test_labels_have_no_flag_emoji_and_are_shortened(everything):
    rec = copy.deepcopy(next(r for r in everything if r["date"] and r["date"]["kind"] == "day"))
    for a in rec["actors"]:
        a["top_name"] = "🇨🇦 An actor with a remarkably long name that will not fit"
    (label,) = layout_timeline([rec]).rows
    assert label.startswith("An actor") and label.endswith("…") and len(label) <= 34
    assert not any(0x1F1E6 <= ord(c) <= 0x1F1FF for c in label)


def test_many_types_share_an_other_legend_entry():
    from bot.pictures.style import MAX_STYLES, type_styles

    vocabulary = {f"t{i}": f"Type {i}" for i in range(MAX_STYLES + 5)}
    styles = type_styles(vocabulary)
    assert len(set(styles.values())) == MAX_STYLES
    assert {styles[f"t{i}"].label for i in range(MAX_STYLES - 1, MAX_STYLES + 5)} == {"Other (6 types)"}


def test_output_is_deterministic(everything):
    assert render_timeline(everything).png == render_timeline(everything).png


def test_stats(everything, timeline_engine):
    chart = render_stats(everything, documents=timeline_engine.state.documents)
    assert_real_picture(chart)
    counts = stats_counts(everything)
    undated = sum(1 for r in everything if not (r["date"] and r["date"]["sort"] is not None))
    assert sum(counts["years"].values()) == len(everything) - undated
    assert f"{undated} records without a year not counted per year" in chart.caption
    assert counts["actors"]["United States"] >= counts["actors"]["Canada"] > 0
    assert "Source: International Responses to the Uyghur Crisis (Uyghur Human Rights Project)" in chart.caption


def test_core_module_needs_neither_discord_nor_pyplot():
    import subprocess
    import sys
    code = ("import sys, bot.pictures.draw as t; "
            "assert 'discord' not in sys.modules and 'matplotlib' not in sys.modules, sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_renders_in_worker_threads(everything):
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(4) as pool:
        pngs = list(pool.map(lambda rows: render_timeline(everything, rows=rows).png, ["actor", "type"] * 3))
    assert len(set(pngs)) == 2

"""The figure builders of dashboard/charts.py on small DataFrames: no database, no Streamlit."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts
from dashboard.charts import ChartContext
from etl.indicators import UNITS_EN, indicator_catalog, indicator_unit

CTX = ChartContext(lang="vi", area="Huyện Kiên Lương", boundaries="reported", updated=date(2026, 11, 29), sample=True)
PERIODS = ("2024S1", "2024S2", "2025S1", "2025S2", "2026S1")


def unit_rows(rows: list[tuple[str, int, str, str, float]]) -> pd.DataFrame:
    """(period, unit_id, unit_code, unit_name, value) → a unit_values-shaped frame."""
    frame = pd.DataFrame(rows, columns=["period", "unit_id", "unit_code", "unit_name", "value"])
    frame["indicator"] = "DLG_HELD"
    frame["partial"] = False
    frame["source"] = "lô #3: kien-luong-2024.xlsx"
    return frame


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def assert_meeting_screen_layout(fig: go.Figure) -> None:
    assert fig.layout.separators == ",."
    assert fig.layout.title.font.size >= 22
    assert fig.layout.xaxis.title.font.size >= 16 and fig.layout.yaxis.title.font.size >= 16
    assert any("Nguồn: QCDC Tracker, số liệu các xã báo cáo; cập nhật 29/11/2026" in a for a in annotations(fig))
    assert any("DỮ LIỆU MINH HỌA" in a for a in annotations(fig))


def test_unit_bar_ranks_units_with_vietnamese_labels():
    values = unit_rows(
        [
            ("2019S1", 1, "30787", "Thị trấn Kiên Lương", 3),
            ("2019S1", 2, "30808", "Xã Bình An", 1050),
            ("2019S1", 3, "30809", "Xã Bình Trị", 0),
        ]
    )
    fig = charts.unit_bar(values, "DLG_HELD", "2019S1", CTX, missing=["Xã Hòa Điền"])
    (bar,) = fig.data
    assert isinstance(bar, go.Bar) and bar.orientation == "h"
    assert list(bar.y) == ["Xã Bình Trị", "Thị trấn Kiên Lương", "Xã Bình An"]  # largest on top
    assert list(bar.x) == [0, 3, 1050]  # a real zero stays a zero
    assert fig.layout.xaxis.title.text == "Cuộc" and fig.layout.yaxis.title.text == "Đơn vị"
    assert "Số cuộc đối thoại giữa chính quyền với Nhân dân" in fig.layout.title.text  # what
    subtitle = fig.layout.title.subtitle.text
    assert "Huyện Kiên Lương" in subtitle and "6 tháng đầu năm 2019" in subtitle  # where, when
    assert "Chưa báo cáo: Xã Hòa Điền" in subtitle
    assert "lô #3: kien-luong-2024.xlsx" in str(bar.customdata[0])  # traceable
    assert "%{x:,.0f}" in bar.hovertemplate
    assert_meeting_screen_layout(fig)


def test_colours_are_kept_per_unit_across_figures():
    colours = charts.colour_map(["30809", "30787", "30808", "30814"])
    assert colours == charts.colour_map(["30814", "30808", "30787", "30809"])  # order does not matter
    assert len(set(colours.values())) == 4
    first = charts.unit_bar(
        unit_rows([("2019S1", 1, "30787", "A", 3), ("2019S1", 2, "30808", "B", 1)]), "DLG_HELD", "2019S1", CTX, colours
    )
    second = charts.trend_chart(
        PERIODS,
        "DLG_HELD",
        CTX,
        units=unit_rows([("2024S1", 2, "30808", "B", 2), ("2024S1", 4, "30814", "D", 5)]),
        colours=colours,
    )
    bar_colour = dict(zip(first.data[0].y, first.data[0].marker.color, strict=True))["B"]
    line_colour = {trace.name: trace.line.color for trace in second.data}["B"]
    assert bar_colour == line_colour == colours["30808"]


def test_trend_leaves_gaps_for_unreported_periods_and_marks_the_reorganisation():
    totals = pd.DataFrame(
        {
            "period": ["2024S1", "2025S1", "2025S2", "2026S1"],
            "value": [14.0, 13.0, 0.0, 6.0],
            "units_reporting": [8, 8, 5, 3],
            "units_expected": [8, 8, 5, 5],
        }
    )
    units = unit_rows(
        [("2024S1", 1, "30787", "Thị trấn Kiên Lương", 2), ("2025S1", 1, "30787", "Thị trấn Kiên Lương", 3)]
    )
    fig = charts.trend_chart(PERIODS, "DLG_HELD", CTX, totals=totals, units=units, colours=charts.colour_map(["30787"]))
    total, town = fig.data
    assert isinstance(total, go.Scatter) and total.mode == "lines+markers"
    assert list(total.y) == [14.0, None, 13.0, 0.0, 6.0]  # 2024S2 not reported: a gap, not 0; 2025S2 a real 0
    assert total.connectgaps is False
    assert list(total.marker.symbol) == ["circle", "circle", "circle", "circle", "circle-open"]  # 3/5 reported
    assert list(town.y) == [2.0, None, 3.0, None, None]
    assert list(fig.layout.xaxis.categoryarray) == list(PERIODS)
    assert fig.layout.xaxis.title.text == "Kỳ báo cáo"
    (marker,) = [s for s in fig.layout.shapes if s.name == "reorganisation"]
    assert marker.x0 == marker.x1 == 2.5  # between 2025S1 and 2025S2
    assert "Sắp xếp đơn vị hành chính 1/7/2025" in annotations(fig)
    assert_meeting_screen_layout(fig)


def test_trend_has_no_marker_before_the_reorganisation():
    fig = charts.trend_chart(
        ("2019S1", "2019S2"),
        "DLG_HELD",
        CTX,
        totals=pd.DataFrame({"period": ["2019S1"], "value": [18.0], "units_reporting": [8], "units_expected": [8]}),
    )
    assert not [s for s in fig.layout.shapes if s.name == "reorganisation"]
    assert "6T đầu<br>2019" in fig.layout.xaxis.ticktext


def test_trend_by_year_marks_2025():
    totals = pd.DataFrame(
        {
            "period": ["2024", "2025", "2026"],
            "value": [30.0, 20.0, 19.0],
            "units_reporting": [8, 5, 5],
            "units_expected": [8, 5, 5],
        }
    )
    fig = charts.trend_chart(("2024", "2025", "2026"), "DLG_HELD", CTX, totals=totals)
    (marker,) = [s for s in fig.layout.shapes if s.name == "reorganisation"]
    assert marker.x0 == 1


def test_rates_have_one_decimal():
    totals = pd.DataFrame({"period": ["2024S1"], "value": [85.4545], "units_reporting": [8], "units_expected": [8]})
    fig = charts.trend_chart(("2024S1",), "CMP_RATE", CTX, totals=totals)
    assert fig.layout.yaxis.tickformat == ",.1f" and fig.layout.yaxis.title.text == "%"
    assert "%{y:,.1f}" in fig.data[0].hovertemplate


def test_heatmap_keeps_units_apart_and_blank_cells_blank():
    values = unit_rows(
        [
            ("2025S1", 10, "30802", "Xã Hòa Điền", 2),
            ("2025S2", 20, "30790", "Xã Hòa Điền", 3),
            ("2026S1", 20, "30790", "Xã Hòa Điền", 0),
        ]
    )
    fig = charts.heatmap(values, PERIODS, "DLG_HELD", CTX)
    (heat,) = fig.data
    assert isinstance(heat, go.Heatmap)
    assert list(heat.y) == ["Xã Hòa Điền · trước 1/7/2025", "Xã Hòa Điền · từ 1/7/2025"]
    assert [list(row) for row in heat.z] == [[None, None, 2.0, None, None], [None, None, None, 3.0, 0.0]]
    assert fig.layout.yaxis.title.text == "Đơn vị"
    assert_meeting_screen_layout(fig)


def test_ntm_levels_never_mix_criteria_sets_on_one_axis():
    counts = pd.DataFrame(
        {
            "period": ["2020S2", "2020S2", "2021S1", "2026S1"],
            "criteria_set": ["2016-2020", "2016-2020", "2021-2025", "2026-2030"],
            "level": [0, 1, 1, 1],
            "communes": [2, 5, 7, 3],
        }
    )
    fig = charts.ntm_levels_chart(counts, ("2020S2", "2021S1", "2026S1"), CTX)
    assert all(isinstance(trace, go.Bar) for trace in fig.data)
    assert fig.layout.barmode == "stack"
    axes = {trace.xaxis: set(trace.x) for trace in fig.data}
    assert axes == {"x": {"2020S2"}, "x2": {"2021S1"}, "x3": {"2026S1"}}
    titles = annotations(fig)
    # On two lines, so that narrow panels' titles stay apart
    assert "Bộ tiêu chí 2016-2020<br>(19 tiêu chí)" in titles and "Bộ tiêu chí 2026-2030<br>(10 tiêu chí)" in titles
    assert {trace.name for trace in fig.data} == {"Chưa đạt", "Đạt chuẩn"}
    assert fig.layout.yaxis.title.text == "Số xã"


def test_ntm_criteria_against_the_set_in_force():
    status = pd.DataFrame(
        {
            "unit_id": [1, 2],
            "unit_code": ["30790", "30814"],
            "unit_name": ["Xã Kiên Bình", "Xã Hòn Nghệ"],
            "level": [0.0, 1.0],
            "criteria_met": [17.0, 19.0],
            "criteria_size": [19, 19],
            "criteria_set": ["2016-2020", "2016-2020"],
            "year": [None, 2018.0],
        }
    )
    fig = charts.ntm_criteria_bar(status, "2019S1", CTX)
    assert list(fig.data[0].text) == ["17/19 · Chưa đạt", "19/19 · Đạt chuẩn"]
    assert "Bộ tiêu chí 2016-2020 (19 tiêu chí)" in fig.layout.title.subtitle.text


def test_reporting_matrix_counts_only_units_that_existed():
    status = pd.DataFrame(
        {
            "period": ["2025S1", "2025S2", "2025S2"],
            "unit_id": [1, 2, 3],
            "unit_code": ["30787", "30787", "30790"],
            "unit_name": ["Thị trấn Kiên Lương", "Xã Kiên Lương", "Xã Hòa Điền"],
            "status": ["reported", "partial", "missing"],
            "n_values": [20, 10, 0],
            "n_expected": [20, 22, 22],
        }
    )
    fig = charts.reporting_matrix(status, ("2025S1", "2025S2"), CTX)
    (heat,) = fig.data
    assert list(heat.y) == ["Thị trấn Kiên Lương", "Xã Kiên Lương", "Xã Hòa Điền"]  # then by code
    assert [list(row) for row in heat.z] == [[2, None], [None, 1], [None, 0]]  # blank: did not exist
    assert list(heat.colorbar.ticktext) == ["Chưa báo cáo", "Báo cáo một phần", "Đã báo cáo"]


def test_english_labels():
    ctx = ChartContext(lang="en", area="Kiên Lương", updated=date(2026, 11, 29))
    fig = charts.trend_chart(
        ("2019S1",),
        "DLG_HELD",
        ctx,
        totals=pd.DataFrame({"period": ["2019S1"], "value": [18.0], "units_reporting": [8], "units_expected": [8]}),
    )
    assert fig.layout.xaxis.title.text == "Reporting period"
    assert fig.layout.title.text == "<b>Dialogues held between the authorities and the people</b>"
    assert "Source: QCDC Tracker" in " ".join(annotations(fig))
    assert not any("MINH HỌA" in a for a in annotations(fig))  # not the sample


@pytest.mark.parametrize("builder", ["unit_bar", "heatmap"])
def test_empty_data_gives_a_figure_that_says_so(builder):
    empty = unit_rows([])
    if builder == "unit_bar":
        fig = charts.unit_bar(empty, "DLG_HELD", "2026S2", CTX)
    else:
        fig = charts.heatmap(empty, PERIODS, "DLG_HELD", CTX)
    assert not fig.data
    assert any("Chưa có số liệu" in a for a in annotations(fig))


# ------------------------------------------------------------------------------------------------
# Layout on a real screen: badge, ticks, axis ranges, English units
# ------------------------------------------------------------------------------------------------

TWENTY = tuple(f"{year}S{half}" for year in range(2017, 2027) for half in (1, 2))
LONG_TITLE = "Số công trình được Ban giám sát đầu tư của cộng đồng giám sát"


def ntm_status(size: int, met: tuple[float, ...]) -> pd.DataFrame:
    n = len(met)
    return pd.DataFrame(
        {
            "unit_id": list(range(1, n + 1)),
            "unit_code": [f"3080{i}" for i in range(n)],
            "unit_name": [f"Xã {chr(65 + i)}" for i in range(n)],
            "level": [1.0] * n,
            "criteria_met": list(met),
            "criteria_size": [size] * n,
            "criteria_set": ["2026-2030" if size == 10 else "2021-2025"] * n,
            "year": [2020.0] * n,
        }
    )


def every_chart(ctx: ChartContext) -> dict[str, go.Figure]:
    values = unit_rows([(p, 1, "30787", "Thị trấn Kiên Lương", 2) for p in TWENTY])
    totals = pd.DataFrame({"period": list(TWENTY), "value": 10.0, "units_reporting": 5, "units_expected": 5})
    status = values.assign(status="reported", n_values=20, n_expected=20)
    counts = pd.DataFrame(
        {"period": ["2020S2", "2021S1", "2026S1"], "criteria_set": ["2016-2020", "2021-2025", "2026-2030"]}
    ).assign(level=1, communes=3)
    missing = ["Phường Tô Châu", "Xã Hòa Điền"]
    return {
        "unit_bar": charts.unit_bar(values.head(1), "DLG_HELD", "2017S1", ctx, missing=missing),
        "trend": charts.trend_chart(TWENTY, "DLG_HELD", ctx, totals=totals),
        "heatmap": charts.heatmap(values, TWENTY, "DLG_HELD", ctx),
        "reporting_matrix": charts.reporting_matrix(status, TWENTY, ctx),
        "ntm_criteria_bar": charts.ntm_criteria_bar(ntm_status(10, (7.0, 9.0)), "2026S1", ctx),
        "ntm_levels": charts.ntm_levels_chart(counts, ("2020S2", "2021S1", "2026S1"), ctx),
        "empty": charts.heatmap(unit_rows([]), TWENTY, "DLG_HELD", ctx),
    }


@pytest.mark.parametrize("name", list(every_chart(CTX)))
def test_the_sample_badge_has_a_row_of_its_own_above_the_title(name):
    fig = every_chart(CTX)[name]
    (badge,) = [a for a in fig.layout.annotations if a.name == "sample_badge"]
    assert badge.text == "<b>DỮ LIỆU MINH HỌA</b>"
    # Anchored by its top edge BADGE_TOP pixels under the top of the figure (paper y=1 is the top of
    # the plot, margin.t pixels lower), at the left, under neither plotly's toolbar nor the title.
    assert (badge.y, badge.yanchor, badge.yref) == (1, "top", "paper")
    assert badge.yshift == fig.layout.margin.t - charts.BADGE_TOP
    assert (badge.x, badge.xanchor) == (0, "left")
    badge_bottom = charts.BADGE_TOP + badge.font.size * 1.3 + 2 * badge.borderpad + 2 * badge.borderwidth
    title = fig.layout.title
    assert (title.y, title.yanchor, title.yref) == (1, "top", "container")
    assert title.pad.t >= badge_bottom  # the title starts under the badge, however long it is
    # and the plot starts under the title, its subtitle lines and what is drawn just above the plot
    lines = title.subtitle.text.count("<br>")
    assert fig.layout.margin.t >= title.pad.t + charts.TITLE_BLOCK + charts.SUBTITLE_LINE * lines + 30


def test_a_long_title_keeps_the_badge_above_it():
    values = unit_rows([("2019S1", 1, "30787", "Thị trấn Kiên Lương", 3)]).assign(indicator="GSDT_WORKS")
    fig = charts.unit_bar(values, "GSDT_WORKS", "2019S1", CTX, missing=["Xã Bình An", "Xã Bình Trị"])
    assert LONG_TITLE in fig.layout.title.text
    (badge,) = [a for a in fig.layout.annotations if a.name == "sample_badge"]
    assert badge.yshift == fig.layout.margin.t - charts.BADGE_TOP and fig.layout.title.pad.t > charts.BADGE_TOP + 25


def test_without_the_sample_there_is_no_badge_row():
    ctx = ChartContext(lang="vi", area="Huyện Kiên Lương", updated=date(2026, 11, 29), sample=False)
    sample, official = every_chart(CTX)["trend"], every_chart(ctx)["trend"]
    assert not [a for a in official.layout.annotations if a.name == "sample_badge"]
    assert official.layout.title.pad.t == charts.TITLE_TOP
    assert sample.layout.margin.t - official.layout.margin.t == charts.BADGE_ROW


@pytest.mark.parametrize("name", ["trend", "heatmap", "reporting_matrix"])
def test_twenty_periods_get_one_tick_label_per_year(name):
    axis = every_chart(CTX)[name].layout.xaxis
    assert list(axis.categoryarray) == list(TWENTY)
    assert list(axis.ticktext) == [str(year) for year in range(2017, 2027)]
    assert len(axis.ticktext) <= charts.MAX_YEAR_LABELS
    # Each label in the middle of its two half-years (positions on the category axis)
    assert list(axis.tickvals) == [i + 0.5 for i in range(0, 20, 2)]
    assert list(axis.minor.tickvals) == list(range(20))  # a small tick under every half-year


def test_many_years_get_a_label_every_second_year():
    periods = tuple(f"{year}S{half}" for year in range(2012, 2027) for half in (1, 2))  # 15 years
    totals = pd.DataFrame({"period": list(periods), "value": 10.0, "units_reporting": 5, "units_expected": 5})
    axis = charts.trend_chart(periods, "DLG_HELD", CTX, totals=totals).layout.xaxis
    assert len(axis.ticktext) <= charts.MAX_YEAR_LABELS
    assert list(axis.ticktext) == [str(year) for year in range(2012, 2027, 2)]


def test_a_range_that_starts_with_a_second_half_labels_that_year_under_it():
    periods = TWENTY[1:]
    axis = charts.heatmap(unit_rows([("2017S2", 1, "30787", "A", 2)]), periods, "DLG_HELD", CTX).layout.xaxis
    assert (axis.ticktext[0], axis.tickvals[0]) == ("2017", 0)
    assert (axis.ticktext[1], axis.tickvals[1]) == ("2018", 1.5)


def test_few_periods_keep_a_label_per_period():
    axis = every_chart(CTX)["ntm_levels"].layout.xaxis
    assert list(axis.ticktext) == ["6T cuối<br>2020"] and axis.tickangle == 0


def test_the_reorganisation_label_does_not_widen_the_axis():
    fig = every_chart(CTX)["heatmap"]
    (label,) = [a for a in fig.layout.annotations if a.text == "Sắp xếp đơn vị hành chính 1/7/2025"]
    assert label.x == 16.5 and label.xanchor == "right"  # towards the many periods before it


@pytest.mark.parametrize(("size", "met"), [(10, (7.0, 8.0, 9.0)), (19, (2.0, 19.0))])
def test_ntm_criteria_axis_ends_at_the_size_of_the_set(size, met):
    fig = charts.ntm_criteria_bar(ntm_status(size, met), "2026S1", CTX)
    assert tuple(fig.layout.xaxis.range) == (0, size)
    assert fig.layout.xaxis.tickvals[-1] == size
    (bar,) = fig.data
    assert bar.textposition == "auto"  # inside a long bar, after a short one: no room needed past the set


def test_ntm_level_panels_are_wide_enough_for_their_titles():
    fig = every_chart(CTX)["ntm_levels"]
    widths = [fig.layout[f"xaxis{i if i > 1 else ''}"].domain for i in (1, 2, 3)]
    shares = [d[1] - d[0] for d in widths]
    assert min(shares) >= 0.2


def test_english_axes_give_the_unit_of_measure():
    ctx = ChartContext(lang="en", area="Kiên Lương", updated=date(2026, 11, 29))
    totals = pd.DataFrame({"period": ["2019S1"], "value": [18.0], "units_reporting": [8], "units_expected": [8]})
    expected = {"DLG_HELD": "Dialogues", "CMP_NEW": "Petitions", "DLG_OPINIONS": "Opinions", "CMP_RATE": "%"}
    for code, unit in expected.items():
        fig = charts.trend_chart(("2019S1",), code, ctx, totals=totals.assign(indicator=code))
        assert fig.layout.yaxis.title.text == unit, code
    fig = charts.trend_chart(("2019S1",), "DLG_HELD", ctx, totals=totals)
    assert " dialogues</b>" in fig.data[0].hovertemplate and "cuộc" not in fig.data[0].hovertemplate


def test_every_unit_of_the_catalog_has_an_english_name():
    catalog = indicator_catalog()
    for code in catalog.codes:
        unit = catalog.get(code).unit_vi
        assert unit.lower() in UNITS_EN, (code, unit)
        english = indicator_unit(code, "en")
        assert english and (english == "%" or english != unit), (code, unit, english)

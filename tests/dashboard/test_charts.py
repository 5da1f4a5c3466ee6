"""The figure builders of dashboard/charts.py on small DataFrames: no database, no Streamlit."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts
from dashboard.charts import ChartContext

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
    assert "Bộ tiêu chí 2016-2020 (19 tiêu chí)" in titles and "Bộ tiêu chí 2026-2030 (10 tiêu chí)" in titles
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

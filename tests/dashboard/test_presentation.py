"""Trình chiếu (dashboard/pages/trinh_chieu.py) through AppTest on the Kiên Lương sample: the deck
one slide at a time, the buttons that move through it, the downloads; and the slide charts."""

from __future__ import annotations

import io
import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts
from etl.reports.model import ChartSpec
from tests.dashboard.conftest import APP

TIMEOUT = 60
PAGE = "pages/trinh_chieu.py"


def open_deck(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def position(at: AppTest) -> str:
    return next(m.value.strip("*") for m in at.markdown if m.value.startswith("**") and "/" in m.value)


def test_presentation_opens_on_the_cover(dashboard_db):
    at = open_deck(period="2019S1")
    assert not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == ["Kết quả thực hiện Quy chế dân chủ ở cơ sở"]
    assert position(at) == "1/10"
    assert at.button(key="deck_previous").disabled
    assert "slide" not in at.query_params  # the first slide needs no parameter


def test_next_moves_to_the_overview_and_keeps_the_slide_in_the_url(dashboard_db):
    at = open_deck(period="2019S1")
    at.button(key="deck_next").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Tổng quan"]
    assert position(at) == "2/10"
    assert at.query_params["slide"] == "2"
    assert "Cuộc đối thoại" in [m.label for m in at.metric]
    at.button(key="deck_previous").click().run()
    assert position(at) == "1/10"


def test_the_ntm_slide_of_2019s1_says_five_of_seven(dashboard_db):
    at = open_deck(period="2019S1", slide="7")
    assert [t.value for t in at.title] == ["Nông thôn mới"]
    assert position(at) == "7/10"
    assert any("5/7 xã đạt chuẩn nông thôn mới" in m.value.replace("\\", "") for m in at.markdown)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    bars = spec["data"][0]
    assert dict(zip(bars["y"], bars["x"], strict=True))["Xã Bình Trị"] == 16


def test_a_slide_number_out_of_range_shows_the_last(dashboard_db):
    at = open_deck(period="2019S1", slide="99")
    assert position(at) == "10/10"
    assert at.button(key="deck_next").disabled


def test_the_whole_deck_can_be_downloaded(dashboard_db):
    at = open_deck(period="2019S1")
    keys = {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")}
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"PowerPoint (.pptx)", "Báo cáo Word (.docx)", "Bảng Excel (.xlsx)"} <= labels, keys
    assert at.button(key="deck_pdf_make").label == "Tạo PDF"


def test_english_has_no_word_report_but_still_the_deck(dashboard_db):
    at = open_deck(period="2019S1", lang="en")
    assert [t.value for t in at.title] == ["Grassroots democracy: results"]
    labels = {b.proto.label for b in at.get("download_button")}
    assert "PowerPoint (.pptx)" in labels and "Word report (.docx)" not in labels


def test_the_meeting_screen_hides_the_sidebar_and_the_downloads(dashboard_db):
    at = open_deck(period="2019S1")
    at.toggle(key="deck_meeting").set_value(True).run()
    assert any('[data-testid="stSidebar"]' in m.value for m in at.markdown)
    assert not at.get("download_button")
    at.button(key="deck_next").click().run()
    assert position(at) == "2/10"


def test_deck_chart_keeps_gaps_and_the_dashboard_style():
    spec = ChartSpec(
        kind="line",
        title="Tỷ lệ giải quyết",
        categories=("6T đầu 2018", "6T cuối 2018", "6T đầu 2019"),
        series={"Tỷ lệ": (80.0, None, 85.5)},
        number_format="0.0",
        axis_title="%",
        axis_max=100,
    )
    fig = charts.deck_chart(spec, charts.ChartContext(area="Huyện Kiên Lương", sample=True), sub="6T đầu 2019")
    assert list(fig.data[0].y) == [80.0, None, 85.5]
    assert fig.layout.separators == charts.SEPARATORS
    assert fig.layout.title.text == "<b>Tỷ lệ giải quyết</b>"
    assert fig.layout.yaxis.tickformat == ",.1f" and list(fig.layout.yaxis.range) == [0, 100]
    assert any(a.name == "sample_badge" for a in fig.layout.annotations)


def test_deck_chart_stacks_horizontal_bars_in_table_order():
    spec = ChartSpec(
        kind="stacked",
        title="Báo cáo",
        categories=("Xã A", "Xã B"),
        series={"Đã báo cáo": (1.0, 2.0), "Chưa": (None, 1.0)},
        horizontal=True,
        colours=("#2E9E4F", "#D64545"),
    )
    fig = charts.deck_chart(spec, charts.ChartContext())
    assert fig.layout.barmode == "stack" and fig.layout.yaxis.autorange == "reversed"
    assert [trace.marker.color for trace in fig.data] == ["#2E9E4F", "#D64545"]
    assert list(fig.data[0].y) == ["Xã A", "Xã B"]


def test_pictures_say_how_to_install_chromium_when_it_is_missing(monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(charts.shutil, "which", lambda name: None)
    problem = charts.picture_problem("vi")
    assert problem is not None and "apt-get install chromium" in problem


def test_pdf_without_libreoffice_says_how_to_install_it_and_the_rest_still_works(dashboard_db, monkeypatch):
    from etl.reports import build
    from etl.reports.pdf import ConverterMissing

    def missing(*args, **kwargs):
        raise ConverterMissing("Không tìm thấy LibreOffice (soffice) trên máy này. Cài: apt-get install libreoffice")

    monkeypatch.setattr(build, "convert_to_pdf", missing)
    at = open_deck(period="2019S1")
    at.button(key="deck_pdf_make").click().run()
    assert not at.exception
    assert any("LibreOffice" in w.value for w in at.warning)
    assert "PowerPoint (.pptx)" in {b.proto.label for b in at.get("download_button")}


# ------------------------------------------------------------------------------------------------
# Charts added from the other pages
# ------------------------------------------------------------------------------------------------


def test_a_trend_chart_added_on_xu_huong_becomes_the_last_slide(dashboard_db):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(period="2019S1")
    at.run()
    at.switch_page("pages/xu_huong.py").run()
    assert not at.exception, [e.value for e in at.exception]
    trend = json.loads(at.get("plotly_chart")[0].proto.spec)
    title = trend["layout"]["title"]["text"].replace("<b>", "").replace("</b>", "")
    button = at.button(key="trend_add_slide")
    assert button.label == "➕ Thêm vào trình chiếu"
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.session_state["qcdc_extra_slides"]) == 1
    at.query_params["slide"] = "99"
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert position(at) == "11/11"
    assert [t.value for t in at.title] == [title]
    slide = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert slide["data"][0]["name"] == trend["data"][0]["name"]
    assert not any(b.key and b.key.endswith("_add_slide") for b in at.button)  # none on the deck itself
    at.button(key="deck_remove_extras").click().run()
    assert not at.exception
    assert position(at) == "1/10"


def test_slide_from_a_bar_figure():
    fig = go.Figure(go.Bar(x=["Xã A", "Xã B", "Xã C"], y=[3, None, 5.5], name="Cuộc", marker={"color": "#1F77B4"}))
    fig.update_layout(title={"text": "<b>Số cuộc đối thoại</b>", "subtitle": {"text": "Huyện X · 2019"}})
    fig.update_yaxes(title_text="Cuộc", tickformat=",.1f")
    slide = charts.slide_from_figure(fig)
    assert slide.title == "Số cuộc đối thoại" and slide.subtitle == "Huyện X · 2019"
    spec = slide.chart
    assert spec.kind == "bar" and not spec.horizontal
    assert spec.categories == ("Xã A", "Xã B", "Xã C")
    assert spec.series == {"Cuộc": (3.0, None, 5.5)}
    assert spec.axis_title == "Cuộc" and spec.number_format == "#,##0.0"
    horizontal = go.Figure(
        [
            go.Bar(y=["A", "B"], x=[1, 2], name="Có", orientation="h"),
            go.Bar(y=["A", "B"], x=[3, 4], name="Không", orientation="h"),
        ]
    )
    horizontal.update_layout(barmode="stack")
    spec = charts.slide_from_figure(horizontal, "Báo cáo", "", "Nguồn").chart
    assert spec.kind == "stacked" and spec.horizontal and spec.categories == ("A", "B")
    assert spec.series == {"Có": (1.0, 2.0), "Không": (3.0, 4.0)}
    assert charts.slide_from_figure(horizontal.update_layout(barmode="group")).chart.kind == "clustered"


def test_slide_from_a_line_figure_and_no_heat_map():
    fig = charts.trend_chart(
        ["2019S1", "2019S2"],
        "DLG_HELD",
        charts.ChartContext(area="Huyện X"),
        totals=pd.DataFrame({"period": ["2019S1"], "value": [4.0], "units_reporting": [3], "units_expected": [3]}),
    )
    slide = charts.slide_from_figure(fig)
    assert slide.chart.kind == "line"
    assert slide.chart.categories == ("6T đầu 2019", "6T cuối 2019")  # the axis's labels, not the codes
    assert list(slide.chart.series.values()) == [(4.0, None)]
    assert slide.title == fig.layout.title.text.replace("<b>", "").replace("</b>", "")
    assert slide.source.startswith("Nguồn")
    heat = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))
    assert not charts.can_be_slide(heat)
    with pytest.raises(ValueError):
        charts.slide_from_figure(heat)


def test_the_powerpoint_carries_the_added_chart():
    from pptx import Presentation

    from dashboard.exports import deck_pptx_bytes
    from etl.reports.model import Deck, Slide

    base = Slide(
        key="dialogues",
        title="Đối thoại",
        subtitle="Huyện X",
        chart=ChartSpec(kind="bar", title="Đối thoại", categories=("A",), series={"Cuộc": (1.0,)}),
        source="Nguồn",
        date="29/11/2026",
    )
    deck = Deck(
        title="QCDC",
        area="Huyện X",
        area_code="1",
        period="2019S1",
        period_label="6 tháng đầu năm 2019",
        boundaries="reported",
        lang="vi",
        sample=False,
        date="29/11/2026",
        source="Nguồn",
        slides=(base,),
    )
    fig = go.Figure(go.Bar(x=["Xã A", "Xã B"], y=[7, None], name="Đơn"))
    fig.update_layout(title={"text": "<b>Số đơn</b>"})
    extra = charts.slide_from_figure(fig, key="extra-1")

    def chart_values(data: bytes) -> list[list[float | None]]:
        prs = Presentation(io.BytesIO(data))
        found = [shape.chart for s in prs.slides for shape in s.shapes if shape.has_chart]
        return [list(plot.series[0].values) for chart in found for plot in chart.plots]

    before = chart_values(deck_pptx_bytes(deck))
    after = chart_values(deck_pptx_bytes(deck, [extra]))
    assert len(after) == len(before) + 1
    assert after[-1] == [7.0, None]


# ------------------------------------------------------------------------------------------------
# One slide read at a time; the whole deck only for the files
# ------------------------------------------------------------------------------------------------


def _the_whole_deck(url: str, period: str = "2019S1"):  # type: ignore[no-untyped-def]
    from etl.db import make_engine
    from etl.reports import build_deck, resolve_area

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return build_deck(connection, resolve_area(connection, None).unit_id, period)
    finally:
        engine.dispose()


def _plotted(spec: str) -> list[tuple[object, ...]]:
    """Each trace of a plotly chart's JSON: its name and its points."""
    data = json.loads(spec)["data"]
    return [
        (t.get("name"), json.dumps(t.get("x"), sort_keys=True), json.dumps(t.get("y"), sort_keys=True)) for t in data
    ]


def test_each_slide_of_the_page_is_the_whole_decks(dashboard_db):
    import streamlit as st

    from dashboard import charts as dashboard_charts

    st.cache_data.clear()
    deck = _the_whole_deck(dashboard_db)
    for number, expected in enumerate(deck.slides, start=1):
        at = open_deck(period="2019S1", slide=str(number))
        assert position(at) == f"{number}/10"
        assert [t.value for t in at.title] == [expected.title]
        assert at.subheader[0].value.replace("\\", "") == expected.subtitle
        assert [m.label for m in at.metric] == [f.label for f in expected.figures]
        assert [m.value for m in at.metric] == [f.value for f in expected.figures]
        plotted = [c.proto.spec for c in at.get("plotly_chart")]
        if expected.chart is None:
            assert not plotted
            continue
        fig = dashboard_charts.deck_chart(
            expected.chart, dashboard_charts.ChartContext(area=deck.area, sample=True), sub=expected.subtitle
        )
        assert _plotted(plotted[0]) == _plotted(fig.to_json()), expected.key
        shown = " ".join(m.value for m in at.markdown).replace("\\", "")
        assert all(line.replace("\\", "") in shown for line in expected.notes[:1]), expected.key


def test_opening_the_page_never_builds_the_whole_deck(dashboard_db, monkeypatch):
    import streamlit as st

    from dashboard import queries

    def whole(*args, **kwargs):
        raise AssertionError("the whole deck was built to show one slide")

    st.cache_data.clear()
    monkeypatch.setattr(queries, "build_deck", whole)
    monkeypatch.setattr(queries, "load_report_data", whole)
    for number in range(1, 11):
        at = open_deck(period="2019S1", slide=str(number))
        assert position(at) == f"{number}/10"
    at = open_deck(period="2019", lang="en")
    for number in range(2, 11):
        at.button(key="deck_next").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert position(at) == f"{number}/10"


def test_the_downloads_are_made_on_click_and_the_powerpoint_opens(dashboard_db, monkeypatch):
    from pptx import Presentation
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict[str, object] = {}
    register = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):  # type: ignore[no-untyped-def]
        made[str(file_name)] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    at = open_deck(period="2019S1", slide="3")
    assert not at.exception
    name = next(n for n in made if n.endswith(".pptx"))
    assert name == "qcdc-pre2025-902-2019S1.pptx"
    prs = Presentation(io.BytesIO(made[name]()))  # type: ignore[operator]
    assert len(prs.slides) == 10
    assert sum(shape.has_chart for s in prs.slides for shape in s.shapes) == 8

"""Trình chiếu (dashboard/pages/trinh_chieu.py) through AppTest on the Kiên Lương sample: the deck
one slide at a time, the buttons that move through it, the downloads; and the slide charts."""

from __future__ import annotations

import json

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

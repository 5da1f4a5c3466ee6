"""etl/reports/pptx.py: the deck opened with python-pptx — 16:9, native charts of the right type
carrying the query layer's figures, titles, area, period, source and date on every slide."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu, Pt

from etl import queries as q
from etl.reports.deck import deck_from_data
from etl.reports.pptx import write_pptx
from tests.reports.conftest import read

CHART_TYPES = {
    "dialogues": XL_CHART_TYPE.BAR_CLUSTERED,
    "petitions": XL_CHART_TYPE.BAR_CLUSTERED,
    "petition_rate": XL_CHART_TYPE.LINE_MARKERS,
    "supervision": XL_CHART_TYPE.BAR_CLUSTERED,
    "ntm": XL_CHART_TYPE.BAR_CLUSTERED,
    "ntm_levels": XL_CHART_TYPE.COLUMN_STACKED,
    "targets": XL_CHART_TYPE.BAR_STACKED,
    "reporting": XL_CHART_TYPE.COLUMN_STACKED,
}


@pytest.fixture(scope="module")
def presentation(pptx_2019s1):  # type: ignore[no-untyped-def]
    return Presentation(str(pptx_2019s1))


def shapes_named(slide, name):  # type: ignore[no-untyped-def]
    return [s for s in slide.shapes if s.name == name]


def charts(slide):  # type: ignore[no-untyped-def]
    return [s.chart for s in slide.shapes if s.has_chart]


def test_a_wide_deck_with_a_slide_per_deck_slide(presentation, deck_2019s1):
    assert (Emu(presentation.slide_width).inches, Emu(presentation.slide_height).inches) == pytest.approx(
        (13.333, 7.5), abs=0.01
    )
    assert len(presentation.slides) == len(deck_2019s1.slides) == 10
    assert presentation.core_properties.title == (
        "Kết quả thực hiện Quy chế dân chủ ở cơ sở — Huyện Kiên Lương, Tỉnh Kiên Giang — 6 tháng đầu năm 2019"
    )


def test_every_slide_says_what_where_when_source_and_date(presentation, deck_2019s1):
    for index, (slide, item) in enumerate(zip(presentation.slides, deck_2019s1.slides, strict=True), start=1):
        assert slide.shapes.title.text == item.title
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert "Huyện Kiên Lương, Tỉnh Kiên Giang" in text and "6 tháng đầu năm 2019" in text
        assert shapes_named(slide, "source")[0].text_frame.text == item.source
        assert shapes_named(slide, "date")[0].text_frame.text == f"Lập ngày 30/11/2026 · {index}/10"
        assert shapes_named(slide, "sample-badge")[0].text_frame.text == "Dữ liệu minh họa"
        assert item.title in slide.notes_slide.notes_text_frame.text


def test_charts_are_native_of_the_right_type_never_pictures(presentation, deck_2019s1):
    for slide, item in zip(presentation.slides, deck_2019s1.slides, strict=True):
        assert not [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        found = charts(slide)
        if item.key in CHART_TYPES:
            assert len(found) == 1, item.key
            assert found[0].chart_type == CHART_TYPES[item.key], item.key
            assert found[0].chart_title.text_frame.text == item.chart.title
            assert found[0].font.size >= Pt(16)  # a meeting screen
        else:
            assert not found, item.key


def test_series_values_are_the_query_layers(presentation, deck_2019s1, sample_engine, area_id):
    slides = {item.key: slide for slide, item in zip(presentation.slides, deck_2019s1.slides, strict=True)}
    with sample_engine.connect() as connection:
        values = q.unit_values(connection, area_id, ["2019S1"], ["DLG_HELD", "CMP_COMPETENT", "CMP_RESOLVED"])
        status = q.ntm_status(connection, area_id, "2019S1")
    chart = charts(slides["dialogues"])[0]
    plot = chart.plots[0]
    expected = values[values["indicator"] == "DLG_HELD"]
    assert list(plot.categories) == expected["unit_name"].tolist()
    assert list(plot.series[0].values) == expected["value"].tolist()
    petitions = charts(slides["petitions"])[0].plots[0]
    assert [s.name for s in petitions.series] == ["Đơn thuộc thẩm quyền", "Đơn đã giải quyết"]
    for series, code in zip(petitions.series, ("CMP_COMPETENT", "CMP_RESOLVED"), strict=True):
        assert list(series.values) == values.loc[values["indicator"] == code, "value"].tolist()
    ntm = charts(slides["ntm"])[0].plots[0]
    assert list(ntm.categories) == status["unit_name"].tolist()
    assert list(ntm.series[0].values) == status["criteria_met"].tolist()
    assert charts(slides["ntm"])[0].value_axis.maximum_scale == 19


def test_chart_data_is_embedded_for_edit_data_in_powerpoint(presentation):
    for slide in presentation.slides:
        for chart in charts(slide):
            workbook = chart.part.chart_workbook.xlsx_part
            assert workbook is not None and workbook.blob[:2] == b"PK"


def test_overview_cards_and_headline(presentation, deck_2019s1):
    slide = presentation.slides[1]
    cards = {s.name: s.text_frame.text for s in slide.shapes if s.name.startswith("card-")}
    assert cards["card-DLG_HELD"] == "Cuộc đối thoại\n18\n+4 so với cùng kỳ"
    assert cards["card-CMP_RATE"].split("\n")[1] == "85,5%"
    assert (
        shapes_named(slide, "notes")[0].text_frame.text == "8/8 đơn vị đã báo cáo   ·   5/7 xã đạt chuẩn nông thôn mới"
    )


def test_a_deck_without_sample_data_has_no_badge_and_writes_to_a_stream(sample_engine, area_id):
    from dataclasses import replace

    data = replace(read(sample_engine, area_id, "2019S2", lang="en"), sample=False)
    buffer = io.BytesIO()
    write_pptx(deck_from_data(data), buffer)
    presentation = Presentation(io.BytesIO(buffer.getvalue()))
    assert not [s for slide in presentation.slides for s in slide.shapes if s.name == "sample-badge"]
    assert presentation.slides[2].shapes.title.text == "Dialogues with the people"

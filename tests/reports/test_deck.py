"""etl/reports/deck.py: the ready-made deck as data — the slides, their charts against the query
layer, the headline lines, English titles."""

from __future__ import annotations

import pytest

from etl import queries as q
from etl.reports.deck import deck_from_data
from etl.text import format_datetime
from tests.reports.conftest import read

KEYS = [
    "cover",
    "overview",
    "dialogues",
    "petitions",
    "petition_rate",
    "supervision",
    "ntm",
    "ntm_levels",
    "targets",
    "reporting",
]


def per_unit(engine, area_id, period, indicator, boundaries="reported"):
    with engine.connect() as connection:
        values = q.unit_values(connection, area_id, [period], [indicator], boundaries)
    return dict(zip(values["unit_name"], values["value"], strict=True))


def test_slides_in_order_each_saying_what_where_when_and_where_from(deck_2019s1, sample_engine, area_id):
    deck = deck_2019s1
    with sample_engine.connect() as connection:
        updated = format_datetime(q.last_update(connection, area_id), "Asia/Ho_Chi_Minh")[:10]  # local day
    assert [s.key for s in deck.slides] == KEYS
    for slide in deck.slides:
        assert slide.title
        assert slide.subtitle == "Huyện Kiên Lương, Tỉnh Kiên Giang · 6 tháng đầu năm 2019 · Như đã báo cáo"
        assert slide.source == f"Nguồn: QCDC Tracker, số liệu các xã báo cáo; cập nhật {updated}"
        assert slide.date == "30/11/2026"
        assert slide.sample  # the demo's batches: "Dữ liệu minh họa"
    kinds = {s.key: s.chart.kind for s in deck.slides if s.chart is not None}
    assert kinds == {
        "dialogues": "bar",
        "petitions": "clustered",
        "petition_rate": "line",
        "supervision": "clustered",
        "ntm": "bar",
        "ntm_levels": "stacked",
        "targets": "stacked",
        "reporting": "stacked",
    }


def test_overview_figures_are_the_area_totals_in_vietnamese_format(deck_2019s1, data_2019s1):
    figures = {f.code: f for f in deck_2019s1.slide("overview").figures}
    assert figures["DLG_HELD"].value == "18"
    assert figures["DLG_HELD"].note == "+4 so với cùng kỳ"
    rate = data_2019s1.value("CMP_RATE")
    assert rate == pytest.approx(100 * 47 / 55)  # recomputed from the counts
    assert figures["CMP_RATE"].value == "85,5%"
    assert figures["CMP_RATE"].note == "−1,8 điểm % so với cùng kỳ"
    assert deck_2019s1.slide("overview").notes == ("8/8 đơn vị đã báo cáo", "5/7 xã đạt chuẩn nông thôn mới")


def test_unit_charts_carry_the_query_layers_figures(deck_2019s1, sample_engine, area_id):
    dialogues = deck_2019s1.slide("dialogues").chart
    expected = per_unit(sample_engine, area_id, "2019S1", "DLG_HELD")
    assert dict(zip(dialogues.categories, dialogues.values("Cuộc đối thoại"), strict=True)) == expected
    assert dialogues.categories[0] == "Thị trấn Kiên Lương"  # unit code order
    petitions = deck_2019s1.slide("petitions").chart
    for series, code in (("Đơn thuộc thẩm quyền", "CMP_COMPETENT"), ("Đơn đã giải quyết", "CMP_RESOLVED")):
        expected = per_unit(sample_engine, area_id, "2019S1", code)
        assert dict(zip(petitions.categories, petitions.values(series), strict=True)) == expected
    supervision = deck_2019s1.slide("supervision").chart
    assert list(supervision.series) == ["Giám sát của Ban TTND", "Mô hình “Dân vận khéo”"]
    expected = per_unit(sample_engine, area_id, "2019S1", "DVK_MODELS")
    assert dict(zip(supervision.categories, supervision.values("Mô hình “Dân vận khéo”"), strict=True)) == expected


def test_rate_over_time_is_recomputed_from_summed_counts(deck_2019s1, sample_engine, area_id):
    chart = deck_2019s1.slide("petition_rate").chart
    assert chart.categories == ("6T đầu 2017", "6T cuối 2017", "6T đầu 2018", "6T cuối 2018", "6T đầu 2019")
    with sample_engine.connect() as connection:
        totals = q.area_totals(connection, area_id, ["2017S1", "2017S2", "2018S1", "2018S2", "2019S1"])
    rates = totals[totals["indicator"] == "CMP_RATE"]["value"].round(1).tolist()
    assert list(chart.values("Tỷ lệ giải quyết đơn (%)")) == rates
    assert chart.axis_max == 100


def test_ntm_slide_counts_and_names_the_communes(deck_2019s1, sample_engine, area_id):
    slide = deck_2019s1.slide("ntm")
    assert slide.notes[:2] == (
        "5/7 xã đạt chuẩn nông thôn mới",
        "Chưa đạt chuẩn: Kiên Bình (17/19) và Bình Trị (16/19)",
    )
    with sample_engine.connect() as connection:
        status = q.ntm_status(connection, area_id, "2019S1")
    assert dict(zip(slide.chart.categories, slide.chart.values("Số tiêu chí đạt"), strict=True)) == dict(
        zip(status["unit_name"], status["criteria_met"], strict=True)
    )
    assert "Thị trấn Kiên Lương" not in slide.chart.categories  # NTM applies to communes only
    assert slide.chart.axis_max == 19
    levels = deck_2019s1.slide("ntm_levels").chart
    with sample_engine.connect() as connection:
        counts = q.ntm_level_counts(connection, area_id, ["2019S1"])
    at = dict(zip(counts["level"], counts["communes"], strict=True))
    assert (levels.values("Chưa đạt")[-1], levels.values("Đạt chuẩn")[-1]) == (at[0], at[1])


def test_targets_and_reporting_slides(deck_2019s1):
    targets = deck_2019s1.slide("targets")
    assert targets.chart.categories == ("Đạt chuẩn nông thôn mới · Năm 2019",)
    assert dict(targets.chart.series) == {"Đang thực hiện": (2.0,)}
    assert targets.notes[0] == "Đạt chuẩn nông thôn mới · Năm 2019: 0/2 đã đạt"
    assert "(kỳ tới): 8/8 đơn vị" in targets.notes[1]
    reporting = deck_2019s1.slide("reporting")
    assert reporting.chart.values("Đã báo cáo")[-1] == 8
    assert reporting.notes == ("8/8 đơn vị đã báo cáo",)


def test_a_period_not_every_unit_reported_says_so_and_compares_nothing(sample_engine, area_id):
    deck = deck_from_data(read(sample_engine, area_id, "2026S2"))
    figures = {f.code: f for f in deck.slide("overview").figures}
    assert figures["DLG_HELD"].note == "3/5 đơn vị báo cáo; chưa so sánh được với cùng kỳ"
    reporting = deck.slide("reporting")
    assert reporting.notes == ("3/5 đơn vị đã báo cáo", "Chưa báo cáo: Phường Tô Châu, Xã Hòa Điền")
    dialogues = deck.slide("dialogues")
    assert dialogues.chart.categories == ("Xã Kiên Lương", "Xã Sơn Hải", "Xã Hòn Nghệ")  # no bar for no report
    assert dialogues.notes[-1] == "Chưa báo cáo: Phường Tô Châu, Xã Hòa Điền"
    assert deck.slide("targets").chart is None
    assert deck.slide("targets").notes == ("Chưa có chỉ tiêu nào của Ban Chỉ đạo cho địa bàn này.",)


def test_english_titles(sample_engine, area_id):
    deck = deck_from_data(read(sample_engine, area_id, "2019S1", lang="en"))
    assert deck.slide("dialogues").title == "Dialogues with the people"
    assert deck.slide("dialogues").subtitle == "Huyện Kiên Lương, Tỉnh Kiên Giang · First half of 2019 · As reported"
    assert {f.code: f.value for f in deck.slide("overview").figures}["CMP_RATE"] == "85.5%"
    assert deck.slide("ntm").notes[0] == "5/7 communes at the new-rural-area standard"
    assert deck.source.startswith("Source: QCDC Tracker")


def test_current_boundaries_chart_todays_units(sample_engine, area_id):
    deck = deck_from_data(read(sample_engine, area_id, "2019S1", boundaries="current"))
    chart = deck.slide("dialogues").chart
    expected = per_unit(sample_engine, area_id, "2019S1", "DLG_HELD", "current")
    assert {
        c.removesuffix(" (*)"): v for c, v in zip(chart.categories, chart.values("Cuộc đối thoại"), strict=True)
    } == expected
    assert "Phường Tô Châu (*)" in chart.categories  # part of Hà Tiên is not in the figure
    assert deck.slide("dialogues").subtitle.endswith("Theo địa giới hiện nay")

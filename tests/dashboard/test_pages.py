"""Every page of the dashboard through Streamlit's AppTest on the Kiên Lương sample: no exception,
and the numbers a committee member would check."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.samplegen import sample_values
from etl.settings import get_settings
from tests.dashboard.conftest import APP

PAGES = {
    "tong_quan": "Tổng quan",
    "xu_huong": "Xu hướng",
    "so_sanh": "So sánh đơn vị",
    "nong_thon_moi": "Nông thôn mới",
    "ho_so_don_vi": "Hồ sơ đơn vị",
    "tinh_hinh_bao_cao": "Tình hình báo cáo",
}
TIMEOUT = 30


def open_page(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    if page != "tong_quan":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_on_the_sample(dashboard_db, page):
    started = time.perf_counter()
    at = open_page(page)
    elapsed = time.perf_counter() - started
    assert [t.value for t in at.title] == [PAGES[page]]
    assert not at.error, [e.value for e in at.error]
    assert elapsed < TIMEOUT
    if page != "ho_so_don_vi" or at.get("plotly_chart"):
        assert at.get("plotly_chart"), "every page draws at least one chart"


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_on_todays_boundaries_in_english(dashboard_db, page):
    at = open_page(page, bnd="current", lang="en", period="2025S1")
    assert not at.error, [e.value for e in at.error]


def test_overview_2019s1_shows_five_of_seven_communes_at_the_ntm_standard(dashboard_db):
    at = open_page("tong_quan", period="2019S1")
    values = [m.value for m in at.metric]
    assert "5/7 xã đạt chuẩn nông thôn mới" in values
    assert "8/8 đơn vị đã báo cáo" in values
    dialogues = sum(v for (p, _u, i), v in sample_values().items() if p == "2019S1" and i == "DLG_HELD")
    card = next(m for m in at.metric if m.label == "Cuộc đối thoại")
    assert card.value == str(int(dialogues))
    assert any(c.value.startswith("So với cùng kỳ (6T đầu 2018)") for c in at.caption)


def test_overview_names_the_units_that_have_not_reported(dashboard_db):
    at = open_page("tong_quan", period="2026S2")
    assert "3/5 đơn vị đã báo cáo" in [m.value for m in at.metric]
    assert any("Phường Tô Châu" in w.value and "Xã Hòa Điền" in w.value for w in at.warning)


def test_reporting_status_2026s2_three_of_five(dashboard_db):
    at = open_page("tinh_hinh_bao_cao", period="2026S2")
    assert "6 tháng cuối năm 2026: 3/5 đơn vị đã báo cáo" in [m.value for m in at.metric]
    counts = at.dataframe[0].value.set_index("Kỳ")
    assert counts.loc["6 tháng cuối năm 2026"].tolist() == [3, 0, 2, 5]
    assert counts.loc["6 tháng đầu năm 2025"].tolist() == [8, 0, 0, 8]  # the old units until 30/6/2025


def test_current_boundaries_sum_the_predecessors(dashboard_db):
    """Xã Kiên Lương, 2024S1, on today's boundaries = the town + Bình An + Bình Trị."""
    values = sample_values()
    expected = sum(values[("2024S1", code, "DLG_HELD")] for code in ("30787", "30808", "30809"))
    at = open_page("so_sanh", bnd="current", period="2024S1", ind="DLG_HELD")
    table = at.dataframe[0].value
    row = table[(table["Kỳ"] == "6 tháng đầu năm 2024") & (table["Đơn vị"] == "Xã Kiên Lương")]
    assert row["Giá trị"].tolist() == [expected]
    ranking = plotly_specs(at)[0]["data"][0]
    assert dict(zip(ranking["y"], ranking["x"], strict=True))["Xã Kiên Lương"] == expected
    # As reported, the same period shows the three old units instead.
    at = open_page("so_sanh", bnd="reported", period="2024S1", ind="DLG_HELD")
    ranking = plotly_specs(at)[0]["data"][0]
    assert {"Thị trấn Kiên Lương", "Xã Bình An", "Xã Bình Trị"} <= set(ranking["y"])
    assert "Xã Kiên Lương" not in ranking["y"]


def test_trend_draws_gaps_and_the_reorganisation(dashboard_db):
    at = open_page("xu_huong", ind="DLG_HELD", units="30808")
    spec = plotly_specs(at)[0]
    names = [trace["name"] for trace in spec["data"]]
    assert names == ["Toàn địa bàn", "Xã Bình An"]
    binh_an = spec["data"][1]["y"]
    assert binh_an[-1] is None  # Bình An no longer exists in 2026S2: a gap, not 0
    assert any(s.get("name") == "reorganisation" for s in spec["layout"]["shapes"])


def test_trend_by_year(dashboard_db):
    at = open_page("xu_huong", ind="CMP_RATE", years="1")
    spec = plotly_specs(at)[0]
    assert spec["data"][0]["x"][0] == "2017"


def test_ntm_page_lists_communes_only_and_the_2019_target(dashboard_db):
    at = open_page("nong_thon_moi", period="2019S1")
    table = at.dataframe[0].value
    assert len(table) == 7 and "Thị trấn Kiên Lương" not in set(table["Đơn vị"])
    levels = dict(zip(table["Đơn vị"], table["Mức đạt"], strict=True))
    assert levels["Xã Kiên Bình"] == "Chưa đạt" and levels["Xã Hòn Nghệ"] == "Đạt chuẩn"
    assert dict(zip(table["Đơn vị"], table["Tiêu chí đạt"], strict=True))["Xã Bình Trị"] == "16/19"
    assert any("Kiên Bình, Bình Trị đạt chuẩn nông thôn mới" in s.value for s in at.success)


def test_unit_profile_shows_lineage_and_batches(dashboard_db):
    at = open_page("ho_so_don_vi", bnd="current")
    at.selectbox(key="w_unit").select_index(
        next(i for i, o in enumerate(at.selectbox(key="w_unit").options) if o.startswith("Xã Kiên Lương"))
    ).run()
    assert not at.exception
    lineage = next(df.value for df in at.dataframe if "Quan hệ" in df.value.columns)
    assert set(lineage["Đơn vị"]) == {"Thị trấn Kiên Lương", "Xã Bình An", "Xã Bình Trị"}
    batches = next(df.value for df in at.dataframe if "Tệp" in df.value.columns)
    assert "kien-luong-2019.xlsx" in set(batches["Tệp"])
    assert at.query_params["unit"] == str(at.selectbox(key="w_unit").value)


def test_language_switch_changes_the_titles(dashboard_db):
    at = open_page("tong_quan")
    at.sidebar.radio(key="w_lang").set_value("en").run()
    assert [t.value for t in at.title] == ["Overview"]
    assert at.query_params["lang"] == "en"
    at.switch_page("pages/nong_thon_moi.py").run()
    assert [t.value for t in at.title] == ["New rural areas"]


def test_query_params_restore_the_filters(dashboard_db):
    at = open_page("so_sanh", period="2019S1", bnd="current", ind="CMP_NEW", **{"from": "2018S1", "to": "2020S2"})
    assert at.sidebar.selectbox(key="w_period").value == "2019S1"
    assert at.sidebar.radio(key="w_bnd").value == "current"
    assert at.selectbox(key="w_ind").value == "CMP_NEW"
    assert (at.sidebar.selectbox(key="w_from").value, at.sidebar.selectbox(key="w_to").value) == ("2018S1", "2020S2")
    table = at.dataframe[0].value
    assert set(table["Kỳ"]) == {f"6 tháng {h} năm {y}" for y in (2018, 2019, 2020) for h in ("đầu", "cuối")}
    for key, value in {"period": "2019S1", "bnd": "current", "ind": "CMP_NEW", "from": "2018S1"}.items():
        assert at.query_params[key] == value


def test_a_changed_filter_is_written_to_the_url_and_survives_a_page_switch(dashboard_db):
    at = open_page("tong_quan")
    at.sidebar.selectbox(key="w_period").set_value("2020S1").run()
    assert at.query_params["period"] == "2020S1"
    at.query_params.clear()  # a page switch in the browser clears the URL
    at.switch_page("pages/so_sanh.py").run()
    assert at.sidebar.selectbox(key="w_period").value == "2020S1"
    assert at.query_params["period"] == "2020S1"


def test_an_invalid_url_falls_back_to_the_defaults(dashboard_db):
    at = open_page("tong_quan", area="999999999", period="1990S3", ind="NOPE", bnd="sideways")
    assert not at.error
    assert at.sidebar.selectbox(key="w_period").value == "2026S2"
    assert at.sidebar.radio(key="w_bnd").value == "reported"


def test_a_database_without_schema_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("QCDC_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    get_settings.cache_clear()
    try:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    finally:
        get_settings.cache_clear()
    assert not at.exception
    assert any("qcdc demo" in e.value and "qcdc init" in e.value for e in at.error)


def test_a_database_without_figures_says_what_to_do(sqlite_template: Path, tmp_path, monkeypatch):
    target = tmp_path / "reference-only.sqlite3"
    shutil.copyfile(sqlite_template, target)
    monkeypatch.setenv("QCDC_DATABASE_URL", f"sqlite:///{target}")
    get_settings.cache_clear()
    try:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    finally:
        get_settings.cache_clear()
    assert not at.exception
    assert any("qcdc demo" in i.value for i in at.info)

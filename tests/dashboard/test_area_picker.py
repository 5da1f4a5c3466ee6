"""The sidebar's area picker on the Kiên Lương sample: a province first, then the area within it;
only the area is kept in the URL (``?area=``)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from etl import queries as q
from etl.db import make_engine
from tests.dashboard.test_pages import open_page

AN_GIANG_VI = "Tỉnh An Giang (từ 1/7/2025)"
KIEN_GIANG_VI = "Tỉnh Kiên Giang (trước 1/7/2025)"


@pytest.fixture(scope="module")
def units(sample_db_url: str) -> dict[str, int]:
    """Unit ids of the sample's areas, by a short name."""
    engine = make_engine(sample_db_url)
    try:
        with engine.connect() as connection:
            an_giang, kien_giang = q.province_options(connection)
            old = {a.name: a.unit_id for a in q.province_areas(connection, kien_giang.unit_id)}
            new = {a.name: a.unit_id for a in q.province_areas(connection, an_giang.unit_id)}
            no_figures = connection.execute(
                text(
                    "SELECT u.id FROM unit u WHERE u.level = 3 AND NOT EXISTS "
                    "(SELECT 1 FROM data_value v WHERE v.unit_id = u.id) ORDER BY u.id LIMIT 1"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return {
        "an_giang": an_giang.unit_id,
        "kien_giang": kien_giang.unit_id,
        "kien_luong": old["Huyện Kiên Lương"],
        "hon_nghe_old": old["Xã Hòn Nghệ"],
        "hon_nghe_new": new["Xã Hòn Nghệ"],
        "no_figures": int(no_figures),
    }


def boxes(at: AppTest) -> tuple[int, int]:
    """(the province box's value, the area box's value): unit ids."""
    return at.sidebar.selectbox(key="w_province").value, at.sidebar.selectbox(key="w_area").value


def caption(at: AppTest) -> str:
    """The page's caption: where, when, which boundaries."""
    return at.main.caption[0].value


def test_the_province_box_lists_only_the_provinces_and_the_area_box_their_areas(dashboard_db, units):
    at = open_page("tong_quan")
    province, area = at.sidebar.selectbox(key="w_province"), at.sidebar.selectbox(key="w_area")
    assert (province.label, area.label) == ("Tỉnh, thành phố", "Địa bàn")
    assert province.options == [AN_GIANG_VI, KIEN_GIANG_VI]
    # The app opens on the same area as before: the district that holds all the data, in its province.
    assert boxes(at) == (units["kien_giang"], units["kien_luong"])
    assert area.options[:4] == [
        "Tỉnh Kiên Giang — toàn địa bàn",
        "Huyện Kiên Lương",
        "Thị trấn Kiên Lương, Huyện Kiên Lương",
        "Xã Bình An, Huyện Kiên Lương",
    ]
    assert len(area.options) == 10 and "Xã Hòn Nghệ, Huyện Kiên Lương" in area.options
    assert "Huyện Kiên Lương, Tỉnh Kiên Giang (trước 1/7/2025)" in caption(at)
    assert "province" not in at.query_params  # only the area is kept in the URL


def test_picking_a_province_makes_it_the_area_and_shows_its_areas(dashboard_db, units):
    at = open_page("tong_quan")
    at.sidebar.selectbox(key="w_province").set_value(units["an_giang"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert boxes(at) == (units["an_giang"], units["an_giang"])
    assert at.query_params["area"] == str(units["an_giang"])
    options = at.sidebar.selectbox(key="w_area").options
    assert options[0] == "Tỉnh An Giang — toàn địa bàn" and "Xã Hòn Nghệ" in options and len(options) == 6
    assert AN_GIANG_VI in caption(at)

    # Then a commune of it: the province box stays, the URL names the commune.
    at.sidebar.selectbox(key="w_area").set_value(units["hon_nghe_new"]).run()
    assert boxes(at) == (units["an_giang"], units["hon_nghe_new"])
    assert at.query_params["area"] == str(units["hon_nghe_new"])
    assert "Xã Hòn Nghệ, Tỉnh An Giang (từ 1/7/2025)" in caption(at)

    # A page switch clears the URL in the browser: the choice survives it.
    at.query_params.clear()
    at.switch_page("pages/so_sanh.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert boxes(at) == (units["an_giang"], units["hon_nghe_new"])
    assert at.query_params["area"] == str(units["hon_nghe_new"])


@pytest.mark.parametrize(
    ("area", "province"), [("hon_nghe_old", "kien_giang"), ("hon_nghe_new", "an_giang"), ("kien_giang", "kien_giang")]
)
def test_a_link_to_an_area_selects_its_province_and_the_area(dashboard_db, units, area, province):
    at = open_page("xu_huong", area=str(units[area]))
    assert not at.error, [e.value for e in at.error]
    assert boxes(at) == (units[province], units[area])
    assert at.query_params["area"] == str(units[area])


def test_a_link_to_an_old_commune_names_it_with_its_district(dashboard_db, units):
    at = open_page("tong_quan", area=str(units["hon_nghe_old"]), period="2019S1")
    assert at.sidebar.selectbox(key="w_area").format_func(units["hon_nghe_old"]) == "Xã Hòn Nghệ, Huyện Kiên Lương"
    assert "Xã Hòn Nghệ, Huyện Kiên Lương (trước 1/7/2025)" in caption(at)


@pytest.mark.parametrize("area", ["999999999", "abc", "-3", "99999999999999999999", "no_figures"])
def test_an_unknown_area_falls_back_to_the_default(dashboard_db, units, area):
    at = open_page("tong_quan", area=str(units.get(area, area)))
    assert not at.error, [e.value for e in at.error]
    assert boxes(at) == (units["kien_giang"], units["kien_luong"])
    assert at.query_params["area"] == str(units["kien_luong"])


def test_english_labels(dashboard_db, units):
    at = open_page("tong_quan", lang="en", area=str(units["kien_giang"]))
    province, area = at.sidebar.selectbox(key="w_province"), at.sidebar.selectbox(key="w_area")
    assert (province.label, area.label) == ("Province or city", "Area")
    assert province.options == ["Tỉnh An Giang (from 1 July 2025)", "Tỉnh Kiên Giang (before 1 July 2025)"]
    assert area.options[:2] == ["Tỉnh Kiên Giang — whole area", "Huyện Kiên Lương"]
    assert boxes(at) == (units["kien_giang"], units["kien_giang"])
    assert "Tỉnh Kiên Giang (before 1 July 2025)" in caption(at)

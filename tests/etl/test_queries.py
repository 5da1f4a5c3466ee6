"""The query layer the dashboard, exports and reports read through, on the Kiên Lương sample —
on SQLite and PostgreSQL, without Streamlit."""

from __future__ import annotations

import pytest

from etl import queries as q
from etl.checks import data_warnings
from etl.samplegen import sample_values

SAMPLE = sample_values()
TOWN, KIEN_BINH, HOA_DIEN, DUONG_HOA, BINH_AN, BINH_TRI, SON_HAI, HON_NGHE = (
    "30787", "30790", "30802", "30805", "30808", "30809", "30811", "30814"
)  # fmt: skip


@pytest.fixture
def conn(sample_engine):
    with sample_engine.connect() as connection:
        yield connection


@pytest.fixture
def district(conn) -> int:
    area = q.default_area(conn)
    assert area is not None
    return area.unit_id


def by_code(frame, indicator, period=None):
    rows = frame[frame["indicator"] == indicator]
    if period:
        rows = rows[rows["period"] == period]
    return dict(zip(rows["unit_code"], rows["value"], strict=True))


def total(frame, period, indicator, column="value"):
    rows = frame[(frame["period"] == period) & (frame["indicator"] == indicator)]
    assert len(rows) == 1, rows
    return rows.iloc[0][column]


def test_default_area_is_the_district_that_holds_all_the_data(conn):
    area = q.default_area(conn)
    assert (area.catalog, area.code, area.name) == ("pre2025", "902", "Huyện Kiên Lương")
    options = q.area_options(conn)
    assert options[0] == area
    assert "Huyện Kiên Lương, Tỉnh Kiên Giang (trước 1/7/2025)" in [o.label_vi for o in options]
    assert {o.name for o in options if o.level == 1} == {"Tỉnh Kiên Giang", "Tỉnh An Giang"}


def test_the_provinces_with_figures_in_both_catalogs(conn):
    provinces = q.province_options(conn)
    assert [(p.catalog, p.label_vi) for p in provinces] == [
        ("2025", "Tỉnh An Giang (từ 1/7/2025)"),
        ("pre2025", "Tỉnh Kiên Giang (trước 1/7/2025)"),
    ]
    assert provinces[1].label_en == "Tỉnh Kiên Giang (before 1 July 2025)"
    assert set(provinces) == {o for o in q.area_options(conn) if o.level == 1}


def test_a_provinces_areas_start_with_the_province_then_districts_and_their_communes(conn):
    kien_giang = next(p for p in q.province_options(conn) if p.catalog == "pre2025")
    areas = q.province_areas(conn, kien_giang.unit_id)
    assert areas[0] == kien_giang
    assert [q.label_within(a, kien_giang) for a in areas[1:4]] == [
        "Huyện Kiên Lương",
        "Thị trấn Kiên Lương, Huyện Kiên Lương",
        "Xã Bình An, Huyện Kiên Lương",
    ]
    assert len(areas) == 10 and {a.level for a in areas[2:]} == {3}
    assert "Xã Hòn Nghệ, Huyện Kiên Lương (trước 1/7/2025)" in [a.label_vi for a in areas]
    # The same options as the national list, province by province, and nothing else.
    listed = [a for p in q.province_options(conn) for a in q.province_areas(conn, p.unit_id)]
    assert sorted(listed, key=lambda o: o.unit_id) == sorted(q.area_options(conn), key=lambda o: o.unit_id)
    an_giang = next(p for p in q.province_options(conn) if p.catalog == "2025")
    communes = q.province_areas(conn, an_giang.unit_id)[1:]
    assert [q.label_within(a, an_giang, "en") for a in communes][:2] == ["Phường Tô Châu", "Xã Hòa Điền"]
    assert q.province_areas(conn, areas[1].unit_id) == []  # a district is no province
    assert q.province_areas(conn, 999_999_999) == []


def test_province_of_any_unit(conn, district):
    kien_giang = next(p for p in q.province_options(conn) if p.catalog == "pre2025")
    communes = [a for a in q.province_areas(conn, kien_giang.unit_id) if a.level == 3]
    assert {q.province_of(conn, u) for u in (district, kien_giang.unit_id, communes[0].unit_id)} == {kien_giang.unit_id}
    assert q.province_of(conn, 999_999_999) is None


def test_the_default_area_is_found_without_listing_every_area(conn):
    assert q.default_area(conn) == q.default_area(conn, q.area_options(conn))
    assert q.default_area(conn, provinces=q.province_options(conn)) == q.default_area(conn)


def test_periods_with_data(conn):
    periods = q.periods_with_data(conn)
    assert periods[0] == "2017S1" and periods[-1] == "2026S2" and len(periods) == 20


def test_area_units_follow_the_catalog_of_the_period(conn, district):
    before = q.area_units(conn, district, "2019S1")
    after = q.area_units(conn, district, "2026S1")
    assert before["unit_code"].tolist() == [TOWN, KIEN_BINH, HOA_DIEN, DUONG_HOA, BINH_AN, BINH_TRI, SON_HAI, HON_NGHE]
    assert not before.set_index("unit_code").loc[TOWN, "is_commune"]
    assert after["unit_name"].tolist() == [
        "Phường Tô Châu",
        "Xã Kiên Lương",
        "Xã Hòa Điền",
        "Xã Sơn Hải",
        "Xã Hòn Nghệ",
    ]
    current = q.area_units(conn, district, "2019S1", q.Boundaries.CURRENT)
    assert len(current) == 5


def test_area_units_leave_out_the_excluded_in_sql(conn, district):
    """What "not reported" lists: the area's units less those with a figure, not every unit."""
    everyone = q.area_units(conn, district, "2019S1")
    reported = everyone["unit_id"].tolist()[::2]
    silent = q.area_units(conn, district, "2019S1", excluding=reported)
    assert silent["unit_id"].tolist() == everyone["unit_id"].tolist()[1::2]
    assert q.area_units(conn, district, "2019S1", excluding=everyone["unit_id"].tolist()).empty


def test_values_as_reported_are_the_stored_figures(conn, district):
    frame = q.unit_values(conn, district, ("2024S1",), ("DLG_HELD",))
    assert by_code(frame, "DLG_HELD") == {u: SAMPLE[("2024S1", u, "DLG_HELD")] for u in by_code(frame, "DLG_HELD")}
    assert len(frame) == 8 and frame["source"].str.startswith("lô #").all()


def test_current_boundaries_sum_old_units_into_their_successor(conn, district):
    frame = q.unit_values(conn, district, ("2024S1",), ("DLG_HELD", "CMP_NEW", "NTM_LEVEL"), q.Boundaries.CURRENT)
    held = by_code(frame, "DLG_HELD")
    assert held["30787"] == sum(SAMPLE[("2024S1", u, "DLG_HELD")] for u in (TOWN, BINH_AN, BINH_TRI))
    assert held["30790"] == sum(SAMPLE[("2024S1", u, "DLG_HELD")] for u in (KIEN_BINH, HOA_DIEN))
    assert by_code(frame, "CMP_NEW")["30811"] == SAMPLE[("2024S1", SON_HAI, "CMP_NEW")]
    assert frame[frame["indicator"] == "NTM_LEVEL"].empty  # never invented for a merged commune
    partial = dict(zip(frame["unit_code"], frame["partial"], strict=False))
    assert partial["30766"]  # Tô Châu also holds parts of Hà Tiên that are not in the data
    assert not partial["30787"]


def test_rates_are_recomputed_per_unit_and_for_the_area(conn, district):
    frame = q.unit_values(conn, district, ("2019S1",), ("CMP_RATE", "CMP_PENDING"))
    for unit in (TOWN, HON_NGHE):
        competent = SAMPLE[("2019S1", unit, "CMP_COMPETENT")]
        resolved = SAMPLE[("2019S1", unit, "CMP_RESOLVED")]
        assert by_code(frame, "CMP_RATE")[unit] == pytest.approx(100 * resolved / competent)
        assert by_code(frame, "CMP_PENDING")[unit] == competent - resolved
    totals = q.area_totals(conn, district, ("2019S1",), ("CMP_RATE",))
    units = [k[1] for k in SAMPLE if k[0] == "2019S1" and k[2] == "CMP_COMPETENT"]
    competent = sum(SAMPLE[("2019S1", u, "CMP_COMPETENT")] for u in units)
    resolved = sum(SAMPLE[("2019S1", u, "CMP_RESOLVED")] for u in units)
    assert total(totals, "2019S1", "CMP_RATE") == pytest.approx(100 * resolved / competent)


def test_area_totals_sum_flows_and_count_ntm_communes(conn, district):
    periods = ("2019S1", "2026S2")
    totals = q.area_totals(conn, district, periods, ("DLG_HELD", "NTM_LEVEL"))
    assert total(totals, "2019S1", "DLG_HELD") == sum(
        v for k, v in SAMPLE.items() if k[0] == "2019S1" and k[2] == "DLG_HELD"
    )
    assert total(totals, "2019S1", "NTM_LEVEL") == 5  # 5 of the 7 communes at the NTM standard
    assert total(totals, "2019S1", "NTM_LEVEL", "units_expected") == 7
    assert total(totals, "2026S2", "DLG_HELD", "units_reporting") == 3  # the open period
    assert total(totals, "2026S2", "DLG_HELD", "units_expected") == 5


def test_current_boundaries_keep_the_area_total(conn, district):
    reported = q.area_totals(conn, district, ("2022S2",), ("DLG_OPINIONS",))
    current = q.area_totals(conn, district, ("2022S2",), ("DLG_OPINIONS",), q.Boundaries.CURRENT)
    assert total(reported, "2022S2", "DLG_OPINIONS") == total(current, "2022S2", "DLG_OPINIONS")
    assert total(current, "2022S2", "DLG_OPINIONS", "units_expected") == 5


def test_completeness_counts_only_units_that_existed(conn, district):
    frame = q.completeness(conn, district, ("2019S1", "2026S2"))
    s1 = frame[frame["period"] == "2019S1"]
    assert len(s1) == 8 and set(s1["status"]) == {"reported"}
    open_period = frame[frame["period"] == "2026S2"].set_index("unit_name")["status"].to_dict()
    assert open_period == {
        "Phường Tô Châu": "missing",
        "Xã Kiên Lương": "reported",
        "Xã Hòa Điền": "missing",
        "Xã Sơn Hải": "reported",
        "Xã Hòn Nghệ": "reported",
    }


def test_ntm_status_and_level_counts(conn, district):
    status = q.ntm_status(conn, district, "2019S1").set_index("unit_code")
    assert len(status) == 7 and TOWN not in status.index
    assert status.loc[KIEN_BINH, "level"] == 0 and status.loc[BINH_TRI, "level"] == 0
    assert (status["criteria_size"] == 19).all() and set(status["criteria_set"]) == {"2016-2020"}
    assert status.loc[BINH_AN, "year"] == SAMPLE[("2019S1", BINH_AN, "NTM_YEAR")]
    new_set = q.ntm_status(conn, district, "2026S1")
    assert (new_set["criteria_size"] == 10).all()
    counts = q.ntm_level_counts(conn, district, ("2019S1", "2026S1"))
    first = counts[counts["period"] == "2019S1"].set_index("level")["communes"].to_dict()
    assert first == {0: 2, 1: 5}
    assert set(counts[counts["period"] == "2026S1"]["criteria_set"]) == {"2026-2030"}


def test_targets_progress(conn, district):
    frame = q.targets_progress(conn, district)
    ntm = frame[(frame["period"] == "2019") & (frame["indicator"] == "NTM_LEVEL")]
    assert sorted(ntm["unit_name"]) == ["Xã Bình Trị", "Xã Kiên Bình"]
    assert ntm["met"].all()


def test_lineage_and_batches_of_a_unit(conn, district):
    units = q.area_units(conn, district, "2026S1").set_index("unit_code")
    kien_luong = int(units.loc["30787", "unit_id"])
    lineage = q.lineage(conn, kien_luong)
    assert sorted(lineage["unit_name"]) == ["Thị trấn Kiên Lương", "Xã Bình An", "Xã Bình Trị"]
    assert set(lineage["direction"]) == {"predecessor"}
    batches = q.unit_batches(conn, kien_luong)
    assert "kien-luong-2019.xlsx" in set(batches["file_name"])
    assert "bieu-mau-xa-kien-luong-2026S2.xlsx" in set(batches["file_name"])


def test_sample_is_recognised(conn):
    assert q.is_sample_data(conn)


def test_warnings_have_their_columns_and_speak_vietnamese(conn, district):
    frame = data_warnings(conn, district, "2024S2")
    assert list(frame.columns) == ["unit_id", "unit_name", "indicator", "severity", "kind", "message"]
    assert set(frame["kind"]) <= {"rule", "carry", "outlier", "zero"}
    assert frame.empty or frame["message"].str.len().min() > 10


def test_warnings_point_at_a_carry_over_mismatch(engine, tmp_path):
    from datetime import date

    from etl.load import Source, load

    path = tmp_path / "carry.csv"
    path.write_text(
        "unit_code,period,indicator,value\n"
        "30790,2019S1,CMP_COMPETENT,10\n30790,2019S1,CMP_RESOLVED,6\n"
        "30790,2019S2,CMP_CARRY,1\n30790,2019S2,CMP_NEW,5\n30790,2019S2,CMP_COMPETENT,6\n30790,2019S2,CMP_RESOLVED,6\n",
        encoding="utf-8",
    )
    report = load(engine, [Source.from_path(path)], today=date(2026, 11, 29))
    assert report.ok
    with engine.connect() as connection:
        area = q.default_area(connection)
        frame = data_warnings(connection, area.unit_id, "2019S2")
    [row] = frame.itertuples()
    assert (row.unit_name, row.kind, row.indicator) == ("Xã Kiên Bình", "carry", "CMP_CARRY")
    assert "(1)" in row.message and "(4)" in row.message


def test_years_roll_up_by_each_indicators_aggregation(conn, district):
    halves = q.area_totals(conn, district, ("2019S1", "2019S2", "2020S1"))
    years = q.to_years(halves)
    assert set(years["period"]) == {"2019", "2020"}

    def half(period, code):
        return total(halves, period, code)

    assert total(years, "2019", "DLG_HELD") == half("2019S1", "DLG_HELD") + half("2019S2", "DLG_HELD")
    assert total(years, "2019", "VIL_TOTAL") == half("2019S2", "VIL_TOTAL")  # a stock: end of year
    assert total(years, "2019", "CMP_CARRY") == half("2019S1", "CMP_CARRY")  # carried in at the start
    competent = half("2019S1", "CMP_COMPETENT") + half("2019S2", "CMP_COMPETENT") - half("2019S2", "CMP_CARRY")
    assert total(years, "2019", "CMP_COMPETENT") == competent
    resolved = half("2019S1", "CMP_RESOLVED") + half("2019S2", "CMP_RESOLVED")
    assert total(years, "2019", "CMP_RATE") == pytest.approx(100 * resolved / competent)
    assert total(years, "2019", "NTM_LEVEL") == 7
    # 2020 has only its first half: flows are left out, never summed over a missing half
    assert years[(years["period"] == "2020") & (years["indicator"] == "DLG_HELD")].empty


def test_last_update_is_the_newest_batch_behind_the_area(conn, district):
    moment = q.last_update(conn, district)
    assert moment is not None and moment.year == 2026

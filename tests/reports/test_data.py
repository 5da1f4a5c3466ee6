"""etl/reports/data.py: the area a user names, the figures of a period, targets never judged on
figures from after the period reviewed."""

from __future__ import annotations

import pytest

from etl import queries as q
from etl.errors import UnknownUnit
from etl.periods import parse_period
from etl.reports import NoData, resolve_area
from etl.reports.data import next_period, targets_at
from tests.reports.conftest import read


def test_resolve_area_defaults_to_the_district_holding_the_sample(sample_engine):
    with sample_engine.connect() as connection:
        area = resolve_area(connection, None)
    assert (area.catalog, area.code, area.name) == ("pre2025", "902", "Huyện Kiên Lương")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("902", ("pre2025", "Huyện Kiên Lương")),  # only the old catalog has districts
        ("91", ("2025", "Tỉnh An Giang")),  # the newest catalog that has the code
        ("pre2025:91", ("pre2025", "Tỉnh Kiên Giang")),
        ("30790", ("2025", "Xã Hòa Điền")),  # a reused code: 2025 first
        ("pre2025:30790", ("pre2025", "Xã Kiên Bình")),
    ],
)
def test_resolve_area_reads_codes_of_either_catalog(sample_engine, code, expected):
    with sample_engine.connect() as connection:
        area = resolve_area(connection, code)
    assert (area.catalog, area.name) == expected


def test_resolve_area_refuses_unknown_codes_and_areas_without_figures(sample_engine):
    with sample_engine.connect() as connection:
        with pytest.raises(UnknownUnit, match="99999"):
            resolve_area(connection, "99999")
        with pytest.raises(UnknownUnit, match=r"Danh mục '1990' không có"):
            resolve_area(connection, "1990:902")
        with pytest.raises(NoData, match="Hà Nội"):
            resolve_area(connection, "01")


def test_a_period_without_figures_is_no_data(sample_engine, area_id):
    with pytest.raises(NoData, match="2030S1"):
        read(sample_engine, area_id, "2030S1")


def test_totals_are_the_query_layers(data_2019s1, sample_engine, area_id):
    with sample_engine.connect() as connection:
        totals = q.area_totals(connection, area_id, ["2019S1", "2018S1"])
    expected = totals.set_index(["period", "indicator"])["value"]
    for (period, indicator), value in expected.items():
        assert data_2019s1.value(indicator, period) == pytest.approx(value)
    assert data_2019s1.change("DLG_HELD") == expected[("2019S1", "DLG_HELD")] - expected[("2018S1", "DLG_HELD")]
    assert (data_2019s1.previous, data_2019s1.last_year, data_2019s1.next_period) == ("2018S2", "2018S1", "2019S2")


def test_a_year_is_rolled_up_from_its_halves(sample_engine, area_id):
    data = read(sample_engine, area_id, "2019")
    with sample_engine.connect() as connection:
        halves = q.area_totals(connection, area_id, ["2019S1", "2019S2"]).set_index(["period", "indicator"])["value"]
        units = q.unit_values(connection, area_id, ["2019S1", "2019S2"], ["DLG_HELD"])
    assert data.value("DLG_HELD") == halves[("2019S1", "DLG_HELD")] + halves[("2019S2", "DLG_HELD")]  # a flow
    assert data.value("VIL_TOTAL") == halves[("2019S2", "VIL_TOTAL")]  # a stock: the end of the year
    assert data.value("CMP_CARRY") == halves[("2019S1", "CMP_CARRY")]  # carried into the year
    per_unit = data.values[data.values["indicator"] == "DLG_HELD"].set_index("unit_id")["value"]
    assert per_unit.to_dict() == units.groupby("unit_id")["value"].sum().to_dict()
    assert (data.last_year, data.next_period) == ("2018", "2020")
    assert list(data.ntm["level"]) == [1] * 7  # the NTM status at the end of the year


def test_targets_are_judged_at_the_period_reviewed_never_after_it(sample_engine, area_id):
    with sample_engine.connect() as connection:
        at_s1 = targets_at(connection, area_id, "2019S1")
        at_s2 = targets_at(connection, area_id, "2019S2")
    ntm_s1 = at_s1[at_s1["indicator"] == "NTM_LEVEL"]
    assert set(ntm_s1["unit_name"]) == {"Xã Kiên Bình", "Xã Bình Trị"}
    assert set(ntm_s1["status"]) == {"in_progress"}  # a 2019 target, half-way: level 0 so far
    assert list(ntm_s1["actual"]) == [0.0, 0.0]
    assert set(at_s1.loc[at_s1["period"] == "2019S2", "status"]) == {"upcoming"}
    assert at_s1.loc[at_s1["period"] == "2019S2", "actual"].isna().all()
    assert set(at_s2.loc[at_s2["indicator"] == "NTM_LEVEL", "status"]) == {"met"}
    dvk = at_s2[(at_s2["indicator"] == "DVK_MODELS")]
    assert sorted(dvk.loc[dvk["status"] == "not_met", "unit_name"]) == ["Xã Bình An", "Xã Bình Trị", "Xã Hòa Điền"]


def test_a_review_keeps_only_the_targets_it_speaks_of(sample_engine, area_id):
    assert read(sample_engine, area_id, "2026S2").targets.empty  # 2019's targets are history by then
    assert len(read(sample_engine, area_id, "2019S1").targets) == 18


def test_next_period():
    assert next_period(parse_period("2019S1")).code == "2019S2"
    assert next_period(parse_period("2019S2")).code == "2020S1"
    assert next_period(parse_period("2019")).code == "2020"


def test_current_boundaries_put_old_figures_on_todays_units(sample_engine, area_id):
    data = read(sample_engine, area_id, "2019S1", boundaries="current")
    assert set(data.values["unit_code"]) == {"30766", "30787", "30790", "30811", "30814"}
    assert data.value("DLG_HELD") == read(sample_engine, area_id, "2019S1").value("DLG_HELD")
    assert set(data.ntm["unit_code"]) >= {"30790", "30809"}  # NTM stays on the communes as they were


def test_a_year_across_the_reorganisation_is_complete_when_each_half_is(sample_engine, area_id):
    data = read(sample_engine, area_id, "2025")  # 8 old units in 2025S1, 5 new ones in 2025S2
    assert data.complete("DLG_HELD") and data.coverage("DLG_HELD")[0] == data.coverage("DLG_HELD")[1]
    assert data.coverage("NTM_CRITERIA_MET") == (4, 4)  # a stock: the communes at the end of the year
    assert data.change("DLG_HELD") is not None
    partial = read(sample_engine, area_id, "2026")  # 2026S2: 3 of 5 units have reported
    assert partial.coverage("DLG_HELD") == (3, 5) and not partial.complete("DLG_HELD")
    assert partial.change("DLG_HELD") is None

"""The catalog's rules (etl.validate), shared by the file loader and the entry form."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from etl.errors import Severity
from etl.indicators import indicator_catalog
from etl.periods import Period
from etl.validate import check_unit_period, check_value, pending, resolution_rate

CATALOG = indicator_catalog()
NAMES = {i.code: i.name_vi for i in CATALOG.indicators}


def _codes(issues):
    return [i.code for i in issues]


def test_value_rules_refuse_fractions_negatives_and_huge_counts():
    ind = CATALOG.get("DLG_HELD")
    kwargs = dict(period=Period(2019, 1), unit_is_commune=True, unit_label="Xã A", criteria_size=19)
    assert _codes(check_value(ind, 2.5, **kwargs)) == ["not_integer"]
    assert _codes(check_value(ind, -1, **kwargs)) == ["negative"]
    assert _codes(check_value(ind, 5_000_000, **kwargs)) == ["too_large"]
    assert check_value(ind, 0, **kwargs) == []


def test_ntm_figures_only_for_communes():
    issues = check_value(
        CATALOG.get("NTM_LEVEL"),
        1,
        period=Period(2019, 1),
        unit_is_commune=False,
        unit_label="Thị trấn Kiên Lương",
        criteria_size=19,
    )
    assert _codes(issues) == ["ntm_not_commune"]
    assert "Thị trấn Kiên Lương" in issues[0].message


def test_criteria_above_the_set_in_force():
    ind = CATALOG.get("NTM_CRITERIA_MET")
    assert check_value(ind, 19, period=Period(2025, 2), unit_is_commune=True, unit_label="x", criteria_size=19) == []
    issues = check_value(ind, 11, period=Period(2026, 1), unit_is_commune=True, unit_label="x", criteria_size=10)
    assert _codes(issues) == ["criteria_above_set"]
    assert "10 tiêu chí" in issues[0].message


def test_year_after_the_period_is_refused():
    ind = CATALOG.get("NTM_YEAR")
    issues = check_value(ind, 2020, period=Period(2019, 1), unit_is_commune=True, unit_label="x", criteria_size=19)
    assert _codes(issues) == ["bad_year"]


def test_le_rules_name_both_sides():
    values = {"DLG_OPINIONS": 10, "DLG_ANSWERED": 12, "CMP_CARRY": 1, "CMP_NEW": 3, "CMP_COMPETENT": 5}
    issues = check_unit_period(values, names=NAMES)
    assert sorted(_codes(issues)) == ["le_rule", "le_rule"]
    answered = next(i for i in issues if i.indicator == "DLG_ANSWERED")
    assert "(12)" in answered.message and "(10)" in answered.message


def test_rules_only_reported_when_they_involve_a_changed_value():
    values = {"DLG_OPINIONS": 10, "DLG_ANSWERED": 12, "VIL_TOTAL": 5}
    assert check_unit_period(values, names=NAMES, changed={"VIL_TOTAL"}) == []


def test_level_needs_year_and_level_zero_has_no_year():
    assert _codes(check_unit_period({"NTM_LEVEL": 1}, names=NAMES)) == ["level_needs_year"]
    assert _codes(check_unit_period({"NTM_LEVEL": 0, "NTM_YEAR": 2018}, names=NAMES)) == ["year_without_level"]
    assert check_unit_period({"NTM_LEVEL": 1, "NTM_YEAR": 2018}, names=NAMES) == []


def test_level_drop_needs_a_note():
    now = {"NTM_LEVEL": 0}
    before = {"NTM_LEVEL": 1, "NTM_YEAR": 2018}
    assert _codes(check_unit_period(now, names=NAMES, previous=before)) == ["level_dropped"]
    noted = check_unit_period(now, names=NAMES, previous=before, notes={"NTM_LEVEL": "Bộ tiêu chí mới"})
    assert noted == []


def test_carry_over_mismatch_is_a_warning():
    issues = check_unit_period({"CMP_CARRY": 3}, names=NAMES, previous={"CMP_COMPETENT": 10, "CMP_RESOLVED": 8})
    assert _codes(issues) == ["carry_mismatch"]
    assert issues[0].severity is Severity.WARNING
    assert check_unit_period({"CMP_CARRY": 2}, names=NAMES, previous={"CMP_COMPETENT": 10, "CMP_RESOLVED": 8}) == []


def test_rate_is_recomputed_from_counts():
    # The published mistake from domain.md: 238/316 is 75.3 %, not 88.9 %.
    assert round(resolution_rate({"CMP_COMPETENT": 316, "CMP_RESOLVED": 238}), 1) == 75.3
    assert resolution_rate({"CMP_COMPETENT": 0, "CMP_RESOLVED": 0}) is None
    assert pending({"CMP_COMPETENT": 316, "CMP_RESOLVED": 238}) == 78


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_le_rule_holds_exactly_when_left_is_not_above_right(left, right):
    issues = check_unit_period({"DLG_ANSWERED": left, "DLG_OPINIONS": right}, names=NAMES)
    assert bool(issues) == (left > right)

"""Whole years from half-years (``etl.queries.roll_up_years``): one pivot over whole columns gives
exactly what the row-by-row roll-up it replaced gave, for an area's totals and for each unit of a
province at once, whatever figures are there or missing."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import queries as q
from etl.indicators import indicator_catalog
from etl.periods import parse_period

PERIODS = ("2019S1", "2019S2", "2020S1", "2020S2", "2021S2", "2021")  # 2021: a year, ignored
CODES = (*indicator_catalog().codes, "XYZ_UNKNOWN")


def old_to_years(totals: pd.DataFrame) -> pd.DataFrame:
    """The roll-up as it was (a loop over rows), kept to check the new one against."""
    columns = q.TOTAL_COLUMNS
    if totals.empty:
        return pd.DataFrame(columns=columns)
    catalog = indicator_catalog()
    frame = totals.copy()
    parsed = frame["period"].map(parse_period)
    frame = frame[parsed.map(lambda p: not p.is_year)]
    frame["year"] = frame["period"].map(lambda p: str(parse_period(p).year))
    frame["half"] = frame["period"].map(lambda p: parse_period(p).half)
    value = frame.pivot_table(index=["year", "indicator"], columns="half", values="value", aggfunc="sum")
    reporting = frame.pivot_table(index=["year", "indicator"], columns="half", values="units_reporting", aggfunc="min")
    expected = frame.pivot_table(index=["year", "indicator"], columns="half", values="units_expected", aggfunc="max")
    for table in (value, reporting, expected):
        for half in (1, 2):
            if half not in table.columns:
                table[half] = float("nan")
    rows = []
    carry_s2 = {year: value.loc[(year, "CMP_CARRY"), 2] for year, ind in value.index if ind == "CMP_CARRY"}
    for (year, code), halves in value.iterrows():
        if code not in catalog or (not catalog.get(code).entered and code not in {"CMP_PENDING", "CMP_RATE"}):
            continue
        rule = catalog.get(code).aggregation
        first, second = halves[1], halves[2]
        if rule == "sum":
            result = first + second
        elif rule == "first":
            result = first
        elif rule == "sum_of_new_plus_first_carry":
            result = first + second - carry_s2.get(year, float("nan"))
        else:  # last, recompute (recomputed below), levels and criteria: the end of the year
            result = second
        if code in {"CMP_PENDING", "CMP_RATE"} or pd.isna(result):
            continue
        units = reporting.loc[(year, code)].min()
        rows.append((year, code, float(result), int(units), int(expected.loc[(year, code)].max())))
    years = pd.DataFrame(rows, columns=columns)
    derived = q.derived_totals(years.drop(columns="units_expected"))
    if not derived.empty:
        derived["units_expected"] = derived["period"].map(
            years[years["indicator"] == "CMP_COMPETENT"].set_index("period")["units_expected"]
        )
        years = pd.concat([years, derived[columns]], ignore_index=True)
    order = {code: i for i, code in enumerate(catalog.codes)}
    years = years.assign(_o=years["indicator"].map(order)).sort_values(["period", "_o"]).drop(columns="_o")
    return years.reset_index(drop=True)


figures = st.dictionaries(
    st.tuples(st.sampled_from(PERIODS), st.sampled_from(CODES)),
    st.tuples(st.integers(0, 500), st.integers(0, 9), st.integers(9, 12)),
    max_size=120,
)


def totals_frame(drawn: dict) -> pd.DataFrame:
    rows = [(p, c, float(v), r, e) for (p, c), (v, r, e) in sorted(drawn.items())]
    return pd.DataFrame(rows, columns=q.TOTAL_COLUMNS)


def same(new: pd.DataFrame, old: pd.DataFrame, keys: list[str]) -> None:
    order = [*keys, "period", "indicator"]
    new = new.sort_values(order).reset_index(drop=True)
    old = old.sort_values(order).reset_index(drop=True)
    pd.testing.assert_frame_equal(new, old[new.columns], check_dtype=False, check_index_type=False)


@settings(max_examples=60, deadline=None)
@given(figures)
def test_area_totals_roll_up_as_before(drawn):
    totals = totals_frame(drawn)
    same(q.to_years(totals), old_to_years(totals), [])


@settings(max_examples=40, deadline=None)
@given(st.lists(figures, min_size=1, max_size=4))
def test_each_unit_rolls_up_as_if_it_were_an_area_of_its_own(units):
    frames = [totals_frame(d).assign(unit_id=i + 1) for i, d in enumerate(units)]
    values = pd.concat(frames, ignore_index=True)[["unit_id", "period", "indicator", "value"]]
    expected = [
        old_to_years(frame.assign(units_reporting=1, units_expected=1)).assign(unit_id=frame["unit_id"].iloc[0])
        for frame in frames
        if not frame.empty
    ]
    old = pd.concat(expected, ignore_index=True) if expected else pd.DataFrame(columns=["unit_id", *q.TOTAL_COLUMNS])
    new = q.roll_up_years(values, keys=["unit_id"])
    assert list(new.columns) == ["unit_id", "period", "indicator", "value"]
    same(new, old[["unit_id", "period", "indicator", "value"]], ["unit_id"])


def test_a_year_in_order_of_the_catalog():
    totals = totals_frame({(p, c): (3, 1, 1) for p in ("2019S1", "2019S2") for c in ("NTM_LEVEL", "DLG_HELD")})
    years = q.to_years(totals)
    assert list(years["indicator"]) == ["DLG_HELD", "NTM_LEVEL"]
    assert list(years["value"]) == [6.0, 3.0] and list(years["period"]) == ["2019", "2019"]
    assert parse_period(years["period"].iloc[0]).is_year

"""The data warnings of the overview page (etl.checks), on the Kiên Lương sample with a few bad
figures slipped in (inside a transaction that is rolled back): each kind of warning and its
message; the same frame as the pandas implementation it replaced; and no statement handing
Python more rows than the warnings it finds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, text

from etl import queries as q
from etl.checks import (
    HISTORY_PERIODS,
    MIN_HISTORY,
    OUTLIER_MIN_GAP,
    OUTLIER_SD,
    WARNING_COLUMNS,
    ZERO_MIN_PREVIOUS,
    _history,
    data_warnings,
)
from etl.errors import Severity
from etl.indicators import indicator_catalog
from etl.queries import Boundaries, unit_values
from etl.text import format_number
from etl.validate import check_unit_period
from tests.bench.conftest import RowCounter

NAMES = {i.code: i.name_vi for i in indicator_catalog().indicators}
KIEN_BINH, HOA_DIEN, DUONG_HOA, BINH_AN, SON_HAI = "30790", "30802", "30805", "30808", "30811"
NEW_KIEN_LUONG = "30787"  # Xã Kiên Lương of the 2025 catalog


# ------------------------------------------------------------------------------------------------
# The implementation replaced (pandas over every figure of the area's nine half-years): the reference
# ------------------------------------------------------------------------------------------------


def old_data_warnings(
    connection: Connection,
    area_id: int,
    period: str,
    boundaries: str = Boundaries.REPORTED,
    official_only: bool = True,
) -> pd.DataFrame:
    catalog = indicator_catalog()
    names = {i.code: i.name_vi for i in catalog.indicators}
    history = _history(period, HISTORY_PERIODS)
    values = unit_values(connection, area_id, tuple(history), None, boundaries, official_only=official_only)
    values = values[values["indicator"].map(lambda code: code in catalog and catalog.get(code).entered)]
    rows: list[tuple] = []
    if values.empty:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    wide = values.pivot_table(index=["unit_id", "period"], columns="indicator", values="value", aggfunc="sum")
    unit_names = values.drop_duplicates("unit_id").set_index("unit_id")["unit_name"]
    previous = history[1]
    for unit_id in values.loc[values["period"] == period, "unit_id"].unique():
        now = wide.loc[(unit_id, period)].dropna().to_dict()
        before = wide.loc[(unit_id, previous)].dropna().to_dict() if (unit_id, previous) in wide.index else None
        for issue in check_unit_period(now, names=names, previous=before):
            kind = "carry" if issue.code == "carry_mismatch" else "rule"
            rows.append((unit_id, unit_names[unit_id], issue.indicator, issue.severity.value, kind, issue.message))
    rows.extend(_old_outliers(wide, unit_names, period, history[1:], names))
    return pd.DataFrame(rows, columns=WARNING_COLUMNS)


def _old_outliers(
    wide: pd.DataFrame, unit_names: pd.Series, period: str, past: list[str], names: dict[str, str]
) -> list[tuple]:
    catalog = indicator_catalog()
    flows = [c for c in wide.columns if catalog.get(c).is_flow]
    rows: list[tuple] = []
    frame = wide[flows].reset_index()
    current = frame[frame["period"] == period].set_index("unit_id")
    earlier = frame[frame["period"].isin(past)]
    stats = earlier.groupby("unit_id")[flows].agg(["mean", "std", "count"])
    last = frame[frame["period"] == past[0]].set_index("unit_id")
    for unit_id, row in current.iterrows():
        for code in flows:
            value = row[code]
            if pd.isna(value):
                continue
            if unit_id in stats.index and stats.loc[unit_id, (code, "count")] >= MIN_HISTORY:
                mean, sd = stats.loc[unit_id, (code, "mean")], stats.loc[unit_id, (code, "std")]
                if value - mean >= max(OUTLIER_SD * (sd if sd == sd else 0), OUTLIER_MIN_GAP):
                    rows.append(
                        (
                            unit_id,
                            unit_names[unit_id],
                            code,
                            Severity.WARNING.value,
                            "outlier",
                            f"'{names[code]}' = {format_number(value)}, cao bất thường so với các kỳ trước "
                            f"(trung bình {format_number(mean, 1)}).",
                        )
                    )
            if value == 0 and unit_id in last.index and last.loc[unit_id, code] >= ZERO_MIN_PREVIOUS:
                rows.append(
                    (
                        unit_id,
                        unit_names[unit_id],
                        code,
                        Severity.WARNING.value,
                        "zero",
                        f"'{names[code]}' bằng 0 trong khi kỳ trước là {format_number(last.loc[unit_id, code])}.",
                    )
                )
    return rows


# ------------------------------------------------------------------------------------------------
# Bad figures, slipped into the sample for the length of a test
# ------------------------------------------------------------------------------------------------


def _unit(catalog: str, code: str) -> str:
    return f"(SELECT id FROM unit WHERE catalog = '{catalog}' AND code = '{code}')"


def set_value(connection: Connection, code: str, period: str, indicator: str, value: float, catalog="pre2025") -> None:
    done = connection.execute(
        text(
            f"UPDATE data_value SET value = :v WHERE unit_id = {_unit(catalog, code)} "
            "AND period_code = :p AND indicator_code = :i"
        ),
        {"v": value, "p": period, "i": indicator},
    )
    assert done.rowcount == 1, (code, period, indicator)


def drop_value(connection: Connection, code: str, period: str, indicator: str, catalog="pre2025") -> None:
    done = connection.execute(
        text(
            f"DELETE FROM data_value WHERE unit_id = {_unit(catalog, code)} "
            "AND period_code = :p AND indicator_code = :i"
        ),
        {"p": period, "i": indicator},
    )
    assert done.rowcount == 1, (code, period, indicator)


def stored(connection: Connection, code: str, period: str, indicator: str, catalog="pre2025") -> float | None:
    return connection.execute(
        text(
            f"SELECT value FROM data_value WHERE unit_id = {_unit(catalog, code)} "
            "AND period_code = :p AND indicator_code = :i"
        ),
        {"p": period, "i": indicator},
    ).scalar_one_or_none()


def unit_id(connection: Connection, code: str, catalog="pre2025") -> int:
    return connection.execute(text(f"SELECT id FROM unit WHERE id = {_unit(catalog, code)}")).scalar_one()


@contextmanager
def rolled_back(engine: Engine) -> Iterator[Connection]:
    """A connection whose changes are undone at the end (the sample database is shared)."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


def break_2019s2(connection: Connection) -> None:
    """One of each kind of warning in 2019S2, in the old communes of Kiên Lương."""
    set_value(connection, KIEN_BINH, "2019S2", "DLG_ANSWERED", 25)  # more answered than raised (18)
    set_value(connection, KIEN_BINH, "2019S2", "CMP_CARRY", 7)  # last period left 5 − 2 = 3 pending
    set_value(connection, BINH_AN, "2019S2", "NTM_LEVEL", 0)  # dropped from 1, and keeps its year
    drop_value(connection, SON_HAI, "2019S2", "NTM_YEAR")  # a level without its year
    set_value(connection, HOA_DIEN, "2019S2", "DISC_ITEMS", 500)  # far above its history
    set_value(connection, DUONG_HOA, "2019S2", "DISC_ITEMS", 0)  # zero after a non-zero period


def break_more(connection: Connection) -> None:
    """Bad figures on both sides of the 2025 reorganisation, and one in an unapproved return."""
    set_value(connection, HOA_DIEN, "2025S1", "VIL_MEETINGS", 900)  # above the villages, summed or not
    set_value(connection, BINH_AN, "2025S1", "CMP_RESOLVED", 400)
    set_value(connection, NEW_KIEN_LUONG, "2026S1", "VIL_CONVENTIONS", 800, catalog="2025")
    set_value(connection, NEW_KIEN_LUONG, "2026S1", "DLG_HELD", 0, catalog="2025")
    set_value(connection, NEW_KIEN_LUONG, "2026S1", "DISC_ITEMS", 700, catalog="2025")
    set_value(connection, HOA_DIEN, "2019S2", "CMP_COMPETENT", 300)
    connection.execute(
        text(
            "INSERT INTO submission (unit_id, period_code, status, version, updated_at, updated_by, submitted_by, "
            f"reviewed_by, returned_fields) VALUES ({_unit('pre2025', HOA_DIEN)}, '2019S2', 'submitted', 1, "
            "CURRENT_TIMESTAMP, 'test', 'test', '', '')"
        )
    )


# ------------------------------------------------------------------------------------------------
# Tests
# ------------------------------------------------------------------------------------------------


def _district(connection: Connection) -> int:
    area = q.default_area(connection)
    assert area is not None
    return area.unit_id


def _province(connection: Connection) -> int:
    """Tỉnh An Giang (2025): the sample's communes on both sides of the reorganisation."""
    return next(o.unit_id for o in q.area_options(connection) if o.level == 1 and o.catalog == "2025")


def test_each_kind_of_warning_keeps_its_message(sample_engine):
    with rolled_back(sample_engine) as connection:
        break_2019s2(connection)
        district = _district(connection)
        history = [stored(connection, HOA_DIEN, p, "DISC_ITEMS") for p in _history("2019S2", HISTORY_PERIODS)[1:]]
        history = [v for v in history if v is not None]
        assert len(history) >= MIN_HISTORY
        before_zero = stored(connection, DUONG_HOA, "2019S1", "DISC_ITEMS")
        assert before_zero is not None and before_zero >= ZERO_MIN_PREVIOUS
        frame = data_warnings(connection, district, "2019S2")
        ids = {code: unit_id(connection, code) for code in (KIEN_BINH, HOA_DIEN, DUONG_HOA, BINH_AN, SON_HAI)}
    n = NAMES
    expected = [
        (ids[KIEN_BINH], "Xã Kiên Bình", "DLG_ANSWERED", "error", "rule",
         f"'{n['DLG_ANSWERED']}' (25) không được lớn hơn '{n['DLG_OPINIONS']}' (18)."),
        (ids[KIEN_BINH], "Xã Kiên Bình", "CMP_CARRY", "warning", "carry",
         "Số đơn kỳ trước chuyển sang (7) khác số đơn chưa giải quyết của kỳ trước (3)."),
        (ids[BINH_AN], "Xã Bình An", "NTM_YEAR", "error", "rule",
         "Xã chưa đạt chuẩn nông thôn mới (mức 0) thì để trống năm đạt chuẩn."),
        (ids[BINH_AN], "Xã Bình An", "NTM_LEVEL", "error", "rule",
         "Mức nông thôn mới giảm từ 1 (Đạt chuẩn) xuống 0 mà không có ghi chú giải thích."),
        (ids[SON_HAI], "Xã Sơn Hải", "NTM_LEVEL", "error", "rule",
         "Mức 'Đạt chuẩn' cần có năm đạt chuẩn nông thôn mới (NTM_YEAR)."),
        (ids[HOA_DIEN], "Xã Hòa Điền", "DISC_ITEMS", "warning", "outlier",
         f"'{n['DISC_ITEMS']}' = 500, cao bất thường so với các kỳ trước "
         f"(trung bình {format_number(sum(history) / len(history), 1)})."),
        (ids[DUONG_HOA], "Xã Dương Hòa", "DISC_ITEMS", "warning", "zero",
         f"'{n['DISC_ITEMS']}' bằng 0 trong khi kỳ trước là {format_number(before_zero)}."),
    ]  # fmt: skip
    assert list(frame.columns) == WARNING_COLUMNS
    found = list(frame.itertuples(index=False, name=None))
    assert [row for row in found if row in expected] == expected  # each of them, in this order
    kinds = list(frame["kind"])
    rules = [k in {"rule", "carry"} for k in kinds]
    assert rules == sorted(rules, reverse=True)  # broken rules first, then outliers and zeros


def test_a_unit_without_figures_in_the_period_has_no_warnings(sample_engine):
    with sample_engine.connect() as connection:
        frame = data_warnings(connection, _district(connection), "2016S2")
    assert frame.empty and list(frame.columns) == WARNING_COLUMNS


def test_unapproved_figures_are_judged_only_when_asked_for(sample_engine):
    with rolled_back(sample_engine) as connection:
        break_more(connection)
        district = _district(connection)
        official = data_warnings(connection, district, "2019S2")
        everything = data_warnings(connection, district, "2019S2", official_only=False)
        hoa_dien = unit_id(connection, HOA_DIEN)
    assert hoa_dien not in set(official["unit_id"])
    assert ("CMP_COMPETENT", "rule") in set(
        everything.loc[everything["unit_id"] == hoa_dien, ["indicator", "kind"]].itertuples(index=False, name=None)
    )


def test_same_warnings_as_the_pandas_implementation(sample_engine):
    checked = 0
    with rolled_back(sample_engine) as connection:
        break_2019s2(connection)
        break_more(connection)
        areas = (_district(connection), _province(connection))
        kinds: set[str] = set()
        for area in areas:
            for period in ("2019S2", "2025S1", "2026S1"):
                for boundaries in (Boundaries.REPORTED, Boundaries.CURRENT):
                    for official_only in (True, False):
                        expected = old_data_warnings(connection, area, period, boundaries, official_only)
                        found = data_warnings(connection, area, period, boundaries, official_only)
                        pd.testing.assert_frame_equal(found, expected, obj=f"{area} {period} {boundaries}")
                        kinds |= set(found["kind"])
                        checked += len(found)
    assert kinds == {"rule", "carry", "outlier", "zero"}
    assert checked > 20


@pytest.mark.parametrize(
    ("period", "boundaries", "province"),
    [
        ("2019S2", Boundaries.REPORTED, False),
        ("2026S1", Boundaries.CURRENT, True),
        ("2025S1", Boundaries.CURRENT, True),
    ],
)
def test_no_statement_fetches_more_rows_than_the_warnings_found(sample_engine, period, boundaries, province):
    with rolled_back(sample_engine) as connection:
        break_2019s2(connection)
        break_more(connection)
        area = _province(connection) if province else _district(connection)
        with RowCounter() as counter:
            frame = data_warnings(connection, area, period, boundaries, official_only=False)
    assert not frame.empty
    allowed = len(frame) + 2 * frame["unit_id"].nunique() + 10
    [(most, statement)] = counter.largest(n=1)
    assert most <= allowed, statement

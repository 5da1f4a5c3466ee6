"""The column-wise path for large long-layout CSV files (etl.bulk) gives what the row-by-row path
gives: the same figures, the same problems with the same places, the same writes and audit.

Each case is prepared twice on the same database: once row by row, once column-wise (the size
threshold lowered to 0), and the two results are compared; hypothesis draws files mixing good and
bad rows.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from etl import bulk
from etl.load import Source, load, prepare
from tests.etl import files
from tests.etl.files import DLG_HELD

TODAY = date(2026, 11, 29)
HEADER = ["unit_code", "unit_name", "period", "indicator", "value", "note"]


def outcome(engine, data: bytes, column_wise: bool, monkeypatch) -> tuple[list[str], list[tuple]]:
    monkeypatch.setattr(bulk, "BULK_MIN_BYTES", 0 if column_wise else 1 << 60)
    [item] = prepare(engine, [Source(name="tinh.csv", data=data)], today=TODAY, area_code="902")
    assert (item.bulk is not None) == column_wise or not item.report.sha256
    problems = sorted(f"{p.severity}|{p.code}|{p}" for p in item.report.problems)
    cells = sorted((o.unit_id, o.period.code, o.indicator, o.value, o.note) for o in item.values)
    if item.bulk is not None:
        frame = item.bulk.frame
        cells = sorted(
            cells
            + [
                (int(u), str(p), str(i), float(v), n)
                for u, p, i, v, n in frame[["unit_id", "period", "indicator", "value", "note"]].itertuples(
                    index=False, name=None
                )
            ]
        )
    return problems, cells


def csv_bytes(rows, header=HEADER, delimiter=",") -> bytes:
    return files.csv_text([header, *rows], delimiter).encode("utf-8")


CASES = {
    "clean": files.LONG_ROWS,
    "errors": [
        ["30814", "Xã Hòn Nghệ", "2019S1", "DLG_HELD", "-1", ""],  # negative
        ["30814", "Xã Hòn Nghệ", "2019S1", "DLG_OPINIONS", "2,5", ""],  # fractional
        ["99999", "", "2019S1", "DLG_HELD", "2", ""],  # unknown code
        ["", "Xã Không Có", "2019S1", "DLG_HELD", "2", ""],  # unknown name
        ["", "Xã Bình An", "quý 3/2019", "DLG_HELD", "2", ""],  # unknown period
        ["", "Xã Bình An", "2030S1", "DLG_HELD", "2", ""],  # future period
        ["", "Thị trấn Kiên Lương", "2019S1", "NTM_LEVEL", "1", ""],  # NTM for a town
        ["", "Xã Sơn Hải", "2019S1", "NTM_CRITERIA_MET", "25", ""],  # above the set
        ["", "Xã Sơn Hải", "2019S1", "KHONG_CO", "1", ""],  # unknown indicator
        ["", "Xã Sơn Hải", "2019S1", "DLG_HELD", "abc", ""],  # not a number
        ["", "Xã Sơn Hải", "2019S1", "DLG_HELD", "3", ""],
        ["", "Xã Sơn Hải", "2019S1", "DLG_HELD", "4", ""],  # conflicting duplicate
        ["", "Xã Sơn Hải", "2019S1", "DLG_ANSWERED", "9", ""],
        ["", "Xã Sơn Hải", "2019S1", "DLG_OPINIONS", "5", ""],  # answered > opinions
        ["", "Xã Sơn Hải", "2019S1", "CMP_RATE", "12", ""],  # derived, checked
        ["", "", "2019S1", "DLG_HELD", "2", ""],  # no unit
        ["", "Tổng cộng", "2019S1", "DLG_HELD", "99", ""],  # total row
    ],
    "names and blanks": [
        ["", "Hoà Điền", "6 tháng đầu năm 2019", DLG_HELD, "2", "đã họp"],
        ["", "", "", "", "", ""],
        ["", "HON NGHE", "2019S1", "DLG_HELD", "-", ""],
        ["", "xã bình trị", "2019S1", "NTM_LEVEL", "Đạt chuẩn", ""],
        ["", "xã bình trị", "2019S1", "NTM_YEAR", "", ""],
    ],
    "carry and levels": [
        ["30811", "", "2019S1", "CMP_COMPETENT", "10", ""],
        ["30811", "", "2019S1", "CMP_RESOLVED", "8", ""],
        ["30811", "", "2019S2", "CMP_CARRY", "5", ""],  # should be 2
        ["30811", "", "2019S2", "CMP_NEW", "5", ""],
        ["30811", "", "2019S2", "NTM_LEVEL", "1", ""],  # needs a year
        ["30811", "", "2020S1", "NTM_LEVEL", "0", ""],  # a drop without a note
    ],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_column_wise_reads_like_row_by_row(sample_engine, monkeypatch, case):
    data = csv_bytes(CASES[case])
    row_by_row = outcome(sample_engine, data, False, monkeypatch)
    column_wise = outcome(sample_engine, data, True, monkeypatch)
    assert column_wise == row_by_row
    if case == "errors":
        codes = {line.split("|")[1] for line in row_by_row[0]}
        assert {"negative", "not_integer", "unknown_unit", "bad_period", "conflict", "le_rule"} <= codes


UNITS = ["30814", "30811", "99999", "", "Xã Hòn Nghệ", "Hoà Điền", "Xã Không Có", "Tổng cộng", "Phường 1"]
PERIODS = ["2019S1", "2019S2", "6 tháng cuối năm 2019", "quý 3/2019", "2031S1", ""]
INDICATORS = ["DLG_HELD", "DLG_OPINIONS", "DLG_ANSWERED", "NTM_LEVEL", "NTM_YEAR", "CMP_RATE", DLG_HELD, "X", ""]
VALUES = ["0", "2", "1.050", "-1", "2,5", "abc", "", "-", "Đạt chuẩn", "2019", "99999999"]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(UNITS),
            st.sampled_from(PERIODS),
            st.sampled_from(INDICATORS),
            st.sampled_from(VALUES),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_any_mix_of_rows_reads_the_same_both_ways(sample_engine, monkeypatch, rows):
    lines = [[u, "", p, i, v, ""] if u[:1].isdigit() else ["", u, p, i, v, ""] for u, p, i, v in rows]
    data = csv_bytes(lines)
    assert outcome(sample_engine, data, True, monkeypatch) == outcome(sample_engine, data, False, monkeypatch)


def stored(engine) -> tuple[list[tuple], list[tuple]]:
    with engine.connect() as connection:
        values = connection.execute(
            text("SELECT unit_id, period_code, indicator_code, value, note, criteria_set, version FROM data_value")
        ).all()
        audit = connection.execute(
            text("SELECT unit_id, period_code, indicator_code, old_value, new_value, source FROM value_audit")
        ).all()
    return sorted(map(tuple, values), key=repr), sorted(map(tuple, audit), key=repr)


def test_column_wise_writes_the_same_figures_and_audit(engine, tmp_path, monkeypatch):
    """Load, then load a corrected file: inserts, updates and audit equal the row-by-row path's."""
    good = [
        ["30814", "Xã Hòn Nghệ", "2019S1", "DLG_HELD", "2", ""],
        ["30814", "Xã Hòn Nghệ", "2019S1", "DLG_OPINIONS", "1.050", "đã họp"],
        ["", "Xã Bình An", "2019S1", "NTM_LEVEL", "Đạt chuẩn", ""],
        ["", "Xã Bình An", "2019S1", "NTM_YEAR", "2018", ""],
        ["", "Xã Bình An", "2019S1", "NTM_CRITERIA_MET", "19", ""],
    ]
    first = csv_bytes(good)
    second = csv_bytes([*good[:1], ["30814", "Xã Hòn Nghệ", "2019S1", "DLG_OPINIONS", "1.051", "sửa"], *good[2:]])
    results = []
    for threshold in (1 << 60, 0):
        monkeypatch.setattr(bulk, "BULK_MIN_BYTES", threshold)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM value_audit"))
            connection.execute(text("DELETE FROM data_value"))
        reports = [
            load(engine, [Source(name=f"tep{n}.csv", data=data)], user="tester", today=TODAY, area_code="902")
            for n, data in enumerate((first, second, second))
        ]
        assert [f.outcome for r in reports for f in r.files] == ["loaded", "loaded", "unchanged"], [
            str(p) for r in reports for p in r.problems
        ]
        results.append(([(f.inserted, f.updated, f.unchanged) for r in reports for f in r.files], stored(engine)))
    assert results[0] == results[1]
    counts, (_values, audit) = results[1]
    assert counts[1] == (0, 1, 4)
    assert len(audit) == counts[0][0] + 1  # one entry per new value, one for the change


def test_a_ragged_file_falls_back_to_row_by_row(engine, monkeypatch):
    monkeypatch.setattr(bulk, "BULK_MIN_BYTES", 0)
    data = csv_bytes(files.LONG_ROWS) + b"30814,x,2019S1,DLG_HELD,2,,extra,fields\n"
    [item] = prepare(engine, [Source(name="lech.csv", data=data)], today=TODAY)
    assert item.bulk is None
    assert item.report.observations > 0


def test_a_large_insert_rebuilds_the_secondary_indexes(engine, monkeypatch):
    """Past REBUILD_MIN_ROWS new rows into a smaller table, SQLite's secondary indexes are dropped
    and built again in the same transaction: they are all there afterwards, and the figures too."""
    from sqlalchemy import inspect

    from etl import store

    monkeypatch.setattr(store, "REBUILD_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "BULK_MIN_BYTES", 0)
    before = {index["name"] for index in inspect(engine).get_indexes("data_value")}
    report = load(engine, [Source(name="tep.csv", data=csv_bytes(files.LONG_ROWS[:2]))], user="t", today=TODAY)
    assert [f.outcome for f in report.files] == ["loaded"], [str(p) for p in report.problems]
    assert {index["name"] for index in inspect(engine).get_indexes("data_value")} == before
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM data_value")).scalar_one() == 2


# ------------------------------------------------------------------------------------------------
# Rules across the files of one load, whichever of them is large
# ------------------------------------------------------------------------------------------------


def stored_figures(engine, code: str, period: str) -> dict[str, float]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT v.indicator_code, v.value FROM data_value v JOIN unit u ON u.id = v.unit_id "
                "WHERE u.catalog = 'pre2025' AND u.code = :code AND v.period_code = :period"
            ),
            {"code": code, "period": period},
        ).all()
    return {indicator: value for indicator, value in rows}


@pytest.mark.parametrize("large", ["neither", "earlier", "later"])
@pytest.mark.parametrize("carry_follows", [True, False], ids=["carry follows the other file", "carry stale"])
def test_carry_over_is_checked_against_the_other_file_of_the_same_load(
    sample_engine, monkeypatch, large, carry_follows
):
    """One file changes 2019S1's petitions resolved, the other brings 2019S2's carry-over: the
    carry-over is checked against the first file's figures, not the stored ones, whether either
    file is read row by row or column-wise."""
    before = stored_figures(sample_engine, "30814", "2019S1")
    resolved = before["CMP_RESOLVED"] - 1  # one fewer resolved: one more pending
    pending = before["CMP_COMPETENT"] - resolved
    carry = pending if carry_follows else pending - 1  # the stored pending, before this load
    pad = "x" * 400  # a long note makes a file large enough for the column-wise path
    earlier = csv_bytes(
        [["30814", "Xã Hòn Nghệ", "2019S1", "CMP_RESOLVED", f"{resolved:g}", pad if large == "earlier" else ""]]
    )
    later = csv_bytes([["30814", "Xã Hòn Nghệ", "2019S2", "CMP_CARRY", f"{carry:g}", pad if large == "later" else ""]])
    monkeypatch.setattr(bulk, "BULK_MIN_BYTES", 1 << 60 if large == "neither" else 300)
    sources = [Source(name="dau-nam.csv", data=earlier), Source(name="cuoi-nam.csv", data=later)]
    items = prepare(sample_engine, sources, today=TODAY, area_code="902")
    assert [item.bulk is not None for item in items] == [large == "earlier", large == "later"]
    problems = [(p.code, p.location.file) for item in items for p in item.report.problems]
    assert not [p for p in problems if p[0] != "carry_mismatch"], problems
    assert problems == ([] if carry_follows else [("carry_mismatch", "cuoi-nam.csv")])

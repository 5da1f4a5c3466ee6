"""The long layout (and targets): one value per row."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from etl.errors import Location, Severity
from etl.periods import Period
from etl.readers import FileFormat, read_bytes, read_file
from tests.etl import files
from tests.etl.files import DLG_HELD

EXPECTED = [
    # row, indicator, value, unit code, unit name, period, note
    (2, "DLG_HELD", "2", "30814", "Xã Hòn Nghệ", "2019S1", None),
    (3, "DLG_OPINIONS", "1.050", "30814", "Xã Hòn Nghệ", "2019S1", "ghi chú: đã họp"),
    (4, DLG_HELD, None, "30808", "Xã Bình An", "6 tháng đầu năm 2019", None),  # "-": an explicit blank
    (6, "NTM_LEVEL", "Đạt chuẩn", "30808", "Xã Bình An", "2019S1", None),
    (7, "CMP_NEW", None, "30811", "Sơn Hải", "2019S1", None),
]


def rows(table):
    return [(r.location.row, r.indicator, r.value, r.unit_code, r.unit_name, r.period, r.note) for r in table.records]


def test_long_csv(tmp_path: Path) -> None:
    result = read_file(files.long_csv(tmp_path))
    assert result.problems == []
    (table,) = result.tables
    assert table.format is FileFormat.LONG
    assert (table.sheet, table.header_row, table.period) == ("", 1, None)
    assert rows(table) == EXPECTED
    first = table.records[0]
    assert first.location == Location("long.csv", "", 2, "value")
    assert first.unit_location == Location("long.csv", "", 2, "unit_code")
    assert first.period_location == Location("long.csv", "", 2, "period")
    assert table.problems == []


def test_long_total_row(tmp_path: Path) -> None:
    (table,) = read_file(files.long_csv(tmp_path)).tables
    (total,) = table.totals
    assert total.location == Location("long.csv", "", 5, "unit_name")
    assert total.values == {"DLG_HELD": ("5", Location("long.csv", "", 5, "value"))}


def test_targets(tmp_path: Path) -> None:
    path = files.long_csv(
        tmp_path,
        "targets.csv",
        header=["unit_code", "period", "indicator", "target"],
        rows=[["30790", "2019", "NTM_LEVEL", "1"], ["30809", "2019", "NTM_LEVEL", ""]],
    )
    (table,) = read_file(path).tables
    assert table.format is FileFormat.TARGETS
    assert [(r.unit_code, r.indicator, r.value, r.period) for r in table.records] == [
        ("30790", "NTM_LEVEL", "1", "2019"),
        ("30809", "NTM_LEVEL", None, "2019"),
    ]
    assert table.records[0].location.column == "target"


@pytest.mark.parametrize("target_header", ["Chỉ tiêu kế hoạch", "Mục tiêu"])
def test_vietnamese_target_headers(tmp_path: Path, target_header: str) -> None:
    grid = [["Mã đơn vị", "Kỳ", "Chỉ tiêu", target_header], ["30790", "2019", "NTM_LEVEL", 1]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "t.xlsx", grid)).tables
    assert table.format is FileFormat.TARGETS
    assert [(r.unit_code, r.value) for r in table.records] == [("30790", 1)]


def test_vietnamese_headers_in_a_workbook_with_a_title(tmp_path: Path) -> None:
    grid = [
        ["UBND HUYỆN KIÊN LƯƠNG"],
        ["Số liệu 6 tháng đầu năm 2019"],
        [],
        ["STT", "Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Ghi chú"],
        [1, 30814, "Xã Hòn Nghệ", None, "DLG_HELD", 2, None],
        [2, 30814.0, "Xã Hòn Nghệ", "2019S1", "CMP_NEW", None, "chưa báo cáo"],
        [3, None, "Xã Bình An", None, "DLG_HELD", "-", None],
        [],
        [None, "Người lập biểu"],
        [None, "Nguyễn Văn A", None, None, "x", 5],
    ]
    result = read_file(files.grid_xlsx(tmp_path, "dai.xlsx", grid, title="Số liệu"))
    (table,) = result.tables
    assert table.format is FileFormat.LONG
    assert table.period == Period(2019, 1)
    assert [a.name for a in table.areas] == ["KIÊN LƯƠNG"]
    assert table.header_row == 4
    got = [
        (r.location.row, r.location.column, r.unit_code, r.unit_name, r.period, r.value, r.note) for r in table.records
    ]
    assert got == [
        (5, "F", "30814", "Xã Hòn Nghệ", None, 2, None),
        (6, "F", "30814", "Xã Hòn Nghệ", "2019S1", None, "chưa báo cáo"),
        (7, "F", None, "Xã Bình An", None, None, None),
    ]
    assert table.records[2].unit_location == Location("dai.xlsx", "Số liệu", 7, "C")
    assert table.problems == []


@pytest.mark.parametrize("header", ["unit_name", "Đơn vị", "Tên đơn vị"])
def test_unit_name_without_code(tmp_path: Path, header: str) -> None:
    grid = [[header, "period", "indicator", "value"], ["Xã Hòa Điền", "2019S1", "DLG_HELD", 1]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "n.xlsx", grid)).tables
    assert table.format is FileFormat.LONG
    assert [(r.unit_code, r.unit_name) for r in table.records] == [(None, "Xã Hòa Điền")]


def test_rows_missing_unit_or_indicator_are_errors(tmp_path: Path) -> None:
    path = files.long_csv(
        tmp_path,
        rows=[
            ["30814", "X", "2019S1", "", "2", ""],
            ["", "", "2019S1", "DLG_HELD", "3", ""],
            ["", "", "", "", "4", ""],
            ["30814", "X", "2019S1", "DLG_HELD", "5", ""],
        ],
    )
    (table,) = read_file(path).tables
    assert [r.location.row for r in table.records] == [5]
    got = [(p.location.row, p.location.column, p.code, p.severity) for p in table.problems]
    assert got == [
        (2, "indicator", "missing_field", Severity.ERROR),
        (3, "unit_code", "missing_field", Severity.ERROR),
        (4, "indicator", "missing_field", Severity.ERROR),
    ]
    assert "thiếu chỉ tiêu" in table.problems[0].message
    assert "thiếu đơn vị" in table.problems[1].message


def test_many_errors_are_listed_up_to_a_cap(tmp_path: Path) -> None:
    bad = [["30814", "X", "2019S1", "", str(i), ""] for i in range(120)]
    (table,) = read_file(files.long_csv(tmp_path, rows=bad)).tables
    assert len(table.problems) == 51
    assert "còn 70 trường hợp tương tự" in table.problems[-1].message
    assert table.problems[-1].is_error


def test_merged_unit_cells_fill_down(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    files.put(ws, 1, ["Đơn vị", "Kỳ", "Chỉ tiêu", "Số liệu"])
    files.put(ws, 2, ["Xã Bình An", "2019S1", "DLG_HELD", 1])
    files.put(ws, 3, [None, None, "DLG_OPINIONS", 4])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    (table,) = read_file(files.save(wb, tmp_path, "g.xlsx")).tables
    assert [(r.unit_name, r.period, r.indicator, r.value) for r in table.records] == [
        ("Xã Bình An", "2019S1", "DLG_HELD", 1),
        ("Xã Bình An", "2019S1", "DLG_OPINIONS", 4),
    ]
    assert table.problems == []


def test_blank_rows_inside_a_long_csv_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("unit_code,period,indicator,value\n30814,2019S1,DLG_HELD,1\n,,,\n\n30808,2019S1,DLG_HELD,2\n")
    (table,) = read_file(path).tables
    assert [(r.location.row, r.unit_code) for r in table.records] == [(2, "30814"), (5, "30808")]


def test_large_long_csv_streams(tmp_path: Path) -> None:
    lines = ["unit_code,unit_name,period,indicator,value,note"]
    lines += [f"{10000 + i % 500},Xã {i % 500},2019S1,DLG_HELD,{i % 7}," for i in range(60_000)]
    start = time.perf_counter()
    result = read_bytes("\n".join(lines).encode(), "big.csv")
    elapsed = time.perf_counter() - start
    assert result.records == 60_000
    last = result.tables[0].records[-1]
    assert (last.location.row, last.unit_code, last.value) == (60_001, "10499", str(59_999 % 7))
    # Repeated texts are shared, not copied row by row.
    records = result.tables[0].records
    assert records[0].period is records[-1].period
    assert elapsed < 15


def test_only_blanks_and_dashes_are_not_reported(tmp_path: Path) -> None:
    """Other marks ("x", "…", words) go to the resolver as written; it decides what they mean."""
    values = ["", " ", "-", "–", "x", "…", "không"]
    path = files.long_csv(tmp_path, rows=[["30814", "", "2019S1", "DLG_HELD", v, ""] for v in values])
    (table,) = read_file(path).tables
    assert [r.value for r in table.records] == [None, None, None, None, "x", "…", "không"]

"""Wide (district/province) sheets: one row per unit, one column per indicator."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from etl.errors import Location, Severity
from etl.periods import Period
from etl.readers import AreaHint, FileFormat, read_file
from tests.etl import files
from tests.etl.files import CMP_COMPETENT, CMP_RATE, DLG_ANSWERED, DLG_HELD, DLG_OPINIONS, NTM_LEVEL


def cells(table):
    """(row, column, indicator, value, unit code, unit name) of each record."""
    return [(r.location.row, r.location.column, r.indicator, r.value, r.unit_code, r.unit_name) for r in table.records]


@pytest.fixture
def district(tmp_path: Path):
    result = read_file(files.messy_district_xlsx(tmp_path))
    assert result.problems == []
    assert len(result.tables) == 1
    return result.tables[0]


def test_messy_district_sheet_context(district) -> None:
    file = "kien_luong_2018S2.xlsx"
    assert district.format is FileFormat.WIDE
    assert (district.file, district.sheet) == (file, "Báo cáo")
    assert district.header_row == 7
    assert district.period == Period(2018, 2)
    assert district.period_location == Location(file, "Báo cáo", 5, "A")
    # The motto "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" names no area and no unit.
    assert district.areas == [AreaHint("huyện", "KIÊN LƯƠNG", Location(file, "Báo cáo", 1, "A"))]
    assert district.unit_name is None


def test_messy_district_sheet_records(district) -> None:
    assert cells(district) == [
        (9, "D", DLG_HELD, 2, "30808", "Xã Bình An"),
        (9, "E", DLG_OPINIONS, 15, "30808", "Xã Bình An"),
        (9, "F", DLG_ANSWERED, 15, "30808", "Xã Bình An"),
        (9, "G", "CMP_NEW", 3, "30808", "Xã Bình An"),
        (9, "H", CMP_COMPETENT, 3, "30808", "Xã Bình An"),
        (9, "I", "Số đơn đã giải quyết", 2, "30808", "Xã Bình An"),
        (9, "J", CMP_RATE, "66,7", "30808", "Xã Bình An"),
        (9, "M", NTM_LEVEL, "Đạt chuẩn", "30808", "Xã Bình An"),
        (10, "D", DLG_HELD, "7", "30787", "TT. Kiên Lương"),
        (10, "E", DLG_OPINIONS, "1.050", "30787", "TT. Kiên Lương"),
        (10, "F", DLG_ANSWERED, 1000, "30787", "TT. Kiên Lương"),
        (10, "G", "CMP_NEW", 0, "30787", "TT. Kiên Lương"),
        (12, "D", DLG_HELD, 1, None, "Hòa Điền"),
        (12, "G", "CMP_NEW", 5, None, "Hòa Điền"),
        (12, "H", CMP_COMPETENT, 5, None, "Hòa Điền"),
        (12, "I", "Số đơn đã giải quyết", 5, None, "Hòa Điền"),
        (12, "J", CMP_RATE, 100, None, "Hòa Điền"),
        (12, "M", NTM_LEVEL, "Nâng cao", None, "Hòa Điền"),
        (13, "D", DLG_HELD, 0, None, "Xã Kiên Bình"),
        (13, "E", DLG_OPINIONS, 0, None, "Xã Kiên Bình"),
        (13, "F", DLG_ANSWERED, 0, None, "Xã Kiên Bình"),
    ]


def test_record_details(district) -> None:
    first = district.records[0]
    assert first.location == Location("kien_luong_2018S2.xlsx", "Báo cáo", 9, "D")
    assert first.unit_location == Location("kien_luong_2018S2.xlsx", "Báo cáo", 9, "B")
    assert first.period is None and first.period_location is None  # the title's period applies
    note = district.records[8]
    assert note.location.row == 10 and note.note == "thị trấn"


def test_headers_match_catalog_codes(district) -> None:
    from etl.indicators import indicator_catalog

    codes = {indicator_catalog().match(r.indicator) for r in district.records}
    assert codes == {
        "DLG_HELD",
        "DLG_OPINIONS",
        "DLG_ANSWERED",
        "CMP_NEW",
        "CMP_COMPETENT",
        "CMP_RESOLVED",
        "CMP_RATE",
        "NTM_LEVEL",
    }


def test_total_row_is_not_a_unit(district) -> None:
    assert [r.unit_name for r in district.records if r.location.row == 14] == []
    assert len(district.totals) == 1
    total = district.totals[0]
    assert total.location == Location("kien_luong_2018S2.xlsx", "Báo cáo", 14, "A")
    assert total.values[DLG_HELD] == (10, Location("kien_luong_2018S2.xlsx", "Báo cáo", 14, "D"))
    assert total.values["Số đơn đã giải quyết"][0] == 7
    assert len(total.values) == 6


def test_unknown_column_is_a_warning(district) -> None:
    (problem,) = district.problems
    assert problem.severity is Severity.WARNING
    assert problem.code == "unknown_column"
    assert "cột K ('Số cuộc họp') không phải chỉ tiêu trong danh mục, bỏ qua" in problem.message
    assert problem.location == Location("kien_luong_2018S2.xlsx", "Báo cáo", 7, "K")


def test_unknown_column_suggests_a_code(tmp_path: Path) -> None:
    path = files.grid_xlsx(tmp_path, "s.xlsx", [["Đơn vị", "DLG_HELD", "DLG_HELT"], ["Xã Bình An", 1, 2]])
    (table,) = read_file(path).tables
    (problem,) = table.problems
    assert "'DLG_HELT'" in problem.message and "Có phải là: DLG_HELD" in problem.message
    assert [r.indicator for r in table.records] == ["DLG_HELD"]


def test_rate_column_marked_percent_is_not_the_count(tmp_path: Path) -> None:
    rows = [["Đơn vị", "Số đơn đã giải quyết", "Số đơn đã giải quyết (%)"], ["Xã Bình An", 3, 75]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "p.xlsx", rows)).tables
    assert [(r.location.column, r.value) for r in table.records] == [("B", 3)]
    assert [p.location.column for p in table.problems] == ["C"]


def test_province_sheet_with_district_groups_and_period_column(tmp_path: Path) -> None:
    (table,) = read_file(files.province_xlsx(tmp_path)).tables
    assert table.format is FileFormat.WIDE
    assert table.period is None  # only the period column gives one
    assert [a.kind for a in table.areas] == ["tỉnh"] and table.areas[0].name == "KIÊN GIANG"
    got = [(r.location.row, r.indicator, r.value, r.unit_code, r.period, r.area.name) for r in table.records]
    assert got == [
        (5, "DLG_HELD", 1, "30808", "2019S1", "Kiên Lương"),
        (5, "DLG_OPINIONS", 2, "30808", "2019S1", "Kiên Lương"),
        (6, "DLG_HELD", 3, "30811", "6 tháng đầu năm 2019", "Kiên Lương"),
        (6, "DLG_OPINIONS", 4, "30811", "6 tháng đầu năm 2019", "Kiên Lương"),
        (9, "DLG_HELD", 5, "30781", "2019S1", "Hà Tiên"),
    ]
    assert table.records[0].period_location == Location("tinh.xlsx", "Sheet", 5, "D")
    assert table.records[-1].area == AreaHint("thành phố", "Hà Tiên", Location("tinh.xlsx", "Sheet", 8, "B"))
    (total,) = table.totals
    assert total.location.row == 7 and total.values["DLG_HELD"][0] == 4


def test_title_period_and_period_column_are_both_kept(tmp_path: Path) -> None:
    rows = [["Kỳ báo cáo: 6 tháng đầu năm 2019"], ["Đơn vị", "Kỳ", "DLG_HELD"], ["Xã Bình An", "2019S2", 1]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "k.xlsx", rows)).tables
    assert table.period == Period(2019, 1)
    assert table.records[0].period == "2019S2"  # the resolver flags the contradiction


def test_period_in_the_cell_after_its_label(tmp_path: Path) -> None:
    rows = [["Kỳ báo cáo:", "2019S2"], [], ["Đơn vị", "DLG_HELD"], ["Xã Bình An", 1]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "k.xlsx", rows)).tables
    assert table.period == Period(2019, 2)
    assert table.period_location == Location("k.xlsx", "Sheet", 1, "B")


def test_sheet_names_give_the_period(tmp_path: Path) -> None:
    result = read_file(files.two_period_sheets_xlsx(tmp_path))
    assert [(t.sheet, t.period) for t in result.tables] == [
        ("6 tháng đầu năm 2019", Period(2019, 1)),
        ("2019S2", Period(2019, 2)),
    ]
    assert result.tables[0].period_location == Location("hai_ky.xlsx", "6 tháng đầu năm 2019")
    assert [(r.unit_name, r.indicator, r.value) for r in result.tables[1].records] == [
        ("Xã Bình An", "DLG_HELD", 3),
        ("Xã Bình An", "CMP_NEW", 4),
        ("Xã Sơn Hải", "DLG_HELD", 5),
    ]
    (hidden,) = result.problems
    assert hidden.code == "hidden_sheet" and hidden.severity is Severity.WARNING
    assert "'Danh mục'" in hidden.message and "bị ẩn" in hidden.message


def test_title_period_wins_over_sheet_name(tmp_path: Path) -> None:
    rows = [["6 THÁNG CUỐI NĂM 2018"], ["Đơn vị", "DLG_HELD"], ["Xã Bình An", 1]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "t.xlsx", rows, title="2019S1")).tables
    assert table.period == Period(2018, 2)


def test_merged_value_cells_are_an_error(tmp_path: Path) -> None:
    (table,) = read_file(files.merged_data_xlsx(tmp_path)).tables
    (problem,) = table.problems
    assert problem.severity is Severity.ERROR and problem.code == "merged_data"
    assert "ô gộp trong vùng số liệu" in problem.message and "D3:E3" in problem.message
    assert problem.location == Location("merged.xlsx", "Sheet", 3, "D")


def test_formula_without_cached_value(tmp_path: Path) -> None:
    (table,) = read_file(files.formula_xlsx(tmp_path)).tables
    errors = [p for p in table.problems if p.is_error]
    assert [(p.location.row, p.location.column) for p in errors] == [(3, "D")]
    assert "ô có công thức nhưng không có giá trị đã tính" in errors[0].message
    assert "lưu lại rồi tải lên" in errors[0].message
    # The total row's formulas only lose the check of the totals: a warning.
    warnings = [(p.location.row, p.location.column) for p in table.problems if not p.is_error]
    assert warnings == [(5, "C"), (5, "D")]
    assert [(r.location.row, r.location.column) for r in table.records] == [(3, "C"), (4, "C"), (4, "D")]


def test_row_with_figures_but_no_unit_is_an_error(tmp_path: Path) -> None:
    rows = [["STT", "Đơn vị", "DLG_HELD"], [1, "Xã Bình An", 1], [2, None, 4]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "u.xlsx", rows)).tables
    (problem,) = table.problems
    assert problem.is_error and problem.code == "missing_unit"
    assert problem.location == Location("u.xlsx", "Sheet", 3, "B")


def test_unit_code_column_alone(tmp_path: Path) -> None:
    rows = [["Mã ĐVHC", "dlg held", "so cuoc doi thoai giua chinh quyen voi nhan dan"], [30814, 1, 2]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "c.xlsx", rows)).tables
    assert [(r.unit_code, r.unit_name, r.indicator) for r in table.records] == [
        ("30814", None, "dlg held"),
        ("30814", None, "so cuoc doi thoai giua chinh quyen voi nhan dan"),
    ]
    (duplicate,) = table.problems
    assert duplicate.code == "duplicate_column" and "DLG_HELD" in duplicate.message


@pytest.mark.parametrize(
    "header", ["Đơn vị", "Tên đơn vị", "Xã, thị trấn", "Xã, phường", "Địa phương", "ĐƠN VỊ HÀNH CHÍNH"]
)
def test_unit_column_headers(tmp_path: Path, header: str) -> None:
    rows = [[header, "DLG_HELD"], ["Xã Bình An", 1]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "h.xlsx", rows)).tables
    assert [(r.unit_name, r.value) for r in table.records] == [("Xã Bình An", 1)]


def test_sheet_with_indicators_but_no_unit_column(tmp_path: Path) -> None:
    result = read_file(files.grid_xlsx(tmp_path, "n.xlsx", [["Tên", "DLG_HELD"], ["A", 1]]))
    assert len(result.tables) == 1  # "Tên" is read as the unit name
    result = read_file(files.grid_xlsx(tmp_path, "m.xlsx", [["Ghi chú", "DLG_HELD", "CMP_NEW"], ["x", 1, 2]]))
    assert result.tables == []
    (problem,) = result.problems
    assert problem.code == "no_table" and "thiếu cột đơn vị" in problem.message


def test_blank_row_then_note_ends_the_table(tmp_path: Path) -> None:
    rows = [
        ["Đơn vị", "DLG_HELD"],
        ["Xã Bình An", 1],
        [],
        ["Ghi chú: số liệu tạm tính"],
        ["Xã Sơn Hải", 7],  # under the note: not part of the table
    ]
    (table,) = read_file(files.grid_xlsx(tmp_path, "b.xlsx", rows)).tables
    assert [r.unit_name for r in table.records] == ["Xã Bình An"]


def test_unit_without_figures_after_blank_row_does_not_end_the_table(tmp_path: Path) -> None:
    rows = [["Đơn vị", "DLG_HELD"], ["Xã Bình An", 1], [], ["Xã Hòa Điền"], ["Xã Sơn Hải", 7]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "b.xlsx", rows)).tables
    assert [r.unit_name for r in table.records] == ["Xã Bình An", "Xã Sơn Hải"]


def test_wide_csv_locations_name_the_header(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(files.csv_text([["STT", "Đơn vị", DLG_HELD], ["(1)", "(2)", "(3)"], [1, "Xã Bình An", "3"]]))
    (table,) = read_file(path).tables
    (record,) = table.records
    assert record.location == Location("w.csv", "", 3, DLG_HELD)
    assert record.unit_location == Location("w.csv", "", 3, "Đơn vị")


def test_area_column(tmp_path: Path) -> None:
    rows = [["Huyện", "Xã", "DLG_HELD"], ["Kiên Lương", "Bình An", 1], ["Huyện Giang Thành", "Phú Mỹ", 2]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "a.xlsx", rows)).tables
    assert [(r.unit_name, r.area.kind, r.area.name) for r in table.records] == [
        ("Bình An", "huyện", "Kiên Lương"),
        ("Phú Mỹ", "huyện", "Giang Thành"),
    ]


def test_district_column_is_the_unit_when_alone(tmp_path: Path) -> None:
    rows = [["Huyện, thị xã, thành phố", "DLG_HELD"], ["Kiên Lương", 4]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "d.xlsx", rows)).tables
    assert [(r.unit_name, r.value) for r in table.records] == [("Kiên Lương", 4)]


def test_merged_unit_cells_fill_down(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    files.put(ws, 1, ["Đơn vị", "Kỳ", "DLG_HELD"])
    files.put(ws, 2, ["Xã Bình An", "2019S1", 1])
    files.put(ws, 3, [None, "2019S2", 2])
    ws.merge_cells("A2:A3")
    (table,) = read_file(files.save(wb, tmp_path, "m.xlsx")).tables
    assert [(r.unit_name, r.period, r.value) for r in table.records] == [
        ("Xã Bình An", "2019S1", 1),
        ("Xã Bình An", "2019S2", 2),
    ]
    assert table.problems == []


def test_blank_and_dash_cells_emit_nothing_other_marks_go_on(tmp_path: Path) -> None:
    rows = [["Đơn vị", "DLG_HELD", "DLG_OPINIONS", "DLG_ANSWERED", "CMP_NEW"], ["Xã Bình An", "-", " ", "x", 0]]
    (table,) = read_file(files.grid_xlsx(tmp_path, "x.xlsx", rows)).tables
    assert [(r.indicator, r.value) for r in table.records] == [("DLG_ANSWERED", "x"), ("CMP_NEW", 0)]

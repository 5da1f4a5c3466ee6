"""The commune form: one unit and one period, one row per indicator."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import Location, Severity
from etl.periods import Period
from etl.readers import AreaHint, FileFormat, read_file
from tests.etl import files
from tests.etl.files import CMP_CARRY, DLG_HELD, DLG_OPINIONS, NTM_LEVEL, NTM_YEAR

FILE = "hon_nghe.xlsx"
SHEET = "Biểu mẫu"


@pytest.fixture
def form(tmp_path: Path):
    result = read_file(files.commune_form_xlsx(tmp_path))
    assert result.problems == []
    (table,) = result.tables
    return table


def test_form_context(form) -> None:
    assert form.format is FileFormat.FORM
    assert form.header_row == 7
    assert form.unit_name == "Xã Hòn Nghệ"
    assert form.unit_location == Location(FILE, SHEET, 5, "A")
    assert form.areas == [AreaHint("huyện", "Kiên Lương", Location(FILE, SHEET, 5, "A"))]
    assert form.period == Period(2019, 1)
    assert form.period_location == Location(FILE, SHEET, 4, "A")


def test_form_records(form) -> None:
    got = [(r.location.row, r.location.column, r.indicator, r.value) for r in form.records]
    assert got == [
        (9, "D", DLG_HELD, 2),
        (10, "D", DLG_OPINIONS, "15"),
        (13, "D", CMP_CARRY, 0),  # zero is a figure, not "not reported"
        (17, "D", NTM_LEVEL, "Nâng cao"),
        (18, "D", NTM_YEAR, 2018),  # "- Năm đạt chuẩn nông thôn mới (năm)"
    ]
    for record in form.records:
        assert record.unit_name == "Xã Hòn Nghệ"
        assert record.unit_location == Location(FILE, SHEET, 5, "A")
        assert record.period is None  # the form's period applies
        assert record.unit_code is None


def test_blank_and_dash_values_are_not_reported(form) -> None:
    rows = {r.location.row for r in form.records}
    assert 11 not in rows  # blank (with a note)
    assert 15 not in rows  # "-"


def test_unknown_label_with_a_value_is_a_warning_and_not_read(form) -> None:
    (problem,) = form.problems
    assert problem.severity is Severity.WARNING
    assert problem.code == "unknown_indicator"
    assert problem.location == Location(FILE, SHEET, 14, "B")
    assert "'Số đơn khiếu nại tố cáo mới' không phải chỉ tiêu trong danh mục" in problem.message
    assert "Có phải là: CMP_NEW" in problem.message
    assert 14 not in {r.location.row for r in form.records}


def test_section_rows_and_signature_raise_nothing(form) -> None:
    assert all(p.location.row not in (8, 12, 16, 20, 21) for p in form.problems)


def test_ubnd_heading_names_the_unit_when_there_is_no_unit_line(tmp_path: Path) -> None:
    (table,) = read_file(files.commune_form_xlsx(tmp_path, unit_line=False)).tables
    assert table.unit_name == "XÃ HÒN NGHỆ"
    assert table.unit_location == Location(FILE, SHEET, 1, "A")
    assert table.areas == []
    assert {r.unit_name for r in table.records} == {"XÃ HÒN NGHỆ"}


def test_national_motto_is_not_a_unit(tmp_path: Path) -> None:
    rows = [
        [None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["6 tháng đầu năm 2019"],
        ["STT", "Nội dung", "ĐVT", "Kết quả"],
        [1, DLG_HELD, "cuộc", 1],
    ]
    (table,) = read_file(files.grid_xlsx(tmp_path, "f.xlsx", rows)).tables
    assert table.format is FileFormat.FORM
    assert table.unit_name is None
    assert [r.value for r in table.records] == [1]
    (problem,) = table.problems
    assert problem.code == "missing_unit" and problem.severity is Severity.WARNING
    assert "Đơn vị: Xã Hòn Nghệ" in problem.message


@pytest.mark.parametrize(
    ("label_header", "value_header", "unit_header"),
    [
        ("Chỉ tiêu", "Số liệu", "Đơn vị tính"),
        ("Nội dung", "Kết quả", "ĐVT"),
        ("NỘI DUNG", "Giá trị", "Đơn vị"),  # "Đơn vị" in a form is the unit of measure
    ],
)
def test_form_header_variants(tmp_path: Path, label_header: str, value_header: str, unit_header: str) -> None:
    rows = [
        ["Đơn vị: Phường Tô Châu"],
        ["Năm 2025"],
        ["STT", label_header, unit_header, value_header, "Ghi chú"],
        [1, "dlg_held", "cuộc", 3, "họp 3 lần"],
    ]
    (table,) = read_file(files.grid_xlsx(tmp_path, "v.xlsx", rows)).tables
    assert table.format is FileFormat.FORM
    assert (table.unit_name, table.period) == ("Phường Tô Châu", Period(2025, 0))
    (record,) = table.records
    assert (record.indicator, record.value, record.note) == ("dlg_held", 3, "họp 3 lần")
    assert record.location == Location("v.xlsx", "Sheet", 4, "D")


def test_form_with_an_indicator_code_column(tmp_path: Path) -> None:
    rows = [
        ["Đơn vị:", "Xã Sơn Hải"],
        ["Kỳ báo cáo: 2019S2"],
        ["STT", "Mã", "Chỉ tiêu", "Số liệu"],
        [1, "DLG_HELD", "Số cuộc đối thoại", 2],
        [2, None, DLG_OPINIONS, 5],
    ]
    (table,) = read_file(files.grid_xlsx(tmp_path, "m.xlsx", rows)).tables
    assert table.format is FileFormat.FORM
    assert table.unit_name == "Xã Sơn Hải"
    assert table.unit_location == Location("m.xlsx", "Sheet", 1, "A")
    assert table.period == Period(2019, 2)
    assert [(r.indicator, r.value) for r in table.records] == [("DLG_HELD", 2), (DLG_OPINIONS, 5)]


def test_numbered_labels_and_column_numbers(tmp_path: Path) -> None:
    rows = [
        ["UBND THỊ TRẤN KIÊN LƯƠNG"],
        ["BÁO CÁO 6 THÁNG NĂM 2019"],
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"],
        [1, 2, 3, 4],
        ["I", "I. ĐỐI THOẠI VỚI NHÂN DÂN"],
        ["1", f"1. {DLG_HELD}", "cuộc", " 1 "],
        ["a", f"a) {DLG_OPINIONS} (ý kiến)", "ý kiến", "12"],
    ]
    (table,) = read_file(files.grid_xlsx(tmp_path, "n.xlsx", rows)).tables
    assert table.unit_name == "THỊ TRẤN KIÊN LƯƠNG"
    assert table.period == Period(2019, 1)  # "6 tháng năm 2019" is the first half
    assert [(r.location.row, r.indicator, r.value) for r in table.records] == [
        (6, DLG_HELD, "1"),
        (7, DLG_OPINIONS, "12"),
    ]
    assert table.problems == []


def test_form_csv(tmp_path: Path) -> None:
    path = tmp_path / "form.csv"
    text = files.csv_text(
        [
            ["Đơn vị: Xã Bình Trị, huyện Kiên Lương, tỉnh Kiên Giang"],
            ["Kỳ báo cáo: 6 tháng cuối năm 2019"],
            ["STT", "Chỉ tiêu", "Số liệu"],
            ["1", "NTM_LEVEL", "Đạt chuẩn"],
        ],
        delimiter=";",
    )
    path.write_bytes(files.to_cp1258(text))
    (table,) = read_file(path).tables
    assert table.unit_name == "Xã Bình Trị"
    assert [(a.kind, a.name) for a in table.areas] == [("tỉnh", "Kiên Giang"), ("huyện", "Kiên Lương")]
    assert table.period == Period(2019, 2)
    (record,) = table.records
    assert record.location == Location("form.csv", "", 4, "Số liệu")
    assert record.value == "Đạt chuẩn"

"""Files as a whole: types, broken files, encodings, delimiters, detection, sheets."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from etl.errors import Location, Severity, UnreadableFile
from etl.periods import Period
from etl.readers import FileFormat, read_bytes, read_file
from etl.readers.context import find_areas, is_signature, is_total_label, title_period
from etl.readers.header import Role, role_of
from tests.etl import files


def unreadable(path_or_bytes: Path | bytes, name: str = "") -> str:
    with pytest.raises(UnreadableFile) as caught:
        if isinstance(path_or_bytes, Path):
            read_file(path_or_bytes)
        else:
            read_bytes(path_or_bytes, name)
    return caught.value.message


# ---------------------------------------------------------------------------------------------
# Files that cannot be read
# ---------------------------------------------------------------------------------------------


def test_unknown_extension() -> None:
    message = unreadable(b"abc", "bao-cao.docx")
    assert "không nhận dạng được loại tệp .docx" in message and ".xlsx" in message and ".csv" in message
    assert "(không có đuôi)" in unreadable(b"abc", "bao-cao")


@pytest.mark.parametrize("name", ["e.csv", "e.xlsx", "e.txt"])
def test_empty_file(name: str) -> None:
    assert "tệp rỗng" in unreadable(b"", name)
    assert "tệp rỗng" in unreadable(b"  \r\n", name)
    assert "tệp rỗng" in unreadable(b"\xef\xbb\xbf\r\n", name)  # only a byte-order mark


def test_text_renamed_xlsx() -> None:
    message = unreadable(b"unit_code,value\n30814,2\n", "so-lieu.xlsx")
    assert "không phải bảng tính Excel" in message and "đổi đuôi" in message


def test_html_renamed_xls() -> None:
    message = unreadable(b"<html><body><table><tr><td>1</td></tr></table></body></html>", "xuat.xls")
    assert "trang web (HTML/XML)" in message and ".xlsx" in message


def test_binary_renamed_xlsx() -> None:
    assert "không phải bảng tính Excel" in unreadable(bytes(range(256)), "x.xlsx")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "nen.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "tệp nén (zip) nhưng không phải bảng tính" in unreadable(path)


def test_truncated_xlsx(tmp_path: Path) -> None:
    message = unreadable(files.truncated_xlsx(tmp_path))
    assert "bị hỏng hoặc không đầy đủ" in message


def test_password_protected_workbook(tmp_path: Path) -> None:
    message = unreadable(files.ole2_file(tmp_path, encrypted=True))
    assert "đặt mật khẩu" in message and "lưu lại dạng .xlsx" in message


def test_old_xls_saved_as_xlsx(tmp_path: Path) -> None:
    message = unreadable(files.ole2_file(tmp_path, "cu.xlsx", encrypted=False))
    assert "Excel cũ (.xls" in message and ".xlsx" in message


def test_unidentified_compound_file() -> None:
    message = unreadable(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "x.xlsx")
    assert "mật khẩu" in message and ".xls" in message


def test_old_xls() -> None:
    message = unreadable(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "cu.xls")
    assert "Excel cũ (.xls" in message


def test_ole2_saved_as_csv() -> None:
    assert ".xls" in unreadable(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "x.csv")


def test_csv_in_a_legacy_vietnamese_encoding() -> None:
    # "Xã Bình An" in TCVN3 (ABC): bytes that are neither UTF-8 nor Vietnamese Windows-1258 text.
    tcvn3 = b"unit_name,value\nX\xb8 B\xd7nh An,1\n\xae\xa6n v\xdc,2\n"
    message = unreadable(tcvn3, "tcvn3.csv")
    assert "không phải mã UTF-8 cũng không phải Windows-1258" in message and "TCVN3" in message


def test_binary_csv() -> None:
    assert "nhị phân" in unreadable(b"unit\x00code,\x01\x02", "x.csv")


def test_missing_file(tmp_path: Path) -> None:
    assert "không tìm thấy tệp" in unreadable(tmp_path / "khong-co.xlsx")
    with pytest.raises(UnreadableFile):
        read_file(tmp_path)


# ---------------------------------------------------------------------------------------------
# Encodings and delimiters
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258", "utf-16"])
def test_long_csv_encodings(tmp_path: Path, encoding: str) -> None:
    result = read_file(files.long_csv(tmp_path, encoding=encoding))
    assert result.problems == []
    (table,) = result.tables
    assert table.format is FileFormat.LONG
    assert [r.unit_name for r in table.records] == [
        "Xã Hòn Nghệ",
        "Xã Hòn Nghệ",
        "Xã Bình An",
        "Xã Bình An",
        "Sơn Hải",
    ]
    assert table.records[2].indicator == files.DLG_HELD  # NFC even from combining tone marks
    assert table.records[3].value == "Đạt chuẩn"
    assert table.records[0].location == Location("long.csv", "", 2, "value")


def test_cp1258_bytes_hold_combining_marks(tmp_path: Path) -> None:
    data = files.long_csv(tmp_path, encoding="cp1258").read_bytes()
    assert "Nghệ".encode() not in data
    assert b"Ngh\xea\xf2" in data  # ê + combining dot below


@pytest.mark.parametrize(("delimiter", "name"), [(",", "c.csv"), (";", "s.csv"), ("\t", "t.txt")])
def test_delimiters(tmp_path: Path, delimiter: str, name: str) -> None:
    (table,) = read_file(files.long_csv(tmp_path, name, delimiter=delimiter)).tables
    assert [r.value for r in table.records][:2] == ["2", "1.050"]


def test_semicolon_csv_with_decimal_commas() -> None:
    data = "Đơn vị;DLG_HELD;CMP_RATE\nXã Bình An;2;66,7\nXã Sơn Hải;3;12,5\n".encode()
    (table,) = read_bytes(data, "vn.csv").tables
    assert [(r.unit_name, r.value) for r in table.records] == [
        ("Xã Bình An", "2"),
        ("Xã Bình An", "66,7"),
        ("Xã Sơn Hải", "3"),
        ("Xã Sơn Hải", "12,5"),
    ]


def test_unterminated_quote_is_unreadable() -> None:
    data = b'unit_code,period,indicator,value\n30814,2019S1,DLG_HELD,"1\n' + b"x" * 140_000
    assert "không đọc tiếp được tệp CSV" in unreadable(data, "q.csv")


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


def test_sha256_and_display_name(tmp_path: Path) -> None:
    path = files.long_csv(tmp_path)
    data = path.read_bytes()
    result = read_file(path, display_name="Báo cáo xã.csv")
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.file == "Báo cáo xã.csv"
    assert result.tables[0].records[0].location.file == "Báo cáo xã.csv"
    uploaded = read_bytes(data, "Báo cáo xã.csv")
    assert uploaded.sha256 == result.sha256
    assert uploaded.tables[0].records == result.tables[0].records
    assert result.records == 5


def test_workbook_saved_with_a_csv_name_is_read_as_workbook() -> None:
    data = files.xlsx_bytes([["Đơn vị", "DLG_HELD"], ["Xã Bình An", 1]])
    result = read_bytes(data, "nham.csv")
    assert [r.value for r in result.tables[0].records] == [1]
    (warning,) = result.problems
    assert warning.severity is Severity.WARNING and warning.code == "wrong_extension"


def test_xlsx_named_xls_is_read() -> None:
    data = files.xlsx_bytes([["Đơn vị", "DLG_HELD"], ["Xã Bình An", 1]])
    assert read_bytes(data, "that-ra-la-xlsx.xls").records == 1


def test_xlsm_is_accepted() -> None:
    data = files.xlsx_bytes([["Đơn vị", "DLG_HELD"], ["Xã Bình An", 1]])
    assert read_bytes(data, "macro.xlsm").records == 1


def test_no_table_anywhere_is_one_error_that_says_what_we_expect(tmp_path: Path) -> None:
    result = read_file(files.grid_xlsx(tmp_path, "thu.xlsx", [["Kính gửi: UBND huyện"], ["Nội dung thư"]]))
    assert result.tables == []
    (problem,) = result.problems
    assert problem.is_error and problem.code == "no_table"
    assert "không tìm thấy bảng số liệu nào" in problem.message
    for expected in ("unit_code", "Đơn vị", "DLG_HELD", "STT | Chỉ tiêu | Đơn vị tính | Số liệu", "DHIS2"):
        assert expected in problem.message
    assert problem.location == Location("thu.xlsx")


def test_csv_without_a_table() -> None:
    result = read_bytes("chỉ là một dòng chữ\n".encode(), "x.csv")
    assert [p.code for p in result.problems] == ["no_table"]


def test_header_only_file(tmp_path: Path) -> None:
    result = read_file(files.header_only_xlsx(tmp_path))
    (table,) = result.tables
    assert table.records == [] and table.format is FileFormat.LONG
    (warning,) = table.problems
    assert warning.code == "empty_table" and warning.severity is Severity.WARNING
    header_only_csv = read_bytes(b"unit_code,period,indicator,value\r\n", "h.csv")
    assert [p.code for p in header_only_csv.tables[0].problems] == ["empty_table"]


def test_sheets_without_a_table_are_skipped_silently(tmp_path: Path) -> None:
    result = read_file(files.two_period_sheets_xlsx(tmp_path))
    assert [t.sheet for t in result.tables] == ["6 tháng đầu năm 2019", "2019S2"]
    assert [p.code for p in result.problems] == ["hidden_sheet"]


def test_each_sheet_gets_its_format(tmp_path: Path) -> None:
    wb = Workbook()
    wide = wb.active
    wide.title = "Tổng hợp"
    files.put(wide, 1, ["Đơn vị", "DLG_HELD"])
    files.put(wide, 2, ["Xã Bình An", 1])
    form = wb.create_sheet("Xã Sơn Hải")
    files.put(form, 1, ["Đơn vị: Xã Sơn Hải"])
    files.put(form, 2, ["STT", "Chỉ tiêu", "Số liệu"])
    files.put(form, 3, [1, "DLG_HELD", 4])
    long = wb.create_sheet("Dài")
    files.put(long, 1, ["unit_code", "period", "indicator", "value"])
    files.put(long, 2, ["30811", "2019S1", "DLG_HELD", 4])
    result = read_file(files.save(wb, tmp_path, "nhieu.xlsx"))
    assert [(t.sheet, t.format) for t in result.tables] == [
        ("Tổng hợp", FileFormat.WIDE),
        ("Xã Sơn Hải", FileFormat.FORM),
        ("Dài", FileFormat.LONG),
    ]


def test_far_away_cell_does_not_make_a_million_rows(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    files.put(ws, 1, ["Đơn vị", "DLG_HELD"])
    files.put(ws, 2, ["Xã Bình An", 1])
    ws.cell(row=1_048_576, column=2, value=7)
    ws.cell(row=500_000, column=30).number_format = "0.00"  # a formatted empty cell
    path = files.save(wb, tmp_path, "xa.xlsx")
    start = time.perf_counter()
    (table,) = read_file(path).tables
    assert time.perf_counter() - start < 5
    assert [r.value for r in table.records] == [1]
    (warning,) = table.problems
    assert warning.code == "far_content" and warning.severity is Severity.WARNING
    assert warning.location == Location("xa.xlsx", "Sheet", 1_048_576, "")


def test_only_project_errors_leave_the_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug inside a sheet reader becomes a located problem, not a traceback."""
    import etl.readers as readers

    def broken(sheet):
        raise KeyError("bug")

    monkeypatch.setattr(readers, "read_sheet", broken)
    result = read_bytes(files.xlsx_bytes([["Đơn vị", "DLG_HELD"]]), "b.xlsx")
    assert [(p.code, p.severity) for p in result.problems] == [("reader_error", Severity.ERROR)]
    assert "KeyError" in result.problems[0].message


# ---------------------------------------------------------------------------------------------
# Title lines and headers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("6 THÁNG CUỐI NĂM 2018", Period(2018, 2)),
        ("Kỳ báo cáo: 6 tháng đầu năm 2018 (từ 15/12/2017 đến 14/6/2018)", Period(2018, 1)),
        ("2018-H1", Period(2018, 1)),
        ("2018S2", Period(2018, 2)),
        ("H1/2019", Period(2019, 1)),
        ("BÁO CÁO SƠ KẾT 6 THÁNG NĂM 2019", Period(2019, 1)),
        ("6T đầu năm 2019", Period(2019, 1)),
        ("TỔNG KẾT NĂM 2019", Period(2019, 0)),
        ("Kiên Lương, ngày 15 tháng 6 năm 2019", None),
        ("Quý II năm 2019", None),
        ("9 tháng năm 2019", None),
        ("BÁO CÁO KẾT QUẢ THỰC HIỆN QUY CHẾ DÂN CHỦ Ở CƠ SỞ", None),
    ],
)
def test_title_period(line: str, expected: Period | None) -> None:
    assert title_period(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("UBND HUYỆN KIÊN LƯƠNG", [("huyện", "KIÊN LƯƠNG")]),
        ("UBND TỈNH AN GIANG", [("tỉnh", "AN GIANG")]),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ TIÊN", [("thành phố", "HÀ TIÊN")]),
        ("BCĐ QCDC HUYỆN KIÊN LƯƠNG", [("huyện", "KIÊN LƯƠNG")]),
        ("UBND THỊ XÃ HÀ TIÊN", [("thị xã", "HÀ TIÊN")]),
        ("UBND QUẬN 1", [("quận", "1")]),
        ("Đơn vị: Xã Hòn Nghệ, huyện Kiên Lương", [("huyện", "Kiên Lương")]),
        ("huyện Kiên Lương, tỉnh Kiên Giang", [("huyện", "Kiên Lương"), ("tỉnh", "Kiên Giang")]),
        ("TRÊN ĐỊA BÀN HUYỆN KIÊN LƯƠNG NĂM 2019", [("huyện", "KIÊN LƯƠNG")]),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", []),
        ("HUYỆN ỦY KIÊN LƯƠNG", []),
        ("Ban quản lý dự án", []),
    ],
)
def test_areas_in_title_lines(line: str, expected: list[tuple[str, str]]) -> None:
    assert find_areas(line) == expected


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("Tổng cộng", True),
        ("TỔNG", True),
        ("Cộng", True),
        ("Toàn huyện", True),
        ("Tổng số", True),
        ("Cộng huyện Kiên Lương", True),
        ("Tong cong", True),
        ("Cộng Hòa", False),
        ("Xã Bình An", False),
    ],
)
def test_total_labels(text: str, total: bool) -> None:
    assert is_total_label(text) is total


@pytest.mark.parametrize(
    ("text", "signature"),
    [
        ("Người lập biểu", True),
        ("TRƯỞNG BAN", True),
        ("KT. CHỦ TỊCH", True),
        ("(Ký, ghi rõ họ tên)", True),
        ("Hòn Nghệ, ngày 20 tháng 6 năm 2019", True),
        ("Chủ tịch UBND xã trực tiếp đối thoại", False),
    ],
)
def test_signature_lines(text: str, signature: bool) -> None:
    assert is_signature(text) is signature


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Xã/phường/thị trấn", Role.UNIT_NAME),
        ("Tên phường, xã", Role.UNIT_NAME),
        ("Mã xã, phường", Role.UNIT_CODE),
        ("Mã ĐVHC", Role.UNIT_CODE),
        ("Huyện, thị xã, thành phố", Role.AREA),
        ("Kỳ báo cáo", Role.PERIOD),
        ("Mã chỉ tiêu", Role.INDICATOR_CODE),
        ("Nội dung", Role.INDICATOR),
        ("Số liệu (1)", Role.VALUE),
        ("Chỉ tiêu kế hoạch", Role.TARGET),
        ("Đơn vị tính", Role.UOM),
        ("Ghi chú", Role.NOTE),
        ("S T T", None),
        ("Số cuộc họp", None),
    ],
)
def test_header_roles(header: str, role: Role | None) -> None:
    assert role_of(header) is role

"""Builders of realistic input files for the reader tests: messy district sheets, commune forms,
long CSV in several encodings, DHIS2 exports and broken files. Each writes into a folder and
returns the path."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from etl.writers import DHIS2_HEADER

# Indicator names as the catalog writes them.
DLG_HELD = "Số cuộc đối thoại giữa chính quyền với Nhân dân"
DLG_OPINIONS = "Số ý kiến của Nhân dân nêu tại đối thoại"
DLG_ANSWERED = "Số ý kiến đã được trả lời, giải quyết"
CMP_CARRY = "Số đơn kỳ trước chuyển sang"
CMP_COMPETENT = "Số đơn thuộc thẩm quyền giải quyết"
CMP_RATE = "Tỷ lệ giải quyết đơn thuộc thẩm quyền"
NTM_LEVEL = "Mức đạt chuẩn nông thôn mới"
NTM_YEAR = "Năm đạt chuẩn nông thôn mới"


def put(ws: Worksheet, row: int, values: Sequence[object], start: int = 1) -> None:
    """Write ``values`` into ``row`` from column ``start`` (None leaves a cell empty)."""
    for offset, value in enumerate(values):
        if value is not None:
            ws.cell(row=row, column=start + offset, value=value)


def save(wb: Workbook, folder: Path, name: str) -> Path:
    path = folder / name
    wb.save(path)
    return path


def grid_xlsx(folder: Path, name: str, rows: Iterable[Sequence[object]], *, title: str = "Sheet") -> Path:
    """A one-sheet workbook from a grid of values."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for number, values in enumerate(rows, start=1):
        put(ws, number, values)
    return save(wb, folder, name)


# ---------------------------------------------------------------------------------------------
# Wide (district) sheets
# ---------------------------------------------------------------------------------------------


def messy_district_xlsx(folder: Path, name: str = "kien_luong_2018S2.xlsx") -> Path:
    """A district sheet as offices send it: title and national motto blocks, a two-row header with
    merged group cells, a row of column numbers, STT, units written several ways, a blank row, a
    total row and a signature block.

    Columns: A STT, B unit, C code, D–F dialogues (names under the group "Đối thoại"), G CMP_NEW
    (code), H–I "Số đơn" over "thuộc thẩm quyền giải quyết" / "đã giải quyết", J CMP_RATE, K an
    unknown column "Số cuộc họp", L note, M NTM level.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws["A1"] = "UBND HUYỆN KIÊN LƯƠNG"
    ws.merge_cells("A1:D1")
    ws["F1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws.merge_cells("F1:K1")
    ws["A2"] = "BAN CHỈ ĐẠO THỰC HIỆN QCDC"
    ws.merge_cells("A2:D2")
    ws["F2"] = "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells("F2:K2")
    ws["F3"] = "Kiên Lương, ngày 15 tháng 1 năm 2019"
    ws["A4"] = "BÁO CÁO KẾT QUẢ THỰC HIỆN QUY CHẾ DÂN CHỦ Ở CƠ SỞ"
    ws.merge_cells("A4:M4")
    ws["A5"] = "6 THÁNG CUỐI NĂM 2018"
    ws.merge_cells("A5:M5")
    for col, text in (("A", "STT"), ("B", "Xã, thị trấn"), ("C", "Mã"), ("G", "CMP_NEW")):
        ws[f"{col}6"] = text
        ws.merge_cells(f"{col}6:{col}7")
    for col, text in (("J", CMP_RATE), ("K", "Số cuộc họp"), ("L", "Ghi chú"), ("M", NTM_LEVEL)):
        ws[f"{col}6"] = text
        ws.merge_cells(f"{col}6:{col}7")
    ws["D6"] = "Đối thoại"
    ws.merge_cells("D6:F6")
    ws["H6"] = "Số đơn"
    ws.merge_cells("H6:I6")
    put(ws, 7, [DLG_HELD, DLG_OPINIONS, DLG_ANSWERED], start=4)
    put(ws, 7, ["thuộc thẩm quyền giải quyết", "đã giải quyết"], start=8)
    put(ws, 8, [f"({i})" for i in range(1, 14)])
    put(ws, 9, [1, "Xã Bình An", 30808, 2, 15, 15, 3, 3, 2, "66,7", 4, None, "Đạt chuẩn"])
    put(ws, 10, [2, "TT. Kiên Lương", "30787", " 7 ", "1.050", 1000, 0, None, None, None, None, "thị trấn"])
    # row 11 left blank inside the table
    put(ws, 12, [3, "Hòa Điền", None, 1, "-", None, 5, 5, 5, 100, None, None, "Nâng cao"])
    put(ws, 13, [4, "Xã Kiên\nBình", None, 0, 0, 0])
    ws["A14"] = "Tổng cộng"
    ws.merge_cells("A14:B14")
    put(ws, 14, [10, 1065, 1015, 8, 8, 7], start=4)
    put(ws, 16, ["Người lập biểu"], start=2)
    ws["J16"] = "TRƯỞNG BAN"
    ws.merge_cells("J16:L16")
    put(ws, 19, ["Nguyễn Văn A"], start=2)
    ws["J19"] = "Trần Văn B"
    return save(wb, folder, name)


def province_xlsx(folder: Path, name: str = "tinh.xlsx") -> Path:
    """A province sheet grouped by district: "Huyện …" rows without figures above the communes,
    a "Cộng huyện" row, a period column and a unit-code column."""
    return grid_xlsx(
        folder,
        name,
        [
            ["UBND TỈNH KIÊN GIANG"],
            [],
            ["STT", "Đơn vị", "Mã đơn vị", "Kỳ báo cáo", "DLG_HELD", "DLG_OPINIONS"],
            ["I", "Huyện Kiên Lương"],
            [1, "Xã Bình An", "30808", "2019S1", 1, 2],
            [2, "Xã Sơn Hải", "30811", "6 tháng đầu năm 2019", 3, 4],
            [None, "Cộng huyện Kiên Lương", None, None, 4, 6],
            ["II", "Thành phố Hà Tiên"],
            [1, "Xã Tiên Hải", "30781", "2019S1", 5, None],
        ],
    )


def merged_data_xlsx(folder: Path, name: str = "merged.xlsx") -> Path:
    """A wide sheet where one figure is merged over two indicator cells (D3:E3)."""
    wb = Workbook()
    ws = wb.active
    put(ws, 1, ["Kỳ báo cáo: 6 tháng đầu năm 2019"])
    put(ws, 2, ["STT", "Đơn vị", "DLG_HELD", "DLG_OPINIONS", "DLG_ANSWERED"])
    put(ws, 3, [1, "Xã Bình An", 2, 5])
    ws.merge_cells("D3:E3")
    put(ws, 4, [2, "Xã Sơn Hải", 1, 3, 3])
    return save(wb, folder, name)


def two_period_sheets_xlsx(folder: Path, name: str = "hai_ky.xlsx") -> Path:
    """One sheet per half-year, the period only in the sheet names; plus an empty notes sheet and
    a hidden sheet holding a table."""
    wb = Workbook()
    first = wb.active
    first.title = "6 tháng đầu năm 2019"
    put(first, 1, ["Đơn vị", "DLG_HELD", "CMP_NEW"])
    put(first, 2, ["Xã Bình An", 1, 2])
    second = wb.create_sheet("2019S2")
    put(second, 1, ["Đơn vị", "DLG_HELD", "CMP_NEW"])
    put(second, 2, ["Xã Bình An", 3, 4])
    put(second, 3, ["Xã Sơn Hải", 5, None])
    notes = wb.create_sheet("Ghi chú")
    notes["A1"] = "Số liệu do các xã báo cáo."
    hidden = wb.create_sheet("Danh mục")
    put(hidden, 1, ["Đơn vị", "DLG_HELD"])
    put(hidden, 2, ["Xã Bình An", 9])
    hidden.sheet_state = "hidden"
    return save(wb, folder, name)


def formula_xlsx(folder: Path, name: str = "cong_thuc.xlsx") -> Path:
    """A wide sheet whose D3 and the total row are formulas saved without computed values (as a
    program, not Excel, writes them)."""
    wb = Workbook()
    ws = wb.active
    put(ws, 1, ["6 tháng đầu năm 2019"])
    put(ws, 2, ["STT", "Đơn vị", "DLG_HELD", "DLG_OPINIONS"])
    put(ws, 3, [1, "Xã Bình An", 2, "=C3*2"])
    put(ws, 4, [2, "Xã Sơn Hải", 1, 3])
    put(ws, 5, [None, "Tổng cộng", "=SUM(C3:C4)", "=SUM(D3:D4)"])
    return save(wb, folder, name)


def header_only_xlsx(folder: Path, name: str = "chi_tieu_de.xlsx") -> Path:
    return grid_xlsx(folder, name, [["unit_code", "period", "indicator", "value"]])


# ---------------------------------------------------------------------------------------------
# Commune form
# ---------------------------------------------------------------------------------------------


def commune_form_xlsx(folder: Path, name: str = "hon_nghe.xlsx", *, unit_line: bool = True) -> Path:
    """The paper form of a commune: title block, "Đơn vị:" line, section rows, a row with a label
    not in the catalog, "-" and blank values, NTM level as text, a signature block."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu mẫu"
    ws["A1"] = "UBND XÃ HÒN NGHỆ"
    ws.merge_cells("A1:B1")
    ws["D1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["D2"] = "Độc lập - Tự do - Hạnh phúc"
    ws["A3"] = "BÁO CÁO KẾT QUẢ THỰC HIỆN QUY CHẾ DÂN CHỦ Ở CƠ SỞ"
    ws["A4"] = "Kỳ báo cáo: 6 tháng đầu năm 2019"
    if unit_line:
        ws["A5"] = "Đơn vị: Xã Hòn Nghệ, huyện Kiên Lương"
    put(ws, 7, ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"])
    put(ws, 8, ["I", "ĐỐI THOẠI VỚI NHÂN DÂN"])
    ws.merge_cells("B8:E8")
    put(ws, 9, [1, DLG_HELD, "cuộc", 2])
    put(ws, 10, [2, DLG_OPINIONS, "ý kiến", "15"])
    put(ws, 11, [3, DLG_ANSWERED, "ý kiến", None, "chưa tổng hợp"])
    put(ws, 12, ["II", "II. TIẾP NHẬN, GIẢI QUYẾT ĐƠN KHIẾU NẠI, TỐ CÁO, KIẾN NGHỊ, PHẢN ÁNH"])
    put(ws, 13, [4, CMP_CARRY, "đơn", 0])
    put(ws, 14, [5, "Số đơn khiếu nại tố cáo mới", "đơn", 3])
    put(ws, 15, [6, "CMP_RESOLVED", "đơn", "-"])
    put(ws, 16, ["VI", "XÂY DỰNG NÔNG THÔN MỚI"])
    put(ws, 17, [7, NTM_LEVEL, "mức", "Nâng cao"])
    put(ws, 18, [8, f"- {NTM_YEAR} (năm)", "năm", 2018])
    put(ws, 20, [None, None, "Hòn Nghệ, ngày 20 tháng 6 năm 2019"])
    put(ws, 21, [None, "Người lập biểu", None, "TM. UBND XÃ"])
    return save(wb, folder, name)


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------

LONG_HEADER = ["unit_code", "unit_name", "period", "indicator", "value", "note"]
LONG_ROWS = [
    ["30814", "Xã Hòn Nghệ", "2019S1", "DLG_HELD", "2", ""],
    ["30814", "Xã Hòn Nghệ", "2019S1", "DLG_OPINIONS", "1.050", "ghi chú: đã họp"],
    ["30808", "Xã Bình An", "6 tháng đầu năm 2019", DLG_HELD, "-", ""],
    ["", "Tổng cộng", "2019S1", "DLG_HELD", "5", ""],
    ["30808", "Xã Bình An", "2019S1", "NTM_LEVEL", "Đạt chuẩn", ""],
    ["30811", "Sơn Hải", "2019S1", "CMP_NEW", "", ""],
]


def csv_text(rows: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes as Vietnamese Windows writes them: a letter that has no single byte is
    its base letter (with circumflex, breve or horn) followed by a combining tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = [m for m in decomposed if m in "\u0300\u0301\u0303\u0309\u0323"]
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in tones))
        out += base.encode("cp1258") + "".join(tones).encode("cp1258")
    return bytes(out)


def long_csv(
    folder: Path,
    name: str = "long.csv",
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    rows: Sequence[Sequence[object]] | None = None,
    header: Sequence[str] = LONG_HEADER,
) -> Path:
    """The long layout as CSV; ``encoding`` is "utf-8", "utf-8-sig", "cp1258" or "utf-16"."""
    text = csv_text([header, *(LONG_ROWS if rows is None else rows)], delimiter)
    data = to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    path = folder / name
    path.write_bytes(data)
    return path


def dhis2_csv(folder: Path, name: str = "dhis2.csv", *, upper: bool = False) -> Path:
    header = [h.upper() if upper else h for h in DHIS2_HEADER]
    header[0], header[2] = header[2], header[0]  # order may vary
    rows = [
        ["30814", "2019S1", "DLG_HELD", "HllvX50cXC0", "HllvX50cXC0", "2", "admin", "2019-07-01", "", "false"],
        ["30814", "2019S1", "CMP_NEW", "HllvX50cXC0", "HllvX50cXC0", "11", "admin", "2019-07-01", "đủ", "false"],
        ["30808", "2019S2", "NTM_LEVEL", "HllvX50cXC0", "HllvX50cXC0", "1", "admin", "2020-01-05", "", "false"],
    ]
    path = folder / name
    path.write_text(csv_text([header, *rows]), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Broken files
# ---------------------------------------------------------------------------------------------


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def xlsx_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for number, values in enumerate(rows, start=1):
        put(ws, number, values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def truncated_xlsx(folder: Path, name: str = "cut.xlsx") -> Path:
    data = xlsx_bytes([["Đơn vị", "DLG_HELD"], ["Xã Bình An", 1]])
    return write(folder, name, data[: len(data) // 2])


def ole2_file(folder: Path, name: str = "khoa.xlsx", *, encrypted: bool = True) -> Path:
    """The start of a Compound File (what Excel writes for a password-protected workbook or an
    old .xls)."""
    stream = "EncryptedPackage" if encrypted else "Workbook"
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 512
    return write(folder, name, data)

"""Build the bad-input corpus: files that must each be refused (or flagged) with a located message.

Run ``.venv/bin/python tests/data/bad/make_corpus.py``: it rewrites every file of the corpus and
``manifest.csv`` beside this script. The output is byte-for-byte the same on every run
(fixed zip timestamps and document properties), so a diff after a run means a case changed.

Each case starts from a real file of ``data/sample`` (a district sheet of Kiên Lương, a commune form,
the long CSV) and breaks exactly one thing; ``manifest.csv`` says what the loader must answer: the
problem's code and severity, where it is (sheet, row, column; the file is always the file's own
name), a fragment of its Vietnamese message, and what the case is. ``tests/etl/test_bad_corpus.py``
loads every file through :func:`etl.load.load` and checks the manifest.

Severity ``error`` means the file is refused and nothing is written. ``warning`` means the project's
rules accept the file (warnings never block): the case then holds only figures that the sample
already stored, so that loading it writes nothing either, and the manifest's note says why the
domain makes it a warning. ``ok`` (a formula saved with its value) is accepted as it is.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SAMPLE = ROOT / "data" / "sample"
FIXED_TIME = (2019, 7, 15, 8, 0, 0)
FIXED_STAMP = "2019-07-15T08:00:00Z"

# The district sheet of the first half of 2019 (kien-luong-2019.xlsx, first sheet): rows 10–17 are
# the units (10 TT. Kiên Lương, 11 Kiên Bình, 12 Xã Hòa Điền, 13 Dương Hòa, 14 Xã Bình An,
# 15 Bình Trị, 16 Xã Sơn Hải, 17 Hòn Nghệ), row 18 "Tổng cộng"; columns C–Y the 23 indicators in
# catalog order (C DLG_HELD … W NTM_CRITERIA_MET, X NTM_LEVEL, Y NTM_YEAR).
DISTRICT = "kien-luong-2019.xlsx"
S1 = "6 tháng đầu năm"
LONG_HEADER = ["unit_code", "unit_name", "period", "indicator", "value"]
TARGET_HEADER = ["unit_code", "unit_name", "period", "indicator", "target"]  # kien-luong-chi-tieu-2019.csv
# Rows of data/sample/kien-luong-2017-2018.csv (already stored once the sample is loaded).
LONG_ROWS = [
    ["30787", "Thị trấn Kiên Lương", "2017S1", "DLG_HELD", "2"],
    ["30787", "Thị trấn Kiên Lương", "2017S1", "DLG_OPINIONS", "12"],
    ["30787", "Thị trấn Kiên Lương", "2017S1", "DLG_ANSWERED", "11"],
    ["30787", "Thị trấn Kiên Lương", "2017S1", "CMP_CARRY", "2"],
]


@dataclass(frozen=True)
class Case:
    file: str
    build: Callable[[], bytes]
    code: str
    severity: str  # error | warning | ok
    sheet: str = ""
    row: int | None = None
    column: str = ""
    message: str = ""  # a fragment of the Vietnamese message (or of the located value)
    case: str = ""  # what is wrong, in a few words
    options: str = ""  # load options: area=CODE, max_upload_mb=N
    note: str = ""  # why a warning is right by the domain, or a remark


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def deterministic(data: bytes) -> bytes:
    """Re-pack a workbook with fixed timestamps so that the script's output never changes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", FIXED_STAMP.encode(), content)
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, content)
    return out.getvalue()


def save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return deterministic(out.getvalue())


def replace_part(data: bytes, part: str, edit: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one of its zip members rewritten by ``edit``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                content = edit(content)
            target.writestr(item, content)
    return out.getvalue()


def sample_sheet(name: str = DISTRICT, keep: int = 0) -> tuple[Workbook, Worksheet]:
    """A sample workbook reduced to one of its sheets."""
    wb = load_workbook(SAMPLE / name)
    ws = wb.worksheets[keep]
    for other in list(wb.worksheets):
        if other is not ws:
            wb.remove(other)
    wb.active = 0
    return wb, ws


def district(edit: Callable[[Worksheet], None]) -> Callable[[], bytes]:
    """The 2019 first-half district sheet with one edit."""

    def build() -> bytes:
        wb, ws = sample_sheet()
        edit(ws)
        return save(wb)

    return build


def sheet_of(name: str, edit: Callable[[Worksheet], None]) -> Callable[[], bytes]:
    def build() -> bytes:
        wb, ws = sample_sheet(name)
        edit(ws)
        return save(wb)

    return build


def set_cells(**cells: object) -> Callable[[Worksheet], None]:
    def edit(ws: Worksheet) -> None:
        for ref, value in cells.items():
            ws[ref] = value

    return edit


def set_text(ref: str, text: str) -> Callable[[Worksheet], None]:
    """A text cell, kept as text even if it starts with '=' (openpyxl would make it a formula)."""

    def edit(ws: Worksheet) -> None:
        ws[ref] = text
        ws[ref].data_type = "s"

    return edit


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header or LONG_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def long_csv(*rows: list[str], header: list[str] | None = None) -> Callable[[], bytes]:
    return lambda: csv_bytes([list(r) for r in rows], header=header)


def sample_xlsx_bytes() -> bytes:
    wb, _ = sample_sheet()
    return save(wb)


def ole2(streams: list[str]) -> bytes:
    """A minimal OLE2 compound file (what Excel writes for .xls and for password-protected
    workbooks): a header, one FAT sector and one directory sector naming ``streams``."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 44, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0]: the FAT is sector 0
    for offset in range(80, 512, 4):
        struct.pack_into("<I", header, offset, free)
    fat = bytearray(struct.pack("<II", fat_sector, end) + struct.pack("<I", free) * 126)
    directory = bytearray()
    for index, name in enumerate(["Root Entry", *streams]):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<H", entry, 64, len(encoded))
        entry[66] = 5 if index == 0 else 2  # root storage / stream
        entry[67] = 1  # black
        left = free
        right = index + 1 if 0 < index < len(streams) else free
        child = 1 if index == 0 and streams else free
        struct.pack_into("<III", entry, 68, left, right, child)
        struct.pack_into("<II", entry, 116, end, 0)
        directory += entry
    directory += bytes(512 - len(directory) % 512) if len(directory) % 512 else b""
    return bytes(header + fat + directory)


def png() -> bytes:
    """A 1×1 PNG picture."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


# TCVN3 (ABC) and VNI bytes of the letters the sample's names use: files typed with the old
# Vietnamese fonts (.VnTime, VNI-Times) and saved as "CSV (Comma delimited)".
TCVN3 = {
    "à": b"\xb5", "á": b"\xb8", "ã": b"\xb7", "â": b"\xa9", "ê": b"\xaa", "ì": b"\xcc", "ò": b"\xdf",
    "ơ": b"\xac", "ư": b"\xad", "ị": b"\xde", "ấ": b"\xca", "ệ": b"\xd6", "ả": b"\xb6", "ố": b"\xe8",
    "ộ": b"\xe9", "ồ": b"\xe5", "ý": b"\xfd", "ế": b"\xd5", "đ": b"\xae", "ẩ": b"\xc8", "ủ": b"\xf1",
    "ớ": b"\xed", "Đ": b"\xa7", "ợ": b"\xee", "ọ": b"\xe4", "ỳ": b"\xfa", "ỉ": b"\xd8",
}  # fmt: skip
VNI = {
    "à": b"a\xf8", "á": b"a\xf9", "ã": b"a\xf5", "â": b"a\xe2", "ê": b"e\xe2", "ì": b"\xec", "ò": b"o\xf8",
    "ơ": b"\xf4", "ư": b"\xf6", "ị": b"\xf2", "ấ": b"a\xe1", "ệ": b"e\xe4", "ả": b"a\xfb", "ố": b"o\xe1",
    "ộ": b"o\xe4", "ồ": b"o\xe0", "ý": b"y\xf9", "ế": b"e\xe1", "đ": b"\xf1", "ẩ": b"a\xe5", "ủ": b"u\xfb",
    "ớ": b"\xf4\xf9", "Đ": b"\xd1", "ợ": b"\xf4\xef", "ọ": b"o\xef", "ỳ": b"y\xf8", "ỉ": b"\xe6",
}  # fmt: skip


def legacy(text: str, table: dict[str, bytes]) -> bytes:
    out = bytearray()
    for ch in text:
        if ch.isascii():
            out += ch.encode()
        else:
            out += table[ch]
    return bytes(out)


def legacy_csv(table: dict[str, bytes]) -> Callable[[], bytes]:
    rows = [
        ["30787", "Thị trấn Kiên Lương", "2017S1", "DLG_HELD", "2"],
        ["30808", "Xã Bình An", "2017S1", "DLG_HELD", "3"],
        ["30809", "Xã Bình Trị", "2017S1", "DLG_HELD", "1"],
    ]
    header = ["Mã đơn vị", "Tên đơn vị", "Kỳ", "Chỉ tiêu", "Giá trị"]
    return lambda: legacy(csv_bytes(rows, header=header).decode(), table)


# ---------------------------------------------------------------------------------------------
# Builders of the individual faults
# ---------------------------------------------------------------------------------------------


def truncated() -> bytes:
    data = sample_xlsx_bytes()
    return data[: len(data) // 2]


def broken_xml() -> bytes:
    return replace_part(
        sample_xlsx_bytes(), "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2] + b"<row r=<<"
    )


def zip_not_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        info = zipfile.ZipInfo("bao-cao.txt", date_time=FIXED_TIME)
        target.writestr(info, "Báo cáo kết quả thực hiện QCDC 6 tháng đầu năm 2019".encode())
    return out.getvalue()


def ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr(
            zipfile.ZipInfo("mimetype", date_time=FIXED_TIME), "application/vnd.oasis.opendocument.spreadsheet"
        )
        target.writestr(zipfile.ZipInfo("content.xml", date_time=FIXED_TIME), "<office:document-content/>")
    return out.getvalue()


def html_table() -> bytes:
    return (
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td>STT</td><td>Đơn vị</td><td>Số cuộc đối thoại giữa chính quyền với Nhân dân</td></tr>"
        "<tr><td>1</td><td>TT. Kiên Lương</td><td>3</td></tr></table></body></html>"
    ).encode()


def text_renamed() -> bytes:
    return (SAMPLE / "kien-luong-2017-2018.csv").read_bytes()[:600].rsplit(b"\n", 1)[0] + b"\n"


def header_only_xlsx() -> bytes:
    wb, ws = sample_sheet()
    ws.delete_rows(10, 18)  # the units, the total, the note and the signatures
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row >= 10:
            ws.merged_cells.remove(merged)
    return save(wb)


def no_table() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws["A1"] = "UBND HUYỆN KIÊN LƯƠNG"
    ws["A3"] = "BÁO CÁO KẾT QUẢ THỰC HIỆN QUY CHẾ DÂN CHỦ Ở CƠ SỞ 6 THÁNG ĐẦU NĂM 2019"
    ws["A5"] = "Trong 6 tháng đầu năm, các xã, thị trấn đã tổ chức 18 cuộc đối thoại với Nhân dân."
    ws["A6"] = "Số liệu chi tiết sẽ gửi sau."
    return save(wb)


def hidden_only() -> bytes:
    wb, ws = sample_sheet()
    visible = wb.create_sheet("Ghi chú")
    visible["A1"] = "Số liệu ở trang '6 tháng đầu năm'."
    ws.sheet_state = "hidden"
    wb.active = 1
    return save(wb)


def million_rows() -> bytes:
    wb, ws = sample_sheet()
    ws["Z1048576"] = "x"  # a stray mark at the last row Excel has: the sheet claims A1:Z1048576
    data = save(wb)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:Z1048576"/>' in xml, xml[:400]
    return data


def formula_cached() -> bytes:
    """C10 (TT. Kiên Lương, DLG_HELD) = 1+2 saved by Excel with its value 3 (the sample's figure)."""
    wb, ws = sample_sheet()
    ws["C10"] = "=1+2"
    data = save(wb)
    return deterministic(
        replace_part(
            data,
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace(b"<f>1+2</f><v></v>", b"<f>1+2</f><v>3</v>").replace(
                b"<f>1+2</f><v/>", b"<f>1+2</f><v>3</v>"
            ),
        )
    )


def formula_uncached() -> bytes:
    """C11 (Kiên Bình, DLG_HELD) = SUM(…) saved by a program that computes nothing (no <v>)."""
    wb, ws = sample_sheet()
    ws["C11"] = "=SUM(D11:E11)/10"
    return save(wb)


def percent_cell() -> bytes:
    wb, ws = sample_sheet()
    ws["C11"] = 0.75
    ws["C11"].number_format = "0%"
    return save(wb)


def date_cell() -> bytes:
    wb, ws = sample_sheet()
    ws["C11"] = datetime(2019, 3, 3)
    ws["C11"].number_format = "dd/mm/yyyy"
    return save(wb)


def merged_data() -> bytes:
    wb, ws = sample_sheet()
    ws["D11"] = None
    ws.merge_cells("C11:D11")
    return save(wb)


def duplicate_unit_row() -> bytes:
    """Kiên Bình's row copied under Hòn Nghệ with one figure changed."""
    wb, ws = sample_sheet()
    ws.insert_rows(18)
    for column in range(1, 26):
        ws.cell(18, column).value = ws.cell(11, column).value
    ws["A18"] = 9
    ws["C18"] = 4  # row 11 says 3
    return save(wb)


def no_period() -> bytes:
    wb, ws = sample_sheet()
    ws["A5"] = "BÁO CÁO SỐ LIỆU"
    ws.title = "Sheet1"
    return save(wb)


def long_xlsx_with_title() -> bytes:
    """A long table under the title "6 THÁNG ĐẦU NĂM 2019" whose period column says 2019S2."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws["A1"] = "UBND HUYỆN KIÊN LƯƠNG"
    ws["A2"] = "BÁO CÁO KẾT QUẢ THỰC HIỆN QUY CHẾ DÂN CHỦ Ở CƠ SỞ"
    ws["A3"] = "6 THÁNG ĐẦU NĂM 2019"
    rows = [
        LONG_HEADER,
        ["30787", "Thị trấn Kiên Lương", "2019S1", "DLG_HELD", 3],
        ["30790", "Xã Kiên Bình", "2019S2", "DLG_HELD", 3],
    ]
    for number, values in enumerate(rows, start=5):
        for column, value in enumerate(values, start=1):
            ws.cell(number, column).value = value
    return save(wb)


def form(edit: Callable[[Worksheet], None]) -> Callable[[], bytes]:
    return sheet_of("bieu-mau-xa-hon-nghe-2026S2.xlsx", edit)


def clear_form_unit(ws: Worksheet) -> None:
    ws["A1"] = "ỦY BAN NHÂN DÂN"
    ws["A6"] = None


def level_drop(ws: Worksheet) -> None:
    """Xã Kiên Lương: "Đạt chuẩn" in the first half of 2026 (stored), "Chưa đạt" now, no note."""
    ws["D36"] = "Chưa đạt"
    ws["D37"] = None


def binary_csv() -> bytes:
    return b"unit_code,unit_name,period,indicator,value\n" + bytes(range(1, 32)) * 20 + b"\n"


# ---------------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------------

D = S1  # the district sheet's title, for brevity below
K = "Xã Kiên Bình"

CASES: list[Case] = [
    # -- the file as a whole -----------------------------------------------------------------
    Case("anh-png-doi-duoi.xlsx", png, "unreadable", "error", message="không phải bảng tính Excel",
         case="a PNG picture renamed .xlsx"),
    Case("van-ban-doi-duoi.xlsx", text_renamed, "unreadable", "error", message="tệp văn bản/CSV",
         case="a CSV text file renamed .xlsx"),
    Case("trang-web-doi-duoi.xlsx", html_table, "unreadable", "error", message="trang web (HTML/XML)",
         case="an HTML table (a web export) renamed .xlsx"),
    Case("pdf-doi-duoi.xlsx", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
         "unreadable", "error", message="tệp PDF", case="a PDF renamed .xlsx"),
    Case("cat-ngang.xlsx", truncated, "unreadable", "error", message="bị hỏng hoặc không đầy đủ",
         case="a workbook cut in half (an interrupted download)"),
    Case("xml-hong.xlsx", broken_xml, "unreadable", "error", message="bị hỏng hoặc không đầy đủ",
         case="a valid zip whose worksheet XML is broken"),
    Case("zip-khong-phai-excel.xlsx", zip_not_workbook, "unreadable", "error", message="tệp nén (zip)",
         case="a zip archive of a text file renamed .xlsx"),
    Case("mat-khau.xlsx", lambda: ole2(["EncryptionInfo", "EncryptedPackage"]), "unreadable", "error",
         message="đặt mật khẩu", case="a password-protected (encrypted) workbook: OLE2 with EncryptedPackage"),
    Case("excel-97.xls", lambda: ole2(["Workbook", "\x05SummaryInformation"]), "unreadable", "error",
         message="Excel cũ (.xls", case="an Excel 97–2003 workbook"),
    Case("bang-tinh-libreoffice.ods", ods, "unreadable", "error", message="không nhận dạng được loại tệp .ods",
         case="an OpenDocument spreadsheet (a type not accepted)"),
    Case("rong.xlsx", lambda: b"", "unreadable", "error", message="tệp rỗng", case="an empty .xlsx file (0 bytes)"),
    Case("rong.csv", lambda: b"", "unreadable", "error", message="tệp rỗng", case="an empty .csv file (0 bytes)"),
    Case("chi-co-bom.csv", lambda: b"\xef\xbb\xbf\r\n\r\n", "unreadable", "error", message="tệp rỗng",
         case="a CSV with only a byte-order mark and blank lines"),
    Case("utf16-khong-bom.csv", lambda: csv_bytes(LONG_ROWS, "utf-16-le"), "unreadable", "error",
         message="có byte nhị phân", case="a CSV in UTF-16 without a byte-order mark"),
    Case("tcvn3.csv", legacy_csv(TCVN3), "unreadable", "error", message="TCVN3/VNI",
         case="a CSV typed with a TCVN3 (.VnTime) font: neither UTF-8 nor Windows-1258"),
    Case("vni.csv", legacy_csv(VNI), "unreadable", "error", message="TCVN3/VNI",
         case="a CSV typed with a VNI font: neither UTF-8 nor Windows-1258"),
    Case("ky-tu-dieu-khien.csv", binary_csv, "unreadable", "error", message="ký tự điều khiển",
         case="a CSV full of control characters"),
    Case("qua-gioi-han.csv", long_csv(*LONG_ROWS), "unreadable", "error", message="vượt giới hạn",
         options="max_upload_mb=0.0001", case="a file above the upload limit (QCDC_MAX_UPLOAD_MB, set small)"),
    # -- the table ----------------------------------------------------------------------------
    Case("chi-tieu-de.xlsx", header_only_xlsx, "empty_table", "warning", D, 8, "",
         "không có dòng số liệu nào", case="a district sheet with its header and no unit rows",
         note="warning by the loader's rule: nothing to write, outcome 'unchanged'; the report also says "
         "'Tệp không có số liệu nào' (no_values)"),
    Case("chi-tieu-de.xlsx", header_only_xlsx, "no_values", "warning", message="không có số liệu nào",
         case="(same file) the file-level warning"),
    Case("chi-tieu-de.csv", long_csv(), "empty_table", "warning", "", 1, "", "không có dòng số liệu nào",
         case="a long CSV with its header line only",
         note="warning by the loader's rule: nothing to write, outcome 'unchanged'"),
    Case("khong-co-bang.xlsx", no_table, "no_table", "error", message="không tìm thấy bảng số liệu",
         case="a sheet of prose with no table"),
    Case("trang-an.xlsx", hidden_only, "no_table", "error", message="không tìm thấy bảng số liệu",
         case="the only table is on a hidden sheet"),
    Case("trang-an.xlsx", hidden_only, "hidden_sheet", "warning", D, None, "", "đang bị ẩn",
         case="(same file) the hidden sheet is named"),
    Case("mot-trieu-dong.xlsx", million_rows, "far_content", "warning", D, 1048576, "", "dòng trống",
         case="a sheet claiming A1:Z1048576 (a stray mark on the last row): read in a second",
         note="warning by the reader's rule: content more than 1000 blank rows below the table is not read; "
         "the sample's figures above it are already stored, outcome 'unchanged'"),
    Case("khong-co-ky.xlsx", no_period, "no_period", "error", "Sheet1", 10, "C", "Không xác định được kỳ báo cáo",
         case="no period anywhere: not in a column, the title or the sheet name"),
    # -- cells ----------------------------------------------------------------------------------
    Case("cong-thuc-co-gia-tri.xlsx", formula_cached, "", "ok", case="a formula with its cached value (=1+2, 3)",
         note="accepted: the readers take the value Excel saved (openpyxl data_only); it equals the stored "
         "figure, outcome 'unchanged'"),
    Case("cong-thuc-khong-gia-tri.xlsx", formula_uncached, "formula_without_value", "error", D, 11, "C",
         "công thức nhưng không có giá trị", case="a formula saved without a computed value"),
    Case("ngay-thang-thay-so.xlsx", date_cell, "not_a_number", "error", D, 11, "C", "không phải số",
         case="a date where a count belongs"),
    Case("ngay-thang-thay-so.csv", long_csv(["30787", "Thị trấn Kiên Lương", "2017S1", "DLG_HELD", "15/06/2017"]),
         "not_a_number", "error", "", 2, "value", "không phải là số", case="a date text where a count belongs"),
    Case("phan-tram-thay-so.xlsx", percent_cell, "not_integer", "error", D, 11, "C", "phải là số nguyên",
         case="a percentage cell (75%) where a count belongs"),
    Case("phan-tram-thay-so.csv", long_csv(["30790", K, "2017S1", "DLG_HELD", "75%"]), "not_a_number", "error",
         "", 2, "value", "tỷ lệ phần trăm", case="a percentage text where a count belongs"),
    Case("o-gop-so-lieu.xlsx", merged_data, "merged_data", "error", D, 11, "C", "ô gộp trong vùng số liệu",
         case="cells merged across two indicators of a unit"),
    Case("dong-trung-lap.csv", long_csv(*LONG_ROWS, LONG_ROWS[1]), "duplicate", "warning", "", 6, "value",
         "Trùng số liệu", case="the same row twice with the same value",
         note="warning by the loader's rule: the same figure twice says nothing new; the figures are the "
         "sample's, outcome 'unchanged'"),
    Case("dong-mau-thuan.csv", long_csv(*LONG_ROWS, [*LONG_ROWS[1][:4], "13"]), "conflict", "error", "", 6, "value",
         "Mâu thuẫn", case="the same unit, period and indicator twice with different values"),
    Case("dong-mau-thuan.xlsx", duplicate_unit_row, "conflict", "error", D, 18, "C", "Mâu thuẫn",
         case="a unit's row repeated in a district sheet with a different figure"),
    # -- units ----------------------------------------------------------------------------------
    Case("xa-huyen-khac.xlsx", district(set_cells(B17="Xã Thuận Yên")), "unknown_unit", "error", D, 17, "B",
         "thuộc Huyện Kiên Lương", case="a commune of another district (Hà Tiên) in the Kiên Lương sheet"),
    Case("xa-huyen-khac.csv", long_csv(["30784", "Xã Thuận Yên", "2017S1", "DLG_HELD", "2"]), "unit_outside_area",
         "error", "", 2, "unit_code", "không thuộc Huyện Kiên Lương", options="area=902",
         case="a commune of another district, loaded with --area 902 (Kiên Lương)"),
    Case("xa-tinh-khac.csv", long_csv(["13540", "Xã Bình An", "2017S1", "DLG_HELD", "2"]), "unit_outside_area",
         "error", "", 2, "unit_code", "không thuộc Tỉnh An Giang", options="area=91",
         case="a commune of another province, loaded with --area 91 (An Giang, which took in Kiên Giang)"),
    Case("ten-trung-nhieu-noi.csv", long_csv(["", "Xã Bình An", "2017S1", "DLG_HELD", "2"]), "ambiguous_unit",
         "error", "", 2, "unit_name", "trùng với", case="a commune name shared by several provinces, no code, no area"),
    Case("ma-khong-ton-tai.csv", long_csv(["99999", "Xã Kiên Bình", "2017S1", "DLG_HELD", "2"]), "unknown_unit",
         "error", "", 2, "unit_code", "Mã đơn vị '99999' không có", case="a unit code that does not exist"),
    Case("ma-cu-ky-moi.csv", long_csv(["30808", "Xã Bình An", "2026S1", "DLG_HELD", "2"]), "unknown_unit", "error",
         "", 2, "unit_code", "danh mục cấp xã từ 1/7/2025",
         case="a code of the old catalog (Xã Bình An, merged on 1/7/2025) in a 2026 period"),
    Case("ma-ten-khong-khop.csv", long_csv(["30790", "Xã Hòa Điền", "2017S1", "DLG_HELD", "2"]),
         "code_name_mismatch", "error", "", 2, "unit_code", "Mã 30790 là Xã Kiên Bình",
         case="a unit code and a unit name that name two different communes"),
    Case("thieu-don-vi.csv", long_csv(["", "", "2017S1", "DLG_HELD", "2"]), "missing_field", "error", "", 2,
         "unit_code", "thiếu đơn vị", case="a row without unit code or name"),
    Case("bieu-mau-khong-ten-xa.xlsx", form(clear_form_unit), "no_unit", "error", "Báo cáo", 10, "D",
         "Thiếu mã hoặc tên đơn vị", case="a commune form that does not say which commune"),
    Case("thi-tran-ntm.xlsx", district(set_cells(W10=15)), "ntm_not_commune", "error", D, 10, "W",
         "không phải là xã", case="NTM criteria for a town (thị trấn)"),
    Case("phuong-ntm.xlsx", sheet_of("an-giang-kien-luong-2026-6-thang-dau.xlsx", set_cells(Y11=1)),
         "ntm_not_commune", "error", S1, 11, "Y", "Phường Tô Châu không phải là xã",
         case="an NTM level for a ward (phường)"),
    # -- values ---------------------------------------------------------------------------------
    Case("tieu-chi-20.xlsx", district(set_cells(W11=20)), "criteria_above_set", "error", D, 11, "W",
         "vượt quá 19 tiêu chí", case="20 NTM criteria met when the 2016–2020 set has 19"),
    Case("tieu-chi-11-bo-2026.xlsx", form(set_cells(D35=11)), "criteria_above_set", "error", "Báo cáo", 35, "D",
         "vượt quá 10 tiêu chí", case="11 NTM criteria met when the 2026–2030 set has 10"),
    Case("so-am.xlsx", district(set_cells(C11=-3)), "negative", "error", D, 11, "C", "không được âm",
         case="a negative count"),
    Case("so-le.csv", long_csv(["30787", "Thị trấn Kiên Lương", "2017S1", "DLG_HELD", "2,5"]), "not_integer",
         "error", "", 2, "value", "phải là số nguyên", case="a fractional count (2,5)"),
    Case("so-qua-lon.xlsx", district(set_cells(D11=10**15)), "too_large", "error", D, 11, "D", "vượt quá 100.000",
         case="an absurdly large count (10^15)"),
    Case("so-qua-lon.csv",
         long_csv(["30787", "Thị trấn Kiên Lương", "2017S1", "DLG_OPINIONS", "1.000.000.000.000.000"]),
         "too_large", "error", "", 2, "value", "1.000.000.000.000.000 vượt quá",
         case="an absurdly large count typed with thousand dots"),
    Case("chu-thay-so.csv", long_csv(["30787", "Thị trấn Kiên Lương", "2017S1", "DLG_HELD", "hai cuộc"]),
         "not_a_number", "error", "", 2, "value", "không phải là số", case="words where a count belongs"),
    Case("dung-sai.xlsx", district(set_cells(C11=True)), "not_a_number", "error", D, 11, "C", "đúng/sai",
         case="a TRUE/FALSE cell where a count belongs"),
    Case("tra-loi-vuot-y-kien.xlsx", district(set_cells(E11=13)), "le_rule", "error", D, 11, "E",
         "không được lớn hơn", case="more opinions answered (13) than raised (12)"),
    Case("y-kien-it-hon-da-tra-loi.csv", long_csv(LONG_ROWS[0], [*LONG_ROWS[1][:4], "5"]), "le_rule", "error", "",
         3, "value", "không được lớn hơn 'Số ý kiến của Nhân dân nêu tại đối thoại' (5)",
         case="fewer opinions raised (5) than the stored answered (11): pointed at the file's own cell"),
    Case("muc-ntm-5.csv", long_csv(["30790", K, "2017S1", "NTM_LEVEL", "5"]), "bad_level", "error", "", 2,
         "value", "Mức đạt chuẩn nông thôn mới phải là 0", case="an NTM level that does not exist (5)"),
    Case("nam-dat-chuan-sau-ky.xlsx", district(set_cells(Y12=2020)), "bad_year", "error", D, 12, "Y",
         "không sau năm của kỳ báo cáo", case="an NTM year after the period's year"),
    Case("muc-giam-khong-ghi-chu.xlsx", sheet_of("bieu-mau-xa-kien-luong-2026S2.xlsx", level_drop), "level_dropped",
         "error", "Báo cáo", 36, "D", "giảm từ 1",
         case="an NTM level lower than the stored previous period's, with no note"),
    Case("muc-giam-khong-ghi-chu.xlsx", sheet_of("bieu-mau-xa-kien-luong-2026S2.xlsx", level_drop),
         "year_without_level", "error", "Báo cáo", 36, "D", "để trống năm đạt chuẩn",
         case="(same file) the stored NTM year no longer fits level 0: pointed at the level's cell"),
    Case("ke-hoach-am.csv", long_csv(["30790", K, "2019S2", "DLG_HELD", "-2"], header=TARGET_HEADER), "negative",
         "error", "", 2, "target", "không được âm", case="a negative target (targets file)"),
    Case("ke-hoach-thi-tran-ntm.csv", long_csv(["30787", "Thị trấn Kiên Lương", "2019", "NTM_LEVEL", "1"],
         header=TARGET_HEADER), "ntm_not_commune", "error", "", 2, "target", "không phải là xã",
         case="an NTM target for a town (targets file)"),
    Case("ke-hoach-qua-lon.csv", long_csv(["30809", "Xã Bình Trị", "2019S2", "DVK_MODELS", "1000000"],
         header=TARGET_HEADER), "too_large", "error", "", 2, "target", "vượt quá 100.000",
         case="an absurd target (targets file)"),
    Case("chi-tieu-khong-co.csv", long_csv(["30787", "Thị trấn Kiên Lương", "2017S1", "DLG_HOLD", "2"]),
         "unknown_indicator", "error", "", 2, "value", "Có phải: DLG_HELD",
         case="an indicator code that is not in the catalog (a typo)"),
    # -- periods --------------------------------------------------------------------------------
    Case("ky-quy.csv", long_csv(["30787", "Thị trấn Kiên Lương", "quý 3/2019", "DLG_HELD", "2"]), "bad_period",
         "error", "", 2, "period", "là quý", case="a quarter (quý 3/2019): not a reporting period"),
    Case("ky-9-thang.csv", long_csv(["30787", "Thị trấn Kiên Lương", "9 tháng đầu năm 2019", "DLG_HELD", "2"]),
         "bad_period", "error", "", 2, "period", "tính theo tháng", case="nine months: not a reporting period"),
    Case("ky-tuong-lai.csv", long_csv(["30787", "Xã Kiên Lương", "2027S1", "DLG_HELD", "2"]), "bad_period", "error",
         "", 2, "period", "chưa bắt đầu", case="a period that has not started (2027S1, today 29/11/2026)"),
    Case("ky-nam-1990.csv", long_csv(["30787", "Thị trấn Kiên Lương", "1990S1", "DLG_HELD", "2"]), "bad_period",
         "error", "", 2, "period", "nằm ngoài khoảng", case="a year before the regulation (1990)"),
    Case("ky-mau-thuan-tieu-de.xlsx", long_xlsx_with_title, "period_contradiction", "error", "Số liệu", 7, "C",
         "khác với kỳ ghi ở tiêu đề", case="a period column that contradicts the title's period"),
    # -- text that a spreadsheet or a browser would run --------------------------------------
    Case("cong-thuc-hyperlink.csv",
         long_csv(["", '=HYPERLINK("http://example.com/x","Xã Kiên Bình")', "2017S1", "DLG_HELD", "2"]),
         "unknown_unit", "error", "", 2, "unit_name", "'=HYPERLINK(", case="a formula (=HYPERLINK) as unit name",
         note="refused (no such unit) and shown as quoted text; exports neutralise it (etl.writers.neutralise)"),
    Case("cong-thuc-cmd.csv", long_csv(["", "+cmd|' /C calc'!A0", "2017S1", "DLG_HELD", "2"]), "unknown_unit",
         "error", "", 2, "unit_name", "'+cmd|", case="a DDE command (+cmd|…) as unit name"),
    Case("cong-thuc-at-sum.xlsx", district(set_text("B11", "@SUM(1+1)*cmd|' /C calc'!A0")), "unknown_unit",
         "error", D, 11, "B", "'@SUM(1+1)", case="an @SUM formula text as unit name in a district sheet"),
    Case("html-script.xlsx", district(set_text("B11", "<script>alert('xss')</script>")), "unknown_unit", "error",
         D, 11, "B", "<script>alert('xss')</script>", case="an HTML <script> as unit name",
         note="refused (no such unit); the message carries the text verbatim, to be escaped by whoever shows it"),
    Case("html-chi-tieu.csv", long_csv(["30787", "Thị trấn Kiên Lương", "2017S1", "<img src=x onerror=alert(1)>", "2"]),
         "unknown_indicator", "error", "", 2, "value", "<img src=x onerror=alert(1)>",
         case="an HTML tag as indicator"),
]  # fmt: skip


def manifest_bytes() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "severity", "code", "sheet", "row", "column", "message", "options", "case", "note"])
    for c in CASES:
        row = "" if c.row is None else str(c.row)
        writer.writerow([c.file, c.severity, c.code, c.sheet, row, c.column, c.message, c.options, c.case, c.note])
    return out.getvalue().encode("utf-8")


def main() -> int:
    built: dict[str, bytes] = {}
    for case in CASES:
        if case.file not in built:
            built[case.file] = case.build()
    for name, data in built.items():
        (HERE / name).write_bytes(data)
    (HERE / "manifest.csv").write_bytes(manifest_bytes())
    total = sum(len(d) for d in built.values())
    print(f"{len(built)} files, {total / 1024:.0f} KB, manifest: {len(CASES)} expectations")
    return 0


if __name__ == "__main__":
    sys.exit(main())

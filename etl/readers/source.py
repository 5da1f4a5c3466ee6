"""Bytes to sheets: recognise the file type, decode CSV text, open workbooks.

A :class:`Sheet` is what the table reader needs from a worksheet or a CSV file: its rows as
``(row number, values)`` pairs (streamed for CSV), its merged ranges, how to name a column in a
:class:`~etl.errors.Location`, and a lazy check for formulas saved without their computed value.
Everything that can go wrong with the file as a whole raises :class:`~etl.errors.UnreadableFile`
with a Vietnamese message that says what to do.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from xml.etree.ElementTree import iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter

from etl.errors import Location, Problem, Severity, UnreadableFile

XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
CSV_EXTENSIONS = {".csv", ".txt"}
ACCEPTED = ".xlsx, .xlsm, .csv, .txt"

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# A workbook whose worksheets unpack to more than this is refused before openpyxl builds a cell
# object for every formatted-but-empty cell (a sheet formatted down to row 1,048,576, a zip bomb).
MAX_SHEET_XML_BYTES = 400 * 1024 * 1024
# Content separated from the rows above by more than this many empty rows is not read.
MAX_EMPTY_GAP = 1000

Row = Sequence[object]


@dataclass(slots=True)
class Sheet:
    """One worksheet (or the CSV file) as the table reader sees it."""

    file: str
    title: str  # '' for CSV
    rows: Iterator[tuple[int, Row]]  # (1-based row number, cell values); may skip empty rows
    is_csv: bool = False
    hidden: bool = False
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    problems: list[Problem] = field(default_factory=list)  # found while streaming rows (appended late)
    formula_cells: Callable[[], frozenset[tuple[int, int]]] | None = None  # (row, col) without a value

    def column_label(self, index: int, header: str = "") -> str:
        """Spreadsheet letter of a 0-based column; for CSV the header name (letter if it has none)."""
        if self.is_csv and header:
            return header
        return get_column_letter(index + 1) if index < 18278 else str(index + 1)

    def location(self, row: int | None, index: int | None = None, header: str = "") -> Location:
        column = "" if index is None else self.column_label(index, header)
        return Location(self.file, self.title, row, column)


# ---------------------------------------------------------------------------------------------
# File type
# ---------------------------------------------------------------------------------------------


def sniff_kind(data: bytes, extension: str, file: str) -> str:
    """'xlsx' or 'csv' for bytes that a reader can try; raises :class:`UnreadableFile` otherwise."""
    content = data[3:] if data.startswith(UTF8_BOM) else data[2:] if data.startswith(UTF16_BOMS) else data
    if not content.strip(b" \t\r\n\x00"):
        raise UnreadableFile(file, "tệp rỗng, không có dữ liệu. Hãy kiểm tra lại tệp đã chọn.")
    head = data[:8]
    if extension in XLSX_EXTENSIONS or extension == ".xls":
        if head.startswith(ZIP_MAGIC):
            return "xlsx"
        if head.startswith(OLE2_MAGIC):
            raise UnreadableFile(file, _ole2_message(data, extension))
        raise UnreadableFile(file, _not_a_workbook_message(data, extension))
    if extension in CSV_EXTENSIONS:
        if head.startswith(ZIP_MAGIC):
            return "xlsx"  # an Excel workbook saved under a .csv name: read it as what it is
        if head.startswith(OLE2_MAGIC):
            raise UnreadableFile(
                file,
                f"tệp mang đuôi {extension} nhưng thực ra là tệp Excel cũ (.xls) hoặc tệp đã đặt mật khẩu. "
                "Hãy mở trong Excel và lưu dạng .xlsx (không đặt mật khẩu) hoặc CSV UTF-8.",
            )
        return "csv"
    shown = extension or "(không có đuôi)"
    raise UnreadableFile(
        file, f"không nhận dạng được loại tệp {shown}. Chỉ nhận tệp {ACCEPTED} (CSV lưu dạng .csv/.txt)."
    )


def _ole2_message(data: bytes, extension: str) -> str:
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return (
            "tệp Excel đã được đặt mật khẩu (mã hoá) nên không đọc được. Hãy mở tệp trong Excel, "
            "bỏ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc) rồi lưu lại dạng .xlsx và tải lên."
        )
    if extension == ".xls" or "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return (
            "đây là tệp Excel cũ (.xls, Excel 97–2003), chương trình chỉ đọc .xlsx. Hãy mở tệp trong "
            "Excel, chọn Lưu thành › Sổ làm việc Excel (.xlsx) rồi tải lên tệp mới."
        )
    return (
        "tệp không phải .xlsx: có thể là tệp Excel đã đặt mật khẩu (mã hoá) hoặc tệp Excel cũ (.xls). "
        "Hãy mở trong Excel, bỏ mật khẩu nếu có, rồi lưu lại dạng .xlsx (không đặt mật khẩu) và tải lên."
    )


def _not_a_workbook_message(data: bytes, extension: str) -> str:
    sample = data[:4096].lstrip(UTF8_BOM).lstrip().lower()
    if sample.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in sample[:512]:
        return (
            f"tệp mang đuôi {extension} nhưng thực ra là trang web (HTML/XML) được đổi đuôi, thường do "
            "phần mềm khác xuất ra. Hãy mở tệp bằng Excel rồi Lưu thành › Sổ làm việc Excel (.xlsx)."
        )
    if b"%PDF" in data[:1024]:
        return f"tệp mang đuôi {extension} nhưng thực ra là tệp PDF. Hãy tải lên bảng tính .xlsx hoặc CSV."
    if _looks_like_text(data[:4096]):
        return (
            f"tệp mang đuôi {extension} nhưng không phải bảng tính Excel: có vẻ là tệp văn bản/CSV được "
            "đổi đuôi. Hãy đổi đuôi về .csv, hoặc mở bằng Excel rồi lưu lại dạng .xlsx."
        )
    return (
        f"tệp mang đuôi {extension} nhưng không phải bảng tính Excel (có thể là tệp khác bị đổi đuôi). "
        "Hãy mở tệp gốc bằng Excel và lưu lại dạng .xlsx rồi tải lên."
    )


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(sample) - 4  # cut inside the last character
    return True


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------

_VIET_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")
# Punctuation that Vietnamese office text may hold besides letters; symbols that a legacy
# Vietnamese encoding (TCVN3, VNI) produces when misread as Windows-1258 are left out.
_PLAUSIBLE_SYMBOLS = frozenset("–—‘’“”…•€°×÷±«»§©®№\u00a0")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plausible_char(ch: str) -> bool:
    if ch in _PLAUSIBLE_SYMBOLS or ch in _VIET_MARKS or ch in "đĐ":
        return True
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    return base.isascii() and base.isalpha() and all(m in _VIET_MARKS for m in marks)


def _is_utf8(data: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    step = 1 << 20
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_plausible_cp1258(data: bytes) -> bool:
    step = 1 << 20
    seen: set[str] = set()
    try:
        for start in range(0, len(data), step):
            text = data[start : start + step].decode("cp1258")
            if _CONTROL.search(text):
                return False
            for ch in set(text):
                if ch.isascii() or ch in seen:
                    continue
                if not _plausible_char(ch):
                    return False
                seen.add(ch)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(data: bytes, file: str) -> str:
    """The codec of CSV bytes: UTF-8 with BOM, UTF-16 with BOM, UTF-8, then Windows-1258 when the
    text is plausible Vietnamese; otherwise :class:`UnreadableFile`."""
    if data.startswith(UTF8_BOM):
        if not _is_utf8(data[3:]):
            raise UnreadableFile(
                file,
                "tệp CSV ghi là UTF-8 (có BOM) nhưng có byte không hợp lệ, có thể tệp bị hỏng. "
                "Hãy mở bằng Excel và lưu lại dạng 'CSV UTF-8'.",
            )
        return "utf-8-sig"
    if data.startswith(UTF16_BOMS):
        codec = "utf-16"
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            raise UnreadableFile(
                file, "tệp văn bản Unicode (UTF-16) bị hỏng. Hãy mở bằng Excel và lưu lại dạng 'CSV UTF-8'."
            ) from None
        return codec
    if b"\x00" in data[:65536]:
        raise UnreadableFile(
            file,
            "tệp không phải văn bản CSV (có byte nhị phân). Hãy tải lên tệp .xlsx, hoặc mở bằng Excel "
            "và lưu lại dạng 'CSV UTF-8'.",
        )
    if _is_utf8(data):
        sample = data[:65536].decode("utf-8", "ignore")
        if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):  # a stray one is not binary
            raise UnreadableFile(
                file, "tệp không phải văn bản CSV (có ký tự điều khiển). Hãy lưu lại dạng 'CSV UTF-8'."
            )
        return "utf-8"
    if _is_plausible_cp1258(data):
        return "cp1258"
    raise UnreadableFile(
        file,
        "không đọc được chữ trong tệp CSV: tệp không phải mã UTF-8 cũng không phải Windows-1258 (có thể "
        "là mã TCVN3/VNI cũ, hoặc không phải tệp văn bản). Hãy chuyển mã sang Unicode (ví dụ bằng Unikey) "
        "rồi mở bằng Excel và lưu dạng 'CSV UTF-8'.",
    )


def detect_delimiter(sample: str) -> str:
    """',', ';' or tab: the one that splits the first lines into the most consistent columns."""
    lines = [line for line in sample.splitlines()[:60] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        wide = [c for c in counts if c > 1]
        if not wide:
            continue
        mode = max(set(wide), key=wide.count)
        score = (wide.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_sheet(data: bytes, file: str) -> Sheet:
    codec = detect_encoding(data, file)
    # The first 64 KB decide the delimiter (a character cut at the end is ignored).
    head = data[:65536]
    if codec == "utf-16":
        head = head[: len(head) // 2 * 2]
    sample = head.decode(codec, "ignore")
    delimiter = detect_delimiter(sample)
    sheet = Sheet(file=file, title="", rows=iter(()), is_csv=True)
    sheet.rows = _csv_rows(data, codec, delimiter, sheet)
    return sheet


def _csv_rows(data: bytes, codec: str, delimiter: str, sheet: Sheet) -> Iterator[tuple[int, Row]]:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=codec, newline="", errors="strict")
    number = 0
    try:
        for number, row in enumerate(csv.reader(stream, delimiter=delimiter), start=1):
            yield number, row
    except (csv.Error, UnicodeDecodeError) as exc:
        raise UnreadableFile(
            sheet.file,
            f"không đọc tiếp được tệp CSV sau dòng {number}: {_csv_reason(exc)}. Hãy mở tệp bằng Excel "
            "và lưu lại dạng 'CSV UTF-8'.",
        ) from None


def _csv_reason(exc: Exception) -> str:
    text = str(exc)
    if "field larger" in text:
        return "có ô quá dài (có thể do dấu ngoặc kép không đóng)"
    if "NUL" in text:
        return "có byte NUL (tệp nhị phân)"
    if isinstance(exc, UnicodeDecodeError):
        return "có byte không hợp lệ với bảng mã"
    return "sai cấu trúc CSV"


# ---------------------------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------------------------


def workbook_sheets(data: bytes, file: str) -> list[Sheet]:
    """Open an .xlsx/.xlsm workbook from bytes and return its worksheets in order."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        sizes = sum(i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/"))
    except Exception:
        raise UnreadableFile(file, _corrupt_message()) from None
    if "[Content_Types].xml" not in names:
        raise UnreadableFile(
            file,
            "tệp là tệp nén (zip) nhưng không phải bảng tính Excel (.xlsx) — có thể là tệp khác bị đổi "
            "đuôi. Hãy mở tệp gốc bằng Excel và lưu lại dạng .xlsx.",
        )
    if sizes > MAX_SHEET_XML_BYTES:
        raise UnreadableFile(
            file,
            f"bảng tính quá lớn sau khi giải nén ({sizes // (1024 * 1024)} MB), thường do định dạng hàng "
            "triệu dòng/cột trống. Hãy xoá các dòng, cột trống thừa ở cuối trang tính rồi lưu lại, hoặc "
            "tách tệp.",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = ExcelReader(io.BytesIO(data), read_only=False, data_only=True, keep_links=False)
            reader.read()
    except Exception:
        raise UnreadableFile(file, _corrupt_message()) from None
    workbook = reader.wb
    parts: dict[str, str] = {}
    try:
        for sheet_def, rel in reader.parser.find_sheets():
            if rel is not None:
                parts[sheet_def.name] = rel.target
    except Exception:
        parts = {}
    sheets = []
    for ws in workbook.worksheets:
        sheet = Sheet(file=file, title=str(ws.title), rows=iter(()))
        sheet.hidden = ws.sheet_state != "visible"
        sheet.merges = [
            (r.min_row, r.min_col, r.max_row, r.max_col)
            for r in ws.merged_cells.ranges
            if r.min_row and r.min_col and r.max_row and r.max_col
        ]
        sheet.rows = _worksheet_rows(ws, sheet)
        part = parts.get(ws.title)
        if part is not None:
            sheet.formula_cells = _lazy_formula_cells(archive, part)
        sheets.append(sheet)
    return sheets


def _corrupt_message() -> str:
    return (
        "tệp Excel bị hỏng hoặc không đầy đủ (có thể tải lên chưa xong), không mở được. Hãy mở tệp trong "
        "Excel; nếu Excel mở được thì lưu lại dạng .xlsx rồi tải lên lần nữa."
    )


def _worksheet_rows(ws, sheet: Sheet) -> Iterator[tuple[int, Row]]:
    """Rows that hold at least one value, from the cells openpyxl stored (no empty cells created)."""
    cells = getattr(ws, "_cells", None)
    if cells is None:  # pragma: no cover - other openpyxl versions
        yield from _iter_rows_fallback(ws, sheet)
        return
    by_row: dict[int, dict[int, object]] = {}
    for (row, col), cell in cells.items():
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        by_row.setdefault(row, {})[col] = value
    previous = 0
    for row in sorted(by_row):
        if previous and row - previous > MAX_EMPTY_GAP:
            sheet.problems.append(_gap_problem(sheet, previous, row))
            return
        values = by_row[row]
        out: list[object] = [None] * max(values)
        for col, value in values.items():
            out[col - 1] = value
        previous = row
        yield row, out


def _iter_rows_fallback(ws, sheet: Sheet) -> Iterator[tuple[int, Row]]:  # pragma: no cover
    empty = 0
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
            empty = 0
            yield number, list(values)
        else:
            empty += 1
            if empty > MAX_EMPTY_GAP:
                sheet.problems.append(_gap_problem(sheet, number - empty, None))
                return


def _gap_problem(sheet: Sheet, last: int, next_row: int | None) -> Problem:
    where = f" (ô có dữ liệu tiếp theo ở dòng {next_row})" if next_row else ""
    return Problem(
        f"sau dòng {last} có hơn {MAX_EMPTY_GAP} dòng trống; phần phía dưới{where} không được đọc. "
        "Nếu đó là số liệu, hãy xoá các dòng trống ở giữa.",
        sheet.location(next_row),
        severity=Severity.WARNING,
        code="far_content",
    )


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _lazy_formula_cells(archive: zipfile.ZipFile, part: str) -> Callable[[], frozenset[tuple[int, int]]]:
    cache: list[frozenset[tuple[int, int]]] = []

    def compute() -> frozenset[tuple[int, int]]:
        if not cache:
            cache.append(_formula_cells_without_value(archive, part))
        return cache[0]

    return compute


def _formula_cells_without_value(archive: zipfile.ZipFile, part: str) -> frozenset[tuple[int, int]]:
    """Cells of a sheet part that hold a formula but no cached value (saved by a program, not Excel)."""
    from openpyxl.utils.cell import coordinate_to_tuple

    try:
        xml = archive.read(part.lstrip("/"))
    except Exception:
        return frozenset()
    if not _FORMULA_TAG.search(xml):
        return frozenset()
    found: set[tuple[int, int]] = set()
    try:
        for _event, element in iterparse(io.BytesIO(xml)):
            if not element.tag.endswith("}c") and element.tag != "c":
                continue
            has_formula = False
            has_value = False
            for child in element:
                local = child.tag.rsplit("}", 1)[-1]
                if local == "f":
                    has_formula = True
                elif (local == "v" and child.text) or local == "is":
                    has_value = True
            if has_formula and not has_value:
                ref = element.get("r")
                if ref:
                    with contextlib.suppress(ValueError, TypeError):
                        found.add(coordinate_to_tuple(ref))
            element.clear()
    except Exception:
        return frozenset(found)
    return frozenset(found)

"""Readers: a file's bytes in, a :class:`~etl.readers.base.ReadResult` out.

``read_file(path)`` and ``read_bytes(data, name)`` accept ``.xlsx``/``.xlsm`` workbooks and CSV
(``.csv``, ``.txt``: UTF-8 with or without BOM, Windows-1258, UTF-16 with BOM; delimiter ``,`` ``;``
or tab). Each sheet holding a table yields a :class:`~etl.readers.base.SheetTable` whose format
(long, targets, wide, commune form, DHIS2) is recognised from its header. A file that cannot be
read as a whole raises :class:`~etl.errors.UnreadableFile`; everything else is reported as located
:class:`~etl.errors.Problem` objects. No other exception leaves these functions.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePath

from etl.errors import Location, Problem, QcdcError, Severity, UnreadableFile
from etl.readers.base import AreaHint, FileFormat, RawRecord, ReadResult, SheetTable, TotalRow
from etl.readers.source import ACCEPTED, Sheet, csv_sheet, sniff_kind, workbook_sheets
from etl.readers.table import read_sheet

__all__ = [
    "ACCEPTED",
    "AreaHint",
    "FileFormat",
    "RawRecord",
    "ReadResult",
    "SheetTable",
    "TotalRow",
    "read_bytes",
    "read_file",
]

_EXPECTED = (
    "Cần một dòng tiêu đề cột theo một trong các dạng: (1) dạng dài: unit_code/unit_name (Mã đơn vị/"
    "Tên đơn vị), period (Kỳ), indicator (Chỉ tiêu), value (Giá trị), note (Ghi chú); (2) bảng tổng hợp: "
    "cột Đơn vị (hoặc Mã đơn vị) và mỗi chỉ tiêu một cột, ghi mã (như DLG_HELD) hoặc tên chỉ tiêu "
    "trong danh mục; (3) biểu mẫu xã: STT | Chỉ tiêu | Đơn vị tính | Số liệu | Ghi chú; (4) tệp CSV "
    "xuất từ DHIS2 (dataelement, period, orgunit, value …)."
)


def read_file(path: Path | str, *, display_name: str | None = None) -> ReadResult:
    """Read a file from disk; ``display_name`` is the name shown in messages and locations."""
    path = Path(path)
    shown = display_name or path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(shown, "không tìm thấy tệp. Hãy kiểm tra lại đường dẫn.") from None
    except IsADirectoryError:
        raise UnreadableFile(shown, "đây là một thư mục, không phải tệp.") from None
    except OSError as exc:
        raise UnreadableFile(shown, f"không mở được tệp ({exc.strerror or exc}).") from None
    extension = PurePath(display_name).suffix if display_name and PurePath(display_name).suffix else path.suffix
    return _read(data, shown, extension.lower())


def read_bytes(data: bytes, name: str) -> ReadResult:
    """Read an uploaded file; ``name`` (with its extension) says what kind of file it is."""
    shown = name or "tệp tải lên"
    if not isinstance(data, bytes | bytearray | memoryview):
        raise UnreadableFile(shown, "không có nội dung tệp.")
    return _read(bytes(data), shown, PurePath(name or "").suffix.lower())


def _read(data: bytes, shown: str, extension: str) -> ReadResult:
    try:
        kind = sniff_kind(data, extension, shown)
        result = ReadResult(file=shown, sha256=hashlib.sha256(data).hexdigest())
        sheets = csv_sheet(data, shown) if kind == "csv" else workbook_sheets(data, shown)
        if kind == "xlsx" and extension not in (".xlsx", ".xlsm"):
            result.problems.append(
                Problem(
                    f"tệp mang đuôi {extension} nhưng thực ra là bảng tính Excel (.xlsx); đã đọc như tệp .xlsx.",
                    Location(shown),
                    severity=Severity.WARNING,
                    code="wrong_extension",
                )
            )
        sheets = [sheets] if not isinstance(sheets, list) else sheets
        reasons: list[str] = []
        for sheet in sheets:
            if sheet.hidden:
                _hidden_sheet(sheet, result)
                continue
            try:
                table, reason = read_sheet(sheet)
            except QcdcError:
                raise
            except Exception as exc:
                result.problems.append(
                    Problem(
                        f"lỗi khi đọc trang tính ({type(exc).__name__}); hãy gửi tệp này cho người quản trị.",
                        Location(shown, sheet.title),
                        code="reader_error",
                    )
                )
                continue
            if table is not None:
                result.tables.append(table)
            elif reason:
                where = f"trang '{sheet.title}'" if sheet.title else "tệp"
                reasons.append(f"{where} {reason}")
        if not result.tables and not any(p.code == "reader_error" for p in result.problems):
            detail = f" ({'; '.join(reasons)})" if reasons else ""
            result.problems.append(
                Problem(
                    f"không tìm thấy bảng số liệu nào trong tệp{detail}. {_EXPECTED}",
                    Location(shown),
                    code="no_table",
                )
            )
        return result
    except QcdcError:
        raise
    except Exception as exc:
        raise UnreadableFile(shown, f"không đọc được tệp ({type(exc).__name__}).") from None


def _hidden_sheet(sheet: Sheet, result: ReadResult) -> None:
    for _number, values in sheet.rows:
        if any(v not in (None, "") for v in values):
            result.problems.append(
                Problem(
                    f"trang tính '{sheet.title}' đang bị ẩn nên không được đọc. Nếu trang này có số liệu cần "
                    "nạp, hãy bỏ ẩn trang (chuột phải vào tên trang › Bỏ ẩn) rồi tải lên lại.",
                    Location(sheet.file, sheet.title),
                    severity=Severity.WARNING,
                    code="hidden_sheet",
                )
            )
            return

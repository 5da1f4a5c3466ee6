"""Write the file formats offices use: long CSV/xlsx, district sheets, the commune form, DHIS2 CSV.

Pure functions over plain data (tuples, dicts, dataclasses): no database. Vietnamese labels come
from the indicator catalog (:func:`etl.indicators.indicator_catalog`) and
:attr:`etl.periods.Period.label_vi`, so that what we write is what :mod:`etl.readers` reads back.

Every writer keeps numbers and text apart:

* numbers stay numbers (``12`` is written ``12``, not ``12.0``; floats with a dot in CSV; a
  negative number stays a negative number), ``None`` is a blank cell ("not reported"), ``0`` is 0;
* text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return) is neutralised with a leading ``'`` (OWASP "CSV injection").

Spreadsheets are written with xlsxwriter, in memory, so that a workbook whose ``created`` property
is fixed (``properties={"created": datetime(...)}``) is the same file byte for byte each time.
"""

from __future__ import annotations

import csv
import io
import math
import os
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from etl.catalog import NoCriteriaSet, criteria_set_for
from etl.indicators import IndicatorDef, indicator_catalog
from etl.periods import Period
from etl.text import NTM_LEVEL_LABELS_VI

__all__ = [
    "DHIS2_DEFAULT_COMBO",
    "DHIS2_HEADER",
    "GROUP_SHORT_NAMES",
    "LONG_HEADER",
    "MOTTO_LINES",
    "REPORT_TITLE",
    "DistrictSheet",
    "LongRow",
    "cmp_rate",
    "neutralise",
    "ntm_criteria_max",
    "place_date_line",
    "write_commune_form",
    "write_dhis2_csv",
    "write_district_sheet",
    "write_long_csv",
    "write_long_xlsx",
]

Destination = str | os.PathLike[str] | IO[bytes] | IO[str]

LONG_HEADER = ("unit_code", "unit_name", "period", "indicator", "value")
DHIS2_HEADER = (
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
)
DHIS2_DEFAULT_COMBO = "HllvX50cXC0"  # DHIS2's "default" category option combo

REPORT_TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN QUY CHẾ DÂN CHỦ Ở CƠ SỞ"
MOTTO_LINES = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
DISTRICT_ISSUER = ("BAN CHỈ ĐẠO THỰC HIỆN QCDC",)

# Short names of the catalog's sections for the grouped header of district sheets.
GROUP_SHORT_NAMES = {
    "I": "Đối thoại",
    "II": "Đơn thư",
    "III": "Ấp, khu phố",
    "IV": "Dân chủ trực tiếp",
    "V": "Dân vận, giám sát",
    "VI": "Nông thôn mới",
}

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FONT = "Times New Roman"


# ------------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would take for a formula (``=1+1``, ``-2+3``, ``@SUM``)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _number(value: object) -> int | float | None:
    """An int for whole numbers, a float otherwise, ``None`` for "not a number" (blank, NaN)."""
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return int(value) if value.is_integer() else value
    return None


def _number_text(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def _cell_text(value: object) -> str:
    """A CSV field: numbers as written by :func:`_number_text`, text neutralised, ``None`` empty."""
    if value is None:
        return ""
    number = _number(value)
    if number is not None:
        return _number_text(number)
    if isinstance(value, float):  # NaN
        return ""
    if isinstance(value, Period):
        return value.code
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(str(value))


def cmp_rate(resolved: object, competent: object) -> float | None:
    """``100 * CMP_RESOLVED / CMP_COMPETENT`` with one decimal; ``None`` when it cannot be computed."""
    r, c = _number(resolved), _number(competent)
    if r is None or c is None or c <= 0:
        return None
    return round(100 * r / c, 1)


def ntm_criteria_max(period: Period) -> int:
    """Size of the new-rural-area criteria set in force at the end of ``period``
    (:func:`etl.catalog.criteria_set_for`): 19, or 10 from 15/2/2026, so 2026S1 on uses 10."""
    try:
        return criteria_set_for(period.end()).size
    except NoCriteriaSet:  # before 2016: no set in the catalog; 19 is the widest bound
        return 19


def place_date_line(place: str, day: date) -> str:
    """ "Kiên Lương, ngày 15 tháng 7 năm 2019" (days below 10 and months 1–2 with a leading zero,
    as Decree 30/2020/NĐ-CP writes them)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _period_code(period: object) -> str:
    return period.code if isinstance(period, Period) else str(period)


# ------------------------------------------------------------------------------------------------
# Long layout: CSV and xlsx
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LongRow:
    """One figure in long layout."""

    unit_code: str
    unit_name: str
    period: str | Period
    indicator: str
    value: float | int | str | None
    note: str | None = None


def _long_tuples(rows: Iterable[Any], value_key: str) -> Iterable[tuple[Any, ...]]:
    """(unit_code, unit_name, period, indicator, value, note) from tuples, dicts or :class:`LongRow`."""
    for row in rows:
        if isinstance(row, LongRow):
            yield (row.unit_code, row.unit_name, row.period, row.indicator, row.value, row.note)
        elif isinstance(row, Mapping):
            value = row.get(value_key, row.get("value"))
            yield (
                row.get("unit_code"),
                row.get("unit_name"),
                row.get("period"),
                row.get("indicator"),
                value,
                row.get("note"),
            )
        else:
            items = tuple(row)
            if len(items) not in (5, 6):
                raise ValueError(
                    "Mỗi dòng cần 5 hoặc 6 trường: mã đơn vị, tên đơn vị, kỳ, chỉ tiêu, số liệu[, ghi chú]."
                )
            yield (*items[:5], items[5] if len(items) == 6 else None)


def _write_text(out: Destination, text: str, encoding: str) -> None:
    if isinstance(out, str | os.PathLike):
        Path(out).write_bytes(text.encode(encoding))
    elif isinstance(out, io.TextIOBase):
        out.write(text)
    else:
        out.write(text.encode(encoding))  # type: ignore[arg-type]


def write_long_csv(
    rows: Iterable[Any],
    out: Destination,
    *,
    header: Sequence[str] = LONG_HEADER,
    note: bool = False,
    bom: bool = False,
) -> None:
    """Write figures in long layout: one line per unit × period × indicator.

    ``rows`` are tuples ``(unit_code, unit_name, period, indicator, value[, note])``, dicts with
    those keys (or the header's value column name, e.g. ``target``) or :class:`LongRow`. ``header``
    names the five columns (a targets file uses ``target`` for the last); ``note=True`` adds a
    ``note`` column. UTF-8 without BOM unless ``bom=True`` (Excel on Windows wants one).
    ``out`` is a path, a binary stream or a text stream.
    """
    names = list(header)
    if len(names) != 5:
        raise ValueError("Tiêu đề cần đúng 5 cột: unit_code, unit_name, period, indicator, value.")
    if note:
        names.append("note")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180; quotes CR and LF
    writer.writerow(names)
    for code, name, period, indicator, value, row_note in _long_tuples(rows, names[4]):
        fields = [
            _cell_text(code),
            _cell_text(name),
            _cell_text(_period_code(period) if period is not None else None),
            _cell_text(indicator),
            _cell_text(value),
        ]
        if note:
            fields.append(_cell_text(row_note))
        writer.writerow(fields)
    _write_text(out, buffer.getvalue(), "utf-8-sig" if bom else "utf-8")


def write_long_xlsx(
    rows: Iterable[Any],
    path: Destination,
    *,
    header: Sequence[str] = LONG_HEADER,
    note: bool = False,
    sheet_title: str = "Dữ liệu",
    properties: Mapping[str, Any] | None = None,
) -> None:
    """The long layout as a workbook: bold frozen header with a filter, numbers as numbers.

    Same rows as :func:`write_long_csv`; ``path`` is a path or a binary stream.
    """
    names = list(header)
    if note:
        names.append("note")
    wb = _new_workbook(path, properties)
    st = _styles(wb)
    ws = wb.add_worksheet(_sheet_name(sheet_title))
    head = st(bold=True, bg_color="#D9E1F2", border=1)
    for col, name in enumerate(names):
        ws.write_string(0, col, name, head)
    int_fmt, float_fmt = st(num_format="#,##0"), st(num_format="#,##0.0##")
    row_index = 0
    for row_index, (code, name, period, indicator, value, row_note) in enumerate(_long_tuples(rows, names[4]), start=1):
        texts = [code, name, _period_code(period) if period is not None else None, indicator]
        for col, text in enumerate(texts):
            if text is not None:
                ws.write_string(row_index, col, neutralise(str(text)))
        _write_value(ws, row_index, 4, value, int_fmt, float_fmt)
        if note and row_note is not None:
            ws.write_string(row_index, 5, neutralise(str(row_note)))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(row_index, 1), len(names) - 1)
    for col, width in enumerate([11, 24, 9, 18, 10, 30][: len(names)]):
        ws.set_column(col, col, width)
    wb.close()


def _write_value(ws: Worksheet, row: int, col: int, value: object, int_fmt: Format, float_fmt: Format) -> None:
    number = _number(value)
    if number is not None:
        ws.write_number(row, col, number, int_fmt if isinstance(number, int) else float_fmt)
    elif isinstance(value, str) and value != "":
        ws.write_string(row, col, neutralise(value))


# ------------------------------------------------------------------------------------------------
# Workbooks and formats
# ------------------------------------------------------------------------------------------------


def _new_workbook(path: Destination, properties: Mapping[str, Any] | None) -> Workbook:
    target = os.fspath(path) if isinstance(path, str | os.PathLike) else path
    wb = xlsxwriter.Workbook(target, {"in_memory": True})
    props = {"author": "QCDC Tracker"}
    props.update(properties or {})
    wb.set_properties(props)
    return wb


class _Styles:
    """Formats created once per workbook and combination of properties."""

    def __init__(self, wb: Workbook) -> None:
        self._wb = wb
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}

    def __call__(self, **props: Any) -> Format:
        merged = {"font_name": _FONT, "font_size": 11, **props}
        key = tuple(sorted(merged.items()))
        if key not in self._cache:
            self._cache[key] = self._wb.add_format(merged)
        return self._cache[key]


_STYLES: weakref.WeakKeyDictionary[Workbook, _Styles] = weakref.WeakKeyDictionary()


def _styles(wb: Workbook) -> _Styles:
    if wb not in _STYLES:
        _STYLES[wb] = _Styles(wb)
    return _STYLES[wb]


def _sheet_name(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip().strip("'")
    return (cleaned or "Sheet")[:31]


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, value: object, fmt: Format) -> None:
    """Merge a range (or write one cell when the range is one cell) with a string, number or blank."""
    text = "" if value is None else value
    if (r1, c1) == (r2, c2):
        if isinstance(text, str):
            if text:
                ws.write_string(r1, c1, text, fmt)
            else:
                ws.write_blank(r1, c1, None, fmt)
        else:
            ws.write_number(r1, c1, text, fmt)  # type: ignore[arg-type]
    else:
        ws.merge_range(r1, c1, r2, c2, text, fmt)


# Characters of Times New Roman 11 pt per unit of column width: ordinary text, bold capitals.
_CHARS_PER_UNIT = 1.3
_CAPS_PER_UNIT = 1.0


def _lines(text: str, width: float, per_unit: float = _CHARS_PER_UNIT) -> int:
    return max(1, math.ceil(len(text) / (max(width, 1) * per_unit))) if text else 1


def _wrapped_height(text: str, width: float) -> float:
    """Row height (points) for wrapped text in merged cells, which spreadsheets do not auto-fit."""
    return 15.0 * _lines(text, width) + 2


def _fit_row(ws: Worksheet, row: int, *cells: tuple[str, float, float]) -> None:
    """Give a row the height its longest wrapped cell needs, when that is more than one line
    (not every spreadsheet auto-fits wrapped rows when it opens a file)."""
    lines = max(_lines(text, width, per_unit) for text, width, per_unit in cells)
    if lines > 1:
        ws.set_row(row, 15.0 * lines + 2)


def _value_format(ind: IndicatorDef | None) -> str:
    if ind is None:
        return "General"
    if ind.kind == "rate":
        return "0.0"
    if ind.kind in ("year", "level"):
        return "0"
    return "#,##0"


def _indicator_def(code: str) -> IndicatorDef | None:
    catalog = indicator_catalog()
    return catalog.get(code) if code in catalog else None


# ------------------------------------------------------------------------------------------------
# District sheet: one row per unit, one column per indicator
# ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class DistrictSheet:
    """One sheet of a district (or province) compilation, as the steering committee prints it.

    ``units`` are ``(code, name as the office writes it)``; ``values`` maps ``(unit_code,
    indicator_code)`` to a number or ``None`` (blank: not reported). ``indicators`` defaults to
    every entered indicator of the catalog; ``include_rate`` adds ``CMP_RATE`` (recomputed from
    counts) after ``CMP_RESOLVED``. ``header="code"`` writes indicator codes instead of names in
    the second header row. ``notes`` are footnote lines printed below the table.
    """

    sheet_title: str
    period: Period
    units: Sequence[tuple[str, str]]
    values: Mapping[tuple[str, str], object]
    issuer_lines: Sequence[str] = DISTRICT_ISSUER
    report_title: str = REPORT_TITLE
    subtitle: str | None = None
    indicators: Sequence[str] | None = None
    include_code: bool = False
    include_rate: bool = False
    header: Literal["name", "code"] = "name"
    place_date: str | None = None
    signer_lines: Sequence[str] = ("TRƯỞNG BAN",)
    signer_name: str = ""
    preparer_title: str = "Người lập biểu"
    preparer_name: str = ""
    notes: Sequence[str] = field(default_factory=tuple)

    def indicator_codes(self) -> list[str]:
        codes = list(self.indicators or [i.code for i in indicator_catalog().entered])
        if self.include_rate and "CMP_RATE" not in codes:
            if "CMP_RESOLVED" in codes:
                codes.insert(codes.index("CMP_RESOLVED") + 1, "CMP_RATE")
            else:
                codes.append("CMP_RATE")
        return codes


def write_district_sheet(
    workbook_or_path: Workbook | Destination,
    *,
    sheets: Sequence[DistrictSheet],
    properties: Mapping[str, Any] | None = None,
) -> None:
    """Write one worksheet per :class:`DistrictSheet`.

    ``workbook_or_path``: an open :class:`xlsxwriter.Workbook` (the caller closes it) or a path or
    binary stream (a new workbook, closed here, with ``properties`` such as ``title``,
    ``comments`` and a fixed ``created`` datetime for reproducible files).
    """
    if isinstance(workbook_or_path, Workbook):
        wb, own = workbook_or_path, False
    else:
        wb, own = _new_workbook(workbook_or_path, properties), True
    for sheet in sheets:
        _write_district(wb, sheet)
    if own:
        wb.close()


def _unit_value(sheet: DistrictSheet, unit_code: str, code: str) -> int | float | None:
    if code == "CMP_RATE":
        return cmp_rate(sheet.values.get((unit_code, "CMP_RESOLVED")), sheet.values.get((unit_code, "CMP_COMPETENT")))
    value = _number(sheet.values.get((unit_code, code)))
    if value is None and code == "CMP_PENDING":
        competent = _number(sheet.values.get((unit_code, "CMP_COMPETENT")))
        resolved = _number(sheet.values.get((unit_code, "CMP_RESOLVED")))
        if competent is not None and resolved is not None:
            return competent - resolved
    return value


def _summable(ind: IndicatorDef | None) -> bool:
    """Flows and stocks add up over units; rates, levels, years and NTM figures do not."""
    return ind is not None and ind.kind in ("count", "stock") and not ind.communes_only


def _column_width(sheet: DistrictSheet, code: str) -> int:
    return max(11, len(code) + 2) if sheet.header == "code" else 11


def _write_district(wb: Workbook, sheet: DistrictSheet) -> None:
    st = _styles(wb)
    ws = wb.add_worksheet(_sheet_name(sheet.sheet_title))
    codes = sheet.indicator_codes()
    defs = [_indicator_def(c) for c in codes]
    fixed = ["STT", "Đơn vị"] + (["Mã đơn vị"] if sheet.include_code else [])
    nfix = len(fixed)
    ncols = nfix + len(codes)
    last = ncols - 1
    left_end = max(0, min(nfix + 1, ncols // 2 - 1))
    right_start = max(left_end + 1, ncols - 8)

    plain = st(align="center", valign="vcenter", font_size=12)
    bold = st(align="center", valign="vcenter", bold=True, font_size=12)
    bold_u = st(align="center", valign="vcenter", bold=True, underline=1, font_size=12)
    title = st(align="center", valign="vcenter", bold=True, font_size=14, text_wrap=True)
    italic = st(align="center", valign="vcenter", italic=True, font_size=12)
    note_fmt = st(align="left", valign="top", italic=True, text_wrap=True)

    # Issuer (left) and national motto (right).
    issuer = list(sheet.issuer_lines) or [""]
    motto_rows = max(len(issuer), 2)
    for i, line in enumerate(issuer):
        # The parent agency plain, the issuing body bold and underlined (Decree 30/2020 style).
        fmt = bold_u if i == len(issuer) - 1 else (bold if i else plain)
        _merge(ws, i, 0, i, left_end, neutralise(line), fmt)
    _merge(ws, 0, right_start, 0, last, MOTTO_LINES[0], bold)
    _merge(ws, 1, right_start, 1, last, MOTTO_LINES[1], bold_u)
    row = motto_rows + 1  # blank row after the heading block

    ws.set_row(row, 22)
    _merge(ws, row, 0, row, last, sheet.report_title, title)
    row += 1
    _merge(ws, row, 0, row, last, sheet.period.label_vi.upper(), bold)
    row += 1
    if sheet.subtitle:
        _merge(ws, row, 0, row, last, neutralise(sheet.subtitle), italic)
        row += 1
    row += 1  # blank row

    # Two-row header, then the column numbers.
    head = st(bold=True, align="center", valign="vcenter", text_wrap=True, border=1, bg_color="#F2F2F2")
    head_b = st(align="center", valign="vcenter", text_wrap=True, border=1, bg_color="#F2F2F2", bold=True)
    number_row = st(italic=True, align="center", valign="vcenter", border=1)
    h_a, h_b, h_n = row, row + 1, row + 2
    for col, label in enumerate(fixed):
        ws.merge_range(h_a, col, h_b, col, label, head)
    col = nfix
    while col < ncols:
        ind = defs[col - nfix]
        section = ind.section if ind is not None else ""
        end = col
        while end + 1 < ncols and (defs[end + 1 - nfix].section if defs[end + 1 - nfix] else "") == section:
            end += 1
        group = GROUP_SHORT_NAMES.get(section, ind.section_vi if ind is not None else "")
        _merge(ws, h_a, col, h_a, end, group, head)
        col = end + 1
    for i, (code, ind) in enumerate(zip(codes, defs, strict=True)):
        label = code if sheet.header == "code" or ind is None else ind.name_vi
        ws.write_string(h_b, nfix + i, label, head_b)
    for col in range(ncols):
        ws.write_string(h_n, col, f"({col + 1})", number_row)
    ws.set_row(h_a, 30)
    ws.set_row(h_b, 36 if sheet.header == "code" else 120)

    # One row per unit.
    cell = st(border=1, valign="vcenter", text_wrap=True)
    stt_fmt = st(border=1, align="center", valign="vcenter")
    code_fmt = st(border=1, align="center", valign="vcenter", num_format="@")
    value_fmts = [st(border=1, valign="vcenter", num_format=_value_format(d)) for d in defs]
    row = h_n + 1
    first_unit_row = row
    totals: list[int | float | None] = [None] * len(codes)
    for stt, (unit_code, unit_name) in enumerate(sheet.units, start=1):
        ws.write_number(row, 0, stt, stt_fmt)
        ws.write_string(row, 1, neutralise(str(unit_name)), cell)
        if sheet.include_code:
            ws.write_string(row, 2, str(unit_code), code_fmt)
        for i, code in enumerate(codes):
            value = _unit_value(sheet, unit_code, code)
            if value is None:
                ws.write_blank(row, nfix + i, None, value_fmts[i])
            else:
                ws.write_number(row, nfix + i, value, value_fmts[i])
                if _summable(defs[i]):
                    totals[i] = (totals[i] or 0) + value
        row += 1

    # Total row: flows and stocks summed; NTM figures, levels, years and rates left blank.
    total_label = st(border=1, bold=True, align="center", valign="vcenter")
    total_fmts = [st(border=1, bold=True, valign="vcenter", num_format=_value_format(d)) for d in defs]
    ws.write_blank(row, 0, None, total_label)
    ws.write_string(row, 1, "Tổng cộng", total_label)
    if sheet.include_code:
        ws.write_blank(row, 2, None, total_label)
    for i, total in enumerate(totals):
        if total is None:
            ws.write_blank(row, nfix + i, None, total_fmts[i])
        else:
            value = round(total, 6) if isinstance(total, float) else total
            ws.write_number(row, nfix + i, value, total_fmts[i])
    last_table_row = row
    row += 2  # blank row

    table_width = 5 + 22 + (10 if sheet.include_code else 0) + sum(_column_width(sheet, c) for c in codes)
    for note in sheet.notes:
        _merge(ws, row, 0, row, last, neutralise(note), note_fmt)
        ws.set_row(row, _wrapped_height(note, table_width))
        row += 1
    if sheet.notes:
        row += 1

    _signature_block(
        ws,
        st,
        row,
        left=(0, left_end),
        right=(right_start, last),
        place_date=sheet.place_date,
        signer_lines=sheet.signer_lines,
        signer_name=sheet.signer_name,
        preparer_title=sheet.preparer_title,
        preparer_name=sheet.preparer_name,
    )

    # Columns, panes and printing.
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 22)
    if sheet.include_code:
        ws.set_column(2, 2, 10)
    for i, code in enumerate(codes):
        ws.set_column(nfix + i, nfix + i, _column_width(sheet, code))
    ws.freeze_panes(first_unit_row, nfix)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(h_a, h_n)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.center_horizontally()
    ws.print_area(0, 0, max(last_table_row, row + 6), last)


def _signature_block(
    ws: Worksheet,
    st: _Styles,
    row: int,
    *,
    left: tuple[int, int],
    right: tuple[int, int],
    place_date: str | None,
    signer_lines: Sequence[str],
    signer_name: str,
    preparer_title: str,
    preparer_name: str,
    unlocked: bool = False,
) -> int:
    """Place and date, the signer's title and name on the right; the preparer on the left.
    Returns the row after the block."""
    lock = {"locked": False} if unlocked else {}
    italic = st(align="center", italic=True, font_size=12, **lock)
    bold = st(align="center", bold=True, font_size=12)
    name_fmt = st(align="center", bold=True, font_size=12, **lock)
    if place_date:
        _merge(ws, row, right[0], row, right[1], neutralise(place_date), italic)
    row += 1
    first = row
    for line in signer_lines:
        _merge(ws, row, right[0], row, right[1], neutralise(line), bold)
        row += 1
    if preparer_title:
        _merge(ws, first, left[0], first, left[1], neutralise(preparer_title), bold)
    name_row = max(row, first + 1) + 3
    if signer_name or unlocked:
        _merge(ws, name_row, right[0], name_row, right[1], neutralise(signer_name), name_fmt)
    if preparer_name or unlocked:
        _merge(ws, name_row, left[0], name_row, left[1], neutralise(preparer_name), name_fmt)
    return name_row + 1


# ------------------------------------------------------------------------------------------------
# Commune form: one unit and period, one row per indicator
# ------------------------------------------------------------------------------------------------

_FORM_WIDTHS = (6, 56, 12, 13, 28)
NTM_LEVEL_WORDS = tuple(NTM_LEVEL_LABELS_VI[i] for i in sorted(NTM_LEVEL_LABELS_VI))
_BLANK = "……………"


def write_commune_form(
    path_or_stream: Destination,
    *,
    unit_name: str | None,
    area_line: str | None,
    period: Period | None,
    values: Mapping[str, object] | None = None,
    notes: Mapping[str, str] | None = None,
    issuer_lines: Sequence[str] | None = None,
    include_ntm: bool = True,
    indicators: Sequence[str] | None = None,
    place_date: str | None = None,
    signer_lines: Sequence[str] = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    signer_name: str = "",
    preparer_title: str = "Người lập biểu",
    preparer_name: str = "",
    footnotes: Sequence[str] = (),
    ntm_level_words: bool = True,
    protect: bool = True,
    sheet_title: str = "Báo cáo",
    properties: Mapping[str, Any] | None = None,
) -> None:
    """The commune's paper form as a workbook: "STT | Chỉ tiêu | Đơn vị tính | Số liệu | Ghi chú".

    Section rows ("I. ĐỐI THOẠI VỚI NHÂN DÂN") and one row per entered indicator, numbered 1, 2, 3
    within each section. ``include_ntm=False`` leaves out the new-rural-area rows (towns and wards).
    ``unit_name``/``period`` ``None`` give a blank template with dotted placeholders. The "Số liệu"
    cells carry data validation (whole numbers ≥ 0; criteria within the set in force; the NTM level
    as a list "Chưa đạt, Đạt chuẩn, Nâng cao, Kiểu mẫu" when ``ntm_level_words``) and, with
    ``protect``, only the input cells are unlocked (the sheet is protected without a password).
    """
    values = values or {}
    notes = notes or {}
    catalog = indicator_catalog()
    codes = list(indicators or [i.code for i in catalog.entered])
    if not include_ntm:
        codes = [c for c in codes if c not in catalog or not catalog.get(c).communes_only]

    wb = _new_workbook(path_or_stream, properties)
    st = _styles(wb)
    ws = wb.add_worksheet(_sheet_name(sheet_title))
    lock = {"locked": False}
    last = 4

    issuer = list(issuer_lines) if issuer_lines else [f"UBND {(unit_name or _BLANK).upper()}"]
    rows = max(len(issuer), 2)
    for i in range(rows):
        if i < len(issuer):
            last_line = i == len(issuer) - 1
            fmt = st(align="center", valign="vcenter", bold=last_line, underline=1 if last_line else 0, **lock)
            _merge(ws, i, 0, i, 1, neutralise(issuer[i]), fmt)
        if i < 2:
            fmt = st(align="center", valign="vcenter", bold=True, underline=1 if i else 0)
            _merge(ws, i, 2, i, last, MOTTO_LINES[i], fmt)
    row = rows + 1
    _merge(ws, row, 0, row, last, REPORT_TITLE, st(align="center", bold=True, font_size=14))
    row += 1
    period_text = period.label_vi if period else f"6 tháng {_BLANK} năm {_BLANK}"
    _merge(ws, row, 0, row, last, f"Kỳ báo cáo: {period_text}", st(align="center", bold=True, **lock))
    row += 1
    unit_text = unit_name or _BLANK
    if area_line:
        unit_text = f"{unit_text}, {area_line}"
    _merge(ws, row, 0, row, last, f"Đơn vị: {neutralise(unit_text)}", st(align="center", **lock))
    row += 2

    head = st(bold=True, align="center", valign="vcenter", text_wrap=True, border=1, bg_color="#F2F2F2")
    header_row = row
    for col, label in enumerate(("STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú")):
        ws.write_string(row, col, label, head)
    row += 1

    section_fmt = st(bold=True, border=1, valign="vcenter", text_wrap=True, bg_color="#FAFAFA")
    stt_fmt = st(border=1, align="center", valign="vcenter")
    label_fmt = st(border=1, valign="vcenter", text_wrap=True)
    unit_fmt = st(border=1, align="center", valign="vcenter")
    note_fmt = st(border=1, valign="vcenter", text_wrap=True, **lock)
    current_section = None
    stt = 0
    for code in codes:
        ind = catalog.get(code) if code in catalog else None
        section = ind.section if ind else ""
        if section != current_section:
            current_section = section
            stt = 0
            ws.write_blank(row, 0, None, section_fmt)
            heading = f"{section}. {ind.section_vi}" if ind else ""
            ws.write_string(row, 1, heading, section_fmt)
            _fit_row(ws, row, (heading, _FORM_WIDTHS[1], _CAPS_PER_UNIT))
            for col in (2, 3, 4):
                ws.write_blank(row, col, None, section_fmt)
            row += 1
        stt += 1
        ws.write_number(row, 0, stt, stt_fmt)
        ws.write_string(row, 1, ind.name_vi if ind else code, label_fmt)
        ws.write_string(row, 2, ind.unit_vi if ind else "", unit_fmt)
        value_fmt = st(border=1, valign="vcenter", align="right", num_format=_value_format(ind), **lock)
        value = values.get(code)
        number = _number(value)
        if code == "NTM_LEVEL" and ntm_level_words and number is not None and number in NTM_LEVEL_LABELS_VI:
            ws.write_string(row, 3, NTM_LEVEL_LABELS_VI[int(number)], value_fmt)
        elif number is not None:
            ws.write_number(row, 3, number, value_fmt)
        elif isinstance(value, str) and value:
            ws.write_string(row, 3, neutralise(value), value_fmt)
        else:
            ws.write_blank(row, 3, None, value_fmt)
        _fit_row(
            ws,
            row,
            (ind.name_vi if ind else code, _FORM_WIDTHS[1], _CHARS_PER_UNIT),
            (notes.get(code) or "", _FORM_WIDTHS[4], _CHARS_PER_UNIT),
        )
        if notes.get(code):
            ws.write_string(row, 4, neutralise(notes[code]), note_fmt)
        else:
            ws.write_blank(row, 4, None, note_fmt)
        _form_validation(ws, row, code, ind, period, ntm_level_words)
        row += 1
    row += 1

    for line in footnotes:
        _merge(ws, row, 0, row, last, neutralise(line), st(italic=True, text_wrap=True, valign="top"))
        ws.set_row(row, _wrapped_height(line, sum(_FORM_WIDTHS)))
        row += 1
    if footnotes:
        row += 1
    end = _signature_block(
        ws,
        st,
        row,
        left=(0, 1),
        right=(2, last),
        place_date=place_date or f"{_BLANK}, ngày {_BLANK} tháng {_BLANK} năm {_BLANK}",
        signer_lines=signer_lines,
        signer_name=signer_name,
        preparer_title=preparer_title,
        preparer_name=preparer_name,
        unlocked=True,
    )

    for col, width in enumerate(_FORM_WIDTHS):
        ws.set_column(col, col, width)
    ws.freeze_panes(header_row + 1, 0)
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.6, right=0.4, top=0.5, bottom=0.5)
    ws.print_area(0, 0, end, last)
    if protect:
        ws.protect(
            "",
            {
                "select_locked_cells": True,
                "select_unlocked_cells": True,
                "format_columns": True,
                "format_rows": True,
            },
        )
    wb.close()


def _form_validation(
    ws: Worksheet,
    row: int,
    code: str,
    ind: IndicatorDef | None,
    period: Period | None,
    ntm_level_words: bool,
) -> None:
    blank_hint = "Để trống nếu không báo cáo; ghi 0 nếu bằng không."
    if code == "NTM_LEVEL" and ntm_level_words:
        options: dict[str, Any] = {
            "validate": "list",
            "source": list(NTM_LEVEL_WORDS),
            "input_title": "Mức đạt chuẩn NTM",
            "input_message": "Chọn: " + ", ".join(NTM_LEVEL_WORDS) + ".",
        }
    elif code == "NTM_LEVEL":
        options = {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": 3}
        options["input_message"] = "0 chưa đạt, 1 đạt chuẩn, 2 nâng cao, 3 kiểu mẫu."
    elif code == "NTM_CRITERIA_MET":
        top = ntm_criteria_max(period) if period else 19
        options = {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": top}
        options["input_message"] = f"Số nguyên từ 0 đến {top} (bộ tiêu chí đang áp dụng)."
    elif code == "NTM_YEAR":
        top = period.year if period else 2100
        options = {"validate": "integer", "criteria": "between", "minimum": 2010, "maximum": top}
        options["input_message"] = f"Năm đạt chuẩn (đến {top}); để trống nếu chưa đạt."
    elif ind is not None and ind.kind == "rate":
        options = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100}
    else:
        options = {"validate": "integer", "criteria": ">=", "value": 0}
        options["input_message"] = "Số nguyên ≥ 0. " + blank_hint
    options.setdefault("input_title", "Số liệu")
    options["error_title"] = "Số liệu không hợp lệ"
    options["error_message"] = "Giá trị không hợp lệ cho chỉ tiêu này. " + blank_hint
    ws.data_validation(row, 3, row, 3, options)


# ------------------------------------------------------------------------------------------------
# DHIS2 data value set (CSV)
# ------------------------------------------------------------------------------------------------


def write_dhis2_csv(
    rows: Iterable[Any],
    out: Destination,
    *,
    storedby: str = "qcdc",
    lastupdated: datetime | str | None = None,
) -> None:
    """A DHIS2 data value set CSV (import with ``idScheme=CODE``).

    ``rows`` are tuples ``(dataelement, period, orgunit, value[, comment])`` or dicts with any of
    the header's keys (missing ones take the defaults: the "default" category option combo
    ``HllvX50cXC0``, ``storedby``, ``lastupdated`` (ISO 8601, now in UTC if not given), ``followup``
    ``false``).
    """
    if lastupdated is None:
        lastupdated = datetime.now(UTC).replace(microsecond=0)
    stamp = lastupdated.isoformat() if isinstance(lastupdated, datetime) else str(lastupdated)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180; quotes CR and LF
    writer.writerow(DHIS2_HEADER)
    for row in rows:
        if isinstance(row, Mapping):
            record = dict(row)
        else:
            items = tuple(row)
            if len(items) not in (4, 5):
                raise ValueError("Mỗi dòng DHIS2 cần: dataelement, period, orgunit, value[, comment].")
            record = dict(zip(("dataelement", "period", "orgunit", "value", "comment"), items, strict=False))
        record.setdefault("categoryoptioncombo", DHIS2_DEFAULT_COMBO)
        record.setdefault("attributeoptioncombo", DHIS2_DEFAULT_COMBO)
        record.setdefault("storedby", storedby)
        record.setdefault("lastupdated", stamp)
        record.setdefault("followup", "false")
        if isinstance(record.get("period"), Period):
            record["period"] = record["period"].code
        if isinstance(record.get("lastupdated"), datetime):
            record["lastupdated"] = record["lastupdated"].isoformat()
        if isinstance(record.get("followup"), bool):
            record["followup"] = "true" if record["followup"] else "false"
        writer.writerow([_cell_text(record.get(name)) for name in DHIS2_HEADER])
    _write_text(out, buffer.getvalue(), "utf-8")

"""Download files built from the DataFrame a page shows. Pure functions: bytes out, no Streamlit.

* CSV in UTF-8 **with BOM**, so that Excel on Vietnamese Windows opens the diacritics correctly;
* Excel (xlsxwriter): bold frozen header with a filter, numbers as numbers, a source line.

Text that a spreadsheet would run as a formula is neutralised (:func:`etl.writers.neutralise`).
A missing value stays a blank cell, never 0.
"""

from __future__ import annotations

import io
import math
import numbers
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import numpy as np
import pandas as pd
import xlsxwriter

from etl.reports.model import Deck, Slide
from etl.reports.pptx import write_pptx
from etl.writers import neutralise


def _text(value: object) -> str:
    return neutralise(str(value))


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as CSV, UTF-8 with BOM, comma separated, blanks for missing values."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = [None if _is_blank(v) else _text(v) for v in safe[column]]
    header = [_text(name) for name in frame.columns]  # a heading is a cell too (the Excel export's are neutralised)
    return safe.to_csv(index=False, header=header, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, *, sheet: str = "Dữ liệu", source: str = "") -> bytes:
    """The table as an .xlsx workbook (numbers stay numbers; ``source`` as a last line)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"title": sheet, "comments": source, "created": datetime(2000, 1, 1)})
    worksheet = workbook.add_worksheet(sheet[:31])
    head = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
    whole = workbook.add_format({"num_format": "#,##0"})
    decimal = workbook.add_format({"num_format": "#,##0.0"})
    for col, name in enumerate(frame.columns):
        worksheet.write_string(0, col, _text(name), head)
    for row_index, row in enumerate(frame.itertuples(index=False), start=1):
        for col, value in enumerate(row):
            if _is_blank(value):
                continue
            if isinstance(value, bool | np.bool_):
                worksheet.write_boolean(row_index, col, bool(value))
            elif isinstance(value, numbers.Real) and math.isfinite(float(value)):
                number = float(value)
                worksheet.write_number(row_index, col, number, whole if number.is_integer() else decimal)
            else:
                worksheet.write_string(row_index, col, _text(value))
    last = len(frame)
    worksheet.freeze_panes(1, 0)
    if len(frame.columns):
        worksheet.autofilter(0, 0, max(last, 1), len(frame.columns) - 1)
    for col, name in enumerate(frame.columns):
        longest = max([len(str(name))] + [len(str(v)) for v in frame.iloc[:200, col]])
        worksheet.set_column(col, col, min(max(10, longest + 2), 60))
    if source:
        worksheet.write_string(last + 2, 0, _text(source))
    workbook.close()
    return buffer.getvalue()


def deck_pptx_bytes(deck: Deck, extras: Sequence[Slide] = ()) -> bytes:
    """The deck as PowerPoint with ``extras`` (charts added from the other pages) after its slides."""
    buffer = io.BytesIO()
    write_pptx(replace(deck, slides=tuple(deck.slides) + tuple(extras)), buffer)
    return buffer.getvalue()

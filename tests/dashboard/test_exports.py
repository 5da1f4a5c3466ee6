"""Downloads built from a page's table: CSV that Excel opens with its Vietnamese intact, Excel with
numbers as numbers, formulas neutralised, blanks kept blank."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from dashboard.exports import csv_bytes, xlsx_bytes

TABLE = pd.DataFrame(
    {
        "Kỳ": ["6 tháng đầu năm 2019", "6 tháng đầu năm 2019", "6 tháng cuối năm 2019"],
        "Đơn vị": ["Xã Hòa Điền", '=HYPERLINK("http://x")', "Xã Bình Trị"],
        "Giá trị": [1050.0, 0.0, None],
        "Tỷ lệ": [85.5, 100.0, None],
    }
)


def test_csv_is_utf8_with_bom_and_keeps_blanks():
    data = csv_bytes(TABLE)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Kỳ,Đơn vị,Giá trị,Tỷ lệ"
    assert lines[1] == "6 tháng đầu năm 2019,Xã Hòa Điền,1050.0,85.5"
    assert "'=HYPERLINK" in lines[2]  # a formula is neutralised
    assert lines[3] == "6 tháng cuối năm 2019,Xã Bình Trị,,"  # not reported: blank, never 0


def test_xlsx_keeps_numbers_as_numbers():
    data = xlsx_bytes(TABLE, sheet="So sánh", source="Nguồn: QCDC Tracker")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "So sánh"
    assert [c.value for c in sheet[1]] == ["Kỳ", "Đơn vị", "Giá trị", "Tỷ lệ"]
    assert sheet["C2"].value == 1050 and sheet["C2"].number_format == "#,##0"
    assert sheet["D2"].value == 85.5
    assert sheet["C3"].value == 0  # a real zero
    assert sheet["C4"].value is None  # not reported
    assert sheet["B3"].value.startswith("'=")
    assert sheet["A6"].value == "Nguồn: QCDC Tracker"
    assert sheet.freeze_panes == "A2"

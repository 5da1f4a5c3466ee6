"""etl/writers.py: every file is opened again with csv/openpyxl and its layout asserted."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
import xlsxwriter

from etl.indicators import indicator_catalog
from etl.periods import Period
from etl.writers import (
    DHIS2_HEADER,
    GROUP_SHORT_NAMES,
    MOTTO_LINES,
    REPORT_TITLE,
    DistrictSheet,
    LongRow,
    cmp_rate,
    neutralise,
    ntm_criteria_max,
    place_date_line,
    write_commune_form,
    write_dhis2_csv,
    write_district_sheet,
    write_long_csv,
    write_long_xlsx,
)

CATALOG = indicator_catalog()
ENTERED = [i.code for i in CATALOG.entered]
DANGEROUS = ["=SUM(A1:A9)", "+1", "-2+3", "@cmd", "\tx", "\rx"]


def _rows(ws) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _find(ws, value) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell.row, cell.column
    raise AssertionError(f"{value!r} not in sheet {ws.title}")


def _merged(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", DANGEROUS)
def test_neutralise_prefixes_formula_starts(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Xã Bình An", "12", "(1)", "", "Độc lập - Tự do"])
def test_neutralise_keeps_ordinary_text(text):
    assert neutralise(text) == text


def test_place_date_line_follows_decree_30():
    assert place_date_line("Kiên Lương", date(2019, 7, 15)) == "Kiên Lương, ngày 15 tháng 7 năm 2019"
    assert place_date_line("An Giang", date(2026, 1, 5)) == "An Giang, ngày 05 tháng 01 năm 2026"


def test_cmp_rate_recomputes_with_one_decimal():
    assert cmp_rate(238, 316) == 75.3  # not the 88.9 % a province once printed
    assert cmp_rate(6.0, 7) == 85.7
    assert cmp_rate(0, 0) is None
    assert cmp_rate(None, 5) is None


def test_ntm_criteria_max_switches_to_the_2026_set():
    assert ntm_criteria_max(Period(2025, 2)) == 19
    assert ntm_criteria_max(Period(2026, 1)) == 10
    assert ntm_criteria_max(Period(2026, 2)) == 10


# ------------------------------------------------------------------------------------------------
# Long CSV / xlsx
# ------------------------------------------------------------------------------------------------


def _read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_long_csv_writes_integers_as_integers_and_floats_with_a_dot(tmp_path):
    path = tmp_path / "long.csv"
    rows = [
        ("30787", "Thị trấn Kiên Lương", "2019S1", "DLG_HELD", 12.0),
        ("30787", "Thị trấn Kiên Lương", Period(2019, 2), "DLG_HELD", 3),
        ("30787", "Thị trấn Kiên Lương", "2019S1", "CMP_RATE", 85.7),
        ("30787", "Thị trấn Kiên Lương", "2019S1", "DLG_OPINIONS", 0),
        ("30787", "Thị trấn Kiên Lương", "2019S1", "DLG_ANSWERED", None),
        ("30787", "Thị trấn Kiên Lương", "2019S1", "CMP_NEW", -4.0),
    ]
    write_long_csv(rows, path)
    lines = _read_csv(path)
    assert lines[0] == ["unit_code", "unit_name", "period", "indicator", "value"]
    assert [line[4] for line in lines[1:]] == ["12", "3", "85.7", "0", "", "-4"]
    assert lines[2][2] == "2019S2"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "Thị trấn Kiên Lương".encode() in raw


def test_long_csv_neutralises_formula_text_but_not_negative_numbers(tmp_path):
    path = tmp_path / "evil.csv"
    rows = [("1", name, "2019S1", "DLG_HELD", -2, name) for name in DANGEROUS]
    write_long_csv(rows, path, note=True)
    lines = _read_csv(path)
    assert lines[0][-1] == "note"
    for line, name in zip(lines[1:], DANGEROUS, strict=True):
        assert line[1] == "'" + name
        assert line[5] == "'" + name
        assert line[4] == "-2"


def test_long_csv_accepts_dicts_dataclasses_streams_and_a_target_header():
    header = ("unit_code", "unit_name", "period", "indicator", "target")
    rows = [
        {
            "unit_code": "30790",
            "unit_name": "Xã Kiên Bình",
            "period": "2019",
            "indicator": "NTM_LEVEL",
            "target": 1,
        },
        LongRow("30809", "Xã Bình Trị", "2019", "NTM_LEVEL", 1.0),
    ]
    text = io.StringIO()
    write_long_csv(rows, text, header=header)
    assert text.getvalue().splitlines() == [
        "unit_code,unit_name,period,indicator,target",
        "30790,Xã Kiên Bình,2019,NTM_LEVEL,1",
        "30809,Xã Bình Trị,2019,NTM_LEVEL,1",
    ]
    binary = io.BytesIO()
    write_long_csv(rows, binary, header=header, bom=True)
    assert binary.getvalue().startswith(b"\xef\xbb\xbfunit_code,")


def test_long_csv_refuses_a_short_row(tmp_path):
    with pytest.raises(ValueError):
        write_long_csv([("1", "x", "2019S1")], tmp_path / "x.csv")


def test_long_xlsx_layout(tmp_path):
    path = tmp_path / "long.xlsx"
    rows = [
        ("30787", '=HYPERLINK("x")', "2019S1", "DLG_HELD", 12.0, "@note"),
        ("30790", "Xã Kiên Bình", "2019S1", "CMP_NEW", -3),
        ("30790", "Xã Kiên Bình", "2019S1", "CMP_RATE", 85.7),
        ("30790", "Xã Kiên Bình", "2019S1", "DLG_ANSWERED", None),
    ]
    write_long_xlsx(rows, path, note=True)
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[1]] == ["unit_code", "unit_name", "period", "indicator", "value", "note"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.cell(2, 2).value == '\'=HYPERLINK("x")'
    assert ws.cell(2, 6).value == "'@note"
    assert ws.cell(2, 5).value == 12 and isinstance(ws.cell(2, 5).value, int)
    assert ws.cell(3, 5).value == -3 and ws.cell(3, 5).data_type == "n"
    assert ws.cell(4, 5).value == 85.7
    assert ws.cell(5, 5).value is None
    assert ws.cell(2, 1).value == "30787" and ws.cell(2, 1).data_type == "s"
    assert ws.cell(2, 5).number_format == "#,##0"


# ------------------------------------------------------------------------------------------------
# District sheet
# ------------------------------------------------------------------------------------------------

UNITS = [("30787", "TT. Kiên Lương"), ("30790", "Kiên Bình"), ("30802", "Xã Hòa Điền")]


def _values() -> dict[tuple[str, str], object]:
    values: dict[tuple[str, str], object] = {}
    for n, (code, _) in enumerate(UNITS, start=1):
        for k, ind in enumerate(ENTERED):
            values[(code, ind)] = float(n + k)
    values[("30787", "DLG_HELD")] = 0  # zero is a value
    values[("30790", "DLG_OPINIONS")] = None  # blank: not reported
    for ind in ("NTM_CRITERIA_MET", "NTM_LEVEL", "NTM_YEAR"):
        values[("30787", ind)] = None  # a town has no NTM figures
    values[("30790", "NTM_YEAR")] = 2019
    values[("30802", "NTM_YEAR")] = 2016
    values[("30790", "CMP_COMPETENT")] = 7
    values[("30790", "CMP_RESOLVED")] = 6
    return values


def _district(tmp_path, **kwargs):
    sheet = DistrictSheet(
        sheet_title="6 tháng đầu năm",
        period=Period(2019, 1),
        units=kwargs.pop("units", UNITS),
        values=kwargs.pop("values", _values()),
        issuer_lines=("UBND HUYỆN KIÊN LƯƠNG", "BAN CHỈ ĐẠO THỰC HIỆN QCDC"),
        place_date="Kiên Lương, ngày 15 tháng 7 năm 2019",
        signer_name="Nguyễn Văn A",
        preparer_name="Trần Thị B",
        notes=("Ghi chú: Số liệu minh họa.",),
        **kwargs,
    )
    path = tmp_path / "district.xlsx"
    write_district_sheet(path, sheets=[sheet], properties={"created": datetime(2019, 7, 15)})
    return openpyxl.load_workbook(path)["6 tháng đầu năm"]


def test_district_sheet_heading_block(tmp_path):
    ws = _district(tmp_path)
    assert ws["A1"].value == "UBND HUYỆN KIÊN LƯƠNG"
    assert ws["A2"].value == "BAN CHỈ ĐẠO THỰC HIỆN QCDC"
    r, c = _find(ws, MOTTO_LINES[0])
    assert r == 1 and c > 5  # on the right
    assert ws.cell(2, c).value == "Độc lập - Tự do - Hạnh phúc"
    assert all(v is None for v in _rows(ws)[2])  # blank row
    title_row, _ = _find(ws, REPORT_TITLE)
    assert ws.cell(title_row + 1, 1).value == "6 THÁNG ĐẦU NĂM 2019"
    last_col = openpyxl.utils.get_column_letter(2 + len(ENTERED))
    assert f"A{title_row}:{last_col}{title_row}" in _merged(ws)
    assert f"A{title_row + 1}:{last_col}{title_row + 1}" in _merged(ws)


def test_district_sheet_two_row_header_and_column_numbers(tmp_path):
    ws = _district(tmp_path)
    row_a, _ = _find(ws, "STT")
    merged = _merged(ws)
    assert f"A{row_a}:A{row_a + 1}" in merged
    assert f"B{row_a}:B{row_a + 1}" in merged
    assert ws.cell(row_a, 2).value == "Đơn vị"
    # One group cell per section, merged across that section's indicators.
    col = 3
    for section, short in GROUP_SHORT_NAMES.items():
        width = sum(1 for c in ENTERED if CATALOG.get(c).section == section)
        assert ws.cell(row_a, col).value == short
        if width > 1:
            first = openpyxl.utils.get_column_letter(col)
            last = openpyxl.utils.get_column_letter(col + width - 1)
            assert f"{first}{row_a}:{last}{row_a}" in merged
        col += width
    # Row B: the catalog's Vietnamese names, exactly.
    names = [ws.cell(row_a + 1, 3 + i).value for i in range(len(ENTERED))]
    assert names == [CATALOG.get(c).name_vi for c in ENTERED]
    numbers = [ws.cell(row_a + 2, c).value for c in range(1, 3 + len(ENTERED))]
    assert numbers == [f"({n})" for n in range(1, 3 + len(ENTERED))]
    assert ws.freeze_panes == f"C{row_a + 3}"


def test_district_sheet_unit_rows_total_row_and_signature(tmp_path):
    ws = _district(tmp_path)
    row_a, _ = _find(ws, "STT")
    first = row_a + 3
    assert [ws.cell(first + i, 1).value for i in range(3)] == [1, 2, 3]
    assert [ws.cell(first + i, 2).value for i in range(3)] == [n for _, n in UNITS]
    col = {c: 3 + i for i, c in enumerate(ENTERED)}
    assert ws.cell(first, col["DLG_HELD"]).value == 0
    assert ws.cell(first + 1, col["DLG_OPINIONS"]).value is None
    held = ws.cell(first + 1, col["CMP_NEW"]).value
    assert held == 6 and isinstance(held, int)  # 2 + 4, written as an integer
    assert ws.cell(first + 1, col["NTM_YEAR"]).value == 2019
    assert ws.cell(first + 1, col["NTM_YEAR"]).number_format == "0"

    total = first + 3
    assert ws.cell(total, 2).value == "Tổng cộng"
    values = _values()
    for code in ENTERED:
        got = ws.cell(total, col[code]).value
        if CATALOG.get(code).communes_only:
            assert got is None, code
        else:
            present = [values[(u, code)] for u, _ in UNITS if values[(u, code)] is not None]
            assert got == sum(present), code
    assert all(ws.cell(total + 1, c).value is None for c in range(1, 3 + len(ENTERED)))
    note_row, _ = _find(ws, "Ghi chú: Số liệu minh họa.")
    assert note_row > total
    date_row, date_col = _find(ws, "Kiên Lương, ngày 15 tháng 7 năm 2019")
    assert date_row > note_row
    assert ws.cell(date_row + 1, date_col).value == "TRƯỞNG BAN"
    assert ws.cell(date_row + 1, 1).value == "Người lập biểu"
    name_row, name_col = _find(ws, "Nguyễn Văn A")
    assert name_col == date_col and name_row > date_row + 2
    assert ws.cell(name_row, 1).value == "Trần Thị B"


def test_district_sheet_borders_wrap_widths_and_print_setup(tmp_path):
    ws = _district(tmp_path)
    row_a, _ = _find(ws, "STT")
    name_cell = ws.cell(row_a + 1, 3)
    assert name_cell.alignment.wrap_text
    assert name_cell.border.left.style == "thin"
    assert ws.cell(row_a + 3, 5).border.bottom.style == "thin"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0


def test_district_sheet_code_column_codes_header_and_rate(tmp_path):
    ws = _district(tmp_path, include_code=True, header="code", include_rate=True)
    row_a, _ = _find(ws, "STT")
    assert ws.cell(row_a, 3).value == "Mã đơn vị"
    assert f"C{row_a}:C{row_a + 1}" in _merged(ws)
    codes = [ws.cell(row_a + 1, c).value for c in range(4, 4 + len(ENTERED) + 1)]
    expected = list(ENTERED)
    expected.insert(expected.index("CMP_RESOLVED") + 1, "CMP_RATE")
    assert codes == expected
    first = row_a + 3
    assert ws.cell(first, 3).value == "30787" and ws.cell(first, 3).data_type == "s"
    rate_col = 4 + expected.index("CMP_RATE")
    assert ws.cell(first + 1, rate_col).value == 85.7  # 100 * 6 / 7, recomputed
    assert ws.cell(first + 1, rate_col).number_format == "0.0"
    assert ws.cell(first + 3, rate_col).value is None  # never summed or averaged
    assert ws.freeze_panes == f"D{row_a + 3}"


def test_district_sheet_neutralises_unit_names(tmp_path):
    ws = _district(tmp_path, units=[("1", "=1+1"), ("2", "@x")], values={("1", "DLG_HELD"): -1})
    row_a, _ = _find(ws, "STT")
    assert ws.cell(row_a + 3, 2).value == "'=1+1"
    assert ws.cell(row_a + 4, 2).value == "'@x"
    assert ws.cell(row_a + 3, 3).value == -1  # negative numbers stay numbers


def test_district_sheet_into_an_open_workbook(tmp_path):
    path = tmp_path / "two.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for half in (1, 2):
        sheet = DistrictSheet(
            sheet_title=Period(2020, half).label_vi, period=Period(2020, half), units=UNITS, values={}
        )
        write_district_sheet(wb, sheets=[sheet])
    wb.close()
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["6 tháng đầu năm 2020", "6 tháng cuối năm 2020"]
    _, col = _find(book.worksheets[1], "6 THÁNG CUỐI NĂM 2020")
    assert col == 1


def test_district_sheet_is_reproducible_with_a_fixed_created_date(tmp_path):
    sheet = DistrictSheet(sheet_title="S", period=Period(2019, 1), units=UNITS, values=_values())
    one, two = io.BytesIO(), io.BytesIO()
    for out in (one, two):
        write_district_sheet(out, sheets=[sheet], properties={"created": datetime(2020, 1, 1)})
    assert one.getvalue() == two.getvalue()
    assert openpyxl.load_workbook(one).properties.created == datetime(2020, 1, 1)


# ------------------------------------------------------------------------------------------------
# Commune form
# ------------------------------------------------------------------------------------------------


def _form(tmp_path, **kwargs):
    path = tmp_path / "form.xlsx"
    args = {
        "unit_name": "Xã Hòn Nghệ",
        "area_line": "tỉnh An Giang",
        "period": Period(2026, 1),
        "values": {
            "DLG_HELD": 2.0,
            "DLG_OPINIONS": 0,
            "NTM_LEVEL": 2,
            "NTM_CRITERIA_MET": 8,
            "NTM_YEAR": 2018,
        },
        "notes": {"DLG_HELD": "=cmd|' /C calc'!A0", "NTM_LEVEL": "Nâng cao từ 2022"},
        "place_date": "Hòn Nghệ, ngày 15 tháng 7 năm 2026",
    }
    args.update(kwargs)
    write_commune_form(path, **args)
    return openpyxl.load_workbook(path).active


def _label_rows(ws) -> dict[str, int]:
    out = {}
    for row in range(1, ws.max_row + 1):
        code = CATALOG.match(ws.cell(row, 2).value)
        if code is not None:
            out[code] = row
    return out


def test_commune_form_heading_lines(tmp_path):
    ws = _form(tmp_path)
    assert ws["A1"].value == "UBND XÃ HÒN NGHỆ"
    assert ws["C1"].value == MOTTO_LINES[0]
    assert ws["C2"].value == MOTTO_LINES[1]
    _find(ws, REPORT_TITLE)
    _find(ws, "Kỳ báo cáo: 6 tháng đầu năm 2026")
    _find(ws, "Đơn vị: Xã Hòn Nghệ, tỉnh An Giang")
    row, _ = _find(ws, "STT")
    assert [ws.cell(row, c).value for c in range(1, 6)] == [
        "STT",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Số liệu",
        "Ghi chú",
    ]
    assert ws.freeze_panes == f"A{row + 1}"


def test_commune_form_sections_and_numbering(tmp_path):
    ws = _form(tmp_path)
    header, _ = _find(ws, "STT")
    sections = [line for line in (ws.cell(r, 2).value for r in range(header + 1, ws.max_row + 1)) if line]
    sections = [s for s in sections if CATALOG.match(s) is None and ". " in s[:5]]
    assert sections == [
        "I. ĐỐI THOẠI VỚI NHÂN DÂN",
        "II. TIẾP NHẬN, GIẢI QUYẾT ĐƠN KHIẾU NẠI, TỐ CÁO, KIẾN NGHỊ, PHẢN ÁNH",
        "III. HỌP DÂN, HƯƠNG ƯỚC, QUY ƯỚC Ở ẤP, KHU PHỐ",
        "IV. DÂN BIẾT, DÂN BÀN, DÂN QUYẾT, DÂN KIỂM TRA, GIÁM SÁT",
        "V. DÂN VẬN KHÉO, GIÁM SÁT VÀ PHẢN BIỆN XÃ HỘI",
        "VI. XÂY DỰNG NÔNG THÔN MỚI",
    ]
    rows = _label_rows(ws)
    assert list(rows) == ENTERED
    assert [ws.cell(rows[c], 1).value for c in ("DLG_HELD", "DLG_OPINIONS", "DLG_ANSWERED", "CMP_CARRY")] == [
        1,
        2,
        3,
        1,
    ]
    assert ws.cell(rows["CMP_NEW"], 3).value == "đơn"
    assert ws.cell(rows["DLG_HELD"], 4).value == 2 and isinstance(ws.cell(rows["DLG_HELD"], 4).value, int)
    assert ws.cell(rows["DLG_OPINIONS"], 4).value == 0
    assert ws.cell(rows["DLG_ANSWERED"], 4).value is None
    assert ws.cell(rows["NTM_LEVEL"], 4).value == "Nâng cao"
    assert ws.cell(rows["DLG_HELD"], 5).value == "'=cmd|' /C calc'!A0"
    assert ws.cell(rows["NTM_LEVEL"], 5).value == "Nâng cao từ 2022"


def test_commune_form_without_ntm_rows_for_towns_and_wards(tmp_path):
    ws = _form(tmp_path, unit_name="Phường Tô Châu", include_ntm=False, values={})
    assert ws["A1"].value == "UBND PHƯỜNG TÔ CHÂU"
    rows = _label_rows(ws)
    assert "NTM_LEVEL" not in rows and "DLG_HELD" in rows
    assert all("NÔNG THÔN MỚI" not in str(v) for r in _rows(ws) for v in r if v)


def test_commune_form_validation_and_protection(tmp_path):
    ws = _form(tmp_path)
    rows = _label_rows(ws)
    by_cell = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_cell[rng.coord] = dv
    level = by_cell[f"D{rows['NTM_LEVEL']}"]
    assert level.type == "list"
    assert [w.strip() for w in level.formula1.strip('"').split(",")] == [
        "Chưa đạt",
        "Đạt chuẩn",
        "Nâng cao",
        "Kiểu mẫu",
    ]
    held = by_cell[f"D{rows['DLG_HELD']}"]
    assert (held.type, held.operator, held.formula1) == ("whole", "greaterThanOrEqual", "0")
    criteria = by_cell[f"D{rows['NTM_CRITERIA_MET']}"]
    assert (criteria.formula1, criteria.formula2) == ("0", "10")  # the 2026–2030 set
    assert set(by_cell) == {f"D{r}" for r in rows.values()}
    assert ws.protection.sheet and not ws.protection.password
    assert ws.cell(rows["DLG_HELD"], 4).protection.locked is False
    assert ws.cell(rows["DLG_HELD"], 5).protection.locked is False
    assert ws.cell(rows["DLG_HELD"], 2).protection.locked is not False


def test_commune_form_blank_template(tmp_path):
    ws = _form(tmp_path, unit_name=None, area_line=None, period=None, values=None, notes=None, place_date=None)
    assert ws["A1"].value.startswith("UBND ……")
    _find(ws, "STT")
    assert list(_label_rows(ws)) == ENTERED
    assert all(ws.cell(r, 4).value is None for r in _label_rows(ws).values())
    assert any(str(v).startswith("Kỳ báo cáo: 6 tháng") for r in _rows(ws) for v in r if v)
    period_cell = next(c for r in ws.iter_rows() for c in r if str(c.value).startswith("Đơn vị:"))
    assert period_cell.protection.locked is False  # the office types its name in


# ------------------------------------------------------------------------------------------------
# DHIS2
# ------------------------------------------------------------------------------------------------


def test_dhis2_csv(tmp_path):
    path = tmp_path / "dhis2.csv"
    rows = [
        ("DLG_HELD", "2019S1", "30787", 2.0),
        ("CMP_RATE", Period(2019, 2), "30790", 85.7, "=evil"),
        {"dataelement": "NTM_LEVEL", "period": "2019S2", "orgunit": "30790", "value": 1, "followup": True},
    ]
    write_dhis2_csv(rows, path, storedby="kienluong", lastupdated=datetime(2019, 7, 31, 8, 0))
    lines = _read_csv(path)
    assert tuple(lines[0]) == DHIS2_HEADER
    assert lines[1] == [
        "DLG_HELD",
        "2019S1",
        "30787",
        "HllvX50cXC0",
        "HllvX50cXC0",
        "2",
        "kienluong",
        "2019-07-31T08:00:00",
        "",
        "false",
    ]
    assert lines[2][1] == "2019S2" and lines[2][5] == "85.7" and lines[2][8] == "'=evil"
    assert lines[3][9] == "true"


def test_dhis2_csv_defaults_to_now(tmp_path):
    out = io.StringIO()
    write_dhis2_csv([("DLG_HELD", "2019S1", "30787", 1)], out)
    stamp = out.getvalue().splitlines()[1].split(",")[7]
    assert datetime.fromisoformat(stamp).year >= 2024

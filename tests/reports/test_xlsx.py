"""etl/reports/xlsx.py: the workbook opened with openpyxl (cells, formats, frozen headers, print
setup) and as a package (native Excel charts, drawn from the sheet's own cells)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

import openpyxl
import pytest
from lxml import etree

from etl import queries as q
from etl.reports.deck import deck_from_data
from etl.reports.model import ChartRef, Column, Deck, Table
from etl.reports.xlsx import HEADER_ROW, write_xlsx
from tests.reports.conftest import read

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@pytest.fixture(scope="module")
def workbook(xlsx_2019s1):  # type: ignore[no-untyped-def]
    return openpyxl.load_workbook(xlsx_2019s1)


def sheet_charts(path: Path) -> dict[str, list[etree._Element]]:
    """Sheet name → the chart XML of the charts drawn on it."""
    out: dict[str, list[etree._Element]] = {}
    with zipfile.ZipFile(path) as archive:
        book = etree.fromstring(archive.read("xl/workbook.xml"))
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
        for sheet in book.findall(".//m:sheet", ns):
            rid = sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            sheet_path = PurePosixPath("xl") / targets[rid]
            rels_path = sheet_path.parent / "_rels" / (sheet_path.name + ".rels")
            out[sheet.get("name")] = []
            if str(rels_path) not in archive.namelist():
                continue
            for rel in etree.fromstring(archive.read(str(rels_path))):
                if not rel.get("Type").endswith("/drawing"):
                    continue
                drawing = PurePosixPath(str(sheet_path.parent / rel.get("Target")).replace("worksheets/../", ""))
                drawing_rels = drawing.parent / "_rels" / (drawing.name + ".rels")
                for chart_rel in etree.fromstring(archive.read(str(drawing_rels))):
                    chart = str(drawing.parent / chart_rel.get("Target")).replace("drawings/../", "")
                    out[sheet.get("name")].append(etree.fromstring(archive.read(chart)))
    return out


def test_a_sheet_per_table_with_vietnamese_headers(workbook, deck_2019s1):
    assert workbook.sheetnames == [t.sheet for t in deck_2019s1.tables]
    assert workbook.sheetnames[:4] == ["Tổng hợp", "Đối thoại", "Đơn thư", "Tỷ lệ giải quyết đơn"]
    for table in deck_2019s1.tables:
        ws = workbook[table.sheet]
        assert ws["A1"].value == table.title
        assert ws["A2"].value == "Huyện Kiên Lương, Tỉnh Kiên Giang · 6 tháng đầu năm 2019 · Như đã báo cáo"
        assert ws["A3"].value.startswith("Dữ liệu minh họa")
        header = [ws.cell(HEADER_ROW + 1, c + 1).value for c in range(len(table.columns))]
        assert header == [c.header for c in table.columns]


def test_frozen_headers_and_print_setup(workbook):
    for ws in workbook.worksheets:
        assert ws.freeze_panes == f"B{HEADER_ROW + 2}"
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1)  # 1 page wide (1 is the default, left out)
        assert ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == f"${HEADER_ROW + 1}:${HEADER_ROW + 1}"


def test_cells_are_the_query_layers_numbers_in_their_formats(workbook, sample_engine, area_id):
    ws = workbook["Đơn thư"]
    with sample_engine.connect() as connection:
        values = q.unit_values(connection, area_id, ["2019S1"], ["CMP_RESOLVED", "CMP_RATE"])
    first = HEADER_ROW + 2
    names = [ws.cell(r, 1).value for r in range(first, first + 8)]
    resolved = values[values["indicator"] == "CMP_RESOLVED"].set_index("unit_name")["value"]
    rate = values[values["indicator"] == "CMP_RATE"].set_index("unit_name")["value"]
    for offset, name in enumerate(names):
        assert ws.cell(first + offset, 5).value == resolved[name]
        assert ws.cell(first + offset, 5).number_format == "#,##0"
        assert ws.cell(first + offset, 7).value == pytest.approx(rate[name])
        assert ws.cell(first + offset, 7).number_format == "0.0"
    total = ws.cell(first + 8, 1)
    assert total.value == "Toàn địa bàn" and total.font.b
    assert ws.cell(first + 8, 7).value == pytest.approx(100 * 47 / 55)  # recomputed, not averaged
    summary = workbook["Tổng hợp"]
    changes = {summary.cell(r, 1).value: summary.cell(r, 5) for r in range(first, summary.max_row + 1)}
    cell = changes["Số cuộc đối thoại giữa chính quyền với Nhân dân"]
    assert cell.value == 4 and cell.number_format == '+#,##0;"−"#,##0;0'


def test_a_unit_that_has_not_reported_is_an_empty_cell_not_zero(sample_engine, area_id, tmp_path):
    path = tmp_path / "2026S2.xlsx"
    write_xlsx(deck_from_data(read(sample_engine, area_id, "2026S2")), path)
    ws = openpyxl.load_workbook(path)["Đối thoại"]
    rows = {
        ws.cell(r, 1).value: [ws.cell(r, c).value for c in (2, 3, 4)] for r in range(HEADER_ROW + 2, HEADER_ROW + 7)
    }
    assert rows["Xã Hòa Điền"] == [None, None, None]
    assert rows["Phường Tô Châu"] == [None, None, None]
    assert all(v is not None for v in rows["Xã Hòn Nghệ"])
    notes = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "Ô trống: chưa báo cáo (khác với 0)." in notes


def test_native_excel_charts_drawn_from_the_sheets_cells(xlsx_2019s1, workbook, deck_2019s1):
    charts = sheet_charts(xlsx_2019s1)
    with_chart = {t.sheet for t in deck_2019s1.tables if t.chart is not None}
    assert {name for name, found in charts.items() if found} == with_chart
    dialogues = charts["Đối thoại"][0]
    assert dialogues.find(f".//{C}barChart/{C}barDir").get("val") == "bar"
    assert dialogues.find(f".//{C}barChart/{C}grouping").get("val") == "clustered"
    formula = dialogues.find(f".//{C}ser/{C}val/{C}numRef/{C}f").text
    match = re.fullmatch(r"'?(.+?)'?!\$B\$(\d+):\$B\$(\d+)", formula)
    assert match and match.group(1) == "Đối thoại"
    ws = workbook["Đối thoại"]
    plotted = [ws.cell(r, 2).value for r in range(int(match.group(2)), int(match.group(3)) + 1)]
    assert plotted == list(deck_2019s1.slide("dialogues").chart.values("Cuộc đối thoại"))
    assert charts["Tỷ lệ giải quyết đơn"][0].find(f".//{C}lineChart") is not None
    levels = charts["Mức NTM qua các kỳ"][0]
    assert levels.find(f".//{C}barChart/{C}grouping").get("val") == "stacked"
    assert levels.find(f".//{C}barChart/{C}barDir").get("val") == "col"


def test_text_is_neutralised_against_formula_injection(tmp_path):
    table = Table(
        key="t",
        title='=HYPERLINK("http://x")',
        sheet="Bảng: thử/1",
        columns=(Column("Đơn vị", "text"), Column("Số", "int")),
        rows=(("=1+1", 3), ("@SUM(A1)", None), ("-2+3", 0)),
        chart=ChartRef(kind="bar", title="t", series=(1,)),
    )
    deck = Deck(
        title="t",
        area="+A",
        area_code="x:1",
        period="2019S1",
        period_label="6 tháng đầu năm 2019",
        boundaries="reported",
        lang="vi",
        sample=False,
        date="30/11/2026",
        source="s",
        slides=(),
        tables=(table,),
    )
    path = tmp_path / "t.xlsx"
    write_xlsx(deck, path)
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws.title == "Bảng- thử-1"  # no []:*?/\\ in a sheet name
    assert ws["A1"].value == '\'=HYPERLINK("http://x")'
    assert ws["A2"].value.startswith("'+A")
    cells = [ws.cell(r, 1) for r in range(HEADER_ROW + 2, HEADER_ROW + 5)]
    assert [c.value for c in cells] == ["'=1+1", "'@SUM(A1)", "'-2+3"]
    assert all(c.data_type == "s" for c in cells)
    assert [ws.cell(r, 2).value for r in range(HEADER_ROW + 2, HEADER_ROW + 5)] == [3, None, 0]  # 0 stays 0

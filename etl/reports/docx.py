"""The draft review report as a Word document, for the secretariat to edit.

Laid out as Vietnamese administrative documents are (Decree 30/2020/NĐ-CP): A4, Times New Roman
14 pt, the issuing body and the national motto side by side at the top, "BÁO CÁO" and the subject,
numbered sections, page numbers from page 2, the signature block; then the annex in landscape.

Everything uses real Word styles — Title, Subtitle, Heading 1 and 2, Body Text, Caption, "Table
Grid" — so that the secretariat restyles the whole report in one place. Charts are native Word
charts (DrawingML, the workbook embedded: right-click › Edit Data), not pictures. Sentences come
from :mod:`etl.reports.narrative`; placeholders for what the figures cannot say are highlighted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import datetime
from typing import IO
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from lxml import etree

from etl.reports import labels as lb
from etl.reports.charts import PAGE, chart_xml
from etl.reports.data import ReportData
from etl.reports.model import ChartSpec, Table
from etl.reports.narrative import ReportText, report_text
from etl.reports.tables import report_tables
from etl.writers import MOTTO_LINES

FONT = "Times New Roman"
BODY_PT, TABLE_PT, NOTE_PT = 14, 12, 11
RED = RGBColor(0xB4, 0x23, 0x18)
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = "F2F2F2"
# Word refuses a file whose property elements are out of the schema's order (LibreOffice does not):
# what we add by hand goes in its place (ECMA-376 Part 1, §17.3.1.26, §17.3.2.28, §17.4.60, §17.4.70).
RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
    "vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)
PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
    "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
)
TBLPR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
    "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
)
TCPR_ORDER = "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark"

Destination = str | os.PathLike[str] | IO[bytes]


def write_docx(data: ReportData, destination: Destination, tables: Sequence[Table] | None = None) -> ReportText:
    """Write the draft report for ``data`` (Vietnamese) and return its text."""
    text = report_text(data)
    by_key = {t.key: t for t in (tables if tables is not None else report_tables(data))}
    document = Document()
    _styles(document)
    _page(document)
    props = document.core_properties
    props.title = text.title
    props.subject = data.place
    props.author = "QCDC Tracker"
    props.language = "vi-VN"
    props.keywords = f"QCDC; {data.period}; {data.area.catalog}:{data.area.code}"
    props.created = props.modified = datetime.now().replace(microsecond=0)
    props.comments = "Bản dự thảo lập từ số liệu; Ban Chỉ đạo biên tập trước khi ban hành."

    _masthead(document, text)
    if text.sample:
        paragraph = document.add_paragraph(style="Normal")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(lb.t("sample.note").upper().replace(":", " —", 1))
        run.bold, run.font.color.rgb, run.font.size = True, RED, Pt(12)
    document.add_paragraph(text.heading, style="Title")
    document.add_paragraph(text.subject, style="Subtitle")
    area = document.add_paragraph(style="Normal")
    area.alignment = WD_ALIGN_PARAGRAPH.CENTER
    area.paragraph_format.space_after = Pt(12)
    run = area.add_run(f"({text.area_line})")
    run.italic, run.font.size = True, Pt(13)

    chart_number = 0
    for block in text.body:
        if block.kind == "heading1":
            document.add_paragraph(block.text, style="Heading 1")
        elif block.kind == "heading2":
            document.add_paragraph(block.text, style="Heading 2")
        elif block.kind == "paragraph":
            document.add_paragraph(block.text, style="Body Text")
        elif block.kind == "placeholder":
            run = document.add_paragraph(style="Body Text").add_run(block.text)
            run.italic = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif block.kind == "chart":
            spec = by_key[block.key].chart_spec()
            if spec is None:
                continue
            chart_number += 1
            bars = len(spec.categories) * (len(spec.series) if spec.kind == "clustered" else 1)
            _chart(document, spec, Cm(16), Cm(min(16.0, max(7.5, 3.0 + 0.45 * bars))))
            document.add_paragraph(
                f"Biểu đồ {chart_number}. {spec.title}, {lb.period_label(data.period).lower()}", style="Caption"
            )
    _signature(document, text)

    annex = document.add_section(WD_SECTION.NEW_PAGE)
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Cm(29.7), Cm(21.0)
    annex.left_margin, annex.right_margin = Cm(2.0), Cm(2.0)
    annex.top_margin, annex.bottom_margin = Cm(2.0), Cm(2.0)
    heading = document.add_paragraph("PHỤ LỤC", style="Heading 1")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lead = document.add_paragraph(style="Normal")
    lead.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = lead.add_run(f"Số liệu kèm theo {text.title[:1].lower()}{text.title[1:]} — {text.area_line}")
    run.italic = True
    for number, block in enumerate((b for b in text.annex if b.key in by_key), start=1):
        table = by_key[block.key]
        document.add_paragraph(f"Biểu {number}. {table.title}", style="Heading 2")
        _table(document, table, Cm(29.7 - 4.0))
    document.save(destination)  # type: ignore[arg-type]
    return text


# ------------------------------------------------------------------------------------------------
# Styles and page
# ------------------------------------------------------------------------------------------------


def _font(style, size: float, *, bold: bool | None = None, italic: bool | None = None) -> None:  # type: ignore[no-untyped-def]
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)
    rpr = style.element.get_or_add_rPr()
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = etree.Element(qn("w:lang"))
        _insert(rpr, language, RPR_ORDER)
    language.set(qn("w:val"), "vi-VN")


def _styles(document: DocumentObject) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _font(normal, BODY_PT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    body = styles["Body Text"]
    _font(body, BODY_PT)
    fmt = body.paragraph_format
    fmt.first_line_indent = Cm(1.0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.space_before, fmt.space_after = Pt(6), Pt(0)
    fmt.line_spacing = 1.15

    for name, size, upper in (("Heading 1", BODY_PT, True), ("Heading 2", BODY_PT, False)):
        style = styles[name]
        _font(style, size, bold=True, italic=False)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = Pt(12 if upper else 6), Pt(6 if upper else 0)
        fmt.keep_with_next = True
        fmt.first_line_indent = Cm(0 if upper else 1.0)
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT

    title = styles["Title"]
    _font(title, BODY_PT, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.space_after = Pt(0)
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):  # the template's rule under the title
        ppr.remove(border)
    subtitle = styles["Subtitle"]
    _font(subtitle, BODY_PT, bold=True, italic=False)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.paragraph_format.space_after = Pt(0)
    for spacing in subtitle.element.get_or_add_rPr().findall(qn("w:spacing")):  # the template's letter spacing
        spacing.getparent().remove(spacing)
    caption = styles["Caption"]
    _font(caption, 12, bold=False, italic=True)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_after = Pt(6)


def _page(document: DocumentObject) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.different_first_page_header_footer = True  # page numbers from page 2
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph._p.append(
        parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>2</w:t></w:r></w:fldSimple>')
    )


def _insert(parent: etree._Element, child: etree._Element, order: str) -> None:
    """Put ``child`` among ``parent``'s children where the schema's ``order`` (tag names separated
    by spaces) wants it."""
    names = order.split()
    name = etree.QName(child).localname
    later = set(names[names.index(name) + 1 :])
    for existing in parent:
        if etree.QName(existing).localname in later:
            existing.addprevious(child)
            return
    parent.append(child)


def _widths(table: DocxTable, widths: Sequence[int]) -> None:
    """Column widths in the grid (what LibreOffice reads) and in every cell (what Word reads)."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            if index < len(widths):
                cell.width = widths[index]


def _no_borders(table: DocxTable) -> None:
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"
    )
    _insert(table._tbl.tblPr, borders, TBLPR_ORDER)


def _line(cell_paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float = 13) -> None:
    cell_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = cell_paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _rule(cell, width_cm: float, cell_width_cm: float) -> None:  # type: ignore[no-untyped-def]
    """A short centred line under a heading block (a paragraph's bottom border, indented)."""
    paragraph = cell.add_paragraph()
    side = max((cell_width_cm - width_cm) / 2, 0)
    paragraph.paragraph_format.left_indent = Cm(side)
    paragraph.paragraph_format.right_indent = Cm(side)
    paragraph.paragraph_format.space_after = Pt(4)
    run = paragraph.add_run()
    run.font.size = Pt(2)
    border = f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'
    _insert(paragraph._p.get_or_add_pPr(), parse_xml(border), PPR_ORDER)


def _masthead(document: DocumentObject, text: ReportText) -> None:
    """The issuing body (left) and the national motto with place and date (right)."""
    widths = (6.4, 9.6)
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    _tight(table)
    _widths(table, [Cm(w) for w in widths])
    left, right = table.rows[0].cells
    for index, line in enumerate(text.issuer):
        paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
        _line(paragraph, line, bold=index == len(text.issuer) - 1, size=12)
    _rule(left, 2.5, widths[0])
    _line(left.add_paragraph(), text.number_line, size=13)
    _line(right.paragraphs[0], MOTTO_LINES[0], bold=True, size=12)
    _line(right.add_paragraph(), MOTTO_LINES[1], bold=True, size=13)
    _rule(right, 5.0, widths[1])
    _line(right.add_paragraph(), text.place_date, italic=True, size=13)


def _tight(table: DocxTable) -> None:
    """No cell margins left and right (the masthead's lines need the whole width)."""
    margins = (
        f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
    )
    _insert(table._tbl.tblPr, parse_xml(margins), TBLPR_ORDER)


def _signature(document: DocumentObject, text: ReportText) -> None:
    document.add_paragraph(style="Normal")
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    _widths(table, [Cm(8.0), Cm(8.0)])
    left, right = table.rows[0].cells
    for index, line in enumerate(text.recipients):
        paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
        run = paragraph.add_run(line)
        run.font.size = Pt(12 if index == 0 else 11)
        run.bold = run.italic = index == 0
    for index, line in enumerate(text.signer):
        paragraph = right.paragraphs[0] if index == 0 else right.add_paragraph()
        _line(paragraph, line, bold=True, size=14)
    for _ in range(4):
        right.add_paragraph()


# ------------------------------------------------------------------------------------------------
# Tables
# ------------------------------------------------------------------------------------------------


def cell_text(table: Table, column: int, value: object, places: int | None = None) -> str:
    """A cell as the annex prints it (Vietnamese number format, "–" for not reported)."""
    kind = table.columns[column].kind
    if kind == "text" or isinstance(value, str):
        return "" if value is None else str(value)
    if value is None or (isinstance(value, float) and value != value):
        return lb.MISSING
    number = float(value)  # type: ignore[arg-type]
    if kind == "year":
        return str(int(number))
    decimals = places if places is not None else (1 if kind in ("dec1", "pct") else 0)
    if kind == "signed":
        return lb.signed(number, decimals)
    return lb.number(number, decimals)


def _shade(cell, fill: str) -> None:  # type: ignore[no-untyped-def]
    shading = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    _insert(cell._tc.get_or_add_tcPr(), shading, TCPR_ORDER)


def _cell(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT, size: float = TABLE_PT) -> None:  # type: ignore[no-untyped-def]
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _table(document: DocumentObject, table: Table, width: int) -> None:
    columns = table.columns
    total_width = sum(c.width for c in columns)
    widths = [Emu(int(width * c.width / total_width)) for c in columns]
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    header = grid.rows[0]
    header._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))  # repeats on each page
    for index, column in enumerate(columns):
        _cell(header.cells[index], column.header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(header.cells[index], HEADER_FILL)
    _widths(grid, widths)
    rows: list[tuple[tuple[object, ...], bool, int | None]] = []
    for index, row in enumerate(table.rows):
        if index in table.sections:
            rows.append(((table.sections[index],), True, None))
        rows.append((row, False, table.row_places[index] if table.row_places else None))
    if table.total is not None:
        rows.append((table.total, False, None))
    twips = [Emu(w).twips for w in widths]
    body: list[str] = []
    for position, (row, is_section, places) in enumerate(rows):
        if is_section:
            body.append(
                "<w:tr>"
                + _cell_xml(str(row[0]), sum(twips), bold=True, align="left", span=len(columns), fill="FAFAFA")
                + "</w:tr>"
            )
            continue
        is_total = table.total is not None and position == len(rows) - 1
        cells = []
        for index, value in enumerate(row):
            numeric = columns[index].kind != "text" and not isinstance(value, str)
            text = cell_text(table, index, value, places)
            cells.append(_cell_xml(text, twips[index], bold=is_total, align="right" if numeric else "left"))
        body.append("<w:tr>" + "".join(cells) + "</w:tr>")
    if body:  # one parse for the whole table: python-docx's cell by cell API takes a second per 1,000 cells
        for tr in parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(body)}</w:tbl>"):
            grid._tbl.append(tr)
    for note in table.notes:
        paragraph = document.add_paragraph(style="Normal")
        run = paragraph.add_run(note)
        run.italic, run.font.size = True, Pt(NOTE_PT)
    document.add_paragraph(style="Normal")


def _cell_xml(
    text: str, width: int, *, bold: bool, align: str, span: int = 1, fill: str | None = None, size: float = TABLE_PT
) -> str:
    """A table cell as :func:`_cell` writes it (one paragraph, one run), as WordprocessingML text."""
    props = f'<w:tcW w:type="dxa" w:w="{width}"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if fill:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    weight = "<w:b/>" if bold else '<w:b w:val="0"/>'
    run = f'<w:rPr>{weight}<w:sz w:val="{round(size * 2)}"/></w:rPr>'
    return (
        f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:jc w:val="{align}"/></w:pPr>'
        f"<w:r>{run}{_run_text(text)}</w:r></w:p></w:tc>"
    )


def _run_text(text: str) -> str:
    """The content of a run for ``text``, as python-docx writes it: ``w:t`` (space preserved at the
    ends), a tab as ``w:tab``, a line break as ``w:br``; nothing for an empty text."""
    out = []
    for part in re.split(r"([\t\r\n])", text):
        if part == "\t":
            out.append("<w:tab/>")
        elif part in ("\r", "\n"):
            out.append("<w:br/>")
        elif part:
            space = ' xml:space="preserve"' if len(part.strip()) < len(part) else ""
            out.append(f"<w:t{space}>{escape(part)}</w:t>")
    return "".join(out)


# ------------------------------------------------------------------------------------------------
# Native charts
# ------------------------------------------------------------------------------------------------


def _chart(document: DocumentObject, spec: ChartSpec, width: int, height: int) -> None:
    """An inline, editable Word chart: a chart part with its workbook, related to the document."""
    package = document.part.package
    existing = [p for p in package.iter_parts() if str(p.partname).startswith("/word/charts/chart")]
    number = len(existing) + 1
    space, workbook = chart_xml(spec, PAGE)
    chart_part = Part(PackURI(f"/word/charts/chart{number}.xml"), CT_CHART, b"", package)
    workbook_part = Part(
        PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx"), CT_XLSX, workbook, package
    )
    external = space._add_externalData()
    external.rId = chart_part.relate_to(workbook_part, RT.PACKAGE)
    chart_part._blob = etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)
    rid = document.part.relate_to(chart_part, RT.CHART)
    paragraph = document.add_paragraph(style="Normal")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(6)
    inline = parse_xml(
        f"<w:drawing {nsdecls('w', 'wp', 'a', 'r')} "
        'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{int(width)}" cy="{int(height)}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{1000 + number}" name="Biểu đồ {number}" descr="{_attr(spec.title)}"/>'
        "<wp:cNvGraphicFramePr/>"
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<c:chart r:id="{rid}"/></a:graphicData></a:graphic></wp:inline></w:drawing>'
    )
    paragraph.add_run()._r.append(inline)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")

"""Meeting outputs: the ready-made deck (as data, for the dashboard's presentation mode), the
PowerPoint file with native charts, the draft Word review report, the Excel workbook, and PDF.

Everything reads the figures through :mod:`etl.queries` (once, into
:class:`~etl.reports.data.ReportData`) and lays out the same tables
(:mod:`etl.reports.tables`), so a figure reads the same on a slide, in the report and in Excel.

    with engine.connect() as connection:
        area = resolve_area(connection, "902")            # or None: etl.queries.default_area
        deck = build_deck(connection, area.unit_id, "2019S1")
        write_pptx(deck, "kien-luong-2019S1.pptx")
        write_report(connection, area.unit_id, "2019S1", "docx", Path("bao-cao.docx"))
"""

from etl.reports.build import FORMATS, MEDIA_TYPES, UnsupportedOption, Written, report_bytes, write_output, write_report
from etl.reports.data import NoData, ReportData, load_report_data, resolve_area
from etl.reports.deck import build_deck, deck_from_data
from etl.reports.docx import write_docx
from etl.reports.model import ChartSpec, Deck, Figure, Slide, Table
from etl.reports.narrative import report_text
from etl.reports.pdf import ConversionFailed, ConverterMissing, convert_to_pdf, find_soffice
from etl.reports.pptx import write_pptx
from etl.reports.tables import report_tables
from etl.reports.xlsx import write_xlsx

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "ChartSpec",
    "ConversionFailed",
    "ConverterMissing",
    "Deck",
    "Figure",
    "NoData",
    "ReportData",
    "Slide",
    "Table",
    "UnsupportedOption",
    "Written",
    "build_deck",
    "convert_to_pdf",
    "deck_from_data",
    "find_soffice",
    "load_report_data",
    "report_bytes",
    "report_tables",
    "report_text",
    "resolve_area",
    "write_docx",
    "write_output",
    "write_pptx",
    "write_report",
    "write_xlsx",
]

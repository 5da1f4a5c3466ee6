"""One call per output: read the figures once, write the file. What ``qcdc report`` and the
dashboard's download buttons call."""

from __future__ import annotations

import io
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from etl.errors import QcdcError
from etl.periods import Convention
from etl.queries import Boundaries
from etl.reports.data import ReportData, load_report_data
from etl.reports.deck import deck_from_data
from etl.reports.docx import write_docx
from etl.reports.pdf import convert_to_pdf
from etl.reports.pptx import write_pptx
from etl.reports.tables import report_tables
from etl.reports.xlsx import write_xlsx

FORMATS = ("pptx", "docx", "xlsx", "pdf")
MEDIA_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class UnsupportedOption(QcdcError):
    """An option the output does not offer (the Word report in English, an unknown format)."""


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    format: str
    seconds: float  # reading the figures and writing the file


def check_options(fmt: str, lang: str) -> None:
    if fmt not in FORMATS:
        raise UnsupportedOption(f"Định dạng '{fmt}' không có; chọn một trong: {', '.join(FORMATS)}.")
    if lang not in ("vi", "en"):
        raise UnsupportedOption(f"Ngôn ngữ '{lang}' không có; chọn vi hoặc en.")
    if fmt == "docx" and lang != "vi":
        raise UnsupportedOption("Báo cáo Word chỉ viết bằng tiếng Việt (văn bản hành chính); bỏ --lang en.")


def write_output(data: ReportData, fmt: str, output: Path) -> Path:
    """Write ``data`` as ``fmt`` to ``output`` (PDF: the deck, converted by LibreOffice)."""
    check_options(fmt, data.lang)
    output.parent.mkdir(parents=True, exist_ok=True)
    tables = report_tables(data)
    if fmt == "docx":
        write_docx(data, output, tables)
        return output
    deck = deck_from_data(data, tables)
    if fmt == "pptx":
        write_pptx(deck, output)
    elif fmt == "xlsx":
        write_xlsx(deck, output)
    else:
        with tempfile.TemporaryDirectory(prefix="qcdc-report-") as work:
            source = Path(work) / f"{output.stem}.pptx"
            write_pptx(deck, source)
            convert_to_pdf(source, output, lang=data.lang)
    return output


def write_report(
    connection: Connection,
    area_id: int,
    period: str,
    fmt: str,
    output: Path,
    *,
    boundaries: str = Boundaries.REPORTED,
    lang: str = "vi",
    convention: Convention = Convention.CALENDAR,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> Written:
    """Read the figures for the area and period and write one output file."""
    check_options(fmt, lang)
    started = time.perf_counter()
    data = load_report_data(
        connection, area_id, period, boundaries=boundaries, lang=lang, convention=convention, timezone=timezone
    )
    path = write_output(data, fmt, Path(output))
    return Written(path=path, format=fmt, seconds=time.perf_counter() - started)


def report_bytes(data: ReportData, fmt: str) -> bytes:
    """The output as bytes (for a download button); PDF goes through a temporary file."""
    check_options(fmt, data.lang)
    if fmt == "pdf":
        with tempfile.TemporaryDirectory(prefix="qcdc-report-") as work:
            return write_output(data, fmt, Path(work) / "deck.pdf").read_bytes()
    buffer = io.BytesIO()
    tables = report_tables(data)
    if fmt == "docx":
        write_docx(data, buffer, tables)
    else:
        deck = deck_from_data(data, tables)
        (write_pptx if fmt == "pptx" else write_xlsx)(deck, buffer)
    return buffer.getvalue()

"""Benchmark 5 of issue 6: ``qcdc report`` for a province of 100+ communes, in each format, under 5×
the time of writing the same tables to CSV, measured in the same run.

* The report: :func:`etl.reports.write_report`, the function ``qcdc report`` calls (read the
  figures, lay out the tables, write the file), in process.
* The floor, in process too: the same figures read by the same function
  (:func:`etl.reports.load_report_data`), the same tables laid out (:func:`etl.reports.report_tables`:
  every table of the report, each with its rows and total), and each table written to a CSV file by
  the ``csv`` module. Its three parts are printed apart: reading the figures is most of it.
* The area is resolved once, outside both (its time is printed: the CLI pays it too).

Cases, chosen on the unit table: the pre-2025 province whose number of communes is nearest 150
(at least 100) for 2019S1, 2024S2 and the whole year 2024 (each commune's halves rolled up), and
the 2025 province nearest 150 for 2025S2. PDF is measured
only where LibreOffice is installed (else skipped, with the reason), through the unoserver of
``QCDC_PDF_SERVER`` when it is set (README, "A PDF server"). Each time is the median of
``QCDC_BENCH_REPEAT`` runs (3), the floor and the report run in turns.

The outputs are checked for what a province makes of them: every commune in the workbook's sheets
and the Word annex, and no chart on a slide or a page with more bars than it can show readably
(a province's charts by unit show the highest and the lowest units, see ``etl.reports.tables``).

Run: ``QCDC_BENCH=1 python -m pytest tests/bench/test_bench_reports.py -s -n 0`` (``QCDC_BENCH_DB=path``
names a national database; it is copied before use).
"""

from __future__ import annotations

import csv
import os
import statistics
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from tests.bench.conftest import copy_database, print_table

pytestmark = pytest.mark.skipif(os.environ.get("QCDC_BENCH") != "1", reason="benchmarks run with QCDC_BENCH=1")

LIMIT = 5.0  # report / CSV floor
MIN_COMMUNES, TARGET_COMMUNES = 100, 150
REPEAT = int(os.environ.get("QCDC_BENCH_REPEAT", "3"))
CASES = (("pre2025", "2019S1"), ("pre2025", "2024S2"), ("pre2025", "2024"), ("2025", "2025S2"))
FORMATS = ("pptx", "docx", "xlsx", "pdf")
MAX_CHART_CATEGORIES = 25  # etl.reports.tables.CHART_UNITS["bar"]: what a slide or an A4 chart shows


@dataclass(frozen=True)
class Case:
    catalog: str
    period: str
    unit_id: int
    code: str
    name: str
    communes: int
    resolve_s: float  # resolve_area, as the CLI does before write_report

    @property
    def label(self) -> str:
        return f"{self.catalog}:{self.code} {self.name} ({self.communes} xã) {self.period}"


@dataclass(frozen=True)
class Floor:
    data_s: float  # load_report_data
    tables_s: float  # report_tables
    csv_s: float  # the tables written to CSV
    rows: int  # rows written, all tables

    @property
    def total_s(self) -> float:
        return self.data_s + self.tables_s + self.csv_s


RESULTS: list[tuple[object, ...]] = []


# ------------------------------------------------------------------------------------------------
# The database and the cases
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_engine(national_db: Path | str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An engine on a copy of the national database (``national_db``: the one ``QCDC_BENCH_DB`` names,
    else one built for the session). A copy: SQLite connections of the app switch on WAL, a write."""
    from etl.db import make_engine

    source = Path(str(national_db).removeprefix("sqlite:///"))
    target = copy_database(source, tmp_path_factory.mktemp("reports") / "national.sqlite3")
    engine = make_engine(f"sqlite:///{target}")
    yield engine
    engine.dispose()


def _province(connection: Connection, catalog: str) -> tuple[str, str, int]:
    """(code, name, communes) of the province of ``catalog`` whose commune count is nearest
    TARGET_COMMUNES, among those with at least MIN_COMMUNES."""
    rows = connection.execute(
        text(
            "SELECT p.code, p.name, COUNT(*) AS n FROM unit u JOIN unit p ON p.catalog = u.catalog "
            "AND p.level = 1 AND p.code = u.province_code WHERE u.catalog = :catalog AND u.level = 3 "
            "GROUP BY p.code, p.name HAVING COUNT(*) >= :least"
        ),
        {"catalog": catalog, "least": MIN_COMMUNES},
    ).all()
    assert rows, f"no {catalog} province with {MIN_COMMUNES}+ communes in the national database"
    code, name, communes = min(rows, key=lambda r: (abs(r[2] - TARGET_COMMUNES), r[0]))
    return str(code), str(name), int(communes)


@pytest.fixture(scope="module")
def cases(report_engine: Engine) -> dict[tuple[str, str], Case]:
    from etl.reports import resolve_area

    out = {}
    with report_engine.connect() as connection:
        for catalog, period in CASES:
            code, name, communes = _province(connection, catalog)
            started = time.perf_counter()
            area = resolve_area(connection, f"{catalog}:{code}")
            resolve_s = time.perf_counter() - started
            out[(catalog, period)] = Case(catalog, period, area.unit_id, code, name, communes, resolve_s)
    return out


def _options() -> dict[str, object]:
    from etl.settings import get_settings

    settings = get_settings()
    return {"boundaries": "reported", "lang": "vi", "convention": settings.period_convention}


# ------------------------------------------------------------------------------------------------
# The floor: the same tables, to CSV
# ------------------------------------------------------------------------------------------------


def write_csv(tables: tuple, folder: Path) -> int:
    """Each table to ``folder/<key>.csv`` (header, rows, total): the rows written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for table in tables:
        with (folder / f"{table.key}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.header for c in table.columns])
            writer.writerows(table.rows)
            written += len(table.rows)
            if table.total is not None:
                writer.writerow(table.total)
                written += 1
    return written


def run_floor(engine: Engine, case: Case, folder: Path) -> tuple[float, float, float, int]:
    """One run of the floor: (reading the figures, laying out the tables, writing the CSV) in
    seconds, and the rows written."""
    from etl.reports import load_report_data, report_tables

    with engine.connect() as connection:
        started = time.perf_counter()
        data = load_report_data(connection, case.unit_id, case.period, **_options())  # type: ignore[arg-type]
        loaded = time.perf_counter()
    tables = report_tables(data)
    laid_out = time.perf_counter()
    rows = write_csv(tables, folder)
    return loaded - started, laid_out - loaded, time.perf_counter() - laid_out, rows


def run_report(engine: Engine, case: Case, fmt: str, output: Path) -> float:
    """One run of what ``qcdc report`` does once the area is resolved, in seconds."""
    from etl.reports import labels, write_report

    cached = getattr(labels, "_formatted", None)
    if cached is not None:
        cached.cache_clear()  # a CLI run starts with no number formatted yet
    with engine.connect() as connection:
        started = time.perf_counter()
        write_report(connection, case.unit_id, case.period, fmt, output, **_options())  # type: ignore[arg-type]
        return time.perf_counter() - started


@pytest.fixture(scope="module", autouse=True)
def summary() -> Iterator[None]:
    yield
    if RESULTS:
        print_table(
            ("case", "format", "report s", "floor s", "ratio", "data s", "tables s", "csv s", "csv rows", "resolve s"),
            RESULTS,
            title=f"qcdc report vs the same tables to CSV (median of {REPEAT}, taken in turns; limit {LIMIT:.0f}×)",
        )


# ------------------------------------------------------------------------------------------------
# The benchmark
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case_key", CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_report_is_within_5x_of_csv(
    fmt: str, case_key: tuple[str, str], report_engine: Engine, cases: dict, tmp_path: Path
) -> None:
    from etl.reports.pdf import find_soffice

    if fmt == "pdf" and find_soffice() is None:
        pytest.skip("PDF needs LibreOffice (soffice), which is not installed here")
    case: Case = cases[case_key]
    output = tmp_path / f"report.{fmt}"
    floors, reports = [], []
    for _ in range(REPEAT):  # in turns, so that a busy spell of the machine weighs on both
        floors.append(run_floor(report_engine, case, tmp_path / "csv"))
        reports.append(run_report(report_engine, case, fmt, output))
    floor = Floor(*(statistics.median(p[i] for p in floors) for i in range(3)), rows=floors[0][3])
    seconds = statistics.median(reports)
    ratio = seconds / floor.total_s
    RESULTS.append(
        (
            case.label,
            fmt,
            seconds,
            floor.total_s,
            f"{ratio:.2f}×",
            floor.data_s,
            floor.tables_s,
            floor.csv_s,
            floor.rows,
            case.resolve_s,
        )
    )
    if fmt == "pdf":
        from etl.settings import get_settings

        server = get_settings().pdf_server
        print(f"\nPDF by {'the unoserver at ' + server if server else 'LibreOffice started for each file'}")
    print(
        f"\n{case.label} {fmt}: {seconds:.2f} s; floor {floor.total_s:.2f} s (data {floor.data_s:.2f}, "
        f"tables {floor.tables_s:.2f}, csv {floor.csv_s:.3f}); ratio {ratio:.2f}"
    )
    _check_output(fmt, output, case)
    assert ratio < LIMIT, f"{case.label} {fmt}: {seconds:.2f} s is {ratio:.1f}× the CSV floor {floor.total_s:.2f} s"


# ------------------------------------------------------------------------------------------------
# What a province's outputs hold
# ------------------------------------------------------------------------------------------------


def _chart_categories(chart_xml: bytes) -> int:
    """Categories of a DrawingML chart (the largest ``c:ptCount`` of its category references)."""
    from lxml import etree

    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    root = etree.fromstring(chart_xml)
    counts = [int(x) for x in root.xpath("//c:cat//c:ptCount/@val", namespaces=ns)]
    return max(counts, default=0)


def _check_output(fmt: str, output: Path, case: Case) -> None:
    assert output.is_file() and output.stat().st_size > 0
    if fmt in ("pptx", "docx"):
        with zipfile.ZipFile(output) as package:
            charts = [n for n in package.namelist() if "/charts/chart" in n and n.endswith(".xml")]
            sizes = [_chart_categories(package.read(n)) for n in charts]
        assert charts, f"{fmt}: no chart"
        assert max(sizes) <= MAX_CHART_CATEGORIES, f"{fmt}: a chart with {max(sizes)} categories is unreadable"
    if fmt == "docx":
        from docx import Document

        document = Document(str(output))
        longest = max(len(t.rows) for t in document.tables)
        assert longest >= case.communes * 0.9, f"the annex holds {longest} rows for {case.communes} communes"
    if fmt == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(output, read_only=True)
        try:
            longest = max(sheet.max_row or 0 for sheet in workbook.worksheets)
        finally:
            workbook.close()
        assert longest >= case.communes * 0.9, f"the workbook holds {longest} rows for {case.communes} communes"

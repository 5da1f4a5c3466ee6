"""Bad input (issue 7, item 1): every file of ``tests/data/bad`` goes through the real loader.

``tests/data/bad/manifest.csv`` says, for each file, the problem the loader must report: its code
and severity, its place (sheet, row, column: exact; the file is always the file's own name) and a
fragment of its Vietnamese message. For every file the test checks that

* the loader answers with a report, never an exception, and no problem is a hidden reader bug;
* the expected problem is there, at the expected place, with the expected words;
* every problem names the file and speaks Vietnamese;
* an error refuses the file; a warning (the manifest's note says why the domain makes it one)
  leaves it valid, and its figures are the ones already stored, so the outcome is "unchanged";
* nothing was written: every table's row count, and the full content of every table but the two
  unit catalogs, are the same before and after.

The files are loaded one by one into one database per backend that holds the Kiên Lương sample
(so that a level can drop, a carry-over differ, a figure be "unchanged"). The unit catalog is read
once per database instead of once per file: the loader never writes it, and the snapshot checks so.

Hypothesis tests at the end fuzz what the readers' tests do not: the period and number parsers,
the real sample workbook with its XML mutated, and the whole loader (dry run) on mutated files.

Regenerate the corpus with ``python tests/data/bad/make_corpus.py``; ``test_generator_reproduces_the_corpus``
checks that the committed files are exactly what the script makes.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import math
import re
import sys
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine, inspect

from etl import load as load_module
from etl.db import make_engine
from etl.errors import InvalidPeriod, Problem, QcdcError
from etl.load import FileReport, Source, load
from etl.periods import Period, parse_period
from etl.readers import read_bytes
from etl.settings import Settings
from etl.text import NumberParseError, parse_ntm_level, parse_number
from etl.units import UnitIndex
from tests.conftest import BACKENDS, sample_database
from tests.etl.test_readers_fuzz import read_or_refuse

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "data" / "bad"
SAMPLE = ROOT / "data" / "sample"
MANIFEST = BAD / "manifest.csv"
TODAY = date(2026, 11, 29)  # the sample's "today": 2026S2 is open, 2027S1 is in the future
REFERENCE_TABLES = ("unit", "unit_lineage")  # large and never written by a load: counted only
SECONDS_PER_FILE = 30  # generous on a busy machine; a hang (a million-row sheet) would exceed it
# Letters only Vietnamese text has: a message without one is not in Vietnamese.
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
LEAKED = re.compile(r"Traceback|Exception|Error\b|object at 0x|\bNone\b")


@dataclass(frozen=True)
class Expected:
    file: str
    severity: str  # error | warning | ok
    code: str
    sheet: str
    row: int | None
    column: str
    message: str
    options: str
    case: str
    note: str


def read_manifest() -> list[Expected]:
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return [
            Expected(
                file=row["file"],
                severity=row["severity"],
                code=row["code"],
                sheet=row["sheet"],
                row=int(row["row"]) if row["row"] else None,
                column=row["column"],
                message=row["message"],
                options=row["options"],
                case=row["case"],
                note=row["note"],
            )
            for row in csv.DictReader(handle)
        ]


EXPECTED = read_manifest()
BY_FILE: dict[str, list[Expected]] = defaultdict(list)
for _item in EXPECTED:
    BY_FILE[_item.file].append(_item)
FILES = sorted(BY_FILE)


# ---------------------------------------------------------------------------------------------
# The database: the sample, per backend, shared by the module
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cached_units() -> Iterator[None]:
    """Read each database's unit catalog once (the loader reads it for every call)."""
    cache: dict[str, UnitIndex] = {}
    real = UnitIndex.load.__func__  # type: ignore[attr-defined]

    def load_once(cls: type[UnitIndex], connection) -> UnitIndex:  # type: ignore[no-untyped-def]
        key = connection.engine.url.render_as_string(hide_password=False)
        if key not in cache:
            cache[key] = real(cls, connection)
        return cache[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load_module.UnitIndex, "load", classmethod(load_once))
        yield


@pytest.fixture(scope="module", params=BACKENDS)
def corpus_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, cached_units: None
) -> Iterator[Engine]:
    """A database holding the Kiên Lương sample (built once per backend for this module)."""
    for url in sample_database(request, tmp_path_factory, request.param, "bad"):
        engine = make_engine(url)
        yield engine
        engine.dispose()


def snapshot(engine: Engine) -> dict[str, object]:
    """Every table's row count, and the full content of every table but the unit catalogs."""
    tables = sorted(inspect(engine).get_table_names())
    out: dict[str, object] = {}
    with engine.connect() as connection:
        for table in tables:
            quoted = f'"{table}"'
            if table in REFERENCE_TABLES:
                out[table] = connection.exec_driver_sql(f"SELECT COUNT(*) FROM {quoted}").scalar_one()
            else:
                out[table] = Counter(tuple(r) for r in connection.exec_driver_sql(f"SELECT * FROM {quoted}"))
    return out


def assert_unchanged(before: dict[str, object], after: dict[str, object]) -> None:
    changed = [t for t in sorted(set(before) | set(after)) if before.get(t) != after.get(t)]
    assert not changed, f"tables written: {changed}"


def options_of(expected: list[Expected]) -> dict[str, object]:
    kwargs: dict[str, object] = {}
    for option in filter(None, expected[0].options.split(";")):
        key, _, value = option.partition("=")
        if key == "area":
            kwargs["area_code"] = value
        elif key == "max_upload_mb":
            kwargs["settings"] = Settings(max_upload_mb=float(value))
        else:  # pragma: no cover - a typo in the manifest
            raise AssertionError(f"unknown option {option!r}")
    return kwargs


def assert_well_formed(problem: Problem, name: str) -> None:
    """What every problem of a bad file must be: located in the file, Vietnamese, no internals."""
    assert problem.location.file == name, problem
    assert problem.code and problem.code != "reader_error", problem
    assert VIETNAMESE.search(problem.message), f"not Vietnamese: {problem.message!r}"
    assert not LEAKED.search(problem.message), f"internals leaked: {problem.message!r}"


def find(report: FileReport, want: Expected) -> Problem:
    candidates = [p for p in report.problems if p.code == want.code]
    assert candidates, f"no {want.code!r} among {[str(p) for p in report.problems][:10]}"
    place = (want.sheet, want.row, want.column)
    for problem in candidates:
        loc = problem.location
        if (loc.sheet, loc.row, loc.column) == place and want.message in problem.message:
            return problem
    shown = [f"{p.location} {p.message}" for p in candidates[:5]]
    raise AssertionError(f"{want.code} expected at {place} with {want.message!r}; found {shown}")


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------


def test_manifest_covers_the_corpus() -> None:
    on_disk = {p.name for p in BAD.iterdir() if p.is_file() and p.name not in {"manifest.csv", "make_corpus.py"}}
    assert on_disk == set(FILES)
    assert len(FILES) >= 40
    sizes = {p.name: p.stat().st_size for p in BAD.iterdir() if p.is_file()}
    assert max(sizes[f] for f in FILES) < 50 * 1024
    assert sum(sizes.values()) < 1024 * 1024
    for item in EXPECTED:
        assert item.severity in {"error", "warning", "ok"}, item
        assert item.case, item
        if item.severity == "warning" and item.code in {"", "duplicate", "empty_table", "far_content"}:
            assert item.note, f"{item.file}: say why the domain makes {item.code} a warning"
        if item.severity == "ok":
            assert not item.code and item.note, item


def test_generator_reproduces_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed files are exactly what make_corpus.py builds (deterministic, re-runnable)."""
    spec = importlib.util.spec_from_file_location("make_corpus", BAD / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_corpus", module)  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    built: dict[str, bytes] = {}
    for case in module.CASES:
        built.setdefault(case.file, case.build())
    assert sorted(built) == FILES
    for name, data in built.items():
        assert (BAD / name).read_bytes() == data, f"{name} differs from make_corpus.py's output: regenerate"
    again = module.CASES[0].build()
    assert again == built[module.CASES[0].file]
    assert MANIFEST.read_bytes() == module.manifest_bytes()


@pytest.mark.parametrize("name", FILES)
def test_bad_file(corpus_engine: Engine, name: str) -> None:
    expected = BY_FILE[name]
    before = snapshot(corpus_engine)
    started = time.monotonic()
    report = load(corpus_engine, [Source.from_path(BAD / name)], user="corpus", today=TODAY, **options_of(expected))
    elapsed = time.monotonic() - started
    assert_unchanged(before, snapshot(corpus_engine))
    assert elapsed < SECONDS_PER_FILE, f"{name} took {elapsed:.1f} s"

    [file] = report.files
    assert file.name == name
    for problem in file.problems:
        assert_well_formed(problem, name)
    severities = {e.severity for e in expected}
    if "error" in severities:
        assert not report.ok and file.outcome == "invalid", file.problems
    else:
        assert report.ok, [str(p) for p in file.errors]
        assert file.outcome == "unchanged" and not file.batch_ids
    for want in expected:
        if want.severity == "ok":
            assert not file.errors and file.observations > 0
            continue
        problem = find(file, want)
        assert problem.severity.value == want.severity, problem


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in FILES
        if any(e.code == "unknown_unit" and e.message.startswith(("'=", "'+", "'@", "<")) for e in BY_FILE[n])
    ],
)
def test_formula_or_markup_text_is_shown_as_text(corpus_engine: Engine, name: str) -> None:
    """A name that a spreadsheet would run or a browser would render is refused, and the message
    quotes it exactly (no cell is ever written, and the problem's value is the raw text for the
    caller to escape)."""
    report = load(corpus_engine, [Source.from_path(BAD / name)], user="corpus", today=TODAY)
    [problem] = [p for p in report.problems if p.code == "unknown_unit"]
    assert problem.value and f"'{problem.value}'" in problem.message
    assert problem.value[0] in "=+@<"


# ---------------------------------------------------------------------------------------------
# Fuzzing what the readers' fuzz tests leave out
# ---------------------------------------------------------------------------------------------

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LOADER_FUZZ = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PERIOD_WORDS = [
    "6 tháng đầu năm",
    "6 THÁNG CUỐI NĂM",
    "sáu tháng",
    "nửa đầu năm",
    "năm",
    "cả năm",
    "quý",
    "Quý III",
    "tháng",
    "9 tháng",
    "Kỳ báo cáo:",
    "Việt Nam",
    "ngày 15 tháng 6 năm",
    "S1",
    "H2",
    "s",
    "-",
    "/",
    " ",
    "2019",
    "1997",
    "2101",
    "0",
    "12",
]
NUMBER_PARTS = ["1", "0", "-", "+", ".", ",", " ", "\u00a0", "%", "e", "E", "000", "1.050", "12,5", "x", "…", "٣"]
cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(),
    st.text(max_size=30),
)


@FUZZ
@given(st.one_of(cells, st.lists(st.sampled_from(PERIOD_WORDS), max_size=5).map(" ".join)))
def test_parse_period_raises_only_invalid_period(raw: object) -> None:
    try:
        period = parse_period(raw)
    except InvalidPeriod as exc:
        assert VIETNAMESE.search(str(exc)), exc
        return
    assert isinstance(period, Period) and period.half in (0, 1, 2) and 1998 <= period.year <= 2100


@FUZZ
@given(st.one_of(cells, st.lists(st.sampled_from(NUMBER_PARTS), max_size=8).map("".join)))
def test_number_parsers_raise_only_number_parse_error(raw: object) -> None:
    for parse in (parse_number, parse_ntm_level):
        try:
            value = parse(raw)
        except NumberParseError as exc:
            assert VIETNAMESE.search(exc.reason), exc.reason
            continue
        assert value is None or (isinstance(value, float) and math.isfinite(value)), (raw, value)


_SAMPLE_XLSX = (SAMPLE / "kien-luong-2019.xlsx").read_bytes()
XML_PIECES = [b"<", b">", b"/>", b'"', b"&", b"&amp;", b"</c>", b'<c r="C10">', b'r="XFD1048576"', b't="s"', b't="e"']
XML_PIECES += [b"<v>", b"</v>", b"<v>1e309</v>", b"<v>-1</v>", b"<f>SUM(A1)</f>", b"\x00", b"\xff", b"9" * 12, b""]


@FUZZ
@given(
    st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml"]),
    st.floats(0, 1),
    st.integers(0, 40),
    st.lists(st.sampled_from(XML_PIECES), min_size=1, max_size=3),
)
def test_mutated_sample_workbook(part: str, where: float, cut: int, pieces: list[bytes]) -> None:
    """The real district workbook with a part's XML edited (not just its compressed bytes)."""
    source = zipfile.ZipFile(io.BytesIO(_SAMPLE_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                position = int(where * len(content))
                content = content[:position] + b"".join(pieces) + content[position + cut :]
            target.writestr(item, content)
    read_or_refuse(out.getvalue(), "kien-luong-2019.xlsx")


LONG_LINES = (SAMPLE / "kien-luong-2017-2018.csv").read_text(encoding="utf-8").splitlines()[:12]
FIELD_NOISE = ["", "-", "x", "2019S1", "2027S1", "quý 1/2019", "DLG_HOLD", "NTM_LEVEL", "Phường Tô Châu", "99999"]
FIELD_NOISE += ["30787", "=1+1", "<b>", "1.000.000", "2,5", "-3", "75%", '"', "\x01", "Xã Bình An", "15/06/2019"]


@LOADER_FUZZ
@given(st.data())
def test_loader_on_mutated_long_csv(corpus_engine: Engine, data: st.DataObject) -> None:
    """The whole loader (dry run) on the sample's long CSV with random fields replaced: a report,
    located Vietnamese problems, never an exception, nothing written."""
    rows = [line.split(",") for line in LONG_LINES]
    for _ in range(data.draw(st.integers(1, 4))):
        row = data.draw(st.integers(0, len(rows) - 1))
        column = data.draw(st.integers(0, 4))
        rows[row][column] = data.draw(st.one_of(st.sampled_from(FIELD_NOISE), st.text(max_size=12)))
    body = "\n".join(",".join(r) for r in rows) + "\n"
    source = Source(name="dai.csv", data=body.encode("utf-8", "surrogatepass"))
    before = snapshot(corpus_engine)
    report = load(corpus_engine, [source], user="fuzz", today=TODAY, dry_run=True)
    assert_unchanged(before, snapshot(corpus_engine))
    for problem in report.problems:
        assert problem.location.file == "dai.csv" and problem.code != "reader_error", problem
        assert VIETNAMESE.search(problem.message), problem
        if problem.is_error and problem.code not in {"unreadable", "no_table"}:  # the whole file
            assert problem.location.row is not None and problem.location.column, problem


@LOADER_FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(10, 17),
            st.integers(3, 25),
            st.one_of(st.sampled_from(FIELD_NOISE), st.integers(-5, 10**16), st.floats(-1e3, 1e3), st.booleans()),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_loader_on_mutated_district_sheet(corpus_engine: Engine, edits: list[tuple[int, int, object]]) -> None:
    """The whole loader (dry run) on the 2019 district sheet with random value cells replaced: every
    error names the sheet, the row and the column of a cell of the table."""
    wb = load_workbook(io.BytesIO(_SAMPLE_XLSX))
    wb.remove(wb.worksheets[1])
    ws = wb.worksheets[0]
    for row, column, value in edits:
        cell = ws.cell(row, column)
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
        if isinstance(value, str):
            cell.data_type = "s"  # text, even "=1+1"
    out = io.BytesIO()
    wb.save(out)
    before = snapshot(corpus_engine)
    report = load(
        corpus_engine, [Source(name="huyen.xlsx", data=out.getvalue())], user="fuzz", today=TODAY, dry_run=True
    )
    assert_unchanged(before, snapshot(corpus_engine))
    for problem in report.problems:
        assert problem.location.file == "huyen.xlsx" and problem.code != "reader_error", problem
        assert VIETNAMESE.search(problem.message), problem
        if problem.is_error:
            loc = problem.location
            assert loc.sheet == "6 tháng đầu năm" and loc.row is not None and 10 <= loc.row <= 18, problem
            assert loc.column, problem


def test_loader_refuses_bytes_that_are_not_a_file(corpus_engine: Engine) -> None:
    """An upload without content is a typed error, not a crash."""
    report = load(corpus_engine, [Source(name="tai-len.xlsx", data=b"")], user="corpus", today=TODAY)
    [problem] = report.problems
    assert problem.code == "unreadable" and "rỗng" in problem.message
    with pytest.raises(QcdcError):
        read_bytes(None, "tai-len.csv")  # type: ignore[arg-type]

"""Whatever the bytes, the readers raise nothing but the project's own errors."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from etl.errors import QcdcError
from etl.readers import ReadResult, read_bytes
from tests.etl import files

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PREFIXES = [b"", b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe"]
VOCABULARY = [
    "STT",
    "Đơn vị",
    "Tên đơn vị",
    "Mã đơn vị",
    "Xã, thị trấn",
    "Huyện",
    "Kỳ",
    "Kỳ báo cáo:",
    "Chỉ tiêu",
    "Nội dung",
    "Đơn vị tính",
    "Số liệu",
    "Giá trị",
    "Ghi chú",
    "target",
    "unit_code",
    "unit_name",
    "period",
    "indicator",
    "value",
    "dataelement",
    "orgunit",
    "DLG_HELD",
    "CMP_NEW",
    "CMP_RATE",
    files.DLG_HELD,
    files.NTM_LEVEL,
    "Xã Bình An",
    "TT. Kiên Lương",
    "Huyện Kiên Lương",
    "I. HUYỆN KIÊN LƯƠNG",
    "UBND HUYỆN KIÊN LƯƠNG",
    "UBND XÃ HÒN NGHỆ",
    "Đơn vị: Xã Hòn Nghệ, huyện Kiên Lương",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "6 THÁNG CUỐI NĂM 2018",
    "2019S1",
    "Kiên Lương, ngày 15 tháng 6 năm 2019",
    "Tổng cộng",
    "Cộng",
    "Người lập biểu",
    "TRƯỞNG BAN",
    "(1)",
    "(2)",
    "-",
    "x",
    "1.050",
    " 7 ",
    "12,5",
    "Đạt chuẩn",
    "",
]
text_cells = st.text(max_size=30).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
cells = st.one_of(
    st.none(),
    st.sampled_from(VOCABULARY),
    st.integers(-(10**6), 10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    text_cells,
)
HEADERS = [w for w in VOCABULARY[:27] if w]
tables = st.builds(
    lambda titles, header, body: [*titles, header, *body],
    st.lists(st.lists(st.sampled_from(VOCABULARY), max_size=3), max_size=4),
    st.lists(st.sampled_from(HEADERS), min_size=2, max_size=7),
    st.lists(st.lists(cells, max_size=7), max_size=10),
)
grids = st.one_of(st.lists(st.lists(cells, max_size=7), max_size=14), tables)
merges = st.lists(st.tuples(st.integers(1, 14), st.integers(1, 7), st.integers(0, 3), st.integers(0, 3)), max_size=4)


def read_or_refuse(data: bytes, name: str) -> ReadResult | None:
    try:
        result = read_bytes(data, name)
    except QcdcError:
        return None
    check(result, name)
    return result


def check(result: ReadResult, name: str) -> None:
    """What holds for every result: no hidden bug, locations that point into the file."""
    assert result.file == name
    assert not [p for p in result.problems if p.code == "reader_error"], result.problems
    for table in result.tables:
        assert table.header_row is not None and table.header_row >= 1
        for record in table.records:
            assert record.location.file == name
            assert record.location.row is not None and record.location.row > table.header_row
            assert record.location.column
            assert isinstance(record.indicator, str) and record.indicator


@FUZZ
@given(st.sampled_from(PREFIXES), st.binary(max_size=600), st.sampled_from([".csv", ".txt", ".xlsx", ".xlsm", ".xls"]))
def test_arbitrary_bytes(prefix: bytes, body: bytes, extension: str) -> None:
    read_or_refuse(prefix + body, f"f{extension}")


_BASE_XLSX = files.xlsx_bytes([["UBND HUYỆN KIÊN LƯƠNG"], ["Đơn vị", "DLG_HELD", "CMP_NEW"], ["Xã Bình An", 1, 2]])


@FUZZ
@given(st.integers(0, len(_BASE_XLSX) - 1), st.binary(min_size=1, max_size=8), st.booleans())
def test_damaged_workbook(position: int, patch: bytes, truncate: bool) -> None:
    data = _BASE_XLSX[:position] if truncate else _BASE_XLSX[:position] + patch + _BASE_XLSX[position + len(patch) :]
    read_or_refuse(data, "hong.xlsx")


@SLOW_FUZZ
@given(
    st.binary(max_size=300), st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"])
)
def test_workbook_with_a_garbled_part(garbage: bytes, part: str) -> None:
    source = zipfile.ZipFile(io.BytesIO(_BASE_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, garbage if item.filename == part else source.read(item.filename))
    read_or_refuse(out.getvalue(), "hong.xlsx")


@SLOW_FUZZ
@given(grids, merges, st.booleans())
def test_arbitrary_grids_as_xlsx(grid: list[list[object]], ranges, hidden: bool) -> None:
    wb = Workbook()
    ws = wb.active
    for number, values in enumerate(grid, start=1):
        files.put(ws, number, values)
    for row, col, down, across in ranges:
        if down or across:
            with contextlib.suppress(ValueError):
                ws.merge_cells(start_row=row, start_column=col, end_row=row + down, end_column=col + across)
    second = wb.create_sheet("2019S1")
    for number, values in enumerate(reversed(grid), start=1):
        files.put(second, number, values)
    if hidden:
        second.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    read_or_refuse(out.getvalue(), "luoi.xlsx")


@FUZZ
@given(grids, st.sampled_from([",", ";", "\t"]), st.sampled_from(["utf-8", "utf-8-sig", "cp1258", "utf-16"]))
def test_arbitrary_grids_as_csv(grid: list[list[object]], delimiter: str, encoding: str) -> None:
    text = files.csv_text(grid, delimiter)
    try:
        data = files.to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    result = read_or_refuse(data, "luoi.csv")
    if result is not None:
        for table in result.tables:
            assert table.sheet == ""


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(VOCABULARY), cells, cells), max_size=20))
def test_long_layout_with_arbitrary_rows(rows) -> None:
    grid = [["unit_code", "period", "indicator", "value"], *[[a, "2019S1", b, c] for a, b, c in rows]]
    result = read_or_refuse(files.csv_text(grid).encode(), "dai.csv")
    assert result is not None
    (table,) = result.tables
    assert len(table.records) + len(table.totals) <= len(rows)


def test_files_from_the_builders_read_cleanly(tmp_path: Path) -> None:
    for build in (files.messy_district_xlsx, files.commune_form_xlsx, files.province_xlsx, files.dhis2_csv):
        path = build(tmp_path)
        check(read_bytes(path.read_bytes(), path.name), path.name)

"""etl/samplegen.py: the Kiên Lương sample respects every rule and fact, and the files hold exactly
the figures :func:`sample_values` returns."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest

from etl import samplegen
from etl.indicators import indicator_catalog
from etl.periods import Period, find_period, parse_period
from etl.samplegen import (
    LINEAGE,
    NEW_UNITS,
    OLD_PERIODS,
    OLD_UNITS,
    PERIODS,
    expected_indicators,
    generate_sample,
    reporting_units,
    sample_targets,
    sample_values,
    units_for,
    write_template,
)
from etl.text import name_key, parse_ntm_level, strip_unit_prefix
from etl.writers import cmp_rate, ntm_criteria_max

CATALOG = indicator_catalog()
VALUES = sample_values()
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
TEMPLATE = Path(__file__).resolve().parents[2] / "data" / "templates" / "bieu-mau-bao-cao-xa.xlsx"
OLD = {u.code: u for u in OLD_UNITS}
NEW = {u.code: u for u in NEW_UNITS}
COMMUNES_2019 = [u.code for u in OLD_UNITS if u.is_commune]
KIEN_BINH, BINH_TRI, HON_NGHE, TOWN, TO_CHAU = "30790", "30809", "30814", "30787", "30766"


def v(period: str, unit: str, indicator: str) -> float | None:
    return VALUES.get((period, unit, indicator))


def series(unit_codes=None):
    """(period, unit) pairs that reported, in time order."""
    for period in PERIODS:
        for unit in reporting_units(period):
            if unit_codes is None or unit.code in unit_codes:
                yield period, unit


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("sample")
    return out, generate_sample(out)


# ------------------------------------------------------------------------------------------------
# Completeness
# ------------------------------------------------------------------------------------------------


def test_every_expected_figure_is_present_and_nothing_else():
    expected = set()
    for period, unit in series():
        for code in expected_indicators(unit):
            if code == "NTM_YEAR" and v(period.code, unit.code, "NTM_LEVEL") == 0:
                continue  # blank while the commune is not at the standard
            expected.add((period.code, unit.code, code))
    assert set(VALUES) == expected
    entered = {i.code for i in CATALOG.entered}
    assert {k[2] for k in VALUES} == entered  # never CMP_PENDING or CMP_RATE


def test_periods_and_units():
    assert PERIODS[0] == Period(2017, 1) and PERIODS[-1] == Period(2026, 2)
    assert len(PERIODS) == 20
    assert {p for p, _, _ in VALUES} == {p.code for p in PERIODS}
    for period in OLD_PERIODS:
        assert {u for p, u, _ in VALUES if p == period.code} == set(OLD)
    for code in ("2025S2", "2026S1"):
        assert {u for p, u, _ in VALUES if p == code} == set(NEW)


def test_open_period_is_partial():
    reported = {u for p, u, _ in VALUES if p == "2026S2"}
    assert reported == {"30787", "30811", "30814"}
    assert len(reported) < len(NEW_UNITS)
    for unit in reported:  # those that reported, reported everything
        assert {i for p, u, i in VALUES if p == "2026S2" and u == unit} == set(expected_indicators(NEW[unit]))


# ------------------------------------------------------------------------------------------------
# The catalog's rules
# ------------------------------------------------------------------------------------------------


def test_all_figures_are_whole_and_non_negative():
    for key, value in VALUES.items():
        assert value >= 0 and float(value).is_integer(), key


def test_inequalities():
    for period, unit in series():
        p, u = period.code, unit.code
        assert v(p, u, "DLG_ANSWERED") <= v(p, u, "DLG_OPINIONS")
        assert v(p, u, "CMP_COMPETENT") <= v(p, u, "CMP_CARRY") + v(p, u, "CMP_NEW")
        assert v(p, u, "CMP_RESOLVED") <= v(p, u, "CMP_COMPETENT")
        assert v(p, u, "VIL_MEETINGS") <= v(p, u, "VIL_TOTAL")
        assert v(p, u, "VIL_CONVENTIONS") <= v(p, u, "VIL_TOTAL")


def _pending(period: str, unit: str) -> float:
    return v(period, unit, "CMP_COMPETENT") - v(period, unit, "CMP_RESOLVED")


def test_carry_equals_previous_pending_for_every_unit_and_period():
    checked = 0
    for period, unit in series():
        if period == PERIODS[0]:
            continue
        previous = period.previous().code
        if period == samplegen.MERGER_PERIOD:
            expected = sum(_pending(previous, old) for old in LINEAGE[unit.code])
            if unit.code == TO_CHAU:
                expected += samplegen.HA_TIEN_PENDING
        else:
            expected = _pending(previous, unit.code)
        assert v(period.code, unit.code, "CMP_CARRY") == expected, (period, unit.code)
        checked += 1
    assert checked == 16 * 8 + 5 + 5 + 3  # 2017S2…2025S1, 2025S2, 2026S1, 2026S2


def test_villages_stable_per_unit_and_successors_sum_their_predecessors():
    for units, periods in ((OLD_UNITS, OLD_PERIODS), (NEW_UNITS, samplegen.NEW_PERIODS)):
        for unit in units:
            totals = {v(p.code, unit.code, "VIL_TOTAL") for p in periods if (p.code, unit.code, "VIL_TOTAL") in VALUES}
            assert len(totals) == 1, unit
    for unit in OLD_UNITS:
        assert 3 <= v("2025S1", unit.code, "VIL_TOTAL") <= 9
    for new, olds in LINEAGE.items():
        before = sum(v("2025S1", old, "VIL_TOTAL") for old in olds)
        after = v("2025S2", new, "VIL_TOTAL")
        if new == TO_CHAU:
            assert after == before + samplegen.HA_TIEN_VILLAGES
        else:
            assert after == before


def test_ntm_figures_only_for_communes():
    ntm = {"NTM_CRITERIA_MET", "NTM_LEVEL", "NTM_YEAR"}
    for period, unit in series():
        present = {i for i in ntm if (period.code, unit.code, i) in VALUES}
        if unit.is_commune:
            assert {"NTM_CRITERIA_MET", "NTM_LEVEL"} <= present
        else:
            assert present == set(), (period, unit.name)
    assert OLD[TOWN].kind == "Thị trấn" and NEW[TO_CHAU].kind == "Phường"


def test_ntm_rules():
    for period, unit in series():
        if not unit.is_commune:
            continue
        p, u = period.code, unit.code
        criteria, level, year = v(p, u, "NTM_CRITERIA_MET"), v(p, u, "NTM_LEVEL"), v(p, u, "NTM_YEAR")
        assert 0 <= criteria <= ntm_criteria_max(period)
        assert level in (0, 1, 2, 3)
        if level >= 1:
            assert year is not None and year <= period.year
        else:
            assert year is None


def test_ntm_level_never_drops():
    for units in (OLD_UNITS, NEW_UNITS):
        for unit in units:
            levels = [v(p.code, unit.code, "NTM_LEVEL") for p in PERIODS if (p.code, unit.code, "NTM_LEVEL") in VALUES]
            assert levels == sorted(levels), unit.name
    for new, olds in LINEAGE.items():
        if NEW[new].is_commune:  # a successor keeps at least its communes' lowest level
            lowest = min(v("2025S1", old, "NTM_LEVEL") for old in olds if OLD[old].is_commune)
            assert v("2025S2", new, "NTM_LEVEL") >= lowest


def test_criteria_sets():
    for period in PERIODS:
        assert ntm_criteria_max(period) == (10 if period >= Period(2026, 1) else 19)
    for period in (Period(2026, 1), Period(2026, 2)):
        for unit in reporting_units(period):
            if unit.is_commune:
                criteria = v(period.code, unit.code, "NTM_CRITERIA_MET")
                assert 6 <= criteria <= 9
                assert v(period.code, unit.code, "NTM_LEVEL") == v("2025S2", unit.code, "NTM_LEVEL")


# ------------------------------------------------------------------------------------------------
# Published facts (domain.md §5)
# ------------------------------------------------------------------------------------------------


def test_five_of_seven_communes_at_the_standard_at_the_2019_review():
    levels = {u: v("2019S1", u, "NTM_LEVEL") for u in COMMUNES_2019}
    assert levels[KIEN_BINH] == 0 and levels[BINH_TRI] == 0
    assert all(level >= 1 for u, level in levels.items() if u not in (KIEN_BINH, BINH_TRI))
    assert sum(level >= 1 for level in levels.values()) == 5
    assert len(levels) == 7
    for unit in (KIEN_BINH, BINH_TRI):
        assert 16 <= v("2019S1", unit, "NTM_CRITERIA_MET") <= 17


def test_kien_binh_and_binh_tri_reach_the_standard_in_2019():
    for unit in (KIEN_BINH, BINH_TRI):
        assert v("2019S2", unit, "NTM_LEVEL") == 1
        assert v("2019S2", unit, "NTM_YEAR") == 2019
    targets = sample_targets()
    assert targets[("2019", KIEN_BINH, "NTM_LEVEL")] == 1
    assert targets[("2019", BINH_TRI, "NTM_LEVEL")] == 1


def test_standard_years_are_never_after_the_period():
    for unit in COMMUNES_2019:
        year = samplegen.NTM_YEAR_MET[unit]
        assert 2014 <= year <= 2019
        for period in OLD_PERIODS:
            level = v(period.code, unit, "NTM_LEVEL")
            assert (level >= 1) == (period >= Period(year, 2)), (unit, period)


def test_hon_nghe_advanced_by_early_2023():
    assert v("2023S1", HON_NGHE, "NTM_LEVEL") == 2
    assert v("2022S1", HON_NGHE, "NTM_LEVEL") == 1
    for period in ("2025S2", "2026S1", "2026S2"):
        assert v(period, HON_NGHE, "NTM_LEVEL") == 2


def test_every_commune_at_the_standard_from_2019S2_so_by_end_2023():
    for period in OLD_PERIODS:
        if period >= Period(2019, 2):
            assert all(v(period.code, u, "NTM_LEVEL") >= 1 for u in COMMUNES_2019), period
    assert all(v("2023S2", u, "NTM_LEVEL") >= 1 for u in COMMUNES_2019)


# ------------------------------------------------------------------------------------------------
# Plausible flows
# ------------------------------------------------------------------------------------------------


def test_flows_within_their_ranges_with_real_zeros():
    for period, unit in series():
        p, u = period.code, unit.code
        assert 1 <= v(p, u, "DLG_HELD") <= 4
        assert 5 <= v(p, u, "DLG_OPINIONS") <= 40
        assert 2 <= v(p, u, "CMP_NEW") <= 25
    zeros = defaultdict(int)
    for (_, _, code), value in VALUES.items():
        if value == 0:
            zeros[code] += 1
    assert zeros["DVK_MODELS"] > 5
    assert zeros["DLG_HELD"] == 0


def test_bigger_units_report_more_and_the_merger_dips():
    def total(code, period, units):
        return sum(v(period, u, code) for u in units)

    town = sum(v(p.code, TOWN, "DISC_ITEMS") for p in OLD_PERIODS)
    island = sum(v(p.code, HON_NGHE, "DISC_ITEMS") for p in OLD_PERIODS)
    assert town > island
    before = total("DISC_ITEMS", "2024S2", OLD)
    assert total("DISC_ITEMS", "2025S2", NEW) < before


def test_generation_is_a_pure_function_of_the_seed():
    samplegen._generate.cache_clear()
    again = sample_values()
    assert again == VALUES
    assert again is not VALUES
    assert sample_values(seed=1) != VALUES
    samplegen._generate.cache_clear()
    assert sample_values(seed=1) == sample_values(seed=1)


# ------------------------------------------------------------------------------------------------
# The files hold exactly the figures
# ------------------------------------------------------------------------------------------------


def _unit_by_name(name: str, period: Period) -> str:
    key = name_key(strip_unit_prefix(name))
    found = [u.code for u in units_for(period) if name_key(u.short_name) == key]
    assert len(found) == 1, (name, period)
    return found[0]


def _read_district(ws, out: dict, rates: dict) -> Period:
    numbers_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "(1)")
    head_a, head_b = numbers_row - 2, numbers_row - 1
    period = next(
        find_period(str(ws.cell(r, 1).value))
        for r in range(1, head_a)
        if ws.cell(r, 1).value and find_period(str(ws.cell(r, 1).value))
    )
    has_code = ws.cell(head_a, 3).value == "Mã đơn vị"
    first = 4 if has_code else 3
    columns = {c: CATALOG.match(ws.cell(head_b, c).value) for c in range(first, ws.max_column + 1)}
    columns = {c: code for c, code in columns.items() if code}
    row = numbers_row + 1
    units: list[int] = []
    while ws.cell(row, 2).value != "Tổng cộng":
        name = ws.cell(row, 2).value
        unit = str(ws.cell(row, 3).value) if has_code else _unit_by_name(name, period)
        if has_code:
            assert _unit_by_name(name, period) == unit
        for col, code in columns.items():
            value = ws.cell(row, col).value
            if value is None:
                continue
            assert isinstance(value, int | float)
            if code == "CMP_RATE":
                rates[(period.code, unit)] = value
            else:
                assert isinstance(value, int), (ws.title, row, col)
                out[(period.code, unit, code)] = float(value)
        units.append(row)
        row += 1
    # The total row adds flows and stocks, leaves NTM figures and the rate blank.
    for col, code in columns.items():
        total = ws.cell(row, col).value
        ind = CATALOG.get(code)
        if ind.communes_only or ind.kind == "rate":
            assert total is None
        else:
            assert total == sum(ws.cell(r, col).value or 0 for r in units), (ws.title, code)
    return period


def _read_form(ws, out: dict) -> None:
    lines = [str(ws.cell(r, 1).value or "") for r in range(1, 8)]
    period = parse_period(next(x for x in lines if x.startswith("Kỳ báo cáo:")))
    unit_line = next(x for x in lines if x.startswith("Đơn vị:"))
    unit = _unit_by_name(unit_line.removeprefix("Đơn vị:").split(",")[0], period)
    for row in range(1, ws.max_row + 1):
        code = CATALOG.match(ws.cell(row, 2).value)
        if code is None or not isinstance(ws.cell(row, 1).value, int):
            continue
        raw = ws.cell(row, 4).value
        value = parse_ntm_level(raw) if code == "NTM_LEVEL" else raw
        if value is not None:
            out[(period.code, unit, code)] = float(value)


def _read_sample(folder: Path) -> tuple[dict, dict]:
    out: dict = {}
    rates: dict = {}
    for path in sorted(folder.iterdir()):
        if path.name == "kien-luong-2017-2018.csv":
            with path.open(encoding="utf-8", newline="") as handle:
                for line in csv.DictReader(handle):
                    assert line["value"].isdigit()
                    key = (line["period"], line["unit_code"], line["indicator"])
                    assert key not in out
                    out[key] = float(line["value"])
        elif path.name.startswith("bieu-mau-xa-"):
            _read_form(openpyxl.load_workbook(path).active, out)
        elif path.suffix == ".xlsx":
            for ws in openpyxl.load_workbook(path).worksheets:
                _read_district(ws, out, rates)
    return out, rates


def test_files_hold_exactly_the_sample_values(fresh):
    folder, _ = fresh
    read, rates = _read_sample(folder)
    assert read == VALUES
    assert {p for p, _ in rates} == {"2024S1", "2024S2"}
    for (period, unit), rate in rates.items():
        assert rate == cmp_rate(v(period, unit, "CMP_RESOLVED"), v(period, unit, "CMP_COMPETENT"))


def test_files_are_the_formats_offices_send(fresh):
    folder, paths = fresh
    names = [p.name for p in paths]
    assert names == [
        "kien-luong-2017-2018.csv",
        "kien-luong-chi-tieu-2019.csv",
        *[f"kien-luong-{y}.xlsx" for y in range(2019, 2025)],
        "kien-luong-2025-6-thang-dau.xlsx",
        "an-giang-kien-luong-2025-6-thang-cuoi.xlsx",
        "an-giang-kien-luong-2026-6-thang-dau.xlsx",
        "bieu-mau-xa-kien-luong-2026S2.xlsx",
        "bieu-mau-xa-son-hai-2026S2.xlsx",
        "bieu-mau-xa-hon-nghe-2026S2.xlsx",
    ]
    with (folder / "kien-luong-2017-2018.csv").open(encoding="utf-8") as handle:
        assert handle.readline().strip() == "unit_code,unit_name,period,indicator,value"
        assert "Số liệu minh họa" not in handle.read()
    for year in range(2019, 2025):
        book = openpyxl.load_workbook(folder / f"kien-luong-{year}.xlsx")
        assert book.sheetnames == ["6 tháng đầu năm", "6 tháng cuối năm"]
        for ws in book.worksheets:
            assert ws["A1"].value == "UBND HUYỆN KIÊN LƯƠNG"
            assert ws["A2"].value == "BAN CHỈ ĐẠO THỰC HIỆN QCDC"
    ws = openpyxl.load_workbook(folder / "kien-luong-2021.xlsx").active
    row = next(r for r in range(1, 15) if ws.cell(r, 1).value == "(1)") - 1
    assert ws.cell(row, 4).value == "DLG_HELD"  # 2021: codes instead of names
    for name in ("an-giang-kien-luong-2025-6-thang-cuoi.xlsx", "an-giang-kien-luong-2026-6-thang-dau.xlsx"):
        ws = openpyxl.load_workbook(folder / name).active
        texts = [str(c.value) for r in ws.iter_rows(max_row=8) for c in r if c.value]
        assert "UBND TỈNH AN GIANG" in texts
        assert any("huyện Kiên Lương (cũ)" in t for t in texts)
        assert "Mã đơn vị" in [str(c.value) for r in ws.iter_rows(max_row=12) for c in r]
    ws = openpyxl.load_workbook(folder / "bieu-mau-xa-hon-nghe-2026S2.xlsx").active
    assert ws["A1"].value == "UBND XÃ HÒN NGHỆ"
    texts = [str(c.value) for r in ws.iter_rows(max_row=8) for c in r if c.value]
    assert "Đơn vị: Xã Hòn Nghệ, tỉnh An Giang" in texts
    assert "Kỳ báo cáo: 6 tháng cuối năm 2026" in texts


def test_every_sheet_says_its_figures_are_illustrative(fresh):
    _, paths = fresh
    for path in paths:
        if path.suffix != ".xlsx":
            continue
        book = openpyxl.load_workbook(path)
        assert "minh họa" in (book.properties.description or "")
        for ws in book.worksheets:
            texts = [str(c.value) for r in ws.iter_rows() for c in r if c.value]
            assert any("Số liệu minh họa" in t for t in texts), (path.name, ws.title)


def test_targets_file(fresh):
    folder, _ = fresh
    with (folder / "kien-luong-chi-tieu-2019.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["unit_code", "unit_name", "period", "indicator", "target"]
    read = {(r["period"], r["unit_code"], r["indicator"]): float(r["target"]) for r in rows}
    assert read == sample_targets()
    assert len(rows) <= 20


def _cells(path: Path):
    if path.suffix == ".csv":
        return path.read_bytes()  # byte for byte: encoding and line endings too
    book = openpyxl.load_workbook(path)
    return {
        ws.title: (
            [tuple(r) for r in ws.iter_rows(values_only=True)],
            sorted(str(m) for m in ws.merged_cells.ranges),
            ws.freeze_panes,
        )
        for ws in book.worksheets
    } | {"_properties": (book.properties.title, book.properties.created)}


def test_committed_sample_matches_a_fresh_generation(fresh):
    _, paths = fresh
    committed = sorted(p.name for p in SAMPLE_DIR.iterdir() if p.name != "README.md")
    assert committed == sorted(p.name for p in paths)
    for path in paths:
        assert _cells(SAMPLE_DIR / path.name) == _cells(path), path.name


def test_committed_template_matches_a_fresh_one(tmp_path):
    fresh_template = write_template(tmp_path / "t.xlsx")
    assert _cells(TEMPLATE) == _cells(fresh_template)
    ws = openpyxl.load_workbook(TEMPLATE).active
    assert ws.protection.sheet


def test_generation_writes_the_same_bytes_twice(tmp_path, fresh):
    _, paths = fresh
    again = generate_sample(tmp_path)
    for first, second in zip(paths, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_readme_describes_every_file():
    readme = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    for path in SAMPLE_DIR.iterdir():
        if path.name == "README.md":
            continue
        if path.name.startswith("kien-luong-20") and path.name[11:15].isdigit() and path.suffix == ".xlsx":
            year = int(path.name[11:15])
            if 2019 <= year <= 2024:
                continue  # described as kien-luong-2019.xlsx … kien-luong-2024.xlsx
        assert path.name in readme, path.name
    assert "minh họa" in readme.lower() and "illustrative" in readme.lower()

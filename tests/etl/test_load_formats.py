"""Every accepted format, messy as offices send it, through the whole pipeline into the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, text

from etl.load import Source, load
from etl.models import DataValue
from etl.samplegen import sample_values
from etl.writers import write_dhis2_csv
from tests.etl import files

TODAY = date(2026, 11, 29)


def run(engine, *paths, **kwargs):
    kwargs.setdefault("today", TODAY)
    return load(engine, [Source.from_path(p) for p in paths], user="tester", **kwargs)


def values(engine, period: str) -> dict[tuple[str, str], float]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT u.code, v.indicator_code, v.value FROM data_value v JOIN unit u ON u.id = v.unit_id "
                "WHERE v.period_code = :p"
            ),
            {"p": period},
        )
        return {(code, indicator): value for code, indicator, value in rows}


def nothing_stored(engine) -> bool:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(DataValue.__table__)).scalar_one() == 0


def test_messy_district_sheet_is_understood_and_its_rule_errors_located(engine, tmp_path):
    """Title block, two-row merged header, (1)(2)(3) row, STT, names in every style resolved inside
    "UBND HUYỆN KIÊN LƯƠNG", "1.050" and " 7 ", a blank row, a total row, a signature block. The
    sheet gives NTM levels without the year, which the rules refuse: nothing is written."""
    report = run(engine, files.messy_district_xlsx(tmp_path))
    [file] = report.files
    assert file.formats == ["wide"]
    errors = [(p.location.sheet, p.location.row, p.location.column, p.code) for p in file.errors]
    assert errors == [("Báo cáo", 9, "M", "level_needs_year"), ("Báo cáo", 12, "M", "level_needs_year")]
    warnings = {p.code for p in file.warnings}
    assert "unknown_unit" not in warnings and "ambiguous_unit" not in {p.code for p in file.errors}
    assert "level_not_in_set" in warnings  # "Nâng cao" did not exist in the 2016–2020 set
    assert "total_mismatch" not in warnings  # the total row agrees with the units
    assert nothing_stored(engine)


def test_commune_form_loads_with_its_unit_and_period_from_the_title(engine, tmp_path):
    report = run(engine, files.commune_form_xlsx(tmp_path))
    [file] = report.files
    assert file.is_valid, [str(p) for p in file.errors]
    assert file.formats == ["form"]
    stored = values(engine, "2019S1")
    assert stored[("30814", "DLG_HELD")] == 2
    assert stored[("30814", "DLG_OPINIONS")] == 15
    assert stored[("30814", "CMP_CARRY")] == 0
    assert stored[("30814", "NTM_LEVEL")] == 2  # "Nâng cao"
    assert stored[("30814", "NTM_YEAR")] == 2018
    assert ("30814", "CMP_RESOLVED") not in stored  # "-" is not reported
    assert "unknown_indicator" in {p.code for p in file.warnings}


def test_windows_1258_long_csv_with_semicolons(engine, tmp_path):
    rows = [
        ["30814", "Xã Hòn Nghệ", "6 tháng đầu năm 2019", "Số cuộc đối thoại giữa chính quyền với Nhân dân", "2", ""],
        ["", "Thị trấn Kiên Lương", "2019S1", "DLG_OPINIONS", "1.050", "đã họp"],
    ]
    path = files.long_csv(tmp_path, "cp1258.csv", encoding="cp1258", delimiter=";", rows=rows)
    report = run(engine, path, area_code="902")
    assert report.ok, [str(p) for p in report.problems]
    assert values(engine, "2019S1") == {("30814", "DLG_HELD"): 2, ("30787", "DLG_OPINIONS"): 1050}
    with engine.connect() as connection:
        note = connection.execute(text("SELECT note FROM data_value WHERE value = 1050")).scalar_one()
    assert note == "đã họp"


def test_dhis2_value_set_round_trip(engine, tmp_path):
    wanted = {k: v for k, v in sample_values().items() if k[0] == "2019S2"}
    path = tmp_path / "dhis2.csv"
    write_dhis2_csv(((indicator, period, unit, value) for (period, unit, indicator), value in wanted.items()), path)
    report = run(engine, path)
    assert report.ok, [str(p) for p in report.problems[:5]]
    assert report.files[0].formats == ["dhis2"]
    assert {("2019S2", u, i): v for (u, i), v in values(engine, "2019S2").items()} == wanted


def test_province_sheet_with_district_group_rows_and_a_period_column(engine, tmp_path):
    report = run(engine, files.province_xlsx(tmp_path))
    assert report.ok, [str(p) for p in report.problems]
    assert values(engine, "2019S1") == {
        ("30808", "DLG_HELD"): 1,
        ("30808", "DLG_OPINIONS"): 2,
        ("30811", "DLG_HELD"): 3,
        ("30811", "DLG_OPINIONS"): 4,
        ("30781", "DLG_HELD"): 5,
    }


def test_one_sheet_per_period_in_a_workbook(engine, tmp_path):
    report = run(engine, files.two_period_sheets_xlsx(tmp_path), area_code="902")
    assert report.ok, [str(p) for p in report.problems]
    assert values(engine, "2019S1") == {("30808", "DLG_HELD"): 1, ("30808", "CMP_NEW"): 2}
    assert values(engine, "2019S2") == {("30808", "DLG_HELD"): 3, ("30808", "CMP_NEW"): 4, ("30811", "DLG_HELD"): 5}


def test_a_period_column_that_contradicts_the_title_is_an_error(engine, tmp_path):
    path = files.grid_xlsx(
        tmp_path,
        "contradiction.xlsx",
        [
            ["UBND HUYỆN KIÊN LƯƠNG"],
            ["6 THÁNG ĐẦU NĂM 2019"],
            ["Đơn vị", "Kỳ báo cáo", "DLG_HELD"],
            ["Xã Bình An", "2019S1", 1],
            ["Xã Sơn Hải", "2019S2", 2],
        ],
    )
    report = run(engine, path)
    [problem] = report.files[0].errors
    assert (problem.code, problem.location.row, problem.location.column) == ("period_contradiction", 5, "B")
    assert nothing_stored(engine)


def test_formula_without_cached_value_is_refused(engine, tmp_path):
    report = run(engine, files.formula_xlsx(tmp_path), area_code="902")
    assert "formula_without_value" in {p.code for p in report.files[0].errors}
    assert nothing_stored(engine)


def test_unreadable_files_are_errors_naming_the_file(engine, tmp_path):
    broken = [files.truncated_xlsx(tmp_path), files.ole2_file(tmp_path), files.write(tmp_path, "empty.csv", b"")]
    report = run(engine, *broken)
    for file in report.files:
        [problem] = file.errors
        assert problem.location.file == file.name and problem.code == "unreadable"
    assert nothing_stored(engine)


def test_a_bad_file_does_not_stop_a_good_one(engine, tmp_path):
    good = files.commune_form_xlsx(tmp_path)
    bad = files.truncated_xlsx(tmp_path)
    report = run(engine, bad, good)
    assert [f.outcome for f in report.files] == ["invalid", "loaded"]
    assert not report.ok

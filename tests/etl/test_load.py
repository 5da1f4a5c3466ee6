"""The load pipeline (etl.load) end to end on long CSV files, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from etl.load import Source, load
from etl.models import DataValue, ImportBatch, ValueAudit

TODAY = date(2026, 11, 29)
HEADER = "unit_code,unit_name,period,indicator,value\n"


def write(tmp_path: Path, name: str, body: str, header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def run(engine: Engine, *paths: Path, **kwargs):
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("user", "tester")
    return load(engine, [Source.from_path(p) for p in paths], **kwargs)


def count(engine: Engine, model) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model.__table__)).scalar_one()


def stored(engine: Engine, unit_code: str, period: str, indicator: str) -> float | None:
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT v.value FROM data_value v JOIN unit u ON u.id = v.unit_id "
                "WHERE u.code = :c AND v.period_code = :p AND v.indicator_code = :i"
            ),
            {"c": unit_code, "p": period, "i": indicator},
        ).scalar_one_or_none()


GOOD = (
    "30790,Xã Kiên Bình,2019S1,DLG_HELD,2\n"
    "30790,Xã Kiên Bình,2019S1,DLG_OPINIONS,14\n"
    "30790,Xã Kiên Bình,2019S1,DLG_ANSWERED,12\n"
    "30787,Thị trấn Kiên Lương,2019S1,DLG_HELD,3\n"
)


def test_load_long_csv_writes_values_batch_and_audit(engine, tmp_path):
    report = run(engine, write(tmp_path, "kl.csv", GOOD))
    assert report.ok, report.problems
    [file] = report.files
    assert (file.outcome, file.inserted, file.updated) == ("loaded", 4, 0)
    assert stored(engine, "30790", "2019S1", "DLG_OPINIONS") == 14
    assert count(engine, DataValue) == 4
    assert count(engine, ValueAudit) == 4
    with engine.connect() as connection:
        batch = connection.execute(select(ImportBatch.__table__)).one()
    assert batch.file_name == "kl.csv" and len(batch.sha256) == 64
    assert (batch.values_inserted, batch.loaded_by, batch.outcome) == (4, "tester", "loaded")


def test_loading_the_same_file_twice_changes_nothing_and_says_so(engine, tmp_path):
    path = write(tmp_path, "kl.csv", GOOD)
    run(engine, path)
    again = run(engine, path)
    [file] = again.files
    assert (file.outcome, file.inserted, file.updated, file.unchanged) == ("unchanged", 0, 0, 4)
    assert file.earlier_batches and file.earlier_batches[0][0] == 1
    assert count(engine, ImportBatch) == 1
    assert count(engine, ValueAudit) == 4


def test_a_later_file_that_changes_a_value_is_audited(engine, tmp_path):
    run(engine, write(tmp_path, "a.csv", GOOD))
    report = run(engine, write(tmp_path, "b.csv", "30790,Kiên Bình,2019S1,DLG_OPINIONS,15\n"), user="chi.lan")
    assert report.files[0].updated == 1
    with engine.connect() as connection:
        audit = connection.execute(
            select(ValueAudit.__table__).where(ValueAudit.__table__.c.batch_id == report.files[0].batch_ids[0])
        ).one()
        version = connection.execute(
            select(DataValue.__table__.c.version).where(DataValue.__table__.c.value == 15)
        ).scalar_one()
    assert (audit.old_value, audit.new_value, audit.changed_by, audit.source) == (14, 15, "chi.lan", "file")
    assert version == 2


def test_an_invalid_file_writes_nothing_and_lists_every_problem(engine, tmp_path):
    body = (
        "30790,Xã Kiên Bình,2019S1,DLG_HELD,2\n"
        "30790,Xã Kiên Bình,2019S1,DLG_OPINIONS,abc\n"
        "99999,,2019S1,DLG_HELD,1\n"
        "30790,Xã Kiên Bình,quý 3/2019,DLG_HELD,1\n"
        "30790,Xã Kiên Bình,2019S1,DLG_HLED,1\n"
        "30787,Thị trấn Kiên Lương,2019S1,NTM_LEVEL,1\n"
    )
    report = run(engine, write(tmp_path, "bad.csv", body))
    assert not report.ok
    [file] = report.files
    assert file.outcome == "invalid"
    rows = sorted((p.location.row, p.code) for p in file.errors)
    assert rows == [
        (3, "not_a_number"),
        (4, "unknown_unit"),
        (5, "bad_period"),
        (6, "unknown_indicator"),
        (7, "ntm_not_commune"),
    ]
    by_row = {p.location.row: p for p in file.errors}
    assert str(by_row[3]).startswith("bad.csv:-:3:value:")
    assert "quý" in by_row[5].message
    assert "DLG_HELD" in by_row[6].message  # did you mean
    assert count(engine, DataValue) == 0 and count(engine, ImportBatch) == 0


def test_codes_mean_what_the_period_catalog_says(engine, tmp_path):
    body = "30790,,2019S1,DLG_HELD,1\n30790,,2025S2,DLG_HELD,2\n"
    assert run(engine, write(tmp_path, "codes.csv", body)).ok
    with engine.connect() as connection:
        names = dict(
            connection.execute(
                text("SELECT v.period_code, u.name FROM data_value v JOIN unit u ON u.id = v.unit_id")
            ).all()
        )
    assert names == {"2019S1": "Xã Kiên Bình", "2025S2": "Xã Hòa Điền"}


def test_a_code_that_contradicts_the_name_is_refused(engine, tmp_path):
    report = run(engine, write(tmp_path, "x.csv", "30790,Xã Hòa Điền,2019S1,DLG_HELD,1\n"))
    [problem] = report.files[0].errors
    assert problem.code == "code_name_mismatch" and "Xã Kiên Bình" in problem.message


def test_ambiguous_name_lists_candidates_and_area_resolves_it(engine, tmp_path):
    path = write(tmp_path, "names.csv", ",Bình An,2019S1,DLG_HELD,1\n")
    report = run(engine, path)
    [problem] = report.files[0].errors
    assert problem.code == "ambiguous_unit"
    assert "Huyện Kiên Lương" in problem.message and "--area" in problem.message
    report = run(engine, path, area_code="902")
    assert report.ok
    assert stored(engine, "30808", "2019S1", "DLG_HELD") == 1


def test_names_match_without_diacritics_prefix_or_tone_style(engine, tmp_path):
    body = (
        ",hoa dien,2019S1,DLG_HELD,1\n"
        ",Xã Hoà Điền,2019S1,DLG_OPINIONS,4\n"
        ",TT. Kiên Lương,2019S1,DLG_HELD,2\n"
        ",XÃ  BÌNH\nTRỊ,2019S1,DLG_HELD,3\n"
    )
    path = tmp_path / "loose.csv"
    path.write_text(HEADER + body.replace("XÃ  BÌNH\nTRỊ", '"XÃ  BÌNH\nTRỊ"'), encoding="utf-8")
    report = run(engine, path, area_code="902")
    assert report.ok, [str(p) for p in report.problems]
    assert stored(engine, "30802", "2019S1", "DLG_OPINIONS") == 4
    assert stored(engine, "30787", "2019S1", "DLG_HELD") == 2
    assert stored(engine, "30809", "2019S1", "DLG_HELD") == 3


def test_vietnamese_number_formats_and_not_reported(engine, tmp_path):
    body = '30790,,2019S1,DLG_OPINIONS,"1.050"\n30790,,2019S1,DLG_ANSWERED, 7 \n30790,,2019S1,DLG_HELD,-\n'
    report = run(engine, write(tmp_path, "n.csv", body))
    assert report.ok, report.problems
    assert stored(engine, "30790", "2019S1", "DLG_OPINIONS") == 1050
    assert stored(engine, "30790", "2019S1", "DLG_ANSWERED") == 7
    assert stored(engine, "30790", "2019S1", "DLG_HELD") is None  # "-" is not reported, not 0


def test_a_blank_never_deletes_a_stored_value(engine, tmp_path):
    run(engine, write(tmp_path, "a.csv", "30790,,2019S1,DLG_HELD,2\n"))
    report = run(engine, write(tmp_path, "b.csv", "30790,,2019S1,DLG_HELD,\n"))
    assert report.ok and report.files[0].outcome == "unchanged"
    assert stored(engine, "30790", "2019S1", "DLG_HELD") == 2


def test_rules_across_values_of_a_unit_period(engine, tmp_path):
    body = "30790,,2019S1,DLG_OPINIONS,10\n30790,,2019S1,DLG_ANSWERED,12\n"
    report = run(engine, write(tmp_path, "r.csv", body))
    [problem] = report.files[0].errors
    assert problem.code == "le_rule" and problem.location.row == 3
    assert count(engine, DataValue) == 0


def test_rules_see_values_already_stored(engine, tmp_path):
    run(engine, write(tmp_path, "a.csv", "30790,,2019S1,DLG_OPINIONS,10\n"))
    report = run(engine, write(tmp_path, "b.csv", "30790,,2019S1,DLG_ANSWERED,12\n"))
    assert [p.code for p in report.files[0].errors] == ["le_rule"]


def test_derived_indicators_are_checked_not_stored(engine, tmp_path):
    body = (
        "30790,,2019S1,CMP_CARRY,0\n30790,,2019S1,CMP_NEW,316\n30790,,2019S1,CMP_COMPETENT,316\n"
        "30790,,2019S1,CMP_RESOLVED,238\n30790,,2019S1,CMP_RATE,88.9\n"
    )
    report = run(engine, write(tmp_path, "d.csv", body))
    assert report.ok
    [warning] = report.files[0].warnings
    assert warning.code == "derived_mismatch" and "75,3" in warning.message
    assert stored(engine, "30790", "2019S1", "CMP_RATE") is None


def test_duplicates_warn_and_conflicts_fail(engine, tmp_path):
    same = run(engine, write(tmp_path, "s.csv", "30790,,2019S1,DLG_HELD,2\n30790,,2019S1,DLG_HELD,2\n"))
    assert same.ok and [p.code for p in same.files[0].warnings] == ["duplicate"]
    conflict = run(engine, write(tmp_path, "c.csv", "30802,,2019S1,DLG_HELD,2\n30802,,2019S1,DLG_HELD,3\n"))
    [problem] = conflict.files[0].errors
    assert problem.code == "conflict" and problem.location.row == 3 and ":2:" in problem.message


def test_future_periods_are_refused(engine, tmp_path):
    report = run(engine, write(tmp_path, "f.csv", "30790,,2027S1,DLG_HELD,2\n"))
    [problem] = report.files[0].errors
    assert problem.code == "bad_period" and "chưa bắt đầu" in problem.message


def test_dry_run_writes_nothing(engine, tmp_path):
    report = run(engine, write(tmp_path, "kl.csv", GOOD), dry_run=True)
    assert report.files[0].outcome == "dry-run" and report.files[0].inserted == 4
    assert count(engine, DataValue) == 0 and count(engine, ImportBatch) == 0


def test_ntm_criteria_are_stored_with_their_set(engine, tmp_path):
    body = (
        "30790,,2019S1,NTM_CRITERIA_MET,17\n30790,,2019S1,NTM_LEVEL,Chưa đạt\n"
        "30814,,2026S1,NTM_CRITERIA_MET,8\n30814,,2026S1,NTM_LEVEL,Đạt chuẩn\n30814,,2026S1,NTM_YEAR,2017\n"
    )
    report = run(engine, write(tmp_path, "ntm.csv", body))
    assert report.ok, [str(p) for p in report.problems]
    with engine.connect() as connection:
        sets = dict(
            connection.execute(
                text("SELECT period_code, criteria_set FROM data_value WHERE indicator_code = 'NTM_CRITERIA_MET'")
            ).all()
        )
    assert sets == {"2019S1": "2016-2020", "2026S1": "2026-2030"}
    assert stored(engine, "30790", "2019S1", "NTM_LEVEL") == 0


def test_file_above_the_upload_limit_is_refused(engine, tmp_path, monkeypatch):
    from etl.settings import Settings

    path = write(tmp_path, "big.csv", GOOD * 200)
    report = load(engine, [Source.from_path(path)], settings=Settings(max_upload_mb=0.001), today=TODAY)
    [problem] = report.files[0].errors
    assert problem.code == "unreadable" and "MB" in problem.message


@pytest.mark.parametrize("area", ["0000", "30790"])
def test_unknown_area_is_a_usage_error(engine, tmp_path, area):
    from etl.errors import UnknownUnit

    with pytest.raises(UnknownUnit):
        run(engine, write(tmp_path, "kl.csv", GOOD), area_code=area)

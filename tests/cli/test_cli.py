"""The ``qcdc`` command: exit codes and messages, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.settings import get_settings

runner = CliRunner()


@pytest.fixture
def cli_env(db_url, monkeypatch):
    monkeypatch.setenv("QCDC_DATABASE_URL", db_url)
    monkeypatch.setenv("QCDC_USER", "cli-test")
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def write_csv(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("unit_code,unit_name,period,indicator,value\n" + body, encoding="utf-8")
    return path


def test_every_command_has_help():
    for command in ["init", "demo", "load", "export"]:
        result = invoke(command, "--help")
        assert result.exit_code == 0, command
        assert "Usage" in result.output


def test_top_help_names_the_default_database():
    result = invoke("--help")
    assert result.exit_code == 0
    assert "QCDC_DATABASE_URL" in result.output and "qcdc.sqlite3" in result.output


def test_load_then_reload_then_export(cli_env, tmp_path):
    path = write_csv(tmp_path, "kl.csv", "30790,Xã Kiên Bình,2019S1,DLG_HELD,2\n30787,,2019S1,DLG_HELD,3\n")
    first = invoke("load", str(path))
    assert first.exit_code == 0, first.output
    assert "kl.csv: đã nạp" in first.output and "2 giá trị mới" in first.output
    second = invoke("load", str(path))
    assert second.exit_code == 0
    assert "không có gì thay đổi" in second.output and "lô #1" in second.output
    exported = invoke("export", "--period", "2019S1")
    assert exported.exit_code == 0
    rows = list(csv.reader(io.StringIO(exported.stdout)))
    assert rows[0] == ["unit_code", "unit_name", "period", "indicator", "value"]
    assert rows[1:] == [
        ["30787", "Thị trấn Kiên Lương", "2019S1", "DLG_HELD", "3"],
        ["30790", "Xã Kiên Bình", "2019S1", "DLG_HELD", "2"],
    ]


def test_invalid_file_exits_1_and_lists_problems_as_file_sheet_row_column(cli_env, tmp_path):
    path = write_csv(tmp_path, "bad.csv", "30790,,2019S1,DLG_HELD,-3\n30790,,2019S1,DLG_OPINIONS,abc\n")
    result = invoke("load", str(path))
    assert result.exit_code == 1
    assert "bad.csv:-:2:value: 'Số cuộc đối thoại giữa chính quyền với Nhân dân' không được âm." in result.output
    assert "bad.csv:-:3:value:" in result.output
    assert "KHÔNG ghi dữ liệu nào" in result.output


def test_dry_run_says_what_would_change(cli_env, tmp_path):
    path = write_csv(tmp_path, "kl.csv", "30790,,2019S1,DLG_HELD,2\n")
    result = invoke("load", "--dry-run", str(path))
    assert result.exit_code == 0 and "chạy thử" in result.output and "1 giá trị mới" in result.output
    assert invoke("export").stdout.strip() == "unit_code,unit_name,period,indicator,value"


def test_usage_errors_exit_2(cli_env, tmp_path):
    assert invoke("load").exit_code == 2
    assert invoke("load", str(tmp_path / "missing.csv")).exit_code == 2
    assert invoke("export", "--format", "pdf").exit_code == 2
    assert invoke("export", "--period", "quý 3/2019").exit_code == 2
    path = write_csv(tmp_path, "kl.csv", "30790,,2019S1,DLG_HELD,2\n")
    result = invoke("load", "--area", "0000", str(path))
    assert result.exit_code == 2 and "0000" in result.output


def test_export_xlsx_and_filters(cli_env, tmp_path):
    from openpyxl import load_workbook

    path = write_csv(
        tmp_path,
        "kl.csv",
        "30790,,2019S1,DLG_HELD,2\n30790,,2025S2,DLG_HELD,4\n30787,,2019S1,DLG_OPINIONS,7\n",
    )
    assert invoke("load", str(path)).exit_code == 0
    result = invoke("export", "--unit", "30790", "--indicator", "DLG_HELD")
    rows = list(csv.reader(io.StringIO(result.stdout)))[1:]
    assert rows == [
        ["30790", "Xã Kiên Bình", "2019S1", "DLG_HELD", "2"],
        ["30790", "Xã Hòa Điền", "2025S2", "DLG_HELD", "4"],
    ]
    out = tmp_path / "out.xlsx"
    assert invoke("export", "--format", "xlsx", "--output", str(out)).exit_code == 0
    sheet = load_workbook(out).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ("unit_code", "unit_name", "period", "indicator", "value") or list(values[0]) == [
        "unit_code",
        "unit_name",
        "period",
        "indicator",
        "value",
    ]
    assert len(values) == 4


def test_database_not_initialised_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("QCDC_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    get_settings.cache_clear()
    try:
        result = invoke("export")
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1 and "qcdc init" in result.output


def test_export_on_todays_boundaries_sums_into_successors(cli_env, tmp_path):
    path = write_csv(
        tmp_path,
        "kl.csv",
        "30787,,2024S1,DLG_HELD,3\n30808,,2024S1,DLG_HELD,2\n30809,,2024S1,DLG_HELD,1\n"
        "30808,,2024S1,NTM_LEVEL,1\n30808,,2024S1,NTM_YEAR,2014\n",
    )
    assert invoke("load", str(path)).exit_code == 0
    result = invoke("export", "--boundaries", "current")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [
        ["unit_code", "unit_name", "period", "indicator", "value"],
        ["30787", "Xã Kiên Lương", "2024S1", "DLG_HELD", "6"],  # the town, Bình An and Bình Trị
    ]
    assert invoke("export", "--boundaries", "today").exit_code == 2


def test_users_and_periods_commands(cli_env):
    added = runner.invoke(
        app, ["users", "add", "xa.sonhai", "--role", "official", "--unit", "30811"], input="bí-mật-1\nbí-mật-1\n"
    )
    assert added.exit_code == 0, added.output
    assert "Đã tạo tài khoản xa.sonhai (official)" in added.output
    listed = invoke("users", "list")
    assert "xa.sonhai\tofficial\thoạt động" in listed.output and "Xã Sơn Hải (30811)" in listed.output
    assert "bí-mật-1" not in listed.output
    assert invoke("users", "disable", "xa.sonhai").exit_code == 0
    assert "đã khoá" in invoke("users", "list").output
    bad_role = runner.invoke(app, ["users", "add", "x", "--role", "boss"], input="secret1\nsecret1\n")
    assert bad_role.exit_code == 1 and "Vai trò" in bad_role.output
    assert invoke("periods", "open", "2026S2", "--deadline", "20/12/2026").exit_code == 0
    assert "2026S2\tđang mở\t20/12/2026" in invoke("periods", "list").output
    assert invoke("periods", "close", "2026S2").exit_code == 0
    assert "2026S2\tđã đóng" in invoke("periods", "list").output
    assert invoke("periods", "open", "quý 3").exit_code == 2


def test_backup_and_restore_have_help():
    for command in ["backup", "restore"]:
        result = invoke(command, "--help")
        assert result.exit_code == 0, command
        assert "Usage" in result.output
    assert "--force" in invoke("restore", "--help").output


def test_backup_then_restore_commands(cli_env, tmp_path):
    import shutil

    from sqlalchemy.engine import make_url

    from etl.backup import head_revision

    if make_url(cli_env).get_backend_name() == "postgresql" and not all(
        shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql")
    ):
        pytest.skip("pg_dump, pg_restore or psql not installed (Debian: apt-get install postgresql-client)")
    file = tmp_path / "qcdc.backup"
    made = invoke("backup", str(file))
    assert made.exit_code == 0, made.output
    assert "Đã sao lưu cơ sở dữ liệu" in made.output and "Xong sau" in made.output
    assert "đơn vị" in made.output and f"lược đồ {head_revision()}" in made.output
    assert file.stat().st_size > 0

    refused = invoke("restore", str(file))  # the database holds the reference data
    assert refused.exit_code == 1
    assert "Lỗi: Cơ sở dữ liệu" in refused.output and "đang có" in refused.output and "--force" in refused.output

    restored = invoke("restore", "--force", str(file))
    assert restored.exit_code == 0, restored.output
    assert "Đã khôi phục" in restored.output and "Đã thay thế:" in restored.output and "Nay có:" in restored.output

    notes = tmp_path / "notes.txt"
    notes.write_text("không phải bản sao lưu", encoding="utf-8")
    bad = invoke("restore", "--force", str(notes))
    assert bad.exit_code == 1 and "không phải là bản sao lưu" in bad.output
    missing = invoke("restore", str(tmp_path / "missing.backup"))
    assert missing.exit_code == 1 and "Không có tệp" in missing.output
    assert invoke("restore").exit_code == 2
    assert invoke("backup").exit_code == 2
    assert invoke("restore", str(file), "--forse").exit_code == 2


def test_restore_into_a_new_sqlite_file_and_passwords_stay_hidden(tmp_path, monkeypatch, sqlite_template):
    import shutil

    source = tmp_path / "source.sqlite3"
    shutil.copyfile(sqlite_template, source)
    monkeypatch.setenv("QCDC_DATABASE_URL", f"sqlite:///{source}")
    get_settings.cache_clear()
    try:
        file = tmp_path / "qcdc.backup"
        assert invoke("backup", str(file)).exit_code == 0
        monkeypatch.setenv("QCDC_DATABASE_URL", f"sqlite:///{tmp_path / 'new' / 'restored.sqlite3'}")
        get_settings.cache_clear()
        restored = invoke("restore", str(file))
        assert restored.exit_code == 0, restored.output
        assert "Đã thay thế" not in restored.output and "14.149 đơn vị" in restored.output
        monkeypatch.setenv("QCDC_DATABASE_URL", "postgresql+psycopg://qcdc:very-secret@127.0.0.1:1/qcdc")
        get_settings.cache_clear()
        crossed = invoke("restore", str(file))
        assert crossed.exit_code == 1 and "bản sao lưu SQLite" in crossed.output
        assert "very-secret" not in crossed.output and "qcdc:***@" in crossed.output
    finally:
        get_settings.cache_clear()

"""``etl.backup``: backup and restore on SQLite (online backup API) and PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from etl import backup as backup_module
from etl.backup import BackupError, TargetNotEmpty, backup, head_revision, pg_environment, restore
from etl.db import alembic_config, bump_data_version, make_engine, schema_is_current
from tests.conftest import POSTGRES_URL, _pg_create, _pg_drop, _pg_url

PG_TOOLS = ("pg_dump", "pg_restore", "psql")


def _needs_tools(url: str) -> None:
    if make_url(url).get_backend_name() == "postgresql":
        missing = [tool for tool in PG_TOOLS if shutil.which(tool) is None]
        if missing:
            pytest.skip(f"{', '.join(missing)} not installed (Debian: apt-get install postgresql-client)")


def _kind(url: str) -> str:
    return make_url(url).get_backend_name()


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """URL of a database with no table at all: a file not yet created, or an empty PostgreSQL database."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / f'fresh-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("QCDC_TEST_POSTGRES_URL is not set")
    name = f"qcdc_b_{uuid.uuid4().hex[:12]}"
    _pg_create(name)
    try:
        yield _pg_url(name)
    finally:
        _pg_drop(name)


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order (all columns)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = {}
            for table in sorted(inspect(connection).get_table_names()):
                width = len(inspect(connection).get_columns(table))
                order = ", ".join(str(i) for i in range(1, width + 1))
                rows[table] = [tuple(r) for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))]
            return rows
    finally:
        engine.dispose()


def scalar(url: str, sql: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def fingerprint(url: str) -> tuple:
    """Enough to see that a database was not touched."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            counts = tuple(connection.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in names)
            values = tuple(connection.execute(text("SELECT id, value FROM data_value ORDER BY id")).all())
            state = tuple(connection.execute(text("SELECT key, value FROM app_state ORDER BY key")).all())
            return tuple(names), counts, values, state
    finally:
        engine.dispose()


def set_value(url: str, value: float) -> None:
    """The one figure of these tests (first unit, 2019S1, DLG_HELD), inserted or changed."""
    from sqlmodel import SQLModel

    import etl.models  # noqa: F401  (registers the tables)

    table = SQLModel.metadata.tables["data_value"]
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            bump_data_version(connection)  # as every write does
            if connection.execute(text("SELECT COUNT(*) FROM data_value")).scalar():
                connection.execute(table.update().values(value=value, updated_at=datetime.now(UTC)))
                return
            unit_id = connection.execute(text("SELECT MIN(id) FROM unit")).scalar()
            connection.execute(
                table.insert().values(
                    unit_id=unit_id,
                    period_code="2019S1",
                    indicator_code="DLG_HELD",
                    value=value,
                    updated_at=datetime.now(UTC),
                    updated_by="test",
                    version=1,
                )
            )
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------------------
# 1. Round trip
# ------------------------------------------------------------------------------------------------


def test_round_trip_restores_every_row_of_every_table(sample_db_url, tmp_path, monkeypatch):
    _needs_tools(sample_db_url)
    commands: list[tuple[list[str], dict[str, str]]] = []
    real_run, real_popen = subprocess.run, subprocess.Popen

    def spy_run(args, *rest, **kwargs):  # type: ignore[no-untyped-def]
        commands.append((list(map(str, args)), kwargs.get("env") or {}))
        return real_run(args, *rest, **kwargs)

    def spy_popen(args, *rest, **kwargs):  # type: ignore[no-untyped-def]
        commands.append((list(map(str, args)), kwargs.get("env") or {}))
        return real_popen(args, *rest, **kwargs)

    monkeypatch.setattr(backup_module.subprocess, "run", spy_run)
    monkeypatch.setattr(backup_module.subprocess, "Popen", spy_popen)
    # A password in the URL (trust authentication ignores it) must reach the tools by environment only.
    source_url = sample_db_url
    if _kind(sample_db_url) == "postgresql":
        source_url = make_url(sample_db_url).set(password="pw-not-on-argv").render_as_string(hide_password=False)
    file = tmp_path / "sample.backup"
    made = backup(source_url, file)
    assert made.size == file.stat().st_size > 0
    assert made.contents.revision == head_revision()
    assert made.contents.counts["data_value"] > 1000 and made.contents.counts["unit"] > 10000
    assert not [p for p in tmp_path.iterdir() if p.name != file.name]  # no temporary file left
    expected = table_rows(sample_db_url)
    with fresh_database(_kind(sample_db_url), tmp_path) as target:
        done = restore(target, file)
        assert done.replaced.empty and not done.upgraded
        assert done.contents.counts == made.contents.counts
        assert table_rows(target) == expected
    if _kind(sample_db_url) == "postgresql":
        assert commands and all("pw-not-on-argv" not in " ".join(argv) for argv, _env in commands)
        assert commands[0][1]["PGPASSWORD"] == "pw-not-on-argv"
        assert "--format=custom" in commands[0][0]
        assert any({"--clean", "--if-exists", "--no-owner"} <= set(argv) for argv, _env in commands)
    else:
        assert commands == []  # SQLite needs no external tool


# ------------------------------------------------------------------------------------------------
# 2. Never over data without force
# ------------------------------------------------------------------------------------------------


def test_restore_refuses_a_database_with_data_unless_forced(db_url, tmp_path):
    _needs_tools(db_url)
    set_value(db_url, 2)
    file = tmp_path / "before.backup"
    backup(db_url, file)
    set_value(db_url, 5)
    before = fingerprint(db_url)
    with pytest.raises(TargetNotEmpty) as refused:
        restore(db_url, file)
    message = str(refused.value)
    assert "đang có 1 giá trị" in message and "đơn vị" in message and "--force" in message
    assert f"lược đồ {head_revision()}" in message and "cập nhật lần cuối" in message
    assert re.search(r"\b\d{1,3}(\.\d{3})+ đơn vị", message)  # Vietnamese thousands: 14.149 đơn vị
    assert fingerprint(db_url) == before

    version_before = int(scalar(db_url, "SELECT value FROM app_state WHERE key = 'data_version'"))
    done = restore(db_url, file, force=True)
    assert done.replaced.counts["data_value"] == 1
    assert scalar(db_url, "SELECT value FROM data_value") == 2  # the backed-up value is back
    # The data version moves past the replaced one, so dashboard caches never serve stale figures.
    assert int(scalar(db_url, "SELECT value FROM app_state WHERE key = 'data_version'")) > version_before


# ------------------------------------------------------------------------------------------------
# 3. An older schema is migrated forward
# ------------------------------------------------------------------------------------------------


def test_backup_of_an_older_schema_is_upgraded_on_restore(db_url, tmp_path):
    _needs_tools(db_url)
    from etl.accounts import create_user

    with fresh_database(_kind(db_url), tmp_path) as old:
        command.upgrade(alembic_config(old), "0001")
        engine = make_engine(old)
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO app_state (key, value) VALUES ('data_version', '7'), ('k', 'old')"))
        engine.dispose()
        assert scalar(old, "SELECT version_num FROM alembic_version") == "0001"
        file = tmp_path / "old.backup"
        assert backup(old, file).contents.revision == "0001"

    # Into an empty database …
    with fresh_database(_kind(db_url), tmp_path) as target:
        done = restore(target, file)
        assert done.backup_revision == "0001" and done.upgraded and done.contents.revision == head_revision()
        assert scalar(target, "SELECT value FROM app_state WHERE key = 'k'") == "old"
        engine = make_engine(target)
        assert schema_is_current(engine)
        with engine.begin() as connection:  # a table of a later revision is there and usable
            create_user(connection, username="sau.khoi.phuc", password="mat-khau-dai", role="viewer")
        engine.dispose()

    # … and over a current database with data in tables the old schema lacks (user_scope → unit).
    engine = make_engine(db_url)
    with engine.begin() as connection:
        unit_id = connection.execute(text("SELECT MIN(id) FROM unit")).scalar()
        create_user(connection, username="xa.test", password="mat-khau-dai", role="official", unit_ids=[unit_id])
    engine.dispose()
    with pytest.raises(TargetNotEmpty, match="1 tài khoản"):
        restore(db_url, file)
    done = restore(db_url, file, force=True)
    assert done.contents.revision == head_revision()
    assert scalar(db_url, "SELECT COUNT(*) FROM user_account") == 0
    assert scalar(db_url, "SELECT COUNT(*) FROM unit") == 0
    assert scalar(db_url, "SELECT value FROM app_state WHERE key = 'k'") == "old"


# ------------------------------------------------------------------------------------------------
# 4. SQLite: online backup while a writer holds its transaction
# ------------------------------------------------------------------------------------------------


def test_sqlite_backup_while_a_write_transaction_is_open(sqlite_engine, tmp_path):
    url = sqlite_engine.url.render_as_string(hide_password=False)
    database = Path(sqlite_engine.url.database)
    with sqlite_engine.begin() as connection:
        connection.execute(text("INSERT INTO app_state (key, value) VALUES ('committed', 'yes')"))
    writer = sqlite3.connect(str(database), isolation_level=None)
    try:
        assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO app_state (key, value) VALUES ('uncommitted', 'no')")
        file = tmp_path / "online.backup"
        made = backup(url, file)
        writer.execute("COMMIT")  # the writer was never blocked nor broken
    finally:
        writer.close()
    assert made.contents.counts["unit"] > 10000
    copy = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        keys = {k for (k,) in copy.execute("SELECT key FROM app_state")}
    finally:
        copy.close()
    assert "committed" in keys and "uncommitted" not in keys
    assert not Path(f"{file}-wal").exists()


def test_sqlite_failed_backup_leaves_the_old_file_and_no_temporary(tmp_path):
    other = tmp_path / "not-qcdc.sqlite3"
    connection = sqlite3.connect(str(other))
    connection.execute("CREATE TABLE t (x)")
    connection.close()
    file = tmp_path / "keep.backup"
    file.write_bytes(b"previous backup")
    with pytest.raises(BackupError, match="chưa được khởi tạo"):
        backup(f"sqlite:///{other}", file)
    assert file.read_bytes() == b"previous backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.backup", "not-qcdc.sqlite3"]
    with pytest.raises(BackupError, match="Chưa có cơ sở dữ liệu"):
        backup(f"sqlite:///{tmp_path / 'missing.sqlite3'}", file)
    assert not (tmp_path / "missing.sqlite3").exists()


# ------------------------------------------------------------------------------------------------
# 5. Invalid backup files change nothing
# ------------------------------------------------------------------------------------------------


def test_invalid_backup_files_are_refused_and_change_nothing(db_url, tmp_path):
    _needs_tools(db_url)
    set_value(db_url, 2)
    good = tmp_path / "good.backup"
    backup(db_url, good)
    set_value(db_url, 9)
    before = fingerprint(db_url)

    text_file = tmp_path / "notes.txt"
    text_file.write_text("đây không phải bản sao lưu\n", encoding="utf-8")
    truncated = tmp_path / "truncated.backup"
    data = good.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    truncated_late = tmp_path / "truncated-late.backup"  # PostgreSQL: the table of contents is intact
    truncated_late.write_bytes(data[: len(data) * 9 // 10])
    empty = tmp_path / "empty.backup"
    empty.write_bytes(b"")
    cases = {
        tmp_path / "missing.backup": "Không có tệp",
        text_file: "không phải là bản sao lưu",
        empty: "không phải là bản sao lưu",
        truncated: "không khôi phục|cơ sở dữ liệu giữ nguyên",
        truncated_late: "không khôi phục|cơ sở dữ liệu giữ nguyên",
        tmp_path: "không phải là một tệp",
    }
    other = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(str(other))
    connection.execute("CREATE TABLE t (x)")
    connection.close()
    fake_dump = tmp_path / "fake.dump"
    fake_dump.write_bytes(b"PGDMP" + b"\x00" * 200)
    if _kind(db_url) == "sqlite":
        cases[other] = "không có bảng alembic_version"
        cases[fake_dump] = "bản sao lưu PostgreSQL.*không khôi phục chéo"
    else:
        cases[other] = "bản sao lưu SQLite.*không khôi phục chéo"
        cases[fake_dump] = "không đọc được như bản sao lưu pg_dump"
    for path, expected in cases.items():
        with pytest.raises(BackupError, match=expected):
            restore(db_url, path, force=True)
        assert fingerprint(db_url) == before, path


def test_a_backup_from_a_newer_release_is_refused(sqlite_engine, tmp_path):
    url = sqlite_engine.url.render_as_string(hide_password=False)
    file = tmp_path / "newer.backup"
    backup(url, file)
    connection = sqlite3.connect(str(file))
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    with fresh_database("sqlite", tmp_path) as target, pytest.raises(BackupError, match="lược đồ 9999"):
        restore(target, file)
    assert not Path(make_url(target).database).exists()


def test_missing_pg_tools_say_how_to_install_them(monkeypatch, tmp_path):
    monkeypatch.setattr(backup_module.shutil, "which", lambda _name: None)
    url = "postgresql+psycopg://qcdc:very-secret@127.0.0.1:1/qcdc"
    with pytest.raises(BackupError) as missing:
        backup(url, tmp_path / "x.dump")
    assert "pg_dump" in str(missing.value) and "postgresql-client" in str(missing.value)
    assert "very-secret" not in str(missing.value)
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"PGDMP" + b"\x00" * 50)
    with pytest.raises(BackupError, match=r"pg_restore.*postgresql-client"):
        restore(url, dump)
    assert not list(tmp_path.glob(".x.dump*"))


def test_pg_environment_carries_the_url_parameters():
    env = pg_environment("postgresql+psycopg://qcdc:p%40ss@db.internal:6543/qcdc_db?sslmode=require")
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGPASSWORD"], env["PGDATABASE"]) == (
        "db.internal",
        "6543",
        "qcdc",
        "p@ss",
        "qcdc_db",
    )
    assert env["PGSSLMODE"] == "require" and env["PGAPPNAME"] == "qcdc-tracker"
    with pytest.raises(BackupError, match="'bogus'"):
        pg_environment("postgresql+psycopg://u:secret@h/db?bogus=1")

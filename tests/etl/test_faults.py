"""Faults during a load (issue 7, item 2): nothing is ever half-written.

* A ``qcdc load`` killed with SIGKILL while it writes a national file (every commune of the old
  catalog, two half-years on SQLite, one on PostgreSQL: read column by column) leaves the database as it was:
  the integrity check passes, no batch, no figure, no audit entry; the same command then completes.
* A PostgreSQL connection lost in the middle of a load's write rolls back, with a clear message.
* A SQLite database locked by another writer is waited for (the busy timeout), then a clear message.
* A full disk (SQLite's page limit) is a clear error, and nothing is written.

Each "nothing written" is a comparison of every table's row count and of the data tables' content
before and after.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, inspect, text

from etl.db import make_engine
from etl.errors import DatabaseError
from etl.load import Source, load
from etl.settings import get_settings
from tests.conftest import _pg_admin, _pg_create, _pg_drop, _pg_url

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
TODAY = date(2026, 11, 29)
DATA_TABLES = ("data_value", "value_audit", "import_batch", "target", "submission", "submission_event")


def snapshot(engine: Engine) -> dict[str, object]:
    """Row counts of every table, and the whole content of the tables that hold figures."""
    with engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        out: dict[str, object] = {
            name: connection.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one() for name in tables
        }
        for name in DATA_TABLES:
            if name in tables:
                out[f"{name}:rows"] = sorted(map(repr, connection.execute(text(f'SELECT * FROM "{name}"')).all()))
    return out


def sample_sources() -> list[Source]:
    return [Source.from_path(p) for p in sorted(SAMPLE.glob("kien-luong-20*.xlsx"))]


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


# ------------------------------------------------------------------------------------------------
# SIGKILL in the middle of a national load
# ------------------------------------------------------------------------------------------------


def national_file(folder: Path, first: str, last: str) -> tuple[Path, int]:
    """Every commune of the old catalog from ``first`` to ``last`` (``qcdc synth``); (the file, its
    number of values): about 217,000 values and 10 MB a half-year."""
    from etl.synth import generate

    result = generate(folder, scope="national", first=first, last=last, seed=7)
    (written,) = result.files
    return written.path, written.rows


def _qcdc(*args: str, url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QCDC_DATABASE_URL": url, "QCDC_MAX_UPLOAD_MB": "400"}
    return subprocess.Popen(
        [sys.executable, "-c", "from etl.cli import main; main()", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until(proc: subprocess.Popen[str], writing: object, timeout: float = 240.0) -> None:
    """Poll until ``writing()`` says the load is writing; fail if the load ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the load ended before it could be killed (exit {proc.returncode}): {out} {err}")
        if writing():  # type: ignore[operator]
            return
        time.sleep(0.02)
    proc.kill()
    pytest.fail("the load never started writing")


def _kill_then_reload(url: str, engine: Engine, file: tuple[Path, int], writing: object) -> None:
    path, values = file
    before = snapshot(engine)
    proc = _qcdc("load", str(path), url=url)
    _wait_until(proc, writing)
    time.sleep(0.5)  # well inside the write: rows are going in
    assert proc.poll() is None, "the load finished before the kill"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    engine.dispose()
    assert snapshot(engine) == before, "a killed load left something behind"

    again = _qcdc("load", str(path), url=url)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert f"{values} giá trị mới, 0 thay đổi" in out, out
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM data_value")).scalar_one() == values
        assert connection.execute(text("SELECT COUNT(*) FROM import_batch")).scalar_one() == 1


@pytest.mark.slow
def test_sigkill_during_a_national_load_leaves_sqlite_as_it_was(sqlite_engine: Engine, tmp_path: Path) -> None:
    """Two half-years of every commune (434,000 values, 20 MB: read column by column)."""
    database = Path(sqlite_engine.url.database or "")
    wal = database.with_name(database.name + "-wal")

    def writing() -> bool:  # the write transaction has put megabytes of pages in the WAL
        return wal.exists() and wal.stat().st_size > 8 * 1024 * 1024

    url = sqlite_engine.url.render_as_string(hide_password=False)
    _kill_then_reload(url, sqlite_engine, national_file(tmp_path, "2024S1", "2024S2"), writing)
    with sqlite3.connect(database) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture
def pg_engine(postgres_template: str) -> Iterator[Engine]:
    """A fresh PostgreSQL database (skipped without QCDC_TEST_POSTGRES_URL)."""
    name = f"qcdc_f_{uuid.uuid4().hex[:12]}"
    _pg_create(name, template=postgres_template)
    eng = make_engine(_pg_url(name))
    try:
        yield eng
    finally:
        eng.dispose()
        _pg_drop(name)


def _copy_running(database: str) -> bool:
    admin = _pg_admin()
    try:
        with admin.connect() as connection:
            return bool(
                connection.execute(
                    text(
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = :d AND state = 'active' "
                        "AND query ILIKE 'COPY%'"
                    ),
                    {"d": database},
                ).scalar_one()
            )
    finally:
        admin.dispose()


@pytest.mark.slow
def test_sigkill_during_a_national_load_leaves_postgresql_as_it_was(pg_engine: Engine, tmp_path: Path) -> None:
    """One half-year of every commune (217,000 values, 10 MB; the server's load is slower)."""
    database = pg_engine.url.database or ""
    url = pg_engine.url.render_as_string(hide_password=False)
    _kill_then_reload(url, pg_engine, national_file(tmp_path, "2024S2", "2024S2"), lambda: _copy_running(database))


# ------------------------------------------------------------------------------------------------
# A PostgreSQL connection lost in the middle of the write
# ------------------------------------------------------------------------------------------------


def test_lost_postgresql_connection_rolls_the_load_back(pg_engine: Engine) -> None:
    """The server ends the load's connection (``pg_terminate_backend``, as a restart or a network
    cut does) after the figures went in and before the batch is finished."""
    before = snapshot(pg_engine)
    fired: list[int] = []

    def cut(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not fired and "value_audit" in statement and statement.lstrip().upper().startswith("INSERT"):
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            admin = _pg_admin()
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            admin.dispose()
            fired.append(pid)

    event.listen(pg_engine, "before_cursor_execute", cut)
    try:
        with pytest.raises(DatabaseError) as caught:
            load(pg_engine, sample_sources(), user="demo", today=TODAY)
    finally:
        event.remove(pg_engine, "before_cursor_execute", cut)
    assert fired, "the connection was never cut"
    message = str(caught.value)
    assert "Mất kết nối tới cơ sở dữ liệu" in message
    assert "không có gì được ghi nửa chừng" in message
    assert snapshot(pg_engine) == before
    report = load(pg_engine, sample_sources(), user="demo", today=TODAY)  # the pool drops the dead connection
    assert report.ok and report.files[0].outcome == "loaded"


# ------------------------------------------------------------------------------------------------
# A locked SQLite database
# ------------------------------------------------------------------------------------------------


def test_locked_sqlite_is_waited_for_then_refused_clearly(
    sqlite_engine: Engine, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("QCDC_SQLITE_BUSY_TIMEOUT_S", "1")
    get_settings.cache_clear()
    database = sqlite_engine.url.database or ""
    engine = make_engine(f"sqlite:///{database}")  # with the 1 s busy timeout
    before = snapshot(engine)
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseError) as caught:
            load(engine, sample_sources(), user="demo", today=TODAY)
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert 1.0 <= waited < 30, waited
    message = str(caught.value)
    assert "đang bị một chương trình khác khoá để ghi" in message and "đã chờ 1 giây" in message
    assert snapshot(engine) == before
    assert load(engine, sample_sources(), user="demo", today=TODAY).ok  # once the lock is gone
    engine.dispose()


def test_a_writer_queues_behind_another_instead_of_failing(sqlite_engine: Engine) -> None:
    """A lock held for a moment (shorter than the busy timeout) only delays the load."""
    database = sqlite_engine.url.database or ""
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, lambda: other.execute("COMMIT"))
    release.start()
    try:
        report = load(sqlite_engine, sample_sources(), user="demo", today=TODAY)
    finally:
        release.join()
        other.close()
    assert report.ok and all(f.outcome == "loaded" for f in report.files)


# ------------------------------------------------------------------------------------------------
# A full disk
# ------------------------------------------------------------------------------------------------


def test_full_disk_is_a_clear_error_and_writes_nothing(sqlite_engine: Engine) -> None:
    """SQLite's ``max_page_count`` set a few pages above what the database holds: the write runs
    out of room as it would on a full disk."""
    database = sqlite_engine.url.database or ""
    engine = make_engine(f"sqlite:///{database}")
    before = snapshot(engine)
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()

    def limit(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 4}")

    event.listen(engine, "connect", limit)
    engine.dispose()
    with pytest.raises(DatabaseError) as caught:
        load(engine, sample_sources(), user="demo", today=TODAY)
    message = str(caught.value)
    assert message.startswith("Ổ đĩa đầy") and "không có gì được ghi nửa chừng" in message
    engine.dispose()
    event.remove(engine, "connect", limit)
    assert snapshot(engine) == before
    with sqlite3.connect(database) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert load(engine, sample_sources(), user="demo", today=TODAY).ok  # room again: it loads
    engine.dispose()


def test_the_cli_reports_a_locked_database_without_a_traceback(sqlite_engine: Engine) -> None:
    database = sqlite_engine.url.database or ""
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        env = {**os.environ, "QCDC_DATABASE_URL": f"sqlite:///{database}", "QCDC_SQLITE_BUSY_TIMEOUT_S": "0.5"}
        done = subprocess.run(
            [sys.executable, "-c", "from etl.cli import main; main()", "load", str(SAMPLE / "kien-luong-2019.xlsx")],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "đang bị một chương trình khác khoá để ghi" in done.stderr

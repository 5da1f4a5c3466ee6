"""Benchmarks 1 and 2 of issue 6: ``qcdc load`` of the national long CSV against the floor of a plain
bulk write of the same, already parsed, tuples into the same table, measured in the same run.

* SQLite: the floor is ``sqlite3`` ``executemany`` of an upsert into ``data_value`` (with its
  indexes), on a plain connection. ``qcdc load`` (parse, resolve, validate, write, audit) must take
  at most 3× that; reloading the unchanged file at most 1.5×; its peak memory under 1.5 GB.
* PostgreSQL (when ``QCDC_TEST_POSTGRES_URL`` is set): the floor is ``COPY`` of the same tuples; the
  load at most 3× that.

Run: ``QCDC_BENCH=1 python -m pytest tests/bench -s -n 0`` (``QCDC_BENCH_CSV=path`` reuses a national file
made by ``qcdc synth --scope national --seed 42``). Figures are printed as ratios: these machines
are shared, absolute times are not comparable from one run to the next.
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

pytestmark = pytest.mark.skipif(os.environ.get("QCDC_BENCH") != "1", reason="benchmarks run with QCDC_BENCH=1")

ROOT = Path(__file__).resolve().parents[2]
QCDC = [sys.executable, "-m", "etl.cli"]
LIMITS = {"load": 3.0, "reload": 1.5, "memory_mb": 1536}
COLUMNS = "unit_id, period_code, indicator_code, value, note, criteria_set, batch_id, updated_at, updated_by, version"


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "QCDC_DATABASE_URL": url, "QCDC_MAX_UPLOAD_MB": "1000", "QCDC_USER": "bench"}


def _run(args: list[str], url: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output) of one qcdc command in its own process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [*QCDC, *args], cwd=ROOT, env=_env(url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    output = process.stdout.read() if process.stdout else ""
    assert os.waitstatus_to_exitcode(status) == 0, output
    return seconds, usage.ru_maxrss / 1024, output


@pytest.fixture(scope="module")
def national_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("QCDC_BENCH_CSV")
    if given:
        return Path(given)
    folder = tmp_path_factory.mktemp("national")
    _run(
        ["synth", "--scope", "national", "--from", "2017S1", "--to", "2026S1", "--seed", "42", "--output", str(folder)],
        "sqlite://",
    )
    [path] = folder.glob("*.csv")
    return path


@pytest.fixture(scope="module")
def empty_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "empty.sqlite3"
    _run(["init"], f"sqlite:///{path}")
    return path


def _unit_ids(rows) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    return {(catalog, code): unit_id for unit_id, catalog, code in rows}


def _tuples(national_csv: Path, ids: dict[tuple[str, str], int]) -> list[tuple]:
    """The file's figures as the tuples a writer takes (unit codes resolved per catalog), in file order."""
    new_catalog = {f"{year}S{half}" for year in range(2025, 2036) for half in (1, 2)} - {"2025S1"}
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = []
    with national_csv.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for code, _name, period, indicator, value in reader:
            catalog = "2025" if period in new_catalog else "pre2025"
            rows.append((ids[(catalog, code)], period, indicator, float(value), None, None, 1, stamp, "bench", 1))
    return rows


def _batch(connection: sqlite3.Connection) -> None:
    connection.execute(
        "INSERT INTO import_batch (id, file_name, sha256, file_format, loaded_by, started_at, rows_read, "
        "values_inserted, values_updated, values_unchanged, warnings, outcome) "
        "VALUES (1, 'floor', '', 'long', 'bench', '2026-01-01 00:00:00.000000', 0, 0, 0, 0, 0, 'loaded')"
    )


def _report(rows: list[tuple[str, float, float, float]]) -> None:
    print()
    print(f"{'measure':<42} {'seconds':>9} {'floor s':>9} {'ratio':>7}")
    for name, seconds, floor, limit in rows:
        print(f"{name:<42} {seconds:>9.1f} {floor:>9.1f} {seconds / floor:>6.2f}× (≤ {limit:g}×)")


def test_sqlite_load_against_executemany_floor(national_csv: Path, empty_sqlite: Path, tmp_path: Path) -> None:
    floor_db = tmp_path / "floor.sqlite3"
    shutil.copy(empty_sqlite, floor_db)
    connection = sqlite3.connect(floor_db, isolation_level=None)
    _batch(connection)
    tuples = _tuples(national_csv, _unit_ids(connection.execute("SELECT id, catalog, code FROM unit")))
    start = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany(
        f"INSERT INTO data_value ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (unit_id, period_code, indicator_code) DO UPDATE SET value = excluded.value",
        tuples,
    )
    connection.execute("COMMIT")
    floor = time.perf_counter() - start
    connection.close()
    count = len(tuples)
    del tuples

    load_db = tmp_path / "load.sqlite3"
    shutil.copy(empty_sqlite, load_db)
    url = f"sqlite:///{load_db}"
    seconds, peak_mb, output = _run(["load", str(national_csv)], url)
    assert f"{count} giá trị mới" in output.replace(".", ""), output
    again, again_mb, output = _run(["load", str(national_csv)], url)
    assert "không có gì thay đổi" in output, output

    print(f"\n{count:,} values; file {national_csv.stat().st_size / 1e6:.0f} MB")
    _report(
        [
            ("SQLite: qcdc load into an empty database", seconds, floor, LIMITS["load"]),
            ("SQLite: qcdc load of the unchanged file", again, floor, LIMITS["reload"]),
        ]
    )
    print(f"peak memory of the load: {peak_mb:.0f} MB, of the reload: {again_mb:.0f} MB (≤ {LIMITS['memory_mb']} MB)")
    assert seconds <= LIMITS["load"] * floor
    assert again <= LIMITS["reload"] * floor
    assert max(peak_mb, again_mb) < LIMITS["memory_mb"]


@pytest.fixture
def postgres_urls() -> Iterator[tuple[str, str]]:
    base = os.environ.get("QCDC_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("QCDC_TEST_POSTGRES_URL is not set")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    names = [f"qcdc_bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    urls = [make_url(base).set(database=name).render_as_string(hide_password=False) for name in names]
    try:
        yield urls[0], urls[1]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgres_load_against_copy_floor(national_csv: Path, postgres_urls: tuple[str, str]) -> None:
    floor_url, load_url = postgres_urls
    for url in postgres_urls:
        _run(["init"], url)
    engine = create_engine(floor_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO import_batch (id, file_name, sha256, file_format, loaded_by, started_at, rows_read, "
                "values_inserted, values_updated, values_unchanged, warnings, outcome) VALUES (1, 'floor', '', "
                "'long', 'bench', now(), 0, 0, 0, 0, 0, 'loaded')"
            )
        )
        tuples = _tuples(national_csv, _unit_ids(connection.execute(text("SELECT id, catalog, code FROM unit"))))
    stamp = datetime.now(UTC)
    start = time.perf_counter()
    with engine.begin() as connection:
        dbapi = connection.connection.driver_connection
        with dbapi.cursor() as cursor, cursor.copy(f"COPY data_value ({COLUMNS}) FROM STDIN") as copy:
            for row in tuples:
                copy.write_row((*row[:7], stamp, *row[8:]))
    floor = time.perf_counter() - start
    engine.dispose()
    count = len(tuples)
    del tuples
    seconds, peak_mb, output = _run(["load", str(national_csv)], load_url)
    assert f"{count} giá trị mới" in output.replace(".", ""), output
    again, _, output = _run(["load", str(national_csv)], load_url)
    assert "không có gì thay đổi" in output, output
    _report(
        [
            ("PostgreSQL: qcdc load into an empty database", seconds, floor, LIMITS["load"]),
            ("PostgreSQL: qcdc load of the unchanged file", again, floor, LIMITS["load"]),
        ]
    )
    print(f"peak memory of the load: {peak_mb:.0f} MB")
    assert seconds <= LIMITS["load"] * floor

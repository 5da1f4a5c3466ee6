"""Shared pieces of the benchmarks (issue 6): the national database, and generic measuring helpers.

The benchmarks are not part of the default test run: everything under ``tests/bench`` is skipped
unless ``QCDC_BENCH=1``. Run them with ``QCDC_BENCH=1 python -m pytest tests/bench -s -n 0``.

``national_db`` is the national SQLite database every benchmark reads: the one ``QCDC_BENCH_DB``
names (e.g. a database made once by the commands below, reused between runs), else one built in a
temporary folder by ``qcdc synth --scope national --from 2017S1 --to 2026S1 --seed 42``,
``qcdc init`` and ``qcdc load`` (minutes). Benchmarks that write take a copy (:func:`copy_database`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BENCH_ENV = "QCDC_BENCH"
DB_ENV = "QCDC_BENCH_DB"
NATIONAL_SYNTH = ["--scope", "national", "--from", "2017S1", "--to", "2026S1", "--seed", "42"]


def benchmarks_enabled() -> bool:
    return os.environ.get(BENCH_ENV, "").strip() == "1"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every benchmark unless ``QCDC_BENCH=1`` (the default ``pytest`` run collects tests/bench)."""
    if benchmarks_enabled():
        if os.environ.get("PYTEST_XDIST_WORKER"):  # timings beside another worker measure nothing
            parallel = pytest.mark.skip(reason="run the benchmarks in one process: add -n 0")
            for item in items:
                if HERE in item.path.parents:
                    item.add_marker(parallel)
        return
    skip = pytest.mark.skip(reason=f"benchmarks run only with {BENCH_ENV}=1 (QCDC_BENCH=1 pytest tests/bench -s -n 0)")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


# ------------------------------------------------------------------------------------------------
# The national database
# ------------------------------------------------------------------------------------------------


def qcdc(args: Sequence[str], database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run one ``qcdc`` command in its own process; fails the test with its output when it fails."""
    environment = {**os.environ, "QCDC_DATABASE_URL": database_url, **env}
    result = subprocess.run(
        [sys.executable, "-m", "etl.cli", *args],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"qcdc {' '.join(args)} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def build_national_db(folder: Path) -> Path:
    """The national database, made from scratch in ``folder`` (synth, init, load: minutes)."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "national.sqlite3"
    url = f"sqlite:///{database}"
    qcdc(["synth", *NATIONAL_SYNTH, "--output", str(folder / "csv")], url)
    [csv] = sorted((folder / "csv").glob("*.csv"))
    qcdc(["init"], url)
    qcdc(["load", str(csv)], url, QCDC_MAX_UPLOAD_MB="400", QCDC_USER="bench")
    checkpoint(database)
    return database


def checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the database file (so that a plain file copy is whole)."""
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


@pytest.fixture(scope="session")
def national_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the national SQLite database (read it only; copy it to write: :func:`copy_database`)."""
    given = os.environ.get(DB_ENV, "").strip()
    if given:
        path = Path(given).expanduser().resolve()
        if not path.is_file():
            pytest.fail(f"{DB_ENV}={given}: no such file", pytrace=False)
        return path
    started = time.perf_counter()
    path = build_national_db(tmp_path_factory.mktemp("national"))
    print(f"\nnational database built in {time.perf_counter() - started:.0f} s: {path} (reuse it: {DB_ENV}={path})")
    return path


def copy_database(source: Path, target: Path) -> Path:
    """A copy of an SQLite database that never writes to ``source``: a file copy when no
    write-ahead log is beside it, else SQLite's online backup from a read-only connection."""
    target.parent.mkdir(parents=True, exist_ok=True)
    wal = source.with_name(source.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        shutil.copyfile(source, target)
        return target
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()
    return target


# ------------------------------------------------------------------------------------------------
# Measuring
# ------------------------------------------------------------------------------------------------


def timed(function: Callable[[], object]) -> float:
    """Seconds one call takes (wall clock)."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def median_time(function: Callable[[], object], repeat: int = 5) -> float:
    """The median of ``repeat`` timed calls: what a shared, noisy machine allows."""
    return statistics.median(timed(function) for _ in range(repeat))


class RowCounter:
    """Counts the rows that SQL queries hand to Python, per query and per tag.

    Patches SQLAlchemy's cursor fetch strategies (every ``Result`` fetch goes through them: ORM,
    Core, ``text()``, ``exec_driver_sql``, pandas over SQLAlchemy), so nothing needs changing in
    the code measured. ``tagger`` names the part of the program a fetch belongs to (called at each
    fetch, in the fetching thread); ``None`` counts under ``"other"``.
    """

    def __init__(self, tagger: Callable[[], str | None] | None = None) -> None:
        self.tagger = tagger
        self.rows: Counter[str] = Counter()  # tag → rows
        self.by_query: Counter[tuple[str, str]] = Counter()  # (tag, statement) → rows
        self._lock = threading.Lock()
        self._saved: list[tuple[type, str, Callable]] = []

    def reset(self) -> None:
        with self._lock:
            self.rows.clear()
            self.by_query.clear()

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def _count(self, result: object, count: int) -> None:
        if not count:
            return
        tag = (self.tagger() if self.tagger else None) or "other"
        context = getattr(result, "context", None)
        statement = " ".join(str(getattr(context, "statement", "") or "").split())
        with self._lock:
            self.rows[tag] += count
            self.by_query[(tag, statement)] += count

    def largest(self, tag: str | None = None, n: int = 3) -> list[tuple[int, str]]:
        """The ``n`` statements that fetched the most rows (under ``tag``, or any)."""
        found = [(rows, statement) for (t, statement), rows in self.by_query.items() if tag is None or t == tag]
        return sorted(found, reverse=True)[:n]

    def __enter__(self) -> RowCounter:
        from sqlalchemy.engine import cursor

        counter = self
        classes = {
            klass
            for klass in vars(cursor).values()
            if isinstance(klass, type) and issubclass(klass, cursor.CursorFetchStrategy)
        }
        for klass in classes:
            for name in ("fetchone", "fetchmany", "fetchall"):
                if name not in vars(klass):
                    continue
                original = vars(klass)[name]
                self._saved.append((klass, name, original))

                def wrapped(strategy, result, *args, _original=original, _name=name, **kwargs):  # type: ignore[no-untyped-def]
                    rows = _original(strategy, result, *args, **kwargs)
                    if _name == "fetchone":
                        counter._count(result, 0 if rows is None else 1)
                    else:
                        counter._count(result, len(rows))
                    return rows

                setattr(klass, name, wrapped)
        return self

    def __exit__(self, *exc: object) -> None:
        for klass, name, original in reversed(self._saved):
            setattr(klass, name, original)
        self._saved.clear()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == pid:
                found.append(int(entry.name))
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and every living descendant of it."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(_children(current))
    return tree


def peak_rss_mb(pid: int) -> dict[int, float]:
    """Peak resident memory (``VmHWM``, MB) of ``pid`` and of each living descendant."""
    out: dict[int, float] = {}
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{member}/status").read_text()
            found = re.search(r"^VmHWM:\s+(\d+)\s+kB", status, re.MULTILINE)
            if found:
                out[member] = int(found.group(1)) / 1024
    return out


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str = "") -> None:
    """A plain text table on stdout (run pytest with ``-s`` to see it)."""
    cells = [[str(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    print()
    if title:
        print(title)
    for index, row in enumerate(cells):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))
        if index == 0:
            print("  ".join("-" * w for w in widths))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)

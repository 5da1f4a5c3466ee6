"""``qcdc backup`` and ``qcdc restore``: a whole database to one file and back.

* SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot
  while the application runs (WAL: writers are not blocked). The copy is written to a temporary
  file beside the target and renamed over it only when complete. The backup is a plain SQLite file
  (rollback journal, no ``-wal`` beside it).
* PostgreSQL: ``pg_dump --format=custom`` in a snapshot exported by a transaction that also counts
  the rows, so the summary describes exactly what was dumped; restore pipes
  ``pg_restore --clean --if-exists --no-owner`` into ``psql`` inside one transaction that is
  committed only when the whole archive was read, so a bad archive changes nothing. Connection
  parameters go through ``PG*`` environment variables, never the command line (``ps`` shows it).

A restore never replaces a database holding any table unless asked (``force``), checks the backup
first (SQLite: ``PRAGMA integrity_check`` and an ``alembic_version`` table; PostgreSQL: the archive's
table of contents), then migrates the restored schema forward (:func:`etl.db.upgrade_schema`), and
moves the data version past the one the replaced database had, so dashboard caches start afresh.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from etl.db import APPLICATION_NAME, alembic_config, make_engine, redact_url, upgrade_schema
from etl.errors import DatabaseError, QcdcError
from etl.settings import get_settings
from etl.text import format_datetime, format_number

Kind = Literal["sqlite", "postgresql"]

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"

# The tables a summary names, with what one row is called.
MAIN_TABLES = (
    ("data_value", "giá trị"),
    ("unit", "đơn vị"),
    ("submission", "báo cáo xã"),
    ("value_audit", "dòng lịch sử số liệu"),
    ("user_account", "tài khoản"),
)
# Where the time of the last change is found.
_CHANGE_COLUMNS = (
    ("data_value", "updated_at"),
    ("value_audit", "changed_at"),
    ("submission", "updated_at"),
    ("import_batch", "started_at"),
)
_KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_INSTALL_HINT = (
    "Không tìm thấy {tool} — cần cho sao lưu và khôi phục PostgreSQL. Cài bộ công cụ dòng lệnh PostgreSQL "
    "cùng phiên bản chính với máy chủ (Debian/Ubuntu: sudo apt-get install postgresql-client), hoặc thêm thư "
    "mục chứa {tool} vào PATH."
)
# libpq parameters a URL's query may carry, and the environment variable each becomes.
_LIBPQ_ENV = {
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "sslcompression": "PGSSLCOMPRESSION",
    "requiressl": "PGREQUIRESSL",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "krbsrvname": "PGKRBSRVNAME",
}


class BackupError(QcdcError):
    """A backup cannot be written or a file cannot be restored; nothing was changed."""


class TargetNotEmpty(BackupError):
    """The database to restore into holds data and ``force`` was not given."""

    def __init__(self, message: str, contents: Contents) -> None:
        super().__init__(message)
        self.contents = contents


@dataclass(frozen=True, slots=True)
class Contents:
    """What a database holds, in a few figures."""

    tables: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # main table -> rows (tables present only)
    revision: str = ""
    last_change: datetime | None = None

    @property
    def empty(self) -> bool:
        return self.tables == 0

    def describe(self, timezone: str | None = None) -> str:
        """E.g. "3.802.708 giá trị, 14.149 đơn vị, …, 12 tài khoản (lược đồ 0002, cập nhật lần cuối …)"."""
        if self.empty:
            return "không có bảng nào"
        parts = [f"{format_number(self.counts[name])} {label}" for name, label in MAIN_TABLES if name in self.counts]
        if not parts:
            parts = [f"{format_number(self.tables)} bảng"]
        details = [f"lược đồ {self.revision}" if self.revision else "chưa có lược đồ của QCDC Tracker"]
        if self.last_change is not None:
            zone = timezone or get_settings().timezone
            details.append(f"cập nhật lần cuối {format_datetime(self.last_change, zone)}")
        return f"{', '.join(parts)} ({', '.join(details)})"


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    kind: Kind
    size: int
    contents: Contents
    seconds: float


@dataclass(frozen=True, slots=True)
class RestoreResult:
    path: Path
    kind: Kind
    backup_revision: str  # the schema revision the backup was made at
    replaced: Contents  # what the database held before (empty when it had no table)
    contents: Contents  # what it holds now, after the upgrade
    seconds: float

    @property
    def upgraded(self) -> bool:
        return self.contents.revision != self.backup_revision


# ------------------------------------------------------------------------------------------------
# Shared helpers
# ------------------------------------------------------------------------------------------------


def format_size(size: int) -> str:
    """Bytes as people read them: "812 byte", "37,5 kB", "1,2 GB" (Vietnamese decimal comma)."""
    if size < 1024:
        return f"{size} byte"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            break
    return f"{format_number(value, 1)} {unit}"


def backend_of(url: str) -> Kind:
    name = make_url(url).get_backend_name()
    if name == "sqlite":
        return "sqlite"
    if name == "postgresql":
        return "postgresql"
    raise BackupError(f"Sao lưu chỉ hỗ trợ SQLite và PostgreSQL, không hỗ trợ {name} ({redact_url(url)}).")


def backup_kind(path: Path) -> Kind:
    """Which kind of backup ``path`` is (from its first bytes); a clear error when it is none."""
    if not path.exists():
        raise BackupError(f"Không có tệp {path}.")
    if not path.is_file():
        raise BackupError(f"{path} không phải là một tệp.")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"Không đọc được {path}: {exc.strerror or exc}") from exc
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} không phải là bản sao lưu của QCDC Tracker (không phải tệp SQLite, cũng không phải "
        "tệp pg_dump dạng custom)."
    )


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {revision.revision for revision in script.walk_revisions()}


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def _check_revision(path: Path, revision: str) -> None:
    if not revision:
        raise BackupError(f"{path}: bảng alembic_version trống — không rõ lược đồ, không khôi phục.")
    if revision not in known_revisions():
        raise BackupError(
            f"{path} có lược đồ {revision}, phiên bản này của QCDC Tracker không biết (bản sao lưu từ phiên "
            f"bản mới hơn?; lược đồ mới nhất ở đây là {head_revision()}). Hãy nâng cấp QCDC Tracker rồi khôi phục."
        )


def read_contents(connection: Connection) -> Contents:
    """Count the main tables, read the schema revision and the time of the last change."""
    from sqlmodel import SQLModel

    import etl.models  # noqa: F401  (registers the tables)

    names = set(inspect(connection).get_table_names())
    counts = {
        name: int(connection.execute(text(f"SELECT COUNT(*) FROM {name}")).scalar_one())
        for name, _label in MAIN_TABLES
        if name in names
    }
    revision = ""
    if "alembic_version" in names:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""
    moments = []
    for name, column in _CHANGE_COLUMNS:
        if name in names:
            table = SQLModel.metadata.tables[name]
            moment = connection.execute(select(func.max(table.c[column]))).scalar()
            if moment is not None:
                moments.append(moment)
    return Contents(tables=len(names), counts=counts, revision=revision, last_change=max(moments, default=None))


def _data_version(connection: Connection) -> int:
    if not inspect(connection).has_table("app_state"):
        return 0
    value = connection.execute(text("SELECT value FROM app_state WHERE key = 'data_version'")).scalar()
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


def _move_data_version_past(url: str, previous: int) -> None:
    """Dashboard caches are keyed on the data version: never give back a number they have seen."""
    if previous <= 0:
        return
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            if _data_version(connection) <= previous:
                connection.execute(
                    text("UPDATE app_state SET value = :value WHERE key = 'data_version'"),
                    {"value": str(previous + 1)},
                )
    finally:
        engine.dispose()


def _temp_beside(path: Path, suffix: str = ".tmp") -> Path:
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    except OSError as exc:
        raise BackupError(f"Không ghi được vào thư mục {path.parent}: {exc.strerror or exc}") from exc
    os.close(handle)
    return Path(name)


def _remove(path: Path) -> None:
    for extra in ("", "-wal", "-shm", "-journal"):
        with suppress(OSError):
            Path(f"{path}{extra}").unlink()


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    with suppress(OSError):  # not every platform or file system can sync a folder
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _publish(temporary: Path, path: Path) -> None:
    """Put a complete temporary file in place of ``path`` in one step (the old file stays until then)."""
    try:
        _fsync(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        raise BackupError(f"Không ghi được {path}: {exc.strerror or exc}") from exc
    _fsync_dir(path.parent)


def _check_destination(path: Path) -> None:
    if path.is_dir():
        raise BackupError(f"{path} là một thư mục; hãy ghi tên tệp sao lưu, ví dụ {path / 'qcdc.backup'}.")
    if not path.parent.is_dir():
        raise BackupError(f"Không có thư mục {path.parent}.")


# ------------------------------------------------------------------------------------------------
# Entry points
# ------------------------------------------------------------------------------------------------


def backup(url: str, path: Path) -> BackupResult:
    """Write a consistent copy of the database at ``url`` to ``path`` (replaced only when complete)."""
    started = time.perf_counter()
    kind = backend_of(url)
    path = Path(path).expanduser()
    _check_destination(path)
    contents = _sqlite_backup(url, path) if kind == "sqlite" else _pg_backup(url, path)
    return BackupResult(path, kind, path.stat().st_size, contents, time.perf_counter() - started)


def restore(url: str, path: Path, *, force: bool = False) -> RestoreResult:
    """Replace the database at ``url`` with the backup ``path``, then upgrade its schema.

    Raises :class:`TargetNotEmpty` when the database holds any table and ``force`` is false, and
    :class:`BackupError` when ``path`` is missing, not a backup, damaged, of the other kind of
    database, or of a schema newer than this release; in every such case nothing is changed.
    """
    started = time.perf_counter()
    kind = backend_of(url)
    path = Path(path).expanduser()
    file_kind = backup_kind(path)
    if file_kind != kind:
        raise BackupError(
            f"{path} là bản sao lưu {_KIND_NAMES[file_kind]}, còn cơ sở dữ liệu đang cấu hình "
            f"({redact_url(url)}) là {_KIND_NAMES[kind]}: không khôi phục chéo. Đặt QCDC_DATABASE_URL là một cơ "
            f"sở dữ liệu {_KIND_NAMES[file_kind]} để khôi phục tệp này."
        )
    if kind == "sqlite":
        revision, replaced = _sqlite_restore(url, path, force=force)
    else:
        revision, replaced = _pg_restore(url, path, force=force)
    engine = make_engine(url)
    try:
        upgrade_schema(engine)
        with engine.connect() as connection:
            contents = read_contents(connection)
    finally:
        engine.dispose()
    return RestoreResult(path, kind, revision, replaced, contents, time.perf_counter() - started)


def _refuse(url: str, path: Path, replaced: Contents, revision: str) -> TargetNotEmpty:
    return TargetNotEmpty(
        f"Cơ sở dữ liệu {redact_url(url)} đang có {replaced.describe()}; thêm --force để thay thế toàn bộ bằng "
        f"bản sao lưu {path} (lược đồ {revision}). Không thay đổi gì.",
        replaced,
    )


# ------------------------------------------------------------------------------------------------
# SQLite
# ------------------------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(
            f"Cơ sở dữ liệu {redact_url(url)} không phải là một tệp SQLite: không sao lưu hay khôi phục được."
        )
    return Path(database).expanduser().resolve()


def _sqlite_connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    timeout = get_settings().sqlite_busy_timeout_s
    if read_only:
        uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
    else:
        connection = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
    return connection


@contextmanager
def _sqlalchemy_on(connection: sqlite3.Connection) -> Iterator[Connection]:
    """A SQLAlchemy connection over an open sqlite3 one, for :func:`read_contents` (closes it at the end)."""
    engine = create_engine("sqlite://", creator=lambda: connection, poolclass=NullPool)
    try:
        with engine.connect() as wrapped:
            yield wrapped
            wrapped.rollback()
    finally:
        engine.dispose()


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, what: str) -> None:
    """SQLite's online backup, all pages in one step; waits for a lock no longer than the busy timeout."""
    deadline = time.monotonic() + get_settings().sqlite_busy_timeout_s
    busy = {getattr(sqlite3, "SQLITE_BUSY", 5), getattr(sqlite3, "SQLITE_LOCKED", 6)}

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in busy and time.monotonic() > deadline:
            raise BackupError(
                f"{what}: cơ sở dữ liệu đang bị khoá bởi một tiến trình khác quá QCDC_SQLITE_BUSY_TIMEOUT_S giây; "
                "thử lại sau."
            )

    source.backup(target, pages=-1, progress=progress, sleep=0.05)


def _sqlite_backup(url: str, path: Path) -> Contents:
    database = _sqlite_path(url)
    if not database.is_file():
        raise BackupError(f"Chưa có cơ sở dữ liệu {redact_url(url)}: không có gì để sao lưu.")
    if path.exists() and path.resolve() in {database, Path(f"{database}-wal"), Path(f"{database}-shm")}:
        raise BackupError(f"{path} là chính tệp cơ sở dữ liệu; hãy chọn một tệp khác để sao lưu.")
    temporary = _temp_beside(path)
    try:
        try:
            source = _sqlite_connect(database)
            try:
                source.execute("PRAGMA query_only = ON")
                has_schema = source.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
                ).fetchone()
                if not has_schema:
                    raise BackupError(
                        f"Cơ sở dữ liệu {redact_url(url)} chưa được khởi tạo (qcdc init): không có gì để sao lưu."
                    )
                copy = sqlite3.connect(str(temporary), isolation_level=None)
                try:
                    _copy(source, copy, "Sao lưu")
                    copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
                    with _sqlalchemy_on(copy) as connection:
                        contents = read_contents(connection)
                finally:
                    copy.close()
            finally:
                source.close()
        except sqlite3.Error as exc:
            raise BackupError(f"Không sao lưu được {redact_url(url)}: {exc}") from exc
        _publish(temporary, path)
    except BaseException:
        _remove(temporary)
        raise
    return contents


def _check_sqlite_backup(path: Path) -> tuple[str, Contents]:
    """Open the backup read-only and check it: intact, and a QCDC Tracker database. Its revision and contents."""
    try:
        connection = _sqlite_connect(path.resolve(), read_only=True)
        try:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check(20)")]
            if problems != ["ok"]:
                raise BackupError(
                    f"{path} bị hỏng (PRAGMA integrity_check: {'; '.join(problems[:3])}); không khôi phục."
                )
            has_schema = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            if not has_schema:
                raise BackupError(
                    f"{path} là tệp SQLite nhưng không phải cơ sở dữ liệu QCDC Tracker (không có bảng alembic_version)."
                )
            with _sqlalchemy_on(connection) as wrapped:
                contents = read_contents(wrapped)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} không đọc được như cơ sở dữ liệu SQLite ({exc}); không khôi phục.") from exc
    _check_revision(path, contents.revision)
    return contents.revision, contents


def _sqlite_target_contents(url: str, database: Path) -> tuple[Contents, int]:
    if not database.exists():
        return Contents(), 0
    try:
        connection = _sqlite_connect(database, read_only=True)
        try:
            with _sqlalchemy_on(connection) as wrapped:
                return read_contents(wrapped), _data_version(wrapped)
        finally:
            connection.close()
    except (sqlite3.Error, SQLAlchemyError) as exc:
        raise BackupError(f"Không đọc được cơ sở dữ liệu {redact_url(url)}: {exc}; không khôi phục.") from exc


def _sqlite_restore(url: str, path: Path, *, force: bool) -> tuple[str, Contents]:
    database = _sqlite_path(url)
    if database.exists() and path.resolve() == database:
        raise BackupError(f"{path} là chính tệp cơ sở dữ liệu đang cấu hình; không có gì để khôi phục.")
    revision, _backup_contents = _check_sqlite_backup(path)
    replaced, previous_version = _sqlite_target_contents(url, database)
    if not replaced.empty and not force:
        raise _refuse(url, path, replaced, revision)

    created = not database.exists()
    database.parent.mkdir(parents=True, exist_ok=True)
    migrated: Path | None = None
    try:
        source_path = path.resolve()
        if revision != head_revision():
            # Upgrade a scratch copy first, so that the database is replaced once, by the final state.
            migrated = _temp_beside(database, suffix=".sqlite3")
            source = _sqlite_connect(source_path, read_only=True)
            scratch = sqlite3.connect(str(migrated), isolation_level=None)
            try:
                _copy(source, scratch, "Khôi phục")
            finally:
                scratch.close()
                source.close()
            scratch_engine = make_engine(f"sqlite:///{migrated}")
            try:
                upgrade_schema(scratch_engine)
            finally:
                scratch_engine.dispose()
            source_path = migrated
        source = _sqlite_connect(source_path, read_only=migrated is None)
        target = _sqlite_connect(database)
        try:
            _copy(source, target, "Khôi phục")
        finally:
            target.close()
            source.close()
    except sqlite3.Error as exc:
        if created:
            _remove(database)
        raise BackupError(f"Không khôi phục được vào {redact_url(url)}: {exc}") from exc
    except BaseException:
        if created:
            _remove(database)
        raise
    finally:
        if migrated is not None:
            _remove(migrated)
    _move_data_version_past(url, previous_version)
    return revision, replaced


# ------------------------------------------------------------------------------------------------
# PostgreSQL
# ------------------------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(_INSTALL_HINT.format(tool=name))
    return found


def pg_environment(url: str) -> dict[str, str]:
    """The environment for pg_dump, pg_restore and psql: the URL's connection parameters as ``PG*``."""
    parsed = make_url(url)
    env = dict(os.environ)
    values: dict[str, str] = {}
    for key, value in parsed.query.items():
        if key not in _LIBPQ_ENV:
            raise BackupError(
                f"Tham số '{key}' trong QCDC_DATABASE_URL không chuyển được cho pg_dump/pg_restore; "
                "hãy bỏ nó hoặc dùng biến môi trường PG* tương ứng."
            )
        values[_LIBPQ_ENV[key]] = value if isinstance(value, str) else ",".join(value)
    if parsed.host:
        values["PGHOST"] = parsed.host
    if parsed.port:
        values["PGPORT"] = str(parsed.port)
    if parsed.username:
        values["PGUSER"] = parsed.username
    if parsed.password is not None:
        values["PGPASSWORD"] = str(parsed.password)
    if parsed.database:
        values["PGDATABASE"] = parsed.database
    values.setdefault("PGAPPNAME", APPLICATION_NAME)
    env.update(values)
    return env


def _tool_error(tool: str, url: str, stderr: bytes | str, *, restoring: bool = False) -> BackupError:
    message = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    password = make_url(url).password
    if password and len(str(password)) >= 4:
        message = message.replace(str(password), "***")
    lines = [line for line in message.strip().splitlines() if line.strip()]
    shown = "\n".join(lines[-8:]) or "không rõ lỗi"
    outcome = " — khôi phục bị huỷ, cơ sở dữ liệu giữ nguyên như trước" if restoring else ""
    return BackupError(f"{tool} không thành công{outcome}:\n{shown}")


def _pg_backup(url: str, path: Path) -> Contents:
    pg_dump = _pg_tool("pg_dump")
    env = pg_environment(url)
    engine = make_engine(url)
    temporary = _temp_beside(path)
    try:
        try:
            with engine.connect() as connection:
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
                with connection.begin():
                    if not inspect(connection).has_table("alembic_version"):
                        raise BackupError(
                            f"Cơ sở dữ liệu {redact_url(url)} chưa được khởi tạo (qcdc init): không có gì để sao lưu."
                        )
                    snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                    contents = read_contents(connection)  # counted in the snapshot pg_dump reads
                    command = [pg_dump, "--format=custom", "--no-password", f"--file={temporary}"]
                    command.append(f"--snapshot={snapshot}")
                    result = subprocess.run(command, env=env, capture_output=True, check=False)
                    if result.returncode != 0:
                        raise _tool_error("pg_dump", url, result.stderr)
        except OperationalError as exc:
            raise DatabaseError(f"Không kết nối được cơ sở dữ liệu {redact_url(url)}: {exc.orig}") from exc
        _publish(temporary, path)
    except BaseException:
        _remove(temporary)
        raise
    finally:
        engine.dispose()
    return contents


_TOC_TABLE = re.compile(r"^\s*\d+;\s+\d+\s+\d+\s+TABLE\s+(\S+)\s+(\S+)\s")


def _archive_tables(pg_restore: str, path: Path, env: dict[str, str]) -> set[tuple[str, str]]:
    result = subprocess.run([pg_restore, "--list", str(path)], env=env, capture_output=True, check=False)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else "không rõ lỗi"
        raise BackupError(f"{path} không đọc được như bản sao lưu pg_dump ({reason}); không khôi phục.")
    tables = set()
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        match = _TOC_TABLE.match(line)
        if match:
            tables.add((match.group(1), match.group(2)))
    return tables


def _archive_revision(pg_restore: str, path: Path, env: dict[str, str]) -> str:
    command = [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(path)]
    result = subprocess.run(command, env=env, capture_output=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{path} bị hỏng: không đọc được bảng alembic_version; không khôi phục.")
    lines = result.stdout.decode("utf-8", "replace").splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and number + 1 < len(lines):
            value = lines[number + 1].strip()
            return "" if value == "\\." else value
    return ""


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _pg_restore(url: str, path: Path, *, force: bool) -> tuple[str, Contents]:
    pg_restore = _pg_tool("pg_restore")
    psql = _pg_tool("psql")
    env = pg_environment(url)
    archived = _archive_tables(pg_restore, path, env)
    if not any(name == "alembic_version" for _schema, name in archived):
        raise BackupError(
            f"{path} là bản sao lưu pg_dump nhưng không phải của QCDC Tracker (không có bảng alembic_version)."
        )
    revision = _archive_revision(pg_restore, path, env)
    _check_revision(path, revision)

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            replaced = read_contents(connection)
            previous_version = _data_version(connection)
            tables = connection.execute(
                text(
                    "SELECT schemaname, tablename FROM pg_catalog.pg_tables "
                    "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                )
            ).all()
    except OperationalError as exc:
        raise DatabaseError(f"Không kết nối được cơ sở dữ liệu {redact_url(url)}: {exc.orig}") from exc
    finally:
        engine.dispose()
    if tables and replaced.empty:  # tables in other schemas only
        replaced = Contents(tables=len(tables))
    if tables and not force:
        raise _refuse(url, path, replaced, revision)

    # Tables the archive does not hold (a newer schema's) would block its DROPs and outlive the restore.
    schemas = {schema for schema, _name in archived}
    extra = sorted((schema, name) for schema, name in tables if schema in schemas and (schema, name) not in archived)
    preamble = "SET client_min_messages = warning;\nBEGIN;\n" + "".join(
        f"DROP TABLE IF EXISTS {_quote(schema)}.{_quote(name)} CASCADE;\n" for schema, name in extra
    )
    _pipe_restore(url, path, pg_restore, psql, env, preamble)
    _move_data_version_past(url, previous_version)
    return revision, replaced


def _pipe_restore(url: str, path: Path, pg_restore: str, psql: str, env: dict[str, str], preamble: str) -> None:
    """pg_restore's script into psql in one transaction, committed only if pg_restore read the whole archive."""
    restore_command = [pg_restore, "--clean", "--if-exists", "--no-owner", "--file=-", str(path)]
    psql_command = [psql, "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1", "--file=-"]
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        writer = subprocess.Popen(restore_command, env=env, stdout=subprocess.PIPE, stderr=restore_err)
        reader = subprocess.Popen(
            psql_command, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_err
        )
        assert writer.stdout is not None and reader.stdin is not None
        committed = False
        try:
            reader.stdin.write(preamble.encode())
            shutil.copyfileobj(writer.stdout, reader.stdin, 1 << 20)
            if writer.wait() == 0:
                reader.stdin.write(b"COMMIT;\n")
                committed = True
        except BrokenPipeError:  # psql stopped at an error: the transaction is rolled back
            committed = False
        finally:
            if writer.poll() is None:
                writer.kill()
            writer.wait()
            with suppress(BrokenPipeError):
                reader.stdin.close()
            reader.wait()
        if reader.returncode != 0:
            psql_err.seek(0)
            raise _tool_error("psql", url, psql_err.read(), restoring=True)
        if writer.returncode != 0 or not committed:
            restore_err.seek(0)
            raise _tool_error("pg_restore", url, restore_err.read(), restoring=True)

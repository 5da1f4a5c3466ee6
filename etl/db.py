"""Engine factory, transactions and schema set-up (Alembic).

No engine is created at import time: callers ask :func:`make_engine` (or :func:`get_engine`, cached
per URL) for one. SQLite engines get WAL, foreign keys and a busy timeout on every connection.
Server databases (PostgreSQL) get a connection pool sized by ``QCDC_POOL_SIZE``,
``QCDC_POOL_MAX_OVERFLOW``, ``QCDC_POOL_TIMEOUT_S`` and ``QCDC_POOL_RECYCLE_S``, and every
connection is checked before use (``pool_pre_ping``), so a restarted server costs no request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session

from etl.errors import DatabaseError
from etl.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
APPLICATION_NAME = "qcdc-tracker"


# Query parameters that carry a secret (libpq takes ``?password=…`` as well as ``USER:PASSWORD@``).
_SECRET_PARAMS = frozenset({"password", "sslpassword"})


def redact_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        parsed = make_url(url)
        secrets = {key: "***" for key in parsed.query if key.lower() in _SECRET_PARAMS}
        if secrets:
            parsed = parsed.update_query_dict(secrets)
        return parsed.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")
    except Exception:
        hidden = re.sub(r"//([^:/@]*):[^@]*@", r"//\1:***@", url)
        return re.sub(r"(?i)\b((?:ssl)?password=)[^&\s]*", r"\1***", hidden)


# What the drivers say (lower case) when the database is locked, the disk is full or the connection
# went away; SQLite's own words, then PostgreSQL's and libpq's.
_LOCKED = ("database is locked", "database table is locked", "lock timeout", "could not obtain lock")
_FULL = ("database or disk is full", "disk is full", "no space left on device", "could not extend file", "disk full")
_LOST = (
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "connection already closed",
    "connection to server",
    "consuming input failed",
    "the connection is lost",
    "ssl syscall error",
    "could not receive data",
    "could not send data",
)


def describe_database_error(exc: Exception, url: str) -> str:
    """A Vietnamese message for an error the database driver raised during a read or a write: a
    locked or full database and a lost connection say so and what to do; anything else gives the
    driver's first line. The URL is shown without its password. By the time a caller shows this,
    its transaction has been rolled back: nothing of it was written."""
    where = redact_url(url)
    said = str(getattr(exc, "orig", None) or exc).strip()
    lower = said.lower()
    if any(words in lower for words in _LOCKED):
        wait = get_settings().sqlite_busy_timeout_s
        return (
            f"Cơ sở dữ liệu {where} đang bị một chương trình khác khoá để ghi; đã chờ {wait:g} giây mà vẫn "
            "chưa được. Không có gì được ghi. Hãy thử lại sau ít phút (QCDC_SQLITE_BUSY_TIMEOUT_S đặt thời gian chờ)."
        )
    if any(words in lower for words in _FULL):
        return (
            f"Ổ đĩa đầy, hoặc cơ sở dữ liệu {where} đã chạm giới hạn dung lượng: không ghi được. Phần đang ghi "
            "dở đã được huỷ, không có gì được ghi nửa chừng. Hãy giải phóng dung lượng rồi chạy lại lệnh."
        )
    if getattr(exc, "connection_invalidated", False) or any(words in lower for words in _LOST):
        return (
            f"Mất kết nối tới cơ sở dữ liệu {where} giữa chừng: phần đang ghi dở đã được "
            "huỷ, không có gì được ghi nửa chừng. Kiểm tra máy chủ cơ sở dữ liệu rồi chạy lại lệnh."
        )
    first_line = said.splitlines()[0] if said else type(exc).__name__
    return f"Cơ sở dữ liệu {where} báo lỗi: {redact_url(first_line)}"


@contextmanager
def database_errors(engine: Engine | Connection) -> Iterator[None]:
    """Turn the driver's errors inside the block (a lock that outlasted the busy timeout, a full
    disk, a lost connection) into :class:`DatabaseError` with a message from
    :func:`describe_database_error`. Integrity errors are the program's own faults and pass as
    they are."""
    driver = engine.dialect.dbapi  # the bulk paths use the driver's own cursor: its errors too
    raw_error: type[Exception] = getattr(driver, "Error", DBAPIError)
    raw_integrity: type[Exception] = getattr(driver, "IntegrityError", IntegrityError)
    try:
        yield
    except (IntegrityError, raw_integrity):
        raise
    except (DBAPIError, raw_error) as exc:
        url = engine.engine.url if isinstance(engine, Connection) else engine.url
        raise DatabaseError(describe_database_error(exc, url.render_as_string(hide_password=True))) from exc


def _sqlite_pragmas(busy_timeout_s: float):  # type: ignore[no-untyped-def]
    def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        dbapi_connection.isolation_level = None

    return on_connect


WRITE_OPTION = "qcdc_write"  # execution option of a writing transaction (BEGIN IMMEDIATE on SQLite)


def _sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(WRITE_OPTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """A new engine for ``url`` (default: the configured ``QCDC_DATABASE_URL``)."""
    settings = get_settings()
    url = url or settings.database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas(settings.sqlite_busy_timeout_s))
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINTs; emit BEGIN
        # ourselves (SQLAlchemy's documented recipe). A writing transaction (write_transaction)
        # takes the write lock at BEGIN, so that waiting for another writer goes through the busy
        # timeout: a WAL transaction that has read cannot take the lock once another writer has
        # committed after its read, and fails at once instead of waiting.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() == "postgresql" and "application_name" not in parsed.query:
        connect_args["application_name"] = APPLICATION_NAME  # who holds a connection, in pg_stat_activity
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=settings.pool_size,
        max_overflow=settings.pool_max_overflow,
        pool_timeout=settings.pool_timeout_s,
        pool_recycle=settings.pool_recycle_s or -1,
        connect_args=connect_args,
    )


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """A process-wide engine per URL."""
    return make_engine(url or get_settings().database_url)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that writes: commits when the block ends, rolls back on any error. On
    SQLite it holds the write lock from its first statement (``BEGIN IMMEDIATE``), so concurrent
    writers queue for up to ``QCDC_SQLITE_BUSY_TIMEOUT_S`` instead of failing; elsewhere it is
    :meth:`Engine.begin`."""
    with writer(engine).begin() as connection:
        yield connection


def writer(engine: Engine) -> Engine:
    """The engine whose transactions write (see :func:`write_transaction`); shares its pool."""
    return engine.execution_options(**{WRITE_OPTION: True})


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A short-lived ORM session in one transaction (for small reads and writes)."""
    with Session(engine) as session, session.begin():
        yield session


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


# ------------------------------------------------------------------------------------------------
# Schema
# ------------------------------------------------------------------------------------------------


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_schema(engine: Engine) -> str:
    """Create or upgrade the schema to the newest migration; returns the revision."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision() or ""
    except OperationalError as exc:
        raise DatabaseError(f"Không kết nối được cơ sở dữ liệu {redact_url(str(engine.url))}: {exc.orig}") from exc


def schema_is_current(engine: Engine) -> bool:
    """True when the database has our tables at the newest revision."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return False
            return MigrationContext.configure(connection).get_current_revision() == head
    except OperationalError:
        return False


def require_schema(engine: Engine) -> None:
    """Raise a clear error when ``qcdc init`` has not been run on this database."""
    if not schema_is_current(engine):
        raise DatabaseError(
            f"Cơ sở dữ liệu {redact_url(str(engine.url))} chưa được khởi tạo hoặc cần nâng cấp. Hãy chạy: qcdc init"
        )


# ------------------------------------------------------------------------------------------------
# Data version (dashboard caches are keyed on it)
# ------------------------------------------------------------------------------------------------


def bump_data_version(connection: Connection) -> None:
    """Increment the data version inside the caller's transaction."""
    updated = connection.execute(
        text("UPDATE app_state SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR(64)) WHERE key = 'data_version'")
    ).rowcount
    if not updated:
        connection.execute(text("INSERT INTO app_state (key, value) VALUES ('data_version', '1')"))


def read_data_version(connection: Connection) -> int:
    """The data version as the caller's transaction sees it."""
    row = connection.execute(text("SELECT value FROM app_state WHERE key = 'data_version'")).first()
    return int(row[0]) if row else 0


def data_version(engine: Engine) -> int:
    with engine.connect() as connection:
        return read_data_version(connection)

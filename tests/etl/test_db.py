"""The engine factory: the connection pool follows the settings on PostgreSQL (SQLite keeps its own),
no password reaches a message, and the data version is shared by every engine on one database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from etl.db import bump_data_version, data_version, make_engine, redact_url, require_schema, upgrade_schema
from etl.errors import DatabaseError
from etl.settings import Settings, get_settings
from tests.conftest import POSTGRES_URL

SECRET = "s3cr3t-Pa55"
POOL_ENV = ("QCDC_POOL_SIZE", "QCDC_POOL_MAX_OVERFLOW", "QCDC_POOL_TIMEOUT_S", "QCDC_POOL_RECYCLE_S")


@pytest.fixture
def pool_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A small pool: 2 kept, 1 more at busy moments, half a second's wait, recycled after 600 s."""
    for name, value in zip(POOL_ENV, ("2", "1", "0.5", "600"), strict=True):
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_pool_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in POOL_ENV:
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.pool_size, settings.pool_max_overflow) == (5, 10)
    assert (settings.pool_timeout_s, settings.pool_recycle_s) == (30.0, 1800)


@pytest.mark.parametrize(("name", "value"), [("QCDC_POOL_SIZE", "0"), ("QCDC_POOL_MAX_OVERFLOW", "-1")])
def test_pool_settings_are_checked(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name.removeprefix("QCDC_").lower()):
        Settings()


@pytest.mark.skipif(not POSTGRES_URL, reason="QCDC_TEST_POSTGRES_URL is not set")
def test_postgres_pool_is_sized_by_the_settings(pool_settings: None) -> None:
    engine = make_engine(POSTGRES_URL)
    try:
        pool = engine.pool
        assert pool.size() == 2
        assert pool._max_overflow == 1  # type: ignore[attr-defined]
        assert pool._timeout == 0.5  # type: ignore[attr-defined]
        assert pool._recycle == 600
        assert pool._pre_ping is True
        # Two kept plus one overflow may be open at once; a fourth waits, then fails.
        connections = [engine.connect() for _ in range(3)]
        try:
            assert connections[0].execute(text("SHOW application_name")).scalar_one() == "qcdc-tracker"
            with pytest.raises(PoolTimeout):
                engine.connect()
        finally:
            for connection in connections:
                connection.close()
        assert pool.checkedin() == 2  # the overflow connection is closed when returned
    finally:
        engine.dispose()


def test_recycle_zero_means_never(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psycopg")  # no connection is made: no server needed
    monkeypatch.setenv("QCDC_POOL_RECYCLE_S", "0")
    get_settings.cache_clear()
    try:
        engine = make_engine("postgresql+psycopg://qcdc@127.0.0.1:1/qcdc")
        assert engine.pool._recycle == -1
        engine.dispose()
    finally:
        get_settings.cache_clear()


def test_sqlite_keeps_its_own_pool(pool_settings: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'qcdc.sqlite3'}")
    try:
        assert engine.pool.size() != 2
        assert getattr(engine.pool, "_max_overflow", None) != 1
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------------------
# Credentials never shown
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://qcdc:{SECRET}@db.example:5432/qcdc",
        f"postgresql://qcdc:{SECRET}@db.example/qcdc?sslmode=require",
        f"postgresql+psycopg://qcdc@db.example/qcdc?password={SECRET}",
        f"postgresql+psycopg://db.example/qcdc?user=qcdc&sslpassword={SECRET}",
        f"postgresql+psycopg://qcdc:{SECRET.replace('-', '%40')}@db.example/qcdc",
        f"not a url at all://qcdc:{SECRET}@db.example/?password={SECRET}",
    ],
)
def test_redact_url_hides_the_password(url: str) -> None:
    shown = redact_url(url)
    assert SECRET not in shown
    assert SECRET.replace("-", "%40") not in shown
    assert "db.example" in shown


def test_settings_repr_hides_the_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCDC_DATABASE_URL", f"postgresql+psycopg://qcdc:{SECRET}@db.example/qcdc")
    settings = Settings()
    assert SECRET in settings.database_url
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings)


def test_connection_errors_never_show_the_password() -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql+psycopg://qcdc:{SECRET}@127.0.0.1:1/qcdc?connect_timeout=2"  # nobody listens on port 1
    engine = make_engine(url)
    try:
        assert SECRET not in str(engine.url)
        assert SECRET not in repr(engine)
        with pytest.raises(DatabaseError) as upgrade_error:
            upgrade_schema(engine)
        assert "127.0.0.1" in str(upgrade_error.value)
        assert SECRET not in str(upgrade_error.value)
        with pytest.raises(DatabaseError) as schema_error:
            require_schema(engine)
        assert SECRET not in str(schema_error.value)
        with pytest.raises(OperationalError) as connect_error:
            engine.connect()
        assert SECRET not in str(connect_error.value)
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------------------
# The data version: one row, read in one statement, shared by every engine (every process)
# ------------------------------------------------------------------------------------------------


def test_a_bump_through_one_engine_is_read_by_another(db_url: str) -> None:
    writer, reader = make_engine(db_url), make_engine(db_url)  # two processes' pools, in effect
    try:
        before = data_version(reader)
        with writer.begin() as connection:
            bump_data_version(connection)
        assert data_version(reader) == before + 1
        with pytest.raises(RuntimeError), writer.begin() as connection:  # a failed write bumps nothing
            bump_data_version(connection)
            raise RuntimeError("rolled back")
        assert data_version(reader) == before + 1
    finally:
        writer.dispose()
        reader.dispose()


def test_reading_the_version_is_one_statement(engine) -> None:  # type: ignore[no-untyped-def]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))
    data_version(engine)
    statements = [s for s in statements if s != "BEGIN"]  # SQLite's own (see etl.db.make_engine)
    assert len(statements) == 1
    assert statements[0].startswith("SELECT value FROM app_state WHERE key")

"""Shared fixtures: a fresh database per test, on SQLite and (when configured) on PostgreSQL.

The schema and the national reference data (both unit catalogs, the lineage, indicators, periods)
are built once per test session into a template database; each test gets its own copy: a file copy
on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL. Set ``QCDC_TEST_POSTGRES_URL`` (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) to run every data-layer test on both.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from etl.db import make_engine, upgrade_schema

POSTGRES_URL = os.environ.get("QCDC_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"]


def _build_reference(engine: Engine) -> None:
    from etl.catalog import load_reference_data
    from etl.settings import get_settings

    upgrade_schema(engine)
    with engine.begin() as connection:
        load_reference_data(connection, convention=get_settings().period_convention)


def _pg_admin() -> Engine:
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=None)


def _pg_url(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


def _pg_create(database: str, template: str | None = None) -> None:
    admin = _pg_admin()
    with admin.connect() as connection:
        suffix = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{database}"{suffix}'))
    admin.dispose()


def _pg_drop(database: str) -> None:
    admin = _pg_admin()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "reference.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    _build_reference(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("QCDC_TEST_POSTGRES_URL is not set")
    name = f"qcdc_tpl_{uuid.uuid4().hex[:10]}"
    _pg_create(name)
    engine = make_engine(_pg_url(name))
    try:
        _build_reference(engine)
    finally:
        engine.dispose()
    yield name
    _pg_drop(name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database with the schema and reference data, on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "qcdc.sqlite3"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"qcdc_t_{uuid.uuid4().hex[:12]}"
    _pg_create(name, template=template_name)
    try:
        yield _pg_url(name)
    finally:
        _pg_drop(name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database (see ``db_url``)."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """SQLite only, for tests about SQLite itself (files, locking)."""
    target = tmp_path / "qcdc.sqlite3"
    shutil.copyfile(sqlite_template, target)
    eng = make_engine(f"sqlite:///{target}")
    yield eng
    eng.dispose()


def _load_sample(url: str) -> None:
    from datetime import date

    from etl.load import Source, load
    from etl.settings import get_settings

    sample = Path(get_settings().data_dir) / "sample"
    files = sorted(p for p in sample.iterdir() if p.suffix in {".xlsx", ".csv"})
    engine = make_engine(url)
    try:
        report = load(engine, [Source.from_path(p) for p in files], user="demo", today=date(2026, 11, 29))
        assert report.ok, [str(p) for p in report.problems]
    finally:
        engine.dispose()


def sample_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, backend: str, tag: str
) -> Iterator[str]:
    """URL of a new database holding the Kiên Lương sample on ``backend``, dropped afterwards;
    ``tag`` names it (a folder on SQLite, part of the database name on PostgreSQL)."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path_factory.mktemp(tag) / f"{tag}.sqlite3"
        shutil.copyfile(template, target)
        url = f"sqlite:///{target}"
        _load_sample(url)
        yield url
        return
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"qcdc_{tag}_{uuid.uuid4().hex[:12]}"
    _pg_create(name, template=template_name)
    try:
        url = _pg_url(name)
        _load_sample(url)
        yield url
    finally:
        _pg_drop(name)


@pytest.fixture(scope="session", params=BACKENDS)
def sample_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database holding the Kiên Lương sample, built once per backend; tests must only read it."""
    yield from sample_database(request, tmp_path_factory, request.param, "sample")


@pytest.fixture(scope="session")
def sample_engine(sample_db_url: str) -> Iterator[Engine]:
    """A read-only engine on the sample database (see ``sample_db_url``)."""
    eng = make_engine(sample_db_url)
    yield eng
    eng.dispose()

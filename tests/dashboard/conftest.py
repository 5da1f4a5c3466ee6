"""A session-wide SQLite database holding the Kiên Lương sample, loaded the way ``qcdc demo`` does,
for the dashboard's page tests (AppTest reads ``QCDC_DATABASE_URL``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from etl.db import make_engine
from etl.load import Source, load
from etl.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
TODAY = date(2026, 11, 29)


@pytest.fixture(scope="session")
def sample_db_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    target = tmp_path_factory.mktemp("dashboard") / "sample.sqlite3"
    shutil.copyfile(sqlite_template, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    sample = Path(get_settings().data_dir) / "sample"
    files = sorted(p for p in sample.iterdir() if p.suffix in {".xlsx", ".csv"})
    report = load(engine, [Source.from_path(p) for p in files], user="demo", today=TODAY)
    engine.dispose()
    assert report.ok, [str(p) for p in report.problems]
    return url


@pytest.fixture
def dashboard_db(sample_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``QCDC_DATABASE_URL`` pointing at the sample database for the test's duration."""
    monkeypatch.setenv("QCDC_DATABASE_URL", sample_db_url)
    get_settings.cache_clear()
    yield sample_db_url
    get_settings.cache_clear()

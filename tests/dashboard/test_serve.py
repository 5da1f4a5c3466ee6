"""``qcdc serve`` starts Streamlit in a subprocess on the configured database, or says what to run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.settings import get_settings

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(monkeypatch, url):
    monkeypatch.setenv("QCDC_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def url(sqlite_template, tmp_path):
    target = tmp_path / "qcdc.sqlite3"
    target.write_bytes(sqlite_template.read_bytes())
    return f"sqlite:///{target}"


def test_serve_runs_streamlit_on_the_dashboard(database, monkeypatch):
    calls = []

    def fake_run(command, env, check):
        calls.append((command, env))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    result = runner.invoke(app, ["serve", "--port", "8765", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    ((command, env),) = calls
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py")]
    joined = " ".join(command)
    for flag in (
        "--server.port 8765",
        "--server.address 0.0.0.0",
        "--server.headless true",
        "--browser.gatherUsageStats false",
        "--runner.magicEnabled false",
        "--client.toolbarMode minimal",
    ):
        assert flag in joined
    assert joined.count("--browser.gatherUsageStats") == 1
    assert env["QCDC_DATABASE_URL"] == database
    assert "http://0.0.0.0:8765" in result.output


def test_serve_refuses_a_database_without_schema(tmp_path, monkeypatch):
    monkeypatch.setenv("QCDC_DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite3'}")
    get_settings.cache_clear()
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("streamlit must not start"))
    try:
        result = runner.invoke(app, ["serve"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "chạy qcdc demo hoặc qcdc init trước" in result.output


def test_serve_has_help():
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output and "--host" in result.output

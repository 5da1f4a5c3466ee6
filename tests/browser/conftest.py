"""Real-browser fixtures: the dashboard served by ``qcdc serve`` over the Kiên Lương sample, and
headless Debian Chromium driven by Playwright.

The browser tests are skipped, with the reason, where ``/usr/bin/chromium`` or the ``playwright``
package is missing; ``.ci/run`` installs both, so in CI (``CI=true``) they fail instead of skipping.
Playwright's own browser download (``playwright install``) is never used: the Python package ships
the driver, the browser is Debian's.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
TODAY = date(2026, 11, 29)
CHROMIUM = Path("/usr/bin/chromium")
# Playwright adds --headless itself (headless=True) and gives every launch a new, empty
# --user-data-dir (it refuses one in ``args``). Without the networking flags Chromium tries to reach
# Google's hosts, which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 60.0
VIEWPORT = {"width": 1440, "height": 900}


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing (pip install -e '.[test]')"
    return None


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(tryfirst=True)  # before -m selects on the marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    reason = _missing()
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if reason and not _in_ci():  # in CI they fail instead (see ``browser``)
                item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_command(port: int) -> list[str]:
    script = Path(sys.executable).parent / "qcdc"
    prefix = [str(script)] if script.exists() else [sys.executable, "-m", "etl.cli"]
    return [*prefix, "serve", "--port", str(port), "--host", "127.0.0.1"]


def _health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (``qcdc serve`` may run Streamlit as a child), then SIGKILL."""
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def sample_database(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of an SQLite database with the reference data and every file of ``data/sample``."""
    from etl.db import make_engine
    from etl.load import Source, load

    target = tmp_path_factory.mktemp("browser-db") / "qcdc.sqlite3"
    shutil.copyfile(sqlite_template, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    try:
        files = sorted(p for p in SAMPLE.iterdir() if p.suffix in {".xlsx", ".csv"})
        report = load(engine, [Source.from_path(p) for p in files], user="demo", today=TODAY)
        assert report.ok, [str(p) for p in report.problems]
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return url


@contextlib.contextmanager
def serve(database_url: str, log_path: Path) -> Iterator[str]:
    """Run ``qcdc serve`` over ``database_url`` on a free loopback port; yields its base URL
    (``http://127.0.0.1:PORT``) once it answers, and stops it afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "QCDC_DATABASE_URL": database_url,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_HEADLESS": "true",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
    }
    command = _serve_command(port)
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while _health(f"{base}/_stcore/health") != "ok":
            if process.poll() is not None or time.monotonic() > deadline:
                state = f"exited with {process.returncode}" if process.poll() is not None else "still starting"
                output = log_path.read_text(encoding="utf-8", errors="replace")
                pytest.fail(
                    f"`{' '.join(command)}` did not answer {base}/_stcore/health within "
                    f"{SERVER_START_TIMEOUT_S:.0f} s ({state}). Its output:\n{output}",
                    pytrace=False,
                )
            with contextlib.suppress(subprocess.TimeoutExpired):  # poll interval; ends at once if it dies
                process.wait(timeout=0.25)
        yield base
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def dashboard_url(sample_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT``) of ``qcdc serve`` running over the sample database."""
    with serve(sample_database, tmp_path_factory.mktemp("browser-server") / "serve.log") as base:
        yield base


@pytest.fixture(scope="session")
def entry_database(sample_database: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a copy of the sample database with the demo accounts and the demo's open period, as
    ``qcdc demo`` leaves them: the data-entry tests write to it, never to ``sample_database``."""
    from sqlalchemy.engine import make_url

    from etl.accounts import ensure_demo_accounts
    from etl.cli import DEMO_DEADLINE, DEMO_OPEN_PERIOD
    from etl.db import make_engine
    from etl.submissions import open_period

    target = tmp_path_factory.mktemp("browser-entry-db") / "qcdc.sqlite3"
    shutil.copyfile(str(make_url(sample_database).database), target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            ensure_demo_accounts(connection)
            open_period(connection, DEMO_OPEN_PERIOD, deadline=DEMO_DEADLINE, by="demo")
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def entry_dashboard_url(entry_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a second ``qcdc serve``, over ``entry_database``."""
    with serve(entry_database, tmp_path_factory.mktemp("browser-entry-server") / "serve.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium, launched once per session by Playwright."""
    reason = _missing()
    if reason:  # only reached in CI, where .ci/run installs both: a skip there would hide a gap
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:
    """A fresh browser context and page, in Vietnamese locale and the project's time zone. When the
    test fails, a full-page screenshot of where it stopped is saved (the path is printed)."""
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(20_000)
    from playwright.sync_api import expect

    # expect() waits as long as the page's own calls: under CI's load a rerun that redraws the
    # sidebar can take longer than Playwright's 5 s default.
    expect.set_options(timeout=20_000)
    page = context.new_page()
    yield page
    if request.node.stash.get(_CALL_FAILED, False) and page.url.startswith("http"):
        path = tmp_path / "failure.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot of the failure: {path}")
    context.close()

"""Two ``qcdc serve`` processes on one PostgreSQL database, as behind a reverse proxy (README,
"Deployment"): a figure approved through replica A shows on replica B at its next rerun, because
each process's cache is keyed on the data version the database holds.

Needs ``QCDC_TEST_POSTGRES_URL`` (a server where throwaway databases may be created): skipped with
the reason without it, failed in CI (``CI=true``), like the other browser tests without Chromium.
``test_cache_follows_the_database_version`` drives no browser: it runs the dashboard's query layer
in Streamlit's ``AppTest`` and counts the statements of a rerun.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import event, text

from tests.browser.conftest import _in_ci, serve
from tests.browser.test_dashboard import RUN_TIMEOUT_MS, assert_no_errors, collect_js_errors
from tests.browser.test_entry_flow import (
    DIALOGUES,
    main,
    navigate,
    settle,
    sidebar,
    sign_in,
    sign_out,
    type_figure,
)
from tests.conftest import POSTGRES_URL, _load_sample, _pg_create, _pg_drop, _pg_url

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PERIOD = "2026S2"  # the demo's open period
HON_NGHE = "30814"  # the demo official's commune
CLIENT_ADDRESS = "203.0.113.9"  # TEST-NET-3: what the "proxy" forwards as the client's address
# What the two replicas run with (README, "Deployment", says these were tested).
POOL = {"QCDC_POOL_SIZE": "2", "QCDC_POOL_MAX_OVERFLOW": "2"}


def _card(page: Page) -> str:
    """The text of the overview's "Cuộc đối thoại" card (the area total for the period)."""
    card = main(page).locator('[data-testid="stMetric"]').filter(has_text="Cuộc đối thoại").first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _shown(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Vietnamese thousands separator


@pytest.fixture(scope="module")
def replica_template(request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL database as ``qcdc demo`` leaves it (reference data, the sample, the demo
    accounts, the open period), used only as the template of each test's own database."""
    if not POSTGRES_URL:
        message = "QCDC_TEST_POSTGRES_URL is not set (a PostgreSQL server for throwaway databases)"
        if _in_ci():
            pytest.fail(f"the two-replica test cannot run in CI: {message}", pytrace=False)
        pytest.skip(message)
    from etl.accounts import ensure_demo_accounts
    from etl.cli import DEMO_DEADLINE, DEMO_OPEN_PERIOD
    from etl.db import make_engine
    from etl.submissions import open_period

    assert DEMO_OPEN_PERIOD == PERIOD
    template: str = request.getfixturevalue("postgres_template")
    name = f"qcdc_rt_{uuid.uuid4().hex[:10]}"
    _pg_create(name, template=template)
    try:
        _load_sample(_pg_url(name))
        engine = make_engine(_pg_url(name))
        try:
            with engine.begin() as connection:
                ensure_demo_accounts(connection)
                open_period(connection, PERIOD, deadline=DEMO_DEADLINE, by="demo")
        finally:
            engine.dispose()  # a template must have no connection when it is copied
        yield name
    finally:
        _pg_drop(name)


@pytest.fixture
def replica_db_url(replica_template: str) -> Iterator[str]:
    """A fresh copy of ``replica_template`` for one test (the tests write)."""
    name = f"qcdc_r_{uuid.uuid4().hex[:12]}"
    _pg_create(name, template=replica_template)
    try:
        yield _pg_url(name)
    finally:
        _pg_drop(name)


@contextlib.contextmanager
def two_replicas(urls: dict[str, str], logs: Path) -> Iterator[dict[str, str]]:
    """``serve`` (conftest.py) twice, started side by side; yields each replica's base URL."""
    with contextlib.ExitStack() as stack:
        with ThreadPoolExecutor(max_workers=len(urls)) as workers:
            started = {
                r: workers.submit(stack.enter_context, serve(url, logs / f"serve-{r}.log")) for r, url in urls.items()
            }
        yield {r: future.result() for r, future in started.items()}


def test_figure_approved_through_replica_a_shows_on_replica_b(
    page: Page, browser: Browser, replica_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    for name, value in POOL.items():
        monkeypatch.setenv(name, value)  # serve() passes its environment on to both processes
    urls = {r: f"{replica_db_url}?application_name=qcdc-replica-{r}" for r in "ab"}
    context_a = browser.new_context(viewport=page.viewport_size, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context_a.set_default_timeout(20_000)
    page_a, page_b = context_a.new_page(), page
    errors_a, errors_b = collect_js_errors(page_a), collect_js_errors(page_b)
    # What a reverse proxy on this machine adds (README, "Deployment"): the client's address.
    page_b.set_extra_http_headers({"X-Forwarded-For": CLIENT_ADDRESS})
    try:
        with two_replicas(urls, tmp_path) as base:
            # B shows the area total (and caches it under the current data version); meanwhile A
            # opens the data-entry page, which asks for a sign-in.
            page_b.goto(f"{base['b']}/?period={PERIOD}")
            page_a.goto(f"{base['a']}/nhap_so_lieu")
            settle(page_b)
            expect(main(page_b).locator("h1").first).to_have_text("Tổng quan", timeout=RUN_TIMEOUT_MS)
            total_before = int(_card(page_b).replace(".", ""))

            # Through A: Hòn Nghệ's official changes its figure and submits; the reviewer approves.
            settle(page_a)
            sign_in(page_a, "official")
            field = main(page_a).get_by_label(DIALOGUES, exact=True)
            expect(field).to_be_editable(timeout=RUN_TIMEOUT_MS)
            hon_nghe_before = int(field.input_value())
            type_figure(page_a, DIALOGUES, str(hon_nghe_before + 7))
            main(page_a).get_by_role("button", name="Nộp báo cáo").click()
            expect(main(page_a).get_by_text(re.compile("^Đã nộp báo cáo"))).to_be_visible(timeout=RUN_TIMEOUT_MS)
            sign_out(page_a)
            sign_in(page_a, "reviewer")
            navigate(page_a, "Duyệt báo cáo")
            main(page_a).get_by_role("button", name="Duyệt báo cáo").click()
            expect(main(page_a).get_by_text("Đã duyệt báo cáo.")).to_be_visible(timeout=RUN_TIMEOUT_MS)

            # B, at its next rerun (same session, nothing reloaded), shows the new total.
            page_b.locator("body").press("r")  # Streamlit's "Rerun" shortcut
            settle(page_b)
            card_b = main(page_b).locator('[data-testid="stMetric"]').filter(has_text="Cuộc đối thoại").first
            expect(card_b.locator('[data-testid="stMetricValue"]')).to_have_text(
                _shown(total_before + 7), timeout=RUN_TIMEOUT_MS
            )
            assert_no_errors(page_a, errors_a)
            assert_no_errors(page_b, errors_b)

            # A failed sign-in on B is counted against the client's address the proxy forwarded
            # (uvicorn, under Streamlit, trusts X-Forwarded-For from 127.0.0.1), not the proxy's.
            bar = sidebar(page_b)
            bar.get_by_label("Tên đăng nhập").fill("thuky")
            bar.get_by_label("Mật khẩu").fill("not-the-password")
            bar.get_by_role("button", name="Đăng nhập").click()
            expect(bar.get_by_text("Sai tên đăng nhập hoặc mật khẩu.")).to_be_visible(timeout=RUN_TIMEOUT_MS)

            # Each replica stays within its pool (QCDC_POOL_SIZE + QCDC_POOL_MAX_OVERFLOW) and
            # shares nothing but the database. `qcdc serve` itself keeps one more connection:
            # the check that the schema is current, made before it starts Streamlit.
            from etl.db import make_engine

            admin = make_engine(replica_db_url)
            try:
                with admin.connect() as connection:
                    failures = connection.execute(text("SELECT username, address FROM login_failure")).all()
                    held = dict(
                        connection.execute(
                            text(
                                "SELECT application_name, count(*) FROM pg_stat_activity "
                                "WHERE datname = current_database() GROUP BY application_name"
                            )
                        ).all()
                    )
            finally:
                admin.dispose()
            assert [tuple(row) for row in failures] == [("thuky", CLIENT_ADDRESS)]
            most = int(POOL["QCDC_POOL_SIZE"]) + int(POOL["QCDC_POOL_MAX_OVERFLOW"])
            for r in "ab":
                assert 1 <= held.get(f"qcdc-replica-{r}", 0) <= most, held
    finally:
        context_a.close()


# ------------------------------------------------------------------------------------------------
# Without a browser: the cache of one process follows a write made through another engine
# ------------------------------------------------------------------------------------------------


def _overview_like_page() -> None:
    """An AppTest script: what a page does, reading the same cached results several times."""
    import streamlit as st

    from dashboard import queries

    queries.new_run()  # as dashboard/app.py does first
    area = queries.default_area()
    for _ in range(3):
        totals = queries.area_totals(area.unit_id, ("2026S2",), ("DLG_HELD",), "reported")
        queries.periods_with_data()
        queries.province_options()
    st.session_state["dialogues"] = float(totals.loc[totals["indicator"] == "DLG_HELD", "value"].sum())
    st.session_state["version"] = queries.version()


def test_cache_follows_the_database_version(replica_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from etl import accounts, submissions
    from etl.db import data_version, get_engine, make_engine
    from etl.settings import get_settings
    from etl.units import NEW2025, unit_by_code

    monkeypatch.setenv("QCDC_DATABASE_URL", replica_db_url)
    get_settings.cache_clear()
    replica_b = get_engine(replica_db_url)  # the engine dashboard.queries uses in this process
    statements: list[str] = []
    event.listen(replica_b, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))
    replica_a = make_engine(replica_db_url)  # another pool: for the cache, another process
    try:
        at = AppTest.from_function(_overview_like_page, default_timeout=60)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        before, version_before = at.session_state["dialogues"], at.session_state["version"]

        statements.clear()
        at.run()  # a rerun with nothing changed: one statement, the version, and every result cached
        assert not at.exception, [e.value for e in at.exception]
        assert statements == ["SELECT value FROM app_state WHERE key = 'data_version'"]
        assert at.session_state["dialogues"] == before

        # Through A: the commune's official changes its figure and submits, the reviewer approves.
        official = accounts.sign_in(replica_a, "xa.honnghe", "honnghe")
        reviewer = accounts.sign_in(replica_a, "thuky", "thuky123")
        with replica_a.connect() as connection:
            unit = unit_by_code(connection, catalog=NEW2025, code=HON_NGHE)
            assert unit is not None
            form = submissions.load_form(connection, official, unit.id, PERIOD)
        values = {**form.values, "DLG_HELD": str(int(float(form.values["DLG_HELD"])) + 7)}
        saved = submissions.save_draft(replica_a, official, unit.id, PERIOD, values, {}, expected_version=form.version)
        sent = submissions.submit(replica_a, official, unit.id, PERIOD, expected_version=saved.version)
        assert sent.submission_id is not None
        submissions.approve(replica_a, reviewer, sent.submission_id, expected_version=sent.version)

        statements.clear()
        at.run()  # B's next rerun reads the new version and recomputes
        assert not at.exception, [e.value for e in at.exception]
        assert at.session_state["version"] == data_version(replica_a) > version_before
        assert at.session_state["dialogues"] == before + 7
        assert statements.count("SELECT value FROM app_state WHERE key = 'data_version'") == 1
    finally:
        replica_a.dispose()
        replica_b.dispose()
        get_settings.cache_clear()

"""Benchmarks 3 and 4 of issue 6: the dashboard on the national data.

3. Every page, in the national view (the area the app opens on: no area covers the whole country,
   so it is the first province by name, Thành phố Cần Thơ of the 2025 catalog, with the old
   communes that went into it) and in a province's (Tỉnh Kiên Giang, before 1/7/2025), through Streamlit's
   AppTest as tests/dashboard runs them, against a floor measured in the same run: an AppTest run
   of a page that draws one plotly chart of 20 points (``floor_page.py``). Like the floor, each
   measure is one AppTest run of a new session that opens the page (a link to it, signed in as the
   demo account of its role for the pages that need one): cold with every cache cleared, warm with
   the caches filled by the cold run. Bounds: warm ≤ 2× the floor, cold ≤ 5×. ("rerun s", the same
   session running the page again, as a click does, is printed for information.)
   The cold runs also count the rows SQL hands to Python: no statement of a page may fetch more
   rows than the page shows (choices offered, table rows, chart points, cards, texts): what it does
   not show, it counts, sums or ranks in SQL. The sidebar's statements are held to what the sidebar
   shows (its provinces, and the areas of the province in view).
4. ``qcdc serve`` on the national data, every page opened in headless Chromium (national view,
   the writing pages signed in): the peak resident memory of the server, with its child
   processes (``qcdc serve`` runs Streamlit as one), stays under 600 MB.

Run: ``QCDC_BENCH=1 python -m pytest tests/bench/test_bench_dashboard.py -s -n 0`` (``QCDC_BENCH_DB`` reuses
a national database, see ``conftest.py``; ``QCDC_BENCH_REPEAT`` sets how many runs each median takes,
3 by default). Times are printed with their ratio to the floor: the machines are shared, only the
ratios compare from one run to the next.
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.bench.conftest import (
    ROOT,
    RowCounter,
    checkpoint,
    copy_database,
    peak_rss_mb,
    print_table,
    timed,
)

APP = ROOT / "dashboard" / "app.py"
DASHBOARD = str(ROOT / "dashboard")
FLOOR = Path(__file__).resolve().parent / "floor_page.py"
LIMITS = {"warm": 2.0, "cold": 5.0, "rss_mb": 600.0}
REPEAT = max(1, int(os.environ.get("QCDC_BENCH_REPEAT", "3")))
TIMEOUT = 300  # seconds an AppTest run may take (a cold national page, before any fix, took a minute)
PROVINCE = ("pre2025", "91")  # Tỉnh Kiên Giang (before 1/7/2025): 143 communes

# (page file, Vietnamese title (None: any), demo account that opens it or None)
PAGES = (
    ("tong_quan", "Tổng quan", None),
    ("xu_huong", "Xu hướng", None),
    ("so_sanh", "So sánh đơn vị", None),
    ("nong_thon_moi", "Nông thôn mới", None),
    ("ho_so_don_vi", "Hồ sơ đơn vị", None),
    ("tinh_hinh_bao_cao", "Tình hình báo cáo", None),
    ("trinh_chieu", None, None),  # its title is the slide's
    ("nhap_so_lieu", "Nhập số liệu", "xa.honnghe"),
    ("duyet_bao_cao", "Duyệt báo cáo", "thuky"),
    ("quan_tri", "Quản trị", "admin"),
    ("lich_su", "Lịch sử số liệu", "lanhdao"),
)
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "text", "warning", "info", "success", "error")


# ------------------------------------------------------------------------------------------------
# The database and the views
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard_db(national_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the national database with the demo accounts and the demo's open period, as
    ``qcdc demo`` leaves them (the writing pages need an account; the national data has none)."""
    from etl.accounts import ensure_demo_accounts
    from etl.cli import DEMO_DEADLINE, DEMO_OPEN_PERIOD
    from etl.db import make_engine
    from etl.submissions import open_period

    target = copy_database(national_db, tmp_path_factory.mktemp("dashboard") / "national.sqlite3")
    engine = make_engine(f"sqlite:///{target}")
    try:
        with engine.begin() as connection:
            ensure_demo_accounts(connection)
            open_period(connection, DEMO_OPEN_PERIOD, deadline=DEMO_DEADLINE, by="bench")
    finally:
        engine.dispose()
    checkpoint(target)
    return target


@pytest.fixture(scope="module")
def views(dashboard_db: Path) -> dict[str, dict[str, str]]:
    """View name → the URL parameters that open it: the national view is the app's own default."""
    from etl.db import make_engine
    from etl.units import unit_by_code

    engine = make_engine(f"sqlite:///{dashboard_db}")
    try:
        with engine.connect() as connection:
            province = unit_by_code(connection, catalog=PROVINCE[0], code=PROVINCE[1])
    finally:
        engine.dispose()
    assert province is not None
    return {"national": {}, "province": {"area": str(province.id)}}


@pytest.fixture(scope="module")
def dashboard_env(dashboard_db: Path) -> Iterator[str]:
    """``QCDC_DATABASE_URL`` naming the copy, for the module's AppTest runs."""
    from etl.settings import get_settings

    url = f"sqlite:///{dashboard_db}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QCDC_DATABASE_URL", url)
        get_settings.cache_clear()
        yield url
    get_settings.cache_clear()


# ------------------------------------------------------------------------------------------------
# What a page shows
# ------------------------------------------------------------------------------------------------


def _size(value: object) -> int:
    """How many numbers a plotly data array holds (a list, nested lists, or a typed array)."""
    if value is None:
        return 0
    if isinstance(value, dict) and "bdata" in value:  # plotly's base64 typed array
        if value.get("shape"):
            return math.prod(int(n) for n in str(value["shape"]).split(","))
        import numpy as np

        return len(base64.b64decode(value["bdata"])) // np.dtype(value["dtype"]).itemsize
    if isinstance(value, list | tuple):
        return sum(_size(v) if isinstance(v, list | tuple | dict) else 1 for v in value)
    return 1


def chart_points(spec: str) -> int:
    """Points (bars, markers, heat-map cells…) of a plotly chart's JSON."""
    total = 0
    for trace in json.loads(spec).get("data", []):
        if "z" in trace:
            total += _size(trace["z"])
        else:
            total += max((_size(trace.get(k)) for k in ("x", "y", "values", "labels", "r", "lat")), default=0)
    return total


def shown_items(block: object) -> int:
    """What a block of the page shows: choices offered, table rows, chart points, cards, texts."""
    count = 0
    for kind in ("selectbox", "multiselect", "radio"):
        count += sum(len(w.options) for w in block.get(kind))  # type: ignore[attr-defined]
    count += sum(len(t.value) for t in block.dataframe)  # type: ignore[attr-defined]
    count += sum(len(t.value) for t in block.table)  # type: ignore[attr-defined]
    count += sum(chart_points(c.proto.spec) for c in block.get("plotly_chart"))  # type: ignore[attr-defined]
    count += len(block.metric)  # type: ignore[attr-defined]
    count += sum(len(block.get(kind)) for kind in TEXT_ELEMENTS)  # type: ignore[attr-defined]
    return count


# Functions of the router: what they fetch is the sidebar's (filters, sign-in box) or the run's
# own (data version, schema); everything else a run fetches is the page's.
ROUTER = {("ui.py", "sidebar_filters"), ("auth.py", "sidebar"), ("queries.py", "version"), ("queries.py", "is_ready")}


def where_fetched() -> str:
    """``"router"`` when a fetch serves the router (app.py: filters, sign-in, data version),
    ``"page"`` otherwise."""
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if code.co_filename.startswith(DASHBOARD) and (Path(code.co_filename).name, code.co_name) in ROUTER:
            return "router"
        frame = frame.f_back
    return "page"


# ------------------------------------------------------------------------------------------------
# Benchmark 3: every page against the floor
# ------------------------------------------------------------------------------------------------


@dataclass
class PageRun:
    page: str
    view: str
    cold: float = 0.0  # a new session opens the page, every cache cleared
    warm: float = 0.0  # a new session opens the page, the caches filled
    rerun: float = 0.0  # the same session runs the page again (a click)
    rows: dict[str, int] = field(default_factory=dict)  # tag → rows fetched in the (first) cold run
    shown: dict[str, int] = field(default_factory=dict)  # "page" (main area) / "router" (sidebar) → items
    warm_rows: int = 0
    largest: dict[str, tuple[int, str]] = field(default_factory=dict)  # tag → (rows, statement) of its largest


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _check(at: object, page: str, title: str | None) -> None:
    exceptions = [e.value for e in at.exception]  # type: ignore[attr-defined]
    assert not exceptions, f"{page}: {exceptions}"
    titles = [t.value for t in at.title]  # type: ignore[attr-defined]
    errors = [e.value for e in at.error]  # type: ignore[attr-defined]
    assert (title in titles) if title else titles, f"{page}: titles {titles}, errors {errors}"
    assert not errors, f"{page}: {errors}"


def _open(page: str, account: int | None, params: dict[str, str]) -> object:
    """A new session that opens ``page`` directly (a link to it), signed in as ``account``: one
    AppTest run, as the floor's."""
    from streamlit.testing.v1 import AppTest

    from etl.models import utcnow

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params)
    if account is not None:  # what dashboard.auth keeps in the session after a sign-in
        at.session_state["qcdc_auth"] = {"user_id": account, "signed_in_at": utcnow()}
    if page != "tong_quan":
        at.switch_page(f"pages/{page}.py")
    return at.run()


def _floor() -> float:
    from streamlit.testing.v1 import AppTest

    return timed(lambda: AppTest.from_file(str(FLOOR), default_timeout=TIMEOUT).run())


@pytest.fixture(scope="module")
def accounts(dashboard_db: Path) -> dict[str, int]:
    """Demo user name → account id."""
    from etl.accounts import find_account
    from etl.db import make_engine

    engine = make_engine(f"sqlite:///{dashboard_db}")
    try:
        with engine.connect() as connection:
            return {user: find_account(connection, user).id for _, _, user in PAGES if user}  # type: ignore[union-attr]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def page_runs(
    dashboard_env: str, views: dict[str, dict[str, str]], accounts: dict[str, int]
) -> tuple[float, list[PageRun]]:
    """(the floor, each page in each view): medians of ``REPEAT`` runs."""
    _floor()  # imports and first-run costs, not measured
    floors: list[float] = []
    runs: list[PageRun] = []
    with RowCounter(where_fetched) as counter:
        for view, params in views.items():
            for page, title, user in PAGES:
                account = accounts[user] if user else None
                floors.extend(_floor() for _ in range(REPEAT))  # beside each page: the same machine load
                run = PageRun(page, view)
                colds, warms, reruns = [], [], []
                for attempt in range(REPEAT):
                    _clear_caches()
                    counter.reset()
                    started = time.perf_counter()
                    at = _open(page, account, params)
                    colds.append(time.perf_counter() - started)
                    _check(at, page, title)
                    if attempt == 0:
                        run.rows = dict(counter.rows)
                        run.largest = {tag: (counter.largest(tag, n=1) or [(0, "")])[0] for tag in ("page", "router")}
                        run.shown = {"page": shown_items(at.main), "router": shown_items(at.sidebar)}  # type: ignore[attr-defined]
                for _ in range(REPEAT):
                    counter.reset()
                    started = time.perf_counter()
                    at = _open(page, account, params)
                    warms.append(time.perf_counter() - started)
                    _check(at, page, title)
                    run.warm_rows = counter.total
                    reruns.append(timed(at.run))  # type: ignore[attr-defined]
                    _check(at, page, title)
                run.cold, run.warm, run.rerun = (statistics.median(x) for x in (colds, warms, reruns))
                runs.append(run)
                print(f"  {view:<8} {page:<18} cold {run.cold:6.2f} s  warm {run.warm:5.2f} s", flush=True)
    return statistics.median(floors), runs


def test_every_page_against_the_floor(page_runs: tuple[float, list[PageRun]]) -> None:
    floor, runs = page_runs
    rows = [
        (r.page, r.view, r.cold, r.warm, floor, r.cold / floor, r.warm / floor, r.rerun)
        for r in runs
    ]  # fmt: skip
    print_table(
        ("page", "view", "cold s", "warm s", "floor s", "cold/floor", "warm/floor", "rerun s"),
        rows,
        title=f"Dashboard pages on the national data (medians of {REPEAT}); "
        f"bounds: cold ≤ {LIMITS['cold']:g}× floor, warm ≤ {LIMITS['warm']:g}× floor",
    )
    slow = [
        f"{r.page} ({r.view}): cold {r.cold / floor:.1f}×, warm {r.warm / floor:.1f}×"
        for r in runs
        if r.cold > LIMITS["cold"] * floor or r.warm > LIMITS["warm"] * floor
    ]
    assert not slow, f"pages slower than the bounds (floor {floor:.3f} s): " + "; ".join(slow)


def test_no_query_fetches_more_rows_than_the_page_shows(page_runs: tuple[float, list[PageRun]]) -> None:
    """Each statement a page runs hands Python at most as many rows as the page shows (what it
    does not show, it counts, sums or ranks in SQL); the same for the sidebar's statements against
    what the sidebar shows (its provinces, and the areas of the province in view)."""
    _, runs = page_runs
    table = []
    over = []
    for r in runs:
        for tag, where in (("page", "page"), ("router", "sidebar")):
            biggest, statement = r.largest.get(tag, (0, ""))
            if biggest > max(r.shown[tag], 1):
                over.append(f"{r.page} ({r.view}) {where}: {biggest:,} rows from one query, shows {r.shown[tag]:,}: "
                            f"{statement[:160]}")  # fmt: skip
        page_top, statement = r.largest.get("page", (0, ""))
        table.append(
            (
                r.page,
                r.view,
                r.rows.get("page", 0),
                page_top,
                r.shown["page"],
                r.rows.get("router", 0),
                r.largest.get("router", (0, ""))[0],
                r.shown["router"],
                r.warm_rows,
                statement[:60],
            )
        )
    print_table(
        (
            "page",
            "view",
            "page rows",
            "largest query",
            "page shows",
            "sidebar rows",
            "largest query",
            "sidebar shows",
            "warm rows",
            "the page's largest query",
        ),
        table,
        title="Rows SQL hands to Python in a cold run (all statements, the largest one) against what is shown",
    )
    assert not over, "\n".join(over)


# ------------------------------------------------------------------------------------------------
# Benchmark 4: the server's peak memory
# ------------------------------------------------------------------------------------------------


def _settle(tab: object) -> None:
    tab.wait_for_selector(  # type: ignore[attr-defined]
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]',
        timeout=TIMEOUT * 1000,
    )
    tab.wait_for_selector('[data-testid="stStatusWidgetRunningIcon"]', state="detached", timeout=TIMEOUT * 1000)  # type: ignore[attr-defined]


def _title_is(tab: object, title: str | None) -> None:
    from playwright.sync_api import expect

    heading = tab.locator('[data-testid="stMain"] h1').first  # type: ignore[attr-defined]
    if title:
        expect(heading).to_have_text(title, timeout=TIMEOUT * 1000)
    else:
        expect(heading).to_be_visible(timeout=TIMEOUT * 1000)
    _settle(tab)


def _browser_sign_in(tab: object, username: str) -> None:
    from playwright.sync_api import expect

    from etl.accounts import DEMO_ACCOUNTS

    password = {name: secret for name, secret, *_ in DEMO_ACCOUNTS}[username]
    bar = tab.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
    bar.get_by_label("Tên đăng nhập").fill(username)
    bar.get_by_label("Mật khẩu").fill(password)
    bar.get_by_role("button", name="Đăng nhập").click()
    expect(bar.get_by_text(f"({username})")).to_be_visible(timeout=TIMEOUT * 1000)
    _settle(tab)


@contextlib.contextmanager
def serving(database_url: str, log_path: Path) -> Iterator[tuple[str, int]]:
    """``qcdc serve`` over ``database_url`` on a free port, as tests/browser starts it: yields its
    base URL and its process id (Streamlit runs as its child)."""
    from tests.browser.conftest import SERVER_START_TIMEOUT_S, _free_port, _health, _serve_command, _stop

    port = _free_port()
    env = {
        **os.environ,
        "QCDC_DATABASE_URL": database_url,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_HEADLESS": "true",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
    }
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            _serve_command(port), cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while _health(f"{base}/_stcore/health") != "ok":
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"qcdc serve did not start:\n{log_path.read_text(errors='replace')}", pytrace=False)
            time.sleep(0.25)
        yield base, process.pid
    finally:
        _stop(process)


def test_server_peak_memory_after_every_page(dashboard_db: Path, views: dict[str, dict[str, str]], tmp_path: Path):
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, _missing

    reason = _missing()
    if reason:
        pytest.skip(reason)
    from urllib.parse import urlencode

    from playwright.sync_api import sync_playwright

    opened = []
    url = f"sqlite:///{dashboard_db}"
    with serving(url, tmp_path / "serve.log") as (base, server), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            for view, params in list(views.items())[:1]:  # the national view (the province's: benchmark 3)
                query = f"?{urlencode(params)}" if params else ""
                context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
                tab = context.new_page()
                for page, title, user in PAGES:
                    if user:
                        continue
                    started = time.perf_counter()
                    tab.goto(f"{base}/{'' if page == 'tong_quan' else page}{query}")
                    _title_is(tab, title)
                    opened.append((view, page, "–", time.perf_counter() - started))
                context.close()
                for page, title, user in PAGES:
                    if not user:
                        continue
                    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
                    tab = context.new_page()
                    tab.goto(f"{base}/{query}")
                    _title_is(tab, "Tổng quan")
                    _browser_sign_in(tab, user)
                    started = time.perf_counter()
                    tab.locator('[data-testid="stSidebar"]').get_by_role("link", name=title, exact=True).click()
                    _title_is(tab, title)
                    opened.append((view, page, user, time.perf_counter() - started))
                    context.close()
            peaks = peak_rss_mb(server)
        finally:
            browser.close()
    print_table(("view", "page", "signed in as", "seconds to draw"), opened, title="Pages opened in Chromium")
    total = sum(peaks.values())
    print(
        "\npeak RSS of the server: "
        + ", ".join(f"pid {pid} {mb:.0f} MB" for pid, mb in peaks.items())
        + f"; together {total:.0f} MB (< {LIMITS['rss_mb']:g} MB)"
    )
    assert total < LIMITS["rss_mb"]

"""The dashboard in a real browser: every page renders without an error and draws its charts, the
titles are in Vietnamese, and a shared link restores its filters.

Each test saves full-page screenshots under its ``tmp_path`` and prints their paths (``pytest -s``,
or see the captured output of a failing test).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# (URL path as dashboard/app.py names it, Vietnamese title, English title, least plotly charts).
# The default page lives at "/" only: once st.navigation has run, Streamlit answers the default
# page's own url_path ("/tong_quan") with a "Page not found" dialog before running it anyway.
PAGES = [
    ("", "Tổng quan", "Overview", 1),
    ("xu_huong", "Xu hướng", "Trends", 1),
    ("so_sanh", "So sánh đơn vị", "Compare units", 1),
    ("nong_thon_moi", "Nông thôn mới", "New rural areas", 1),
    ("ho_so_don_vi", "Hồ sơ đơn vị", "Unit profile", 1),
    ("tinh_hinh_bao_cao", "Tình hình báo cáo", "Reporting status", 1),
]
RUN_TIMEOUT_MS = 30_000
# What plotly draws for data: traces of scatter, bar, pie… layers, heat-map images, map shapes.
TRACES = "g.trace, g.hm, image.hm, path.choroplethlocation"
# UTF-8 read as Latin-1 ("Tá»•ng", "Ã¡"), or bytes that were not text at all. A bare "Ã" is not
# one: it is Vietnamese ("XÃ HỘI" in a section title of the commune form).
MOJIBAKE = ("Ã¡", "Ã\xa0", "Ã£", "Ã©", "Ãª", "Ã´", "Ã¢", "Ã³", "Ã­", "Ãº", "Ã½", "á»", "Æ°", "Ä‘", "\ufffd")


def wait_for_run(page: Page) -> None:
    """Wait until Streamlit is connected, has run the script to the end and the page has its title."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]',
        timeout=RUN_TIMEOUT_MS,
    )
    page.wait_for_selector('[data-testid="stStatusWidgetRunningIcon"]', state="detached", timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=RUN_TIMEOUT_MS)


def wait_for_charts(page: Page, least: int) -> Locator:
    """Wait until every plotly chart on the page has drawn its SVG; at least ``least`` of them."""
    charts = page.locator('[data-testid="stPlotlyChart"]')
    if least:
        charts.first.wait_for(timeout=RUN_TIMEOUT_MS)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(chart => chart.querySelector('.js-plotly-plot .main-svg'))""",
        timeout=RUN_TIMEOUT_MS,
    )
    assert charts.count() >= least, f"{page.url}: {charts.count()} charts, expected at least {least}"
    return charts


def assert_no_errors(page: Page, js_errors: list[str]) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{page.url}: exception shown:\n" + "\n".join(exceptions.all_inner_texts())
    dialogs = page.get_by_role("dialog")
    assert dialogs.count() == 0, f"{page.url}: dialog shown:\n" + "\n".join(dialogs.all_inner_texts())
    alerts = page.locator('[data-testid="stAlertContentError"]')
    assert alerts.count() == 0, f"{page.url}: error shown:\n" + "\n".join(alerts.all_inner_texts())
    assert js_errors == [], f"{page.url}: JavaScript errors: {js_errors}"
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert not [m for m in MOJIBAKE if m in text], f"{page.url}: garbled Vietnamese text"


def assert_charts_drawn(page: Page, charts: Locator) -> None:
    """Each chart has data drawn in it, is big enough to read, and its tick labels are not tiny."""
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        plot = chart.locator(".js-plotly-plot").first
        assert plot.locator(TRACES).count() > 0, f"{page.url}: chart {i + 1} has no traces"
        box = plot.bounding_box()
        assert box and box["width"] >= 400 and box["height"] >= 250, f"{page.url}: chart {i + 1} is {box}"
        sizes = plot.evaluate(
            """p => [...p.querySelectorAll('.xtick text, .ytick text, .legendtext')]
                     .map(t => parseFloat(getComputedStyle(t).fontSize))"""
        )
        assert all(size >= 10 for size in sizes), f"{page.url}: chart {i + 1} has text under 10 px: {min(sizes)}"


def screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    """The whole page: Streamlit scrolls inside ``stMain`` and the sidebar, not the document, so the
    viewport is made as tall as their content for the shot (until the layout settles), then restored."""
    path = tmp_path / f"{name}.png"
    viewport = page.viewport_size or {"width": 1440, "height": 900}
    height = viewport["height"]
    for _ in range(5):
        tallest = page.evaluate(
            """() => Math.max(window.innerHeight, ...['stMain', 'stSidebarContent']
                     .map(id => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight ?? 0))"""
        )
        if tallest <= height:
            break
        height = tallest
        page.set_viewport_size({"width": viewport["width"], "height": height})
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    print(f"screenshot: {path}")
    return path


def collect_js_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_shared_url_restores_its_filters(page: Page, dashboard_url: str, tmp_path: Path) -> None:
    # First in this file, so the link is the first request the new server gets: until st.navigation
    # has run once, Streamlit serves dashboard/pages/ as a plain folder and the app must route it.
    js_errors = collect_js_errors(page)
    page.goto(f"{dashboard_url}/xu_huong?lang=en&period=2019S1&from=2018S1&to=2022S2&bnd=current")
    wait_for_run(page)
    wait_for_charts(page, 1)
    screenshot(page, tmp_path, "xu_huong-en-shared")
    assert_no_errors(page, js_errors)

    from playwright.sync_api import expect

    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("Trends")
    expect(sidebar.get_by_role("radio", name="English")).to_be_checked()
    kien_giang = "Tỉnh Kiên Giang (before 1 July 2025)"
    expect(sidebar.get_by_role("combobox", name="Province or city")).to_have_value(kien_giang)
    expect(sidebar.get_by_role("combobox", name="Area")).to_have_value("Huyện Kiên Lương")
    expect(sidebar.get_by_role("combobox", name="Reporting period")).to_have_value("First half of 2019")
    expect(sidebar.get_by_role("radio", name="Today's boundaries")).to_be_checked()
    expect(sidebar.get_by_role("combobox", name="From")).to_have_value(re.compile(r"H1 2018|First half of 2018"))
    expect(sidebar.get_by_role("combobox", name="To")).to_have_value(re.compile(r"H2 2022|Second half of 2022"))
    expect(page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first).to_contain_text(
        "H1 2018 – H2 2022"
    )
    # The app writes the full set back: the link is still the one shared.
    for param in ("lang=en", "period=2019S1", "from=2018S1", "to=2022S2", "bnd=current"):
        assert param in page.url, page.url


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("path", "title_vi", "title_en", "least_charts"), PAGES, ids=[p[0] or "home" for p in PAGES])
def test_page_renders_with_its_title_and_charts(
    page: Page,
    dashboard_url: str,
    tmp_path: Path,
    path: str,
    title_vi: str,
    title_en: str,
    least_charts: int,
    lang: str,
) -> None:
    js_errors = collect_js_errors(page)
    page.goto(f"{dashboard_url}/{path}" + ("?lang=en" if lang == "en" else ""))
    wait_for_run(page)
    charts = wait_for_charts(page, least_charts)
    screenshot(page, tmp_path, f"{path or 'home'}-{lang}")

    assert_no_errors(page, js_errors)
    title = title_en if lang == "en" else title_vi
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == title
    from playwright.sync_api import expect

    sidebar = page.locator('[data-testid="stSidebar"]')
    for name in (p[2] if lang == "en" else p[1] for p in PAGES):  # waits while a rerun redraws the sidebar
        expect(sidebar.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert_charts_drawn(page, charts)


def pick(page: Page, box: Locator, option: str) -> None:
    """Choose ``option`` in a selectbox: typed into its search field, then clicked in the list."""
    box.scroll_into_view_if_needed()
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def test_the_area_is_picked_province_first_and_kept_in_the_url(page: Page, dashboard_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    js_errors = collect_js_errors(page)
    page.goto(f"{dashboard_url}/xu_huong")
    wait_for_run(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    province = sidebar.get_by_role("combobox", name="Tỉnh, thành phố")
    area = sidebar.get_by_role("combobox", name="Địa bàn")
    caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first
    # The app opens on the district that holds all the data, in its province.
    expect(province).to_have_value("Tỉnh Kiên Giang (trước 1/7/2025)")
    expect(area).to_have_value("Huyện Kiên Lương")
    expect(page).to_have_url(re.compile(r"[?&]area=\d+"))
    opening = re.search(r"[?&]area=(\d+)", page.url).group(1)  # type: ignore[union-attr]

    # Another province: it becomes the area (the whole province), and the URL says so.
    pick(page, province, "Tỉnh An Giang (từ 1/7/2025)")
    expect(area).to_have_value("Tỉnh An Giang — toàn địa bàn")
    expect(caption).to_contain_text("Tỉnh An Giang (từ 1/7/2025)")
    expect(page).to_have_url(re.compile(rf"[?&]area=(?!{opening}\b)\d+"))

    # Then one of its communes; the link restores both boxes.
    pick(page, area, "Xã Hòn Nghệ")
    expect(caption).to_contain_text("Xã Hòn Nghệ, Tỉnh An Giang (từ 1/7/2025)")
    wait_for_run(page)
    link = page.url
    page.goto(link)
    wait_for_run(page)
    expect(province).to_have_value("Tỉnh An Giang (từ 1/7/2025)")
    expect(area).to_have_value("Xã Hòn Nghệ")
    wait_for_charts(page, 1)
    screenshot(page, tmp_path, "xu_huong-province-first")
    assert_no_errors(page, js_errors)

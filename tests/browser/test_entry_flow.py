"""Data entry and review in a real browser: an official signs in, edits cells of the form, saves
and submits; the committee's reviewer returns it with a comment; the official sees the comment,
fixes the figure and resubmits; the reviewer approves; the dashboard shows the new figure.

Runs against its own ``qcdc serve`` over a copy of the sample with the demo accounts
(``entry_dashboard_url`` in ``conftest.py``). Screenshots of every step go to the test's
``tmp_path`` (paths printed; ``pytest -s``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.test_dashboard import RUN_TIMEOUT_MS, assert_no_errors, collect_js_errors, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

PASSWORDS = {"official": ("xa.honnghe", "honnghe"), "reviewer": ("thuky", "thuky123")}
DIALOGUES = "Số cuộc đối thoại giữa chính quyền với Nhân dân"
COMMENT = "Số cuộc đối thoại 41 là quá cao so với các kỳ trước, đề nghị xã kiểm tra lại."


def settle(page: Page) -> None:
    """Wait until Streamlit is connected and has finished the run a click or a change started."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]',
        timeout=RUN_TIMEOUT_MS,
    )
    page.wait_for_selector('[data-testid="stStatusWidgetRunningIcon"]', state="detached", timeout=RUN_TIMEOUT_MS)


def main(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"]')


def sidebar(page: Page) -> Locator:
    return page.locator('[data-testid="stSidebar"]')


def open_page(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}")
    settle(page)


def navigate(page: Page, title: str) -> None:
    """Follow the sidebar's link to a page: the session (and the sign-in) lives as long as the tab's
    connection, so a writing page is reached from the menu, not by reloading a URL."""
    from playwright.sync_api import expect

    sidebar(page).get_by_role("link", name=title, exact=True).click()
    expect(main(page).locator("h1").first).to_have_text(title, timeout=RUN_TIMEOUT_MS)
    settle(page)


def sign_in(page: Page, role: str) -> None:
    from playwright.sync_api import expect

    username, password = PASSWORDS[role]
    bar = sidebar(page)
    bar.get_by_label("Tên đăng nhập").fill(username)
    bar.get_by_label("Mật khẩu").fill(password)
    bar.get_by_role("button", name="Đăng nhập").click()
    expect(bar.get_by_text(f"({username})")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    settle(page)


def sign_out(page: Page) -> None:
    from playwright.sync_api import expect

    sidebar(page).get_by_role("button", name="Đăng xuất").click()
    expect(sidebar(page).get_by_role("button", name="Đăng nhập")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    settle(page)


def type_figure(page: Page, label: str, value: str) -> None:
    """Edit one cell of the form: type, then leave the field (Streamlit commits on blur)."""
    field = main(page).get_by_label(label, exact=True)
    field.fill(value)
    field.press("Tab")
    settle(page)


def dialogues_card(page: Page) -> int:
    """The overview's "Cuộc đối thoại" card: the area total for the period."""
    card = main(page).locator('[data-testid="stMetric"]').filter(has_text="Cuộc đối thoại").first
    text = card.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return int(text.replace(".", ""))


def test_official_enters_reviewer_returns_official_fixes_reviewer_approves(
    page: Page, entry_dashboard_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    base = entry_dashboard_url
    js_errors = collect_js_errors(page)

    # The dashboard before: the Kiên Lương total for 2026S2, and Hòn Nghệ's own figure.
    open_page(page, base, "?period=2026S2")
    expect(main(page).locator("h1").first).to_have_text("Tổng quan")
    total_before = dialogues_card(page)

    # A writing page refuses anyone who has not signed in.
    open_page(page, base, "nhap_so_lieu")
    expect(main(page).get_by_text("Bạn không có quyền xem trang này.")).to_be_visible()
    expect(sidebar(page).get_by_role("link", name="Nhập số liệu")).to_have_count(0)

    # 1. The official signs in, edits cells, saves, submits.
    sign_in(page, "official")
    navigate(page, "Nhập số liệu")
    field = main(page).get_by_label(DIALOGUES, exact=True)
    hon_nghe_before = int(field.input_value())
    type_figure(page, DIALOGUES, "41")
    expect(main(page).get_by_text(re.compile("Đã tự lưu lúc"))).to_be_visible()
    type_figure(page, "Số ý kiến của Nhân dân nêu tại đối thoại", "60")
    main(page).get_by_role("button", name="Lưu nháp").click()
    expect(main(page).get_by_text("Đã lưu bản nháp.")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    screenshot(page, tmp_path, "1-official-draft")
    main(page).get_by_role("button", name="Nộp báo cáo").click()
    expect(main(page).get_by_text(re.compile("^Đã nộp báo cáo"))).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(main(page).get_by_label(DIALOGUES, exact=True)).to_be_disabled()
    screenshot(page, tmp_path, "2-official-submitted")
    assert_no_errors(page, js_errors)
    sign_out(page)

    # 2. The reviewer returns it with a comment and the field concerned.
    sign_in(page, "reviewer")
    navigate(page, "Duyệt báo cáo")
    expect(main(page).get_by_role("button", name="Duyệt báo cáo")).to_be_visible()
    main(page).get_by_label("Ý kiến (xã sẽ thấy ở đầu biểu mẫu)").fill(COMMENT)
    fields = main(page).locator('[data-testid="stMultiSelect"]').filter(has_text="Chỉ tiêu cần xem lại")
    fields.locator("input").fill("Số cuộc đối thoại")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    main(page).get_by_role("button", name="Trả lại").click()
    expect(main(page).get_by_text("Đã trả lại báo cáo kèm ý kiến.")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    screenshot(page, tmp_path, "3-reviewer-returned")
    sign_out(page)

    # 3. The official sees the comment at the top, the field marked, fixes it and resubmits.
    sign_in(page, "official")
    navigate(page, "Nhập số liệu")
    expect(main(page).get_by_text(COMMENT)).to_be_visible()
    expect(main(page).get_by_text("Ban Chỉ đạo đề nghị xem lại").first).to_be_visible()
    screenshot(page, tmp_path, "4-official-sees-comment")
    type_figure(page, DIALOGUES, "14")
    main(page).get_by_role("button", name="Nộp báo cáo").click()
    expect(main(page).get_by_text(re.compile("^Đã nộp báo cáo"))).to_be_visible(timeout=RUN_TIMEOUT_MS)
    sign_out(page)

    # 4. The reviewer approves.
    sign_in(page, "reviewer")
    navigate(page, "Duyệt báo cáo")
    main(page).get_by_role("button", name="Duyệt báo cáo").click()
    expect(main(page).get_by_text("Đã duyệt báo cáo.")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(main(page).get_by_role("button", name="Mở lại")).to_be_visible()
    screenshot(page, tmp_path, "5-reviewer-approved")
    assert_no_errors(page, js_errors)
    sign_out(page)

    # 5. The dashboard counts the approved figure.
    open_page(page, base, "?period=2026S2")
    expect(main(page).locator("h1").first).to_have_text("Tổng quan")
    expect(main(page).locator('[data-testid="stMetric"]').filter(has_text="Cuộc đối thoại").first).to_contain_text(
        str(total_before - hon_nghe_before + 14)
    )
    screenshot(page, tmp_path, "6-dashboard-after")
    assert dialogues_card(page) == total_before - hon_nghe_before + 14
    assert_no_errors(page, js_errors)

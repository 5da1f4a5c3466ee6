"""Data entry and review through the dashboard's pages (AppTest, SQLite): who sees what, an
official's scope, the draft → submit → return → resubmit → approve cycle, a conflicting save,
uploads, and session expiry. The sample database of ``conftest.py`` plus the demo accounts and the
demo's open period, as ``qcdc demo`` creates them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from etl.accounts import DEMO_ACCOUNTS, ensure_demo_accounts, find_account
from etl.cli import DEMO_DEADLINE, DEMO_OPEN_PERIOD
from etl.db import make_engine
from etl.load import Source, load
from etl.models import utcnow
from etl.settings import get_settings
from etl.submissions import load_form, open_period, save_draft
from etl.units import NEW2025, PRE2025, unit_by_code
from tests.dashboard.conftest import APP

TIMEOUT = 60
PASSWORDS = {name: password for name, password, *_ in DEMO_ACCOUNTS}
USERS = {"anonymous": None, "viewer": "lanhdao", "official": "xa.honnghe", "reviewer": "thuky", "admin": "admin"}
DENIED = "Bạn không có quyền xem trang này."
PERIOD = DEMO_OPEN_PERIOD  # 2026S2, open with a deadline
HON_NGHE, SON_HAI = "30814", "30811"  # the official's commune, and another one

PUBLIC = {
    "tong_quan": "Tổng quan",
    "xu_huong": "Xu hướng",
    "so_sanh": "So sánh đơn vị",
    "nong_thon_moi": "Nông thôn mới",
    "ho_so_don_vi": "Hồ sơ đơn vị",
    "tinh_hinh_bao_cao": "Tình hình báo cáo",
}
WRITING = {
    "nhap_so_lieu": ("Nhập số liệu", {"official"}),
    "duyet_bao_cao": ("Duyệt báo cáo", {"reviewer"}),
    "quan_tri": ("Quản trị", {"admin"}),
    "lich_su": ("Lịch sử số liệu", {"viewer", "official", "reviewer", "admin"}),
}


# ------------------------------------------------------------------------------------------------
# Fixtures and helpers
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def entry_template(sample_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample database with the demo accounts and the demo's open period."""
    target = tmp_path_factory.mktemp("entry") / "entry-template.sqlite3"
    shutil.copyfile(make_url(sample_db_url).database, target)
    engine = make_engine(f"sqlite:///{target}")
    with engine.begin() as connection:
        ensure_demo_accounts(connection)
        open_period(connection, PERIOD, deadline=DEMO_DEADLINE, by="demo")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return target


@pytest.fixture
def entry_db(entry_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh copy for each test (the tests write), named by ``QCDC_DATABASE_URL``."""
    target = tmp_path / "entry.sqlite3"
    shutil.copyfile(entry_template, target)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("QCDC_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def db(entry_db: str) -> Iterator:
    engine = make_engine(entry_db)
    yield engine
    engine.dispose()


def unit_id(db, code: str, catalog: str = NEW2025) -> int:
    with db.connect() as connection:
        unit = unit_by_code(connection, catalog=catalog, code=code)
    assert unit is not None
    return unit.id


def submission_rows(db) -> list[tuple]:
    with db.connect() as connection:
        return connection.execute(
            text("SELECT unit_id, period_code, status, version FROM submission ORDER BY id")
        ).all()


def start(user: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if user:
        sign_in(at, user)
    return at


def sign_in(at: AppTest, user: str, password: str | None = None) -> AppTest:
    at.sidebar.text_input(key="signin_user").input(user)
    at.sidebar.text_input(key="signin_password").input(password or PASSWORDS[user])
    at.sidebar.button(key="signin_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_out(at: AppTest) -> AppTest:
    at.sidebar.button(key="signout").click().run()
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def frame(at: AppTest, column: str):
    """The table that has ``column``."""
    found = [df.value for df in at.dataframe if column in df.value.columns]
    assert found, f"no table with a column {column!r}"
    return found[0]


def menu(at: AppTest) -> list[str]:
    return [link.label for link in at.sidebar.get("page_link")]


# ------------------------------------------------------------------------------------------------
# Who sees what
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("page", [*PUBLIC, *WRITING])
def test_each_page_for_each_role(entry_db, page, role):
    at = start(USERS[role])
    goto(at, page)
    if page in PUBLIC:
        title, allowed = PUBLIC[page], True
    else:
        title, roles = WRITING[page]
        allowed = role in roles
    if allowed:
        assert [t.value for t in at.title] == [title]
        assert DENIED not in errors(at)
        assert title in menu(at)
    else:
        assert DENIED in errors(at)
        assert title not in [t.value for t in at.title]
        assert title not in menu(at), "a page the role may not use is hidden from the menu"
        assert not at.main.button, "a refused page offers nothing to click"


@pytest.mark.parametrize(
    ("page", "role", "title"),
    [
        ("nhap_so_lieu", "official", "Data entry"),
        ("duyet_bao_cao", "reviewer", "Review"),
        ("quan_tri", "admin", "Administration"),
        ("lich_su", "viewer", "Value history"),
    ],
)
def test_each_writing_page_in_english(entry_db, page, role, title):
    at = goto(start(USERS[role], lang="en"), page)
    assert [t.value for t in at.title] == [title]
    assert not errors(at)
    assert "Sign out" in [b.label for b in at.sidebar.button]


def test_the_signed_in_name_and_role_are_shown(entry_db):
    at = start("xa.honnghe")
    assert "Cán bộ xã Hòn Nghệ (demo) (xa.honnghe)" in [t.value for t in at.sidebar.text]
    assert "Cán bộ xã (nhập số liệu)" in [c.value for c in at.sidebar.caption]
    sign_out(at)
    assert "Đã đăng xuất." in [i.value for i in at.sidebar.info]
    assert at.sidebar.text_input(key="signin_user")


def test_a_wrong_password_is_refused_in_vietnamese(entry_db):
    at = start()
    sign_in(at, "xa.honnghe", "sai-mat-khau")
    assert "Sai tên đăng nhập hoặc mật khẩu." in [e.value for e in at.sidebar.error]
    goto(at, "nhap_so_lieu")
    assert DENIED in errors(at)


def test_an_expired_session_signs_out_and_keeps_the_draft(entry_db, db):
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    at.text_input(key="fv_DLG_HELD").input("11").run()
    session = dict(at.session_state["qcdc_auth"])
    session["signed_in_at"] = utcnow() - timedelta(minutes=get_settings().session_minutes + 1)
    at.session_state["qcdc_auth"] = session
    at.run()
    assert DENIED in errors(at)
    assert any("hết hạn" in i.value for i in at.sidebar.info)
    with db.connect() as connection:
        official = find_account(connection, "xa.honnghe")
        form = load_form(connection, official, unit_id(db, HON_NGHE), PERIOD)
    assert form.values["DLG_HELD"] == "11", "what was typed before the session expired is in the draft"


def test_a_disabled_account_loses_its_pages_on_the_next_click(entry_db, db):
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    assert not errors(at)
    with db.begin() as connection:
        connection.execute(text("UPDATE user_account SET active = :f WHERE username = 'xa.honnghe'"), {"f": False})
    at.run()
    assert DENIED in errors(at)


# ------------------------------------------------------------------------------------------------
# An official's scope
# ------------------------------------------------------------------------------------------------


def test_another_communes_unit_in_the_url_is_refused_and_nothing_is_written(entry_db, db):
    other = unit_id(db, SON_HAI)
    at = goto(start("xa.honnghe", form_unit=str(other), form_period=PERIOD), "nhap_so_lieu")
    assert any("không thuộc phạm vi" in e for e in errors(at))
    assert not at.text_input, "no field of another commune's form is shown"
    assert submission_rows(db) == []
    # Back to their own commune: the form opens.
    at.button(key="entry_back").click().run()
    assert at.text_input(key="fv_DLG_HELD")


def test_another_communes_unit_put_in_the_session_is_refused(entry_db, db):
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    store = dict(at.session_state["qcdc_filters"])
    store["form_unit"] = str(unit_id(db, SON_HAI))
    at.session_state["qcdc_filters"] = store
    at.run()
    assert any("không thuộc phạm vi" in e for e in errors(at))
    assert submission_rows(db) == []


def test_the_official_sees_only_their_units_in_the_history(entry_db, db):
    at = goto(start("xa.honnghe"), "lich_su")
    assert at.selectbox(key="w_form_unit").options == [f"{HON_NGHE} — Xã Hòn Nghệ"]
    at = goto(start("xa.honnghe", form_unit=str(unit_id(db, SON_HAI))), "lich_su")
    assert any("không thuộc phạm vi" in e for e in errors(at))


# ------------------------------------------------------------------------------------------------
# The cycle: draft → submit → return → resubmit → approve
# ------------------------------------------------------------------------------------------------


def dashboard_value(unit_name: str) -> list[float]:
    """Xã Hòn Nghệ's DLG_HELD for the open period, as the comparison page shows it."""
    at = goto(start(period=PERIOD, ind="DLG_HELD"), "so_sanh")
    frame = at.dataframe[0].value
    return frame.loc[(frame["Đơn vị"] == unit_name) & (frame["Kỳ"] == "6 tháng cuối năm 2026"), "Giá trị"].tolist()


def test_draft_submit_return_resubmit_approve(entry_db, db):
    hon_nghe = unit_id(db, HON_NGHE)
    before = dashboard_value("Xã Hòn Nghệ")

    # The official types (auto-saved), saves and submits.
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    assert at.text_input(key="fv_DLG_HELD").value == str(int(before[0])), "pre-filled with the stored figure"
    at.text_input(key="fv_DLG_HELD").input("41").run()
    assert [(r[2], r[3]) for r in submission_rows(db)] == [("draft", 1)], "every change reaches the draft"
    at.button(key="entry_save").click().run()
    assert "Đã lưu bản nháp." in [s.value for s in at.success]
    at.button(key="entry_submit").click().run()
    assert any(s.value.startswith("Đã nộp báo cáo") for s in at.success)
    assert submission_rows(db)[0][2] == "submitted"
    assert at.text_input(key="fv_DLG_HELD").disabled, "a submitted form is read-only"
    assert dashboard_value("Xã Hòn Nghệ") == [], "unapproved figures are not official"

    # The reviewer returns it with a comment that looks like HTML and a link.
    comment = "Số cuộc đối thoại <b>quá cao</b>, xem lại [tại đây](http://example.invalid)"
    at = goto(start("thuky"), "duyet_bao_cao")
    assert at.selectbox(key="w_form_unit").value == hon_nghe, "the first submitted return is opened"
    board = frame(at, "Đúng hạn")
    row = board[board["Đơn vị"] == "Xã Hòn Nghệ"].iloc[0]
    assert (row["Tình trạng"], row["Đúng hạn"]) == ("Đã nộp", "Đúng hạn")
    figures = frame(at, "Số liệu")
    assert figures.loc[figures["Chỉ tiêu"].str.startswith("Số cuộc đối thoại"), "Số liệu"].tolist() == ["41"]
    at.text_area(key="review_comment").input(comment)
    at.multiselect(key="review_fields").select("DLG_HELD")
    at.button(key="review_return").click().run()
    assert "Đã trả lại báo cáo kèm ý kiến." in [s.value for s in at.success]
    assert submission_rows(db)[0][2] == "returned"

    # The official sees the comment as text, the field marked, fixes it and resubmits.
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    assert comment in [t.value for t in at.text], "the comment is shown as plain text"
    assert not any("<b>" in m.value or "](http" in m.value for m in at.markdown), "never as Markdown or HTML"
    assert any(m.value.startswith("⚠️ **Số cuộc đối thoại") for m in at.markdown), "the field concerned is marked"
    at.text_input(key="fv_DLG_HELD").input("14").run()
    at.button(key="entry_submit").click().run()
    assert submission_rows(db)[0][2] == "submitted"

    # The reviewer approves: locked, official, on the dashboard.
    at = goto(start("thuky"), "duyet_bao_cao")
    at.button(key="review_approve").click().run()
    assert "Đã duyệt báo cáo." in [s.value for s in at.success]
    assert submission_rows(db)[0][2] == "approved"
    events = frame(at, "Việc")
    assert events["Việc"].tolist() == ["Bắt đầu nhập", "Nộp", "Trả lại", "Nộp", "Duyệt"]
    assert comment in events["Ý kiến, lý do"].tolist()
    assert at.text_input(key="review_reason"), "an approved return can be reopened, with a reason"
    assert dashboard_value("Xã Hòn Nghệ") == [14.0]

    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    assert at.text_input(key="fv_DLG_HELD").disabled
    assert any("đã được duyệt" in s.value for s in at.success)

    # The history of the value: the file, then the form twice.
    at = goto(start("lanhdao", form_period=PERIOD, form_unit=str(hon_nghe), ind="DLG_HELD"), "lich_su")
    history = frame(at, "Cách nhập")
    assert history["Cách nhập"].tolist()[-2:] == ["Biểu mẫu web", "Biểu mẫu web"]
    assert history["Giá trị mới"].tolist()[-2:] == ["41", "14"]
    assert history["Người sửa"].tolist()[-1] == "xa.honnghe"

    # Reopening needs a reason, and is recorded.
    at = goto(start("thuky", form_period=PERIOD, form_unit=str(hon_nghe)), "duyet_bao_cao")
    at.button(key="review_reopen").click().run()
    assert "Mở lại cần ghi lý do." in errors(at)
    assert submission_rows(db)[0][2] == "approved"
    at.text_input(key="review_reason").input("Sai số liệu đối thoại")
    at.button(key="review_reopen").click().run()
    assert submission_rows(db)[0][2] == "returned"


def test_a_form_with_errors_cannot_be_submitted_and_says_why(entry_db, db):
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    at.text_input(key="fv_DLG_ANSWERED").input("999").run()
    assert any("lỗi cần sửa" in e for e in errors(at))
    assert at.button(key="entry_submit").disabled
    assert any(c.value.startswith("❌") for c in at.caption), "the rule broken is shown under the field"
    at.text_input(key="fv_DLG_HELD").input("abc").run()
    assert any("không phải là số" in c.value for c in at.caption if c.value.startswith("❌"))
    assert submission_rows(db)[0][2] == "draft", "the invalid draft is kept as typed"


def test_the_reviewer_cannot_open_a_unit_outside_the_district(entry_db, db):
    with db.connect() as connection:
        outside = connection.execute(
            text("SELECT id FROM unit WHERE catalog = :c AND level = 3 AND province_code <> '91' LIMIT 1"),
            {"c": NEW2025},
        ).scalar_one()
    at = goto(start("thuky", form_unit=str(outside), form_period=PERIOD), "duyet_bao_cao")
    assert any("không thuộc phạm vi" in e for e in errors(at))
    assert not at.main.button


# ------------------------------------------------------------------------------------------------
# Two people on one form
# ------------------------------------------------------------------------------------------------


def test_a_conflicting_save_shows_both_values_and_can_reload(entry_db, db):
    hon_nghe = unit_id(db, HON_NGHE)
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    at.text_input(key="fv_DLG_HELD").input("20").run()  # the draft, version 1
    # Meanwhile someone else (the same commune, another tab) saves over it.
    with db.connect() as connection:
        official = find_account(connection, "xa.honnghe")
        form = load_form(connection, official, hon_nghe, PERIOD)
    save_draft(db, official, hon_nghe, PERIOD, {**form.values, "DLG_HELD": "30"}, {}, expected_version=form.version)

    at.text_input(key="fv_DLG_HELD").input("25").run()
    assert any("đã lưu biểu mẫu này sau khi bạn mở" in e for e in errors(at))
    both = frame(at, "Bản của bạn")
    assert both.to_dict("records") == [
        {
            "Chỉ tiêu": "Số cuộc đối thoại giữa chính quyền với Nhân dân",
            "Bản đã lưu (người khác)": "30",
            "Bản của bạn": "25",
        }
    ]
    assert at.text_input(key="fv_DLG_HELD").disabled, "nothing more is saved until the official chooses"
    with db.connect() as connection:
        assert load_form(connection, official, hon_nghe, PERIOD).values["DLG_HELD"] == "30", "not overwritten"

    at.button(key="entry_reload").click().run()
    assert at.text_input(key="fv_DLG_HELD").value == "30"
    assert not at.get("dataframe") or all(df.value is None or "Bản của bạn" not in df.value for df in at.dataframe)


def test_keeping_mine_after_a_conflict_is_a_deliberate_overwrite(entry_db, db):
    hon_nghe = unit_id(db, HON_NGHE)
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    at.text_input(key="fv_DLG_HELD").input("20").run()
    with db.connect() as connection:
        official = find_account(connection, "xa.honnghe")
        form = load_form(connection, official, hon_nghe, PERIOD)
    save_draft(db, official, hon_nghe, PERIOD, {**form.values, "DLG_HELD": "30"}, {}, expected_version=form.version)
    at.text_input(key="fv_DLG_HELD").input("25").run()
    at.button(key="entry_keep_mine").click().run()
    with db.connect() as connection:
        assert load_form(connection, official, hon_nghe, PERIOD).values["DLG_HELD"] == "25"


# ------------------------------------------------------------------------------------------------
# The Excel template and uploads
# ------------------------------------------------------------------------------------------------


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="entry_file").upload(name, data, "application/octet-stream")
    at.button(key="entry_upload").click().run()  # chosen and sent in one go
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_filled_template_goes_into_the_draft(entry_db, db):
    from etl.submissions import commune_template

    hon_nghe = unit_id(db, HON_NGHE)
    with db.connect() as connection:
        template = commune_template(connection, hon_nghe, PERIOD)
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    assert at.get_by_key("entry_template") is not None
    upload(at, "bieu-mau-hon-nghe.xlsx", template)
    assert any("vào bản nháp" in s.value for s in at.success), [e for e in errors(at)]
    assert submission_rows(db)[0][2] == "draft"


def test_an_upload_with_errors_is_refused_with_a_table_of_problems(entry_db, db):
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    bad = b"unit_code,period,indicator,value\n30814,2026S2,DLG_HELD,-3\n30814,2026S2,NOPE,1\n"
    upload(at, "sai.csv", bad)
    assert any("lỗi nên không ghi gì" in e for e in errors(at))
    problems = frame(at, "Nội dung")
    assert {"Dòng", "Cột / chỉ tiêu", "Nội dung"} <= set(problems.columns)
    assert len(problems) >= 1
    assert submission_rows(db) == [], "a file with errors writes nothing"


def test_an_upload_over_the_size_limit_says_so(entry_db, db, monkeypatch):
    monkeypatch.setenv("QCDC_MAX_UPLOAD_MB", "0.001")
    get_settings.cache_clear()
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    assert any("Tệp tối đa 0.001 MB" in c.value for c in at.caption)
    upload(at, "lon.csv", b"unit_code,period,indicator,value\n" + b"30814,2026S2,DLG_HELD,1\n" * 200)
    problems = frame(at, "Nội dung")
    assert any("vượt giới hạn" in m for m in problems["Nội dung"])
    assert submission_rows(db) == []


# ------------------------------------------------------------------------------------------------
# The administrator
# ------------------------------------------------------------------------------------------------


def test_the_administrator_adds_disables_and_resets_an_account(entry_db, db):
    at = goto(start("admin"), "quan_tri")
    users = frame(at, "Tên đăng nhập")
    assert set(users["Tên đăng nhập"]) == set(PASSWORDS)
    son_hai = unit_id(db, SON_HAI)
    at.text_input(key="qcdc_admin_new_username").input("xa.sonhai")
    at.text_input(key="qcdc_admin_new_full_name").input("Cán bộ xã Sơn Hải")
    at.text_input(key="qcdc_admin_new_password").input("sonhai-2026")
    at.selectbox(key="qcdc_admin_new_role").select("official")
    at.multiselect(key="qcdc_admin_new_units").select(son_hai)
    at.button(key="admin_add_submit").click().run()
    assert not errors(at), errors(at)
    with db.connect() as connection:
        account = find_account(connection, "xa.sonhai")
    assert account is not None and account.unit_ids == (son_hai,) and account.role == "official"

    at.selectbox(key="w_admin_user").select("xa.sonhai").run()
    at.text_input(key="qcdc_admin_reset_password").input("moi-2026")
    at.button(key="admin_set_password").click().run()
    at.button(key="admin_disable").click().run()
    with db.connect() as connection:
        assert not find_account(connection, "xa.sonhai").active

    fresh = start()
    sign_in(fresh, "xa.sonhai", "moi-2026")
    assert any("khoá" in e.value for e in fresh.sidebar.error), "a disabled account cannot sign in"


def test_the_scope_boxes_offer_one_province_at_a_time(entry_db, db):
    """A national database has 14.000 areas: the scope boxes offer every province, and the districts
    and communes of one province, the sidebar's until another is picked; an account's own units are
    offered in its scope box whichever province is picked."""
    ba_dinh = "00004 — Phường Ba Đình, Thành phố Hà Nội (từ 1/7/2025)"  # figures in a second province
    figure = "unit_code,unit_name,period,indicator,value\n00004,Phường Ba Đình,2026S1,DLG_HELD,3\n".encode()
    assert load(db, [Source(name="ba-dinh.csv", data=figure)], user="test", area_code="01").ok
    at = goto(start("admin", area=str(unit_id(db, "902", PRE2025))), "quan_tri")
    province = at.selectbox(key="w_admin_province")
    assert province.value == unit_id(db, "91", PRE2025)  # the sidebar's Huyện Kiên Lương lies there
    assert "Thành phố Hà Nội (từ 1/7/2025)" in province.options
    district = "902 — Huyện Kiên Lương, Tỉnh Kiên Giang (trước 1/7/2025)"
    units = at.multiselect(key="qcdc_admin_new_units")
    assert "01 — Thành phố Hà Nội (từ 1/7/2025)" in units.options and district in units.options
    assert ba_dinh not in units.options

    at.selectbox(key="w_admin_province").select(unit_id(db, "01")).run()  # Hà Nội
    assert not errors(at), errors(at)
    units = at.multiselect(key="qcdc_admin_new_units")
    assert ba_dinh in units.options and district not in units.options
    assert "91 — Tỉnh Kiên Giang (trước 1/7/2025)" in units.options  # every province, always
    at.text_input(key="qcdc_admin_new_username").input("thuky.hanoi")
    at.text_input(key="qcdc_admin_new_password").input("thuky-hanoi-2026")
    at.selectbox(key="qcdc_admin_new_role").select("reviewer")
    at.multiselect(key="qcdc_admin_new_units").select(unit_id(db, "00004"))
    at.button(key="admin_add_submit").click().run()
    assert not errors(at), errors(at)
    with db.connect() as connection:
        account = find_account(connection, "thuky.hanoi")
    assert account is not None and account.unit_ids == (unit_id(db, "00004"),)
    shown = frame(at, "Tên đăng nhập").set_index("Tên đăng nhập").loc["thuky.hanoi", "Phạm vi (đơn vị)"]
    assert shown == "00004 — Phường Ba Đình (từ 1/7/2025)"

    at.selectbox(key="w_admin_province").select(unit_id(db, "91", PRE2025)).run()  # back to Kiên Giang
    at.selectbox(key="w_admin_user").select("thuky.hanoi").run()
    scope = at.multiselect(key=f"qcdc_admin_scope_{account.id}")
    assert scope.value == [unit_id(db, "00004")]
    assert "00004 — Phường Ba Đình (từ 1/7/2025)" in scope.options and ba_dinh not in scope.options


def test_the_administrator_cannot_disable_themself(entry_db):
    at = goto(start("admin"), "quan_tri")
    assert at.selectbox(key="w_admin_user").value == "admin"
    assert at.button(key="admin_disable").disabled


def test_the_administrator_opens_a_period_and_sets_its_deadline(entry_db, db):
    from datetime import date

    at = goto(start("admin"), "quan_tri")
    at.selectbox(key="qcdc_admin_period").select("2027S1")
    at.date_input(key="qcdc_admin_deadline").set_value(date(2027, 7, 10))
    at.button(key="admin_open").click().run()
    windows = frame(at, "Hạn nộp")
    assert windows.to_dict("records")[-1] == {
        "Kỳ": "6 tháng đầu năm 2027",
        "Tình trạng": "đang mở",
        "Hạn nộp": "10/07/2027",
    }
    at.selectbox(key="qcdc_admin_period").select(PERIOD)
    at.button(key="admin_close").click().run()
    at = goto(start("xa.honnghe"), "nhap_so_lieu")
    assert at.selectbox(key="w_form_period").options == ["6 tháng đầu năm 2027 — hạn nộp 10/07/2027"]


# ------------------------------------------------------------------------------------------------
# The dashboard's switch for figures not approved yet
# ------------------------------------------------------------------------------------------------


def test_unapproved_figures_show_only_with_the_switch_and_marked(entry_db, db):
    from etl.submissions import submit

    hon_nghe = unit_id(db, HON_NGHE)
    with db.connect() as connection:
        official = find_account(connection, "xa.honnghe")
        form = load_form(connection, official, hon_nghe, PERIOD)
    saved = save_draft(db, official, hon_nghe, PERIOD, {**form.values, "DLG_HELD": "33"}, {}, expected_version=0)
    submit(db, official, hon_nghe, PERIOD, expected_version=saved.version)

    at = goto(start(period=PERIOD, ind="DLG_HELD"), "so_sanh")
    values = frame(at, "Giá trị")
    assert "Xã Hòn Nghệ" not in set(values.loc[values["Kỳ"] == "6 tháng cuối năm 2026", "Đơn vị"])
    at.sidebar.toggle(key="w_unapproved").set_value(True).run()
    values = frame(at, "Giá trị")
    row = values[(values["Kỳ"] == "6 tháng cuối năm 2026") & (values["Đơn vị"] == "Xã Hòn Nghệ")]
    assert row["Giá trị"].tolist() == [33.0]
    assert row["Chưa duyệt"].tolist() == ["Có"]

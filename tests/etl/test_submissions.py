"""Accounts, roles and the draft → submit → return → resubmit → approve cycle, with conflicting
saves and the history of values — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from etl import accounts as acc
from etl import submissions as sub
from etl.errors import AuthError, ConflictError, PermissionDenied, QcdcError, ValidationFailed
from etl.queries import Boundaries, area_totals, default_area, unit_values
from etl.units import unit_by_code

PERIOD = "2026S2"


@pytest.fixture
def setup(engine):
    """Demo accounts, 2026S2 open, and the ids of Xã Hòn Nghệ and Xã Sơn Hải (2025 catalog)."""
    with engine.begin() as connection:
        acc.ensure_demo_accounts(connection)
        sub.open_period(connection, PERIOD, deadline=date(2026, 12, 20), by="test")
        hon_nghe = unit_by_code(connection, catalog="2025", code="30814").id
        son_hai = unit_by_code(connection, catalog="2025", code="30811").id
        official = acc.find_account(connection, "xa.honnghe")
        reviewer = acc.find_account(connection, "thuky")
        viewer = acc.find_account(connection, "lanhdao")
    return {"hon_nghe": hon_nghe, "son_hai": son_hai, "official": official, "reviewer": reviewer, "viewer": viewer}


GOOD = {"DLG_HELD": "2", "DLG_OPINIONS": "15", "DLG_ANSWERED": "12", "CMP_CARRY": "0", "CMP_NEW": "5",
        "CMP_COMPETENT": "4", "CMP_RESOLVED": "3"}  # fmt: skip


def test_passwords_are_hashed_and_nfc_normalised(engine):
    with engine.begin() as connection:
        acc.create_user(connection, username="Thư.Ký", password="mật khẩu", role="reviewer")
        stored = connection.execute(text("SELECT password_hash FROM user_account")).scalar_one()
    assert stored.startswith("$argon2") and "mật" not in stored
    decomposed = "mật khẩu".encode().decode()  # same text…
    import unicodedata

    with engine.begin() as connection:
        account = acc.authenticate(connection, "THƯ.KÝ", unicodedata.normalize("NFD", decomposed))
    assert account.username == "thư.ký" and account.role is acc.Role.REVIEWER


def test_failed_sign_ins_are_throttled_per_account(engine, monkeypatch):
    monkeypatch.setenv("QCDC_LOGIN_MAX_FAILURES", "2")
    from etl.settings import get_settings

    get_settings.cache_clear()
    try:
        with engine.begin() as connection:
            acc.create_user(connection, username="b", password="right-one", role="viewer")
        for _ in range(2):
            with pytest.raises(AuthError, match="Sai tên đăng nhập"):
                acc.sign_in(engine, "b", "wrong", address="10.0.0.2")
        with pytest.raises(AuthError, match="thử lại sau"):  # even with the right password, for now
            acc.sign_in(engine, "b", "right-one", address="10.0.0.3")
        with engine.begin() as connection:
            acc.set_password(connection, "b", "new-secret")  # an administrator's reset lifts the pause
        assert acc.sign_in(engine, "b", "new-secret").username == "b"
    finally:
        get_settings.cache_clear()


def test_disabled_accounts_cannot_sign_in(engine):
    with engine.begin() as connection:
        acc.create_user(connection, username="c", password="secret!", role="viewer")
        acc.set_active(connection, "c", False)
    with pytest.raises(AuthError, match="khoá"), engine.begin() as connection:
        acc.authenticate(connection, "c", "secret!")


def test_scope_of_an_official_is_its_commune(engine, setup):
    with engine.connect() as connection:
        assert acc.can_enter(connection, setup["official"], setup["hon_nghe"])
        assert not acc.can_enter(connection, setup["official"], setup["son_hai"])
        assert not acc.can_enter(connection, setup["viewer"], setup["hon_nghe"])
        assert acc.can_review(connection, setup["reviewer"], setup["hon_nghe"])  # successor of district 902
        with pytest.raises(PermissionDenied):
            sub.load_form(connection, setup["official"], setup["son_hai"], PERIOD)


def test_an_official_cannot_write_another_commune(engine, setup):
    with pytest.raises(PermissionDenied):
        sub.save_draft(engine, setup["official"], setup["son_hai"], PERIOD, GOOD, expected_version=0)
    with pytest.raises(PermissionDenied):
        sub.save_draft(engine, setup["viewer"], setup["hon_nghe"], PERIOD, GOOD, expected_version=0)


def test_drafts_keep_what_was_typed_even_when_invalid(engine, setup):
    typed = {"DLG_HELD": "2", "DLG_OPINIONS": "mười lăm"}
    state = sub.save_draft(engine, setup["official"], setup["hon_nghe"], PERIOD, typed, expected_version=0)
    assert state.values == typed and state.status is sub.Status.DRAFT and state.version == 1
    with engine.connect() as connection:
        problems = sub.check_form(connection, setup["hon_nghe"], PERIOD, state.values)
        assert [(p.location.column, p.code) for p in problems] == [("DLG_OPINIONS", "not_a_number")]
        again = sub.load_form(connection, setup["official"], setup["hon_nghe"], PERIOD)
    assert again.values == typed
    with pytest.raises(ValidationFailed):
        sub.submit(engine, setup["official"], setup["hon_nghe"], PERIOD, expected_version=1)


def test_form_rules_are_the_loaders_rules(engine, setup):
    with engine.connect() as connection:
        problems = sub.check_form(connection, setup["hon_nghe"], PERIOD, {"DLG_OPINIONS": "10", "DLG_ANSWERED": "12"})
    [problem] = problems
    assert problem.code == "le_rule" and problem.location.column == "DLG_ANSWERED"
    assert "không được lớn hơn" in problem.message


def test_second_save_over_a_newer_one_is_refused_with_both_values(engine, setup):
    first = sub.save_draft(engine, setup["official"], setup["hon_nghe"], PERIOD, GOOD, expected_version=0)
    sub.save_draft(engine, setup["official"], setup["hon_nghe"], PERIOD, {**GOOD, "DLG_HELD": "3"}, expected_version=1)
    with pytest.raises(ConflictError) as caught:
        sub.save_draft(
            engine,
            setup["official"],
            setup["hon_nghe"],
            PERIOD,
            {**GOOD, "DLG_HELD": "4"},
            expected_version=first.version,
        )
    assert caught.value.theirs == {"DLG_HELD": "3"} and caught.value.mine == {"DLG_HELD": "4"}
    with engine.connect() as connection:
        assert sub.load_form(connection, setup["official"], setup["hon_nghe"], PERIOD).values["DLG_HELD"] == "3"


def test_the_whole_review_cycle(engine, setup):
    official, reviewer, unit = setup["official"], setup["reviewer"], setup["hon_nghe"]
    state = sub.save_draft(engine, official, unit, PERIOD, GOOD, expected_version=0)
    state = sub.submit(engine, official, unit, PERIOD, expected_version=state.version)
    assert state.status is sub.Status.SUBMITTED and state.stored["DLG_OPINIONS"] == 15
    with engine.connect() as connection:
        area = default_area(connection)
        board = sub.review_board(connection, reviewer, PERIOD).set_index("unit_id")
        # not official yet: the dashboard leaves it out unless asked
        official_only = unit_values(connection, area.unit_id, (PERIOD,), ("DLG_OPINIONS",))
        everything = unit_values(connection, area.unit_id, (PERIOD,), ("DLG_OPINIONS",), official_only=False)
    assert board.loc[unit, "status"] == sub.Status.SUBMITTED and board.loc[unit, "on_time"] in (True, False)
    assert official_only.empty
    assert everything["value"].tolist() == [15] and not everything["approved"].iloc[0]
    with pytest.raises(PermissionDenied):
        sub.approve(engine, official, int(board.loc[unit, "submission_id"]), expected_version=state.version)
    sub.return_submission(
        engine,
        reviewer,
        state.submission_id,
        comment="Số ý kiến <b>chưa khớp</b> biên bản",
        fields=["DLG_OPINIONS"],
        expected_version=state.version,
    )
    with engine.connect() as connection:
        returned = sub.load_form(connection, official, unit, PERIOD)
    assert returned.status is sub.Status.RETURNED
    assert returned.comment == "Số ý kiến <b>chưa khớp</b> biên bản"  # kept as text; the page shows it as text
    assert returned.returned_fields == ("DLG_OPINIONS",)
    fixed = sub.save_draft(
        engine, official, unit, PERIOD, {**GOOD, "DLG_OPINIONS": "16"}, expected_version=returned.version
    )
    fixed = sub.submit(engine, official, unit, PERIOD, expected_version=fixed.version)
    sub.approve(engine, reviewer, fixed.submission_id, expected_version=fixed.version)
    with engine.connect() as connection:
        locked = sub.load_form(connection, official, unit, PERIOD)
        totals = area_totals(connection, area.unit_id, (PERIOD,), ("DLG_OPINIONS",), Boundaries.REPORTED)
        events = sub.submission_events(connection, fixed.submission_id)["action"].tolist()
        history = sub.value_history(connection, unit, PERIOD, "DLG_OPINIONS")
    assert locked.locked and totals["value"].tolist() == [16]
    assert events == ["create", "submit", "return", "submit", "approve"]
    assert history["old_value"].isna().tolist() == [True, False]  # first entry: not reported before
    assert history[["new_value", "changed_by", "source"]].values.tolist() == [
        [15.0, "xa.honnghe", "form"],
        [16.0, "xa.honnghe", "form"],
    ]
    assert history["old_value"].iloc[1] == 15.0
    with pytest.raises(PermissionDenied):
        sub.save_draft(engine, official, unit, PERIOD, GOOD, expected_version=locked.version)
    with pytest.raises(QcdcError, match="lý do"):
        sub.reopen(engine, reviewer, fixed.submission_id, reason=" ")
    sub.reopen(engine, reviewer, fixed.submission_id, reason="Sai số đơn")
    with engine.connect() as connection:
        assert sub.load_form(connection, official, unit, PERIOD).status is sub.Status.RETURNED
        assert sub.submission_events(connection, fixed.submission_id)["action"].tolist()[-1] == "reopen"


def test_closed_periods_take_no_entries(engine, setup):
    with engine.begin() as connection:
        sub.close_period(connection, PERIOD, by="test")
    with pytest.raises(PermissionDenied, match="đóng"):
        sub.save_draft(engine, setup["official"], setup["hon_nghe"], PERIOD, GOOD, expected_version=0)


def test_template_round_trip_through_the_loader(engine, setup):
    state = sub.save_draft(engine, setup["official"], setup["hon_nghe"], PERIOD, GOOD, expected_version=0)
    with engine.connect() as connection:
        template = sub.commune_template(connection, setup["hon_nghe"], PERIOD)
    state, problems = sub.upload_to_draft(
        engine, setup["official"], setup["hon_nghe"], PERIOD, "bieu-mau.xlsx", template, expected_version=state.version
    )
    assert not [p for p in problems if p.is_error], [str(p) for p in problems]
    assert {k: state.values[k] for k in GOOD} == GOOD


def test_an_upload_with_errors_changes_nothing(engine, setup):
    state = sub.save_draft(engine, setup["official"], setup["hon_nghe"], PERIOD, GOOD, expected_version=0)
    bad = b"unit_code,period,indicator,value\n30814,2026S2,DLG_HELD,-1\n30811,2026S2,DLG_HELD,2\n"
    after, problems = sub.upload_to_draft(
        engine, setup["official"], setup["hon_nghe"], PERIOD, "sai.csv", bad, expected_version=state.version
    )
    assert {p.code for p in problems if p.is_error} == {"negative", "other_unit"}
    assert after.version == state.version and after.values == state.values

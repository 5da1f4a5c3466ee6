"""Accounts, roles and the draft → submit → return → resubmit → approve cycle, with conflicting
saves and the history of values — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import insert, select, text, update

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


# ------------------------------------------------------------------------------------------------
# The review board and the entry list read only their own rows (national data): the same answers as
# the implementations that read whole catalogs and filtered in Python, kept here as references.
# ------------------------------------------------------------------------------------------------


def _old_scope_unit_ids(connection, account):  # type: ignore[no-untyped-def]
    """``etl.accounts.scope_unit_ids`` before it became one SQL sub-query (a reference)."""
    from etl.boundaries import area_unit_ids, get_area
    from etl.units import NEW2025, PRE2025

    if not account.unit_ids:
        return None if account.role in (acc.Role.ADMIN, acc.Role.VIEWER, acc.Role.REVIEWER) else set()
    out: set[int] = set()
    for unit_id in account.unit_ids:
        area = get_area(connection, unit_id)
        if area is None:
            continue
        for catalog in (PRE2025, NEW2025):
            if area.level == 3 and area.catalog != catalog:
                continue
            out.update(area_unit_ids(connection, area, catalog))
    return out


def _old_review_board(connection, account, period_code):  # type: ignore[no-untyped-def]
    """``sub.review_board`` as it was: every commune of the catalog read, then filtered in Python."""
    from etl.catalog import catalog_for_period
    from etl.periods import parse_period
    from etl.settings import get_settings

    acc.require(account, acc.Role.REVIEWER, acc.Role.ADMIN)
    columns = ["unit_id", "unit_code", "unit_name", "status", "submission_id", "version", "deadline",
               "submitted_at", "on_time"]  # fmt: skip
    period = parse_period(period_code)
    catalog = catalog_for_period(period, get_settings().period_convention)
    scope = _old_scope_unit_ids(connection, account)
    query = "SELECT id, code, name FROM unit WHERE catalog = :c AND level = 3"
    units = connection.execute(text(query + " ORDER BY code"), {"c": catalog}).all()
    if scope is not None:
        units = [u for u in units if u[0] in scope]
    else:
        with_data = {
            r[0]
            for r in connection.execute(
                text(
                    "SELECT DISTINCT unit_id FROM data_value WHERE period_code = :p "
                    "UNION SELECT unit_id FROM submission WHERE period_code = :p"
                ),
                {"p": period.code},
            )
        }
        units = [u for u in units if u[0] in with_data]
    window = sub._window(connection, period.code)
    deadline = window.deadline if window else None
    submissions = {
        row.unit_id: row
        for row in connection.execute(select(sub.SUBMISSIONS).where(sub.SUBMISSIONS.c.period_code == period.code)).all()
    }
    reported = {
        r[0]
        for r in connection.execute(
            text("SELECT DISTINCT unit_id FROM data_value WHERE period_code = :p"), {"p": period.code}
        )
    }
    rows = []
    for unit_id, code, name in units:
        row = submissions.get(unit_id)
        if row is not None:
            status = sub.Status(row.status)
            submitted = row.submitted_at
        else:
            status = sub.Status.APPROVED if unit_id in reported else sub.Status.NOT_STARTED
            submitted = None
        on_time = None
        if deadline is not None and submitted is not None:
            on_time = sub._local_day(submitted) <= deadline
        rows.append(
            (unit_id, code, name, status, row.id if row else None, row.version if row else 0, deadline, submitted,
             on_time)
        )  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _old_entry_units(connection, account, period_code):  # type: ignore[no-untyped-def]
    """``sub.entry_units`` as it was: one look-up per unit of the scope (both catalogs)."""
    from etl.catalog import catalog_for_period
    from etl.periods import parse_period
    from etl.settings import get_settings
    from etl.units import unit_by_id

    columns = ["unit_id", "unit_code", "unit_name", "status"]
    if account.role is not acc.Role.OFFICIAL:
        return pd.DataFrame(columns=columns)
    scope = _old_scope_unit_ids(connection, account) or set()
    catalog = catalog_for_period(parse_period(period_code), get_settings().period_convention)
    rows = []
    for unit_id in sorted(scope):
        unit = unit_by_id(connection, unit_id)
        if unit is None or unit.catalog != catalog:
            continue
        row = sub._submission(connection, unit_id, period_code)
        rows.append((unit_id, unit.code, unit.name, sub.Status(row.status) if row else sub.Status.NOT_STARTED))
    return pd.DataFrame(rows, columns=columns)


BOARD_PERIODS = ("2024S2", "2025S1", "2025S2", "2026S1", "2026S2", "2027S1")
# (catalog, code) → name of the scopes compared; units of both catalogs, areas of both levels.
BOARD_SCOPES = {
    "admin": ("admin", ()),
    "district": ("reviewer", (("pre2025", "902"),)),  # thuky: Huyện Kiên Lương (pre-2025)
    "both_catalogs": ("reviewer", (("pre2025", "30790"), ("2025", "30811"), ("2025", "30817"), ("pre2025", "30820"))),
    "province_2025": ("reviewer", (("2025", "91"),)),  # Tỉnh An Giang: communes of Kiên Giang before 2025 too
    "official_both": ("official", (("pre2025", "30790"), ("2025", "30814"), ("pre2025", "903"))),
    "official_none": ("official", ()),
}


def _utc(*args: int):  # type: ignore[no-untyped-def]
    from datetime import UTC

    return datetime(*args, tzinfo=UTC)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def board_db(request, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The Kiên Lương sample plus submissions in every state (in and out of Kiên Lương, on time and
    late, with and without figures), a figure outside the district, and one account per scope of
    :data:`BOARD_SCOPES`. Tests only read it."""
    import shutil
    import uuid

    from etl.db import make_engine
    from etl.models import DataValue
    from tests.conftest import _load_sample, _pg_create, _pg_drop, _pg_url

    name = None
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("board") / "board.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        url = f"sqlite:///{target}"
    else:
        template = request.getfixturevalue("postgres_template")
        name = f"qcdc_b_{uuid.uuid4().hex[:12]}"
        _pg_create(name, template=template)
        url = _pg_url(name)
    _load_sample(url)
    eng = make_engine(url)
    try:
        with eng.begin() as connection:

            def uid(catalog: str, code: str) -> int:
                return unit_by_code(connection, catalog=catalog, code=code).id

            for username, (role, scope) in BOARD_SCOPES.items():
                acc.create_user(
                    connection,
                    username=f"b.{username}",
                    password="secret!",
                    role=role if scope or role != "official" else "viewer",
                    unit_ids=[uid(*unit) for unit in scope],
                )
            acc.set_units(connection, "b.official_none", [])  # an official without a unit: nowhere
            connection.execute(
                update(acc.USERS).where(acc.USERS.c.username == "b.official_none").values(role="official")
            )
            sub.open_period(connection, "2026S2", deadline=date(2026, 12, 20), by="test")
            sub.set_deadline(connection, "2024S2", date(2025, 1, 10), by="test")
            sub.close_period(connection, "2024S2", by="test")
            late = _utc(2026, 12, 20, 18, 30)  # 21/12 in Việt Nam: after the deadline
            on_time = _utc(2026, 12, 20, 16, 30)  # 23:30 on 20/12 in Việt Nam
            cells = [
                ("2026S2", "2025", "30814", "submitted", 3, on_time),
                ("2026S2", "2025", "30811", "draft", 1, None),
                ("2026S2", "2025", "30787", "approved", 5, late),
                ("2026S2", "2025", "30817", "returned", 4, late),  # Hòn Đất: outside Kiên Lương
                ("2026S1", "2025", "30817", "draft", 2, None),  # no figures there: the admin sees it all the same
                ("2026S1", "2025", "30790", "returned", 2, _utc(2026, 7, 3, 1)),
                ("2024S2", "pre2025", "30790", "returned", 2, _utc(2025, 1, 9, 17, 30)),
                ("2024S2", "pre2025", "30817", "submitted", 2, _utc(2025, 1, 10, 2)),
                ("2024S2", "pre2025", "30811", "approved", 3, _utc(2025, 1, 12)),
            ]
            for period, catalog, code, status, version, submitted in cells:
                connection.execute(
                    insert(sub.SUBMISSIONS),
                    {"unit_id": uid(catalog, code), "period_code": period, "status": status, "version": version,
                     "updated_at": _utc(2027, 1, 1), "updated_by": "test", "submitted_at": submitted,
                     "submitted_by": "test" if submitted else "", "reviewed_by": "", "returned_fields": ""},
                )  # fmt: skip
            # figures without a submission outside Kiên Lương: Sóc Sơn (pre-2025), Bình Giang (2025)
            for period, catalog, code in (("2024S2", "pre2025", "30820"), ("2026S1", "2025", "30826")):
                connection.execute(
                    insert(DataValue.__table__),
                    {"unit_id": uid(catalog, code), "period_code": period, "indicator_code": "DLG_HELD", "value": 1.0,
                     "updated_at": _utc(2027, 1, 1), "updated_by": "test", "version": 1},
                )  # fmt: skip
        if name is not None:  # statistics, as autovacuum keeps them: else every area's look-up scans the catalog
            with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")
        yield eng
    finally:
        eng.dispose()
        if name is not None:
            _pg_drop(name)


def _board_accounts(connection):  # type: ignore[no-untyped-def]
    return {name: acc.find_account(connection, f"b.{name}") for name in BOARD_SCOPES}


def test_review_board_is_the_same_as_reading_every_unit(board_db):
    seen = set()
    with board_db.connect() as connection:
        accounts = _board_accounts(connection)
        accounts["thuky"] = accounts["district"]
        for name, account in accounts.items():
            if account.role not in (acc.Role.REVIEWER, acc.Role.ADMIN):
                continue
            for period in BOARD_PERIODS:
                new = sub.review_board(connection, account, period)
                old = _old_review_board(connection, account, period)
                pd.testing.assert_frame_equal(new, old, check_exact=True)
                assert [type(s) for s in new["status"]] == [type(s) for s in old["status"]], (name, period)
                assert [type(v) for v in new["submitted_at"]] == [type(v) for v in old["submitted_at"]]
                seen.update((name, str(s), v) for s, v in zip(new["status"], new["on_time"], strict=True))
        with pytest.raises(PermissionDenied):
            sub.review_board(connection, accounts["official_both"], "2026S2")
    # the comparison covered every state, late and on time, in and out of the district, both catalogs
    assert {s for _, s, _ in seen} == {s.value for s in sub.Status}
    assert {("district", "submitted", True), ("district", "approved", False)} <= seen
    assert ("admin", "returned", False) in seen and ("district", "returned", False) not in seen
    assert ("both_catalogs", "draft", None) in seen and ("province_2025", "submitted", True) in seen
    with board_db.connect() as connection:
        admin = {int(u) for u in sub.review_board(connection, accounts["admin"], "2026S1")["unit_id"]}
        outside = {unit_by_code(connection, catalog="2025", code=c).id for c in ("30817", "30826")}
    assert outside <= admin  # a submission without figures, figures without a submission


def test_scope_and_entry_units_are_the_same_as_before(board_db):
    with board_db.connect() as connection:
        accounts = _board_accounts(connection)
        everyone = {
            r[0]
            for r in connection.execute(text("SELECT id FROM unit WHERE level = 3 AND province_code IN ('91', '89')"))
        }
        for name, account in accounts.items():
            scope = acc.scope_unit_ids(connection, account)
            assert scope == _old_scope_unit_ids(connection, account), name
            probe = sorted(everyone)[::7] + sorted(scope or ())
            for unit_id in probe:
                inside = scope is None or unit_id in scope
                assert acc.can_review(connection, account, unit_id) is (
                    inside and account.role in (acc.Role.REVIEWER, acc.Role.ADMIN)
                )
                assert acc.can_enter(connection, account, unit_id) is (
                    scope is not None and unit_id in scope and account.role is acc.Role.OFFICIAL
                )
            for period in BOARD_PERIODS:
                new = sub.entry_units(connection, account, period)
                pd.testing.assert_frame_equal(new, _old_entry_units(connection, account, period), check_exact=True)
        hon_nghe = unit_by_code(connection, catalog="2025", code="30814").id
        kien_binh = unit_by_code(connection, catalog="pre2025", code="30790").id
        assert hon_nghe in set(sub.entry_units(connection, accounts["official_both"], "2026S2")["unit_id"])
        assert kien_binh in set(sub.entry_units(connection, accounts["official_both"], "2024S2")["unit_id"])


def test_a_scope_of_many_areas_is_one_query(board_db):
    """More areas than SQLite puts in one compound SELECT (500): the sub-query nests its unions."""
    with board_db.connect() as connection:  # never committed: the account goes with the connection
        ids = [r[0] for r in connection.execute(text("SELECT id FROM unit WHERE level = 3 ORDER BY id LIMIT 510"))]
        ids += [r[0] for r in connection.execute(text("SELECT id FROM unit WHERE level = 2 ORDER BY id LIMIT 2"))]
        account = acc.create_user(connection, username="b.many", password="secret!", role="reviewer", unit_ids=ids)
        assert acc.scope_unit_ids(connection, account) == _old_scope_unit_ids(connection, account)
        for period in ("2024S2", "2026S2"):
            pd.testing.assert_frame_equal(
                sub.review_board(connection, account, period), _old_review_board(connection, account, period)
            )
        connection.rollback()


def test_review_board_reads_no_more_rows_than_it_shows(board_db):
    from tests.bench.conftest import RowCounter

    with board_db.connect() as connection:
        accounts = _board_accounts(connection)
        for name in ("admin", "district", "both_catalogs", "province_2025"):
            for period in BOARD_PERIODS:
                with RowCounter() as counter:
                    board = sub.review_board(connection, accounts[name], period)
                largest = counter.largest(n=1)
                assert not largest or largest[0][0] <= len(board) + 2, (name, period, len(board), largest)
                assert len(counter.by_query) <= 3, (name, period, list(counter.by_query))
        for name in ("district", "official_both"):
            unit_id = sorted(acc.scope_unit_ids(connection, accounts[name]))[0]
            with RowCounter() as counter:  # the page asks this of the unit opened, on every run
                acc.can_review(connection, accounts[name], unit_id)
                acc.can_enter(connection, accounts[name], unit_id)
            # the account's own areas, then one row at most: never the scope's units
            assert max((rows for rows, _ in counter.largest(n=1)), default=0) <= len(accounts[name].unit_ids)

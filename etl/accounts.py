"""Accounts, roles and scope: who may sign in, and what each person may see and write.

* Passwords are normalised to Unicode NFC and hashed with argon2 (argon2-cffi); the clear text is
  never stored or logged.
* Failed sign-ins are throttled per account and per address: after ``QCDC_LOGIN_MAX_FAILURES``
  failures within ``QCDC_LOGIN_LOCKOUT_MINUTES``, sign-in pauses for that long. A name that has
  no account gets the same message, the same pause and the same password check (time): neither
  tells which names exist.
* Roles: ``admin`` (accounts, periods), ``reviewer`` (the committee secretariat: reviews the
  communes of its area), ``official`` (a commune: enters its own figures), ``viewer`` (a leader:
  reads the dashboard). An account's scope is a set of units or areas; an official's is its
  commune(s), a reviewer's its district or province (empty: everywhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, text, update

from etl.boundaries import Area, area_units_sql
from etl.db import write_transaction
from etl.errors import AuthError, PermissionDenied, QcdcError
from etl.models import LoginFailure, UserAccount, UserScope, utcnow
from etl.settings import get_settings
from etl.text import nfc
from etl.units import NEW2025, PRE2025, unit_by_code

USERS = UserAccount.__table__  # type: ignore[attr-defined]
SCOPES = UserScope.__table__  # type: ignore[attr-defined]
FAILURES = LoginFailure.__table__  # type: ignore[attr-defined]

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 6


class Role(StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"
    OFFICIAL = "official"
    VIEWER = "viewer"


ROLE_LABELS_VI = {
    Role.ADMIN: "Quản trị",
    Role.REVIEWER: "Thư ký Ban Chỉ đạo (duyệt)",
    Role.OFFICIAL: "Cán bộ xã (nhập số liệu)",
    Role.VIEWER: "Lãnh đạo (xem)",
}
ROLE_LABELS_EN = {
    Role.ADMIN: "Administrator",
    Role.REVIEWER: "Committee secretariat (review)",
    Role.OFFICIAL: "Commune official (data entry)",
    Role.VIEWER: "Leader (read only)",
}


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    unit_ids: tuple[int, ...]  # units or areas in scope; empty: everywhere

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


def normalise_username(username: str) -> str:
    return nfc(username).lower()


def hash_password(password: str) -> str:
    if len(nfc(password)) < MIN_PASSWORD_LENGTH:
        raise QcdcError(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    return _hasher.hash(nfc(password))


@cache
def _no_account_hash() -> str:
    """What the password of an unknown name is checked against (see :func:`authenticate`)."""
    return _hasher.hash("qcdc: no such account")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, nfc(password))
    except (VerificationError, InvalidHashError):
        return False


def _account(connection: Connection, row) -> Account:  # type: ignore[no-untyped-def]
    units = tuple(r[0] for r in connection.execute(select(SCOPES.c.unit_id).where(SCOPES.c.user_id == row.id)).all())
    return Account(row.id, row.username, row.full_name, Role(row.role), bool(row.active), units)


def get_account(connection: Connection, user_id: int) -> Account | None:
    row = connection.execute(select(USERS).where(USERS.c.id == user_id)).first()
    return _account(connection, row) if row is not None else None


def find_account(connection: Connection, username: str) -> Account | None:
    row = connection.execute(select(USERS).where(USERS.c.username == normalise_username(username))).first()
    return _account(connection, row) if row is not None else None


def list_users(connection: Connection) -> list[Account]:
    rows = connection.execute(select(USERS).order_by(USERS.c.username)).all()
    return [_account(connection, row) for row in rows]


def create_user(
    connection: Connection,
    *,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    unit_ids: tuple[int, ...] | list[int] = (),
) -> Account:
    name = normalise_username(username)
    if not name or any(ch.isspace() for ch in name):
        raise QcdcError("Tên đăng nhập không được trống hay có dấu cách.")
    try:
        role = Role(role)
    except ValueError as exc:
        raise QcdcError(f"Vai trò '{role}' không có; chọn một trong: {', '.join(r.value for r in Role)}.") from exc
    if find_account(connection, name) is not None:
        raise QcdcError(f"Tài khoản '{name}' đã có.")
    if role is Role.OFFICIAL and not unit_ids:
        raise QcdcError("Cán bộ xã cần ít nhất một đơn vị (xã, phường) trong phạm vi.")
    user_id = connection.execute(
        insert(USERS).returning(USERS.c.id),
        {
            "username": name,
            "full_name": nfc(full_name),
            "password_hash": hash_password(password),
            "role": role.value,
            "active": True,
            "created_at": utcnow(),
            "failed_logins": 0,
        },
    ).scalar_one()
    set_units(connection, name, unit_ids)
    account = get_account(connection, user_id)
    assert account is not None
    return account


def _require_user(connection: Connection, username: str) -> int:
    user_id = connection.execute(
        select(USERS.c.id).where(USERS.c.username == normalise_username(username))
    ).scalar_one_or_none()
    if user_id is None:
        raise QcdcError(f"Không có tài khoản '{username}'.")
    return user_id


def set_units(connection: Connection, username: str, unit_ids: tuple[int, ...] | list[int]) -> None:
    user_id = _require_user(connection, username)
    connection.execute(delete(SCOPES).where(SCOPES.c.user_id == user_id))
    if unit_ids:
        connection.execute(insert(SCOPES), [{"user_id": user_id, "unit_id": int(u)} for u in sorted(set(unit_ids))])


def set_password(connection: Connection, username: str, password: str) -> None:
    user_id = _require_user(connection, username)
    connection.execute(
        update(USERS)
        .where(USERS.c.id == user_id)
        .values(password_hash=hash_password(password), failed_logins=0, locked_until=None)
    )


def set_active(connection: Connection, username: str, active: bool) -> None:
    user_id = _require_user(connection, username)
    connection.execute(update(USERS).where(USERS.c.id == user_id).values(active=active))


# ------------------------------------------------------------------------------------------------
# Signing in
# ------------------------------------------------------------------------------------------------


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def authenticate(connection: Connection, username: str, password: str, *, address: str = "") -> Account:
    """The account, when the password is right; otherwise :class:`AuthError` (one message for a
    wrong name or a wrong password, so that names cannot be guessed). Failures are written in the
    caller's transaction: commit it even when this raises (:func:`sign_in` does)."""
    settings = get_settings()
    name = normalise_username(username)
    now = utcnow()
    window = now - timedelta(minutes=settings.login_lockout_minutes)
    pause = f"Đăng nhập sai quá nhiều lần; hãy thử lại sau {settings.login_lockout_minutes} phút."
    if address:
        recent = connection.execute(
            select(func.count()).select_from(FAILURES).where(FAILURES.c.address == address, FAILURES.c.at >= window)
        ).scalar_one()
        if recent >= settings.login_max_failures * 4:  # many accounts tried from one address
            raise AuthError(pause)
    row = connection.execute(select(USERS).where(USERS.c.username == name)).first()
    locked = _aware(row.locked_until) if row is not None else None
    if locked is not None and locked > now:
        raise AuthError(pause)
    if row is None:  # pause an unknown name like a known one, so that the pause does not tell which names exist
        tried = connection.execute(
            select(func.count()).select_from(FAILURES).where(FAILURES.c.username == name[:64], FAILURES.c.at >= window)
        ).scalar_one()
        if tried >= settings.login_max_failures:
            raise AuthError(pause)
    # An unknown name costs the same hash check as a known one: the time taken does not tell either.
    if not _verify(row.password_hash if row is not None else _no_account_hash(), password) or row is None:
        connection.execute(insert(FAILURES), {"username": name[:64], "address": address[:64], "at": now})
        if row is not None:
            failures = row.failed_logins + 1
            values: dict[str, object] = {"failed_logins": failures}
            if failures >= settings.login_max_failures:
                values["locked_until"] = now + timedelta(minutes=settings.login_lockout_minutes)
            connection.execute(update(USERS).where(USERS.c.id == row.id).values(**values))
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu.")
    if not row.active:
        raise AuthError("Tài khoản đã bị khoá; liên hệ quản trị.")
    connection.execute(
        update(USERS).where(USERS.c.id == row.id).values(failed_logins=0, locked_until=None, last_login_at=now)
    )
    return _account(connection, row)


def sign_in(engine: Engine, username: str, password: str, *, address: str = "") -> Account:
    """Sign in: the account, or :class:`AuthError`. A failure is committed before the error is
    raised, so that throttling counts it (use this, not :func:`authenticate`, from pages)."""
    error: AuthError | None = None
    with write_transaction(engine) as connection:
        try:
            return authenticate(connection, username, password, address=address)
        except AuthError as exc:
            error = exc
    raise error


def session_expired(signed_in_at: datetime, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return now - _aware(signed_in_at) > timedelta(minutes=get_settings().session_minutes)  # type: ignore[operator]


# ------------------------------------------------------------------------------------------------
# Roles and scope
# ------------------------------------------------------------------------------------------------


def require(account: Account | None, *roles: Role) -> Account:
    """The account when it is active and has one of ``roles``; otherwise :class:`PermissionDenied`."""
    if account is None:
        raise PermissionDenied("Hãy đăng nhập.")
    if not account.active:
        raise PermissionDenied("Tài khoản đã bị khoá.")
    if roles and account.role not in roles:
        raise PermissionDenied("Bạn không có quyền làm việc này.")
    return account


_NOWHERE = "SELECT id FROM unit WHERE 1 = 0"
_UNION_TERMS = 200  # SQLite refuses a compound SELECT of more than 500 terms: nest them by this many


def _prefixed(sql: str, params: dict[str, object], prefix: str) -> tuple[str, dict[str, object]]:
    """``sql`` with each of its parameters renamed ``prefix`` + name, so that several areas' SQL can
    be put in one statement without their parameters colliding."""
    names = "|".join(re.escape(name) for name in sorted(params, key=len, reverse=True))
    pattern = re.compile(rf"(?<![:\w]):({names})\b")
    return pattern.sub(lambda m: f":{prefix}{m.group(1)}", sql), {f"{prefix}{k}": v for k, v in params.items()}


def scope_units_sql(connection: Connection, account: Account) -> tuple[str, dict[str, object]] | None:
    """SQL selecting the ids of :func:`scope_unit_ids` (a sub-query, with its parameters), so that
    callers filter by scope in SQL instead of reading the ids into Python; None: everywhere."""
    if not account.unit_ids:
        return None if account.role in (Role.ADMIN, Role.VIEWER, Role.REVIEWER) else (_NOWHERE, {})
    rows = connection.execute(
        text(
            "SELECT id, catalog, code, level, name, province_code, district_code FROM unit WHERE id IN :ids ORDER BY id"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": sorted({int(u) for u in account.unit_ids})},
    ).all()
    parts: list[str] = []
    params: dict[str, object] = {}
    for number, row in enumerate(rows):
        area = Area(*row)
        for catalog in (PRE2025, NEW2025):
            if area.level == 3 and area.catalog != catalog:
                continue  # an official's commune is that commune, not its predecessors
            sql, part = _prefixed(*area_units_sql(area, catalog), f"s{number}_")
            parts.append(sql)
            params.update(part)  # the same names, the same values: the area's
    if not parts:
        return _NOWHERE, {}
    if len(parts) > _UNION_TERMS:
        groups = [" UNION ".join(parts[i : i + _UNION_TERMS]) for i in range(0, len(parts), _UNION_TERMS)]
        parts = [f"SELECT * FROM ({group}) AS g{number}" for number, group in enumerate(groups)]
    return " UNION ".join(parts), params


def scope_unit_ids(connection: Connection, account: Account) -> set[int] | None:
    """Commune-level unit ids (both catalogs) the account may work on; None: everywhere."""
    scope = scope_units_sql(connection, account)
    if scope is None:
        return None
    sql, params = scope
    if sql == _NOWHERE:
        return set()
    return {row[0] for row in connection.execute(text(sql), params)}


def _in_scope(connection: Connection, account: Account, unit_id: int) -> bool | None:
    """Whether ``unit_id`` is in the account's scope, asked in SQL (one row at most); None: everywhere."""
    scope = scope_units_sql(connection, account)
    if scope is None:
        return None
    sql, params = scope
    if sql == _NOWHERE:
        return False
    found = connection.execute(text(f"SELECT 1 WHERE :scope_unit IN ({sql})"), {**params, "scope_unit": int(unit_id)})
    return found.first() is not None


def can_enter(connection: Connection, account: Account | None, unit_id: int) -> bool:
    if account is None or not account.active or account.role is not Role.OFFICIAL:
        return False
    return bool(_in_scope(connection, account, unit_id))


def can_review(connection: Connection, account: Account | None, unit_id: int) -> bool:
    if account is None or not account.active or account.role not in (Role.REVIEWER, Role.ADMIN):
        return False
    scope = _in_scope(connection, account, unit_id)
    return scope is None or scope


# ------------------------------------------------------------------------------------------------
# Demo accounts
# ------------------------------------------------------------------------------------------------

# username, password, role, full name, unit scope as (catalog, code) — for the demo database only.
DEMO_ACCOUNTS = (
    ("admin", "quantri", Role.ADMIN, "Quản trị hệ thống (demo)", ()),
    ("thuky", "thuky123", Role.REVIEWER, "Thư ký BCĐ huyện Kiên Lương (demo)", ((PRE2025, "902"),)),
    ("xa.honnghe", "honnghe", Role.OFFICIAL, "Cán bộ xã Hòn Nghệ (demo)", ((NEW2025, "30814"),)),
    ("lanhdao", "lanhdao", Role.VIEWER, "Lãnh đạo huyện (demo)", ()),
)


def ensure_demo_accounts(connection: Connection) -> list[str]:
    """Create the demo accounts that are missing; returns the names created."""
    created = []
    for username, password, role, full_name, scope in DEMO_ACCOUNTS:
        if find_account(connection, username) is not None:
            continue
        unit_ids = []
        for catalog, code in scope:
            unit = unit_by_code(connection, catalog=catalog, code=code)
            if unit is not None:
                unit_ids.append(unit.id)
        create_user(connection, username=username, password=password, role=role, full_name=full_name, unit_ids=unit_ids)
        created.append(username)
    return created


def has_demo_accounts(connection: Connection) -> bool:
    names = [a[0] for a in DEMO_ACCOUNTS]
    return bool(
        connection.execute(select(func.count()).select_from(USERS).where(USERS.c.username.in_(names))).scalar_one()
    )

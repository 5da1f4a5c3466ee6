"""Data entry by communes and review by the committee: drafts, submission, return, approval.

The life of one commune's return for one period (a :class:`~etl.models.Submission`)::

    chưa nộp ──save──► đang nhập ──submit──► đã nộp ──approve──► đã duyệt (locked)
                          ▲                     │                    │
                          └──── bị trả lại ◄────┘ return   ◄─────────┘ reopen (with a reason)

* A draft keeps exactly what was typed (:class:`~etl.models.DraftValue`), valid or not, so nothing
  typed is lost; every save names the version it read and a save over someone else's newer one is
  refused with both values (:class:`~etl.errors.ConflictError`).
* Every write is one transaction begun by :func:`~etl.db.write_transaction`: on SQLite it holds the
  write lock from its start, so writers at the same moment queue (busy timeout) instead of failing
  with "database is locked", and each reads what the one before it wrote. On PostgreSQL the version
  check (``UPDATE … WHERE version = :read``) waits for a concurrent writer of the same submission
  and then finds the version moved; two first saves of one form meet at ``uq_submission_cell``.
  Either way exactly one lands and the other is refused with both values.
* Submitting checks the figures with the same rules and messages as the file loader
  (:mod:`etl.validate`) and writes them through :mod:`etl.store` (one transaction, audit trail with
  source "form"). The dashboard counts them as official once the submission is approved.
* Roles and scope are checked here, on every read and write, whatever the page sends.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

import pandas as pd
from sqlalchemy import Connection, Engine, and_, column, delete, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from etl.accounts import Account, Role, can_enter, can_review, require, scope_units_sql
from etl.catalog import catalog_for_period, criteria_set_for, ensure_periods
from etl.db import bump_data_version, write_transaction
from etl.errors import ConflictError, Location, PermissionDenied, Problem, QcdcError, Severity, ValidationFailed
from etl.indicators import indicator_catalog
from etl.models import DataValue, DraftValue, ReportingWindow, Submission, SubmissionEvent, Unit, utcnow
from etl.periods import Period, parse_period
from etl.resolve import Observation
from etl.settings import get_settings
from etl.store import BatchInfo, write_batch
from etl.text import NumberParseError, format_number, nfc, parse_ntm_level, parse_number
from etl.units import COMMUNE_LEVEL, UnitEntry, unit_by_id
from etl.validate import check_unit_period, check_value

SUBMISSIONS = Submission.__table__  # type: ignore[attr-defined]
DRAFTS = DraftValue.__table__  # type: ignore[attr-defined]
EVENTS = SubmissionEvent.__table__  # type: ignore[attr-defined]
WINDOWS = ReportingWindow.__table__  # type: ignore[attr-defined]
UNITS = Unit.__table__  # type: ignore[attr-defined]
VALUES = DataValue.__table__  # type: ignore[attr-defined]


class Status(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


STATUS_LABELS_VI = {
    Status.NOT_STARTED: "Chưa nộp",
    Status.DRAFT: "Đang nhập",
    Status.SUBMITTED: "Đã nộp",
    Status.RETURNED: "Bị trả lại",
    Status.APPROVED: "Đã duyệt",
}
STATUS_LABELS_EN = {
    Status.NOT_STARTED: "Not submitted",
    Status.DRAFT: "In progress",
    Status.SUBMITTED: "Submitted",
    Status.RETURNED: "Returned",
    Status.APPROVED: "Approved",
}
FORM_SOURCE = "biểu mẫu web"


@dataclass(frozen=True, slots=True)
class Window:
    period_code: str
    deadline: date | None
    is_open: bool


@dataclass
class FormState:
    submission_id: int | None
    unit_id: int
    unit_name: str
    period_code: str
    status: Status
    version: int  # 0 before the first save
    values: dict[str, str] = field(default_factory=dict)  # as typed
    notes: dict[str, str] = field(default_factory=dict)
    comment: str = ""  # the reviewer's comment when returned or reopened
    returned_fields: tuple[str, ...] = ()
    deadline: date | None = None
    submitted_at: datetime | None = None
    previous: dict[str, float] = field(default_factory=dict)
    last_year: dict[str, float] = field(default_factory=dict)
    stored: dict[str, float] = field(default_factory=dict)

    @property
    def locked(self) -> bool:
        return self.status is Status.APPROVED

    @property
    def editable(self) -> bool:
        return self.status in (Status.NOT_STARTED, Status.DRAFT, Status.RETURNED)


# ------------------------------------------------------------------------------------------------
# Reporting windows
# ------------------------------------------------------------------------------------------------


def open_periods(connection: Connection) -> list[Window]:
    rows = connection.execute(
        select(WINDOWS.c.period_code, WINDOWS.c.deadline, WINDOWS.c.is_open).order_by(WINDOWS.c.period_code)
    ).all()
    return [Window(code, deadline, bool(is_open)) for code, deadline, is_open in rows]


def _window(connection: Connection, period_code: str) -> Window | None:
    row = connection.execute(
        select(WINDOWS.c.period_code, WINDOWS.c.deadline, WINDOWS.c.is_open).where(WINDOWS.c.period_code == period_code)
    ).first()
    return Window(row[0], row[1], bool(row[2])) if row else None


def _upsert_window(connection: Connection, period_code: str, by: str, **values: object) -> None:
    code = parse_period(period_code).code
    ensure_periods(connection, [parse_period(code)], convention=get_settings().period_convention)
    if _window(connection, code) is None:
        connection.execute(
            insert(WINDOWS),
            {"period_code": code, "is_open": True, "deadline": None, "opened_by": by, "updated_at": utcnow(), **values},
        )
    else:
        connection.execute(
            update(WINDOWS).where(WINDOWS.c.period_code == code).values(updated_at=utcnow(), opened_by=by, **values)
        )


def open_period(connection: Connection, period_code: str, *, deadline: date | None = None, by: str = "") -> None:
    values: dict[str, object] = {"is_open": True}
    if deadline is not None:
        values["deadline"] = deadline
    _upsert_window(connection, period_code, by, **values)


def close_period(connection: Connection, period_code: str, *, by: str = "") -> None:
    _upsert_window(connection, period_code, by, is_open=False)


def set_deadline(connection: Connection, period_code: str, deadline: date | None, *, by: str = "") -> None:
    _upsert_window(connection, period_code, by, deadline=deadline)


# ------------------------------------------------------------------------------------------------
# Reading a form
# ------------------------------------------------------------------------------------------------


def _unit(connection: Connection, unit_id: int) -> UnitEntry:
    unit = unit_by_id(connection, unit_id)
    if unit is None:
        raise QcdcError(f"Không có đơn vị mã số {unit_id}.")
    return unit


def _stored(connection: Connection, unit_id: int, period_code: str) -> dict[str, float]:
    rows = connection.execute(
        text("SELECT indicator_code, value FROM data_value WHERE unit_id = :u AND period_code = :p"),
        {"u": unit_id, "p": period_code},
    ).all()
    return {code: float(value) for code, value in rows}


def _submission(connection: Connection, unit_id: int, period_code: str):  # type: ignore[no-untyped-def]
    return connection.execute(
        select(SUBMISSIONS).where(SUBMISSIONS.c.unit_id == unit_id, SUBMISSIONS.c.period_code == period_code)
    ).first()


def form_indicators(unit: UnitEntry) -> list[str]:
    """The indicators on a unit's form: every entered one; NTM ones for communes (xã) only."""
    return [i.code for i in indicator_catalog().entered if unit.is_commune or not i.communes_only]


def _text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def load_form(connection: Connection, account: Account, unit_id: int, period_code: str) -> FormState:
    """The form of ``unit_id`` for ``period_code`` as the account may see it."""
    if not (can_enter(connection, account, unit_id) or can_review(connection, account, unit_id)):
        raise PermissionDenied("Đơn vị này không thuộc phạm vi của bạn.")
    unit = _unit(connection, unit_id)
    period = parse_period(period_code)
    row = _submission(connection, unit_id, period.code)
    stored = _stored(connection, unit_id, period.code)
    window = _window(connection, period.code)
    state = FormState(
        submission_id=row.id if row else None,
        unit_id=unit_id,
        unit_name=unit.name,
        period_code=period.code,
        status=Status(row.status) if row else Status.NOT_STARTED,
        version=row.version if row else 0,
        comment=(row.comment or "") if row else "",
        returned_fields=tuple((row.returned_fields or "").split()) if row else (),
        deadline=window.deadline if window else None,
        submitted_at=row.submitted_at if row else None,
        previous=_stored(connection, unit_id, period.previous().code),
        last_year=_stored(connection, unit_id, period.same_period_last_year().code),
        stored=stored,
    )
    if row is not None:
        for code, raw, note in connection.execute(
            select(DRAFTS.c.indicator_code, DRAFTS.c.raw, DRAFTS.c.note).where(DRAFTS.c.submission_id == row.id)
        ):
            state.values[code] = raw
            if note:
                state.notes[code] = note
    else:
        state.values = {code: _text(value) for code, value in stored.items()}
    return state


def _scope_filter(connection: Connection, account: Account):  # type: ignore[no-untyped-def]
    """A condition on ``unit.id``: in the account's scope (a sub-query, never a list read into
    Python); None when the account's scope is everywhere."""
    scope = scope_units_sql(connection, account)
    if scope is None:
        return None
    sql, params = scope
    return UNITS.c.id.in_(text(sql).bindparams(**params).columns(column("id")))


def _period_submission(period_code: str):  # type: ignore[no-untyped-def]
    """``unit LEFT JOIN submission`` of the period: at most one row per unit (uq_submission_cell)."""
    return UNITS.outerjoin(
        SUBMISSIONS, and_(SUBMISSIONS.c.unit_id == UNITS.c.id, SUBMISSIONS.c.period_code == period_code)
    )


def entry_units(connection: Connection, account: Account, period_code: str) -> pd.DataFrame:
    """Units the account may enter figures for in ``period_code``, with their status."""
    columns = ["unit_id", "unit_code", "unit_name", "status"]
    require(account)  # signed in and active
    if account.role is not Role.OFFICIAL:
        return pd.DataFrame(columns=columns)
    in_scope = _scope_filter(connection, account)
    if in_scope is None:  # not for an official; kept as before: nothing
        return pd.DataFrame(columns=columns)
    catalog = catalog_for_period(parse_period(period_code), get_settings().period_convention)
    rows = connection.execute(
        select(UNITS.c.id, UNITS.c.code, UNITS.c.name, SUBMISSIONS.c.status)
        .select_from(_period_submission(period_code))
        .where(UNITS.c.catalog == catalog, in_scope)
        .order_by(UNITS.c.id)
    ).all()
    return pd.DataFrame(
        [
            (unit_id, code, name, Status(status) if status is not None else Status.NOT_STARTED)
            for unit_id, code, name, status in rows
        ],
        columns=columns,
    )


# ------------------------------------------------------------------------------------------------
# Checking a form: the loader's rules
# ------------------------------------------------------------------------------------------------


def _parse(code: str, raw: str) -> float | None:
    return parse_ntm_level(raw) if code == "NTM_LEVEL" else parse_number(raw)


def check_form(
    connection: Connection,
    unit_id: int,
    period_code: str,
    values: Mapping[str, str],
    notes: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Every rule a form breaks, with the same messages as the file loader; the location's column
    is the indicator concerned."""
    unit = _unit(connection, unit_id)
    period = parse_period(period_code)
    catalog = indicator_catalog()
    problems: list[Problem] = []
    parsed = _parsed_values(unit, period, values, problems)
    previous = _stored(connection, unit_id, period.previous().code)
    names = {i.code: i.name_vi for i in catalog.indicators}
    for issue in check_unit_period(
        parsed,
        names=names,
        previous=previous or None,
        notes=notes or {},
        allow_advanced_levels=period.year >= 2021,
    ):
        problems.append(
            Problem(issue.message, Location(file=FORM_SOURCE, column=issue.indicator), "", issue.severity, issue.code)
        )
    return problems


def _parsed_values(
    unit: UnitEntry, period: Period, values: Mapping[str, str], problems: list[Problem]
) -> dict[str, float]:
    catalog = indicator_catalog()
    allowed = set(form_indicators(unit))
    parsed: dict[str, float] = {}
    for code, raw in values.items():
        if code not in allowed:
            continue
        location = Location(file=FORM_SOURCE, column=code)
        definition = catalog.get(code)
        try:
            value = _parse(code, raw)
        except NumberParseError as exc:
            problems.append(Problem(f"'{definition.name_vi}': {exc.reason}.", location, str(raw), code="not_a_number"))
            continue
        if value is None:
            continue
        size = (
            criteria_set_for(period.end(get_settings().period_convention)).size if code == "NTM_CRITERIA_MET" else None
        )
        issues = check_value(
            definition, value, period=period, unit_is_commune=unit.is_commune, unit_label=unit.name, criteria_size=size
        )
        problems.extend(Problem(i.message, location, str(raw), i.severity, i.code) for i in issues)
        if not issues:
            parsed[code] = value
    return parsed


# ------------------------------------------------------------------------------------------------
# Writing: drafts, submission, review
# ------------------------------------------------------------------------------------------------


def _event(
    connection: Connection, submission_id: int, action: str, old: str, new: str, by: str, comment: str = ""
) -> None:
    connection.execute(
        insert(EVENTS),
        {
            "submission_id": submission_id,
            "action": action,
            "from_status": old,
            "to_status": new,
            "by": by,
            "at": utcnow(),
            "comment": comment or None,
        },
    )


def _require_open(connection: Connection, period_code: str) -> None:
    window = _window(connection, period_code)
    if window is None or not window.is_open:
        raise PermissionDenied(f"Kỳ {parse_period(period_code).label_vi} chưa mở hoặc đã đóng để nhập số liệu.")


def _draft_values(connection: Connection, submission_id: int) -> dict[str, str]:
    return dict(
        connection.execute(
            select(DRAFTS.c.indicator_code, DRAFTS.c.raw).where(DRAFTS.c.submission_id == submission_id)
        ).all()
    )


def _refuse(connection: Connection, submission_id: int, mine: Mapping[str, str] | None) -> ConflictError:
    """The conflict of a write that found the submission changed since it was read: who changed it
    and, for a save (``mine``: the values it meant to keep), their values and these where they
    differ. The submission is read again here, so that the name and values are those of the write
    that won (on PostgreSQL each statement sees what has been committed by then)."""
    row = connection.execute(select(SUBMISSIONS).where(SUBMISSIONS.c.id == submission_id)).first()
    if row is None:
        return ConflictError("Biểu mẫu đã bị xoá hoặc thay đổi; hãy tải lại.", mine=dict(mine or {}))
    who = row.updated_by or "Người khác"
    label = STATUS_LABELS_VI[Status(row.status)].lower()
    if mine is None:  # a review action: no values of its own to show
        return ConflictError(
            f"{who} đã thay đổi báo cáo này sau khi bạn mở nó (nay: {label}); thao tác của bạn chưa được thực "
            "hiện. Hãy tải lại rồi xem lại."
        )
    theirs = _draft_values(connection, row.id)
    differ = sorted(k for k in set(theirs) | set(mine) if theirs.get(k, "") != mine.get(k, ""))
    if not differ:  # e.g. two submits of the same draft: the same figures, a new status
        message = (
            f"{who} đã lưu biểu mẫu này sau khi bạn mở nó (nay: {label}), với cùng số liệu như bản của bạn; "
            "thao tác của bạn chưa được thực hiện. Hãy tải lại."
        )
    else:
        message = (
            f"{who} đã lưu biểu mẫu này sau khi bạn mở nó; thay đổi của bạn chưa được lưu. Hãy xem hai bản bên "
            "dưới rồi tải lại."
        )
    return ConflictError(
        message, theirs={k: theirs.get(k, "") for k in differ}, mine={k: mine.get(k, "") for k in differ}
    )


def _check_version(connection: Connection, row, expected_version: int, mine: Mapping[str, str] | None) -> None:  # type: ignore[no-untyped-def]
    """Refuse at once a write made from an older version than the one read (the status it read is
    then stale too: the conflict says what happened instead of "not allowed in this status")."""
    if row.version != expected_version:
        raise _refuse(connection, row.id, mine)


def _bump(
    connection: Connection, row, expected_version: int, by: str, mine: Mapping[str, str] | None, **values: object
) -> None:  # type: ignore[no-untyped-def]
    """Move the submission to its next version, or refuse when someone saved in between. On
    PostgreSQL a concurrent writer of the same row holds it until it commits; this UPDATE then finds
    the version moved and changes nothing."""
    done = connection.execute(
        update(SUBMISSIONS)
        .where(SUBMISSIONS.c.id == row.id, SUBMISSIONS.c.version == expected_version)
        .values(version=SUBMISSIONS.c.version + 1, updated_at=utcnow(), updated_by=by, **values)
    ).rowcount
    if done != 1:
        raise _refuse(connection, row.id, mine)


def _create(connection: Connection, unit_id: int, period_code: str, by: str, mine: Mapping[str, str]) -> int:
    """The first save of a form: insert its submission (version 1) and the "create" event.

    Two first saves at the same moment: on SQLite the write lock taken at BEGIN serialises them and
    the second reads the first's row (and is refused by the version check); on PostgreSQL both read
    no row and the second INSERT fails on ``uq_submission_cell`` once the first commits. It runs in
    a SAVEPOINT, so the transaction survives to read the winner's values and refuse with both."""
    try:
        with connection.begin_nested():
            submission_id = connection.execute(
                insert(SUBMISSIONS).returning(SUBMISSIONS.c.id),
                {
                    "unit_id": unit_id,
                    "period_code": period_code,
                    "status": Status.DRAFT.value,
                    "version": 1,
                    "updated_at": utcnow(),
                    "updated_by": by,
                    "returned_fields": "",
                },
            ).scalar_one()
    except IntegrityError:
        row = _submission(connection, unit_id, period_code)
        if row is None:  # not the race: some other constraint
            raise
        raise _refuse(connection, row.id, mine) from None
    _event(connection, submission_id, "create", Status.NOT_STARTED, Status.DRAFT, by)
    return submission_id


def save_draft(
    engine: Engine,
    account: Account,
    unit_id: int,
    period_code: str,
    values: Mapping[str, str],
    notes: Mapping[str, str] | None = None,
    *,
    expected_version: int,
) -> FormState:
    """Keep what was typed (valid or not) as the unit's draft for the period."""
    period = parse_period(period_code).code
    clean = {code: nfc(str(raw)) for code, raw in values.items() if raw is not None and nfc(str(raw)) != ""}
    clean_notes = {code: nfc(str(n)) for code, n in (notes or {}).items() if n and nfc(str(n))}
    with write_transaction(engine) as connection:
        require(account, Role.OFFICIAL)
        if not can_enter(connection, account, unit_id):
            raise PermissionDenied("Bạn chỉ được nhập số liệu cho đơn vị của mình.")
        _require_open(connection, period)
        unit = _unit(connection, unit_id)
        allowed = set(form_indicators(unit))
        clean = {k: v for k, v in clean.items() if k in allowed}
        row = _submission(connection, unit_id, period)
        if row is None:
            if expected_version != 0:
                raise ConflictError("Biểu mẫu đã bị xoá hoặc thay đổi; hãy tải lại.", mine=dict(clean))
            submission_id = _create(connection, unit_id, period, account.username, clean)
        else:
            _check_version(connection, row, expected_version, clean)
            if Status(row.status) in (Status.SUBMITTED, Status.APPROVED):
                raise PermissionDenied(
                    "Báo cáo đã nộp hoặc đã duyệt nên không sửa được; nếu cần sửa, đề nghị Ban Chỉ đạo trả lại."
                )
            _bump(connection, row, expected_version, account.username, clean)
            submission_id = row.id
        connection.execute(delete(DRAFTS).where(DRAFTS.c.submission_id == submission_id))
        if clean:
            connection.execute(
                insert(DRAFTS),
                [
                    {"submission_id": submission_id, "indicator_code": code, "raw": raw, "note": clean_notes.get(code)}
                    for code, raw in clean.items()
                ],
            )
        return load_form(connection, account, unit_id, period)


def submit(engine: Engine, account: Account, unit_id: int, period_code: str, *, expected_version: int) -> FormState:
    """Check the draft with the loader's rules and, when it passes, write its figures (audited, source
    "form") and hand it to the committee."""
    period = parse_period(period_code)
    with write_transaction(engine) as connection:
        require(account, Role.OFFICIAL)
        if not can_enter(connection, account, unit_id):
            raise PermissionDenied("Bạn chỉ được nộp báo cáo của đơn vị mình.")
        _require_open(connection, period.code)
        row = _submission(connection, unit_id, period.code)
        if row is None:
            raise QcdcError("Chưa có bản nháp để nộp, hoặc báo cáo đã nộp.")
        draft = _draft_values(connection, row.id)
        _check_version(connection, row, expected_version, draft)
        if Status(row.status) not in (Status.DRAFT, Status.RETURNED):
            raise QcdcError("Chưa có bản nháp để nộp, hoặc báo cáo đã nộp.")
        now = utcnow()
        # The version check (and the row's lock) before anything is written: two submits of the
        # same draft at once write its figures, and their audit, once. Refused figures below roll
        # this back with the rest.
        _bump(
            connection,
            row,
            expected_version,
            account.username,
            draft,
            status=Status.SUBMITTED.value,
            submitted_at=now,
            submitted_by=account.username,
        )
        notes = dict(
            connection.execute(
                select(DRAFTS.c.indicator_code, DRAFTS.c.note).where(
                    DRAFTS.c.submission_id == row.id, DRAFTS.c.note.is_not(None)
                )
            ).all()
        )
        problems = check_form(connection, unit_id, period.code, draft, notes)
        if any(p.is_error for p in problems):
            raise ValidationFailed(problems, source="Biểu mẫu")
        unit = _unit(connection, unit_id)
        parsed = _parsed_values(unit, period, draft, [])
        if not parsed:
            raise QcdcError("Biểu mẫu chưa có số liệu nào.")
        convention = get_settings().period_convention
        criteria = criteria_set_for(period.end(convention)).code
        observations = [
            Observation(
                unit_id,
                period,
                code,
                value,
                Location(file=FORM_SOURCE, column=code),
                notes.get(code),
                criteria if code == "NTM_CRITERIA_MET" else None,
            )
            for code, value in parsed.items()
        ]
        digest = hashlib.sha256(json.dumps(sorted(draft.items()), ensure_ascii=False).encode()).hexdigest()
        write_batch(
            connection,
            observations,
            BatchInfo(
                file_name=f"Biểu mẫu web: {unit.name}, {period.code}",
                sha256=digest,
                file_format="form-entry",
                user=account.username,
                rows_read=len(draft),
                warnings=sum(1 for p in problems if not p.is_error),
                source="form",
            ),
        )
        _event(connection, row.id, "submit", row.status, Status.SUBMITTED, account.username)
        return load_form(connection, account, unit_id, period.code)


def _reviewable(connection: Connection, account: Account, submission_id: int):  # type: ignore[no-untyped-def]
    require(account, Role.REVIEWER, Role.ADMIN)
    row = connection.execute(select(SUBMISSIONS).where(SUBMISSIONS.c.id == submission_id)).first()
    if row is None:
        raise QcdcError(f"Không có báo cáo số {submission_id}.")
    if not can_review(connection, account, row.unit_id):
        raise PermissionDenied("Đơn vị này không thuộc phạm vi duyệt của bạn.")
    return row


def approve(engine: Engine, account: Account, submission_id: int, *, expected_version: int) -> None:
    """Approve a submitted return: its figures become official and the form is locked."""
    with write_transaction(engine) as connection:
        row = _reviewable(connection, account, submission_id)
        _check_version(connection, row, expected_version, None)
        if Status(row.status) is not Status.SUBMITTED:
            raise QcdcError("Chỉ duyệt được báo cáo đã nộp.")
        _bump(
            connection,
            row,
            expected_version,
            account.username,
            None,
            status=Status.APPROVED.value,
            reviewed_at=utcnow(),
            reviewed_by=account.username,
            comment=None,
            returned_fields="",
        )
        _event(connection, row.id, "approve", row.status, Status.APPROVED, account.username)
        _bump_data(connection)


def return_submission(
    engine: Engine,
    account: Account,
    submission_id: int,
    *,
    comment: str,
    fields: Sequence[str] = (),
    expected_version: int,
) -> None:
    """Send a submitted return back to the commune with a comment and the fields concerned."""
    comment = nfc(comment)
    if not comment:
        raise QcdcError("Hãy ghi lý do trả lại để xã biết cần sửa gì.")
    known = set(indicator_catalog().codes)
    with write_transaction(engine) as connection:
        row = _reviewable(connection, account, submission_id)
        _check_version(connection, row, expected_version, None)
        if Status(row.status) is not Status.SUBMITTED:
            raise QcdcError("Chỉ trả lại được báo cáo đã nộp.")
        _bump(
            connection,
            row,
            expected_version,
            account.username,
            None,
            status=Status.RETURNED.value,
            reviewed_at=utcnow(),
            reviewed_by=account.username,
            comment=comment,
            returned_fields=" ".join(f for f in fields if f in known),
        )
        _event(connection, row.id, "return", row.status, Status.RETURNED, account.username, comment)


def reopen(engine: Engine, account: Account, submission_id: int, *, reason: str) -> None:
    """Unlock an approved return (the reason is required and recorded); it goes back to the commune."""
    reason = nfc(reason)
    if not reason:
        raise QcdcError("Mở lại báo cáo đã duyệt cần ghi lý do.")
    with write_transaction(engine) as connection:
        row = _reviewable(connection, account, submission_id)
        if Status(row.status) is not Status.APPROVED:
            raise QcdcError("Chỉ mở lại được báo cáo đã duyệt.")
        _bump(
            connection,
            row,
            row.version,
            account.username,
            None,
            status=Status.RETURNED.value,
            reviewed_at=utcnow(),
            reviewed_by=account.username,
            comment=reason,
        )
        _event(connection, row.id, "reopen", row.status, Status.RETURNED, account.username, reason)
        _bump_data(connection)


def _bump_data(connection: Connection) -> None:
    bump_data_version(connection)  # approval changes what the dashboard counts as official


# ------------------------------------------------------------------------------------------------
# The committee's view
# ------------------------------------------------------------------------------------------------


def review_board(connection: Connection, account: Account, period_code: str) -> pd.DataFrame:
    """Every unit in the reviewer's scope for the period, with its status, the deadline and whether
    it came on time. Figures loaded from files by the secretariat (no web submission) count as
    approved."""
    require(account, Role.REVIEWER, Role.ADMIN)
    columns = [
        "unit_id",
        "unit_code",
        "unit_name",
        "status",
        "submission_id",
        "version",
        "deadline",
        "submitted_at",
        "on_time",
    ]
    period = parse_period(period_code)
    catalog = catalog_for_period(period, get_settings().period_convention)
    window = _window(connection, period.code)
    deadline = window.deadline if window else None
    reported = (  # one look-up in the (unit, period, indicator) index, no table row read
        select(VALUES.c.unit_id).where(VALUES.c.unit_id == UNITS.c.id, VALUES.c.period_code == period.code).exists()
    )
    in_scope = _scope_filter(connection, account)
    if in_scope is None:  # everywhere: the units with figures or a submission in the period
        in_scope = or_(SUBMISSIONS.c.id.is_not(None), reported)
    board = connection.execute(
        select(
            UNITS.c.id,
            UNITS.c.code,
            UNITS.c.name,
            SUBMISSIONS.c.id,
            SUBMISSIONS.c.status,
            SUBMISSIONS.c.version,
            SUBMISSIONS.c.submitted_at,
            reported.label("reported"),
        )
        .select_from(_period_submission(period.code))
        .where(UNITS.c.catalog == catalog, UNITS.c.level == COMMUNE_LEVEL, in_scope)
        .order_by(UNITS.c.code, UNITS.c.id)
    ).all()
    rows = []
    for unit_id, code, name, submission_id, status, version, submitted, has_data in board:
        if submission_id is not None:
            status = Status(status)
        else:
            status = Status.APPROVED if has_data else Status.NOT_STARTED
            submitted = None
        on_time = None
        if deadline is not None and submitted is not None:
            on_time = _local_day(submitted) <= deadline
        rows.append(
            (
                unit_id,
                code,
                name,
                status,
                submission_id,
                version if submission_id is not None else 0,
                deadline,
                submitted,
                on_time,
            )
        )
    return pd.DataFrame(rows, columns=columns)


def _local_day(moment: datetime) -> date:
    """The day a stored (UTC) moment falls on where the committee works (QCDC_TIMEZONE)."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(get_settings().timezone)).date()


def submission_events(connection: Connection, submission_id: int) -> pd.DataFrame:
    rows = connection.execute(
        select(EVENTS.c.at, EVENTS.c.by, EVENTS.c.action, EVENTS.c.from_status, EVENTS.c.to_status, EVENTS.c.comment)
        .where(EVENTS.c.submission_id == submission_id)
        .order_by(EVENTS.c.id)
    ).all()
    return pd.DataFrame(rows, columns=["at", "by", "action", "from_status", "to_status", "comment"])


def value_history(connection: Connection, unit_id: int, period_code: str, indicator: str) -> pd.DataFrame:
    """Every change of one value: when, who, from what to what, by form or by file (which file)."""
    rows = connection.execute(
        text(
            "SELECT a.changed_at, a.changed_by, a.old_value, a.new_value, a.source, b.file_name "
            "FROM value_audit a LEFT JOIN import_batch b ON b.id = a.batch_id "
            "WHERE a.unit_id = :u AND a.period_code = :p AND a.indicator_code = :i ORDER BY a.id"
        ),
        {"u": unit_id, "p": parse_period(period_code).code, "i": indicator},
    ).all()
    return pd.DataFrame(rows, columns=["changed_at", "changed_by", "old_value", "new_value", "source", "file_name"])


# ------------------------------------------------------------------------------------------------
# The Excel template and uploads
# ------------------------------------------------------------------------------------------------


def commune_template(connection: Connection, unit_id: int, period_code: str) -> bytes:
    """The unit's paper form for the period as .xlsx, pre-filled with what is already there (the
    draft, else the stored figures)."""
    from etl.writers import write_commune_form

    unit = _unit(connection, unit_id)
    period = parse_period(period_code)
    row = _submission(connection, unit_id, period.code)
    values: dict[str, object] = dict(_stored(connection, unit_id, period.code))
    if row is not None:
        for code, raw in _draft_values(connection, row.id).items():
            try:
                values[code] = _parse(code, raw)
            except NumberParseError:
                values[code] = raw
    province = connection.execute(
        text("SELECT name FROM unit WHERE catalog = :c AND level = 1 AND code = :p"),
        {"c": unit.catalog, "p": unit.province_code},
    ).scalar_one_or_none()
    buffer = io.BytesIO()
    write_commune_form(
        buffer,
        unit_name=unit.name,
        area_line=f"Đơn vị: {unit.name}" + (f", {province[:1].lower()}{province[1:]}" if province else ""),
        period=period,
        values=values,
        issuer_lines=(f"UBND {unit.name.upper()}",),
        include_ntm=unit.is_commune,
    )
    return buffer.getvalue()


def upload_to_draft(
    engine: Engine,
    account: Account,
    unit_id: int,
    period_code: str,
    name: str,
    data: bytes,
    *,
    expected_version: int,
) -> tuple[FormState, list[Problem]]:
    """Read a filled template (or any accepted file) with the file loader and, when it is valid and
    holds only this unit and period, make it the draft. A file with errors changes nothing."""
    from etl.load import Source, prepare

    period = parse_period(period_code).code
    with engine.connect() as connection:
        require(account, Role.OFFICIAL)
        if not can_enter(connection, account, unit_id):
            raise PermissionDenied("Bạn chỉ được nhập số liệu cho đơn vị của mình.")
        state = load_form(connection, account, unit_id, period)
    [item] = prepare(engine, [Source(name=name, data=data)], column_wise=False)
    problems = list(item.report.problems)
    values = dict(state.values)
    for obs in item.values:
        if obs.unit_id != unit_id or obs.period.code != period:
            problems.append(
                Problem(
                    f"Tệp có số liệu của đơn vị hoặc kỳ khác ({obs.period.code}); chỉ nhận số liệu của "
                    f"{state.unit_name}, {period}.",
                    obs.location,
                    severity=Severity.ERROR,
                    code="other_unit",
                )
            )
            continue
        values[obs.indicator] = _text(obs.value) if obs.indicator != "NTM_LEVEL" else format_number(obs.value)
    if any(p.is_error for p in problems):
        return state, problems
    notes = {o.indicator: o.note for o in item.values if o.note}
    return save_draft(engine, account, unit_id, period, values, notes, expected_version=expected_version), problems

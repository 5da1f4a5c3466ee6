"""Duyệt báo cáo: the committee secretariat's board for a period and one submission.

Every unit in the reviewer's scope with its status (chưa nộp, đang nhập, đã nộp, bị trả lại, đã
duyệt), the deadline and whether it came on time (:func:`etl.submissions.review_board`). Opening a
unit shows its figures beside last period's and the same period last year, the warnings (rules,
big changes against the unit's history, zero after a non-zero period), and the actions its status
allows: approve (locks it), return with a comment and the fields concerned, or reopen an approved
one with a reason. The submission's events are listed below.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, queries, state, ui
from dashboard.i18n import TEXTS, indicator_name, period_label
from etl import checks, submissions
from etl.accounts import Account, Role, can_review
from etl.errors import QcdcError
from etl.indicators import indicator_unit
from etl.units import unit_by_id

PAGE = "duyet_bao_cao"
FLASH = "qcdc_review_flash"
ACTION = "qcdc_review_action"  # what a button asked for, done by the next run (see _intend)

f = state.current(__file__)
lang = f.lang
t = f.t


def _flash(kind: str, text: str) -> None:
    ui.flash(FLASH, kind, text)


def _show_flash() -> None:
    ui.show_flash(FLASH)


def _value(code: str, values: dict[str, float]) -> str:
    return ui.figure_text(code, values, lang)


def _on_time(value: object) -> str:
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return "–"
    return t("review.on_time") if bool(value) else t("review.late")


def _board_table(board: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col.unit_code"): board["unit_code"].astype(str),
            t("col.unit"): board["unit_name"],
            t("col.status"): [ui.status_label(s, lang) for s in board["status"]],
            t("review.deadline"): [ui.day(d) for d in board["deadline"]],
            t("review.submitted_at"): [ui.moment(m) for m in board["submitted_at"]],
            t("review.timeliness"): [_on_time(v) for v in board["on_time"]],
        }
    )


def _figures(form: submissions.FormState, codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col.indicator"): [indicator_name(c, lang) for c in codes],
            t("review.unit_of_measure"): [indicator_unit(c) for c in codes],
            t("entry.value"): [form.values.get(c, "") for c in codes],
            t("entry.note"): [form.notes.get(c, "") for c in codes],
            t("entry.previous"): [_value(c, form.previous) for c in codes],
            t("entry.last_year"): [_value(c, form.last_year) for c in codes],
            t("review.returned"): ["⚠️" if c in form.returned_fields else "" for c in codes],
        }
    )


def _warnings(unit_id: int, form: submissions.FormState) -> pd.DataFrame:
    """The loader's rules on the submitted figures, then etl.checks' warnings against the unit's
    history (big changes, zero after a non-zero period), without repeats."""
    rows: list[tuple[str, str, str]] = []
    with queries.engine().connect() as connection:
        for problem in submissions.check_form(connection, unit_id, form.period_code, form.values, form.notes):
            rows.append(
                (
                    problem.location.column,
                    t("severity.error") if problem.is_error else t("severity.warning"),
                    problem.message,
                )
            )
        found = checks.data_warnings(connection, unit_id, form.period_code, official_only=False)
    seen = {message for _, _, message in rows}
    for _, item in found.iterrows():
        if item["message"] in seen:
            continue
        kind = f"kind.{item['kind']}"
        severity = f"severity.{item['severity']}"
        label = t(kind) if kind in TEXTS else str(item["kind"])
        rows.append(
            (
                item["indicator"] or "",
                f"{t(severity) if severity in TEXTS else item['severity']} · {label}",
                item["message"],
            )
        )
    return pd.DataFrame(
        {
            t("col.indicator"): [indicator_name(c, lang) if c else "" for c, _, _ in rows],
            t("col.severity"): [s for _, s, _ in rows],
            t("col.message"): [m for _, _, m in rows],
        }
    )


def _events(submission_id: int) -> pd.DataFrame:
    with queries.engine().connect() as connection:
        events = submissions.submission_events(connection, submission_id)

    def action(name: str) -> str:
        key = f"review.action.{name}"
        return t(key) if key in TEXTS else name

    return pd.DataFrame(
        {
            t("review.event_at"): [ui.moment(m) for m in events["at"]],
            t("review.event_by"): events["by"],
            t("review.event_action"): [action(a) for a in events["action"]],
            t("review.event_change"): [
                f"{ui.status_label(a, lang)} → {ui.status_label(b, lang)}"
                for a, b in zip(events["from_status"], events["to_status"], strict=True)
            ],
            t("review.event_comment"): ["" if c is None or pd.isna(c) else c for c in events["comment"]],
        }
    )


def _intend(action: str, submission_id: int, version: int) -> None:
    """``on_click``: note what was asked, with what the form holds (comment, fields, reason); the
    run that follows does it with the account re-read. (A callback runs before the script whichever
    page file runs first, so a click is never lost on the way through the router.)"""
    st.session_state[ACTION] = {
        "action": action,
        "submission_id": submission_id,
        "version": version,
        "comment": str(st.session_state.get("review_comment") or ""),
        "fields": list(st.session_state.get("review_fields") or ()),
        "reason": str(st.session_state.get("review_reason") or ""),
    }


def _act(action: dict) -> None:
    """Do a review action asked for by a button (before the board is read, so it shows the result)."""
    engine = queries.engine()
    name = action["action"]
    submission_id, version = action["submission_id"], action["version"]
    if name == "return" and not action["comment"].strip():
        _flash("error", t("review.comment_required"))
        return
    if name == "reopen" and not action["reason"].strip():
        _flash("error", t("review.reason_required"))
        return
    try:
        reviewer = auth.for_write(Role.REVIEWER)
        if name == "approve":
            submissions.approve(engine, reviewer, submission_id, expected_version=version)
        elif name == "return":
            submissions.return_submission(
                engine,
                reviewer,
                submission_id,
                comment=action["comment"],
                fields=action["fields"],
                expected_version=version,
            )
        elif name == "reopen":
            submissions.reopen(engine, reviewer, submission_id, reason=action["reason"])
        else:
            return
    except QcdcError as exc:
        _flash("error", ui.plain(str(exc)))
    else:
        _flash("success", t(f"review.done.{name}"))
        for key in ("review_comment", "review_fields", "review_reason"):
            st.session_state.pop(key, None)


def _actions(form: submissions.FormState, submission_id: int, codes: list[str]) -> None:
    args = (submission_id, form.version)
    if form.status is submissions.Status.SUBMITTED:
        approve_col, return_col = st.columns(2)
        with approve_col, st.container(border=True):
            st.markdown("**" + t("review.approve_title") + "**")
            st.caption(t("review.approve_help"))
            st.button(
                t("review.approve"),
                key="review_approve",
                type="primary",
                icon="✅",
                on_click=_intend,
                args=("approve", *args),
            )
        with return_col, st.form("review_return_form"):
            st.markdown("**" + t("review.return_title") + "**")
            st.text_area(t("review.comment"), key="review_comment", max_chars=2000)
            st.multiselect(
                t("review.fields"),
                codes,
                key="review_fields",
                format_func=lambda c: indicator_name(c, lang),
                placeholder=t("review.fields_placeholder"),
            )
            st.form_submit_button(
                t("review.return"), key="review_return", icon="↩️", on_click=_intend, args=("return", *args)
            )
    elif form.status is submissions.Status.APPROVED:
        with st.form("review_reopen_form"):
            st.markdown("**" + t("review.reopen_title") + "**")
            st.text_input(t("review.reason"), key="review_reason", max_chars=500)
            st.form_submit_button(
                t("review.reopen"), key="review_reopen", icon="🔓", on_click=_intend, args=("reopen", *args)
            )
    else:
        st.info(t("review.nothing_to_do", status=ui.status_label(form.status, lang)))


def main(account: Account) -> None:
    st.title(t("page.duyet_bao_cao"))
    action = st.session_state.pop(ACTION, None)
    if action:
        _act(action)
    _show_flash()
    with queries.engine().connect() as connection:
        windows = {w.period_code: w for w in submissions.open_periods(connection)}
    options = sorted(set(windows) | set(f.all_periods), reverse=True)
    if not options:
        ui.empty(t("entry.no_open_period"))
        return
    open_ones = [p for p in options if windows.get(p) and windows[p].is_open]

    def period_text(code: str) -> str:
        window = windows.get(code)
        if window is None:
            return period_label(code, lang)
        suffix = t("review.open") if window.is_open else t("review.closed")
        return f"{period_label(code, lang)} ({suffix})"

    period = state.choose(
        "form_period",
        options,
        open_ones[0] if open_ones else options[0],
        label=t("filter.period"),
        format_func=period_text,
    )
    with queries.engine().connect() as connection:
        board = submissions.review_board(connection, account, period)
    if board.empty:
        ui.empty(t("review.no_units"))
        return

    counts = board["status"].map(str).value_counts()
    columns = st.columns(len(submissions.Status))
    for column, status in zip(columns, submissions.Status, strict=True):
        column.metric(ui.status_label(status, lang), int(counts.get(status.value, 0)))
    st.dataframe(_board_table(board), hide_index=True, width="stretch", key="review_board")

    st.subheader(t("review.open_one"))
    allowed = [int(u) for u in board["unit_id"]]
    requested = state.decode_int(state.raw("form_unit"))
    if requested is not None and requested not in allowed:
        with queries.engine().connect() as connection:
            permitted = can_review(connection, account, requested)
        if not permitted:
            st.error(t("auth.denied_unit"), icon="🔒")
            return
    waiting = board[board["status"].map(str) == submissions.Status.SUBMITTED.value]
    default = int(waiting["unit_id"].iloc[0]) if not waiting.empty else allowed[0]
    rows = board.set_index(board["unit_id"].astype(int))
    unit_id = state.choose(
        "form_unit",
        allowed,
        default,
        label=t("col.unit"),
        format_func=lambda u: f"{rows.loc[u, 'unit_name']} — {ui.status_label(rows.loc[u, 'status'], lang)}",
    )
    row = rows.loc[unit_id]
    submission_id = row["submission_id"]
    if submission_id is None or pd.isna(submission_id):
        ui.empty(t(f"review.no_submission.{'files' if str(row['status']) == 'approved' else 'none'}"))
        return
    submission_id = int(submission_id)
    with queries.engine().connect() as connection:
        form = submissions.load_form(connection, account, unit_id, period)
        unit = unit_by_id(connection, unit_id)
    assert unit is not None
    codes = submissions.form_indicators(unit)

    parts = [t("entry.status", status=ui.status_label(form.status, lang))]
    if form.submitted_at is not None:
        parts.append(t("entry.submitted_at", at=ui.moment(form.submitted_at)))
    if form.deadline:
        parts.append(t("entry.deadline", date=ui.day(form.deadline)))
    st.caption(" · ".join(parts))
    if form.comment:
        with st.container(border=True):
            st.markdown("**" + t("review.last_comment") + "**")
            st.text(form.comment)

    st.markdown("**" + t("review.figures") + "**")
    st.dataframe(_figures(form, codes), hide_index=True, width="stretch", key="review_figures")
    st.markdown("**" + t("review.warnings") + "**")
    warnings = _warnings(unit_id, form)
    if warnings.empty:
        st.success(t("overview.no_warnings"))
    else:
        st.dataframe(warnings, hide_index=True, width="stretch", key="review_warnings")

    _actions(form, submission_id, codes)

    st.markdown("**" + t("review.events") + "**")
    st.dataframe(_events(submission_id), hide_index=True, width="stretch", key="review_events")


account = auth.gate(PAGE, lang)
if account is not None:
    main(account)

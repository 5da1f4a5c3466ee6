"""Nhập số liệu: a commune official's form for an open period.

Pick the period and the unit (only the account's own units); the reviewer's comment, if the form
was returned, is at the top with the fields concerned marked. The form follows the paper form's
sections, with the unit of measure, a short help text, last period's value and the same period
last year beside each field; every rule broken shows as the official types (the loader's rules,
:func:`etl.submissions.check_form`). Whatever is typed is kept in the session and saved as the
draft on every change (:func:`etl.submissions.save_draft`), so leaving the page, a dropped
connection or an expired session loses nothing; a save over someone else's newer one is refused
and both versions are shown. The commune's Excel template can be downloaded pre-filled and
uploaded back (the same loader checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import auth, queries, state, ui
from dashboard.i18n import indicator_name, period_label
from etl import submissions
from etl.accounts import Account, Role
from etl.errors import ConflictError, PermissionDenied, Problem, QcdcError, ValidationFailed
from etl.indicators import indicator_catalog, indicator_unit
from etl.models import utcnow
from etl.settings import get_settings
from etl.units import unit_by_id

PAGE = "nhap_so_lieu"
KEPT = "qcdc_entry_kept"  # (account id, unit id, period) → {"values", "notes", "base", "dirty", "saved_at"}
CONFLICT = "qcdc_entry_conflict"  # a refused save: {"key", "message", "theirs", "mine"}
FLASH = "qcdc_entry_flash"  # (kind, text) to show once after a rerun
UPLOAD_PROBLEMS = "qcdc_entry_upload_problems"  # the problems of the last upload, shown after the rerun
ACTION = "qcdc_entry_action"  # what a button asked for, done by the next run (see _intend)
VALUE = "fv_"  # widget keys: fv_DLG_HELD (the figure), fn_DLG_HELD (its note)
NOTE = "fn_"

f = state.current(__file__)
lang = f.lang
t = f.t


# ------------------------------------------------------------------------------------------------
# What the official typed: kept in the session, saved as the draft on every change
# ------------------------------------------------------------------------------------------------


def _store() -> dict[tuple[int, int, str], dict[str, Any]]:
    return st.session_state.setdefault(KEPT, {})


def _kept_for(account: Account, form: submissions.FormState) -> dict[str, Any]:
    """The typed values for this form: the session's when it has changes not saved yet, otherwise
    the server's (which may be newer: saved from another tab or by an upload)."""
    key = (account.id, form.unit_id, form.period_code)
    kept = _store().get(key)
    if kept is None or (not kept["dirty"] and kept["base"] != form.version):
        kept = {
            "values": dict(form.values),
            "notes": dict(form.notes),
            "base": form.version,
            "dirty": False,
            "saved_at": None,
        }
        _store()[key] = kept
    return kept


def _typed(key: tuple[int, int, str], code: str, kind: str) -> None:
    """``on_change`` of a field: the new text goes to the kept values before the script reruns."""
    kept = _store().get(key)
    if kept is None:
        return
    widget = (VALUE if kind == "values" else NOTE) + code
    text = str(st.session_state.get(widget) or "")
    if kept[kind].get(code, "") != text:
        kept[kind][code] = text
        kept["dirty"] = True


def _seed(widget: str, value: str) -> str:
    st.session_state[widget] = value
    return widget


def _save(account: Account, form: submissions.FormState, kept: dict[str, Any]) -> submissions.FormState:
    """Save the kept values as the draft; a conflict is kept to show both versions."""
    key = (account.id, form.unit_id, form.period_code)
    try:
        writer = auth.for_write(Role.OFFICIAL)
        saved = submissions.save_draft(
            queries.engine(),
            writer,
            form.unit_id,
            form.period_code,
            kept["values"],
            kept["notes"],
            expected_version=kept["base"],
        )
    except ConflictError as exc:
        st.session_state[CONFLICT] = {"key": key, "message": str(exc), "theirs": exc.theirs, "mine": exc.mine}
        return form
    except QcdcError as exc:  # the period was closed, the account disabled…: what was typed stays kept
        st.error(t("entry.not_saved", reason=ui.plain(str(exc))), icon="⛔")
        return form
    kept.update(base=saved.version, dirty=False, saved_at=utcnow())
    kept["values"] = dict(saved.values)
    kept["notes"] = dict(saved.notes)
    return saved


def _flash(kind: str, text: str) -> None:
    ui.flash(FLASH, kind, text)


def _intend(action: str) -> None:
    """``on_click`` of a button: note what was asked; the run that follows does it, with the form
    freshly read and the account re-read. (A callback runs before the script whichever page file
    runs first, so a click is never lost on the way through the router.)"""
    st.session_state[ACTION] = {"action": action}


def _intend_upload() -> None:
    uploaded = st.session_state.get("entry_file")
    if uploaded is not None:
        st.session_state[ACTION] = {"action": "upload", "name": uploaded.name, "data": uploaded.getvalue()}


def _show_flash() -> None:
    ui.show_flash(FLASH)


# ------------------------------------------------------------------------------------------------
# Pieces of the page
# ------------------------------------------------------------------------------------------------


def _number(code: str, values: Mapping[str, float]) -> str:
    return ui.figure_text(code, values, lang)


def _rule_help(code: str) -> str:
    """A short help text from the catalog's rule, in the user's language."""
    catalog = indicator_catalog()
    item = catalog.get(code)
    other = item.name_en if lang != "en" else item.name_vi
    if code in {"CMP_CARRY", "NTM_CRITERIA_MET", "NTM_LEVEL", "NTM_YEAR"}:
        rule = t(f"entry.help.{code.lower()}")
    elif item.rule.startswith("<="):
        bounds = [c for c in item.rule[2:].replace("+", " ").split() if c in catalog]
        rule = t("entry.help.at_most", what=" + ".join(indicator_name(c, lang) for c in bounds))
    else:
        rule = t("entry.help.whole")
    return f"{rule} ({other})"


def _conflict(account: Account, form: submissions.FormState) -> bool:
    """Show a refused save with both versions; True while it waits for the official's choice."""
    conflict = st.session_state.get(CONFLICT)
    if not conflict or conflict["key"] != (account.id, form.unit_id, form.period_code):
        return False
    st.error(ui.plain(conflict["message"]), icon="⚠️")
    codes = sorted(set(conflict["theirs"]) | set(conflict["mine"]), key=_position)
    st.dataframe(
        pd.DataFrame(
            {
                t("col.indicator"): [indicator_name(c, lang) for c in codes],
                t("entry.conflict.theirs"): [conflict["theirs"].get(c, "") for c in codes],
                t("entry.conflict.mine"): [conflict["mine"].get(c, "") for c in codes],
            }
        ),
        hide_index=True,
        key="entry_conflict_table",
    )
    left, right = st.columns(2)
    left.button(
        t("entry.conflict.reload"), key="entry_reload", icon="🔄", width="stretch", on_click=_intend, args=("reload",)
    )
    right.button(
        t("entry.conflict.keep_mine"),
        key="entry_keep_mine",
        icon="💾",
        width="stretch",
        on_click=_intend,
        args=("keep_mine",),
    )
    return True


def _position(code: str) -> int:
    catalog = indicator_catalog()
    return catalog.get(code).position if code in catalog else 10_000


def _problems_by_field(problems: list[Problem]) -> tuple[dict[str, list[Problem]], list[Problem]]:
    by_field: dict[str, list[Problem]] = {}
    general: list[Problem] = []
    for problem in problems:
        column = problem.location.column
        if column:
            by_field.setdefault(column, []).append(problem)
        else:
            general.append(problem)
    return by_field, general


def _upload(account: Account, form: submissions.FormState, kept: dict[str, Any], name: str, data: bytes) -> None:
    """Put an uploaded file's figures in the draft (the loader checks it; errors write nothing)."""
    key = (account.id, form.unit_id, form.period_code)
    try:
        writer = auth.for_write(Role.OFFICIAL)
        _, problems = submissions.upload_to_draft(
            queries.engine(), writer, form.unit_id, form.period_code, name, data, expected_version=kept["base"]
        )
    except ConflictError as exc:
        st.session_state[CONFLICT] = {"key": key, "message": str(exc), "theirs": exc.theirs, "mine": exc.mine}
        return
    except QcdcError as exc:
        _flash("error", ui.plain(str(exc)))
        return
    errors = [p for p in problems if p.is_error]
    st.session_state[UPLOAD_PROBLEMS] = (key, name, bool(errors), problems)
    if not errors:
        _store().pop(key, None)
        _flash("success", t("entry.file.applied", name=ui.plain(name)))


def _template_and_upload(account: Account, form: submissions.FormState, editable: bool) -> None:
    settings = get_settings()
    key = (account.id, form.unit_id, form.period_code)
    with st.expander(t("entry.file.title"), icon="📄", expanded=bool(st.session_state.get(UPLOAD_PROBLEMS))):
        st.caption(t("entry.file.help"))
        with queries.engine().connect() as connection:
            template = submissions.commune_template(connection, form.unit_id, form.period_code)
        st.download_button(
            t("entry.file.download"),
            data=template,
            file_name=f"bieu-mau-{form.period_code}-{form.unit_id}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon="⬇️",
            key="entry_template",
            on_click="ignore",
        )
        st.file_uploader(t("entry.file.upload"), type=["xlsx", "csv"], key="entry_file", disabled=not editable)
        st.caption(t("entry.file.limit", mb=f"{settings.max_upload_mb:g}"))
        st.button(
            t("entry.file.apply"),
            key="entry_upload",
            icon="⬆️",
            disabled=not editable,
            on_click=_intend_upload,
        )
        shown = st.session_state.get(UPLOAD_PROBLEMS)
        if shown and shown[0] == key:
            _, name, refused, problems = shown
            if refused:
                st.error(t("entry.file.refused", name=ui.plain(name), n=sum(p.is_error for p in problems)))
            elif problems:
                st.warning(t("entry.file.warnings", name=ui.plain(name), n=len(problems)))
            if problems:
                st.dataframe(ui.problems_table(problems, lang), hide_index=True, key="entry_upload_problems")


def _field_row(
    code: str,
    form: submissions.FormState,
    kept: dict[str, Any],
    problems: list[Problem],
    disabled: bool,
    key: tuple[int, int, str],
) -> None:
    returned = code in form.returned_fields
    name = indicator_name(code, lang)
    label, value_col, note_col, previous_col, last_year_col = st.columns([5, 2, 3, 1.4, 1.4])
    with label:
        mark = "⚠️ " if returned else ""
        unit = indicator_unit(code)
        st.markdown(f"{mark}**{name}**" + (f" ({unit})" if unit else ""))
        st.caption(_rule_help(code))
        if returned:
            st.caption(":orange[" + t("entry.returned_field") + "]")
    value_col.text_input(
        name,
        key=_seed(VALUE + code, kept["values"].get(code, "")),
        on_change=_typed,
        args=(key, code, "values"),
        disabled=disabled,
        label_visibility="collapsed",
        placeholder=t("entry.placeholder"),
    )
    note_col.text_input(
        t("entry.note"),
        key=_seed(NOTE + code, kept["notes"].get(code, "")),
        on_change=_typed,
        args=(key, code, "notes"),
        disabled=disabled,
        label_visibility="collapsed",
        placeholder=t("entry.note"),
    )
    previous_col.text(_number(code, form.previous))
    last_year_col.text(_number(code, form.last_year))
    for problem in problems:
        icon = "❌" if problem.is_error else "⚠️"
        st.caption(f"{icon} {ui.plain(problem.message)}")


def _form(
    account: Account,
    form: submissions.FormState,
    kept: dict[str, Any],
    codes: list[str],
    problems: list[Problem],
    disabled: bool,
) -> None:
    catalog = indicator_catalog()
    by_field, general = _problems_by_field(problems)
    key = (account.id, form.unit_id, form.period_code)
    sections: dict[str, list[str]] = {}
    for code in sorted(codes, key=_position):
        sections.setdefault(catalog.get(code).section, []).append(code)
    for section, members in sections.items():
        item = catalog.get(members[0])
        st.subheader(f"{section}. {item.section_en if lang == 'en' else item.section_vi}")
        heads = st.columns([5, 2, 3, 1.4, 1.4])
        for column, head in zip(
            heads,
            ("col.indicator", "entry.value", "entry.note", "entry.previous", "entry.last_year"),
            strict=True,
        ):
            column.caption(f"**{t(head)}**")
        for code in members:
            _field_row(code, form, kept, by_field.get(code, []), disabled, key)
    for problem in general:
        st.caption(f"{'❌' if problem.is_error else '⚠️'} {ui.plain(problem.message)}")


def _submit(account: Account, form: submissions.FormState, kept: dict[str, Any]) -> None:
    try:
        writer = auth.for_write(Role.OFFICIAL)
        if form.submission_id is None or kept["dirty"]:
            kept["dirty"] = True
            form = _save(writer, form, kept)
            if st.session_state.get(CONFLICT) or kept["dirty"]:
                return
        submissions.submit(queries.engine(), writer, form.unit_id, form.period_code, expected_version=kept["base"])
    except ValidationFailed as exc:
        _flash("error", t("entry.submit_refused", n=sum(p.is_error for p in exc.problems)))
    except ConflictError as exc:
        key = (account.id, form.unit_id, form.period_code)
        st.session_state[CONFLICT] = {"key": key, "message": str(exc), "theirs": exc.theirs, "mine": exc.mine}
    except (PermissionDenied, QcdcError) as exc:
        _flash("error", ui.plain(str(exc)))
    else:
        _store().pop((account.id, form.unit_id, form.period_code), None)
        _flash("success", t("entry.submitted"))


# ------------------------------------------------------------------------------------------------
# The page
# ------------------------------------------------------------------------------------------------


def _load(account: Account, unit_id: int, period: str) -> submissions.FormState | None:
    with queries.engine().connect() as connection:
        try:
            return submissions.load_form(connection, account, unit_id, period)
        except PermissionDenied:
            return None


def _act(account: Account, unit_id: int, period: str, action: dict[str, Any] | None) -> submissions.FormState | None:
    """Bring the server up to date with what was typed (the auto-save), then do what a button asked
    for; returns the form as it now stands (``None`` outside the account's scope)."""
    form = _load(account, unit_id, period)
    if form is None:
        return None
    key = (account.id, unit_id, period)
    name = (action or {}).get("action")
    if name == "reload":
        _store().pop(key, None)
        st.session_state.pop(CONFLICT, None)
        _flash("info", t("entry.conflict.reloaded"))
        return form
    kept = _kept_for(account, form)
    if name == "keep_mine":
        kept.update(base=form.version, dirty=True)  # the official's deliberate choice: save mine over theirs
        st.session_state.pop(CONFLICT, None)
    conflict = st.session_state.get(CONFLICT)
    if conflict and conflict["key"] == key:
        return form  # nothing is written until the official chooses
    if kept["dirty"] and form.editable:
        form = _save(account, form, kept)  # the auto-save: every change reaches the draft
    if name == "save" and form.editable:
        if form.submission_id is None:
            kept["dirty"] = True
            form = _save(account, form, kept)
        if not st.session_state.get(CONFLICT) and not kept["dirty"]:
            _flash("success", t("entry.saved"))
    elif name == "submit":
        _submit(account, form, kept)
    elif name == "upload":
        _upload(account, form, kept, action["name"], action["data"])  # type: ignore[index]
    if name in {"save", "submit", "upload"}:
        form = _load(account, unit_id, period) or form
    return form


def main(account: Account) -> None:
    st.title(t("page.nhap_so_lieu"))
    with queries.engine().connect() as connection:
        windows = {w.period_code: w for w in submissions.open_periods(connection) if w.is_open}
    if not windows:
        ui.empty(t("entry.no_open_period"))
        return
    codes = sorted(windows, reverse=True)

    def window_label(code: str) -> str:
        deadline = windows[code].deadline
        suffix = t("entry.deadline_suffix", date=ui.day(deadline)) if deadline else ""
        return period_label(code, lang) + suffix

    left, right = st.columns(2)
    with left:
        period = state.choose("form_period", codes, codes[0], label=t("filter.period"), format_func=window_label)
    with queries.engine().connect() as connection:
        units = submissions.entry_units(connection, account, period)
    allowed = [int(u) for u in units["unit_id"]]
    requested = state.decode_int(state.raw("form_unit"))
    if requested is not None and requested not in allowed:
        st.error(t("auth.denied_unit"), icon="🔒")
        if allowed:
            st.button(t("entry.back_to_mine"), key="entry_back", on_click=state.remember, args=("form_unit", None))
        return
    if not allowed:
        ui.empty(t("entry.no_units"))
        return
    names = dict(zip(units["unit_id"].astype(int), units["unit_name"], strict=True))
    statuses = dict(zip(units["unit_id"].astype(int), units["status"], strict=True))
    with right:
        unit_id = state.choose(
            "form_unit",
            allowed,
            allowed[0],
            label=t("col.unit"),
            format_func=lambda u: f"{names[u]} — {ui.status_label(statuses[u], lang)}",
        )

    action = st.session_state.pop(ACTION, None)
    form = _act(account, unit_id, period, action)
    if form is None:
        st.error(t("auth.denied_unit"), icon="🔒")
        return
    with queries.engine().connect() as connection:
        unit = unit_by_id(connection, unit_id)
    assert unit is not None
    kept = _kept_for(account, form)
    _show_flash()
    waiting = _conflict(account, form)
    if kept["dirty"] and not form.editable and not waiting:
        st.warning(t("entry.not_editable_typed"))  # submitted or approved meanwhile (another tab)
        _store().pop((account.id, unit_id, period), None)
        kept = _kept_for(account, form)

    # Where the form stands
    parts = [t("entry.status", status=ui.status_label(form.status, lang))]
    if form.deadline:
        parts.append(t("entry.deadline", date=ui.day(form.deadline)))
    if form.submitted_at is not None:
        parts.append(t("entry.submitted_at", at=ui.moment(form.submitted_at)))
    if kept.get("saved_at") is not None:
        parts.append(t("entry.saved_at", at=ui.moment(kept["saved_at"])))
    st.caption(" · ".join(parts))
    if form.status is submissions.Status.SUBMITTED:
        st.info(t("entry.waiting_review"), icon="⏳")
    elif form.locked:
        st.success(t("entry.locked"), icon="🔒")
    if form.comment and form.status is submissions.Status.RETURNED:
        with st.container(border=True):
            st.markdown("**" + t("entry.comment_title") + "**")
            st.text(form.comment)  # as typed by the reviewer: text, never Markdown or HTML
            if form.returned_fields:
                fields = ", ".join(indicator_name(c, lang) for c in sorted(form.returned_fields, key=_position))
                st.caption(t("entry.comment_fields", fields=ui.plain(fields)))

    editable = form.editable and not waiting
    _template_and_upload(account, form, editable)

    with queries.engine().connect() as connection:
        problems = submissions.check_form(connection, unit_id, period, kept["values"], kept["notes"])
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if errors:
        st.error(t("entry.errors", n=len(errors)), icon="❌")
    elif warnings:
        st.warning(t("entry.warnings", n=len(warnings)), icon="⚠️")
    elif editable and any(v.strip() for v in kept["values"].values()):
        st.success(t("entry.no_problems"), icon="✅")

    _form(account, form, kept, submissions.form_indicators(unit), problems, disabled=not editable)

    st.divider()
    save_col, submit_col, _ = st.columns([1, 1, 3])
    save_col.button(
        t("entry.save"),
        key="entry_save",
        icon="💾",
        disabled=not editable,
        width="stretch",
        on_click=_intend,
        args=("save",),
    )
    submit_col.button(
        t("entry.submit"),
        key="entry_submit",
        icon="📨",
        type="primary",
        disabled=not editable or bool(errors),
        width="stretch",
        on_click=_intend,
        args=("submit",),
    )
    if errors and editable:
        st.caption(t("entry.fix_first"))


account = auth.gate(PAGE, lang)
if account is not None:
    main(account)

"""Quản trị: the administrator's page — accounts (add, disable, reset a password, change the units
in scope) and reporting periods (open, close, set the deadline). The same operations as
``qcdc users …`` and ``qcdc periods …``, through :mod:`etl.accounts` and :mod:`etl.submissions`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from dashboard import auth, queries, state, ui
from dashboard.i18n import period_label
from etl import accounts, submissions
from etl.accounts import Account, Role
from etl.db import write_transaction
from etl.errors import QcdcError
from etl.periods import parse_period
from etl.queries import AreaOption
from etl.units import NEW2025, unit_by_id

PAGE = "quan_tri"
FLASH = "qcdc_admin_flash"
ACTION = "qcdc_admin_action"  # what a button asked for, done by the next run (see _intend)

f = state.current(__file__)
lang = f.lang
t = f.t


def _flash(kind: str, text: str) -> None:
    ui.flash(FLASH, kind, text)


def _show_flash() -> None:
    ui.show_flash(FLASH)


def _intend(action: str, **values: object) -> None:
    """``on_click``: note what was asked with the values of the form's widgets; the run that follows
    does it (:func:`_act`). A callback runs before the script whichever page file runs first, so a
    click is never lost on the way through the router."""
    fields = {
        key: st.session_state.get(key)
        for key in (
            "qcdc_admin_new_username",
            "qcdc_admin_new_full_name",
            "qcdc_admin_new_role",
            "qcdc_admin_new_password",
            "qcdc_admin_new_units",
            "qcdc_admin_reset_password",
            "qcdc_admin_period",
            "qcdc_admin_deadline",
        )
    }
    scope_key = f"qcdc_admin_scope_{values.get('user_id')}"
    st.session_state[ACTION] = {"action": action, **fields, "scope": st.session_state.get(scope_key), **values}


def _write(done: str, run: Callable[[Connection], object], *, clear: tuple[str, ...] = ()) -> None:
    """One change, in one transaction, with the administrator re-read right before it; on success
    the widgets named in ``clear`` start empty again."""
    try:
        auth.for_write(Role.ADMIN)
        with write_transaction(queries.engine()) as connection:
            run(connection)
    except QcdcError as exc:
        _flash("error", ui.plain(str(exc)))
    else:
        _flash("success", done)
        for key in clear:
            st.session_state.pop(key, None)


def _act(account: Account, action: dict) -> None:
    """Do what a button asked for (before the tables are read, so they show the result)."""
    name = action["action"]
    username = str(action.get("username") or "")
    by = account.username
    if name == "add":
        new_name = str(action["qcdc_admin_new_username"] or "")
        _write(
            t("admin.added", username=ui.plain(new_name)),
            lambda c: accounts.create_user(
                c,
                username=new_name,
                password=str(action["qcdc_admin_new_password"] or ""),
                role=str(action["qcdc_admin_new_role"] or Role.VIEWER),
                full_name=str(action["qcdc_admin_new_full_name"] or ""),
                unit_ids=tuple(action["qcdc_admin_new_units"] or ()),
            ),
            clear=(
                "qcdc_admin_new_username",
                "qcdc_admin_new_full_name",
                "qcdc_admin_new_password",
                "qcdc_admin_new_units",
            ),
        )
    elif name in {"disable", "enable"}:
        if name == "disable" and username == account.username:
            _flash("error", t("admin.not_yourself"))
            return
        _write(
            t(f"admin.{name}d_done", username=ui.plain(username)),
            lambda c: accounts.set_active(c, username, name == "enable"),
        )
    elif name == "password":
        _write(
            t("admin.password_done", username=ui.plain(username)),
            lambda c: accounts.set_password(c, username, str(action["qcdc_admin_reset_password"] or "")),
            clear=("qcdc_admin_reset_password",),
        )
    elif name == "scope":
        _write(
            t("admin.scope_done", username=ui.plain(username)),
            lambda c: accounts.set_units(c, username, tuple(action["scope"] or ())),
        )
    elif name in {"open", "close", "deadline"}:
        code = str(action["qcdc_admin_period"] or "")
        if not code:
            return
        deadline = action["qcdc_admin_deadline"]
        label = period_label(code, lang)
        if name == "open":
            _write(
                t("admin.opened", period=label), lambda c: submissions.open_period(c, code, deadline=deadline, by=by)
            )
        elif name == "close":
            _write(t("admin.closed", period=label), lambda c: submissions.close_period(c, code, by=by))
        else:
            _write(
                t("admin.deadline_done", period=label),
                lambda c: submissions.set_deadline(c, code, deadline, by=by),
            )


# ------------------------------------------------------------------------------------------------
# Accounts
# ------------------------------------------------------------------------------------------------


def _scope_province() -> AreaOption | None:
    """The province whose areas the scope boxes offer (the sidebar's, until the administrator picks
    another): a whole country's 14.000 areas in one box would be slow to send and to search. It is
    picked before the boxes are filled in: another province offers other units, and a box inside a
    form that has not been sent starts again empty."""
    provinces = {p.unit_id: p for p in queries.province_options()}
    if not provinces:
        return None
    default = queries.province_of(f.area.unit_id)
    province_id = state.choose(
        "admin_province",
        list(provinces),
        default if default in provinces else next(iter(provinces)),
        label=t("admin.scope_province"),
        format_func=lambda p: provinces[p].label_en if lang == "en" else provinces[p].label_vi,
        decode=state.decode_int,
        help=t("admin.scope_province_help"),
    )
    return provinces[province_id]


def _scope_options(province: AreaOption | None) -> dict[int, str]:
    """Units an account's scope can name: every province holding figures, the districts and
    communes of ``province`` that hold figures, and the communes of the chosen area today;
    labelled with the code."""
    options: dict[int, str] = {}
    areas = queries.province_options() + (queries.province_areas(province.unit_id) if province else [])
    for option in areas:
        label = option.label_en if lang == "en" else option.label_vi
        options[option.unit_id] = f"{option.code} — {label}"
    latest = f.all_periods[-1] if f.all_periods else None
    if latest:
        suffix = t("catalog.2025")
        for _, unit in queries.area_units(f.area.unit_id, latest, "current").iterrows():
            options.setdefault(int(unit["unit_id"]), f"{unit['unit_code']} — {unit['unit_name']} ({suffix})")
    return options


def _scope_labels(connection: Connection, users: list[Account]) -> dict[int, str]:
    """The units of every account's scope, labelled with code, name and catalog (for the table, and for
    a scope box when the unit lies outside the province it offers)."""
    labels: dict[int, str] = {}
    for unit_id in dict.fromkeys(u for user in users for u in user.unit_ids):
        unit = unit_by_id(connection, unit_id)
        if unit is not None:
            when = t("catalog.2025") if unit.catalog == NEW2025 else t("catalog.pre2025")
            labels[unit_id] = f"{unit.code} — {unit.name} ({when})"
    return labels


def _scope_text(labels: dict[int, str], unit_ids: tuple[int, ...]) -> str:
    if not unit_ids:
        return t("admin.scope_all")
    return "; ".join(labels[u] for u in unit_ids if u in labels)


def _accounts(account: Account) -> None:
    with queries.engine().connect() as connection:
        users = accounts.list_users(connection)
        labels = _scope_labels(connection, users)
        table = pd.DataFrame(
            {
                t("auth.username"): [u.username for u in users],
                t("admin.full_name"): [u.full_name for u in users],
                t("admin.role"): [auth.role_label(u.role, lang) for u in users],
                t("col.status"): [t("admin.active") if u.active else t("admin.disabled") for u in users],
                t("admin.scope"): [_scope_text(labels, u.unit_ids) for u in users],
            }
        )
    st.dataframe(table, hide_index=True, width="stretch", key="admin_users")
    scope_options = _scope_options(_scope_province())

    st.subheader(t("admin.add_title"))
    with st.form("admin_add"):
        left, right = st.columns(2)
        left.text_input(t("auth.username"), key="qcdc_admin_new_username")
        right.text_input(t("admin.full_name"), key="qcdc_admin_new_full_name")
        left.selectbox(
            t("admin.role"),
            [r.value for r in Role],
            key="qcdc_admin_new_role",
            format_func=lambda r: auth.role_label(r, lang),
        )
        right.text_input(t("auth.password"), type="password", key="qcdc_admin_new_password")
        st.multiselect(
            t("admin.scope"),
            list(scope_options),
            key="qcdc_admin_new_units",
            format_func=lambda u: scope_options.get(u, str(u)),
            help=t("admin.scope_help"),
            placeholder=t("admin.scope_placeholder"),
        )
        st.form_submit_button(t("admin.add"), key="admin_add_submit", icon="➕", on_click=_intend, args=("add",))

    if not users:
        return
    st.subheader(t("admin.change_title"))
    by_name = {u.username: u for u in users}
    chosen = state.choose(
        "admin_user",
        list(by_name),
        account.username,
        label=t("admin.pick_user"),
        format_func=lambda n: f"{n} — {by_name[n].full_name}" if by_name[n].full_name else n,
    )
    user = by_name[chosen]
    who = {"username": user.username, "user_id": user.id}
    left, middle, right = st.columns(3)
    with left, st.container(border=True):
        st.markdown("**" + t("admin.active_title") + "**")
        st.caption(t("admin.active") if user.active else t("admin.disabled"))
        myself = user.id == account.id
        if user.active:
            st.button(
                t("admin.disable"),
                key="admin_disable",
                icon="🚫",
                disabled=myself,
                on_click=_intend,
                args=("disable",),
                kwargs=who,
            )
            if myself:
                st.caption(t("admin.not_yourself"))
        else:
            st.button(t("admin.enable"), key="admin_enable", icon="✔️", on_click=_intend, args=("enable",), kwargs=who)
    with middle, st.form("admin_password_form"):
        st.markdown("**" + t("admin.password_title") + "**")
        st.text_input(t("admin.new_password"), type="password", key="qcdc_admin_reset_password")
        st.form_submit_button(
            t("admin.set_password"),
            key="admin_set_password",
            icon="🔑",
            on_click=_intend,
            args=("password",),
            kwargs=who,
        )
    with right, st.form("admin_scope_form"):
        st.markdown("**" + t("admin.scope_title") + "**")
        options = dict(scope_options)
        for unit_id in user.unit_ids:  # the account's own units, in whichever province
            options.setdefault(unit_id, labels.get(unit_id, str(unit_id)))
        st.multiselect(
            t("admin.scope"),
            list(options),
            default=[u for u in user.unit_ids if u in options],
            key=f"qcdc_admin_scope_{user.id}",
            format_func=lambda u: options.get(u, str(u)),
            placeholder=t("admin.scope_placeholder"),
        )
        st.form_submit_button(
            t("admin.set_scope"), key="admin_set_scope", icon="📍", on_click=_intend, args=("scope",), kwargs=who
        )


# ------------------------------------------------------------------------------------------------
# Reporting periods
# ------------------------------------------------------------------------------------------------


def _period_choices(windows: dict[str, submissions.Window]) -> list[str]:
    """The half-years from two years back to the next one, and every period with a window."""
    today = date.today()
    current = parse_period(f"{today.year}S{1 if today.month <= 6 else 2}")
    following = parse_period(f"{current.year + 1}S1" if current.half == 2 else f"{current.year}S2")
    codes = {current.code, following.code, *windows}
    back = current
    for _ in range(4):
        back = back.previous()
        codes.add(back.code)
    return sorted(codes, key=parse_period, reverse=True)


def _periods() -> None:
    with queries.engine().connect() as connection:
        windows = {w.period_code: w for w in submissions.open_periods(connection)}
    if windows:
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.period"): [period_label(c, lang) for c in windows],
                    t("col.status"): [t("review.open") if w.is_open else t("review.closed") for w in windows.values()],
                    t("review.deadline"): [ui.day(w.deadline) for w in windows.values()],
                }
            ),
            hide_index=True,
            width="stretch",
            key="admin_windows",
        )
    else:
        ui.empty(t("admin.no_windows"))
    choices = _period_choices(windows)
    with st.form("admin_period_form"):
        left, right = st.columns(2)
        left.selectbox(
            t("filter.period"), choices, key="qcdc_admin_period", format_func=lambda c: period_label(c, lang)
        )
        right.date_input(
            t("review.deadline"),
            value=None,
            key="qcdc_admin_deadline",
            format="DD/MM/YYYY",
            help=t("admin.deadline_help"),
        )
        open_col, close_col, deadline_col = st.columns(3)
        open_col.form_submit_button(
            t("admin.open_period"), key="admin_open", icon="🟢", on_click=_intend, args=("open",)
        )
        close_col.form_submit_button(
            t("admin.close_period"), key="admin_close", icon="⛔", on_click=_intend, args=("close",)
        )
        deadline_col.form_submit_button(
            t("admin.set_deadline"), key="admin_set_deadline", icon="📅", on_click=_intend, args=("deadline",)
        )


def main(account: Account) -> None:
    st.title(t("page.quan_tri"))
    action = st.session_state.pop(ACTION, None)
    if action:
        _act(account, action)
    _show_flash()
    users_tab, periods_tab = st.tabs([t("admin.tab_accounts"), t("admin.tab_periods")])
    with users_tab:
        _accounts(account)
    with periods_tab:
        _periods()


account = auth.gate(PAGE, lang)
if account is not None:
    main(account)

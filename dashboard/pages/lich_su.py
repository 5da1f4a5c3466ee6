"""Lịch sử số liệu: the history of one value — who changed it, when, from what to what, by form or
by file (and which file) — from the audit trail (:func:`etl.submissions.value_history`).

Any signed-in account may open it, on the units in its scope: an official sees its own units, a
reviewer its area's, a leader and an administrator every unit of the chosen area.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, queries, state, ui
from dashboard.i18n import indicator_name, period_label
from etl import submissions
from etl.accounts import Account, scope_unit_ids
from etl.catalog import catalog_for_period
from etl.indicators import indicator_catalog
from etl.periods import parse_period
from etl.settings import get_settings
from etl.units import unit_by_id

PAGE = "lich_su"

f = state.current(__file__)
lang = f.lang
t = f.t


def _units(account: Account, period: str) -> dict[int, str]:
    """The units whose values the account may trace for ``period``: id → "code — name"."""
    with queries.engine().connect() as connection:
        scope = scope_unit_ids(connection, account)
        if scope is None:
            units = queries.area_units(f.area.unit_id, period, "reported")
            return {
                int(u): f"{c} — {n}"
                for u, c, n in zip(units["unit_id"], units["unit_code"], units["unit_name"], strict=True)
            }
        catalog = catalog_for_period(parse_period(period), get_settings().period_convention)
        found = {}
        for unit_id in sorted(scope):
            unit = unit_by_id(connection, unit_id)
            if unit is not None and unit.catalog == catalog:
                found[unit_id] = f"{unit.code} — {unit.name}"
        return dict(sorted(found.items(), key=lambda item: item[1]))


def _source(source: str, file_name: object) -> str:
    if source == "form":
        return t("history.by_form")
    if source == "file":
        return t("history.by_file")
    return str(source or "")


def _number(value: object, code: str) -> str:
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return "–"
    return ui.number(float(value), ui.decimals_for(code), lang)  # type: ignore[arg-type]


def main(account: Account) -> None:
    st.title(t("page.lich_su"))
    st.caption(t("history.caption"))
    with queries.engine().connect() as connection:
        windows = {w.period_code for w in submissions.open_periods(connection)}
    options = sorted(set(f.all_periods) | windows, key=parse_period, reverse=True)
    if not options:
        ui.empty(t("empty.database"))
        return
    left, middle = st.columns(2)
    with left:
        period = state.choose(
            "form_period", options, f.period if f.period in options else options[0], label=t("filter.period"),
            format_func=lambda p: period_label(p, lang),
        )  # fmt: skip
    units = _units(account, period)
    requested = state.decode_int(state.raw("form_unit"))
    if requested is not None and requested not in units:
        with queries.engine().connect() as connection:
            scope = scope_unit_ids(connection, account)
        if scope is not None and requested not in scope:
            st.error(t("auth.denied_unit"), icon="🔒")
            return
    if not units:
        ui.empty(t("history.no_units"))
        return
    with middle:
        unit_id = state.choose(
            "form_unit", list(units), next(iter(units)), label=t("col.unit"), format_func=lambda u: units[u]
        )
    codes = [i.code for i in indicator_catalog().entered]
    indicator = ui.indicator_picker(f, "DLG_HELD", codes=codes)
    with queries.engine().connect() as connection:
        history = submissions.value_history(connection, unit_id, period, indicator)
    st.subheader(t("history.title", indicator=indicator_name(indicator, lang), unit=units[unit_id].split(" — ", 1)[-1]))
    if history.empty:
        ui.empty(t("history.none"))
        return
    table = pd.DataFrame(
        {
            t("history.changed_at"): [ui.moment(m) for m in history["changed_at"]],
            t("history.changed_by"): history["changed_by"].fillna(""),
            t("history.old"): [_number(v, indicator) for v in history["old_value"]],
            t("history.new"): [_number(v, indicator) for v in history["new_value"]],
            t("history.how"): [_source(s, n) for s, n in zip(history["source"], history["file_name"], strict=True)],
            t("col.file"): history["file_name"].fillna(""),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="history_table")


account = auth.gate(PAGE, lang)
if account is not None:
    main(account)

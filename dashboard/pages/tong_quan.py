"""Tổng quan: where the area stands this period, against the previous period and the same period
last year; who has reported; the NTM headline; warnings; one indicator by unit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, queries, state, ui
from dashboard.i18n import TEXTS, indicator_name, period_label, period_short, short_name
from etl.indicators import MAIN_INDICATORS
from etl.periods import parse_period
from etl.queries import previous_periods

MAIN = MAIN_INDICATORS
LOWER_IS_BETTER = {"CMP_PENDING"}
SPARK_PERIODS = 8

f = state.current(__file__)
lang = f.lang
area_id = f.area.unit_id
ui.header(f, "page.tong_quan", period_label(f.period, lang))

previous, last_year = previous_periods(f.period)
history = [p for p in f.all_periods if parse_period(p) <= parse_period(f.period)][-SPARK_PERIODS:]
wanted = tuple(dict.fromkeys([*history, previous, last_year]))
totals = queries.area_totals(area_id, wanted, (*MAIN, "NTM_LEVEL"), f.boundaries)
cells = totals.set_index(["period", "indicator"])


def cell(period: str, code: str) -> pd.Series | None:
    return cells.loc[(period, code)] if (period, code) in cells.index else None


def shown(value: float, code: str) -> str:
    text = ui.number(value, ui.decimals_for(code), lang)
    return f"{text} %" if code == "CMP_RATE" else text


def complete(row: pd.Series | None) -> bool:
    """Every unit expected for the indicator has reported it in that period."""
    return row is not None and int(row["units_reporting"]) >= int(row["units_expected"])


def comparable(now: pd.Series | None, before: pd.Series | None) -> bool:
    """Two area totals can be compared only when both are complete: a period that 3 of 5 units have
    reported, against one that all have, would show a fall that is only missing reports. (Comparing
    the units that reported in both periods needs a query of its own, per indicator rule.)"""
    return complete(now) and complete(before)


def change(now: pd.Series | None, before: pd.Series | None, code: str) -> str | None:
    if now is None or before is None:
        return None
    if not comparable(now, before):
        return f.t("overview.not_comparable_short")
    difference = float(now["value"]) - float(before["value"])
    text = ui.number(difference, ui.decimals_for(code), lang)
    if text.strip("-0,.") == "":  # no change (also -0,0 after rounding)
        text = ui.number(0, ui.decimals_for(code), lang)
    elif difference > 0:
        text = f"+{text}"
    return f"{text} {f.t('unit.percent_points')}" if code == "CMP_RATE" else text


# Reporting and NTM headlines
status = queries.completeness(area_id, (f.period,))
left, right = st.columns(2)
with left:
    reported = status[status["status"] != "missing"]
    st.metric(f.t("overview.status"), f.t("overview.completeness", reporting=len(reported), expected=len(status)))
    ui.reporting_notice(f, status)
with right:
    ntm = cell(f.period, "NTM_LEVEL")
    if ntm is not None and int(ntm["units_expected"]):
        communes = int(ntm["units_expected"])
        st.metric(indicator_name("NTM_LEVEL", lang), f.t("overview.ntm", met=int(ntm["value"]), communes=communes))
        if int(ntm["units_reporting"]) < communes:
            st.caption(f.t("overview.ntm_unreported", n=communes - int(ntm["units_reporting"])))
    else:
        st.metric(indicator_name("NTM_LEVEL", lang), "–")
        st.caption(f.t("overview.ntm_none") if f.period in f.all_periods else f.t("empty.period"))

# Metric cards
st.subheader(f.t("overview.cards"))
if not any((f.period, code) in cells.index for code in MAIN):
    ui.empty(f.t("empty.period"))
else:
    columns = st.columns(3)
    for index, code in enumerate(MAIN):
        now = cell(f.period, code)
        with columns[index % 3]:
            # The trend line of the card: periods that every unit reported (a partial total is no fall).
            spark = [float(cell(p, code)["value"]) for p in history if complete(cell(p, code))]
            before = cell(previous, code)
            if now is not None and before is not None and not comparable(now, before):
                delta = {"delta": f.t("overview.not_comparable"), "delta_color": "off", "delta_arrow": "off"}
            else:
                delta = {
                    "delta": change(now, before, code),
                    "delta_color": "inverse" if code in LOWER_IS_BETTER else "normal",
                    "delta_description": f.t("overview.vs_previous"),
                }
            st.metric(
                short_name(code, lang),
                shown(float(now["value"]), code) if now is not None else "–",
                **delta,
                help=indicator_name(code, lang),
                border=True,
                chart_data=spark if len(spark) > 1 else None,
            )
            if now is not None and int(now["units_reporting"]) < int(now["units_expected"]):
                counts = {"reporting": int(now["units_reporting"]), "expected": int(now["units_expected"])}
                st.caption(":orange[" + f.t("overview.partial_card", **counts) + "]")
            versus = change(now, cell(last_year, code), code) or f.t("overview.no_comparison")
            st.caption(f.t("overview.vs_last_year", period=period_short(last_year, lang), delta=versus))

# Warnings from etl.checks
st.subheader(f.t("overview.warnings"))
with ui.guarded(lang):
    warnings = queries.data_warnings(area_id, f.period, f.boundaries)
    if warnings.empty:
        st.success(f.t("overview.no_warnings"))
    else:
        st.table(
            pd.DataFrame(
                {
                    f.t("col.unit"): warnings["unit_name"],
                    f.t("col.indicator"): [indicator_name(c, lang) if c else "" for c in warnings["indicator"]],
                    f.t("col.severity"): [
                        f.t(f"severity.{s}") if s in {"error", "warning", "info"} else s for s in warnings["severity"]
                    ],
                    f.t("col.kind"): [f.t(f"kind.{k}") if f"kind.{k}" in TEXTS else k for k in warnings["kind"]],
                    f.t("col.message"): warnings["message"],
                }
            ),
            hide_index=True,
            border="horizontal",
        )

# One indicator by unit
st.subheader(f.t("overview.by_unit"))
indicator = ui.indicator_picker(f, "DLG_HELD")
values = queries.unit_values(area_id, (f.period,), (indicator,), f.boundaries)
silent = queries.area_units(area_id, f.period, f.boundaries, excluding=values["unit_id"].tolist())
not_reported = silent["unit_name"].tolist()
ui.chart(
    ui.figure(
        charts.unit_bar,
        values,
        indicator,
        f.period,
        f.chart_context(),
        ui.unit_colours(f, values["unit_code"]),
        missing=not_reported,
    ),
    key="overview_bar",
)

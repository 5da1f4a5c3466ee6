"""Nông thôn mới: each commune's level, criteria met out of the set in force and the year it met
the standard; communes per level over time (one panel per criteria set); the committee's targets.
Communes only (towns and wards are not in the programme), always as reported."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, queries, state, ui
from dashboard.i18n import indicator_name, ntm_level_label, period_label, period_short
from etl.text import strip_unit_prefix

f = state.current(__file__)
lang = f.lang
area_id = f.area.unit_id
ui.header(f, "page.nong_thon_moi", period_label(f.period, lang))
st.caption(f.t("ntm.note"))

# Headline and per-commune table
headline = queries.area_totals(area_id, (f.period,), ("NTM_LEVEL",), "reported")
status = queries.ntm_status(area_id, f.period)
if not headline.empty and int(headline["units_expected"].iloc[0]):
    row = headline.iloc[0]
    st.metric(
        indicator_name("NTM_LEVEL", lang),
        f.t("overview.ntm", met=int(row["value"]), communes=int(row["units_expected"])),
    )
    if int(row["units_reporting"]) < int(row["units_expected"]):
        st.caption(f.t("overview.ntm_unreported", n=int(row["units_expected"]) - int(row["units_reporting"])))

st.subheader(f.t("ntm.status", period=period_label(f.period, lang)))
if status.empty:
    ui.empty(f.t("ntm.no_communes") if f.period in f.all_periods else f.t("empty.period"))
else:
    table = pd.DataFrame(
        {
            f.t("col.unit_code"): status["unit_code"].astype(str),
            f.t("col.unit"): status["unit_name"],
            f.t("ntm.col.level"): [ntm_level_label(v, lang) for v in status["level"]],
            f.t("ntm.col.criteria"): [
                f"{int(m)}/{int(s)}" if pd.notna(m) else f.t("status.missing")
                for m, s in zip(status["criteria_met"], status["criteria_size"], strict=True)
            ],
            f.t("ntm.col.set"): status["criteria_set"],
            f.t("ntm.col.year"): [str(int(y)) if pd.notna(y) else "" for y in status["year"]],
        }
    )
    ui.table(table, lang=lang, key="ntm_table")
    ui.downloads(table, name=f"nong-thon-moi-{f.period}", f=f, key="ntm_download")
    colours = ui.unit_colours(f, status.loc[status["criteria_met"].notna(), "unit_code"])
    ui.chart(ui.figure(charts.ntm_criteria_bar, status, f.period, f.chart_context(), colours), key="ntm_criteria")

# Communes per level over time: one panel per criteria set
counts = queries.ntm_level_counts(area_id, f.periods)
ui.chart(ui.figure(charts.ntm_levels_chart, counts, f.periods, f.chart_context()), key="ntm_levels")

# The committee's targets, met or not
st.subheader(f.t("ntm.targets"))
targets = queries.targets_progress(area_id)
if targets.empty:
    ui.empty(f.t("ntm.no_targets"))
else:

    def result(met: object) -> str:
        if met is None or pd.isna(met):
            return f.t("target.unknown")
        return f.t("target.met") if bool(met) else f.t("target.not_met")

    levels = targets[targets["indicator"] == "NTM_LEVEL"]
    for period, rows in levels.groupby("period", sort=True):
        names = ", ".join(strip_unit_prefix(n) for n in rows["unit_name"])
        known = rows["met"].dropna()
        summary = f.t("target.summary", met=int(known.astype(bool).sum()), total=len(rows))
        line = f.t("ntm.target_line", period=period_short(str(period), lang), names=names, result=summary)
        if len(known) == len(rows) and known.astype(bool).all():
            st.success(line, icon="✅")
        else:
            st.warning(line, icon="🚩")
    shown = pd.DataFrame(
        {
            f.t("col.period"): [period_label(p, lang) for p in targets["period"]],
            f.t("col.unit"): targets["unit_name"],
            f.t("col.indicator"): [indicator_name(c, lang) for c in targets["indicator"]],
            f.t("col.target"): targets["target"].astype(float),
            f.t("col.actual"): pd.to_numeric(targets["actual"], errors="coerce"),
            f.t("col.result"): [result(m) for m in targets["met"]],
        }
    )
    ui.table(shown, lang=lang, key="ntm_targets")

"""Tình hình báo cáo: a units × periods matrix of reported / partly / not reported, counted only
against the units that existed in each period, with the counts per period."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, queries, state, ui
from dashboard.i18n import period_label, period_short

f = state.current(__file__)
lang = f.lang
area_id = f.area.unit_id
ui.header(f, "page.tinh_hinh_bao_cao", f"{period_short(f.periods[0], lang)} – {period_short(f.periods[-1], lang)}")
st.caption(f.t("reporting.note"))

# The chosen period first: who is missing
now = queries.completeness(area_id, (f.period,))
if now.empty:
    ui.empty(f.t("empty.units"))
else:
    done = now[now["status"] != "missing"]
    st.metric(
        f.t("filter.period"),
        f.t("reporting.headline", period=period_label(f.period, lang), reported=len(done), expected=len(now)),
    )
    ui.reporting_notice(f, now)

# The matrix over the range
status = queries.completeness(area_id, f.periods)
ui.chart(ui.figure(charts.reporting_matrix, status, f.periods, f.chart_context()), key="reporting_matrix")

st.subheader(f.t("reporting.counts"))
if not status.empty:
    counts = status.pivot_table(index="period", columns="status", values="unit_id", aggfunc="count", fill_value=0)
    counts = counts.reindex(
        index=[p for p in f.periods if p in counts.index], columns=list(charts.STATUS_ORDER), fill_value=0
    )
    table = pd.DataFrame(
        {
            f.t("col.period"): [period_label(p, lang) for p in counts.index],
            f.t("col.reported"): counts["reported"].to_numpy(),
            f.t("col.partly"): counts["partial"].to_numpy(),
            f.t("col.missing"): counts["missing"].to_numpy(),
            f.t("col.expected"): counts.sum(axis=1).to_numpy(),
        }
    )
    ui.table(table, lang=lang, key="reporting_counts")
    detail = pd.DataFrame(
        {
            f.t("col.period"): ui.labelled(status["period"], lambda p: period_label(p, lang)),
            f.t("col.unit_code"): status["unit_code"].astype(str),
            f.t("col.unit"): status["unit_name"],
            f.t("col.status"): ui.labelled(status["status"], lambda s: f.t(f"status.{s}")),
            f.t("col.n_values"): status["n_values"].astype(int),
            f.t("col.n_expected"): status["n_expected"].astype(int),
        }
    )
    with st.expander(f.t("details.sources")):
        ui.table(detail, lang=lang, key="reporting_detail")
        ui.downloads(detail, name=f"tinh-hinh-bao-cao-{f.periods[0]}-{f.periods[-1]}", f=f, key="reporting_download")

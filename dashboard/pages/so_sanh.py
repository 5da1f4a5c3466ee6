"""So sánh đơn vị: units ranked for a period and indicator, a units × periods heat map, and the
figures as a sortable table to download (CSV, Excel)."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries, state, ui
from dashboard.i18n import period_label

f = state.current(__file__)
lang = f.lang
area_id = f.area.unit_id
ui.header(f, "page.so_sanh", period_label(f.period, lang))

indicator = ui.indicator_picker(f, "DLG_HELD")
ranking = queries.unit_values(area_id, (f.period,), (indicator,), f.boundaries)
colours = ui.unit_colours(f, ranking["unit_code"])
units = queries.area_units(area_id, f.period, f.boundaries)
not_reported = units.loc[~units["unit_id"].isin(ranking["unit_id"]), "unit_name"].tolist()
ui.chart(
    ui.figure(charts.unit_bar, ranking, indicator, f.period, f.chart_context(), colours, missing=not_reported),
    key="compare_ranking",
)

values = queries.unit_values(area_id, f.periods, (indicator,), f.boundaries)
ui.chart(ui.figure(charts.heatmap, values, f.periods, indicator, f.chart_context()), key="compare_heatmap")

st.subheader(f.t("compare.table"))
if values.empty:
    ui.empty(f.t("empty.range"))
else:
    shown = ui.values_table(values, lang)
    ui.table(shown, lang=lang, decimals={f.t("col.value"): ui.decimals_for(indicator)}, key="compare_table")
    ui.downloads(shown, name=f"so-sanh-{indicator}-{f.periods[0]}-{f.periods[-1]}", f=f, key="compare_download")

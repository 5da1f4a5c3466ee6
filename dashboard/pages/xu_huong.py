"""Xu hướng: one indicator over a range of periods, the area total and chosen units; gaps where
nobody reported; the 1/7/2025 reorganisation marked; optionally rolled up by year."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries, state, ui
from dashboard.i18n import period_short

f = state.current(__file__)
lang = f.lang
area_id = f.area.unit_id
ui.header(f, "page.xu_huong", f"{period_short(f.periods[0], lang)} – {period_short(f.periods[-1], lang)}")

# The indicator's name is long: it gets the whole width; the units and the by-year switch share the
# next row, the switch with room for its label in both languages.
indicator = ui.indicator_picker(f, "DLG_HELD")
units_column, year_column = st.columns([4, 1], vertical_alignment="bottom")
values = queries.unit_values(area_id, f.periods, (indicator,), f.boundaries)
# A code can name two units (30787: the town until 2025, Xã Kiên Lương after): one option, both lines.
names = (
    values.drop_duplicates(["unit_code", "unit_name"])
    .groupby("unit_code", sort=True)["unit_name"]
    .agg(lambda n: " / ".join(reversed(list(n))))
)
with year_column:
    by_year = state.flag("years", label=f.t("filter.by_year"))
with units_column:
    chosen = state.choose_many(
        "units",
        list(names.index),
        label=f.t("filter.units"),
        format_func=lambda code: f"{names.get(code, code)} ({code})",
        placeholder=f.t("filter.units.placeholder"),
        disabled=by_year,
    )

if by_year:
    with ui.guarded(lang):
        totals = queries.yearly_totals(area_id, f.periods, indicator, f.boundaries)
        years = tuple(dict.fromkeys(p[:4] for p in f.periods))
        figure = ui.figure(charts.trend_chart, years, indicator, f.chart_context(), totals=totals, height=600)
        ui.chart(figure, key="trend_years")
        st.caption(f.t("trend.by_year_units"))
else:
    totals = queries.area_totals(area_id, f.periods, (indicator,), f.boundaries)
    lines = values[values["unit_code"].isin(chosen)]
    figure = ui.figure(
        charts.trend_chart,
        f.periods,
        indicator,
        f.chart_context(),
        totals=totals,
        units=lines,
        colours=ui.unit_colours(f, lines["unit_code"]),
        height=600,
    )
    ui.chart(figure, key="trend")
st.caption(f.t("trend.gaps"))

if values.empty:
    ui.empty(f.t("empty.range"))
else:
    with st.expander(f.t("details.sources")):
        shown = ui.values_table(values, lang)
        ui.table(shown, lang=lang, decimals={f.t("col.value"): ui.decimals_for(indicator)}, key="trend_table")
        ui.downloads(shown, name=f"xu-huong-{indicator}-{f.periods[0]}-{f.periods[-1]}", f=f, key="trend_download")

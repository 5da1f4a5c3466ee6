"""Hồ sơ đơn vị: one unit of the area — every indicator across periods, a small trend, its place in
the 2025 reorganisation, and the import batches its figures came from."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, queries, state, ui
from dashboard.i18n import indicator_name, period_short
from etl.indicators import indicator_catalog
from etl.settings import get_settings
from etl.text import format_datetime

f = state.current(__file__)
lang = f.lang
area_id = f.area.unit_id
ui.header(f, "page.ho_so_don_vi", f"{period_short(f.periods[0], lang)} – {period_short(f.periods[-1], lang)}")

# The units of the area over the range (both catalogs when the range crosses 1/7/2025)
frames = [queries.area_units(area_id, p, f.boundaries) for p in dict.fromkeys((f.periods[0], f.periods[-1]))]
units = pd.concat(frames, ignore_index=True).drop_duplicates("unit_id")
if units.empty:
    ui.empty(f.t("empty.units"))
else:
    labels = {
        int(u): f"{n} ({c})" for u, n, c in zip(units["unit_id"], units["unit_name"], units["unit_code"], strict=True)
    }
    unit_id = state.choose(
        "unit",
        list(labels),
        next(iter(labels)),
        label=f.t("profile.pick"),
        format_func=lambda u: labels[u],
        decode=state.decode_int,
    )
    unit_name = labels[unit_id]
    st.header(unit_name)

    mine = queries.one_unit_values(unit_id, f.periods, f.boundaries)
    st.subheader(f.t("profile.table"))
    if mine.empty:
        ui.empty(f.t("empty.range"))
    else:
        codes = [c for c in indicator_catalog().codes if c in set(mine["indicator"])]
        wide = mine.pivot_table(index="indicator", columns="period", values="value", aggfunc="first")
        wide = wide.reindex(index=codes, columns=[p for p in f.periods if p in wide.columns]).astype(float)
        shown = pd.DataFrame({f.t("col.indicator"): [indicator_name(c, lang) for c in wide.index]})
        for period in wide.columns:
            shown[period_short(period, lang)] = wide[period].to_numpy()
        ui.table(shown, lang=lang, key="profile_table", height=min(38 * (len(shown) + 1) + 4, 900))
        with st.expander(f.t("details.sources")):
            detail = ui.values_table(mine, lang)
            ui.table(detail, lang=lang, key="profile_detail")
            ui.downloads(detail, name=f"ho-so-{unit_id}-{f.periods[0]}-{f.periods[-1]}", f=f, key="profile_download")

        indicator = ui.indicator_picker(f, "DLG_HELD", codes=codes)
        trend = ui.figure(
            charts.trend_chart,
            f.periods,
            indicator,
            f.chart_context(area=unit_name),
            units=mine[mine["indicator"] == indicator],
            colours=ui.unit_colours(f, mine["unit_code"]),
            height=460,
        )
        ui.chart(trend, key="profile_trend")

    left, right = st.columns(2)
    with left:
        st.subheader(f.t("profile.lineage"))
        links = queries.lineage(unit_id)
        if links.empty:
            ui.empty(f.t("profile.no_lineage"))
        else:
            ui.table(
                pd.DataFrame(
                    {
                        f.t("col.direction"): [f.t(f"lineage.{d}") for d in links["direction"]],
                        f.t("col.unit_code"): links["unit_code"].astype(str),
                        f.t("col.unit"): links["unit_name"],
                        f.t("col.catalog"): [f.t(f"catalog.{c}") for c in links["catalog"]],
                        f.t("col.whole"): [f.t("lineage.whole") if w else f.t("lineage.part") for w in links["whole"]],
                    }
                ),
                lang=lang,
                key="profile_lineage",
            )
    with right:
        st.subheader(f.t("profile.batches"))
        batches = queries.unit_batches(unit_id)
        if batches.empty:
            ui.empty(f.t("profile.no_batches"))
        else:
            zone = get_settings().timezone
            table = pd.DataFrame(
                {
                    f.t("col.batch"): [f"#{b}" for b in batches["batch_id"]],
                    f.t("col.file"): batches["file_name"],
                    f.t("col.format"): batches["file_format"],
                    f.t("col.loaded_by"): batches["loaded_by"],
                    f.t("col.loaded_at"): [
                        format_datetime(pd.Timestamp(m).to_pydatetime(), zone) for m in batches["started_at"]
                    ],
                    f.t("col.values"): batches["values"].astype(int),
                }
            )
            if "unit_name" in batches:
                table.insert(1, f.t("col.for_unit"), batches["unit_name"])
            ui.table(table, lang=lang, key="profile_batches")

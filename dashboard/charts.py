"""Plotly figure builders: a DataFrame in, a ``go.Figure`` out. No Streamlit here.

Every figure is made for a meeting screen: Vietnamese labels (English when asked), Vietnamese
number format (``separators=",."``: 1.050 and 85,5), big fonts, a title that says what, a subtitle
that says where and when, a source line with the date of the last update, and "Dữ liệu minh họa"
on the sample data. A unit keeps its colour across charts (:func:`colour_map`, keyed on its code),
a period without a report is a gap (``None``), never a zero, and series that cross 1/7/2025 carry
a marker for the reorganisation.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from dashboard.i18n import (
    indicator_name,
    ntm_level_label,
    period_label,
    period_short,
    t,
)
from etl.indicators import indicator_unit
from etl.periods import parse_period
from etl.reports.model import ChartSpec, Slide

SEPARATORS = ",."  # decimal comma, thousands dot: Vietnamese
FONT_FAMILY = "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
FONT_SIZE = 16
TITLE_SIZE = 24
SUBTITLE_SIZE = 17
AXIS_TITLE_SIZE = 18
TICK_SIZE = 16
SOURCE_SIZE = 13
TOTAL_COLOUR = "#1f2933"
MISSING_COLOUR = "#d9dde3"
# Saturated colours that stay apart on a projector (Tableau 10 without its grey), then Dark 24.
PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    *qualitative.Dark24,
)
LEVEL_COLOURS = {0: "#c9ced6", 1: "#8fd19e", 2: "#2e9e4f", 3: "#11592c"}
STATUS_COLOURS = {"missing": "#d64545", "partial": "#f2b134", "reported": "#2e9e4f"}
STATUS_ORDER = ("missing", "partial", "reported")
COMPACT_TICKS = 10  # more periods than this: one tick label per year
MAX_YEAR_LABELS = 10  # more years than this: a label every second (third…) year
# The top of a figure, in pixels from its top edge: the sample badge on a row of its own, then the
# title and subtitle lines, then room for the labels drawn just above the plot (reorganisation).
BADGE_TOP = 10
BADGE_ROW = 40
TITLE_TOP = 14
TITLE_BLOCK = 72  # the title and a one-line subtitle, which plotly sets 1.6 em under the title
SUBTITLE_LINE = 16  # each further line of the subtitle (plotly moves a longer subtitle up: about 10 px a line)
ABOVE_PLOT = 34  # the reorganisation marker's label sits there
PANEL_TITLE_ROWS = 64  # two lines of panel titles above the NTM levels panels
PANEL_MIN_SHARE = 0.25  # the least width of an NTM levels panel, against all the panels' periods
HEIGHT_TOP = 125  # the top margin the heights passed to _finish were chosen for: a taller top adds to them
REORGANISATION = parse_period("2025S2")  # the first half-year on the 2025 units (1/7/2025)


@dataclass(frozen=True, slots=True)
class ChartContext:
    """What every figure says besides its data: language, where, which boundaries, the date of
    the last update and whether the figures are the illustrative sample."""

    lang: str = "vi"
    area: str = ""
    boundaries: str = "reported"
    updated: date | None = None
    sample: bool = False

    def source_line(self) -> str:
        when = self.updated.strftime("%d/%m/%Y") if self.updated else t("source.unknown_date", self.lang)
        return t("source.line", self.lang, date=when)


# ------------------------------------------------------------------------------------------------
# Shared pieces
# ------------------------------------------------------------------------------------------------


def colour_map(codes: Iterable[str]) -> dict[str, str]:
    """A colour per unit code, in code order: the same set of codes always gives the same colours,
    so a page builds the map once from all the area's units and passes it to every chart."""
    ordered = sorted({str(code) for code in codes})
    return {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(ordered)}


def _colour(colours: Mapping[str, str] | None, code: str) -> str:
    if colours and code in colours:
        return colours[code]
    return PALETTE[sum(map(ord, code)) % len(PALETTE)]


def value_format(indicator: str) -> str:
    """d3 format of an indicator's values: one decimal for a rate or an average, none otherwise."""
    return ",.1f" if indicator in {"CMP_RATE", "NTM_CRITERIA_MET"} else ",.0f"


def _whole_ticks(indicator: str, values: Iterable[float | None]) -> dict[str, object]:
    """Whole-number ticks (no "1, 1, 2, 2") for a small count; plotly's own choice otherwise."""
    if value_format(indicator) != ",.0f":
        return {}
    finite = [float(v) for v in values if v is not None and v == v]
    top = max(finite, default=0.0)
    return {"tick0": 0, "dtick": 1} if top <= 10 else {}


def _unit_suffix(indicator: str, lang: str) -> str:
    unit = indicator_unit(indicator, lang)
    return f" {unit}" if unit else ""


def _axis_unit(indicator: str, lang: str) -> str:
    """The value axis: the unit of measure ("Cuộc", "Đơn", "%"; "Dialogues", "Petitions" in
    English), "Giá trị" / "Value" for an indicator without one."""
    unit = indicator_unit(indicator, lang)
    if unit == "%":
        return unit
    if not unit:
        return t("col.value", lang)
    return unit[:1].upper() + unit[1:]


def _period_ticks(periods: Sequence[str], lang: str, compact: bool | None = None) -> dict[str, object]:
    """A category axis of periods in order, its labels never touching.

    Up to :data:`COMPACT_TICKS` periods: a label per period on two lines ("6T đầu" over "2019").
    More: one label per year, centred under its half-years, with a small tick under each half-year
    (and a label only every second or third year when there are more than :data:`MAX_YEAR_LABELS`).
    """
    periods = list(periods)
    if compact is None:
        compact = len(periods) > COMPACT_TICKS
    axis: dict[str, object] = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": periods,
        "tickmode": "array",
        "tickfont": {"size": TICK_SIZE},
    }
    if not compact:
        return axis | {"tickvals": periods, "ticktext": [_tick(p, lang) for p in periods], "tickangle": 0}
    years: dict[int, list[int]] = {}
    for index, code in enumerate(periods):
        years.setdefault(parse_period(code).year, []).append(index)
    step = math.ceil(len(years) / MAX_YEAR_LABELS)
    labelled = list(years.items())[::step]
    # On a category axis a number is a position (0 = the first period): the middle of a year's halves.
    return axis | {
        "tickvals": [(indices[0] + indices[-1]) / 2 for _, indices in labelled],
        "ticktext": [str(year) for year, _ in labelled],
        "autotickangles": [0, 30, 90],  # level; slanted by plotly only on a screen too narrow for them
        "ticks": "",
        "showgrid": False,
        "minor": {
            "tickmode": "array",
            "tickvals": list(range(len(periods))),
            "ticks": "outside",
            "ticklen": 6,
            "tickcolor": "#9aa5b1",
            "showgrid": True,
            "gridcolor": "#eef0f3",
        },
    }


def _tick(code: str, lang: str) -> str:
    period = parse_period(code)
    if not period.half:
        return str(period.year)
    head, year = period_short(code, lang).rsplit(" ", 1)
    return f"{head}<br>{year}"


def _when(periods: Sequence[str], lang: str) -> str:
    if not periods:
        return ""
    if len(periods) == 1:
        return period_label(periods[0], lang)
    return f"{period_short(periods[0], lang)} – {period_short(periods[-1], lang)}"


def subtitle(ctx: ChartContext, when: str) -> str:
    """Where and when: "Huyện Kiên Lương · 6 tháng đầu năm 2019 · Như đã báo cáo"."""
    parts = [ctx.area, when, t(f"boundaries.{ctx.boundaries}", ctx.lang)]
    return " · ".join(p for p in parts if p)


def _finish(
    fig: go.Figure, title: str, sub: str, ctx: ChartContext, *, height: int = 520, above_plot: int = ABOVE_PLOT
) -> go.Figure:
    """Fonts, separators, title and subtitle, the source line, and the sample badge.

    The badge has a row of its own at the top left, above the title, so that it never covers a
    long title or subtitle (nor hides under plotly's toolbar, top right); the top margin is made
    from the rows above the plot: badge, title, subtitle lines, then ``above_plot`` pixels for the
    labels drawn just above the plot (the reorganisation marker, panel titles)."""
    title_top = TITLE_TOP + (BADGE_ROW if ctx.sample else 0)
    extra_lines = sub.count("<br>") if sub else 0
    top = title_top + TITLE_BLOCK + SUBTITLE_LINE * extra_lines + above_plot
    fig.update_layout(
        template="plotly_white",
        separators=SEPARATORS,
        height=height + max(0, top - HEIGHT_TOP),
        font={"family": FONT_FAMILY, "size": FONT_SIZE, "color": "#1f2933"},
        title={
            "text": f"<b>{title}</b>",
            "font": {"size": TITLE_SIZE},
            "x": 0,
            "xanchor": "left",
            "xref": "paper",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": title_top},
            "subtitle": {"text": sub, "font": {"size": SUBTITLE_SIZE, "color": "#52606d"}},
        },
        margin={"t": top, "b": 120, "l": 20, "r": 20},
        hoverlabel={"font": {"size": FONT_SIZE}},
        legend={"font": {"size": FONT_SIZE}, "orientation": "v", "x": 1.01, "y": 1, "yanchor": "top"},
    )
    fig.update_xaxes(title_font={"size": AXIS_TITLE_SIZE}, tickfont={"size": TICK_SIZE}, automargin=True)
    fig.update_yaxes(title_font={"size": AXIS_TITLE_SIZE}, tickfont={"size": TICK_SIZE}, automargin=True)
    source = ctx.source_line()
    if ctx.sample:
        source += " · " + t("sample.badge", ctx.lang)
        fig.add_annotation(
            text=f"<b>{t('sample.badge', ctx.lang).upper()}</b>",
            xref="paper",
            yref="paper",
            x=0,
            y=1,
            xanchor="left",
            yanchor="top",
            yshift=top - BADGE_TOP,  # from the top of the plot up to the top of the figure
            showarrow=False,
            name="sample_badge",
            font={"size": 15, "color": "#9b1c1c"},
            bgcolor="#fde8e8",
            bordercolor="#9b1c1c",
            borderwidth=1,
            borderpad=4,
        )
    fig.add_annotation(
        text=source,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-95,
        showarrow=False,
        align="left",
        font={"size": SOURCE_SIZE, "color": "#52606d"},
    )
    return fig


def _empty(title: str, sub: str, ctx: ChartContext, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 18})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _finish(fig, title, sub, ctx, height=300)


def _reorganisation_marker(fig: go.Figure, periods: Sequence[str], lang: str, **axes: str) -> None:
    """A dashed vertical line between 2025S1 and 2025S2 with its label, when the axis spans it."""
    parsed = [parse_period(p) for p in periods]
    if parsed and parsed[0].is_year:  # by year: the middle of 2025
        years = [p.year for p in parsed]
        if REORGANISATION.year not in years:
            return
        position: float = years.index(REORGANISATION.year)
    else:
        after = [i for i, p in enumerate(parsed) if p >= REORGANISATION]
        if not after or after[0] == 0:
            return
        position = after[0] - 0.5
    xref = axes.get("xref", "x")
    fig.add_shape(
        type="line",
        xref=xref,
        yref=axes.get("yref", "paper"),
        x0=position,
        x1=position,
        y0=0,
        y1=1,
        line={"color": "#7b8794", "width": 2, "dash": "dash"},
        name="reorganisation",
    )
    fig.add_annotation(
        text=t("chart.reorg", lang),
        xref=xref,
        yref=axes.get("yref", "paper"),
        x=position,
        y=1,
        # On the side with more periods: a label on a data axis widens the axis to fit it, and a
        # centred one near the end added an empty column after the last period.
        xanchor="right" if position >= (len(periods) - 1) / 2 else "left",
        yanchor="bottom",
        showarrow=False,
        font={"size": 14, "color": "#52606d"},
    )


def _sources(frame: pd.DataFrame, lang: str) -> list[str]:
    """The source of each row, flagged when a current-boundary figure includes part of a divided
    old unit."""
    partial = frame["partial"] if "partial" in frame else [False] * len(frame)
    return [
        f"{source} ({t('chart.hover.partial', lang)})" if bool(flag) else str(source)
        for source, flag in zip(frame["source"], partial, strict=True)
    ]


def _hover(indicator: str, lang: str, *, axis: str = "y") -> str:
    """Hover text: unit (trace or row name), period, value with its unit, and source."""
    fmt = value_format(indicator)
    name = indicator_name(indicator, lang)
    source = t("col.source", lang)
    unit = _unit_suffix(indicator, lang)
    return (
        f"<b>%{{customdata[0]}}</b><br>%{{customdata[1]}}<br>{name}: <b>%{{{axis}:{fmt}}}{unit}</b>"
        f"<br>{source}: %{{customdata[2]}}<extra></extra>"
    )


# ------------------------------------------------------------------------------------------------
# Bars by unit (Tổng quan, So sánh đơn vị)
# ------------------------------------------------------------------------------------------------


def unit_bar(
    values: pd.DataFrame,
    indicator: str,
    period: str,
    ctx: ChartContext,
    colours: Mapping[str, str] | None = None,
    *,
    missing: Sequence[str] = (),
    height: int | None = None,
) -> go.Figure:
    """Ranking of units for one period and indicator, largest on top.

    ``values``: columns unit_code, unit_name, value, source (and optionally partial) for that
    period and indicator; ``missing``: names of the area's units that did not report it.
    """
    title = indicator_name(indicator, ctx.lang)
    sub = subtitle(ctx, period_label(period, ctx.lang))
    if missing:
        sub += f"<br>{t('overview.missing', ctx.lang, names=', '.join(missing))}"
    if values.empty:
        return _empty(title, sub, ctx, t("empty.period", ctx.lang).replace("`", ""))
    frame = values.sort_values(["value", "unit_name"], ascending=[True, False])
    label = period_label(period, ctx.lang)
    fmt = value_format(indicator)
    fig = go.Figure(
        go.Bar(
            x=frame["value"].tolist(),
            y=frame["unit_name"].tolist(),
            orientation="h",
            marker={"color": [_colour(colours, str(c)) for c in frame["unit_code"]]},
            text=frame["value"].tolist(),
            texttemplate=f"%{{x:{fmt}}}",
            textposition="outside",
            textfont={"size": FONT_SIZE},
            cliponaxis=False,
            customdata=list(zip(frame["unit_name"], [label] * len(frame), _sources(frame, ctx.lang), strict=True)),
            hovertemplate=_hover(indicator, ctx.lang, axis="x"),
        )
    )
    fig.update_xaxes(
        title_text=_axis_unit(indicator, ctx.lang),
        tickformat=fmt,
        rangemode="tozero",
        **_whole_ticks(indicator, frame["value"]),
    )
    fig.update_yaxes(title_text=t("chart.unit_axis", ctx.lang), ticklabelstandoff=10)
    return _finish(fig, title, sub, ctx, height=height or max(360, 90 + 48 * len(frame) + 200))


# ------------------------------------------------------------------------------------------------
# Trend (Xu hướng, Hồ sơ đơn vị)
# ------------------------------------------------------------------------------------------------


def trend_chart(
    periods: Sequence[str],
    indicator: str,
    ctx: ChartContext,
    *,
    totals: pd.DataFrame | None = None,
    units: pd.DataFrame | None = None,
    colours: Mapping[str, str] | None = None,
    title_for: str | None = None,
    height: int = 560,
) -> go.Figure:
    """An indicator over ``periods``: the area total (``totals``: period, value, units_reporting,
    units_expected) as a thick dark line, and one line per unit (``units``: period, unit_id,
    unit_code, unit_name, value, source). A period without a figure is ``None`` (a gap); a total
    that not every unit reported is drawn with a hollow marker."""
    lang = ctx.lang
    labels = [period_label(p, lang) for p in periods]
    title = indicator_name(indicator, lang)
    sub = subtitle(ctx if title_for is None else _with_area(ctx, title_for), _when(periods, lang))
    fig = go.Figure()
    if totals is not None and not totals.empty:
        by_period = totals.drop_duplicates("period").set_index("period")
        y: list[float | None] = []
        custom = []
        symbols = []
        for period, label in zip(periods, labels, strict=True):
            if period in by_period.index:
                row = by_period.loc[period]
                y.append(float(row["value"]))
                reporting, expected = int(row["units_reporting"]), int(row["units_expected"])
                note = f"{t('chart.hover.units_reporting', lang)}: {reporting}/{expected}"
                symbols.append("circle-open" if reporting < expected else "circle")
            else:
                y.append(None)
                note = t("chart.not_reported", lang)
                symbols.append("circle")
            custom.append((t("area_total", lang) + (f" — {ctx.area}" if ctx.area else ""), label, note))
        fig.add_trace(
            go.Scatter(
                x=list(periods),
                y=y,
                name=t("area_total", lang),
                mode="lines+markers",
                connectgaps=False,
                line={"color": TOTAL_COLOUR, "width": 4},
                marker={"size": 11, "symbol": symbols, "line": {"width": 2, "color": TOTAL_COLOUR}},
                customdata=custom,
                hovertemplate=_hover(indicator, lang).replace(t("col.source", lang) + ": ", ""),
            )
        )
    if units is not None and not units.empty:
        for (unit_id, code), rows in units.groupby(["unit_id", "unit_code"], sort=False):
            rows = rows.drop_duplicates("period")
            by_period = rows.assign(_source=_sources(rows, lang)).set_index("period")
            name = str(rows["unit_name"].iloc[0])
            y = [float(by_period.loc[p, "value"]) if p in by_period.index else None for p in periods]
            sources = [str(by_period.loc[p, "_source"]) if p in by_period.index else "" for p in periods]
            fig.add_trace(
                go.Scatter(
                    x=list(periods),
                    y=y,
                    name=name,
                    legendgroup=str(unit_id),
                    mode="lines+markers",
                    connectgaps=False,
                    line={"color": _colour(colours, str(code)), "width": 2.5},
                    marker={"size": 8},
                    customdata=list(zip([name] * len(periods), labels, sources, strict=True)),
                    hovertemplate=_hover(indicator, lang),
                )
            )
    if not fig.data:
        return _empty(title, sub, ctx, t("empty.range", lang).replace("`", ""))
    fig.update_xaxes(title_text=t("chart.period_axis", lang), **_period_ticks(periods, lang))
    plotted = [v for trace in fig.data for v in (trace.y or ())]
    fig.update_yaxes(
        title_text=_axis_unit(indicator, lang),
        tickformat=value_format(indicator),
        rangemode="tozero",
        **_whole_ticks(indicator, plotted),
    )
    _reorganisation_marker(fig, periods, lang)
    fig.update_layout(hovermode="closest")
    return _finish(fig, title, sub, ctx, height=height)


def _with_area(ctx: ChartContext, area: str) -> ChartContext:
    return ChartContext(lang=ctx.lang, area=area, boundaries=ctx.boundaries, updated=ctx.updated, sample=ctx.sample)


# ------------------------------------------------------------------------------------------------
# Heat map units × periods (So sánh đơn vị)
# ------------------------------------------------------------------------------------------------


def _unit_rows(frame: pd.DataFrame, periods: Sequence[str], lang: str) -> list[tuple[int, str, str]]:
    """(unit_id, code, label) in reading order: units of earlier periods first, then by code.

    A row is labelled by the unit's name; two units spelled alike (Xã Hòa Điền before and after
    1/7/2025) get their catalog, and their code if that is still not enough."""
    first_seen = {p: i for i, p in enumerate(periods)}
    units = (
        frame.assign(_p=frame["period"].map(first_seen))
        .groupby(["unit_id", "unit_code", "unit_name"], as_index=False)["_p"]
        .min()
        .sort_values(["_p", "unit_code"])
    )
    rows = []
    for unit_id, code, name, first in zip(
        units["unit_id"], units["unit_code"], units["unit_name"], units["_p"], strict=True
    ):
        catalog = "2025" if parse_period(periods[int(first)]) >= REORGANISATION else "pre2025"
        rows.append((int(unit_id), str(code), str(name), catalog))
    names = Counter(name for _, _, name, _ in rows)
    with_catalog = Counter((name, catalog) for _, _, name, catalog in rows)
    out = []
    for unit_id, code, name, catalog in rows:
        label = name
        if names[name] > 1:
            label = f"{name} · {t(f'catalog.{catalog}', lang)}"
            if with_catalog[(name, catalog)] > 1:
                label = f"{label} ({code})"
        out.append((unit_id, code, label))
    return out


def _cells(grid: Sequence[Sequence[object]], shape: tuple[int, ...]) -> np.ndarray:
    """A units × periods grid as a numpy array of Python objects (a blank stays ``None``): plotly
    checks an array at once, where it walks nested lists value by value (seconds for a province)."""
    out = np.empty(shape, dtype=object)
    out[...] = grid
    return out


def heatmap(values: pd.DataFrame, periods: Sequence[str], indicator: str, ctx: ChartContext) -> go.Figure:
    """Units × periods for one indicator (``values``: period, unit_id, unit_code, unit_name,
    value, source); an empty cell is a period the unit did not report (or did not exist)."""
    lang = ctx.lang
    title = indicator_name(indicator, lang)
    sub = subtitle(ctx, _when(periods, lang))
    if values.empty:
        return _empty(title, sub, ctx, t("empty.range", lang).replace("`", ""))
    rows = _unit_rows(values, periods, lang)
    values = values.drop_duplicates(["unit_id", "period"])
    cells = {  # (unit_id, period) → (value, source): one look-up per cell
        (int(u), p): (float(v), str(s))
        for u, p, v, s in zip(values["unit_id"], values["period"], values["value"], _sources(values, lang), strict=True)
    }
    labels = {p: period_label(p, lang) for p in periods}
    not_reported = t("chart.not_reported", lang)
    z: list[list[float | None]] = []
    custom: list[list[tuple[str, str, str]]] = []
    for unit_id, _code, label in rows:
        z_row: list[float | None] = []
        c_row = []
        for period in periods:
            cell = cells.get((unit_id, period))
            z_row.append(cell[0] if cell else None)
            c_row.append((label, labels[period], cell[1] if cell else not_reported))
        z.append(z_row)
        custom.append(c_row)
    fmt = value_format(indicator)
    fig = go.Figure(
        go.Heatmap(
            z=_cells(z, (len(rows), len(periods))),
            x=list(periods),
            y=[label for _, _, label in rows],
            customdata=_cells(custom, (len(rows), len(periods), 3)),
            colorscale="Blues",
            hoverongaps=True,
            xgap=2,
            ygap=2,
            texttemplate=f"%{{z:{fmt}}}",
            textfont={"size": 14},
            colorbar={
                "title": {"text": _axis_unit(indicator, lang)},
                "tickformat": fmt,
                **_whole_ticks(indicator, [v for row in z for v in row]),
            },
            hovertemplate=_hover(indicator, lang, axis="z"),
        )
    )
    fig.update_xaxes(title_text=t("chart.period_axis", lang), **_period_ticks(periods, lang))
    fig.update_yaxes(title_text=t("chart.unit_axis", lang), autorange="reversed", ticklabelstandoff=8)
    _reorganisation_marker(fig, periods, lang)
    return _finish(fig, title, sub, ctx, height=max(420, 240 + 44 * len(rows)))


# ------------------------------------------------------------------------------------------------
# New rural areas
# ------------------------------------------------------------------------------------------------


def ntm_criteria_bar(
    status: pd.DataFrame, period: str, ctx: ChartContext, colours: Mapping[str, str] | None = None
) -> go.Figure:
    """Criteria met per commune in one period, against the size of the set in force (one set per
    period, so one axis). ``status``: unit_code, unit_name, level, criteria_met, criteria_size,
    criteria_set."""
    lang = ctx.lang
    title = indicator_name("NTM_CRITERIA_MET", lang)
    frame = status.dropna(subset=["criteria_met"])
    if frame.empty:
        return _empty(title, subtitle(ctx, period_label(period, lang)), ctx, t("empty.period", lang).replace("`", ""))
    sets = frame.drop_duplicates("criteria_set")
    set_code, size = str(sets["criteria_set"].iloc[0]), int(sets["criteria_size"].iloc[0])
    sub = subtitle(ctx, period_label(period, lang)) + " · " + t("chart.criteria_set", lang, code=set_code, size=size)
    frame = frame.sort_values(["criteria_met", "unit_name"], ascending=[True, False])
    levels = [ntm_level_label(v, lang) for v in frame["level"]]
    fig = go.Figure(
        go.Bar(
            x=frame["criteria_met"].tolist(),
            y=frame["unit_name"].tolist(),
            orientation="h",
            marker={"color": [_colour(colours, str(c)) for c in frame["unit_code"]]},
            text=[f"{int(m)}/{size} · {lvl}" for m, lvl in zip(frame["criteria_met"], levels, strict=True)],
            # Inside a bar that has room for it, after a short one: the axis can end at the set size.
            textposition="auto",
            insidetextanchor="end",
            textfont={"size": FONT_SIZE},
            constraintext="none",
            cliponaxis=False,
            customdata=list(zip(frame["unit_name"], [period_label(period, lang)] * len(frame), levels, strict=True)),
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
                f"{title}: <b>%{{x}}/{size}</b><br>{t('ntm.col.level', lang)}: %{{customdata[2]}}<extra></extra>"
            ),
        )
    )
    fig.add_vline(x=size, line={"color": "#52606d", "dash": "dot", "width": 2})
    step = 2 if size > 12 else 1
    fig.update_xaxes(
        title_text=t("chart.criteria_in_force", lang) + f" ({size})",
        range=[0, size],
        tickmode="array",
        tickvals=sorted({*range(0, size, step), size}),
    )
    fig.update_yaxes(title_text=t("chart.unit_axis", lang), ticklabelstandoff=10)
    return _finish(fig, title, sub, ctx, height=max(360, 90 + 48 * len(frame) + 200))


def ntm_levels_chart(counts: pd.DataFrame, periods: Sequence[str], ctx: ChartContext) -> go.Figure:
    """Communes per NTM level over time, stacked, one panel per criteria set (levels are never
    compared across sets). ``counts``: period, criteria_set, level, communes."""
    lang = ctx.lang
    title = t("ntm.levels_title", lang)
    sub = subtitle(ctx, _when(periods, lang))
    if counts.empty:
        return _empty(title, sub, ctx, t("empty.range", lang).replace("`", ""))
    sets = list(dict.fromkeys(counts.sort_values("period", key=lambda s: s.map(_order(periods)))["criteria_set"]))
    set_periods = {s: [p for p in periods if p in set(counts.loc[counts["criteria_set"] == s, "period"])] for s in sets}
    sizes = {s: max(1, len(ps)) for s, ps in set_periods.items()}
    # A panel is as wide as its periods, but never narrower than its title needs.
    least = sum(sizes.values()) * PANEL_MIN_SHARE
    fig = make_subplots(
        rows=1,
        cols=len(sets),
        shared_yaxes=True,
        column_widths=[max(sizes[s], least) for s in sets],
        horizontal_spacing=0.04,
        subplot_titles=[t("chart.criteria_set_panel", lang, code=s, size=_set_size(s)) for s in sets],
    )
    shown: set[int] = set()
    for col, set_code in enumerate(sets, start=1):
        part = counts[counts["criteria_set"] == set_code]
        ps = set_periods[set_code]
        for level in sorted(part["level"].unique()):
            rows = part[part["level"] == level].set_index("period")
            y = [float(rows.loc[p, "communes"]) if p in rows.index else None for p in ps]
            label = ntm_level_label(level, lang)
            fig.add_trace(
                go.Bar(
                    x=ps,
                    y=y,
                    name=label,
                    legendgroup=str(level),
                    showlegend=int(level) not in shown,
                    marker={"color": LEVEL_COLOURS.get(int(level), "#999")},
                    customdata=[(label, period_label(p, lang)) for p in ps],
                    hovertemplate=(
                        f"<b>%{{customdata[0]}}</b><br>%{{customdata[1]}}<br>{t('chart.communes_axis', lang)}: "
                        "<b>%{y:,.0f}</b><extra></extra>"
                    ),
                ),
                row=1,
                col=col,
            )
            shown.add(int(level))
        fig.update_xaxes(row=1, col=col, **_period_ticks(ps, lang, compact=len(periods) > COMPACT_TICKS))
    fig.update_layout(barmode="stack", bargap=0.25)
    fig.update_yaxes(title_text=t("chart.communes_axis", lang), row=1, col=1, tickformat=",d", rangemode="tozero")
    fig.update_annotations(font={"size": SUBTITLE_SIZE}, yshift=4)
    return _finish(fig, title, sub, ctx, height=560, above_plot=PANEL_TITLE_ROWS)


def _order(periods: Sequence[str]) -> dict[str, int]:
    return {p: i for i, p in enumerate(periods)}


def _set_size(code: str) -> int:
    from etl.catalog import CRITERIA_SETS

    return next((s.size for s in CRITERIA_SETS if s.code == code), 0)


# ------------------------------------------------------------------------------------------------
# Reporting status (Tình hình báo cáo)
# ------------------------------------------------------------------------------------------------


def reporting_matrix(status: pd.DataFrame, periods: Sequence[str], ctx: ChartContext) -> go.Figure:
    """Units × periods coloured reported / partly / not reported; a blank cell is a period in which
    the unit did not exist. ``status``: period, unit_id, unit_code, unit_name, status, n_values,
    n_expected (one row per unit that existed in the period)."""
    lang = ctx.lang
    title = t("page.tinh_hinh_bao_cao", lang)
    sub = subtitle(ctx, _when(periods, lang))
    if status.empty:
        return _empty(title, sub, ctx, t("empty.units", lang))
    rows = _unit_rows(status, periods, lang)
    unique = status.drop_duplicates(["unit_id", "period"])
    cells = {  # (unit_id, period) → (status, "n/expected"): one look-up per cell
        (int(u), p): (str(s), f"{int(n)}/{int(e)}")
        for u, p, s, n, e in zip(
            unique["unit_id"], unique["period"], unique["status"], unique["n_values"], unique["n_expected"], strict=True
        )
    }
    code_of = {s: i for i, s in enumerate(STATUS_ORDER)}
    labels = {p: period_label(p, lang) for p in periods}
    states = {s: t(f"status.{s}", lang) for s in (*STATUS_ORDER, "absent")}
    z: list[list[int | None]] = []
    custom = []
    for unit_id, _code, label in rows:
        z_row: list[int | None] = []
        c_row = []
        for period in periods:
            cell = cells.get((unit_id, period))
            if cell:
                z_row.append(code_of[cell[0]])
                c_row.append((label, labels[period], states[cell[0]], cell[1]))
            else:
                z_row.append(None)
                c_row.append((label, labels[period], states["absent"], ""))
        z.append(z_row)
        custom.append(c_row)
    n = len(STATUS_ORDER)
    scale = []
    for i, state in enumerate(STATUS_ORDER):
        scale += [[i / n, STATUS_COLOURS[state]], [(i + 1) / n, STATUS_COLOURS[state]]]
    fig = go.Figure(
        go.Heatmap(
            z=_cells(z, (len(rows), len(periods))),
            x=list(periods),
            y=[label for _, _, label in rows],
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            xgap=3,
            ygap=3,
            hoverongaps=False,
            customdata=_cells(custom, (len(rows), len(periods), 4)),
            colorbar={
                "tickvals": list(range(n)),
                "ticktext": [t(f"status.{s}", lang) for s in STATUS_ORDER],
                "tickfont": {"size": 15},
                "len": 0.6,
            },
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>%{customdata[1]}<br><b>%{customdata[2]}</b> "
                f"(%{{customdata[3]}} {t('col.n_values', lang).lower()})<extra></extra>"
            ),
        )
    )
    fig.update_xaxes(title_text=t("chart.period_axis", lang), **_period_ticks(periods, lang))
    fig.update_yaxes(title_text=t("chart.unit_axis", lang), autorange="reversed", ticklabelstandoff=8)
    _reorganisation_marker(fig, periods, lang)
    return _finish(fig, title, sub, ctx, height=max(420, 240 + 44 * len(rows)))


# ------------------------------------------------------------------------------------------------
# The ready-made deck (Trình chiếu): a ChartSpec of etl.reports as a plotly figure
# ------------------------------------------------------------------------------------------------


def _d3_format(number_format: str) -> str:
    """The d3 format of an Excel number format: as many decimals as it has after its point."""
    decimals = len(number_format.split(".", 1)[1].rstrip('"%')) if "." in number_format else 0
    return f",.{decimals}f"


def deck_chart(spec: ChartSpec, ctx: ChartContext, *, sub: str | None = None) -> go.Figure:
    """A slide's chart (:class:`etl.reports.model.ChartSpec`) styled like every other figure: the
    same values the PowerPoint and Excel charts carry, ``None`` a gap (never 0). ``sub``: the
    slide's subtitle (where, when, which boundaries); by default the area and the boundaries."""
    lang = ctx.lang
    sub = subtitle(ctx, "") if sub is None else sub
    if not spec.categories or not spec.series:
        return _empty(spec.title, sub, ctx, t("empty.period", lang).replace("`", ""))
    fmt = _d3_format(spec.number_format)
    categories = list(spec.categories)
    horizontal = spec.horizontal and spec.kind != "line"
    fig = go.Figure()
    for index, (name, values) in enumerate(spec.series.items()):
        colour = spec.colours[index] if index < len(spec.colours) else PALETTE[index % len(PALETTE)]
        values = list(values)
        value_axis = "x" if horizontal else "y"
        hover = f"<b>%{{{'y' if horizontal else 'x'}}}</b><br>{name}: <b>%{{{value_axis}:{fmt}}}</b><extra></extra>"
        if spec.kind == "line":
            fig.add_trace(
                go.Scatter(
                    x=categories,
                    y=values,
                    name=name,
                    mode="lines+markers+text" if spec.data_labels else "lines+markers",
                    connectgaps=False,
                    line={"color": colour, "width": 4},
                    marker={"size": 11},
                    texttemplate=f"%{{y:{fmt}}}",
                    textposition="top center",
                    textfont={"size": FONT_SIZE},
                    cliponaxis=False,
                    hovertemplate=hover,
                )
            )
            continue
        single = len(spec.series) == 1
        points = list(spec.point_colours) if single and len(spec.point_colours) == len(categories) else None
        fig.add_trace(
            go.Bar(
                x=values if horizontal else categories,
                y=categories if horizontal else values,
                name=name,
                orientation="h" if horizontal else "v",
                marker={"color": points or colour},
                texttemplate=f"%{{{value_axis}:{fmt}}}" if spec.data_labels else None,
                # A bar that can reach the axis end (a rate, the criteria set) has its label inside.
                textposition="inside" if spec.kind == "stacked" else ("auto" if spec.axis_max else "outside"),
                insidetextanchor="middle" if spec.kind == "stacked" else "end",
                textfont={"size": FONT_SIZE},
                cliponaxis=False,
                hovertemplate=hover,
            )
        )
    fig.update_layout(
        barmode={"stacked": "stack", "clustered": "group"}.get(spec.kind, "relative"),
        bargap=0.25,
        showlegend=len(spec.series) > 1,
        hovermode="closest",
    )
    value_axis = {
        "title_text": spec.axis_title,
        "tickformat": fmt,
        "rangemode": "tozero",
    }
    if spec.axis_max is not None:
        value_axis["range"] = [0, spec.axis_max]
    # Categories read as the table does: first on top (horizontal) or on the left.
    category_axis = {"type": "category", "categoryorder": "array", "categoryarray": categories}
    if horizontal:
        fig.update_xaxes(**value_axis)
        fig.update_yaxes(**category_axis, autorange="reversed", ticklabelstandoff=10)
        height = max(360, 90 + 48 * len(categories) * (1 if spec.kind != "clustered" else len(spec.series)) + 200)
    else:
        fig.update_yaxes(**value_axis)
        fig.update_xaxes(**category_axis, tickangle=0)
        height = 560
    return _finish(fig, spec.title, sub, ctx, height=min(height, 900))


# ------------------------------------------------------------------------------------------------
# Pictures (PNG, SVG) through kaleido and a Chromium installed on the server
# ------------------------------------------------------------------------------------------------

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
PICTURE_WIDTH = 1600  # pixels; the height is the figure's own


def find_chromium() -> str | None:
    """The browser kaleido draws with: ``BROWSER_PATH`` when it names a file, else the first of
    :data:`CHROMIUM_NAMES` on the ``PATH`` (Debian's ``/usr/bin/chromium``)."""
    named = os.environ.get("BROWSER_PATH")
    if named and os.path.isfile(named):
        return named
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def picture_problem(lang: str) -> str | None:
    """Why a chart cannot be saved as a picture on this server (and how to fix it), or ``None``."""
    if importlib.util.find_spec("kaleido") is None:
        return t("picture.no_kaleido", lang)
    browser = find_chromium()
    if browser is None:
        return t("picture.no_chromium", lang)
    os.environ.setdefault("BROWSER_PATH", browser)
    return None


def picture(fig: go.Figure, fmt: str) -> bytes:
    """The figure as ``png`` (twice the pixels, for a projector) or ``svg``, drawn by kaleido."""
    scale = 2 if fmt == "png" else 1
    return pio.to_image(fig, format=fmt, scale=scale, width=PICTURE_WIDTH, height=fig.layout.height or 900)


# ------------------------------------------------------------------------------------------------
# Any chart of the dashboard as a slide of the deck (issue 5)
# ------------------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def _plain_text(text: object) -> str:
    """Plotly's label text without its HTML: ``<br>`` a space, other tags dropped."""
    if text is None:
        return ""
    spaced = re.sub(r"<br\s*/?>", " ", str(text), flags=re.IGNORECASE)
    return " ".join(_TAG.sub("", spaced).split())


def can_be_slide(fig: go.Figure) -> bool:
    """Whether :func:`slide_from_figure` can turn ``fig`` into a slide: bar and line (scatter) traces
    on one pair of axes only (no heat map, no panels), and at least one of them."""
    if not fig.data:
        return False
    for trace in fig.data:
        if trace.type not in {"bar", "scatter"}:
            return False
        if (trace.xaxis or "x") != "x" or (trace.yaxis or "y") != "y":
            return False
    return True


def _value(value: object) -> float | None:
    if value is None or isinstance(value, str):
        try:
            return None if value is None else float(value)
        except ValueError:
            return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def _category_labels(axis: object, categories: Sequence[object]) -> tuple[str, ...]:
    """The categories as the axis shows them (a period code "2019S1" as "6T đầu 2019")."""
    tickvals = list(getattr(axis, "tickvals", None) or ())
    ticktext = list(getattr(axis, "ticktext", None) or ())
    shown = {str(v): _plain_text(s) for v, s in zip(tickvals, ticktext, strict=False)}
    return tuple(shown.get(str(c)) or _plain_text(c) for c in categories)


def _number_format(tickformat: object) -> str:
    match = re.search(r"\.(\d)f", str(tickformat or ""))
    places = int(match.group(1)) if match else 0
    return "#,##0" + ("." + "0" * places if places else "")


def _trace_colour(trace: object) -> str | None:
    colour = None
    if trace.type == "scatter":  # type: ignore[attr-defined]
        colour = trace.line.color  # type: ignore[attr-defined]
    if colour is None:
        colour = trace.marker.color  # type: ignore[attr-defined]
    return colour if isinstance(colour, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", colour) else None


def slide_from_figure(
    fig: go.Figure,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    *,
    key: str = "extra",
    made: date | None = None,
) -> Slide:
    """A slide of the deck (:class:`etl.reports.model.Slide`) carrying ``fig``'s chart as a
    :class:`ChartSpec`: the categories from the x axis (the y axis for horizontal bars), one series
    per trace (its name), ``None`` where a value is missing. ``bar`` (one bar series),
    ``clustered`` / ``stacked`` (several, after the figure's ``barmode``), ``line`` (scatter traces).

    The title and subtitle come from the figure's title (without its HTML) unless given; the source
    from the figure's source line. Raises :class:`ValueError` for what :func:`can_be_slide` refuses."""
    if not can_be_slide(fig):
        raise ValueError("only bar and line charts on one pair of axes can become a slide")
    layout = fig.layout
    traces = list(fig.data)
    bars = [tr for tr in traces if tr.type == "bar"]
    horizontal = bool(bars) and all(tr.orientation == "h" for tr in bars)
    category_axis, value_axis = (layout.yaxis, layout.xaxis) if horizontal else (layout.xaxis, layout.yaxis)
    categories: list[object] = []
    by_trace: list[tuple[str, dict[str, float | None]]] = []
    names: set[str] = set()
    for index, trace in enumerate(traces):
        keys = list(trace.y if horizontal else trace.x) if (trace.y if horizontal else trace.x) is not None else []
        values = list(trace.x if horizontal else trace.y) if (trace.x if horizontal else trace.y) is not None else []
        for category in keys:
            if str(category) not in {str(c) for c in categories}:
                categories.append(category)
        name = _plain_text(trace.name) or f"{index + 1}"
        while name in names:  # two traces of one name (a unit code reused) stay two series
            name += " "
        names.add(name)
        by_trace.append((name, {str(c): _value(v) for c, v in zip(keys, values, strict=False)}))
    series = {name: tuple(values.get(str(c)) for c in categories) for name, values in by_trace}
    if not bars:
        kind = "line"
    elif len(traces) == 1:
        kind = "bar"
    else:
        kind = "stacked" if layout.barmode in {"stack", "relative"} else "clustered"
    colours = [_trace_colour(tr) for tr in traces]
    value_range = list(value_axis.range or ()) if value_axis.range is not None else []
    axis_max = _value(value_range[1]) if len(value_range) == 2 else None
    heading = _plain_text(layout.title.text)
    if subtitle is None:
        subtitle = _plain_text(layout.title.subtitle.text) if layout.title.subtitle else ""
    annotations = list(layout.annotations or ())
    sample = any(a.name == "sample_badge" for a in annotations)
    if source is None:
        lines = [a for a in annotations if a.name != "sample_badge" and a.yref == "paper" and (a.y or 0) <= 0]
        source = _plain_text(lines[-1].text) if lines else ""
    chart = ChartSpec(
        kind=kind,  # type: ignore[arg-type]
        title=title or heading,
        categories=_category_labels(category_axis, categories),
        series=series,
        number_format=_number_format(value_axis.tickformat),
        axis_title=_plain_text(value_axis.title.text) if value_axis.title else "",
        horizontal=horizontal,
        colours=tuple(c for c in colours if c) if all(colours) else (),
        axis_max=axis_max,
    )
    return Slide(
        key=key,
        title=title or heading,
        subtitle=subtitle,
        chart=chart,
        source=source,
        date=(made or date.today()).strftime("%d/%m/%Y"),
        sample=sample,
    )

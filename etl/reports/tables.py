"""The tables behind every output, built from :class:`etl.reports.data.ReportData`.

Each table is a sheet of the workbook, an annex table of the Word report and the source of a
chart of the deck. Totals are the query layer's area totals (summed in SQL, rates recomputed from
the summed counts), never sums or averages taken here.
"""

from __future__ import annotations

import pandas as pd

from etl.indicators import indicator_catalog
from etl.reports import labels as lb
from etl.reports.data import ReportData
from etl.reports.model import GAP_ROW, Cell, ChartRef, Column, Table
from etl.text import NTM_LEVEL_LABELS_VI

BLUE, ORANGE, GREEN = "#1F77B4", "#FF7F0E", "#2CA02C"
LEVEL_COLOURS = {0: "#C9CED6", 1: "#8FD19E", 2: "#2E9E4F", 3: "#11592C"}
STATUS_COLOURS = {"reported": "#2E9E4F", "partial": "#F2B134", "missing": "#D64545"}
TARGET_COLOURS = {
    "met": "#2E9E4F",
    "not_met": "#D64545",
    "in_progress": "#F2B134",
    "not_reported": "#C9CED6",
}
# A chart by unit on a slide or an A4 page shows every unit up to this many (categories); past it,
# the units at each end of the ranking (a province's 150 communes do not fit: the workbook has them all).
CHART_UNITS = {"bar": 25, "clustered": 16}
CHART_ENDS = {"bar": 10, "clustered": 7}
TARGET_ORDER = ("met", "not_met", "in_progress", "not_reported")
STATUS_ORDER = ("reported", "partial", "missing")

DIALOGUES = ("DLG_HELD", "DLG_OPINIONS", "DLG_ANSWERED")
PETITIONS = ("CMP_CARRY", "CMP_NEW", "CMP_COMPETENT", "CMP_RESOLVED", "CMP_PENDING", "CMP_RATE")
SUPERVISION = ("TTND_SUPERV", "TTND_RECOMMEND", "GSDT_WORKS", "DVK_MODELS")
DEMOCRACY = (
    "VIL_TOTAL",
    "VIL_MEETINGS",
    "VIL_CONVENTIONS",
    "DISC_ITEMS",
    "DEC_DIRECT",
    "CONSULT_ITEMS",
    "MTTQ_SUPERV",
    "MTTQ_CRITIQUE",
    "PARTY_REFERRED",
)
TITLES = {
    "overview": {"vi": "Kết quả chủ yếu toàn địa bàn", "en": "Main results for the whole area"},
    "dialogues": {"vi": "Đối thoại với Nhân dân theo đơn vị", "en": "Dialogues with the people by unit"},
    "petitions": {
        "vi": "Tiếp nhận, giải quyết đơn khiếu nại, tố cáo, kiến nghị, phản ánh theo đơn vị",
        "en": "Complaints and petitions received and resolved by unit",
    },
    "petition_rate": {
        "vi": "Tỷ lệ giải quyết đơn thuộc thẩm quyền qua các kỳ",
        "en": "Resolution rate of petitions within competence over time",
    },
    "supervision": {
        "vi": "Ban Thanh tra nhân dân, giám sát đầu tư cộng đồng và “Dân vận khéo” theo đơn vị",
        "en": "People's Inspection Boards, community supervision and “Dân vận khéo” by unit",
    },
    "democracy": {
        "vi": "Họp dân, dân biết, dân bàn, dân quyết; Mặt trận và đoàn thể theo đơn vị",
        "en": "Village meetings, disclosure, decisions and comment; the Front by unit",
    },
    "ntm": {"vi": "Nông thôn mới theo xã", "en": "New rural areas by commune"},
    "ntm_levels": {"vi": "Số xã theo mức đạt chuẩn nông thôn mới", "en": "Communes by new-rural-area level"},
    "targets": {"vi": "Chỉ tiêu của Ban Chỉ đạo và kết quả thực hiện", "en": "The committee's targets and results"},
    "target_summary": {"vi": "Thực hiện chỉ tiêu của Ban Chỉ đạo", "en": "Progress against the committee's targets"},
    "reporting": {"vi": "Tình hình báo cáo của các đơn vị", "en": "Who has reported"},
    "reporting_history": {"vi": "Số đơn vị đã báo cáo qua các kỳ", "en": "Units reporting over time"},
}
CHART_TITLES = {
    "dialogues": {"vi": "Số cuộc đối thoại với Nhân dân theo đơn vị", "en": "Dialogues held by unit"},
    "petitions": {
        "vi": "Đơn thuộc thẩm quyền và đơn đã giải quyết theo đơn vị",
        "en": "Petitions within competence and resolved, by unit",
    },
    "supervision": {
        "vi": "Giám sát của Ban Thanh tra nhân dân và mô hình “Dân vận khéo” theo đơn vị",
        "en": "Inspection Board supervisions and “Dân vận khéo” models by unit",
    },
}
SHEETS = {
    "overview": {"vi": "Tổng hợp", "en": "Summary"},
    "dialogues": {"vi": "Đối thoại", "en": "Dialogues"},
    "petitions": {"vi": "Đơn thư", "en": "Petitions"},
    "petition_rate": {"vi": "Tỷ lệ giải quyết đơn", "en": "Resolution rate"},
    "supervision": {"vi": "Thanh tra ND, Dân vận khéo", "en": "Inspection, Dân vận khéo"},
    "democracy": {"vi": "Dân chủ trực tiếp", "en": "Direct democracy"},
    "ntm": {"vi": "Nông thôn mới", "en": "New rural areas"},
    "ntm_levels": {"vi": "Mức NTM qua các kỳ", "en": "NTM levels over time"},
    "targets": {"vi": "Chỉ tiêu", "en": "Targets"},
    "target_summary": {"vi": "Thực hiện chỉ tiêu", "en": "Target progress"},
    "reporting": {"vi": "Tình hình báo cáo", "en": "Reporting"},
    "reporting_history": {"vi": "Báo cáo qua các kỳ", "en": "Reporting over time"},
}
# The two NTM rows of the area totals are roll-ups, not sums: say so in their names.
ROLLUP_NAMES = {
    "NTM_LEVEL": {"vi": "Số xã đạt chuẩn nông thôn mới", "en": "Communes at the new-rural-area standard"},
    "NTM_CRITERIA_MET": {
        "vi": "Số tiêu chí nông thôn mới đạt bình quân mỗi xã",
        "en": "New-rural-area criteria met, average per commune",
    },
}
ROLLUP_UNITS = {"NTM_LEVEL": {"vi": "xã", "en": "communes"}, "NTM_CRITERIA_MET": {"vi": "tiêu chí", "en": "criteria"}}


def _title(key: str, lang: str) -> str:
    return TITLES[key]["en" if lang == "en" else "vi"]


def _sheet(key: str, lang: str) -> str:
    return SHEETS[key]["en" if lang == "en" else "vi"]


def _value(value: object) -> Cell:
    if value is None or (isinstance(value, float) and value != value):
        return None
    number = float(value)  # type: ignore[arg-type]
    return int(number) if number.is_integer() else number


def _kind(code: str) -> str:
    return "pct" if code == "CMP_RATE" else ("dec1" if lb.decimals(code) else "int")


def _axis(code: str, lang: str) -> str:
    unit = lb.measure(code, lang)
    return unit if unit == "%" else unit[:1].upper() + unit[1:]


def _number_format(code: str) -> str:
    return "0.0" if lb.decimals(code) else "#,##0"


# The tables by unit: key → (indicators, those charted (the first ranks the units), chart kind, colours)
UNIT_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]] = {
    "dialogues": (DIALOGUES, ("DLG_HELD",), "bar", (BLUE,)),
    "petitions": (PETITIONS, ("CMP_COMPETENT", "CMP_RESOLVED"), "clustered", (BLUE, GREEN)),
    "supervision": (SUPERVISION, ("TTND_SUPERV", "DVK_MODELS"), "clustered", (BLUE, ORANGE)),
    "democracy": (DEMOCRACY, (), "clustered", ()),
}


def _by_unit(data: ReportData, key: str) -> Table:
    codes, series, kind, colours = UNIT_TABLES[key]
    return by_unit_table(data, key, codes, chart_series=series, kind=kind, colours=colours)


def report_tables(data: ReportData) -> tuple[Table, ...]:
    """Every table, in the order of the workbook's sheets."""
    return (
        overview_table(data),
        _by_unit(data, "dialogues"),
        _by_unit(data, "petitions"),
        petition_rate_table(data),
        _by_unit(data, "supervision"),
        _by_unit(data, "democracy"),
        ntm_table(data),
        ntm_levels_table(data),
        targets_table(data),
        target_summary_table(data),
        reporting_table(data),
        reporting_history_table(data),
    )


# ------------------------------------------------------------------------------------------------
# The area's main results
# ------------------------------------------------------------------------------------------------


def overview_table(data: ReportData) -> Table:
    """Every indicator for the area: this period, the same period last year, the change (only when
    both periods are complete), and how many units reported it."""
    lang = data.lang
    catalog = indicator_catalog()
    rows: list[tuple[Cell, ...]] = []
    places: list[int] = []
    sections: dict[int, str] = {}
    section = None
    for ind in catalog.indicators:
        if ind.code == "NTM_YEAR":
            continue
        now = data.total(ind.code)
        if now is None and data.total(ind.code, data.last_year) is None:
            continue
        if ind.section != section:
            section = ind.section
            sections[len(rows)] = f"{ind.section}. {ind.section_en if lang == 'en' else ind.section_vi}"
        name = ROLLUP_NAMES[ind.code][lang] if ind.code in ROLLUP_NAMES else lb.indicator_name(ind.code, lang)
        unit = ROLLUP_UNITS[ind.code][lang] if ind.code in ROLLUP_UNITS else lb.measure(ind.code, lang)
        change = data.change(ind.code)
        coverage = data.coverage(ind.code)
        reporting = f"{coverage[0]}/{coverage[1]}" if coverage is not None else lb.MISSING
        rows.append(
            (
                name,
                unit,
                _value(data.value(ind.code)),
                _value(data.value(ind.code, data.last_year)),
                _value(change),
                reporting,
            )
        )
        places.append(lb.decimals(ind.code))
    columns = (
        Column(lb.t("col.indicator", lang), "text", 52),
        Column(lb.t("col.measure", lang), "text", 11),
        Column(lb.period_short(data.period, lang), "int", 12),
        Column(lb.period_short(data.last_year, lang), "int", 12),
        Column(lb.t("col.change", lang), "signed", 16),
        Column(lb.t("col.reporting", lang), "text", 12),
    )
    notes = (
        "Tăng, giảm chỉ tính khi mọi đơn vị đã báo cáo ở cả hai kỳ; tỷ lệ tính lại từ số đơn, không lấy trung bình; "
        "thay đổi của tỷ lệ tính bằng điểm phần trăm."
        if lang == "vi"
        else "A change is shown only when every unit reported in both periods; rates are recomputed from the "
        "counts, never averaged; the change of a rate is in percentage points.",
        lb.t("missing.mark", lang),
    )
    return Table(
        key="overview",
        title=_title("overview", lang),
        sheet=_sheet("overview", lang),
        columns=columns,
        rows=tuple(rows),
        row_places=tuple(places),
        sections=sections,
        notes=notes,
    )


# ------------------------------------------------------------------------------------------------
# By unit
# ------------------------------------------------------------------------------------------------


def unit_rows(data: ReportData) -> list[tuple[int, str, bool]]:
    """(unit_id, label, has figures) for the area's units in the period, in code order; a unit
    whose current-boundary figure covers only part of its territory is marked (*)."""
    values = data.values
    partial = set(values.loc[values["partial"].astype(bool), "unit_id"]) if not values.empty else set()
    reported = set(values["unit_id"]) if not values.empty else set()
    units = data.units.sort_values("unit_code")
    out = [
        (int(u.unit_id), f"{u.unit_name} (*)" if u.unit_id in partial else str(u.unit_name), u.unit_id in reported)
        for u in units.itertuples(index=False)
    ]
    known = {uid for uid, _, _ in out}
    extra = values[~values["unit_id"].isin(known)].drop_duplicates("unit_id").sort_values("unit_code")
    out += [(int(r.unit_id), str(r.unit_name), True) for r in extra.itertuples(index=False)]
    return out


def _unit_matrix(data: ReportData, codes: tuple[str, ...]) -> tuple[list[tuple[Cell, ...]], list[int]]:
    values = data.values
    table = (
        values.pivot_table(index="unit_id", columns="indicator", values="value", aggfunc="sum")
        if not values.empty
        else pd.DataFrame()
    )
    grid = table.to_dict(orient="index")  # unit_id → {indicator: value}: one look-up per cell, not a .at
    rows: list[tuple[Cell, ...]] = []
    plotted: list[int] = []
    for unit_id, label, _ in unit_rows(data):
        figures = grid.get(unit_id, {})
        cells = [_value(figures[code]) if code in figures else None for code in codes]
        if any(c is not None for c in cells):
            plotted.append(len(rows))
        rows.append((label, *cells))
    return rows, plotted


def _notes_for_units(data: ReportData, rows: list[tuple[Cell, ...]]) -> tuple[str, ...]:
    notes = [lb.t("missing.mark", data.lang)]
    if any(str(r[0]).endswith("(*)") for r in rows):
        notes.append(lb.t("partial.mark", data.lang))
    return tuple(notes)


def unit_columns(codes: tuple[str, ...], lang: str) -> tuple[Column, ...]:
    """The columns of a table by unit: the unit, then one per indicator."""
    return (
        Column(lb.t("col.unit", lang), "text", 26),
        *(
            Column(lb.short_name(code, lang) + (" (%)" if code == "CMP_RATE" else ""), _kind(code), 13)  # type: ignore[arg-type]
            for code in codes
        ),
    )


def unit_chart(
    key: str,
    codes: tuple[str, ...],
    chart_series: tuple[str, ...],
    kind: str,
    colours: tuple[str, ...],
    lang: str,
    rows: tuple[int, ...],
    focus: tuple[int, ...] | None,
    ranked: int,
) -> ChartRef:
    """The chart of a table by unit (:func:`by_unit_table`): ``rows`` plotted, or ``focus`` (the
    highest and the lowest of ``ranked`` units, see :func:`_focus`)."""
    columns = unit_columns(codes, lang)
    unit = {lb.measure(code, lang) for code in chart_series}
    title = CHART_TITLES[key][lang]
    ranked_by = columns[1 + codes.index(chart_series[0])].header if len(chart_series) > 1 else None
    return ChartRef(
        kind=kind,  # type: ignore[arg-type]
        title=title,
        series=tuple(1 + codes.index(code) for code in chart_series),
        rows=rows,
        number_format=_number_format(chart_series[0]),
        axis_title=_axis(chart_series[0], lang) if len(unit) == 1 else "",
        horizontal=True,
        colours=colours,
        focus=focus,
        focus_title=focus_title(title, kind, ranked, lang, ranked_by) if focus is not None else "",
    )


def by_unit_table(
    data: ReportData,
    key: str,
    codes: tuple[str, ...],
    *,
    chart_series: tuple[str, ...],
    kind: str,
    colours: tuple[str, ...],
) -> Table:
    lang = data.lang
    rows, plotted = _unit_matrix(data, codes)
    columns = unit_columns(codes, lang)
    total = (lb.t("total", lang), *(_value(data.value(code)) for code in codes))
    chart = None
    if chart_series and plotted:
        column = 1 + codes.index(chart_series[0])
        focus, ranked = _focus(rows, plotted, column, kind)
        chart = unit_chart(key, codes, chart_series, kind, colours, lang, tuple(plotted), focus, ranked)
    return Table(
        key=key,
        title=_title(key, lang),
        sheet=_sheet(key, lang),
        columns=columns,
        rows=tuple(rows),
        total=total,
        notes=_notes_for_units(data, rows),
        chart=chart,
    )


def needs_focus(plotted: int, ranked: int, kind: str) -> bool:
    """More units than a slide shows readably (:data:`CHART_UNITS`), enough of them ranked to show
    the highest and the lowest (:data:`CHART_ENDS` each)."""
    return plotted > CHART_UNITS[kind] and ranked > 2 * CHART_ENDS[kind]


def _focus(
    rows: list[tuple[Cell, ...]], plotted: list[int], column: int, kind: str
) -> tuple[tuple[int, ...] | None, int]:
    """For a chart with more units than a slide shows readably: the rows of the units with the
    highest and the lowest figure in ``column`` (:data:`CHART_ENDS` each, the highest first, a gap
    between), and how many units were ranked; ``(None, ranked)`` when every row is shown."""
    each = CHART_ENDS[kind]
    ranked = [i for i in plotted if isinstance(rows[i][column], int | float)]
    if not needs_focus(len(plotted), len(ranked), kind):
        return None, len(ranked)
    ranked.sort(key=lambda i: -float(rows[i][column]))  # type: ignore[arg-type]  # stable: code order among equals
    return (*ranked[:each], GAP_ROW, *ranked[-each:]), len(ranked)


def focus_title(
    title: str, kind: str, ranked: int, lang: str, ranked_by: str | None = None, communes: bool = False
) -> str:
    """The title of a chart showing the highest and the lowest of ``ranked`` units."""
    each = CHART_ENDS[kind]
    if lang == "en":
        noun = "communes" if communes else "units"
        by = f" (ranked by “{ranked_by}”)" if ranked_by else ""
        return f"{title}: top {each} and bottom {each} of {ranked} {noun}{by}"
    noun = "xã" if communes else "đơn vị"
    by = f" (theo {ranked_by[:1].lower()}{ranked_by[1:]})" if ranked_by else ""
    return f"{title}: {each} cao nhất, {each} thấp nhất / {ranked} {noun}{by}"


# ------------------------------------------------------------------------------------------------
# Over time
# ------------------------------------------------------------------------------------------------


def petition_rate_table(data: ReportData) -> Table:
    lang = data.lang
    rows: list[tuple[Cell, ...]] = []
    for period in data.history:
        competent, resolved, rate = (data.total(c, period) for c in ("CMP_COMPETENT", "CMP_RESOLVED", "CMP_RATE"))
        coverage = data.coverage("CMP_COMPETENT", period)
        reporting = f"{coverage[0]}/{coverage[1]}" if coverage is not None else lb.MISSING
        rows.append(
            (
                lb.period_short(period, lang),
                _value(None if competent is None else competent["value"]),
                _value(None if resolved is None else resolved["value"]),
                None if rate is None else round(float(rate["value"]), 1),
                reporting,
            )
        )
    columns = (
        Column(lb.t("col.period", lang), "text", 14),
        Column(lb.short_name("CMP_COMPETENT", lang), "int", 16),
        Column(lb.short_name("CMP_RESOLVED", lang), "int", 16),
        Column(lb.short_name("CMP_RATE", lang) + " (%)", "pct", 16),
        Column(lb.t("col.reporting", lang), "text", 14),
    )
    chart = None
    if any(r[3] is not None for r in rows):
        chart = ChartRef(
            kind="line",
            title=_title("petition_rate", lang),
            series=(3,),
            number_format="0.0",
            axis_title="%",
            colours=(GREEN,),
            axis_max=100,
        )
    note = (
        "Tỷ lệ = số đơn đã giải quyết / số đơn thuộc thẩm quyền × 100, tính lại từ tổng số đơn của các đơn vị."
        if lang == "vi"
        else "Rate = petitions resolved / petitions within competence × 100, recomputed from the units' summed counts."
    )
    return Table(
        key="petition_rate",
        title=_title("petition_rate", lang),
        sheet=_sheet("petition_rate", lang),
        columns=columns,
        rows=tuple(rows),
        notes=(note, lb.t("missing.mark", lang)),
        chart=chart,
    )


# ------------------------------------------------------------------------------------------------
# New rural areas
# ------------------------------------------------------------------------------------------------


def level_colour(level: int | None) -> str:
    """A commune's bar colour on the NTM chart: its level's (not reported: as level 0)."""
    return LEVEL_COLOURS.get(level if level is not None else 0, LEVEL_COLOURS[0])


def ntm_columns(lang: str) -> tuple[Column, ...]:
    return (
        Column(lb.t("col.commune", lang), "text", 24),
        Column(lb.t("col.level", lang), "text", 14),
        Column(lb.t("col.criteria", lang), "int", 14),
        Column("Số tiêu chí của bộ" if lang == "vi" else "Criteria in the set", "int", 14),
        Column(lb.t("col.set", lang), "text", 12),
        Column(lb.t("col.year", lang), "year", 14),
    )


def ntm_chart(
    lang: str,
    rows: tuple[int, ...],
    colours: tuple[str, ...],
    size: int | None,
    focus: tuple[int, ...] | None,
    ranked: int,
) -> ChartRef:
    """The NTM table's chart (:func:`ntm_table`): criteria met by commune, coloured by level."""
    title = "Số tiêu chí nông thôn mới đạt theo xã" if lang == "vi" else "New-rural-area criteria met by commune"
    return ChartRef(
        kind="bar",
        title=title,
        series=(2,),
        rows=rows,
        axis_title=_axis("NTM_CRITERIA_MET", lang),
        horizontal=True,
        point_colours=colours,
        axis_max=size,
        focus=focus,
        focus_title=focus_title(title, "bar", ranked, lang, communes=True) if focus is not None else "",
    )


def ntm_table(data: ReportData) -> Table:
    lang = data.lang
    frame = data.ntm.sort_values("unit_code")
    rows: list[tuple[Cell, ...]] = []
    colours: list[str] = []
    plotted: list[int] = []
    for row in frame.itertuples(index=False):
        level = None if pd.isna(row.level) else int(row.level)
        criteria = _value(row.criteria_met)
        if criteria is not None:
            plotted.append(len(rows))
            colours.append(level_colour(level))
        rows.append(
            (
                str(row.unit_name),
                lb.level_label(level, lang),
                criteria,
                int(row.criteria_size),
                str(row.criteria_set),
                _value(row.year),
            )
        )
    size = int(frame["criteria_size"].max()) if not frame.empty else None
    chart = None
    if plotted:
        focus, ranked = _focus(rows, plotted, 2, "bar")
        chart = ntm_chart(lang, tuple(plotted), tuple(colours), size, focus, ranked)
    note = (
        "Nông thôn mới chỉ áp dụng cho xã (không tính thị trấn, phường), theo xã như đã báo cáo; màu cột theo mức đạt."
        if lang == "vi"
        else "New rural areas apply to communes only (not towns or wards), as reported; bar colours show the level."
    )
    return Table(
        key="ntm",
        title=_title("ntm", lang),
        sheet=_sheet("ntm", lang),
        columns=ntm_columns(lang),
        rows=tuple(rows),
        notes=(note, lb.t("missing.mark", lang)),
        chart=chart,
    )


def ntm_levels_table(data: ReportData) -> Table:
    lang = data.lang
    counts = data.ntm_counts
    periods = list(dict.fromkeys(counts["period"])) if not counts.empty else []
    levels = sorted(NTM_LEVEL_LABELS_VI)
    grid = counts.pivot_table(index="period", columns="level", values="communes", aggfunc="sum") if periods else None
    rows = []
    for period in periods:
        cells = [
            _value(grid.at[period, level]) if grid is not None and level in grid.columns else None for level in levels
        ]
        rows.append((lb.period_short(period, lang), *[0 if c is None else c for c in cells]))
    columns = (
        Column(lb.t("col.period", lang), "text", 14),
        *(Column(lb.level_label(level, lang), "int", 12) for level in levels),
    )
    present = [i for i, level in enumerate(levels, start=1) if any(r[i] for r in rows)]
    chart = None
    if rows and present:
        chart = ChartRef(
            kind="stacked",
            title=_title("ntm_levels", lang),
            series=tuple(present),
            axis_title="Communes" if lang == "en" else "Xã",
            colours=tuple(LEVEL_COLOURS[levels[i - 1]] for i in present),
        )
    set_code = str(counts["criteria_set"].iloc[-1]) if not counts.empty else ""
    note = (
        f"Số xã đã báo cáo mức đạt chuẩn, cùng bộ tiêu chí {set_code}."
        if lang == "vi"
        else f"Communes that reported their level, criteria set {set_code}."
    )
    return Table(
        key="ntm_levels",
        title=_title("ntm_levels", lang),
        sheet=_sheet("ntm_levels", lang),
        columns=columns,
        rows=tuple(rows),
        notes=(note,),
        chart=chart,
    )


# ------------------------------------------------------------------------------------------------
# Targets
# ------------------------------------------------------------------------------------------------


def target_label(indicator: str, target: float, lang: str) -> str:
    """What a target asks: "Đạt chuẩn nông thôn mới", "Ít nhất 2 cuộc đối thoại"."""
    if indicator == "NTM_LEVEL":
        words = {
            1: ("Đạt chuẩn nông thôn mới", "Meet the NTM standard"),
            2: ("Đạt chuẩn nông thôn mới nâng cao", "Reach the advanced NTM level"),
            3: ("Đạt chuẩn nông thôn mới kiểu mẫu", "Reach the model NTM level"),
        }
        vi, en = words.get(int(target), words[1])
        return en if lang == "en" else vi
    amount = lb.number(target, lb.decimals(indicator), lang)
    if lang == "en":
        return f"{lb.short_name(indicator, lang)}: at least {amount}"
    return f"{lb.short_name(indicator, lang)}: ít nhất {amount} {lb.measure(indicator, lang)}"


def targets_table(data: ReportData) -> Table:
    lang = data.lang
    rows: list[tuple[Cell, ...]] = []
    places: list[int] = []
    for row in data.targets.itertuples(index=False):
        actual = None if row.actual is None or pd.isna(row.actual) else _value(row.actual)
        rows.append(
            (
                lb.period_label(row.period, lang),
                str(row.unit_name),
                target_label(row.indicator, float(row.target), lang),
                _value(row.target),
                actual,
                lb.t(f"target.{row.status}", lang),
            )
        )
        places.append(lb.decimals(row.indicator))
    columns = (
        Column(lb.t("col.target_period", lang), "text", 22),
        Column(lb.t("col.unit", lang), "text", 24),
        Column(lb.t("col.indicator", lang), "text", 40),
        Column(lb.t("col.target", lang), "int", 12),
        Column(lb.t("col.actual", lang), "int", 12),
        Column(lb.t("col.result", lang), "text", 16),
    )
    note = (
        f"Kết quả tính đến hết {lb.period_label(data.period, lang).lower()}: chỉ tiêu của kỳ chưa kết thúc là "
        "“Đang thực hiện”, của kỳ sau là “Kỳ tới”."
        if lang == "vi"
        else f"Standing at the end of {lb.period_label(data.period, lang).lower()}: targets of a period not yet over "
        "are “In progress”, those of a later period “Next period”."
    )
    return Table(
        key="targets",
        title=_title("targets", lang),
        sheet=_sheet("targets", lang),
        columns=columns,
        rows=tuple(rows),
        row_places=tuple(places),
        notes=(note,)
        if rows
        else (
            "Chưa có chỉ tiêu nào của Ban Chỉ đạo cho địa bàn này." if lang == "vi" else "No targets for this area.",
        ),
    )


def target_groups(data: ReportData) -> list[tuple[str, str, float, pd.DataFrame]]:
    """Targets grouped by period, indicator and value: (period, indicator, target, rows), in the
    order of their first target (by period and unit code; a unit's own targets of a period, which
    the database lists in no set order, by indicator and value)."""
    frame = data.targets
    if frame.empty:
        return []
    place = pd.Series(range(len(frame)), index=frame.index)
    first = place.groupby([frame["period"], frame["unit_id"]]).transform("min")  # where the unit's rows start
    frame = frame.assign(_first=first).sort_values(["_first", "indicator", "target"], kind="stable")
    frame = frame.drop(columns="_first")
    groups = []
    for (period, indicator, target), rows in frame.groupby(["period", "indicator", "target"], sort=False):
        groups.append((str(period), str(indicator), float(target), rows))
    return groups


def target_summary_table(data: ReportData) -> Table:
    """Targets counted by standing, one row per group (the chart of the targets slide); targets of
    a later period are left out (nothing to judge yet)."""
    counted = []
    for period, indicator, target, group in target_groups(data):
        counts = group["status"].value_counts()
        statuses = tuple(int(counts.get(status, 0)) for status in (*TARGET_ORDER, "upcoming"))
        counted.append((period, indicator, target, statuses))
    return target_summary_from(counted, data.lang)


def target_summary_from(groups: list[tuple[str, str, float, tuple[int, ...]]], lang: str) -> Table:
    """:func:`target_summary_table` from each group's (period, indicator, target, targets per
    standing: :data:`TARGET_ORDER` then upcoming), in the order of :func:`target_groups`."""
    rows: list[tuple[Cell, ...]] = []
    for period, indicator, target, statuses in groups:
        if statuses[-1] == sum(statuses):  # every target upcoming
            continue
        label = f"{target_label(indicator, target, lang)} · {lb.period_short(period, lang)}"
        rows.append((label, *statuses[:-1], sum(statuses)))
    columns = (
        Column(lb.t("col.indicator", lang), "text", 44),
        *(Column(lb.t(f"target.{status}", lang), "int", 13) for status in TARGET_ORDER),
        Column("Số đơn vị được giao" if lang == "vi" else "Units with the target", "int", 13),
    )
    present = [i for i, _ in enumerate(TARGET_ORDER, start=1) if any(r[i] for r in rows)]
    chart = None
    if rows and present:
        chart = ChartRef(
            kind="stacked",
            title=_title("target_summary", lang),
            series=tuple(present),
            axis_title="Đơn vị" if lang == "vi" else "Units",
            horizontal=True,
            colours=tuple(TARGET_COLOURS[TARGET_ORDER[i - 1]] for i in present),
        )
    return Table(
        key="target_summary",
        title=_title("target_summary", lang),
        sheet=_sheet("target_summary", lang),
        columns=columns,
        rows=tuple(rows),
        chart=chart,
    )


# ------------------------------------------------------------------------------------------------
# Who has reported
# ------------------------------------------------------------------------------------------------


def reporting_table(data: ReportData) -> Table:
    lang = data.lang
    frame = data.completeness
    rows = [
        (
            lb.period_short(row.period, lang),
            str(row.unit_name),
            lb.t(f"status.{row.status}", lang),
            int(row.n_values),
            int(row.n_expected),
        )
        for row in frame.itertuples(index=False)
    ]
    columns = (
        Column(lb.t("col.period", lang), "text", 14),
        Column(lb.t("col.unit", lang), "text", 26),
        Column(lb.t("col.status", lang), "text", 18),
        Column(lb.t("col.n_values", lang), "int", 14),
        Column(lb.t("col.n_expected", lang), "int", 14),
    )
    note = (
        "Chỉ tính các đơn vị tồn tại trong từng kỳ (đơn vị cũ đến 30/6/2025, đơn vị mới từ 1/7/2025)."
        if lang == "vi"
        else "Only the units that existed in each period count (old units until 30/6/2025, new ones after)."
    )
    return Table(
        key="reporting",
        title=_title("reporting", lang),
        sheet=_sheet("reporting", lang),
        columns=columns,
        rows=tuple(rows),
        notes=(note,),
    )


def reporting_history_table(data: ReportData) -> Table:
    frame = data.reporting_history
    counted = []
    for period in dict.fromkeys(frame["period"]):
        counts = frame.loc[frame["period"] == period, "status"].value_counts()
        counted.append((str(period), *(int(counts.get(s, 0)) for s in STATUS_ORDER)))
    return reporting_history_from(counted, data.lang)


def reporting_history_from(counts: list[tuple[str, int, int, int]], lang: str) -> Table:
    """:func:`reporting_history_table` from each half-year's units per status (:data:`STATUS_ORDER`),
    for the half-years that had units."""
    rows = [(lb.period_short(period, lang), *statuses) for period, *statuses in counts]
    columns = (
        Column(lb.t("col.period", lang), "text", 14),
        *(Column(lb.t(f"col.{s}", lang), "int", 14) for s in STATUS_ORDER),
    )
    present = [i for i, _ in enumerate(STATUS_ORDER, start=1) if any(r[i] for r in rows)]
    chart = None
    if rows and present:
        chart = ChartRef(
            kind="stacked",
            title=_title("reporting_history", lang),
            series=tuple(present),
            axis_title="Đơn vị" if lang == "vi" else "Units",
            colours=tuple(STATUS_COLOURS[STATUS_ORDER[i - 1]] for i in present),
        )
    return Table(
        key="reporting_history",
        title=_title("reporting_history", lang),
        sheet=_sheet("reporting_history", lang),
        columns=columns,
        rows=tuple(rows),
        chart=chart,
    )

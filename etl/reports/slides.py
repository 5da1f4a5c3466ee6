"""One slide of the ready-made deck at a time, reading only what that slide shows.

The dashboard's presentation page shows one slide per screen. :func:`deck_outline` gives what the
deck is about (area, period, source, the slides' titles) after a few look-ups; :func:`build_slide`
reads one slide's figures. Each statement hands Python at most about as many rows as the slide
shows: counts, sums, rankings and the first names of a list are made in SQL (a chart by unit of a
province's 150 communes reads the ten highest and the ten lowest, not 150 rows per indicator).

The slide is the one :func:`etl.reports.deck.build_deck` makes (same title, chart and lines):
both go through :func:`etl.reports.deck.compose_slide`, from the same area totals (the rows of
:func:`etl.queries.area_totals`, summed here one row per period) and the same counts and names.
The downloads still build the whole deck from :func:`etl.reports.data.load_report_data`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection, bindparam, text

from etl import queries as q
from etl.boundaries import NTM_INDICATORS, Area, area_units_sql, catalogs_for, get_area
from etl.catalog import catalog_for_period, criteria_set_for
from etl.indicators import indicator_catalog
from etl.periods import Convention, Period, parse_period
from etl.queries import Boundaries, expected_units
from etl.reports import labels as lb
from etl.reports.data import (
    HISTORY_HALVES,
    HISTORY_YEARS,
    NoData,
    ReportData,
    _criteria_set,
    _halves_before,
    area_option,
    next_period,
)
from etl.reports.deck import (
    MAX_NAMES,
    SLIDE_KEYS,
    TARGET_STATUSES,
    UNIT_SLIDES,
    Names,
    NtmFacts,
    SlideFacts,
    TargetGroup,
    compose_slide,
    deck_frame,
    slide_titles,
)
from etl.reports.model import GAP_ROW, Cell, ChartSpec, Deck, Slide, Table
from etl.reports.narrative import commune_name
from etl.reports.tables import (
    CHART_ENDS,
    UNIT_TABLES,
    _value,
    level_colour,
    needs_focus,
    ntm_chart,
    ntm_columns,
    ntm_levels_table,
    petition_rate_table,
    reporting_history_from,
    target_summary_from,
    unit_chart,
    unit_columns,
)
from etl.text import strip_unit_prefix
from etl.units import NEW2025

COMMUNE = "Xã"  # unit.kind of a commune: the only units the NTM programme applies to


@dataclass(frozen=True, slots=True)
class Outline:
    """The deck without its slides: what it is about (``deck``, whose ``slides`` is empty), its
    slides' keys and titles, and what every slide is built from (``basis``)."""

    deck: Deck
    keys: tuple[str, ...]
    titles: tuple[str, ...]
    basis: ReportData  # area, period, boundaries, language, update, sample; the period's area totals


def deck_outline(
    connection: Connection,
    area_id: int,
    period: str,
    *,
    boundaries: str = Boundaries.REPORTED,
    lang: str = "vi",
    convention: Convention = Convention.CALENDAR,
    today: date | None = None,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> Outline:
    """The deck's outline for an area and a period: a few look-ups and the area's totals of the
    period (one row per half-year). Raises :class:`~etl.reports.data.NoData` as
    :func:`~etl.reports.data.load_report_data` does."""
    wanted = parse_period(period)
    code = wanted.code
    boundaries = Boundaries(boundaries)
    option = area_option(connection, area_id)
    if option is None:
        raise NoData(f"Địa bàn mã số {area_id} chưa có số liệu nào.")
    area = get_area(connection, area_id)
    assert area is not None  # area_option found it
    previous, last_year = q.previous_periods(code)
    totals, half_totals = _totals(connection, area, [code], boundaries, convention)
    if totals[totals["period"] == code].empty:
        label = wanted.label_en if lang == "en" else wanted.label_vi.lower()
        raise NoData(f"{option.name} chưa có số liệu {label} (kỳ {code}).")
    empty = pd.DataFrame()
    basis = ReportData(
        area=option,
        period=code,
        previous=previous,
        last_year=last_year,
        next_period=next_period(wanted).code,
        boundaries=boundaries.value,
        lang="en" if lang == "en" else "vi",
        convention=convention,
        history=(code,),
        totals=totals,
        half_totals=half_totals,
        units=empty,
        values=empty,
        ntm=empty,
        ntm_before=empty,
        ntm_counts=empty,
        targets=empty,
        completeness=empty,
        reporting_history=empty,
        updated=q.last_update(connection, area_id),
        sample=q.is_sample_data(connection),
        generated=today or datetime.now(ZoneInfo(timezone)).date(),
        timezone=timezone,
    )
    return Outline(deck=deck_frame(basis), keys=SLIDE_KEYS, titles=slide_titles(basis.lang), basis=basis)


def build_slide(connection: Connection, outline: Outline, which: int | str) -> Slide:
    """Slide ``which`` of the outline's deck (its number, from 1, or its key), reading only its own
    figures: the slide :func:`~etl.reports.deck.build_deck` makes."""
    key = outline.keys[which - 1] if isinstance(which, int) else which
    if key not in outline.keys:
        raise KeyError(key)
    basis = outline.basis
    area = get_area(connection, basis.area.unit_id)
    assert area is not None
    if key == "cover":
        return compose_slide(key, basis, None, SlideFacts(reporting=_headline(connection, area, basis)))
    if key == "overview":
        data = _with_totals(connection, area, basis, [basis.period, basis.last_year])
        facts = SlideFacts(reporting=_headline(connection, area, basis), ntm_counts=_ntm_counts(connection, area, data))
        return compose_slide(key, data, None, facts)
    if key in UNIT_SLIDES:
        data = _with_totals(connection, area, basis, [basis.period, basis.last_year])
        chart, unreported = _unit_slide(connection, area, data, key)
        return compose_slide(key, data, chart, SlideFacts(unreported=unreported))
    if key == "petition_rate":
        data = _with_history(connection, area, basis)
        return compose_slide(key, data, petition_rate_table(data).chart_spec(), SlideFacts())
    if key == "ntm":
        chart, ntm = _ntm_slide(connection, area, basis)
        return compose_slide(key, basis, chart, SlideFacts(ntm=ntm))
    if key == "ntm_levels":
        data = replace(basis, ntm_counts=_ntm_level_counts(connection, basis))
        counts = data.ntm_counts
        facts = SlideFacts(criteria_set=None if counts.empty else str(counts["criteria_set"].iloc[-1]))
        return compose_slide(key, data, ntm_levels_table(data).chart_spec(), facts)
    if key == "targets":
        groups = _target_groups(connection, area, basis)
        table = target_summary_from([(g.period, g.indicator, g.target, g.statuses) for g in groups], basis.lang)
        facts = SlideFacts(targets=groups, units=_unit_count(connection, area, basis))
        return compose_slide(key, basis, table.chart_spec(), facts)
    if key == "reporting":
        chart, facts = _reporting_slide(connection, area, basis)
        return compose_slide(key, basis, chart, facts)
    raise KeyError(key)


# ------------------------------------------------------------------------------------------------
# SQL helpers
# ------------------------------------------------------------------------------------------------


def _literal(code: str) -> str:
    """An indicator or period code (letters, digits and "_") as an SQL literal."""
    if not re.fullmatch(r"[A-Za-z0-9_]+", code):
        raise ValueError(f"not a code: {code!r}")
    return f"'{code}'"


def _codes(codes: list[str] | tuple[str, ...]) -> str:
    return "(" + ", ".join(_literal(c) for c in codes) + ")"


def _area_units(area: Area, boundaries: str) -> tuple[str, dict[str, object]]:
    """The units whose figures the area shows (:func:`etl.queries.unit_values`' units)."""
    parts = [area_units_sql(area, catalog) for catalog in catalogs_for(boundaries)]
    params: dict[str, object] = {}
    for _sql, part in parts:
        params.update(part)  # the same names, the same values: the area's
    return " UNION ".join(sql for sql, _ in parts), {**params, "a_true": True}


def _figures_sql(area: Area, boundaries: str, indicators: list[str] | None) -> tuple[str, dict[str, object]]:
    """The figures :func:`etl.queries.unit_values` reads, summed per period, target unit and
    indicator, as a sub-query (columns period, unit_id, indicator, value, partial, sources,
    catalog, …) over the periods ``:periods`` (an expanding parameter) and ``indicators``."""
    units, params = _area_units(area, boundaries)
    return q._value_sql(boundaries, indicators is not None, True, units), params


def _run(connection: Connection, sql: str, params: dict[str, object], expanding: tuple[str, ...] = ()) -> list:
    statement = text(sql)
    if expanding:
        statement = statement.bindparams(*(bindparam(name, expanding=True) for name in expanding))
    return connection.execute(statement, params).all()


def _stored() -> list[str]:
    return [i.code for i in indicator_catalog().entered]


# ------------------------------------------------------------------------------------------------
# Area totals, one row per half-year
# ------------------------------------------------------------------------------------------------


def _totals(
    connection: Connection, area: Area, periods: list[str], boundaries: str, convention: Convention
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(totals, half_totals) of ``periods`` as :func:`etl.reports.data.load_report_data` holds
    them: :func:`etl.queries.area_totals` of the half-years, rolled up by
    :func:`etl.queries.to_years` for years (then ``half_totals`` keeps the halves)."""
    parsed = [parse_period(p) for p in periods]
    halves = list(dict.fromkeys(h.code for p in parsed for h in p.halves()))
    frame = _half_totals(connection, area, halves, boundaries, convention)
    if any(p.is_year for p in parsed):
        return q.to_years(frame), frame
    return frame, pd.DataFrame(columns=frame.columns)


def _half_totals(
    connection: Connection, area: Area, halves: list[str], boundaries: str, convention: Convention
) -> pd.DataFrame:
    """:func:`etl.queries.area_totals` of ``halves`` (every indicator), read one row per half-year:
    each indicator's sum and count are columns of that row."""
    columns = ["period", "indicator", "value", "units_reporting"]
    if not halves:
        return pd.DataFrame(columns=q.TOTAL_COLUMNS)
    plain = [c for c in _stored() if c not in NTM_INDICATORS]
    figures, params = _figures_sql(area, boundaries, plain)
    sums = ", ".join(
        f"SUM(CASE WHEN s.indicator = {_literal(c)} THEN s.value END), "
        f"COUNT(CASE WHEN s.indicator = {_literal(c)} THEN 1 END)"
        for c in plain
    )
    rows = _run(
        connection,
        f"SELECT s.period, {sums} FROM ({figures}) s GROUP BY s.period",
        {**params, "periods": halves, "indicators": plain},
        ("periods", "indicators"),
    )
    records = []
    for period, *cells in rows:
        for i, code in enumerate(plain):
            if cells[2 * i + 1]:
                records.append((period, code, float(cells[2 * i]), int(cells[2 * i + 1])))
    # NTM: communes at the standard and the average criteria, on the communes as they were
    ntm = ["NTM_LEVEL", "NTM_CRITERIA_MET"]
    figures, params = _figures_sql(area, Boundaries.REPORTED, ntm)
    rows = _run(
        connection,
        "SELECT s.period, "
        "SUM(CASE WHEN s.indicator = 'NTM_LEVEL' THEN CASE WHEN s.value >= 1 THEN 1 ELSE 0 END END), "
        "COUNT(CASE WHEN s.indicator = 'NTM_LEVEL' THEN 1 END), "
        "AVG(CASE WHEN s.indicator = 'NTM_CRITERIA_MET' THEN s.value END), "
        "COUNT(CASE WHEN s.indicator = 'NTM_CRITERIA_MET' THEN 1 END) "
        f"FROM ({figures}) s GROUP BY s.period",
        {**params, "periods": halves, "indicators": ntm},
        ("periods", "indicators"),
    )
    for period, level, levels, criteria, criterias in rows:
        if levels:
            records.append((period, "NTM_LEVEL", float(level), int(levels)))
        if criterias:
            records.append((period, "NTM_CRITERIA_MET", float(criteria), int(criterias)))
    frame = pd.DataFrame(records, columns=columns)
    frame = pd.concat([frame, q.derived_totals(frame)], ignore_index=True) if not frame.empty else frame
    expected = expected_units(connection, area, halves, boundaries, convention)
    frame["units_expected"] = [
        expected[(p, i in NTM_INDICATORS)] for p, i in zip(frame["period"], frame["indicator"], strict=True)
    ]
    order = {code: i for i, code in enumerate(indicator_catalog().codes)}
    periods = {p: i for i, p in enumerate(halves)}
    frame = frame.assign(_p=frame["period"].map(periods), _o=frame["indicator"].map(order))
    frame = frame.sort_values(["_p", "_o"]).drop(columns=["_p", "_o"])
    frame["value"] = frame["value"].astype(float)
    frame["units_reporting"] = frame["units_reporting"].astype(int)
    frame["units_expected"] = frame["units_expected"].astype(int)
    return frame[q.TOTAL_COLUMNS].reset_index(drop=True)


def _with_totals(connection: Connection, area: Area, basis: ReportData, periods: list[str]) -> ReportData:
    totals, half_totals = _totals(connection, area, list(dict.fromkeys(periods)), basis.boundaries, basis.convention)
    return replace(basis, totals=totals, half_totals=half_totals)


def _with_history(connection: Connection, area: Area, basis: ReportData) -> ReportData:
    """``basis`` with the periods of the charts over time and their totals (load_report_data's)."""
    wanted = parse_period(basis.period)
    if wanted.is_year:
        candidates = [str(wanted.year - i) for i in range(HISTORY_YEARS - 1, -1, -1)]
    else:
        candidates = _halves_before(wanted, HISTORY_HALVES)
    asked = list(dict.fromkeys([*candidates, basis.previous, basis.last_year]))
    data = _with_totals(connection, area, basis, asked)
    held = set(data.totals["period"])
    return replace(data, history=tuple(p for p in candidates if p in held or p == basis.period))


# ------------------------------------------------------------------------------------------------
# Who has reported
# ------------------------------------------------------------------------------------------------


def _reported_sql(area: Area, periods: list[str], convention: Convention) -> tuple[str, dict[str, object]]:
    """Each unit that existed in each period (its catalog's units of the area), with how many of
    the expected indicators it reported (as :func:`etl.queries.completeness` counts): columns
    pidx (the period's place in ``periods``), id, code, name, status."""
    expected = q.expected_indicators(True)
    params: dict[str, object] = {"r_indicators": expected}
    parts = []
    for index, period in enumerate(periods):
        sql, more = area_units_sql(area, catalog_for_period(parse_period(period), convention))
        params.update(more)  # the area's: the same names, the same values
        parts.append(
            f"SELECT {index} AS pidx, u.id AS id, u.code AS code, u.name AS name, u.kind AS kind, "
            "(SELECT COUNT(*) FROM data_value v WHERE v.unit_id = u.id "
            f"AND v.period_code = {_literal(period)} AND v.indicator_code IN :r_indicators) AS n "
            f"FROM unit u WHERE u.id IN ({sql})"
        )
    commune, other = len(expected), len(q.expected_indicators(False))
    sql = (
        "SELECT pidx, id, code, name, CASE WHEN n = 0 THEN 'missing' "
        f"WHEN n >= CASE WHEN kind = '{COMMUNE}' THEN {commune} ELSE {other} END THEN 'reported' "
        f"ELSE 'partial' END AS status FROM ({' UNION ALL '.join(parts)}) c"
    )
    return sql, params


def _status_counts(
    connection: Connection, area: Area, periods: list[str], convention: Convention
) -> list[tuple[str, int, int, int]]:
    """(period, units reported, partly reported, not reported), for the periods that had units."""
    if not periods:
        return []
    sql, params = _reported_sql(area, periods, convention)
    rows = _run(
        connection,
        "SELECT pidx, SUM(CASE WHEN status = 'reported' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'partial' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'missing' THEN 1 ELSE 0 END) "
        f"FROM ({sql}) s GROUP BY pidx",
        params,
        ("r_indicators",),
    )
    found = {int(pidx): (int(a or 0), int(b or 0), int(c or 0)) for pidx, a, b, c in rows}
    return [(periods[i], *found[i]) for i in range(len(periods)) if i in found and sum(found[i])]


def _headline(connection: Connection, area: Area, basis: ReportData) -> tuple[tuple[str, int, int], ...]:
    """(half-year, units reported, units) for the period's half-years: "8/8 đơn vị đã báo cáo"."""
    halves = [h.code for h in parse_period(basis.period).halves()]
    counts = _status_counts(connection, area, halves, basis.convention)
    return tuple((period, done + partial, done + partial + missing) for period, done, partial, missing in counts)


def _reporting_slide(connection: Connection, area: Area, basis: ReportData) -> tuple[ChartSpec | None, SlideFacts]:
    wanted = parse_period(basis.period)
    halves = [h.code for h in wanted.halves()]
    candidates = _halves_before(wanted, HISTORY_HALVES)
    known = {
        row[0]
        for row in _run(
            connection,
            "SELECT p.code FROM period p WHERE p.code IN :r_candidates "
            "AND EXISTS (SELECT 1 FROM data_value v WHERE v.period_code = p.code)",
            {"r_candidates": candidates},
            ("r_candidates",),
        )
    }
    shown = [p for p in candidates if p in known or p in halves]
    counts = _status_counts(connection, area, shown, basis.convention)
    chart = reporting_history_from(counts, basis.lang).chart_spec()
    headline = tuple((p, d + pa, d + pa + m) for p, d, pa, m in counts if p in halves)
    sql, params = _reported_sql(area, halves, basis.convention)
    names = {}
    for status in ("missing", "partial"):
        count = _run(
            connection,
            f"SELECT COUNT(DISTINCT name) FROM ({sql}) s WHERE status = '{status}'",
            params,
            ("r_indicators",),
        )[0][0]
        first: list[str] = []
        if count:
            first = [
                row[0]
                for row in _run(
                    connection,
                    "SELECT name FROM (SELECT name, pidx, code, id, "
                    "ROW_NUMBER() OVER (PARTITION BY name ORDER BY pidx, code, id) AS nth "
                    f"FROM ({sql}) s WHERE status = '{status}') f WHERE nth = 1 "
                    f"ORDER BY pidx, code, id LIMIT {MAX_NAMES}",
                    params,
                    ("r_indicators",),
                )
            ]
        names[status] = Names(tuple(str(n) for n in first), int(count or 0))
    return chart, SlideFacts(reporting=headline, missing=names["missing"], partial=names["partial"])


def _unit_count(connection: Connection, area: Area, basis: ReportData) -> int:
    """Units of the area at the end of the period (``len(ReportData.units)``)."""
    sql, params = area_units_sql(area, _units_catalog(basis))
    return int(connection.execute(text(f"SELECT COUNT(*) FROM unit WHERE id IN ({sql})"), params).scalar_one())


def _units_catalog(basis: ReportData) -> str:
    """The catalog of :func:`etl.queries.area_units` at the end of the period."""
    if basis.boundaries == Boundaries.CURRENT:
        return NEW2025
    return catalog_for_period(parse_period(basis.period).halves()[-1], basis.convention)


# ------------------------------------------------------------------------------------------------
# Charts by unit
# ------------------------------------------------------------------------------------------------


def _unit_table_sql(area: Area, basis: ReportData, codes: tuple[str, ...]) -> tuple[str, dict[str, object]]:
    """The rows of a table by unit (:func:`etl.reports.tables.unit_rows`), as SQL: columns id,
    code, name, extra (a unit with figures that is not one of the area's at the end of the
    period: listed after them), label_mark (its name takes "(*)"), plotted (a figure in one of
    ``codes``) and c0, c1, … (each code's figure: for a year, each unit's halves rolled up as
    :func:`etl.queries.to_years` rolls them up)."""
    wanted = parse_period(basis.period)
    halves = [h.code for h in wanted.halves()]
    figures, params = _figures_sql(area, basis.boundaries, None)
    params = {**params, "periods": halves}
    if basis.boundaries == Boundaries.CURRENT:  # part of a 2025 unit's territory only (etl.queries._values_of)
        partial = (
            "CASE WHEN s.partial = 1 OR (s.catalog = 'pre2025' AND s.sources < (SELECT COUNT(*) FROM unit_lineage pl "
            "WHERE pl.is_default = :a_true AND pl.new_unit_id = s.unit_id)) THEN 1 ELSE 0 END"
        )
    else:
        partial = "0"
    if not wanted.is_year:
        cells = ", ".join(
            f"MAX(CASE WHEN s.indicator = {_literal(c)} THEN s.value END) AS c{i}" for i, c in enumerate(codes)
        )
        by_unit = (
            f"SELECT s.unit_id AS unit_id, {cells}, MAX({partial}) AS part, 1 AS has_any "
            f"FROM ({figures}) s GROUP BY s.unit_id"
        )
    else:
        catalog = indicator_catalog()
        stored = _stored()
        first, second = (_literal(h) for h in halves)
        halves_sql = ", ".join(
            f"MAX(CASE WHEN s.period = {half} AND s.indicator = {_literal(c)} THEN s.value END) AS h{n}_{i}"
            for i, c in enumerate(stored)
            for n, half in ((1, first), (2, second))
        )
        position = {c: i for i, c in enumerate(stored)}

        def rolled(code: str) -> str:
            i = position[code]
            rule = catalog.get(code).aggregation
            if rule == "sum":
                return f"(h.h1_{i} + h.h2_{i})"
            if rule == "first":
                return f"h.h1_{i}"
            if rule == "sum_of_new_plus_first_carry":
                return f"((h.h1_{i} + h.h2_{i}) - h.h2_{position['CMP_CARRY']})"
            return f"h.h2_{i}"  # the end of the year

        cells = ", ".join(f"{rolled(c)} AS c{i}" for i, c in enumerate(codes))
        any_rolled = " OR ".join(f"{rolled(c)} IS NOT NULL" for c in stored)
        by_unit = (
            f"SELECT h.unit_id AS unit_id, {cells}, h.part AS part, "
            f"CASE WHEN {any_rolled} THEN 1 ELSE 0 END AS has_any FROM ("
            f"SELECT s.unit_id AS unit_id, {halves_sql}, MAX({partial}) AS part "
            f"FROM ({figures}) s GROUP BY s.unit_id) h"
        )
    units, more = area_units_sql(area, _units_catalog(basis))
    params.update(more)
    plotted = " OR ".join(f"w.c{i} IS NOT NULL" for i in range(len(codes)))
    values = ", ".join(f"w.c{i} AS c{i}" for i in range(len(codes)))
    sql = (
        f"WITH w AS ({by_unit}), "
        f"ids AS (SELECT id FROM unit WHERE id IN ({units}) UNION SELECT unit_id FROM w WHERE has_any = 1), "
        "t AS (SELECT u.id AS id, u.code AS code, u.name AS name, "
        f"CASE WHEN u.id IN ({units}) THEN 0 ELSE 1 END AS extra, "
        "CASE WHEN w.part = 1 AND w.has_any = 1 THEN 1 ELSE 0 END AS label_mark, "
        f"CASE WHEN {plotted} THEN 1 ELSE 0 END AS plotted, {values} "
        "FROM ids JOIN unit u ON u.id = ids.id LEFT JOIN w ON w.unit_id = u.id) "
    )
    return sql, params


def _label(name: str, extra: int, mark: int) -> str:
    return f"{name} (*)" if not extra and mark else str(name)


def _unit_slide(connection: Connection, area: Area, data: ReportData, key: str) -> tuple[ChartSpec | None, Names]:
    """The chart of a slide by unit (what its table's :meth:`~etl.reports.model.Table.chart_spec`
    gives) and the units without a figure, read in SQL: the units charted (all of them, or the
    highest and the lowest), the first names of the others and how many they are."""
    codes, series, kind, colours = UNIT_TABLES[key]
    stored = tuple(c for c in codes if c not in ("CMP_PENDING", "CMP_RATE"))  # derived: need both counts
    with_sql, params = _unit_table_sql(area, data, stored)
    expanding = ("periods",)
    rank = f"c{stored.index(series[0])}"
    total, plotted, ranked = _run(
        connection,
        f"{with_sql}SELECT COUNT(*), SUM(plotted), SUM(CASE WHEN {rank} IS NOT NULL THEN 1 ELSE 0 END) FROM t",
        params,
        expanding,
    )[0]
    total, plotted, ranked = int(total or 0), int(plotted or 0), int(ranked or 0)
    picked = ", ".join(f"c{stored.index(c)}" for c in series)
    order = "extra, code, id"
    chart = None
    if plotted:
        select = f"{with_sql}SELECT name, extra, label_mark, {picked} FROM t "
        focus: tuple[int, ...] | None = None
        if not needs_focus(plotted, ranked, kind):
            rows = _run(connection, f"{select}WHERE plotted = 1 ORDER BY {order}", params, expanding)
        else:
            each = CHART_ENDS[kind]
            top = _run(
                connection,
                f"{select}WHERE {rank} IS NOT NULL ORDER BY {rank} DESC, {order} LIMIT {each}",
                params,
                expanding,
            )
            bottom = _run(
                connection,
                f"{select}WHERE {rank} IS NOT NULL ORDER BY {rank} ASC, extra DESC, code DESC, id DESC LIMIT {each}",
                params,
                expanding,
            )
            rows = [*top, *reversed(bottom)]
            focus = (*range(each), GAP_ROW, *range(each, 2 * each))
        table_rows: list[tuple[Cell, ...]] = []
        for name, extra, mark, *values in rows:
            cells: list[Cell] = [None] * len(codes)
            for code, value in zip(series, values, strict=True):
                cells[codes.index(code)] = _value(value)
            table_rows.append((_label(name, extra, mark), *cells))
        ref = unit_chart(key, codes, series, kind, colours, data.lang, tuple(range(len(table_rows))), focus, ranked)
        chart = _chart(key, unit_columns(codes, data.lang), table_rows, ref)
    unreported = Names()
    if total > plotted:
        names = _run(
            connection,
            f"{with_sql}SELECT name, extra, label_mark FROM t WHERE plotted = 0 ORDER BY {order} LIMIT {MAX_NAMES}",
            params,
            expanding,
        )
        unreported = Names(tuple(_label(*row) for row in names), total - plotted)
    return chart, unreported


def _chart(key: str, columns: tuple, rows: list[tuple[Cell, ...]], ref: object) -> ChartSpec | None:
    """The chart of a table holding only the rows it shows."""
    return Table(key=key, title="", sheet="", columns=columns, rows=tuple(rows), chart=ref).chart_spec()  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# New rural areas
# ------------------------------------------------------------------------------------------------


def _communes_sql(area: Area, basis: ReportData) -> tuple[str, dict[str, object]]:
    """The area's communes at the end of the period with their NTM figures, as
    :func:`etl.queries.ntm_status` reads them: ``WITH n AS (…)``, columns id, code, name, lvl,
    crit, size (of the commune's criteria set, else the set in force)."""
    last = parse_period(basis.period).halves()[-1]
    units, params = area_units_sql(area, catalog_for_period(last, basis.convention))
    in_force = criteria_set_for(last.end(basis.convention)).code
    sql = (
        "WITH n AS (SELECT u.id AS id, u.code AS code, u.name AS name, f.lvl AS lvl, f.crit AS crit, cs.size AS size "
        "FROM unit u LEFT JOIN (SELECT v.unit_id AS unit_id, "
        "MAX(CASE WHEN v.indicator_code = 'NTM_LEVEL' THEN v.value END) AS lvl, "
        "MAX(CASE WHEN v.indicator_code = 'NTM_CRITERIA_MET' THEN v.value END) AS crit, "
        "MAX(CASE WHEN v.indicator_code = 'NTM_CRITERIA_MET' THEN v.criteria_set END) AS cset "
        f"FROM data_value v WHERE v.period_code = :n_period AND v.unit_id IN ({units}) "
        f"AND v.indicator_code IN ('NTM_LEVEL', 'NTM_CRITERIA_MET', 'NTM_YEAR') {q._APPROVED_ONLY}"
        "GROUP BY v.unit_id) f ON f.unit_id = u.id "
        "LEFT JOIN criteria_set cs ON cs.code = COALESCE(f.cset, :n_in_force) "
        f"WHERE u.id IN ({units}) AND u.kind = '{COMMUNE}') "
    )
    return sql, {**params, "n_period": last.code, "n_in_force": in_force}


def _ntm_counts(connection: Connection, area: Area, basis: ReportData) -> tuple[int, int, int]:
    """(communes at the standard, communes that reported their level, communes)."""
    sql, params = _communes_sql(area, basis)
    met, reported, communes = connection.execute(
        text(f"{sql}SELECT SUM(CASE WHEN lvl >= 1 THEN 1 ELSE 0 END), COUNT(lvl), COUNT(*) FROM n"), params
    ).one()
    return int(met or 0), int(reported or 0), int(communes or 0)


def _ntm_slide(connection: Connection, area: Area, basis: ReportData) -> tuple[ChartSpec | None, NtmFacts]:
    lang = basis.lang
    sql, params = _communes_sql(area, basis)
    (communes, reported, met, plotted, not_met, level_2, level_3, missing, size) = connection.execute(
        text(
            f"{sql}SELECT COUNT(*), COUNT(lvl), SUM(CASE WHEN lvl >= 1 THEN 1 ELSE 0 END), COUNT(crit), "
            "SUM(CASE WHEN lvl < 1 THEN 1 ELSE 0 END), SUM(CASE WHEN lvl = 2 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN lvl = 3 THEN 1 ELSE 0 END), SUM(CASE WHEN lvl IS NULL THEN 1 ELSE 0 END), MAX(size) FROM n"
        ),
        params,
    ).one()
    communes, plotted = int(communes or 0), int(plotted or 0)

    def rows(where: str, order: str, limit: int | None = None) -> list:
        tail = f" LIMIT {limit}" if limit is not None else ""
        return connection.execute(
            text(f"{sql}SELECT name, lvl, crit, size FROM n WHERE {where} ORDER BY {order}{tail}"), params
        ).all()

    def names(where: str, count: object) -> Names:
        if not count:
            return Names()
        found = rows(where, "code, id", MAX_NAMES)
        return Names(tuple(commune_name(r[0]) for r in found), int(count))  # type: ignore[call-overload]

    chart = None
    if plotted:
        focus: tuple[int, ...] | None = None
        if not needs_focus(plotted, plotted, "bar"):
            shown = rows("crit IS NOT NULL", "code, id")
        else:
            each = CHART_ENDS["bar"]
            first = rows("crit IS NOT NULL", "code, id", 1)  # the gap's colour: the first commune's
            top = rows("crit IS NOT NULL", "crit DESC, code, id", each)
            bottom = rows("crit IS NOT NULL", "crit ASC, code DESC, id DESC", each)
            shown = [*first, *top, *reversed(bottom)]
            focus = (*range(1, each + 1), GAP_ROW, *range(each + 1, 2 * each + 1))
        table_rows: list[tuple[Cell, ...]] = [(str(r[0]), None, _value(r[2]), None, None, None) for r in shown]
        colours = tuple(level_colour(None if r[1] is None else int(r[1])) for r in shown)
        ref = ntm_chart(lang, tuple(range(len(shown))), colours, _int(size), focus, plotted)
        chart = _chart("ntm", ntm_columns(lang), table_rows, ref)
    parts = Names()
    if not_met:
        order = "CASE WHEN crit IS NULL THEN 1 ELSE 0 END, crit, code, id" if not_met > MAX_NAMES else "code, id"
        found = rows("lvl < 1", order, MAX_NAMES)
        parts = Names(
            tuple(f"{commune_name(n)} ({_number(c, lang)}/{int(s)})" for n, _lvl, c, s in found), int(not_met)
        )
    facts = NtmFacts(
        communes=communes,
        reported=int(reported or 0),
        met=int(met or 0),
        not_met=parts,
        level_2=names("lvl = 2", level_2),
        level_3=names("lvl = 3", level_3),
        missing=names("lvl IS NULL", missing),
        size=_int(size),
    )
    return chart, facts


def _number(value: object, lang: str) -> str:
    return lb.number(None if value is None else float(value), 0, lang)  # type: ignore[arg-type]


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _ntm_level_counts(connection: Connection, basis: ReportData) -> pd.DataFrame:
    """:func:`etl.queries.ntm_level_counts` over the half-years with the period's criteria set
    (one row per period and level: what the chart stacks)."""
    wanted = parse_period(basis.period)
    in_force = _criteria_set(wanted, basis.convention)
    halves = [
        p
        for p in _halves_before(wanted, HISTORY_HALVES)
        if _criteria_set(parse_period(p), basis.convention) == in_force
    ]
    return q.ntm_level_counts(connection, basis.area.unit_id, halves, basis.convention)


# ------------------------------------------------------------------------------------------------
# Targets
# ------------------------------------------------------------------------------------------------


def _target_groups(connection: Connection, area: Area, basis: ReportData) -> tuple[TargetGroup, ...]:
    """The committee's targets a review speaks of (:func:`etl.reports.data.targets_at`, as
    load_report_data keeps them), counted per group and standing in SQL."""
    convention = basis.convention
    wanted = parse_period(basis.period)
    end = wanted.end(convention)
    following = next_period(wanted)
    start, until = wanted.start(convention), following.end(convention)
    candidates = [
        p
        for year in range(wanted.year - 1, following.year + 2)
        for p in (Period(year, 0), Period(year, 1), Period(year, 2))
        if p.end(convention) >= start and p.start(convention) <= until
    ]
    flows = [i.code for i in indicator_catalog().indicators if i.is_flow]

    def standing(halves: list[str], official: bool, below: str) -> str:
        """What the figures of ``halves`` make of a target (all reported: met or ``below``)."""
        approved = q._APPROVED_ONLY if official else ""
        return (
            f"(SELECT CASE WHEN COUNT(*) = {len(halves)} THEN CASE WHEN SUM(v.value) >= t.value THEN 'met' "
            f"ELSE '{below}' END ELSE 'not_reported' END FROM data_value v WHERE v.unit_id = t.unit_id "
            f"AND v.indicator_code = t.indicator_code AND v.period_code IN {_codes(halves)} {approved})"
        )

    cases = []
    for period in candidates:
        halves = [h.code for h in period.halves()]
        if period.end(convention) <= end:  # over: judged on its own figures (targets_progress)
            flow = standing(halves, False, "not_met")
            stock = standing(halves if not period.is_year else halves[-1:], False, "not_met")
        elif period.start(convention) <= end:  # under way: the figures so far
            so_far = [h.code for h in period.halves() if h.end(convention) <= end]
            flow = standing(so_far, True, "in_progress") if so_far else "'in_progress'"
            stock = standing(so_far[-1:], True, "in_progress") if so_far else "'in_progress'"
        else:
            flow = stock = "'upcoming'"
        status = f"CASE WHEN t.indicator_code IN {_codes(flows)} THEN {flow} ELSE {stock} END" if flows else stock
        cases.append(f"WHEN {_literal(period.code)} THEN {status}")
    units, params = _area_units(area, Boundaries.REPORTED)
    counts = ", ".join(f"SUM(CASE WHEN status = '{s}' THEN 1 ELSE 0 END)" for s in TARGET_STATUSES)
    targets = (
        "SELECT t.id AS id, t.period_code AS period, t.indicator_code AS indicator, t.value AS target, "
        f"u.code AS code, u.name AS name, CASE t.period_code {' '.join(cases)} END AS status "
        f"FROM target t JOIN unit u ON u.id = t.unit_id WHERE t.unit_id IN ({units}) "
        f"AND t.period_code IN {_codes([p.code for p in candidates])}"
    )
    rows = connection.execute(
        text(
            f"SELECT period, indicator, target, {counts} FROM ({targets}) g "
            "GROUP BY period, indicator, target ORDER BY period, MIN(code), indicator, target"
        ),
        params,
    ).all()
    groups = []
    unit_count: int | None = None
    for period, indicator, target, *statuses in rows:
        counted = tuple(int(s or 0) for s in statuses)
        names = Names()
        if counted[-1] == sum(counted):  # upcoming: the units given it are named, or counted
            if unit_count is None:
                unit_count = _unit_count(connection, area, basis)
            if not (sum(counted) == unit_count and sum(counted) > 1):
                found = connection.execute(
                    text(
                        f"SELECT name FROM ({targets}) g WHERE period = :g_period AND indicator = :g_indicator "
                        f"AND target = :g_target ORDER BY code, id LIMIT {MAX_NAMES}"
                    ),
                    {**params, "g_period": period, "g_indicator": indicator, "g_target": target},
                ).all()
                names = Names(tuple(strip_unit_prefix(r[0]) for r in found), sum(counted))
        groups.append(TargetGroup(str(period), str(indicator), float(target), counted, names))
    return tuple(groups)

"""Everything the dashboard, exports and reports read. Aggregation happens in SQL.

Every function takes a SQLAlchemy ``Connection`` and plain, hashable arguments, and returns a
pandas ``DataFrame`` (or small dataclasses) whose columns are documented on the function; the
dashboard wraps them in ``st.cache_data`` keyed on :func:`etl.db.data_version`. Nothing here reads
the whole values table: every query is limited to an area's units and the periods asked for.

Areas and boundaries
--------------------
An *area* is any unit (a province, a district or a commune, of either catalog), given by its id.
As reported ("như đã báo cáo") each figure stays on the unit it was reported for; on today's
boundaries ("theo địa giới hiện nay") pre-2025 figures are summed into their 2025 successors
(see :mod:`etl.boundaries`, where the rule lives). NTM figures are never summed into merged units.

A missing row means "not reported" — never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, text

from etl.boundaries import (
    LINEAGE_JOIN,
    NTM_INDICATORS,
    Area,
    area_units_sql,
    catalogs_for,
    get_area,
    target_unit_sql,
)
from etl.catalog import catalog_for_period, criteria_set_for, predecessors, successors
from etl.errors import UnknownUnit
from etl.indicators import indicator_catalog
from etl.periods import Convention, Period, parse_period
from etl.units import COMMUNE_LEVEL, NEW2025, PRE2025


class Boundaries(StrEnum):
    REPORTED = "reported"  # như đã báo cáo
    CURRENT = "current"  # theo địa giới hiện nay


@dataclass(frozen=True, slots=True)
class AreaOption:
    """An area a user can pick: a province, district or commune of either catalog."""

    unit_id: int
    catalog: str  # "pre2025" or "2025"
    code: str
    level: int  # 1 province, 2 district, 3 commune
    name: str  # "Huyện Kiên Lương"
    label_vi: str  # "Huyện Kiên Lương, Tỉnh Kiên Giang (trước 1/7/2025)"
    label_en: str


_NTM_SQL = "(" + ", ".join(f"'{code}'" for code in NTM_INDICATORS) + ")"
VALUE_COLUMNS = ["period", "unit_id", "unit_code", "unit_name", "indicator", "value", "partial", "source", "approved"]
TOTAL_COLUMNS = ["period", "indicator", "value", "units_reporting", "units_expected"]


def _area(connection: Connection, area_id: int) -> Area:
    area = get_area(connection, area_id)
    if area is None:
        raise UnknownUnit(f"Không có địa bàn mã số {area_id}.")
    return area


def _tuples(result: Iterable[Sequence[object]]) -> list[tuple[object, ...]]:
    """A result's rows as plain tuples: pandas makes a frame of 100.000 of them in a fifth of the
    time it takes from SQLAlchemy's rows."""
    return [tuple(row) for row in result]


def _catalog(period: str, convention: Convention) -> str:
    return catalog_for_period(parse_period(period), convention)


# ------------------------------------------------------------------------------------------------
# Choices: areas and periods
# ------------------------------------------------------------------------------------------------


def _suffix(catalog: str, lang: str) -> str:
    if lang == "vi":
        return "trước 1/7/2025" if catalog == PRE2025 else "từ 1/7/2025"
    return "before 1 July 2025" if catalog == PRE2025 else "from 1 July 2025"


def area_options(connection: Connection) -> list[AreaOption]:
    """Areas that hold figures: every province, district and commune with data, in both catalogs.

    The smallest area that holds all the data comes first (see :func:`default_area`), then
    provinces, districts and communes by name. Every area of the country on a national database
    (14.000): the sidebar picks through :func:`province_options` and :func:`province_areas`."""
    rows = connection.execute(
        text(
            "SELECT u.id, u.catalog, u.code, u.level, u.name, u.parent_id, "
            "d.id, d.code, d.name, p.id, p.code, p.name "
            "FROM unit u "
            "LEFT JOIN unit d ON d.catalog = u.catalog AND d.level = 2 AND d.code = u.district_code "
            "LEFT JOIN unit p ON p.catalog = u.catalog AND p.level = 1 AND p.code = u.province_code "
            f"WHERE {_HAS_DATA}"
        )
    ).all()
    options: dict[int, AreaOption] = {}
    for uid, catalog, code, level, name, _parent, did, dcode, dname, pid, pcode, pname in rows:
        # Each option made once (13.000 communes share 700 districts and 63 provinces)
        if pid is not None and pid not in options:
            options[pid] = _option(pid, catalog, pcode, 1, pname, None)
        if did is not None and did not in options:
            options[did] = _option(did, catalog, dcode, 2, dname, pname)
        if uid not in options:
            options[uid] = _option(uid, catalog, code, level, name, dname or pname)
    ordered = sorted(options.values(), key=_area_order)
    default = default_area(connection, ordered)  # in this order, as default_area(connection) sees them
    if default is not None:
        ordered.remove(default)
        ordered.insert(0, default)
    return ordered


def _area_order(option: AreaOption) -> tuple[int, bool, str]:
    """Provinces, then districts, then communes; the 2025 catalog first; by name."""
    return option.level, option.catalog != NEW2025, option.name


def _option(unit_id: int, catalog: str, code: str, level: int, name: str, parent: str | None) -> AreaOption:
    where = f", {parent}" if parent else ""
    return AreaOption(
        unit_id=unit_id,
        catalog=catalog,
        code=code,
        level=level,
        name=name,
        label_vi=f"{name}{where} ({_suffix(catalog, 'vi')})",
        label_en=f"{name}{where} ({_suffix(catalog, 'en')})",
    )


def label_within(option: AreaOption, province: AreaOption, lang: str = "vi") -> str:
    """An area's label among its province's areas (:func:`province_areas`), without what the
    province's label says already (the catalog, the province's name): "Huyện Kiên Lương", "Xã Hòn
    Nghệ, Huyện Kiên Lương", "Phường An Bình"; the province's own name for the province."""
    label = option.label_en if lang == "en" else option.label_vi
    return label.removesuffix(f" ({_suffix(option.catalog, lang)})").removesuffix(f", {province.name}")


def province_options(connection: Connection) -> list[AreaOption]:
    """The provinces that hold figures (one of their units has some), in both catalogs: the 2025
    catalog first, by name; labelled as :func:`area_options` labels them ("Tỉnh Kiên Giang
    (trước 1/7/2025)"). At most a hundred rows.

    Found down the catalog's tree (a unit's parent is its district, else its province:
    :mod:`etl.catalog` sets it from the same codes), through the parent index: each province stops
    at its first unit with figures, where grouping every unit by its province code would probe
    all 14.000."""
    rows = connection.execute(
        text(
            "SELECT p.id, p.catalog, p.code, p.name FROM unit p WHERE p.level = 1 AND ("
            f"{_has_data('p')} OR EXISTS (SELECT 1 FROM unit c WHERE c.parent_id = p.id AND ({_has_data('c')} "
            f"OR EXISTS (SELECT 1 FROM unit g WHERE g.parent_id = c.id AND {_has_data('g')}))))"
        )
    ).all()
    return sorted((_option(pid, catalog, code, 1, name, None) for pid, catalog, code, name in rows), key=_area_order)


def province_areas(connection: Connection, province_id: int) -> list[AreaOption]:
    """The areas of one province that hold figures, as :func:`area_options` lists and labels
    them: the province itself first (the whole province), then each district followed by its
    communes, by name (communes without a district, as in the 2025 catalog, by name). Empty when
    the province holds no figure or ``province_id`` names no province. Only the province's areas
    are read (each row an option: 574 for the largest province on national data)."""
    rows = connection.execute(
        text(
            "WITH held AS (SELECT u.id, u.district_code FROM unit u JOIN unit p "
            "ON p.id = :province AND p.level = 1 AND u.catalog = p.catalog AND u.province_code = p.code "
            f"WHERE {_HAS_DATA}) "
            "SELECT u.id, u.catalog, u.code, u.level, u.name, u.district_code, d.name, p.name "
            "FROM unit p JOIN unit u ON u.catalog = p.catalog AND u.province_code = p.code "
            "LEFT JOIN unit d ON u.level > 2 AND d.catalog = u.catalog AND d.level = 2 AND d.code = u.district_code "
            "WHERE p.id = :province AND p.level = 1 AND ("
            "u.id IN (SELECT id FROM held) "
            "OR (u.level = 2 AND u.code IN (SELECT district_code FROM held WHERE district_code IS NOT NULL)) "
            "OR (u.id = p.id AND EXISTS (SELECT 1 FROM held)))"
        ),
        {"province": int(province_id)},
    ).all()
    options: list[tuple[tuple[object, ...], AreaOption]] = []
    districts = {dcode: name for _id, _c, _code, level, name, dcode, _d, _p in rows if level == 2}
    for uid, catalog, code, level, name, dcode, dname, pname in rows:
        if level == 1:
            key: tuple[object, ...] = (0,)
            option = _option(uid, catalog, code, level, name, None)
        elif level == 2:
            key = (1, name, dcode or "", 0, "")
            option = _option(uid, catalog, code, level, name, pname)
        else:
            grouped = dcode in districts
            key = (1, districts[dcode], dcode, 1, name) if grouped else (1, name, "", 0, "")
            option = _option(uid, catalog, code, level, name, dname or pname)
        options.append((key, option))
    return [option for _, option in sorted(options, key=lambda pair: pair[0])]


def province_of(connection: Connection, unit_id: int) -> int | None:
    """The id of the province (same catalog) a unit lies in (a province's is its own), or
    ``None`` for an unknown unit. One indexed look-up."""
    found = connection.execute(
        text(
            "SELECT p.id FROM unit u JOIN unit p ON p.catalog = u.catalog AND p.level = 1 AND p.code = u.province_code "
            "WHERE u.id = :unit"
        ),
        {"unit": int(unit_id)},
    ).scalar_one_or_none()
    return None if found is None else int(found)


def default_area(
    connection: Connection,
    options: Sequence[AreaOption] | None = None,
    *,
    provinces: Sequence[AreaOption] | None = None,
) -> AreaOption | None:
    """The smallest province or district that covers every unit holding figures (Huyện Kiên Lương
    for the sample); the first province of :func:`province_options` when none does (Thành phố Cần
    Thơ of the 2025 catalog, on national data).

    Only the few areas that can cover the data are checked, each by two counts in SQL: an area
    holds every unit of its own catalog that has figures, so those units must share its province
    (or district); for a catalog without figures, the area must hold a unit linked to one that has.
    Only areas that hold figures are chosen: of ``options`` (in their order) when given, else read
    by code, in :func:`area_options`' order. ``provinces``: :func:`province_options`, when the
    caller has them already."""
    provinces = list(provinces) if provinces is not None else province_options(connection)
    if not provinces:
        return None
    candidates: set[tuple[str, int, str]] = set()
    for catalog in (PRE2025, NEW2025):
        held = [p for p in provinces if p.catalog == catalog]
        if len(held) == 1:
            candidates.add((catalog, 1, held[0].code))
            n_districts, district, no_district = connection.execute(
                text(
                    "SELECT COUNT(DISTINCT u.district_code), MIN(u.district_code), "
                    "SUM(CASE WHEN u.district_code IS NULL THEN 1 ELSE 0 END) "
                    f"FROM unit u WHERE u.catalog = :catalog AND u.province_code = :province AND {_HAS_DATA}"
                ),
                {"catalog": catalog, "province": held[0].code},
            ).one()
            if n_districts == 1 and not no_district:
                candidates.add((catalog, 2, district))
        elif not held:
            for province, district in _linked_to_data(connection, catalog):
                candidates.add((catalog, 1, province))
                if district:
                    candidates.add((catalog, 2, district))
    held_catalogs = {p.catalog for p in provinces}
    if options is not None:
        listed = [o for o in options if o.level != COMMUNE_LEVEL and (o.catalog, o.level, o.code) in candidates]
    else:
        # An area of a catalog without figures holds none: no option (area_options lists none).
        found = (_option_by_code(connection, *key) for key in candidates if key[0] in held_catalogs)
        listed = sorted((o for o in found if o is not None), key=_area_order)
    best: tuple[int, AreaOption] | None = None
    for option in listed:
        covered, uncovered = _coverage(connection, _area(connection, option.unit_id))
        if not uncovered and (best is None or covered < best[0]):
            best = (covered, option)
    if best is not None:
        return best[1]
    if options is None:
        return provinces[0]
    first = [o for o in options if o.level == 1]
    return first[0] if first else (options[0] if options else None)


def _option_by_code(connection: Connection, catalog: str, level: int, code: str) -> AreaOption | None:
    """A province or district by its code, labelled as :func:`area_options` labels it."""
    row = connection.execute(
        text(
            "SELECT u.id, u.name, p.name FROM unit u "
            "LEFT JOIN unit p ON u.level > 1 AND p.catalog = u.catalog AND p.level = 1 AND p.code = u.province_code "
            "WHERE u.catalog = :catalog AND u.code = :code AND u.level = :level"
        ),
        {"catalog": catalog, "code": code, "level": level},
    ).first()
    return None if row is None else _option(int(row[0]), catalog, code, level, row[1], row[2])


# A unit holds figures: one index probe (data_value's unique key starts with unit_id).
_HAS_DATA = "EXISTS (SELECT 1 FROM data_value dv WHERE dv.unit_id = u.id)"


def _has_data(alias: str) -> str:
    """:data:`_HAS_DATA` for the unit named ``alias``."""
    return f"EXISTS (SELECT 1 FROM data_value dv WHERE dv.unit_id = {alias}.id)"


def _linked_to_data(connection: Connection, catalog: str) -> list[tuple[str, str | None]]:
    """(province, district) codes of the units of ``catalog`` that one unit with figures, of the
    other catalog, is linked to by the default lineage: an area of ``catalog`` covers it only
    through one of them."""
    other = PRE2025 if catalog == NEW2025 else NEW2025
    unit = connection.execute(
        text(f"SELECT u.id FROM unit u WHERE u.catalog = :c AND {_HAS_DATA} LIMIT 1"), {"c": other}
    ).scalar_one_or_none()
    if unit is None:
        return []
    mine, theirs = ("new_unit_id", "old_unit_id") if catalog == NEW2025 else ("old_unit_id", "new_unit_id")
    rows = connection.execute(
        text(
            f"SELECT DISTINCT u.province_code, u.district_code FROM unit_lineage l JOIN unit u ON u.id = l.{mine} "
            f"WHERE l.is_default = :t AND l.{theirs} = :unit"
        ),
        {"t": True, "unit": unit},
    ).all()
    return [(row[0], row[1]) for row in rows]


def _coverage(connection: Connection, area: Area) -> tuple[int, int]:
    """(units the area covers in either catalog, units holding figures that it does not cover)."""
    old, params = area_units_sql(area, PRE2025)
    new, more = area_units_sql(area, NEW2025)
    covered, uncovered = connection.execute(
        text(
            f"SELECT (SELECT COUNT(*) FROM ({old} UNION {new}) AS c), "
            f"(SELECT COUNT(*) FROM unit u WHERE {_HAS_DATA} AND u.id NOT IN ({old}) AND u.id NOT IN ({new}))"
        ),
        {**params, **more},
    ).one()
    return int(covered), int(uncovered)


def periods_with_data(connection: Connection) -> list[str]:
    """Half-year (and year) codes that hold at least one figure, oldest first."""
    rows = connection.execute(
        text(
            "SELECT p.code FROM period p WHERE EXISTS (SELECT 1 FROM data_value v WHERE v.period_code = p.code) "
            "ORDER BY p.start_date, p.half"
        )
    )
    return [row[0] for row in rows]


def last_update(connection: Connection, area_id: int) -> datetime | None:
    """When the newest import batch behind the area's figures (either catalog) was loaded (UTC)."""
    area = _area(connection, area_id)
    units, params = _units_sql(area, Boundaries.REPORTED)
    statement = text(
        "SELECT MAX(b.started_at) FROM import_batch b WHERE b.id IN "
        f"(SELECT DISTINCT v.batch_id FROM {_values_by_unit(units)} WHERE v.unit_id = au.id)"
    )
    moment = connection.execute(statement, params).scalar_one_or_none()
    if isinstance(moment, str):  # SQLite returns the stored text for an aggregate
        moment = datetime.fromisoformat(moment)
    return moment


def is_sample_data(connection: Connection) -> bool:
    """True when every file loaded is the demo's (the illustrative Kiên Lương sample); figures
    typed into web forms on the demo database do not make it real data."""
    total, demo = connection.execute(
        text(
            "SELECT COUNT(*), SUM(CASE WHEN loaded_by = 'demo' THEN 1 ELSE 0 END) FROM import_batch "
            "WHERE file_format <> 'form-entry'"
        )
    ).one()
    return bool(total) and total == demo


# ------------------------------------------------------------------------------------------------
# Units of an area
# ------------------------------------------------------------------------------------------------


def area_units(
    connection: Connection,
    area_id: int,
    period: str,
    boundaries: str = Boundaries.REPORTED,
    convention: Convention = Convention.CALENDAR,
    *,
    excluding: Sequence[int] = (),
) -> pd.DataFrame:
    """The commune-level units an area covers in ``period``: columns unit_id, unit_code, unit_name,
    kind, is_commune (a xã: the only kind the NTM programme applies to). ``excluding``: unit ids
    left out in SQL (e.g. those with a figure, to list only the units that did not report)."""
    area = _area(connection, area_id)
    catalog = NEW2025 if boundaries == Boundaries.CURRENT else _catalog(period, convention)
    sql, params = area_units_sql(area, catalog)
    statement = text(
        "SELECT id AS unit_id, code AS unit_code, name AS unit_name, kind FROM unit "
        f"WHERE id IN ({sql}) AND id NOT IN :excluding ORDER BY code"
    ).bindparams(bindparam("excluding", expanding=True))
    frame = pd.DataFrame(
        _tuples(connection.execute(statement, {**params, "excluding": sorted({int(u) for u in excluding})})),
        columns=["unit_id", "unit_code", "unit_name", "kind"],
    )
    frame["is_commune"] = frame["kind"] == "Xã"
    return frame


def code_ranks(
    connection: Connection,
    area_id: int,
    periods: Sequence[str],
    codes: Sequence[str],
    convention: Convention = Convention.CALENDAR,
) -> dict[str, int]:
    """Where each of ``codes`` falls (0, 1, …) in the ordered codes of every commune-level unit the
    area covers in the catalogs of ``periods`` and in today's: what gives a unit the same colour in
    every chart of the area (the dashboard's palette in code order), ranked in SQL so that only the
    units drawn are read. A code the area does not cover is left out."""
    if not codes:
        return {}
    area = _area(connection, area_id)
    catalogs = sorted({*(_catalog(p, convention) for p in periods), NEW2025})
    parts = [area_units_sql(area, catalog) for catalog in catalogs]
    params: dict[str, object] = {"codes": sorted({str(c) for c in codes})}
    for _sql, part in parts:
        params.update(part)  # the same names, the same values: the area's
    covered = " UNION ".join(sql for sql, _ in parts)
    statement = text(
        "SELECT code, rnk FROM (SELECT code, ROW_NUMBER() OVER (ORDER BY code) - 1 AS rnk FROM "
        f"(SELECT DISTINCT code FROM unit WHERE id IN ({covered})) AS c) AS r WHERE code IN :codes"
    ).bindparams(bindparam("codes", expanding=True))
    return {str(code): int(rank) for code, rank in connection.execute(statement, params)}


def _units_sql(area: Area, boundaries: str) -> tuple[str, dict[str, object]]:
    """SQL selecting the ids of the units whose figures the area shows (both catalogs as reported,
    2025 on today's boundaries), with its parameters: a sub-query, never a list read into Python."""
    parts = [area_units_sql(area, catalog) for catalog in catalogs_for(boundaries)]
    params: dict[str, object] = {}
    for _sql, part in parts:
        params.update(part)  # the same names, the same values: the area's
    return " UNION ".join(sql for sql, _ in parts), params


def _one_unit_sql(unit_id: int) -> tuple[str, dict[str, object]]:
    return "SELECT id FROM unit WHERE id = :one_unit", {"one_unit": int(unit_id)}


def _values_by_unit(units: str) -> str:
    """``FROM`` for the figures (``data_value v``) of the units ``units`` selects, read unit by unit:
    join with ``v.unit_id = au.id``. Left to itself, SQLite's planner reads every unit's figures of
    the periods asked for (the period index) and keeps the area's: a national database's whole
    half-year for a province. CROSS JOIN makes SQLite start from the units; other databases plan
    as they see fit."""
    return f"(SELECT id FROM unit WHERE id IN ({units})) au CROSS JOIN data_value v"


# ------------------------------------------------------------------------------------------------
# Figures per unit and per area
# ------------------------------------------------------------------------------------------------


# A figure counts as official unless it belongs to a web submission not (yet) approved; figures
# loaded from files by the secretariat have no submission and count.
_APPROVED_ONLY = (
    "AND NOT EXISTS (SELECT 1 FROM submission s WHERE s.unit_id = v.unit_id "
    "AND s.period_code = v.period_code AND s.status <> 'approved') "
)


def _value_sql(
    boundaries: str, with_indicators: bool, official_only: bool, units: str, *, figures_only: bool = False
) -> str:
    """Figures summed per period, target unit and indicator, for the target units ``units`` selects.
    ``figures_only``: the columns period, unit_id, indicator and value alone, without what tells
    where a figure came from (partial, batch_id, sources, catalog): cheaper for callers that only
    compute with the figures."""
    target = target_unit_sql(boundaries)
    current = boundaries == Boundaries.CURRENT
    join = LINEAGE_JOIN if current else ""
    partial = "MAX(CASE WHEN l.old_unit_id IS NOT NULL AND NOT l.whole THEN 1 ELSE 0 END)" if current else "0"
    ntm_rule = (
        f"AND NOT (u.catalog = 'pre2025' AND v.indicator_code IN {_NTM_SQL}) " if current else ""
    )  # NTM figures describe one commune: never summed into a merged one
    indicator_rule = "AND v.indicator_code IN :indicators " if with_indicators else ""
    # The stored figures to read: the target units' own and, on today's boundaries, those of the old
    # units that went into them. Said on v.unit_id, so that the database reads them by its index
    # (the target, a CASE on today's boundaries, would have it scan every unit's figures).
    sources, where = units, ""
    if current:
        sources = (
            f"{units} UNION SELECT old_unit_id FROM unit_lineage WHERE is_default = :a_true "
            f"AND new_unit_id IN ({units})"
        )
        where = f"AND {target} IN ({units}) "
    columns = (
        f"SUM(v.value) AS value, {partial} AS partial, MAX(v.batch_id) AS batch_id, "
        "COUNT(DISTINCT v.unit_id) AS sources, MIN(u.catalog) AS catalog "
    )
    unit_join = "JOIN unit u ON u.id = v.unit_id "
    if figures_only:
        columns = "SUM(v.value) AS value "
        unit_join = unit_join if current else ""  # the unit's catalog matters only on today's boundaries
    return (
        f"SELECT v.period_code AS period, {target} AS unit_id, v.indicator_code AS indicator, {columns}"
        f"FROM {_values_by_unit(sources)} {unit_join}{join} "
        f"WHERE v.unit_id = au.id AND v.period_code IN :periods {where}{indicator_rule}{ntm_rule}"
        f"{_APPROVED_ONLY if official_only else ''}"
        f"GROUP BY v.period_code, {target}, v.indicator_code"
    )


def _params(units: dict[str, object], periods: Sequence[str], indicators: Sequence[str] | None) -> tuple[list, dict]:
    binds = [bindparam("periods", expanding=True)]
    params: dict[str, object] = {**units, "periods": list(periods), "a_true": True}
    if indicators is not None:
        binds.append(bindparam("indicators", expanding=True))
        params["indicators"] = list(indicators)
    return binds, params


def unit_values(
    connection: Connection,
    area_id: int,
    periods: Sequence[str],
    indicators: Sequence[str] | None = None,
    boundaries: str = Boundaries.REPORTED,
    official_only: bool = True,
) -> pd.DataFrame:
    """Figures per unit: columns period, unit_id, unit_code, unit_name, indicator, value, partial
    (a current-boundary figure that covers only part of the 2025 unit's territory: it includes part
    of a divided old unit, or not every old unit that went into it has a figure), source ("lô #3:
    kien-luong-2019.xlsx", the latest batch behind the figure). The derived CMP_PENDING and
    CMP_RATE are added per unit where its counts allow."""
    area = _area(connection, area_id)
    return _values_of(connection, _units_sql(area, boundaries), periods, indicators, boundaries, official_only)


def unit_figures_sql(
    connection: Connection,
    area_id: int,
    periods: Sequence[str],
    indicators: Sequence[str],
    boundaries: str = Boundaries.REPORTED,
    official_only: bool = True,
) -> tuple[str, list, dict[str, object]]:
    """The stored figures :func:`unit_values` reads, as SQL to build on rather than rows: a
    sub-query with columns period, unit_id, indicator, value (summed per target unit, as
    unit_values sums them), for the stored ``indicators`` (no derived ones), with the bind
    parameters to declare (``text(...).bindparams(*binds)``) and their values. Its parameter
    names are ``periods``, ``indicators`` and ``a_…``."""
    area = _area(connection, area_id)
    units, unit_params = _units_sql(area, boundaries)
    binds, params = _params(unit_params, periods, list(indicators))
    return _value_sql(boundaries, True, official_only, units, figures_only=True), binds, params


def one_unit_values(
    connection: Connection,
    unit_id: int,
    periods: Sequence[str],
    indicators: Sequence[str] | None = None,
    boundaries: str = Boundaries.REPORTED,
    official_only: bool = True,
) -> pd.DataFrame:
    """:func:`unit_values` of one commune-level unit (a unit profile): only its own rows are read
    (on today's boundaries, a 2025 unit's figures with its predecessors' summed into them)."""
    return _values_of(connection, _one_unit_sql(unit_id), periods, indicators, boundaries, official_only)


def _values_of(
    connection: Connection,
    units: tuple[str, dict[str, object]],
    periods: Sequence[str],
    indicators: Sequence[str] | None,
    boundaries: str,
    official_only: bool,
) -> pd.DataFrame:
    """unit_values' rows for the figures that count for the target units ``units`` selects (SQL
    and its parameters; see :func:`_value_sql`)."""
    if not periods:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    wanted = None if indicators is None else _with_inputs(indicators)
    binds, params = _params(units[1], periods, wanted)
    inner = _value_sql(boundaries, wanted is not None, official_only, units[0])
    statement = text(
        "SELECT s.period, s.unit_id, t.code, t.name, s.indicator, s.value, s.partial, s.batch_id, b.file_name, "
        "s.sources, s.catalog "
        f"FROM ({inner}) s JOIN unit t ON t.id = s.unit_id LEFT JOIN import_batch b ON b.id = s.batch_id"
    ).bindparams(*binds)
    rows = _tuples(connection.execute(statement, params))
    frame = pd.DataFrame(
        rows,
        columns=[
            "period",
            "unit_id",
            "unit_code",
            "unit_name",
            "indicator",
            "value",
            "partial",
            "batch",
            "file",
            "sources",
            "catalog",
        ],
    )
    frame["partial"] = frame["partial"].astype(bool)
    if boundaries == Boundaries.CURRENT and not frame.empty:
        # A 2025 unit whose old units did not all report (or lie partly outside the area) holds
        # only part of its territory's figure: flag it rather than pass it off as the whole.
        whole_count = _predecessor_counts(connection, frame["unit_id"].unique().tolist())
        merged = frame["catalog"] == PRE2025
        short = frame["sources"] < frame["unit_id"].map(whole_count).fillna(0)
        frame["partial"] = frame["partial"] | (merged & short)
    frame["source"] = [
        f"lô #{b}: {f}" if b is not None else "" for b, f in zip(frame["batch"], frame["file"], strict=True)
    ]
    frame = frame.drop(columns=["batch", "file", "sources", "catalog"])
    waiting = _unapproved(connection, periods)
    frame["approved"] = [(u, p) not in waiting for u, p in zip(frame["unit_id"], frame["period"], strict=True)]
    frame = pd.concat([frame, _derived_per_unit(frame)], ignore_index=True)
    if indicators is not None:
        frame = frame[frame["indicator"].isin(list(indicators))]
    return _ordered(frame)[VALUE_COLUMNS].reset_index(drop=True)


def _predecessor_counts(connection: Connection, unit_ids: list[int]) -> dict[int, int]:
    """2025 unit id → how many old units went (mainly) into it."""
    statement = text(
        "SELECT new_unit_id, COUNT(*) FROM unit_lineage WHERE is_default = :t AND new_unit_id IN :ids "
        "GROUP BY new_unit_id"
    ).bindparams(bindparam("ids", expanding=True))
    return dict(connection.execute(statement, {"t": True, "ids": [int(i) for i in unit_ids]}).all())


def _unapproved(connection: Connection, periods: Sequence[str]) -> set[tuple[int, str]]:
    """(unit_id, period) of web submissions whose figures are not approved yet."""
    statement = text(
        "SELECT unit_id, period_code FROM submission WHERE status <> 'approved' AND period_code IN :periods"
    ).bindparams(bindparam("periods", expanding=True))
    return {(u, p) for u, p in connection.execute(statement, {"periods": list(periods)}).all()}


def _with_inputs(indicators: Sequence[str]) -> list[str]:
    """The stored indicators needed to show ``indicators`` (a rate needs its counts)."""
    out = set(indicators)
    if {"CMP_RATE", "CMP_PENDING"} & out:
        out |= {"CMP_COMPETENT", "CMP_RESOLVED"}
    return sorted(out)


def _derived(frame: pd.DataFrame, keys: list[str], carried: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """CMP_PENDING = competent − resolved and CMP_RATE = 100 × resolved / competent, recomputed per
    ``keys`` from the counts in ``frame`` (never averaged); ``carried`` names the other columns to
    keep, as pandas named aggregations. Rows lacking either count are left out."""
    counts = frame[frame["indicator"].isin(["CMP_COMPETENT", "CMP_RESOLVED"])]
    columns = [*keys, "indicator", "value", *carried]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    wide = counts.pivot_table(index=keys, columns="indicator", values="value", aggfunc="sum").dropna()
    if "CMP_COMPETENT" not in wide.columns or "CMP_RESOLVED" not in wide.columns:
        return pd.DataFrame(columns=columns)
    if carried:
        wide = wide.join(counts.groupby(keys).agg(**carried))
    pending = wide.assign(indicator="CMP_PENDING", value=wide["CMP_COMPETENT"] - wide["CMP_RESOLVED"])
    rated = wide[wide["CMP_COMPETENT"] > 0]
    rate = rated.assign(indicator="CMP_RATE", value=100.0 * rated["CMP_RESOLVED"] / rated["CMP_COMPETENT"])
    return pd.concat([pending, rate]).reset_index()[columns]


def _derived_per_unit(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["period", "unit_id", "unit_code", "unit_name"]
    carried = {"partial": ("partial", "max"), "source": ("source", "max"), "approved": ("approved", "min")}
    return _derived(frame, keys, carried)[VALUE_COLUMNS]


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    order = {code: i for i, code in enumerate(indicator_catalog().codes)}
    return frame.assign(_o=frame["indicator"].map(order)).sort_values(["period", "unit_code", "_o"]).drop(columns="_o")


def area_totals(
    connection: Connection,
    area_id: int,
    periods: Sequence[str],
    indicators: Sequence[str] | None = None,
    boundaries: str = Boundaries.REPORTED,
    convention: Convention = Convention.CALENDAR,
    official_only: bool = True,
) -> pd.DataFrame:
    """The area's figure per period and indicator: columns period, indicator, value,
    units_reporting, units_expected.

    Flows and stocks are summed over the units (in SQL); CMP_PENDING and CMP_RATE are recomputed
    from the summed counts (never averaged); NTM_LEVEL is the number of communes at the standard
    (level ≥ 1) and NTM_CRITERIA_MET the average per reporting commune, both counted on the
    communes as they were (NTM figures are never merged); NTM_YEAR has no total."""
    if not periods:
        return pd.DataFrame(columns=TOTAL_COLUMNS)
    area = _area(connection, area_id)
    wanted = None if indicators is None else _with_inputs(indicators)
    parts: list[pd.DataFrame] = []
    units, unit_params = _units_sql(area, boundaries)
    # The area's figures, summed over its units (as reported, one figure per unit: summed at once)
    binds, params = _params(unit_params, periods, wanted)
    if boundaries == Boundaries.CURRENT:
        inner = _value_sql(boundaries, wanted is not None, official_only, units)
        statement = (
            f"SELECT period, indicator, SUM(value), COUNT(*) FROM ({inner}) s "
            f"WHERE indicator NOT IN {_NTM_SQL} GROUP BY period, indicator"
        )
    else:
        statement = (
            f"SELECT v.period_code, v.indicator_code, SUM(v.value), COUNT(*) FROM {_values_by_unit(units)} "
            "WHERE v.unit_id = au.id AND v.period_code IN :periods "
            f"{'AND v.indicator_code IN :indicators ' if wanted is not None else ''}"
            f"AND v.indicator_code NOT IN {_NTM_SQL} {_APPROVED_ONLY if official_only else ''}"
            "GROUP BY v.period_code, v.indicator_code"
        )
    rows = connection.execute(text(statement).bindparams(*binds), params).all()
    parts.append(pd.DataFrame(rows, columns=["period", "indicator", "value", "units_reporting"]))
    reported_units, reported_params = _units_sql(area, Boundaries.REPORTED)
    if wanted is None or set(wanted) & set(NTM_INDICATORS):
        binds, params = _params(reported_params, periods, None)
        rows = connection.execute(
            text(
                "SELECT v.period_code, v.indicator_code, "
                "CASE WHEN v.indicator_code = 'NTM_LEVEL' THEN SUM(CASE WHEN v.value >= 1 THEN 1 ELSE 0 END) "
                "ELSE AVG(v.value) END, COUNT(*) "
                f"FROM {_values_by_unit(reported_units)} WHERE v.unit_id = au.id AND v.period_code IN :periods "
                "AND v.indicator_code IN ('NTM_LEVEL', 'NTM_CRITERIA_MET') "
                f"{_APPROVED_ONLY if official_only else ''}"
                "GROUP BY v.period_code, v.indicator_code"
            ).bindparams(*binds),
            params,
        ).all()
        parts.append(pd.DataFrame(rows, columns=["period", "indicator", "value", "units_reporting"]))
    frame = (
        pd.concat([p for p in parts if not p.empty], ignore_index=True)
        if any(not p.empty for p in parts)
        else pd.DataFrame(columns=["period", "indicator", "value", "units_reporting"])
    )
    frame["value"] = frame["value"].astype(float)
    frame = pd.concat([frame, derived_totals(frame)], ignore_index=True)
    expected = expected_units(connection, area, periods, boundaries, convention)
    frame["units_expected"] = [
        expected[(p, i in NTM_INDICATORS)] for p, i in zip(frame["period"], frame["indicator"], strict=True)
    ]
    if indicators is not None:
        frame = frame[frame["indicator"].isin(list(indicators))]
    order = {code: i for i, code in enumerate(indicator_catalog().codes)}
    periods_order = {p: i for i, p in enumerate(periods)}
    frame = frame.assign(_p=frame["period"].map(periods_order), _o=frame["indicator"].map(order))
    frame = frame.sort_values(["_p", "_o"]).drop(columns=["_p", "_o"])
    frame["units_reporting"] = frame["units_reporting"].astype(int)
    return frame[TOTAL_COLUMNS].reset_index(drop=True)


def derived_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """CMP_PENDING and CMP_RATE of area totals (columns period, indicator, value, units_reporting),
    recomputed from the summed counts, with the fewer units of the two."""
    return _derived(frame, ["period"], {"units_reporting": ("units_reporting", "min")})


def expected_units(
    connection: Connection, area: Area, periods: Sequence[str], boundaries: str, convention: Convention
) -> dict[tuple[str, bool], int]:
    """(period, ntm) → how many units (communes, for NTM) should report in the period."""
    out: dict[tuple[str, bool], int] = {}
    counts: dict[str, tuple[int, int]] = {}
    for period in periods:
        reported_catalog = _catalog(period, convention)
        for ntm in (False, True):
            catalog = reported_catalog if ntm or boundaries != Boundaries.CURRENT else NEW2025
            if catalog not in counts:
                sql, params = area_units_sql(area, catalog)
                all_units, communes = connection.execute(
                    text(
                        f"SELECT COUNT(*), SUM(CASE WHEN kind = 'Xã' THEN 1 ELSE 0 END) FROM unit WHERE id IN ({sql})"
                    ),
                    params,
                ).one()
                counts[catalog] = (int(all_units or 0), int(communes or 0))
            out[(period, ntm)] = counts[catalog][1 if ntm else 0]
    return out


# ------------------------------------------------------------------------------------------------
# Completeness
# ------------------------------------------------------------------------------------------------


def expected_indicators(is_commune: bool) -> list[str]:
    """Indicators a unit must report for a complete return: every entered indicator (NTM ones only
    for communes), except NTM_YEAR, which stays blank until the standard is met."""
    return [i.code for i in indicator_catalog().entered if i.code != "NTM_YEAR" and (is_commune or not i.communes_only)]


def completeness(
    connection: Connection,
    area_id: int,
    periods: Sequence[str],
    convention: Convention = Convention.CALENDAR,
) -> pd.DataFrame:
    """Who has reported: one row per unit that existed in each period (its catalog) and period:
    columns period, unit_id, unit_code, unit_name, status ("reported", "partial", "missing"),
    n_values, n_expected. Units are those that existed then, whatever boundaries are shown."""
    area = _area(connection, area_id)
    frames = []
    by_catalog: dict[str, pd.DataFrame] = {}  # the units of a catalog: read once, not once a period
    for period in periods:
        catalog = _catalog(period, convention)
        if catalog not in by_catalog:
            by_catalog[catalog] = area_units(connection, area_id, period, Boundaries.REPORTED, convention)
        units = by_catalog[catalog].copy()
        units.insert(0, "period", period)
        frames.append(units)
    grid = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["period", "unit_id", "unit_code", "unit_name", "kind", "is_commune"])
    )
    counted = pd.DataFrame(columns=["period", "unit_id", "n_values"])
    units, params = _units_sql(area, Boundaries.REPORTED)
    if periods:
        statement = text(
            f"SELECT v.period_code, v.unit_id, COUNT(*) FROM {_values_by_unit(units)} "
            "WHERE v.unit_id = au.id AND v.period_code IN :periods AND v.indicator_code IN :indicators "
            "GROUP BY v.period_code, v.unit_id"
        ).bindparams(bindparam("periods", expanding=True), bindparam("indicators", expanding=True))
        rows = _tuples(
            connection.execute(
                statement,
                {**params, "periods": list(periods), "indicators": expected_indicators(True)},
            )
        )
        counted = pd.DataFrame(rows, columns=["period", "unit_id", "n_values"])
    grid = grid.merge(counted, on=["period", "unit_id"], how="left")
    grid["n_values"] = grid["n_values"].fillna(0).astype(int)
    commune_n, other_n = len(expected_indicators(True)), len(expected_indicators(False))
    grid["n_expected"] = [commune_n if c else other_n for c in grid["is_commune"]]
    grid["status"] = [
        "missing" if n == 0 else ("reported" if n >= e else "partial")
        for n, e in zip(grid["n_values"], grid["n_expected"], strict=True)
    ]
    return grid[["period", "unit_id", "unit_code", "unit_name", "status", "n_values", "n_expected"]]


# ------------------------------------------------------------------------------------------------
# New rural areas
# ------------------------------------------------------------------------------------------------


def ntm_status(
    connection: Connection, area_id: int, period: str, convention: Convention = Convention.CALENDAR
) -> pd.DataFrame:
    """Each commune's NTM figures in ``period`` (communes as they were; towns and wards excluded):
    columns unit_id, unit_code, unit_name, level, criteria_met, criteria_size, criteria_set, year.
    Not reported stays NaN."""
    units = area_units(connection, area_id, period, Boundaries.REPORTED, convention)
    units = units[units["is_commune"]]
    columns = ["unit_id", "unit_code", "unit_name", "level", "criteria_met", "criteria_size", "criteria_set", "year"]
    if units.empty:
        return pd.DataFrame(columns=columns)
    statement = text(
        "SELECT unit_id, "
        "MAX(CASE WHEN indicator_code = 'NTM_LEVEL' THEN value END), "
        "MAX(CASE WHEN indicator_code = 'NTM_CRITERIA_MET' THEN value END), "
        "MAX(CASE WHEN indicator_code = 'NTM_CRITERIA_MET' THEN criteria_set END), "
        "MAX(CASE WHEN indicator_code = 'NTM_YEAR' THEN value END) "
        "FROM data_value v WHERE period_code = :period AND unit_id IN :units "
        f"AND indicator_code IN ('NTM_LEVEL', 'NTM_CRITERIA_MET', 'NTM_YEAR') {_APPROVED_ONLY}GROUP BY unit_id"
    ).bindparams(bindparam("units", expanding=True))
    rows = connection.execute(statement, {"period": period, "units": units["unit_id"].tolist()}).all()
    figures = pd.DataFrame(rows, columns=["unit_id", "level", "criteria_met", "criteria_set", "year"])
    frame = units.merge(figures, on="unit_id", how="left")
    in_force = criteria_set_for(parse_period(period).end(convention))
    sizes = {row[0]: row[1] for row in connection.execute(text("SELECT code, size FROM criteria_set"))}
    frame["criteria_set"] = frame["criteria_set"].fillna(in_force.code)
    frame["criteria_size"] = frame["criteria_set"].map(sizes).astype(int)
    return frame[columns].reset_index(drop=True)


def ntm_level_counts(
    connection: Connection, area_id: int, periods: Sequence[str], convention: Convention = Convention.CALENDAR
) -> pd.DataFrame:
    """Communes per NTM level and period (communes as they were): columns period, criteria_set
    (the set in force at the end of the period: levels are compared within one set only), level
    (0–3), communes."""
    area = _area(connection, area_id)
    units, params = _units_sql(area, Boundaries.REPORTED)
    columns = ["period", "criteria_set", "level", "communes"]
    if not periods:
        return pd.DataFrame(columns=columns)
    statement = text(
        f"SELECT v.period_code, v.value, COUNT(*) FROM {_values_by_unit(units)} "
        "WHERE v.unit_id = au.id AND v.indicator_code = 'NTM_LEVEL' AND v.period_code IN :periods "
        f"{_APPROVED_ONLY}GROUP BY v.period_code, v.value"
    ).bindparams(bindparam("periods", expanding=True))
    rows = connection.execute(statement, {**params, "periods": list(periods)}).all()
    frame = pd.DataFrame(rows, columns=["period", "level", "communes"])
    frame["level"] = frame["level"].astype(int)
    frame["criteria_set"] = [criteria_set_for(parse_period(p).end(convention)).code for p in frame["period"]]
    order = {p: i for i, p in enumerate(periods)}
    frame = frame.assign(_p=frame["period"].map(order)).sort_values(["_p", "level"]).drop(columns="_p")
    return frame[columns].reset_index(drop=True)


def targets_progress(connection: Connection, area_id: int) -> pd.DataFrame:
    """The committee's targets for the area's units and what was achieved: columns period,
    unit_id, unit_name, indicator, target, actual, met (None while not reported).

    For a whole-year target, a level or stock is judged on the second half-year, a flow on the
    sum of both halves; a half-year target on that half-year."""
    area = _area(connection, area_id)
    units, params = _units_sql(area, Boundaries.REPORTED)
    columns = ["period", "unit_id", "unit_name", "indicator", "target", "actual", "met"]
    statement = text(
        "SELECT t.period_code, t.unit_id, u.name, t.indicator_code, t.value FROM target t "
        f"JOIN unit u ON u.id = t.unit_id WHERE t.unit_id IN ({units}) ORDER BY t.period_code, u.code"
    )
    targets = connection.execute(statement, params).all()
    if not targets:
        return pd.DataFrame(columns=columns)
    out = []
    catalog = indicator_catalog()
    for period_code, unit_id, name, indicator, target in targets:
        period = parse_period(period_code)
        flow = catalog.get(indicator).is_flow
        halves = [h.code for h in period.halves()] if period.is_year else [period.code]
        wanted = halves if flow or not period.is_year else [halves[-1]]
        actual_rows = connection.execute(
            text(
                "SELECT SUM(value), COUNT(*) FROM data_value WHERE unit_id = :u AND indicator_code = :i "
                "AND period_code IN :ps"
            ).bindparams(bindparam("ps", expanding=True)),
            {"u": unit_id, "i": indicator, "ps": wanted},
        ).one()
        actual = float(actual_rows[0]) if actual_rows[1] == len(wanted) else None
        out.append(
            (period_code, unit_id, name, indicator, target, actual, None if actual is None else actual >= target)
        )
    return pd.DataFrame(out, columns=columns)


# ------------------------------------------------------------------------------------------------
# One unit
# ------------------------------------------------------------------------------------------------


def lineage(connection: Connection, unit_id: int) -> pd.DataFrame:
    """The unit's place in the 2025 reorganisation: columns direction ("predecessor" or
    "successor"), unit_id, unit_code, unit_name, catalog, whole."""
    rows = [("predecessor", link) for link in predecessors(connection, unit_id)]
    rows += [("successor", link) for link in successors(connection, unit_id)]
    return pd.DataFrame(
        [(d, ln.unit_id, ln.code, ln.name, ln.catalog, ln.whole) for d, ln in rows],
        columns=["direction", "unit_id", "unit_code", "unit_name", "catalog", "whole"],
    )


def unit_batches(connection: Connection, unit_id: int) -> pd.DataFrame:
    """Where the unit's figures (and, for a 2025 unit, its predecessors') came from: columns
    batch_id, file_name, file_format, loaded_by, started_at, unit_name, values."""
    statement = text(
        "SELECT b.id, b.file_name, b.file_format, b.loaded_by, b.started_at, u.name, COUNT(*) "
        "FROM data_value v JOIN import_batch b ON b.id = v.batch_id JOIN unit u ON u.id = v.unit_id "
        "WHERE v.unit_id = :u OR v.unit_id IN (SELECT old_unit_id FROM unit_lineage WHERE new_unit_id = :u) "
        "GROUP BY b.id, b.file_name, b.file_format, b.loaded_by, b.started_at, u.name ORDER BY b.id"
    )
    rows = connection.execute(statement, {"u": unit_id}).all()
    return pd.DataFrame(
        rows, columns=["batch_id", "file_name", "file_format", "loaded_by", "started_at", "unit_name", "values"]
    )


def period_options(periods: Sequence[str], lang: str = "vi") -> dict[str, str]:
    """Period code → label in the language ("6 tháng đầu năm 2019" / "First half of 2019")."""
    return {p: (parse_period(p).label_vi if lang == "vi" else parse_period(p).label_en) for p in periods}


def previous_periods(period: str) -> tuple[str, str]:
    """(the period before, the same period last year): what a review compares with."""
    p: Period = parse_period(period)
    return p.previous().code, p.same_period_last_year().code


def to_years(totals: pd.DataFrame) -> pd.DataFrame:
    """Half-year area totals (from :func:`area_totals`) rolled up into whole years by
    :func:`roll_up_years`. Columns as :func:`area_totals`, with ``period`` the year ("2019")."""
    return roll_up_years(totals)[TOTAL_COLUMNS]


def roll_up_years(halves: pd.DataFrame, keys: Sequence[str] = ()) -> pd.DataFrame:
    """Half-year figures rolled up into whole years, per ``keys`` (none for an area's totals,
    ``["unit_id"]`` for each unit's own) and indicator, by each indicator's aggregation in the
    catalog: flows summed; stocks at the end of the year (the second half); CMP_CARRY from the
    start (the first half); CMP_COMPETENT summed less the second half's carry-over (counted once);
    CMP_PENDING and CMP_RATE recomputed from the year's counts; NTM levels and criteria at the end of
    the year. A year lacking a half it needs is left out, never filled with zeros. Whole-year rows
    in ``halves`` are ignored; indicators outside the catalog or not entered are dropped.

    ``halves`` has columns ``*keys``, period, indicator, value and, for area totals,
    units_reporting and units_expected (the fewer units reporting of the two halves, the more
    expected). The result has the same columns, ``period`` the year, in period then catalog order.
    Everything is done on whole columns (one pivot), however many units and years."""
    keys = list(keys)
    counted = [c for c in ("units_reporting", "units_expected") if c in halves.columns]
    columns = [*keys, "period", "indicator", "value", *counted]
    parsed = {code: parse_period(code) for code in halves["period"].unique()}
    frame = halves.assign(
        year=halves["period"].map(lambda code: str(parsed[code].year)),
        half=halves["period"].map(lambda code: parsed[code].half),
    )
    frame = frame[frame["half"] > 0]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    index = [*keys, "year", "indicator"]
    wide = frame.pivot_table(index=index, columns="half", values="value", aggfunc="sum").reindex(columns=[1, 2])
    wide.columns = ["first", "second"]
    if counted:
        wide["units_reporting"] = frame.pivot_table(
            index=index, columns="half", values="units_reporting", aggfunc="min"
        ).min(axis=1)
        wide["units_expected"] = frame.pivot_table(
            index=index, columns="half", values="units_expected", aggfunc="max"
        ).max(axis=1)
    wide = wide.reset_index()
    carried_over = wide.loc[wide["indicator"] == "CMP_CARRY", [*keys, "year", "second"]]
    wide = wide.merge(carried_over.rename(columns={"second": "carry_s2"}), on=[*keys, "year"], how="left")

    catalog = indicator_catalog()
    rules = {i.code: i.aggregation for i in catalog.entered}  # CMP_PENDING and CMP_RATE: recomputed below
    rule = wide["indicator"].map(rules)
    first, second = wide["first"], wide["second"]
    wide["value"] = np.select(
        [rule == "sum", rule == "first", rule == "sum_of_new_plus_first_carry"],
        [first + second, first, first + second - wide["carry_s2"]],
        default=second,  # last, levels and criteria: the end of the year
    )
    years = wide[rule.notna() & wide["value"].notna()].rename(columns={"year": "period"})
    if counted:
        years = years.astype({c: int for c in counted})
    carried = {"units_reporting": ("units_reporting", "min")} if counted else {}
    derived = _derived(years, [*keys, "period"], carried)
    if counted and not derived.empty:
        competent = years.loc[years["indicator"] == "CMP_COMPETENT", [*keys, "period", "units_expected"]]
        derived = derived.merge(competent, on=[*keys, "period"], how="left")
    years = pd.concat([years[columns], derived[columns]], ignore_index=True) if not derived.empty else years[columns]
    order = {code: i for i, code in enumerate(catalog.codes)}
    years = years.assign(_o=years["indicator"].map(order)).sort_values(["period", *keys, "_o"]).drop(columns="_o")
    return years.reset_index(drop=True)

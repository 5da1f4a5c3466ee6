"""Getting figures back out in the long layout (``unit_code,unit_name,period,indicator,value``).

Unit names are spelled as the catalog of each period spells them; rows come in time order, then by
unit code and the catalog's order of indicators. As reported, the result loads back as a no-op.
On today's boundaries (``boundaries="current"``) pre-2025 figures are summed into their 2025
successors by the rule of :mod:`etl.boundaries`; NTM figures of pre-2025 communes, which describe
one commune and are never merged, are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, select, text

from etl.boundaries import LINEAGE_JOIN, NTM_INDICATORS, target_unit_sql
from etl.models import DataValue, Indicator, PeriodRow, Unit


@dataclass(frozen=True, slots=True)
class ExportFilter:
    period: str | None = None  # a period code (2019S1)
    unit_code: str | None = None  # a GSO code; with both catalogs, the period decides which unit
    indicator: str | None = None  # an indicator code
    boundaries: str = "reported"  # or "current": on today's (2025) units


def iter_long_rows(connection: Connection, where: ExportFilter) -> Iterator[tuple[str, str, str, str, float]]:
    """Stored figures as (unit_code, unit_name, period, indicator, value), streamed."""
    if where.boundaries == "current":
        yield from _iter_current(connection, where)
        return
    v = DataValue.__table__  # type: ignore[attr-defined]
    u = Unit.__table__  # type: ignore[attr-defined]
    p = PeriodRow.__table__  # type: ignore[attr-defined]
    i = Indicator.__table__  # type: ignore[attr-defined]
    query = (
        select(u.c.code, u.c.name, v.c.period_code, v.c.indicator_code, v.c.value)
        .join(u, u.c.id == v.c.unit_id)
        .join(p, p.c.code == v.c.period_code)
        .join(i, i.c.code == v.c.indicator_code)
        .order_by(p.c.start_date, p.c.half, u.c.code, i.c.position)
    )
    if where.period:
        query = query.where(v.c.period_code == where.period)
    if where.unit_code:
        query = query.where(u.c.code == where.unit_code)
    if where.indicator:
        query = query.where(v.c.indicator_code == where.indicator)
    result = connection.execution_options(yield_per=5_000).execute(query)
    for row in result:
        yield (row[0], row[1], row[2], row[3], row[4])


def _iter_current(connection: Connection, where: ExportFilter) -> Iterator[tuple[str, str, str, str, float]]:
    target = target_unit_sql("current")
    ntm = ", ".join(f"'{code}'" for code in NTM_INDICATORS)
    filters = [f"NOT (u.catalog = 'pre2025' AND v.indicator_code IN ({ntm}))", f"{target} IS NOT NULL"]
    params: dict[str, object] = {"a_true": True}
    if where.period:
        filters.append("v.period_code = :period")
        params["period"] = where.period
    if where.indicator:
        filters.append("v.indicator_code = :indicator")
        params["indicator"] = where.indicator
    if where.unit_code:
        filters.append("t.code = :unit")
        params["unit"] = where.unit_code
    statement = text(
        f"SELECT t.code, t.name, v.period_code, v.indicator_code, SUM(v.value) "
        f"FROM data_value v JOIN unit u ON u.id = v.unit_id {LINEAGE_JOIN} "
        f"JOIN unit t ON t.id = {target} JOIN period p ON p.code = v.period_code "
        f"JOIN indicator i ON i.code = v.indicator_code "
        f"WHERE {' AND '.join(filters)} "
        f"GROUP BY t.code, t.name, v.period_code, v.indicator_code, p.start_date, p.half, i.position "
        f"ORDER BY p.start_date, p.half, t.code, i.position"
    )
    for row in connection.execution_options(yield_per=5_000).execute(statement, params):
        yield (row[0], row[1], row[2], row[3], row[4])

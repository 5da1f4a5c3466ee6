"""Getting figures back out in the long layout (``unit_code,unit_name,period,indicator,value``).

Unit names are spelled as the catalog of each period spells them; rows come in time order, then by
unit code and the catalog's order of indicators. The result loads back as a no-op.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, select

from etl.models import DataValue, Indicator, PeriodRow, Unit


@dataclass(frozen=True, slots=True)
class ExportFilter:
    period: str | None = None  # a period code (2019S1)
    unit_code: str | None = None  # a GSO code; with both catalogs, the period decides which unit
    indicator: str | None = None  # an indicator code


def iter_long_rows(connection: Connection, where: ExportFilter) -> Iterator[tuple[str, str, str, str, float]]:
    """Stored figures as (unit_code, unit_name, period, indicator, value), streamed."""
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

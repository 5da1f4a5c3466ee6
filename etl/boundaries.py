"""Which units an area covers in each catalog, and how figures move onto today's boundaries.

The rule, in one place (used by the dashboard's queries and by ``qcdc export --boundaries``):

* **As reported** ("như đã báo cáo"): a figure stays on the unit it was reported for; an area covers,
  in each catalog, its own commune-level units, or — for an area of the other catalog — the units
  its communes became (or came from) by the official lineage.
* **Today's boundaries** ("theo địa giới hiện nay"): a pre-2025 figure is added to the 2025 unit its
  old unit went into. An old unit divided among several new ones is added once, to the successor
  the official conversion names by default, and the result is flagged ``partial`` — never counted
  twice. Flows and stocks add up; rates are recomputed from the summed counts by the caller. NTM
  figures (level, criteria, year) describe one commune and are never summed into a merged unit.

Everything here returns SQL fragments and small look-ups; no figure is read into Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from etl.units import COMMUNE_LEVEL, NEW2025, PRE2025

NTM_INDICATORS = ("NTM_CRITERIA_MET", "NTM_LEVEL", "NTM_YEAR")


@dataclass(frozen=True, slots=True)
class Area:
    id: int
    catalog: str
    code: str
    level: int
    name: str
    province_code: str
    district_code: str | None


def get_area(connection: Connection, area_id: int) -> Area | None:
    row = connection.execute(
        text("SELECT id, catalog, code, level, name, province_code, district_code FROM unit WHERE id = :id"),
        {"id": area_id},
    ).first()
    return Area(*row) if row else None


def _own_units_sql(area: Area) -> tuple[str, dict[str, object]]:
    """SQL selecting the ids of the area's own commune-level units (in the area's catalog)."""
    params: dict[str, object] = {"a_catalog": area.catalog, "a_level": COMMUNE_LEVEL}
    if area.level == 1:
        params["a_code"] = area.code
        where = "province_code = :a_code"
    elif area.level == 2:
        params["a_code"] = area.code
        where = "district_code = :a_code"
    else:
        params["a_id"] = area.id
        where = "id = :a_id"
    return f"SELECT id FROM unit WHERE catalog = :a_catalog AND level = :a_level AND {where}", params


def area_units_sql(area: Area, catalog: str) -> tuple[str, dict[str, object]]:
    """SQL selecting the ids of the commune-level units of ``catalog`` that the area covers."""
    own, params = _own_units_sql(area)
    if area.catalog == catalog:
        return own, params
    if catalog == NEW2025:  # an old area: what its communes became
        sql = f"SELECT new_unit_id FROM unit_lineage WHERE is_default = :a_true AND old_unit_id IN ({own})"
    else:  # a 2025 area: the old communes that went (mainly) into it
        sql = f"SELECT old_unit_id FROM unit_lineage WHERE is_default = :a_true AND new_unit_id IN ({own})"
    return sql, {**params, "a_true": True}


def area_unit_ids(connection: Connection, area: Area, catalog: str) -> list[int]:
    sql, params = area_units_sql(area, catalog)
    return [row[0] for row in connection.execute(text(f"SELECT DISTINCT * FROM ({sql}) AS s"), params)]


def target_unit_sql(boundaries: str) -> str:
    """SQL expression of the unit a stored figure counts for (``v`` is data_value, ``u`` its unit,
    ``l`` its default lineage link, LEFT JOINed: see :data:`LINEAGE_JOIN`)."""
    if boundaries == "current":
        return "CASE WHEN u.catalog = 'pre2025' THEN l.new_unit_id ELSE v.unit_id END"
    return "v.unit_id"


# Joined only for today's boundaries; the default link of an old unit is its one successor (whole)
# or the one the official conversion names first (divided).
LINEAGE_JOIN = "LEFT JOIN unit_lineage l ON l.old_unit_id = v.unit_id AND l.is_default = :a_true"


def catalogs_for(boundaries: str) -> tuple[str, ...]:
    """The catalogs whose units hold the figures shown: both as reported, 2025 on today's."""
    return (NEW2025,) if boundaries == "current" else (PRE2025, NEW2025)

"""The unit catalogs in memory, for resolving the names and codes that files and forms give.

Both catalogs together are about 14,000 rows; a load reads them once (a few tens of milliseconds)
and resolves every distinct name or code of a file against the dictionaries here.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from etl.models import Unit, UnitLineage
from etl.text import loose_key, name_key, nfc, strip_unit_prefix

COMMUNE_LEVEL = 3
PRE2025 = "pre2025"
NEW2025 = "2025"

# Loose-key prefixes that say what kind of unit a name is ("TT. Kiên Lương" is a town).
_KIND_PREFIXES = {
    "thi tran": "Thị trấn",
    "tt": "Thị trấn",
    "xa": "Xã",
    "x": "Xã",
    "phuong": "Phường",
    "p": "Phường",
    "dac khu": "Đặc khu",
}
_AREA_KINDS = {
    "tỉnh": (1,),
    "thành phố": (1, 2),
    "huyện": (2,),
    "quận": (2,),
    "thị xã": (2,),
}


@dataclass(frozen=True, slots=True)
class UnitEntry:
    id: int
    catalog: str
    code: str
    level: int
    kind: str
    name: str
    short_name: str
    parent_id: int | None
    province_code: str
    district_code: str | None
    name_key: str
    loose_key: str

    @property
    def is_commune(self) -> bool:
        """True for a xã: the only kind the new-rural-area programme applies to."""
        return self.level == COMMUNE_LEVEL and self.kind == "Xã"


def kind_from_name(text: str) -> str | None:
    """The unit kind a written name states by its prefix, or None ("TT. Kiên Lương" → "Thị trấn")."""
    words = loose_key(text.replace(".", ". ")).split()
    for size in (2, 1):
        head = " ".join(words[:size])
        if len(words) > size and head in _KIND_PREFIXES:
            return _KIND_PREFIXES[head]
    return None


def normalise_code(raw: object) -> str | None:
    """A GSO code as text: 30787 (a number in Excel) → "30787", 1 → "00001" for communes is not
    guessable, so numbers are kept as written except that floats lose their ".0"."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = nfc(str(raw)).strip().lstrip("'")
    return text or None


def _entry_columns() -> list:
    """The columns of ``unit`` a :class:`UnitEntry` holds, in its field order."""
    table = Unit.__table__  # type: ignore[attr-defined]
    return [table.c[name] for name in UnitEntry.__slots__]  # type: ignore[attr-defined]


def unit_by_code(connection: Connection, *, catalog: str, code: str) -> UnitEntry | None:
    """The unit with GSO ``code`` in ``catalog`` ("pre2025" or "2025"), or ``None``."""
    table = Unit.__table__  # type: ignore[attr-defined]
    row = connection.execute(select(*_entry_columns()).where(table.c.catalog == catalog, table.c.code == code)).first()
    return UnitEntry(*row) if row is not None else None


def unit_by_id(connection: Connection, unit_id: int) -> UnitEntry | None:
    table = Unit.__table__  # type: ignore[attr-defined]
    row = connection.execute(select(*_entry_columns()).where(table.c.id == int(unit_id))).first()
    return UnitEntry(*row) if row is not None else None


@dataclass
class UnitIndex:
    """Both catalogs, with look-ups by code, by name key and by area, and the 2025 lineage."""

    units: dict[int, UnitEntry]
    by_code: dict[tuple[str, str], UnitEntry] = field(default_factory=dict)
    by_name: dict[tuple[str, str], list[UnitEntry]] = field(default_factory=dict)
    by_loose: dict[tuple[str, str], list[UnitEntry]] = field(default_factory=dict)
    successors: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)
    predecessors: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)

    @classmethod
    def load(cls, connection: Connection) -> UnitIndex:
        rows = connection.execute(select(*_entry_columns())).all()
        index = cls(units={row.id: UnitEntry(*row) for row in rows})
        by_name: dict[tuple[str, str], list[UnitEntry]] = defaultdict(list)
        by_loose: dict[tuple[str, str], list[UnitEntry]] = defaultdict(list)
        for unit in index.units.values():
            index.by_code[(unit.catalog, unit.code)] = unit
            by_name[(unit.catalog, unit.name_key)].append(unit)
            by_loose[(unit.catalog, unit.loose_key)].append(unit)
        index.by_name = dict(by_name)
        index.by_loose = dict(by_loose)
        lineage = UnitLineage.__table__  # type: ignore[attr-defined]
        succ: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        pred: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        for old_id, new_id, whole in connection.execute(
            select(lineage.c.old_unit_id, lineage.c.new_unit_id, lineage.c.whole)
        ):
            succ[old_id].append((new_id, bool(whole)))
            pred[new_id].append((old_id, bool(whole)))
        index.successors = dict(succ)
        index.predecessors = dict(pred)
        return index

    # -- look-ups ---------------------------------------------------------------------------------

    def get(self, unit_id: int) -> UnitEntry:
        return self.units[unit_id]

    def by_gso_code(self, catalog: str, code: str) -> UnitEntry | None:
        return self.by_code.get((catalog, code))

    def ancestors(self, unit: UnitEntry) -> list[UnitEntry]:
        """Parent, grandparent … (district then province in the old catalog)."""
        out: list[UnitEntry] = []
        current = unit
        while current.parent_id is not None and current.parent_id in self.units:
            current = self.units[current.parent_id]
            out.append(current)
        return out

    def describe(self, unit: UnitEntry) -> str:
        """ "Xã Bình An (Huyện Kiên Lương, Tỉnh Kiên Giang), mã 30808" """
        parents = ", ".join(a.name for a in self.ancestors(unit))
        return f"{unit.name} ({parents}), mã {unit.code}" if parents else f"{unit.name}, mã {unit.code}"

    def within(self, unit: UnitEntry, area: UnitEntry) -> bool:
        if area.level == 1:
            return unit.province_code == area.code
        if area.level == 2:
            return unit.district_code == area.code
        return unit.id == area.id

    def units_in_area(self, area: UnitEntry, catalog: str) -> set[int]:
        """Commune-level ids of ``catalog`` inside ``area``; across catalogs through the lineage
        (the 2025 successors of a pre-2025 district's communes, and the reverse)."""
        own = {
            u.id
            for u in self.units.values()
            if u.catalog == area.catalog and u.level == COMMUNE_LEVEL and self.within(u, area)
        }
        if area.level == COMMUNE_LEVEL:
            own = {area.id}
        if area.catalog == catalog:
            return own
        links = self.successors if catalog == NEW2025 else self.predecessors
        return {other for uid in own for other, _whole in links.get(uid, [])}

    def find_area(self, kind: str, name: str, catalog: str, inside: UnitEntry | None = None) -> list[UnitEntry]:
        """Provinces or districts called ``name`` ("KIÊN LƯƠNG") of the given kind in ``catalog``."""
        levels = _AREA_KINDS.get(kind.lower(), (1, 2))
        bare = strip_unit_prefix(name)
        found = [
            u
            for u in self.by_name.get((catalog, name_key(bare)), []) + self.by_loose.get((catalog, loose_key(bare)), [])
            if u.level in levels
        ]
        if inside is not None:
            found = [u for u in found if u.province_code == inside.province_code]
        unique = {u.id: u for u in found}
        return list(unique.values())

    def find_communes(self, name: str, catalog: str) -> list[UnitEntry]:
        """Commune-level units of ``catalog`` whose name matches, exact key first, then loose."""
        bare = strip_unit_prefix(name)
        exact = [u for u in self.by_name.get((catalog, name_key(bare)), []) if u.level == COMMUNE_LEVEL]
        if not exact:
            exact = [u for u in self.by_loose.get((catalog, loose_key(bare)), []) if u.level == COMMUNE_LEVEL]
        kind = kind_from_name(name)
        if kind and len(exact) > 1:
            narrowed = [u for u in exact if u.kind == kind]
            exact = narrowed or exact
        return exact

    def suggest(self, name: str, catalog: str, among: set[int] | None = None, limit: int = 3) -> list[str]:
        """Close names for "did you mean", inside an area when one is known."""
        candidates = {
            u.loose_key: u
            for u in self.units.values()
            if u.catalog == catalog and u.level == COMMUNE_LEVEL and (among is None or u.id in among)
        }
        keys = difflib.get_close_matches(loose_key(strip_unit_prefix(name)), list(candidates), n=limit, cutoff=0.7)
        return [self.describe(candidates[k]) for k in keys]

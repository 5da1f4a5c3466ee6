"""Reference data: both unit catalogs and the 2025 lineage, indicators, NTM criteria sets, periods.

:func:`load_reference_data` fills the reference tables inside the caller's transaction and is safe
to run on every ``qcdc init``: a second run finds everything in place and writes nothing.

Units come from the PyPI package ``vietnamadminunits`` (MIT), which ships both official catalogs in
an SQLite file and the official 2025 conversion as JSON:

* ``pre2025`` — table ``admin_units_legacy``: 63 provinces, 696 districts, 10,035 communes, wards
  and towns (valid until 30/6/2025);
* ``2025`` — table ``admin_units``: 34 provinces and 3,321 communes, wards and special zones
  (from 1/7/2025; no district level: a commune's parent is its province);
* lineage — ``data/converter_2025.json``: ``DICT_PROVINCE_WARD_NO_DIVIDED`` lists the old units
  that went *whole* into a new one, ``DICT_PROVINCE_WARD_DIVIDED`` the old units divided among
  several new ones (``whole=False``; ``is_default`` is the successor the converter names by
  default).

Special cases in the source, and what is done with them:

* Five old island districts had no commune (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo): they
  are district rows only, and the converter maps the *district* to its 2025 special zone (Đặc khu),
  so their lineage rows start from a level-2 unit. Every other special zone (Phú Quốc, Thổ Châu,
  Kiên Hải, Vân Đồn, Cô Tô, Cát Hải, Trường Sa, Phú Quý) succeeds ordinary old communes.
* A few rows carry a type that contradicts the official name ("Phường 15" typed "Xã", "Thị trấn
  Ngọc Lặc" typed "Xã"); the name's own prefix wins and the case is listed in
  :attr:`ReferenceSummary.notes`. Prefixes are written in the usual case ("Thị Trấn Ái Tử" →
  "Thị trấn Ái Tử") and the package's disambiguators ("Yên Viên (Thị trấn)") are not kept in
  ``short_name``.
* ``short_name`` is ``etl.text.strip_unit_prefix`` of ``name`` ("Kiên Bình"; "15" for
  "Phường 15"), so that ``name_key``/``loose_key`` match what readers compute from typed names.

Which catalog applies to a figure is decided by the date its period ends: see
:func:`catalog_for_period`.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update

from etl.db import bump_data_version
from etl.errors import QcdcError
from etl.indicators import indicator_catalog
from etl.models import AppState, CatalogVersion, CriteriaSet, Indicator, PeriodRow, Unit, UnitLineage
from etl.periods import Convention, Period
from etl.text import loose_key, name_key, nfc, strip_unit_prefix

# ------------------------------------------------------------------------------------------------
# Constants
# ------------------------------------------------------------------------------------------------

PACKAGE = "vietnamadminunits"

CATALOG_PRE2025 = "pre2025"
CATALOG_2025 = "2025"
CATALOGS = (CATALOG_PRE2025, CATALOG_2025)
#: First day of the 2025 catalog (34 provinces, no district level).
CATALOG_SWITCH_DATE = date(2025, 7, 1)

LEVEL_PROVINCE = 1
LEVEL_DISTRICT = 2
LEVEL_COMMUNE = 3  # commune, ward, town, special zone

#: Periods created by :func:`load_reference_data`; others are added on demand by :func:`ensure_periods`.
PERIOD_FIRST_YEAR = 2010
PERIOD_LAST_YEAR = 2035

# Official kinds, longest first so that "Thành phố" is tried before shorter words.
_KINDS = ("Thành phố", "Thị trấn", "Đặc khu", "Phường", "Thị xã", "Huyện", "Quận", "Tỉnh", "Xã")
# Width of GSO codes per level: province "01", district "001", commune "00001".
_CODE_WIDTH = {LEVEL_PROVINCE: 2, LEVEL_DISTRICT: 3, LEVEL_COMMUNE: 5}
# Unit columns compared when deciding whether a stored unit is up to date.
_UNIT_FIELDS = (
    "level",
    "kind",
    "name",
    "short_name",
    "parent_id",
    "province_code",
    "district_code",
    "lat",
    "lon",
    "name_key",
    "loose_key",
)
_INDICATOR_FIELDS = (
    "name_vi",
    "name_en",
    "unit_vi",
    "kind",
    "entered",
    "aggregation",
    "applies_to",
    "rule",
    "position",
    "section_vi",
    "section_en",
)


def _table(model: type) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


UNIT = _table(Unit)
LINEAGE = _table(UnitLineage)


# ------------------------------------------------------------------------------------------------
# NTM criteria sets (pure)
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CriteriaSetDef:
    """A national set of new-rural-area (NTM) criteria and the days it is in force."""

    code: str
    decision: str
    size: int  # number of criteria
    valid_from: date
    valid_to: date | None  # None: still in force
    levels_vi: str = ""

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


CRITERIA_2016_2020 = CriteriaSetDef(
    code="2016-2020",
    decision="1980/QĐ-TTg",
    size=19,
    valid_from=date(2016, 1, 1),
    valid_to=date(2020, 12, 31),
    levels_vi="đạt chuẩn",
)
CRITERIA_2021_2025 = CriteriaSetDef(
    code="2021-2025",
    decision="318/QĐ-TTg và 319/QĐ-TTg",
    size=19,
    valid_from=date(2021, 1, 1),
    valid_to=date(2026, 2, 14),
    levels_vi="đạt chuẩn, nâng cao, kiểu mẫu",
)
CRITERIA_2026_2030 = CriteriaSetDef(
    code="2026-2030",
    decision="51/2025/QĐ-TTg",
    size=10,
    valid_from=date(2026, 2, 15),
    valid_to=None,
    levels_vi="đạt chuẩn (nâng cao, kiểu mẫu: chưa quy định)",
)
CRITERIA_SETS: tuple[CriteriaSetDef, ...] = (CRITERIA_2016_2020, CRITERIA_2021_2025, CRITERIA_2026_2030)


class NoCriteriaSet(QcdcError, ValueError):
    """No NTM criteria set of the catalog covers the day (before 1/1/2016)."""


def criteria_set_for(day: date) -> CriteriaSetDef:
    """The NTM criteria set in force on ``day``.

    >>> criteria_set_for(date(2026, 2, 14)).code, criteria_set_for(date(2026, 2, 15)).code
    ('2021-2025', '2026-2030')

    Raises :class:`NoCriteriaSet` (a ``ValueError``) before 1/1/2016: the 2010–2015 set is not in
    the catalog.
    """
    for criteria in CRITERIA_SETS:
        if criteria.covers(day):
            return criteria
    raise NoCriteriaSet(
        f"Ngày {day:%d/%m/%Y} không thuộc bộ tiêu chí nông thôn mới nào trong danh mục "
        f"(từ {CRITERIA_SETS[0].valid_from:%d/%m/%Y})."
    )


# ------------------------------------------------------------------------------------------------
# Which catalog applies (pure)
# ------------------------------------------------------------------------------------------------


def catalog_for_date(day: date) -> str:
    """``"pre2025"`` before 1/7/2025, ``"2025"`` from that day on."""
    return CATALOG_2025 if day >= CATALOG_SWITCH_DATE else CATALOG_PRE2025


def catalog_for_period(period: Period, convention: Convention = Convention.CALENDAR) -> str:
    """The catalog in force on the last day of ``period``: units are reported as they stood then.

    2025S1 ends 30/6/2025 (14/6 under ``dec15``) → ``"pre2025"``; 2025S2 → ``"2025"``. The whole
    year 2025 spans the switch; it ends after it, so it is reported on the ``"2025"`` catalog (its
    first half, if needed, is read on ``"pre2025"`` through the lineage). Both conventions give the
    same answer for every period, since the switch falls between the end of S1 and the end of S2.
    """
    return catalog_for_date(period.end(convention))


# ------------------------------------------------------------------------------------------------
# Read helpers
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineageLink:
    """One end of a lineage row, seen from the other end."""

    unit_id: int
    code: str
    name: str
    catalog: str
    whole: bool  # the old unit went entirely into the new one
    is_default: bool  # for a divided old unit: the successor the official converter names
    level: int = LEVEL_COMMUNE  # 2 only for the five island districts that had no commune


def _links(connection: Connection, *, from_column: str, to_column: str, unit_id: int) -> list[LineageLink]:
    other = UNIT
    rows = connection.execute(
        select(
            other.c.id,
            other.c.code,
            other.c.name,
            other.c.catalog,
            LINEAGE.c.whole,
            LINEAGE.c.is_default,
            other.c.level,
        )
        .join(LINEAGE, LINEAGE.c[to_column] == other.c.id)
        .where(LINEAGE.c[from_column] == unit_id)
        .order_by(LINEAGE.c.is_default.desc(), other.c.code)
    ).all()
    return [
        LineageLink(
            unit_id=row.id,
            code=row.code,
            name=row.name,
            catalog=row.catalog,
            whole=bool(row.whole),
            is_default=bool(row.is_default),
            level=row.level,
        )
        for row in rows
    ]


def successors(connection: Connection, unit_id: int) -> list[LineageLink]:
    """The 2025 units an old unit went into (the default successor first); empty for a new unit."""
    return _links(connection, from_column="old_unit_id", to_column="new_unit_id", unit_id=unit_id)


def predecessors(connection: Connection, unit_id: int) -> list[LineageLink]:
    """The old units (wholly or in part) a 2025 unit was formed from, by code; empty for an old unit.

    ``whole``/``is_default`` describe each old unit's link to *this* unit.
    """
    links = _links(connection, from_column="new_unit_id", to_column="old_unit_id", unit_id=unit_id)
    return sorted(links, key=lambda link: link.code)


# ------------------------------------------------------------------------------------------------
# Summary
# ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class ReferenceSummary:
    """What :func:`load_reference_data` found and did."""

    package_version: str = ""
    units_inserted: dict[str, int] = field(default_factory=dict)
    units_updated: dict[str, int] = field(default_factory=dict)
    units_total: dict[str, int] = field(default_factory=dict)
    catalogs_skipped: list[str] = field(default_factory=list)  # already loaded from this version
    stale_units: list[str] = field(default_factory=list)  # stored but no longer in the package
    lineage_inserted: int = 0
    lineage_updated: int = 0
    lineage_deleted: int = 0
    lineage_total: int = 0
    lineage_skipped: bool = False
    #: converter keys that name no unit of the catalogs (would be lineage rows we could not make)
    unmatched_lineage_keys: list[str] = field(default_factory=list)
    #: old level-3 units ("code name") with no successor: must stay empty
    old_units_without_successor: list[str] = field(default_factory=list)
    #: old districts (no commune) whose lineage starts at the district: "318 Huyện Bạch Long Vĩ → …"
    district_lineage: list[str] = field(default_factory=list)
    indicators_inserted: int = 0
    indicators_updated: int = 0
    stale_indicators: list[str] = field(default_factory=list)
    criteria_sets_inserted: int = 0
    criteria_sets_updated: int = 0
    periods_inserted: int = 0
    periods_updated: int = 0
    catalog_versions_written: int = 0
    data_version_created: bool = False
    data_version_bumped: bool = False
    notes: list[str] = field(default_factory=list)  # source inconsistencies and how they were read
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """True when any row was inserted, updated or deleted."""
        return bool(
            sum(self.units_inserted.values())
            + sum(self.units_updated.values())
            + self.lineage_inserted
            + self.lineage_updated
            + self.lineage_deleted
            + self.indicators_inserted
            + self.indicators_updated
            + self.criteria_sets_inserted
            + self.criteria_sets_updated
            + self.periods_inserted
            + self.periods_updated
            + self.catalog_versions_written
            + self.data_version_created
        )

    @property
    def ok(self) -> bool:
        """True when every converter key matched and every old commune has a successor."""
        return not self.unmatched_lineage_keys and not self.old_units_without_successor

    def __str__(self) -> str:
        """One line for ``qcdc init``: totals, what was added or changed, and any problem."""
        totals = ", ".join(f"{c}: {_n(self.units_total.get(c, 0))} đơn vị" for c in CATALOGS)
        text = f"{totals}, {_n(self.lineage_total)} liên kết cũ → mới ({PACKAGE} {self.package_version})"
        if self.changed:
            text += (
                f"; thêm {_n(sum(self.units_inserted.values()))}, sửa {_n(sum(self.units_updated.values()))}"
                f" đơn vị; thêm {_n(self.lineage_inserted)}, sửa {_n(self.lineage_updated)},"
                f" xoá {_n(self.lineage_deleted)} liên kết; thêm {self.indicators_inserted},"
                f" sửa {self.indicators_updated} chỉ tiêu; thêm {self.periods_inserted},"
                f" sửa {self.periods_updated} kỳ báo cáo"
            )
        else:
            text += "; không có gì thay đổi"
        if self.unmatched_lineage_keys:
            text += f"; CẢNH BÁO: {len(self.unmatched_lineage_keys)} khoá chuyển đổi không khớp đơn vị nào"
        if self.old_units_without_successor:
            text += f"; CẢNH BÁO: {len(self.old_units_without_successor)} đơn vị cũ không có đơn vị kế thừa"
        return text


def _n(number: int) -> str:
    """10794 → "10.794" (Vietnamese thousands separator)."""
    return f"{number:,}".replace(",", ".")


# ------------------------------------------------------------------------------------------------
# Reading the package
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _UnitSpec:
    code: str
    level: int
    kind: str
    name: str
    short_name: str
    parent_code: str | None
    province_code: str
    district_code: str | None
    lat: float | None
    lon: float | None

    def row(self, catalog: str, parent_id: int | None) -> dict[str, Any]:
        return {
            "catalog": catalog,
            "code": self.code,
            "level": self.level,
            "kind": self.kind,
            "name": self.name,
            "short_name": self.short_name,
            "parent_id": parent_id,
            "province_code": self.province_code,
            "district_code": self.district_code,
            "lat": self.lat,
            "lon": self.lon,
            "name_key": name_key(self.short_name),
            "loose_key": loose_key(self.short_name),
        }


@dataclass(slots=True)
class _CatalogSource:
    catalog: str
    table: str
    levels: dict[int, dict[str, _UnitSpec]]  # level → code → unit, in source order
    notes: list[str]

    @property
    def size(self) -> int:
        return sum(len(units) for units in self.levels.values())


@dataclass(slots=True)
class _PackageData:
    version: str
    old: _CatalogSource
    new: _CatalogSource
    old_keys: dict[str, str]  # "provinceKey_districtKey_wardKey" → old code
    new_keys: dict[tuple[str, str], str]  # (provinceKey, wardKey) → new code
    converter: dict[str, Any]


def package_version() -> str:
    """Installed version of ``vietnamadminunits`` (without importing it)."""
    return importlib.metadata.version(PACKAGE)


def _source_text(table: str, version: str) -> str:
    return f"PyPI {PACKAGE} {version}, bảng {table}; chuyển đổi 2025: data/converter_2025.json"


def _code(raw: object, level: int) -> str | None:
    """A GSO code as text, zero-padded to its level's width if the source gave a bare number."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    return text.zfill(_CODE_WIDTH[level]) if text.isdigit() else text


def _coordinate(raw: object) -> float | None:
    if raw is None or raw == "":
        return None
    return float(cast(float, raw))


def _split_name(raw: str, declared_kind: str | None) -> tuple[str, str, str | None]:
    """(kind, full name, note) from an official name and the kind its source column declares.

    The name's own prefix wins over a contradicting declared kind (the note says so).
    """
    text = nfc(raw)
    lowered = text.lower()
    prefix_kind = next((k for k in _KINDS if lowered.startswith(k.lower() + " ")), None)
    declared = nfc(declared_kind) if declared_kind else None
    if prefix_kind is None:
        kind = declared or ""
        return kind, (f"{kind} {text}" if kind else text), None
    rest = text[len(prefix_kind) + 1 :].strip()
    note = None
    if declared and declared != prefix_kind:
        note = f"{text}: loại '{declared}' trong nguồn trái với tên; dùng '{prefix_kind}'"
    return prefix_kind, f"{prefix_kind} {rest}", note


def _spec(
    code: str,
    level: int,
    raw_name: str,
    declared_kind: str | None,
    parent_code: str | None,
    province_code: str,
    district_code: str | None,
    lat: object,
    lon: object,
    notes: list[str],
) -> _UnitSpec:
    kind, full, note = _split_name(raw_name, declared_kind)
    if note:
        notes.append(f"{code} {note}")
    return _UnitSpec(
        code=code,
        level=level,
        kind=kind,
        name=full,
        short_name=strip_unit_prefix(full),
        parent_code=parent_code,
        province_code=province_code,
        district_code=district_code,
        lat=_coordinate(lat),
        lon=_coordinate(lon),
    )


_LEGACY_COLUMNS = (
    "provinceCode, province, provinceLat, provinceLon, provinceKey, "
    "districtCode, district, districtType, districtLat, districtLon, districtKey, "
    "wardCode, ward, wardType, wardLat, wardLon, wardKey"
)
_NEW_COLUMNS = (
    "provinceCode, province, provinceLat, provinceLon, provinceKey, wardCode, ward, wardType, wardLat, wardLon, wardKey"
)


def _read_legacy(rows: Iterable[Mapping[str, Any]]) -> tuple[_CatalogSource, dict[str, str]]:
    levels: dict[int, dict[str, _UnitSpec]] = {LEVEL_PROVINCE: {}, LEVEL_DISTRICT: {}, LEVEL_COMMUNE: {}}
    notes: list[str] = []
    keys: dict[str, str] = {}
    for row in rows:
        province = _code(row["provinceCode"], LEVEL_PROVINCE)
        district = _code(row["districtCode"], LEVEL_DISTRICT)
        ward = _code(row["wardCode"], LEVEL_COMMUNE)
        if province is None or district is None:
            notes.append(f"Bỏ qua dòng thiếu mã tỉnh/huyện: {row.get('province')}, {row.get('district')}")
            continue
        if province not in levels[LEVEL_PROVINCE]:
            levels[LEVEL_PROVINCE][province] = _spec(
                province, LEVEL_PROVINCE, row["province"], None, None, province, None,
                row["provinceLat"], row["provinceLon"], notes,
            )  # fmt: skip
        if district not in levels[LEVEL_DISTRICT]:
            levels[LEVEL_DISTRICT][district] = _spec(
                district, LEVEL_DISTRICT, row["district"], row["districtType"], province, province,
                district, row["districtLat"], row["districtLon"], notes,
            )  # fmt: skip
        key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        if ward is None:
            # An island district without communes; the converter maps the district itself.
            keys[key] = district
            continue
        keys[key] = ward
        if ward not in levels[LEVEL_COMMUNE]:
            levels[LEVEL_COMMUNE][ward] = _spec(
                ward, LEVEL_COMMUNE, row["ward"], row["wardType"], district, province, district,
                row["wardLat"], row["wardLon"], notes,
            )  # fmt: skip
    return _CatalogSource(CATALOG_PRE2025, "admin_units_legacy", levels, notes), keys


def _read_new(rows: Iterable[Mapping[str, Any]]) -> tuple[_CatalogSource, dict[tuple[str, str], str]]:
    levels: dict[int, dict[str, _UnitSpec]] = {LEVEL_PROVINCE: {}, LEVEL_COMMUNE: {}}
    notes: list[str] = []
    keys: dict[tuple[str, str], str] = {}
    for row in rows:
        province = _code(row["provinceCode"], LEVEL_PROVINCE)
        ward = _code(row["wardCode"], LEVEL_COMMUNE)
        if province is None or ward is None:
            notes.append(f"Bỏ qua dòng thiếu mã: {row.get('province')}, {row.get('ward')}")
            continue
        if province not in levels[LEVEL_PROVINCE]:
            levels[LEVEL_PROVINCE][province] = _spec(
                province, LEVEL_PROVINCE, row["province"], None, None, province, None,
                row["provinceLat"], row["provinceLon"], notes,
            )  # fmt: skip
        keys[(row["provinceKey"], row["wardKey"])] = ward
        if ward not in levels[LEVEL_COMMUNE]:
            levels[LEVEL_COMMUNE][ward] = _spec(
                ward, LEVEL_COMMUNE, row["ward"], row["wardType"], province, province, None,
                row["wardLat"], row["wardLon"], notes,
            )  # fmt: skip
    return _CatalogSource(CATALOG_2025, "admin_units", levels, notes), keys


def _read_package() -> _PackageData:
    """Both catalogs and the conversion table from the installed ``vietnamadminunits``."""
    from vietnamadminunits.database import query  # imported here: it loads the package (~0.3 s)

    old, old_keys = _read_legacy(query(f"SELECT {_LEGACY_COLUMNS} FROM admin_units_legacy"))
    new, new_keys = _read_new(query(f"SELECT {_NEW_COLUMNS} FROM admin_units"))
    resource = importlib.resources.files(PACKAGE).joinpath("data", "converter_2025.json")
    converter = json.loads(resource.read_text(encoding="utf-8"))
    return _PackageData(package_version(), old, new, old_keys, new_keys, converter)


def _lineage_specs(package: _PackageData) -> tuple[dict[tuple[str, str], tuple[bool, bool]], list[str]]:
    """(old code, new code) → (whole, is_default), and the converter keys that matched no unit."""
    links: dict[tuple[str, str], tuple[bool, bool]] = {}
    unmatched: list[str] = []
    whole_map: Mapping[str, Mapping[str, Sequence[str]]] = package.converter["DICT_PROVINCE_WARD_NO_DIVIDED"]
    divided_map: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]] = package.converter[
        "DICT_PROVINCE_WARD_DIVIDED"
    ]
    for new_province, wards in whole_map.items():
        for new_ward, old_keys in wards.items():
            new_code = package.new_keys.get((new_province, new_ward))
            if new_code is None:
                unmatched.append(f"{new_province}_{new_ward}")
                continue
            for old_key in old_keys:
                old_code = package.old_keys.get(old_key)
                if old_code is None:
                    unmatched.append(old_key)
                    continue
                links[(old_code, new_code)] = (True, True)
    for new_province, olds in divided_map.items():
        for old_key, parts in olds.items():
            old_code = package.old_keys.get(old_key)
            if old_code is None:
                unmatched.append(old_key)
                continue
            for part in parts:
                new_code = package.new_keys.get((new_province, part["newWardKey"]))
                if new_code is None:
                    unmatched.append(f"{new_province}_{part['newWardKey']}")
                    continue
                links[(old_code, new_code)] = (False, bool(part.get("isDefaultNewWard")))
    # An old unit with several successors is divided whatever list it came from, and has exactly
    # one default successor (the first the converter flags, else the first listed).
    by_old: dict[str, list[str]] = defaultdict(list)
    for old_code, new_code in links:
        by_old[old_code].append(new_code)
    for old_code, new_codes in by_old.items():
        if len(new_codes) < 2:
            continue
        flagged = [n for n in new_codes if links[(old_code, n)][1]]
        default = flagged[0] if flagged else new_codes[0]
        for new_code in new_codes:
            links[(old_code, new_code)] = (False, new_code == default)
    return links, sorted(set(unmatched))


# ------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------


def _bulk_update(connection: Connection, table: Table, key: str, rows: list[dict[str, Any]]) -> None:
    """executemany UPDATE … WHERE key = :b_key with every other column of ``rows`` (same shape)."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != key]
    statement = (
        update(table).where(table.c[key] == bindparam(f"b_{key}")).values({c: bindparam(f"b_{c}") for c in columns})
    )
    connection.execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in rows])


def _upsert(
    connection: Connection, table: Table, key: str, rows: Sequence[dict[str, Any]]
) -> tuple[int, int, list[str]]:
    """Insert missing rows, update changed ones; (inserted, updated, stored keys not in ``rows``)."""
    columns = list(rows[0]) if rows else [key]
    stored = {row[key]: row for row in connection.execute(select(*(table.c[c] for c in columns))).mappings().all()}
    missing = [row for row in rows if row[key] not in stored]
    changed = [
        row for row in rows if row[key] in stored and any(stored[row[key]][c] != row[c] for c in columns if c != key)
    ]
    if missing:
        connection.execute(insert(table), missing)
    _bulk_update(connection, table, key, changed)
    wanted = {row[key] for row in rows}
    return len(missing), len(changed), sorted(k for k in stored if k not in wanted)


def _write_catalog_versions(connection: Connection, version: str) -> int:
    rows = [
        {
            "code": CATALOG_PRE2025,
            "name_vi": "Danh mục đơn vị hành chính trước 1/7/2025",
            "name_en": "Administrative units before 1 July 2025",
            "valid_from": None,
            "valid_to": date(2025, 6, 30),
            "source": _source_text("admin_units_legacy", version),
        },
        {
            "code": CATALOG_2025,
            "name_vi": "Danh mục đơn vị hành chính từ 1/7/2025",
            "name_en": "Administrative units from 1 July 2025",
            "valid_from": CATALOG_SWITCH_DATE,
            "valid_to": None,
            "source": _source_text("admin_units", version),
        },
    ]
    inserted, updated, _ = _upsert(connection, _table(CatalogVersion), "code", rows)
    return inserted + updated


def _write_units(connection: Connection, source: _CatalogSource, *, summary: ReferenceSummary) -> bool:
    """Insert missing units of one catalog and update changed ones, level by level so that parents
    exist (and have ids) before their children. Returns True when anything was written."""
    catalog = source.catalog
    inserted = updated = 0
    stored = {
        row.code: row
        for row in connection.execute(
            select(UNIT.c.id, UNIT.c.code, *(UNIT.c[f] for f in _UNIT_FIELDS)).where(UNIT.c.catalog == catalog)
        )
    }
    ids = {code: row.id for code, row in stored.items()}
    for level in sorted(source.levels):
        missing: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for spec in source.levels[level].values():
            parent_id = ids[spec.parent_code] if spec.parent_code is not None else None
            row = spec.row(catalog, parent_id)
            current = stored.get(spec.code)
            if current is None:
                missing.append(row)
            elif any(getattr(current, f) != row[f] for f in _UNIT_FIELDS):
                changed.append({"id": current.id, **{f: row[f] for f in _UNIT_FIELDS}})
        if missing:
            connection.execute(insert(UNIT), missing)
            new_codes = {row["code"] for row in missing}
            for code, unit_id in connection.execute(
                select(UNIT.c.code, UNIT.c.id).where(UNIT.c.catalog == catalog, UNIT.c.level == level)
            ):
                if code in new_codes:
                    ids[code] = unit_id
        _bulk_update(connection, UNIT, "id", changed)
        inserted += len(missing)
        updated += len(changed)
    wanted_codes = {code for specs in source.levels.values() for code in specs}
    summary.stale_units.extend(
        f"{catalog}:{code} {row.name}" for code, row in sorted(stored.items()) if code not in wanted_codes
    )
    summary.units_inserted[catalog] = inserted
    summary.units_updated[catalog] = updated
    return bool(inserted or updated)


def _unit_ids(connection: Connection, catalog: str) -> dict[str, int]:
    rows = connection.execute(select(UNIT.c.code, UNIT.c.id).where(UNIT.c.catalog == catalog))
    return {code: unit_id for code, unit_id in rows}


def _write_lineage(
    connection: Connection, links: Mapping[tuple[str, str], tuple[bool, bool]], *, summary: ReferenceSummary
) -> None:
    old_ids = _unit_ids(connection, CATALOG_PRE2025)
    new_ids = _unit_ids(connection, CATALOG_2025)
    wanted: dict[tuple[int, int], tuple[bool, bool]] = {}
    for (old_code, new_code), flags in links.items():
        old_id, new_id = old_ids.get(old_code), new_ids.get(new_code)
        if old_id is None or new_id is None:  # pragma: no cover - units were written just before
            summary.unmatched_lineage_keys.append(f"{CATALOG_PRE2025}:{old_code}→{CATALOG_2025}:{new_code}")
            continue
        wanted[(old_id, new_id)] = flags
    stored = {
        (row.old_unit_id, row.new_unit_id): row
        for row in connection.execute(
            select(
                LINEAGE.c.id,
                LINEAGE.c.old_unit_id,
                LINEAGE.c.new_unit_id,
                LINEAGE.c.whole,
                LINEAGE.c.is_default,
            )
        )
    }
    missing = [
        {"old_unit_id": old_id, "new_unit_id": new_id, "whole": whole, "is_default": is_default}
        for (old_id, new_id), (whole, is_default) in wanted.items()
        if (old_id, new_id) not in stored
    ]
    changed = [
        {"id": stored[pair].id, "whole": whole, "is_default": is_default}
        for pair, (whole, is_default) in wanted.items()
        if pair in stored and (bool(stored[pair].whole), bool(stored[pair].is_default)) != (whole, is_default)
    ]
    extra = [row.id for pair, row in stored.items() if pair not in wanted]
    if missing:
        connection.execute(insert(LINEAGE), missing)
    _bulk_update(connection, LINEAGE, "id", changed)
    if extra:
        connection.execute(delete(LINEAGE).where(LINEAGE.c.id.in_(extra)))
    summary.lineage_inserted = len(missing)
    summary.lineage_updated = len(changed)
    summary.lineage_deleted = len(extra)


def _write_indicators(connection: Connection, *, summary: ReferenceSummary) -> None:
    rows = [
        {"code": ind.code, **{f: getattr(ind, f) for f in _INDICATOR_FIELDS}} for ind in indicator_catalog().indicators
    ]
    inserted, updated, stale = _upsert(connection, _table(Indicator), "code", rows)
    summary.indicators_inserted, summary.indicators_updated = inserted, updated
    summary.stale_indicators = stale


def _write_criteria_sets(connection: Connection, *, summary: ReferenceSummary) -> None:
    rows = [
        {
            "code": c.code,
            "decision": c.decision,
            "size": c.size,
            "valid_from": c.valid_from,
            "valid_to": c.valid_to,
            "levels_vi": c.levels_vi,
        }
        for c in CRITERIA_SETS
    ]
    inserted, updated, _ = _upsert(connection, _table(CriteriaSet), "code", rows)
    summary.criteria_sets_inserted, summary.criteria_sets_updated = inserted, updated


def _period_row(period: Period, convention: Convention) -> dict[str, Any]:
    return {
        "code": period.code,
        "year": period.year,
        "half": period.half,
        "start_date": period.start(convention),
        "end_date": period.end(convention),
        "label_vi": period.label_vi,
        "label_en": period.label_en,
    }


def standard_periods(first_year: int = PERIOD_FIRST_YEAR, last_year: int = PERIOD_LAST_YEAR) -> list[Period]:
    """Both half-years and the whole year of every year from ``first_year`` to ``last_year``."""
    return [Period(year, half) for year in range(first_year, last_year + 1) for half in (1, 2, 0)]


def ensure_periods(connection: Connection, periods: Iterable[Period], *, convention: Convention) -> int:
    """Insert the periods that are not stored yet (dates per ``convention``); returns how many.

    Stored periods are left as they are (:func:`load_reference_data` re-dates the standard range
    when the convention changes).
    """
    wanted = {p.code: p for p in periods}
    if not wanted:
        return 0
    table = _table(PeriodRow)
    stored = set(connection.execute(select(table.c.code).where(table.c.code.in_(list(wanted)))).scalars())
    missing = [_period_row(p, convention) for code, p in sorted(wanted.items()) if code not in stored]
    if missing:
        connection.execute(insert(table), missing)
    return len(missing)


def _write_periods(connection: Connection, convention: Convention, *, summary: ReferenceSummary) -> None:
    rows = [_period_row(p, convention) for p in standard_periods()]
    table = _table(PeriodRow)
    stored = {
        row["code"]: row
        for row in connection.execute(
            select(*(table.c[c] for c in rows[0])).where(table.c.code.in_([r["code"] for r in rows]))
        ).mappings()
    }
    missing = [row for row in rows if row["code"] not in stored]
    changed = [row for row in rows if row["code"] in stored and dict(stored[row["code"]]) != row]
    if missing:
        connection.execute(insert(table), missing)
    _bulk_update(connection, table, "code", changed)
    summary.periods_inserted, summary.periods_updated = len(missing), len(changed)


def _write_app_state(connection: Connection, *, summary: ReferenceSummary) -> None:
    """Create ``data_version`` = 0 on a new database; bump it when reference data changed on an
    existing one (dashboard caches show unit and indicator names)."""
    table = _table(AppState)
    if connection.execute(select(table.c.key).where(table.c.key == "data_version")).first() is None:
        connection.execute(insert(table), [{"key": "data_version", "value": "0"}])
        summary.data_version_created = True
    elif summary.changed:
        bump_data_version(connection)
        summary.data_version_bumped = True


def _check_lineage(connection: Connection, *, summary: ReferenceSummary) -> None:
    """Fill the lineage facts of the summary from what is stored."""
    old, new = UNIT.alias("old"), UNIT.alias("new")
    orphans = connection.execute(
        select(old.c.code, old.c.name)
        .where(
            old.c.catalog == CATALOG_PRE2025,
            old.c.level == LEVEL_COMMUNE,
            ~select(LINEAGE.c.id).where(LINEAGE.c.old_unit_id == old.c.id).exists(),
        )
        .order_by(old.c.code)
    ).all()
    summary.old_units_without_successor = [f"{code} {name}" for code, name in orphans]
    districts = connection.execute(
        select(old.c.code, old.c.name, new.c.code, new.c.name)
        .join(LINEAGE, LINEAGE.c.old_unit_id == old.c.id)
        .join(new, LINEAGE.c.new_unit_id == new.c.id)
        .where(old.c.level == LEVEL_DISTRICT)
        .order_by(old.c.code)
    ).all()
    summary.district_lineage = [f"{oc} {on} → {nc} {nn}" for oc, on, nc, nn in districts]
    summary.lineage_total = connection.execute(select(func.count()).select_from(LINEAGE)).scalar_one()


def _unit_counts(connection: Connection) -> dict[str, int]:
    rows = connection.execute(select(UNIT.c.catalog, func.count()).group_by(UNIT.c.catalog)).all()
    return {catalog: count for catalog, count in rows}


# ------------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------------


def load_reference_data(
    connection: Connection, *, convention: Convention, full_check: bool = False
) -> ReferenceSummary:
    """Load every reference table inside the caller's transaction; idempotent.

    Writes the two catalog versions, the units of both catalogs, the old → new lineage, the
    indicators (``data/indicators.csv``), the NTM criteria sets, the periods 2010–2035 dated per
    ``convention`` and the ``data_version`` state row (created as "0"; bumped when a re-run changed
    anything, so that dashboard caches drop stale names). Everything is compared with what is
    stored: missing rows are inserted, changed ones updated, nothing is written twice.

    A catalog whose stored unit count and recorded package version equal the installed package's is
    taken as loaded and skipped (and the lineage too, when both are); ``full_check=True`` compares
    every unit and link anyway (e.g. after ``etl.text``'s key rules changed). Units are never
    deleted (figures may refer to them): units missing from the package are listed in
    :attr:`ReferenceSummary.stale_units`. Lineage rows the converter no longer gives are deleted.
    """
    started = time.perf_counter()
    summary = ReferenceSummary()
    package = _read_package()
    summary.package_version = package.version
    version_table = _table(CatalogVersion)
    stored_sources: dict[str, str] = {
        code: source for code, source in connection.execute(select(version_table.c.code, version_table.c.source))
    }
    counts_before = _unit_counts(connection)
    summary.catalog_versions_written = _write_catalog_versions(connection, package.version)

    units_written = False
    for source in (package.old, package.new):
        summary.notes.extend(source.notes)
        recorded = stored_sources.get(source.catalog)
        loaded = counts_before.get(source.catalog, 0) == source.size and recorded == _source_text(
            source.table, package.version
        )
        if loaded and not full_check:
            summary.catalogs_skipped.append(source.catalog)
            summary.units_inserted[source.catalog] = summary.units_updated[source.catalog] = 0
            continue
        units_written |= _write_units(connection, source, summary=summary)

    links, unmatched = _lineage_specs(package)
    summary.unmatched_lineage_keys.extend(unmatched)
    lineage_count = connection.execute(select(func.count()).select_from(LINEAGE)).scalar_one()
    all_skipped = len(summary.catalogs_skipped) == len(CATALOGS)
    if not full_check and not units_written and all_skipped and lineage_count == len(links):
        summary.lineage_skipped = True
    else:
        _write_lineage(connection, links, summary=summary)
    _check_lineage(connection, summary=summary)

    _write_indicators(connection, summary=summary)
    _write_criteria_sets(connection, summary=summary)
    _write_periods(connection, convention, summary=summary)
    _write_app_state(connection, summary=summary)
    summary.units_total = _unit_counts(connection)
    summary.seconds = time.perf_counter() - started
    return summary


__all__ = [
    "CATALOGS",
    "CATALOG_2025",
    "CATALOG_PRE2025",
    "CATALOG_SWITCH_DATE",
    "CRITERIA_2016_2020",
    "CRITERIA_2021_2025",
    "CRITERIA_2026_2030",
    "CRITERIA_SETS",
    "LEVEL_COMMUNE",
    "LEVEL_DISTRICT",
    "LEVEL_PROVINCE",
    "LINEAGE",
    "PERIOD_FIRST_YEAR",
    "PERIOD_LAST_YEAR",
    "UNIT",
    "CriteriaSetDef",
    "LineageLink",
    "NoCriteriaSet",
    "ReferenceSummary",
    "catalog_for_date",
    "catalog_for_period",
    "criteria_set_for",
    "ensure_periods",
    "load_reference_data",
    "package_version",
    "predecessors",
    "standard_periods",
    "successors",
]

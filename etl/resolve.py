"""From what a file says to catalog entries: units, periods, indicators and values.

Input: the :class:`~etl.readers.base.SheetTable` objects a reader produced. Output: located
:class:`Observation` objects and the problems found on the way (every one of them, not the first).

* A unit is found by its code in the catalog in force for the period (a code means something only
  with its catalog version), or by its name within the area that ``--area`` or the title lines
  give ("UBND HUYỆN KIÊN LƯƠNG"); an ambiguous name without such context is an error listing the
  candidates, an unknown one an error with "did you mean".
* A period comes from the record, else from the table's title; a record that contradicts the title
  is an error. Periods that have not started yet are refused.
* A value is parsed the Vietnamese way (``etl.text.parse_number``; NTM levels also from words).
  Derived indicators (``CMP_PENDING``, ``CMP_RATE``) are never stored: a reported figure is
  compared with the recomputed one and a mismatch is a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from etl.catalog import NoCriteriaSet, catalog_for_period, criteria_set_for
from etl.errors import InvalidPeriod, Location, Problem, Severity
from etl.indicators import IndicatorCatalog
from etl.periods import Convention, Period, parse_period
from etl.readers.base import AreaHint, FileFormat, RawRecord, SheetTable
from etl.text import NumberParseError, nfc, parse_ntm_level, parse_number
from etl.units import COMMUNE_LEVEL, NEW2025, PRE2025, UnitEntry, UnitIndex, normalise_code
from etl.validate import check_value


@dataclass(slots=True)
class Observation:
    """One value ready to be validated and written."""

    unit_id: int
    period: Period
    indicator: str
    value: float
    location: Location
    note: str | None = None
    criteria_set: str | None = None


@dataclass(slots=True)
class ReportedDerived:
    """A derived figure the file carries (e.g. a typed resolution rate), kept to be checked."""

    unit_id: int
    period: Period
    indicator: str
    value: float
    location: Location


@dataclass(slots=True)
class ResolvedTable:
    table: SheetTable
    observations: list[Observation] = field(default_factory=list)
    derived: list[ReportedDerived] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_targets(self) -> bool:
        return self.table.format is FileFormat.TARGETS


@dataclass
class ResolveContext:
    """What resolution needs besides the file: the catalogs, the settings, and the user's area."""

    units: UnitIndex
    indicators: IndicatorCatalog
    convention: Convention = Convention.CALENDAR
    area: UnitEntry | None = None  # from --area CODE
    today: date = field(default_factory=date.today)
    _unit_cache: dict[tuple, UnitEntry | Problem] = field(default_factory=dict)
    _area_cache: dict[tuple[int, str], set[int]] = field(default_factory=dict)
    _hint_cache: dict[tuple, UnitEntry | None] = field(default_factory=dict)
    _period_cache: dict[object, Period | str] = field(default_factory=dict)

    def area_units(self, area: UnitEntry, catalog: str) -> set[int]:
        key = (area.id, catalog)
        if key not in self._area_cache:
            self._area_cache[key] = self.units.units_in_area(area, catalog)
        return self._area_cache[key]


def find_area_code(units: UnitIndex, code: str, catalog_hint: str | None = None) -> UnitEntry | None:
    """The province or district that ``--area CODE`` names (the newest catalog that has it)."""
    code = code.strip()
    catalogs = [catalog_hint] if catalog_hint else []
    catalogs += ["2025", "pre2025"]
    for catalog in catalogs:
        unit = units.by_gso_code(catalog, code)
        if unit is not None:
            return unit
    return None


def _problem(
    message: str, location: Location | None, value: object = "", code: str = "", warning: bool = False
) -> Problem:
    return Problem(
        message=message,
        location=location or Location(),
        value="" if value is None else str(value),
        severity=Severity.WARNING if warning else Severity.ERROR,
        code=code,
    )


def _table_location(table: SheetTable) -> Location:
    return Location(file=table.file, sheet=table.sheet)


class TableResolver:
    def __init__(self, table: SheetTable, ctx: ResolveContext) -> None:
        self.table = table
        self.ctx = ctx
        self.out = ResolvedTable(table=table)
        self.title_areas: dict[str, UnitEntry | None] = {}
        self.reported_units: set[Location] = set()

    # -- context from the title lines ------------------------------------------------------------

    def area_for(self, catalog: str) -> UnitEntry | None:
        """The narrowest area the title lines name, in ``catalog`` (cached per catalog)."""
        if self.ctx.area is not None:
            return self.ctx.area
        if catalog in self.title_areas:
            return self.title_areas[catalog]
        found: UnitEntry | None = None
        for hint in self.table.areas:
            area = self._find_hint(hint, catalog, inside=found)
            if area is not None:
                found = area
            elif catalog == self._title_catalog():
                self.out.problems.append(
                    _problem(
                        f"Không tìm thấy {hint.kind} '{hint.name}' trong danh mục đơn vị hành chính; "
                        "bỏ qua dòng tiêu đề này khi tìm tên đơn vị.",
                        hint.location,
                        code="unknown_area",
                        warning=True,
                    )
                )
        self.title_areas[catalog] = found
        return found

    def _find_hint(self, hint: AreaHint, catalog: str, inside: UnitEntry | None) -> UnitEntry | None:
        """The one province or district a hint names; a district gone since 1/7/2025 ("huyện Kiên
        Lương (cũ)") is taken from the old catalog and reaches today's units through the lineage."""
        key = (hint.kind, hint.name, catalog, inside.id if inside else None)
        if key in self.ctx._hint_cache:
            return self.ctx._hint_cache[key]
        candidates = self.ctx.units.find_area(hint.kind, hint.name, catalog, inside=inside)
        if not candidates and catalog == NEW2025:
            candidates = self.ctx.units.find_area(hint.kind, hint.name, PRE2025)
            if inside is not None:
                candidates = [
                    c for c in candidates if self.ctx.area_units(c, catalog) & self.ctx.area_units(inside, catalog)
                ]
        found = candidates[0] if len(candidates) == 1 else None
        self.ctx._hint_cache[key] = found
        return found

    def _title_catalog(self) -> str | None:
        if self.table.period is None:
            return None
        return catalog_for_period(self.table.period, self.ctx.convention)

    # -- periods ---------------------------------------------------------------------------------

    def period_of(self, record: RawRecord) -> Period | None:
        if record.period is None or (isinstance(record.period, str) and not nfc(record.period)):
            if self.table.period is None:
                self.out.problems.append(
                    _problem(
                        "Không xác định được kỳ báo cáo: không có cột kỳ báo cáo và tiêu đề không ghi kỳ "
                        "(ví dụ '6 tháng đầu năm 2019' hoặc 2019S1).",
                        record.location,
                        code="no_period",
                    )
                )
                return None
            return self.table.period
        cached = self.ctx._period_cache.get(record.period)
        if cached is None:
            try:
                cached = parse_period(record.period)
            except InvalidPeriod as exc:
                cached = str(exc)
            else:
                if cached.start(self.ctx.convention) > self.ctx.today:
                    cached = (
                        f"Kỳ báo cáo {cached.code} ({cached.label_vi}) chưa bắt đầu; "
                        "không nhận số liệu cho kỳ tương lai."
                    )
            self.ctx._period_cache[record.period] = cached
        if isinstance(cached, str):
            self.out.problems.append(
                _problem(cached, record.period_location or record.location, record.period, code="bad_period")
            )
            return None
        if self.table.period is not None and cached != self.table.period:
            self.out.problems.append(
                _problem(
                    f"Kỳ báo cáo {cached.code} khác với kỳ ghi ở tiêu đề ({self.table.period.label_vi}).",
                    record.period_location or record.location,
                    record.period,
                    code="period_contradiction",
                )
            )
            return None
        return cached

    # -- units -------------------------------------------------------------------------------------

    def unit_of(self, record: RawRecord, period: Period) -> UnitEntry | None:
        catalog = catalog_for_period(period, self.ctx.convention)
        code = normalise_code(record.unit_code)
        name = nfc(record.unit_name) if record.unit_name else (self.table.unit_name or "")
        area = self.area_for(catalog)
        if record.area is not None and self.ctx.area is None:
            area = self._find_hint(record.area, catalog, inside=area) or area
        key = (catalog, code, name, area.id if area else None)
        cached = self.ctx._unit_cache.get(key)
        if cached is None:
            cached = self._resolve_unit(catalog, code, name, area, period)
            self.ctx._unit_cache[key] = cached
        if isinstance(cached, Problem):
            location = record.unit_location or self.table.unit_location or record.location
            if location not in self.reported_units:  # one message per unit cell, not per value
                self.reported_units.add(location)
                self.out.problems.append(Problem(cached.message, location, cached.value, cached.severity, cached.code))
            return None
        return cached

    def _resolve_unit(
        self, catalog: str, code: str | None, name: str, area: UnitEntry | None, period: Period
    ) -> UnitEntry | Problem:
        units = self.ctx.units
        catalog_label = "trước 1/7/2025" if catalog == "pre2025" else "từ 1/7/2025"
        if code:
            unit = units.by_gso_code(catalog, code)
            if unit is None or unit.level != COMMUNE_LEVEL:
                other = units.by_gso_code("2025" if catalog == "pre2025" else "pre2025", code)
                extra = (
                    f" Mã này là {other.name} trong danh mục {'từ' if other.catalog == '2025' else 'trước'} "
                    "1/7/2025: kiểm tra lại kỳ báo cáo."
                    if other is not None and other.level == COMMUNE_LEVEL
                    else ""
                )
                return _problem(
                    f"Mã đơn vị '{code}' không có trong danh mục cấp xã {catalog_label} "
                    f"(áp dụng cho {period.label_vi}).{extra}",
                    None,
                    code,
                    code="unknown_unit",
                )
            if name:
                named = units.find_communes(name, catalog)
                if named and unit not in named:
                    return _problem(
                        f"Mã {code} là {unit.name} nhưng tên ghi là '{name}'. Kiểm tra lại mã hoặc tên đơn vị.",
                        None,
                        f"{code} / {name}",
                        code="code_name_mismatch",
                    )
            return self._check_in_area(unit, area, catalog)
        if not name:
            return _problem("Thiếu mã hoặc tên đơn vị.", None, code="no_unit")
        candidates = units.find_communes(name, catalog)
        if area is not None:
            inside = self.ctx.area_units(area, catalog)
            in_area = [u for u in candidates if u.id in inside]
            if not in_area:
                suggestions = units.suggest(name, catalog, among=inside)
                hint = f" Có phải: {'; '.join(suggestions)}?" if suggestions else ""
                return _problem(
                    f"Không tìm thấy đơn vị '{name}' thuộc {area.name} trong danh mục {catalog_label}.{hint}",
                    None,
                    name,
                    code="unknown_unit",
                )
            candidates = in_area
        if not candidates:
            suggestions = units.suggest(name, catalog)
            hint = f" Có phải: {'; '.join(suggestions)}?" if suggestions else ""
            return _problem(
                f"Không tìm thấy đơn vị '{name}' trong danh mục cấp xã {catalog_label}.{hint}",
                None,
                name,
                code="unknown_unit",
            )
        if len(candidates) > 1:
            listed = "; ".join(units.describe(u) for u in candidates[:20])
            more = f" và {len(candidates) - 20} đơn vị khác" if len(candidates) > 20 else ""
            return _problem(
                f"Tên '{name}' trùng với {len(candidates)} đơn vị: {listed}{more}. Ghi mã đơn vị, ghi huyện/tỉnh "
                "ở tiêu đề (ví dụ 'UBND HUYỆN KIÊN LƯƠNG') hoặc dùng --area MÃ.",
                None,
                name,
                code="ambiguous_unit",
            )
        return self._check_in_area(candidates[0], area, catalog)

    def _check_in_area(self, unit: UnitEntry, area: UnitEntry | None, catalog: str) -> UnitEntry | Problem:
        if area is None or unit.id in self.ctx.area_units(area, catalog):
            return unit
        return _problem(
            f"{self.ctx.units.describe(unit)} không thuộc {area.name}.",
            None,
            unit.code,
            code="unit_outside_area",
        )

    # -- values ------------------------------------------------------------------------------------

    def value_of(self, record: RawRecord, code: str) -> float | None:
        parse = parse_ntm_level if code == "NTM_LEVEL" else parse_number
        try:
            return parse(record.value)
        except NumberParseError as exc:
            name = self.ctx.indicators.get(code).name_vi
            self.out.problems.append(
                _problem(f"'{name}': {exc.reason}.", record.location, record.value, code="not_a_number")
            )
            return None

    def run(self) -> ResolvedTable:
        indicators = self.ctx.indicators
        for record in self.table.records:
            code = indicators.match(record.indicator)
            if code is None:
                suggestions = indicators.suggest(record.indicator)
                hint = f" Có phải: {', '.join(suggestions)}?" if suggestions else ""
                self.out.problems.append(
                    _problem(
                        f"Chỉ tiêu '{record.indicator}' không có trong danh mục.{hint}",
                        record.location,
                        record.indicator,
                        code="unknown_indicator",
                    )
                )
                continue
            period = self.period_of(record)
            if period is None:
                continue
            unit = self.unit_of(record, period)
            if unit is None:
                continue
            value = self.value_of(record, code)
            if value is None:
                continue  # "-" or blank: not reported
            definition = indicators.get(code)
            if not definition.entered:
                self.out.derived.append(ReportedDerived(unit.id, period, code, value, record.location))
                continue
            if self.out.is_targets:
                self.out.observations.append(Observation(unit.id, period, code, value, record.location, record.note))
                continue
            criteria = None
            if code == "NTM_CRITERIA_MET":
                try:
                    criteria = criteria_set_for(period.end(self.ctx.convention))
                except NoCriteriaSet as exc:
                    self.out.problems.append(_problem(str(exc), record.location, record.value, code="no_criteria_set"))
                    continue
            issues = check_value(
                definition,
                value,
                period=period,
                unit_is_commune=unit.is_commune,
                unit_label=unit.name,
                criteria_size=criteria.size if criteria else None,
            )
            if issues:  # a value that breaks its own rules is not checked against the others
                self.out.problems.extend(
                    _problem(issue.message, record.location, record.value, code=issue.code) for issue in issues
                )
                continue
            self.out.observations.append(
                Observation(
                    unit.id,
                    period,
                    code,
                    value,
                    record.location,
                    nfc(record.note) if record.note else None,
                    criteria.code if criteria else None,
                )
            )
        return self.out


def resolve_tables(tables: Iterable[SheetTable], ctx: ResolveContext) -> list[ResolvedTable]:
    """Resolve every table; problems are collected, never raised."""
    return [TableResolver(table, ctx).run() for table in tables]

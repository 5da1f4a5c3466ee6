"""The one pipeline every file (and later every upload) goes through.

read → normalise → resolve → validate the whole file → write atomically.

Each file is its own unit of work: a file with any error writes nothing and its report lists every
problem with file, sheet, row and column; a valid file is written in one transaction as one import
batch. Warnings never block. A file whose figures are all already stored changes nothing.
"""

from __future__ import annotations

import getpass
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine

from etl.bulk import BulkTable, UnitPeriodStates, duplicate_rows, indicator_sums, read_bulk
from etl.catalog import NoCriteriaSet, criteria_set_for, ensure_periods
from etl.db import database_errors, require_schema, writer
from etl.errors import Location, Problem, Severity, UnknownUnit, UnreadableFile
from etl.indicators import IndicatorCatalog, indicator_catalog
from etl.periods import Period, parse_period
from etl.readers import read_bytes, read_file
from etl.readers.base import ReadResult
from etl.resolve import (
    Observation,
    ReportedDerived,
    ResolveContext,
    ResolvedTable,
    find_area_code,
    resolve_tables,
)
from etl.settings import Settings, get_settings
from etl.store import (
    TARGETS,
    VALUES,
    BatchInfo,
    WriteSummary,
    batches_with_hash,
    existing_values,
    plan,
    plan_frame,
    write_batch,
    write_frame,
    write_targets,
)
from etl.text import NumberParseError, format_number, parse_number
from etl.units import UnitEntry, UnitIndex
from etl.validate import DERIVED, LE_RULES, RuleIssue, check_unit_period, check_value


@dataclass
class Source:
    """A file to load: a path on disk, or bytes with the name the user gave them (an upload)."""

    name: str
    path: Path | None = None
    data: bytes | None = None

    @classmethod
    def from_path(cls, path: Path) -> Source:
        return cls(name=path.name, path=path)

    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.path is not None
        return self.path.stat().st_size


@dataclass
class FileReport:
    """What happened to one file."""

    name: str
    sha256: str = ""
    formats: list[str] = field(default_factory=list)
    records: int = 0
    observations: int = 0
    problems: list[Problem] = field(default_factory=list)
    outcome: str = "pending"  # invalid, loaded, unchanged, dry-run
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    batch_ids: list[int] = field(default_factory=list)
    earlier_batches: list[tuple[int, datetime, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def add(self, summary: WriteSummary) -> None:
        self.inserted += summary.inserted
        self.updated += summary.updated
        self.unchanged += summary.unchanged
        if summary.batch_id is not None:
            self.batch_ids.append(summary.batch_id)


@dataclass
class LoadReport:
    files: list[FileReport]
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return all(f.is_valid for f in self.files)

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]


@dataclass
class _Prepared:
    report: FileReport
    read: ReadResult | None = None
    tables: list[ResolvedTable] = field(default_factory=list)
    bulk: BulkTable | None = None  # a large file's figures, column-wise (etl.bulk)

    @property
    def values(self) -> list[Observation]:
        return [o for t in self.tables if not t.is_targets for o in t.observations]

    @property
    def targets(self) -> list[Observation]:
        return [o for t in self.tables if t.is_targets for o in t.observations]

    def first_period(self) -> tuple[int, int]:
        periods = [o.period for t in self.tables for o in t.observations]
        if self.bulk is not None and len(self.bulk):
            periods.append(parse_period(self.bulk.periods()[0]))
        first = min(periods) if periods else Period(9999, 0)
        return (first.year, first.half)

    def periods(self) -> set[Period]:
        periods = {o.period for t in self.tables for o in t.observations}
        if self.bulk is not None:
            periods |= {parse_period(code) for code in self.bulk.periods()}
        return periods


def default_user() -> str:
    settings = get_settings()
    if settings.user:
        return settings.user
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no login name in some containers
        return "qcdc"


def _check_size(source: Source, settings: Settings) -> None:
    limit = int(settings.max_upload_mb * 1024 * 1024)
    size = source.size()
    if size > limit:
        raise UnreadableFile(
            source.name,
            f"tệp dung lượng {size / 1024 / 1024:.1f} MB vượt giới hạn {settings.max_upload_mb:g} MB "
            "(đặt QCDC_MAX_UPLOAD_MB để thay đổi).",
        )


def _read(source: Source, settings: Settings) -> ReadResult:
    _check_size(source, settings)
    if source.data is not None:
        return read_bytes(source.data, source.name)
    assert source.path is not None
    return read_file(source.path, display_name=source.name)


def _overlay(
    engine: Engine, prepared: Sequence[_Prepared]
) -> tuple[dict[tuple[int, str], dict[str, float]], dict[tuple[int, str], dict[str, str]]]:
    """Values per (unit, period) as they would be after loading: stored, overlaid with the files'.

    Covers the files' periods and the periods just before them (for carry-over and level drops).
    """
    wanted: dict[str, set[int]] = defaultdict(set)
    for item in prepared:
        for obs in item.values:
            wanted[obs.period.code].add(obs.unit_id)
            wanted[obs.period.previous().code].add(obs.unit_id)
        for table in item.tables:  # a typed rate is checked against the unit's stored figures too
            for derived in table.derived:
                wanted[derived.period.code].add(derived.unit_id)
    values: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    notes: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    with engine.connect() as connection:
        for period_code, units in wanted.items():
            for (unit_id, indicator), row in existing_values(connection, VALUES, period_code, units).items():
                values[(unit_id, period_code)][indicator] = row[1]
                if row[2]:
                    notes[(unit_id, period_code)][indicator] = row[2]
    for item in prepared:  # a large file's figures, where the other files' rules look
        if item.bulk is not None:
            for unit_id, period_code, indicator, value, note in item.bulk.figures_at(wanted):
                values[(unit_id, period_code)][indicator] = value
                if note:
                    notes[(unit_id, period_code)][indicator] = note
    for item in prepared:
        for obs in item.values:
            values[(obs.unit_id, obs.period.code)][obs.indicator] = obs.value
            if obs.note:
                notes[(obs.unit_id, obs.period.code)][obs.indicator] = obs.note
    return values, notes


def _cells(prepared: Sequence[_Prepared]) -> Iterable[tuple[_Prepared, tuple[bool, int, str, str], float, Location]]:
    """Every figure of the files, as (file, cell, value, place); of a large file only the figures
    that repeat a cell (the others cannot be duplicates)."""
    for item in prepared:
        for table in item.tables:
            for obs in table.observations:
                yield item, (table.is_targets, obs.unit_id, obs.period.code, obs.indicator), obs.value, obs.location
    others = {
        (obs.unit_id, obs.period.code, obs.indicator)
        for item in prepared
        for table in item.tables
        if not table.is_targets
        for obs in table.observations
    }
    for item in prepared:
        if item.bulk is not None:
            for key, value, location in duplicate_rows(item.bulk, others):
                yield item, key, value, location


def _check_duplicates(prepared: Sequence[_Prepared]) -> None:
    """The same cell twice: same value → warning; different values → error in the later place."""
    seen: dict[tuple[bool, int, str, str], tuple[float, Location]] = {}
    for item, key, value, location in _cells(prepared):
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = (value, location)
            continue
        same = earlier[0] == value
        item.report.problems.append(
            Problem(
                (
                    f"Trùng số liệu: ô này lặp lại {earlier[1]} với cùng giá trị."
                    if same
                    else f"Mâu thuẫn: ô này ghi {value:g} nhưng {earlier[1]} ghi {earlier[0]:g} "
                    "cho cùng đơn vị, kỳ và chỉ tiêu."
                ),
                location,
                f"{value:g}",
                Severity.WARNING if same else Severity.ERROR,
                "duplicate" if same else "conflict",
            )
        )


_Cell = TypeVar("_Cell")


def _rule_cell(indicator: str, cells: Mapping[str, _Cell], first: _Cell) -> _Cell:
    """The file's cell to point at for a rule broken by ``indicator``: its own cell, else the cell of
    a figure of the same rule that the file does hold (the other side of a "≤" rule, the NTM level
    for its year), else the unit's first figure."""
    if indicator in cells:
        return cells[indicator]
    related: list[str] = []
    for left, right in LE_RULES:
        if indicator == left:
            related += right
        elif indicator in right:
            related.append(left)
    if indicator in ("NTM_LEVEL", "NTM_YEAR"):  # a level needs a year, a year needs a level
        related += ("NTM_LEVEL", "NTM_YEAR")
    return next((cells[code] for code in related if code in cells), first)


def _rule_problem(units: UnitIndex, unit_id: int, period: Period, issue: RuleIssue, location: Location) -> Problem:
    return Problem(
        f"{units.get(unit_id).name}, {period.code}: {issue.message}", location, "", issue.severity, issue.code
    )


def _derived_problem(derived: ReportedDerived, state: Mapping[str, float], names: Mapping[str, str]) -> Problem | None:
    """A figure the file states but the system recomputes (pending, rate): a warning if it differs."""
    computed = DERIVED[derived.indicator](state)
    if computed is None:
        return None
    tolerance = 0.05 if derived.indicator == "CMP_RATE" else 0.0
    if derived.indicator == "CMP_RATE" and float(derived.value).is_integer():
        tolerance = 0.5  # a rate typed as a whole percent
    if abs(computed - derived.value) <= tolerance:
        return None
    decimals = 1 if derived.indicator == "CMP_RATE" else 0
    return Problem(
        f"'{names[derived.indicator]}' ghi {format_number(derived.value, decimals)} nhưng tính "
        f"lại từ số liệu là {format_number(computed, decimals)}; hệ thống luôn tính lại, không "
        "lưu số ghi trong tệp.",
        derived.location,
        f"{derived.value:g}",
        Severity.WARNING,
        "derived_mismatch",
    )


def _check_rules(engine: Engine, prepared: Sequence[_Prepared], indicators: IndicatorCatalog, units: UnitIndex) -> None:
    values, notes = _overlay(engine, prepared)
    names = {i.code: i.name_vi for i in indicators.indicators}
    for item in prepared:
        if item.bulk is not None:
            others = [
                (o.unit_id, o.period.code, o.indicator, o.value, o.note)
                for other in prepared
                if other is not item
                for o in other.values
            ]
            _check_bulk_rules(engine, item, names, units, others)
            continue
        groups: dict[tuple[int, Period], dict[str, Observation]] = defaultdict(dict)
        for obs in item.values:
            groups[(obs.unit_id, obs.period)][obs.indicator] = obs
        for (unit_id, period), observed in groups.items():
            state = values[(unit_id, period.code)]
            previous = values.get((unit_id, period.previous().code))
            issues = check_unit_period(
                state,
                names=names,
                changed=set(observed),
                previous=previous,
                notes=notes.get((unit_id, period.code)),
                allow_advanced_levels=period.year >= 2021,
            )
            first = next(iter(observed.values()))
            for issue in issues:
                obs = _rule_cell(issue.indicator, observed, first)
                item.report.problems.append(_rule_problem(units, unit_id, period, issue, obs.location))
        for table in item.tables:
            for derived in table.derived:
                problem = _derived_problem(derived, values.get((derived.unit_id, derived.period.code), {}), names)
                if problem is not None:
                    item.report.problems.append(problem)


def _check_bulk_rules(
    engine: Engine,
    item: _Prepared,
    names: Mapping[str, str],
    units: UnitIndex,
    others: Sequence[tuple[int, str, str, float, str | None]],
) -> None:
    """The relations between one unit's figures, for a large file: the same rule, group by group,
    on what is stored overlaid with the other files' figures (``others``) and then the file's."""
    assert item.bulk is not None
    derived = [(d.unit_id, d.period.code) for table in item.tables for d in table.derived]
    with engine.connect() as connection:
        states = UnitPeriodStates.build(connection, item.bulk, extra=derived, others=others)
    for group in states.groups():
        issues = check_unit_period(
            group.state,
            names=names,
            changed=group.changed,
            previous=group.previous,
            notes=group.notes,
            allow_advanced_levels=group.period.year >= 2021,
        )
        for issue in issues:
            location = item.bulk.location(_rule_cell(issue.indicator, group.rows, group.first_row))
            item.report.problems.append(_rule_problem(units, group.unit_id, group.period, issue, location))
    for table in item.tables:
        for derived in table.derived:
            problem = _derived_problem(derived, states.state(derived.unit_id, derived.period.code), names)
            if problem is not None:
                item.report.problems.append(problem)


def _check_targets(tables: Sequence[ResolvedTable], ctx: ResolveContext) -> None:
    """A target meets the rules of a figure on its own (whole, not negative, not absurd, NTM only
    for communes, criteria within the set in force); one that breaks them is an error, not kept."""
    for table in tables:
        if not table.is_targets:
            continue
        kept: list[Observation] = []
        for obs in table.observations:
            unit = ctx.units.get(obs.unit_id)
            shown = str(int(obs.value)) if float(obs.value).is_integer() else str(obs.value)
            size = None
            if obs.indicator == "NTM_CRITERIA_MET":
                try:
                    size = criteria_set_for(obs.period.end(ctx.convention)).size
                except NoCriteriaSet as exc:
                    table.problems.append(Problem(str(exc), obs.location, shown, code="no_criteria_set"))
                    continue
            issues = check_value(
                ctx.indicators.get(obs.indicator),
                obs.value,
                period=obs.period,
                unit_is_commune=unit.is_commune,
                unit_label=unit.name,
                criteria_size=size,
            )
            table.problems.extend(Problem(i.message, obs.location, shown, code=i.code) for i in issues)
            if not issues:
                kept.append(obs)
        table.observations = kept


def _check_totals(prepared: Sequence[_Prepared], indicators: IndicatorCatalog) -> None:
    """A "Tổng cộng" row that disagrees with the sum of the units above it is flagged."""
    for item in prepared:
        for table in item.tables:
            if not table.table.totals or any(p.is_error for p in table.problems):
                continue  # a sum over rows that did not all resolve says nothing
            sums: dict[str, float] = defaultdict(float)
            for obs in table.observations:
                sums[obs.indicator] += obs.value
            if item.bulk is not None:
                for code, total in indicator_sums(item.bulk).items():
                    sums[code] += total
            for total in table.table.totals:
                for header, (raw, location) in total.values.items():
                    code = indicators.match(header)
                    if code is None or code not in sums or indicators.get(code).communes_only:
                        continue
                    try:
                        stated = parse_number(raw)
                    except NumberParseError:
                        continue
                    if stated is not None and abs(stated - sums[code]) > 1e-9:
                        item.report.problems.append(
                            Problem(
                                f"Dòng tổng ghi {stated:g} nhưng cộng các đơn vị được {sums[code]:g} "
                                f"('{indicators.get(code).name_vi}'). Dòng tổng không được nạp.",
                                location,
                                str(raw),
                                Severity.WARNING,
                                "total_mismatch",
                            )
                        )


def prepare(
    engine: Engine,
    sources: Sequence[Source],
    *,
    area_code: str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
    column_wise: bool = True,
) -> list[_Prepared]:
    """Read, resolve and validate; nothing is written.

    Large long-layout CSV files are read column-wise (:mod:`etl.bulk`) unless ``column_wise`` is
    False (callers that need every figure as an :class:`Observation`)."""
    settings = settings or get_settings()
    indicators = indicator_catalog()
    require_schema(engine)
    with engine.connect() as connection:
        units = UnitIndex.load(connection)
    area: UnitEntry | None = None
    if area_code:
        area = find_area_code(units, area_code)
        if area is None or area.level not in (1, 2):
            raise UnknownUnit(f"Không có tỉnh hoặc huyện mã '{area_code}' trong danh mục (--area).")
    ctx = ResolveContext(
        units=units,
        indicators=indicators,
        convention=settings.period_convention,
        area=area,
        today=today or date.today(),
    )
    prepared: list[_Prepared] = []
    for source in sources:
        item = _Prepared(FileReport(source.name))
        prepared.append(item)
        try:
            _check_size(source, settings)
            large = read_bulk(source.name, ctx, path=source.path, data=source.data) if column_wise else None
            item.read = large.read if large is not None else _read(source, settings)
        except UnreadableFile as exc:
            item.report.problems.append(Problem(exc.message, Location(file=source.name), code="unreadable"))
            item.report.outcome = "invalid"
            continue
        item.report.sha256 = item.read.sha256
        item.report.records = item.read.records
        item.report.formats = sorted({t.format.value for t in item.read.tables})
        item.report.problems.extend(item.read.problems)
        if large is not None:
            item.tables, item.bulk = [large.resolved], large.bulk
            item.report.records = large.bulk.rows_read
            item.report.problems.extend(large.problems)
        else:
            item.tables = resolve_tables(item.read.tables, ctx)
            _check_targets(item.tables, ctx)
        for table in item.tables:
            item.report.problems.extend(table.table.problems)
            item.report.problems.extend(table.problems)
        item.report.observations = sum(len(t.observations) for t in item.tables) + len(item.bulk or ())
        if item.read.tables and not item.report.observations and item.report.is_valid:
            item.report.problems.append(
                Problem(
                    "Tệp không có số liệu nào (chỉ có tiêu đề hoặc ô trống).",
                    Location(file=source.name),
                    severity=Severity.WARNING,
                    code="no_values",
                )
            )
    readable = [p for p in prepared if p.read is not None]
    _check_duplicates(readable)
    _check_totals(readable, indicators)
    _check_rules(engine, readable, indicators, units)
    with engine.connect() as connection:
        for item in readable:
            item.report.earlier_batches = batches_with_hash(connection, item.report.sha256)
    for item in prepared:
        item.report.problems.sort(key=_reading_order(item))
    return prepared


def _reading_order(item: _Prepared):  # type: ignore[no-untyped-def]
    """Sort key: errors first, then sheet by sheet in workbook order, row by row, column by column."""
    sheets = {t.table.sheet: i for i, t in enumerate(item.tables)}

    def key(problem: Problem) -> tuple:
        loc = problem.location
        return (not problem.is_error, sheets.get(loc.sheet, -1), loc.row or 0, len(loc.column), loc.column)

    return key


def load(
    engine: Engine,
    sources: Sequence[Source],
    *,
    area_code: str | None = None,
    dry_run: bool = False,
    user: str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> LoadReport:
    """Load files; each valid file is written in its own transaction, an invalid one not at all.
    A locked or full database or a lost connection raises :class:`etl.errors.DatabaseError` (the
    file being written is rolled back; files written before it stay)."""
    with database_errors(engine):
        return _load(engine, sources, area_code=area_code, dry_run=dry_run, user=user, settings=settings, today=today)


def _load(
    engine: Engine,
    sources: Sequence[Source],
    *,
    area_code: str | None,
    dry_run: bool,
    user: str | None,
    settings: Settings | None,
    today: date | None,
) -> LoadReport:
    settings = settings or get_settings()
    user = user or default_user()
    prepared = prepare(engine, sources, area_code=area_code, settings=settings, today=today)
    for item in sorted(prepared, key=_Prepared.first_period):
        report = item.report
        if not report.is_valid:
            report.outcome = "invalid"
            continue
        if dry_run:
            with engine.connect() as connection:
                for observations, table in ((item.values, None), (item.targets, "targets")):
                    if not observations:
                        continue
                    changes = plan(connection, observations, table=TARGETS if table else VALUES)
                    report.inserted += len(changes.inserts)
                    report.updated += len(changes.updates)
                    report.unchanged += changes.unchanged
                if item.bulk is not None:
                    frame_plan = plan_frame(connection, item.bulk.unique_frame())
                    report.inserted += len(frame_plan.inserts)
                    report.updated += len(frame_plan.updates)
                    report.unchanged += frame_plan.unchanged
            report.outcome = "dry-run"
            continue
        info = BatchInfo(
            file_name=report.name,
            sha256=report.sha256,
            file_format="+".join(report.formats) or "unknown",
            user=user,
            rows_read=report.records,
            warnings=len(report.warnings),
        )
        with writer(engine).connect() as connection:
            transaction = connection.begin()
            try:
                ensure_periods(connection, item.periods(), convention=settings.period_convention)
                if item.values:
                    report.add(write_batch(connection, item.values, info))
                if item.bulk is not None:
                    report.add(write_frame(connection, item.bulk.unique_frame(), info, item.bulk.snapshot))
                if item.targets:
                    report.add(write_targets(connection, item.targets, info))
                if report.batch_ids:
                    transaction.commit()
                else:
                    transaction.rollback()  # nothing differs: not even a batch is recorded
            except BaseException:
                transaction.rollback()
                raise
        report.outcome = "loaded" if report.batch_ids else "unchanged"
    return LoadReport(files=[p.report for p in prepared], dry_run=dry_run)


def load_paths(engine: Engine, paths: Iterable[Path], **kwargs) -> LoadReport:  # type: ignore[no-untyped-def]
    return load(engine, [Source.from_path(Path(p)) for p in paths], **kwargs)

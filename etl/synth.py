"""Synthetic data sets for benchmarks and demos: ``qcdc synth``.

A realistic, reproducible set of figures for every commune-level unit of the country (or of one
province), written as the files offices send: one long CSV for the nation, district sheets
(``.xlsx``) for a province. Everything is a pure function of the seed: the same seed gives the same
bytes, and :func:`synth_values` returns exactly the figures the files hold.

Units and the 1/7/2025 lineage come from the reference catalog the project uses (the package
``vietnamadminunits``, read by :mod:`etl.catalog`); no database is needed. The state of every unit
of the catalog in force is simulated half-year by half-year from :data:`SIM_START`, whatever the
scope and the periods asked for, so that a province, or a later window, is an exact slice of the
national set for the same seed.

The figures respect every rule the loader checks (:mod:`etl.validate`): counts are whole numbers
≥ 0; answered ≤ opinions; competent ≤ carry + new; resolved ≤ competent; carry = the previous
period's pending of the same unit (and, on 1/7/2025, the sum of the pending of the old units whose
default successor the new unit is); villages with meetings or conventions ≤ villages; NTM figures
for communes (xã) only, criteria ≤ the size of the set in force, a level that never drops (a merged
commune starts at the lowest level of its communes), levels 2 and 3 only from 2021, NTM_YEAR from
level 1 only, between 2010 and the period's year and constant once set. About 2.5 % of the units
do not report in a period (their rows are left out; their state keeps evolving, so the next carry
still equals what they would have reported).
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np

from etl.catalog import (
    CATALOG_2025,
    CATALOG_PRE2025,
    LEVEL_COMMUNE,
    LEVEL_DISTRICT,
    LEVEL_PROVINCE,
    _lineage_specs,
    _read_package,
    _UnitSpec,
    catalog_for_period,
    criteria_set_for,
)
from etl.errors import Location, QcdcError
from etl.indicators import indicator_catalog
from etl.periods import Convention, Period, parse_period, period_range
from etl.readers.context import read_titles
from etl.text import loose_key
from etl.units import UnitEntry, UnitIndex
from etl.writers import (
    LONG_HEADER,
    MOTTO_LINES,
    REPORT_TITLE,
    DistrictSheet,
    neutralise,
    place_date_line,
    write_district_sheet,
)

#: The simulation always starts here (the earliest NTM criteria set of the catalog starts 1/1/2016).
SIM_START = Period(2016, 1)
DEFAULT_SEED = 42
DEFAULT_FIRST = Period(2017, 1)
DEFAULT_LAST = Period(2026, 1)
#: Share of units that do not report in a period.
MISSING_RATE = 0.025

# Illustrative multipliers: pandemic halves, the half before the merger, the merger itself.
_DIP = {"2020S1": 0.8, "2021S2": 0.75, "2025S1": 0.85, "2025S2": 0.7, "2026S1": 0.85}
_PENDING_LEFT = np.array([0, 0, 0, 1, 1, 2, 3])  # petitions a commune still has open at the end of a half

SHEET_TITLES = {1: "6 tháng đầu năm", 2: "6 tháng cuối năm"}
STEERING_COMMITTEE = "BAN CHỈ ĐẠO THỰC HIỆN QCDC"
SIGNER_NAME = "Nguyễn Văn A"  # placeholders: no real person signs synthetic figures
PREPARER_NAME = "Trần Thị B"

Key = tuple[str, str, str]  # (period_code, unit_code, indicator_code)


class SynthError(QcdcError, ValueError):
    """A request ``qcdc synth`` cannot serve (unknown scope or province, periods out of order)."""


# ------------------------------------------------------------------------------------------------
# Indicators (columns of the figure matrices)
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Columns:
    codes: tuple[str, ...]  # every entered indicator, catalog order
    index: dict[str, int]
    ntm: np.ndarray  # bool per column: NTM (communes only)


@lru_cache(maxsize=1)
def _columns() -> _Columns:
    entered = indicator_catalog().entered
    codes = tuple(i.code for i in entered)
    return _Columns(codes, {c: n for n, c in enumerate(codes)}, np.array([i.communes_only for i in entered]))


# ------------------------------------------------------------------------------------------------
# Units, from the reference catalog
# ------------------------------------------------------------------------------------------------


def _csv_fields(*fields: str) -> str:
    """Fields joined as :func:`csv.writer` writes them (quoted only when needed)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(fields)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class UnitArrays:
    """The commune-level units of one catalog, in the package's order, as parallel arrays."""

    catalog: str
    specs: tuple[_UnitSpec, ...]
    codes: np.ndarray  # object (str)
    names: np.ndarray  # object (str): full official names
    csv_prefix: np.ndarray  # object (str): "code,name" as a CSV line starts (quoted if need be, formula-safe)
    provinces: np.ndarray  # object (str)
    districts: np.ndarray  # object (str or None)
    is_xa: np.ndarray  # bool: the units NTM applies to

    @classmethod
    def build(cls, catalog: str, specs: Sequence[_UnitSpec]) -> UnitArrays:
        def column(values: list[object]) -> np.ndarray:
            out = np.empty(len(values), dtype=object)
            out[:] = values
            return out

        return cls(
            catalog=catalog,
            specs=tuple(specs),
            codes=column([s.code for s in specs]),
            names=column([s.name for s in specs]),
            csv_prefix=column([_csv_fields(s.code, neutralise(s.name)) for s in specs]),
            provinces=column([s.province_code for s in specs]),
            districts=column([s.district_code for s in specs]),
            is_xa=np.array([s.kind == "Xã" for s in specs], dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.specs)


@dataclass(frozen=True, slots=True)
class Reference:
    """Both catalogs' communes, their provinces and districts, and each old unit's default successor."""

    old: UnitArrays
    new: UnitArrays
    areas: dict[tuple[str, str], _UnitSpec]  # (catalog, province or district code) → unit
    successor: np.ndarray  # per old unit: index of its default successor in ``new`` (-1: none)

    def units(self, catalog: str) -> UnitArrays:
        return self.new if catalog == CATALOG_2025 else self.old

    def successor_province(self, old_province: str) -> str | None:
        """The 2025 province most of an old province's communes went into."""
        mask = (self.old.provinces == old_province) & (self.successor >= 0)
        found = Counter(self.new.provinces[self.successor[mask]].tolist())
        return found.most_common(1)[0][0] if found else None


@lru_cache(maxsize=1)
def reference() -> Reference:
    """Read the package once (about 1.5 s) through :mod:`etl.catalog`'s own reader."""
    package = _read_package()
    old = UnitArrays.build(CATALOG_PRE2025, list(package.old.levels[LEVEL_COMMUNE].values()))
    new = UnitArrays.build(CATALOG_2025, list(package.new.levels[LEVEL_COMMUNE].values()))
    areas: dict[tuple[str, str], _UnitSpec] = {}
    for source in (package.old, package.new):
        for level in (LEVEL_PROVINCE, LEVEL_DISTRICT):
            for code, spec in source.levels.get(level, {}).items():
                areas[(source.catalog, code)] = spec
    # Default successor of each old unit, as etl.catalog's lineage has it: the one flagged default,
    # else the only (or first) one listed.
    links, _unmatched = _lineage_specs(package)
    new_index = {code: n for n, code in enumerate(new.codes.tolist())}
    default: dict[str, str] = {old: new for (old, new), (_whole, is_default) in links.items() if is_default}
    for old_code, new_code in links:
        default.setdefault(old_code, new_code)
    successor = np.array([new_index.get(default.get(code, ""), -1) for code in old.codes.tolist()], dtype=np.int64)
    return Reference(old, new, areas, successor)


# ------------------------------------------------------------------------------------------------
# Scope
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """Which units are written: the whole country, or one province (before and after 1/7/2025)."""

    kind: str  # "national" or "province"
    code: str = ""  # the code asked for
    old_provinces: frozenset[str] = frozenset()  # pre-2025 province codes
    new_provinces: frozenset[str] = frozenset()  # 2025 province codes

    @property
    def is_national(self) -> bool:
        return self.kind == "national"

    def mask(self, units: UnitArrays) -> np.ndarray:
        if self.is_national:
            return np.ones(len(units), dtype=bool)
        wanted = self.new_provinces if units.catalog == CATALOG_2025 else self.old_provinces
        return np.isin(units.provinces, list(wanted))


def parse_scope(text: str) -> Scope:
    """``national`` or ``province:CODE`` (a pre-2025 or a 2025 province code).

    A code of the old catalog ("91": Kiên Giang) stands for that province before 1/7/2025 and for
    the 2025 province most of its communes went into after (An Giang, 91); a code only the 2025
    catalog has stands for that province after, and the old provinces that went mostly into it
    before.
    """
    raw = (text or "").strip()
    head, sep, rest = raw.partition(":")
    head = head.strip().lower()
    if head in {"national", "ca-nuoc", "toan-quoc"} and not sep:
        return Scope("national")
    if head not in {"province", "tinh"} or not sep:
        raise SynthError(
            f"Phạm vi '{raw}' không hợp lệ: ghi national (cả nước) hoặc province:MÃ (một tỉnh, ví dụ province:91)."
        )
    code = rest.strip()
    if code.isdigit() and len(code) < 2:
        code = code.zfill(2)
    ref = reference()
    old_codes = {c for (cat, c), spec in ref.areas.items() if cat == CATALOG_PRE2025 and spec.level == LEVEL_PROVINCE}
    new_codes = {c for (cat, c), spec in ref.areas.items() if cat == CATALOG_2025 and spec.level == LEVEL_PROVINCE}
    if code in old_codes:
        successor = ref.successor_province(code)
        return Scope("province", code, frozenset({code}), frozenset({successor} if successor else ()))
    if code in new_codes:
        olds = frozenset(c for c in old_codes if ref.successor_province(c) == code)
        return Scope("province", code, olds, frozenset({code}))
    raise SynthError(
        f"Không có tỉnh, thành phố mã '{code}' trong danh mục đơn vị hành chính (trước hoặc từ 1/7/2025); "
        "mã tỉnh gồm 2 chữ số, ví dụ province:91."
    )


# ------------------------------------------------------------------------------------------------
# Periods
# ------------------------------------------------------------------------------------------------


def synth_periods(first: str | Period, last: str | Period) -> list[Period]:
    """The half-years from ``first`` to ``last`` (codes as ``qcdc`` takes them: 2019S1, 2019, …)."""
    start = first if isinstance(first, Period) else parse_period(first)
    stop = last if isinstance(last, Period) else parse_period(last)
    start = start if start.half else Period(start.year, 1)
    stop = stop if stop.half else Period(stop.year, 2)
    if start > stop:
        raise SynthError(f"Kỳ bắt đầu {start.code} đứng sau kỳ kết thúc {stop.code}: đổi lại --from và --to.")
    if start < SIM_START:
        raise SynthError(
            f"Chỉ sinh số liệu từ {SIM_START.code} (bộ tiêu chí nông thôn mới sớm nhất trong danh mục bắt đầu "
            f"1/1/2016); kỳ {start.code} quá sớm."
        )
    return period_range(start, stop)


# ------------------------------------------------------------------------------------------------
# The simulation
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """Every figure of one period for every unit of the catalog in force.

    ``values[u, j]`` is the figure of unit ``u`` for the ``j``-th entered indicator (catalog order);
    ``present[u, j]`` says whether the unit has that figure at all (NTM for communes only, NTM_YEAR
    from level 1); ``reporting[u]`` whether the unit reported in this period.
    """

    period: Period
    units: UnitArrays
    values: np.ndarray  # int64 (units × indicators)
    present: np.ndarray  # bool (units × indicators)
    reporting: np.ndarray  # bool (units)


@dataclass(slots=True)
class _State:
    """What each unit carries from one half-year to the next."""

    units: UnitArrays
    size: np.ndarray  # relative size: flows scale with it
    villages: np.ndarray
    conventions: np.ndarray
    pending: np.ndarray
    level: np.ndarray  # NTM level 0–3
    year: np.ndarray  # year the NTM standard was met (0: not yet)
    criteria: np.ndarray  # NTM criteria met under the set in force
    criteria_size: int


def _sizes(rng: np.random.Generator, units: UnitArrays) -> np.ndarray:
    size = rng.lognormal(0.0, 0.45, len(units))
    return np.where(units.is_xa, size, size * 1.25)  # wards and towns a little busier


def _fresh_villages(rng: np.random.Generator, size: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(4 + 5 * size + rng.normal(0, 1.5, len(size))), 2, 40).astype(np.int64)


def _initial_state(seed: int, units: UnitArrays, criteria_size: int) -> _State:
    rng = np.random.default_rng([seed, 0, 0])
    n = len(units)
    size = _sizes(rng, units)
    villages = _fresh_villages(rng, size)
    conventions = np.maximum(villages - rng.integers(0, 3, n), 0)
    pending = rng.poisson(1.5, n).astype(np.int64)
    met = rng.random(n) < 0.3
    level = met.astype(np.int64)
    year = np.where(met, rng.integers(2011, SIM_START.year, n), 0).astype(np.int64)
    criteria = np.where(met, criteria_size, rng.integers(8, criteria_size, n)).astype(np.int64)
    return _State(units, size, villages, conventions, pending, level, year, criteria, criteria_size)


def _merge_state(seed: int, state: _State, ref: Reference) -> _State:
    """The 2025 units' state from the old units': each old unit counts for its default successor.

    Sizes, villages, conventions and pending petitions add up; a new commune starts at the lowest
    NTM level (and criteria) of the communes it took over, with the latest year among them; a new
    unit no old unit defaults to starts fresh.
    """
    rng = np.random.default_rng([seed, 0, 1])
    new = ref.new
    n = len(new)
    succ = ref.successor
    linked = succ >= 0
    target = succ[linked]
    count = np.bincount(target, minlength=n)
    has_pred = count > 0

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(target, weights=values[linked], minlength=n)

    fresh_size = _sizes(rng, new)
    size = np.where(has_pred, total(state.size), fresh_size)
    fresh_villages = _fresh_villages(rng, fresh_size)
    villages = np.where(has_pred, np.rint(total(state.villages)), fresh_villages).astype(np.int64)
    conventions = np.where(has_pred, np.rint(total(state.conventions)), fresh_villages - 1).astype(np.int64)
    conventions = np.clip(conventions, 0, villages)
    pending = np.rint(total(state.pending)).astype(np.int64)

    xa = linked & state.units.is_xa
    xa_target = succ[xa]
    low_level = np.full(n, 99, dtype=np.int64)
    np.minimum.at(low_level, xa_target, state.level[xa])
    low_criteria = np.full(n, 99, dtype=np.int64)
    np.minimum.at(low_criteria, xa_target, state.criteria[xa])
    last_year = np.zeros(n, dtype=np.int64)
    np.maximum.at(last_year, xa_target, state.year[xa])
    has_xa = low_level < 99
    fresh_criteria = rng.integers(8, state.criteria_size, n)
    level = np.where(has_xa, low_level, 0).astype(np.int64)
    criteria = np.where(has_xa, low_criteria, fresh_criteria).astype(np.int64)
    year = np.where(level >= 1, last_year, 0).astype(np.int64)
    return _State(new, size, villages, conventions, pending, level, year, criteria, state.criteria_size)


def _advance_ntm(rng: np.random.Generator, state: _State, period: Period, convention: Convention) -> None:
    """One half-year of new-rural-area progress (in place)."""
    criteria_set = criteria_set_for(period.end(convention))
    size = criteria_set.size
    n = len(state.units)
    met = state.level >= 1
    drop3, drop5 = rng.integers(0, 3, n), rng.integers(0, 5, n)  # drawn every half: a stable stream
    if size != state.criteria_size:
        # A new set: criteria are counted afresh (the 2026–2030 set has 10, harder, criteria);
        # levels already recognised stand.
        rebased = np.floor(state.criteria * size / state.criteria_size).astype(np.int64) - drop3
        state.criteria = np.where(met, np.clip(size - drop5, 0, size), np.clip(rebased, 0, size - 1))
        state.criteria_size = size
    gain = rng.random(n)
    reach = rng.random(n)
    upgrade = rng.random(n)
    # Communes below the standard gain about one criterion a year and reach it from size - 1.
    below = ~met
    state.criteria = np.where(below, np.minimum(state.criteria + (gain < 0.5), size - 1), state.criteria)
    state.criteria = np.where(met, np.minimum(state.criteria + (gain < 0.3), size), state.criteria)
    reached = below & (state.criteria >= size - 1) & (reach < 0.25)
    state.level = np.where(reached, 1, state.level)
    state.year = np.where(reached, period.year, state.year)
    state.criteria = np.where(reached, size, state.criteria)
    # Advanced (nâng cao) and model (kiểu mẫu) levels exist from 2021, under the 2021–2025 set.
    if period.year >= 2021 and criteria_set.code == "2021-2025":
        advanced = (state.level == 1) & (state.year < period.year) & (upgrade < 0.035)
        model = (state.level == 2) & (upgrade > 0.985)
        state.level = np.where(advanced, 2, np.where(model, 3, state.level))


def _scale(state: _State, period: Period) -> np.ndarray:
    step = (period.year - 2017) * 2 + (period.half - 1)
    trend = 1 + 0.02 * step
    season = 1.1 if period.half == 2 else 1.0
    return state.size * trend * season * _DIP.get(period.code, 1.0)


def _period_figures(seed: int, state: _State, period: Period, convention: Convention, merged: bool) -> PeriodFigures:
    rng = np.random.default_rng([seed, period.year, period.half])
    cols = _columns()
    units = state.units
    n = len(units)
    f = _scale(state, period)

    v = np.zeros((n, len(cols.codes)), dtype=np.int64)

    def put(code: str, values: np.ndarray) -> None:
        v[:, cols.index[code]] = values

    held = rng.poisson(0.6 + 0.7 * f)
    opinions = rng.poisson(3 * held + 6 * f)
    answered = opinions - rng.binomial(opinions, 0.1)
    carry = state.pending
    new = rng.poisson(8 * f)
    competent = carry + new - rng.binomial(new, 0.15)
    left = np.minimum(competent, rng.choice(_PENDING_LEFT, n))
    resolved = competent - left
    state.pending = left
    missed = rng.integers(0, 3, n) if merged else (rng.random(n) < 0.15).astype(np.int64)
    meetings = np.maximum(state.villages - missed, 0)
    grow = (state.conventions < state.villages) & (rng.random(n) < 0.25)
    state.conventions = np.minimum(state.conventions + grow, state.villages)
    put("DLG_HELD", held)
    put("DLG_OPINIONS", opinions)
    put("DLG_ANSWERED", answered)
    put("CMP_CARRY", carry)
    put("CMP_NEW", new)
    put("CMP_COMPETENT", competent)
    put("CMP_RESOLVED", resolved)
    put("VIL_TOTAL", state.villages)
    put("VIL_MEETINGS", meetings)
    put("VIL_CONVENTIONS", state.conventions)
    put("DISC_ITEMS", rng.poisson(10 * f))
    put("DEC_DIRECT", rng.poisson(2.5 * f))
    put("CONSULT_ITEMS", rng.poisson(4 * f))
    put("TTND_SUPERV", rng.poisson(0.8 + 0.8 * f))
    put("TTND_RECOMMEND", rng.poisson(1.5 * f))
    put("GSDT_WORKS", rng.poisson(2 * f))
    put("DVK_MODELS", np.where(rng.random(n) < 0.3, 0, rng.poisson(0.6 + 0.5 * f)))
    put("MTTQ_SUPERV", rng.poisson(2.5 * f))
    put("MTTQ_CRITIQUE", rng.poisson(0.8 * f))
    put("PARTY_REFERRED", rng.poisson(3 * f))

    _advance_ntm(rng, state, period, convention)
    put("NTM_CRITERIA_MET", state.criteria)
    put("NTM_LEVEL", state.level)
    put("NTM_YEAR", state.year)

    present = np.ones_like(v, dtype=bool)
    present[:, cols.ntm] = units.is_xa[:, None]
    present[:, cols.index["NTM_YEAR"]] &= state.level >= 1
    reporting = rng.random(n) >= MISSING_RATE
    return PeriodFigures(period, units, v, present, reporting)


def simulate(seed: int, last: Period, *, convention: Convention = Convention.CALENDAR) -> Iterator[PeriodFigures]:
    """Every half-year from :data:`SIM_START` to ``last``, on the catalog in force for each."""
    ref = reference()
    state: _State | None = None
    for period in period_range(SIM_START, last):
        catalog = catalog_for_period(period, convention)
        merged = False
        if state is None:
            size = criteria_set_for(period.end(convention)).size
            state = _initial_state(seed, ref.units(catalog), size)
            if catalog == CATALOG_2025:  # pragma: no cover - SIM_START is before 1/7/2025
                merged = True
        elif state.units.catalog != catalog:
            state = _merge_state(seed, state, ref)
            merged = True
        yield _period_figures(seed, state, period, convention, merged)


# ------------------------------------------------------------------------------------------------
# Selection and figures as a mapping (for tests and small scopes)
# ------------------------------------------------------------------------------------------------


def _limit(mask: np.ndarray, limit_units: int | None) -> np.ndarray:
    """At most ``limit_units`` of the selected units, spread evenly over the catalog."""
    if limit_units is None:
        return mask
    chosen = np.flatnonzero(mask)
    if len(chosen) > limit_units:
        keep = chosen[np.linspace(0, len(chosen) - 1, limit_units).round().astype(np.int64)]
        mask = np.zeros_like(mask)
        mask[keep] = True
    return mask


def _selected(
    seed: int,
    periods: Sequence[Period],
    scope: Scope,
    convention: Convention,
    limit_units: int | None,
) -> Iterator[tuple[PeriodFigures, np.ndarray]]:
    """(figures, units written) for each period asked for."""
    wanted = {p.code for p in periods}
    masks: dict[str, np.ndarray] = {}
    for figures in simulate(seed, periods[-1], convention=convention):
        if figures.period.code not in wanted:
            continue
        catalog = figures.units.catalog
        if catalog not in masks:
            masks[catalog] = _limit(scope.mask(figures.units), limit_units)
        yield figures, masks[catalog] & figures.reporting


def synth_values(
    seed: int = DEFAULT_SEED,
    first: str | Period = DEFAULT_FIRST,
    last: str | Period = DEFAULT_LAST,
    *,
    scope: str | Scope = "national",
    convention: Convention = Convention.CALENDAR,
    limit_units: int | None = None,
) -> dict[Key, float]:
    """Every figure the files of this request hold: ``(period_code, unit_code, indicator) → value``.

    A key absent means "not reported". Meant for small scopes (a province, a national slice with
    ``limit_units``): the whole country is about 4 million entries.
    """
    periods = synth_periods(first, last)
    chosen = scope if isinstance(scope, Scope) else parse_scope(scope)
    codes = _columns().codes
    out: dict[Key, float] = {}
    for figures, mask in _selected(seed, periods, chosen, convention, limit_units):
        for u in np.flatnonzero(mask).tolist():
            unit_code = figures.units.codes[u]
            for j in np.flatnonzero(figures.present[u]).tolist():
                out[(figures.period.code, unit_code, codes[j])] = float(figures.values[u, j])
    return out


# ------------------------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WrittenFile:
    path: Path
    rows: int  # CSV: data lines; xlsx: unit rows
    values: int  # figures the file holds


@dataclass(slots=True)
class SynthResult:
    files: list[WrittenFile]
    seconds: float
    periods: list[Period]
    scope: Scope
    seed: int


def national_file_name(seed: int, periods: Sequence[Period]) -> str:
    return f"qcdc-national-{periods[0].code}-{periods[-1].code}-seed{seed}.csv"


def _write_national(
    path: Path,
    seed: int,
    periods: Sequence[Period],
    scope: Scope,
    convention: Convention,
    limit_units: int | None,
) -> WrittenFile:
    """One long CSV, byte for byte as ``etl.writers.write_long_csv`` writes it (UTF-8, CRLF, RFC 4180
    quoting, formula-safe text), built and written one period at a time: a period is about 250,000
    lines, so memory stays flat whatever the number of periods."""
    codes = _columns().codes
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(_csv_fields(*LONG_HEADER) + "\r\n")
        for figures, mask in _selected(seed, periods, scope, convention, limit_units):
            chosen = np.flatnonzero(mask)
            unit_rows, columns = np.nonzero(figures.present[chosen])  # unit by unit, catalog order
            units = chosen[unit_rows]
            # ",PERIOD,INDICATOR," per column: the fields between the unit and the value.
            middles = np.empty(len(codes), dtype=object)
            middles[:] = [f",{figures.period.code},{code}," for code in codes]
            lines = zip(
                figures.units.csv_prefix[units].tolist(),
                middles[columns].tolist(),
                figures.values[units, columns].tolist(),
                strict=True,
            )
            handle.write("".join([f"{head}{middle}{value}\r\n" for head, middle, value in lines]))
            rows += len(units)
    return WrittenFile(path, rows, rows)


def report_date(period: Period) -> date:
    """When the (synthetic) report is signed: 15 July for the first half, 15 January after the second."""
    return date(period.year, 7, 15) if period.half == 1 else date(period.year + 1, 1, 15)


def _slug(name: str) -> str:
    return "-".join(loose_key(name).replace("'", " ").split())


@lru_cache(maxsize=1)
def _area_index() -> UnitIndex:
    """Provinces and districts of both catalogs as the loader's :class:`~etl.units.UnitIndex`."""
    units: dict[int, UnitEntry] = {}
    for n, ((catalog, _code), spec) in enumerate(sorted(reference().areas.items())):
        row = spec.row(catalog, None)
        units[n] = UnitEntry(
            n, catalog, spec.code, spec.level, spec.kind, spec.name, spec.short_name, None,
            spec.province_code, spec.district_code, row["name_key"], row["loose_key"],
        )  # fmt: skip
    index = UnitIndex(units=units)
    for unit in units.values():
        index.by_name.setdefault((unit.catalog, unit.name_key), []).append(unit)
        index.by_loose.setdefault((unit.catalog, unit.loose_key), []).append(unit)
    return index


def _titles_resolve(lines: Sequence[str], catalog: str, allowed: set[str]) -> bool:
    """True when every area the loader reads in these title lines is found, one unit each, and the
    narrowest is one of ``allowed`` (codes of ``catalog``) — as :mod:`etl.resolve` does it."""
    info = read_titles([(row, 0, text) for row, text in enumerate(lines)], lambda row, col: Location())
    index = _area_index()
    found: UnitEntry | None = None
    for hint in info.areas:
        candidates = index.find_area(hint.kind, hint.name, catalog, inside=found)
        if len(candidates) != 1:
            return False
        found = candidates[0]
    return found is None or found.code in allowed


def _title_lines(
    area: _UnitSpec, province: _UnitSpec, catalog: str, period: Period
) -> tuple[tuple[str, ...], str | None]:
    """(issuer lines, subtitle) naming the district (or the 2025 province) as offices do —
    "UBND HUYỆN KIÊN LƯƠNG", "Huyện Kiên Lương, Tỉnh Kiên Giang" — where the loader reads those
    names back to the right area. Some names it cannot (a word it takes for the end of a name:
    "Huyện Tân Kỳ", "Tỉnh Hà Nam"; a city named like its province: "Thành phố Hà Giang"): those
    are named in a line without the kind word ("Địa bàn: Tân Kỳ, Nghệ An"), which it ignores, so
    that no file warns about an unknown area (units are found by their codes anyway)."""
    issuer = f"UBND {area.name.upper()}"
    plain = f"Địa bàn: {area.short_name}" + ("" if area is province else f", {province.short_name}")
    options: list[tuple[tuple[str, ...], str | None]] = [
        ((issuer, STEERING_COMMITTEE), None if area is province else f"{area.name}, {province.name}"),
        ((issuer, STEERING_COMMITTEE), None),
        ((f"UBND {province.name.upper()}", STEERING_COMMITTEE), plain),
    ]
    fixed = (*MOTTO_LINES, REPORT_TITLE, period.label_vi.upper())
    for issuer_lines, subtitle in options:
        lines = (*issuer_lines, *fixed, *((subtitle,) if subtitle else ()))
        if _titles_resolve(lines, catalog, {area.code, province.code}):
            return issuer_lines, subtitle
    return (STEERING_COMMITTEE,), plain


def _sheet(
    figures: PeriodFigures,
    rows: np.ndarray,
    *,
    issuer: tuple[str, ...],
    subtitle: str | None,
    place: str,
    seed: int,
) -> DistrictSheet:
    codes = _columns().codes
    units = figures.units
    values: dict[tuple[str, str], object] = {}
    for u in rows.tolist():
        unit_code = units.codes[u]
        for j in np.flatnonzero(figures.present[u]).tolist():
            values[(unit_code, codes[j])] = int(figures.values[u, j])
    return DistrictSheet(
        sheet_title=SHEET_TITLES[figures.period.half],
        period=figures.period,
        units=[(units.codes[u], units.names[u]) for u in rows.tolist()],
        values=values,
        issuer_lines=issuer,
        subtitle=subtitle,
        include_code=True,
        place_date=place_date_line(place, report_date(figures.period)),
        signer_name=SIGNER_NAME,
        preparer_name=PREPARER_NAME,
        notes=(f"Ghi chú: Số liệu giả lập (qcdc synth, seed {seed}), không phải số liệu thật.",),
    )


def _write_book(path: Path, sheet: DistrictSheet, title: str) -> WrittenFile:
    day = report_date(sheet.period)
    properties = {
        "title": title,
        "comments": "Số liệu giả lập (qcdc synth), không phải số liệu thật.",
        "created": datetime(day.year, day.month, day.day, 8, 0, 0),
    }
    write_district_sheet(path, sheets=[sheet], properties=properties)
    return WrittenFile(path, len(sheet.units), len(sheet.values))


def _write_province(
    folder: Path,
    seed: int,
    periods: Sequence[Period],
    scope: Scope,
    convention: Convention,
    limit_units: int | None,
) -> list[WrittenFile]:
    """District sheets before 1/7/2025 (one workbook per district and period), one province-wide
    sheet per period after (the 2025 catalog has no districts)."""
    ref = reference()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[WrittenFile] = []
    for figures, mask in _selected(seed, periods, scope, convention, limit_units):
        period, units = figures.period, figures.units
        chosen = np.flatnonzero(mask)
        if units.catalog == CATALOG_2025:
            groups = [(units.provinces[u], None) for u in chosen.tolist()]
        else:
            groups = [(units.provinces[u], units.districts[u]) for u in chosen.tolist()]
        order = list(dict.fromkeys(groups))  # catalog order
        group_of = {g: n for n, g in enumerate(order)}
        keys = np.array([group_of[g] for g in groups], dtype=np.int64)
        for n, (province_code, district_code) in enumerate(order):
            rows = chosen[keys == n]
            province = ref.areas[(units.catalog, province_code)]
            area = province if district_code is None else ref.areas[(units.catalog, district_code)]
            issuer, subtitle = _title_lines(area, province, units.catalog, period)
            sheet = _sheet(figures, rows, issuer=issuer, subtitle=subtitle, place=area.short_name, seed=seed)
            path = folder / f"{period.code}-{_slug(area.name)}.xlsx"
            if any(w.path == path for w in written):  # two areas, one slug
                path = folder / f"{period.code}-{_slug(area.name)}-{area.code}.xlsx"
            title = f"Kết quả thực hiện QCDC ở cơ sở {area.name}, {period.label_vi} (số liệu giả lập)"
            written.append(_write_book(path, sheet, title))
    return written


def generate(
    output: Path,
    *,
    scope: str | Scope = "national",
    first: str | Period = DEFAULT_FIRST,
    last: str | Period = DEFAULT_LAST,
    seed: int = DEFAULT_SEED,
    convention: Convention = Convention.CALENDAR,
    limit_units: int | None = None,
) -> SynthResult:
    """Write the synthetic data set into the folder ``output`` and say what was written.

    ``national``: ``qcdc-national-FIRST-LAST-seedN.csv``; ``province:CODE``:
    ``province-CODE/PERIOD-AREA.xlsx``. ``limit_units`` (for tests) keeps at most that many units of
    each catalog, spread evenly over it.
    """
    started = time.perf_counter()
    periods = synth_periods(first, last)
    chosen = scope if isinstance(scope, Scope) else parse_scope(scope)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    if chosen.is_national:
        path = output / national_file_name(seed, periods)
        files = [_write_national(path, seed, periods, chosen, convention, limit_units)]
    else:
        folder = output / f"province-{chosen.code}"
        files = _write_province(folder, seed, periods, chosen, convention, limit_units)
    return SynthResult(files, time.perf_counter() - started, periods, chosen, seed)


__all__ = [
    "DEFAULT_FIRST",
    "DEFAULT_LAST",
    "DEFAULT_SEED",
    "MISSING_RATE",
    "SIM_START",
    "PeriodFigures",
    "Reference",
    "Scope",
    "SynthError",
    "SynthResult",
    "UnitArrays",
    "WrittenFile",
    "generate",
    "national_file_name",
    "parse_scope",
    "reference",
    "simulate",
    "synth_periods",
    "synth_values",
]

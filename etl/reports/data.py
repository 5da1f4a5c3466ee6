"""Everything a meeting output shows for an area and a period, read once through :mod:`etl.queries`.

No SQL here: every figure comes from a query-layer function (aggregated in SQL there), and what
this module adds is arithmetic on those results — a year rolled up from its halves with
:func:`etl.queries.to_years`, and each target's standing at the period reviewed.

A figure missing from a frame means "not reported": nothing here turns it into 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection, text

from etl import queries as q
from etl.boundaries import area_units_sql, get_area
from etl.catalog import NoCriteriaSet, criteria_set_for
from etl.errors import QcdcError, UnknownUnit
from etl.indicators import indicator_catalog
from etl.periods import Convention, Period, parse_period
from etl.queries import AreaOption, Boundaries
from etl.text import format_datetime
from etl.units import COMMUNE_LEVEL, unit_by_code, unit_by_id

HISTORY_HALVES = 8  # half-years shown in the charts over time
HISTORY_YEARS = 5  # years, for a whole-year report
TARGET_COLUMNS = ["period", "unit_id", "unit_name", "indicator", "target", "actual", "met", "status"]


class NoData(QcdcError):
    """The area holds no figures for the period asked for (or none at all)."""


@dataclass(frozen=True, slots=True)
class ReportData:
    """The figures behind every output, for one area, period, boundaries and language.

    Frames keep the query layer's columns (see :mod:`etl.queries`); a year's frames hold the year
    code ("2019") in ``period``.
    """

    area: AreaOption
    period: str
    previous: str  # the period before (2018S2 for 2019S1)
    last_year: str  # the same period last year (2018S1): "so với cùng kỳ"
    next_period: str  # the period the committee plans for (2019S2 after 2019S1)
    boundaries: str
    lang: str
    convention: Convention
    history: tuple[str, ...]  # periods of the charts over time, oldest first, ending with ``period``
    totals: pd.DataFrame  # area_totals over history ∪ {previous, last_year} (years rolled up for a year)
    half_totals: pd.DataFrame  # for a year: the half-year totals it was rolled up from (else empty)
    units: pd.DataFrame  # area_units at the end of the period
    values: pd.DataFrame  # unit_values in the period (rolled up per unit for a year)
    ntm: pd.DataFrame  # ntm_status at the end of the period
    ntm_before: pd.DataFrame  # ntm_status at the end of the previous period
    ntm_counts: pd.DataFrame  # ntm_level_counts over the half-years with the same criteria set
    targets: pd.DataFrame  # TARGET_COLUMNS: the committee's targets and where they stand at the period
    completeness: pd.DataFrame  # completeness of the period's half-years
    reporting_history: pd.DataFrame  # completeness over the last half-years
    updated: datetime | None  # the newest batch behind the area's figures (UTC)
    sample: bool
    generated: date  # the day the outputs are made, in ``timezone``
    timezone: str = "Asia/Ho_Chi_Minh"
    # (period, indicator) → position in ``totals``, built on the first look-up: the outputs look up
    # a few hundred figures, and filtering the frame for each costs milliseconds
    _positions: dict[tuple[str, str], int] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def updated_text(self) -> str | None:
        """The day of the last update in local time ("29/11/2026"), ``None`` when unknown."""
        return format_datetime(self.updated, self.timezone)[:10] if self.updated else None

    @property
    def is_year(self) -> bool:
        return parse_period(self.period).is_year

    @property
    def halves(self) -> tuple[str, ...]:
        return tuple(h.code for h in parse_period(self.period).halves())

    @property
    def place(self) -> str:
        """Where, without the catalog note: "Huyện Kiên Lương, Tỉnh Kiên Giang"."""
        label = self.area.label_en if self.lang == "en" else self.area.label_vi
        return label.rsplit(" (", 1)[0]

    def total(self, indicator: str, period: str | None = None) -> pd.Series | None:
        """The area's row (value, units_reporting, units_expected) or ``None`` when not reported."""
        positions = self._positions
        if not positions and not self.totals.empty:
            for position, key in enumerate(zip(self.totals["period"], self.totals["indicator"], strict=True)):
                positions.setdefault(key, position)
        position = positions.get((period or self.period, indicator))
        return None if position is None else self.totals.iloc[position]

    def value(self, indicator: str, period: str | None = None) -> float | None:
        row = self.total(indicator, period)
        return None if row is None else float(row["value"])

    def coverage(self, indicator: str, period: str | None = None) -> tuple[int, int] | None:
        """(units that reported the figure, units expected to), or ``None`` when not reported.

        For a year, the half-years the figure is made of (all for a flow, the last for a stock or
        a level, the first for the carry-over), each against the units that existed then: the
        least covered half (a year across 1/7/2025 has 8 units in one half and 5 in the other)."""
        period = period or self.period
        row = self.total(indicator, period)
        if row is None:
            return None
        parsed = parse_period(period)
        if not parsed.is_year or self.half_totals.empty:
            return int(row["units_reporting"]), int(row["units_expected"])
        rule = indicator_catalog().get(indicator).aggregation
        halves = [h.code for h in parsed.halves()]
        halves = halves[:1] if rule == "first" else (halves[-1:] if rule == "last" else halves)
        frame = self.half_totals
        rows = frame[(frame["indicator"] == indicator) & frame["period"].isin(halves)]
        if len(rows) < len(halves):
            return int(row["units_reporting"]), int(row["units_expected"])
        worst = min(rows.itertuples(index=False), key=lambda r: r.units_reporting / max(r.units_expected, 1))
        return int(worst.units_reporting), int(worst.units_expected)

    def complete(self, indicator: str, period: str | None = None) -> bool:
        """Every unit expected for the indicator reported it in the period."""
        counts = self.coverage(indicator, period)
        return counts is not None and counts[0] >= counts[1]

    def change(self, indicator: str) -> float | None:
        """The change on the same period last year, only when both periods are complete (a period
        3 of 5 units reported shows a fall that is only missing reports)."""
        if not (self.complete(indicator) and self.complete(indicator, self.last_year)):
            return None
        return float(self.value(indicator)) - float(self.value(indicator, self.last_year))  # type: ignore[arg-type]


def resolve_area(connection: Connection, code: str | None = None) -> AreaOption:
    """The area a user names: a GSO code in the newest catalog that has it ("30814", "91"), a code
    of a given catalog ("pre2025:902"), or ``None`` for :func:`etl.queries.default_area`.

    Raises :class:`UnknownUnit` for a code no catalog has, :class:`NoData` for an area without
    figures."""
    if code is None or not code.strip():
        area = q.default_area(connection)  # a few counts, not the list of every area
        if area is None:
            raise NoData("Cơ sở dữ liệu chưa có số liệu — chạy qcdc demo (dữ liệu mẫu) hoặc nạp tệp bằng qcdc load.")
        return area
    catalog, _, bare = code.strip().rpartition(":")
    if catalog and catalog not in {"pre2025", "2025"}:
        raise UnknownUnit(f"Danh mục '{catalog}' không có; dùng pre2025:MÃ hoặc 2025:MÃ.")
    catalogs = [catalog] if catalog else ["2025", "pre2025"]
    unit = next((u for c in catalogs if (u := unit_by_code(connection, catalog=c, code=bare.strip()))), None)
    if unit is None:
        raise UnknownUnit(f"Không có đơn vị mã '{code}' trong danh mục đơn vị hành chính.")
    option = area_option(connection, unit.id)
    if option is None:
        raise NoData(f"{unit.name} (mã {bare}) chưa có số liệu nào.")
    return option


def area_option(connection: Connection, unit_id: int) -> AreaOption | None:
    """The area a unit id names, as :func:`etl.queries.area_options` lists it (same label), or
    ``None`` when the unit is unknown or holds no figures (none of its own units, in its own
    catalog, has one: what makes it an option there).

    One area, a few indexed look-ups: ``area_options`` lists every area of the country (and picks
    the default one), seconds on a national database, for the one option a report needs."""
    unit = unit_by_id(connection, unit_id)
    if unit is None:
        return None
    area = get_area(connection, unit_id)
    own, params = area_units_sql(area, unit.catalog)  # type: ignore[arg-type]
    held = connection.execute(  # a look-up, not a figure: whether the area is one the user can pick
        text(f"SELECT 1 FROM data_value WHERE unit_id IN ({own} UNION SELECT :a_self) LIMIT 1"),
        {**params, "a_self": unit.id},
    ).first()
    if held is None:
        return None
    district = (
        unit_by_code(connection, catalog=unit.catalog, code=unit.district_code)
        if unit.level == COMMUNE_LEVEL and unit.district_code
        else None
    )
    province = unit_by_code(connection, catalog=unit.catalog, code=unit.province_code) if unit.level > 1 else None
    parent = district or province
    return q._option(unit.id, unit.catalog, unit.code, unit.level, unit.name, parent.name if parent else None)


def next_period(period: Period) -> Period:
    """The period a review plans for: 2019S1 → 2019S2, 2019S2 → 2020S1, 2019 → 2020."""
    if period.is_year:
        return Period(period.year + 1, 0)
    return Period(period.year, 2) if period.half == 1 else Period(period.year + 1, 1)


def _halves_before(period: Period, count: int) -> list[str]:
    """The ``count`` half-years ending with the period's last half, oldest first."""
    current = period.halves()[-1]
    out = [current]
    while len(out) < count:
        current = current.previous()
        out.append(current)
    return [p.code for p in reversed(out)]


def load_report_data(
    connection: Connection,
    area_id: int,
    period: str,
    *,
    boundaries: str = Boundaries.REPORTED,
    lang: str = "vi",
    convention: Convention = Convention.CALENDAR,
    today: date | None = None,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> ReportData:
    """Read what the outputs need. Raises :class:`NoData` when the area has no figure in the period."""
    wanted = parse_period(period)
    code = wanted.code
    boundaries = Boundaries(boundaries)
    area = area_option(connection, area_id)
    if area is None:
        raise NoData(f"Địa bàn mã số {area_id} chưa có số liệu nào.")
    previous, last_year = q.previous_periods(code)
    known = set(q.periods_with_data(connection))
    if wanted.is_year:
        years = [str(wanted.year - i) for i in range(HISTORY_YEARS - 1, -1, -1)]
        history = [y for y in years if any(h.code in known for h in parse_period(y).halves())]
        halves = [h.code for y in years for h in parse_period(y).halves()]
        half_totals = q.area_totals(connection, area_id, halves, None, boundaries, convention)
        totals = q.to_years(half_totals)
    else:
        candidates = _halves_before(wanted, HISTORY_HALVES)
        history = [p for p in candidates if p in known or p == code]
        asked = list(dict.fromkeys([*history, previous, last_year]))
        totals = q.area_totals(connection, area_id, asked, None, boundaries, convention)
        half_totals = pd.DataFrame(columns=totals.columns)
    if totals[totals["period"] == code].empty:
        label = wanted.label_en if lang == "en" else wanted.label_vi.lower()
        raise NoData(f"{area.name} chưa có số liệu {label} (kỳ {code}).")
    history = [p for p in history if p in set(totals["period"]) or p == code]
    last_half = wanted.halves()[-1].code
    before_end = parse_period(previous).halves()[-1].code
    in_force = _criteria_set(wanted, convention)
    ntm_halves = [
        p for p in _halves_before(wanted, HISTORY_HALVES) if _criteria_set(parse_period(p), convention) == in_force
    ]
    all_halves = [h.code for h in wanted.halves()]
    following = next_period(wanted)
    targets = targets_at(connection, area_id, code, convention)
    if not targets.empty:  # the targets a review speaks of: due in the period, open, or for the next one
        starts = targets["period"].map(lambda p: parse_period(p).start(convention))
        ends = targets["period"].map(lambda p: parse_period(p).end(convention))
        targets = targets[(ends >= wanted.start(convention)) & (starts <= following.end(convention))]
    reported_halves = [p for p in _halves_before(wanted, HISTORY_HALVES) if p in known or p in all_halves]
    return ReportData(
        area=area,
        period=code,
        previous=previous,
        last_year=last_year,
        next_period=following.code,
        boundaries=boundaries.value,
        lang="en" if lang == "en" else "vi",
        convention=convention,
        history=tuple(history),
        totals=totals,
        half_totals=half_totals,
        units=q.area_units(connection, area_id, last_half, boundaries, convention),
        values=_unit_values(connection, area_id, wanted, boundaries),
        ntm=q.ntm_status(connection, area_id, last_half, convention),
        ntm_before=q.ntm_status(connection, area_id, before_end, convention),
        ntm_counts=q.ntm_level_counts(connection, area_id, ntm_halves, convention),
        targets=targets.reset_index(drop=True),
        completeness=q.completeness(connection, area_id, all_halves, convention),
        reporting_history=q.completeness(connection, area_id, reported_halves, convention),
        updated=q.last_update(connection, area_id),
        sample=q.is_sample_data(connection),
        generated=today or datetime.now(ZoneInfo(timezone)).date(),
        timezone=timezone,
    )


def _criteria_set(period: Period, convention: Convention) -> str | None:
    try:
        return criteria_set_for(period.end(convention)).code
    except NoCriteriaSet:
        return None


def _unit_values(connection: Connection, area_id: int, period: Period, boundaries: str) -> pd.DataFrame:
    """unit_values for a half-year; for a year, each unit's halves rolled up by each indicator's
    rule (:func:`etl.queries.to_years`), a figure lacking a half it needs left out."""
    halves = [h.code for h in period.halves()]
    values = q.unit_values(connection, area_id, halves, None, boundaries)
    if not period.is_year or values.empty:
        return values
    return _unit_years(values)


def _unit_years(values: pd.DataFrame) -> pd.DataFrame:
    """Each unit's two halves of a year (unit_values) rolled up by :func:`etl.queries.roll_up_years`,
    unit by unit, with the unit's name, sources and flags from its halves."""
    units = (
        values.groupby(["unit_id", "unit_code", "unit_name"], sort=True)
        .agg(
            partial=("partial", lambda s: bool(s.astype(bool).any())),
            source=("source", "max"),
            approved=("approved", lambda s: bool(s.astype(bool).all())),
        )
        .reset_index()
    )
    figures = values[["unit_id", "period", "indicator"]].assign(value=values["value"].astype(float))
    years = q.roll_up_years(figures, keys=["unit_id"])
    if years.empty:
        return pd.DataFrame(columns=q.VALUE_COLUMNS)
    return years.merge(units, on="unit_id", how="left")[q.VALUE_COLUMNS]


def targets_at(
    connection: Connection, area_id: int, period: str, convention: Convention = Convention.CALENDAR
) -> pd.DataFrame:
    """The committee's targets (:func:`etl.queries.targets_progress`) as they stand at the end of
    ``period``, never judged on figures from after it: columns TARGET_COLUMNS, with ``status``

    * ``met`` / ``not_met`` / ``not_reported`` — the target's period has ended by then;
    * ``in_progress`` (or ``met`` already) — the period is under way (a 2019 target at 2019S1):
      ``actual`` is the figure so far (a stock or level at the period, a flow summed so far);
    * ``upcoming`` — it starts after the period (2019S2 targets at 2019S1): no actual.
    """
    targets = q.targets_progress(connection, area_id)
    if targets.empty:
        return pd.DataFrame(columns=TARGET_COLUMNS)
    reviewed = parse_period(period)
    end = reviewed.end(convention)
    catalog = indicator_catalog()
    ongoing: list[tuple[int, str, list[str]]] = []  # row index, indicator, halves so far
    statuses: list[str] = []
    actual = targets["actual"].astype(object).tolist()
    met = targets["met"].astype(object).tolist()
    for index, row in enumerate(targets.itertuples(index=False)):
        target_period = parse_period(row.period)
        if target_period.end(convention) <= end:
            statuses.append("not_reported" if row.actual is None or pd.isna(row.actual) else str(_met(row.met)))
        elif target_period.start(convention) <= end:
            so_far = [h.code for h in target_period.halves() if h.end(convention) <= end]
            wanted = so_far if catalog.get(row.indicator).is_flow else so_far[-1:]
            ongoing.append((index, row.indicator, wanted))
            statuses.append("in_progress")
            actual[index], met[index] = None, None
        else:
            statuses.append("upcoming")
            actual[index], met[index] = None, None
    if ongoing:
        halves = sorted({h for _, _, hs in ongoing for h in hs})
        indicators = sorted({ind for _, ind, _ in ongoing})
        values = q.unit_values(connection, area_id, halves, indicators, Boundaries.REPORTED)
        table = values.set_index(["unit_id", "period", "indicator"])["value"]
        for index, indicator, wanted in ongoing:
            unit_id = int(targets.iloc[index]["unit_id"])
            found = [table.get((unit_id, h, indicator)) for h in wanted]
            if not wanted or any(v is None or pd.isna(v) for v in found):
                statuses[index] = "not_reported" if wanted else "in_progress"
                continue
            actual[index] = float(sum(found))
            met[index] = actual[index] >= float(targets.iloc[index]["target"])
            statuses[index] = "met" if met[index] else "in_progress"
    out = targets.assign(actual=actual, met=met, status=statuses)
    return out[TARGET_COLUMNS].reset_index(drop=True)


def _met(value: object) -> str:
    return "met" if bool(value) else "not_met"

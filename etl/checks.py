"""Warnings a committee should see about stored figures: rules broken, carry-over that does not
match, figures far from a unit's own history, and zeros where the last period had a value.

The rules are those of :mod:`etl.validate` (the same the loader and the entry form apply); here
they run on what the database holds, so that figures entered before a rule existed, or loaded
with warnings, are still pointed out.

The work happens in SQL: a national database holds tens of thousands of figures for a province's
nine half-years, and the page shows a handful of warnings. One statement finds the units whose
figures may break a rule (a condition made from the rules of :mod:`etl.validate`) and hands over
just their figures, which :func:`etl.validate.check_unit_period` then judges, so that the messages
come from the one place the rules live; another computes each flow's history (count, mean,
variance) and hands over only the figures far above it or fallen to zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, text

from etl.errors import Severity
from etl.indicators import indicator_catalog
from etl.periods import parse_period
from etl.queries import Boundaries, unit_figures_sql
from etl.text import format_number
from etl.validate import LE_RULES, check_unit_period

HISTORY_PERIODS = 8  # half-years of a unit's own history an outlier is judged against
MIN_HISTORY = 4
OUTLIER_SD = 3.0
OUTLIER_MIN_GAP = 5.0  # and at least this many items above the mean (small counts swing)
ZERO_MIN_PREVIOUS = 3  # a zero is worth a look only after a period with at least this many

WARNING_COLUMNS = ["unit_id", "unit_name", "indicator", "severity", "kind", "message"]


def _history(period: str, size: int) -> list[str]:
    current = parse_period(period)
    out = [current.code]
    for _ in range(size):
        current = current.previous()
        out.append(current.code)
    return out


def data_warnings(
    connection: Connection,
    area_id: int,
    period: str,
    boundaries: str = Boundaries.REPORTED,
    official_only: bool = True,
) -> pd.DataFrame:
    """Warnings for the area's units in ``period``: columns unit_id, unit_name, indicator,
    severity ("error" for a broken rule, "warning" otherwise), kind ("rule", "carry", "outlier",
    "zero"), message (Vietnamese). ``official_only=False`` includes figures not yet approved (what
    a reviewer is looking at).

    Broken rules come first, unit by unit in code order; then outliers and zeros, by unit id and
    indicator code. Only the figures of units with something to report are read into Python."""
    catalog = indicator_catalog()
    names = {i.code: i.name_vi for i in catalog.indicators}
    history = _history(period, HISTORY_PERIODS)
    entered = [i.code for i in catalog.entered]
    flows = [code for code in entered if catalog.get(code).is_flow]
    rows = _rule_issues(connection, area_id, history[:2], entered, names, boundaries, official_only)
    rows.extend(_outliers(connection, area_id, history, flows, names, boundaries, official_only))
    return pd.DataFrame(rows, columns=WARNING_COLUMNS)


def _rule_condition(current: dict[str, str], previous: dict[str, str]) -> str:
    """SQL true for a unit whose figures (``current``/``previous``: indicator code → column of this
    period's / the last period's value) may break a rule of :func:`etl.validate.check_unit_period`.

    Made from the same rule data (``LE_RULES``; the NTM level and year; the carry-over). A figure
    not reported is NULL, so a rule whose figures are not all there is false, as in Python; a code
    the catalog no longer enters reads as NULL. It may let through more than the rules flag (it is
    only a filter), never less. A relation added to check_unit_period other than an ``LE_RULES``
    pair needs its condition here too."""

    def now(code: str) -> str:
        return current.get(code, "NULL")

    def before(code: str) -> str:
        return previous.get(code, "NULL")

    parts = [f"{now(left)} > {' + '.join(now(r) for r in right)}" for left, right in LE_RULES]
    level, year = now("NTM_LEVEL"), now("NTM_YEAR")
    parts += [
        f"{level} >= 1 AND {year} IS NULL",  # a level needs its year
        f"{level} = 0 AND {year} IS NOT NULL",  # and no level, no year
        f"{level} < {before('NTM_LEVEL')}",  # a level that drops
        # carry-over against the last period's pending (CMP_COMPETENT − CMP_RESOLVED, etl.validate.pending)
        f"{now('CMP_CARRY')} <> {before('CMP_COMPETENT')} - {before('CMP_RESOLVED')}",
    ]
    return " OR ".join(f"({part})" for part in parts)


def _rule_issues(
    connection: Connection,
    area_id: int,
    periods: Sequence[str],
    entered: list[str],
    names: dict[str, str],
    boundaries: str,
    official_only: bool,
) -> list[tuple]:
    """Broken rules and carry-over mismatches in ``periods[0]`` (``periods[1]`` the period before).

    One row per unit that may break a rule: its figures of both periods, side by side (a column
    per entered indicator, summed in SQL), which :func:`check_unit_period` judges as the loader
    does."""
    figures, binds, params = unit_figures_sql(connection, area_id, periods, entered, boundaries, official_only)
    current = {code: f"c_{i}" for i, code in enumerate(entered)}
    previous = {code: f"p_{i}" for i, code in enumerate(entered)}
    params.update({f"w_i{i}": code for i, code in enumerate(entered)}, w_now=periods[0], w_before=periods[1])
    columns = [
        f"SUM(CASE WHEN s.period = :{period} AND s.indicator = :w_i{i} THEN s.value END) AS {prefix}_{i}"
        for prefix, period in (("c", "w_now"), ("p", "w_before"))
        for i in range(len(entered))
    ]
    wanted = ", ".join(f"w.{column}" for column in [*current.values(), *previous.values()])
    statement = text(
        f"SELECT w.unit_id, t.code, t.name, {wanted} FROM "
        f"(SELECT s.unit_id AS unit_id, {', '.join(columns)} FROM ({figures}) s GROUP BY s.unit_id) w "
        f"JOIN unit t ON t.id = w.unit_id WHERE {_rule_condition(current, previous)}"
    ).bindparams(*binds)
    found = sorted(connection.execute(statement, params).all(), key=lambda row: (row[1], row[0]))
    size = len(entered)
    out: list[tuple] = []
    for unit_id, _code, unit_name, *cells in found:
        now = {code: value for code, value in zip(entered, cells[:size], strict=True) if value is not None}
        before = {code: value for code, value in zip(entered, cells[size:], strict=True) if value is not None}
        for issue in check_unit_period(now, names=names, previous=before or None):
            kind = "carry" if issue.code == "carry_mismatch" else "rule"
            out.append((unit_id, unit_name, issue.indicator, issue.severity.value, kind, issue.message))
    return out


def _outliers(
    connection: Connection,
    area_id: int,
    history: Sequence[str],
    flows: list[str],
    names: dict[str, str],
    boundaries: str,
    official_only: bool,
) -> list[tuple]:
    """Flows far above a unit's own history (``history[1:]``), and zeros right after a non-zero
    period (``history[1]``), in ``history[0]``.

    Each unit's and flow's count, mean and sample variance over its history are computed in SQL
    (the variance from the mean of the squares: n / (n − 1) · (mean(x²) − mean²), which no
    database lacks); "at least OUTLIER_SD standard deviations and OUTLIER_MIN_GAP above the mean" is
    asked squared, since the gap is positive (a variance that rounding leaves below 0 counts as 0)."""
    if not flows:
        return []
    figures, binds, params = unit_figures_sql(connection, area_id, history, flows, boundaries, official_only)
    params.update(
        w_now=history[0],
        w_before=history[1],
        w_min_history=MIN_HISTORY,
        w_min_gap=float(OUTLIER_MIN_GAP),
        w_sd2=float(OUTLIER_SD**2),
        w_zero_min=float(ZERO_MIN_PREVIOUS),
    )
    gap = "(w.now_value - w.mean)"
    outlier = (
        f"w.n >= :w_min_history AND {gap} >= :w_min_gap "
        f"AND {gap} * {gap} * (w.n - 1) >= :w_sd2 * w.n * (w.square - w.mean * w.mean)"
    )
    zero = "w.now_value = 0 AND w.last_value >= :w_zero_min"
    statement = text(
        "SELECT w.unit_id, t.name, w.indicator, w.now_value, w.last_value, w.mean, "
        f"CASE WHEN {outlier} THEN 1 ELSE 0 END, CASE WHEN {zero} THEN 1 ELSE 0 END FROM "
        "(SELECT s.unit_id AS unit_id, s.indicator AS indicator, "
        "MAX(CASE WHEN s.period = :w_now THEN s.value END) AS now_value, "
        "MAX(CASE WHEN s.period = :w_before THEN s.value END) AS last_value, "
        "COUNT(CASE WHEN s.period <> :w_now THEN s.value END) AS n, "
        "AVG(CASE WHEN s.period <> :w_now THEN s.value END) AS mean, "
        "AVG(CASE WHEN s.period <> :w_now THEN s.value * s.value END) AS square "
        f"FROM ({figures}) s GROUP BY s.unit_id, s.indicator) w "
        f"JOIN unit t ON t.id = w.unit_id WHERE w.now_value IS NOT NULL AND (({outlier}) OR ({zero}))"
    ).bindparams(*binds)
    found = sorted(connection.execute(statement, params).all(), key=lambda row: (row[0], row[2]))
    out: list[tuple] = []
    for unit_id, unit_name, code, value, last, mean, is_outlier, is_zero in found:
        if is_outlier:
            message = (
                f"'{names[code]}' = {format_number(value)}, cao bất thường so với các kỳ trước "
                f"(trung bình {format_number(mean, 1)})."
            )
            out.append((unit_id, unit_name, code, Severity.WARNING.value, "outlier", message))
        if is_zero:
            message = f"'{names[code]}' bằng 0 trong khi kỳ trước là {format_number(last)}."
            out.append((unit_id, unit_name, code, Severity.WARNING.value, "zero", message))
    return out

"""Warnings a committee should see about stored figures: rules broken, carry-over that does not
match, figures far from a unit's own history, and zeros where the last period had a value.

The rules are those of :mod:`etl.validate` (the same the loader and the entry form apply); here
they run on what the database holds, so that figures entered before a rule existed, or loaded
with warnings, are still pointed out.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection

from etl.errors import Severity
from etl.indicators import indicator_catalog
from etl.periods import parse_period
from etl.queries import Boundaries, unit_values
from etl.text import format_number
from etl.validate import check_unit_period

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
    a reviewer is looking at)."""
    catalog = indicator_catalog()
    names = {i.code: i.name_vi for i in catalog.indicators}
    history = _history(period, HISTORY_PERIODS)
    values = unit_values(connection, area_id, tuple(history), None, boundaries, official_only=official_only)
    values = values[values["indicator"].map(lambda code: code in catalog and catalog.get(code).entered)]
    rows: list[tuple] = []
    if values.empty:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    wide = values.pivot_table(index=["unit_id", "period"], columns="indicator", values="value", aggfunc="sum")
    unit_names = values.drop_duplicates("unit_id").set_index("unit_id")["unit_name"]
    previous = history[1]
    for unit_id in values.loc[values["period"] == period, "unit_id"].unique():
        now = wide.loc[(unit_id, period)].dropna().to_dict()
        before = wide.loc[(unit_id, previous)].dropna().to_dict() if (unit_id, previous) in wide.index else None
        for issue in check_unit_period(now, names=names, previous=before):
            kind = "carry" if issue.code == "carry_mismatch" else "rule"
            rows.append((unit_id, unit_names[unit_id], issue.indicator, issue.severity.value, kind, issue.message))
    rows.extend(_outliers(wide, unit_names, period, history[1:], names))
    return pd.DataFrame(rows, columns=WARNING_COLUMNS)


def _outliers(
    wide: pd.DataFrame, unit_names: pd.Series, period: str, past: list[str], names: dict[str, str]
) -> list[tuple]:
    """Flows far above a unit's own history, and zeros right after a non-zero period."""
    catalog = indicator_catalog()
    flows = [c for c in wide.columns if catalog.get(c).is_flow]
    rows: list[tuple] = []
    frame = wide[flows].reset_index()
    current = frame[frame["period"] == period].set_index("unit_id")
    earlier = frame[frame["period"].isin(past)]
    stats = earlier.groupby("unit_id")[flows].agg(["mean", "std", "count"])
    last = frame[frame["period"] == past[0]].set_index("unit_id")
    for unit_id, row in current.iterrows():
        for code in flows:
            value = row[code]
            if pd.isna(value):
                continue
            if unit_id in stats.index and stats.loc[unit_id, (code, "count")] >= MIN_HISTORY:
                mean, sd = stats.loc[unit_id, (code, "mean")], stats.loc[unit_id, (code, "std")]
                if value - mean >= max(OUTLIER_SD * (sd if sd == sd else 0), OUTLIER_MIN_GAP):
                    rows.append(
                        (
                            unit_id,
                            unit_names[unit_id],
                            code,
                            Severity.WARNING.value,
                            "outlier",
                            f"'{names[code]}' = {format_number(value)}, cao bất thường so với các kỳ trước "
                            f"(trung bình {format_number(mean, 1)}).",
                        )
                    )
            if value == 0 and unit_id in last.index and last.loc[unit_id, code] >= ZERO_MIN_PREVIOUS:
                rows.append(
                    (
                        unit_id,
                        unit_names[unit_id],
                        code,
                        Severity.WARNING.value,
                        "zero",
                        f"'{names[code]}' bằng 0 trong khi kỳ trước là {format_number(last.loc[unit_id, code])}.",
                    )
                )
    return rows

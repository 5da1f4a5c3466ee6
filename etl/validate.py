"""The catalog's rules, in one place, for the file loader and the entry form alike.

Two layers:

* :func:`check_value` — one value on its own: type (whole number), range, NTM only for communes,
  criteria within the set in force, years not in the future;
* :func:`check_unit_period` — the relations between the values of one unit in one period
  (``≤`` rules, NTM level needs a year, carry-over equals last period's pending, a level never
  drops without a note). It sees the values as they will be after the write: what the database
  already holds overlaid with what is being loaded.

Both return messages in Vietnamese; callers attach the location of the cell concerned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from etl.errors import Severity
from etl.indicators import IndicatorDef
from etl.periods import Period
from etl.text import NTM_LEVEL_LABELS_VI, format_number

# A commune reports tens or hundreds of items a half-year; a count above this is a typing error.
MAX_COUNT = 100_000
MAX_NTM_LEVEL = 3

# Relations "left ≤ sum(right)" from the catalog's rule column.
LE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("DLG_ANSWERED", ("DLG_OPINIONS",)),
    ("CMP_COMPETENT", ("CMP_CARRY", "CMP_NEW")),
    ("CMP_RESOLVED", ("CMP_COMPETENT",)),
    ("VIL_MEETINGS", ("VIL_TOTAL",)),
    ("VIL_CONVENTIONS", ("VIL_TOTAL",)),
)
NTM_CODES = ("NTM_CRITERIA_MET", "NTM_LEVEL", "NTM_YEAR")


@dataclass(frozen=True, slots=True)
class RuleIssue:
    """A rule broken by one value (``indicator``) of a unit-period."""

    indicator: str
    message: str
    severity: Severity = Severity.ERROR
    code: str = "rule"


def check_value(
    indicator: IndicatorDef,
    value: float,
    *,
    period: Period,
    unit_is_commune: bool,
    unit_label: str,
    criteria_size: int | None,
) -> list[RuleIssue]:
    """Rules that one value must meet on its own."""
    code = indicator.code
    issues: list[RuleIssue] = []
    if indicator.communes_only and not unit_is_commune:
        issues.append(
            RuleIssue(
                code,
                f"{unit_label} không phải là xã; chỉ tiêu nông thôn mới '{indicator.name_vi}' chỉ áp dụng cho xã.",
                code="ntm_not_commune",
            )
        )
        return issues
    if not float(value).is_integer():
        issues.append(RuleIssue(code, f"'{indicator.name_vi}' phải là số nguyên.", code="not_integer"))
        return issues
    if value < 0:
        issues.append(RuleIssue(code, f"'{indicator.name_vi}' không được âm.", code="negative"))
        return issues
    if indicator.kind in {"count", "stock"} and code != "NTM_CRITERIA_MET" and value > MAX_COUNT:
        issues.append(
            RuleIssue(
                code,
                f"'{indicator.name_vi}' = {value:,.0f} vượt quá {MAX_COUNT:,} — có thể gõ nhầm.".replace(",", "."),
                code="too_large",
            )
        )
    if code == "NTM_CRITERIA_MET" and criteria_size is not None and value > criteria_size:
        issues.append(
            RuleIssue(
                code,
                f"Số tiêu chí đạt ({value:.0f}) vượt quá {criteria_size} tiêu chí của bộ tiêu chí "
                f"đang áp dụng cho {period.label_vi}.",
                code="criteria_above_set",
            )
        )
    if code == "NTM_LEVEL" and value > MAX_NTM_LEVEL:
        issues.append(
            RuleIssue(
                code,
                "Mức đạt chuẩn nông thôn mới phải là 0 (chưa đạt), 1 (đạt chuẩn), 2 (nâng cao) hoặc 3 (kiểu mẫu).",
                code="bad_level",
            )
        )
    if code == "NTM_YEAR" and not (2010 <= value <= period.year):
        issues.append(
            RuleIssue(
                code,
                f"Năm đạt chuẩn ({value:.0f}) phải trong khoảng 2010–{period.year} (không sau năm của kỳ báo cáo).",
                code="bad_year",
            )
        )
    return issues


def _fmt(value: float) -> str:
    return format_number(value)


def check_unit_period(
    values: Mapping[str, float],
    *,
    names: Mapping[str, str],
    changed: set[str] | None = None,
    previous: Mapping[str, float] | None = None,
    notes: Mapping[str, str] | None = None,
    allow_advanced_levels: bool = True,
) -> list[RuleIssue]:
    """Relations between the values of one unit in one period.

    ``values`` is the state after the write (stored overlaid with new); ``changed`` the indicators
    being written now (a rule is reported only when it involves one of them, so that an old
    inconsistency in the database does not block an unrelated file); ``previous`` the same unit's
    values in the period before (for carry-over and level drops); ``names`` indicator code → name.
    """
    changed = set(values) if changed is None else changed
    notes = notes or {}
    issues: list[RuleIssue] = []
    for left, right in LE_RULES:
        involved = {left, *right}
        if left not in values or not all(r in values for r in right) or not (involved & changed):
            continue
        bound = sum(values[r] for r in right)
        if values[left] > bound:
            right_text = " + ".join(f"'{names[r]}' ({_fmt(values[r])})" for r in right)
            issues.append(
                RuleIssue(
                    left,
                    f"'{names[left]}' ({_fmt(values[left])}) không được lớn hơn {right_text}.",
                    code="le_rule",
                )
            )
    level = values.get("NTM_LEVEL")
    year = values.get("NTM_YEAR")
    if level is not None and {"NTM_LEVEL", "NTM_YEAR"} & changed:
        if level >= 1 and year is None:
            issues.append(
                RuleIssue(
                    "NTM_LEVEL",
                    f"Mức '{NTM_LEVEL_LABELS_VI.get(int(level), level)}' cần có năm đạt chuẩn nông thôn mới "
                    "(NTM_YEAR).",
                    code="level_needs_year",
                )
            )
        if level == 0 and year is not None:
            issues.append(
                RuleIssue(
                    "NTM_YEAR",
                    "Xã chưa đạt chuẩn nông thôn mới (mức 0) thì để trống năm đạt chuẩn.",
                    code="year_without_level",
                )
            )
        if level >= 2 and not allow_advanced_levels:
            issues.append(
                RuleIssue(
                    "NTM_LEVEL",
                    "Bộ tiêu chí 2016–2020 chỉ có mức đạt chuẩn; mức nâng cao, kiểu mẫu áp dụng từ 2021.",
                    severity=Severity.WARNING,
                    code="level_not_in_set",
                )
            )
    if previous:
        prev_level = previous.get("NTM_LEVEL")
        if (
            level is not None
            and prev_level is not None
            and level < prev_level
            and "NTM_LEVEL" in changed
            and not notes.get("NTM_LEVEL")
        ):
            issues.append(
                RuleIssue(
                    "NTM_LEVEL",
                    f"Mức nông thôn mới giảm từ {int(prev_level)} ({NTM_LEVEL_LABELS_VI.get(int(prev_level))}) "
                    f"xuống {int(level)} mà không có ghi chú giải thích.",
                    code="level_dropped",
                )
            )
        prev_pending = pending(previous)
        carry = values.get("CMP_CARRY")
        if prev_pending is not None and carry is not None and carry != prev_pending and "CMP_CARRY" in changed:
            issues.append(
                RuleIssue(
                    "CMP_CARRY",
                    f"Số đơn kỳ trước chuyển sang ({_fmt(carry)}) khác số đơn chưa giải quyết của kỳ trước "
                    f"({_fmt(prev_pending)}).",
                    severity=Severity.WARNING,
                    code="carry_mismatch",
                )
            )
    return issues


def pending(values: Mapping[str, float]) -> float | None:
    """CMP_PENDING = CMP_COMPETENT − CMP_RESOLVED (derived, never entered)."""
    competent, resolved = values.get("CMP_COMPETENT"), values.get("CMP_RESOLVED")
    if competent is None or resolved is None:
        return None
    return competent - resolved


def resolution_rate(values: Mapping[str, float]) -> float | None:
    """CMP_RATE = 100 × CMP_RESOLVED / CMP_COMPETENT, recomputed from counts, never averaged."""
    competent, resolved = values.get("CMP_COMPETENT"), values.get("CMP_RESOLVED")
    if competent is None or resolved is None or competent == 0:
        return None
    return 100.0 * resolved / competent


DERIVED = {"CMP_PENDING": pending, "CMP_RATE": resolution_rate}

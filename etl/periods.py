"""Reporting periods: DHIS2-style identifiers (``2019S1``, ``2019S2``, ``2019``), their dates and labels.

Two cut-off conventions exist in practice (domain.md §4):

* ``calendar``: first half 1/1–30/6, second half 1/7–31/12, year 1/1–31/12 (the default);
* ``dec15``: first half 15/12 of the previous year – 14/6, second half 15/6–14/12, year 15/12–14/12.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from etl.errors import InvalidPeriod
from etl.text import loose_key, nfc


class Convention(StrEnum):
    CALENDAR = "calendar"
    DEC15 = "dec15"


@dataclass(frozen=True, slots=True, order=True)
class Period:
    year: int
    half: int  # 1 or 2 for a half-year, 0 for the whole year

    @property
    def code(self) -> str:
        return f"{self.year}S{self.half}" if self.half else str(self.year)

    @property
    def is_year(self) -> bool:
        return self.half == 0

    def start(self, convention: Convention = Convention.CALENDAR) -> date:
        if convention is Convention.DEC15:
            if self.half == 2:
                return date(self.year, 6, 15)
            return date(self.year - 1, 12, 15)
        return date(self.year, 7, 1) if self.half == 2 else date(self.year, 1, 1)

    def end(self, convention: Convention = Convention.CALENDAR) -> date:
        if convention is Convention.DEC15:
            return date(self.year, 6, 14) if self.half == 1 else date(self.year, 12, 14)
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def label_vi(self) -> str:
        if self.half == 1:
            return f"6 tháng đầu năm {self.year}"
        if self.half == 2:
            return f"6 tháng cuối năm {self.year}"
        return f"Năm {self.year}"

    @property
    def label_en(self) -> str:
        if self.half == 1:
            return f"First half of {self.year}"
        if self.half == 2:
            return f"Second half of {self.year}"
        return f"Year {self.year}"

    def previous(self) -> Period:
        """The period just before: 2019S1 → 2018S2, 2019S2 → 2019S1, 2019 → 2018."""
        if self.half == 0:
            return Period(self.year - 1, 0)
        if self.half == 1:
            return Period(self.year - 1, 2)
        return Period(self.year, 1)

    def same_period_last_year(self) -> Period:
        """So với cùng kỳ: 2019S1 → 2018S1."""
        return Period(self.year - 1, self.half)

    def halves(self) -> tuple[Period, ...]:
        """The half-years a period covers (itself for a half-year)."""
        return (Period(self.year, 1), Period(self.year, 2)) if self.half == 0 else (self,)

    def __str__(self) -> str:
        return self.code


MIN_YEAR, MAX_YEAR = 1998, 2100  # Decree 29/1998 started the regulation

_CODE = re.compile(r"^(\d{4})\s*(?:[-/ ]?\s*([SsHh])\s*([12]))?$")
_HALF_WORDS = [
    # loose (diacritic-free, lower-case) phrases → half
    (re.compile(r"\b(?:6|sau) thang dau (?:nam )?(\d{4})\b"), 1),
    (re.compile(r"\b(?:6|sau) thang cuoi (?:nam )?(\d{4})\b"), 2),
    (re.compile(r"\b(?:6|sau) thang (?:nam )?(\d{4})\b"), 1),  # "6 tháng năm 2019": the first half
    (re.compile(r"\bnua (?:nam )?dau (?:nam )?(\d{4})\b"), 1),
    (re.compile(r"\bnua (?:nam )?cuoi (?:nam )?(\d{4})\b"), 2),
    # "năm 2019", but not "Việt Nam 2019", "tháng 6 năm 2019" (a date) or "9 tháng năm 2019"
    (re.compile(r"(?<!\bviet )(?<!\bthang )(?<!\bthang \d )(?<!\bthang \d\d )\bnam (\d{4})\b"), 0),
]
_EMBEDDED_CODE = re.compile(r"\b(\d{4})\s*[-/]?\s*([SsHh])([12])\b")
_HALF_FIRST = re.compile(r"\b([SsHh])([12])\s*[-/]\s*(\d{4})\b")  # H1/2019, S1-2019
_QUARTER = re.compile(r"\b(?:quy|q)\s*(?:[1-4]|i{1,3}|iv)\b")
_OTHER_MONTHS = re.compile(r"\b(?!6\b)\d+ thang\b")  # "9 tháng", "16 tháng đầu năm"
_MONTHS = re.compile(r"\b(?:[1-9]|1[0-2]) thang (?:dau |cuoi )?(?:nam )?\d{4}\b|\bthang (?:[1-9]|1[0-2])\b")


def _checked(year: int, half: int, raw: str) -> Period:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidPeriod(f"Kỳ báo cáo '{raw}': năm {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}.")
    return Period(year, half)


def parse_period(raw: object) -> Period:
    """Read a period as files write it.

    Accepts ``2019S1``, ``2019-H1``, ``H1/2019``, ``2019 S2``, ``2019``, "6 tháng đầu năm 2019",
    "6 THÁNG CUỐI NĂM 2018", "Kỳ báo cáo: 6 tháng đầu năm 2018", "năm 2019", "cả năm 2019".
    Quarters and months are refused with a message that says which periods we take.
    """
    if isinstance(raw, bool) or raw is None:
        raise InvalidPeriod("Thiếu kỳ báo cáo.")
    if isinstance(raw, int | float):
        if float(raw).is_integer():
            return _checked(int(raw), 0, str(raw))
        raise InvalidPeriod(f"Kỳ báo cáo '{raw}' không hợp lệ.")
    text = nfc(str(raw))
    if not text:
        raise InvalidPeriod("Thiếu kỳ báo cáo.")
    match = _CODE.match(text)
    if match:
        half = int(match.group(3)) if match.group(3) else 0
        return _checked(int(match.group(1)), half, text)
    hint = "Dùng mã kỳ như 2019S1 (6 tháng đầu năm), 2019S2 (6 tháng cuối năm) hoặc 2019 (cả năm)."
    loose = loose_key(text)
    if _QUARTER.search(loose):
        raise InvalidPeriod(f"Kỳ báo cáo '{text}' là quý; quy chế báo cáo theo 6 tháng và cả năm. {hint}")
    found = find_period(text)
    if found is not None:
        return found
    if _MONTHS.search(loose):
        raise InvalidPeriod(f"Kỳ báo cáo '{text}' tính theo tháng; chỉ nhận 6 tháng và cả năm. {hint}")
    raise InvalidPeriod(f"Không hiểu kỳ báo cáo '{text}'. {hint}")


def find_period(text: str) -> Period | None:
    """Find a period inside a longer line (a report title), or ``None``.

    A date line ("Kiên Lương, ngày 15 tháng 6 năm 2019"), a quarter or a count of months other
    than six is not a period.
    """
    loose = loose_key(text)
    if _QUARTER.search(loose) or _OTHER_MONTHS.search(loose):
        return None
    for pattern, half in _HALF_WORDS:
        match = pattern.search(loose)
        if match:
            return _checked(int(match.group(1)), half, text)
    match = _EMBEDDED_CODE.search(text)
    if match:
        return _checked(int(match.group(1)), int(match.group(3)), text)
    match = _HALF_FIRST.search(text)
    if match:
        return _checked(int(match.group(3)), int(match.group(2)), text)
    return None


def period_range(first: Period, last: Period, *, years: bool = False) -> list[Period]:
    """Half-years (or whole years) from ``first`` to ``last`` inclusive."""
    out: list[Period] = []
    if years:
        return [Period(y, 0) for y in range(first.year, last.year + 1)]
    current = first if first.half else Period(first.year, 1)
    stop = last if last.half else Period(last.year, 2)
    while current <= stop:
        out.append(current)
        current = Period(current.year, 2) if current.half == 1 else Period(current.year + 1, 1)
    return out


def period_label(code: str, lang: str = "vi") -> str:
    """ "6 tháng đầu năm 2019" / "First half of 2019" for a period code."""
    period = parse_period(code)
    return period.label_en if lang == "en" else period.label_vi


def period_short(code: str, lang: str = "vi") -> str:
    """A label that fits under a chart's axis: "6T đầu 2019" / "H1 2019"."""
    period = parse_period(code)
    if lang == "en":
        return f"H{period.half} {period.year}" if period.half else str(period.year)
    if period.half == 1:
        return f"6T đầu {period.year}"
    if period.half == 2:
        return f"6T cuối {period.year}"
    return f"Năm {period.year}"

"""What every reader produces: raw records with their place in the file, and the file's context.

Readers know nothing of the database. They find the table in a sheet, recognise its format, and
hand on each value exactly as the file states it (unit code or name, period text, indicator header,
raw cell value), each with its :class:`~etl.errors.Location`. Resolution of names to catalog
entries, parsing of values and validation happen later, in :mod:`etl.resolve` and
:mod:`etl.validate`, so that a form and a file go through the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from etl.errors import Location, Problem
from etl.periods import Period


class FileFormat(StrEnum):
    LONG = "long"  # unit_code/unit_name, period, indicator, value[, note]
    WIDE = "wide"  # district or province sheet: one row per unit, one column per indicator
    FORM = "form"  # commune form: one unit and period, one row per indicator
    DHIS2 = "dhis2"  # DHIS2 data value set CSV (idScheme=CODE)
    TARGETS = "targets"  # long layout with a ``target`` column instead of ``value``


@dataclass(frozen=True, slots=True)
class AreaHint:
    """An administrative area named in a title line: "UBND HUYỆN KIÊN LƯƠNG" → ("huyện", "Kiên Lương").

    ``kind`` is one of "tỉnh", "thành phố", "huyện", "quận", "thị xã" (lower case, with diacritics);
    ``name`` the bare name as written.
    """

    kind: str
    name: str
    location: Location


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One value as the file states it."""

    location: Location  # the cell holding the value
    indicator: str  # header or row label as written (code or Vietnamese name), or a code
    value: object  # the raw cell: str, int, float, datetime, None …
    unit_code: str | None = None
    unit_name: str | None = None
    period: object = None  # raw period (text or number) for this record; None: take the file's
    note: str | None = None
    unit_location: Location | None = None
    period_location: Location | None = None
    # The district a row sits under in a province sheet: a "Huyện …" group row above it, or a
    # "Huyện" column. Helps tell apart communes of the same name in different districts.
    area: AreaHint | None = None


@dataclass(frozen=True, slots=True)
class TotalRow:
    """A "Tổng cộng"/"Cộng" row: not a unit; its figures are checked against the sum of the rows."""

    location: Location
    values: dict[str, tuple[object, Location]]  # indicator header → (raw value, cell)


@dataclass(slots=True)
class SheetTable:
    """One table found in one sheet (or the CSV file)."""

    file: str
    sheet: str
    format: FileFormat
    records: list[RawRecord] = field(default_factory=list)
    totals: list[TotalRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    period: Period | None = None  # from a title line ("6 THÁNG CUỐI NĂM 2018")
    period_location: Location | None = None
    areas: list[AreaHint] = field(default_factory=list)  # from title lines, outermost first
    unit_name: str | None = None  # commune form: "Đơn vị: Xã Hòn Nghệ, huyện Kiên Lương"
    unit_location: Location | None = None
    header_row: int | None = None  # 1-based row of the (last) header row


@dataclass(slots=True)
class ReadResult:
    """Everything read from one file: its tables, and file-level problems (unreadable sheets …)."""

    file: str
    sha256: str
    tables: list[SheetTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(len(t.records) for t in self.tables)

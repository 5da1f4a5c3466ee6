"""Large long-layout CSV files, read column by column.

A nationwide file holds millions of rows but only a few thousand distinct unit names, a few dozen
periods, indicators and numbers. This module reads such a file with pandas (every column as a
category), and runs the project's own rules once per *distinct* value instead of once per row:
the period, the unit (``etl.resolve.TableResolver``), the number and ``etl.validate.check_value``.
A row whose parts all pass becomes a figure in a column-wise frame; every other row — an unknown
unit, a bad number, a total row, a signature — is handed to the ordinary row-by-row reader and
resolver, so that its message is exactly the one a small file would get.

A file takes this path when it is a CSV of at least :data:`BULK_MIN_BYTES` in long layout; any file
the column-wise parser cannot take (ragged rows, a decoding error) falls back to the row-by-row path.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals
from sqlalchemy import Connection

from etl.catalog import CriteriaSetDef, NoCriteriaSet, catalog_for_period, criteria_set_for
from etl.db import read_data_version
from etl.errors import Location, Problem, Severity, UnreadableFile
from etl.periods import Period, parse_period
from etl.readers.base import AreaHint, FileFormat, RawRecord, ReadResult, SheetTable
from etl.readers.context import group_area, is_numbering_row
from etl.readers.source import CSV_EXTENSIONS, csv_sheet, detect_delimiter, detect_encoding, sniff_kind
from etl.readers.table import LongReader, find_table, not_reported
from etl.resolve import ResolveContext, ResolvedTable, TableResolver
from etl.store import stored_frame
from etl.text import NumberParseError, nfc, parse_ntm_level, parse_number
from etl.validate import check_value

BULK_MIN_BYTES = 8 * 1024 * 1024  # smaller files are read row by row (same rules, same messages)
CHUNK_ROWS = 500_000
HEAD_BYTES = 1024 * 1024  # the part of the file that decides encoding, delimiter and header
SLOW_ROW_CAP = 20_000  # rows with a problem resolved (and reported) one by one; the rest are counted

FRAME_COLUMNS = ("unit_id", "period", "indicator", "value", "note", "criteria_set", "row")


@dataclass
class BulkTable:
    """The figures of a large file that passed every per-value rule, column by column.

    ``frame`` columns: ``unit_id`` (int), ``period`` and ``indicator`` (codes), ``value`` (float),
    ``note`` and ``criteria_set`` (text or None) and ``row`` (the file's row number).
    """

    frame: pd.DataFrame
    file: str
    sheet: str
    value_column: str
    rows_read: int
    _unique: pd.DataFrame | None = field(default=None, repr=False)
    # (data version, stored figures of the file's periods) as read when the file was checked
    snapshot: tuple[int, pd.DataFrame] | None = field(default=None, repr=False)

    def location(self, row: int) -> Location:
        return Location(self.file, self.sheet, int(row), self.value_column)

    def __len__(self) -> int:
        return len(self.frame)

    def periods(self) -> list[str]:
        return sorted(str(p) for p in self.frame["period"].unique())

    def unique_frame(self) -> pd.DataFrame:
        """The frame with each cell once: where the file repeats a cell, its last row counts."""
        if self._unique is None:
            duplicated = self.frame.duplicated(["unit_id", "period", "indicator"], keep="last")
            self._unique = self.frame[~duplicated] if duplicated.any() else self.frame
        return self._unique

    def figures_at(self, wanted: Mapping[str, Collection[int]]) -> list[tuple[int, str, str, float, str | None]]:
        """The file's figures (unit, period, indicator, value, note), each cell once, for the units
        ``wanted`` in each period: what the rules of the other files of the same load look up."""
        frame = self.unique_frame()
        pairs = {(period, int(unit)) for period, units in wanted.items() for unit in units}
        if not pairs:
            return []
        near = frame[frame["period"].isin({p for p, _ in pairs}) & frame["unit_id"].isin({u for _, u in pairs})]
        return [
            (int(unit), str(period), str(indicator), float(value), None if pd.isna(note) else str(note))
            for unit, period, indicator, value, note in near[
                ["unit_id", "period", "indicator", "value", "note"]
            ].itertuples(index=False, name=None)
            if (str(period), int(unit)) in pairs
        ]


@dataclass
class BulkRead:
    """A large file read column-wise: the usual read result and resolved table for the rows read
    one by one, and the column-wise figures."""

    read: ReadResult
    resolved: ResolvedTable
    bulk: BulkTable
    problems: list[Problem] = field(default_factory=list)


def _head(path: Path | None, data: bytes | None) -> bytes:
    if data is not None:
        return data[:HEAD_BYTES]
    assert path is not None
    with path.open("rb") as handle:
        return handle.read(HEAD_BYTES)


def _sha256(path: Path | None, data: bytes | None) -> str:
    digest = hashlib.sha256()
    if data is not None:
        digest.update(data)
    else:
        assert path is not None
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(4 * 1024 * 1024), b""):
                digest.update(block)
    return digest.hexdigest()


def is_candidate(name: str, size: int, head: bytes) -> bool:
    """Whether a file is large enough, and looks like CSV, to be worth reading column-wise."""
    if size < BULK_MIN_BYTES or Path(name).suffix.lower() not in CSV_EXTENSIONS:
        return False
    try:
        return sniff_kind(head, Path(name).suffix.lower(), name) == "csv"
    except UnreadableFile:
        return False


def read_bulk(
    name: str, ctx: ResolveContext, *, path: Path | None = None, data: bytes | None = None
) -> BulkRead | None:
    """Read and resolve a large long-layout CSV column-wise, or None when it must go row by row."""
    size = len(data) if data is not None else (path.stat().st_size if path is not None else 0)
    head = _head(path, data)
    if not is_candidate(name, size, head):
        return None
    cut = head[: head.rfind(b"\n") + 1] if len(head) >= HEAD_BYTES else head
    try:
        codec = detect_encoding(cut, name)
    except UnreadableFile:
        return None  # the row-by-row reader gives the message
    sheet = csv_sheet(cut, name)
    found, _ = find_table(sheet)
    if found is None or found.layout.format is not FileFormat.LONG or found.table.header_row is None:
        return None
    delimiter = _delimiter(cut, codec)
    try:
        frame = _read_categories(
            io.BytesIO(data) if data is not None else path, delimiter, codec, found.table.header_row
        )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    reader = found.reader(sheet)
    assert isinstance(reader, LongReader)
    return _Columns(frame, found.table, reader, ctx).run(_sha256(path, data))


def _read_categories(source: Any, delimiter: str, codec: str, header_row: int) -> pd.DataFrame:
    """Every column as a category of the cells' text, read a slice at a time (text columns of a
    slice are short-lived; categories keep one copy of each distinct text)."""
    chunks = pd.read_csv(
        source,
        sep=delimiter,
        encoding=codec,
        header=None,
        skiprows=header_row,
        dtype=str,  # never "1.050" → 1.05: numbers are read by the project's own parser
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        engine="c",
        chunksize=CHUNK_ROWS,
    )
    parts = [chunk.astype("category") for chunk in chunks]
    if len(parts) == 1:
        return parts[0]
    width = max(part.shape[1] for part in parts)
    columns = {}
    for index in range(width):
        pieces = [
            part[index] if index in part.columns else pd.Series(pd.Categorical([""] * len(part))) for part in parts
        ]
        columns[index] = pd.Series(union_categoricals([piece.astype("category") for piece in pieces]))
    return pd.DataFrame(columns)


def _delimiter(head: bytes, codec: str) -> str:
    sample = head[:65536]
    if codec == "utf-16":
        sample = sample[: len(sample) // 2 * 2]
    return detect_delimiter(sample.decode(codec, "ignore"))


class _Columns:
    """One pass over a frame of category columns."""

    def __init__(self, frame: pd.DataFrame, table: SheetTable, reader: LongReader, ctx: ResolveContext) -> None:
        self.frame = frame
        self.table = table
        self.reader = reader
        self.ctx = ctx
        self.resolver = TableResolver(table, ctx)
        self.header_row = table.header_row or 1
        self.n = len(frame)
        self.rows = np.arange(self.n, dtype=np.int64) + self.header_row + 1
        self.indicator_codes = [i.code for i in ctx.indicators.indicators]

    # -- columns -------------------------------------------------------------------------------------

    def _column(self, index: int | None) -> tuple[np.ndarray, list[Any]]:
        """(codes, normalised categories) of a column; code -1 (no such field) is None."""
        if index is None or index >= self.frame.shape[1]:
            return np.full(self.n, -1, dtype=np.int32), []
        column = self.frame[index]
        if not isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype("category")
        return column.cat.codes.to_numpy(), list(column.cat.categories)

    @staticmethod
    def _texts(categories: list[Any]) -> list[str | None]:
        return [nfc(str(value)) or None for value in categories]

    def _mapped(self, codes: np.ndarray, table: list[Any], missing: Any = None) -> np.ndarray:
        """Per-row values from per-category ones (``missing`` where the code is -1)."""
        lookup = np.empty(len(table) + 1, dtype=object)
        lookup[: len(table)] = table
        lookup[len(table)] = missing
        return lookup[np.where(codes < 0, len(table), codes)]

    @staticmethod
    def _lookup(codes: np.ndarray, table: list[Any], missing: Any) -> np.ndarray:
        """Per-row numbers or flags from per-category ones (``missing`` where the code is -1)."""
        lookup = np.array([*table, missing])
        return lookup[np.where(codes < 0, len(table), codes)]

    def _raw_row(self, position: int) -> list[object]:
        return [None if value == "" else value for value in self.frame.iloc[position].tolist()]

    # -- the pass ------------------------------------------------------------------------------------

    def run(self, sha256: str) -> BulkRead:
        reader = self.reader
        reader.check_columns()
        blank = np.ones(self.n, dtype=bool)
        for index in range(self.frame.shape[1]):
            codes, categories = self._column(index)
            empty = np.array([str(c).strip() == "" for c in categories] + [True], dtype=bool)
            blank &= empty[np.where(codes < 0, len(categories), codes)]
        after_blank = np.zeros(self.n, dtype=bool)
        after_blank[1:] = blank[:-1]
        first = int(np.argmax(~blank)) if (~blank).any() else self.n
        skip = blank.copy()
        if first < self.n and is_numbering_row(self._raw_row(first)):
            skip[first] = True  # "(1) (2) (3)" under the header
            if first + 1 < self.n:
                after_blank[first + 1] = after_blank[first]

        code_codes, code_cats = self._column(reader.code.index if reader.code else None)
        name_codes, name_cats = self._column(reader.name.index if reader.name else None)
        code_text = self._texts(code_cats)
        name_text = self._texts(name_cats)
        indicator_ok, indicator_index, has_indicator = self._indicators()
        has_code = self._lookup(code_codes, [t is not None for t in code_text], False)
        has_name = self._lookup(name_codes, [t is not None for t in name_text], False)
        total = self._lookup(name_codes, [t is not None and reader.is_total(t) for t in name_text], False)
        irregular = ~skip & (~has_indicator | (~has_code & ~has_name) | total)

        # Rows the row-by-row reader handles: irregular ones first (a signature ends the table).
        stop = self.n
        for position in np.flatnonzero(irregular):
            if not reader.row(int(self.rows[position]), self._raw_row(int(position)), bool(after_blank[position])):
                stop = int(position)
                break
        regular = ~skip & ~irregular
        regular[stop:] = False

        period_ok, periods, period_codes = self._periods()
        # Row by row, a unit is looked up only once the indicator and the period are known.
        reaches_unit = regular & (indicator_index >= 0) & period_ok
        unit_ids, unit_ok, is_commune = self._units(
            code_codes, code_text, name_codes, name_text, period_codes, periods, reaches_unit
        )
        value_codes, value_cats = self._column(reader.value.index)
        parsed, reported, value_ok, criteria = self._values(
            indicator_index, value_codes, value_cats, period_codes, periods, is_commune, regular
        )
        fast = regular & indicator_ok & period_ok & unit_ok & reported & value_ok
        slow = np.flatnonzero(regular & ~fast & ~(indicator_ok & period_ok & unit_ok & ~reported))
        problems: list[Problem] = []
        if len(slow) > SLOW_ROW_CAP:
            problems.append(
                Problem(
                    f"còn {len(slow) - SLOW_ROW_CAP:,} dòng có lỗi khác không liệt kê hết; hãy sửa các dòng trên "
                    "rồi nạp lại.".replace(",", "."),
                    Location(self.table.file, self.table.sheet, int(self.rows[slow[SLOW_ROW_CAP]])),
                    code="too_many_problems",
                )
            )
            slow = slow[:SLOW_ROW_CAP]
        for position in slow:
            reader.row(int(self.rows[position]), self._raw_row(int(position)), bool(after_blank[position]))
        if not regular.any() and not self.table.records and not self.table.totals and not self.table.problems:
            reader.log.add(
                Problem(
                    "bảng có dòng tiêu đề nhưng không có dòng số liệu nào.",
                    Location(self.table.file, self.table.sheet, self.header_row),
                    severity=Severity.WARNING,
                    code="empty_table",
                )
            )
        reader.log.close(Location(self.table.file, self.table.sheet, reader.last_row))
        resolved = self.resolver.run()  # the rows read one by one: same messages as a small file

        note_codes, note_cats = self._column(reader.note.index if reader.note else None)
        notes = self._mapped(note_codes, self._texts(note_cats))
        chosen = np.flatnonzero(fast)
        known = sorted({p.code for p in periods if p is not None})
        frame = pd.DataFrame(
            {
                "unit_id": unit_ids[chosen],
                "period": pd.Categorical.from_codes(
                    self._lookup(period_codes[chosen], [known.index(p.code) if p else -1 for p in periods], -1),
                    categories=known,
                ),
                "indicator": pd.Categorical.from_codes(indicator_index[chosen], categories=self.indicator_codes),
                "value": parsed[chosen],
                "note": pd.Series(notes[chosen], dtype=object),
                "criteria_set": pd.Series(criteria[chosen], dtype=object),
                "row": self.rows[chosen],
            }
        )
        read = ReadResult(file=self.table.file, sha256=sha256, tables=[self.table])
        bulk = BulkTable(
            frame,
            self.table.file,
            self.table.sheet,
            reader.value.label,
            rows_read=int((~skip[:stop]).sum()) + (1 if stop < self.n else 0),
        )
        return BulkRead(read, resolved, bulk, problems)

    # -- the parts of a row --------------------------------------------------------------------------

    def _indicators(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(an entered indicator, its index in :attr:`indicator_codes` or -1, the row names one)."""
        catalog = self.ctx.indicators
        position = {code: i for i, code in enumerate(self.indicator_codes)}
        has = np.zeros(self.n, dtype=bool)
        index = np.full(self.n, -1, dtype=np.int64)
        # The first non-empty of the indicator columns (code column before name column).
        for column in self.reader.indicators:
            codes, categories = self._column(column.index)
            texts = self._texts(categories)
            matched = [catalog.match(t) if t is not None else None for t in texts]
            column_has = self._lookup(codes, [t is not None for t in texts], False)
            column_index = self._lookup(codes, [position[m] if m is not None else -1 for m in matched], -1)
            index = np.where(~has & column_has, column_index, index)
            has |= column_has
        entered = np.array([catalog.get(code).entered for code in self.indicator_codes] + [False], dtype=bool)
        ok = entered[np.where(index < 0, len(self.indicator_codes), index)]
        return ok, index, has

    def _periods(self) -> tuple[np.ndarray, list[Period | None], np.ndarray]:
        """(period resolved without a problem, the distinct periods, per-row index into them)."""
        reader = self.reader
        codes, categories = self._column(reader.period.index if reader.period else None)
        texts = self._texts(categories)
        resolved: list[Period | None] = []
        for text in [*texts, None]:
            record = RawRecord(Location(), "", None, period=text)
            before = len(self.resolver.out.problems)
            period = self.resolver.period_of(record)
            if len(self.resolver.out.problems) > before:
                del self.resolver.out.problems[before:]
                period = None
            resolved.append(period)
        index = np.where(codes < 0, len(texts), codes)
        ok = np.array([p is not None for p in resolved], dtype=bool)[index]
        return ok, resolved, index

    def _units(
        self,
        code_codes: np.ndarray,
        code_text: list[str | None],
        name_codes: np.ndarray,
        name_text: list[str | None],
        period_index: np.ndarray,
        periods: list[Period | None],
        reaches: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(unit id, resolved without a problem, is a commune) per row, resolved once per distinct
        (code, name, area, catalog), first for the first row that ``reaches`` the lookup (its period
        is the one a message names)."""
        reader = self.reader
        area_codes, area_cats = self._column(reader.area_column.index if reader.area_column else None)
        area_text = self._texts(area_cats)
        catalog_of = [catalog_for_period(p, self.ctx.convention) if p else "" for p in periods]
        catalogs = sorted({c for c in catalog_of if c})
        catalog_index = np.array([catalogs.index(c) if c else -1 for c in catalog_of], dtype=np.int64)[period_index]
        parts = (code_codes, name_codes, area_codes, catalog_index)
        key = np.zeros(self.n, dtype=np.int64)
        for part, size in zip(parts, (len(code_text), len(name_text), len(area_text), len(catalogs)), strict=True):
            key = key * (size + 1) + (part.astype(np.int64) + 1)
        key[~reaches] = -1  # never looked up
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        distinct = [tuple(int(part[i]) for part in parts) if reaches[i] else (-1, -1, -1, -1) for i in first]
        ids = np.full(len(distinct), -1, dtype=np.int64)
        commune = np.zeros(len(distinct), dtype=bool)
        for position, (c, n, a, k) in enumerate(distinct):
            if k < 0:
                continue
            code = code_text[c] if c >= 0 else None
            name = name_text[n] if n >= 0 else None
            if code is None and name is None:
                continue
            area = None
            if a >= 0 and area_text[a]:
                kind, area_name = group_area(area_text[a]) or ("huyện", area_text[a])
                area = AreaHint(kind, area_name, Location())
            record = RawRecord(Location(), "", None, unit_code=code, unit_name=name, area=area)
            before = len(self.resolver.out.problems)
            # The period of the unit's first row: a message names it, as row by row it would.
            period = periods[int(period_index[first[position]])]
            assert period is not None
            unit = self.resolver.unit_of(record, period)
            if len(self.resolver.out.problems) > before:
                del self.resolver.out.problems[before:]
            self.resolver.reported_units.clear()
            if unit is not None:
                ids[position] = unit.id
                commune[position] = unit.is_commune
        unit_ids = ids[inverse]
        return unit_ids, unit_ids >= 0, commune[inverse]

    def _values(
        self,
        indicator_index: np.ndarray,
        value_codes: np.ndarray,
        value_cats: list[Any],
        period_index: np.ndarray,
        periods: list[Period | None],
        is_commune: np.ndarray,
        regular: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(number, reported, passes its own rules, criteria set) per row, each rule run once per
        distinct (indicator, number, period, is a commune)."""
        raw = [None if not_reported(nfc(str(v))) else nfc(str(v)) for v in value_cats]
        value_index = np.where(value_codes < 0, len(raw), value_codes).astype(np.int64)
        raw.append(None)
        reported = np.array([r is not None for r in raw], dtype=bool)[value_index]
        parts = (indicator_index + 1, value_index, period_index.astype(np.int64), is_commune.astype(np.int64))
        key = np.zeros(self.n, dtype=np.int64)
        for part, size in zip(parts, (len(self.indicator_codes) + 1, len(raw), len(periods), 2), strict=True):
            key = key * size + part
        wanted = regular & reported
        _, first, inverse = np.unique(key[wanted], return_index=True, return_inverse=True)
        rows_wanted = np.flatnonzero(wanted)
        catalog = self.ctx.indicators
        numbers = np.full(len(first), np.nan)
        passed = np.zeros(len(first), dtype=bool)
        sets = np.full(len(first), None, dtype=object)
        criteria_by_period: dict[int, CriteriaSetDef | NoCriteriaSet] = {}
        for position, row in enumerate(rows_wanted[first]):
            i, v, p, c = (int(part[row]) for part in parts)
            code = self.indicator_codes[i - 1] if i > 0 else None
            period = periods[p]
            if code is None or period is None or not catalog.get(code).entered:
                continue
            parse = parse_ntm_level if code == "NTM_LEVEL" else parse_number
            try:
                number = parse(raw[v])
            except NumberParseError:
                continue
            if number is None:
                continue
            numbers[position] = float(number)
            size = None
            if code == "NTM_CRITERIA_MET":
                if p not in criteria_by_period:
                    try:
                        criteria_by_period[p] = criteria_set_for(period.end(self.ctx.convention))
                    except NoCriteriaSet as exc:
                        criteria_by_period[p] = exc
                found = criteria_by_period[p]
                if isinstance(found, NoCriteriaSet):
                    continue
                sets[position], size = found.code, found.size
            issues = check_value(
                catalog.get(code),
                float(number),
                period=period,
                unit_is_commune=bool(c),
                unit_label="",
                criteria_size=size,
            )
            passed[position] = not issues
        number = np.full(self.n, np.nan)
        ok = np.zeros(self.n, dtype=bool)
        criteria = np.full(self.n, None, dtype=object)
        number[rows_wanted] = numbers[inverse]
        ok[rows_wanted] = passed[inverse]
        criteria[rows_wanted] = sets[inverse]
        return number, reported, ok, criteria


def duplicate_rows(bulk: BulkTable, other_keys: set[tuple[int, str, str]]) -> Iterator[tuple[tuple, float, Location]]:
    """The figures of a large file that repeat a cell: within the file or of ``other_keys``."""
    frame = bulk.frame
    if frame.empty:
        return
    keys = ["unit_id", "period", "indicator"]
    mask = np.array(frame.duplicated(keys, keep=False), dtype=bool)
    if other_keys:
        mask |= np.array(
            [k in other_keys for k in zip(frame["unit_id"], frame["period"], frame["indicator"], strict=True)]
        )
    for unit_id, period, indicator, value, row in frame.loc[mask, [*keys, "value", "row"]].itertuples(
        index=False, name=None
    ):
        yield (False, int(unit_id), str(period), str(indicator)), float(value), bulk.location(row)


def indicator_sums(bulk: BulkTable) -> Mapping[str, float]:
    if bulk.frame.empty:
        return {}
    sums = bulk.frame.groupby("indicator", observed=True)["value"].sum()
    return {str(k): float(v) for k, v in sums.items()}


@dataclass(slots=True)
class UnitPeriodGroup:
    """One unit in one period of a large file, as :func:`etl.validate.check_unit_period` wants it."""

    unit_id: int
    period: Period
    state: dict[str, float]  # stored figures overlaid with the file's
    changed: set[str]  # the indicators the file writes
    previous: dict[str, float] | None
    notes: dict[str, str] | None
    rows: dict[str, int]  # indicator → the file's row
    first_row: int


class UnitPeriodStates:
    """Figures per (unit, period) after a large file would be loaded: what is stored, overlaid with
    the file, for the file's periods and the periods just before them (carry-over, level drops).

    Held as a matrix (unit-period × indicator) with integer keys, not as millions of objects.
    """

    def __init__(
        self,
        keys: np.ndarray,
        values: np.ndarray,
        present: np.ndarray,
        rows: np.ndarray,
        periods: list[str],
        codes: list[str],
        notes: dict[tuple[int, str], dict[str, str]],
    ) -> None:
        self.keys = keys  # sorted: unit_id × len(periods) + period index
        self.values = values
        self.present = present
        self.rows = rows
        self.periods = periods
        self.codes = codes
        self.notes = notes

    @classmethod
    def build(
        cls,
        connection: Connection,
        bulk: BulkTable,
        extra: Sequence[tuple[int, str]] = (),
        others: Sequence[tuple[int, str, str, float, str | None]] = (),
    ) -> UnitPeriodStates:
        """``extra``: more (unit, period) whose stored figures are wanted (a typed rate's).
        ``others``: the figures (unit, period, indicator, value, note) of the other files loaded with
        this one, laid over what is stored, under the file's own (a carry-over that follows a
        period another file brings is checked against that file's figures)."""
        frame = bulk.unique_frame()
        units = np.unique(
            np.concatenate([frame["unit_id"].to_numpy(), np.array([u for u, _ in extra], dtype=np.int64)])
        )
        file_periods = [str(c) for c in frame["period"].cat.categories]
        periods = sorted(
            set(file_periods) | {parse_period(code).previous().code for code in file_periods} | {p for _, p in extra}
        )
        codes = [str(c) for c in frame["indicator"].cat.categories]
        period_at = {code: i for i, code in enumerate(periods)}
        code_at = {code: i for i, code in enumerate(codes)}
        n_periods = len(periods)

        version = read_data_version(connection)
        everything = stored_frame(connection, periods, units)
        bulk.snapshot = (version, everything[everything["period"].isin(set(file_periods))])
        stored = everything[everything["indicator"].isin(code_at)]
        stored_keys = [
            stored["unit_id"].to_numpy(dtype=np.int64) * n_periods + stored["period"].map(period_at).to_numpy()
        ]
        stored_codes = [stored["indicator"].map(code_at).to_numpy(dtype=np.int64)]
        stored_values = [stored["value"].to_numpy(dtype=float)]
        with_note = stored[stored["note"].notna()]
        noted = list(with_note[["unit_id", "period", "indicator", "note"]].itertuples(index=False, name=None))
        unit_set = set(units.tolist())
        near = [o for o in others if o[0] in unit_set and o[1] in period_at and o[2] in code_at]
        if near:  # the other files' figures replace the stored ones (one value per cell: no order to rely on)
            near_keys = np.array([u * n_periods + period_at[p] for u, p, _, _, _ in near], dtype=np.int64)
            near_codes = np.array([code_at[c] for _, _, c, _, _ in near], dtype=np.int64)
            kept = ~np.isin(stored_keys[0] * len(codes) + stored_codes[0], near_keys * len(codes) + near_codes)
            stored_keys = [stored_keys[0][kept], near_keys]
            stored_codes = [stored_codes[0][kept], near_codes]
            stored_values = [stored_values[0][kept], np.array([v for _, _, _, v, _ in near], dtype=float)]
            noted.extend((u, p, c, n) for u, p, c, _, n in near if n)

        period_of_file = np.array([period_at[str(c)] for c in frame["period"].cat.categories], dtype=np.int64)
        file_keys = frame["unit_id"].to_numpy(dtype=np.int64) * n_periods + period_of_file[frame["period"].cat.codes]
        file_codes = frame["indicator"].cat.codes.to_numpy().astype(np.int64)
        all_keys = np.concatenate([*stored_keys, file_keys]).astype(np.int64)
        keys, inverse = np.unique(all_keys, return_inverse=True)
        split = len(all_keys) - len(file_keys)
        values = np.full((len(keys), len(codes)), np.nan)
        if split:
            values[inverse[:split], np.concatenate(stored_codes)] = np.concatenate(stored_values)
        file_rows = inverse[split:]
        values[file_rows, file_codes] = frame["value"].to_numpy(dtype=float)
        present = np.zeros((len(keys), len(codes)), dtype=bool)
        present[file_rows, file_codes] = True
        rows = np.zeros((len(keys), len(codes)), dtype=np.int64)
        rows[file_rows, file_codes] = frame["row"].to_numpy(dtype=np.int64)

        # The file's note counts where it has one; otherwise the stored note stays.
        notes: dict[tuple[int, str], dict[str, str]] = {}
        file_notes = frame[frame["note"].notna()]
        for unit_id, period, indicator, note in [
            *noted,
            *file_notes[["unit_id", "period", "indicator", "note"]].astype({"period": str, "indicator": str}).values,
        ]:
            notes.setdefault((int(unit_id), str(period)), {})[str(indicator)] = str(note)
        return cls(keys, values, present, rows, periods, codes, notes)

    def _position(self, unit_id: int, period_code: str) -> int | None:
        if period_code not in self.periods:
            return None
        key = unit_id * len(self.periods) + self.periods.index(period_code)
        position = int(np.searchsorted(self.keys, key))
        return position if position < len(self.keys) and self.keys[position] == key else None

    def _state(self, position: int) -> dict[str, float]:
        return {c: v for c, v in zip(self.codes, self.values[position].tolist(), strict=True) if v == v}

    def state(self, unit_id: int, period_code: str) -> dict[str, float]:
        position = self._position(unit_id, period_code)
        return {} if position is None else self._state(position)

    def groups(self) -> Iterator[UnitPeriodGroup]:
        n_periods = len(self.periods)
        parsed = [parse_period(code) for code in self.periods]
        previous_index = np.array(
            [self.periods.index(p.previous().code) if p.previous().code in self.periods else -1 for p in parsed]
        )
        in_file = np.flatnonzero(self.present.any(axis=1))
        units, period_index = np.divmod(self.keys[in_file], n_periods)
        previous_keys = units * n_periods + previous_index[period_index]
        found = np.searchsorted(self.keys, previous_keys)
        found = np.minimum(found, len(self.keys) - 1)
        has_previous = (previous_index[period_index] >= 0) & (self.keys[found] == previous_keys)
        for position, unit_id, p, previous, has in zip(
            in_file.tolist(), units.tolist(), period_index.tolist(), found.tolist(), has_previous.tolist(), strict=True
        ):
            rows = {c: r for c, r in zip(self.codes, self.rows[position].tolist(), strict=True) if r}
            yield UnitPeriodGroup(
                unit_id,
                parsed[p],
                self._state(position),
                {c for c, here in zip(self.codes, self.present[position].tolist(), strict=True) if here},
                self._state(previous) if has else None,
                self.notes.get((unit_id, self.periods[p])),
                rows,
                min(rows.values()),
            )

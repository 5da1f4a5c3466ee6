"""Find the table in a sheet, recognise its format and hand its rows to the format's reader.

The header row is the row, among the first :data:`HEADER_WINDOW`, where the most cells name a
column we know (a role such as "Đơn vị", "Kỳ", "Số liệu", or an indicator of the catalog). The row
just above it is its group row when it holds group headings ("Đối thoại" merged over three
columns). Rows above the header are title lines (period, area, unit of a commune form). Below the
header a row of column numbers is skipped; the table ends at a signature block, or at a blank row
followed by text that is not a table row.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from etl.errors import Location, Problem, Severity
from etl.readers.base import AreaHint, FileFormat, RawRecord, SheetTable, TotalRow
from etl.readers.context import (
    cell_text,
    find_areas,
    group_area,
    is_date_line,
    is_numbering_row,
    is_section,
    is_signature,
    is_total_label,
    looks_like_prose,
    read_titles,
    sheet_period,
    title_period,
    ubnd_unit,
    unit_line,
)
from etl.readers.header import (
    Column,
    Layout,
    Role,
    classify_columns,
    detect_layout,
    match_indicator,
    row_score,
    suggestion,
)
from etl.readers.source import Row, Sheet
from etl.text import nfc

HEADER_WINDOW = 40  # the header is looked for in the first rows of a sheet
PROBLEM_CAP = 50  # problems of one kind listed per table; the rest are counted
# What a reader takes for "not reported": a blank cell or a dash. Anything else ("x", "…", words)
# goes on to the resolver, which decides what it means.
_DASHES = {"-", "–", "—", "--"}


def not_reported(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        return not stripped or stripped in _DASHES
    return isinstance(value, float) and math.isnan(value)


class ProblemLog:
    """Appends problems to a table, listing at most :data:`PROBLEM_CAP` of each kind."""

    def __init__(self, target: list[Problem]) -> None:
        self.target = target
        self.counts: Counter[str] = Counter()
        self.hidden: dict[str, tuple[int, Severity]] = {}

    def add(self, problem: Problem) -> None:
        key = problem.code or problem.message[:60]
        self.counts[key] += 1
        if self.counts[key] <= PROBLEM_CAP:
            self.target.append(problem)
        else:
            count, _ = self.hidden.get(key, (0, problem.severity))
            self.hidden[key] = (count + 1, problem.severity)

    def close(self, location: Location) -> None:
        for key, (count, severity) in self.hidden.items():
            self.target.append(
                Problem(
                    f"còn {count} trường hợp tương tự ({key}) không liệt kê hết; hãy sửa các trường hợp "
                    "trên rồi kiểm tra lại.",
                    location,
                    severity=severity,
                    code=key,
                )
            )
        self.hidden.clear()


def _is_blank(values: Row) -> bool:
    for value in values:
        if value is None or value == "":
            continue
        if isinstance(value, str) and value.isspace():
            continue
        return False
    return True


def _is_numberish(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        text = value.strip().replace(".", "").replace(",", "").replace(" ", "")
        return (text[:1] in "+-" and text[1:].isdigit()) or text.isdigit()
    return False


def _code_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return cell_text(value) or None


# ---------------------------------------------------------------------------------------------
# Merged cells
# ---------------------------------------------------------------------------------------------


class HeaderFill:
    """Merged ranges of the first rows, filled with their top-left value (for headers)."""

    def __init__(self, merges: Sequence[tuple[int, int, int, int]], buffer: list[tuple[int, Row]]) -> None:
        self.by_row: dict[int, dict[int, object]] = defaultdict(dict)
        if not merges or not buffer:
            return
        last = buffer[-1][0]
        values_by_row = dict(buffer)
        width = max(len(v) for _, v in buffer)
        for r1, c1, r2, c2 in merges:
            if r1 > last or c1 > width:
                continue
            top = values_by_row.get(r1)
            value = top[c1 - 1] if top is not None and c1 - 1 < len(top) else None
            if value is None:
                continue
            for r in range(r1, min(r2, last) + 1):
                cells = self.by_row[r]
                for c in range(c1, min(c2, width) + 1):
                    if (r, c) != (r1, c1):
                        cells[c - 1] = value

    def values(self, row: int, values: Row) -> list[object]:
        filled = self.by_row.get(row)
        out = list(values)
        if filled:
            width = max(len(out), max(filled) + 1)
            out.extend([None] * (width - len(out)))
            for index, value in filled.items():
                if out[index] is None:
                    out[index] = value
        return out

    def texts(self, row: int, values: Row) -> list[str]:
        return [cell_text(v) for v in self.values(row, values)]


class DataFill:
    """Fills label cells (unit, code, STT, period) merged down or across the data rows."""

    def __init__(self, merges: Sequence[tuple[int, int, int, int]], header_row: int, columns: set[int]) -> None:
        self.columns = columns
        self.starts: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
        for r1, c1, r2, c2 in merges:
            if r1 > header_row and c1 - 1 in columns and (r2 > r1 or c2 > c1):
                self.starts[r1].append((r1, c1, r2, c2))
        self.active: list[tuple[int, int, int, int, object]] = []

    def apply(self, row: int, values: Row) -> Row:
        if not self.starts and not self.active:
            return values
        for r1, c1, r2, c2 in self.starts.pop(row, ()):
            value = values[c1 - 1] if c1 - 1 < len(values) else None
            if value is not None:
                self.active.append((r1, c1, r2, c2, value))
        self.active = [a for a in self.active if a[2] >= row]
        if not self.active:
            return values
        out = list(values)
        for r1, c1, _r2, c2, value in self.active:
            for c in range(c1, c2 + 1):
                index = c - 1
                if index not in self.columns or (row == r1 and c == c1):
                    continue
                if index >= len(out):
                    out.extend([None] * (index + 1 - len(out)))
                if out[index] is None:
                    out[index] = value
        return out


# ---------------------------------------------------------------------------------------------
# The sheet
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class FoundTable:
    """A sheet's header, found: the table to fill, its column layout and the rows read so far."""

    table: SheetTable
    layout: Layout
    buffer: list[tuple[int, Row]]
    rest: Iterator[tuple[int, Row]]

    def reader(self, sheet: Sheet) -> _Reader:
        reader_class = {
            FileFormat.WIDE: WideReader,
            FileFormat.FORM: FormReader,
        }.get(self.layout.format, LongReader)
        return reader_class(sheet, self.table, self.layout)


def find_table(sheet: Sheet) -> tuple[FoundTable | None, str]:
    """The header of the sheet's table (looked for in its first rows), or (None, why)."""
    rows = iter(sheet.rows)
    buffer: list[tuple[int, Row]] = []
    for number, values in rows:
        buffer.append((number, values))
        if number >= HEADER_WINDOW:
            break
    if not buffer:
        return None, ""
    fill = HeaderFill(sheet.merges, buffer)
    best: tuple[int, int, list[str]] | None = None
    for number, values in buffer:
        if number > HEADER_WINDOW:
            break
        texts = fill.texts(number, values)
        score = row_score(texts)
        if score >= 2 and (best is None or score >= best[0]):
            best = (score, number, texts)
    if best is None:
        return None, ""
    _, header_row, lower = best
    by_number = dict(buffer)
    upper = None
    above = by_number.get(header_row - 1)
    if above is not None and _is_group_row(sheet, above, header_row):
        upper = fill.texts(header_row - 1, above)
    columns = classify_columns(lower, upper)
    layout, reason = detect_layout(columns)
    if layout is None:
        return None, reason
    for column in layout.columns:
        column.label = sheet.column_label(column.index, column.text)

    first_header = header_row - 1 if upper is not None else header_row
    title_cells = [
        (number, index, cell_text(value))
        for number, values in buffer
        if number < first_header
        for index, value in enumerate(values)
        if value is not None
    ]
    info = read_titles(title_cells, sheet.location)
    period, period_location = info.period, info.period_location
    if period is None:
        period = sheet_period(sheet.title)
        period_location = Location(sheet.file, sheet.title) if period is not None else None
    table = SheetTable(
        file=sheet.file,
        sheet=sheet.title,
        format=layout.format,
        period=period,
        period_location=period_location,
        areas=info.areas,
        header_row=header_row,
    )
    if layout.format is FileFormat.FORM:
        table.unit_name, table.unit_location = info.unit_name, info.unit_location
    return FoundTable(table, layout, buffer, rows), ""


def read_sheet(sheet: Sheet) -> tuple[SheetTable | None, str]:
    """The table of one sheet, or (None, why) when the sheet holds no table we recognise."""
    found, reason = find_table(sheet)
    if found is None:
        return None, reason
    table, header_row = found.table, found.table.header_row or 1
    reader = found.reader(sheet)
    reader.check_columns()
    body = _body(chain((item for item in found.buffer if item[0] > header_row), found.rest), header_row)
    reader.read(body)
    reader.check_merged_data()
    if not table.records and not table.totals and not table.problems:
        reader.log.add(
            Problem(
                "bảng có dòng tiêu đề nhưng không có dòng số liệu nào.",
                sheet.location(header_row),
                severity=Severity.WARNING,
                code="empty_table",
            )
        )
    for problem in sheet.problems:
        reader.log.add(problem)
    sheet.problems.clear()
    reader.log.close(sheet.location(reader.last_row))
    return table, ""


def _is_group_row(sheet: Sheet, values: Row, header_row: int) -> bool:
    """Whether the row above the header holds group headings of a two-row header."""
    texts = [t for t in (cell_text(v) for v in values) if t]
    if not texts:
        return False
    for text in texts:
        if (
            title_period(text) is not None
            or find_areas(text)
            or unit_line(text) is not None
            or ubnd_unit(text)
            or is_date_line(text)
            or is_signature(text)
        ):
            return False
    vertical = any(r1 <= header_row - 1 and r2 >= header_row for r1, _c1, r2, _c2 in sheet.merges)
    return len(texts) >= 2 or vertical


def _body(rows: Iterable[tuple[int, Row]], header_row: int) -> Iterator[tuple[int, Row, bool]]:
    """Rows under the header: (row number, values, whether a blank row came just before);
    blank rows and a row of column numbers right under the header are left out."""
    previous = header_row
    after_blank = False
    first = True
    for number, values in rows:
        if number <= header_row:
            continue
        if number > previous + 1:
            after_blank = True
        previous = number
        if _is_blank(values):
            after_blank = True
            continue
        if first:
            first = False
            if is_numbering_row(values):
                continue
        yield number, values, after_blank
        after_blank = False


# ---------------------------------------------------------------------------------------------
# Readers of each format
# ---------------------------------------------------------------------------------------------


def _required(layout: Layout, role: Role) -> Column:
    column = layout.first(role)
    if column is None:  # pragma: no cover - detect_layout guarantees it
        raise LookupError(f"layout {layout.format} without a {role} column")
    return column


class _Reader:
    used_roles: frozenset[Role] = frozenset()

    def __init__(self, sheet: Sheet, table: SheetTable, layout: Layout) -> None:
        self.sheet = sheet
        self.table = table
        self.layout = layout
        self.log = ProblemLog(table.problems)
        self.file = sheet.file
        self.title = sheet.title
        self.last_row = table.header_row or 1
        self.value_columns: set[int] = set()
        self.fill_columns: set[int] = set()
        self.width = max((c.index for c in layout.columns), default=0) + 1

    def loc(self, row: int, column: Column | None) -> Location:
        return Location(self.file, self.title, row, column.label if column is not None else "")

    def get(self, values: Row, column: Column | None) -> object:
        if column is None or column.index >= len(values):
            return None
        return values[column.index]

    def read(self, body: Iterator[tuple[int, Row, bool]]) -> None:
        fill = DataFill(self.sheet.merges, self.table.header_row or 0, self.fill_columns)
        for number, values, after_blank in body:
            if not self.row(number, fill.apply(number, values), after_blank):
                break
        self.finish()

    def row(self, number: int, values: Row, after_blank: bool) -> bool:  # pragma: no cover
        raise NotImplementedError

    def finish(self) -> None:
        pass

    def check_columns(self) -> None:
        """Warn about header cells this format does not use."""
        for column in self.layout.columns:
            if column.role in self.used_roles or column.role in (Role.STT, Role.UOM, Role.IGNORED):
                continue
            if column.role is None:
                if self.layout.format is FileFormat.WIDE:
                    message = (
                        f"cột {column.label} ('{column.text}') không phải chỉ tiêu trong danh mục, bỏ qua."
                        f"{suggestion(column.text)}"
                    )
                else:
                    message = f"cột {column.label} ('{column.text}') không dùng đến, bỏ qua."
            else:
                message = f"cột {column.label} ('{column.text}') không dùng trong bảng dạng này, bỏ qua."
            self.log.add(
                Problem(
                    message,
                    self.loc(self.table.header_row or 1, column),
                    value=column.text,
                    severity=Severity.WARNING,
                    code="unknown_column",
                )
            )

    def formula_without_value(self, number: int, column: Column) -> bool:
        """Whether a blank value cell really is a formula saved without its computed value."""
        if self.sheet.formula_cells is None:
            return False
        return (number, column.index + 1) in self.sheet.formula_cells()

    def formula_problem(self, number: int, column: Column, severity: Severity = Severity.ERROR) -> None:
        self.log.add(
            Problem(
                "ô có công thức nhưng không có giá trị đã tính; hãy mở tệp trong Excel, lưu lại rồi tải lên.",
                self.loc(number, column),
                severity=severity,
                code="formula_without_value",
            )
        )
        self.last_row = max(self.last_row, number)

    def signature(self, values: Row) -> bool:
        return any(isinstance(v, str) and is_signature(nfc(v)) for v in values)

    def check_merged_data(self) -> None:
        """A merged range among the value cells of the table is an error at its top-left cell."""
        header = self.table.header_row or 0
        by_index = {c.index: c for c in self.layout.columns}
        for r1, c1, r2, c2 in self.sheet.merges:
            if not header < r1 <= self.last_row or (r1 == r2 and c1 == c2):
                continue
            if c1 - 1 not in self.value_columns:
                continue
            column = by_index.get(c1 - 1)
            location = self.loc(r1, column) if column else self.sheet.location(r1, c1 - 1)
            last_column = self.sheet.column_label(c2 - 1)
            self.log.add(
                Problem(
                    f"ô gộp trong vùng số liệu ({location.column}{r1}:{last_column}{r2}): "
                    "mỗi ô chỉ được ghi một số của một đơn vị, một chỉ tiêu. Hãy bỏ gộp ô và ghi số vào "
                    "từng ô.",
                    location,
                    code="merged_data",
                )
            )


class WideReader(_Reader):
    """One row per unit, one column per indicator."""

    used_roles = frozenset({Role.UNIT_NAME, Role.UNIT_CODE, Role.PERIOD, Role.NOTE, Role.AREA, Role.MEASURE})

    def __init__(self, sheet: Sheet, table: SheetTable, layout: Layout) -> None:
        super().__init__(sheet, table, layout)
        self.unit = layout.first(Role.UNIT_NAME)
        self.code = layout.first(Role.UNIT_CODE)
        self.period = layout.first(Role.PERIOD)
        self.note = layout.first(Role.NOTE)
        self.area_column = layout.first(Role.AREA)
        self.measures = layout.all(Role.MEASURE)
        stt = layout.first(Role.STT)
        self.labels = [c for c in (stt, self.unit, self.code, self.area_column) if c is not None]
        self.value_columns = {c.index for c in self.measures}
        self.fill_columns = {c.index for c in [*self.labels, self.period] if c is not None}
        self.area: AreaHint | None = None
        self._duplicate_warnings()

    def check_columns(self) -> None:
        super().check_columns()
        extra = [c for c in self.layout.all(Role.UNIT_NAME) if c is not self.unit]
        extra += [c for c in self.layout.all(Role.UNIT_CODE) if c is not self.code]
        kept = ", ".join(c.label for c in (self.unit, self.code) if c is not None)
        for column in extra:
            self.log.add(
                Problem(
                    f"có nhiều cột đơn vị; chỉ dùng cột {kept}, bỏ qua cột {column.label} ('{column.text}').",
                    self.loc(self.table.header_row or 1, column),
                    severity=Severity.WARNING,
                    code="unknown_column",
                )
            )

    def _duplicate_warnings(self) -> None:
        seen: dict[str, Column] = {}
        for column in self.measures:
            first = seen.setdefault(column.code or "", column)
            if first is not column:
                self.log.add(
                    Problem(
                        f"cột {column.label} và cột {first.label} cùng là chỉ tiêu {column.code}.",
                        self.loc(self.table.header_row or 1, column),
                        value=column.text,
                        severity=Severity.WARNING,
                        code="duplicate_column",
                    )
                )

    def row(self, number: int, values: Row, after_blank: bool) -> bool:
        unit_name = cell_text(self.get(values, self.unit)) or None
        unit_code = _code_text(self.get(values, self.code))
        present = [(c, values[c.index]) for c in self.measures if c.index < len(values)]
        present = [(c, v) for c, v in present if not not_reported(v)]
        numeric = any(_is_numberish(v) for _, v in present)
        if not numeric and self.signature(values):
            return False
        for column in self.labels:
            text = cell_text(self.get(values, column))
            if text and is_total_label(text):
                self._total(number, values, column, present)
                return True
        if not present:
            if unit_name and not unit_code:
                area = group_area(unit_name)
                if area is not None:
                    self.area = AreaHint(area[0], area[1], self.loc(number, self.unit))
                    return True
            if after_blank and (not (unit_name or unit_code) or looks_like_prose(unit_name or "")):
                return False
            if unit_name or unit_code:
                self._formulas(number, values)
            return True
        if not (unit_name or unit_code):
            if not numeric:
                return not after_blank
            self.log.add(
                Problem(
                    "dòng có số liệu nhưng không có tên hoặc mã đơn vị; hãy ghi tên đơn vị.",
                    self.loc(number, self.unit or self.code),
                    severity=Severity.ERROR,
                    code="missing_unit",
                )
            )
            self.last_row = number
            return True
        self._records(number, values, present, unit_name, unit_code)
        return True

    def _records(
        self,
        number: int,
        values: Row,
        present: list[tuple[Column, object]],
        unit_name: str | None,
        unit_code: str | None,
    ) -> None:
        unit_location = self.loc(number, self.unit if unit_name or self.code is None else self.code)
        raw_period = self.get(values, self.period)
        period = nfc(raw_period) if isinstance(raw_period, str) else raw_period
        period_location = self.loc(number, self.period) if period not in (None, "") else None
        note = cell_text(self.get(values, self.note)) or None
        area = self._row_area(number, values)
        append = self.table.records.append
        for column, value in present:
            append(
                RawRecord(
                    location=self.loc(number, column),
                    indicator=column.text,
                    value=nfc(value) if isinstance(value, str) else value,
                    unit_code=unit_code,
                    unit_name=unit_name,
                    period=period if period != "" else None,
                    note=note,
                    unit_location=unit_location,
                    period_location=period_location,
                    area=area,
                )
            )
        self._formulas(number, values)
        self.last_row = number

    def _row_area(self, number: int, values: Row) -> AreaHint | None:
        if self.area_column is None:
            return self.area
        text = cell_text(self.get(values, self.area_column))
        if not text:
            return self.area
        found = group_area(text)
        if found is None:
            kinds = find_areas(f"{self.area_column.text} X")
            found = (kinds[0][0] if kinds else "huyện", text)
        return AreaHint(found[0], found[1], self.loc(number, self.area_column))

    def _formulas(self, number: int, values: Row, severity: Severity = Severity.ERROR) -> None:
        if self.sheet.formula_cells is None:
            return
        for column in self.measures:
            if self.get(values, column) is None and self.formula_without_value(number, column):
                self.formula_problem(number, column, severity)

    def _total(self, number: int, values: Row, label: Column, present: list[tuple[Column, object]]) -> None:
        totals = {
            column.text: (nfc(value) if isinstance(value, str) else value, self.loc(number, column))
            for column, value in present
        }
        if totals:
            self.table.totals.append(TotalRow(self.loc(number, label), totals))
        self._formulas(number, values, Severity.WARNING)
        self.last_row = number


class FormReader(_Reader):
    """A commune form: one unit and period, one row per indicator."""

    used_roles = frozenset({Role.INDICATOR, Role.INDICATOR_CODE, Role.VALUE, Role.NOTE})

    def __init__(self, sheet: Sheet, table: SheetTable, layout: Layout) -> None:
        super().__init__(sheet, table, layout)
        self.labels = layout.all(Role.INDICATOR_CODE) + layout.all(Role.INDICATOR)
        self.value = _required(layout, Role.VALUE)
        self.note = layout.first(Role.NOTE)
        self.stt = layout.first(Role.STT)
        self.value_columns = {self.value.index}
        self.fill_columns = {c.index for c in [*self.labels, self.stt] if c is not None}

    def check_columns(self) -> None:
        super().check_columns()
        for column in self.layout.all(Role.VALUE)[1:]:
            self.log.add(
                Problem(
                    f"có nhiều cột số liệu; chỉ đọc cột {self.value.label}, bỏ qua cột {column.label} "
                    f"('{column.text}').",
                    self.loc(self.table.header_row or 1, column),
                    severity=Severity.WARNING,
                    code="unknown_column",
                )
            )

    def row(self, number: int, values: Row, after_blank: bool) -> bool:
        texts = [(c, cell_text(self.get(values, c))) for c in self.labels]
        found = None
        for _column, text in texts:
            if text:
                found = match_indicator(text)
                if found is not None:
                    break
        label = next((t for _, t in texts if t), "")
        raw = self.get(values, self.value)
        if not_reported(raw):
            if found is not None:
                if raw is None and self.value and self.formula_without_value(number, self.value):
                    self.formula_problem(number, self.value)
                return True
            if not label:
                return not after_blank
            if self.signature(values):
                return False
            if is_section(cell_text(self.get(values, self.stt)), label):
                return True
            return not after_blank
        if not _is_numberish(raw) and self.signature(values):
            return False
        self.last_row = number
        if found is not None:
            note = cell_text(self.get(values, self.note)) or None
            self.table.records.append(
                RawRecord(
                    location=self.loc(number, self.value),
                    indicator=found[1],
                    value=nfc(raw) if isinstance(raw, str) else raw,
                    unit_name=self.table.unit_name,
                    note=note,
                    unit_location=self.table.unit_location,
                )
            )
            return True
        column = next((c for c, t in texts if t), self.labels[0] if self.labels else None)
        if label:
            message = (
                f"'{label}' không phải chỉ tiêu trong danh mục; số liệu dòng này không được đọc.{suggestion(label)}"
            )
        else:
            message = "dòng có số liệu nhưng không ghi chỉ tiêu; số liệu dòng này không được đọc."
        self.log.add(
            Problem(
                message,
                self.loc(number, column),
                value=label,
                severity=Severity.WARNING,
                code="unknown_indicator",
            )
        )
        return True

    def finish(self) -> None:
        if self.table.unit_name is None and self.table.records:
            self.log.add(
                Problem(
                    "biểu mẫu không ghi tên đơn vị: cần một dòng tiêu đề như 'Đơn vị: Xã Hòn Nghệ, huyện "
                    "Kiên Lương' hoặc 'UBND XÃ HÒN NGHỆ' phía trên bảng.",
                    Location(self.file, self.title, 1, "A"),
                    severity=Severity.WARNING,
                    code="missing_unit",
                )
            )


class LongReader(_Reader):
    """One value per row: unit, period, indicator, value (also targets and DHIS2 data value sets).

    Made for large files: strings are normalised once and shared between rows.
    """

    used_roles = frozenset(
        {
            Role.UNIT_CODE,
            Role.UNIT_NAME,
            Role.PERIOD,
            Role.INDICATOR,
            Role.INDICATOR_CODE,
            Role.NOTE,
            Role.AREA,
        }
    )

    def __init__(self, sheet: Sheet, table: SheetTable, layout: Layout) -> None:
        super().__init__(sheet, table, layout)
        value_role = Role.TARGET if table.format is FileFormat.TARGETS else Role.VALUE
        self.used_roles = self.used_roles | {value_role}
        self.code = layout.first(Role.UNIT_CODE)
        self.name = layout.first(Role.UNIT_NAME)
        self.period = layout.first(Role.PERIOD)
        self.indicators = layout.all(Role.INDICATOR_CODE) + layout.all(Role.INDICATOR)
        self.value = _required(layout, value_role)
        self.note = layout.first(Role.NOTE)
        self.area_column = layout.first(Role.AREA)
        self.value_columns = {self.value.index}
        self.fill_columns = {
            c.index for c in [self.code, self.name, self.period, self.area_column, *self.indicators] if c
        }
        self.code_label = self.code.label if self.code is not None else ""
        self.name_label = self.name.label if self.name is not None else ""
        self._text: dict[str, str | None] = {}
        self._values: dict[str, object] = {}
        self._totals: dict[str, bool] = {}

    def check_columns(self) -> None:
        super().check_columns()
        target = self.layout.first(Role.TARGET)
        if self.table.format is FileFormat.LONG and target is not None:
            self.log.add(
                Problem(
                    f"bảng có cả cột giá trị và cột chỉ tiêu kế hoạch ({target.label}); chỉ đọc cột giá trị. "
                    "Hãy nạp chỉ tiêu kế hoạch bằng một tệp riêng có cột 'target'.",
                    self.loc(self.table.header_row or 1, target),
                    severity=Severity.WARNING,
                    code="unknown_column",
                )
            )

    def text(self, value: object) -> str | None:
        if value is None:
            return None
        if type(value) is str:
            if value in self._text:
                return self._text[value]
            if len(self._text) > 200_000:
                self._text.clear()
            found = self._text[value] = nfc(value) or None
            return found
        return cell_text(value) or None

    def raw_value(self, value: object) -> object:
        if value is None:
            return None
        if type(value) is str:
            found = self._values.get(value, self)
            if found is self:
                if len(self._values) > 200_000:
                    self._values.clear()
                text = nfc(value)
                found = self._values[value] = None if not_reported(text) else text
            return found
        if isinstance(value, float) and math.isnan(value):
            return None
        return value

    def is_total(self, name: str) -> bool:
        found = self._totals.get(name)
        if found is None:
            if len(self._totals) > 200_000:
                self._totals.clear()
            found = self._totals[name] = is_total_label(name)
        return found

    def read(self, body: Iterator[tuple[int, Row, bool]]) -> None:
        if self.sheet.merges:
            super().read(body)
            return
        # The common large-file path: no merged cells to fill.
        row = self.row
        for number, values, after_blank in body:
            if not row(number, values, after_blank):
                break

    def row(self, number: int, values: Row, after_blank: bool) -> bool:
        if len(values) < self.width:
            values = [*values, *([None] * (self.width - len(values)))]
        text = self.text
        code = None
        if self.code is not None:
            raw_code = values[self.code.index]
            code = text(raw_code) if type(raw_code) is str else _code_text(raw_code)
        name = text(values[self.name.index]) if self.name is not None else None
        indicator = None
        for column in self.indicators:
            indicator = text(values[column.index])
            if indicator:
                break
        raw = values[self.value.index]
        if indicator is None or (code is None and name is None):
            return self._irregular(number, values, after_blank, code, name, indicator, raw)
        value = self.raw_value(raw)
        if name is not None and self.is_total(name):
            self._total(number, indicator, value)
            return True
        if raw is None and self.formula_without_value(number, self.value):
            self.formula_problem(number, self.value)
            return True
        file, title = self.file, self.title
        period = None
        period_location = None
        if self.period is not None:
            period = values[self.period.index]
            if type(period) is str:
                period = text(period)
            if period is not None:
                period_location = Location(file, title, number, self.period.label)
        unit_label = self.code_label if code is not None else self.name_label
        self.table.records.append(
            RawRecord(
                Location(file, title, number, self.value.label),
                indicator,
                value,
                code,
                name,
                period,
                text(values[self.note.index]) if self.note is not None else None,
                Location(file, title, number, unit_label),
                period_location,
                self._row_area(number, values, self.area_column) if self.area_column is not None else None,
            )
        )
        self.last_row = number
        return True

    def _row_area(self, number: int, values: Row, column: Column) -> AreaHint | None:
        area_text = self.text(values[column.index])
        if not area_text:
            return None
        found = group_area(area_text) or ("huyện", area_text)
        return AreaHint(found[0], found[1], self.loc(number, column))

    def _total(self, number: int, indicator: str, value: object) -> None:
        label = self.name
        totals = {} if value is None else {indicator: (value, self.loc(number, self.value))}
        self.table.totals.append(TotalRow(self.loc(number, label), totals))
        self.last_row = number

    def _irregular(
        self,
        number: int,
        values: Row,
        after_blank: bool,
        code: str | None,
        name: str | None,
        indicator: str | None,
        raw: object,
    ) -> bool:
        if self.signature(values):
            return False
        if indicator is None and code is None and name is None:
            if not_reported(raw):
                return not after_blank  # a note under the table
            self._missing(number, "dòng có số liệu nhưng thiếu cả đơn vị và chỉ tiêu.", self.indicators)
            return True
        if name is not None and indicator is not None and self.is_total(name):
            self._total(number, indicator, self.raw_value(raw))
            return True
        if indicator is None:
            self._missing(number, "dòng thiếu chỉ tiêu (cột chỉ tiêu để trống).", self.indicators)
        else:
            self._missing(number, "dòng thiếu đơn vị (mã đơn vị và tên đơn vị đều trống).", [self.code, self.name])
        return True

    def _missing(self, number: int, message: str, columns: Sequence[Column | None]) -> None:
        column = next((c for c in columns if c is not None), None)
        self.log.add(Problem(message, self.loc(number, column), code="missing_field"))
        self.last_row = number

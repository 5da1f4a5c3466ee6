"""The meeting outputs as plain data: tables, charts, slides and the deck.

Every writer (PowerPoint, Word, Excel, the dashboard's presentation mode) renders these objects and
computes nothing of its own, so the same figure reads the same everywhere. A cell or a chart value
``None`` means "not reported": a gap, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

ChartKind = Literal["bar", "line", "stacked", "clustered"]
ColumnKind = Literal["text", "int", "dec1", "pct", "year", "signed"]
Cell = str | int | float | None


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """One chart: ``series`` maps a series name to one value per category (``None``: not reported).

    ``kind``: ``bar`` (one series), ``clustered`` (several side by side), ``stacked`` (parts of a
    whole) or ``line`` (over time). ``horizontal`` bars suit unit names; periods run left to right.
    """

    kind: ChartKind
    title: str
    categories: tuple[str, ...]
    series: Mapping[str, tuple[float | None, ...]]
    number_format: str = "#,##0"  # Excel/PowerPoint format code of the values and data labels
    axis_title: str = ""  # the unit of measure ("Cuộc", "Đơn", "%")
    horizontal: bool = False
    colours: tuple[str, ...] = ()  # one "#RRGGBB" per series (the default palette when empty)
    point_colours: tuple[str, ...] = ()  # one per category, for a single series (NTM level)
    axis_max: float | None = None  # 100 for a rate, 19 for criteria
    data_labels: bool = True

    def values(self, name: str) -> tuple[float | None, ...]:
        return tuple(self.series[name])


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: ColumnKind = "int"
    width: float = 12.0  # characters (Excel); Word shares the page width in proportion


@dataclass(frozen=True, slots=True)
class ChartRef:
    """A chart drawn from a table's columns (its rows, or the listed ones, are the categories)."""

    kind: ChartKind
    title: str
    series: tuple[int, ...]  # column indexes, one series each
    category: int = 0
    rows: tuple[int, ...] | None = None  # None: every row
    number_format: str = "#,##0"
    axis_title: str = ""
    horizontal: bool = False
    colours: tuple[str, ...] = ()
    point_colours: tuple[str, ...] = ()  # one per plotted row
    axis_max: float | None = None
    # A chart of fixed size (a slide, an A4 page) with more rows than it can show readably (a
    # province's 150 communes) shows these rows instead, ``GAP_ROW`` an empty category "…" between
    # the highest and the lowest, under ``focus_title``. The workbook's chart, as tall as it needs,
    # keeps every row.
    focus: tuple[int, ...] | None = None
    focus_title: str = ""


GAP_ROW = -1  # in ChartRef.focus: the break between the highest and the lowest rows
GAP_LABEL = "…"


@dataclass(frozen=True, slots=True)
class Table:
    """A table of the annex and a sheet of the workbook.

    ``row_places`` gives, per row, the decimals of its numeric cells where rows differ (a rate in a
    table of counts); ``sections`` puts a heading row before the row of that index."""

    key: str
    title: str
    sheet: str  # ≤ 31 characters, no []:*?/\
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None
    row_places: tuple[int, ...] | None = None
    sections: Mapping[int, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    chart: ChartRef | None = None

    def plotted_rows(self) -> tuple[int, ...]:
        if self.chart is None:
            return ()
        return self.chart.rows if self.chart.rows is not None else tuple(range(len(self.rows)))

    def chart_spec(self) -> ChartSpec | None:
        """The table's chart as a :class:`ChartSpec` (the values are the table's cells)."""
        ref = self.chart
        if ref is None:
            return None
        indexes = ref.focus if ref.focus is not None else self.plotted_rows()
        rows = [None if i == GAP_ROW else self.rows[i] for i in indexes]
        series = {
            self.columns[c].header: tuple(None if row is None else _number(row[c]) for row in rows) for c in ref.series
        }
        point_colours = ref.point_colours
        if ref.focus is not None and point_colours:
            by_row = dict(zip(self.plotted_rows(), point_colours, strict=False))
            point_colours = tuple(by_row.get(i, point_colours[0]) for i in indexes)
        return ChartSpec(
            kind=ref.kind,
            title=ref.focus_title if ref.focus is not None and ref.focus_title else ref.title,
            categories=tuple(GAP_LABEL if row is None else str(row[ref.category]) for row in rows),
            series=series,
            number_format=ref.number_format,
            axis_title=ref.axis_title,
            horizontal=ref.horizontal,
            colours=ref.colours,
            point_colours=point_colours,
            axis_max=ref.axis_max,
        )


def _number(value: Cell) -> float | None:
    if value is None or isinstance(value, str):
        return None
    number = float(value)
    return None if number != number else number


@dataclass(frozen=True, slots=True)
class Figure:
    """A headline figure (an overview card): "Cuộc đối thoại — 18 — +4 so với cùng kỳ"."""

    label: str
    value: str
    note: str = ""  # the change on the same period last year, or why there is none
    code: str = ""  # the indicator


@dataclass(frozen=True, slots=True)
class Slide:
    """One screen of the deck: what, where and when, one chart (or figures), the source and date."""

    key: str  # "cover", "overview", "dialogues", …
    title: str
    subtitle: str  # "Huyện Kiên Lương, Tỉnh Kiên Giang · 6 tháng đầu năm 2019 · Như đã báo cáo"
    chart: ChartSpec | None
    source: str
    date: str  # the day the deck was made, dd/mm/yyyy
    figures: tuple[Figure, ...] = ()
    notes: tuple[str, ...] = ()  # short lines beside the chart ("5/7 xã đạt chuẩn nông thôn mới")
    sample: bool = False  # "Dữ liệu minh họa"
    table: str | None = None  # the key of the table the chart comes from


@dataclass(frozen=True, slots=True)
class Deck:
    title: str
    area: str  # "Huyện Kiên Lương, Tỉnh Kiên Giang"
    area_code: str
    period: str  # "2019S1"
    period_label: str  # "6 tháng đầu năm 2019"
    boundaries: str  # "reported" / "current"
    lang: str
    sample: bool
    date: str
    source: str
    slides: tuple[Slide, ...]
    tables: tuple[Table, ...] = ()

    def slide(self, key: str) -> Slide:
        return next(s for s in self.slides if s.key == key)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

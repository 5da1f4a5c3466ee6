"""The tables as one Excel workbook: a sheet per table, with native Excel charts.

Each sheet: the table's title, where and when (area, period, boundaries), "Dữ liệu minh họa" on
the sample, Vietnamese headers frozen above the figures, numbers as numbers in their number format
(a figure not reported is an empty cell, never 0), notes, the source line; then the chart, drawn by
Excel from the sheet's cells. Printed landscape on A4, one page wide, the header row repeated.
Text is neutralised against formula injection (:func:`etl.writers.neutralise`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import datetime
from typing import IO, Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from etl.reports import labels as lb
from etl.reports.model import Deck, Table
from etl.writers import neutralise

FONT = "Times New Roman"
HEADER_ROW = 4  # 0 title, 1 where and when, 2 sample note, 3 blank, 4 header
FORMATS = {
    "int": "#,##0",
    "dec1": "#,##0.0",
    "pct": "0.0",
    "year": "0",
    "signed": '+#,##0;"−"#,##0;0',
    "signed1": '+#,##0.0;"−"#,##0.0;0.0',
}
CHART_TYPES = {"bar": "clustered", "clustered": "clustered", "stacked": "stacked"}

Destination = str | os.PathLike[str] | IO[bytes]


def write_xlsx(deck: Deck, destination: Destination) -> None:
    """Write the deck's tables (:attr:`Deck.tables`) as a workbook (a path or a binary stream)."""
    options: dict[str, Any] = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    if not isinstance(destination, str | os.PathLike):
        options["in_memory"] = True
    workbook = xlsxwriter.Workbook(destination, options)  # type: ignore[arg-type]
    workbook.set_properties(
        {
            "title": f"{deck.title} — {deck.area} — {deck.period_label}",
            "subject": deck.period_label,
            "author": "QCDC Tracker",
            "comments": deck.source,
            "keywords": f"QCDC; {deck.period}; {deck.area_code}",
            "created": datetime.now().replace(microsecond=0),
        }
    )
    workbook.set_size(1600, 1000)
    styles = _Styles(workbook)
    used: set[str] = set()
    for table in deck.tables:
        _sheet(workbook, styles, deck, table, _sheet_name(table.sheet, used))
    workbook.close()


def _sheet_name(name: str, used: set[str]) -> str:
    """At most 31 characters, none of []:*?/\\, unique in the workbook (case-insensitively)."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip("'")[:31] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


class _Styles:
    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple, Any] = {}

    def __call__(self, **props: Any):  # type: ignore[no-untyped-def]
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format({"font_name": FONT, "font_size": 12, **props})
        return self._cache[key]


def _number_format(table: Table, column: int, places: int | None) -> str:
    kind = table.columns[column].kind
    if kind == "signed":
        return FORMATS["signed1" if places else "signed"]
    if places is not None and kind in ("int", "dec1"):
        return FORMATS["dec1" if places else "int"]
    return FORMATS.get(kind, "General")


def _sheet(workbook: Workbook, st: _Styles, deck: Deck, table: Table, name: str) -> None:
    ws: Worksheet = workbook.add_worksheet(name)
    last = len(table.columns) - 1
    ws.merge_range(0, 0, 0, last, neutralise(table.title), st(bold=True, font_size=14))
    where = " · ".join([deck.area, deck.period_label, lb.t(f"boundaries.{deck.boundaries}", deck.lang)])
    ws.merge_range(1, 0, 1, last, neutralise(where), st(italic=True))
    if deck.sample:
        ws.merge_range(2, 0, 2, last, lb.t("sample.note", deck.lang), st(bold=True, font_color="#B42318"))
    head = st(bold=True, align="center", valign="vcenter", text_wrap=True, border=1, bg_color="#F2F2F2")
    for column, spec in enumerate(table.columns):
        ws.write_string(HEADER_ROW, column, neutralise(spec.header), head)
        ws.set_column(column, column, spec.width)
    ws.set_row(HEADER_ROW, 36 if max(len(c.header) for c in table.columns) > 14 else 20)

    row = HEADER_ROW + 1
    first_data = row
    for index, values in enumerate(table.rows):
        if index in table.sections:
            ws.merge_range(
                row, 0, row, last, neutralise(table.sections[index]), st(bold=True, border=1, bg_color="#FAFAFA")
            )
            row += 1
        places = table.row_places[index] if table.row_places else None
        _write_row(ws, st, table, row, values, places, bold=False)
        row += 1
    last_data = row - 1
    if table.total is not None:
        _write_row(ws, st, table, row, table.total, None, bold=True)
        row += 1
    row += 1
    notes = [n.replace(lb.t("missing.mark", deck.lang), _blank_note(deck.lang)) for n in table.notes]
    if table.rows and lb.t("missing.mark", deck.lang) not in table.notes:
        notes.append(_blank_note(deck.lang))
    for note in [*notes, deck.source, lb.t("made", deck.lang, date=deck.date)]:
        ws.merge_range(row, 0, row, last, neutralise(note), st(italic=True, font_size=11, text_wrap=True))
        ws.set_row(row, 15 * max(1, len(note) // max(sum(c.width for c in table.columns), 1) + 1))
        row += 1

    if table.chart is not None and table.rows and not table.sections:
        _chart(workbook, ws, table, name, first_data, last_data, row + 1)
    ws.freeze_panes(HEADER_ROW + 1, 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer(f"&L{neutralise(deck.area)} · {neutralise(deck.period_label)}&R&P/&N")


def _blank_note(lang: str) -> str:
    return "Ô trống: chưa báo cáo (khác với 0)." if lang == "vi" else "Empty cell: not reported (not zero)."


def _write_row(
    ws: Worksheet, st: _Styles, table: Table, row: int, values: Sequence[object], places: int | None, *, bold: bool
) -> None:
    for column, value in enumerate(values):
        kind = table.columns[column].kind
        top = 2 if bold else 1
        if kind == "text" or isinstance(value, str):
            fmt = st(border=1, bold=bold, text_wrap=True, valign="vcenter", top=top)
            ws.write_string(row, column, neutralise("" if value is None else str(value)), fmt)
            continue
        fmt = st(border=1, bold=bold, valign="vcenter", top=top, num_format=_number_format(table, column, places))
        if value is None or (isinstance(value, float) and value != value):
            ws.write_blank(row, column, None, fmt)
        else:
            ws.write_number(row, column, float(value), fmt)  # type: ignore[arg-type]


def _chart(workbook: Workbook, ws: Worksheet, table: Table, name: str, first: int, last: int, at_row: int) -> None:
    ref = table.chart
    assert ref is not None
    if ref.kind == "line":
        chart = workbook.add_chart({"type": "line"})
    else:
        chart = workbook.add_chart({"type": "bar" if ref.horizontal else "column", "subtype": CHART_TYPES[ref.kind]})
    plotted = set(table.plotted_rows())
    for position, column in enumerate(ref.series):
        colour = ref.colours[position % len(ref.colours)] if ref.colours else None
        series: dict[str, Any] = {
            "name": [name, HEADER_ROW, column],
            "categories": [name, first, ref.category, last, ref.category],
            "values": [name, first, column, last, column],
            "data_labels": {
                "value": True,
                "num_format": f"{ref.number_format};-{ref.number_format};"
                if ref.kind == "stacked"
                else ref.number_format,
                "position": "center" if ref.kind == "stacked" else ("above" if ref.kind == "line" else "outside_end"),
                "font": {"name": FONT, "size": 11},
            },
        }
        if ref.kind == "line":
            series["line"] = {"color": colour or "#2CA02C", "width": 2.5}
            series["marker"] = {"type": "circle", "size": 8, "fill": {"color": colour}, "border": {"color": colour}}
        elif colour:
            series["fill"] = {"color": colour}
            series["border"] = {"none": True}
        if ref.point_colours and len(ref.series) == 1:
            colours = iter(ref.point_colours)
            series["points"] = [
                {"fill": {"color": next(colours)}} if index in plotted else None for index in range(len(table.rows))
            ]
        chart.add_series(series)
    axis_font = {"name": FONT, "size": 11}
    value_axis: dict[str, Any] = {
        "num_font": axis_font,
        "num_format": "#,##0" if ref.axis_max == 100 else ref.number_format,
        "min": 0,
        "major_gridlines": {"visible": True, "line": {"color": "#D9DDE3"}},
    }
    if ref.axis_max is not None:
        value_axis["max"] = ref.axis_max
    if ref.axis_title:
        value_axis["name"] = ref.axis_title
        value_axis["name_font"] = {"name": FONT, "size": 11, "bold": False}
    category_axis: dict[str, Any] = {"num_font": axis_font}
    if ref.horizontal:  # bar charts: xlsxwriter's y axis is the category axis; the first unit on top
        category_axis.update({"reverse": True, "crossing": "max"})
        chart.set_y_axis(category_axis)
        chart.set_x_axis(value_axis)
    else:
        chart.set_x_axis(category_axis)
        chart.set_y_axis(value_axis)
    chart.set_title({"name": ref.title, "name_font": {"name": FONT, "size": 13, "bold": True}})
    chart.set_legend({"position": "bottom", "font": axis_font} if len(ref.series) > 1 else {"none": True})
    if ref.kind != "line":
        chart.set_chartarea({"border": {"none": True}})
    bars = len(table.plotted_rows()) * (len(ref.series) if ref.kind == "clustered" else 1)
    # Bars 34 px apart up to 900 px; past that (a province's 150 communes) 18 px, enough for the
    # 11 pt names and labels: the chart grows down the sheet rather than squeezing bars into a line.
    height = 420 if not ref.horizontal else max(360, min(60 + 34 * bars, max(900, 60 + 18 * bars)))
    chart.set_size({"width": 860, "height": height})
    ws.insert_chart(at_row, 0, chart, {"object_position": 1})

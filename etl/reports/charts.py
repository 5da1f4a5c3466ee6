"""Native Office charts (DrawingML) from a :class:`~etl.reports.model.ChartSpec`, for PowerPoint
and Word alike.

python-pptx writes the chart XML and its embedded workbook (so "Edit Data" works in PowerPoint and
Word); :func:`style_chart` sets what a meeting needs — large type, data labels in the number
format, colours that stay apart on a projector, the first unit on top of a bar chart, a gap for a
figure not reported. The chart's language is Vietnamese (``vi-VN``) unless the deck is English.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.oxml import parse_xml
from pptx.util import Pt

from etl.reports.model import ChartSpec

PALETTE = ("#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#17BECF")
GRID = "#D9DDE3"
TEXT = "#1F2933"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


@dataclass(frozen=True, slots=True)
class ChartFonts:
    """Point sizes and the typeface of a chart: large for a screen, smaller on an A4 page."""

    name: str = "Arial"
    base: float = 16
    title: float = 20
    labels: float = 16
    legend: float = 16


SCREEN = ChartFonts()
PAGE = ChartFonts(name="Times New Roman", base=10, title=12, labels=10, legend=10)


def chart_type(spec: ChartSpec) -> XL_CHART_TYPE:
    if spec.kind == "line":
        return XL_CHART_TYPE.LINE_MARKERS
    if spec.kind == "stacked":
        return XL_CHART_TYPE.BAR_STACKED if spec.horizontal else XL_CHART_TYPE.COLUMN_STACKED
    return XL_CHART_TYPE.BAR_CLUSTERED if spec.horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED


def chart_data(spec: ChartSpec) -> CategoryChartData:
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = list(spec.categories)
    for name, values in spec.series.items():
        data.add_series(name, [None if v is None else float(v) for v in values], number_format=spec.number_format)
    return data


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def style_chart(chart: Chart, spec: ChartSpec, fonts: ChartFonts = SCREEN, lang: str = "vi") -> None:
    """Fonts, title, legend, labels, axes and colours of a chart made from ``spec``."""
    chart.font.name = fonts.name
    chart.font.size = Pt(fonts.base)
    chart.font.color.rgb = _rgb(TEXT)
    _set_language(chart, "en-US" if lang == "en" else "vi-VN")

    chart.has_title = bool(spec.title)
    if spec.title:
        frame = chart.chart_title.text_frame
        frame.text = spec.title
        run = frame.paragraphs[0].runs[0]
        run.font.size = Pt(fonts.title)
        run.font.bold = True
        run.font.name = fonts.name

    several = len(spec.series) > 1
    chart.has_legend = several
    if several:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(fonts.legend)

    plot = chart.plots[0]
    if spec.kind != "line":
        plot.gap_width = 50 if spec.kind != "clustered" else 70
        if spec.kind == "clustered":
            plot.overlap = -5
    bars = len(spec.categories) * (len(spec.series) if spec.kind == "clustered" else 1)
    if spec.data_labels:
        plot.has_data_labels = True
        labels = plot.data_labels
        # a stacked part of 0 has no label (the third section of the format is empty)
        labels.number_format = (
            f"{spec.number_format};-{spec.number_format};" if spec.kind == "stacked" else spec.number_format
        )
        labels.number_format_is_linked = False
        labels.font.size = Pt(fonts.labels if bars <= 16 else round(fonts.labels * 0.8))
        labels.show_value = True
        if spec.kind == "stacked":
            labels.position = XL_LABEL_POSITION.CENTER
        elif spec.kind == "line":
            labels.position = XL_LABEL_POSITION.ABOVE
        else:
            labels.position = XL_LABEL_POSITION.OUTSIDE_END

    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb(GRID)
    value_axis.format.line.fill.background()
    value_axis.tick_labels.font.size = Pt(fonts.base)
    value_axis.tick_labels.number_format = "#,##0" if spec.axis_max == 100 else spec.number_format
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.minimum_scale = 0
    if spec.axis_max is not None:
        value_axis.maximum_scale = float(spec.axis_max)
    if spec.axis_title:
        value_axis.has_title = True
        value_axis.axis_title.text_frame.text = spec.axis_title
        value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(fonts.base)
        value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.bold = False
    category_axis = chart.category_axis
    category_axis.tick_labels.font.size = Pt(fonts.base)
    category_axis.format.line.color.rgb = _rgb(GRID)
    if spec.horizontal:  # the first unit on top, the values along the bottom
        category_axis.reverse_order = True
        # The value axis crosses the (reversed) category axis at its last category: at the bottom.
        for crosses in value_axis._element.iterchildren(f"{{{C_NS}}}crosses"):
            crosses.set("val", "max")

    colours = spec.colours or PALETTE
    for index, series in enumerate(plot.series):
        colour = _rgb(colours[index % len(colours)])
        if spec.kind == "line":
            series.format.line.color.rgb = colour
            series.format.line.width = Pt(3.5 if fonts is SCREEN else 2)
            series.smooth = False
            series.marker.style = XL_MARKER_STYLE.CIRCLE
            series.marker.size = 11 if fonts is SCREEN else 7
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colour
            series.marker.format.line.color.rgb = colour
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour
            series.invert_if_negative = False
    if spec.point_colours and len(plot.series) == 1 and spec.kind != "line":
        series = plot.series[0]
        for index, colour in enumerate(spec.point_colours):
            point = series.points[index]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(colour)


def _set_language(chart: Chart, tag: str) -> None:
    """The chart's editing language (``c:lang``) and that of its default text."""
    space = chart._chartSpace
    lang = space.find(f"{{{C_NS}}}lang")
    if lang is None:
        lang = etree.SubElement(space, f"{{{C_NS}}}lang")
        date1904 = space.find(f"{{{C_NS}}}date1904")
        if date1904 is not None:
            date1904.addnext(lang)
        else:
            space.insert(0, lang)
    lang.set("val", tag)
    for end in space.iter(f"{{{A_NS}}}endParaRPr", f"{{{A_NS}}}defRPr"):
        end.set("lang", tag)


def chart_xml(spec: ChartSpec, fonts: ChartFonts = PAGE, lang: str = "vi") -> tuple[etree._Element, bytes]:
    """A styled ``c:chartSpace`` element for ``spec`` and its embedded workbook (for Word, which
    python-docx cannot chart by itself; the XML is the same DrawingML PowerPoint uses)."""
    data = chart_data(spec)
    space = parse_xml(data.xml_bytes(chart_type(spec)))
    style_chart(Chart(space, None), spec, fonts, lang)
    return space, data.xlsx_blob

"""The deck as a 16:9 PowerPoint file with native, editable charts.

Every chart is a PowerPoint chart (``add_chart`` with its data embedded, so "Edit Data" opens the
figures), never a picture. Every slide says what (its title), where and when (the subtitle: area,
period, boundaries), carries the source line with the date of the last update and the day the deck
was made, and "Dữ liệu minh họa" on the sample. Type is large for a meeting screen: titles 34 pt,
chart text 16 pt, the overview's figures 40 pt.
"""

from __future__ import annotations

import math
import os
from datetime import datetime
from typing import IO

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Inches, Pt

from etl.reports import labels as lb
from etl.reports.charts import SCREEN, chart_data, chart_type, style_chart
from etl.reports.model import Deck, Figure, Slide

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
FONT = "Arial"  # Vietnamese-complete on Windows and macOS; LibreOffice maps it to Liberation Sans
DARK = RGBColor(0x1F, 0x29, 0x33)
GREY = RGBColor(0x52, 0x60, 0x6D)
LIGHT = RGBColor(0xF2, 0xF4, 0xF7)
ACCENT = RGBColor(0x1F, 0x77, 0xB4)
BADGE_FILL, BADGE_TEXT = RGBColor(0xFD, 0xEC, 0xEA), RGBColor(0xB4, 0x23, 0x18)
TITLE_ONLY, TITLE_SLIDE = 5, 0  # layouts of python-pptx's default template

Destination = str | os.PathLike[str] | IO[bytes]


def write_pptx(deck: Deck, destination: Destination) -> None:
    """Write ``deck`` as a .pptx file (a path or a binary stream)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    props = prs.core_properties
    props.title = f"{deck.title} — {deck.area} — {deck.period_label}"
    props.subject = deck.period_label
    props.author = "QCDC Tracker"
    props.language = "en-US" if deck.lang == "en" else "vi-VN"
    props.keywords = f"QCDC; {deck.period}; {deck.area_code}"
    props.created = props.modified = datetime.now().replace(microsecond=0)
    total = len(deck.slides)
    for number, slide in enumerate(deck.slides, start=1):
        if slide.key == "cover":
            _cover(prs, deck, slide, number, total)
        else:
            _content(prs, deck, slide, number, total)
    prs.save(destination)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# Pieces
# ------------------------------------------------------------------------------------------------


def _text(
    shape_slide: PptxSlide,
    left: int,
    top: int,
    width: int,
    height: int,
    lines: list[str] | tuple[str, ...],
    *,
    size: float,
    colour: RGBColor = DARK,
    bold: bool = False,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    spacing: float = 0,
):  # type: ignore[no-untyped-def]
    box = shape_slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        if spacing:
            paragraph.space_after = Pt(spacing)
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = FONT
        run.font.color.rgb = colour
    return box


def _title(slide: PptxSlide, text: str) -> None:
    size = 34 if len(text) <= 32 else 28  # one line beside the badge
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, Inches(0.3), Inches(9.9), Inches(0.85)
    frame = title.text_frame
    frame.text = text
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size = Pt(size)
        run.font.bold = True
        run.font.name = FONT
        run.font.color.rgb = DARK


def _badge(slide: PptxSlide, deck: Deck) -> None:
    if not deck.sample:
        return
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Inches(10.55), Inches(0.42), Inches(2.3), Inches(0.5))
    shape.fill.solid()
    shape.fill.fore_color.rgb = BADGE_FILL
    shape.line.color.rgb = BADGE_TEXT
    frame = shape.text_frame
    frame.text = lb.t("sample", deck.lang)
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    run = frame.paragraphs[0].runs[0]
    frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    run.font.size, run.font.bold, run.font.name = Pt(16), True, FONT
    run.font.color.rgb = BADGE_TEXT
    shape.name = "sample-badge"


def _footer(slide: PptxSlide, deck: Deck, item: Slide, number: int, total: int) -> None:
    top = HEIGHT - Inches(0.55)
    source = _text(slide, MARGIN, top, Inches(9.0), Inches(0.4), [item.source], size=12, colour=GREY)
    source.name = "source"
    right = f"{lb.t('made', deck.lang, date=item.date)} · {number}/{total}"
    stamp = _text(
        slide,
        WIDTH - MARGIN - Inches(3.5),
        top,
        Inches(3.5),
        Inches(0.4),
        [right],
        size=12,
        colour=GREY,
        align=PP_ALIGN.RIGHT,
    )
    stamp.name = "date"
    line = slide.shapes.add_connector(1, MARGIN, top - Inches(0.05), WIDTH - MARGIN, top - Inches(0.05))
    line.line.color.rgb = RGBColor(0xD9, 0xDD, 0xE3)


def _speaker_notes(slide: PptxSlide, item: Slide) -> None:
    lines = [item.title, item.subtitle, *item.notes]
    lines += [f"{f.label}: {f.value}" + (f" ({f.note})" if f.note else "") for f in item.figures]
    lines.append(item.source)
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


# ------------------------------------------------------------------------------------------------
# Slides
# ------------------------------------------------------------------------------------------------


def _cover(prs, deck: Deck, item: Slide, number: int, total: int) -> None:  # type: ignore[no-untyped-def]
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_SLIDE])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, Inches(2.0), WIDTH, Inches(0.12))
    band.fill.solid()
    band.fill.fore_color.rgb = ACCENT
    band.line.fill.background()
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, Inches(2.3), WIDTH - 2 * MARGIN, Inches(1.5)
    title.text_frame.text = item.title
    title.text_frame.word_wrap = True
    for run in title.text_frame.paragraphs[0].runs:
        run.font.size, run.font.bold, run.font.name = Pt(40), True, FONT
        run.font.color.rgb = DARK
    title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = MARGIN, Inches(3.9), WIDTH - 2 * MARGIN, Inches(2.4)
    frame = subtitle.text_frame
    lines = [*item.notes, lb.t(f"boundaries.{deck.boundaries}", deck.lang)]
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.LEFT
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(28 if index < 2 else 22)
        run.font.bold = index == 1
        run.font.name = FONT
        run.font.color.rgb = DARK if index < 2 else GREY
    _badge(slide, deck)
    _footer(slide, deck, item, number, total)
    _speaker_notes(slide, item)


def _content(prs, deck: Deck, item: Slide, number: int, total: int) -> None:  # type: ignore[no-untyped-def]
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    _title(slide, item.title)
    subtitle = _text(slide, MARGIN, Inches(1.12), Inches(12.3), Inches(0.45), [item.subtitle], size=18, colour=GREY)
    subtitle.name = "subtitle"
    _badge(slide, deck)
    top = Inches(1.75)
    bottom = HEIGHT - Inches(0.7)
    if item.figures:
        _cards(slide, item.figures, top)
        if item.notes:
            _text(
                slide,
                MARGIN,
                Inches(5.75),
                Inches(12.3),
                Inches(0.9),
                ["   ·   ".join(item.notes)],
                size=22,
                bold=True,
                colour=ACCENT,
            ).name = "notes"
    elif item.chart is not None:
        notes_width = Inches(3.7) if item.notes else 0
        chart_width = WIDTH - 2 * MARGIN - notes_width - (Inches(0.2) if item.notes else 0)
        frame = slide.shapes.add_chart(
            chart_type(item.chart), MARGIN, top, chart_width, bottom - top, chart_data(item.chart)
        )
        frame.name = f"chart-{item.key}"
        style_chart(frame.chart, item.chart, SCREEN, deck.lang)
        if item.notes:
            _text(
                slide,
                WIDTH - MARGIN - notes_width,
                top + Inches(0.2),
                notes_width,
                bottom - top - Inches(0.2),
                [f"• {line}" for line in item.notes],
                size=_notes_size(item.notes),
                spacing=8,
            ).name = "notes"
    else:
        _text(
            slide,
            MARGIN,
            top + Inches(0.5),
            Inches(12.3),
            Inches(3.5),
            [f"• {line}" for line in item.notes],
            size=24,
            spacing=14,
        ).name = "notes"
    _footer(slide, deck, item, number, total)
    _speaker_notes(slide, item)


def _notes_size(lines: tuple[str, ...], width_in: float = 3.6, height_pt: float = 330) -> float:
    """The largest of 17, 15 and 13 pt at which the notes fit their box above the footer."""
    for size in (17, 15, 13):
        per_line = max(int(width_in * 72 / (size * 0.52)), 1)  # characters of Arial per line, roughly
        height = sum(math.ceil((len(line) + 2) / per_line) * size * 1.2 + 8 for line in lines)
        if height <= height_pt:
            return size
    return 13


def _cards(slide: PptxSlide, figures: tuple[Figure, ...], top: int) -> None:
    columns = 4
    gap = Inches(0.2)
    width = Emu(int((WIDTH - 2 * MARGIN - gap * (columns - 1)) / columns))
    height = Inches(1.9)
    for index, figure in enumerate(figures):
        row, column = divmod(index, columns)
        left = MARGIN + (width + gap) * column
        y = top + (height + gap) * row
        card = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, y, width, height)
        card.adjustments[0] = 0.08
        card.fill.solid()
        card.fill.fore_color.rgb = LIGHT
        card.line.color.rgb = RGBColor(0xD9, 0xDD, 0xE3)
        card.name = f"card-{figure.code}"
        frame = card.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        frame.margin_left = frame.margin_right = Inches(0.15)
        for line_index, (text, size, bold, colour) in enumerate(
            ((figure.label, 16, False, GREY), (figure.value, 40, True, DARK), (figure.note, 13, False, GREY))
        ):
            paragraph = frame.paragraphs[0] if line_index == 0 else frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.LEFT
            run = paragraph.add_run()
            run.text = text
            run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
            run.font.color.rgb = colour

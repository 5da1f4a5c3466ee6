"""Trình chiếu: the ready-made deck (:func:`etl.reports.deck.build_deck`) for the sidebar's area and
period, one slide per screen for the meeting room; the whole deck as PowerPoint, Word, Excel and
PDF; each chart as a PNG or SVG picture.

A screen reads only its own slide (:func:`dashboard.queries.deck_slide`) and the deck's outline
(its area, period, source and slide titles: :func:`dashboard.queries.deck_outline`); the whole
deck, every slide's figures, is built only when a file is asked for (the download buttons make
their file when clicked).

Charts added from the other pages ("➕ Thêm vào trình chiếu" under each chart, kept for the browser
session in ``qcdc_extra_slides``) follow the ready-made deck, here and in the PowerPoint file.

The slide number is kept in the URL (``?slide=3``); "◀ Trước" / "Sau ▶" (or the ← → keys, Streamlit's
button shortcuts) move between slides. The meeting-screen switch hides the sidebar and the downloads.
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, exports, queries, state, ui
from etl.reports import ConversionFailed, ConverterMissing, Deck, NoData, Slide
from etl.reports.build import MEDIA_TYPES
from etl.reports.slides import Outline

MEETING_KEY = "qcdc_deck_meeting"  # the meeting screen on or off, kept for the browser session
MEETING_WIDGET = "deck_meeting"
PDF_KEY = "deck_pdf"  # (deck key, None when made | the message why not): the PDF asked for
COVER_COLUMNS = 4  # overview cards per row: two rows of four

# Fixed style rules (no user text): the sidebar hidden on the meeting screen, large type for the slide.
HIDE_SIDEBAR = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"]
{display: none !important;}
</style>"""
LARGE_TYPE = """<style>
.st-key-deck_slide h1 {font-size: 3rem;}
.st-key-deck_notes p, .st-key-deck_notes li {font-size: 1.45rem; line-height: 1.5;}
.st-key-deck_cover p {font-size: 2rem; line-height: 1.6;}
.st-key-deck_cards [data-testid="stMetricValue"] {font-size: 2.6rem;}
</style>"""

f = state.current(__file__)
lang = f.lang


def _go(number: int) -> None:
    """``on_click`` of the navigation buttons: the slide to show, kept in the URL."""
    state.remember("slide", str(number) if number > 1 else None)


def _keep_meeting() -> None:
    """``on_change`` of the meeting-screen toggle: kept outside the widget, which is seeded from it
    on every run (as :func:`dashboard.ui.unapproved_switch` does)."""
    st.session_state[MEETING_KEY] = bool(st.session_state.get(MEETING_WIDGET))


def _position(total: int) -> int:
    """The slide number from the URL, 1 … ``total`` (a wrong or missing one gives the first)."""
    number = state.decode_int(state.raw("slide")) or 1
    number = min(max(number, 1), total)
    state.remember("slide", str(number) if number > 1 else None)  # the first slide needs no parameter
    return number


def _make_pdf(key: tuple[int, str, str, str]) -> None:
    """``on_click`` of "Tạo PDF": convert now (LibreOffice), keep the outcome for the page."""
    try:
        queries.report_file(*key, "pdf")
    except (ConverterMissing, ConversionFailed) as exc:
        st.session_state[PDF_KEY] = (key, str(exc))
    else:
        st.session_state[PDF_KEY] = (key, None)


def _remove_extras() -> None:
    """``on_click`` of "Bỏ các biểu đồ đã thêm": back to the ready-made deck (its first slide when
    the one shown was an added chart)."""
    st.session_state.pop(ui.EXTRA_SLIDES_KEY, None)
    state.remember("slide", None)


def _extras() -> tuple[Slide, ...]:
    return tuple(st.session_state.get(ui.EXTRA_SLIDES_KEY, ()))


def _file_name(deck: Deck, suffix: str) -> str:
    return f"qcdc-{deck.area_code.replace(':', '-')}-{deck.period}.{suffix}"


def _navigation(number: int, total: int) -> None:
    back, where, forward, _, switch = st.columns([1, 0.6, 1, 3, 2.4], vertical_alignment="center")
    back.button(
        f.t("deck.previous"),
        key="deck_previous",
        on_click=_go,
        args=(number - 1,),
        disabled=number <= 1,
        shortcut="Left",
        width="stretch",
    )
    where.markdown(f"**{number}/{total}**")
    forward.button(
        f.t("deck.next"),
        key="deck_next",
        on_click=_go,
        args=(number + 1,),
        disabled=number >= total,
        shortcut="Right",
        type="primary",
        width="stretch",
        help=f.t("deck.keys"),
    )
    st.session_state[MEETING_WIDGET] = bool(st.session_state.get(MEETING_KEY, False))
    switch.toggle(
        f.t("deck.meeting_screen"), key=MEETING_WIDGET, on_change=_keep_meeting, help=f.t("deck.meeting_help")
    )


def _cover(slide: Slide) -> None:
    with st.container(key="deck_cover"):
        st.markdown("\n\n".join(ui.plain(line) for line in slide.notes))


def _cards(slide: Slide) -> None:
    with st.container(key="deck_cards"):
        for start in range(0, len(slide.figures), COVER_COLUMNS):
            columns = st.columns(COVER_COLUMNS)
            for column, figure in zip(columns, slide.figures[start : start + COVER_COLUMNS], strict=False):
                with column:
                    st.metric(figure.label, figure.value, border=True)
                    if figure.note:
                        st.caption(ui.plain(figure.note))
    _notes(slide)


def _notes(slide: Slide) -> None:
    if slide.notes:
        with st.container(key="deck_notes"):
            st.markdown("\n".join(f"- {ui.plain(line)}" for line in slide.notes))


def _pictures(fig: object, name: str, problem: str | None) -> None:
    if problem:
        st.info(problem, icon="🖼️")
        return
    png, svg, _ = st.columns([1, 1, 4])
    for column, fmt in ((png, "png"), (svg, "svg")):
        column.download_button(
            f.t(f"deck.{fmt}"),
            data=lambda fmt=fmt: charts.picture(fig, fmt),  # drawn by kaleido when clicked
            file_name=f"{name}.{fmt}",
            mime="image/png" if fmt == "png" else "image/svg+xml",
            icon="🖼️",
            key=f"deck_{fmt}",
            on_click="ignore",
        )


def _chart(slide: Slide, deck: Deck, meeting: bool) -> None:
    if slide.chart is None:
        ui.empty(f.t("deck.no_slide_chart"))
        _notes(slide)
        return
    fig = charts.deck_chart(slide.chart, f.chart_context(area=deck.area), sub=slide.subtitle)
    left, right = st.columns([3, 1])
    with left:
        ui.chart(fig, key=f"deck_chart_{slide.key}", addable=False)
    with right:
        _notes(slide)
    if not meeting:
        _pictures(fig, _file_name(deck, slide.key).rsplit(".", 1)[0], charts.picture_problem(lang))


def _downloads(deck: Deck, key: tuple[int, str, str, str], extras: tuple[Slide, ...]) -> None:
    st.subheader(f.t("deck.downloads"))
    if extras:
        note, remove = st.columns([4, 1.4], vertical_alignment="center")
        note.caption(f.t("deck.extras", count=len(extras)))
        remove.button(f.t("deck.remove_extras"), key="deck_remove_extras", on_click=_remove_extras, icon="🗑️")
    columns = st.columns(4)
    for column, fmt in zip(columns, ("pptx", "docx", "xlsx"), strict=False):
        with column:
            if fmt == "docx" and lang != "vi":
                st.caption(f.t("deck.docx_vi_only"))
                continue
            # Made when clicked (seconds for a province; the run shows the slide meanwhile): the
            # whole deck is read then, never to show one slide.
            if fmt == "pptx" and extras:  # with the added charts
                data = lambda: exports.deck_pptx_bytes(queries.deck(*key), extras)  # noqa: E731
            else:
                data = lambda fmt=fmt: queries.report_file(*key, fmt)  # noqa: E731
            st.download_button(
                f.t(f"deck.{fmt}"),
                data=data,
                file_name=_file_name(deck, fmt),
                mime=MEDIA_TYPES[fmt],
                icon="⬇️",
                key=f"deck_{fmt}",
                on_click="ignore",
                width="stretch",
            )
    with columns[3]:
        asked = st.session_state.get(PDF_KEY)
        message = asked[1] if asked and asked[0] == key else None
        pdf = None
        if asked and asked[0] == key and message is None:
            try:
                pdf = queries.report_file(*key, "pdf")  # made by the button's callback: cached
            except (ConverterMissing, ConversionFailed) as exc:
                message = str(exc)
        if pdf is not None:
            st.download_button(
                f.t("deck.pdf"),
                data=pdf,
                file_name=_file_name(deck, "pdf"),
                mime=MEDIA_TYPES["pdf"],
                icon="⬇️",
                key="deck_pdf_download",
                on_click="ignore",
                width="stretch",
            )
        else:
            st.button(
                f.t("deck.pdf_make"),
                key="deck_pdf_make",
                on_click=_make_pdf,
                args=(key,),
                help=f.t("deck.pdf_help"),
                width="stretch",
            )
        if message:
            st.warning(message, icon="⚠️")


def _slide(outline: Outline, key: tuple[int, str, str, str], number: int, extras: tuple[Slide, ...]) -> Slide:
    """Slide ``number``: one of the ready-made deck (only its figures read), or an added chart."""
    if number <= len(outline.keys):
        return queries.deck_slide(*key, outline.keys[number - 1])
    return extras[number - 1 - len(outline.keys)]


def page() -> None:
    key = (f.area.unit_id, f.period, f.boundaries, lang)
    try:
        outline = queries.deck_outline(*key)
    except NoData:
        ui.header(f, "page.trinh_chieu", "")
        ui.empty(f.t("empty.period"))
        return
    deck = outline.deck  # what the deck is about; its slides are read one at a time
    meeting = bool(st.session_state.get(MEETING_KEY))
    st.markdown(LARGE_TYPE + (HIDE_SIDEBAR if meeting else ""), unsafe_allow_html=True)
    extras = _extras()
    total = len(outline.keys) + len(extras)
    number = _position(total)
    slide = _slide(outline, key, number, extras)
    _navigation(number, total)
    with st.container(key="deck_slide"):
        st.title(slide.title)
        st.subheader(ui.plain(slide.subtitle))
        if deck.sample:
            st.badge(f.t("sample.badge"), color="red")
        if slide.key == "cover":
            _cover(slide)
        elif slide.figures:
            _cards(slide)
        else:
            _chart(slide, deck, meeting)
        st.caption(ui.plain(slide.source) + (f" · {f.t('sample.badge')}" if slide.sample else ""))
    if not meeting:
        st.divider()
        _downloads(deck, key, extras)


page()

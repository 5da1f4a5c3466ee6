"""What every page shares: the sidebar filters, the page header, error and empty states, charts,
tables with Vietnamese number format, and download buttons."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.delta_generator import DeltaGenerator
from streamlit.navigation.page import StreamlitPage

from dashboard import queries, state
from dashboard.exports import csv_bytes, xlsx_bytes
from dashboard.i18n import LANGUAGES, indicator_name, period_label, t
from etl.errors import QcdcError
from etl.indicators import indicator_catalog
from etl.queries import AreaOption, label_within
from etl.text import format_number

PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "scale": 2, "width": 1600, "height": 900},
    "locale": "vi",
}
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


# ------------------------------------------------------------------------------------------------
# Sidebar
# ------------------------------------------------------------------------------------------------


def page_links(menu: DeltaGenerator, pages: Sequence[StreamlitPage]) -> None:
    """The navigation: links that keep the filters in the URL, so that a page switch is one
    browser history entry and the back button returns to the previous view."""
    with menu:
        for page in pages:
            st.page_link(page, query_params=state.url_params(), width="stretch")
        st.divider()


def language_switch() -> str:
    with st.sidebar:
        return state.choose(
            "lang",
            LANGUAGES,
            "vi",
            label=t("filter.language", state.language()),
            format_func=LANGUAGE_NAMES.get,
            widget=st.radio,
            horizontal=True,
        )


def sidebar_filters(lang: str) -> state.Filters | None:
    """Area (a province, then the area within it), period, range and boundaries; ``None`` (with a
    message) when there is nothing to show."""
    provinces = queries.province_options()
    periods = queries.periods_with_data()
    if not provinces or not periods:
        st.info(t("empty.database", lang))
        return None
    with st.sidebar:
        area = state.choose_area(
            provinces,
            queries.province_areas,
            queries.province_of,
            queries.default_area() or provinces[0],
            labels=(t("filter.province", lang), t("filter.area", lang)),
            format_province=lambda p: p.label_en if lang == "en" else p.label_vi,
            format_area=lambda a, p: area_choice_label(a, p, lang),
        )
        newest_first = list(reversed(periods))
        period = state.choose(
            "period",
            newest_first,
            newest_first[0],
            label=t("filter.period", lang),
            format_func=lambda p: period_label(p, lang),
        )
        st.markdown(f"**{t('filter.range', lang)}**")
        first, last = state.choose_range(
            periods,
            labels=(t("filter.from", lang), t("filter.to", lang)),
            format_func=lambda p: period_label(p, lang),
        )
        boundaries = state.choose(
            "bnd",
            state.boundaries_options(),
            "reported",
            label=t("filter.boundaries", lang),
            format_func=lambda b: t(f"boundaries.{b}", lang),
            widget=st.radio,
            help=t("boundaries.help", lang),
        )
        sample = queries.is_sample_data()
        if sample:
            st.badge(t("sample.badge", lang), color="red")
            st.caption(t("sample.note", lang))
    return state.Filters(
        lang=lang,
        area=area,
        period=period,
        periods=state.half_years(first, last),
        boundaries=boundaries,
        sample=sample,
        updated=queries.last_update(area.unit_id),
        all_periods=tuple(periods),
    )


def area_choice_label(area: AreaOption, province: AreaOption, lang: str) -> str:
    """How the area box names an area of the chosen province: the province itself as the whole of
    it, the others without the province and catalog the province box shows already ("Huyện Kiên
    Lương", "Xã Hòn Nghệ, Huyện Kiên Lương")."""
    if area.unit_id == province.unit_id:
        return t("filter.whole_province", lang, name=province.name)
    return label_within(area, province, lang)


# ------------------------------------------------------------------------------------------------
# Page pieces
# ------------------------------------------------------------------------------------------------


def header(f: state.Filters, page_key: str, when: str) -> None:
    """The page title, then where, when, which boundaries, and the sample badge."""
    st.title(f.t(page_key))
    parts = [f"**{f.area_label}**", when, f.t(f"boundaries.caption.{f.boundaries}")]
    st.caption(" · ".join(p for p in parts if p))
    if f.sample:
        st.badge(f.t("sample.badge"), color="red")


@contextmanager
def guarded(lang: str) -> Iterator[None]:
    """Show the project's typed errors as a message that says what to do, never a traceback."""
    try:
        yield
    except QcdcError as exc:
        st.error(t("error.data", lang, message=str(exc)))
    except SQLAlchemyError as exc:
        st.error(t("error.database", lang, message=type(exc).__name__))


def empty(message: str) -> None:
    st.info(message, icon="ℹ️")


EXTRA_SLIDES_KEY = "qcdc_extra_slides"  # the charts added to the presentation, kept for the browser session


def _add_slide(slide: object, lang: str) -> None:
    """``on_click`` of "➕ Thêm vào trình chiếu": the chart's slide after the ready-made deck."""
    extras = list(st.session_state.get(EXTRA_SLIDES_KEY, ()))
    extras.append(replace(slide, key=f"extra-{len(extras) + 1}"))  # type: ignore[type-var]
    st.session_state[EXTRA_SLIDES_KEY] = extras
    st.toast(t("deck.added", lang, count=len(extras)), icon="➕")


def _frame_digest(frame: pd.DataFrame) -> bytes:
    """A DataFrame's whole content as a cache key (Streamlit's own hash samples frames of 50.000
    rows and more, where a changed figure could then go unseen)."""
    rows = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    return rows + repr((list(frame.columns), [str(d) for d in frame.dtypes])).encode()


class SharedFigure(go.Figure):
    """A figure kept in the cache and drawn by many runs: its dict, which ``st.plotly_chart`` asks
    for on every run (a deep copy of every array, a tenth of a second for a national heat map),
    is worked out once. Nothing may change the figure after that."""

    _spec: dict[str, object] | None = None

    def to_dict(self) -> dict[str, object]:
        if self._spec is None:
            self._spec = super().to_dict()
        return self._spec


FIGURES_KEPT = 64  # built figures per process (a national heat map's is about a megabyte)


@st.cache_resource(
    ttl=queries.TTL, max_entries=FIGURES_KEPT, show_spinner=False, hash_funcs={pd.DataFrame: _frame_digest}
)
def _built(builder: str, args: tuple[object, ...], kwargs: tuple[tuple[str, object], ...]) -> go.Figure:
    from dashboard import charts

    fig = getattr(charts, builder)(*args, **dict(kwargs))
    fig.__class__ = SharedFigure  # the same object, with to_dict kept: no copy, no second validation
    return fig


def figure(builder: Callable[..., go.Figure], *args: object, **kwargs: object) -> go.Figure:
    """``builder(*args, **kwargs)``, a chart of :mod:`dashboard.charts`, built once for the same
    inputs and shared by every run and session after that (the key is the inputs' content, so new
    data or another language builds a new figure). Building a large figure (a heat map of a few
    hundred units, the NTM panels) costs more than the rest of a page's run once its queries are
    cached. The figure is shared: nothing may change it after it is built."""
    return _built(builder.__name__, args, tuple(sorted(kwargs.items())))


def chart(fig: go.Figure, key: str, *, addable: bool = True) -> None:
    """A chart in the dashboard's style; below it (``addable``, and for bar and line charts) the
    button that adds it to the presentation (:mod:`dashboard.pages.trinh_chieu`)."""
    st.plotly_chart(fig, config=PLOTLY_CONFIG, key=key, theme=None)
    from dashboard.charts import can_be_slide, slide_from_figure

    if not addable or not can_be_slide(fig):
        return
    lang = state.language()
    st.button(
        t("deck.add", lang),
        key=f"{key}_add_slide",
        on_click=_add_slide,
        args=(slide_from_figure(fig, key=key), lang),
        help=t("deck.add_help", lang),
        type="tertiary",
    )


def indicator_picker(f: state.Filters, default: str, *, codes: Sequence[str] | None = None, key: str = "ind") -> str:
    catalog = indicator_catalog()
    options = list(codes) if codes is not None else [c for c in catalog.codes if c != "NTM_YEAR"]
    return state.choose(
        key,
        options,
        default,
        label=f.t("filter.indicator"),
        format_func=lambda c: f"{indicator_name(c, f.lang)} ({c})",
    )


def number(value: float | None, decimals: int = 0, lang: str = "vi") -> str:
    if value is None or pd.isna(value):
        return "–"
    return format_number(float(value), decimals, "en" if lang == "en" else "vi")


def decimals_for(indicator: str) -> int:
    return 1 if indicator in {"CMP_RATE", "NTM_CRITERIA_MET"} else 0


STYLED_CELLS = 2_000  # pandas' Styler costs ~60 µs a cell on every run: past this, the browser formats


def table(
    frame: pd.DataFrame,
    *,
    lang: str,
    decimals: Mapping[str, int] | None = None,
    key: str | None = None,
    height: int | None = None,
) -> None:
    """A sortable table; numbers shown the Vietnamese way (1.050 and 85,5) and still sorted as
    numbers. Whole numbers without decimals, others with one, unless ``decimals`` (column →
    places) says otherwise; a missing value shows "–".

    Whole numbers under 1.000 read the same in every convention: shown as they are. Other numbers
    go through pandas' Styler, whose cost grows with the cells; a table of more than
    :data:`STYLED_CELLS` cells (a whole country's units over years) has those columns formatted by
    the browser in its own locale instead (Vietnamese in a Vietnamese browser)."""
    decimals = dict(decimals or {})
    numeric = [
        c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]
    plain = [c for c in numeric if not decimals.get(c) and _plain_whole(frame[c])]
    formatted = [c for c in numeric if c not in plain]
    config: dict[str, object] = {c: st.column_config.NumberColumn(format="%d") for c in plain}
    shown: pd.DataFrame | object = frame
    if formatted and frame.size <= STYLED_CELLS:
        formats = {c: (lambda v, c=c: number(v, decimals.get(c, _places(v)), lang)) for c in formatted}
        shown = frame.style.format(formats, na_rep="–")
    else:
        config.update({c: st.column_config.NumberColumn(format="localized") for c in formatted})
    kwargs = {"height": height} if height else {}
    st.dataframe(shown, hide_index=True, width="stretch", key=key, column_config=config or None, **kwargs)


def _plain_whole(column: pd.Series) -> bool:
    """Whole numbers under 1.000, none missing: the same in Vietnamese and in plain digits."""
    values = pd.to_numeric(column, errors="coerce")
    return bool(values.notna().all() and (values == values.round()).all() and (values.abs() < 1000).all())


def _places(value: object) -> int:
    try:
        return 0 if float(value).is_integer() else 1  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def downloads(frame: pd.DataFrame, *, name: str, f: state.Filters, key: str) -> None:
    """CSV (UTF-8 with BOM) and Excel of the table the page shows, made when the button is
    clicked (a national table takes seconds to write as Excel: never on every run)."""
    source = f.chart_context().source_line()
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        f.t("download.csv"),
        data=lambda: csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon="⬇️",
        key=f"{key}_csv",
        on_click="ignore",
    )
    right.download_button(
        f.t("download.xlsx"),
        data=lambda: xlsx_bytes(frame, sheet=name[:31], source=source),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon="⬇️",
        key=f"{key}_xlsx",
        on_click="ignore",
    )


def labelled(codes: pd.Series, label: Callable[[str], str]) -> pd.Series:
    """``label`` of every code, worked out once per distinct code (a national table repeats a few
    dozen periods and indicators over thousands of rows)."""
    return codes.map({code: label(code) for code in codes.unique()})


def values_table(values: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``unit_values`` rows as a readable table with a source column (labels in the language)."""
    out = pd.DataFrame(
        {
            t("col.period", lang): labelled(values["period"], lambda p: period_label(p, lang)),
            t("col.unit_code", lang): values["unit_code"].astype(str),
            t("col.unit", lang): values["unit_name"],
            t("col.indicator", lang): labelled(values["indicator"], lambda c: indicator_name(c, lang)),
            t("col.value", lang): values["value"].astype(float),
            t("col.source", lang): values["source"],
        }
    )
    if "partial" in values and values["partial"].any():
        out[t("col.partial", lang)] = [t("yes", lang) if p else "" for p in values["partial"]]
    if "approved" in values and not values["approved"].astype(bool).all():  # only with "gồm số liệu chưa duyệt"
        out[t("col.unapproved", lang)] = [t("yes", lang) if not a else "" for a in values["approved"].astype(bool)]
    return out


def unit_colours(f: state.Filters, codes: Iterable[object]) -> dict[str, str]:
    """The colour of each unit drawn (``codes``): its place among the codes of every unit of the
    area, over both catalogs, in the palette: the same in every chart, as
    :func:`dashboard.charts.colour_map` of all the area's codes would give (ranked in SQL: only
    the units drawn are read)."""
    from dashboard.charts import PALETTE

    ends = tuple(dict.fromkeys((f.all_periods[0], f.all_periods[-1])))
    ranks = queries.code_ranks(f.area.unit_id, ends, tuple(str(c) for c in codes))
    return {code: PALETTE[rank % len(PALETTE)] for code, rank in ranks.items()}


# ------------------------------------------------------------------------------------------------
# Data entry and review (issue 4): helpers the writing pages share
# ------------------------------------------------------------------------------------------------

_MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+-.!|<>~$:=\"'&")


def plain(text: object) -> str:
    """Text that a user typed (or that quotes what they typed), escaped so that Markdown shows it
    literally: no link, image, colour directive, formula or HTML is ever made of it."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in str(text))


def status_label(status: object, lang: str) -> str:
    """ "Đang nhập", "Đã duyệt" … for a :class:`etl.submissions.Status`."""
    from etl.submissions import STATUS_LABELS_EN, STATUS_LABELS_VI, Status

    try:
        key = Status(str(status))
    except ValueError:
        return str(status)
    return (STATUS_LABELS_EN if lang == "en" else STATUS_LABELS_VI)[key]


def moment(value: object) -> str:
    """A stored (UTC) time in the configured time zone, "29/11/2026 14:05"; "–" when missing."""
    from datetime import date as _date
    from datetime import datetime as _datetime

    from etl.settings import get_settings
    from etl.text import format_datetime

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        value = _datetime.fromisoformat(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, _datetime):
        return format_datetime(value, get_settings().timezone)
    if isinstance(value, _date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def day(value: object) -> str:
    """A date as "31/12/2026"; "–" when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        from datetime import date as _date

        value = _date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")  # type: ignore[union-attr]


def problems_table(problems: Sequence[object], lang: str) -> pd.DataFrame:
    """Located problems (:class:`etl.errors.Problem`) as a table: sheet, row, column, message, value
    (shown with ``st.dataframe``, which never reads its cells as Markdown or HTML)."""
    rows = []
    for p in problems:
        location = p.location  # type: ignore[attr-defined]
        column = location.column
        rows.append(
            {
                t("col.severity", lang): t("severity.error" if p.is_error else "severity.warning", lang),  # type: ignore[attr-defined]
                t("col.sheet", lang): location.sheet or "",
                t("col.row", lang): str(location.row) if location.row else "",
                t("col.column", lang): indicator_name(column, lang) if column in indicator_catalog() else column,
                t("col.message", lang): p.message,  # type: ignore[attr-defined]
                t("col.typed", lang): p.value,  # type: ignore[attr-defined]
            }
        )
    return pd.DataFrame(rows)


def _keep_unapproved() -> None:
    st.session_state[queries.UNAPPROVED_KEY] = bool(st.session_state.get("w_unapproved"))


def unapproved_switch(lang: str) -> bool:
    """The sidebar switch "gồm số liệu chưa duyệt": off by default (the dashboard counts a
    submission's figures once approved). Kept for the browser session, outside the widget (seeded on
    every run, like :mod:`dashboard.state`'s widgets), and read by
    :func:`dashboard.queries.official_only`."""
    st.session_state["w_unapproved"] = bool(st.session_state.get(queries.UNAPPROVED_KEY, False))
    with st.sidebar:
        st.toggle(
            t("filter.unapproved", lang),
            key="w_unapproved",
            on_change=_keep_unapproved,
            help=t("filter.unapproved_help", lang),
        )
    return not queries.official_only()


# ------------------------------------------------------------------------------------------------
# Pieces shared by the writing pages
# ------------------------------------------------------------------------------------------------

_FLASH_SHOW = {"success": (st.success, "✅"), "error": (st.error, "⛔"), "info": (st.info, "ℹ️")}


def flash(key: str, kind: str, text: str) -> None:
    """Keep a message for the next run (buttons act through callbacks, the page then reruns)."""
    st.session_state[key] = (kind, text)


def show_flash(key: str) -> None:
    """Show, once, the message :func:`flash` kept under ``key``."""
    kind, text = st.session_state.pop(key, (None, None))
    if kind in _FLASH_SHOW:
        show, icon = _FLASH_SHOW[kind]
        show(text, icon=icon)


def figure_text(code: str, values: Mapping[str, float], lang: str) -> str:
    """One stored figure as a form shows it: "–" when not reported, NTM level in words."""
    from dashboard.i18n import ntm_level_label

    if code not in values:
        return "–"
    if code == "NTM_LEVEL":
        return ntm_level_label(values[code], lang)
    if code == "NTM_YEAR":
        return str(int(values[code]))
    value = float(values[code])
    return number(value, 0 if value.is_integer() else 1, lang)


def reporting_notice(f: state.Filters, status: pd.DataFrame) -> None:
    """Who has not reported, or only partly, in a completeness frame (etl.queries.completeness)."""
    missing = status.loc[status["status"] == "missing", "unit_name"].tolist()
    partial = status.loc[status["status"] == "partial", "unit_name"].tolist()
    if missing:
        st.warning(f.t("overview.missing", names=", ".join(missing)), icon="⏳")
    if partial:
        st.info(f.t("overview.partial", names=", ".join(partial)))
    if not missing and not partial and len(status):
        st.success(f.t("overview.all_reported"))

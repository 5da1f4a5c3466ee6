"""The view's filters, kept in the URL so that a link restores the view and the back button works.

URL parameters (all optional; the app writes back the full set after each run)::

    ?lang=vi&area=703&period=2019S1&from=2017S1&to=2026S2&bnd=current&ind=DLG_HELD&units=30787,30790&unit=10247&years=1

* ``lang`` — ``vi`` (default) or ``en``;
* ``area`` — the area's unit id (:class:`etl.queries.AreaOption`), of any level, default the smallest
  area that holds all the data; the sidebar picks it in two boxes, its province then the area (the
  province box is not a parameter: it follows the area, see :func:`choose_area`);
* ``period`` — the period of the overview, ranking, NTM and reporting pages, default the latest;
* ``from`` / ``to`` — the first and last half-year of the range (trend, heat map, NTM levels,
  profile, reporting matrix), default every period with figures;
* ``bnd`` — ``reported`` ("như đã báo cáo", default) or ``current`` ("theo địa giới hiện nay");
* ``ind`` — an indicator code; ``units`` — unit codes, comma separated; ``unit`` — the unit id of
  the profile; ``years`` — ``1`` to roll the trend up by year.
* ``form_period`` / ``form_unit`` — the period and unit id of the data-entry, review and history
  pages (a unit outside the signed-in account's scope is refused, never shown).
* ``slide`` — the slide shown by the presentation page, from 1.

How it works: each run starts with :func:`sync_from_url`. When the URL differs from what the app
last wrote (a link was opened, the back button pressed) its parameters win; otherwise the values
kept in ``st.session_state`` do (a page switch clears the URL; the values survive it). Widgets are
created through the helpers below, which seed them from those values, and :func:`write_url` puts
the whole set back into ``st.query_params`` at the end of the run (one history entry per change).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from dashboard.charts import ChartContext
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from etl.periods import parse_period, period_range
from etl.queries import AreaOption, Boundaries

T = TypeVar("T")

URL_KEYS = (
    "lang",
    "area",
    "period",
    "from",
    "to",
    "bnd",
    "ind",
    "units",
    "unit",
    "years",
    "form_period",
    "form_unit",
    "slide",
)
_STORE = "qcdc_filters"  # raw (string) value per URL key: survives page switches
_SEEN = "qcdc_url_written"  # the parameters the app last wrote
_CURRENT = "qcdc_current_filters"  # the Filters of this run, for the page
_GOTO = "qcdc_goto_page"  # a page to show once the router has run
_WIDGET = "w_"  # widget keys: w_area, w_period, …


@dataclass(frozen=True)
class Filters:
    """The filters every page reads (set by the sidebar in ``app.py``)."""

    lang: str
    area: AreaOption
    period: str
    periods: tuple[str, ...]  # every half-year of the chosen range, reported or not
    boundaries: str
    sample: bool = False
    updated: date | None = None
    all_periods: tuple[str, ...] = field(default_factory=tuple)  # periods holding figures

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    @property
    def area_name(self) -> str:
        return self.area.name

    @property
    def area_label(self) -> str:
        return self.area.label_en if self.lang == "en" else self.area.label_vi

    def chart_context(self, area: str | None = None) -> ChartContext:
        return ChartContext(
            lang=self.lang,
            area=area if area is not None else self.area.name,
            boundaries=self.boundaries,
            updated=self.updated,
            sample=self.sample,
        )


# ------------------------------------------------------------------------------------------------
# URL ⇄ session
# ------------------------------------------------------------------------------------------------


def _store() -> dict[str, str]:
    if _STORE not in st.session_state:
        st.session_state[_STORE] = {}
    return st.session_state[_STORE]


def _url() -> dict[str, str]:
    return {k: v for k, v in st.query_params.to_dict().items() if k in URL_KEYS}


def sync_from_url() -> None:
    """Take the URL's parameters when the URL changed outside the app (a link, the back button)."""
    current = _url()
    if current == st.session_state.get(_SEEN):
        return
    _store().update(current)


def url_params() -> dict[str, str]:
    """The filters as URL parameters, in a fixed order."""
    store = _store()
    return {k: store[k] for k in URL_KEYS if store.get(k)}


def write_url() -> None:
    """Put the filters back into the URL when they changed (one browser history entry)."""
    wanted = url_params()
    if wanted != _url():
        st.query_params.from_dict(wanted)
    st.session_state[_SEEN] = wanted


def remember(key: str, value: str | None) -> None:
    store = _store()
    if value:
        store[key] = value
    else:
        store.pop(key, None)


def raw(key: str) -> str | None:
    return _store().get(key)


@contextmanager
def routed(filters: Filters) -> Iterator[None]:
    """The page runs inside this block: it finds its filters there, and only there (a page file
    run without the router finds none and goes through the router, see :func:`current`)."""
    st.session_state[_CURRENT] = filters
    try:
        yield
    finally:
        st.session_state.pop(_CURRENT, None)


def current(page_file: str) -> Filters:
    """The filters of this run (the sidebar sets them before the page runs).

    A page file can run without the router: a link to a page opened on a server that has just
    started runs it on its own (Streamlit serves ``pages/`` as a plain folder of pages until
    ``st.navigation`` first runs; AppTest does so on every run). The page is then sent through the
    router, which comes back to it with the same parameters (:func:`resume_page`)."""
    filters = st.session_state.get(_CURRENT)
    if filters is None:
        sync_from_url()
        st.session_state[_GOTO] = Path(page_file).stem
        st.switch_page("app.py")
    return filters


def resume_page() -> None:
    """In the router, after ``st.navigation``: go to the page a link asked for (see :func:`current`)."""
    page = st.session_state.pop(_GOTO, None)
    if page:
        st.switch_page(f"pages/{page}.py", query_params=url_params())


def language() -> str:
    value = raw("lang")
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


# ------------------------------------------------------------------------------------------------
# Widgets seeded from the URL
# ------------------------------------------------------------------------------------------------


def _from_widget(key: str, encode: Callable[[Any], str | None]) -> None:
    """``on_change``: a user's choice goes to the kept values before the script reruns."""
    remember(key, encode(st.session_state[_WIDGET + key]))


def _seeded(key: str, value: Any) -> str:
    """Put the kept value into the widget's state before the widget is created (every run, so a
    widget that another page also shows, or that was not shown for a while, starts right)."""
    widget_key = _WIDGET + key
    st.session_state[widget_key] = value
    return widget_key


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def choose(
    key: str,
    options: Sequence[T],
    default: T,
    *,
    label: str,
    format_func: Callable[[T], str] = str,
    widget: Callable[..., Any] | None = None,
    decode: Callable[[str | None], Any] | None = None,
    **kwargs: Any,
) -> T:
    """One value out of ``options`` (a selectbox unless ``widget`` says otherwise), kept in the URL
    as ``str(value)``; a value the options do not hold falls back to ``default``."""
    if default not in options and options:
        default = options[0]
    by_text = {str(o): o for o in options}
    value = (decode or (lambda text: by_text.get(text or "")))(raw(key))
    widget_key = _seeded(key, value if value in options else default)
    (widget or st.selectbox)(
        label, options, key=widget_key, format_func=format_func, on_change=_from_widget, args=(key, _text), **kwargs
    )
    value = st.session_state[widget_key]
    remember(key, _text(value))
    return value


_MAX_UNIT_ID = 2**31 - 1  # unit ids are SQL integers: a larger number in the URL names no unit


def _to_province(widget_key: str) -> None:
    """``on_change`` of the province box: the province itself (the whole province) becomes the area."""
    remember("area", _text(st.session_state[widget_key]))


def choose_area(
    provinces: Sequence[AreaOption],
    areas_of: Callable[[int], Sequence[AreaOption]],
    province_of: Callable[[int], int | None],
    default: AreaOption,
    *,
    labels: tuple[str, str],
    format_province: Callable[[AreaOption], str],
    format_area: Callable[[AreaOption, AreaOption], str],
) -> AreaOption:
    """The area, picked in two selectboxes: a province (of ``provinces``), then an area of it
    (``areas_of(province id)``: the province itself first, then its districts and communes).

    Only the area is kept in the URL (``area``); the province box is not: it shows the province of
    the area (``province_of(unit id)``), and picking a province makes the province itself the area.
    An area the URL names that its province's list does not hold (an unknown unit, one without
    figures) falls back to ``default``. ``format_area(area, province)`` labels the second box."""
    by_id = {p.unit_id: p for p in provinces}
    wanted = decode_int(raw("area"))
    province_id = province_of(wanted) if wanted is not None and 0 < wanted <= _MAX_UNIT_ID else None
    if province_id is None or province_id not in by_id or wanted not in {a.unit_id for a in areas_of(province_id)}:
        wanted, province_id = default.unit_id, province_of(default.unit_id)
    if province_id is None or province_id not in by_id:  # the default lies in a province with figures: never fails
        wanted = province_id = provinces[0].unit_id
    widget_key = _seeded("province", province_id)
    st.selectbox(
        labels[0],
        list(by_id),
        key=widget_key,
        format_func=lambda i: format_province(by_id[i]),
        on_change=_to_province,
        args=(widget_key,),
    )
    province = by_id[province_id]
    areas = {a.unit_id: a for a in areas_of(province.unit_id)} or {province.unit_id: province}
    remember("area", _text(wanted))
    area_id = choose(
        "area", list(areas), wanted, label=labels[1], format_func=lambda i: format_area(areas[i], province)
    )
    return areas[area_id]


def _joined(values: Sequence[str]) -> str | None:
    return ",".join(values) or None


def choose_many(
    key: str,
    options: Sequence[str],
    *,
    label: str,
    format_func: Callable[[str], str] = str,
    **kwargs: Any,
) -> list[str]:
    """Several values (a multiselect), kept in the URL comma separated; none by default."""
    allowed = set(options)
    text = raw(key) or ""
    widget_key = _seeded(key, [v for v in dict.fromkeys(text.split(",")) if v in allowed])
    st.multiselect(
        label,
        list(options),
        key=widget_key,
        format_func=format_func,
        on_change=_from_widget,
        args=(key, _joined),
        **kwargs,
    )
    value = list(st.session_state[widget_key])
    remember(key, _joined(value))
    return value


def choose_range(
    options: Sequence[str], *, labels: tuple[str, str], format_func: Callable[[str], str] = str
) -> tuple[str, str]:
    """A range of periods (two selectboxes), kept in the URL as ``from`` and ``to``;
    a reversed range is put in order."""
    first = choose("from", list(options), options[0], label=labels[0], format_func=format_func)
    last = choose("to", list(options), options[-1], label=labels[1], format_func=format_func)
    if options.index(first) > options.index(last):
        first, last = last, first
    return first, last


def _on(value: Any) -> str | None:
    return "1" if value else None


def flag(key: str, *, label: str, **kwargs: Any) -> bool:
    """A toggle, kept in the URL as ``1`` when on."""
    widget_key = _seeded(key, raw(key) == "1")
    st.toggle(label, key=widget_key, on_change=_from_widget, args=(key, _on), **kwargs)
    value = bool(st.session_state[widget_key])
    remember(key, _on(value))
    return value


# ------------------------------------------------------------------------------------------------
# Helpers the pages share
# ------------------------------------------------------------------------------------------------


def half_years(first: str, last: str) -> tuple[str, ...]:
    """Every half-year from ``first`` to ``last``: a period nobody reported is still on the axis."""
    return tuple(p.code for p in period_range(parse_period(first), parse_period(last)))


def boundaries_options() -> tuple[str, ...]:
    return (Boundaries.REPORTED.value, Boundaries.CURRENT.value)


def decode_int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None

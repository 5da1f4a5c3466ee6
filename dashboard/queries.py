"""The only place the dashboard reads data: thin, cached wrappers around :mod:`etl.queries`.

The engine lives in ``st.cache_resource`` (one per database URL). Every query is an
``st.cache_data`` function whose arguments include the database URL and its data version
(:func:`etl.db.data_version`, bumped by every write), so a load or an edit invalidates the cache
on the next rerun and nothing is recomputed while the data stays the same. Arguments are plain and
hashable (tuples, not lists). Errors are the project's typed errors (:class:`etl.errors.QcdcError`).

Several ``qcdc serve`` processes may share one database (README, "Deployment"): the caches are
per process, but their key is the version the database holds, so a write through any process is
seen by every other one on its next rerun. The version is read once per run (one primary-key
``SELECT``; the router calls :func:`new_run` first), and again after this process commits a write.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Connection, Engine, event
from streamlit.runtime.scriptrunner import get_script_run_ctx

from etl import queries as etl_queries
from etl.db import data_version, get_engine, schema_is_current
from etl.reports import slides as deck_slides
from etl.reports.build import report_bytes
from etl.reports.data import load_report_data
from etl.reports.deck import build_deck
from etl.reports.model import Deck, Slide
from etl.reports.slides import Outline
from etl.settings import get_settings
from etl.text import format_datetime

TTL = 3600  # seconds; the data version does the real invalidation
MAX_ENTRIES = 256


_RUN_VERSION = "qcdc_run_data_version"  # (url, commits seen, version), for the rest of this run
_TICKETS = itertools.count(1)
_LAST_COMMIT = {"ticket": 0}  # changes whenever a transaction of this process commits
_READY: set[str] = set()  # URLs whose schema was found current (it stays so while this code runs)


def _on_commit(_connection: Connection) -> None:
    _LAST_COMMIT["ticket"] = next(_TICKETS)


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = get_engine(url)
    if not event.contains(engine, "commit", _on_commit):
        event.listen(engine, "commit", _on_commit)
    return engine


def database_url() -> str:
    return get_settings().database_url


def engine() -> Engine:
    return _engine(database_url())


def is_ready() -> bool:
    """True when the database has the project's schema (``qcdc init`` or ``qcdc demo`` has run).
    Checked on every run until it is true, then once per process (it costs three queries and a
    read of the migration scripts)."""
    url = database_url()
    if url in _READY:
        return True
    ready = schema_is_current(engine())
    if ready:
        _READY.add(url)
    return ready


def new_run() -> None:
    """The router's first call in every run: the data version is read again, once."""
    if get_script_run_ctx() is not None:
        st.session_state.pop(_RUN_VERSION, None)


def version() -> int:
    """The data version held by the database: part of every cache key, so that a write through
    any process invalidates cached results everywhere. Read once per run (see :func:`new_run`) and
    again after a transaction of this process commits (a page that writes, then shows the result)."""
    url = database_url()
    commits = _LAST_COMMIT["ticket"]  # before reading: a commit during the read is seen next time
    in_run = get_script_run_ctx() is not None
    if in_run:
        seen = st.session_state.get(_RUN_VERSION)
        if isinstance(seen, tuple) and seen[:2] == (url, commits):
            return int(seen[2])
    value = data_version(engine())
    if in_run:
        st.session_state[_RUN_VERSION] = (url, commits, value)
    return value


def _convention() -> Any:
    return get_settings().period_convention


def _key() -> tuple[str, int]:
    return database_url(), version()


# ------------------------------------------------------------------------------------------------
# Cached loaders (private: url and version first)
# ------------------------------------------------------------------------------------------------


def _cached(function: Callable[..., Any]) -> Callable[..., Any]:
    return st.cache_data(ttl=TTL, max_entries=MAX_ENTRIES, show_spinner=False)(function)


@st.cache_resource(ttl=TTL, max_entries=8, show_spinner=False)
def _province_options(url: str, version: int) -> tuple[etl_queries.AreaOption, ...]:
    """The provinces with figures (about a hundred): shared, never copied (frozen dataclasses in a
    tuple), where ``st.cache_data`` would unpickle them on every run."""
    with _engine(url).connect() as conn:
        return tuple(etl_queries.province_options(conn))


@st.cache_resource(ttl=TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def _province_areas(url: str, version: int, province_id: int) -> tuple[etl_queries.AreaOption, ...]:
    """One province's areas with figures (a few hundred at most), shared like :func:`_province_options`."""
    with _engine(url).connect() as conn:
        return tuple(etl_queries.province_areas(conn, province_id))


@_cached
def _province_of(url: str, version: int, unit_id: int) -> int | None:
    with _engine(url).connect() as conn:
        return etl_queries.province_of(conn, unit_id)


@_cached
def _default_area(url: str, version: int) -> etl_queries.AreaOption | None:
    provinces = _province_options(url, version)
    with _engine(url).connect() as conn:
        return etl_queries.default_area(conn, provinces=provinces)


@_cached
def _periods_with_data(url: str, version: int) -> list[str]:
    with _engine(url).connect() as conn:
        return etl_queries.periods_with_data(conn)


@_cached
def _is_sample_data(url: str, version: int) -> bool:
    with _engine(url).connect() as conn:
        return etl_queries.is_sample_data(conn)


@_cached
def _area_units(
    url: str, version: int, area_id: int, period: str, boundaries: str, excluding: tuple[int, ...] = ()
) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        return etl_queries.area_units(conn, area_id, period, boundaries, convention=_convention(), excluding=excluding)


@_cached
def _code_ranks(
    url: str, version: int, area_id: int, periods: tuple[str, ...], codes: tuple[str, ...]
) -> dict[str, int]:
    with _engine(url).connect() as conn:
        return etl_queries.code_ranks(conn, area_id, periods, codes, convention=_convention())


@_cached
def _unit_values(
    url: str,
    version: int,
    area_id: int,
    periods: tuple[str, ...],
    indicators: tuple[str, ...] | None,
    boundaries: str,
    official_only: bool = True,
) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        return etl_queries.unit_values(conn, area_id, periods, indicators, boundaries, official_only=official_only)


@_cached
def _one_unit_values(
    url: str, version: int, unit_id: int, periods: tuple[str, ...], boundaries: str, official_only: bool = True
) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        return etl_queries.one_unit_values(conn, unit_id, periods, None, boundaries, official_only=official_only)


@_cached
def _area_totals(
    url: str,
    version: int,
    area_id: int,
    periods: tuple[str, ...],
    indicators: tuple[str, ...] | None,
    boundaries: str,
    official_only: bool = True,
) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        return etl_queries.area_totals(
            conn, area_id, periods, indicators, boundaries, convention=_convention(), official_only=official_only
        )


@_cached
def _yearly_totals(
    url: str,
    version: int,
    area_id: int,
    periods: tuple[str, ...],
    indicator: str,
    boundaries: str,
    official_only: bool = True,
) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        # Every indicator: a rolled-up rate or carry-over needs its inputs.
        halves = etl_queries.area_totals(
            conn, area_id, periods, None, boundaries, convention=_convention(), official_only=official_only
        )
    years = etl_queries.to_years(halves)
    return years[years["indicator"] == indicator].reset_index(drop=True)


@_cached
def _completeness(url: str, version: int, area_id: int, periods: tuple[str, ...]) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        return etl_queries.completeness(conn, area_id, periods, convention=_convention())


@_cached
def _ntm_status(url: str, version: int, area_id: int, period: str) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        return etl_queries.ntm_status(conn, area_id, period, convention=_convention())


@_cached
def _ntm_level_counts(url: str, version: int, area_id: int, periods: tuple[str, ...]) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        return etl_queries.ntm_level_counts(conn, area_id, periods, convention=_convention())


@_cached
def _targets_progress(url: str, version: int, area_id: int) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        return etl_queries.targets_progress(conn, area_id)


@_cached
def _lineage(url: str, version: int, unit_id: int) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        return etl_queries.lineage(conn, unit_id)


@_cached
def _unit_batches(url: str, version: int, unit_id: int) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        return etl_queries.unit_batches(conn, unit_id)


@_cached
def _data_warnings(url: str, version: int, area_id: int, period: str, boundaries: str) -> pd.DataFrame:
    from etl import checks

    with _engine(url).connect() as conn:
        return checks.data_warnings(conn, area_id, period, boundaries)


@_cached
def _last_update(url: str, version: int, area_id: int) -> date | None:
    """The local day of the newest import batch behind the area's figures."""
    with _engine(url).connect() as conn:
        moment = etl_queries.last_update(conn, area_id)
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if isinstance(moment, datetime):
        local = format_datetime(moment, get_settings().timezone)
        return datetime.strptime(local[:10], "%d/%m/%Y").date()
    return moment


@_cached
def _deck(url: str, version: int, area_id: int, period: str, boundaries: str, lang: str) -> Deck:
    with _engine(url).connect() as conn:
        return build_deck(conn, area_id, period, boundaries=boundaries, lang=lang, convention=_convention())


@_cached
def _deck_outline(url: str, version: int, area_id: int, period: str, boundaries: str, lang: str) -> Outline:
    with _engine(url).connect() as conn:
        return deck_slides.deck_outline(
            conn,
            area_id,
            period,
            boundaries=boundaries,
            lang=lang,
            convention=_convention(),
            timezone=get_settings().timezone,
        )


@_cached
def _deck_slide(url: str, version: int, area_id: int, period: str, boundaries: str, lang: str, key: str) -> Slide:
    outline = _deck_outline(url, version, area_id, period, boundaries, lang)
    with _engine(url).connect() as conn:
        return deck_slides.build_slide(conn, outline, key)


@_cached
def _report_file(url: str, version: int, area_id: int, period: str, boundaries: str, lang: str, fmt: str) -> bytes:
    with _engine(url).connect() as conn:
        data = load_report_data(
            conn,
            area_id,
            period,
            boundaries=boundaries,
            lang=lang,
            convention=_convention(),
            timezone=get_settings().timezone,
        )
    return report_bytes(data, fmt)


# ------------------------------------------------------------------------------------------------
# What pages call
# ------------------------------------------------------------------------------------------------


def province_options() -> list[etl_queries.AreaOption]:
    """The provinces with figures, of both catalogs: the sidebar's first box."""
    return list(_province_options(*_key()))


def province_areas(province_id: int) -> list[etl_queries.AreaOption]:
    """The province itself, then its districts and communes with figures: the sidebar's second box."""
    return list(_province_areas(*_key(), int(province_id)))


def province_of(unit_id: int) -> int | None:
    """The id of the province a unit lies in (its own for a province); ``None`` for an unknown unit."""
    return _province_of(*_key(), int(unit_id))


def default_area() -> etl_queries.AreaOption | None:
    """The area the dashboard opens on (:func:`etl.queries.default_area`)."""
    return _default_area(*_key())


def periods_with_data() -> list[str]:
    return _periods_with_data(*_key())


def is_sample_data() -> bool:
    return _is_sample_data(*_key())


def area_units(area_id: int, period: str, boundaries: str, *, excluding: Sequence[int] = ()) -> pd.DataFrame:
    """The area's commune-level units (:func:`etl.queries.area_units`), less ``excluding``."""
    return _area_units(*_key(), area_id, period, str(boundaries), tuple(sorted({int(u) for u in excluding})))


def code_ranks(area_id: int, periods: tuple[str, ...], codes: tuple[str, ...]) -> dict[str, int]:
    """Each code's place among the area's unit codes (:func:`etl.queries.code_ranks`)."""
    return _code_ranks(*_key(), area_id, tuple(periods), tuple(sorted({str(c) for c in codes})))


def unit_values(
    area_id: int, periods: tuple[str, ...], indicators: tuple[str, ...] | None, boundaries: str
) -> pd.DataFrame:
    return _unit_values(*_key(), area_id, tuple(periods), _tuple(indicators), str(boundaries), official_only())


def one_unit_values(unit_id: int, periods: tuple[str, ...], boundaries: str) -> pd.DataFrame:
    """Every figure of one unit over ``periods`` (the unit profile), as :func:`unit_values` gives them."""
    return _one_unit_values(*_key(), int(unit_id), tuple(periods), str(boundaries), official_only())


def area_totals(
    area_id: int, periods: tuple[str, ...], indicators: tuple[str, ...] | None, boundaries: str
) -> pd.DataFrame:
    return _area_totals(*_key(), area_id, tuple(periods), _tuple(indicators), str(boundaries), official_only())


def yearly_totals(area_id: int, periods: tuple[str, ...], indicator: str, boundaries: str) -> pd.DataFrame:
    """The area total of one indicator per whole year (``etl.queries.to_years``)."""
    return _yearly_totals(*_key(), area_id, tuple(periods), indicator, str(boundaries), official_only())


def completeness(area_id: int, periods: tuple[str, ...]) -> pd.DataFrame:
    """Who reported, against the units that existed in each period (whatever the boundaries)."""
    return _completeness(*_key(), area_id, tuple(periods))


def ntm_status(area_id: int, period: str) -> pd.DataFrame:
    return _ntm_status(*_key(), area_id, period)


def ntm_level_counts(area_id: int, periods: tuple[str, ...]) -> pd.DataFrame:
    return _ntm_level_counts(*_key(), area_id, tuple(periods))


def targets_progress(area_id: int) -> pd.DataFrame:
    return _targets_progress(*_key(), area_id)


def lineage(unit_id: int) -> pd.DataFrame:
    return _lineage(*_key(), unit_id)


def unit_batches(unit_id: int) -> pd.DataFrame:
    return _unit_batches(*_key(), unit_id)


def data_warnings(area_id: int, period: str, boundaries: str) -> pd.DataFrame:
    return _data_warnings(*_key(), area_id, period, str(boundaries))


def last_update(area_id: int) -> date | None:
    """The day the area's figures last changed (for the charts' source line), or ``None``."""
    return _last_update(*_key(), area_id)


def deck(area_id: int, period: str, boundaries: str, lang: str) -> Deck:
    """The whole ready-made deck for the area and period (:func:`etl.reports.deck.build_deck`):
    every slide's figures, for a file made on click (the presentation page shows one slide at a
    time: :func:`deck_outline`, :func:`deck_slide`).

    Raises :class:`etl.reports.data.NoData` when the area has no figure in the period."""
    return _deck(*_key(), area_id, period, str(boundaries), lang)


def deck_outline(area_id: int, period: str, boundaries: str, lang: str) -> Outline:
    """What the ready-made deck is about and its slides' keys and titles, without their figures
    (:func:`etl.reports.slides.deck_outline`): a few look-ups.

    Raises :class:`etl.reports.data.NoData` when the area has no figure in the period."""
    return _deck_outline(*_key(), area_id, period, str(boundaries), lang)


def deck_slide(area_id: int, period: str, boundaries: str, lang: str, key: str) -> Slide:
    """One slide of the ready-made deck (:func:`etl.reports.slides.build_slide`), cached on its
    own: only its figures are read, the slide :func:`deck` holds."""
    return _deck_slide(*_key(), area_id, period, str(boundaries), lang, key)


def report_file(area_id: int, period: str, boundaries: str, lang: str, fmt: str) -> bytes:
    """The deck (``pptx``, ``pdf``), the draft report (``docx``) or the workbook (``xlsx``) as
    bytes (:func:`etl.reports.build.report_bytes`). PDF raises
    :class:`etl.reports.pdf.ConverterMissing` when LibreOffice is not installed."""
    return _report_file(*_key(), area_id, period, str(boundaries), lang, fmt)


# The sidebar switch "gồm số liệu chưa duyệt" (:func:`dashboard.ui.unapproved_switch`) keeps its
# value here; off, the figures of web submissions not yet approved are left out.
UNAPPROVED_KEY = "qcdc_include_unapproved"


def official_only() -> bool:
    """True unless the user asked to include figures not approved yet."""
    return not st.session_state.get(UNAPPROVED_KEY, False)


def _tuple(values: tuple[str, ...] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)

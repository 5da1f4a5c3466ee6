"""The only place the dashboard reads data: thin, cached wrappers around :mod:`etl.queries`.

The engine lives in ``st.cache_resource`` (one per database URL). Every query is an
``st.cache_data`` function whose arguments include the database URL and its data version
(:func:`etl.db.data_version`, bumped by every write), so a load or an edit invalidates the cache
on the next rerun and nothing is recomputed while the data stays the same. Arguments are plain and
hashable (tuples, not lists). Errors are the project's typed errors (:class:`etl.errors.QcdcError`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from etl import queries as etl_queries
from etl.db import data_version, get_engine, schema_is_current
from etl.reports.build import report_bytes
from etl.reports.data import load_report_data
from etl.reports.deck import build_deck
from etl.reports.model import Deck
from etl.settings import get_settings
from etl.text import format_datetime

TTL = 3600  # seconds; the data version does the real invalidation
MAX_ENTRIES = 256


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return get_engine(url)


def database_url() -> str:
    return get_settings().database_url


def engine() -> Engine:
    return _engine(database_url())


def is_ready() -> bool:
    """True when the database has the project's schema (``qcdc init`` or ``qcdc demo`` has run)."""
    return schema_is_current(engine())


def version() -> int:
    """The data version: part of every cache key, so that writes invalidate cached results."""
    return data_version(engine())


def _convention() -> Any:
    return get_settings().period_convention


def _key() -> tuple[str, int]:
    return database_url(), version()


# ------------------------------------------------------------------------------------------------
# Cached loaders (private: url and version first)
# ------------------------------------------------------------------------------------------------


def _cached(function: Callable[..., Any]) -> Callable[..., Any]:
    return st.cache_data(ttl=TTL, max_entries=MAX_ENTRIES, show_spinner=False)(function)


@_cached
def _area_options(url: str, version: int) -> list[etl_queries.AreaOption]:
    with _engine(url).connect() as conn:
        return etl_queries.area_options(conn)


@_cached
def _default_area(url: str, version: int) -> etl_queries.AreaOption | None:
    with _engine(url).connect() as conn:
        return etl_queries.default_area(conn)


@_cached
def _periods_with_data(url: str, version: int) -> list[str]:
    with _engine(url).connect() as conn:
        return etl_queries.periods_with_data(conn)


@_cached
def _is_sample_data(url: str, version: int) -> bool:
    with _engine(url).connect() as conn:
        return etl_queries.is_sample_data(conn)


@_cached
def _area_units(url: str, version: int, area_id: int, period: str, boundaries: str) -> pd.DataFrame:
    with _engine(url).connect() as conn:
        return etl_queries.area_units(conn, area_id, period, boundaries, convention=_convention())


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


def area_options() -> list[etl_queries.AreaOption]:
    return _area_options(*_key())


def default_area() -> etl_queries.AreaOption | None:
    return _default_area(*_key())


def periods_with_data() -> list[str]:
    return _periods_with_data(*_key())


def is_sample_data() -> bool:
    return _is_sample_data(*_key())


def area_units(area_id: int, period: str, boundaries: str) -> pd.DataFrame:
    return _area_units(*_key(), area_id, period, str(boundaries))


def unit_values(
    area_id: int, periods: tuple[str, ...], indicators: tuple[str, ...] | None, boundaries: str
) -> pd.DataFrame:
    return _unit_values(*_key(), area_id, tuple(periods), _tuple(indicators), str(boundaries), official_only())


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
    """The ready-made deck for the area and period (:func:`etl.reports.deck.build_deck`).

    Raises :class:`etl.reports.data.NoData` when the area has no figure in the period."""
    return _deck(*_key(), area_id, period, str(boundaries), lang)


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

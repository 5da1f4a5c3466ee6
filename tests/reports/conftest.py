"""Fixtures for the meeting outputs: the Kiên Lương sample (on SQLite and PostgreSQL), its default
area, the figures of a few periods read once per backend, and the files written from them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from etl.reports import ReportData, load_report_data, resolve_area
from etl.reports.deck import deck_from_data
from etl.reports.docx import write_docx
from etl.reports.pptx import write_pptx
from etl.reports.xlsx import write_xlsx

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="session")
def area_id(sample_engine: Engine) -> int:
    """Huyện Kiên Lương (pre2025:902), the sample's default area."""
    with sample_engine.connect() as connection:
        return resolve_area(connection, None).unit_id


def read(engine: Engine, area: int, period: str, **options: object) -> ReportData:
    with engine.connect() as connection:
        return load_report_data(connection, area, period, today=TODAY, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def data_2019s1(sample_engine: Engine, area_id: int) -> ReportData:
    return read(sample_engine, area_id, "2019S1")


@pytest.fixture(scope="session")
def deck_2019s1(data_2019s1: ReportData):  # type: ignore[no-untyped-def]
    return deck_from_data(data_2019s1)


@pytest.fixture(scope="session")
def pptx_2019s1(deck_2019s1, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("pptx") / "kien-luong-2019S1.pptx"
    write_pptx(deck_2019s1, path)
    return path


@pytest.fixture(scope="session")
def docx_2019s1(data_2019s1: ReportData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "bao-cao-2019S1.docx"
    write_docx(data_2019s1, path)
    return path


@pytest.fixture(scope="session")
def xlsx_2019s1(deck_2019s1, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("xlsx") / "bang-2019S1.xlsx"
    write_xlsx(deck_2019s1, path)
    return path

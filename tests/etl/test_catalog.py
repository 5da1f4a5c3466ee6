"""Tests for etl/catalog.py: both unit catalogs, the 2025 lineage, criteria sets, periods.

The national catalog is loaded once per backend into a throwaway database built with
``SQLModel.metadata.create_all`` (module fixture ``loaded``); read-only tests share it. Tests that
write use the per-test copies of ``tests/conftest.py`` (an Alembic-built database already loaded
by :func:`etl.catalog.load_reference_data`). PostgreSQL runs when ``QCDC_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Connection, Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import etl.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from etl.catalog import (
    CATALOG_2025,
    CATALOG_PRE2025,
    CRITERIA_SETS,
    LINEAGE,
    UNIT,
    NoCriteriaSet,
    ReferenceSummary,
    catalog_for_date,
    catalog_for_period,
    criteria_set_for,
    ensure_periods,
    load_reference_data,
    package_version,
    predecessors,
    successors,
)
from etl.db import make_engine
from etl.errors import QcdcError
from etl.indicators import indicator_catalog
from etl.periods import Convention, Period
from etl.text import loose_key, name_key, strip_unit_prefix
from etl.units import unit_by_code

POSTGRES_URL = os.environ.get("QCDC_TEST_POSTGRES_URL", "").strip()
TABLES = (
    "catalog_version",
    "unit",
    "unit_lineage",
    "indicator",
    "criteria_set",
    "period",
    "app_state",
)


# ------------------------------------------------------------------------------------------------
# Fixtures
# ------------------------------------------------------------------------------------------------


@dataclass
class Loaded:
    engine: Engine
    summary: ReferenceSummary
    backend: str


def _admin(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def blank_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An empty database with the schema from ``create_all``, on each backend."""
    if request.param == "sqlite":
        engine = make_engine("sqlite:///" + str(tmp_path_factory.mktemp("catalog") / "t.sqlite3"))
        SQLModel.metadata.create_all(engine)
        yield engine
        engine.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("QCDC_TEST_POSTGRES_URL is not set")
    name = f"qcdc_test_{uuid.uuid4().hex[:10]}"
    admin = _admin(POSTGRES_URL)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    try:
        SQLModel.metadata.create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def loaded(blank_engine: Engine) -> Loaded:
    """The national reference data, loaded once per backend from scratch."""
    with blank_engine.begin() as connection:
        summary = load_reference_data(connection, convention=Convention.CALENDAR)
    return Loaded(blank_engine, summary, blank_engine.dialect.name)


@pytest.fixture
def conn(loaded: Loaded) -> Iterator[Connection]:
    """A connection to the shared loaded database; whatever a test writes is rolled back."""
    with loaded.engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


def _unit(connection: Connection, catalog: str, code: str):  # type: ignore[no-untyped-def]
    unit = unit_by_code(connection, catalog=catalog, code=code)
    assert unit is not None, f"{catalog}:{code} missing"
    return unit


def _counts(connection: Connection) -> dict[str, int]:
    return {table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() for table in TABLES}


def _level_counts(connection: Connection) -> dict[tuple[str, int], int]:
    rows = connection.execute(
        select(UNIT.c.catalog, UNIT.c.level, func.count()).group_by(UNIT.c.catalog, UNIT.c.level)
    ).all()
    return {(catalog, level): count for catalog, level, count in rows}


# ------------------------------------------------------------------------------------------------
# Units
# ------------------------------------------------------------------------------------------------


def test_full_load_counts_units_of_both_catalogs(loaded: Loaded, conn: Connection) -> None:
    counts = _level_counts(conn)
    assert counts[(CATALOG_PRE2025, 1)] == 63
    assert 690 <= counts[(CATALOG_PRE2025, 2)] <= 710
    assert counts[(CATALOG_PRE2025, 3)] == 10_035
    assert counts[(CATALOG_2025, 1)] == 34
    assert counts.get((CATALOG_2025, 2), 0) == 0
    assert counts[(CATALOG_2025, 3)] == 3_321
    summary = loaded.summary
    old_total = sum(v for (catalog, _), v in counts.items() if catalog == CATALOG_PRE2025)
    assert summary.units_inserted == {CATALOG_PRE2025: old_total, CATALOG_2025: 34 + 3_321}
    assert summary.catalogs_skipped == []
    assert summary.ok
    assert summary.data_version_created
    assert str(summary).startswith("pre2025: 10.794 đơn vị, 2025: 3.355 đơn vị, 10.602 liên kết")
    assert "thêm 14.149" in str(summary) and "CẢNH BÁO" not in str(summary)
    if loaded.backend == "sqlite":
        assert summary.seconds < 10


def test_catalog_versions_name_the_package(conn: Connection) -> None:
    rows = {
        row.code: row
        for row in conn.execute(text("SELECT code, name_vi, valid_from, valid_to, source FROM catalog_version"))
    }
    assert set(rows) == {CATALOG_PRE2025, CATALOG_2025}
    assert rows["pre2025"].name_vi == "Danh mục đơn vị hành chính trước 1/7/2025"
    assert rows["2025"].name_vi == "Danh mục đơn vị hành chính từ 1/7/2025"
    assert str(rows["pre2025"].valid_to) == "2025-06-30"
    assert str(rows["2025"].valid_from) == "2025-07-01"
    assert rows["2025"].valid_to is None
    for row in rows.values():
        assert f"vietnamadminunits {package_version()}" in row.source


def test_kien_luong_hierarchy_in_old_catalog(conn: Connection) -> None:
    province = _unit(conn, CATALOG_PRE2025, "91")
    assert (province.name, province.kind, province.short_name, province.level) == (
        "Tỉnh Kiên Giang",
        "Tỉnh",
        "Kiên Giang",
        1,
    )
    assert province.parent_id is None
    district = _unit(conn, CATALOG_PRE2025, "902")
    assert (district.name, district.kind, district.level) == ("Huyện Kiên Lương", "Huyện", 2)
    assert district.parent_id == province.id
    assert (district.province_code, district.district_code) == ("91", "902")
    old = {
        "30787": "Thị trấn Kiên Lương",
        "30790": "Xã Kiên Bình",
        "30802": "Xã Hòa Điền",
        "30805": "Xã Dương Hòa",
        "30808": "Xã Bình An",
        "30809": "Xã Bình Trị",
        "30811": "Xã Sơn Hải",
        "30814": "Xã Hòn Nghệ",
    }
    children = conn.execute(
        select(UNIT.c.code, UNIT.c.name).where(UNIT.c.parent_id == district.id).order_by(UNIT.c.code)
    ).all()
    assert dict(children) == old
    town = _unit(conn, CATALOG_PRE2025, "30787")
    assert (town.kind, town.short_name, town.level) == ("Thị trấn", "Kiên Lương", 3)
    assert (town.province_code, town.district_code) == ("91", "902")


def test_new_catalog_has_no_districts_and_province_parents(conn: Connection) -> None:
    province = _unit(conn, CATALOG_2025, "91")
    assert (province.name, province.kind) == ("Tỉnh An Giang", "Tỉnh")
    commune = _unit(conn, CATALOG_2025, "30787")
    assert (commune.name, commune.kind, commune.level) == ("Xã Kiên Lương", "Xã", 3)
    assert commune.parent_id == province.id
    assert (commune.province_code, commune.district_code) == ("91", None)
    orphans = conn.execute(
        select(func.count())
        .select_from(UNIT)
        .where(UNIT.c.catalog == CATALOG_2025, UNIT.c.level == 3, UNIT.c.parent_id.is_(None))
    ).scalar_one()
    assert orphans == 0


def test_code_reused_with_new_meaning(conn: Connection) -> None:
    assert _unit(conn, CATALOG_PRE2025, "30790").name == "Xã Kiên Bình"
    assert _unit(conn, CATALOG_2025, "30790").name == "Xã Hòa Điền"
    assert _unit(conn, CATALOG_PRE2025, "30787").name == "Thị trấn Kiên Lương"
    assert _unit(conn, CATALOG_2025, "30787").name == "Xã Kiên Lương"


def test_codes_keep_leading_zeros(conn: Connection) -> None:
    assert _unit(conn, CATALOG_PRE2025, "01").name == "Thành phố Hà Nội"
    assert _unit(conn, CATALOG_PRE2025, "01").kind == "Thành phố"
    assert _unit(conn, CATALOG_PRE2025, "001").name == "Quận Ba Đình"
    assert _unit(conn, CATALOG_PRE2025, "00001").name == "Phường Phúc Xá"
    assert _unit(conn, CATALOG_2025, "00004").name == "Phường Ba Đình"
    assert unit_by_code(conn, catalog=CATALOG_PRE2025, code="1") is None


def test_names_kinds_and_keys_are_consistent(conn: Connection) -> None:
    rows = conn.execute(
        select(
            UNIT.c.catalog,
            UNIT.c.code,
            UNIT.c.level,
            UNIT.c.kind,
            UNIT.c.name,
            UNIT.c.short_name,
            UNIT.c.name_key,
            UNIT.c.loose_key,
            UNIT.c.lat,
            UNIT.c.lon,
        )
    ).all()
    kinds = {
        (CATALOG_PRE2025, 1): {"Tỉnh", "Thành phố"},
        (CATALOG_PRE2025, 2): {"Huyện", "Quận", "Thị xã", "Thành phố"},
        (CATALOG_PRE2025, 3): {"Xã", "Phường", "Thị trấn"},
        (CATALOG_2025, 1): {"Tỉnh", "Thành phố"},
        (CATALOG_2025, 3): {"Xã", "Phường", "Đặc khu"},
    }
    for row in rows:
        assert row.kind in kinds[(row.catalog, row.level)], row
        assert row.name == f"{row.kind} {row.short_name}", row
        assert strip_unit_prefix(row.name) == row.short_name, row
        assert row.name_key == name_key(row.short_name), row
        assert row.loose_key == loose_key(row.short_name), row
        assert "(" not in row.short_name, row
        assert len(row.code) == {1: 2, 2: 3, 3: 5}[row.level], row
        assert row.lat is not None and row.lon is not None, row
    special = {row.short_name for row in rows if row.kind == "Đặc khu"}
    assert {"Côn Đảo", "Bạch Long Vĩ", "Lý Sơn", "Phú Quốc", "Trường Sa"} <= special


def test_source_type_contradicting_the_name_follows_the_name(loaded: Loaded, conn: Connection) -> None:
    # The package types Phường 15 (Phú Nhuận) as "Xã"; the official name says Phường.
    ward = _unit(conn, CATALOG_PRE2025, "27076")
    assert (ward.name, ward.kind, ward.short_name) == ("Phường 15", "Phường", "15")
    assert any(note.startswith("27076 ") for note in loaded.summary.notes)
    # "Thị Trấn Ái Tử" is written with the usual case.
    names = set(conn.execute(select(UNIT.c.name).where(UNIT.c.short_name == "Ái Tử")).scalars())
    assert "Thị trấn Ái Tử" in names


# ------------------------------------------------------------------------------------------------
# Lineage
# ------------------------------------------------------------------------------------------------

KIEN_LUONG = [
    # old code, old name, new code, new name
    ("30787", "Thị trấn Kiên Lương", "30787", "Xã Kiên Lương"),
    ("30808", "Xã Bình An", "30787", "Xã Kiên Lương"),
    ("30809", "Xã Bình Trị", "30787", "Xã Kiên Lương"),
    ("30790", "Xã Kiên Bình", "30790", "Xã Hòa Điền"),
    ("30802", "Xã Hòa Điền", "30790", "Xã Hòa Điền"),
    ("30805", "Xã Dương Hòa", "30766", "Phường Tô Châu"),
    ("30811", "Xã Sơn Hải", "30811", "Xã Sơn Hải"),
    ("30814", "Xã Hòn Nghệ", "30814", "Xã Hòn Nghệ"),
]


@pytest.mark.parametrize(("old_code", "old_name", "new_code", "new_name"), KIEN_LUONG)
def test_kien_luong_successors(conn: Connection, old_code: str, old_name: str, new_code: str, new_name: str) -> None:
    old = _unit(conn, CATALOG_PRE2025, old_code)
    assert old.name == old_name
    parent = _unit(conn, CATALOG_PRE2025, "902")
    assert old.parent_id == parent.id
    links = successors(conn, old.id)
    assert [(link.code, link.name, link.catalog) for link in links] == [(new_code, new_name, CATALOG_2025)]
    assert links[0].whole and links[0].is_default
    new = _unit(conn, CATALOG_2025, new_code)
    assert links[0].unit_id == new.id
    assert old.id in {link.unit_id for link in predecessors(conn, new.id)}


def test_kien_luong_predecessors(conn: Connection) -> None:
    def names(code: str) -> list[tuple[str, str]]:
        return [(link.code, link.name) for link in predecessors(conn, _unit(conn, CATALOG_2025, code).id)]

    assert names("30787") == [
        ("30787", "Thị trấn Kiên Lương"),
        ("30808", "Xã Bình An"),
        ("30809", "Xã Bình Trị"),
    ]
    assert names("30790") == [("30790", "Xã Kiên Bình"), ("30802", "Xã Hòa Điền")]
    assert names("30811") == [("30811", "Xã Sơn Hải")]
    assert names("30814") == [("30814", "Xã Hòn Nghệ")]
    to_chau = predecessors(conn, _unit(conn, CATALOG_2025, "30766").id)
    assert {link.name for link in to_chau} == {"Phường Tô Châu", "Xã Thuận Yên", "Xã Dương Hòa"}
    assert all(link.catalog == CATALOG_PRE2025 for link in to_chau)
    ha_tien = {link.name for link in to_chau if _parent_name(conn, link.unit_id) == "Thành phố Hà Tiên"}
    assert ha_tien == {"Phường Tô Châu", "Xã Thuận Yên"}
    # A new unit has no successor; an old unit no predecessor.
    assert successors(conn, _unit(conn, CATALOG_2025, "30766").id) == []
    assert predecessors(conn, _unit(conn, CATALOG_PRE2025, "30805").id) == []


def _parent_name(connection: Connection, unit_id: int) -> str:
    parent = UNIT.alias("parent")
    return connection.execute(
        select(parent.c.name).join(UNIT, UNIT.c.parent_id == parent.c.id).where(UNIT.c.id == unit_id)
    ).scalar_one()


def test_every_old_commune_has_a_successor(loaded: Loaded, conn: Connection) -> None:
    without = conn.execute(
        select(func.count())
        .select_from(UNIT)
        .where(
            UNIT.c.catalog == CATALOG_PRE2025,
            UNIT.c.level == 3,
            ~select(LINEAGE.c.id).where(LINEAGE.c.old_unit_id == UNIT.c.id).exists(),
        )
    ).scalar_one()
    assert without == 0
    assert loaded.summary.old_units_without_successor == []
    assert loaded.summary.unmatched_lineage_keys == []
    # Every new unit has at least one predecessor too.
    without_predecessor = conn.execute(
        select(func.count())
        .select_from(UNIT)
        .where(
            UNIT.c.catalog == CATALOG_2025,
            UNIT.c.level == 3,
            ~select(LINEAGE.c.id).where(LINEAGE.c.new_unit_id == UNIT.c.id).exists(),
        )
    ).scalar_one()
    assert without_predecessor == 0


def test_lineage_goes_from_old_to_new_catalog(loaded: Loaded, conn: Connection) -> None:
    old, new = UNIT.alias("old"), UNIT.alias("new")
    pairs = conn.execute(
        select(old.c.catalog, new.c.catalog, func.count())
        .select_from(LINEAGE)
        .join(old, LINEAGE.c.old_unit_id == old.c.id)
        .join(new, LINEAGE.c.new_unit_id == new.c.id)
        .group_by(old.c.catalog, new.c.catalog)
    ).all()
    assert [(a, b) for a, b, _ in pairs] == [(CATALOG_PRE2025, CATALOG_2025)]
    total = pairs[0][2]
    assert total == loaded.summary.lineage_total == loaded.summary.lineage_inserted
    assert 10_035 < total < 11_000


def test_divided_units_have_exactly_one_default_successor(conn: Connection) -> None:
    rows = conn.execute(select(LINEAGE.c.old_unit_id, LINEAGE.c.whole, LINEAGE.c.is_default)).all()
    by_old: dict[int, list[tuple[bool, bool]]] = {}
    for old_id, whole, is_default in rows:
        by_old.setdefault(old_id, []).append((bool(whole), bool(is_default)))
    divided = {k: v for k, v in by_old.items() if not all(whole for whole, _ in v)}
    assert len(divided) > 400
    for links in divided.values():
        assert len(links) >= 2
        assert not any(whole for whole, _ in links)
        assert sum(is_default for _, is_default in links) == 1
    for links in by_old.values():
        if any(whole for whole, _ in links):
            assert links == [(True, True)]


def test_divided_unit_read_through_successors(conn: Connection) -> None:
    old_id = (
        conn.execute(select(LINEAGE.c.old_unit_id).where(LINEAGE.c.whole.is_(False)).order_by(LINEAGE.c.old_unit_id))
        .scalars()
        .first()
    )
    links = successors(conn, old_id)
    assert len(links) >= 2
    assert links[0].is_default and not any(link.is_default for link in links[1:])
    assert not any(link.whole for link in links)


def test_island_districts_without_communes_map_to_special_zones(loaded: Loaded, conn: Connection) -> None:
    expected = {
        "318": ("Huyện Bạch Long Vĩ", "Đặc khu Bạch Long Vĩ"),
        "471": ("Huyện Cồn Cỏ", "Đặc khu Cồn Cỏ"),
        "498": ("Huyện Hoàng Sa", "Đặc khu Hoàng Sa"),
        "536": ("Huyện Lý Sơn", "Đặc khu Lý Sơn"),
        "755": ("Huyện Côn Đảo", "Đặc khu Côn Đảo"),
    }
    for code, (old_name, new_name) in expected.items():
        district = _unit(conn, CATALOG_PRE2025, code)
        assert (district.name, district.level) == (old_name, 2)
        children = conn.execute(
            select(func.count()).select_from(UNIT).where(UNIT.c.parent_id == district.id)
        ).scalar_one()
        assert children == 0
        links = successors(conn, district.id)
        assert [(link.name, link.whole, link.level) for link in links] == [(new_name, True, 3)]
    assert len(loaded.summary.district_lineage) == 5
    # Côn Đảo moved from Bà Rịa - Vũng Tàu (77) to Thành phố Hồ Chí Minh (79).
    assert _unit(conn, CATALOG_2025, "26732").province_code == "79"


def test_special_zone_formed_from_communes(conn: Connection) -> None:
    phu_quoc = _unit(conn, CATALOG_2025, "31078")
    assert (phu_quoc.kind, phu_quoc.name) == ("Đặc khu", "Đặc khu Phú Quốc")
    links = predecessors(conn, phu_quoc.id)
    assert len(links) >= 5
    assert all(link.level == 3 and link.catalog == CATALOG_PRE2025 for link in links)
    assert {_parent_name(conn, link.unit_id) for link in links} == {"Thành phố Phú Quốc"}


# ------------------------------------------------------------------------------------------------
# Indicators, criteria sets, periods, state
# ------------------------------------------------------------------------------------------------


def test_indicators_match_the_csv(conn: Connection) -> None:
    catalog = indicator_catalog()
    rows = {row.code: row for row in conn.execute(text("SELECT * FROM indicator"))}
    assert set(rows) == set(catalog.codes)
    for ind in catalog.indicators:
        row = rows[ind.code]
        assert (row.name_vi, row.name_en, row.kind, bool(row.entered), row.position) == (
            ind.name_vi,
            ind.name_en,
            ind.kind,
            ind.entered,
            ind.position,
        )
        assert (row.section_vi, row.section_en, row.rule) == (ind.section_vi, ind.section_en, ind.rule)


def test_criteria_sets_table_matches_constants(conn: Connection) -> None:
    rows = conn.execute(
        text("SELECT code, decision, size, valid_from, valid_to, levels_vi FROM criteria_set ORDER BY code")
    ).all()
    assert [(r.code, r.decision, r.size) for r in rows] == [
        ("2016-2020", "1980/QĐ-TTg", 19),
        ("2021-2025", "318/QĐ-TTg và 319/QĐ-TTg", 19),
        ("2026-2030", "51/2025/QĐ-TTg", 10),
    ]
    assert [(str(r.valid_from), str(r.valid_to)) for r in rows] == [
        ("2016-01-01", "2020-12-31"),
        ("2021-01-01", "2026-02-14"),
        ("2026-02-15", "None"),
    ]
    assert rows[1].levels_vi == "đạt chuẩn, nâng cao, kiểu mẫu"
    assert len(CRITERIA_SETS) == 3


def test_periods_2010_to_2035_under_calendar(conn: Connection) -> None:
    count = conn.execute(text("SELECT COUNT(*) FROM period")).scalar_one()
    assert count == (2035 - 2010 + 1) * 3
    row = conn.execute(
        text("SELECT year, half, start_date, end_date, label_vi, label_en FROM period WHERE code = '2019S1'")
    ).one()
    assert (row.year, row.half) == (2019, 1)
    assert (str(row.start_date), str(row.end_date)) == ("2019-01-01", "2019-06-30")
    assert row.label_vi == "6 tháng đầu năm 2019"
    assert row.label_en == "First half of 2019"
    year = conn.execute(text("SELECT start_date, end_date, label_vi FROM period WHERE code = '2025'")).one()
    assert (str(year.start_date), str(year.end_date), year.label_vi) == (
        "2025-01-01",
        "2025-12-31",
        "Năm 2025",
    )


def test_data_version_starts_at_zero(conn: Connection) -> None:
    value = conn.execute(text("SELECT value FROM app_state WHERE key = 'data_version'")).scalar_one()
    assert value == "0"


def test_ensure_periods_inserts_only_missing(conn: Connection) -> None:
    added = ensure_periods(conn, [Period(2040, 1), Period(2040, 0), Period(2019, 1)], convention=Convention.DEC15)
    assert added == 2
    row = conn.execute(text("SELECT start_date, end_date, label_vi FROM period WHERE code = '2040S1'")).one()
    assert (str(row.start_date), str(row.end_date)) == ("2039-12-15", "2040-06-14")
    assert row.label_vi == "6 tháng đầu năm 2040"
    # Stored periods are left as they are.
    start = conn.execute(text("SELECT start_date FROM period WHERE code = '2019S1'")).scalar_one()
    assert str(start) == "2019-01-01"
    assert ensure_periods(conn, [Period(2040, 1)], convention=Convention.DEC15) == 0
    assert ensure_periods(conn, [], convention=Convention.CALENDAR) == 0


# ------------------------------------------------------------------------------------------------
# Re-runs (on the conftest per-test copies of the Alembic-built reference database)
# ------------------------------------------------------------------------------------------------


def test_load_twice_changes_nothing(engine: Engine) -> None:
    with engine.connect() as connection:
        before = _counts(connection)
        version = connection.execute(text("SELECT value FROM app_state WHERE key = 'data_version'")).scalar()
    for _ in range(2):
        with engine.begin() as connection:
            summary = load_reference_data(connection, convention=Convention.CALENDAR)
        assert not summary.changed
        assert summary.catalogs_skipped == [CATALOG_PRE2025, CATALOG_2025]
        assert summary.lineage_skipped
        assert summary.ok
        assert not summary.data_version_bumped
        assert str(summary).endswith("không có gì thay đổi")
    with engine.connect() as connection:
        assert _counts(connection) == before
        assert before["unit"] > 14_000 and before["unit_lineage"] > 10_000
        after = connection.execute(text("SELECT value FROM app_state WHERE key = 'data_version'")).scalar()
        assert after == version


def test_full_check_finds_everything_in_place(engine: Engine) -> None:
    with engine.begin() as connection:
        summary = load_reference_data(connection, convention=Convention.CALENDAR, full_check=True)
    assert not summary.changed
    assert summary.catalogs_skipped == []
    assert not summary.lineage_skipped
    assert summary.stale_units == []


def test_reload_restores_a_missing_unit_and_its_lineage(engine: Engine) -> None:
    with engine.begin() as connection:
        unit = _unit(connection, CATALOG_PRE2025, "30814")
        connection.execute(LINEAGE.delete().where(LINEAGE.c.old_unit_id == unit.id))
        connection.execute(UNIT.delete().where(UNIT.c.id == unit.id))
        before = _counts(connection)
    with engine.begin() as connection:
        summary = load_reference_data(connection, convention=Convention.CALENDAR)
    assert summary.units_inserted == {CATALOG_PRE2025: 1, CATALOG_2025: 0}
    assert summary.catalogs_skipped == [CATALOG_2025]
    assert summary.lineage_inserted == 1
    assert summary.data_version_bumped
    with engine.connect() as connection:
        after = _counts(connection)
        assert after["unit"] == before["unit"] + 1
        assert after["unit_lineage"] == before["unit_lineage"] + 1
        restored = _unit(connection, CATALOG_PRE2025, "30814")
        assert restored.parent_id == _unit(connection, CATALOG_PRE2025, "902").id
        assert [link.code for link in successors(connection, restored.id)] == ["30814"]


def test_reload_updates_changed_text_and_stale_lineage(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE indicator SET name_vi = 'sửa tay' WHERE position = 1"))
        connection.execute(text("UPDATE criteria_set SET size = 99 WHERE code = '2026-2030'"))
        connection.execute(text("UPDATE catalog_version SET source = 'cũ' WHERE code = 'pre2025'"))
        kien_binh = _unit(connection, CATALOG_PRE2025, "30790")
        connection.execute(
            LINEAGE.update().where(LINEAGE.c.old_unit_id == kien_binh.id).values(whole=False, is_default=False)
        )
    with engine.begin() as connection:
        summary = load_reference_data(connection, convention=Convention.CALENDAR)
        assert summary.indicators_updated == 1
        assert summary.criteria_sets_updated == 1
        # The stored source no longer names this package version: the old catalog is re-checked.
        assert summary.catalogs_skipped == [CATALOG_2025]
        assert summary.units_updated[CATALOG_PRE2025] == 0
        assert summary.lineage_updated == 1
        assert summary.data_version_bumped
        first = indicator_catalog().indicators[0]
        name = connection.execute(text("SELECT name_vi FROM indicator WHERE code = :c"), {"c": first.code}).scalar_one()
        assert name == first.name_vi
        links = successors(connection, kien_binh.id)
        assert [(link.code, link.whole, link.is_default) for link in links] == [("30790", True, True)]


def test_reload_under_dec15_redates_periods(engine: Engine) -> None:
    with engine.begin() as connection:
        summary = load_reference_data(connection, convention=Convention.DEC15)
        assert summary.periods_updated == (2035 - 2010 + 1) * 3
        row = connection.execute(text("SELECT start_date, end_date FROM period WHERE code = '2019S1'")).one()
        assert (str(row.start_date), str(row.end_date)) == ("2018-12-15", "2019-06-14")
        row = connection.execute(text("SELECT start_date, end_date FROM period WHERE code = '2019S2'")).one()
        assert (str(row.start_date), str(row.end_date)) == ("2019-06-15", "2019-12-14")


# ------------------------------------------------------------------------------------------------
# Pure functions
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "code", "size"),
    [
        (date(2016, 1, 1), "2016-2020", 19),
        (date(2019, 6, 30), "2016-2020", 19),
        (date(2020, 12, 31), "2016-2020", 19),
        (date(2021, 1, 1), "2021-2025", 19),
        (date(2023, 1, 1), "2021-2025", 19),
        (date(2026, 2, 14), "2021-2025", 19),
        (date(2026, 2, 15), "2026-2030", 10),
        (date(2035, 1, 1), "2026-2030", 10),
    ],
)
def test_criteria_set_for(day: date, code: str, size: int) -> None:
    criteria = criteria_set_for(day)
    assert (criteria.code, criteria.size) == (code, size)


def test_criteria_set_for_before_2016_is_refused() -> None:
    with pytest.raises(NoCriteriaSet, match="31/12/2015"):
        criteria_set_for(date(2015, 12, 31))
    assert issubclass(NoCriteriaSet, QcdcError) and issubclass(NoCriteriaSet, ValueError)


def test_criteria_sets_do_not_overlap_and_leave_no_gap() -> None:
    for earlier, later in itertools.pairwise(CRITERIA_SETS):
        assert earlier.valid_to is not None
        assert (later.valid_from - earlier.valid_to).days == 1


@pytest.mark.parametrize(
    ("day", "catalog"),
    [(date(2025, 6, 30), "pre2025"), (date(2025, 7, 1), "2025"), (date(2019, 1, 1), "pre2025")],
)
def test_catalog_for_date(day: date, catalog: str) -> None:
    assert catalog_for_date(day) == catalog


@pytest.mark.parametrize("convention", list(Convention))
@pytest.mark.parametrize(
    ("period", "catalog"),
    [
        (Period(2024, 2), "pre2025"),
        (Period(2025, 1), "pre2025"),
        (Period(2025, 2), "2025"),
        (Period(2025, 0), "2025"),
        (Period(2024, 0), "pre2025"),
        (Period(2026, 1), "2025"),
    ],
)
def test_catalog_for_period(period: Period, catalog: str, convention: Convention) -> None:
    assert catalog_for_period(period, convention) == catalog

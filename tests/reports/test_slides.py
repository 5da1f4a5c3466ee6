"""etl/reports/slides.py: the deck one slide at a time (the dashboard's presentation page) — each
slide the one the whole deck has, read with statements that fetch no more rows than it shows.

On the Kiên Lương sample (8 units: every chart shows every unit) and on 60 units of a province
(the charts by unit and by commune show the highest and the lowest, ranked in SQL)."""

from __future__ import annotations

import csv
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from etl.db import make_engine
from etl.load import Source, load
from etl.reports import NoData, load_report_data
from etl.reports.deck import SLIDE_KEYS, deck_from_data
from etl.reports.model import GAP_LABEL, Deck, Slide
from etl.reports.slides import Outline, build_slide, deck_outline
from tests.bench.conftest import RowCounter
from tests.conftest import BACKENDS, _pg_create, _pg_drop, _pg_url
from tests.reports.conftest import TODAY, read


def whole(engine: Engine, area: int, period: str, **options: object) -> Deck:
    return deck_from_data(read(engine, area, period, **options))


def one_by_one(engine: Engine, area: int, period: str, **options: object) -> tuple[Outline, list[Slide]]:
    with engine.connect() as connection:
        outline = deck_outline(connection, area, period, today=TODAY, **options)  # type: ignore[arg-type]
        return outline, [build_slide(connection, outline, n) for n in range(1, len(outline.keys) + 1)]


def assert_same_deck(engine: Engine, area: int, period: str, **options: object) -> None:
    deck = whole(engine, area, period, **options)
    outline, slides = one_by_one(engine, area, period, **options)
    assert outline.deck == replace(deck, slides=(), tables=())
    assert outline.keys == SLIDE_KEYS == tuple(s.key for s in deck.slides)
    assert outline.titles == tuple(s.title for s in deck.slides)
    for mine, theirs in zip(slides, deck.slides, strict=True):
        assert mine == theirs, mine.key


# ------------------------------------------------------------------------------------------------
# The sample
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("boundaries", ["reported", "current"])
@pytest.mark.parametrize("period", ["2019S1", "2019S2", "2019", "2025", "2025S2", "2026S1", "2026S2"])
def test_every_slide_is_the_whole_decks_slide(sample_engine, area_id, period, boundaries):
    assert_same_deck(sample_engine, area_id, period, boundaries=boundaries)


def test_english_slides_and_other_areas(sample_engine, area_id):
    assert_same_deck(sample_engine, area_id, "2019S1", lang="en")
    with sample_engine.connect() as connection:
        commune = connection.execute(text("SELECT id FROM unit WHERE catalog = 'pre2025' AND code = '30809'")).scalar()
        merged = connection.execute(text("SELECT id FROM unit WHERE catalog = '2025' AND code = '30811'")).scalar()
    assert_same_deck(sample_engine, commune, "2019", lang="en")
    assert_same_deck(sample_engine, merged, "2025S2", boundaries="current")


def test_a_slide_by_key_and_a_period_without_figures(sample_engine, area_id):
    outline, slides = one_by_one(sample_engine, area_id, "2019S1")
    with sample_engine.connect() as connection:
        assert build_slide(connection, outline, "ntm") == slides[SLIDE_KEYS.index("ntm")]
        with pytest.raises(NoData) as found:
            deck_outline(connection, area_id, "2016S1")
        with pytest.raises(NoData) as expected:
            load_report_data(connection, area_id, "2016S1")
    assert str(found.value) == str(expected.value)


def test_the_outline_reads_a_few_rows(sample_engine, area_id):
    with RowCounter() as counter, sample_engine.connect() as connection:
        outline = deck_outline(connection, area_id, "2019", today=TODAY)
    assert outline.deck.slides == () and len(outline.titles) == 10
    # one row a half-year (the totals), one a look-up (the same look-up, made thrice, counts thrice)
    assert max(rows for rows, _ in counter.largest()) <= 3


# ------------------------------------------------------------------------------------------------
# 60 units: the highest and the lowest
# ------------------------------------------------------------------------------------------------

PERIODS = ("2022S1", "2022S2")
INDICATORS = {  # unit i, half h (1, 2) → figure (None: not reported)
    "DLG_HELD": lambda i, h: None if i % 9 == 4 else (i * 7 + h) % 5,  # many ties
    "DLG_OPINIONS": lambda i, h: 3 + i % 4,
    "DLG_ANSWERED": lambda i, h: 3 + i % 4 - i % 2,
    "CMP_NEW": lambda i, h: 2 + (i * 3) % 5,
    "VIL_TOTAL": lambda i, h: 6,
    "VIL_MEETINGS": lambda i, h: 5,
    "VIL_CONVENTIONS": lambda i, h: 4,
    "DISC_ITEMS": lambda i, h: 1 + i % 4,
    "DEC_DIRECT": lambda i, h: 1 + i % 3,
    "CONSULT_ITEMS": lambda i, h: 2,
    "TTND_SUPERV": lambda i, h: (i * 5 + h) % 7,
    "TTND_RECOMMEND": lambda i, h: i % 3,
    "GSDT_WORKS": lambda i, h: 1,
    "DVK_MODELS": lambda i, h: i % 4,
    "MTTQ_SUPERV": lambda i, h: 2,
    "MTTQ_CRITIQUE": lambda i, h: 1,
    "PARTY_REFERRED": lambda i, h: i % 2,
}
LEVELS = (0, 1, 1, 2, 3, 0, 1)


def _rows(index: int, code: str, name: str, commune: bool) -> list[tuple[str, str, str, str, float]]:
    if index % 13 == 5:  # never reported
        return []
    out = []
    carry = index % 3
    for half, period in enumerate(PERIODS, start=1):
        if half == 2 and index % 17 == 3:  # the first half only: no figure for the year
            continue
        figures = {key: rule(index, half) for key, rule in INDICATORS.items()}
        competent = carry + figures["CMP_NEW"] - index % 2  # type: ignore[operator]
        resolved = max(competent - index % 3, 0)
        figures |= {"CMP_CARRY": carry, "CMP_COMPETENT": competent, "CMP_RESOLVED": resolved}
        carry = competent - resolved
        if commune and index % 10 != 7:  # one commune in ten has not reported its level
            level = LEVELS[index % len(LEVELS)]
            figures |= {"NTM_LEVEL": level, "NTM_CRITERIA_MET": 19 if level else 8 + index % 10}
            if level:
                figures["NTM_YEAR"] = 2020
        out += [(code, name, period, key, value) for key, value in figures.items() if value is not None]
    return out


def _load_communes(url: str, folder: Path) -> int:
    """60 commune-level units of Tỉnh Kiên Giang (pre2025:91; 40 communes), loaded; the province's id."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            units = connection.execute(
                text(
                    "SELECT code, name, kind FROM unit WHERE catalog = 'pre2025' AND level = 3 "
                    "AND province_code = '91' ORDER BY code LIMIT 60"
                )
            ).all()
            province = connection.execute(
                text("SELECT id FROM unit WHERE catalog = 'pre2025' AND level = 1 AND code = '91'")
            ).scalar_one()
        values = folder / "kien-giang-2022.csv"
        with values.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["unit_code", "unit_name", "period", "indicator", "value"])
            for index, (code, name, kind) in enumerate(units):
                writer.writerows(_rows(index, code, name, kind == "Xã"))
        targets = folder / "kien-giang-chi-tieu-2022.csv"
        with targets.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["unit_code", "unit_name", "period", "indicator", "target"])
            for index, (code, name, kind) in enumerate(units):
                writer.writerow([code, name, "2022S2", "DLG_HELD", 2])
                if kind == "Xã" and index % 3 == 0:
                    writer.writerow([code, name, "2022", "NTM_LEVEL", 1])
                if index < 9:
                    writer.writerow([code, name, "2023S1", "DVK_MODELS", 1])
        report = load(
            engine, [Source.from_path(values), Source.from_path(targets)], user="test", today=date(2026, 1, 5)
        )
        assert report.ok, [str(p) for p in report.problems]
        return int(province)
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def communes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, int]]:
    """(an engine on a database holding the 60 units, Tỉnh Kiên Giang's id), on each backend."""
    folder = tmp_path_factory.mktemp("communes")
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = folder / "communes.sqlite3"
        shutil.copyfile(template, target)
        url, name = f"sqlite:///{target}", None
    else:
        template_name: str = request.getfixturevalue("postgres_template")
        name = f"qcdc_c_{uuid.uuid4().hex[:12]}"
        _pg_create(name, template=template_name)
        url = _pg_url(name)
    try:
        province = _load_communes(url, folder)
        engine = make_engine(url)
        yield engine, province
        engine.dispose()
    finally:
        if name is not None:
            _pg_drop(name)


@pytest.mark.parametrize("boundaries", ["reported", "current"])
@pytest.mark.parametrize("period", ["2022S1", "2022S2", "2022"])
def test_sixty_units_give_the_whole_decks_slides(communes, period, boundaries):
    engine, province = communes
    assert_same_deck(engine, province, period, boundaries=boundaries)


def test_the_charts_show_the_highest_and_the_lowest(communes):
    engine, province = communes
    deck = whole(engine, province, "2022S1")
    dialogues = deck.slide("dialogues").chart
    assert len(dialogues.categories) == 21 and dialogues.categories[10] == GAP_LABEL
    assert "10 cao nhất, 10 thấp nhất" in dialogues.title
    values = [v for v in dialogues.values("Cuộc đối thoại") if v is not None]
    assert values == sorted(values, reverse=True)
    assert "10 cao nhất" in deck.slide("ntm").chart.title
    assert any(line.startswith("Chưa đạt chuẩn: ") and "ít tiêu chí nhất" in line for line in deck.slide("ntm").notes)
    missing = [line for line in deck.slide("reporting").notes if line.startswith("Chưa báo cáo: ")]
    assert len(missing) == 1 and "đơn vị khác" in missing[0]  # the province's other units, counted
    assert deck.slide("targets").chart is not None


def shown(slide: Slide) -> int:
    """What the page shows of a slide: chart points, cards, and its few texts (title, subtitle,
    lines, source, position, downloads)."""
    points = sum(len(values) for values in slide.chart.series.values()) if slide.chart is not None else 0
    return points + 2 * len(slide.figures) + 6


@pytest.mark.parametrize("period", ["2022S1", "2022"])
def test_no_statement_fetches_more_rows_than_the_slide_shows(communes, period):
    engine, province = communes
    for boundaries in ("reported", "current"):
        with engine.connect() as connection:
            outline = deck_outline(connection, province, period, boundaries=boundaries, today=TODAY)
            for key in outline.keys:
                with RowCounter() as counter:
                    slide = build_slide(connection, outline, key)
                biggest = max((rows for rows, _ in counter.largest(n=1)), default=0)
                assert biggest <= shown(slide), (key, boundaries, counter.largest(n=1))
        with RowCounter() as counter:
            whole(engine, province, period, boundaries=boundaries)
        assert max(rows for rows, _ in counter.largest(n=1)) > 40  # the whole deck reads every unit's figures

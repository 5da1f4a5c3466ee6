"""The sample files, loaded through the same loader a user uses, hold exactly what the generator
intended and respect the facts of domain.md §5 — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from sqlalchemy import text

from etl.export import ExportFilter, iter_long_rows
from etl.load import Source, load
from etl.samplegen import sample_targets, sample_values
from etl.settings import get_settings
from etl.writers import write_long_csv

SAMPLE = Path(get_settings().data_dir) / "sample"
TODAY = date(2026, 11, 29)


def load_sample(engine):
    files = sorted(p for p in SAMPLE.iterdir() if p.suffix in {".xlsx", ".csv"})
    return load(engine, [Source.from_path(p) for p in files], user="demo", today=TODAY)


def stored_values(engine) -> dict[tuple[str, str, str], float]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT v.period_code, u.code, v.indicator_code, v.value FROM data_value v "
                "JOIN unit u ON u.id = v.unit_id"
            )
        )
        return {(p, u, i): v for p, u, i, v in rows}


def test_sample_loads_cleanly_and_exactly(engine):
    report = load_sample(engine)
    assert report.ok, [str(p) for p in report.problems]
    assert report.problems == []  # not even a warning: the sample respects every rule
    assert {f.outcome for f in report.files} == {"loaded"}
    assert stored_values(engine) == sample_values()
    with engine.connect() as connection:
        targets = {
            (p, u, i): v
            for p, u, i, v in connection.execute(
                text(
                    "SELECT t.period_code, u.code, t.indicator_code, t.value "
                    "FROM target t JOIN unit u ON u.id = t.unit_id"
                )
            )
        }
    assert targets == sample_targets()


def test_sample_respects_the_kien_luong_facts(engine):
    load_sample(engine)
    with engine.connect() as connection:
        levels_2019 = dict(
            connection.execute(
                text(
                    "SELECT u.short_name, v.value FROM data_value v JOIN unit u ON u.id = v.unit_id "
                    "WHERE v.period_code = '2019S1' AND v.indicator_code = 'NTM_LEVEL'"
                )
            ).all()
        )
        hon_nghe_2023 = connection.execute(
            text(
                "SELECT v.value FROM data_value v JOIN unit u ON u.id = v.unit_id "
                "WHERE u.catalog = 'pre2025' AND u.code = '30814' AND v.period_code = '2023S1' "
                "AND v.indicator_code = 'NTM_LEVEL'"
            )
        ).scalar_one()
        below_standard_2023s2 = connection.execute(
            text(
                "SELECT COUNT(*) FROM data_value "
                "WHERE period_code = '2023S2' AND indicator_code = 'NTM_LEVEL' AND value < 1"
            )
        ).scalar_one()
        town_ntm = connection.execute(
            text(
                "SELECT COUNT(*) FROM data_value v JOIN unit u ON u.id = v.unit_id "
                "WHERE u.kind IN ('Thị trấn', 'Phường') AND v.indicator_code LIKE 'NTM%'"
            )
        ).scalar_one()
        reported_2026s2 = connection.execute(
            text("SELECT COUNT(DISTINCT unit_id) FROM data_value WHERE period_code = '2026S2'")
        ).scalar_one()
    assert len(levels_2019) == 7
    assert sorted(name for name, level in levels_2019.items() if level >= 1) == [
        "Bình An",
        "Dương Hòa",
        "Hòa Điền",
        "Hòn Nghệ",
        "Sơn Hải",
    ]
    assert sorted(name for name, level in levels_2019.items() if level < 1) == ["Bình Trị", "Kiên Bình"]
    assert hon_nghe_2023 == 2  # nâng cao
    assert below_standard_2023s2 == 0
    assert town_ntm == 0
    assert reported_2026s2 == 3  # the open period: some communes only


def test_loading_the_sample_again_changes_nothing(engine):
    load_sample(engine)
    with engine.connect() as connection:
        before = connection.execute(text("SELECT COUNT(*) FROM value_audit")).scalar_one()
    again = load_sample(engine)
    assert {f.outcome for f in again.files} == {"unchanged"}
    with engine.connect() as connection:
        after = connection.execute(text("SELECT COUNT(*) FROM value_audit")).scalar_one()
        batches = connection.execute(text("SELECT COUNT(*) FROM import_batch")).scalar_one()
    assert before == after == len(sample_values())
    assert batches == len(again.files)


def test_an_export_loads_back_as_a_no_op(engine, tmp_path):
    load_sample(engine)
    buffer = io.StringIO()
    with engine.connect() as connection:
        write_long_csv(iter_long_rows(connection, ExportFilter()), buffer)
    path = tmp_path / "export.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    report = load(engine, [Source.from_path(path)], today=TODAY)
    assert report.ok, [str(p) for p in report.problems[:5]]
    [file] = report.files
    assert (file.outcome, file.unchanged) == ("unchanged", len(sample_values()))

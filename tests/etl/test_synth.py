"""``qcdc synth``: reproducible synthetic data sets that load without a single error or warning and
hold exactly what the generator meant — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from etl.catalog import criteria_set_for
from etl.cli import app
from etl.load import Source, load
from etl.periods import Period
from etl.synth import (
    SynthError,
    _columns,
    generate,
    parse_scope,
    reference,
    simulate,
    synth_periods,
    synth_values,
)
from etl.writers import write_long_csv
from tests.etl.test_sample_load import stored_values

runner = CliRunner()


def files_bytes(result) -> list[tuple[str, bytes]]:
    return [(f.path.name.replace(f"seed{result.seed}", "seed"), f.path.read_bytes()) for f in result.files]


# ------------------------------------------------------------------------------------------------
# Reproducibility
# ------------------------------------------------------------------------------------------------


def test_same_seed_same_bytes_and_another_seed_other_bytes(tmp_path):
    def national(folder: str, seed: int):
        return generate(tmp_path / folder, first="2025S1", last="2025S2", seed=seed, limit_units=40)

    def province(folder: str, seed: int):
        return generate(tmp_path / folder, scope="province:91", first="2025S2", last="2025S2", seed=seed)

    for make in (national, province):
        first, again, other = make("a", 7), make("b", 7), make("c", 8)
        assert files_bytes(first) == files_bytes(again)
        assert [name for name, _ in files_bytes(first)] == [name for name, _ in files_bytes(other)]
        assert all(
            mine != theirs for (_, mine), (_, theirs) in zip(files_bytes(first), files_bytes(other), strict=True)
        )


def test_a_province_and_a_later_window_are_slices_of_the_national_set():
    national = synth_values(5, "2025S1", "2025S1")
    province = synth_values(5, "2025S1", "2025S1", scope="province:91")
    assert province and all(national[key] == value for key, value in province.items())
    later = synth_values(5, "2025S1", "2025S1", scope="province:91")
    longer = synth_values(5, "2024S2", "2025S1", scope="province:91")
    assert later == {k: v for k, v in longer.items() if k[0] == "2025S1"}


# ------------------------------------------------------------------------------------------------
# The rules, for every unit of the country, 2016S1–2026S2
# ------------------------------------------------------------------------------------------------


def test_every_rule_holds_for_every_unit_and_period():
    col = _columns().index
    ref = reference()
    previous = None
    levels_2025 = None
    for figures in simulate(11, Period(2026, 2)):
        v, present, xa = figures.values, figures.present, figures.units.is_xa

        def get(code: str, values: np.ndarray = v) -> np.ndarray:
            return values[:, col[code]]

        period = figures.period
        assert (v >= 0).all()
        assert (get("DLG_ANSWERED") <= get("DLG_OPINIONS")).all()
        assert (get("CMP_COMPETENT") <= get("CMP_CARRY") + get("CMP_NEW")).all()
        assert (get("CMP_RESOLVED") <= get("CMP_COMPETENT")).all()
        assert (get("VIL_MEETINGS") <= get("VIL_TOTAL")).all()
        assert (get("VIL_CONVENTIONS") <= get("VIL_TOTAL")).all()
        # NTM: communes (xã) only; criteria within the set in force; a year from level 1 only.
        ntm = _columns().ntm
        assert (present[:, ntm][~xa] == 0).all() and present[:, ~ntm].all()
        assert (get("NTM_CRITERIA_MET")[xa] <= criteria_set_for(period.end()).size).all()
        level, year = get("NTM_LEVEL"), get("NTM_YEAR")
        assert (level <= 3).all()
        assert (present[:, col["NTM_YEAR"]] == (xa & (level >= 1))).all()
        assert ((year[level >= 1] >= 2010) & (year[level >= 1] <= period.year)).all()
        if period.year < 2021:
            assert (level <= 1).all()
        # 2–3 % of the units do not report.
        assert 0.96 < figures.reporting.mean() < 0.99
        if previous is not None and previous.units is figures.units:
            pending = get("CMP_COMPETENT", previous.values) - get("CMP_RESOLVED", previous.values)
            assert (get("CMP_CARRY") == pending).all()
            assert (level >= get("NTM_LEVEL", previous.values)).all()
            met = get("NTM_LEVEL", previous.values) >= 1
            assert (year[met] == get("NTM_YEAR", previous.values)[met]).all()
        elif previous is not None:  # 1/7/2025: carry = the pending of the old units that went into each
            pending = get("CMP_COMPETENT", previous.values) - get("CMP_RESOLVED", previous.values)
            carried = np.bincount(ref.successor, weights=pending, minlength=len(figures.units))
            assert (get("CMP_CARRY") == carried).all()
            assert figures.units.catalog == "2025" and len(figures.units) == 3321
        if period == Period(2025, 1):
            assert len(figures.units) == 10035
            levels_2025 = level[xa]
        previous = figures
    assert levels_2025 is not None
    assert 0.7 < (levels_2025 >= 1).mean() < 0.95  # most communes at the NTM standard by 2025
    assert (levels_2025 >= 2).any() and (levels_2025 == 0).any()


# ------------------------------------------------------------------------------------------------
# Loading the files: no error, no warning, exactly the figures meant
# ------------------------------------------------------------------------------------------------


def test_a_province_across_the_merger_loads_cleanly_and_exactly(engine, tmp_path):
    result = generate(tmp_path, scope="province:91", first="2025S1", last="2025S2", seed=3)
    names = sorted(f.path.name for f in result.files)
    assert "2025S1-huyen-kien-luong.xlsx" in names and "2025S2-tinh-an-giang.xlsx" in names
    assert all(f.path.parent.name == "province-91" for f in result.files)
    assert len([n for n in names if n.startswith("2025S2")]) == 1  # no districts from 1/7/2025

    report = load(engine, [Source.from_path(f.path) for f in result.files], user="synth")
    assert report.ok, [str(p) for p in report.problems[:10]]
    assert report.problems == []  # not even a warning
    assert {f.outcome for f in report.files} == {"loaded"}
    expected = synth_values(3, "2025S1", "2025S2", scope="province:91")
    assert stored_values(engine) == expected
    assert sum(f.values for f in result.files) == len(expected)


def test_a_national_slice_loads_cleanly_with_every_indicator_of_every_reporting_unit(engine, tmp_path):
    result = generate(tmp_path, first="2025S1", last="2025S2", seed=4, limit_units=80)
    (written,) = result.files
    assert written.path.name == "qcdc-national-2025S1-2025S2-seed4.csv"
    report = load(engine, [Source.from_path(written.path)], user="synth")
    assert report.ok, [str(p) for p in report.problems[:10]]
    assert report.problems == []
    expected = synth_values(4, "2025S1", "2025S2", limit_units=80)
    assert stored_values(engine) == expected

    with written.path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == written.rows == len(expected)
    per_period = Counter(r["period"] for r in rows)
    ref = reference()
    regular = sum(1 for flag in _columns().ntm if not flag)
    for period in ("2025S1", "2025S2"):
        units = ref.units("pre2025" if period == "2025S1" else "2025")
        kind = dict(zip(units.codes.tolist(), units.is_xa.tolist(), strict=True))
        reporting = {u for (p, u, _i) in expected if p == period}
        assert 70 <= len(reporting) <= 80  # a few units do not report
        levels = {u: expected[(period, u, "NTM_LEVEL")] for u in reporting if kind[u]}
        indicators = sum(regular + (2 + (levels[u] >= 1) if kind[u] else 0) for u in reporting)
        assert per_period[period] == indicators
        assert any(kind[u] for u in reporting) and not all(kind[u] for u in reporting)

    # The very bytes etl.writers.write_long_csv writes for the same rows.
    names = {
        (unit.catalog, code): name
        for unit in (ref.old, ref.new)
        for code, name in zip(unit.codes, unit.names, strict=True)
    }
    buffer = io.BytesIO()
    write_long_csv(
        [(u, names[("pre2025" if p == "2025S1" else "2025", u)], p, i, v) for (p, u, i), v in expected.items()],
        buffer,
    )
    assert written.path.read_bytes() == buffer.getvalue()


# ------------------------------------------------------------------------------------------------
# Scope, periods and the command
# ------------------------------------------------------------------------------------------------


def test_scopes_and_periods():
    assert parse_scope("national").is_national
    kien_giang = parse_scope("province:91")
    assert kien_giang.old_provinces == {"91"} and kien_giang.new_provinces == {"91"}
    old_an_giang = parse_scope("province:89")  # merged into An Giang, which took code 91
    assert old_an_giang.old_provinces == {"89"} and old_an_giang.new_provinces == {"91"}
    assert parse_scope("province:1").old_provinces == {"01"}
    for bad in ("province:99", "region:1", "province", ""):
        with pytest.raises(SynthError):
            parse_scope(bad)
    assert [p.code for p in synth_periods("2019", "2020S1")] == ["2019S1", "2019S2", "2020S1"]
    with pytest.raises(SynthError):
        synth_periods("2020S1", "2019S2")
    with pytest.raises(SynthError):
        synth_periods("2015S2", "2019S2")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "region:1"], "Phạm vi 'region:1' không hợp lệ"),
        (["--scope", "province:99"], "Không có tỉnh, thành phố mã '99'"),
        (["--from", "2020S1", "--to", "2019S2"], "đứng sau kỳ kết thúc"),
        (["--from", "2019Q1"], "Không hiểu kỳ báo cáo '2019Q1'"),
    ],
)
def test_the_command_refuses_bad_arguments(tmp_path, args, message):
    result = runner.invoke(app, ["synth", "--output", str(tmp_path / "out"), *args])
    assert result.exit_code == 2
    assert message in result.output and "Lỗi:" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_the_command_writes_and_lists_the_files(tmp_path):
    result = runner.invoke(
        app,
        ["synth", "--scope", "province:91", "--from", "2025S2", "--to", "2025S2", "--seed", "1", "-o", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    path = Path(tmp_path) / "province-91" / "2025S2-tinh-an-giang.xlsx"
    assert path.is_file()
    assert f"{path}:" in result.output and "đơn vị" in result.output
    assert "Đã ghi 1 tệp" in result.output and "giây" in result.output

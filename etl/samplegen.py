"""The Kiên Lương sample: the files a district's offices would have sent, 2017–2026.

``python -m etl.samplegen data/sample`` writes them (``--template PATH`` also writes the blank
commune form). Generation is a pure function of the seed: :func:`sample_values` returns exactly
the figures the files hold, so that a test can load the files and compare.

Units and their 1/7/2025 lineage are those of domain.md §5. The figures respect every rule of the
catalog (counts ≥ 0, answered ≤ opinions, competent ≤ carry + new, resolved ≤ competent, carry =
previous pending — across the merger too —, villages ≤ total, NTM criteria ≤ the set in force, a
level never drops, NTM_YEAR only from level 1) and the published facts of domain.md §5: at the
review of 31/7/2019, 5 of the 7 communes were at the NTM standard (not Kiên Bình and Bình Trị,
which reach it in 2019); Hòn Nghệ is at the advanced level (nâng cao) from 2022S2; every commune is
at the standard by end-2023. Everything else is illustrative (see ``data/sample/README.md``).
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from etl.indicators import indicator_catalog
from etl.periods import Period, period_range
from etl.writers import (
    DistrictSheet,
    place_date_line,
    write_commune_form,
    write_district_sheet,
    write_long_csv,
)

DEFAULT_SEED = 20190731  # the day of the review in the origin article

Key = tuple[str, str, str]  # (period_code, unit_code, indicator_code)


@dataclass(frozen=True, slots=True)
class SampleUnit:
    code: str
    name: str  # full official name, as the unit catalog spells it
    kind: str  # "Thị trấn", "Xã", "Phường"
    size: float  # relative size: flows scale with it (illustrative)
    villages: int  # ấp / khu phố (illustrative)

    @property
    def is_commune(self) -> bool:
        """NTM applies to communes (xã) only, not to towns or wards."""
        return self.kind == "Xã"

    @property
    def short_name(self) -> str:
        return self.name.removeprefix(self.kind).strip()


# Before 1/7/2025: Huyện Kiên Lương (902), Tỉnh Kiên Giang (91).
OLD_UNITS = (
    SampleUnit("30787", "Thị trấn Kiên Lương", "Thị trấn", 1.5, 7),
    SampleUnit("30790", "Xã Kiên Bình", "Xã", 1.1, 6),
    SampleUnit("30802", "Xã Hòa Điền", "Xã", 0.9, 5),
    SampleUnit("30805", "Xã Dương Hòa", "Xã", 1.0, 6),
    SampleUnit("30808", "Xã Bình An", "Xã", 1.2, 5),
    SampleUnit("30809", "Xã Bình Trị", "Xã", 0.8, 4),
    SampleUnit("30811", "Xã Sơn Hải", "Xã", 0.7, 3),
    SampleUnit("30814", "Xã Hòn Nghệ", "Xã", 0.5, 4),
)

# The parts of Thị xã Hà Tiên that went into Phường Tô Châu (outside the sample; illustrative).
HA_TIEN_VILLAGES = 3
HA_TIEN_CONVENTIONS = 3
HA_TIEN_PENDING = 2

# From 1/7/2025: Tỉnh An Giang (91), no districts. Villages are the predecessors' sum.
NEW_UNITS = (
    SampleUnit("30766", "Phường Tô Châu", "Phường", 1.5, 6 + HA_TIEN_VILLAGES),
    SampleUnit("30787", "Xã Kiên Lương", "Xã", 2.2, 7 + 5 + 4),
    SampleUnit("30790", "Xã Hòa Điền", "Xã", 1.6, 6 + 5),
    SampleUnit("30811", "Xã Sơn Hải", "Xã", 0.7, 3),
    SampleUnit("30814", "Xã Hòn Nghệ", "Xã", 0.5, 4),
)

# new code → the old codes it took over on 1/7/2025 (Tô Châu also took parts of Hà Tiên).
LINEAGE: dict[str, tuple[str, ...]] = {
    "30766": ("30805",),
    "30787": ("30787", "30808", "30809"),
    "30790": ("30790", "30802"),
    "30811": ("30811",),
    "30814": ("30814",),
}

FIRST_PERIOD = Period(2017, 1)
LAST_OLD_PERIOD = Period(2025, 1)
MERGER_PERIOD = Period(2025, 2)
OPEN_PERIOD = Period(2026, 2)
OLD_PERIODS = tuple(period_range(FIRST_PERIOD, LAST_OLD_PERIOD))
NEW_PERIODS = (MERGER_PERIOD, Period(2026, 1), OPEN_PERIOD)
PERIODS = OLD_PERIODS + NEW_PERIODS
# 2026S2 is still open: only these units have reported.
REPORTED_IN_OPEN_PERIOD = ("30787", "30811", "30814")

# Year each commune met the NTM standard (level 1 from the second half of that year). Kiên Bình and
# Bình Trị: 2019, after the review of 31/7/2019 (a fact); the other five: illustrative, 2014–2018.
NTM_YEAR_MET = {
    "30790": 2019,  # Kiên Bình
    "30802": 2016,  # Hòa Điền
    "30805": 2015,  # Dương Hòa
    "30808": 2014,  # Bình An
    "30809": 2019,  # Bình Trị
    "30811": 2017,  # Sơn Hải
    "30814": 2018,  # Hòn Nghệ
}
NTM_ADVANCED_FROM = {"30814": Period(2022, 2)}  # Hòn Nghệ: nâng cao by early 2023 (a fact)
# Extra criteria missing before the standard (Bình Trị a little further behind than Kiên Bình).
NTM_EXTRA_GAP = {"30809": 1}

# Successor communes: level kept (Hòn Nghệ nâng cao), year = when the last of their communes met
# the standard; criteria under the 2021–2025 set (19) in 2025S2 and under the 2026–2030 set (10,
# in force from 15/2/2026) from 2026S1. Illustrative.
NEW_NTM_LEVEL = {"30787": 1, "30790": 1, "30811": 1, "30814": 2}
NEW_NTM_YEAR = {"30787": 2019, "30790": 2019, "30811": 2017, "30814": 2018}
NEW_NTM_CRITERIA = {
    "2025S2": {"30787": 18, "30790": 19, "30811": 19, "30814": 19},
    "2026S1": {"30787": 6, "30790": 7, "30811": 7, "30814": 8},
    "2026S2": {"30787": 7, "30790": 7, "30811": 8, "30814": 9},
}

# Illustrative multipliers: pandemic halves, the half before the merger, the merger itself.
_DIP = {"2020S1": 0.8, "2021S2": 0.75, "2025S1": 0.85, "2025S2": 0.7, "2026S1": 0.85}

ILLUSTRATIVE_NOTE = (
    "Ghi chú: Số liệu minh họa (dữ liệu mẫu của QCDC Tracker), không phải số liệu chính thức; "
    "chỉ các mốc nông thôn mới nêu trong README là theo thông tin đã công bố."
)
ISSUER_DISTRICT = ("UBND HUYỆN KIÊN LƯƠNG", "BAN CHỈ ĐẠO THỰC HIỆN QCDC")
ISSUER_PROVINCE = ("UBND TỈNH AN GIANG", "BAN CHỈ ĐẠO THỰC HIỆN QCDC")
SIGNER_NAME = "Nguyễn Văn A"  # placeholders: no real person signs illustrative figures
PREPARER_NAME = "Trần Thị B"


# ------------------------------------------------------------------------------------------------
# Which unit reports what, when
# ------------------------------------------------------------------------------------------------


def units_for(period: Period) -> tuple[SampleUnit, ...]:
    """The units on the catalog in force for ``period`` (old before 1/7/2025, new after)."""
    return OLD_UNITS if period <= LAST_OLD_PERIOD else NEW_UNITS


def reporting_units(period: Period) -> tuple[SampleUnit, ...]:
    """The units that reported for ``period`` (all of them, except in the open period)."""
    units = units_for(period)
    if period == OPEN_PERIOD:
        return tuple(u for u in units if u.code in REPORTED_IN_OPEN_PERIOD)
    return units


def expected_indicators(unit: SampleUnit) -> tuple[str, ...]:
    """Every entered indicator, the NTM ones for communes only."""
    return tuple(i.code for i in indicator_catalog().entered if unit.is_commune or not i.communes_only)


# ------------------------------------------------------------------------------------------------
# Generation
# ------------------------------------------------------------------------------------------------


def sample_values(seed: int = DEFAULT_SEED) -> dict[Key, float]:
    """Every figure of the sample: ``(period_code, unit_code, indicator_code) → value``.

    A key absent means "not reported" (a blank cell): NTM figures of the town and the ward,
    NTM_YEAR while a commune is at level 0, and the units that have not reported 2026S2.
    """
    return dict(_generate(seed))


def sample_targets() -> dict[Key, float]:
    """The targets of ``kien-luong-chi-tieu-2019.csv``: ``(period_code, unit_code, indicator) → target``."""
    targets: dict[Key, float] = {
        ("2019", "30790", "NTM_LEVEL"): 1.0,  # Kiên Bình reaches the standard in 2019
        ("2019", "30809", "NTM_LEVEL"): 1.0,  # Bình Trị too
    }
    for unit in OLD_UNITS:
        targets[("2019S2", unit.code, "DLG_HELD")] = 2.0
        targets[("2019S2", unit.code, "DVK_MODELS")] = 1.0
    return targets


@lru_cache(maxsize=4)
def _generate(seed: int) -> tuple[tuple[Key, float], ...]:
    rng = random.Random(seed)
    out: dict[Key, float] = {}
    pending: dict[SampleUnit, int] = {}
    conventions: dict[SampleUnit, int] = {}
    old_by_code = {u.code: u for u in OLD_UNITS}

    for period in PERIODS:
        for unit in units_for(period):
            reports = unit in reporting_units(period)
            # The state every unit carries from one half to the next.
            if period == FIRST_PERIOD:
                carry = rng.randint(0, 3)
                conventions[unit] = unit.villages - rng.randint(0, 2)
            elif period == MERGER_PERIOD:
                olds = [old_by_code[c] for c in LINEAGE[unit.code]]
                extra = unit.code == "30766"
                carry = sum(pending[o] for o in olds) + (HA_TIEN_PENDING if extra else 0)
                conventions[unit] = sum(conventions[o] for o in olds) + (HA_TIEN_CONVENTIONS if extra else 0)
            else:
                carry = pending[unit]
            figures = _unit_figures(rng, unit, period, carry, conventions)
            pending[unit] = int(figures["CMP_COMPETENT"] - figures["CMP_RESOLVED"])
            if reports:
                for code in expected_indicators(unit):
                    if code in figures:
                        out[(period.code, unit.code, code)] = float(figures[code])
    return tuple(out.items())


def _scale(unit: SampleUnit, period: Period) -> float:
    step = (period.year - FIRST_PERIOD.year) * 2 + (period.half - 1)
    trend = 1 + 0.02 * step
    season = 1.1 if period.half == 2 else 1.0
    return unit.size * trend * season * _DIP.get(period.code, 1.0)


def _unit_figures(
    rng: random.Random,
    unit: SampleUnit,
    period: Period,
    carry: int,
    conventions: dict[SampleUnit, int],
) -> dict[str, int]:
    f = _scale(unit, period)

    def draw(mean: float, lo: int, hi: int, spread: float = 0.3) -> int:
        value = rng.gauss(mean, max(0.6, spread * mean))
        return max(lo, min(hi, round(value)))

    v: dict[str, int] = {}
    v["DLG_HELD"] = draw(1.0 + 0.7 * f, 1, 4)
    v["DLG_OPINIONS"] = draw(3 * v["DLG_HELD"] + 6 * f, 5, 40)
    v["DLG_ANSWERED"] = v["DLG_OPINIONS"] - draw(0.1 * v["DLG_OPINIONS"], 0, v["DLG_OPINIONS"])
    v["CMP_CARRY"] = carry
    v["CMP_NEW"] = draw(8 * f, 2, 25)
    v["CMP_COMPETENT"] = carry + v["CMP_NEW"] - draw(0.15 * v["CMP_NEW"], 0, v["CMP_NEW"])
    still_pending = min(v["CMP_COMPETENT"], rng.choice((0, 0, 0, 1, 1, 2, 3)))
    v["CMP_RESOLVED"] = v["CMP_COMPETENT"] - still_pending
    v["VIL_TOTAL"] = unit.villages
    missed = rng.randint(0, 2) if period == MERGER_PERIOD else int(rng.random() < 0.15)
    v["VIL_MEETINGS"] = max(0, unit.villages - missed)
    if conventions[unit] < unit.villages and rng.random() < 0.25:
        conventions[unit] += 1
    v["VIL_CONVENTIONS"] = min(conventions[unit], unit.villages)
    v["DISC_ITEMS"] = draw(10 * f, 2, 40)
    v["DEC_DIRECT"] = draw(2.5 * f, 0, 10)
    v["CONSULT_ITEMS"] = draw(4 * f, 0, 15)
    v["TTND_SUPERV"] = draw(0.8 + 0.8 * f, 0, 5)
    v["TTND_RECOMMEND"] = draw(1.5 * f, 0, 8)
    v["GSDT_WORKS"] = draw(2 * f, 0, 8)
    v["DVK_MODELS"] = 0 if rng.random() < 0.3 else draw(0.6 + 0.5 * f, 1, 4)
    v["MTTQ_SUPERV"] = draw(2.5 * f, 0, 8)
    v["MTTQ_CRITIQUE"] = draw(0.8 * f, 0, 4)
    v["PARTY_REFERRED"] = draw(3 * f, 0, 10)
    if unit.is_commune:
        v.update(_ntm_figures(unit, period))
    return v


def _ntm_figures(unit: SampleUnit, period: Period) -> dict[str, int]:
    """Criteria met, level and (from level 1) the year, deterministic (no draw)."""
    if period > LAST_OLD_PERIOD:
        out = {
            "NTM_CRITERIA_MET": NEW_NTM_CRITERIA[period.code][unit.code],
            "NTM_LEVEL": NEW_NTM_LEVEL[unit.code],
        }
        out["NTM_YEAR"] = NEW_NTM_YEAR[unit.code]
        return out
    year = NTM_YEAR_MET[unit.code]
    met_from = Period(year, 2)
    if period < met_from:
        halves_left = (met_from.year - period.year) * 2 + (met_from.half - period.half)
        gap = 1 + math.ceil(halves_left / 2) + NTM_EXTRA_GAP.get(unit.code, 0)
        return {"NTM_CRITERIA_MET": 19 - gap, "NTM_LEVEL": 0}
    advanced = NTM_ADVANCED_FROM.get(unit.code)
    level = 2 if advanced is not None and period >= advanced else 1
    return {"NTM_CRITERIA_MET": 19, "NTM_LEVEL": level, "NTM_YEAR": year}


# ------------------------------------------------------------------------------------------------
# The files
# ------------------------------------------------------------------------------------------------

# Unit names as the offices write them, per style.
_NAME_STYLES: dict[str, dict[str, str]] = {
    "full": {u.code: u.name for u in OLD_UNITS},
    "mixed": {
        "30787": "TT. Kiên Lương",
        "30790": "Kiên Bình",
        "30802": "Xã Hòa Điền",
        "30805": "Dương Hòa",
        "30808": "Xã Bình An",
        "30809": "Bình Trị",
        "30811": "Xã Sơn Hải",
        "30814": "Hòn Nghệ",
    },
    "bare": {u.code: (u.short_name if u.is_commune else "TT Kiên Lương") for u in OLD_UNITS},
    "mixed-old-tone": {
        "30787": "Thị trấn Kiên Lương",
        "30790": "Xã Kiên Bình",
        "30802": "Hoà Điền",  # the old tone placement
        "30805": "X. Dương Hòa",
        "30808": "Bình An",
        "30809": "Xã Bình Trị",
        "30811": "Sơn Hải",
        "30814": "Xã Hòn Nghệ",
    },
}


@dataclass(frozen=True, slots=True)
class _YearStyle:
    names: str
    include_code: bool
    header: str = "name"
    include_rate: bool = False


# How each year's workbook was laid out (offices change their sheets from year to year).
YEAR_STYLES = {
    2019: _YearStyle("mixed", include_code=False),
    2020: _YearStyle("full", include_code=True),
    2021: _YearStyle("bare", include_code=True, header="code"),
    2022: _YearStyle("mixed-old-tone", include_code=False),
    2023: _YearStyle("full", include_code=True),
    2024: _YearStyle("mixed", include_code=False, include_rate=True),
}

SHEET_TITLES = {1: "6 tháng đầu năm", 2: "6 tháng cuối năm"}


def report_date(period: Period) -> date:
    """When the (illustrative) report was signed: 15 July for the first half, 15 January after
    the second; the open period's forms on 15/12/2026."""
    if period == OPEN_PERIOD:
        return date(2026, 12, 15)
    return date(period.year, 7, 15) if period.half == 1 else date(period.year + 1, 1, 15)


def _stamp(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, 0)


def _period_values(values: Mapping[Key, float], period: Period) -> dict[tuple[str, str], float]:
    return {(u, i): v for (p, u, i), v in values.items() if p == period.code}


def _district_sheet(
    values: Mapping[Key, float],
    period: Period,
    names: Mapping[str, str],
    *,
    issuer: tuple[str, ...],
    place: str,
    include_code: bool,
    header: str = "name",
    include_rate: bool = False,
    subtitle: str | None = None,
) -> DistrictSheet:
    units = [(u.code, names[u.code]) for u in reporting_units(period)]
    return DistrictSheet(
        sheet_title=SHEET_TITLES[period.half],
        period=period,
        units=units,
        values=_period_values(values, period),
        issuer_lines=issuer,
        subtitle=subtitle,
        include_code=include_code,
        include_rate=include_rate,
        header="code" if header == "code" else "name",
        place_date=place_date_line(place, report_date(period)),
        signer_name=SIGNER_NAME,
        preparer_name=PREPARER_NAME,
        notes=(ILLUSTRATIVE_NOTE,),
    )


def _properties(title: str, day: date) -> dict[str, object]:
    return {
        "title": title,
        "comments": "Số liệu minh họa (dữ liệu mẫu của QCDC Tracker), không phải số liệu chính thức.",
        "created": _stamp(day),
    }


def _long_rows(values: Mapping[Key, float], periods: tuple[Period, ...]) -> list[tuple[object, ...]]:
    order = {code: i for i, code in enumerate(indicator_catalog().codes)}
    rows = []
    for period in periods:
        for unit in reporting_units(period):
            codes = sorted((i for (p, u, i) in values if p == period.code and u == unit.code), key=order.__getitem__)
            for code in codes:
                rows.append((unit.code, unit.name, period.code, code, values[(period.code, unit.code, code)]))
    return rows


def generate_sample(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the sample files into ``out_dir`` and return their paths (in the order written)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    values = sample_values(seed)
    written: list[Path] = []

    # 2017–2018: one long CSV, full names.
    path = out_dir / "kien-luong-2017-2018.csv"
    early = tuple(p for p in OLD_PERIODS if p.year <= 2018)
    write_long_csv(_long_rows(values, early), path)
    written.append(path)

    # Targets set at the 2019 mid-year review.
    path = out_dir / "kien-luong-chi-tieu-2019.csv"
    target_rows = [
        (unit, _NAME_STYLES["full"][unit], period, indicator, target)
        for (period, unit, indicator), target in sample_targets().items()
    ]
    write_long_csv(target_rows, path, header=("unit_code", "unit_name", "period", "indicator", "target"))
    written.append(path)

    # 2019–2024: one workbook a year, a district sheet per half.
    for year, style in YEAR_STYLES.items():
        path = out_dir / f"kien-luong-{year}.xlsx"
        sheets = [
            _district_sheet(
                values,
                Period(year, half),
                _NAME_STYLES[style.names],
                issuer=ISSUER_DISTRICT,
                place="Kiên Lương",
                include_code=style.include_code,
                header=style.header,
                include_rate=style.include_rate,
            )
            for half in (1, 2)
        ]
        title = f"Kết quả thực hiện QCDC ở cơ sở huyện Kiên Lương năm {year}"
        write_district_sheet(path, sheets=sheets, properties=_properties(title, report_date(Period(year, 2))))
        written.append(path)

    # 2025S1: the last half of the old units.
    path = out_dir / "kien-luong-2025-6-thang-dau.xlsx"
    sheet = _district_sheet(
        values,
        LAST_OLD_PERIOD,
        _NAME_STYLES["full"],
        issuer=ISSUER_DISTRICT,
        place="Kiên Lương",
        include_code=True,
    )
    title = "Kết quả thực hiện QCDC ở cơ sở huyện Kiên Lương 6 tháng đầu năm 2025"
    write_district_sheet(path, sheets=[sheet], properties=_properties(title, report_date(LAST_OLD_PERIOD)))
    written.append(path)

    # 2025S2 and 2026S1: the five successors, compiled by the province, with codes.
    new_names = {u.code: u.name for u in NEW_UNITS}
    for period, name in ((MERGER_PERIOD, "2025-6-thang-cuoi"), (Period(2026, 1), "2026-6-thang-dau")):
        path = out_dir / f"an-giang-kien-luong-{name}.xlsx"
        sheet = _district_sheet(
            values,
            period,
            new_names,
            issuer=ISSUER_PROVINCE,
            place="An Giang",
            include_code=True,
            subtitle="Các xã, phường thuộc huyện Kiên Lương (cũ)",
        )
        title = f"Kết quả thực hiện QCDC ở cơ sở các xã, phường thuộc huyện Kiên Lương (cũ), {period.label_vi}"
        write_district_sheet(path, sheets=[sheet], properties=_properties(title, report_date(period)))
        written.append(path)

    # 2026S2 (open): the commune forms of the units that have reported.
    for unit in reporting_units(OPEN_PERIOD):
        slug = {"30787": "kien-luong", "30811": "son-hai", "30814": "hon-nghe"}[unit.code]
        path = out_dir / f"bieu-mau-xa-{slug}-2026S2.xlsx"
        unit_values = {i: v for (p, u, i), v in values.items() if p == OPEN_PERIOD.code and u == unit.code}
        notes = {"NTM_CRITERIA_MET": "Theo bộ tiêu chí 2026–2030 (10 tiêu chí)"}
        if NEW_NTM_LEVEL.get(unit.code) == 2:
            notes["NTM_LEVEL"] = "Đạt chuẩn nâng cao từ năm 2022"
        write_commune_form(
            path,
            unit_name=unit.name,
            area_line="tỉnh An Giang",
            period=OPEN_PERIOD,
            values=unit_values,
            notes=notes,
            include_ntm=unit.is_commune,
            place_date=place_date_line(unit.short_name, report_date(OPEN_PERIOD)),
            signer_name=SIGNER_NAME,
            preparer_name=PREPARER_NAME,
            footnotes=(ILLUSTRATIVE_NOTE,),
            properties=_properties(f"Báo cáo QCDC {unit.name} {OPEN_PERIOD.label_vi}", report_date(OPEN_PERIOD)),
        )
        written.append(path)
    return written


TEMPLATE_FOOTNOTES = (
    "Hướng dẫn: để trống ô nếu không báo cáo; ghi 0 nếu số liệu bằng không. "
    "Thị trấn và phường không ghi mục VI (nông thôn mới chỉ áp dụng cho xã).",
)


def write_template(path: Path) -> Path:
    """The blank commune form (``data/templates/bieu-mau-bao-cao-xa.xlsx``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_commune_form(
        path,
        unit_name=None,
        area_line=None,
        period=None,
        footnotes=TEMPLATE_FOOTNOTES,
        properties={
            "title": "Biểu mẫu báo cáo kết quả thực hiện QCDC ở cơ sở (cấp xã)",
            "created": datetime(2026, 1, 1, 8, 0, 0),
        },
    )
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m etl.samplegen", description="Write the Kiên Lương sample files.")
    parser.add_argument("out_dir", type=Path, help="folder for the sample files (e.g. data/sample)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)")
    parser.add_argument("--template", type=Path, help="also write the blank commune form to this path")
    args = parser.parse_args(argv)
    for path in generate_sample(args.out_dir, seed=args.seed):
        print(path)
    if args.template:
        print(write_template(args.template))


if __name__ == "__main__":
    main()

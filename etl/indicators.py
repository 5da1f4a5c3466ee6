"""The indicator catalog (``data/indicators.csv``) and the sections of the paper form.

Read from the CSV files, not the database, so that readers and writers work without one; the same
rows are loaded into the ``indicator`` table by :mod:`etl.catalog`.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.settings import get_settings
from etl.text import loose_key, name_key, nfc


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    code: str
    name_vi: str
    name_en: str
    unit_vi: str
    kind: str  # count, stock, rate, level, year
    entered: bool
    aggregation: str  # sum, first, last, recompute, sum_of_new_plus_first_carry
    applies_to: str  # all, commune
    rule: str
    position: int
    section: str  # "I" … "VI"
    section_vi: str
    section_en: str

    @property
    def communes_only(self) -> bool:
        return self.applies_to == "commune"

    @property
    def is_flow(self) -> bool:
        return self.kind == "count"


class IndicatorCatalog:
    """The indicators in catalog order, with look-ups by code and by name (computed once)."""

    def __init__(self, indicators: tuple[IndicatorDef, ...]) -> None:
        self.indicators = indicators
        self._by_code = {i.code: i for i in indicators}
        self._exact: dict[str, str] = {}
        self._loose: dict[str, str] = {}
        for ind in indicators:
            for name in (ind.name_vi, ind.name_en):
                self._exact.setdefault(name_key(name), ind.code)
                self._loose.setdefault(loose_key(name), ind.code)
        self._matched: dict[str, str | None] = {}

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    @property
    def entered(self) -> tuple[IndicatorDef, ...]:
        return tuple(i for i in self.indicators if i.entered)

    def get(self, code: str) -> IndicatorDef:
        return self._by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def match(self, header: object) -> str | None:
        """The code a column header or row label stands for: the code itself or the Vietnamese
        (or English) name, compared regardless of case, spacing, tone placement and diacritics."""
        if header is None:
            return None
        raw = str(header)
        if raw in self._matched:
            return self._matched[raw]
        text = nfc(raw)
        found: str | None = None
        if text:
            upper = text.upper().replace(" ", "_")
            if upper in self._by_code:
                found = upper
            else:
                found = self._exact.get(name_key(text)) or self._loose.get(loose_key(text))
        if len(self._matched) < 10_000:
            self._matched[raw] = found
        return found

    def suggest(self, header: object, limit: int = 3) -> list[str]:
        """Close codes or names for an unknown header ("did you mean …")."""
        text = nfc(str(header or ""))
        choices = {i.code: i.code for i in self.indicators}
        choices.update({loose_key(i.name_vi): i.code for i in self.indicators})
        found = difflib.get_close_matches(
            loose_key(text) if " " in text else text.upper(), list(choices), n=limit, cutoff=0.6
        )
        out: list[str] = []
        for key in found:
            code = choices[key]
            label = f"{code} ({self.get(code).name_vi})"
            if label not in out:
                out.append(label)
        return out


def read_indicator_catalog(data_dir: Path) -> IndicatorCatalog:
    sections: dict[str, tuple[str, str, str]] = {}
    with (data_dir / "indicator_sections.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for code in row["codes"].split():
                sections[code] = (row["section"], row["name_vi"], row["name_en"])
    items: list[IndicatorDef] = []
    with (data_dir / "indicators.csv").open(encoding="utf-8", newline="") as handle:
        for position, row in enumerate(csv.DictReader(handle), start=1):
            section = sections.get(row["code"], ("", "", ""))
            items.append(
                IndicatorDef(
                    code=row["code"],
                    name_vi=nfc(row["name_vi"]),
                    name_en=row["name_en"],
                    unit_vi=row["unit_vi"],
                    kind=row["kind"],
                    entered=row["entered"].strip().lower() == "yes",
                    aggregation=row["aggregation"],
                    applies_to=row["applies_to"],
                    rule=row["rule"],
                    position=position,
                    section=section[0],
                    section_vi=section[1],
                    section_en=section[2],
                )
            )
    return IndicatorCatalog(tuple(items))


@lru_cache(maxsize=4)
def _cached_catalog(data_dir: str) -> IndicatorCatalog:
    return read_indicator_catalog(Path(data_dir))


def indicator_catalog() -> IndicatorCatalog:
    """The catalog from the configured data folder (cached)."""
    return _cached_catalog(str(get_settings().data_dir))


# The figures a review leads with (cards on the dashboard's overview and the deck's first slide).
MAIN_INDICATORS = (
    "DLG_HELD",
    "DLG_OPINIONS",
    "CMP_NEW",
    "CMP_RESOLVED",
    "CMP_RATE",
    "CMP_PENDING",
    "TTND_SUPERV",
    "DVK_MODELS",
    "MTTQ_SUPERV",
)

# The catalog names units of measure in Vietnamese only (unit_vi): their English, plural as on an
# axis or after a number ("6 dialogues"). "cuộc" counts dialogues, supervisions or critiques: the
# indicator says which.
UNITS_EN: dict[str, str] = {
    "cuộc": "sessions",
    "ý kiến": "opinions",
    "đơn": "petitions",
    "ấp": "villages",
    "nội dung": "items",
    "kiến nghị": "recommendations",
    "công trình": "works",
    "mô hình": "models",
    "người": "people",
    "tiêu chí": "criteria",
    "xã": "communes",
    "mức": "level",
    "năm": "year",
    "%": "%",
}
UNITS_EN_BY_INDICATOR: dict[str, str] = {
    "DLG_HELD": "dialogues",
    "TTND_SUPERV": "supervisions",
    "MTTQ_SUPERV": "supervisions",
    "MTTQ_CRITIQUE": "critiques",
}


def indicator_unit(code: str, lang: str = "vi") -> str:
    """An indicator's unit of measure: "cuộc", "đơn", "%"; in English "dialogues", "petitions"."""
    catalog = indicator_catalog()
    if code not in catalog:
        return ""
    unit = catalog.get(code).unit_vi
    if lang != "en":
        return unit
    return UNITS_EN_BY_INDICATOR.get(code) or UNITS_EN.get(unit.lower(), unit)


# Short names for cards and chart series, where the catalog's full name does not fit (the dashboard
# and the meeting outputs use the same ones).
SHORT_NAMES: dict[str, dict[str, str]] = {
    "DLG_HELD": {"vi": "Cuộc đối thoại", "en": "Dialogues"},
    "DLG_OPINIONS": {"vi": "Ý kiến của Nhân dân", "en": "Opinions raised"},
    "DLG_ANSWERED": {"vi": "Ý kiến đã trả lời, giải quyết", "en": "Opinions answered"},
    "CMP_CARRY": {"vi": "Kỳ trước chuyển sang", "en": "Carried over"},
    "CMP_NEW": {"vi": "Đơn tiếp nhận mới", "en": "Petitions received"},
    "CMP_COMPETENT": {"vi": "Đơn thuộc thẩm quyền", "en": "Within competence"},
    "CMP_RESOLVED": {"vi": "Đơn đã giải quyết", "en": "Petitions resolved"},
    "CMP_PENDING": {"vi": "Đơn chưa giải quyết", "en": "Petitions pending"},
    "CMP_RATE": {"vi": "Tỷ lệ giải quyết đơn", "en": "Resolution rate"},
    "VIL_TOTAL": {"vi": "Ấp, khu phố", "en": "Villages"},
    "VIL_MEETINGS": {"vi": "Ấp họp dân", "en": "Villages that met"},
    "VIL_CONVENTIONS": {"vi": "Ấp có hương ước", "en": "Villages with conventions"},
    "DISC_ITEMS": {"vi": "Nội dung công khai", "en": "Items disclosed"},
    "DEC_DIRECT": {"vi": "Nội dung dân bàn, quyết", "en": "Matters decided"},
    "CONSULT_ITEMS": {"vi": "Nội dung dân góp ý", "en": "Matters for comment"},
    "TTND_SUPERV": {"vi": "Giám sát của Ban TTND", "en": "Inspection Board supervisions"},
    "TTND_RECOMMEND": {"vi": "Kiến nghị của Ban TTND", "en": "Inspection Board recommendations"},
    "GSDT_WORKS": {"vi": "Công trình được GSĐTCĐ", "en": "Works supervised (community)"},
    "DVK_MODELS": {"vi": "Mô hình “Dân vận khéo”", "en": "“Dân vận khéo” models"},
    "MTTQ_SUPERV": {"vi": "Giám sát của MTTQ, đoàn thể", "en": "Front supervisions"},
    "MTTQ_CRITIQUE": {"vi": "Phản biện xã hội", "en": "Social critiques"},
    "PARTY_REFERRED": {"vi": "Quần chúng ưu tú giới thiệu", "en": "Referred to the Party"},
    "NTM_CRITERIA_MET": {"vi": "Tiêu chí NTM đạt", "en": "NTM criteria met"},
    "NTM_LEVEL": {"vi": "Xã đạt chuẩn NTM", "en": "Communes at the NTM standard"},
}


def short_name(code: str, lang: str = "vi") -> str:
    """A card-sized name ("Cuộc đối thoại" / "Dialogues"); the catalog's name when there is none."""
    names = SHORT_NAMES.get(code)
    if names:
        return names["en" if lang == "en" else "vi"]
    item = indicator_catalog().get(code)
    return item.name_en if lang == "en" else item.name_vi

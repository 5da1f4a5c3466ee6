"""Words the meeting outputs print, in Vietnamese and English, and how they print numbers.

Kept here rather than borrowed from the dashboard (``etl`` never imports it); the wording follows
the dashboard's so that a slide and the page it comes from say the same thing.
"""

from __future__ import annotations

import functools
import math

from etl.indicators import indicator_catalog, indicator_unit
from etl.indicators import short_name as short_name  # re-exported: one table, in etl
from etl.periods import period_label as period_label  # re-exported: one rule, in etl
from etl.periods import period_short as period_short
from etl.text import NTM_LEVEL_LABELS_EN, NTM_LEVEL_LABELS_VI, format_number

LANGS = ("vi", "en")
MISSING = "–"  # a figure not reported: never printed as 0

TEXT: dict[str, dict[str, str]] = {
    "deck.title": {"vi": "Kết quả thực hiện Quy chế dân chủ ở cơ sở", "en": "Grassroots democracy: results"},
    "boundaries.reported": {"vi": "Như đã báo cáo", "en": "As reported"},
    "boundaries.current": {"vi": "Theo địa giới hiện nay", "en": "Today's boundaries"},
    "sample": {"vi": "Dữ liệu minh họa", "en": "Illustrative data"},
    "sample.note": {
        "vi": "Dữ liệu minh họa: số liệu mẫu huyện Kiên Lương, không phải số liệu chính thức.",
        "en": "Illustrative data: the Kiên Lương sample, not official figures.",
    },
    "source": {
        "vi": "Nguồn: QCDC Tracker, số liệu các xã báo cáo; cập nhật {date}",
        "en": "Source: QCDC Tracker, figures reported by the communes; updated {date}",
    },
    "source.unknown": {"vi": "chưa rõ", "en": "unknown"},
    "made": {"vi": "Lập ngày {date}", "en": "Made on {date}"},
    "total": {"vi": "Toàn địa bàn", "en": "Whole area"},
    "col.unit": {"vi": "Đơn vị", "en": "Unit"},
    "col.commune": {"vi": "Xã", "en": "Commune"},
    "col.period": {"vi": "Kỳ", "en": "Period"},
    "col.indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "col.measure": {"vi": "Đơn vị tính", "en": "Unit of measure"},
    "col.change": {"vi": "Tăng (+), giảm (−) so với cùng kỳ", "en": "Change on the same period last year"},
    "col.reporting": {"vi": "Số đơn vị báo cáo", "en": "Units reporting"},
    "col.level": {"vi": "Mức đạt", "en": "Level"},
    "col.criteria": {"vi": "Số tiêu chí đạt", "en": "Criteria met"},
    "col.set": {"vi": "Bộ tiêu chí", "en": "Criteria set"},
    "col.year": {"vi": "Năm đạt chuẩn", "en": "Year met"},
    "col.target_period": {"vi": "Kỳ chỉ tiêu", "en": "Target period"},
    "col.target": {"vi": "Chỉ tiêu đề ra", "en": "Target"},
    "col.actual": {"vi": "Thực hiện", "en": "Achieved"},
    "col.result": {"vi": "Kết quả", "en": "Result"},
    "col.status": {"vi": "Tình trạng", "en": "Status"},
    "col.n_values": {"vi": "Số chỉ tiêu đã báo cáo", "en": "Indicators reported"},
    "col.n_expected": {"vi": "Số chỉ tiêu phải báo cáo", "en": "Indicators expected"},
    "col.reported": {"vi": "Đã báo cáo", "en": "Reported"},
    "col.partial": {"vi": "Báo cáo một phần", "en": "Partly reported"},
    "col.missing": {"vi": "Chưa báo cáo", "en": "Not reported"},
    "status.reported": {"vi": "Đã báo cáo", "en": "Reported"},
    "status.partial": {"vi": "Báo cáo một phần", "en": "Partly reported"},
    "status.missing": {"vi": "Chưa báo cáo", "en": "Not reported"},
    "target.met": {"vi": "Đã đạt", "en": "Met"},
    "target.not_met": {"vi": "Chưa đạt", "en": "Not met"},
    "target.in_progress": {"vi": "Đang thực hiện", "en": "In progress"},
    "target.not_reported": {"vi": "Chưa có số liệu", "en": "Not reported yet"},
    "target.upcoming": {"vi": "Kỳ tới", "en": "Next period"},
    "series.ntm_level": {"vi": "Mức đạt chuẩn", "en": "Level"},
    "partial.mark": {
        "vi": "(*) Chỉ gồm một phần địa bàn: không phải mọi đơn vị cũ sáp nhập vào đơn vị này đều có số liệu.",
        "en": "(*) Part of the territory only: not every old unit merged into this one has a figure.",
    },
    "missing.mark": {"vi": "(–) Chưa báo cáo.", "en": "(–) Not reported."},
}


def t(key: str, lang: str = "vi", **values: object) -> str:
    text = TEXT[key]["en" if lang == "en" else "vi"]
    return text.format(**values) if values else text


DECIMALS = {"CMP_RATE": 1, "NTM_CRITERIA_MET": 1}


def typographic(text: str) -> str:
    """Straight quotes in pairs as “ ”: 'Số mô hình "Dân vận khéo"' → 'Số mô hình “Dân vận khéo”'."""
    parts = text.split('"')
    if len(parts) % 2 == 0:  # an odd number of quotes: leave them
        return text
    return "".join(p + ("“" if i % 2 == 0 else "”") if i < len(parts) - 1 else p for i, p in enumerate(parts))


def indicator_name(code: str, lang: str = "vi") -> str:
    """The catalog's name, with typographic quotes for print."""
    ind = indicator_catalog().get(code)
    return typographic(ind.name_en if lang == "en" else ind.name_vi)


def measure(code: str, lang: str = "vi") -> str:
    """The unit of measure: "cuộc", "đơn", "%" ("dialogues", "petitions" in English)."""
    return indicator_unit(code, lang)


def decimals(code: str) -> int:
    return DECIMALS.get(code, 0)


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, places: int = 0, lang: str = "vi") -> str:
    """1.050 and 85,5 in Vietnamese (1,050 and 85.5 in English); "–" for a figure not reported."""
    if is_missing(value):
        return MISSING
    figure = float(value)  # type: ignore[arg-type]
    locale = "en" if lang == "en" else "vi"
    # a province's annex prints thousands of figures, mostly the same small counts: Babel takes a
    # quarter of a millisecond for each; -0.0 equals 0.0 as a key, so it goes to Babel itself
    return _formatted(figure, places, locale) if figure else format_number(figure, places, locale)


@functools.lru_cache(maxsize=4096)
def _formatted(value: float, places: int, locale: str) -> str:
    return format_number(value, places, locale)


def signed(value: float, places: int = 0, lang: str = "vi") -> str:
    """+4, −11, 0 (a true minus sign; −0,0 printed as 0)."""
    text = number(abs(value), places, lang)
    if text.strip("0,.") == "":
        return number(0, places, lang)
    return f"+{text}" if value > 0 else f"−{text}"


def percent(value: float | None, lang: str = "vi") -> str:
    return MISSING if is_missing(value) else f"{number(value, 1, lang)}%"


def level_label(level: float | None, lang: str = "vi") -> str:
    if is_missing(level):
        return MISSING
    labels = NTM_LEVEL_LABELS_EN if lang == "en" else NTM_LEVEL_LABELS_VI
    return labels.get(int(level), str(int(level)))  # type: ignore[arg-type]

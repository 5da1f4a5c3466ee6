"""Every string the dashboard shows, in Vietnamese (the default) and English.

Pure module (no Streamlit): :func:`t` looks a key up in a language; pages get the current language
from :mod:`dashboard.state`. Indicator names come from ``data/indicators.csv`` (through
:func:`indicator_name`), period labels from :class:`etl.periods.Period`.
"""

from __future__ import annotations

from etl.indicators import indicator_catalog
from etl.periods import parse_period
from etl.text import NTM_LEVEL_LABELS_EN, NTM_LEVEL_LABELS_VI

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

TEXTS: dict[str, dict[str, str]] = {
    # App and navigation
    "app.title": {"vi": "QCDC Tracker", "en": "QCDC Tracker"},
    "app.subtitle": {
        "vi": "Theo dõi thực hiện dân chủ ở cơ sở và xây dựng nông thôn mới",
        "en": "Grassroots democracy and new-rural-area progress",
    },
    "page.tong_quan": {"vi": "Tổng quan", "en": "Overview"},
    "page.xu_huong": {"vi": "Xu hướng", "en": "Trends"},
    "page.so_sanh": {"vi": "So sánh đơn vị", "en": "Compare units"},
    "page.nong_thon_moi": {"vi": "Nông thôn mới", "en": "New rural areas"},
    "page.ho_so_don_vi": {"vi": "Hồ sơ đơn vị", "en": "Unit profile"},
    "page.tinh_hinh_bao_cao": {"vi": "Tình hình báo cáo", "en": "Reporting status"},
    # Sidebar filters
    "filter.language": {"vi": "Ngôn ngữ", "en": "Language"},
    "filter.area": {"vi": "Địa bàn", "en": "Area"},
    "filter.period": {"vi": "Kỳ báo cáo", "en": "Reporting period"},
    "filter.range": {"vi": "Khoảng thời gian", "en": "Time range"},
    "filter.from": {"vi": "Từ kỳ", "en": "From"},
    "filter.to": {"vi": "Đến kỳ", "en": "To"},
    "filter.boundaries": {"vi": "Địa giới", "en": "Boundaries"},
    "filter.indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "filter.units": {"vi": "Đơn vị", "en": "Units"},
    "filter.units.placeholder": {"vi": "Chọn đơn vị để vẽ thêm đường", "en": "Pick units to add their lines"},
    "filter.by_year": {"vi": "Gộp theo năm", "en": "By year"},
    "boundaries.reported": {"vi": "Như đã báo cáo", "en": "As reported"},
    "boundaries.current": {"vi": "Theo địa giới hiện nay", "en": "Today's boundaries"},
    "boundaries.help": {
        "vi": "Như đã báo cáo: mỗi kỳ theo các đơn vị tồn tại lúc đó. Theo địa giới hiện nay: số liệu "
        "của đơn vị cũ được cộng vào đơn vị mới (sắp xếp 1/7/2025).",
        "en": "As reported: each period on the units that existed then. Today's boundaries: old units' "
        "figures summed into their successors (reorganisation of 1 July 2025).",
    },
    "boundaries.caption.reported": {
        "vi": "Địa giới: như đã báo cáo (mỗi kỳ theo đơn vị tồn tại lúc đó)",
        "en": "Boundaries: as reported (each period on the units of its time)",
    },
    "boundaries.caption.current": {
        "vi": "Địa giới: theo địa giới hiện nay (đơn vị cũ cộng vào đơn vị mới)",
        "en": "Boundaries: today's (old units summed into their successors)",
    },
    # Common
    "sample.badge": {"vi": "Dữ liệu minh họa", "en": "Illustrative data"},
    "sample.note": {
        "vi": "Dữ liệu minh họa: số liệu mẫu huyện Kiên Lương, không phải số liệu chính thức.",
        "en": "Illustrative data: the Kiên Lương sample, not official figures.",
    },
    "source.line": {
        "vi": "Nguồn: QCDC Tracker, số liệu các xã báo cáo; cập nhật {date}",
        "en": "Source: QCDC Tracker, figures reported by the communes; updated {date}",
    },
    "source.unknown_date": {"vi": "chưa rõ", "en": "unknown"},
    "empty.period": {
        "vi": "Chưa có số liệu kỳ này — tải tệp lên bằng `qcdc load` hoặc nhập số liệu.",
        "en": "No figures for this period yet — load a file with `qcdc load` or enter the figures.",
    },
    "empty.database": {
        "vi": "Cơ sở dữ liệu chưa có số liệu — chạy `qcdc demo` (dữ liệu mẫu) hoặc nạp tệp bằng `qcdc load`.",
        "en": "The database holds no figures yet — run `qcdc demo` (sample data) or load files with `qcdc load`.",
    },
    "empty.no_schema": {
        "vi": "Cơ sở dữ liệu chưa được khởi tạo — chạy `qcdc demo` hoặc `qcdc init` trước.",
        "en": "The database is not set up — run `qcdc demo` or `qcdc init` first.",
    },
    "empty.units": {
        "vi": "Địa bàn này không có đơn vị nào trong kỳ đã chọn — chọn địa bàn hoặc kỳ khác.",
        "en": "This area has no units in the chosen period — pick another area or period.",
    },
    "empty.range": {
        "vi": "Chưa có số liệu trong khoảng thời gian này — chọn khoảng khác, tải tệp lên bằng `qcdc load` "
        "hoặc nhập số liệu.",
        "en": "No figures in this time range — pick another range, load a file with `qcdc load` or enter the figures.",
    },
    "error.data": {"vi": "Không đọc được số liệu: {message}", "en": "Could not read the figures: {message}"},
    "error.database": {
        "vi": "Lỗi cơ sở dữ liệu ({message}). Thử tải lại trang; nếu vẫn lỗi, báo người quản trị.",
        "en": "Database error ({message}). Reload the page; if it persists, tell the administrator.",
    },
    "error.unavailable": {
        "vi": "Chức năng này chưa sẵn sàng trong phiên bản hiện tại ({name}).",
        "en": "This feature is not available in this version ({name}).",
    },
    "col.period": {"vi": "Kỳ", "en": "Period"},
    "col.unit": {"vi": "Đơn vị", "en": "Unit"},
    "col.unit_code": {"vi": "Mã đơn vị", "en": "Unit code"},
    "col.indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "col.value": {"vi": "Giá trị", "en": "Value"},
    "col.source": {"vi": "Nguồn", "en": "Source"},
    "col.partial": {"vi": "Chưa đủ địa bàn", "en": "Part of the territory"},
    "yes": {"vi": "Có", "en": "Yes"},
    "area_total": {"vi": "Toàn địa bàn", "en": "Whole area"},
    "download.csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "download.xlsx": {"vi": "Tải Excel", "en": "Download Excel"},
    "details.sources": {"vi": "Số liệu chi tiết và nguồn", "en": "Detailed figures and sources"},
    # Charts
    "chart.period_axis": {"vi": "Kỳ báo cáo", "en": "Reporting period"},
    "chart.unit_axis": {"vi": "Đơn vị", "en": "Unit"},
    "chart.communes_axis": {"vi": "Số xã", "en": "Communes"},
    "chart.reorg": {"vi": "Sắp xếp đơn vị hành chính 1/7/2025", "en": "Administrative reorganisation 1/7/2025"},
    "chart.hover.units_reporting": {"vi": "Đơn vị báo cáo", "en": "Units reporting"},
    "chart.hover.partial": {
        "vi": "chỉ gồm một phần địa bàn (đơn vị cũ bị chia tách hoặc chưa có số liệu)",
        "en": "covers only part of the territory (a divided old unit, or old units without figures)",
    },
    "chart.not_reported": {"vi": "chưa báo cáo", "en": "not reported"},
    "chart.criteria_set": {
        "vi": "Bộ tiêu chí {code} ({size} tiêu chí)",
        "en": "Criteria set {code} ({size} criteria)",
    },
    "chart.criteria_in_force": {"vi": "Số tiêu chí của bộ", "en": "Criteria in the set"},
    "status.reported": {"vi": "Đã báo cáo", "en": "Reported"},
    "status.partial": {"vi": "Báo cáo một phần", "en": "Partly reported"},
    "status.missing": {"vi": "Chưa báo cáo", "en": "Not reported"},
    "status.absent": {"vi": "Không tồn tại trong kỳ", "en": "Did not exist then"},
    # Tổng quan
    "overview.cards": {"vi": "Các chỉ tiêu chính", "en": "Main indicators"},
    "overview.vs_previous": {"vi": "so với kỳ trước", "en": "vs previous period"},
    "overview.vs_last_year": {
        "vi": "So với cùng kỳ ({period}): {delta}",
        "en": "Same period last year ({period}): {delta}",
    },
    "overview.no_comparison": {"vi": "không có số liệu", "en": "no figures"},
    "overview.partial_card": {
        "vi": "{reporting}/{expected} đơn vị báo cáo",
        "en": "{reporting} of {expected} units reported",
    },
    "overview.completeness": {
        "vi": "{reporting}/{expected} đơn vị đã báo cáo",
        "en": "{reporting} of {expected} units have reported",
    },
    "overview.missing": {"vi": "Chưa báo cáo: {names}", "en": "Not reported: {names}"},
    "overview.partial": {"vi": "Báo cáo chưa đủ: {names}", "en": "Partly reported: {names}"},
    "overview.all_reported": {"vi": "Tất cả các đơn vị đã báo cáo đủ.", "en": "Every unit has reported in full."},
    "overview.ntm": {
        "vi": "{met}/{communes} xã đạt chuẩn nông thôn mới",
        "en": "{met} of {communes} communes meet the standard",
    },
    "overview.ntm_unreported": {
        "vi": "{n} xã chưa báo cáo mức nông thôn mới",
        "en": "Communes that have not reported their level: {n}",
    },
    "overview.ntm_none": {
        "vi": "Địa bàn không có xã (nông thôn mới chỉ áp dụng cho xã).",
        "en": "The area has no communes (new rural areas apply to communes only).",
    },
    "overview.warnings": {"vi": "Cảnh báo về số liệu", "en": "Data warnings"},
    "overview.no_warnings": {"vi": "Không có cảnh báo nào cho kỳ này.", "en": "No warnings for this period."},
    "overview.by_unit": {"vi": "Theo đơn vị", "en": "By unit"},
    "overview.status": {"vi": "Tình hình báo cáo", "en": "Reporting"},
    "col.severity": {"vi": "Mức độ", "en": "Severity"},
    "col.kind": {"vi": "Loại", "en": "Kind"},
    "col.message": {"vi": "Nội dung", "en": "Message"},
    "kind.rule": {"vi": "Sai quy tắc", "en": "Rule broken"},
    "kind.carry": {"vi": "Chuyển kỳ không khớp", "en": "Carry-over mismatch"},
    "kind.outlier": {"vi": "Bất thường so với các kỳ trước", "en": "Unusual against past periods"},
    "kind.zero": {"vi": "Bằng 0 sau kỳ có số liệu", "en": "Zero after a non-zero period"},
    "severity.error": {"vi": "Lỗi", "en": "Error"},
    "severity.warning": {"vi": "Cảnh báo", "en": "Warning"},
    "severity.info": {"vi": "Lưu ý", "en": "Note"},
    "unit.percent_points": {"vi": "điểm %", "en": "pts"},
    # Xu hướng
    "trend.by_year_units": {
        "vi": "Gộp theo năm: biểu đồ chỉ vẽ toàn địa bàn (tổng theo quy tắc của từng chỉ tiêu).",
        "en": "By year: the chart shows the whole area only (rolled up by each indicator's rule).",
    },
    "trend.gaps": {
        "vi": "Kỳ không có báo cáo để trống (không phải số 0). Điểm rỗng: chưa đủ đơn vị báo cáo.",
        "en": "Periods without a report are gaps (not zero). Hollow points: not every unit reported.",
    },
    # So sánh
    "compare.table": {"vi": "Bảng số liệu", "en": "Figures"},
    # Nông thôn mới
    "ntm.status": {"vi": "Các xã — {period}", "en": "Communes — {period}"},
    "ntm.note": {
        "vi": "Nông thôn mới chỉ áp dụng cho xã (không tính thị trấn, phường) và luôn tính theo xã như đã "
        "báo cáo; số tiêu chí chỉ so sánh trong cùng một bộ tiêu chí.",
        "en": "New rural areas apply to communes only (not towns or wards), always as reported; criteria "
        "are compared within one criteria set only.",
    },
    "ntm.no_communes": {
        "vi": "Địa bàn không có xã nào trong kỳ này (nông thôn mới chỉ áp dụng cho xã).",
        "en": "The area has no communes in this period (new rural areas apply to communes only).",
    },
    "ntm.col.level": {"vi": "Mức đạt", "en": "Level"},
    "ntm.col.criteria": {"vi": "Tiêu chí đạt", "en": "Criteria met"},
    "ntm.col.set": {"vi": "Bộ tiêu chí", "en": "Criteria set"},
    "ntm.col.year": {"vi": "Năm đạt chuẩn", "en": "Year met"},
    "ntm.levels_title": {"vi": "Số xã theo mức nông thôn mới", "en": "Communes by new-rural-area level"},
    "ntm.targets": {"vi": "Chỉ tiêu của Ban Chỉ đạo", "en": "The committee's targets"},
    "ntm.target_line": {
        "vi": "{period}: {names} đạt chuẩn nông thôn mới — {result}",
        "en": "{period}: {names} to meet the new-rural-area standard — {result}",
    },
    "ntm.no_targets": {"vi": "Chưa có chỉ tiêu nào cho địa bàn này.", "en": "No targets for this area."},
    "target.met": {"vi": "Đã đạt", "en": "Met"},
    "target.not_met": {"vi": "Chưa đạt", "en": "Not met"},
    "target.unknown": {"vi": "Chưa có số liệu", "en": "Not reported yet"},
    "target.summary": {"vi": "{met}/{total} đã đạt", "en": "{met} of {total} met"},
    "col.target": {"vi": "Chỉ tiêu đề ra", "en": "Target"},
    "col.actual": {"vi": "Thực hiện", "en": "Achieved"},
    "col.result": {"vi": "Kết quả", "en": "Result"},
    # Hồ sơ đơn vị
    "profile.pick": {"vi": "Chọn một đơn vị của địa bàn", "en": "Pick a unit of the area"},
    "profile.table": {"vi": "Mọi chỉ tiêu theo kỳ", "en": "Every indicator by period"},
    "profile.lineage": {"vi": "Sắp xếp đơn vị hành chính 2025", "en": "The 2025 reorganisation"},
    "profile.no_lineage": {
        "vi": "Đơn vị không thay đổi khi sắp xếp 1/7/2025 (hoặc chưa có dữ liệu sắp xếp).",
        "en": "The unit did not change on 1 July 2025 (or the lineage is not known).",
    },
    "profile.batches": {"vi": "Số liệu lấy từ các lần nạp", "en": "Where the figures came from"},
    "profile.no_batches": {"vi": "Chưa có lần nạp nào cho đơn vị này.", "en": "No file has been loaded for this unit."},
    "lineage.predecessor": {"vi": "Đơn vị trước sắp xếp", "en": "Before the reorganisation"},
    "lineage.successor": {"vi": "Đơn vị sau sắp xếp", "en": "After the reorganisation"},
    "lineage.whole": {"vi": "Toàn bộ", "en": "Whole"},
    "lineage.part": {"vi": "Một phần", "en": "Part"},
    "col.direction": {"vi": "Quan hệ", "en": "Relation"},
    "col.catalog": {"vi": "Danh mục", "en": "Catalog"},
    "col.whole": {"vi": "Phạm vi", "en": "Extent"},
    "catalog.pre2025": {"vi": "trước 1/7/2025", "en": "before 1 July 2025"},
    "catalog.2025": {"vi": "từ 1/7/2025", "en": "from 1 July 2025"},
    "col.batch": {"vi": "Lô", "en": "Batch"},
    "col.file": {"vi": "Tệp", "en": "File"},
    "col.format": {"vi": "Dạng tệp", "en": "Format"},
    "col.loaded_by": {"vi": "Người nạp", "en": "Loaded by"},
    "col.loaded_at": {"vi": "Thời điểm nạp", "en": "Loaded at"},
    "col.values": {"vi": "Số giá trị", "en": "Values"},
    "col.for_unit": {"vi": "Của đơn vị", "en": "For unit"},
    # Tình hình báo cáo
    "reporting.counts": {"vi": "Số đơn vị theo kỳ", "en": "Units per period"},
    "reporting.note": {
        "vi": "Chỉ tính các đơn vị tồn tại trong từng kỳ (đơn vị cũ đến 30/6/2025, đơn vị mới từ 1/7/2025).",
        "en": "Only the units that existed in each period count (old units until 30/6/2025, new ones after).",
    },
    "reporting.headline": {
        "vi": "{period}: {reported}/{expected} đơn vị đã báo cáo",
        "en": "{period}: {reported} of {expected} units have reported",
    },
    "col.reported": {"vi": "Đã báo cáo", "en": "Reported"},
    "col.partly": {"vi": "Một phần", "en": "Partly"},
    "col.missing": {"vi": "Chưa báo cáo", "en": "Not reported"},
    "col.expected": {"vi": "Số đơn vị", "en": "Units"},
    "col.status": {"vi": "Tình trạng", "en": "Status"},
    "col.n_values": {"vi": "Số chỉ tiêu đã có", "en": "Indicators reported"},
    "col.n_expected": {"vi": "Số chỉ tiêu phải báo cáo", "en": "Indicators expected"},
}

# Short labels for the metric cards (the full name is the card's help text).
SHORT_NAMES: dict[str, dict[str, str]] = {
    "DLG_HELD": {"vi": "Cuộc đối thoại", "en": "Dialogues held"},
    "DLG_OPINIONS": {"vi": "Ý kiến tại đối thoại", "en": "Opinions at dialogues"},
    "CMP_NEW": {"vi": "Đơn tiếp nhận mới", "en": "New petitions"},
    "CMP_RESOLVED": {"vi": "Đơn đã giải quyết", "en": "Petitions resolved"},
    "CMP_RATE": {"vi": "Tỷ lệ giải quyết đơn", "en": "Resolution rate"},
    "CMP_PENDING": {"vi": "Đơn chưa giải quyết", "en": "Petitions pending"},
    "TTND_SUPERV": {"vi": "Giám sát của Ban TTND", "en": "Inspection Board supervisions"},
    "DVK_MODELS": {"vi": "Mô hình Dân vận khéo", "en": "Dân vận khéo models"},
    "MTTQ_SUPERV": {"vi": "Giám sát của MTTQ", "en": "Fatherland Front supervisions"},
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text of ``key`` in ``lang`` (Vietnamese when the language is unknown), with ``{name}``
    placeholders filled from ``values``."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def indicator_name(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The catalog's name of an indicator ("Số cuộc đối thoại …"), the code when unknown."""
    catalog = indicator_catalog()
    if code not in catalog:
        return code
    item = catalog.get(code)
    return item.name_vi if lang != "en" else item.name_en


def short_name(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    names = SHORT_NAMES.get(code)
    return names.get(lang, names[DEFAULT_LANGUAGE]) if names else indicator_name(code, lang)


def indicator_unit(code: str) -> str:
    """The unit of measure of an indicator ("cuộc", "đơn", "%")."""
    catalog = indicator_catalog()
    return catalog.get(code).unit_vi if code in catalog else ""


def period_label(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """ "6 tháng đầu năm 2019" / "First half of 2019"."""
    period = parse_period(code)
    return period.label_vi if lang != "en" else period.label_en


def period_short(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A label that fits under a chart's axis: "6T đầu 2019" / "H1 2019"."""
    period = parse_period(code)
    if lang == "en":
        return f"H{period.half} {period.year}" if period.half else str(period.year)
    if period.half == 1:
        return f"6T đầu {period.year}"
    if period.half == 2:
        return f"6T cuối {period.year}"
    return f"Năm {period.year}"


def ntm_level_label(level: float | int | None, lang: str = DEFAULT_LANGUAGE) -> str:
    if level is None or level != level:  # NaN: not reported
        return t("status.missing", lang)
    labels = NTM_LEVEL_LABELS_EN if lang == "en" else NTM_LEVEL_LABELS_VI
    return labels.get(int(level), str(level))

"""Every string the dashboard shows, in Vietnamese (the default) and English.

Pure module (no Streamlit): :func:`t` looks a key up in a language; pages get the current language
from :mod:`dashboard.state`. Indicator names come from ``data/indicators.csv`` (through
:func:`indicator_name`), period labels from :class:`etl.periods.Period`.
"""

from __future__ import annotations

from etl.indicators import indicator_catalog
from etl.indicators import short_name as short_name  # re-exported: one table, in etl
from etl.periods import period_label as period_label  # re-exported: one rule, in etl
from etl.periods import period_short as period_short
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
    "filter.province": {"vi": "Tỉnh, thành phố", "en": "Province or city"},
    "filter.area": {"vi": "Địa bàn", "en": "Area"},
    "filter.whole_province": {"vi": "{name} — toàn địa bàn", "en": "{name} — whole area"},
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
    # A panel title of the NTM levels chart: two short lines, so that narrow panels stay apart.
    "chart.criteria_set_panel": {
        "vi": "Bộ tiêu chí {code}<br>({size} tiêu chí)",
        "en": "Criteria set {code}<br>({size} criteria)",
    },
    "chart.criteria_in_force": {"vi": "Số tiêu chí của bộ", "en": "Criteria in the set"},
    "status.reported": {"vi": "Đã báo cáo", "en": "Reported"},
    "status.partial": {"vi": "Báo cáo một phần", "en": "Partly reported"},
    "status.missing": {"vi": "Chưa báo cáo", "en": "Not reported"},
    "status.absent": {"vi": "Không tồn tại trong kỳ", "en": "Did not exist then"},
    # Tổng quan
    "overview.cards": {"vi": "Các chỉ tiêu chính", "en": "Main indicators"},
    "overview.vs_previous": {"vi": "so với kỳ trước", "en": "vs previous period"},
    # A change is shown only between two complete periods: a partial total against a complete one
    # is not a fall.
    "overview.not_comparable": {
        "vi": "chưa đủ đơn vị báo cáo để so sánh",
        "en": "too few units reported to compare",
    },
    "overview.not_comparable_short": {"vi": "chưa đủ đơn vị báo cáo", "en": "too few units reported"},
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
        "en": "{reporting}/{expected} units reported",
    },
    "overview.missing": {"vi": "Chưa báo cáo: {names}", "en": "Not reported: {names}"},
    "overview.partial": {"vi": "Báo cáo chưa đủ: {names}", "en": "Partly reported: {names}"},
    "overview.all_reported": {"vi": "Tất cả các đơn vị đã báo cáo đủ.", "en": "Every unit has reported in full."},
    "overview.ntm": {
        "vi": "{met}/{communes} xã đạt chuẩn nông thôn mới",
        "en": "{met}/{communes} communes at standard",
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
        "en": "{period}: {reported}/{expected} units reported",
    },
    "col.reported": {"vi": "Đã báo cáo", "en": "Reported"},
    "col.partly": {"vi": "Một phần", "en": "Partly"},
    "col.missing": {"vi": "Chưa báo cáo", "en": "Not reported"},
    "col.expected": {"vi": "Số đơn vị", "en": "Units"},
    "col.status": {"vi": "Tình trạng", "en": "Status"},
    "col.n_values": {"vi": "Số chỉ tiêu đã có", "en": "Indicators reported"},
    "col.n_expected": {"vi": "Số chỉ tiêu phải báo cáo", "en": "Indicators expected"},
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


def ntm_level_label(level: float | int | None, lang: str = DEFAULT_LANGUAGE) -> str:
    if level is None or level != level:  # NaN: not reported
        return t("status.missing", lang)
    labels = NTM_LEVEL_LABELS_EN if lang == "en" else NTM_LEVEL_LABELS_VI
    return labels.get(int(level), str(level))


# ------------------------------------------------------------------------------------------------
# Data entry and review (issue 4): sign-in, Nhập số liệu, Duyệt báo cáo, Quản trị, Lịch sử số liệu.
# Kept in their own block (merged into TEXTS below) so that they never collide with the chart texts.
# ------------------------------------------------------------------------------------------------

ENTRY_TEXTS: dict[str, dict[str, str]] = {
    # Pages
    "page.nhap_so_lieu": {"vi": "Nhập số liệu", "en": "Data entry"},
    "page.duyet_bao_cao": {"vi": "Duyệt báo cáo", "en": "Review"},
    "page.quan_tri": {"vi": "Quản trị", "en": "Administration"},
    "page.lich_su": {"vi": "Lịch sử số liệu", "en": "Value history"},
    # Sign-in
    "auth.title": {"vi": "Đăng nhập để nhập, duyệt số liệu", "en": "Sign in to enter or review figures"},
    "auth.username": {"vi": "Tên đăng nhập", "en": "User name"},
    "auth.password": {"vi": "Mật khẩu", "en": "Password"},
    "auth.sign_in": {"vi": "Đăng nhập", "en": "Sign in"},
    "auth.sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "auth.signed_in_as": {"vi": "Đang đăng nhập", "en": "Signed in as"},
    "auth.missing": {"vi": "Nhập tên đăng nhập và mật khẩu.", "en": "Enter your user name and password."},
    "auth.expired": {
        "vi": "Phiên đăng nhập đã hết hạn; hãy đăng nhập lại. Bản nháp của bạn vẫn được giữ.",
        "en": "Your session has expired; sign in again. Your draft is kept.",
    },
    "auth.disabled": {
        "vi": "Tài khoản đã bị khoá hoặc không còn; liên hệ quản trị.",
        "en": "The account is disabled or no longer exists; contact the administrator.",
    },
    "auth.signed_out": {"vi": "Đã đăng xuất.", "en": "Signed out."},
    "auth.denied": {"vi": "Bạn không có quyền xem trang này.", "en": "You are not allowed to see this page."},
    "auth.sign_in_first": {
        "vi": "Trang này dành cho người có tài khoản: đăng nhập ở thanh bên trái.",
        "en": "This page needs an account: sign in in the sidebar.",
    },
    "auth.denied_unit": {
        "vi": "Bạn không có quyền xem trang này cho đơn vị đã chọn: đơn vị không thuộc phạm vi của bạn.",
        "en": "You are not allowed to see this page for the chosen unit: it is outside your scope.",
    },
    # The dashboard's switch for figures not approved yet
    "filter.unapproved": {"vi": "Gồm số liệu chưa duyệt", "en": "Include figures not approved yet"},
    "filter.unapproved_help": {
        "vi": "Tắt (mặc định): chỉ tính số liệu chính thức, tức báo cáo đã được Ban Chỉ đạo duyệt. Bật: tính "
        "cả số liệu xã đã nộp hoặc đang bị trả lại, đánh dấu trong bảng là chưa duyệt.",
        "en": "Off (default): official figures only, i.e. returns the committee has approved. On: also "
        "figures submitted or returned, marked as not approved in the tables.",
    },
    "col.unapproved": {"vi": "Chưa duyệt", "en": "Not approved"},
    # Problem tables
    "col.sheet": {"vi": "Trang tính", "en": "Sheet"},
    "col.row": {"vi": "Dòng", "en": "Row"},
    "col.column": {"vi": "Cột / chỉ tiêu", "en": "Column / indicator"},
    "col.typed": {"vi": "Giá trị", "en": "Value"},
    # Nhập số liệu
    "entry.no_open_period": {
        "vi": "Chưa có kỳ báo cáo nào đang mở để nhập số liệu — liên hệ quản trị.",
        "en": "No reporting period is open for entry — contact the administrator.",
    },
    "entry.no_units": {
        "vi": "Tài khoản của bạn chưa được giao đơn vị nào cho kỳ này — liên hệ quản trị.",
        "en": "Your account has no unit for this period — contact the administrator.",
    },
    "entry.back_to_mine": {"vi": "Về đơn vị của tôi", "en": "Back to my unit"},
    "entry.deadline_suffix": {"vi": " — hạn nộp {date}", "en": " — due {date}"},
    "entry.status": {"vi": "Tình trạng: {status}", "en": "Status: {status}"},
    "entry.deadline": {"vi": "Hạn nộp: {date}", "en": "Due: {date}"},
    "entry.submitted_at": {"vi": "Nộp lúc {at}", "en": "Submitted {at}"},
    "entry.saved_at": {"vi": "Đã tự lưu lúc {at}", "en": "Saved automatically at {at}"},
    "entry.waiting_review": {
        "vi": "Báo cáo đã nộp, đang chờ Ban Chỉ đạo duyệt; nếu cần sửa, đề nghị Ban Chỉ đạo trả lại.",
        "en": "Submitted, waiting for the committee's review; to change it, ask the committee to return it.",
    },
    "entry.locked": {
        "vi": "Báo cáo đã được duyệt và khoá; số liệu đã là số liệu chính thức.",
        "en": "The return is approved and locked; its figures are official.",
    },
    "entry.not_editable_typed": {
        "vi": "Những gì bạn vừa gõ chưa được lưu vì báo cáo không còn sửa được (đã nộp hoặc đã duyệt).",
        "en": "What you just typed was not saved: the return can no longer be changed (submitted or approved).",
    },
    "entry.not_saved": {
        "vi": "Chưa lưu được bản nháp: {reason} Những gì bạn gõ vẫn được giữ trong trang này.",
        "en": "The draft could not be saved: {reason} What you typed is kept on this page.",
    },
    "entry.comment_title": {"vi": "Ban Chỉ đạo trả lại báo cáo với ý kiến:", "en": "The committee returned the form:"},
    "entry.comment_fields": {"vi": "Các chỉ tiêu cần xem lại: {fields}", "en": "Fields to look at: {fields}"},
    "entry.returned_field": {"vi": "Ban Chỉ đạo đề nghị xem lại", "en": "The committee asks you to check this"},
    "entry.conflict.theirs": {"vi": "Bản đã lưu (người khác)", "en": "Saved version (someone else)"},
    "entry.conflict.mine": {"vi": "Bản của bạn", "en": "Your version"},
    "entry.conflict.reload": {"vi": "Tải lại bản đã lưu", "en": "Reload the saved version"},
    "entry.conflict.keep_mine": {"vi": "Giữ bản của tôi (ghi đè)", "en": "Keep mine (overwrite)"},
    "entry.conflict.reloaded": {
        "vi": "Đã tải lại bản đã lưu; bản của bạn không được ghi.",
        "en": "Reloaded the saved version; yours was not written.",
    },
    "entry.file.title": {"vi": "Nhập bằng tệp Excel", "en": "Enter with an Excel file"},
    "entry.file.help": {
        "vi": "Tải biểu mẫu của đơn vị (đã điền sẵn số liệu hiện có), điền ngoài máy rồi tải lên: tệp được "
        "kiểm tra như khi nạp tệp; tệp có lỗi không ghi gì.",
        "en": "Download your unit's form (pre-filled with what is there), fill it offline and upload it: it "
        "is checked as any loaded file; a file with errors changes nothing.",
    },
    "entry.file.download": {"vi": "Tải biểu mẫu Excel", "en": "Download the Excel form"},
    "entry.file.upload": {"vi": "Chọn tệp đã điền (.xlsx, .csv)", "en": "Choose the filled file (.xlsx, .csv)"},
    "entry.file.limit": {"vi": "Tệp tối đa {mb} MB.", "en": "Files up to {mb} MB."},
    "entry.file.apply": {"vi": "Đưa số liệu trong tệp vào bản nháp", "en": "Put the file's figures in the draft"},
    "entry.file.applied": {
        "vi": "Đã đưa số liệu của tệp {name} vào bản nháp; kiểm tra lại rồi nộp.",
        "en": "The figures of {name} are in the draft; check them, then submit.",
    },
    "entry.file.refused": {
        "vi": "Tệp {name} có {n} lỗi nên không ghi gì. Sửa các ô dưới đây rồi tải lên lại.",
        "en": "{name} has {n} errors, so nothing was written. Fix the cells below and upload it again.",
    },
    "entry.file.warnings": {
        "vi": "Tệp {name}: {n} điều cần xem lại (không chặn việc nộp).",
        "en": "{name}: {n} things to check (they do not block submission).",
    },
    "entry.errors": {
        "vi": "{n} lỗi cần sửa trước khi nộp (ghi bên dưới từng chỉ tiêu).",
        "en": "{n} errors to fix before submitting (shown under each field).",
    },
    "entry.warnings": {
        "vi": "{n} điều cần xem lại (không chặn việc nộp).",
        "en": "{n} things to check (they do not block submission).",
    },
    "entry.no_problems": {"vi": "Chưa thấy lỗi nào.", "en": "No problem found."},
    "entry.value": {"vi": "Số liệu", "en": "Figure"},
    "entry.note": {"vi": "Ghi chú", "en": "Note"},
    "entry.previous": {"vi": "Kỳ trước", "en": "Last period"},
    "entry.last_year": {"vi": "Cùng kỳ năm trước", "en": "Same period last year"},
    "entry.placeholder": {"vi": "để trống nếu chưa có", "en": "blank if not known"},
    "entry.help.whole": {"vi": "Số nguyên, không âm", "en": "A whole number, 0 or more"},
    "entry.help.at_most": {"vi": "Không lớn hơn: {what}", "en": "At most: {what}"},
    "entry.help.cmp_carry": {
        "vi": "Thường bằng số đơn chưa giải quyết của kỳ trước",
        "en": "Usually last period's petitions still pending",
    },
    "entry.help.ntm_criteria_met": {
        "vi": "Từ 0 đến số tiêu chí của bộ đang áp dụng (19; từ 15/2/2026 là 10)",
        "en": "From 0 to the size of the criteria set in force (19; 10 from 15 Feb 2026)",
    },
    "entry.help.ntm_level": {
        "vi": "0 chưa đạt, 1 đạt chuẩn, 2 nâng cao, 3 kiểu mẫu; từ 1 trở lên cần năm đạt chuẩn; hạ mức cần ghi chú",
        "en": "0 not met, 1 standard, 2 advanced, 3 model; 1 or more needs the year; a drop needs a note",
    },
    "entry.help.ntm_year": {
        "vi": "Không sau năm của kỳ báo cáo; để trống khi chưa đạt chuẩn",
        "en": "Not after the period's year; blank while the standard is not met",
    },
    "entry.save": {"vi": "Lưu nháp", "en": "Save draft"},
    "entry.saved": {"vi": "Đã lưu bản nháp.", "en": "Draft saved."},
    "entry.submit": {"vi": "Nộp báo cáo", "en": "Submit"},
    "entry.submitted": {
        "vi": "Đã nộp báo cáo; Ban Chỉ đạo sẽ duyệt hoặc trả lại kèm ý kiến.",
        "en": "Submitted; the committee will approve it or return it with a comment.",
    },
    "entry.submit_refused": {
        "vi": "Chưa nộp được: còn {n} lỗi (ghi bên dưới từng chỉ tiêu).",
        "en": "Not submitted: {n} errors left (shown under each field).",
    },
    "entry.fix_first": {"vi": "Sửa hết lỗi thì mới nộp được.", "en": "Fix every error to submit."},
    # Duyệt báo cáo
    "review.open": {"vi": "đang mở", "en": "open"},
    "review.closed": {"vi": "đã đóng", "en": "closed"},
    "review.no_units": {
        "vi": "Không có đơn vị nào trong phạm vi của bạn cho kỳ này.",
        "en": "No unit in your scope for this period.",
    },
    "review.deadline": {"vi": "Hạn nộp", "en": "Deadline"},
    "review.submitted_at": {"vi": "Nộp lúc", "en": "Submitted at"},
    "review.timeliness": {"vi": "Đúng hạn", "en": "On time"},
    "review.on_time": {"vi": "Đúng hạn", "en": "On time"},
    "review.late": {"vi": "Trễ hạn", "en": "Late"},
    "review.open_one": {"vi": "Xem một báo cáo", "en": "Open a return"},
    "review.no_submission.files": {
        "vi": "Số liệu của đơn vị này được nạp từ tệp (không qua biểu mẫu), đã là số liệu chính thức.",
        "en": "This unit's figures were loaded from a file (not the web form) and are official.",
    },
    "review.no_submission.none": {
        "vi": "Đơn vị chưa bắt đầu nhập số liệu kỳ này.",
        "en": "The unit has not started entering this period.",
    },
    "review.last_comment": {"vi": "Ý kiến gần nhất", "en": "Latest comment"},
    "review.figures": {"vi": "Số liệu của báo cáo", "en": "The return's figures"},
    "review.unit_of_measure": {"vi": "Đơn vị tính", "en": "Unit"},
    "review.returned": {"vi": "Đề nghị xem lại", "en": "To check"},
    "review.warnings": {"vi": "Cảnh báo", "en": "Warnings"},
    "review.approve_title": {"vi": "Duyệt", "en": "Approve"},
    "review.approve_help": {
        "vi": "Số liệu thành số liệu chính thức và báo cáo bị khoá.",
        "en": "The figures become official and the return is locked.",
    },
    "review.approve": {"vi": "Duyệt báo cáo", "en": "Approve"},
    "review.return_title": {"vi": "Trả lại để xã sửa", "en": "Return for correction"},
    "review.comment": {"vi": "Ý kiến (xã sẽ thấy ở đầu biểu mẫu)", "en": "Comment (shown at the top of the form)"},
    "review.fields": {"vi": "Chỉ tiêu cần xem lại", "en": "Fields to check"},
    "review.fields_placeholder": {"vi": "Chọn chỉ tiêu", "en": "Pick fields"},
    "review.return": {"vi": "Trả lại", "en": "Return"},
    "review.comment_required": {
        "vi": "Hãy ghi ý kiến để xã biết cần sửa gì.",
        "en": "Write a comment so that the commune knows what to fix.",
    },
    "review.reopen_title": {"vi": "Mở lại báo cáo đã duyệt", "en": "Reopen the approved return"},
    "review.reason": {"vi": "Lý do mở lại (bắt buộc, được ghi lại)", "en": "Reason (required, recorded)"},
    "review.reopen": {"vi": "Mở lại", "en": "Reopen"},
    "review.reason_required": {"vi": "Mở lại cần ghi lý do.", "en": "Reopening needs a reason."},
    "review.nothing_to_do": {
        "vi": "Báo cáo đang ở trạng thái “{status}”: chưa có gì để duyệt.",
        "en": "The return is “{status}”: nothing to review yet.",
    },
    "review.done.approve": {"vi": "Đã duyệt báo cáo.", "en": "Approved."},
    "review.done.return": {"vi": "Đã trả lại báo cáo kèm ý kiến.", "en": "Returned with your comment."},
    "review.done.reopen": {"vi": "Đã mở lại báo cáo.", "en": "Reopened."},
    "review.events": {"vi": "Diễn biến của báo cáo", "en": "What happened to the return"},
    "review.event_at": {"vi": "Thời điểm", "en": "When"},
    "review.event_by": {"vi": "Người thực hiện", "en": "Who"},
    "review.event_action": {"vi": "Việc", "en": "Action"},
    "review.event_change": {"vi": "Tình trạng", "en": "Status"},
    "review.event_comment": {"vi": "Ý kiến, lý do", "en": "Comment, reason"},
    "review.action.create": {"vi": "Bắt đầu nhập", "en": "Started"},
    "review.action.save": {"vi": "Lưu nháp", "en": "Saved"},
    "review.action.submit": {"vi": "Nộp", "en": "Submitted"},
    "review.action.return": {"vi": "Trả lại", "en": "Returned"},
    "review.action.approve": {"vi": "Duyệt", "en": "Approved"},
    "review.action.reopen": {"vi": "Mở lại", "en": "Reopened"},
    # Quản trị
    "admin.tab_accounts": {"vi": "Tài khoản", "en": "Accounts"},
    "admin.tab_periods": {"vi": "Kỳ báo cáo", "en": "Reporting periods"},
    "admin.full_name": {"vi": "Họ tên", "en": "Full name"},
    "admin.role": {"vi": "Vai trò", "en": "Role"},
    "admin.scope": {"vi": "Phạm vi (đơn vị)", "en": "Scope (units)"},
    "admin.scope_help": {
        "vi": "Cán bộ xã: xã, phường của mình. Thư ký: huyện hoặc tỉnh (để trống là mọi nơi). Gõ mã hoặc tên để tìm.",
        "en": "Official: their commune(s). Secretariat: a district or province (empty: everywhere). Type a code "
        "or a name to search.",
    },
    "admin.scope_all": {"vi": "Mọi đơn vị", "en": "Every unit"},
    "admin.scope_placeholder": {
        "vi": "Gõ mã hoặc tên đơn vị để chọn",
        "en": "Type a unit's code or name to choose it",
    },
    "admin.scope_province": {"vi": "Tỉnh, thành phố của phạm vi", "en": "Province of the scope"},
    "admin.scope_province_help": {
        "vi": "Các ô Phạm vi bên dưới liệt kê mọi tỉnh, thành phố và các huyện, xã của tỉnh chọn ở đây. "
        "Chọn tỉnh trước khi điền ô Phạm vi.",
        "en": "The Scope boxes below list every province and the districts and communes of the one chosen here. "
        "Pick the province before filling in a Scope box.",
    },
    "admin.active": {"vi": "Đang dùng", "en": "Active"},
    "admin.disabled": {"vi": "Đã khoá", "en": "Disabled"},
    "admin.add_title": {"vi": "Thêm tài khoản", "en": "Add an account"},
    "admin.add": {"vi": "Thêm", "en": "Add"},
    "admin.added": {"vi": "Đã thêm tài khoản {username}.", "en": "Account {username} added."},
    "admin.change_title": {"vi": "Sửa một tài khoản", "en": "Change an account"},
    "admin.pick_user": {"vi": "Tài khoản", "en": "Account"},
    "admin.active_title": {"vi": "Khoá / mở khoá", "en": "Disable / enable"},
    "admin.disable": {"vi": "Khoá tài khoản", "en": "Disable"},
    "admin.enable": {"vi": "Mở khoá", "en": "Enable"},
    "admin.not_yourself": {"vi": "Không tự khoá tài khoản của mình.", "en": "You cannot disable yourself."},
    "admin.disabled_done": {"vi": "Đã khoá tài khoản {username}.", "en": "Account {username} disabled."},
    "admin.enabled_done": {"vi": "Đã mở khoá tài khoản {username}.", "en": "Account {username} enabled."},
    "admin.password_title": {"vi": "Đặt lại mật khẩu", "en": "Reset the password"},
    "admin.new_password": {"vi": "Mật khẩu mới", "en": "New password"},
    "admin.set_password": {"vi": "Đặt mật khẩu", "en": "Set password"},
    "admin.password_done": {"vi": "Đã đặt mật khẩu mới cho {username}.", "en": "New password set for {username}."},
    "admin.scope_title": {"vi": "Phạm vi", "en": "Scope"},
    "admin.set_scope": {"vi": "Lưu phạm vi", "en": "Save the scope"},
    "admin.scope_done": {"vi": "Đã lưu phạm vi của {username}.", "en": "Scope of {username} saved."},
    "admin.no_windows": {"vi": "Chưa mở kỳ báo cáo nào.", "en": "No reporting period has been opened."},
    "admin.deadline_help": {
        "vi": "Để trống khi mở kỳ: giữ hạn đã có (hoặc không có hạn).",
        "en": "Blank when opening: keeps the deadline there is (or none).",
    },
    "admin.open_period": {"vi": "Mở kỳ", "en": "Open"},
    "admin.close_period": {"vi": "Đóng kỳ", "en": "Close"},
    "admin.set_deadline": {"vi": "Đặt hạn nộp", "en": "Set the deadline"},
    "admin.opened": {"vi": "Đã mở kỳ {period} để nhập số liệu.", "en": "{period} is open for entry."},
    "admin.closed": {"vi": "Đã đóng kỳ {period}.", "en": "{period} is closed."},
    "admin.deadline_done": {"vi": "Đã đặt hạn nộp kỳ {period}.", "en": "Deadline of {period} set."},
    # Lịch sử số liệu
    "history.caption": {
        "vi": "Mọi lần một số liệu thay đổi: ai, lúc nào, từ giá trị nào sang giá trị nào, qua biểu mẫu hay tệp.",
        "en": "Every change of a value: who, when, from what to what, by form or by file.",
    },
    "history.no_units": {
        "vi": "Không có đơn vị nào trong phạm vi của bạn cho kỳ này.",
        "en": "No unit in your scope for this period.",
    },
    "history.title": {"vi": "{indicator} — {unit}", "en": "{indicator} — {unit}"},
    "history.none": {
        "vi": "Số liệu này chưa từng được ghi (chưa báo cáo).",
        "en": "This value has never been recorded (not reported).",
    },
    "history.changed_at": {"vi": "Thời điểm", "en": "When"},
    "history.changed_by": {"vi": "Người sửa", "en": "Who"},
    "history.old": {"vi": "Giá trị cũ", "en": "Old value"},
    "history.new": {"vi": "Giá trị mới", "en": "New value"},
    "history.how": {"vi": "Cách nhập", "en": "How"},
    "history.by_form": {"vi": "Biểu mẫu web", "en": "Web form"},
    "history.by_file": {"vi": "Tệp", "en": "File"},
}
TEXTS.update(ENTRY_TEXTS)

# ------------------------------------------------------------------------------------------------
# Meeting outputs (issue 5): Trình chiếu, the deck's downloads, charts as pictures.
# ------------------------------------------------------------------------------------------------

PRESENTATION_TEXTS: dict[str, dict[str, str]] = {
    "page.trinh_chieu": {"vi": "Trình chiếu", "en": "Presentation"},
    "deck.previous": {"vi": "◀ Trước", "en": "◀ Previous"},
    "deck.next": {"vi": "Sau ▶", "en": "Next ▶"},
    "deck.keys": {
        "vi": "Phím ← và → để chuyển trang (khi con trỏ không ở trong ô nhập).",
        "en": "Keys ← and → move between slides (when no input has the focus).",
    },
    "deck.meeting_screen": {"vi": "Màn hình họp (ẩn thanh bên)", "en": "Meeting screen (hide the sidebar)"},
    "deck.meeting_help": {
        "vi": "Ẩn thanh bên và các nút tải xuống; tắt để đổi địa bàn, kỳ báo cáo.",
        "en": "Hides the sidebar and the downloads; switch off to change the area or the period.",
    },
    "deck.downloads": {"vi": "Tải cả bộ", "en": "Download the whole deck"},
    "deck.pptx": {"vi": "PowerPoint (.pptx)", "en": "PowerPoint (.pptx)"},
    "deck.docx": {"vi": "Báo cáo Word (.docx)", "en": "Word report (.docx)"},
    "deck.xlsx": {"vi": "Bảng Excel (.xlsx)", "en": "Excel tables (.xlsx)"},
    "deck.pdf": {"vi": "PDF", "en": "PDF"},
    "deck.pdf_make": {"vi": "Tạo PDF", "en": "Make the PDF"},
    "deck.pdf_help": {
        "vi": "LibreOffice chuyển bộ trình chiếu sang PDF (mất vài giây).",
        "en": "LibreOffice converts the deck to PDF (takes a few seconds).",
    },
    "deck.docx_vi_only": {
        "vi": "Báo cáo Word chỉ viết bằng tiếng Việt.",
        "en": "The Word report is written in Vietnamese only: switch the language to Tiếng Việt.",
    },
    "deck.png": {"vi": "Ảnh PNG", "en": "PNG image"},
    "deck.svg": {"vi": "Ảnh SVG", "en": "SVG image"},
    "deck.no_slide_chart": {"vi": "Trang này không có biểu đồ.", "en": "This slide has no chart."},
    "picture.no_kaleido": {
        "vi": (
            "Muốn tải biểu đồ thành ảnh PNG, SVG: cài gói kaleido (`pip install kaleido`) "
            "rồi khởi động lại `qcdc serve`."
        ),
        "en": "To download charts as PNG or SVG, install kaleido (`pip install kaleido`) and restart `qcdc serve`.",
    },
    "picture.no_chromium": {
        "vi": (
            "Muốn tải biểu đồ thành ảnh PNG, SVG, máy chủ cần trình duyệt Chromium: "
            "`sudo apt-get install chromium` (hoặc đặt biến `BROWSER_PATH` là đường dẫn tới Chrome), "
            "rồi khởi động lại `qcdc serve`. Các chức năng khác vẫn dùng được."
        ),
        "en": (
            "To download charts as PNG or SVG the server needs Chromium: `sudo apt-get install chromium` "
            "(or set `BROWSER_PATH` to a Chrome binary), then restart `qcdc serve`. Everything else still works."
        ),
    },
}
TEXTS.update(PRESENTATION_TEXTS)

# Any chart of the other pages added to the presentation (issue 5)
EXTRA_SLIDE_TEXTS: dict[str, dict[str, str]] = {
    "deck.add": {"vi": "➕ Thêm vào trình chiếu", "en": "➕ Add to presentation"},
    "deck.add_help": {
        "vi": "Thêm biểu đồ này thành một trang sau bộ trình chiếu có sẵn (trang Trình chiếu, cả tệp PowerPoint).",
        "en": "Add this chart as a slide after the ready-made deck (the presentation page and its PowerPoint file).",
    },
    "deck.added": {
        "vi": "Đã thêm vào trình chiếu ({count} biểu đồ đã thêm).",
        "en": "Added to the presentation ({count} charts added).",
    },
    "deck.extras": {
        "vi": "{count} biểu đồ đã thêm từ các trang khác, sau bộ có sẵn (có trong tệp PowerPoint).",
        "en": "{count} charts added from the other pages, after the ready-made deck (in the PowerPoint file too).",
    },
    "deck.remove_extras": {"vi": "Bỏ các biểu đồ đã thêm", "en": "Remove added charts"},
}
TEXTS.update(EXTRA_SLIDE_TEXTS)

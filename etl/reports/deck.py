"""The ready-made deck for an area and a period, as data (:class:`~etl.reports.model.Deck`).

Slides, in order: the cover; the overview figures; dialogues by unit; petitions received and
resolved by unit, and the resolution rate over time (recomputed from the counts); the People's
Inspection Board and "Dân vận khéo"; NTM criteria by commune ("5/7 xã đạt chuẩn") and communes per
level over time; progress against the committee's targets; who has reported.

Each chart comes from a table of :mod:`etl.reports.tables` (the same figures the workbook and the
Word annex print). ``lang="en"`` gives English titles; unit names stay as the catalog writes them.
"""

from __future__ import annotations

from sqlalchemy import Connection

from etl.indicators import MAIN_INDICATORS
from etl.periods import Convention
from etl.queries import Boundaries
from etl.reports import labels as lb
from etl.reports.data import ReportData, load_report_data
from etl.reports.model import Deck, Figure, Slide, Table
from etl.reports.narrative import commune_name, join
from etl.reports.tables import report_tables, target_groups, target_label
from etl.text import strip_unit_prefix

OVERVIEW = MAIN_INDICATORS[:8]  # eight cards fill the slide's two rows
MAX_NAMES = 6  # units named on a slide before "và N đơn vị khác"

TITLES = {
    "cover": {"vi": "Kết quả thực hiện Quy chế dân chủ ở cơ sở", "en": "Grassroots democracy: results"},
    "overview": {"vi": "Tổng quan", "en": "Overview"},
    "dialogues": {"vi": "Đối thoại với Nhân dân", "en": "Dialogues with the people"},
    "petitions": {
        "vi": "Tiếp nhận và giải quyết đơn thư",
        "en": "Petitions received and resolved",
    },
    "petition_rate": {"vi": "Tỷ lệ giải quyết đơn thuộc thẩm quyền", "en": "Petition resolution rate"},
    "supervision": {
        "vi": "Ban Thanh tra nhân dân và “Dân vận khéo”",
        "en": "People's Inspection Boards and “Dân vận khéo”",
    },
    "ntm": {"vi": "Nông thôn mới", "en": "New rural areas"},
    "ntm_levels": {"vi": "Nông thôn mới qua các kỳ", "en": "New rural areas over time"},
    "targets": {"vi": "Thực hiện chỉ tiêu của Ban Chỉ đạo", "en": "Progress against the committee's targets"},
    "reporting": {"vi": "Tình hình báo cáo", "en": "Who has reported"},
}


def build_deck(
    connection: Connection,
    area_id: int,
    period: str,
    *,
    boundaries: str = Boundaries.REPORTED,
    lang: str = "vi",
    convention: Convention = Convention.CALENDAR,
) -> Deck:
    """The deck for an area (a unit id, see :func:`etl.reports.data.resolve_area`) and a period.

    Raises :class:`etl.reports.data.NoData` when the area has no figure in the period."""
    data = load_report_data(connection, area_id, period, boundaries=boundaries, lang=lang, convention=convention)
    return deck_from_data(data)


def deck_from_data(data: ReportData, tables: tuple[Table, ...] | None = None) -> Deck:
    lang = data.lang
    tables = tables if tables is not None else report_tables(data)
    by_key = {t.key: t for t in tables}
    period_label = lb.period_label(data.period, lang)
    subtitle = " · ".join([data.place, period_label, lb.t(f"boundaries.{data.boundaries}", lang)])
    updated = data.updated_text or lb.t("source.unknown", lang)
    source = lb.t("source", lang, date=updated)
    made = data.generated.strftime("%d/%m/%Y")

    def slide(key: str, *, table: str | None = None, **extra: object) -> Slide:
        chart = by_key[table].chart_spec() if table else None
        return Slide(
            key=key,
            title=TITLES[key][lang],
            subtitle=subtitle,
            chart=chart,
            source=source,
            date=made,
            sample=data.sample,
            table=table if chart is not None else None,
            **extra,  # type: ignore[arg-type]
        )

    slides = [
        slide("cover", notes=tuple(_cover_notes(data))),
        slide("overview", figures=tuple(_figures(data)), notes=tuple(_overview_notes(data))),
        slide("dialogues", table="dialogues", notes=tuple(_dialogue_notes(data, by_key["dialogues"]))),
        slide("petitions", table="petitions", notes=tuple(_petition_notes(data, by_key["petitions"]))),
        slide("petition_rate", table="petition_rate", notes=tuple(_rate_notes(data))),
        slide("supervision", table="supervision", notes=tuple(_supervision_notes(data, by_key["supervision"]))),
        slide("ntm", table="ntm", notes=tuple(_ntm_notes(data))),
        slide("ntm_levels", table="ntm_levels", notes=tuple(_ntm_level_notes(data))),
        slide("targets", table="target_summary", notes=tuple(_target_notes(data))),
        slide("reporting", table="reporting_history", notes=tuple(_reporting_notes(data))),
    ]
    return Deck(
        title=TITLES["cover"][lang],
        area=data.place,
        area_code=f"{data.area.catalog}:{data.area.code}",
        period=data.period,
        period_label=period_label,
        boundaries=data.boundaries,
        lang=lang,
        sample=data.sample,
        date=made,
        source=source,
        slides=tuple(slides),
        tables=tables,
    )


# ------------------------------------------------------------------------------------------------
# Lines beside the charts
# ------------------------------------------------------------------------------------------------


def _names(names: list[str], lang: str) -> str:
    if len(names) <= MAX_NAMES:
        return ", ".join(names)
    rest = len(names) - MAX_NAMES
    return ", ".join(names[:MAX_NAMES]) + (f" và {rest} đơn vị khác" if lang == "vi" else f" and {rest} more")


def _change_note(data: ReportData, code: str) -> str:
    """ "+4 so với cùng kỳ (6T đầu 2018)", or why no change is shown."""
    lang = data.lang
    if data.value(code) is None:
        return ""
    change = data.change(code)
    last = lb.period_short(data.last_year, lang)
    if change is None:
        if data.total(code, data.last_year) is None:
            return f"cùng kỳ ({last}) chưa có số liệu" if lang == "vi" else f"no figure for {last}"
        return "chưa so sánh được với cùng kỳ" if lang == "vi" else "no comparison"
    places = lb.decimals(code)
    amount = lb.signed(change, places, lang)
    if code == "CMP_RATE":
        amount += " điểm %" if lang == "vi" else " points"
    return f"{amount} so với cùng kỳ" if lang == "vi" else f"{amount} on {last}"


def _shown(data: ReportData, code: str) -> str:
    value = data.value(code)
    if code == "CMP_RATE":
        return lb.percent(value, data.lang)
    return lb.number(value, lb.decimals(code), data.lang)


def _coverage(data: ReportData, code: str) -> str:
    coverage = data.coverage(code)
    if coverage is None or coverage[0] >= coverage[1]:
        return ""
    counts = f"{coverage[0]}/{coverage[1]}"
    return f" ({counts} đơn vị báo cáo)" if data.lang == "vi" else f" ({counts} units reported)"


def _figures(data: ReportData) -> list[Figure]:
    return [
        Figure(
            label=lb.short_name(code, data.lang),
            value=_shown(data, code),
            note="; ".join(x for x in (_coverage(data, code).strip(" ()"), _change_note(data, code)) if x),
            code=code,
        )
        for code in OVERVIEW
    ]


def _reporting_headline(data: ReportData) -> list[str]:
    lang = data.lang
    frame = data.completeness
    out = []
    for period in dict.fromkeys(frame["period"]):
        rows = frame[frame["period"] == period]
        done = int((rows["status"] != "missing").sum())
        head = f"{lb.period_short(period, lang)}: " if data.is_year else ""
        out.append(
            f"{head}{done}/{len(rows)} đơn vị đã báo cáo"
            if lang == "vi"
            else f"{head}{done}/{len(rows)} units reported"
        )
    return out


def ntm_headline(data: ReportData) -> str | None:
    """ "5/7 xã đạt chuẩn nông thôn mới" / "5/7 communes at the new-rural-area standard"."""
    ntm = data.ntm
    reported = ntm[ntm["level"].notna()] if not ntm.empty else ntm
    if ntm.empty or reported.empty:
        return None
    met = int((reported["level"] >= 1).sum())
    if data.lang == "en":
        return f"{met}/{len(ntm)} communes at the new-rural-area standard"
    return f"{met}/{len(ntm)} xã đạt chuẩn nông thôn mới"


def _cover_notes(data: ReportData) -> list[str]:
    lines = [data.place, lb.period_label(data.period, data.lang)]
    lines += _reporting_headline(data)
    return lines


def _overview_notes(data: ReportData) -> list[str]:
    lines = _reporting_headline(data)
    headline = ntm_headline(data)
    if headline:
        lines.append(headline)
    return lines


def _unreported(table: Table, lang: str) -> list[str]:
    plotted = set(table.plotted_rows())
    names = [str(row[0]) for i, row in enumerate(table.rows) if i not in plotted]
    if not names:
        return []
    return [("Chưa báo cáo: " if lang == "vi" else "Not reported: ") + _names(names, lang)]


def _uncompared(data: ReportData, code: str) -> bool:
    """The figure exists, so does last year's, but not every unit reported both: no comparison."""
    return data.value(code) is not None and data.total(code, data.last_year) is not None and data.change(code) is None


def _caveat(data: ReportData, codes: tuple[str, ...]) -> list[str]:
    """One line, instead of one per figure, when the period cannot be compared with last year's."""
    if not any(_uncompared(data, code) for code in codes):
        return []
    if data.lang == "vi":
        return ["Chưa so sánh với cùng kỳ: chưa đủ báo cáo của mọi đơn vị."]
    return ["No comparison with the same period: not every unit reported."]


def _total_line(data: ReportData, code: str) -> str | None:
    if data.value(code) is None:
        return None
    change = "" if _uncompared(data, code) else _change_note(data, code)
    return f"{lb.short_name(code, data.lang)}: {_shown(data, code)}{_coverage(data, code)}" + (
        f"; {change}" if change else ""
    )


def _dialogue_notes(data: ReportData, table: Table) -> list[str]:
    codes = ("DLG_HELD", "DLG_OPINIONS", "DLG_ANSWERED")
    lines = [_total_line(data, c) for c in codes]
    return [x for x in lines if x] + _caveat(data, codes) + _unreported(table, data.lang)


def _petition_notes(data: ReportData, table: Table) -> list[str]:
    lang = data.lang
    codes = ("CMP_NEW", "CMP_COMPETENT", "CMP_RESOLVED", "CMP_PENDING", "CMP_RATE")
    lines = [_total_line(data, c) for c in codes[:-1]]
    rate, competent, resolved = data.value("CMP_RATE"), data.value("CMP_COMPETENT"), data.value("CMP_RESOLVED")
    if rate is not None and competent is not None and resolved is not None:
        counts = f"{lb.number(resolved, 0, lang)}/{lb.number(competent, 0, lang)}"
        change = _change_note(data, "CMP_RATE")
        word = "Tỷ lệ giải quyết" if lang == "vi" else "Resolution rate"
        change = "" if _uncompared(data, "CMP_RATE") else change
        lines.append(f"{word}: {lb.percent(rate, lang)} ({counts})" + (f"; {change}" if change else ""))
    return [x for x in lines if x] + _caveat(data, codes) + _unreported(table, lang)


def _rate_notes(data: ReportData) -> list[str]:
    lang = data.lang
    if lang == "vi":
        return ["Tỷ lệ = đơn đã giải quyết / đơn thuộc thẩm quyền, tính lại từ tổng số đơn (không lấy trung bình)."]
    return ["Rate = resolved / within competence, recomputed from the summed counts (never averaged)."]


def _supervision_notes(data: ReportData, table: Table) -> list[str]:
    codes = ("TTND_SUPERV", "TTND_RECOMMEND", "GSDT_WORKS", "DVK_MODELS")
    lines = [_total_line(data, c) for c in codes]
    return [x for x in lines if x] + _caveat(data, codes) + _unreported(table, data.lang)


def _ntm_notes(data: ReportData) -> list[str]:
    lang = data.lang
    ntm = data.ntm
    if ntm.empty:
        return [
            "Địa bàn không có xã (nông thôn mới chỉ áp dụng cho xã)."
            if lang == "vi"
            else "The area has no communes (new rural areas apply to communes only)."
        ]
    lines = []
    headline = ntm_headline(data)
    if headline:
        lines.append(headline)
    not_met = ntm[ntm["level"].notna() & (ntm["level"] < 1)]
    if len(not_met) > MAX_NAMES:  # a province's dozens: the furthest from the standard, and how many
        worst = not_met.sort_values("criteria_met", kind="stable")
        parts = [
            f"{commune_name(r.unit_name)} ({lb.number(r.criteria_met, 0, lang)}/{int(r.criteria_size)})"
            for r in worst.itertuples(index=False)
        ]
        head = (
            f"Chưa đạt chuẩn: {len(parts)} xã, ít tiêu chí nhất: "
            if lang == "vi"
            else f"Not yet at the standard: {len(parts)} communes, fewest criteria first: "
        )
        lines.append(head + _names(parts, lang))
    elif not not_met.empty:
        parts = [
            f"{commune_name(r.unit_name)} ({lb.number(r.criteria_met, 0, lang)}/{int(r.criteria_size)})"
            for r in not_met.itertuples(index=False)
        ]
        lines.append(("Chưa đạt chuẩn: " if lang == "vi" else "Not yet at the standard: ") + join(parts))
    for level in (2, 3):
        at = ntm[ntm["level"] == level]
        if not at.empty:
            lines.append(f"{lb.level_label(level, lang)}: " + _names([commune_name(x) for x in at["unit_name"]], lang))
    missing = ntm[ntm["level"].isna()]
    if not missing.empty:
        lines.append(
            ("Chưa báo cáo: " if lang == "vi" else "Not reported: ")
            + _names([commune_name(x) for x in missing["unit_name"]], lang)
        )
    average = data.value("NTM_CRITERIA_MET")
    if average is not None:
        size = int(ntm["criteria_size"].max())
        lines.append(
            f"Bình quân {lb.number(average, 1, lang)}/{size} tiêu chí mỗi xã"
            if lang == "vi"
            else f"Average {lb.number(average, 1, lang)}/{size} criteria per commune"
        )
    return lines


def _ntm_level_notes(data: ReportData) -> list[str]:
    if data.ntm_counts.empty:
        return ["Chưa có số liệu mức đạt chuẩn." if data.lang == "vi" else "No level reported yet."]
    code = str(data.ntm_counts["criteria_set"].iloc[-1])
    return [f"Bộ tiêu chí {code}" if data.lang == "vi" else f"Criteria set {code}"]


def _target_notes(data: ReportData) -> list[str]:
    lang = data.lang
    groups = target_groups(data)
    if not groups:
        return [
            "Chưa có chỉ tiêu nào của Ban Chỉ đạo cho địa bàn này."
            if lang == "vi"
            else "The committee has set no targets for this area."
        ]
    lines = []
    for period, indicator, target, rows in groups:
        label = f"{target_label(indicator, target, lang)} · {lb.period_short(period, lang)}"
        if (rows["status"] == "upcoming").all():
            if len(rows) == len(data.units) and len(rows) > 1:
                who = f"{len(rows)}/{len(data.units)} đơn vị" if lang == "vi" else f"all {len(rows)} units"
            else:
                who = _names([strip_unit_prefix(x) for x in rows["unit_name"]], lang)
            lines.append(f"{label} ({'kỳ tới' if lang == 'vi' else 'next period'}): {who}")
            continue
        met = int((rows["status"] == "met").sum())
        lines.append(f"{label}: {met}/{len(rows)} " + ("đã đạt" if lang == "vi" else "met"))
    return lines


def _reporting_notes(data: ReportData) -> list[str]:
    lang = data.lang
    lines = _reporting_headline(data)
    frame = data.completeness
    for status, word in (("missing", "col.missing"), ("partial", "col.partial")):
        names = list(dict.fromkeys(frame.loc[frame["status"] == status, "unit_name"]))
        if names:
            lines.append(f"{lb.t(word, lang)}: {_names(names, lang)}")
    return lines

"""The ready-made deck for an area and a period, as data (:class:`~etl.reports.model.Deck`).

Slides, in order: the cover; the overview figures; dialogues by unit; petitions received and
resolved by unit, and the resolution rate over time (recomputed from the counts); the People's
Inspection Board and "Dân vận khéo"; NTM criteria by commune ("5/7 xã đạt chuẩn") and communes per
level over time; progress against the committee's targets; who has reported.

Each chart comes from a table of :mod:`etl.reports.tables` (the same figures the workbook and the
Word annex print). ``lang="en"`` gives English titles; unit names stay as the catalog writes them.

A slide is put together by :func:`compose_slide` from its chart and a few counts and names
(:class:`SlideFacts`): :func:`deck_from_data` takes them from the whole report's figures (what the
downloads print), :mod:`etl.reports.slides` from SQL that reads only what one slide shows (the
dashboard's presentation page). Both give the same slide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection

from etl.indicators import MAIN_INDICATORS
from etl.periods import Convention
from etl.queries import Boundaries
from etl.reports import labels as lb
from etl.reports.data import ReportData, load_report_data
from etl.reports.model import ChartSpec, Deck, Figure, Slide, Table
from etl.reports.narrative import commune_name, join
from etl.reports.tables import TARGET_ORDER, report_tables, target_groups, target_label
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
SLIDE_KEYS = tuple(TITLES)  # the slides, in order
# The table each slide's chart comes from (the cover and the overview have none).
SLIDE_TABLES = {
    "dialogues": "dialogues",
    "petitions": "petitions",
    "petition_rate": "petition_rate",
    "supervision": "supervision",
    "ntm": "ntm",
    "ntm_levels": "ntm_levels",
    "targets": "target_summary",
    "reporting": "reporting_history",
}
UNIT_SLIDES = ("dialogues", "petitions", "supervision")  # the charts by unit
TARGET_STATUSES = (*TARGET_ORDER, "upcoming")


def slide_titles(lang: str) -> tuple[str, ...]:
    """The slides' titles, in order: what the deck shows without reading a figure."""
    return tuple(TITLES[key]["en" if lang == "en" else "vi"] for key in SLIDE_KEYS)


# ------------------------------------------------------------------------------------------------
# What a slide is made of
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Names:
    """Names a slide lists, in order: the first :data:`MAX_NAMES` of them and how many in all."""

    first: tuple[str, ...] = ()
    count: int = 0

    @classmethod
    def of(cls, names: Iterable[str]) -> Names:
        items = list(names)
        return cls(tuple(items[:MAX_NAMES]), len(items))


@dataclass(frozen=True, slots=True)
class NtmFacts:
    """The NTM slide's counts and names (communes as they were, at the end of the period)."""

    communes: int  # communes of the area (towns and wards have no NTM figures)
    reported: int  # communes that reported their level
    met: int  # at level 1 or more
    not_met: Names  # "Kiên Bình (17/19)": code order, or the fewest criteria first past MAX_NAMES
    level_2: Names
    level_3: Names
    missing: Names  # no level reported
    size: int | None  # criteria in the largest set in force (the chart's axis)


@dataclass(frozen=True, slots=True)
class TargetGroup:
    """The targets of one period, indicator and value, as they stand at the period reviewed."""

    period: str
    indicator: str
    target: float
    statuses: tuple[int, ...]  # targets per standing: TARGET_ORDER, then upcoming
    names: Names  # the units given it (prefix stripped), for a group of the next period

    @property
    def count(self) -> int:
        return sum(self.statuses)

    @property
    def met(self) -> int:
        return self.statuses[TARGET_ORDER.index("met")]

    @property
    def upcoming(self) -> bool:
        """Every target of the group starts after the period."""
        return self.statuses[-1] == self.count


@dataclass(frozen=True, slots=True)
class SlideFacts:
    """The counts and names a slide's lines say; only those of its slide need be set."""

    reporting: tuple[tuple[str, int, int], ...] = ()  # (half-year, units reported, units) of the period
    ntm_counts: tuple[int, int, int] | None = None  # (communes met, reported, communes): "5/7 xã đạt chuẩn"
    unreported: Names = field(default_factory=Names)  # units without a figure on a slide by unit
    ntm: NtmFacts | None = None
    criteria_set: str | None = None  # the set of the last period on the NTM-levels slide
    targets: tuple[TargetGroup, ...] = ()
    units: int = 0  # units of the area at the end of the period
    missing: Names = field(default_factory=Names)  # units not reported in the period
    partial: Names = field(default_factory=Names)  # units partly reported


def compose_slide(key: str, data: ReportData, chart: ChartSpec | None, facts: SlideFacts) -> Slide:
    """Slide ``key`` of the deck: its chart, and its lines from ``data``'s area totals and ``facts``."""
    lang = data.lang
    notes: list[str]
    figures: tuple[Figure, ...] = ()
    if key == "cover":
        notes = _cover_notes(data, facts)
    elif key == "overview":
        figures = tuple(_figures(data))
        notes = _overview_notes(data, facts)
    elif key == "dialogues":
        notes = _dialogue_notes(data, facts.unreported)
    elif key == "petitions":
        notes = _petition_notes(data, facts.unreported)
    elif key == "petition_rate":
        notes = _rate_notes(data)
    elif key == "supervision":
        notes = _supervision_notes(data, facts.unreported)
    elif key == "ntm":
        notes = _ntm_notes(data, facts.ntm)
    elif key == "ntm_levels":
        notes = _ntm_level_notes(lang, facts.criteria_set)
    elif key == "targets":
        notes = _target_notes(lang, facts.targets, facts.units)
    elif key == "reporting":
        notes = _reporting_notes(data, facts)
    else:
        raise KeyError(key)
    source = _source(data)
    return Slide(
        key=key,
        title=TITLES[key][lang],
        subtitle=_subtitle(data),
        chart=chart,
        source=source,
        date=_made(data),
        sample=data.sample,
        table=SLIDE_TABLES.get(key) if chart is not None else None,
        figures=figures,
        notes=tuple(notes),
    )


def _subtitle(data: ReportData) -> str:
    period_label = lb.period_label(data.period, data.lang)
    return " · ".join([data.place, period_label, lb.t(f"boundaries.{data.boundaries}", data.lang)])


def _source(data: ReportData) -> str:
    return lb.t("source", data.lang, date=data.updated_text or lb.t("source.unknown", data.lang))


def _made(data: ReportData) -> str:
    return data.generated.strftime("%d/%m/%Y")


def deck_frame(data: ReportData, slides: tuple[Slide, ...] = (), tables: tuple[Table, ...] = ()) -> Deck:
    """The deck of ``data``'s area and period with ``slides`` (none: what it is about, and where
    its figures come from)."""
    lang = data.lang
    return Deck(
        title=TITLES["cover"][lang],
        area=data.place,
        area_code=f"{data.area.catalog}:{data.area.code}",
        period=data.period,
        period_label=lb.period_label(data.period, lang),
        boundaries=data.boundaries,
        lang=lang,
        sample=data.sample,
        date=_made(data),
        source=_source(data),
        slides=slides,
        tables=tables,
    )


# ------------------------------------------------------------------------------------------------
# The whole deck, from the whole report's figures
# ------------------------------------------------------------------------------------------------


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
    tables = tables if tables is not None else report_tables(data)
    by_key = {t.key: t for t in tables}
    slides = []
    for key in SLIDE_KEYS:
        table = by_key[SLIDE_TABLES[key]] if key in SLIDE_TABLES else None
        chart = table.chart_spec() if table is not None else None
        slides.append(compose_slide(key, data, chart, facts_from_data(key, data, table)))
    return deck_frame(data, tuple(slides), tables)


def facts_from_data(key: str, data: ReportData, table: Table | None = None) -> SlideFacts:
    """The counts and names slide ``key`` says, from the whole report's frames (and its table)."""
    if key == "cover":
        return SlideFacts(reporting=reporting_counts(data))
    if key == "overview":
        return SlideFacts(reporting=reporting_counts(data), ntm_counts=_ntm_counts(data))
    if key in UNIT_SLIDES:
        return SlideFacts(unreported=_unplotted(table) if table is not None else Names())
    if key == "ntm":
        return SlideFacts(ntm=_ntm_facts(data))
    if key == "ntm_levels":
        counts = data.ntm_counts
        return SlideFacts(criteria_set=None if counts.empty else str(counts["criteria_set"].iloc[-1]))
    if key == "targets":
        return SlideFacts(targets=_target_facts(data), units=len(data.units))
    if key == "reporting":
        frame = data.completeness
        names = {
            status: Names.of(dict.fromkeys(frame.loc[frame["status"] == status, "unit_name"]))
            for status in ("missing", "partial")
        }
        return SlideFacts(reporting=reporting_counts(data), missing=names["missing"], partial=names["partial"])
    return SlideFacts()


def reporting_counts(data: ReportData) -> tuple[tuple[str, int, int], ...]:
    frame = data.completeness
    out = []
    for period in dict.fromkeys(frame["period"]):
        rows = frame[frame["period"] == period]
        out.append((str(period), int((rows["status"] != "missing").sum()), len(rows)))
    return tuple(out)


def _ntm_counts(data: ReportData) -> tuple[int, int, int]:
    ntm = data.ntm
    reported = ntm[ntm["level"].notna()] if not ntm.empty else ntm
    met = int((reported["level"] >= 1).sum()) if not reported.empty else 0
    return met, len(reported), len(ntm)


def _unplotted(table: Table) -> Names:
    plotted = set(table.plotted_rows())
    return Names.of(str(row[0]) for i, row in enumerate(table.rows) if i not in plotted)


def _ntm_part(name: str, criteria: object, size: object, lang: str) -> str:
    """ "Kiên Bình (17/19)"."""
    return f"{commune_name(name)} ({lb.number(criteria, 0, lang)}/{int(size)})"  # type: ignore[arg-type, call-overload]


def _ntm_facts(data: ReportData) -> NtmFacts:
    lang = data.lang
    ntm = data.ntm
    met, reported, communes = _ntm_counts(data)
    if ntm.empty:
        return NtmFacts(communes, reported, met, Names(), Names(), Names(), Names(), None)
    not_met = ntm[ntm["level"].notna() & (ntm["level"] < 1)]
    if len(not_met) > MAX_NAMES:  # a province's dozens: the furthest from the standard first
        not_met = not_met.sort_values("criteria_met", kind="stable")
    parts = Names.of(
        _ntm_part(r.unit_name, r.criteria_met, r.criteria_size, lang) for r in not_met.itertuples(index=False)
    )
    levels = {level: Names.of(commune_name(x) for x in ntm.loc[ntm["level"] == level, "unit_name"]) for level in (2, 3)}
    missing = Names.of(commune_name(x) for x in ntm.loc[ntm["level"].isna(), "unit_name"])
    return NtmFacts(communes, reported, met, parts, levels[2], levels[3], missing, int(ntm["criteria_size"].max()))


def _target_facts(data: ReportData) -> tuple[TargetGroup, ...]:
    groups = []
    for period, indicator, target, rows in target_groups(data):
        counts = rows["status"].value_counts()
        groups.append(
            TargetGroup(
                period=period,
                indicator=indicator,
                target=target,
                statuses=tuple(int(counts.get(status, 0)) for status in TARGET_STATUSES),
                names=Names.of(strip_unit_prefix(x) for x in rows["unit_name"]),
            )
        )
    return tuple(groups)


# ------------------------------------------------------------------------------------------------
# Lines beside the charts
# ------------------------------------------------------------------------------------------------


def _names(names: Names, lang: str) -> str:
    if names.count <= MAX_NAMES:
        return ", ".join(names.first)
    rest = names.count - MAX_NAMES
    return ", ".join(names.first) + (f" và {rest} đơn vị khác" if lang == "vi" else f" and {rest} more")


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


def _reporting_headline(data: ReportData, counts: tuple[tuple[str, int, int], ...]) -> list[str]:
    lang = data.lang
    out = []
    for period, done, units in counts:
        head = f"{lb.period_short(period, lang)}: " if data.is_year else ""
        words = "đơn vị đã báo cáo" if lang == "vi" else "units reported"
        out.append(f"{head}{done}/{units} {words}")
    return out


def ntm_headline(data: ReportData) -> str | None:
    """ "5/7 xã đạt chuẩn nông thôn mới" / "5/7 communes at the new-rural-area standard"."""
    return _ntm_headline(_ntm_counts(data), data.lang)


def _ntm_headline(counts: tuple[int, int, int] | None, lang: str) -> str | None:
    if counts is None:
        return None
    met, reported, communes = counts
    if not communes or not reported:
        return None
    if lang == "en":
        return f"{met}/{communes} communes at the new-rural-area standard"
    return f"{met}/{communes} xã đạt chuẩn nông thôn mới"


def _cover_notes(data: ReportData, facts: SlideFacts) -> list[str]:
    lines = [data.place, lb.period_label(data.period, data.lang)]
    lines += _reporting_headline(data, facts.reporting)
    return lines


def _overview_notes(data: ReportData, facts: SlideFacts) -> list[str]:
    lines = _reporting_headline(data, facts.reporting)
    headline = _ntm_headline(facts.ntm_counts, data.lang)
    if headline:
        lines.append(headline)
    return lines


def _unreported(names: Names, lang: str) -> list[str]:
    if not names.count:
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


def _dialogue_notes(data: ReportData, unreported: Names) -> list[str]:
    codes = ("DLG_HELD", "DLG_OPINIONS", "DLG_ANSWERED")
    lines = [_total_line(data, c) for c in codes]
    return [x for x in lines if x] + _caveat(data, codes) + _unreported(unreported, data.lang)


def _petition_notes(data: ReportData, unreported: Names) -> list[str]:
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
    return [x for x in lines if x] + _caveat(data, codes) + _unreported(unreported, lang)


def _rate_notes(data: ReportData) -> list[str]:
    lang = data.lang
    if lang == "vi":
        return ["Tỷ lệ = đơn đã giải quyết / đơn thuộc thẩm quyền, tính lại từ tổng số đơn (không lấy trung bình)."]
    return ["Rate = resolved / within competence, recomputed from the summed counts (never averaged)."]


def _supervision_notes(data: ReportData, unreported: Names) -> list[str]:
    codes = ("TTND_SUPERV", "TTND_RECOMMEND", "GSDT_WORKS", "DVK_MODELS")
    lines = [_total_line(data, c) for c in codes]
    return [x for x in lines if x] + _caveat(data, codes) + _unreported(unreported, data.lang)


def _ntm_notes(data: ReportData, ntm: NtmFacts | None) -> list[str]:
    lang = data.lang
    if ntm is None or not ntm.communes:
        return [
            "Địa bàn không có xã (nông thôn mới chỉ áp dụng cho xã)."
            if lang == "vi"
            else "The area has no communes (new rural areas apply to communes only)."
        ]
    lines = []
    headline = _ntm_headline((ntm.met, ntm.reported, ntm.communes), lang)
    if headline:
        lines.append(headline)
    if ntm.not_met.count > MAX_NAMES:  # a province's dozens: the furthest from the standard, and how many
        head = (
            f"Chưa đạt chuẩn: {ntm.not_met.count} xã, ít tiêu chí nhất: "
            if lang == "vi"
            else f"Not yet at the standard: {ntm.not_met.count} communes, fewest criteria first: "
        )
        lines.append(head + _names(ntm.not_met, lang))
    elif ntm.not_met.count:
        lines.append(("Chưa đạt chuẩn: " if lang == "vi" else "Not yet at the standard: ") + join(ntm.not_met.first))
    for level, names in ((2, ntm.level_2), (3, ntm.level_3)):
        if names.count:
            lines.append(f"{lb.level_label(level, lang)}: " + _names(names, lang))
    if ntm.missing.count:
        lines.append(("Chưa báo cáo: " if lang == "vi" else "Not reported: ") + _names(ntm.missing, lang))
    average = data.value("NTM_CRITERIA_MET")
    if average is not None:
        lines.append(
            f"Bình quân {lb.number(average, 1, lang)}/{ntm.size} tiêu chí mỗi xã"
            if lang == "vi"
            else f"Average {lb.number(average, 1, lang)}/{ntm.size} criteria per commune"
        )
    return lines


def _ntm_level_notes(lang: str, criteria_set: str | None) -> list[str]:
    if criteria_set is None:
        return ["Chưa có số liệu mức đạt chuẩn." if lang == "vi" else "No level reported yet."]
    return [f"Bộ tiêu chí {criteria_set}" if lang == "vi" else f"Criteria set {criteria_set}"]


def _target_notes(lang: str, groups: tuple[TargetGroup, ...], units: int) -> list[str]:
    if not groups:
        return [
            "Chưa có chỉ tiêu nào của Ban Chỉ đạo cho địa bàn này."
            if lang == "vi"
            else "The committee has set no targets for this area."
        ]
    lines = []
    for group in groups:
        label = f"{target_label(group.indicator, group.target, lang)} · {lb.period_short(group.period, lang)}"
        if group.upcoming:
            if group.count == units and group.count > 1:
                who = f"{group.count}/{units} đơn vị" if lang == "vi" else f"all {group.count} units"
            else:
                who = _names(group.names, lang)
            lines.append(f"{label} ({'kỳ tới' if lang == 'vi' else 'next period'}): {who}")
            continue
        lines.append(f"{label}: {group.met}/{group.count} " + ("đã đạt" if lang == "vi" else "met"))
    return lines


def _reporting_notes(data: ReportData, facts: SlideFacts) -> list[str]:
    lines = _reporting_headline(data, facts.reporting)
    for names, word in ((facts.missing, "col.missing"), (facts.partial, "col.partial")):
        if names.count:
            lines.append(f"{lb.t(word, data.lang)}: {_names(names, data.lang)}")
    return lines

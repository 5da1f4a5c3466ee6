"""The review report's text, written from the figures (Vietnamese, the register of a district
steering committee's "báo cáo sơ kết"), as plain blocks that :mod:`etl.reports.docx` lays out.

Every sentence comes from a figure of :class:`~etl.reports.data.ReportData`, and says no more
than the figure holds:

* a figure not reported leaves its clause out (a section with none says it was not reported);
* a total that not every unit reported says how many did ("số liệu của 6/8 đơn vị");
* "so với cùng kỳ" only when both periods are complete;
* the communes at and not yet at the NTM standard are named from their reported level;
* targets are the committee's own (``etl.queries.targets_progress``); with none, none is written.

What the figures cannot say (assessment, causes, tasks in words) is left to the secretariat as a
highlighted placeholder, never invented.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from etl.periods import parse_period
from etl.reports import labels as lb
from etl.reports.data import ReportData
from etl.text import strip_unit_prefix

BlockKind = Literal["heading1", "heading2", "paragraph", "placeholder", "chart", "table"]
HEADLINE = (
    "DLG_HELD",
    "DLG_OPINIONS",
    "CMP_NEW",
    "CMP_RESOLVED",
    "TTND_SUPERV",
    "DISC_ITEMS",
    "DVK_MODELS",
    "MTTQ_SUPERV",
)
BOUNDARY_SENTENCES = {
    "reported": "Số liệu tính theo các đơn vị hành chính tại thời điểm báo cáo (như đã báo cáo)",
    "current": "Số liệu tính theo địa giới hành chính hiện nay (số liệu trước 1/7/2025 cộng vào đơn vị kế thừa; "
    "số liệu nông thôn mới giữ theo xã như đã báo cáo)",
}
PLURAL_KINDS = {"Xã": "xã", "Phường": "phường", "Thị trấn": "thị trấn", "Đặc khu": "đặc khu"}


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str = ""
    key: str = ""  # the table (or the table's chart) a "table" or "chart" block shows


@dataclass(frozen=True, slots=True)
class ReportText:
    title: str  # "Báo cáo sơ kết thực hiện QCDC ở cơ sở 6 tháng đầu năm 2019" (the file's title)
    heading: str  # "BÁO CÁO"
    subject: str  # "Sơ kết thực hiện QCDC ở cơ sở 6 tháng đầu năm 2019"
    area_line: str  # "Huyện Kiên Lương, Tỉnh Kiên Giang — số liệu như đã báo cáo"
    issuer: tuple[str, ...]  # ("BAN CHỈ ĐẠO THỰC HIỆN QCDC Ở CƠ SỞ", "HUYỆN KIÊN LƯƠNG")
    number_line: str  # "Số: …/BC-BCĐ"
    place_date: str  # "Kiên Lương, ngày … tháng … năm …" (filled in when signed)
    sample: bool
    body: tuple[Block, ...]
    annex: tuple[Block, ...]
    signer: tuple[str, ...]
    recipients: tuple[str, ...]

    def sentences(self) -> list[str]:
        """Every paragraph of the body (for tests and for a plain-text preview)."""
        return [b.text for b in self.body if b.kind == "paragraph"]


# ------------------------------------------------------------------------------------------------
# Small phrases
# ------------------------------------------------------------------------------------------------


def review_kind(period: str) -> tuple[str, str]:
    """("sơ kết", "6 tháng đầu năm 2019"), ("sơ kết", "6 tháng cuối năm 2019"), ("tổng kết", "năm 2019")."""
    parsed = parse_period(period)
    if parsed.is_year:
        return "tổng kết", f"năm {parsed.year}"
    return "sơ kết", parsed.label_vi


def when(period: str) -> str:
    """ "6 tháng đầu năm 2019" or "năm 2019" in running text."""
    parsed = parse_period(period)
    return f"năm {parsed.year}" if parsed.is_year else parsed.label_vi


def in_text(name: str) -> str:
    """ "Huyện Kiên Lương" → "huyện Kiên Lương" inside a sentence."""
    return name[:1].lower() + name[1:] if name else name


MAX_NAMED = 12  # units named in a sentence before "và N đơn vị khác"


def join(names: Iterable[str], limit: int | None = None) -> str:
    """ "A, B và C"; with ``limit``, "A, B, … và 81 đơn vị khác" past that many names."""
    items = list(names)
    if limit is not None and len(items) > limit:
        return ", ".join(items[:limit]) + f" và {len(items) - limit} đơn vị khác"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def n(value: float | None, code: str = "") -> str:
    return lb.number(value, lb.decimals(code) if code else 0)


def pct(value: float | None) -> str:
    return lb.percent(value)


def units_phrase(data: ReportData) -> str:
    """Who acted: "các xã, thị trấn", "các xã, phường", or one unit: "xã Hòn Nghệ"."""
    units = data.units
    if len(units) == 1:
        row = units.iloc[0]
        return f"{str(row['kind']).lower()} {strip_unit_prefix(str(row['unit_name']))}"
    kinds = [PLURAL_KINDS.get(k, str(k).lower()) for k in PLURAL_KINDS if k in set(units["kind"])]
    kinds += sorted({str(k).lower() for k in units["kind"] if k not in PLURAL_KINDS})
    return "các " + ", ".join(kinds) if kinds else "các đơn vị cấp xã"


def change_phrase(data: ReportData, code: str) -> str:
    """ " (tăng 4 cuộc so với cùng kỳ)", " (giảm 11 đơn so với cùng kỳ)", " (bằng cùng kỳ)", or ""
    when the two periods cannot be compared."""
    change = data.change(code)
    if change is None:
        return ""
    if code == "CMP_RATE":
        amount = lb.number(abs(change), 1)
        if amount.strip("0,") == "":
            return " (bằng cùng kỳ)"
        return f" ({'tăng' if change > 0 else 'giảm'} {amount} điểm phần trăm so với cùng kỳ)"
    if change == 0:
        return " (bằng cùng kỳ)"
    return f" ({'tăng' if change > 0 else 'giảm'} {n(abs(change), code)} {lb.measure(code)} so với cùng kỳ)"


def coverage_phrase(data: ReportData, code: str) -> str:
    """ " (số liệu của 6/8 đơn vị)" when not every unit reported the figure."""
    coverage = data.coverage(code)
    if coverage is None or coverage[0] >= coverage[1]:
        return ""
    return f" (số liệu của {coverage[0]}/{coverage[1]} đơn vị)"


def figure(data: ReportData, code: str, template: str, *, compare: bool = True) -> str | None:
    """A clause for one figure — ``template`` with ``{v}`` for the number — or ``None`` when the
    figure was not reported."""
    value = data.value(code)
    if value is None:
        return None
    clause = template.format(v=n(value, code))
    return clause + coverage_phrase(data, code) + (change_phrase(data, code) if compare else "")


def _reporting(code: str, data: ReportData) -> int | None:
    coverage = data.coverage(code)
    return None if coverage is None else coverage[0]


def sentence(clauses: Iterable[str | None], sep: str = "; ") -> str | None:
    kept = [c for c in clauses if c]
    if not kept:
        return None
    text = sep.join(kept)
    return text[:1].upper() + text[1:] + "."


# ------------------------------------------------------------------------------------------------
# The sections
# ------------------------------------------------------------------------------------------------


def reporting_sentences(data: ReportData) -> list[str]:
    """ "Số liệu tổng hợp từ báo cáo của 8/8 đơn vị cấp xã." and who has not reported."""
    out = []
    frame = data.completeness
    for period in dict.fromkeys(frame["period"]):
        rows = frame[frame["period"] == period]
        done = rows[rows["status"] != "missing"]
        head = f"{when(period)}: " if data.is_year else ""
        text = f"{head}số liệu tổng hợp từ báo cáo của {len(done)}/{len(rows)} đơn vị cấp xã"
        missing = [in_text(x) for x in rows.loc[rows["status"] == "missing", "unit_name"]]
        partial = [in_text(x) for x in rows.loc[rows["status"] == "partial", "unit_name"]]
        extra = []
        if missing:
            extra.append(f"chưa báo cáo: {join(missing, MAX_NAMED)}")
        if partial:
            extra.append(f"báo cáo chưa đủ chỉ tiêu: {join(partial, MAX_NAMED)}")
        full = text + ("; " + "; ".join(extra) if extra else "")
        out.append(full[:1].upper() + full[1:] + ".")
    return out


def dialogue_sentences(data: ReportData) -> list[str]:
    held = figure(
        data,
        "DLG_HELD",
        f"trong {when(data.period)}, chính quyền {units_phrase(data)} đã tổ chức {{v}} cuộc đối thoại với Nhân dân",
    )
    opinions = figure(data, "DLG_OPINIONS", "Nhân dân nêu {v} ý kiến")
    answered = None
    if data.value("DLG_ANSWERED") is not None:
        answered = f"đã trả lời, giải quyết {n(data.value('DLG_ANSWERED'))} ý kiến"
        total = data.value("DLG_OPINIONS")
        same_units = _reporting("DLG_OPINIONS", data) == _reporting("DLG_ANSWERED", data)
        if total and same_units:
            answered += f" (đạt {pct(100 * float(data.value('DLG_ANSWERED')) / total)})"  # type: ignore[arg-type]
    text = sentence([held, opinions, answered])
    return [text] if text else ["Chưa có đơn vị nào báo cáo số liệu đối thoại với Nhân dân trong kỳ."]


def petition_sentences(data: ReportData) -> list[str]:
    out = []
    received = sentence(
        [
            figure(data, "CMP_NEW", "tiếp nhận mới {v} đơn khiếu nại, tố cáo, kiến nghị, phản ánh"),
            figure(data, "CMP_CARRY", "{v} đơn kỳ trước chuyển sang", compare=False),
        ]
    )
    if received:
        out.append(received)
    competent, resolved = data.value("CMP_COMPETENT"), data.value("CMP_RESOLVED")
    if competent is not None and resolved is not None:
        text = (
            f"Số đơn thuộc thẩm quyền giải quyết là {n(competent)} đơn{coverage_phrase(data, 'CMP_COMPETENT')}, "
            f"đã giải quyết {n(resolved)} đơn{change_phrase(data, 'CMP_RESOLVED')}"
        )
        rate = data.value("CMP_RATE")
        if rate is not None:
            text += f", đạt tỷ lệ {pct(rate)}{change_phrase(data, 'CMP_RATE')}"
        pending = data.value("CMP_PENDING")
        if pending is not None:
            text += f"; còn {n(pending)} đơn chưa giải quyết"
        out.append(text + ".")
    if not out:
        out.append("Chưa có đơn vị nào báo cáo số liệu tiếp nhận, giải quyết đơn thư trong kỳ.")
    return out


def village_sentences(data: ReportData) -> list[str]:
    total = data.value("VIL_TOTAL")
    clauses = []
    if total is not None:
        for code, words in (
            ("VIL_MEETINGS", "ấp, khu phố tổ chức họp dân"),
            ("VIL_CONVENTIONS", "ấp, khu phố có hương ước, quy ước được công nhận"),
        ):
            value = data.value(code)
            if value is not None:
                clauses.append(f"{n(value)}/{n(total)} {words}{coverage_phrase(data, code)}")
    text = sentence(clauses)
    return [text] if text else []


def democracy_sentences(data: ReportData) -> list[str]:
    out = []
    first = sentence(
        [
            figure(data, "DISC_ITEMS", "công khai {v} nội dung cho Nhân dân biết"),
            figure(data, "DEC_DIRECT", "Nhân dân bàn và quyết định {v} nội dung", compare=False),
            figure(data, "CONSULT_ITEMS", "Nhân dân tham gia ý kiến {v} nội dung", compare=False),
        ]
    )
    second = sentence(
        [
            figure(data, "TTND_SUPERV", "Ban Thanh tra nhân dân thực hiện {v} cuộc giám sát"),
            figure(data, "TTND_RECOMMEND", "đưa ra {v} kiến nghị", compare=False),
            figure(data, "GSDT_WORKS", "Ban giám sát đầu tư của cộng đồng giám sát {v} công trình", compare=False),
        ]
    )
    out += [s for s in (first, second) if s]
    return out


def mobilisation_sentences(data: ReportData) -> list[str]:
    out = []
    models = sentence([figure(data, "DVK_MODELS", "có {v} mô hình “Dân vận khéo” được công nhận")])
    front = sentence(
        [
            figure(data, "MTTQ_SUPERV", "Mặt trận Tổ quốc và các đoàn thể thực hiện {v} cuộc giám sát"),
            figure(data, "MTTQ_CRITIQUE", "tổ chức {v} cuộc phản biện xã hội", compare=False),
            figure(data, "PARTY_REFERRED", "giới thiệu {v} quần chúng ưu tú để Đảng xem xét kết nạp", compare=False),
        ]
    )
    out += [s for s in (models, front) if s]
    return out


def commune_name(name: str) -> str:
    return strip_unit_prefix(name)


def ntm_sentences(data: ReportData) -> list[str]:
    """The NTM paragraph: communes at the standard counted, the others named, the level rises of
    the period, and the committee's targets for the communes still to reach it."""
    ntm = data.ntm
    area = in_text(data.area.name)
    if ntm.empty:
        return [f"Nông thôn mới chỉ áp dụng cho xã; {area} không có xã nào trong kỳ."]
    reported = ntm[ntm["level"].notna()]
    missing = ntm[ntm["level"].isna()]
    if reported.empty:
        return [f"Chưa có xã nào báo cáo mức đạt chuẩn nông thôn mới đến hết {when(data.period)}."]
    met = reported[reported["level"] >= 1]
    not_met = reported[reported["level"] < 1]
    size = int(ntm["criteria_size"].max())
    if len(ntm) == 1:  # one commune: say where it stands, not "1/1 xã"
        return _one_commune(data, ntm.iloc[0])
    text = f"Đến hết {when(data.period)}, {area} có {len(met)}/{len(ntm)} xã đạt chuẩn nông thôn mới"
    if len(ntm) > 1 and len(met) == len(ntm):
        text += " (100%)"
    higher = met[met["level"] >= 2]
    for level, word in ((2, "nâng cao"), (3, "kiểu mẫu")):
        at = higher[higher["level"] == level]
        if not at.empty:
            named = join((commune_name(x) for x in at["unit_name"]), MAX_NAMED)
            text += f", trong đó {len(at)} xã đạt chuẩn {word} ({named})"
    names = [commune_name(x) for x in not_met["unit_name"]]
    many = len(names) > MAX_NAMED  # a province's dozens: the furthest from the standard, the rest in the annex
    if many:
        not_met = not_met.sort_values("criteria_met", kind="stable")
        names = [commune_name(x) for x in not_met["unit_name"]]
        text += (
            f"; {len(names)} xã {'còn lại' if missing.empty else 'chưa đạt chuẩn'} (danh sách ở phụ lục), "
            f"đạt ít tiêu chí nhất là {join(names, MAX_NAMED)}"
        )
    elif names and missing.empty:
        text += f"; {len(names)} xã còn lại là {join(names)}"
    elif names:
        text += f"; {len(names)} xã chưa đạt chuẩn là {join(names)}"
    out = [text + "."]
    if not missing.empty:
        out.append(
            f"{len(missing)} xã chưa báo cáo mức đạt chuẩn nông thôn mới: "
            f"{join((commune_name(x) for x in missing['unit_name']), MAX_NAMED)}."
        )
    criteria = [
        f"xã {commune_name(r.unit_name)} đạt {n(r.criteria_met)}/{int(r.criteria_size)} tiêu chí"
        for r in not_met.itertuples(index=False)
        if not pd.isna(r.criteria_met)
    ][: MAX_NAMED if many else None]
    if criteria and many:
        out.append(f"{len(criteria)} xã đạt ít tiêu chí nhất: " + ", ".join(criteria) + ".")
    elif criteria:
        out.append(sentence(criteria, ", ") or "")
    average = data.value("NTM_CRITERIA_MET")
    if average is not None:
        set_code = str(ntm["criteria_set"].iloc[0])
        coverage = data.coverage("NTM_CRITERIA_MET")
        of = "" if coverage is None or coverage[0] >= coverage[1] else f"; số liệu của {coverage[0]}/{coverage[1]} xã"
        out.append(
            f"Bình quân mỗi xã đạt {n(average, 'NTM_CRITERIA_MET')} tiêu chí (bộ tiêu chí giai đoạn "
            f"{set_code.replace('-', '–')} gồm {size} tiêu chí{of})."
        )
    rises = _level_rises(data)
    if rises:
        out.append(rises)
    goal = _ntm_goal(data, set(not_met["unit_id"]))
    if goal:
        out.append(goal)
    return [s for s in out if s]


def _one_commune(data: ReportData, row: pd.Series) -> list[str]:
    name = in_text(str(row["unit_name"]))
    level = int(row["level"])
    words = {1: "đạt chuẩn nông thôn mới", 2: "đạt chuẩn nông thôn mới nâng cao", 3: "đạt chuẩn nông thôn mới kiểu mẫu"}
    text = f"Đến hết {when(data.period)}, {name} {words.get(level, 'chưa đạt chuẩn nông thôn mới')}"
    if not pd.isna(row["criteria_met"]):
        text += f" ({n(row['criteria_met'])}/{int(row['criteria_size'])} tiêu chí, bộ tiêu chí giai đoạn "
        text += f"{str(row['criteria_set']).replace('-', '–')})"
    if level >= 1 and not pd.isna(row["year"]):
        text += f"; năm đạt chuẩn: {int(row['year'])}"
    out = [text + "."]
    for extra in (_level_rises(data), _ntm_goal(data, {int(row["unit_id"])} if level < 1 else set())):
        if extra:
            out.append(extra)
    return out


def _level_rises(data: ReportData) -> str | None:
    """ "Trong 6 tháng cuối năm 2019, có thêm 2 xã đạt chuẩn nông thôn mới là Kiên Bình và Bình Trị."
    (the same communes, at the end of the previous period and now)."""
    now, before = data.ntm, data.ntm_before
    if now.empty or before.empty:
        return None
    merged = now.merge(before[["unit_id", "level"]], on="unit_id", suffixes=("", "_before"))
    merged = merged[merged["level"].notna() & merged["level_before"].notna()]
    clauses = []
    newly = merged[(merged["level_before"] < 1) & (merged["level"] >= 1)]
    if not newly.empty:
        clauses.append(
            f"có thêm {len(newly)} xã đạt chuẩn nông thôn mới là {join(commune_name(x) for x in newly['unit_name'])}"
        )
    for level, word in ((2, "nâng cao"), (3, "kiểu mẫu")):
        up = merged[(merged["level_before"] < level) & (merged["level"] >= level)]
        if not up.empty:
            clauses.append(f"{join(commune_name(x) for x in up['unit_name'])} đạt chuẩn nông thôn mới {word}")
    if not clauses:
        return None
    return sentence([f"trong {when(data.period)}, " + "; ".join(clauses)])


def _ntm_goal(data: ReportData, not_met: set[int]) -> str | None:
    """The committee's NTM targets still open for these communes: "Theo chỉ tiêu của Ban Chỉ đạo,
    Kiên Bình và Bình Trị phấn đấu đạt chuẩn nông thôn mới trong năm 2019."."""
    targets = data.targets
    if targets.empty:
        return None
    open_ = targets[
        (targets["indicator"] == "NTM_LEVEL")
        & targets["status"].isin(["in_progress", "upcoming"])
        & targets["unit_id"].isin(not_met)
    ]
    if open_.empty:
        return None
    parts = []
    for period, rows in open_.groupby("period", sort=True):
        names = join(commune_name(x) for x in rows["unit_name"])
        parts.append(f"{names} phấn đấu đạt chuẩn nông thôn mới trong {when(str(period))}")
    return "Theo chỉ tiêu của Ban Chỉ đạo, " + "; ".join(parts) + "."


def due_targets(data: ReportData) -> pd.DataFrame:
    """Targets whose period ends within the period reviewed (judged now)."""
    targets = data.targets
    if targets.empty:
        return targets
    reviewed = parse_period(data.period)
    start, end = reviewed.start(data.convention), reviewed.end(data.convention)
    ends = targets["period"].map(lambda p: parse_period(p).end(data.convention))
    return targets[(ends >= start) & (ends <= end)]


def target_result_sentences(data: ReportData) -> list[str]:
    """ "Chỉ tiêu ... : 5/8 đơn vị đạt; chưa đạt: Hòa Điền (0/1), …" for each group due now."""
    due = due_targets(data)
    if due.empty:
        return []
    out = []
    for (period, indicator, target), rows in due.groupby(["period", "indicator", "target"], sort=False):
        met = rows[rows["status"] == "met"]
        failed = rows[rows["status"] == "not_met"]
        unknown = rows[rows["status"] == "not_reported"]
        label = _target_words(str(indicator), float(target))
        text = f"Chỉ tiêu {label} trong {when(str(period))}: {len(met)}/{len(rows)} đơn vị đạt"
        if not failed.empty:
            text += "; chưa đạt: " + join(
                f"{commune_name(r.unit_name)} ({n(r.actual, str(indicator))}/{n(r.target, str(indicator))})"
                for r in failed.itertuples(index=False)
            )
        if not unknown.empty:
            text += "; chưa có số liệu: " + join(commune_name(x) for x in unknown["unit_name"])
        out.append(text + ".")
    return out


def _target_words(indicator: str, target: float) -> str:
    if indicator == "NTM_LEVEL":
        return {2: "đạt chuẩn nông thôn mới nâng cao", 3: "đạt chuẩn nông thôn mới kiểu mẫu"}.get(
            int(target), "đạt chuẩn nông thôn mới"
        )
    return f"về {in_text(lb.indicator_name(indicator))}: ít nhất {n(target, indicator)} {lb.measure(indicator)}"


def plan_sentences(data: ReportData) -> list[str]:
    """Section III from the committee's targets for the next period: open targets whose period
    reaches into it. Nothing is written for a target that is not in the database."""
    targets = data.targets
    if targets.empty:
        return []
    following = parse_period(data.next_period)
    start, end = following.start(data.convention), following.end(data.convention)
    starts = targets["period"].map(lambda p: parse_period(p).start(data.convention))
    ends = targets["period"].map(lambda p: parse_period(p).end(data.convention))
    open_ = targets[targets["status"].isin(["in_progress", "upcoming"]) & (starts <= end) & (ends >= start)]
    out = []
    unit_count = len(data.units)
    for (period, indicator, target), rows in open_.groupby(["period", "indicator", "target"], sort=False):
        names = [commune_name(x) for x in rows["unit_name"]]
        span = when(str(period))
        if indicator == "NTM_LEVEL":
            out.append(
                f"Phấn đấu {len(names)} xã {join(names)} {_target_words('NTM_LEVEL', float(target))} trong {span}."
            )
            continue
        who = (
            f"Mỗi đơn vị cấp xã ({len(names)} đơn vị)"
            if len(names) == unit_count and unit_count > 1
            else join(in_text(x) for x in rows["unit_name"])
        )
        who = who[:1].upper() + who[1:]
        out.append(f"{who} phấn đấu đạt chỉ tiêu {_target_words(str(indicator), float(target))} trong {span}.")
    return out


def comparison_sentences(data: ReportData) -> list[str]:
    """Section II: what rose and what fell against the same period last year (complete periods only)."""
    ups, downs = [], []
    for code in HEADLINE:
        change = data.change(code)
        if change is None or change == 0:
            continue
        words = f"{in_text(lb.indicator_name(code))} ({lb.signed(change)} {lb.measure(code)})"
        (ups if change > 0 else downs).append(words)
    comparable = [code for code in HEADLINE if data.change(code) is not None]
    last = when(data.last_year)
    if not comparable:
        now_complete = any(data.complete(code) for code in HEADLINE)
        side = f"cùng kỳ ({last})" if now_complete else f"{when(data.period)}"
        return [f"Số liệu {side} chưa đủ báo cáo của mọi đơn vị nên chưa so sánh được với cùng kỳ."]
    out = []
    if ups:
        out.append(f"So với cùng kỳ ({last}), các chỉ tiêu tăng: " + ", ".join(ups) + ".")
    if downs:
        out.append(
            ("Các chỉ tiêu giảm: " if ups else f"So với cùng kỳ ({last}), các chỉ tiêu giảm: ") + ", ".join(downs) + "."
        )
    rate = data.change("CMP_RATE")
    if rate is not None and lb.number(abs(rate), 1).strip("0,"):
        out.append(
            f"Tỷ lệ giải quyết đơn thuộc thẩm quyền {'tăng' if rate > 0 else 'giảm'} {lb.number(abs(rate), 1)} "
            "điểm phần trăm so với cùng kỳ."
        )
    if not out:
        return [f"So với cùng kỳ ({last}), các chỉ tiêu chủ yếu không thay đổi."]
    return out


# ------------------------------------------------------------------------------------------------
# The report
# ------------------------------------------------------------------------------------------------


def issuer_lines(data: ReportData) -> tuple[str, ...]:
    return ("BAN CHỈ ĐẠO THỰC HIỆN QCDC Ở CƠ SỞ", data.area.name.upper())


def report_text(data: ReportData) -> ReportText:
    """The draft review report for the data's area and period (Vietnamese)."""
    kind, span = review_kind(data.period)
    subject = f"{kind[:1].upper()}{kind[1:]} thực hiện QCDC ở cơ sở {span}"
    following = when(data.next_period)
    area = in_text(data.area.name)
    boundaries = lb.t(f"boundaries.{data.boundaries}").lower()
    updated = data.updated_text or lb.t("source.unknown")
    body: list[Block] = [
        Block(
            "paragraph",
            f"Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở (QCDC) {area} báo cáo kết quả thực hiện QCDC ở cơ sở "
            f"{span} như sau:",
        ),
        Block("heading1", f"I. KẾT QUẢ THỰC HIỆN QCDC Ở CƠ SỞ {span.upper()}"),
        Block("heading2", "1. Tình hình báo cáo số liệu"),
        *[Block("paragraph", s) for s in reporting_sentences(data)],
        Block(
            "paragraph", f"{BOUNDARY_SENTENCES[data.boundaries]}, cập nhật đến ngày {updated}; chi tiết tại Phụ lục."
        ),
        Block("heading2", "2. Đối thoại với Nhân dân"),
        *[Block("paragraph", s) for s in dialogue_sentences(data)],
        Block("chart", key="dialogues"),
        Block("heading2", "3. Tiếp nhận, giải quyết đơn khiếu nại, tố cáo, kiến nghị, phản ánh"),
        *[Block("paragraph", s) for s in petition_sentences(data)],
        Block("chart", key="petitions"),
    ]
    villages = village_sentences(data)
    democracy = democracy_sentences(data)
    number = 4
    if villages or democracy:
        body.append(Block("heading2", f"{number}. Thực hiện dân biết, dân bàn, dân làm, dân kiểm tra, giám sát"))
        body += [Block("paragraph", s) for s in [*villages, *democracy]]
        number += 1
    mobilisation = mobilisation_sentences(data)
    if mobilisation:
        body.append(Block("heading2", f"{number}. Phong trào thi đua “Dân vận khéo”, giám sát và phản biện xã hội"))
        body += [Block("paragraph", s) for s in mobilisation]
        body.append(Block("chart", key="supervision"))
        number += 1
    body.append(Block("heading2", f"{number}. Xây dựng nông thôn mới"))
    body += [Block("paragraph", s) for s in ntm_sentences(data)]
    if not data.ntm.empty and data.ntm["criteria_met"].notna().any():
        body.append(Block("chart", key="ntm"))
    number += 1
    results = target_result_sentences(data)
    if results:
        body.append(Block("heading2", f"{number}. Thực hiện chỉ tiêu của Ban Chỉ đạo"))
        body += [Block("paragraph", s) for s in results]
    body.append(Block("heading1", "II. ĐÁNH GIÁ CHUNG"))
    body += [Block("paragraph", s) for s in comparison_sentences(data)]
    body.append(Block("placeholder", "[Ban Chỉ đạo bổ sung: ưu điểm, hạn chế và nguyên nhân.]"))
    body.append(Block("heading1", f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ {following.upper()}"))
    plan = plan_sentences(data)
    if plan:
        body.append(Block("paragraph", f"Chỉ tiêu Ban Chỉ đạo đã giao cho {following}:"))
        body += [Block("paragraph", s) for s in plan]
    else:
        body.append(Block("paragraph", f"Chưa có chỉ tiêu của Ban Chỉ đạo cho {following} trong hệ thống."))
    body.append(Block("placeholder", "[Ban Chỉ đạo bổ sung phương hướng, nhiệm vụ và giải pháp.]"))
    annex = [
        Block("table", key=key)
        for key in (
            "overview",
            "dialogues",
            "petitions",
            "petition_rate",
            "supervision",
            "democracy",
            "ntm",
            "targets",
            "reporting",
        )
        if key != "targets" or not data.targets.empty
    ]
    place = strip_unit_prefix(data.area.name)
    return ReportText(
        title=f"Báo cáo {kind} thực hiện QCDC ở cơ sở {span}",
        heading="BÁO CÁO",
        subject=subject,
        area_line=f"{data.place} — số liệu {boundaries}",
        issuer=issuer_lines(data),
        number_line="Số: ……/BC-BCĐ",
        place_date=f"{place}, ngày … tháng … năm 20…",
        sample=data.sample,
        body=tuple(body),
        annex=tuple(annex),
        signer=("TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN"),
        recipients=("Nơi nhận:", "- ……;", "- Lưu: VT."),
    )

"""What the lines around a table say: period, administrative area, the unit of a commune form;
and how to tell a total row, a signature block, a column-number row or a section row.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from etl.errors import InvalidPeriod, Location
from etl.periods import Period, find_period, parse_period
from etl.readers.base import AreaHint
from etl.text import loose_key, name_key, nfc


def fold(text: str) -> str:
    """Lower case without marks, one character for each character of ``text`` (so that a match in
    the folded text gives the same span in the text as written)."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[:1] or ch
        lowered = base.lower()
        out.append(lowered if len(lowered) == 1 else base)
    return "".join(out)


def cell_text(value: object) -> str:
    """A cell as text: NFC with white space folded; whole floats without ".0"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return nfc(str(value))


# ---------------------------------------------------------------------------------------------
# Periods in titles and sheet names
# ---------------------------------------------------------------------------------------------

_DATE_PHRASES = (
    re.compile(r"ngay\s*[\d\s.…_/-]*thang\s*[\d\s.…_/-]*nam\s*\d{2,4}"),
    re.compile(r"(?<!\d)\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}(?!\d)"),
    re.compile(r"ngay\s+\d{1,2}\b"),
)
_QUARTER = re.compile(r"\bquy\s*(?:[1-4]|i{1,3}|iv)\b")
_MONTH = re.compile(r"\bthang\s+\d{1,2}\b")
_N_MONTHS = re.compile(r"(?<!\d)(\d{1,2})\s*(?:thang|th|t)\b")
_SIX_MONTHS_PLAIN = re.compile(r"\b(?:0?6|sau)\s*(?:thang|th|t)\s+(?:nam\s+)?(\d{4})\b")
_SIX_MONTHS_SHORT = re.compile(r"\b0?6\s*(?:th|t)\s+(dau|cuoi)\b")
_HALF_FIRST = re.compile(r"\b([sh])\s*([12])\s*[-/ ]\s*(\d{4})\b")


def title_period(text: str) -> Period | None:
    """A reporting period named in a title line, or ``None``.

    Besides :func:`etl.periods.find_period` this ignores dates ("Kiên Lương, ngày 15 tháng 6 năm
    2019" is not the year 2019), refuses quarters, months and "9 tháng", and reads "6 tháng năm
    2019" (the first half), "6T đầu năm 2019" and "H1/2019", "S2-2019".
    """
    cleaned = nfc(text)
    if not cleaned or len(cleaned) > 500:
        return None
    folded = fold(cleaned)
    for pattern in _DATE_PHRASES:
        folded = pattern.sub(" ", folded)
    loose = " ".join(re.findall(r"[a-z0-9]+", folded))
    if _QUARTER.search(loose) or _MONTH.search(loose):
        return None
    for match in _N_MONTHS.finditer(loose):
        if int(match.group(1)) not in (6, 12):
            return None
    loose = _SIX_MONTHS_SHORT.sub(lambda m: f"6 thang {m.group(1)}", loose)
    try:
        plain = _SIX_MONTHS_PLAIN.search(loose)
        if plain:
            return parse_period(f"{plain.group(1)}S1")
        half = _HALF_FIRST.search(loose)
        if half:
            return parse_period(f"{half.group(3)}S{half.group(2)}")
        return find_period(loose)
    except InvalidPeriod:
        return None


_SHEET_CODE = re.compile(r"^\s*(\d{4})(?:\s*[-_ ]?\s*[sShH]\s*[12])?\s*$")


def sheet_period(title: str) -> Period | None:
    """A period named by a sheet: "6 tháng đầu năm 2019", "2019S1", "2019-H2", "2019"."""
    if _SHEET_CODE.match(title or ""):
        try:
            return parse_period(title.strip().replace("_", "-"))
        except InvalidPeriod:
            return None
    return title_period(title or "")


# ---------------------------------------------------------------------------------------------
# Areas and units in titles
# ---------------------------------------------------------------------------------------------

_KINDS = {
    "tinh": "tỉnh",
    "thanh pho": "thành phố",
    "tp": "thành phố",
    "tp.": "thành phố",
    "huyen": "huyện",
    "quan": "quận",
    "thi xa": "thị xã",
    "tx": "thị xã",
    "tx.": "thị xã",
}
# As written with diacritics ("quản lý" is not "quận"); the bare ASCII forms only count in a
# line typed without any diacritics.
_KIND_MARKED = re.compile(r"(?<!\w)(tỉnh|thành phố|tp\.|tp|huyện|quận|thị xã|tx\.|tx)(?!\w)", re.IGNORECASE)
_KIND_ASCII = re.compile(r"(?<!\w)(tinh|thanh pho|tp\.|tp|huyen|quan|thi xa|tx\.|tx)(?!\w)", re.IGNORECASE)
_NAME_STOP = {
    "nam",
    "thang",
    "ngay",
    "giai",
    "doan",
    "ve",
    "cua",
    "va",
    "den",
    "tu",
    "tren",
    "trong",
    "ky",
    "bao",
    "cao",
    "ke",
    "hoach",
    "so",
    "lan",
    "dot",
}
_NOT_A_NAME = {"uy", "doan", "hoi", "doi", "chi", "ban"}
_NAME_END = re.compile(r"[,;:()\[\]/\n]|\s[-–—]\s")


def _kind_pattern(text: str) -> re.Pattern[str]:
    return _KIND_ASCII if text.isascii() else _KIND_MARKED


def find_areas(text: str) -> list[tuple[str, str]]:
    """(kind, bare name as written) of each area a title line names: "UBND HUYỆN KIÊN LƯƠNG" →
    [("huyện", "KIÊN LƯƠNG")]."""
    text = nfc(text)
    if len(text) > 300:
        return []
    found: list[tuple[str, str]] = []
    matches = list(_kind_pattern(text).finditer(text))
    for i, match in enumerate(matches):
        kind = _KINDS[fold(match.group(1))]
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        rest = text[match.end() : stop]
        end = _NAME_END.search(rest)
        if end:
            rest = rest[: end.start()]
        name = _name_words(rest)
        if name:
            found.append((kind, name))
    return found


def _name_words(rest: str) -> str:
    words: list[str] = []
    for raw in rest.split():
        word = raw.strip(".,;:-–—\"'“”")
        if not word:
            break
        key = loose_key(word)
        if not words and key in _NOT_A_NAME:
            return ""
        if word.isdigit():
            if words:
                break
            words.append(word)  # "Quận 1"
            break
        if key in _NAME_STOP or not word[0].isupper():
            break
        words.append(word)
        if len(words) >= 5:
            break
    if not words or (all(w.isdigit() for w in words) and len(words) > 1):
        return ""
    return " ".join(words)


def group_area(text: str) -> tuple[str, str] | None:
    """A row label that names an area ("Huyện Kiên Lương", "I. HUYỆN KIÊN LƯƠNG"): (kind, name)."""
    bare = _LEADING_ENUM.sub("", nfc(text), count=1).strip()
    match = _kind_pattern(bare).match(bare)
    if not match:
        return None
    name = bare[match.end() :].strip(" .:-")
    if not name or loose_key(name).split(" ")[0] in _NOT_A_NAME or len(name) > 60:
        return None
    return _KINDS[fold(match.group(1))], name


_UNIT_LINE = re.compile(r"^\s*(?:ten\s+)?don\s+vi(?:\s+bao\s+cao)?\s*[:：]\s*")
_UBND_UNIT = re.compile(
    r"^\s*(?:ubnd|uy\s+ban\s+nhan\s+dan|uy\s+ban\s+nd|bcd(?:\s+qcdc)?|ban\s+chi\s+dao(?:\s+[a-z]+){0,6}?)\s+"
    r"(?=(?:xa|phuong|thi\s+tran|dac\s+khu)\s)"
)


def unit_line(text: str) -> str | None:
    """The unit named by "Đơn vị: Xã Hòn Nghệ, huyện Kiên Lương" → "Xã Hòn Nghệ"; "" when the
    line is only the label (the name is in the next cell); ``None`` for other lines."""
    text = nfc(text)
    match = _UNIT_LINE.match(fold(text))
    if not match:
        return None
    rest = text[match.end() :]
    end = _NAME_END.search(rest)
    name = (rest[: end.start()] if end else rest).strip(" .")
    return name if any(ch.isalpha() for ch in name) else ""  # "Đơn vị: ……………" is a blank form


def ubnd_unit(text: str) -> str | None:
    """The commune of a heading "UBND XÃ HÒN NGHỆ" → "XÃ HÒN NGHỆ" (not "CỘNG HÒA XÃ HỘI …")."""
    text = nfc(text)
    match = _UBND_UNIT.match(fold(text))
    if not match:
        return None
    rest = text[match.end() :]
    end = _NAME_END.search(rest)
    name = (rest[: end.start()] if end else rest).strip(" .")
    return name if len(name.split()) >= 2 else None


@dataclass(slots=True)
class TitleInfo:
    period: Period | None = None
    period_location: Location | None = None
    areas: list[AreaHint] = field(default_factory=list)
    unit_name: str | None = None
    unit_location: Location | None = None


_KIND_RANK = {"tỉnh": 0, "thành phố": 1, "thị xã": 2, "huyện": 2, "quận": 2}
_PERIOD_LABEL = re.compile(r"^(?:ky|ky bao cao|ky bc|thoi ky|period)$")


def read_titles(cells: Sequence[tuple[int, int, str]], location) -> TitleInfo:
    """Context from the title lines: ``cells`` are (row, 0-based column, text) top to bottom;
    ``location(row, column)`` makes a :class:`Location`."""
    info = TitleInfo()
    ubnd: tuple[str, Location] | None = None
    seen: set[tuple[str, str]] = set()
    areas: list[AreaHint] = []
    by_row: dict[int, list[tuple[int, str]]] = {}
    for row, col, text in cells:
        by_row.setdefault(row, []).append((col, text))
    for row in sorted(by_row):
        row_cells = sorted(by_row[row])
        for position, (col, text) in enumerate(row_cells):
            if not text:
                continue
            following = row_cells[position + 1][1] if position + 1 < len(row_cells) else ""
            here = location(row, col)
            unit = unit_line(text)
            if unit is not None and info.unit_name is None:
                if not unit and following:
                    unit = (unit_line(f"Đơn vị: {following}") or "").strip()
                unit = ubnd_unit(unit) or unit
                if unit:
                    info.unit_name, info.unit_location = unit, here
            elif unit is None and ubnd is None:
                named = ubnd_unit(text)
                if named:
                    ubnd = (named, here)
            if info.period is None:
                period = title_period(text)
                if period is None and _PERIOD_LABEL.match(loose_key(text)) and following:
                    try:
                        period = parse_period(following)
                        here = location(row, row_cells[position + 1][0])
                    except InvalidPeriod:
                        period = None
                if period is not None:
                    info.period, info.period_location = period, here
            if is_date_line(text):
                continue
            for kind, name in find_areas(text):
                key = (kind, name_key(name))
                if key not in seen:
                    seen.add(key)
                    areas.append(AreaHint(kind, name, location(row, col)))
    if info.unit_name is None and ubnd is not None:
        info.unit_name, info.unit_location = ubnd
    info.areas = sorted(areas, key=lambda a: _KIND_RANK.get(a.kind, 3))
    return info


# ---------------------------------------------------------------------------------------------
# Row kinds
# ---------------------------------------------------------------------------------------------

_LEADING_ENUM = re.compile(r"^\s*(?:[IVXLC]{1,6}|\d{1,3}(?:\.\d{1,3})*|[a-zA-Z])\s*[.)/:\-]\s*|^\s*[-+•*–]\s*")
_TOTAL_WORDS = (
    "Tổng",
    "Cộng",
    "Tổng cộng",
    "Tổng số",
    "Toàn huyện",
    "Toàn tỉnh",
    "Toàn quận",
    "Toàn thị xã",
    "Toàn thành phố",
    "Tổng toàn huyện",
    "Cộng toàn huyện",
    "Tổng cộng toàn huyện",
    "Total",
    "Grand total",
)
_TOTAL_STARTS = (
    "Tổng cộng",
    "Tổng số",
    "Toàn huyện",
    "Toàn tỉnh",
    "Toàn quận",
    "Toàn thị xã",
    "Toàn thành phố",
    "Cộng huyện",
    "Cộng quận",
    "Cộng thị xã",
    "Cộng thành phố",
    "Cộng tỉnh",
    "Cộng toàn",
    "Tổng toàn",
)
_TOTAL_EXACT = {name_key(t) for t in _TOTAL_WORDS}
_TOTAL_PREFIXES = tuple(name_key(t) + " " for t in _TOTAL_STARTS)
_TOTAL_EXACT_LOOSE = {loose_key(t) for t in _TOTAL_WORDS}
_TOTAL_PREFIXES_LOOSE = tuple(loose_key(t) + " " for t in _TOTAL_STARTS)


def is_total_label(text: str) -> bool:
    """ "Tổng cộng", "Tổng", "Cộng", "Toàn huyện", "Toàn tỉnh", "Tổng số", "Cộng huyện X" …"""
    if not text or len(text) > 80:
        return False
    bare = _LEADING_ENUM.sub("", text, count=1).strip(" :.*")
    if bare.isascii():
        key = loose_key(bare)
        return key in _TOTAL_EXACT_LOOSE or key.startswith(_TOTAL_PREFIXES_LOOSE)
    key = name_key(bare)
    return key in _TOTAL_EXACT or key.startswith(_TOTAL_PREFIXES)


_DATE_LINE = re.compile(r"\bngay\b[\s\d.…_]*\bthang\b[\s\d.…_]*\bnam\b")
_SIGNATURES = (
    re.compile(r"^(?:tm|kt|t m|k t|tl|tuq)\s+\w+"),
    re.compile(
        r"^(?:nguoi lap bieu|nguoi lap bang|nguoi lap|nguoi tong hop|nguoi bao cao|nguoi ky|can bo tong hop"
        r"|thu truong don vi|thu truong co quan|noi nhan|xac nhan(?: cua \w+(?: \w+){0,4})?|luu vt)$"
    ),
    re.compile(r"^(?:pho )?(?:truong ban|chu tich|giam doc|bi thu|truong phong|truong khoi)(?: \w+){0,3}$"),
    re.compile(r"^ky(?: ten)?(?: va)?(?: ghi ro)?(?: ho ten| ho va ten)?(?: dong dau)?$"),
)


def is_date_line(text: str) -> bool:
    """ "Kiên Lương, ngày 15 tháng 6 năm 2019", "…, ngày   tháng   năm 2019"."""
    return bool(_DATE_LINE.search(loose_key(text)))


def is_signature(text: str) -> bool:
    """A line of the signature block: "Người lập biểu", "TRƯỞNG BAN", "KT. CHỦ TỊCH", a date line."""
    if not text or len(text) > 120:
        return False
    key = loose_key(text)
    if not key:
        return False
    if _DATE_LINE.search(key):
        return True
    return any(p.match(key) for p in _SIGNATURES)


_NUMBER_TOKEN = re.compile(r"^[(\[]?\s*\w{1,3}\s*[)\]]?(?:\s*[=+\-*/x:]\s*[(\[]?\s*\w{1,3}\s*[)\]]?)*$")


def is_numbering_row(values: Sequence[object]) -> bool:
    """A row of column numbers under a header: "(1) (2) (3)", "1 2 3", "A B 1 2 3=1+2"."""
    present = [v for v in values if v is not None and not (isinstance(v, str) and not v.strip())]
    if len(present) < 2:
        return False
    numbers: list[int] = []
    for value in present:
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            if not float(value).is_integer() or not 0 <= value < 1000:
                return False
            numbers.append(int(value))
            continue
        text = nfc(str(value))
        if not _NUMBER_TOKEN.match(text):
            return False
        if text.isdigit():
            numbers.append(int(text))
    return all(b > a for a, b in itertools.pairwise(numbers))


_ROMAN = re.compile(r"^[IVXLC]{1,6}\.?$")
_SECTION_LABEL = re.compile(r"^\s*(?:[IVXLC]{1,6}|[A-Z])\s*[.)/\-:]\s*\S")


def is_section(stt: str, label: str) -> bool:
    """A section row of a form: STT "I", "II" or a label "II. TIẾP NHẬN, GIẢI QUYẾT ĐƠN …"."""
    if stt and _ROMAN.match(stt.strip()):
        return True
    if label and _SECTION_LABEL.match(label):
        return True
    letters = [ch for ch in label if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)


def looks_like_prose(text: str) -> bool:
    """A note under a table rather than a unit name: long, or a label followed by a colon."""
    return len(text) > 60 or ":" in text or text.endswith(".")

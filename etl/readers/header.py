"""Column headers: what each header cell means, which row is the header, which format the table has.

A header cell is either a *role* (unit code, unit name, period, indicator label, value, target,
note, STT, unit of measure, DHIS2 bookkeeping columns), or an indicator of the catalog written as
its code or name, or unknown. Roles are recognised by a diacritic-free key of the text, so
"Mã đơn vị", "MA DON VI" and "mã  đơn  vị:" are the same header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from etl.indicators import indicator_catalog
from etl.readers.base import FileFormat
from etl.text import loose_key, nfc


class Role(StrEnum):
    UNIT_CODE = "unit_code"
    UNIT_NAME = "unit_name"
    AREA = "area"  # "Huyện", "Quận, huyện": the district of each row (unit column if there is no other)
    PERIOD = "period"
    INDICATOR = "indicator"  # the indicator's name or code in each row (long layout, form)
    INDICATOR_CODE = "indicator_code"  # "Mã chỉ tiêu", "dataelement": preferred over the name
    VALUE = "value"
    TARGET = "target"
    NOTE = "note"
    STT = "stt"
    UOM = "uom"  # đơn vị tính
    IGNORED = "ignored"  # DHIS2 bookkeeping columns
    MEASURE = "measure"  # a column of the catalog (wide layout)


_ALIASES: dict[Role, tuple[str, ...]] = {
    Role.UNIT_CODE: (
        "unit code",
        "unit id",
        "ma don vi",
        "ma dvhc",
        "ma dv",
        "ma",
        "ma xa",
        "ma so",
        "ma don vi hanh chinh",
        "ma hanh chinh",
        "ma xa phuong",
        "ma xa phuong thi tran",
        "don vi ma",
        "don vi ma so",
        "code",
        "orgunit",
        "org unit",
    ),
    Role.UNIT_NAME: (
        "unit name",
        "unit",
        "don vi",
        "ten don vi",
        "xa thi tran",
        "xa phuong",
        "xa phuong thi tran",
        "phuong xa",
        "phuong xa thi tran",
        "xa phuong dac khu",
        "xa phuong thi tran dac khu",
        "xa",
        "ten xa",
        "ten xa phuong",
        "ten xa phuong thi tran",
        "dia phuong",
        "ten dia phuong",
        "don vi hanh chinh",
        "ten don vi hanh chinh",
        "don vi bao cao",
        "ten don vi bao cao",
        "ten",
        "don vi ten",
        "don vi ten don vi",
    ),
    Role.AREA: (
        "huyen",
        "quan huyen",
        "huyen thi xa",
        "huyen thanh pho",
        "huyen thi xa thanh pho",
        "quan huyen thi xa",
        "quan huyen thi xa thanh pho",
        "huyen thi xa thanh pho thuoc tinh",
        "cap huyen",
        "don vi cap huyen",
        "ten huyen",
    ),
    Role.PERIOD: ("period", "ky", "ky bao cao", "ky bc", "thoi ky", "nam", "nam bao cao", "thoi gian"),
    Role.INDICATOR: (
        "indicator",
        "indicator name",
        "chi tieu",
        "ten chi tieu",
        "noi dung",
        "noi dung chi tieu",
        "noi dung bao cao",
        "chi tieu bao cao",
    ),
    Role.INDICATOR_CODE: ("indicator code", "ma chi tieu", "dataelement", "data element"),
    Role.VALUE: (
        "value",
        "gia tri",
        "so lieu",
        "ket qua",
        "thuc hien",
        "so lieu thuc hien",
        "ket qua thuc hien",
        "so luong",
    ),
    Role.TARGET: (
        "target",
        "chi tieu ke hoach",
        "muc tieu",
        "ke hoach",
        "chi tieu giao",
        "chi tieu phan dau",
    ),
    Role.NOTE: ("note", "notes", "ghi chu", "comment"),
    Role.STT: ("stt", "tt", "so tt", "so thu tu", "thu tu", "no", "n o", "nr"),
    Role.UOM: ("don vi tinh", "dvt", "dv tinh", "unit of measure", "uom"),
    Role.IGNORED: (
        "categoryoptioncombo",
        "attributeoptioncombo",
        "storedby",
        "lastupdated",
        "created",
        "followup",
        "deleted",
    ),
}
_ROLE_BY_KEY = {key: role for role, keys in _ALIASES.items() for key in keys}
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_ENUMERATOR = re.compile(r"^\s*(?:[IVXLC]{1,6}|\d{1,3}(?:\.\d{1,3})*|[a-zđA-ZĐ])\s*[.)/:\-]\s*|^\s*[-+•*–]\s*")
DHIS2_COLUMNS = ("dataelement", "period", "orgunit", "value")
_AMBIGUOUS_UNIT_HEADERS = {"don vi", "ma", "code", "ma so"}


def role_key(text: str) -> str:
    """Diacritic-free key of a header without bracketed notes: "Mã đơn vị (1)" → "ma don vi"."""
    stripped = _PARENS.sub(" ", text).replace("_", " ").replace("/", " ")
    return loose_key(stripped)


_UNIT_WORDS = {"xa", "phuong", "thi", "tran", "dac", "khu", "don", "vi", "dia"}
_AREA_WORDS = {"huyen", "quan", "thi", "xa", "thanh", "pho", "tinh", "cap", "don", "vi"}


@lru_cache(maxsize=4096)
def role_of(text: str) -> Role | None:
    """The role a header cell names, or ``None``."""
    if not text:
        return None
    if text.strip() in {"#", "№"}:
        return Role.STT
    key = role_key(text)
    role = _ROLE_BY_KEY.get(key)
    if role is not None or not key:
        return role
    # Spellings of the unit columns beyond the list: "Xã/phường/thị trấn", "Tên phường, xã",
    # "Mã xã, phường", "Quận/huyện/thị xã".
    words = key.split(" ")
    head = words[0]
    rest = set(words[1:]) if head in ("ten", "ma") else set(words)
    if rest and rest <= _AREA_WORDS and rest & {"huyen", "quan"}:
        return Role.AREA if head != "ma" else None
    if rest and rest <= _UNIT_WORDS and rest & {"xa", "phuong", "tran", "khu"}:
        return Role.UNIT_CODE if head == "ma" else Role.UNIT_NAME
    return None


_seen_catalog: list[object] = [None]


def match_indicator(text: str) -> tuple[str, str] | None:
    """(code, text that matched) for a header or row label: without a leading enumerator ("1.",
    "a)", "-") and bracketed notes ("(cuộc)") if that matches, else as written."""
    if not text:
        return None
    catalog = indicator_catalog()
    if catalog is not _seen_catalog[0]:  # another data folder: forget what the old catalog said
        _match.cache_clear()
        _seen_catalog[0] = catalog
    return _match(text)


@lru_cache(maxsize=65536)
def _match(text: str) -> tuple[str, str] | None:
    catalog = indicator_catalog()
    candidates = [text]
    bare = _ENUMERATOR.sub("", text, count=1).strip()
    if bare != text:
        candidates.append(bare)
    for candidate in list(candidates):
        unbracketed = nfc(_PARENS.sub(" ", candidate)).rstrip(" :.")
        if unbracketed and unbracketed not in candidates:
            candidates.append(unbracketed)
    for candidate in reversed(candidates):  # the cleanest text first
        if len(candidate) > 300:
            continue
        code = catalog.match(candidate)
        if code is not None:
            if "%" in text and catalog.get(code).kind != "rate":
                return None  # "Số đơn đã giải quyết (%)" is a rate column, not the count
            return code, candidate
    return None


def suggestion(text: str) -> str:
    """ " — có phải là: DLG_HELD (…)?" or "" when the catalog has nothing close."""
    try:
        close = indicator_catalog().suggest(text)
    except Exception:
        return ""
    return f" Có phải là: {'; '.join(close)}?" if close else ""


@dataclass(slots=True)
class Column:
    index: int  # 0-based
    role: Role | None  # None: unknown header
    text: str  # header text used (as written, NFC)
    code: str | None = None  # indicator code for MEASURE columns
    label: str = ""  # Location.column: letter, or the CSV header name


def classify_cell(text: str) -> tuple[Role, str | None, str] | None:
    """(role, indicator code, text that matched) for one header text."""
    role = role_of(text)
    if role is not None:
        return role, None, text
    found = match_indicator(text)
    if found is not None:
        return Role.MEASURE, found[0], found[1]
    return None


def row_score(texts: list[str]) -> int:
    """How much a row looks like a header: cells that are a role or an indicator."""
    score = 0
    for text in texts:
        if text and len(text) <= 300 and classify_cell(text) is not None:
            score += 1
    return score


def classify_columns(lower: list[str], upper: list[str] | None) -> list[Column]:
    """Columns of a header row, with the row above as the group row of a two-row header.

    The lower cell is tried first, then the upper one, then both together ("Đơn thư" over
    "đã giải quyết"). An upper cell only gives a role to a column whose lower cell is empty.
    """
    width = max(len(lower), len(upper or ()))
    columns: list[Column] = []
    for index in range(width):
        low = lower[index] if index < len(lower) else ""
        up = upper[index] if upper and index < len(upper) else ""
        if not low and not up:
            continue
        found = classify_cell(low) if low else None
        if found is None and up:
            above = classify_cell(up)
            if above is not None and (not low or above[0] is Role.MEASURE):
                found = above
        if found is None and low and up and up != low:
            role = role_of(f"{up} {low}")
            if role is not None:
                found = (role, None, f"{up} {low}")
        if found is None and low and up and up != low:
            both = match_indicator(f"{up} {low}")
            if both is not None:
                found = (Role.MEASURE, both[0], both[1])
        if found is None:
            shown = low if not up or up == low else f"{up} / {low}" if low else up
            columns.append(Column(index, None, shown))
        else:
            columns.append(Column(index, found[0], found[2], found[1]))
    return columns


@dataclass(slots=True)
class Layout:
    """The format of a table and the columns its reader uses."""

    format: FileFormat
    columns: list[Column]

    def first(self, *roles: Role) -> Column | None:
        for role in roles:
            for column in self.columns:
                if column.role is role:
                    return column
        return None

    def all(self, role: Role) -> list[Column]:
        return [c for c in self.columns if c.role is role]


def detect_layout(columns: list[Column]) -> tuple[Layout | None, str]:
    """The format of a header, or (None, why not) for a sheet that holds no table we read."""
    roles = {c.role for c in columns}
    lowered = {c.text.strip().lower() for c in columns}
    if all(name in lowered for name in DHIS2_COLUMNS):
        return Layout(FileFormat.DHIS2, columns), ""
    has_label = Role.INDICATOR in roles or Role.INDICATOR_CODE in roles
    measures = [c for c in columns if c.role is Role.MEASURE]
    names = [c for c in columns if c.role is Role.UNIT_NAME]
    if has_label and (Role.VALUE in roles or Role.TARGET in roles):
        codes = [c for c in columns if c.role is Role.UNIT_CODE]
        # "Đơn vị" in a commune form is the unit of measure and "Mã" the indicator's code; they
        # name a unit only beside a period column or a more specific unit header.
        specific = [c for c in names + codes if role_key(c.text) not in _AMBIGUOUS_UNIT_HEADERS]
        if Role.PERIOD in roles or specific:
            fmt = FileFormat.LONG if Role.VALUE in roles else FileFormat.TARGETS
            return Layout(fmt, columns), ""
        if Role.VALUE in roles:
            for column in names:
                column.role = Role.UOM
            for column in codes:
                column.role = Role.INDICATOR_CODE
            return Layout(FileFormat.FORM, columns), ""
    if measures:
        if not names and Role.UNIT_CODE not in roles:
            areas = [c for c in columns if c.role is Role.AREA]
            if areas:  # a province sheet of districts: the district column is the unit column
                areas[0].role = Role.UNIT_NAME
                return Layout(FileFormat.WIDE, columns), ""
            return None, "có cột chỉ tiêu nhưng thiếu cột đơn vị (Đơn vị, Tên đơn vị hoặc Mã đơn vị)"
        return Layout(FileFormat.WIDE, columns), ""
    if has_label and not (Role.VALUE in roles or Role.TARGET in roles):
        return None, "có cột chỉ tiêu nhưng thiếu cột số liệu (Số liệu, Giá trị hoặc value)"
    return None, ""

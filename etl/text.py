"""Vietnamese text normalisation and parsing of numbers as offices type them.

Pure functions, no I/O. Names are compared through two keys:

* :func:`name_key` keeps the letters' marks (â, ă, ê, ô, ơ, ư, đ) and the tone of each word but
  not where the tone sits, so "Hòa" and "Hoà", NFC and NFD, upper and lower case, extra spaces and
  line breaks all give the same key;
* :func:`loose_key` drops every mark, for names typed without diacritics ("Hoa Dien").

Administrative prefixes ("Xã", "TT.", "Thị trấn", "Phường", "Huyện", "Tỉnh" …) are removed by
:func:`strip_unit_prefix` before keys are taken.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

# Combining marks that carry the tone (dấu thanh); the others (circumflex, breve, horn) change the
# letter itself and stay part of the key.
_TONE_MARKS = {
    "\u0300": "2",  # huyền
    "\u0301": "1",  # sắc
    "\u0303": "4",  # ngã
    "\u0309": "3",  # hỏi
    "\u0323": "5",  # nặng
}
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+", re.UNICODE)

# Longest first so that "thị trấn" wins over "thị".
_UNIT_PREFIXES = sorted(
    [
        "thành phố trực thuộc trung ương",
        "thành phố",
        "thị trấn",
        "thị xã",
        "đặc khu",
        "phường",
        "huyện",
        "quận",
        "tỉnh",
        "xã",
        "tp.",
        "tp",
        "tt.",
        "tt",
        "tx.",
        "tx",
        "p.",
        "x.",
        "h.",
        "q.",
    ],
    key=len,
    reverse=True,
)


def nfc(text: str) -> str:
    """Unicode NFC with runs of white space (including line breaks) folded to one space."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _word_key(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [_TONE_MARKS[ch] for ch in decomposed if ch in _TONE_MARKS]
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return base + "".join(sorted(tones))


def name_key(text: str) -> str:
    """A key equal for spellings that differ only in case, spacing, normal form or tone placement.

    >>> name_key("Hoà  Điền") == name_key("HÒA ĐIỀN") == name_key("Hòa\\nĐiền")
    True
    """
    return " ".join(_word_key(w) for w in _WORD_RE.findall(nfc(text)))


def strip_diacritics(text: str) -> str:
    """Remove every mark, đ → d: "Kiên Lương" → "Kien Luong"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def loose_key(text: str) -> str:
    """A key that also ignores diacritics: "Hoa Dien" matches "Hòa Điền"."""
    return " ".join(_WORD_RE.findall(strip_diacritics(nfc(text)).lower()))


def strip_unit_prefix(text: str) -> str:
    """Remove an administrative prefix: "TT. Kiên Lương" → "Kiên Lương", "Xã Bình An" → "Bình An".

    A name that is only a prefix word is kept as it is.
    """
    cleaned = nfc(text)
    lowered = cleaned.lower()
    for prefix in _UNIT_PREFIXES:
        if lowered.startswith(prefix):
            rest = cleaned[len(prefix) :]
            if prefix.endswith(".") or (rest[:1].isspace() or rest[:1] in {".", ":"}):
                rest = rest.lstrip(" .:")
                if rest:
                    return rest
    return cleaned


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

_MISSING_MARKS = {"", "-", "–", "—", "x", "…", "..."}
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class NumberParseError(ValueError):
    """The text is not a number; ``reason`` says why in Vietnamese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_missing(raw: object) -> bool:
    """True for what offices use for "not reported": empty, None, "-", "x"."""
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and nfc(raw).lower() in _MISSING_MARKS


def parse_number(raw: object) -> float | None:
    """A number from a cell as typed in Vietnam; ``None`` means "not reported".

    "1.050" is one thousand and fifty (dot groups thousands), "12,5" is twelve and a half,
    "1 050" and " 7 " are read without their spaces. Percent signs, words and dates are refused
    with :class:`NumberParseError`.
    """
    if is_missing(raw):
        return None
    if isinstance(raw, bool):
        raise NumberParseError("là giá trị đúng/sai, không phải số")
    if isinstance(raw, int | float):
        value = float(raw)
        if not math.isfinite(value):
            raise NumberParseError("không phải số hữu hạn")
        return value
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise NumberParseError("không phải số hữu hạn")
        return float(raw)
    if isinstance(raw, datetime | date | time):
        raise NumberParseError("là ngày tháng hoặc giờ, không phải số: ô này cần một số")
    if not isinstance(raw, str):
        raise NumberParseError("không phải số")
    text = nfc(raw).replace("\u00a0", "").replace(" ", "")
    if text.endswith("%"):
        raise NumberParseError("là tỷ lệ phần trăm, ô này cần một số đếm")
    if _THOUSANDS_DOT.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS_COMMA.match(text) and not _DECIMAL_COMMA.match(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    if not _PLAIN.match(text):
        raise NumberParseError("không phải là số")
    try:
        value = float(Decimal(text))
    except (
        InvalidOperation,
        ValueError,
        OverflowError,
    ) as exc:  # pragma: no cover - guarded by regex
        raise NumberParseError("không phải là số") from exc
    if math.isinf(value):
        raise NumberParseError("số quá lớn")
    return value


def format_number(value: float, decimals: int = 0, locale: str = "vi") -> str:
    """A number the way Vietnamese documents print it: 1.050 and 75,3 (Babel, CLDR data)."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale)


def format_datetime(moment: datetime, timezone: str = "Asia/Ho_Chi_Minh") -> str:
    """A stored (UTC) time as Vietnamese documents write it, in local time: 29/11/2026 14:05."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y %H:%M")


# ---------------------------------------------------------------------------------------------
# New-rural-area level
# ---------------------------------------------------------------------------------------------

NTM_LEVEL_LABELS_VI = {0: "Chưa đạt", 1: "Đạt chuẩn", 2: "Nâng cao", 3: "Kiểu mẫu"}
NTM_LEVEL_LABELS_EN = {0: "Not met", 1: "Standard", 2: "Advanced", 3: "Model"}
_NTM_WORDS = {
    "chua dat": 0,
    "chua dat chuan": 0,
    "khong dat": 0,
    "dat": 1,
    "dat chuan": 1,
    "dat chuan ntm": 1,
    "dat chuan nong thon moi": 1,
    "nang cao": 2,
    "ntm nang cao": 2,
    "dat chuan nang cao": 2,
    "nong thon moi nang cao": 2,
    "kieu mau": 3,
    "ntm kieu mau": 3,
    "dat chuan kieu mau": 3,
    "nong thon moi kieu mau": 3,
}


def parse_ntm_level(raw: object) -> float | None:
    """NTM level from 0–3 or from its words ("Đạt chuẩn", "Nâng cao", "Kiểu mẫu", "Chưa đạt")."""
    if is_missing(raw):
        return None
    if isinstance(raw, str):
        word = loose_key(raw)
        if word in _NTM_WORDS:
            return float(_NTM_WORDS[word])
    return parse_number(raw)

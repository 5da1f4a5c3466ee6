"""Properties of etl.text: name keys, diacritic-free keys, Vietnamese number formats."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.text import is_missing, loose_key, name_key, nfc, parse_number, strip_diacritics, strip_unit_prefix

TONES = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # huyền, sắc, ngã, hỏi, nặng
ONSETS = [
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gi",
    "h",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "nh",
    "ph",
    "qu",
    "t",
    "th",
    "tr",
    "x",
]
NUCLEI = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uy", "uê", "ia", "ua", "ưa"]
CODAS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]


@st.composite
def syllables(draw, tone=None):
    """A Vietnamese syllable with its tone mark on one of the nucleus vowels."""
    onset, nucleus, coda = draw(st.sampled_from(ONSETS)), draw(st.sampled_from(NUCLEI)), draw(st.sampled_from(CODAS))
    mark = tone if tone is not None else draw(st.sampled_from(["", *TONES]))
    where = draw(st.integers(0, len(nucleus) - 1))
    return nfc(onset + nucleus[: where + 1] + mark + nucleus[where + 1 :] + coda)


names = st.lists(syllables(), min_size=1, max_size=4).map(" ".join)


@given(names)
def test_name_key_ignores_normal_form(name: str) -> None:
    nfd = unicodedata.normalize("NFD", name)
    assert name_key(nfd) == name_key(name) == name_key(unicodedata.normalize("NFC", nfd))


@given(names)
def test_name_key_ignores_case(name: str) -> None:
    assert name_key(name.upper()) == name_key(name.lower()) == name_key(name.title()) == name_key(name)


@given(st.lists(syllables(), min_size=1, max_size=4), st.sampled_from([" ", "  ", "\n", "\t", " \u00a0", "\r\n"]))
def test_name_key_ignores_white_space(words: list[str], separator: str) -> None:
    assert name_key(separator.join(words) + separator) == name_key(" ".join(words))


@given(
    st.sampled_from(ONSETS),
    st.sampled_from(["oa", "oe", "uy", "uê"]),
    st.sampled_from(["", "n", "nh", "t"]),
    st.sampled_from(TONES),
)
def test_name_key_ignores_tone_placement(onset: str, nucleus: str, coda: str, tone: str) -> None:
    old_style = nfc(onset + nucleus[0] + tone + nucleus[1] + coda)  # hòa, thủy
    new_style = nfc(onset + nucleus + tone + coda)  # hoà, thuỷ
    assert old_style != new_style
    assert name_key(old_style) == name_key(new_style)


@pytest.mark.parametrize(("a", "b"), [("Hòa Điền", "Hoà Điền"), ("thủy", "thuỷ"), ("Khỏe", "Khoẻ"), ("Quý", "Qúy")])
def test_name_key_tone_placement_examples(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@given(st.data(), st.sampled_from(TONES), st.sampled_from(TONES))
def test_name_key_keeps_the_tone(data, tone: str, other: str) -> None:
    onset, nucleus = data.draw(st.sampled_from(ONSETS)), data.draw(st.sampled_from(["a", "o", "ơ", "uy"]))
    one, two = nfc(onset + nucleus + tone), nfc(onset + nucleus + other)
    assert (name_key(one) == name_key(two)) == (tone == other)


@given(names)
def test_loose_key_drops_every_mark(name: str) -> None:
    key = loose_key(name)
    assert key.isascii()
    assert key == loose_key(strip_diacritics(name)) == loose_key(name.upper())
    assert key == loose_key(unicodedata.normalize("NFD", name))


@given(names, st.sampled_from(["Xã ", "xã ", "XÃ ", "TT. ", "Thị trấn ", "Phường ", "P. ", "Huyện ", "TP. "]))
def test_unit_prefix_is_removed(name: str, prefix: str) -> None:
    assert strip_unit_prefix(prefix + name) == nfc(name)
    assert strip_unit_prefix(prefix.strip()) == nfc(prefix.strip())  # a lone prefix stays


def vietnamese(n: int) -> str:
    """n written with dots between thousands: 1050 → "1.050"."""
    return f"{n:,}".replace(",", ".")


@given(st.integers(-(10**15), 10**15))
def test_parse_number_reads_thousand_dots(n: int) -> None:
    assert parse_number(vietnamese(n)) == n
    assert parse_number(f"  {vietnamese(n)} ") == n
    assert parse_number(str(n)) == n
    assert parse_number(n) == n


@given(st.integers(0, 10**12), st.integers(1, 9))
def test_parse_number_reads_decimal_commas(n: int, tenth: int) -> None:
    assert parse_number(f"{vietnamese(n)},{tenth}") == pytest.approx(n + tenth / 10)


@given(st.integers(1000, 10**12))
def test_parse_number_reads_spaced_thousands(n: int) -> None:
    assert parse_number(f"{n:,}".replace(",", " ")) == n
    assert parse_number(f"{n:,}".replace(",", "\u00a0")) == n


@pytest.mark.parametrize("mark", [None, "", " ", "-", "–", "x", "…", float("nan")])
def test_not_reported_marks(mark) -> None:
    assert is_missing(mark)
    assert parse_number(mark) is None


def test_zero_is_not_missing() -> None:
    assert not is_missing(0) and parse_number(0) == 0 and parse_number("0") == 0

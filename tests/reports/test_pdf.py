"""etl/reports/pdf.py: LibreOffice found or not, and (marked slow) the deck really rendered to PDF."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from etl.reports.pdf import ConversionFailed, ConverterMissing, convert_to_pdf, find_soffice


def page_count(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def fake_soffice(folder: Path, script: str) -> None:
    program = folder / "soffice"
    program.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)


def test_no_libreoffice_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_soffice() is None
    with pytest.raises(ConverterMissing, match="apt-get install libreoffice-impress") as caught:
        convert_to_pdf(tmp_path / "deck.pptx", tmp_path / "deck.pdf")
    assert "pptx, docx, xlsx không cần LibreOffice" in str(caught.value)


def test_libreoffice_without_impress_is_missing_too(monkeypatch, tmp_path):
    # Debian's libreoffice-calc-nogui alone: soffice runs, cannot load a .pptx, and still exits 0
    fake_soffice(tmp_path, 'echo "Error: source file could not be loaded" >&2\nexit 0\n')
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConverterMissing, match="thiếu thành phần Impress"):
        convert_to_pdf(tmp_path / "deck.pptx", tmp_path / "deck.pdf")


def test_a_conversion_that_writes_nothing_fails_with_libreoffices_words(monkeypatch, tmp_path):
    fake_soffice(tmp_path, 'echo "Error: something else" >&2\nexit 1\n')
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConversionFailed, match="something else"):
        convert_to_pdf(tmp_path / "deck.pptx", tmp_path / "deck.pdf")


@pytest.mark.slow
def test_the_deck_renders_to_a_pdf_page_per_slide(pptx_2019s1, deck_2019s1, tmp_path):
    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-impress)")
    try:
        pdf = convert_to_pdf(pptx_2019s1, tmp_path / "deck.pdf")
    except ConverterMissing as exc:
        pytest.skip(str(exc))
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert page_count(pdf) == len(deck_2019s1.slides) == 10

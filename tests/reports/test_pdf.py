"""etl/reports/pdf.py: LibreOffice found or not, and (marked slow) the deck really rendered to PDF."""

from __future__ import annotations

import os
import re
import socket
import stat
import threading
import xmlrpc.client
from pathlib import Path
from types import SimpleNamespace

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


# ------------------------------------------------------------------------------------------------
# A running unoserver (QCDC_PDF_SERVER): its XML-RPC ``convert`` call, played by a stand-in
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def pdf_server(monkeypatch):
    """A stand-in for unoserver's XML-RPC endpoint on a free port: ``convert`` records what it was
    sent and answers with ``reply`` (bytes, or an exception to raise as an XML-RPC fault)."""
    from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

    from etl.settings import get_settings

    class Quiet(SimpleXMLRPCRequestHandler):
        def log_message(self, *args):
            pass

    calls: list[tuple] = []
    state = {"reply": b"%PDF-1.7 stand-in"}

    def convert(inpath, indata, outpath, convert_to, *rest):
        calls.append((inpath, indata.data, outpath, convert_to))
        if isinstance(state["reply"], Exception):
            raise state["reply"]
        return xmlrpc.client.Binary(state["reply"])

    server = SimpleXMLRPCServer(("127.0.0.1", 0), requestHandler=Quiet, allow_none=True, logRequests=False)
    server.register_function(convert)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("QCDC_PDF_SERVER", f"http://127.0.0.1:{server.server_address[1]}")
    get_settings.cache_clear()
    yield SimpleNamespace(calls=calls, state=state)
    server.shutdown()
    server.server_close()
    get_settings.cache_clear()


def test_a_pdf_server_converts_in_its_language_without_starting_libreoffice(pdf_server, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice at all: only the server can do it
    source = tmp_path / "deck.pptx"
    source.write_bytes(b"PK\x03\x04 a deck")
    pdf = convert_to_pdf(source, tmp_path / "out" / "deck.pdf", lang="vi")
    assert pdf.read_bytes() == b"%PDF-1.7 stand-in"
    assert pdf_server.calls == [(None, b"PK\x03\x04 a deck", None, "pdf")]  # the file's bytes, the PDF's back
    assert not list((tmp_path / "out").glob("*.part"))


def test_other_languages_start_libreoffice_in_their_own(pdf_server, monkeypatch, tmp_path):
    fake_soffice(tmp_path, 'echo "$LANG" > "${0%/*}/lang"\nexit 1\n')
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConversionFailed):
        convert_to_pdf(tmp_path / "deck.pptx", tmp_path / "deck.pdf", lang="en")
    assert pdf_server.calls == []
    assert (tmp_path / "lang").read_text().strip() == "en_US.UTF-8"


def test_an_unreachable_pdf_server_falls_back_to_libreoffice(monkeypatch, tmp_path, caplog):
    from etl.settings import get_settings

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("QCDC_PDF_SERVER", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("PATH", str(tmp_path))
    get_settings.cache_clear()
    source = tmp_path / "deck.pptx"
    source.write_bytes(b"PK")
    try:
        with pytest.raises(ConverterMissing, match="apt-get install libreoffice-impress"):
            convert_to_pdf(source, tmp_path / "deck.pdf")
    finally:
        get_settings.cache_clear()
    assert f"Máy chủ PDF http://127.0.0.1:{port} không trả lời" in caplog.text


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (ValueError("source file could not be loaded"), "không tạo được PDF từ deck.pptx: .*could not be loaded"),
        (b"<html>not a pdf</html>", "trả về thứ không phải PDF"),
    ],
)
def test_a_pdf_server_that_fails_says_so_and_writes_nothing(pdf_server, tmp_path, reply, message):
    pdf_server.state["reply"] = reply
    source = tmp_path / "deck.pptx"
    source.write_bytes(b"PK")
    with pytest.raises(ConversionFailed, match=message):
        convert_to_pdf(source, tmp_path / "deck.pdf")
    assert not (tmp_path / "deck.pdf").exists()


@pytest.mark.slow
def test_a_real_unoserver_renders_the_deck(pptx_2019s1, deck_2019s1, tmp_path, monkeypatch):
    """Against the unoserver that ``QCDC_TEST_PDF_SERVER`` names (started with LANG=vi_VN.UTF-8)."""
    from etl.settings import get_settings

    address = os.environ.get("QCDC_TEST_PDF_SERVER")
    if not address:
        pytest.skip("QCDC_TEST_PDF_SERVER names no running unoserver")
    monkeypatch.setenv("QCDC_PDF_SERVER", address)
    monkeypatch.setenv("PATH", str(tmp_path))  # so that nothing but the server can convert
    get_settings.cache_clear()
    try:
        pdf = convert_to_pdf(pptx_2019s1, tmp_path / "deck.pdf")
    finally:
        get_settings.cache_clear()
    assert page_count(pdf) == len(deck_2019s1.slides) == 10

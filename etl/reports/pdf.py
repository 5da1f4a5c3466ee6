"""The deck (or the Word report) as PDF, converted by LibreOffice in headless mode.

LibreOffice is not a Python package: where ``soffice`` (or ``libreoffice``) is not on the PATH, or
is installed without Impress (Debian's ``libreoffice-calc-nogui`` alone cannot open a .pptx),
:class:`ConverterMissing` says how to install it; every other output still works without it.

Each conversion runs with a throwaway LibreOffice profile (two conversions at once would otherwise
fight over the user's profile) and in the deck's language, so that charts print 85,5 and 1.050.
Starting LibreOffice is most of the time a conversion takes (about 1.5 of 2.5 s for a province's
deck); where ``QCDC_PDF_SERVER`` names a running unoserver (a LibreOffice kept started, spoken to
over XML-RPC), outputs in its language (``QCDC_PDF_SERVER_LANG``) are converted there instead, and
when it cannot be reached LibreOffice is started as above.
"""

from __future__ import annotations

import http.client
import logging
import os
import shutil
import subprocess
import tempfile
import xmlrpc.client
from pathlib import Path
from urllib.parse import urlsplit

from etl.errors import QcdcError
from etl.settings import get_settings

logger = logging.getLogger(__name__)

TIMEOUT_S = 180
INSTALL_HINT = (
    "Cài LibreOffice để xuất PDF: sudo apt-get install libreoffice-impress (Debian/Ubuntu; thêm "
    "libreoffice-writer để xuất báo cáo Word), hoặc tải tại https://www.libreoffice.org/download/ "
    "(Windows, macOS). Các định dạng pptx, docx, xlsx không cần LibreOffice."
)
LOCALES = {"vi": "vi_VN.UTF-8", "en": "en_US.UTF-8"}


class ConverterMissing(QcdcError):
    """LibreOffice (or the part of it that opens the file) is not installed."""


class ConversionFailed(QcdcError):
    """LibreOffice ran but wrote no PDF."""


def find_soffice() -> str | None:
    """The LibreOffice program on the PATH (``soffice`` or ``libreoffice``), or ``None``."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_to_pdf(source: Path, output: Path, *, lang: str = "vi", timeout: float = TIMEOUT_S) -> Path:
    """Convert ``source`` (.pptx, .docx or .xlsx) to the PDF ``output``; returns ``output``.

    Through the unoserver of ``QCDC_PDF_SERVER`` when there is one for ``lang``, else (or when it
    cannot be reached) by starting LibreOffice."""
    settings = get_settings()
    if settings.pdf_server and lang == settings.pdf_server_lang:
        try:
            return _convert_on_server(settings.pdf_server, source, output, timeout=timeout)
        except ServerUnreachable as exc:
            logger.warning("Máy chủ PDF %s không trả lời (%s): mở LibreOffice để chuyển.", settings.pdf_server, exc)
    return _convert_once(source, output, lang=lang, timeout=timeout)


class ServerUnreachable(Exception):
    """Nothing answers at the unoserver's address (or not as unoserver does)."""


def _transport(*, secure: bool, timeout: float) -> xmlrpc.client.Transport:
    """XML-RPC over HTTP or HTTPS with a time limit on the connection (the standard transports have
    none: a stuck server would hold a report for ever)."""
    base = xmlrpc.client.SafeTransport if secure else xmlrpc.client.Transport

    class Timed(base):  # type: ignore[valid-type,misc]
        def make_connection(self, host: object) -> http.client.HTTPConnection:
            connection = super().make_connection(host)
            connection.timeout = timeout
            return connection

    return Timed()


def _convert_on_server(address: str, source: Path, output: Path, *, timeout: float) -> Path:
    """One conversion by unoserver's ``convert`` call: the file goes as bytes and the PDF comes
    back as bytes, so the server may run on another machine."""
    secure = urlsplit(address).scheme == "https"
    proxy = xmlrpc.client.ServerProxy(address, transport=_transport(secure=secure, timeout=timeout), allow_none=True)
    data = source.read_bytes()
    try:
        with proxy:
            result = proxy.convert(None, xmlrpc.client.Binary(data), None, "pdf")
    except TimeoutError as exc:
        raise ConversionFailed(
            f"Máy chủ PDF {address} không chuyển xong {source.name} sau {timeout:.0f} giây."
        ) from exc
    except xmlrpc.client.Fault as exc:
        raise ConversionFailed(f"Máy chủ PDF {address} không tạo được PDF từ {source.name}: {exc.faultString}") from exc
    except (OSError, xmlrpc.client.ProtocolError, http.client.HTTPException) as exc:
        raise ServerUnreachable(str(exc)) from exc
    pdf = result.data if isinstance(result, xmlrpc.client.Binary) else None
    if not pdf or not pdf.startswith(b"%PDF-"):
        raise ConversionFailed(f"Máy chủ PDF {address} trả về thứ không phải PDF cho {source.name}.")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(pdf)
    partial.replace(output)
    return output


def _convert_once(source: Path, output: Path, *, lang: str, timeout: float) -> Path:
    """Start LibreOffice for this one conversion, with a throwaway profile, in ``lang``."""
    program = find_soffice()
    if program is None:
        raise ConverterMissing(f"Không tìm thấy LibreOffice (soffice) trên máy này. {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="qcdc-pdf-") as work:
        workdir = Path(work)
        profile = (workdir / "profile").as_uri()
        env = {**os.environ, "LANG": LOCALES.get(lang, LOCALES["vi"]), "LC_ALL": LOCALES.get(lang, LOCALES["vi"])}
        command = [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(source),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ConversionFailed(f"LibreOffice không chuyển xong {source.name} sau {timeout:.0f} giây.") from exc
        except OSError as exc:
            raise ConverterMissing(f"Không chạy được LibreOffice ({program}): {exc}. {INSTALL_HINT}") from exc
        produced = workdir / (source.stem + ".pdf")
        if not produced.is_file():
            messages = (result.stderr + result.stdout).strip()
            if "source file could not be loaded" in messages.lower():
                raise ConverterMissing(
                    f"LibreOffice có trên máy nhưng không mở được {source.suffix} (thiếu thành phần Impress "
                    f"hoặc Writer). {INSTALL_HINT}"
                )
            detail = messages.splitlines()[-1] if messages else f"mã thoát {result.returncode}"
            raise ConversionFailed(f"LibreOffice không tạo được PDF từ {source.name}: {detail}")
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), output)
    return output

"""The deck (or the Word report) as PDF, converted by LibreOffice in headless mode.

LibreOffice is not a Python package: where ``soffice`` (or ``libreoffice``) is not on the PATH, or
is installed without Impress (Debian's ``libreoffice-calc-nogui`` alone cannot open a .pptx),
:class:`ConverterMissing` says how to install it; every other output still works without it.

Each conversion runs with a throwaway LibreOffice profile (two conversions at once would otherwise
fight over the user's profile) and in the deck's language, so that charts print 85,5 and 1.050.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from etl.errors import QcdcError

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
    """Convert ``source`` (.pptx, .docx or .xlsx) to the PDF ``output``; returns ``output``."""
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

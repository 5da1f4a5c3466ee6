"""qcdc report: every format from the command line, exit codes and messages, on both databases."""

from __future__ import annotations

import openpyxl
import pytest
from docx import Document
from pptx import Presentation
from typer.testing import CliRunner

from etl.cli import app
from etl.settings import get_settings

runner = CliRunner()


@pytest.fixture
def cli_env(sample_db_url, monkeypatch):
    monkeypatch.setenv("QCDC_DATABASE_URL", sample_db_url)
    get_settings.cache_clear()
    yield sample_db_url
    get_settings.cache_clear()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_report_has_help():
    result = invoke("report", "--help")
    assert result.exit_code == 0
    assert "--format" in result.output and "pptx" in result.output and "--boundaries" in result.output


def test_report_writes_each_format(cli_env, tmp_path):
    deck = tmp_path / "kl.pptx"
    result = invoke("report", "--period", "2019S1", "--output", str(deck))  # format from the suffix, default area
    assert result.exit_code == 0, result.output
    assert f"Đã ghi {deck} (pptx, Huyện Kiên Lương, kỳ 2019S1)" in result.output
    assert len(Presentation(str(deck)).slides) == 10

    report = tmp_path / "bao-cao"
    result = invoke(
        "report", "--area", "902", "--period", "6 tháng đầu năm 2019", "--format", "docx", "-o", str(report)
    )
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert "5/7 xã đạt chuẩn nông thôn mới; 2 xã còn lại là Kiên Bình và Bình Trị" in text

    workbook = tmp_path / "hn.xlsx"
    args = ["--area", "30814", "--period", "2026S1", "--boundaries", "current", "--lang", "en", "-o", str(workbook)]
    result = invoke("report", *args)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames[0] == "Summary"
    assert book["Summary"]["A2"].value == "Xã Hòn Nghệ, Tỉnh An Giang · First half of 2026 · Today's boundaries"


def test_pdf_without_libreoffice_exits_1_and_says_how_to_install_it(cli_env, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = invoke("report", "--period", "2019S1", "--format", "pdf", "-o", str(tmp_path / "deck.pdf"))
    assert result.exit_code == 1
    assert "Lỗi: Không tìm thấy LibreOffice (soffice)" in result.output
    assert "apt-get install libreoffice-impress" in result.output
    assert not (tmp_path / "deck.pdf").exists()
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "Q1-2019", "-o", "x.pptx"], "Invalid value for --period"),
        (["--period", "2019S1", "-o", "x.txt"], "Invalid value for --format: chỉ nhận pptx, docx, xlsx, pdf"),
        (["--period", "2019S1", "-o", "x.pptx", "--boundaries", "today"], "chỉ nhận reported hoặc current"),
        (["--period", "2019S1", "-o", "x.docx", "--lang", "en"], "Báo cáo Word chỉ viết bằng tiếng Việt"),
        (["--period", "2019S1", "-o", "x.pptx", "--lang", "fr"], "Ngôn ngữ 'fr' không có"),
        (["--period", "2019S1", "-o", "x.pptx", "--area", "99999"], "Không có đơn vị mã '99999'"),
    ],
)
def test_usage_errors_exit_2(cli_env, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = invoke("report", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2030S1"], "Lỗi: Huyện Kiên Lương chưa có số liệu 6 tháng đầu năm 2030 (kỳ 2030S1)."),
        (["--period", "2019S1", "--area", "01"], "Lỗi: Thành phố Hà Nội (mã 01) chưa có số liệu nào."),
    ],
)
def test_missing_data_exits_1_with_a_message(cli_env, tmp_path, args, message):
    result = invoke("report", *args, "-o", str(tmp_path / "x.pptx"))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_uninitialised_database_exits_1(tmp_path, monkeypatch):
    monkeypatch.setenv("QCDC_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    get_settings.cache_clear()
    try:
        result = invoke("report", "--period", "2019S1", "-o", str(tmp_path / "x.pptx"))
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "qcdc init" in result.output


def test_an_output_that_cannot_be_written_exits_1(cli_env, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = invoke("report", "--period", "2019S1", "-o", str(blocker / "x.pptx"))
    assert result.exit_code == 1
    assert result.output.startswith("Lỗi: không ghi được")

"""etl/reports/docx.py and narrative.py: the draft review report opened with python-docx — what it
says against the database, the Word styles, the masthead, native charts, the annex tables."""

from __future__ import annotations

import re

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Pt
from pptx.chart.chart import Chart
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml import parse_xml

from etl import queries as q
from etl.reports.docx import write_docx
from etl.reports.narrative import report_text
from tests.reports.conftest import read


@pytest.fixture(scope="module")
def document(docx_2019s1):  # type: ignore[no-untyped-def]
    return Document(str(docx_2019s1))


def body_text(document) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(p.text for p in document.paragraphs)


def test_the_2019s1_report_names_the_communes_at_and_not_yet_at_the_ntm_standard(document):
    text = body_text(document)
    assert "huyện Kiên Lương có 5/7 xã đạt chuẩn nông thôn mới; 2 xã còn lại là Kiên Bình và Bình Trị." in text
    assert "Xã Kiên Bình đạt 17/19 tiêu chí, xã Bình Trị đạt 16/19 tiêu chí." in text
    assert (
        "Theo chỉ tiêu của Ban Chỉ đạo, Kiên Bình và Bình Trị phấn đấu đạt chuẩn nông thôn mới trong năm 2019." in text
    )


def test_title_and_word_styles(document, data_2019s1):
    assert document.core_properties.title == "Báo cáo sơ kết thực hiện QCDC ở cơ sở 6 tháng đầu năm 2019"
    styled = {(p.style.name, p.text) for p in document.paragraphs}
    assert ("Title", "BÁO CÁO") in styled
    assert ("Subtitle", "Sơ kết thực hiện QCDC ở cơ sở 6 tháng đầu năm 2019") in styled
    assert ("Heading 1", "I. KẾT QUẢ THỰC HIỆN QCDC Ở CƠ SỞ 6 THÁNG ĐẦU NĂM 2019") in styled
    assert ("Heading 2", "2. Đối thoại với Nhân dân") in styled
    assert ("Heading 1", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2019") in styled
    body = {p.text: p.style.name for p in document.paragraphs}
    assert {body[s] for s in report_text(data_2019s1).sentences()} == {"Body Text"}
    for name in ("Normal", "Body Text", "Heading 1", "Heading 2", "Title"):
        style = document.styles[name]
        assert style.font.name == "Times New Roman", name
        assert Pt(13) <= style.font.size <= Pt(14), name
    annex_tables = document.tables[2:]
    assert annex_tables and {t.style.name for t in annex_tables} == {"Table Grid"}


def test_masthead_motto_and_sample_notice(document):
    masthead = document.tables[0]
    left, right = (cell.text for cell in masthead.rows[0].cells)
    assert "BAN CHỈ ĐẠO THỰC HIỆN QCDC Ở CƠ SỞ\nHUYỆN KIÊN LƯƠNG" in left and "Số: ……/BC-BCĐ" in left
    assert right.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert "Kiên Lương, ngày … tháng … năm 20…" in right
    assert "DỮ LIỆU MINH HỌA" in body_text(document)
    portrait, annex = document.sections
    assert (portrait.orientation, annex.orientation) == (WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE)
    assert portrait.page_width.cm == pytest.approx(21.0, abs=0.01) and portrait.different_first_page_header_footer


def test_figures_and_comparisons_are_the_databases(document, data_2019s1, sample_engine, area_id):
    with sample_engine.connect() as connection:
        totals = q.area_totals(connection, area_id, ["2019S1", "2018S1"]).set_index(["period", "indicator"])["value"]
    held, before = int(totals[("2019S1", "DLG_HELD")]), int(totals[("2018S1", "DLG_HELD")])
    text = body_text(document)
    assert f"đã tổ chức {held} cuộc đối thoại với Nhân dân (tăng {held - before} cuộc so với cùng kỳ)" in text
    new, new_before = int(totals[("2019S1", "CMP_NEW")]), int(totals[("2018S1", "CMP_NEW")])
    assert (
        f"Tiếp nhận mới {new} đơn khiếu nại, tố cáo, kiến nghị, phản ánh (giảm {new_before - new} đơn so với cùng kỳ)"
        in text
    )
    assert "đạt tỷ lệ 85,5% (giảm 1,8 điểm phần trăm so với cùng kỳ)" in text
    assert "Số liệu tổng hợp từ báo cáo của 8/8 đơn vị cấp xã." in text


def test_plan_comes_from_the_committees_targets(document):
    text = body_text(document)
    assert "Phấn đấu 2 xã Kiên Bình và Bình Trị đạt chuẩn nông thôn mới trong năm 2019." in text
    assert (
        "Mỗi đơn vị cấp xã (8 đơn vị) phấn đấu đạt chỉ tiêu về số cuộc đối thoại giữa chính quyền với Nhân dân: "
        "ít nhất 2 cuộc trong 6 tháng cuối năm 2019." in text
    )
    highlighted = [r for p in document.paragraphs for r in p.runs if r.font.highlight_color is not None]
    assert [r.text for r in highlighted] == [
        "[Ban Chỉ đạo bổ sung: ưu điểm, hạn chế và nguyên nhân.]",
        "[Ban Chỉ đạo bổ sung phương hướng, nhiệm vụ và giải pháp.]",
    ]


def test_charts_are_native_word_charts_with_the_figures(document, sample_engine, area_id):
    parts = [r.target_part for r in document.part.rels.values() if r.reltype == RT.CHART]
    assert len(parts) == 4
    charts = [Chart(parse_xml(part.blob), None) for part in parts]
    assert [c.chart_type for c in charts] == [XL_CHART_TYPE.BAR_CLUSTERED] * 4
    assert charts[0].chart_title.text_frame.text == "Số cuộc đối thoại với Nhân dân theo đơn vị"
    with sample_engine.connect() as connection:
        values = q.unit_values(connection, area_id, ["2019S1"], ["DLG_HELD"])
    plot = charts[0].plots[0]
    assert list(plot.categories) == values["unit_name"].tolist()
    assert list(plot.series[0].values) == values["value"].tolist()
    for part in parts:  # the workbook behind "Edit Data"
        embedded = [r.target_part for r in part.rels.values() if r.reltype == RT.PACKAGE]
        assert len(embedded) == 1 and embedded[0].blob[:2] == b"PK"
    assert next(p.text for p in document.paragraphs if p.style.name == "Caption") == (
        "Biểu đồ 1. Số cuộc đối thoại với Nhân dân theo đơn vị, 6 tháng đầu năm 2019"
    )


def test_annex_tables_hold_the_figures(document, sample_engine, area_id):
    headings = [p.text for p in document.paragraphs if p.text.startswith("Biểu ") and p.style.name == "Heading 2"]
    assert headings[:3] == [
        "Biểu 1. Kết quả chủ yếu toàn địa bàn",
        "Biểu 2. Đối thoại với Nhân dân theo đơn vị",
        "Biểu 3. Tiếp nhận, giải quyết đơn khiếu nại, tố cáo, kiến nghị, phản ánh theo đơn vị",
    ]
    dialogues = next(t for t in document.tables if t.rows[0].cells[1].text == "Cuộc đối thoại")
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in dialogues.rows[1:]}
    with sample_engine.connect() as connection:
        values = q.unit_values(connection, area_id, ["2019S1"], ["DLG_HELD", "DLG_OPINIONS", "DLG_ANSWERED"])
    for (unit, indicator), value in values.set_index(["unit_name", "indicator"])["value"].items():
        column = ["DLG_HELD", "DLG_OPINIONS", "DLG_ANSWERED"].index(indicator)
        assert rows[unit][column] == str(int(value))
    assert rows["Toàn địa bàn"] == ["18", "118", "103"]
    overview = document.tables[2]
    by_name = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in overview.rows[1:]}
    assert by_name["Tỷ lệ giải quyết đơn thuộc thẩm quyền"] == ["%", "85,5", "87,3", "−1,8", "8/8"]
    assert by_name["Số xã đạt chuẩn nông thôn mới"] == ["xã", "5", "4", "+1", "7/7"]


@pytest.mark.parametrize(
    ("period", "title", "plan"),
    [
        ("2019S2", "Báo cáo sơ kết thực hiện QCDC ở cơ sở 6 tháng cuối năm 2019", "6 THÁNG ĐẦU NĂM 2020"),
        ("2019", "Báo cáo tổng kết thực hiện QCDC ở cơ sở năm 2019", "NĂM 2020"),
    ],
)
def test_second_half_and_year_reports(sample_engine, area_id, period, title, plan):
    text = report_text(read(sample_engine, area_id, period))
    assert text.title == title
    headings = [b.text for b in text.body if b.kind == "heading1"]
    assert headings[-1] == f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ {plan}"
    sentences = text.sentences()
    span = "năm 2019" if period == "2019" else "6 tháng cuối năm 2019"
    assert f"Đến hết {span}, huyện Kiên Lương có 7/7 xã đạt chuẩn nông thôn mới (100%)." in sentences
    assert any("có thêm 2 xã đạt chuẩn nông thôn mới là Kiên Bình và Bình Trị" in s for s in sentences)
    dvk = next(s for s in sentences if "Dân vận khéo" in s and s.startswith("Chỉ tiêu"))
    assert dvk.endswith("5/8 đơn vị đạt; chưa đạt: Hòa Điền (0/1), Bình An (0/1) và Bình Trị (0/1).")
    # no target for the next period in the database: none is invented
    assert f"Chưa có chỉ tiêu của Ban Chỉ đạo cho {plan.lower()} trong hệ thống." in sentences
    assert not any(s.startswith(("Phấn đấu", "Mỗi đơn vị")) for s in sentences)


def test_a_period_not_everyone_reported_claims_nothing_it_lacks(sample_engine, area_id):
    text = report_text(read(sample_engine, area_id, "2026S2"))
    sentences = text.sentences()
    joined = "\n".join(sentences)
    assert (
        "Số liệu tổng hợp từ báo cáo của 3/5 đơn vị cấp xã; chưa báo cáo: phường Tô Châu và xã Hòa Điền." in sentences
    )
    assert "đã tổ chức 6 cuộc đối thoại với Nhân dân (số liệu của 3/5 đơn vị)" in joined
    assert "so với cùng kỳ)" not in joined  # nothing compared while 2 of 5 units have not reported
    assert (
        "Số liệu 6 tháng cuối năm 2026 chưa đủ báo cáo của mọi đơn vị nên chưa so sánh được với cùng kỳ." in sentences
    )
    assert "1 xã chưa báo cáo mức đạt chuẩn nông thôn mới: Hòa Điền." in sentences
    assert "còn lại" not in joined  # the commune that has not reported is not counted among those "remaining"
    assert "có 3/4 xã đạt chuẩn nông thôn mới, trong đó 1 xã đạt chuẩn nâng cao (Hòn Nghệ)" in joined


def test_every_number_in_the_body_comes_from_the_figures(sample_engine, area_id):
    """Each number a sentence prints is a figure of the data, a difference or ratio of two, a count
    of units or communes, a target, or a year of the periods and criteria set (dates aside)."""
    data = read(sample_engine, area_id, "2019S1")

    def forms(value: float) -> set[str]:
        return {f"{value:.0f}", f"{value:.1f}".replace(".", ",")}

    allowed: set[str] = set()
    totals = data.totals.set_index(["period", "indicator"])["value"]
    for value in totals:
        allowed |= forms(value)
    for (period, code), value in totals.items():
        if period == data.period and (data.last_year, code) in totals.index:
            allowed |= forms(abs(value - totals[(data.last_year, code)]))
    allowed |= forms(100 * totals[(data.period, "DLG_ANSWERED")] / totals[(data.period, "DLG_OPINIONS")])
    ntm = data.ntm
    met = int((ntm["level"] >= 1).sum())
    allowed |= {str(len(ntm)), str(met), str(len(ntm) - met), str(len(data.completeness)), str(len(data.units))}
    for value in ntm[["criteria_met", "criteria_size"]].to_numpy().ravel():
        allowed |= forms(value)
    allowed |= {str(y) for y in range(2016, 2021) if str(y) in ntm["criteria_set"].iloc[0] or y in (2019, 2018)}
    for row in data.targets.itertuples(index=False):
        allowed |= forms(row.target)
    allowed |= {str(n) for n in data.targets.groupby(["period", "indicator"]).size()}
    for sentence in report_text(data).sentences():
        for number in re.findall(r"\d+(?:,\d+)?", re.sub(r"\d{2}/\d{2}/\d{4}", "", sentence).replace("/", " ")):
            assert number in allowed, (number, sentence)


def test_write_docx_returns_the_text_it_wrote(data_2019s1, tmp_path):
    text = write_docx(data_2019s1, tmp_path / "r.docx")
    assert text.title in Document(str(tmp_path / "r.docx")).core_properties.title


def test_property_elements_keep_the_schemas_order(docx_2019s1):
    """Word refuses a file whose pPr, rPr, tblPr or tcPr children are out of order."""
    import zipfile

    from lxml import etree

    from etl.reports.docx import PPR_ORDER, RPR_ORDER, TBLPR_ORDER, TCPR_ORDER

    orders = {"pPr": PPR_ORDER, "rPr": RPR_ORDER, "tblPr": TBLPR_ORDER, "tcPr": TCPR_ORDER}
    with zipfile.ZipFile(docx_2019s1) as archive:
        for name in ("word/document.xml", "word/styles.xml"):
            root = etree.fromstring(archive.read(name))
            for element in root.iter():
                tag = etree.QName(element).localname
                if tag not in orders or etree.QName(element).namespace != root.nsmap["w"]:
                    continue
                if tag == "rPr" and etree.QName(element.getparent()).localname == "pPr":
                    continue  # a paragraph mark's run properties: same order, checked as rPr
                names = orders[tag].split()
                seen = [etree.QName(child).localname for child in element]
                positions = [names.index(child) for child in seen if child in names]
                assert positions == sorted(positions), (name, tag, seen)


def test_a_commune_says_where_it_stands(sample_engine):
    from etl.reports import resolve_area

    with sample_engine.connect() as connection:
        commune = resolve_area(connection, "pre2025:30790").unit_id
    sentences = report_text(read(sample_engine, commune, "2018S1")).sentences()
    assert (
        "Đến hết 6 tháng đầu năm 2018, xã Kiên Bình chưa đạt chuẩn nông thôn mới "
        "(16/19 tiêu chí, bộ tiêu chí giai đoạn 2016–2020)." in sentences
    )
    assert "Trong 6 tháng đầu năm 2018, chính quyền xã Kiên Bình đã tổ chức" in "\n".join(sentences)

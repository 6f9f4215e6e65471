"""Official-format Word documents (GB/T 9704-2012): built, saved, opened again and measured."""

import datetime as dt
import io

from django.utils import translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm

from guazhi.core.documents import (
    DOCX_CONTENT_TYPE,
    add_body,
    add_heading,
    add_signature,
    add_table,
    add_title,
    document_bytes,
    document_date,
    docx_response,
    official_document,
)


def reopened(document) -> Document:  # type: ignore[no-untyped-def]
    return Document(io.BytesIO(document_bytes(document)))


def sample() -> Document:
    document = official_document()
    add_title(document, "关于2027年挂职干部拟任人选的公示")
    add_heading(document, "一、基本情况")
    add_body(document, "根据有关规定，现予以公示。")
    add_table(
        document,
        ["序号", "姓名", "拟挂职单位及职务"],
        [[1, "林芳", "白鹿镇党委委员"], [2, "陈明", None]],
        widths=[Mm(20), Mm(36), Mm(100)],
        centred_columns=(0,),
    )
    add_signature(document, "中共浔阳区委组织部", "2026年11月24日")
    return reopened(document)


def run_fonts(run) -> dict[str, str]:  # type: ignore[no-untyped-def]
    fonts = run._element.rPr.rFonts
    return {script: fonts.get(qn(f"w:{script}")) for script in ("ascii", "hAnsi", "eastAsia")}


def test_the_page_is_a4_with_the_standard_margins() -> None:
    section = sample().sections[0]
    measured = [
        round(length.mm, 1)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert measured == [210.0, 297.0, 37.0, 35.0, 28.0, 26.0]
    grid = section._sectPr.find(qn("w:docGrid"))
    # 22 lines of 28 characters: see tests/summaries/test_documents.py for the arithmetic.
    assert (
        grid.get(qn("w:type")),
        grid.get(qn("w:linePitch")),
        grid.get(qn("w:charSpace")),
    ) == ("linesAndChars", "579", "-842")


def test_the_title_is_xiaobiaosong_22pt_centred() -> None:
    title = sample().paragraphs[0]
    assert title.text == "关于2027年挂职干部拟任人选的公示"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    [run] = title.runs
    assert run_fonts(run) == {
        "ascii": "方正小标宋简体",
        "hAnsi": "方正小标宋简体",
        "eastAsia": "方正小标宋简体",
    }
    assert run.font.size.pt == 22


def test_the_body_is_fangsong_16pt_on_a_22_line_grid() -> None:
    document = sample()
    body = next(p for p in document.paragraphs if p.text.startswith("根据"))
    [run] = body.runs
    assert run_fonts(run) == {
        "ascii": "仿宋_GB2312",
        "hAnsi": "仿宋_GB2312",
        "eastAsia": "仿宋_GB2312",
    }
    assert run.font.size.pt == 16
    layout = body.paragraph_format
    assert (layout.line_spacing_rule, round(layout.line_spacing.pt, 2)) == (
        WD_LINE_SPACING.EXACTLY,
        28.95,
    )
    assert layout.first_line_indent.pt == 32  # two characters
    # The Normal style carries the same, so text typed later into the file looks the same.
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.rFonts
    assert (fonts.get(qn("w:eastAsia")), normal.font.size.pt) == ("仿宋_GB2312", 16)
    heading = next(p for p in document.paragraphs if p.text.startswith("一、"))
    assert run_fonts(heading.runs[0])["eastAsia"] == "黑体"


def test_the_table_has_a_repeated_header_row_and_the_rows_given() -> None:
    [table] = sample().tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["序号", "姓名", "拟挂职单位及职务"],
        ["1", "林芳", "白鹿镇党委委员"],
        ["2", "陈明", ""],
    ]
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert run_fonts(header.cells[1].paragraphs[0].runs[0])["eastAsia"] == "黑体"
    cell_run = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert (run_fonts(cell_run)["eastAsia"], cell_run.font.size.pt) == ("仿宋_GB2312", 12)
    assert table.rows[1].cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [round(cell.width.mm) for cell in table.rows[1].cells] == [20, 36, 100]


def test_page_numbers_are_dashed_songti_on_the_outer_side() -> None:
    document = sample()
    assert document.settings.odd_and_even_pages_header_footer is True
    section = document.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        [paragraph] = footer.paragraphs
        assert paragraph.text == "— 1 —"
        assert paragraph.alignment == alignment
        assert [code.text for code in paragraph._element.iter(qn("w:instrText"))] == [" PAGE "]
        assert {run_fonts(run)["eastAsia"] for run in paragraph.runs} == {"宋体"}
        assert {run.font.size.pt for run in paragraph.runs} == {14}


def test_the_signature_closes_the_document_right_aligned() -> None:
    paragraphs = sample().paragraphs
    signer, dated = paragraphs[-2], paragraphs[-1]
    assert (signer.text, dated.text) == ("中共浔阳区委组织部", "2026年11月24日")
    assert signer.alignment == dated.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # The date four characters in from the right; the 9-character name centred over the
    # 7-character date, so 3 characters in.
    assert dated.paragraph_format.right_indent.pt == 64
    assert signer.paragraph_format.right_indent.pt == 48


def test_dates_read_as_the_reader_expects() -> None:
    with translation.override("zh-hans"):
        assert document_date(dt.date(2026, 10, 8)) == "2026年10月8日"
    with translation.override("en"):
        assert document_date(dt.date(2026, 10, 8)) == "2026-10-08"


def test_the_download_names_the_file_and_is_not_cached() -> None:
    response = docx_response(b"PK", "公示名单.docx")
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        "attachment; filename=\"download.docx\"; filename*=UTF-8''"
        "%E5%85%AC%E7%A4%BA%E5%90%8D%E5%8D%95.docx"
    )
    assert response["Cache-Control"] == "private, no-store"

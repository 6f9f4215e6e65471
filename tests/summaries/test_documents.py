"""A summary as a Word document (GB/T 9704-2012): made, opened again with python-docx, and its
page, grid, fonts, headings, text, page numbers and appraisal read back (the XML where
python-docx has no API)."""

import datetime as dt
import io
import math

import pytest
from django.utils import timezone, translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from guazhi.core.documents import chinese_number
from guazhi.summaries.documents import summary_docx_bytes, summary_filename
from guazhi.summaries.models import Summary, SummarySection
from tests.summaries.world import APPRAISAL, BODIES, basic_text, summary_world

BODY = "仿宋_GB2312"
TITLE = "方正小标宋简体"
HEI = "黑体"
KAI = "楷体_GB2312"


def opened(content: bytes) -> Document:
    return Document(io.BytesIO(content))


def loaded(summary: Summary) -> Summary:
    """The summary as a view loads it (access_summary's joins)."""
    return Summary.objects.select_related(
        "assignment__cadre", "assignment__host_unit", "assignment__post"
    ).get(pk=summary.pk)


def fonts_of(run) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    rfonts = run._element.rPr.rFonts
    return {script: rfonts.get(qn(f"w:{script}")) for script in ("ascii", "hAnsi", "eastAsia")}


def east_asian(run) -> str | None:  # type: ignore[no-untyped-def]
    return fonts_of(run)["eastAsia"]


def shape(document: Document) -> list[list[tuple[str, str | None, float | None]]]:
    """Every paragraph of the body as its runs: (text, East Asian font, size in points)."""
    return [
        [
            (run.text, east_asian(run), run.font.size.pt if run.font.size else None)
            for run in paragraph.runs
        ]
        for paragraph in document.paragraphs
    ]


@pytest.fixture
def archived(world) -> Summary:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    return loaded(found.archived())


@pytest.fixture
def archived_document(archived) -> Document:  # type: ignore[no-untyped-def]
    return opened(summary_docx_bytes(archived))


def test_the_page_is_a4_with_the_standard_margins(archived_document) -> None:  # type: ignore[no-untyped-def]
    section = archived_document.sections[0]
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


def test_the_grid_gives_22_lines_of_28_characters(archived_document) -> None:  # type: ignore[no-untyped-def]
    section = archived_document.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert (
        grid.get(qn("w:type")),
        grid.get(qn("w:linePitch")),
        grid.get(qn("w:charSpace")),
    ) == ("linesAndChars", "579", "-842")
    # As Word counts them: whole lines of the line pitch (twips) in the text block's height,
    # whole characters of the character pitch (the Normal style's size + charSpace/4096 pt)
    # in its width.
    height = section.page_height.twips - section.top_margin.twips - section.bottom_margin.twips
    width = section.page_width.pt - section.left_margin.pt - section.right_margin.pt
    normal_size = archived_document.styles["Normal"].font.size.pt
    pitch = normal_size + int(grid.get(qn("w:charSpace"))) / 4096
    assert normal_size == 16
    assert math.floor(height / int(grid.get(qn("w:linePitch")))) == 22
    assert math.floor(width / pitch) == 28


def test_the_title_is_xiaobiaosong_22pt_centred_off_the_character_grid(archived_document) -> None:  # type: ignore[no-untyped-def]
    title = archived_document.paragraphs[0]
    assert title.text == "张三同志挂职锻炼期满总结"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    [run] = title.runs
    assert fonts_of(run) == {"ascii": TITLE, "hAnsi": TITLE, "eastAsia": TITLE}
    assert run.font.size.pt == 22
    # A 二号 character on a 三号 grid would take two cells: the title keeps its own spacing.
    snap = title._p.pPr.find(qn("w:snapToGrid"))
    assert snap.get(qn("w:val")) == "0"


def test_the_author_line_names_the_person_host_unit_and_post_in_kaiti(archived_document) -> None:  # type: ignore[no-untyped-def]
    author = archived_document.paragraphs[1]
    assert author.text == "张三（挂职白鹿镇党委副书记）"
    assert author.alignment == WD_ALIGN_PARAGRAPH.CENTER
    [run] = author.runs
    assert (east_asian(run), run.font.size.pt) == (KAI, 16)


def test_sections_are_first_level_headings_in_heiti_with_their_text_in_order(  # type: ignore[no-untyped-def]
    archived, archived_document
) -> None:
    today = timezone.localdate()
    with translation.override("zh-hans"):
        dated = f"{today.year}年{today.month}月{today.day}日"
    work = BODIES["work"].split("\n")
    assert shape(archived_document) == [
        [("张三同志挂职锻炼期满总结", TITLE, 22)],
        [("张三（挂职白鹿镇党委副书记）", KAI, 16)],
        [],
        [("一、基本情况", HEI, 16)],
        [(basic_text(archived.assignment), BODY, 16)],
        [("二、主要工作", HEI, 16)],
        [(work[0], BODY, 16)],
        [(work[1], BODY, 16)],
        [("三、心得体会", HEI, 16)],
        [(BODIES["insights"], BODY, 16)],
        [("四、存在不足", HEI, 16)],
        [(BODIES["shortcomings"], BODY, 16)],
        [("五、下一步打算", HEI, 16)],
        [(BODIES["next_steps"], BODY, 16)],
        [],
        [(dated, BODY, 16)],
        [],
        [("接收单位鉴定意见", HEI, 16)],
        [(APPRAISAL, BODY, 16)],
        [],
        [("白鹿镇", BODY, 16)],
        [(dated, BODY, 16)],
    ]


def test_body_paragraphs_are_indented_two_characters_and_justified(archived_document) -> None:  # type: ignore[no-untyped-def]
    body = next(p for p in archived_document.paragraphs if p.text == BODIES["insights"])
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.paragraph_format.first_line_indent.pt == 32
    assert round(body.paragraph_format.line_spacing.pt, 2) == 28.95
    # The body is what the grid is for: it stays on it.
    assert body._p.pPr.find(qn("w:snapToGrid")) is None
    heading = next(p for p in archived_document.paragraphs if p.text == "三、心得体会")
    assert heading.paragraph_format.first_line_indent.pt == 32


def test_the_date_and_the_appraisals_signature_close_right_aligned(archived_document) -> None:  # type: ignore[no-untyped-def]
    paragraphs = archived_document.paragraphs
    dated = paragraphs[15]
    assert dated.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert dated.paragraph_format.right_indent.pt == 32  # 右空二字: the summary carries no seal
    unit, appraised = paragraphs[-2], paragraphs[-1]
    assert unit.alignment == appraised.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert appraised.paragraph_format.right_indent.pt == 64  # 右空四字: the unit seals it


def test_every_run_names_its_east_asian_font(archived_document) -> None:  # type: ignore[no-untyped-def]
    section = archived_document.sections[0]
    parts = [
        archived_document.element.body,
        section.footer._element,
        section.even_page_footer._element,
    ]
    runs = [run for part in parts for run in part.iter(qn("w:r"))]
    assert len(runs) > 20
    missing = [
        "".join(run.itertext())
        for run in runs
        if run.find(qn("w:rPr")) is None
        or run.find(qn("w:rPr")).find(qn("w:rFonts")) is None
        or not run.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia"))
    ]
    assert missing == []
    normal = archived_document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == BODY


def test_page_numbers_are_a_page_field_between_dashes_on_the_outer_side(archived_document) -> None:  # type: ignore[no-untyped-def]
    assert archived_document.settings.odd_and_even_pages_header_footer is True
    section = archived_document.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        [paragraph] = footer.paragraphs
        assert paragraph.text == "— 1 —"
        assert paragraph.alignment == alignment
        kinds = [c.get(qn("w:fldCharType")) for c in paragraph._p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        assert [code.text for code in paragraph._p.iter(qn("w:instrText"))] == [" PAGE "]
        assert {east_asian(run) for run in paragraph.runs} == {"宋体"}
        assert {run.font.size.pt for run in paragraph.runs} == {14}
        # One character in from the edge of the text block.
        indent = paragraph.paragraph_format.right_indent or paragraph.paragraph_format.left_indent
        assert indent.pt == 14


def test_second_level_lines_are_kaiti_with_text_running_on_in_fangsong(world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted(
        bodies={
            "work": "（一）做成的事\n　　2026年9月：完成村级活动场所改造。\n"
            "（二）抓好基层党建。指导村级党组织规范化建设。\n(三)走访群众。",
        }
    )
    document = opened(summary_docx_bytes(loaded(summary)))
    start = next(i for i, p in enumerate(document.paragraphs) if p.text == "二、主要工作")
    assert shape(document)[start + 1 : start + 5] == [
        [("（一）做成的事", KAI, 16)],
        # The writer's own indent (full-width spaces) goes: the document indents every paragraph.
        [("2026年9月：完成村级活动场所改造。", BODY, 16)],
        [("（二）抓好基层党建。", KAI, 16), ("指导村级党组织规范化建设。", BODY, 16)],
        [("(三)走访群众。", KAI, 16)],
    ]
    run_on = document.paragraphs[start + 3]
    assert run_on.paragraph_format.first_line_indent.pt == 32
    assert run_on.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_a_draft_has_no_appraisal_and_is_dated_the_day_it_is_printed(world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = loaded(found.drafted())
    with translation.override("zh-hans"):
        document = opened(summary_docx_bytes(summary, today=dt.date(2026, 12, 1)))
    texts = [p.text for p in document.paragraphs]
    assert texts[-1] == "2026年12月1日"
    assert "接收单位鉴定意见" not in texts
    assert texts[-3] == BODIES["next_steps"]


def test_empty_sections_are_left_out_and_the_rest_numbered_in_order(world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted(bodies={"insights": "  \n　\n", "shortcomings": ""})
    # A heading the writer numbered themselves takes its place's number instead.
    SummarySection.objects.filter(summary=summary, key="next_steps").update(heading="五、今后打算")
    document = opened(summary_docx_bytes(loaded(summary)))
    headings = [p.text for p in document.paragraphs if p.runs and east_asian(p.runs[0]) == HEI]
    assert headings == ["一、基本情况", "二、主要工作", "三、今后打算"]


def test_the_english_interface_keeps_the_chinese_layout_with_its_own_labels(world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = loaded(found.archived())
    with translation.override("en"):
        document = opened(summary_docx_bytes(summary, today=dt.date(2026, 12, 1)))
    texts = [p.text for p in document.paragraphs]
    assert texts[3] == "一、基本情况"  # the headings are the batch's, written in Chinese
    today = timezone.localdate()
    assert texts[-1] == f"{today:%Y-%m-%d}"  # dates as the English pages show them


def test_the_file_is_named_by_person_and_kind(world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    final = loaded(found.drafted())
    midterm = loaded(found.drafted(kind="midterm"))
    with translation.override("zh-hans"):
        assert summary_filename(final) == "张三_期满总结.docx"
        assert summary_filename(midterm) == "张三_阶段总结.docx"
    final.assignment.cadre.name = 'A/B:"C"'
    with translation.override("zh-hans"):
        assert summary_filename(final) == "A_B_C_期满总结.docx"


def test_chinese_numbers_count_the_sections() -> None:
    assert [chinese_number(n) for n in (1, 5, 10, 11, 20, 35, 99)] == [
        "一",
        "五",
        "十",
        "十一",
        "二十",
        "三十五",
        "九十九",
    ]
    with pytest.raises(ValueError):
        chinese_number(0)

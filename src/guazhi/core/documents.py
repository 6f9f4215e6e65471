"""Word documents in the official format (党政机关公文格式, GB/T 9704-2012): shared building blocks.

A document starts with `official_document()` (A4, the standard's margins, a document grid of
22 lines of 28 characters, 仿宋_GB2312 三号 body, page numbers “— 1 —” in 宋体 四号 on the outer side), then takes a title,
headings, body paragraphs, tables and a signature, and leaves as bytes (`document_bytes`) or as
a download (`docx_response`). Publicity lists use it now; summaries, evaluation forms, leave
slips and commendations will build on the same pieces.

Fonts are named, not embedded: the offices that open these files have the 方正 and GB2312 fonts
installed, and Word falls back to a similar face where they are missing. Every run names its
font for Western and East Asian text alike (w:ascii, w:hAnsi, w:eastAsia): Word picks the East
Asian font for Chinese characters from w:eastAsia only, so setting the plain font name (what
python-docx's `font.name` does) would leave Chinese text in the template's theme font.
"""

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from itertools import chain, count
from typing import Any

from django.http import HttpResponse
from docx import Document as open_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from guazhi.core.jinja import format_date
from guazhi.core.spreadsheets import attachment_header

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# GB/T 9704-2012 5.2.1 and 5.2.2: A4, top margin 37 mm, left 28 mm; a 156 × 225 mm text block
# leaves 26 mm on the right and 35 mm at the bottom.
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_BOTTOM = Mm(35)
MARGIN_LEFT = Mm(28)
MARGIN_RIGHT = Mm(26)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = ("黑体", "楷体_GB2312")  # 一级标题 “一、”, 二级标题 “（一）”
TABLE_HEADER_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(12)  # 小四: seven columns of names and units do not fit in 三号

# 22 lines of 28 characters in the 156 × 225 mm text block (GB/T 9704 5.2.3).
LINES_PER_PAGE = 22
CHARACTERS_PER_LINE = 28
# 225 mm / 22 ≈ 28.95 pt, set as an exact line height so Word does not stretch lines to the
# font's own height.
LINE_PITCH = Pt(28.95)
# Body paragraphs open with two characters of indent (空二字).
FIRST_LINE_INDENT = Pt(16 * 2)


# Fonts -------------------------------------------------------------------------------------


def _set_rfonts(rpr: Any, name: str) -> None:
    """Name `name` for every script in an rPr element, dropping any theme font that would win."""
    fonts = rpr.get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def set_run_font(run: Any, name: str, size: Length | None = None, *, bold: bool = False) -> None:
    """Font of one run (a docx Run), East Asian text included."""
    run.font.name = name
    _set_rfonts(run._element.get_or_add_rPr(), name)
    if size is not None:
        run.font.size = size
    if bold:
        run.font.bold = True


def _exact_spacing(paragraph: Paragraph, pitch: Length = LINE_PITCH) -> None:
    layout = paragraph.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = pitch
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)


# The document ------------------------------------------------------------------------------


def official_document() -> Document:
    """An empty document in the official format: page, margins, grid, body style, page numbers."""
    document = open_document()
    _set_body_style(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    section.top_margin = MARGIN_TOP
    section.bottom_margin = MARGIN_BOTTOM
    section.left_margin = MARGIN_LEFT
    section.right_margin = MARGIN_RIGHT
    # The page number's top edge sits about 7 mm under the text block (GB/T 9704 7.5):
    # 35 mm − 7 mm − one 四号 line ≈ 23 mm from the bottom of the page.
    section.footer_distance = Mm(23)
    section.header_distance = Mm(15)
    _set_line_grid(section)
    _add_page_numbers(document)
    return document


def _set_body_style(document: Document) -> None:
    # The template's document defaults name theme fonts; a theme font beats a named one, so
    # they go, and the Normal style names the body font for every script.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(theme), None)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    rpr = normal.element.get_or_add_rPr()
    _set_rfonts(rpr, BODY_FONT)
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    layout = normal.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE_PITCH
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)
    layout.widow_control = False  # the grid decides where lines fall, not widow rules


def _set_line_grid(section: Any) -> None:
    """The section's document grid (文档网格, “指定行和字符网格”): lines every LINE_PITCH and
    CHARACTERS_PER_LINE characters across the text block.

    Word keeps the line pitch in twentieths of a point, and the character pitch as charSpace: how
    far it stands from the Normal style's font size, in 4096ths of a point. Word fits as many
    whole characters as the text block holds, so the pitch is rounded down: 28 × 16 pt would
    need 448 pt and the block is 442.25 pt, hence a pitch a little under 16 pt (charSpace −842).
    """
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    # The lengths as Word will read them back (whole twips), not as asked for in millimetres.
    text_width = section.page_width - section.left_margin - section.right_margin
    pitch = Length(text_width).pt / CHARACTERS_PER_LINE
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))
    grid.set(qn("w:charSpace"), str(math.floor((pitch - BODY_SIZE.pt) * 4096)))


def off_grid(paragraph: Paragraph) -> Paragraph:
    """Let a paragraph set in another size than the body keep its own letter spacing.

    On the character grid each character takes whole grid cells: a 二号 title's characters would
    take two cells each and stand far apart, a 小四 table's would be spread to the 三号 pitch. The
    standard's 28 characters a line are the body's; the rest opts out (“对齐到网格” off)."""
    properties = paragraph._p.get_or_add_pPr()
    snap = properties.find(qn("w:snapToGrid"))
    if snap is None:
        snap = OxmlElement("w:snapToGrid")
        properties.insert_element_before(snap, *_AFTER_SNAP_TO_GRID)
    snap.set(qn("w:val"), "0")
    return paragraph


# What follows w:snapToGrid inside w:pPr (the schema fixes the order of the children).
_AFTER_SNAP_TO_GRID = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _add_page_numbers(document: Document) -> None:
    """“— 1 —” in 宋体 四号: odd pages on the right, even pages on the left, one character in
    from the edge of the text block (GB/T 9704 7.5), as printed double-sided and bound."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph: Paragraph, alignment: WD_ALIGN_PARAGRAPH) -> None:
    paragraph.alignment = alignment
    off_grid(paragraph)  # 四号, and the footer lies outside the text block the grid divides
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = PAGE_NUMBER_SIZE
    else:
        paragraph.paragraph_format.left_indent = PAGE_NUMBER_SIZE
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    set_run_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _add_field(paragraph, "PAGE", "1")
    set_run_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES…): begin, instruction, separate, shown value, end."""

    def run_with(element: Any) -> None:
        run = paragraph.add_run()
        set_run_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        run._element.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    run_with(code)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    shown = paragraph.add_run(placeholder)
    set_run_font(shown, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# Content -----------------------------------------------------------------------------------


def add_title(document: Document, text: str, *, blank_after: bool = True) -> Paragraph:
    """The title (标题): 方正小标宋简体 二号, centred, followed by one empty line (unless
    `blank_after` is False: a line such as the author's comes first)."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact_spacing(paragraph)
    off_grid(paragraph)
    set_run_font(paragraph.add_run(text), TITLE_FONT, TITLE_SIZE)
    if blank_after:
        add_blank_line(document)
    return paragraph


def add_heading(document: Document, text: str, level: int = 1, *, rest: str = "") -> Paragraph:
    """A heading inside the body: level 1 in 黑体 (“一、”), level 2 in 楷体 (“（一）”), 三号,
    indented two characters like the body. The caller writes the numbering into `text`.

    `rest` is body text run on after the heading in the same paragraph (仿宋), as a second-level
    heading often is: “（一）坚持学习。挂职以来……”."""
    paragraph = document.add_paragraph()
    _exact_spacing(paragraph)
    paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
    set_run_font(paragraph.add_run(text), HEADING_FONTS[min(level, 2) - 1], BODY_SIZE)
    if rest:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY  # it wraps like the body
        set_run_font(paragraph.add_run(rest), BODY_FONT, BODY_SIZE)
    return paragraph


def add_body(document: Document, text: str, *, indent: bool = True) -> Paragraph:
    """A body paragraph: 仿宋_GB2312 三号, justified, two characters of first-line indent."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _exact_spacing(paragraph)
    if indent:
        paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
    set_run_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)
    return paragraph


def add_blank_line(document: Document) -> Paragraph:
    paragraph = document.add_paragraph()
    _exact_spacing(paragraph)
    return paragraph


def add_table(
    document: Document,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    widths: Sequence[Length] | None = None,
    centred_columns: Sequence[int] = (),
    size: Length = TABLE_SIZE,
) -> Table:
    """A ruled table: a 黑体 header row repeated on every page, then the rows in 仿宋_GB2312.

    `widths` gives each column's width (they should add up to the 156 mm text block);
    `centred_columns` are the indexes of short columns (序号, 性别) centred in their cells.
    Rows never break across pages. Values are shown with str(); None shows as empty.
    """
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = widths is None
    _fill_row(table.rows[0], headers, size, header=True, centred=range(len(headers)))
    _mark_row(table.rows[0], header=True)
    for values in rows:
        row = table.add_row()
        _fill_row(row, values, size, header=False, centred=centred_columns)
        _mark_row(row, header=False)
    if widths is not None:
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
            for cell in column.cells:
                cell.width = width
    return table


def _fill_row(row: Any, values: Sequence[Any], size: Length, *, header: bool, centred: Any) -> None:
    for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = off_grid(cell.paragraphs[0])
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.paragraph_format.space_before = Pt(2)
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.first_line_indent = Pt(0)
        if index in centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        text = "" if value is None else str(value)
        set_run_font(paragraph.add_run(text), TABLE_HEADER_FONT if header else BODY_FONT, size)


def _mark_row(row: Any, *, header: bool) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _width_in_characters(text: str) -> float:
    """How many full-width characters `text` takes: digits and Latin letters count half."""
    return sum(0.5 if ord(char) < 0x2E80 else 1.0 for char in text)


def add_signature(
    document: Document, organisation: str, date_text: str, *, blank_lines: int = 2
) -> tuple[Paragraph, Paragraph]:
    """The signing organisation (发文机关署名) over the date (成文日期).

    The date stands four characters in from the right (右空四字) and the organisation is
    centred over it (GB/T 9704 7.3.5.1), which leaves room for a seal; `blank_lines` empty
    lines separate them from the body.
    """
    for _line in range(blank_lines):
        add_blank_line(document)
    date_width = _width_in_characters(date_text)
    organisation_width = _width_in_characters(organisation)
    offset = max(0.0, 4 + (date_width - organisation_width) / 2)
    signer = document.add_paragraph()
    signer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _exact_spacing(signer)
    signer.paragraph_format.right_indent = Pt(BODY_SIZE.pt * offset)
    set_run_font(signer.add_run(organisation), BODY_FONT, BODY_SIZE)
    dated = document.add_paragraph()
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _exact_spacing(dated)
    dated.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)
    set_run_font(dated.add_run(date_text), BODY_FONT, BODY_SIZE)
    return signer, dated


def document_date(day: dt.date) -> str:
    """A date as a document prints it: 2026年11月24日 in Chinese (Arabic numerals, GB/T 9704
    7.3.5), 2026-11-24 in English, the same as the pages."""
    return format_date(day)


# Out ---------------------------------------------------------------------------------------


def document_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(filename)
    response["Cache-Control"] = "private, no-store"
    return response


_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (1 to 99: sections, numbered items)."""
    if not 0 < number < 100:
        raise ValueError(f"no Chinese numeral here for {number}")
    tens, units = divmod(number, 10)
    text = "" if tens == 0 else ("十" if tens == 1 else f"{_DIGITS[tens]}十")
    return text + (_DIGITS[units] if units else "")


def safe_filename(text: str) -> str:
    """`text` as a part of a file name on any system: no separators or reserved characters."""
    return _UNSAFE_IN_FILENAME.sub("_", text).strip(" ._") or "_"


def unique_entry_name(name: str, distinguisher: str, taken: set[str]) -> str:
    """`name` (张三_期满总结.docx) made unique within a zip: if taken, with `distinguisher` added
    (张三_期满总结_白鹿镇.docx, the person's host unit), and a number beyond that
    (…_白鹿镇（2）.docx). Adds it to `taken`."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    ending = f".{suffix}" if dot else ""
    distinguished = f"{stem}_{safe_filename(distinguisher)}"
    candidates = chain(
        (name, f"{distinguished}{ending}"),
        (f"{distinguished}（{number}）{ending}" for number in count(2)),
    )
    # Compared without case: Windows and macOS take Zhang.docx and ZHANG.docx for one file.
    chosen = next(candidate for candidate in candidates if candidate.casefold() not in taken)
    taken.add(chosen.casefold())
    return chosen

"""Importing documents into the experience library in bulk: .docx, .txt and .md files.

Offices hold years of good summaries as Word files and plain text; a coordinator uploads a lot of
them with the year and the host-unit kind they share, and they are published at once (the
importing coordinator is the approver). Each file's type is read from its content
(core.attachments.sniff), never from its name: a .docx is a Word file, text is text whatever it
is called; a text file's name then says whether it is Markdown.

How a file becomes a title and sections:

- .docx: a paragraph styled as a heading (Heading n / 标题 n), a short line all in bold, or a
  line opening with a Chinese ordinal (一、 二、 …) starts a section; the first paragraph is
  the title when styled Title, or when it is a heading or bold short line that is not numbered;
- .md: `#` headings start sections, the first line is the title when it is a heading that is not
  numbered; 一、 lines count as headings too;
- .txt: 一、 lines start sections; the first line is the title when it is short and not a
  sentence (no 。 at its end) and not numbered;
- otherwise the title is the file's name. Text before the first heading is a section without a
  heading.

Traditional characters are converted to Simplified on request (opencc t2s), text saved by a
Chinese Windows in GB18030 is read as such. The upload is all or nothing: one file that cannot
be read refuses the lot, with every problem named by its file, in Chinese.
"""

import io
import logging
import re
import threading
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from guazhi.core.attachments import CONTROL, DOC, DOCX, TEXT, sniff
from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.core.i18n import Message
from guazhi.orgs.models import Organisation, OrgKind
from guazhi.summaries import search
from guazhi.summaries.models import LibraryDocument, LibrarySource, LibraryState
from guazhi.summaries.selectors.library import (
    can_import,
    import_owner_choices,
    library_facets_changed,
)
from guazhi.summaries.services.keywords import extract_keywords, keywords_replace

MAX_FILES = 50
MAX_FILE_BYTES = 10 * 1024 * 1024
TITLE_MAX_LENGTH = 200
HEADING_MAX_LENGTH = 50
# A line longer than this is a paragraph, not a heading or a title.
SHORT_LINE = 40
ORDINAL_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]")
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
SENTENCE_END = ("。", "；", "！", "？", ".", ";", "!", "?", "，", ",", "：", ":")
ProgressFn = Callable[[int, int], None]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportFile:
    name: str
    data: bytes


@dataclass
class Parsed:
    title: str
    sections: list[dict[str, str]] = field(default_factory=list)


class FileProblem(Exception):
    """Why one file cannot be read: a message naming what is wrong (the file is added)."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params


# --- reading one file -------------------------------------------------------------------------


def _stem(name: str) -> str:
    return PurePath(name).stem.strip()[:TITLE_MAX_LENGTH] or name[:TITLE_MAX_LENGTH]


def _is_ordinal(line: str) -> bool:
    return bool(ORDINAL_HEADING.match(line)) and len(line) <= SHORT_LINE


class _Builder:
    """Collects title, headings and paragraphs in reading order."""

    def __init__(self) -> None:
        self.title = ""
        self.sections: list[dict[str, Any]] = []
        self.seen_content = False

    def heading(self, text: str) -> None:
        self.sections.append({"heading": text[:HEADING_MAX_LENGTH], "body": []})
        self.seen_content = True

    def paragraph(self, text: str) -> None:
        if not self.sections:
            self.sections.append({"heading": "", "body": []})
        self.sections[-1]["body"].append(text)
        self.seen_content = True

    def offer_title(self, text: str) -> bool:
        """Take `text` as the title when nothing came before it."""
        if self.title or self.seen_content:
            return False
        self.title = text[:TITLE_MAX_LENGTH]
        return True

    def result(self, fallback_title: str) -> Parsed:
        sections = [
            {"heading": section["heading"], "body": "\n".join(section["body"]).strip()}
            for section in self.sections
        ]
        sections = [section for section in sections if section["heading"] or section["body"]]
        return Parsed(title=self.title or fallback_title, sections=sections)


def _docx_is_heading(paragraph: Any) -> bool:
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    return style.lower().startswith("heading") or style.startswith("标题 ")


def _docx_is_title(paragraph: Any) -> bool:
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    return style.lower() == "title" or style == "标题"


def _docx_all_bold(paragraph: Any) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold for run in runs)


@dataclass(frozen=True)
class _DocxLine:
    """A non-empty paragraph of a Word file, as parsing needs it."""

    text: str
    heading: bool  # styled as a heading, or a short line all in bold
    title: bool  # styled as the title


def _docx_lines(document: Any) -> list[_DocxLine]:
    lines = []
    for paragraph in document.paragraphs:
        text = " ".join(paragraph.text.split())
        if text:
            bold = len(text) <= SHORT_LINE and _docx_all_bold(paragraph)
            heading = _docx_is_heading(paragraph) or bold
            lines.append(_DocxLine(text, heading, _docx_is_title(paragraph)))
    return lines


def _docx_table_rows(document: Any) -> list[str]:
    """Each table row's distinct cell texts, joined (a merged cell repeats its text)."""
    rows = []
    for table in document.tables:
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                text = " ".join(cell.text.split())
                if text and text not in cells:
                    cells.append(text)
            if cells:
                rows.append("　".join(cells))
    return rows


def _read_docx(data: bytes) -> tuple[list[_DocxLine], list[str]]:
    """The Word file's paragraphs and table rows, or FileProblem. A .docx is a zip of XML parts,
    read lazily here and there by python-docx: a damaged zip (bad CRC, broken compressed data),
    an XML part that does not parse, or XML that is not what Word writes (python-docx then
    fails on a missing attribute) is one damaged file, named like any other unreadable file,
    never an error that fails the whole import."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(io.BytesIO(data))
        return _docx_lines(document), _docx_table_rows(document)
    except (
        PackageNotFoundError,
        KeyError,
        ValueError,
        OSError,
        EOFError,
        AttributeError,
        zipfile.BadZipFile,
        zlib.error,
        XMLSyntaxError,
    ) as error:
        # python-docx reads lazily, inside our own walk of the paragraphs, so a slip of ours
        # would land here too: logged with its traceback, never silently taken for the file's.
        logger.warning("Word file unreadable in a library import", exc_info=True)
        raise FileProblem(gettext_noop("无法作为 Word 文档读取，文件可能已损坏。")) from error


def parse_docx(data: bytes, name: str) -> Parsed:
    lines, table_rows = _read_docx(data)
    builder = _Builder()
    for line in lines:
        titled = line.title or (line.heading and not _is_ordinal(line.text))
        if titled and builder.offer_title(line.text):
            continue
        if line.heading or _is_ordinal(line.text):
            builder.heading(line.text)
        else:
            builder.paragraph(line.text)
    # Tables (a 总结鉴定表 is one): their rows as paragraphs, after the text.
    for row in table_rows:
        builder.paragraph(row)
    return builder.result(_stem(name))


def _decode(data: bytes) -> str:
    """UTF-8, or else GB18030 (what a Chinese Windows saves as 文本文档); text only."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise FileProblem(
                gettext_noop("无法识别文本编码，请另存为 UTF-8 编码的文本文件。")
            ) from error
    if CONTROL.search(text):
        raise FileProblem(gettext_noop("不是 .docx、.txt 或 .md 文件，不能导入。"))
    return text


def parse_markdown(text: str, name: str) -> Parsed:
    builder = _Builder()
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        match = MARKDOWN_HEADING.match(line)
        if match:
            heading = MARKDOWN_EMPHASIS.sub(r"\2", match.group(2)).strip()
            if not heading:
                continue
            if not _is_ordinal(heading) and builder.offer_title(heading):
                continue
            builder.heading(heading)
            continue
        line = MARKDOWN_EMPHASIS.sub(r"\2", line)
        if _is_ordinal(line):
            builder.heading(line)
        else:
            builder.paragraph(line.lstrip("> ").strip())
    return builder.result(_stem(name))


def parse_text(text: str, name: str) -> Parsed:
    builder = _Builder()
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if _is_ordinal(line):
            builder.heading(line)
        elif len(line) <= SHORT_LINE and not line.endswith(SENTENCE_END):
            if not builder.offer_title(line):
                builder.paragraph(line)
        else:
            builder.paragraph(line)
    return builder.result(_stem(name))


def parse_file(upload: ImportFile) -> Parsed:
    """The file's title and sections, or FileProblem."""
    if not upload.data:
        raise FileProblem(gettext_noop("文件是空的。"))
    if len(upload.data) > MAX_FILE_BYTES:
        raise FileProblem(gettext_noop("文件超过 %(mb)s MB。"), mb=MAX_FILE_BYTES // (1024 * 1024))
    kind = sniff(upload.data)
    suffix = PurePath(upload.name).suffix.lower()
    if kind == DOCX:
        parsed = parse_docx(upload.data, upload.name)
    elif kind == DOC:
        raise FileProblem(
            gettext_noop("是旧版 Word 文档（.doc），请在 Word 中另存为 .docx 后再导入。")
        )
    elif kind == TEXT or (kind is None and suffix in (".txt", ".md", ".markdown", ".text")):
        text = _decode(upload.data)
        if suffix in (".md", ".markdown"):
            parsed = parse_markdown(text, upload.name)
        else:
            parsed = parse_text(text, upload.name)
    else:
        raise FileProblem(gettext_noop("不是 .docx、.txt 或 .md 文件，不能导入。"))
    if not any(section["body"] for section in parsed.sections):
        raise FileProblem(gettext_noop("没有正文。"))
    return parsed


_converter_lock = threading.Lock()
_converter: Any = None


def to_simplified(text: str) -> str:
    """Traditional → Simplified (opencc t2s), the converter made once per process."""
    global _converter
    with _converter_lock:
        if _converter is None:
            import opencc

            _converter = opencc.OpenCC("t2s")
        return str(_converter.convert(text))


def _simplified(parsed: Parsed) -> Parsed:
    return Parsed(
        title=to_simplified(parsed.title),
        sections=[
            {"heading": to_simplified(s["heading"]), "body": to_simplified(s["body"])}
            for s in parsed.sections
        ],
    )


# --- the whole upload -------------------------------------------------------------------------


def _check_lot(
    actor: Any, year: int, host_unit_kind: str, owner_org: Organisation, count: int
) -> None:
    if not can_import(actor=actor) or owner_org.pk not in {
        org.pk for org in import_owner_choices(actor=actor)
    }:
        raise Forbidden(Message(gettext_noop("只有组织部门可以为本单位导入经验库文档。")))
    this_year = timezone.localdate().year
    if not 1949 <= year <= this_year + 1:
        message = Message(gettext_noop("年份应在1949年至%(max)s年之间。"), max=this_year + 1)
        raise ValidationFailed(message, detail={"year": message})
    if host_unit_kind and host_unit_kind not in OrgKind.values:
        message = Message(gettext_noop("请选择挂职单位类型。"))
        raise ValidationFailed(message, detail={"host_unit_kind": message})
    if count == 0:
        message = Message(gettext_noop("请选择要导入的文件。"))
        raise ValidationFailed(message, detail={"files": message})
    if count > MAX_FILES:
        message = Message(gettext_noop("一次最多导入 %(max)s 个文件。"), max=MAX_FILES)
        raise ValidationFailed(message, detail={"files": message})


def library_import(
    *,
    actor: Any,
    files: list[ImportFile],
    year: int,
    host_unit_kind: str,
    owner_org: Organisation,
    to_simplified_chinese: bool = False,
    progress: ProgressFn | None = None,
) -> list[LibraryDocument]:
    """Read every file, then publish them all in one transaction; any file that cannot be read
    refuses the whole upload (ValidationFailed naming each file and its problem)."""
    _check_lot(actor, year, host_unit_kind, owner_org, len(files))
    total = len(files) * 2
    report = progress or (lambda done, total: None)
    report(0, total)
    parsed: list[Parsed] = []
    problems: list[Message] = []
    for number, upload in enumerate(files, 1):
        try:
            found = parse_file(upload)
        except FileProblem as problem:
            problems.append(
                Message(
                    gettext_noop("“%(file)s”：%(problem)s"),
                    file=upload.name,
                    problem=Message(problem.msgid, **problem.params),
                )
            )
        else:
            parsed.append(_simplified(found) if to_simplified_chinese else found)
        report(number, total)
    if problems:
        message = Message(
            gettext_noop("%(n)s个文件无法导入，本次未导入任何文档：%(problems)s"),
            n=len(problems),
            problems=problems,
        )
        raise ValidationFailed(message, detail={"files": message})
    documents: list[LibraryDocument] = []
    now = timezone.now()
    with transaction.atomic():
        for number, (upload, found) in enumerate(zip(files, parsed, strict=True), 1):
            document = LibraryDocument.objects.create(
                title=found.title,
                sections=found.sections,
                source=LibrarySource.IMPORT,
                owner_org=owner_org,
                year=year,
                host_unit_kind=host_unit_kind,
                author_label="",
                anonymised=False,
                state=LibraryState.PUBLISHED,
                created_by=actor,
                published_by=actor,
                published_at=now,
            )
            keywords = extract_keywords(document.text)
            keywords_replace(document, keywords)
            search.index_document(document)
            audit_record(
                actor=actor,
                action="library.import",
                obj=document,
                detail={
                    "file": upload.name,
                    "year": year,
                    "host_unit_kind": host_unit_kind,
                    "converted": to_simplified_chinese,
                    "keywords": keywords,
                },
            )
            documents.append(document)
            report(len(files) + number, total)
        library_facets_changed()
    return documents

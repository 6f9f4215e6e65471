"""A summary as a Word document in the official format (GB/T 9704-2012), and its file name.

The page, the 22 × 28 grid, the fonts and the page numbers come from core.documents; this module
lays a summary out on them: the title, the author line under it, the sections as first-level
headings (“一、基本情况”), lines of a body that open with “（一）” as second-level headings, the
date the text was submitted, and the host unit's appraisal (鉴定意见) under its own heading,
signed by the unit. The library and the benchmark reuse `official_summary_docx` for text that
is not a Summary row (an anonymised library document, a generated one).
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from guazhi.core.documents import (
    BODY_SIZE,
    add_blank_line,
    add_body,
    add_heading,
    add_signature,
    add_title,
    chinese_number,
    document_bytes,
    document_date,
    official_document,
    safe_filename,
    set_run_font,
)
from guazhi.summaries.models import (
    EDITABLE_STATES,
    Summary,
    SummaryEvent,
    SummaryEventAction,
)

AUTHOR_FONT = "楷体_GB2312"  # the author line under a title, as articles and speeches set it

# A first-level number the writer typed into a heading (“三、心得体会”): replaced by the number
# of the section's place, so numbering stays right when a section is left out.
_FIRST_LEVEL = re.compile(r"^\s*[一二三四五六七八九十百]+\s*[、.．]\s*")
# A second-level heading opening a line of a body: “（一）” or “(一)”.
_SECOND_LEVEL = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
# Where a run-in second-level heading ends: its first full stop (“（一）强化学习。挂职以来……”).
_HEADING_END = "。"
# Spaces a writer types to indent a paragraph: the document indents every paragraph itself.
_INDENT_SPACES = " \t\u3000"


# Characters Windows refuses in a file name, and the control characters.
@dataclass(frozen=True)
class Appraisal:
    """The host unit's appraisal: the text, the unit that signs it and the day."""

    text: str
    unit: str
    dated: dt.date | None


def official_summary_docx(
    *,
    title: str,
    author: str,
    sections: Iterable[tuple[str, str]],
    dated: dt.date | None,
    appraisal: Appraisal | None = None,
) -> bytes:
    """A summary-like text as a .docx: `sections` are (heading, body) pairs; a section with an
    empty body is left out and the others numbered in order; `dated` closes the text (none: no
    date line); `appraisal`, when given and not blank, follows under its own heading."""
    document = official_document()
    add_title(document, title, blank_after=not author)
    if author:
        _add_author(document, author)
        add_blank_line(document)
    present = [(heading, body) for heading, body in sections if body.strip()]
    for number, (heading, body) in enumerate(present, start=1):
        add_heading(document, f"{chinese_number(number)}、{_FIRST_LEVEL.sub('', heading)}")
        _add_text(document, body)
    if dated is not None:
        add_blank_line(document)
        _add_date(document, document_date(dated))
    if appraisal is not None and appraisal.text.strip():
        add_blank_line(document)
        add_heading(document, _("接收单位鉴定意见"))
        _add_text(document, appraisal.text)
        add_signature(
            document,
            appraisal.unit,
            document_date(appraisal.dated) if appraisal.dated else "",
            blank_lines=1,
        )
    return document_bytes(document)


def _add_author(document: Document, author: str) -> None:
    # A body paragraph (exact line, on the grid), centred, in 楷体 instead of 仿宋.
    paragraph = add_body(document, author, indent=False)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(paragraph.runs[0], AUTHOR_FONT, BODY_SIZE)


def _add_date(document: Document, text: str) -> None:
    """The date, right-aligned two characters in from the edge (GB/T 9704 7.3.5.2, a text that
    carries no seal)."""
    paragraph = add_body(document, text, indent=False)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)


def _add_text(document: Document, body: str) -> None:
    """A section's body: one paragraph a line, blank lines dropped; a line opening with “（一）”
    is a second-level heading in 楷体, its first sentence only when body text runs on after it."""
    for line in body.splitlines():
        text = line.strip(_INDENT_SPACES)
        if not text:
            continue
        if _SECOND_LEVEL.match(text):
            heading, rest = _run_in(text)
            add_heading(document, heading, level=2, rest=rest)
        else:
            add_body(document, text)


def _run_in(text: str) -> tuple[str, str]:
    end = text.find(_HEADING_END)
    if end == -1 or end == len(text) - 1:
        return text, ""
    return text[: end + 1], text[end + 1 :]


# A Summary --------------------------------------------------------------------------------


def summary_author(summary: Summary) -> str:
    """张三（挂职白鹿镇党委副书记）: the name, the host unit and the post."""
    assignment = summary.assignment
    return _("%(name)s（挂职%(host)s%(post)s）") % {
        "name": assignment.cadre.name,
        "host": assignment.host_unit.name,
        "post": assignment.post.title,
    }


def summary_dated(summary: Summary, *, today: dt.date | None = None) -> dt.date:
    """The day the text was last submitted: what was reviewed is what carries the date. A text
    still being written (draft, returned) is dated the day it is printed."""
    today = today or timezone.localdate()
    if summary.state in EDITABLE_STATES:
        return today
    submitted = (
        SummaryEvent.objects.filter(summary=summary, action=SummaryEventAction.SUBMIT)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    ) or summary.submitted_at
    return timezone.localdate(submitted) if submitted is not None else today


def summary_sections(summary: Summary) -> Sequence[tuple[str, str]]:
    """(heading, body) in template order (prefetched sections are used as they are)."""
    return [
        (section.heading, section.body)
        for section in sorted(summary.sections.all(), key=lambda section: section.position)
    ]


def summary_docx_bytes(summary: Summary, *, today: dt.date | None = None) -> bytes:
    """The summary in the official format; its assignment's cadre, host unit and post are read
    (load them with the summary, as access_summary does)."""
    appraisal = None
    if summary.appraisal.strip():
        appraisal = Appraisal(
            text=summary.appraisal,
            unit=summary.assignment.host_unit.name,
            dated=timezone.localdate(summary.appraised_at) if summary.appraised_at else None,
        )
    return official_summary_docx(
        title=summary.title.strip() or summary.get_kind_display(),
        author=summary_author(summary),
        sections=summary_sections(summary),
        dated=summary_dated(summary, today=today),
        appraisal=appraisal,
    )


def summary_filename(summary: Summary) -> str:
    """张三_期满总结.docx: the person and the kind of summary."""
    return _("%(name)s_%(kind)s.docx") % {
        "name": safe_filename(summary.assignment.cadre.name),
        "kind": summary.get_kind_display(),
    }

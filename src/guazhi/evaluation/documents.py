"""The evaluation's Word documents in the official format (GB/T 9704): the 年度考核登记表 and the
挂职锻炼干部总结鉴定表 of one person, and the commendation decision (关于表彰……的决定).

The page, fonts and page numbers come from core.documents. A form is a title (方正小标宋简体 二号)
over one ruled table in 仿宋_GB2312 小四: six fixed columns that add up to the 156 mm text block
(fixed layout, so Word never widens a column past the margin), the person's particulars in the
first rows, then one row per part of the form with its label on the left:

- 个人总结: for the 鉴定表 the person's final summary (summaries app) once submitted, for the
  登记表 — and for a 鉴定表 without a submitted summary — the round's self-assessment;
- 主管领导评语和考核等次建议 (登记表: the host leadership's rating comments and the proposed
  grade) or 接收单位鉴定意见 (鉴定表: the summary's appraisal, else those comments);
- 派出单位意见 (the dispatching unit's rating comments) and 组织部门意见（存档）: lines left for
  the seal and the date, since these are signed on paper;
- 考核等次: the committee's grade once the round is decided; 本人意见: the acknowledgement.

The particulars' rows never split across pages; the long rows may (a long summary must be able
to run on), with a minimum height so a blank form leaves room to write by hand.

Whoever calls these checks that the reader may see the person's result (selectors.scope
can_see_result): a form prints the grade. `form_facts` loads what the forms read besides the
evaluee for many people at once (the batch export), so a form costs no query of its own.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Mm
from docx.table import Table

from guazhi.core.documents import (
    BODY_FONT,
    BODY_SIZE,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_WIDTH,
    TABLE_SIZE,
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
from guazhi.evaluation.models import (
    CommendationDecision,
    CommendationKind,
    CommitteeDecision,
    Evaluee,
    Nomination,
    NominationState,
    RaterRole,
    Rating,
    RoundKind,
    RoundState,
)
from guazhi.evaluation.selectors.results import decided_grade
from guazhi.evaluation.services.grading import grade_label
from guazhi.summaries.models import EDITABLE_STATES, Summary, SummaryKind, SummarySection

SUBTITLE_FONT = "楷体_GB2312"

# The six columns of a form, left to right (label, value, label, value, label, value): they add
# up to the text block's 156 mm exactly, and the layout is fixed (see the module's docstring).
COLUMN_WIDTHS: tuple[Length, ...] = (Mm(26), Mm(28), Mm(20), Mm(26), Mm(24), Mm(32))
TEXT_WIDTH = Length(PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)
# Room to write by hand in a long row left blank (and the least a filled one takes).
TALL_ROW = Mm(70)
OPINION_ROW = Mm(34)
SHORT_ROW = Mm(12)
# A blank line of the paper form, for the date: “年　月　日” with room for the digits.
BLANK_DATE = "　　　　年　　月　　日"


class FormKind:
    """The two forms, by the key the URLs and the batch job use."""

    ANNUAL = "annual"  # 年度考核登记表
    APPRAISAL = "appraisal"  # 挂职锻炼干部总结鉴定表

    ALL = (ANNUAL, APPRAISAL)


def default_form_kind(round_kind: str) -> str:
    """The form a round files: the 鉴定表 at the end of the term, the 登记表 otherwise."""
    return FormKind.APPRAISAL if round_kind == RoundKind.END_OF_TERM else FormKind.ANNUAL


def form_kind_label(kind: str) -> str:
    return _("挂职锻炼干部总结鉴定表") if kind == FormKind.APPRAISAL else _("年度考核登记表")


# What a form reads besides the evaluee -----------------------------------------------------


@dataclass(frozen=True)
class FormFacts:
    """One person's texts from elsewhere: the submitted final summary's sections and the host
    unit's appraisal of it, the named raters' comments, the committee's decision."""

    summary_sections: tuple[tuple[str, str], ...] = ()
    appraisal: str = ""
    appraised_on: dt.date | None = None
    leader_comments: tuple[str, ...] = ()
    dispatch_comments: tuple[str, ...] = ()
    committee: CommitteeDecision | None = None


def form_facts(evaluees: Sequence[Evaluee]) -> dict[int, FormFacts]:
    """FormFacts for each evaluee (by pk) in four queries, however many people."""
    if not evaluees:
        return {}
    assignment_ids = {evaluee.assignment_id for evaluee in evaluees}
    # A draft (or a returned text being rewritten) is not what was reviewed: only a submitted
    # summary is printed, as only a submitted one is read by anyone but the person.
    summaries = {
        summary.assignment_id: summary
        for summary in Summary.objects.filter(
            assignment_id__in=assignment_ids, kind=SummaryKind.FINAL
        )
        .exclude(state__in=EDITABLE_STATES)
        .prefetch_related(
            Prefetch("sections", queryset=SummarySection.objects.order_by("position"))
        )
    }
    comments: dict[tuple[int, str], list[str]] = defaultdict(list)
    for evaluee_id, role, comment in (
        Rating.objects.filter(
            evaluee_id__in=[evaluee.pk for evaluee in evaluees],
            rater_role__in=(RaterRole.HOST_LEADERSHIP, RaterRole.DISPATCH),
        )
        .exclude(comment="")
        .order_by("evaluee_id", "submitted_on", "id")
        .values_list("evaluee_id", "rater_role", "comment")
    ):
        comments[(evaluee_id, role)].append(comment.strip())
    committees = {
        decision.round_id: decision
        for decision in CommitteeDecision.objects.filter(
            round_id__in={evaluee.round_id for evaluee in evaluees}
        )
    }
    found = {}
    for evaluee in evaluees:
        summary = summaries.get(evaluee.assignment_id)
        found[evaluee.pk] = FormFacts(
            summary_sections=tuple(
                (section.heading, section.body)
                for section in (summary.sections.all() if summary else ())
                if section.body.strip()
            ),
            appraisal=summary.appraisal.strip() if summary else "",
            appraised_on=(
                timezone.localdate(summary.appraised_at)
                if summary is not None and summary.appraised_at
                else None
            ),
            leader_comments=tuple(comments[(evaluee.pk, RaterRole.HOST_LEADERSHIP)]),
            dispatch_comments=tuple(comments[(evaluee.pk, RaterRole.DISPATCH)]),
            committee=committees.get(evaluee.round_id),
        )
    return found


# The table ---------------------------------------------------------------------------------
#
# The table is written as WordprocessingML text and parsed once: python-docx's element-by-element
# API (a merge, a paragraph's format, a run's four font names) costs a few hundred element
# insertions a form, ten times the time of the rest of the document; a round's zip makes
# thousands of forms.

_FONT = escape(BODY_FONT, {'"': "&quot;"})
_RUN_PROPERTIES = (
    f'<w:rPr><w:rFonts w:ascii="{_FONT}" w:hAnsi="{_FONT}" w:eastAsia="{_FONT}" w:cs="{_FONT}"/>'
    f'<w:sz w:val="{round(TABLE_SIZE.pt * 2)}"/><w:szCs w:val="{round(TABLE_SIZE.pt * 2)}"/></w:rPr>'
)
_TWO_CHARACTERS = Length(TABLE_SIZE * 2).twips
_BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
_BORDERS = "".join(
    _BORDER.format(side=side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


class Align:
    CENTRE = "center"
    JUSTIFY = "both"
    RIGHT = "right"


def _paragraph_xml(text: str | None, align: str, *, indent: bool = False) -> str:
    """One paragraph of a cell in 仿宋 小四, off the character grid (see core.documents'
    off_grid), single-spaced with 2 pt before and after; None: an empty paragraph."""
    if indent:
        spacing = f'<w:ind w:firstLine="{_TWO_CHARACTERS}"/>'
    elif align == Align.RIGHT:
        spacing = f'<w:ind w:right="{_TWO_CHARACTERS}"/>'
    else:
        spacing = ""
    run = (
        ""
        if text is None
        else f'<w:r>{_RUN_PROPERTIES}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )
    return (
        '<w:p><w:pPr><w:snapToGrid w:val="0"/>'
        '<w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/>'
        f'{spacing}<w:jc w:val="{align}"/></w:pPr>{run}</w:p>'
    )


class _FormTable:
    """The form's table as it is written: six fixed columns, rows appended, then attached to
    the end of the document's body in one piece."""

    def __init__(self) -> None:
        self.rows: list[str] = []

    def row(
        self, cells: Sequence[tuple[int, str, str]], *, height: Length, keep_together: bool
    ) -> None:
        """`cells` as (columns spanned, vertical alignment, paragraphs' XML)."""
        properties = f'<w:trHeight w:val="{height.twips}" w:hRule="atLeast"/>'
        if keep_together:
            properties = "<w:cantSplit/>" + properties
        written = []
        column = 0
        for span, valign, paragraphs in cells:
            width = sum(width.twips for width in COLUMN_WIDTHS[column : column + span])
            spanned = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            written.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{spanned}'
                f'<w:vAlign w:val="{valign}"/></w:tcPr>{paragraphs}</w:tc>'
            )
            column += span
        self.rows.append(f"<w:tr><w:trPr>{properties}</w:trPr>{''.join(written)}</w:tr>")

    def attach(self, document: Document) -> Table:
        grid = "".join(f'<w:gridCol w:w="{width.twips}"/>' for width in COLUMN_WIDTHS)
        table = parse_xml(
            f"<w:tbl {nsdecls('w')}><w:tblPr>"
            '<w:tblStyle w:val="TableGrid"/>'
            f'<w:tblW w:w="{TEXT_WIDTH.twips}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(self.rows)}</w:tbl>"
        )
        body = document.element.body
        section = body.find(qn("w:sectPr"))
        if section is not None:
            section.addprevious(table)
        else:
            body.append(table)
        return Table(table, document._body)


def _cell(lines: Sequence[str], align: str, *, indent: bool = False) -> str:
    if not lines:
        return _paragraph_xml(None, align)
    return "".join(_paragraph_xml(line, align, indent=indent) for line in lines)


def _pairs_row(table: _FormTable, pairs: Sequence[tuple[str, str]]) -> None:
    """Three label–value pairs across the six columns."""
    cells = []
    for label, value in pairs:
        cells.append((1, "center", _cell([label], Align.CENTRE)))
        cells.append((1, "center", _cell([value], Align.CENTRE)))
    table.row(cells, height=SHORT_ROW, keep_together=True)


def _wide_row(
    table: _FormTable,
    label: str,
    lines: Sequence[str],
    *,
    height: Length = SHORT_ROW,
    prose: bool = False,
    signature: Sequence[str] = (),
) -> None:
    """A label, then one cell over the five other columns holding `lines`, each a paragraph,
    and under them, right-aligned, `signature`. A `prose` row (a summary, an opinion) is
    indented like prose, at least `height` tall, and may run on over a page break; a row
    left blank keeps its signature at the bottom, where the paper form has it."""
    if prose:
        valign = "top" if lines else "bottom"
        content = "".join(_paragraph_xml(line, Align.JUSTIFY, indent=True) for line in lines)
    else:
        valign = "center"
        content = "".join(_paragraph_xml(line, Align.JUSTIFY) for line in lines)
    content += "".join(_paragraph_xml(line, Align.RIGHT) for line in signature)
    table.row(
        [
            (1, "center", _cell([label], Align.CENTRE)),
            (len(COLUMN_WIDTHS) - 1, valign, content or _paragraph_xml(None, Align.JUSTIFY)),
        ],
        height=height,
        keep_together=not prose,
    )


# The person --------------------------------------------------------------------------------


def _month(day: dt.date | None) -> str:
    """1986.05: how personnel forms write a date of birth."""
    return f"{day:%Y.%m}" if day else ""


def _term(evaluee: Evaluee) -> str:
    assignment = evaluee.assignment
    start = assignment.start_date or assignment.batch.term_start
    end = assignment.end_date or assignment.batch.term_end
    return _("%(start)s至%(end)s") % {"start": document_date(start), "end": document_date(end)}


def _particulars(table: _FormTable, evaluee: Evaluee) -> None:
    assignment = evaluee.assignment
    cadre = assignment.cadre
    _pairs_row(
        table,
        [
            (_("姓名"), cadre.name),
            (_("性别"), cadre.gender),
            (_("出生年月"), _month(cadre.birth_date)),
        ],
    )
    _pairs_row(
        table,
        [
            (_("民族"), cadre.ethnicity),
            (_("政治面貌"), cadre.political_status),
            (_("学历"), cadre.education),
        ],
    )
    _wide_row(table, _("派出单位及职务"), [f"{assignment.home_unit.name}{cadre.position}"])
    _wide_row(table, _("挂职单位及职务"), [f"{assignment.host_unit.name}{assignment.post.title}"])
    _wide_row(table, _("挂职时间"), [_term(evaluee)])


def _paragraphs(text: str) -> list[str]:
    """A text as its non-empty lines, the indent a writer typed dropped (the cell indents)."""
    return [line.strip(" \t\u3000") for line in text.splitlines() if line.strip(" \t\u3000")]


def _summary_lines(evaluee: Evaluee, facts: FormFacts, *, from_summary: bool) -> list[str]:
    if from_summary and facts.summary_sections:
        lines = []
        for number, (heading, body) in enumerate(facts.summary_sections, start=1):
            lines.append(f"{chinese_number(number)}、{heading}")
            lines += _paragraphs(body)
        return lines
    return _paragraphs(evaluee.self_assessment)


def _grade_lines(evaluee: Evaluee, facts: FormFacts) -> list[str]:
    grade = grade_label(decided_grade(evaluee))
    if not grade:
        return []
    committee = facts.committee
    if committee is None:
        return [grade]
    return [
        _("经%(body)s%(date)s研究，确定为“%(grade)s”等次。")
        % {"body": committee.body, "date": document_date(committee.decided_on), "grade": grade}
    ]


def _proposed_line(evaluee: Evaluee) -> list[str]:
    proposed = evaluee.proposed_grade
    if not proposed or evaluee.round.state in (RoundState.DRAFT, RoundState.OPEN):
        return []
    return [_("考核等次建议：%(grade)s") % {"grade": grade_label(proposed)}]


def _seal() -> list[str]:
    return [_("（盖章）"), BLANK_DATE]


def _signed_by(name: str = "", day: dt.date | None = None) -> list[str]:
    who = _("签名：%(name)s") % {"name": name or "　　　　　　"}
    return [who, document_date(day) if day else BLANK_DATE]


def _acknowledgement(table: _FormTable, evaluee: Evaluee) -> None:
    if evaluee.acknowledged_at is None:
        _wide_row(table, _("本人意见"), [], height=OPINION_ROW, prose=True, signature=_signed_by())
        return
    _wide_row(
        table,
        _("本人意见"),
        # The choice as the paper form words it, then what the person wrote.
        [
            _("同意") if evaluee.acknowledgement_agrees else _("有异议"),
            *_paragraphs(evaluee.acknowledgement),
        ],
        height=OPINION_ROW,
        prose=True,
        signature=_signed_by(
            evaluee.assignment.cadre.name, timezone.localdate(evaluee.acknowledged_at)
        ),
    )


def _opinions_tail(table: _FormTable, evaluee: Evaluee, facts: FormFacts) -> None:
    """The rows both forms end with: dispatching unit, grade, filing, the person, remarks."""
    _wide_row(
        table,
        _("派出单位意见"),
        list(facts.dispatch_comments),
        height=OPINION_ROW,
        prose=True,
        signature=_seal(),
    )
    _wide_row(table, _("考核等次"), _grade_lines(evaluee, facts))
    _wide_row(
        table, _("组织部门意见（存档）"), [], height=OPINION_ROW, prose=True, signature=_seal()
    )
    _acknowledgement(table, evaluee)
    note = evaluee.decision_note.strip() if decided_grade(evaluee) else ""
    _wide_row(table, _("备注"), _paragraphs(note))


def _heading(document: Document, title: str, subtitle: str) -> None:
    add_title(document, title, blank_after=False)
    paragraph = add_body(document, subtitle, indent=False)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(paragraph.runs[0], SUBTITLE_FONT, BODY_SIZE)


def _period_text(evaluee: Evaluee) -> str:
    round = evaluee.round
    if round.kind == RoundKind.ANNUAL:
        return _("（%(year)s年度）") % {"year": round.period_end.year}
    return _("（%(start)s至%(end)s）") % {
        "start": document_date(round.period_start),
        "end": document_date(round.period_end),
    }


def annual_form_bytes(evaluee: Evaluee, *, facts: FormFacts | None = None) -> bytes:
    """The 年度考核登记表 of one person (a round of another kind titles it by its kind: 期中考核
    登记表). Load the evaluee as access_evaluee does (round, assignment's cadre, units, post)."""
    facts = facts if facts is not None else form_facts([evaluee])[evaluee.pk]
    round = evaluee.round
    document = official_document()
    title = (
        _("年度考核登记表")
        if round.kind == RoundKind.ANNUAL
        else _("%(kind)s登记表") % {"kind": round.get_kind_display()}
    )
    _heading(document, title, _period_text(evaluee))
    table = _FormTable()
    _particulars(table, evaluee)
    _wide_row(
        table,
        _("个人总结"),
        _summary_lines(evaluee, facts, from_summary=False),
        height=TALL_ROW,
        prose=True,
        signature=_signed_by(),
    )
    _wide_row(
        table,
        _("主管领导评语和考核等次建议"),
        [*facts.leader_comments, *_proposed_line(evaluee)],
        height=OPINION_ROW,
        prose=True,
        signature=_signed_by(),
    )
    _opinions_tail(table, evaluee, facts)
    table.attach(document)
    return document_bytes(document)


def appraisal_form_bytes(evaluee: Evaluee, *, facts: FormFacts | None = None) -> bytes:
    """The 挂职锻炼干部总结鉴定表 of one person (load the evaluee as for annual_form_bytes)."""
    facts = facts if facts is not None else form_facts([evaluee])[evaluee.pk]
    document = official_document()
    _heading(document, _("挂职锻炼干部总结鉴定表"), _period_text(evaluee))
    table = _FormTable()
    _particulars(table, evaluee)
    _wide_row(
        table,
        _("个人总结"),
        _summary_lines(evaluee, facts, from_summary=True),
        height=TALL_ROW,
        prose=True,
        signature=_signed_by(),
    )
    appraisal = _paragraphs(facts.appraisal) if facts.appraisal else list(facts.leader_comments)
    _wide_row(
        table,
        _("接收单位鉴定意见"),
        appraisal,
        height=OPINION_ROW,
        prose=True,
        signature=[
            _("（盖章）"),
            document_date(facts.appraised_on) if facts.appraised_on else BLANK_DATE,
        ],
    )
    _opinions_tail(table, evaluee, facts)
    table.attach(document)
    return document_bytes(document)


def form_bytes(evaluee: Evaluee, kind: str, *, facts: FormFacts | None = None) -> bytes:
    if kind == FormKind.APPRAISAL:
        return appraisal_form_bytes(evaluee, facts=facts)
    return annual_form_bytes(evaluee, facts=facts)


def form_filename(evaluee: Evaluee, kind: str) -> str:
    """张三_年度考核登记表.docx."""
    return _("%(name)s_%(form)s.docx") % {
        "name": safe_filename(evaluee.assignment.cadre.name),
        "form": form_kind_label(kind),
    }


# The commendation decision -----------------------------------------------------------------

# The order the commended are listed in: the highest honour first.
KIND_ORDER = (
    CommendationKind.FIRST_CLASS,
    CommendationKind.SECOND_CLASS,
    CommendationKind.THIRD_CLASS,
    CommendationKind.COMMENDATION,
    CommendationKind.HONORARY_TITLE,
)


def commendation_label(kind: str, honorary_title: str = "") -> str:
    """嘉奖 / 记三等功 / 授予“优秀挂职干部”称号: what the decision gives."""
    if kind == CommendationKind.HONORARY_TITLE:
        return _("授予“%(title)s”称号") % {"title": honorary_title}
    return str(CommendationKind(kind).label)


def commended_line(nomination: Nomination) -> str:
    """张三（浔阳区委党校科长，挂职白鹿镇党委副书记）."""
    assignment = nomination.assignment
    return _("%(name)s（%(home)s%(position)s，挂职%(host)s%(post)s）") % {
        "name": assignment.cadre.name,
        "home": assignment.home_unit.name,
        "position": assignment.cadre.position,
        "host": assignment.host_unit.name,
        "post": assignment.post.title,
    }


def commended_groups(nominations: Iterable[Nomination]) -> list[tuple[str, list[Nomination]]]:
    """The approved nominations grouped by what they give (one group per honorary title),
    highest first, names by pinyin within a group."""
    groups: dict[tuple[int, str], list[Nomination]] = defaultdict(list)
    for nomination in nominations:
        if nomination.state != NominationState.APPROVED:
            continue
        title = (
            nomination.honorary_title if nomination.kind == CommendationKind.HONORARY_TITLE else ""
        )
        groups[(KIND_ORDER.index(CommendationKind(nomination.kind)), title)].append(nomination)
    return [
        (
            commendation_label(KIND_ORDER[order], title),
            sorted(
                members,
                key=lambda item: (
                    item.assignment.cadre.name_pinyin,
                    item.assignment.cadre.name,
                    item.pk,
                ),
            ),
        )
        for (order, title), members in sorted(groups.items())
    ]


def commendation_decision_bytes(
    decision: CommendationDecision, *, nominations: Sequence[Nomination] | None = None
) -> bytes:
    """The decision: 文号, title, the text, the commended by what they are given (with their
    unit and post), signed by the issuer with the date. `nominations` are its approved ones
    (read from the decision when not given), with cadre, units and post loaded."""
    if nominations is None:
        nominations = list(
            decision.nominations.filter(state=NominationState.APPROVED).select_related(
                "assignment__cadre",
                "assignment__home_unit",
                "assignment__host_unit",
                "assignment__post",
            )
        )
    document = official_document()
    if decision.number:
        number = add_body(document, decision.number, indent=False)
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_blank_line(document)
    add_title(document, decision.title)
    for line in _paragraphs(decision.preamble):
        add_body(document, line)
    for index, (label, members) in enumerate(commended_groups(nominations), start=1):
        add_heading(
            document,
            _("%(n)s、%(label)s（%(count)s名）")
            % {"n": chinese_number(index), "label": label, "count": len(members)},
        )
        for nomination in members:
            add_body(document, commended_line(nomination))
    add_signature(document, decision.issuer, document_date(decision.issued_on))
    return document_bytes(document)


def decision_filename(decision: CommendationDecision) -> str:
    return f"{safe_filename(decision.title)}.docx"

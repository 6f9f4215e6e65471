"""The 年度考核登记表 and the 挂职锻炼干部总结鉴定表 as Word: made, opened again with python-docx,
and their page, title, table layout and contents read back (the XML where python-docx has no
API)."""

import io
import time

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from guazhi.core.documents import document_date
from guazhi.evaluation.documents import (
    BLANK_DATE,
    COLUMN_WIDTHS,
    annual_form_bytes,
    appraisal_form_bytes,
    form_facts,
    form_filename,
)
from guazhi.evaluation.models import Evaluee, RoundKind, RoundState
from guazhi.evaluation.selectors.forms import FORM_RELATED
from guazhi.summaries.models import SummaryState
from tests.evaluation.forms_world import (
    DISPATCH_COMMENT,
    LEADER_COMMENT,
    decided_on,
    results_world,
)
from tests.summaries.world import APPRAISAL, BODIES, basic_text, summary_world

TITLE = "方正小标宋简体"
BODY = "仿宋_GB2312"
SEAL = ["（盖章）", BLANK_DATE]


def opened(content: bytes) -> Document:
    return Document(io.BytesIO(content))


def loaded(evaluee: Evaluee) -> Evaluee:
    """The evaluee as the views load it."""
    return Evaluee.objects.select_related(*FORM_RELATED).get(pk=evaluee.pk)


def rows_of(document: Document) -> list[list[str]]:
    """The form's table, a row as its distinct cells' texts (a merged cell once), each cell's
    paragraphs joined by newlines."""
    [table] = document.tables
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if any(cell._tc is other for other in seen):
                continue
            seen.append(cell._tc)
            cells.append("\n".join(paragraph.text for paragraph in cell.paragraphs))
        rows.append(cells)
    return rows


def wide_rows(document: Document) -> dict[str, list[str]]:
    """The rows of one label and one wide cell: label → the cell's paragraphs."""
    return {row[0]: row[1].split("\n") for row in rows_of(document) if len(row) == 2}


@pytest.fixture
def published(world):  # type: ignore[no-untyped-def]
    return results_world(world)


def test_the_annual_form_is_a4_titled_in_xiaobiaosong_with_the_year(published) -> None:  # type: ignore[no-untyped-def]
    document = opened(annual_form_bytes(loaded(published.evaluee_a)))
    section = document.sections[0]
    assert [
        round(length.mm, 1)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ] == [210.0, 297.0, 37.0, 35.0, 28.0, 26.0]
    title, subtitle = document.paragraphs[:2]
    assert (title.text, subtitle.text) == (
        "年度考核登记表",
        f"（{published.round.period_end.year}年度）",
    )
    [run] = title.runs
    assert (run._element.rPr.rFonts.get(qn("w:eastAsia")), run.font.size.pt) == (TITLE, 22)


def test_the_table_has_fixed_columns_as_wide_as_the_text_block(published) -> None:  # type: ignore[no-untyped-def]
    document = opened(annual_form_bytes(loaded(published.evaluee_a)))
    [table] = document.tables
    properties = table._tbl.tblPr
    assert properties.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    text_width = Mm(210 - 28 - 26)
    assert properties.find(qn("w:tblW")).get(qn("w:w")) == str(text_width.twips)
    grid = [int(column.get(qn("w:w"))) for column in table._tbl.tblGrid.gridCol_lst]
    assert grid == [width.twips for width in COLUMN_WIDTHS]
    assert abs(sum(grid) - text_width.twips) <= len(grid)  # whole twips per column
    # Every row's cells (a merged one counted once, with its span) fill the same width.
    for row in table.rows:
        cells = row._tr.tc_lst
        assert sum(tc.grid_span for tc in cells) == 6
        assert abs(sum(tc.width.twips for tc in cells) - sum(grid)) <= 6


def test_the_particulars_rows_hold_together_and_the_long_rows_may_run_on(published) -> None:  # type: ignore[no-untyped-def]
    document = opened(annual_form_bytes(loaded(published.evaluee_a)))
    [table] = document.tables
    kept = [row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows]
    # 姓名…, 民族…, 派出单位, 挂职单位, 挂职时间 | 个人总结, 主管领导评语, 派出单位意见 |
    # 考核等次 | 组织部门意见, 本人意见 | 备注
    assert kept == [True] * 5 + [False] * 3 + [True] + [False] * 2 + [True]


def test_the_particulars_are_the_persons(published) -> None:  # type: ignore[no-untyped-def]
    evaluee = loaded(published.evaluee_a)
    document = opened(annual_form_bytes(evaluee))
    start = published.duty.serving_a.start_date
    end = published.duty.serving_a.end_date
    assert rows_of(document)[:5] == [
        ["姓名", "张三", "性别", "男", "出生年月", "1986.05"],
        ["民族", "汉族", "政治面貌", "中共党员", "学历", "大学本科"],
        ["派出单位及职务", "浔阳区委党校科长"],
        ["挂职单位及职务", "白鹿镇党委副书记"],
        ["挂职时间", f"{document_date(start)}至{document_date(end)}"],
    ]
    [table] = document.tables
    run = table.rows[0].cells[1].paragraphs[0].runs[0]
    assert (run._element.rPr.rFonts.get(qn("w:eastAsia")), run.font.size.pt) == (BODY, 12)


def test_the_annual_form_carries_the_summary_comments_grade_and_opinion(published) -> None:  # type: ignore[no-untyped-def]
    evaluee = loaded(published.evaluee_a)
    rows = wide_rows(opened(annual_form_bytes(evaluee)))
    signed = document_date(timezone.localdate(evaluee.acknowledged_at))
    day = decided_on()
    assert rows == {
        "派出单位及职务": ["浔阳区委党校科长"],
        "挂职单位及职务": ["白鹿镇党委副书记"],
        "挂职时间": rows["挂职时间"],
        # The writer's own indent is dropped: the cell indents every paragraph.
        "个人总结": [
            "一年来，本人认真履行挂职岗位职责。",
            "主动融入基层，完成了各项工作任务。",
            "签名：　　　　　　",
            BLANK_DATE,
        ],
        "主管领导评语和考核等次建议": [
            LEADER_COMMENT,
            "考核等次建议：优秀",
            "签名：　　　　　　",
            BLANK_DATE,
        ],
        "派出单位意见": [DISPATCH_COMMENT, *SEAL],
        "考核等次": [f"经考核委员会{day.year}年{day.month}月{day.day}日研究，确定为“优秀”等次。"],
        "组织部门意见（存档）": SEAL,
        "本人意见": ["同意", "本人对考核结果无异议。", "签名：张三", signed],
        "备注": [""],
    }


def test_before_the_decision_the_grade_and_opinion_are_left_to_fill_in(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.CLOSED)
    rows = wide_rows(opened(annual_form_bytes(loaded(found.evaluee_a))))
    assert rows["考核等次"] == [""]
    assert rows["主管领导评语和考核等次建议"][:2] == [LEADER_COMMENT, "考核等次建议：优秀"]
    assert rows["本人意见"] == ["签名：　　　　　　", BLANK_DATE]


def test_while_rating_no_proposed_grade_is_printed(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.OPEN)
    rows = wide_rows(opened(annual_form_bytes(loaded(found.evaluee_a))))
    assert rows["主管领导评语和考核等次建议"] == [
        LEADER_COMMENT,
        "签名：　　　　　　",
        BLANK_DATE,
    ]
    assert rows["考核等次"] == [""]


def test_a_round_of_another_kind_titles_the_form_by_its_kind(published) -> None:  # type: ignore[no-untyped-def]
    round = published.round
    round.kind = RoundKind.MIDTERM
    round.save(update_fields=["kind"])
    document = opened(annual_form_bytes(loaded(published.evaluee_a)))
    assert [p.text for p in document.paragraphs[:2]] == [
        "期中考核登记表",
        f"（{document_date(round.period_start)}至{document_date(round.period_end)}）",
    ]


def test_the_appraisal_form_prints_the_final_summary_and_the_host_units_appraisal(
    world, published
) -> None:  # type: ignore[no-untyped-def]
    summary = summary_world(world).archived()
    evaluee = loaded(published.evaluee_a)
    document = opened(appraisal_form_bytes(evaluee))
    assert document.paragraphs[0].text == "挂职锻炼干部总结鉴定表"
    rows = wide_rows(document)
    work = BODIES["work"].split("\n")
    assert rows["个人总结"] == [
        "一、基本情况",
        basic_text(evaluee.assignment),
        "二、主要工作",
        *work,
        "三、心得体会",
        BODIES["insights"],
        "四、存在不足",
        BODIES["shortcomings"],
        "五、下一步打算",
        BODIES["next_steps"],
        "签名：　　　　　　",
        BLANK_DATE,
    ]
    appraised = document_date(timezone.localdate(summary.appraised_at))
    assert rows["接收单位鉴定意见"] == [APPRAISAL, "（盖章）", appraised]
    assert rows["考核等次"][0].endswith("确定为“优秀”等次。")


def test_without_a_submitted_summary_the_appraisal_form_uses_the_self_assessment(
    world, published
) -> None:  # type: ignore[no-untyped-def]
    # A draft is still being written: nobody but the person reads it, no form prints it.
    summary_world(world).summary(state=SummaryState.DRAFT)
    rows = wide_rows(opened(appraisal_form_bytes(loaded(published.evaluee_a))))
    assert rows["个人总结"][:2] == [
        "一年来，本人认真履行挂职岗位职责。",
        "主动融入基层，完成了各项工作任务。",
    ]
    # No appraisal yet: the host leadership's comments stand in, the date is left to fill in.
    assert rows["接收单位鉴定意见"] == [LEADER_COMMENT, *SEAL]


def test_a_blank_form_keeps_the_signature_lines(world, published) -> None:  # type: ignore[no-untyped-def]
    rows = wide_rows(opened(annual_form_bytes(loaded(published.evaluee_leader))))
    assert rows["派出单位及职务"] == ["浔阳区委党校科长"]
    assert rows["个人总结"] == ["签名：　　　　　　", BLANK_DATE]
    assert rows["主管领导评语和考核等次建议"] == [
        "考核等次建议：合格",
        "签名：　　　　　　",
        BLANK_DATE,
    ]
    assert rows["考核等次"][0].endswith("确定为“合格”等次。")


def test_the_file_is_named_by_person_and_form(published) -> None:  # type: ignore[no-untyped-def]
    evaluee = loaded(published.evaluee_a)
    assert form_filename(evaluee, "annual") == "张三_年度考核登记表.docx"
    assert form_filename(evaluee, "appraisal") == "张三_挂职锻炼干部总结鉴定表.docx"


def test_the_texts_of_many_forms_load_in_four_queries(
    world, published, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    summary_world(world).archived()
    people = [loaded(published.evaluee_a), loaded(published.evaluee_leader)]
    with django_assert_num_queries(4):
        facts = form_facts(people)
    assert facts[published.evaluee_a.pk].leader_comments == (LEADER_COMMENT,)
    assert facts[published.evaluee_a.pk].appraisal == APPRAISAL
    assert facts[published.evaluee_leader.pk].summary_sections == ()
    # Given the texts, a form reads nothing more.
    with django_assert_num_queries(0):
        annual_form_bytes(people[0], facts=facts[people[0].pk])


def test_one_form_takes_well_under_a_second(published) -> None:  # type: ignore[no-untyped-def]
    """Not a benchmark (benchmarks/ measures forms per second): a guard against a form
    becoming slow by an order of magnitude (a few hundredths of a second is the norm)."""
    evaluee = loaded(published.evaluee_a)
    facts = form_facts([evaluee])[evaluee.pk]
    started = time.perf_counter()
    for _ in range(5):
        annual_form_bytes(evaluee, facts=facts)
    assert (time.perf_counter() - started) / 5 < 1.0

"""Summaries through the services: drafting from the record, saving with conflict detection, and
the flow submit → accept or return → appraise → archive, each step by the one who may take it.

张三 (the world's cadre) serves at 白鹿镇 from 2 March 2026 to 1 March 2027 (his term is fixed here
so dates and texts are exact). The world's group leader holds the role over 浔阳区 for every
batch, so reviews 张三; the host leader leads 白鹿镇; the coordinator coordinates the batch.
"""

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent, Notification
from guazhi.programmes.models import Assignment, AssignmentState
from guazhi.summaries.models import (
    SUMMARY_TRANSITIONS,
    Summary,
    SummaryEvent,
    SummaryKind,
    SummarySection,
    SummaryState,
    SummaryTemplate,
)
from guazhi.summaries.selectors.scope import access_summary
from guazhi.summaries.selectors.summaries import draft_window, summary_actions
from guazhi.summaries.services.summaries import (
    SummaryEditConflict,
    summary_accept,
    summary_appraise,
    summary_archive,
    summary_draft,
    summary_return,
    summary_save,
    summary_submit,
)
from guazhi.summaries.services.templates import summary_template_of, summary_template_update
from tests.summaries.world import SummaryWorld, log, summary_world

START = dt.date(2026, 3, 2)
END = dt.date(2027, 3, 1)
LATE_IN_TERM = dt.date(2027, 2, 10)


def fixed(world: Any) -> SummaryWorld:
    found = summary_world(world)
    Assignment.objects.filter(pk=found.zhang.pk).update(start_date=START, end_date=END)
    found.zhang = Assignment.objects.get(pk=found.zhang.pk)
    return found


def loaded(summary: Summary, role: str = "cadre", found: SummaryWorld | None = None) -> Summary:
    """The summary as a page loads it (access_summary's relations), read by the world's cadre."""
    assert found is not None
    return access_summary(actor=found.user(role), pk=summary.pk)


def draft(
    found: SummaryWorld, kind: str = SummaryKind.FINAL, today: dt.date = LATE_IN_TERM
) -> Summary:
    summary = summary_draft(
        actor=found.user("cadre"), assignment=found.zhang, kind=kind, today=today
    )
    return loaded(summary, found=found)


def bodies(summary: Summary) -> dict[str, str]:
    return dict(SummarySection.objects.filter(summary=summary).values_list("key", "body"))


def snapshot(summary: Summary) -> tuple:
    """Everything a refused step must leave as it was."""
    fresh = Summary.objects.get(pk=summary.pk)
    return (
        fresh.state,
        fresh.title,
        fresh.version,
        fresh.appraisal,
        fresh.appraised_by_id,
        fresh.submitted_at,
        fresh.accepted_at,
        fresh.appraised_at,
        fresh.archived_at,
        sorted(bodies(summary).items()),
        list(SummaryEvent.objects.filter(summary=summary).values_list("action", "comment")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def filled(found: SummaryWorld) -> Summary:
    """A drafted final summary with every section written."""
    summary = draft(found)
    text = {key: body or f"{key}的内容。" for key, body in bodies(summary).items()}
    summary_save(
        actor=found.user("cadre"), summary=summary, title=summary.title, bodies=text, base_version=1
    )
    return loaded(summary, found=found)


def write_log(found: SummaryWorld) -> None:
    zhang = found.zhang
    log(
        zhang,
        dt.date(2026, 3, 10),
        "走访辖区企业",
        accomplishment=True,
        quantities=[("走访企业", "5", "家")],
    )
    log(
        zhang,
        dt.date(2026, 3, 25),
        "召开产业发展座谈会。",
        category="产业发展",
        accomplishment=True,
    )
    log(zhang, dt.date(2026, 4, 2), "走访困难群众", quantities=[("走访农户", "12", "户")])
    log(
        zhang,
        dt.date(2026, 5, 8),
        "引进农产品加工项目",
        category="招商引资",
        accomplishment=True,
        quantities=[("争取资金", "60000", "元")],
    )
    # After the day of drafting: not in the summary.
    log(zhang, dt.date(2027, 2, 20), "还没发生的事", accomplishment=True)


# --- drafting -------------------------------------------------------------------------------


def test_a_final_summary_is_drafted_from_the_assignment_and_the_work_log(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    write_log(found)

    summary = draft(found)

    assert (summary.kind, summary.state, summary.version, summary.title) == (
        SummaryKind.FINAL,
        SummaryState.DRAFT,
        1,
        "张三同志挂职锻炼期满总结",
    )
    assert list(summary.sections.order_by("position").values_list("key", "heading", "body")) == [
        (
            "basic",
            "基本情况",
            "张三，浔阳区委党校科长，2026年3月2日至2027年3月1日在白鹿镇挂职锻炼，挂任党委副书记。",
        ),
        (
            "work",
            "主要工作",
            "（一）做成的事\n"
            "2026年3月：3月10日，走访辖区企业；3月25日，召开产业发展座谈会。\n"
            "2026年5月：5月8日，引进农产品加工项目。\n"
            "（二）工作量\n"
            "挂职以来共记录工作纪实4条，其中走访2条、产业发展1条、招商引资1条。\n"
            "累计争取资金60000元、走访农户12户、走访企业5家。",
        ),
        ("insights", "心得体会", ""),
        ("shortcomings", "存在不足", ""),
        ("next_steps", "下一步打算", ""),
    ]
    # The log summary it was drafted from is kept: the term's start to the day of drafting.
    assert (
        summary.compiled["start"],
        summary.compiled["end"],
        summary.compiled["entry_count"],
    ) == (
        "2026-03-02",
        "2027-02-10",
        4,
    )
    assert [row["title"] for row in summary.compiled["accomplishments"]] == [
        "走访辖区企业",
        "召开产业发展座谈会。",
        "引进农产品加工项目",
    ]
    assert list(SummaryEvent.objects.values_list("action", "actor__username")) == [
        ("draft", "cadre")
    ]
    assert list(
        AuditEvent.objects.filter(object_type="summaries.summary").values_list("action", "detail")
    ) == [("summary.draft", {"summary_kind": "final"})]


def test_a_mid_term_summary_of_an_empty_log_leaves_main_work_for_the_person(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)

    summary = draft(found, SummaryKind.MIDTERM, today=dt.date(2026, 9, 1))

    assert summary.title == "张三同志挂职锻炼阶段总结"
    assert bodies(summary)["work"] == ""
    assert summary.compiled["end"] == "2026-09-01"


def test_a_month_without_an_accomplishment_is_left_out_and_none_at_all_is_said(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    log(found.zhang, dt.date(2026, 4, 2), "走访困难群众", quantities=[("走访农户", "2.5", "户")])

    summary = draft(found, SummaryKind.MIDTERM, today=dt.date(2026, 9, 1))

    assert bodies(summary)["work"] == (
        "（一）做成的事\n"
        "挂职以来尚未记录做成的事。\n"
        "（二）工作量\n"
        "挂职以来共记录工作纪实1条，其中走访1条。\n"
        "累计走访农户2.5户。"
    )


def test_drafting_again_opens_the_same_summary_and_only_the_person_drafts(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    first = draft(found)
    summary_save(
        actor=found.user("cadre"),
        summary=first,
        title="我的期满总结",
        bodies={"insights": "体会"},
        base_version=1,
    )
    before = snapshot(first)

    again = draft(found)

    assert again.pk == first.pk
    assert snapshot(first) == before
    for role in ("coordinator", "group_leader", "host_leader", "dispatch_admin", "admin"):
        with pytest.raises(Forbidden):
            summary_draft(
                actor=found.user(role),
                assignment=found.zhang,
                kind=SummaryKind.MIDTERM,
                today=LATE_IN_TERM,
            )
    assert Summary.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "today", "refusal"),
    [
        (
            SummaryKind.MIDTERM,
            dt.date(2026, 3, 1),
            "挂职期自2026年3月2日开始，开始后才能撰写阶段总结。",
        ),
        (SummaryKind.MIDTERM, dt.date(2027, 3, 2), "挂职期已于2027年3月1日结束，请撰写期满总结。"),
        (
            SummaryKind.FINAL,
            dt.date(2027, 1, 1),
            "期满总结自2027年1月2日起可以撰写（挂职期最后两个月）。",
        ),
    ],
)
def test_each_kind_starts_only_in_its_window(
    world, kind: str, today: dt.date, refusal: str
) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)

    with pytest.raises(ValidationFailed) as refused:
        draft(found, kind, today=today)

    assert refused.value.message == refusal
    assert Summary.objects.count() == 0
    assert AuditEvent.objects.filter(action="summary.draft").count() == 0


def test_the_windows_open_on_their_first_day(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    assert draft_window(found.zhang, SummaryKind.MIDTERM).opens_on == START
    assert draft_window(found.zhang, SummaryKind.FINAL).opens_on == dt.date(2027, 1, 2)

    assert draft(found, SummaryKind.MIDTERM, today=START).kind == SummaryKind.MIDTERM
    assert draft(found, SummaryKind.FINAL, today=dt.date(2027, 1, 2)).kind == SummaryKind.FINAL
    # The final summary may still be written after the term, at home.
    Summary.objects.filter(kind=SummaryKind.FINAL).delete()
    assert draft(found, SummaryKind.FINAL, today=dt.date(2027, 6, 1)).kind == SummaryKind.FINAL


def test_a_two_month_window_ending_on_a_short_month_counts_to_its_last_day(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    Assignment.objects.filter(pk=found.zhang.pk).update(end_date=dt.date(2027, 4, 30))
    found.zhang = Assignment.objects.get(pk=found.zhang.pk)
    # Two months before 30 April is 28 February (2027 is no leap year): open from 1 March.
    assert draft_window(found.zhang, SummaryKind.FINAL).opens_on == dt.date(2027, 3, 1)


def test_no_summary_is_started_before_reporting_for_duty(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    Assignment.objects.filter(pk=found.zhang.pk).update(state=AssignmentState.APPROVED)
    found.zhang = Assignment.objects.get(pk=found.zhang.pk)

    with pytest.raises(InvalidTransition):
        summary_draft(
            actor=found.user("cadre"), assignment=found.zhang, kind="midterm", today=LATE_IN_TERM
        )
    assert Summary.objects.count() == 0


def test_a_summary_takes_the_batch_template_as_it_was_when_drafted(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    batch = found.zhang.batch
    summary_template_update(
        actor=found.user("coordinator"),
        batch=batch,
        sections=[
            ("work", "主要工作及成效"),
            ("basic", "基本情况"),
            ("", "意见建议"),
            ("next_steps", "今后打算"),
        ],
    )

    summary = draft(found, SummaryKind.MIDTERM, today=dt.date(2026, 9, 1))
    summary_template_update(
        actor=found.user("coordinator"), batch=batch, sections=[("basic", "一"), ("work", "二")]
    )

    assert list(summary.sections.order_by("position").values_list("key", "heading")) == [
        ("work", "主要工作及成效"),
        ("basic", "基本情况"),
        ("custom_1", "意见建议"),
        ("next_steps", "今后打算"),
    ]
    assert bodies(summary)["basic"].startswith("张三，浔阳区委党校科长，")


# --- the template -----------------------------------------------------------------------------


def test_the_template_starts_with_the_default_sections_and_the_coordinator_edits_it(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    batch = found.zhang.batch
    assert summary_template_of(batch).sections == [
        {"key": "basic", "heading": "基本情况"},
        {"key": "work", "heading": "主要工作"},
        {"key": "insights", "heading": "心得体会"},
        {"key": "shortcomings", "heading": "存在不足"},
        {"key": "next_steps", "heading": "下一步打算"},
    ]

    summary_template_update(
        actor=found.user("coordinator"),
        batch=batch,
        sections=[("basic", "个人情况"), ("work", "主要工作"), ("", "典型案例")],
    )
    # A removed section's key is never given to a new one.
    template = summary_template_update(
        actor=found.user("coordinator"),
        batch=batch,
        sections=[("basic", "个人情况"), ("work", "主要工作"), ("", "经验做法")],
    )

    assert template.sections == [
        {"key": "basic", "heading": "个人情况"},
        {"key": "work", "heading": "主要工作"},
        {"key": "custom_2", "heading": "经验做法"},
    ]
    assert list(
        AuditEvent.objects.filter(action="summary_template.update")
        .order_by("id")
        .values_list("detail", flat=True)
    ) == [
        {"sections": ["个人情况", "主要工作", "典型案例"]},
        {"sections": ["个人情况", "主要工作", "经验做法"]},
    ]


def test_reading_the_template_writes_nothing_until_the_coordinator_changes_it(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    batch = found.zhang.batch
    defaults = [("basic", "基本情况"), ("work", "主要工作"), ("insights", "心得体会")]
    defaults += [("shortcomings", "存在不足"), ("next_steps", "下一步打算")]

    summary_template_of(batch)
    # Sending the defaults back unchanged is no change either.
    summary_template_update(actor=found.user("coordinator"), batch=batch, sections=defaults)
    assert not SummaryTemplate.objects.exists()
    assert not AuditEvent.objects.filter(action="summary_template.update").exists()

    summary_template_update(
        actor=found.user("coordinator"), batch=batch, sections=[*defaults, ("", "典型案例")]
    )
    assert SummaryTemplate.objects.get(batch=batch).sections[-1] == {
        "key": "custom_1",
        "heading": "典型案例",
    }
    assert AuditEvent.objects.filter(action="summary_template.update").count() == 1


@pytest.mark.parametrize(
    ("sections", "refusal"),
    [
        ([("basic", "基本情况")], "“主要工作”由系统自动填写，不能删除。"),
        ([("basic", "基本情况"), ("work", " ")], "栏目名称不能为空。"),
        ([("basic", "基本情况"), ("work", "基本情况")], "栏目“基本情况”重复了。"),
        (
            [("basic", "基本情况"), ("work", "主要工作"), ("gone", "另一栏")],
            "模板已在别处修改，请刷新页面后重试。",
        ),
        (
            [("basic", "a"), ("work", "b"), *[("", f"栏目{n}") for n in range(11)]],
            "总结最多 12 个栏目。",
        ),
    ],
)
def test_the_template_refuses_what_would_break_drafting(
    world, sections: list, refusal: str
) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    batch = found.zhang.batch
    before = summary_template_of(batch).sections

    with pytest.raises(ValidationFailed) as refused:
        summary_template_update(actor=found.user("coordinator"), batch=batch, sections=sections)

    assert refused.value.message == refusal
    assert summary_template_of(batch).sections == before
    assert AuditEvent.objects.filter(action="summary_template.update").count() == 0


def test_only_a_coordinator_over_the_batch_edits_the_template(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    for role in ("group_leader", "host_leader", "dispatch_admin", "cadre"):
        with pytest.raises(Forbidden):
            summary_template_update(
                actor=found.user(role),
                batch=found.zhang.batch,
                sections=[("basic", "一"), ("work", "二")],
            )
    with pytest.raises(Forbidden):
        summary_template_update(
            actor=found.user("coordinator"),
            batch=found.zhou.batch,
            sections=[("basic", "一"), ("work", "二")],
        )
    assert summary_template_of(found.zhang.batch).sections[0]["heading"] == "基本情况"


# --- saving -----------------------------------------------------------------------------------


def test_a_save_changes_the_text_counts_a_version_and_leaves_one_audit_event(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    summary = draft(found)

    saved = summary_save(
        actor=found.user("cadre"),
        summary=summary,
        title="张三同志挂职锻炼期满总结",
        bodies={"insights": "深入基层，\r\n贴近群众。", "next_steps": "继续努力。"},
        base_version=1,
    )

    assert saved.version == 2
    assert bodies(summary)["insights"] == "深入基层，\n贴近群众。"
    assert list(
        AuditEvent.objects.filter(action="summary.save").values_list("detail", flat=True)
    ) == [{"summary_kind": "final", "summary_version": 2, "sections": ["心得体会", "下一步打算"]}]

    # The same text again (the editor saving on leaving the page): nothing is written.
    again = summary_save(
        actor=found.user("cadre"),
        summary=loaded(summary, found=found),
        title="张三同志挂职锻炼期满总结",
        bodies={"insights": "深入基层，\n贴近群众。"},
        base_version=2,
    )
    assert again.version == 2
    assert AuditEvent.objects.filter(action="summary.save").count() == 1

    summary_save(
        actor=found.user("cadre"),
        summary=loaded(summary, found=found),
        title="  我的总结 ",
        bodies={},
        base_version=2,
    )
    fresh = Summary.objects.get(pk=summary.pk)
    assert (fresh.title, fresh.version) == ("我的总结", 3)
    assert AuditEvent.objects.filter(action="summary.save").order_by("id").last().detail == {  # type: ignore[union-attr]
        "summary_kind": "final",
        "summary_version": 3,
        "sections": [],
        "summary_title": "我的总结",
    }


def test_a_save_from_an_older_version_is_refused_with_the_text_saved_meanwhile(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    summary = draft(found)
    # Another tab saves first.
    summary_save(
        actor=found.user("cadre"),
        summary=summary,
        title="另一个标签页的标题",
        bodies={"insights": "另一个标签页写的体会"},
        base_version=1,
    )
    before = snapshot(summary)

    with pytest.raises(SummaryEditConflict) as refused:
        summary_save(
            actor=found.user("cadre"),
            summary=loaded(summary, found=found),
            title="本页的标题",
            bodies={"insights": "本页写的体会"},
            base_version=1,
        )

    conflict = refused.value
    assert (conflict.status, conflict.code, conflict.version, conflict.title) == (
        409,
        "edit_conflict",
        2,
        "另一个标签页的标题",
    )
    assert conflict.bodies["insights"] == "另一个标签页写的体会"
    assert list(conflict.bodies) == ["basic", "work", "insights", "shortcomings", "next_steps"]
    assert conflict.message == (
        "这份总结已在别处修改并保存（第 2 版），请对照两个版本，选择保留哪一个。"
    )
    assert snapshot(summary) == before
    # Choosing to keep this page's text: saved from the version now seen.
    kept = summary_save(
        actor=found.user("cadre"),
        summary=loaded(summary, found=found),
        title="本页的标题",
        bodies={"insights": "本页写的体会"},
        base_version=conflict.version,
    )
    assert kept.version == 3
    assert bodies(summary)["insights"] == "本页写的体会"


@pytest.mark.parametrize(
    ("title", "texts", "refusal"),
    [
        ("", {}, "请填写标题。"),
        ("题" * 101, {}, "标题不能超过 100 字。"),
        ("标题", {"insights": "字" * 30_001}, "“心得体会”不能超过 30000 字。"),
        ("标题", {"unknown": "x"}, "总结的栏目已变化，请刷新页面后重试。"),
    ],
)
def test_a_save_refuses_what_cannot_be_kept(world, title: str, texts: dict, refusal: str) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    summary = draft(found)
    before = snapshot(summary)

    with pytest.raises(ValidationFailed) as refused:
        summary_save(
            actor=found.user("cadre"), summary=summary, title=title, bodies=texts, base_version=1
        )

    assert refused.value.message == refusal
    assert snapshot(summary) == before


def test_only_the_person_saves_and_only_while_draft_or_returned(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    summary = filled(found)
    before = snapshot(summary)
    for role in ("coordinator", "group_leader", "host_leader", "dispatch_admin", "admin"):
        with pytest.raises(Forbidden):
            summary_save(
                actor=found.user(role),
                summary=summary,
                title="改",
                bodies={"insights": "别人改的"},
                base_version=summary.version,
            )
    assert snapshot(summary) == before

    summary_submit(actor=found.user("cadre"), summary=summary)
    before = snapshot(summary)
    with pytest.raises(InvalidTransition) as refused:
        summary_save(
            actor=found.user("cadre"),
            summary=loaded(summary, found=found),
            title="改",
            bodies={"insights": "提交后再改"},
            base_version=summary.version,
        )
    assert refused.value.message == "该总结当前为“待审阅”，不能再修改。"
    assert snapshot(summary) == before


# --- the flow ---------------------------------------------------------------------------------

# Who takes each step, and how (a function of the world and the summary).
STEPS = {
    SummaryState.SUBMITTED: (
        "cadre",
        lambda found, s, actor: summary_submit(actor=actor, summary=s),
    ),
    SummaryState.ACCEPTED: (
        "group_leader",
        lambda found, s, actor: summary_accept(actor=actor, summary=s, comment="写得扎实。"),
    ),
    SummaryState.RETURNED: (
        "group_leader",
        lambda found, s, actor: summary_return(actor=actor, summary=s, comment="请补充数据。"),
    ),
    SummaryState.APPRAISED: (
        "host_leader",
        lambda found, s, actor: summary_appraise(actor=actor, summary=s, appraisal="表现优秀。"),
    ),
    SummaryState.ARCHIVED: (
        "coordinator",
        lambda found, s, actor: summary_archive(actor=actor, summary=s),
    ),
}


@pytest.mark.parametrize("state", list(SummaryState))
def test_the_transition_table_is_what_the_services_allow(world, state: str) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    for target, (role, step) in STEPS.items():
        summary = found.summary(state=state)
        summary = loaded(summary, found=found)
        before = snapshot(summary)
        if target in SUMMARY_TRANSITIONS[state]:
            assert step(found, summary, found.user(role)).state == target
        else:
            with pytest.raises(InvalidTransition):
                step(found, summary, found.user(role))
            assert snapshot(summary) == before
        summary.delete()


def test_a_summary_walks_from_draft_to_archive_and_its_trail_says_who_and_what(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    summary = filled(found)
    mail.outbox.clear()

    summary = summary_submit(actor=found.user("cadre"), summary=summary)
    summary = summary_return(
        actor=found.user("group_leader"),
        summary=loaded(summary, found=found),
        comment="请补充数据。",
    )
    summary = summary_submit(
        actor=found.user("cadre"),
        summary=loaded(summary, found=found),
        title="张三同志挂职锻炼期满总结",
        bodies={"work": "补充了数据。"},
        base_version=2,
    )
    summary = summary_accept(actor=found.user("group_leader"), summary=loaded(summary, found=found))
    summary = summary_appraise(
        actor=found.user("host_leader"),
        summary=loaded(summary, found=found),
        appraisal="  该同志工作扎实。 ",
    )
    summary = summary_archive(actor=found.user("coordinator"), summary=loaded(summary, found=found))

    fresh = Summary.objects.get(pk=summary.pk)
    assert (fresh.state, fresh.version, fresh.appraisal, fresh.appraised_by_id) == (
        SummaryState.ARCHIVED,
        3,
        "该同志工作扎实。",
        found.users["host_leader"].pk,
    )
    assert None not in (
        fresh.submitted_at,
        fresh.accepted_at,
        fresh.appraised_at,
        fresh.archived_at,
    )
    assert bodies(summary)["work"] == "补充了数据。"
    assert list(
        SummaryEvent.objects.filter(summary=summary)
        .order_by("created_at", "id")
        .values_list("action", "actor__username", "comment")
    ) == [
        ("draft", "cadre", ""),
        ("submit", "cadre", ""),
        ("return", "groupleader", "请补充数据。"),
        ("submit", "cadre", ""),
        ("accept", "groupleader", ""),
        ("appraise", "host", "该同志工作扎实。"),
        ("archive", "coordinator", ""),
    ]
    assert list(
        AuditEvent.objects.filter(object_type="summaries.summary")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "summary.draft",
        "summary.save",
        "summary.submit",
        "summary.return",
        "summary.save",
        "summary.submit",
        "summary.accept",
        "summary.appraise",
        "summary.archive",
    ]
    assert AuditEvent.objects.get(action="summary.appraise").detail == {
        "summary_kind": "final",
        "appraisal": "该同志工作扎实。",
    }


def test_each_step_tells_the_person_and_whoever_takes_the_next_step(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    summary = filled(found)

    def step(service: Any, role: str, **arguments: Any) -> Summary:
        with django_capture_on_commit_callbacks(execute=True):
            return service(
                actor=found.user(role), summary=loaded(summary, found=found), **arguments
            )

    step(summary_submit, "cadre")
    step(summary_return, "group_leader", comment="请补充数据。")
    step(summary_submit, "cadre")
    step(summary_accept, "group_leader")
    step(summary_appraise, "host_leader", appraisal="好。")
    step(summary_archive, "coordinator")

    url = f"/summaries/{summary.pk}/"
    assert list(
        Notification.objects.order_by("id").values_list("recipient__username", "text", "url")
    ) == [
        ("groupleader", "张三提交了期满总结，请审阅。", url),
        ("cadre", "您的期满总结被退回，请按意见修改后重新提交。", url),
        ("groupleader", "张三提交了期满总结，请审阅。", url),
        ("cadre", "您的期满总结已通过审阅，等待接收单位鉴定。", url),
        ("host", "张三的期满总结已通过审阅，请填写鉴定意见。", url),
        ("cadre", "接收单位已对您的期满总结填写鉴定意见。", url),
        ("coordinator", "张三的期满总结已鉴定，请归档。", url),
        ("cadre", "您的期满总结已归档。", url),
    ]


def test_submitting_refuses_an_empty_section_and_names_it(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    summary = draft(found)
    before = snapshot(summary)

    with pytest.raises(ValidationFailed) as refused:
        summary_submit(actor=found.user("cadre"), summary=summary)

    # 主要工作 is empty too (no log): the first empty section in order is named.
    assert refused.value.message == "“主要工作”还没有填写，请填写后再提交。"
    assert refused.value.detail == {"section_work": "“主要工作”还没有填写，请填写后再提交。"}
    assert snapshot(summary) == before

    # The text sent with the submission counts, and is saved only when the submission is.
    with pytest.raises(ValidationFailed) as refused:
        summary_submit(
            actor=found.user("cadre"),
            summary=loaded(summary, found=found),
            title=summary.title,
            bodies={"work": "做了很多事。", "insights": "体会。", "shortcomings": "  "},
            base_version=1,
        )
    assert refused.value.message == "“存在不足”还没有填写，请填写后再提交。"
    assert snapshot(summary) == before


def test_a_submission_from_an_older_version_is_refused_as_a_conflict(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    summary = filled(found)  # version 2
    before = snapshot(summary)

    with pytest.raises(SummaryEditConflict):
        summary_submit(
            actor=found.user("cadre"),
            summary=summary,
            title=summary.title,
            bodies={"insights": "旧页面的文字"},
            base_version=1,
        )
    assert snapshot(summary) == before


def test_a_return_needs_a_comment(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    summary = found.summary(state=SummaryState.SUBMITTED)
    summary = loaded(summary, found=found)
    before = snapshot(summary)

    with pytest.raises(ValidationFailed) as refused:
        summary_return(actor=found.user("group_leader"), summary=summary, comment="  ")

    assert refused.value.detail == {"comment": "退回总结时请填写意见，说明需要修改的地方。"}
    assert snapshot(summary) == before


def test_an_appraisal_is_required(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    summary = loaded(found.summary(state=SummaryState.ACCEPTED), found=found)
    before = snapshot(summary)

    with pytest.raises(ValidationFailed) as refused:
        summary_appraise(actor=found.user("host_leader"), summary=summary, appraisal="")

    assert refused.value.detail == {"appraisal": "请填写鉴定意见。"}
    assert snapshot(summary) == before


# Who may take each step on 张三's summary. The admin reads everything and judges nothing (no
# review, no appraisal) but, as with every batch-management task, may file (archive).
MAY_ACT = {
    SummaryState.SUBMITTED: {"cadre"},
    SummaryState.ACCEPTED: {"group_leader", "coordinator"},
    SummaryState.RETURNED: {"group_leader", "coordinator"},
    SummaryState.APPRAISED: {"host_leader"},
    SummaryState.ARCHIVED: {"coordinator", "admin"},
}
FROM_STATE = {
    SummaryState.SUBMITTED: SummaryState.DRAFT,
    SummaryState.ACCEPTED: SummaryState.SUBMITTED,
    SummaryState.RETURNED: SummaryState.SUBMITTED,
    SummaryState.APPRAISED: SummaryState.ACCEPTED,
    SummaryState.ARCHIVED: SummaryState.APPRAISED,
}


@pytest.mark.parametrize("target", list(MAY_ACT))
def test_each_step_is_taken_only_by_its_role(world, target: str) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    _role, step = STEPS[target]
    for role in ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader", "cadre"):
        summary = loaded(found.summary(state=FROM_STATE[target]), found=found)
        before = snapshot(summary)
        if role in MAY_ACT[target]:
            assert step(found, summary, found.user(role)).state == target, role
        else:
            with pytest.raises(Forbidden):
                step(found, summary, found.user(role))
            assert snapshot(summary) == before, role
        summary.delete()


def test_the_page_offers_each_reader_only_the_step_they_may_take(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed(world)
    expected = {
        SummaryState.DRAFT: {"cadre": "edit"},
        SummaryState.SUBMITTED: {"group_leader": "review", "coordinator": "review"},
        SummaryState.RETURNED: {"cadre": "edit"},
        SummaryState.ACCEPTED: {"host_leader": "appraise"},
        SummaryState.APPRAISED: {"coordinator": "archive", "admin": "archive"},
        SummaryState.ARCHIVED: {},
    }
    for state, offered in expected.items():
        summary = found.summary(state=state)
        for role in (
            "admin",
            "coordinator",
            "dispatch_admin",
            "host_leader",
            "group_leader",
            "cadre",
        ):
            actions = summary_actions(actor=found.user(role), summary=loaded(summary, role, found))
            shown = {
                name for name in ("edit", "review", "appraise", "archive") if getattr(actions, name)
            }
            assert shown == ({offered[role]} if role in offered else set()), (state, role)
            # Nobody but the person reads a draft that was never submitted.
            assert actions.read_text == (state != SummaryState.DRAFT or role == "cadre")
        summary.delete()

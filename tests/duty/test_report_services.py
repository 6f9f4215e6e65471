"""Periodic reports through the services: draft, narrative, submit, return with a comment, accept.

张三 (the world's cadre) is in 第一组, led by 李明; 王五 leads 第二组 of the same batch. Both
leaders hold the group-leader role for the batch only, as group creation grants it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core import mail

from guazhi.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from guazhi.core.models import AuditEvent, Notification
from guazhi.duty.models import (
    REPORT_TRANSITIONS,
    LogQuantity,
    PeriodicReport,
    ReportReview,
    ReportState,
    WorkLogEntry,
)
from guazhi.duty.selectors.reports import (
    ReportPeriod,
    access_report,
    can_review_report,
    report_periods,
    review_queue,
)
from guazhi.duty.services.reports import (
    report_accept,
    report_draft,
    report_refresh,
    report_return,
    report_submit,
    report_update_narrative,
)
from guazhi.orgs.models import RoleAssignment, User
from guazhi.orgs.scopes import grants_changed
from guazhi.programmes.models import Assignment, AssignmentState, Group
from tests.duty.world import DutyWorld, duty_world
from tests.factories import CadreFactory, UserFactory, grant
from tests.programmes.factories import PostFactory, assign


@dataclass
class ReportWorld:
    duty: DutyWorld
    zhang: Assignment  # 张三, 第一组
    li: Assignment  # 李明, leader of 第一组
    wang: Assignment  # 王五, leader of 第二组
    period: ReportPeriod  # last month: begun, ended, due

    def user(self, username: str) -> User:
        """The account as the next request loads it (no cached scopes carried over)."""
        return User.objects.get(username=username)


def report_world(world) -> ReportWorld:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    post = PostFactory(
        batch=found.batch_a, host_unit=world.township_a, title="镇长助理", capacity=3
    )

    def serving(name: str, username: str) -> Assignment:
        user = UserFactory(username=username, full_name=name)
        grant(user, "cadre", world.school_a)
        cadre = CadreFactory(name=name, home_unit=world.school_a, user=user)
        return assign(post, cadre, AssignmentState.ACTIVE, start_date=found.serving_a.start_date)

    li, wang = serving("李明", "liming"), serving("王五", "wangwu")
    first = Group.objects.create(batch=found.batch_a, name="第一组", leader=li)
    second = Group.objects.create(batch=found.batch_a, name="第二组", leader=wang)
    Assignment.objects.filter(pk__in=[found.serving_a.pk, li.pk]).update(group=first)
    Assignment.objects.filter(pk=wang.pk).update(group=second)
    for leader in (li, wang):
        RoleAssignment.objects.create(
            user=leader.cadre.user,
            role="group_leader",
            organisation=world.district_a,
            batch=found.batch_a,
        )
    grants_changed(user_ids=[li.cadre.user_id, wang.cadre.user_id])
    zhang = Assignment.objects.get(pk=found.serving_a.pk)
    begun = report_periods(assignment=zhang, until=found.today)
    return ReportWorld(
        duty=found,
        zhang=zhang,
        li=Assignment.objects.get(pk=li.pk),
        wang=Assignment.objects.get(pk=wang.pk),
        period=begun[-2],
    )


def log(assignment: Assignment, day: dt.date, title: str, **fields) -> WorkLogEntry:  # type: ignore[no-untyped-def]
    quantities = fields.pop("quantities", ())
    made = WorkLogEntry.objects.create(
        assignment=assignment,
        date=day,
        category=fields.pop("category", "走访"),
        title=title,
        content=title,
        **fields,
    )
    for label, value, unit in quantities:
        LogQuantity.objects.create(entry=made, label=label, value=Decimal(value), unit=unit)
    return made


def drafted(found: ReportWorld, world, narrative: str = "") -> PeriodicReport:  # type: ignore[no-untyped-def]
    report = report_draft(
        actor=found.user("cadre"),
        assignment=found.zhang,
        period_start=found.period.start,
        today=found.duty.today,
    )
    if narrative:
        report = report_update_narrative(
            actor=found.user("cadre"), report=report, narrative=narrative
        )
    return reload(report)


def reload(report: PeriodicReport) -> PeriodicReport:
    """The report as a page loads it (through access_report's relations)."""
    return PeriodicReport.objects.select_related(
        "assignment__batch__coordinating_org",
        "assignment__cadre",
        "assignment__group__leader__cadre",
        "assignment__group__deputy__cadre",
    ).get(pk=report.pk)


def state(report: PeriodicReport) -> tuple:
    fresh = PeriodicReport.objects.get(pk=report.pk)
    return (
        fresh.state,
        fresh.narrative,
        fresh.compiled,
        fresh.submitted_at,
        fresh.accepted_at,
        list(ReportReview.objects.filter(report=report).values_list("action", "comment")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def test_a_draft_compiles_the_periods_log_and_refreshing_keeps_the_narrative(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    start, end = found.period.start, found.period.end
    log(found.zhang, start, "走访企业", quantities=[("走访企业", "5", "家")], accomplishment=True)
    log(found.zhang, end, "招商洽谈", category="招商引资", quantities=[("争取资金", "60000", "元")])
    log(found.zhang, end + dt.timedelta(days=1), "下月的事", quantities=[("走访企业", "9", "家")])

    report = drafted(found, world, narrative="本月主要做了两件事。")

    assert (report.state, report.period_start, report.period_end, report.due_on) == (
        ReportState.DRAFT,
        start,
        end,
        end + dt.timedelta(days=5),
    )
    assert report.compiled["entry_count"] == 2
    assert report.compiled["quantities"] == [
        {"label": "争取资金", "unit": "元", "total": "60000.00"},
        {"label": "走访企业", "unit": "家", "total": "5.00"},
    ]
    # The log grows; drafting the same period again compiles again and keeps what was written.
    log(found.zhang, start, "再走访", quantities=[("走访企业", "8", "家")])
    again = report_draft(
        actor=found.user("cadre"),
        assignment=found.zhang,
        period_start=start,
        today=found.duty.today,
    )
    assert again.pk == report.pk
    assert again.narrative == "本月主要做了两件事。"
    assert again.compiled["quantities"][1] == {"label": "走访企业", "unit": "家", "total": "13.00"}
    assert PeriodicReport.objects.count() == 1
    assert list(
        AuditEvent.objects.filter(object_type="duty.periodicreport")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["report.draft", "report.update", "report.refresh"]


def test_only_the_person_drafts_and_only_for_a_begun_period_of_the_term(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    with pytest.raises(Forbidden):
        report_draft(
            actor=found.user("coordinator"),
            assignment=found.zhang,
            period_start=found.period.start,
        )
    begun = report_periods(assignment=found.zhang)
    future = next(p for p in begun if p.start > found.duty.today)
    with pytest.raises(ValidationFailed) as refused:
        report_draft(
            actor=found.user("cadre"),
            assignment=found.zhang,
            period_start=future.start,
            today=found.duty.today,
        )
    assert refused.value.detail == {"period": "汇报期间尚未开始，不能撰写。"}
    with pytest.raises(ValidationFailed):
        report_draft(
            actor=found.user("cadre"),
            assignment=found.zhang,
            period_start=found.period.start + dt.timedelta(days=1),  # not a period's first day
            today=found.duty.today,
        )
    assert PeriodicReport.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="duty.periodicreport").count() == 0


def test_submitting_an_empty_narrative_is_refused_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    report = drafted(found, world)
    before = state(report)
    with pytest.raises(ValidationFailed) as refused:
        report_submit(actor=found.user("cadre"), report=report, narrative="  \n ")
    assert refused.value.detail == {"narrative": "请填写汇报正文后再提交。"}
    assert state(report) == before


def test_submit_return_with_comment_resubmit_accept(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    found = report_world(world)
    report = drafted(found, world)
    cadre, leader = found.user("cadre"), found.user("liming")
    label = f"{found.period.start.year}年{found.period.start.month}月"

    with django_capture_on_commit_callbacks(execute=True):
        report = report_submit(actor=cadre, report=report, narrative="本月走访企业五家。")
    first_submission = PeriodicReport.objects.get(pk=report.pk).submitted_at
    assert [r.pk for r in review_queue(actor=leader)] == [report.pk]
    # The group's leader is told; 张三 himself is not.
    assert list(Notification.objects.values_list("recipient__username", "text", "url")) == [
        ("liming", f"张三提交了{label}定期汇报，请审阅。", f"/duty/reports/{report.pk}/")
    ]

    with pytest.raises(ValidationFailed) as refused:
        report_return(actor=leader, report=reload(report), comment=" ")
    assert refused.value.detail == {"comment": "退回汇报时请填写意见，说明需要修改的地方。"}
    with django_capture_on_commit_callbacks(execute=True):
        report_return(actor=leader, report=reload(report), comment="请补充招商引资的进展。")
    assert PeriodicReport.objects.get(pk=report.pk).state == ReportState.RETURNED
    assert review_queue(actor=leader) == []
    assert Notification.objects.get(recipient=cadre, kind="report.return").text == (
        f"您的{label}定期汇报被退回，请按意见修改后重新提交。"
    )

    # Returned: editable again, the summary too.
    report_refresh(actor=cadre, report=reload(report))
    report_submit(actor=cadre, report=reload(report), narrative="本月走访企业五家，洽谈项目一个。")
    report_accept(actor=leader, report=reload(report))

    final = PeriodicReport.objects.get(pk=report.pk)
    assert (final.state, final.narrative) == (
        ReportState.ACCEPTED,
        "本月走访企业五家，洽谈项目一个。",
    )
    assert final.submitted_at == first_submission  # lateness counts from the first submission
    assert final.accepted_at is not None
    assert list(
        final.reviews.order_by("id").values_list("action", "comment", "actor__username")
    ) == [
        ("submit", "", "cadre"),
        ("return", "请补充招商引资的进展。", "liming"),
        ("submit", "", "cadre"),
        ("accept", "", "liming"),
    ]
    assert list(
        AuditEvent.objects.filter(object_type="duty.periodicreport")
        .order_by("id")
        .values_list("action", "detail__resubmission")
    ) == [
        ("report.draft", None),
        ("report.submit", False),
        ("report.return", None),
        ("report.refresh", None),
        ("report.submit", True),
        ("report.accept", None),
    ]


def test_editing_after_acceptance_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    report = drafted(found, world, narrative="正文")
    report_submit(actor=found.user("cadre"), report=report)
    report_accept(actor=found.user("coordinator"), report=reload(report), comment="很好")
    before = state(report)
    cadre = found.user("cadre")
    for attempt in (
        lambda: report_update_narrative(actor=cadre, report=reload(report), narrative="改了"),
        lambda: report_refresh(actor=cadre, report=reload(report)),
        lambda: report_submit(actor=cadre, report=reload(report), narrative="改了"),
        lambda: report_draft(
            actor=cadre,
            assignment=found.zhang,
            period_start=found.period.start,
            today=found.duty.today,
        ),
        lambda: report_return(
            actor=found.user("coordinator"), report=reload(report), comment="再改"
        ),
    ):
        with pytest.raises(InvalidTransition):
            attempt()
    assert state(report) == before


def test_submitted_reports_cannot_be_edited_until_returned(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    report = drafted(found, world, narrative="正文")
    report_submit(actor=found.user("cadre"), report=report)
    before = state(report)
    with pytest.raises(InvalidTransition):
        report_refresh(actor=found.user("cadre"), report=reload(report))
    with pytest.raises(InvalidTransition):
        report_update_narrative(actor=found.user("cadre"), report=reload(report), narrative="x")
    assert state(report) == before


def test_a_cadre_cannot_accept_their_own_report(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    # 李明 leads 第一组 and is in it: his own report needs someone else.
    li = found.user("liming")
    report = report_draft(
        actor=li, assignment=found.li, period_start=found.period.start, today=found.duty.today
    )
    report_submit(actor=li, report=reload(report), narrative="组长本人的汇报")
    before = state(report)
    with pytest.raises(Forbidden):
        report_accept(actor=li, report=reload(report))
    assert not can_review_report(actor=li, report=reload(report))
    assert review_queue(actor=li) == []
    assert state(report) == before
    # 张三 is no group leader: not his to review either, nor his own.
    own = drafted(found, world, narrative="正文")
    report_submit(actor=found.user("cadre"), report=own)
    before = state(own)
    with pytest.raises(Forbidden):
        report_accept(actor=found.user("cadre"), report=reload(own))
    assert state(own) == before
    # The coordinator reviews both: same period and due day, so in the order submitted.
    assert [r.pk for r in review_queue(actor=found.user("coordinator"))] == [report.pk, own.pk]


def test_the_leader_of_another_group_cannot_review(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    report = drafted(found, world, narrative="正文")
    report_submit(actor=found.user("cadre"), report=report)
    before = state(report)
    wang = found.user("wangwu")
    # 王五 does not even see 张三's record: the same answer as for a report that does not exist.
    with pytest.raises(NotFound):
        access_report(actor=wang, pk=report.pk)
    with pytest.raises(Forbidden):
        report_accept(actor=wang, report=reload(report))
    with pytest.raises(Forbidden):
        report_return(actor=wang, report=reload(report), comment="不行")
    assert review_queue(actor=wang) == []
    assert state(report) == before


def member(world, found: ReportWorld, name: str, username: str) -> Assignment:  # type: ignore[no-untyped-def]
    """One more person on duty in batch A, at 张三's post."""
    user = UserFactory(username=username, full_name=name)
    grant(user, "cadre", world.school_a)
    cadre = CadreFactory(name=name, home_unit=world.school_a, user=user)
    return assign(
        found.zhang.post, cadre, AssignmentState.ACTIVE, start_date=found.zhang.start_date
    )


def group_leader_grant(user: User, organisation, batch) -> None:  # type: ignore[no-untyped-def]
    RoleAssignment.objects.create(
        user=user, role="group_leader", organisation=organisation, batch=batch
    )
    grants_changed(user_ids=[user.pk])


def test_who_reviews(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    # 赵六 is 第一组's deputy, with the group-leader role for batch A as group creation grants.
    zhao = member(world, found, "赵六", "zhaoliu")
    Group.objects.filter(name="第一组").update(deputy=zhao)
    group_leader_grant(zhao.cadre.user, world.district_a, found.duty.batch_a)
    # 钱七 holds a group-leader grant over the district limited to batch A, and leads no group.
    qian = UserFactory(username="qianqi", full_name="钱七")
    group_leader_grant(qian, world.district_a, found.duty.batch_a)
    report = drafted(found, world, narrative="正文")
    report_submit(actor=found.user("cadre"), report=report, today=found.duty.today)
    report = reload(report)
    everyone = (
        "admin",
        "coordinator",
        "dispatch",
        "host",
        "groupleader",  # a group-leader grant over the district, for every batch
        "cadre",
        "liming",
        "wangwu",
        "zhaoliu",
        "qianqi",
    )

    def reviewers() -> set[str]:
        return {
            username
            for username in everyone
            if can_review_report(actor=found.user(username), report=report)
        }

    def queued() -> set[str]:
        return {
            username
            for username in everyone
            if [r.pk for r in review_queue(actor=found.user(username))] == [report.pk]
        }

    assert reviewers() == {"coordinator", "groupleader", "liming", "zhaoliu"}
    assert queued() == reviewers()

    # The deputy's grant moves to batch B (he leads a group there now): leading 第一组 alone
    # no longer makes him a reviewer of batch A's reports, neither one by one nor in his queue.
    RoleAssignment.objects.filter(user=zhao.cadre.user).update(batch=found.duty.batch_b)
    grants_changed(user_ids=[zhao.cadre.user_id])
    assert reviewers() == {"coordinator", "groupleader", "liming"}
    assert queued() == reviewers()


def test_drafts_are_the_persons_own_until_submitted(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    report = drafted(found, world, narrative="草稿内容")
    assert access_report(actor=found.user("cadre"), pk=report.pk).pk == report.pk
    for username in ("coordinator", "host", "liming"):
        with pytest.raises(NotFound):
            access_report(actor=found.user(username), pk=report.pk)
    report_submit(actor=found.user("cadre"), report=report)
    for username in ("coordinator", "host", "liming"):
        assert access_report(actor=found.user(username), pk=report.pk).pk == report.pk


def test_the_audit_log_names_every_report_action_and_detail() -> None:
    import ast
    from pathlib import Path

    from guazhi.duty import audit_labels
    from guazhi.duty.services import reports

    tree = ast.parse(Path(reports.__file__).read_text(encoding="utf-8"))
    actions: set[str] = set()
    details: set[str] = set()

    def keys(node: ast.AST) -> set[str]:
        return {
            key.value
            for found in ast.walk(node)
            if isinstance(found, ast.Dict)
            for key in found.keys
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        }

    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "_period_detail":
            details |= keys(node)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record":
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    actions.add(keyword.value.value)
                if keyword.arg == "detail":
                    details |= keys(keyword.value)
    assert actions == {
        "report.draft",
        "report.refresh",
        "report.update",
        "report.submit",
        "report.accept",
        "report.return",
    }
    assert actions <= audit_labels.ACTIONS.keys()
    assert "duty.periodicreport" in audit_labels.OBJECT_TYPES
    assert details == {"period_start", "period_end", "length", "resubmission", "comment"}
    assert details <= audit_labels.DETAIL_KEYS.keys()


# --- submitting: when, and what the reviewer reads -------------------------------------------


def zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_submitting_compiles_the_log_as_it_is_at_submission(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    log(found.zhang, found.period.start, "走访企业", quantities=[("走访企业", "5", "家")])
    report = drafted(found, world, narrative="本月走访企业。")
    drafted_at = report.compiled["compiled_at"]
    # Written into the log after the draft was opened, before submitting.
    log(found.zhang, found.period.end, "补记的走访", quantities=[("走访企业", "8", "家")])

    report_submit(actor=found.user("cadre"), report=report, today=found.duty.today)

    submitted = PeriodicReport.objects.get(pk=report.pk)
    assert submitted.compiled["entry_count"] == 2
    assert submitted.compiled["quantities"] == [
        {"label": "走访企业", "unit": "家", "total": "13.00"}
    ]
    assert submitted.compiled["compiled_at"] > drafted_at


def current_period(found: ReportWorld) -> ReportPeriod:
    return report_periods(assignment=found.zhang, until=found.duty.today)[-1]


def test_a_report_is_submitted_only_once_its_period_has_ended(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    current = current_period(found)
    cadre = found.user("cadre")
    report = reload(
        report_update_narrative(
            actor=cadre,
            report=report_draft(
                actor=cadre,
                assignment=found.zhang,
                period_start=current.start,
                today=found.duty.today,
            ),
            narrative="本月工作。",
        )
    )
    before = state(report)
    label = f"{current.start.year}年{current.start.month}月"
    for day in (found.duty.today, current.end):
        with pytest.raises(ValidationFailed) as refused:
            report_submit(actor=cadre, report=reload(report), today=day)
        assert refused.value.message == (
            f"{label}至{zh(current.end)}结束，定期汇报请在本期结束后提交。"
        )
        assert state(report) == before

    done = report_submit(
        actor=cadre, report=reload(report), today=current.end + dt.timedelta(days=1)
    )
    assert done.state == ReportState.SUBMITTED


def test_a_term_ending_inside_the_period_opens_submission_after_the_terms_end(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    current = current_period(found)
    cadre = found.user("cadre")
    report = report_draft(
        actor=cadre, assignment=found.zhang, period_start=current.start, today=found.duty.today
    )
    # The term is cut short after the draft was made: it now ends on the period's first day.
    Assignment.objects.filter(pk=found.zhang.pk).update(end_date=current.start)
    before = state(report)
    label = f"{current.start.year}年{current.start.month}月"

    with pytest.raises(ValidationFailed) as refused:
        report_submit(
            actor=cadre, report=reload(report), narrative="最后一月。", today=current.start
        )

    assert refused.value.message == (
        f"挂职期至{zh(current.start)}结束，{label}定期汇报请在挂职期结束后提交。"
    )
    assert state(report) == before
    done = report_submit(
        actor=cadre,
        report=reload(report),
        narrative="最后一月。",
        today=current.start + dt.timedelta(days=1),
    )
    assert done.state == ReportState.SUBMITTED


# --- every move of the workflow --------------------------------------------------------------


def test_every_move_of_the_report_workflow_is_possible_and_no_other(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    report = drafted(found, world, narrative="正文")
    cadre, coordinator = found.user("cadre"), found.user("coordinator")
    moves = {
        ReportState.SUBMITTED: lambda: report_submit(
            actor=cadre, report=reload(report), today=found.duty.today
        ),
        ReportState.ACCEPTED: lambda: report_accept(actor=coordinator, report=reload(report)),
        ReportState.RETURNED: lambda: report_return(
            actor=coordinator, report=reload(report), comment="请修改"
        ),
    }
    # Nothing leads back to a draft: no service offers it, and the table allows none.
    assert set(REPORT_TRANSITIONS) == set(ReportState)
    assert all(ReportState.DRAFT not in targets for targets in REPORT_TRANSITIONS.values())
    walked = []
    for source in ReportState:
        for target, move in moves.items():
            PeriodicReport.objects.filter(pk=report.pk).update(state=source)
            if target in REPORT_TRANSITIONS[source]:
                assert move().state == target
                assert PeriodicReport.objects.get(pk=report.pk).state == target
                walked.append((source.value, target.value))
            else:
                before = state(report)
                with pytest.raises(InvalidTransition):
                    move()
                assert state(report) == before
    assert walked == [
        ("draft", "submitted"),
        ("submitted", "accepted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
    ]


# --- who is told of a submission -------------------------------------------------------------


def test_a_submission_outside_any_group_goes_to_the_coordinators_by_email_too(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    found = report_world(world)
    Assignment.objects.filter(pk=found.zhang.pk).update(group=None)
    User.objects.filter(username="coordinator").update(email="wang@jiangzhou.gov.cn")
    report = drafted(found, world, narrative="本月工作。")
    label = f"{found.period.start.year}年{found.period.start.month}月"

    with django_capture_on_commit_callbacks(execute=True):
        report_submit(actor=found.user("cadre"), report=report, today=found.duty.today)

    assert list(Notification.objects.values_list("recipient__username", "kind", "text")) == [
        ("coordinator", "report.submit", f"张三提交了{label}定期汇报，请审阅。")
    ]
    # Sent at once, not at the next reminder run.
    assert [(email.to, email.subject) for email in mail.outbox] == [
        (["wang@jiangzhou.gov.cn"], f"【挂职】张三提交了{label}定期汇报，请审阅。")
    ]


def test_a_group_leaders_own_report_goes_to_the_coordinators(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    found = report_world(world)
    li = found.user("liming")
    # 李明 leads 第一组 and has no deputy: nobody in the group may review his report.
    report = report_draft(
        actor=li, assignment=found.li, period_start=found.period.start, today=found.duty.today
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(
            actor=li, report=reload(report), narrative="组长本人的汇报", today=found.duty.today
        )
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
        "coordinator"
    ]


def test_a_group_leader_granted_for_another_batch_is_not_told(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    found = report_world(world)
    # 李明's group-leader grant is moved to batch B: he leads 第一组 but reviews nothing here.
    RoleAssignment.objects.filter(user__username="liming").update(batch=found.duty.batch_b)
    grants_changed(user_ids=[found.li.cadre.user_id])
    report = drafted(found, world, narrative="本月工作。")
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(actor=found.user("cadre"), report=report, today=found.duty.today)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
        "coordinator"
    ]

"""The daily reminder run: each kind told to exactly the right people, once, only for batches on
duty; the command and the job that run it."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from guazhi.core.jobs import job_start
from guazhi.core.models import AuditEvent, Job, Notification
from guazhi.duty.jobs_remind import KIND as REMIND_JOB
from guazhi.duty.models import (
    AttendanceReturn,
    AwayReport,
    AwayState,
    LeaveRequest,
    LeaveState,
    LeaveType,
    PeriodicReport,
    ReportFrequency,
    ReportReview,
    ReportState,
    ReviewAction,
    WorkLogEntry,
    half_slot,
)
from guazhi.duty.reminders import remind
from guazhi.orgs.models import Role, RoleAssignment
from guazhi.programmes.models import Assignment, AssignmentState, Batch, BatchState, Group
from tests.duty.world import DutyWorld, duty_world
from tests.factories import CadreFactory, UserFactory
from tests.programmes.factories import PostFactory, assign

pytestmark = pytest.mark.django_db

TERM_START = dt.date(2026, 3, 1)
TERM_END = dt.date(2027, 2, 28)
MONDAY = dt.date(2026, 6, 8)  # nothing special around it (Dragon Boat Festival is 19 June)


def fixed_term(world: Any) -> DutyWorld:
    """The duty world with both batches and both people on a known term."""
    found = duty_world(world)
    Batch.objects.filter(pk__in=[found.batch_a.pk, found.batch_b.pk]).update(
        term_start=TERM_START, term_end=TERM_END
    )
    Assignment.objects.filter(pk__in=[found.serving_a.pk, found.serving_b.pk]).update(
        start_date=TERM_START, end_date=TERM_END
    )
    found.serving_a.refresh_from_db()
    found.serving_b.refresh_from_db()
    return found


def leave(
    assignment: Assignment,
    state: str,
    start: dt.date,
    end: dt.date,
    *,
    chain: tuple[str, ...] = ("host_leader",),
    step: int = 0,
    awaiting: str = "",
    **fields: Any,
) -> LeaveRequest:
    return LeaveRequest.objects.create(
        assignment=assignment,
        leave_type=LeaveType.objects.get(batch=assignment.batch, kind="annual"),
        start_date=start,
        end_date=end,
        start_slot=half_slot(start, "am"),
        end_slot=half_slot(end, "pm"),
        days=Decimal((end - start).days + 1),
        reason="回家照顾老人",
        stand_in="李明",
        contact_phone="13912345678",
        state=state,
        chain=list(chain),
        step=step,
        awaiting_role=awaiting,
        **fields,
    )


def told(kind: str) -> list[tuple[str, str]]:
    """Who was told what, for one kind: (username, text), in a fixed order."""
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "text"))


def host_leader_for_batch(world: Any, username: str, batch: Batch) -> Any:
    user = UserFactory(username=username)
    RoleAssignment.objects.create(
        user=user, role=Role.HOST_LEADER, organisation=world.township_a, batch=batch
    )
    return user


# --- approval waiting -------------------------------------------------------------------------


def test_a_pending_leave_tells_whoever_can_act_on_its_current_step(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    host_leader_for_batch(world, "host-of-a", found.batch_a)
    host_leader_for_batch(world, "host-of-b", found.batch_b)  # 白鹿镇, but for the other batch
    pending = leave(
        found.serving_a,
        LeaveState.PENDING,
        MONDAY,
        MONDAY + dt.timedelta(days=1),
        chain=("host_leader", "dispatch_admin"),
        awaiting="host_leader",
    )
    report = remind(today=MONDAY - dt.timedelta(days=7))
    text = "张三申请年休假2天（2026年6月8日起），等待您审批。"
    assert told("leave.awaiting") == [("host", text), ("host-of-a", text)]
    assert report.sent["leave.awaiting"] == 2
    notification = Notification.objects.get(recipient=world.users["host_leader"])
    assert (notification.key, notification.url) == (
        f"leave:{pending.pk}:step:0",
        "/duty/approvals/",
    )

    # The next step waits for the dispatching unit: its admin is told, nobody twice.
    LeaveRequest.objects.filter(pk=pending.pk).update(step=1, awaiting_role="dispatch_admin")
    report = remind(today=MONDAY - dt.timedelta(days=6))
    assert told("leave.awaiting") == sorted(
        [("host", text), ("host-of-a", text), ("dispatch", text)]
    )
    assert report.sent["leave.awaiting"] == 1


def test_leave_of_a_batch_not_on_duty_tells_nobody(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    leave(found.serving_a, LeaveState.PENDING, MONDAY, MONDAY, awaiting="host_leader")
    leave(found.serving_a, LeaveState.OVERDUE, MONDAY - dt.timedelta(days=14), MONDAY)
    Batch.objects.filter(pk=found.batch_a.pk).update(state=BatchState.EVALUATING)
    report = remind(today=dt.date(2026, 6, 25))
    assert report.total == 0
    assert Notification.objects.count() == 0


def test_a_person_no_longer_on_duty_is_not_reminded(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    leave(found.serving_a, LeaveState.PENDING, MONDAY, MONDAY, awaiting="host_leader")
    Assignment.objects.filter(pk=found.serving_a.pk).update(state=AssignmentState.ENDED)
    assert remind(today=dt.date(2026, 6, 25)).total == 0


def test_an_away_report_waiting_for_acknowledgement_tells_the_host_leaders(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    saturday = dt.date(2026, 6, 13)
    away = AwayReport.objects.create(
        assignment=found.serving_a,
        reason="回家探望父母",
        destination="南昌市",
        leave_date=saturday,
        return_date=saturday + dt.timedelta(days=1),
        stand_in="李明",
        contact_phone="13912345678",
    )
    AwayReport.objects.create(
        assignment=found.serving_a,
        reason="已确认的",
        destination="九江市",
        leave_date=saturday + dt.timedelta(days=7),
        return_date=saturday + dt.timedelta(days=8),
        stand_in="李明",
        contact_phone="13912345678",
        state=AwayState.ACKNOWLEDGED,
    )
    remind(today=dt.date(2026, 6, 11))
    assert told("away.awaiting") == [
        ("host", "张三报备外出（2026年6月13日至2026年6月14日，去向：南昌市），请确认。")
    ]
    assert Notification.objects.get(kind="away.awaiting").key == f"away:{away.pk}:awaiting"


# --- return due, overdue ------------------------------------------------------------------


def test_the_person_is_reminded_to_report_back_on_the_last_day(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    ends = MONDAY + dt.timedelta(days=1)
    approved = leave(found.serving_a, LeaveState.APPROVED, MONDAY, ends)
    first = remind(today=MONDAY)
    assert first.advanced == {"started": 1, "overdue": 0}
    assert told("leave.return_due") == []
    remind(today=ends)
    assert told("leave.return_due") == [
        ("cadre", "您的年休假今天（2026年6月9日）结束，返岗当天请及时销假。")
    ]
    notification = Notification.objects.get(kind="leave.return_due")
    assert notification.url == f"/duty/assignments/{found.serving_a.pk}/leave/"
    approved.refresh_from_db()
    assert approved.state == LeaveState.ON_LEAVE


def test_leave_continued_by_an_extension_is_not_announced_as_ending(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    first = leave(found.serving_a, LeaveState.ON_LEAVE, MONDAY, MONDAY)
    leave(
        found.serving_a,
        LeaveState.PENDING,
        MONDAY + dt.timedelta(days=1),
        MONDAY + dt.timedelta(days=1),
        awaiting="host_leader",
        extends=first,
    )
    remind(today=MONDAY)
    assert told("leave.return_due") == []


def test_an_overdue_leave_tells_the_person_and_the_first_steps_approvers(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    overdue = leave(
        found.serving_a,
        LeaveState.OVERDUE,
        MONDAY,
        MONDAY + dt.timedelta(days=1),
        chain=("host_leader", "dispatch_admin"),
    )
    remind(today=dt.date(2026, 6, 12))
    assert told("leave.overdue") == [
        ("cadre", "您的年休假已于2026年6月9日结束，至今未销假，已记为逾期。请尽快销假。"),
        ("host", "张三的年休假已于2026年6月9日结束，至今未销假，已记为逾期。"),
    ]
    assert set(Notification.objects.filter(kind="leave.overdue").values_list("key", flat=True)) == {
        f"leave:{overdue.pk}:overdue"
    }


def test_leave_not_reported_back_becomes_overdue_and_is_told_once(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    found = fixed_term(world)
    approved = leave(found.serving_a, LeaveState.APPROVED, MONDAY, MONDAY + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        report = remind(today=dt.date(2026, 6, 12))
    assert report.advanced == {"started": 1, "overdue": 1}
    approved.refresh_from_db()
    assert approved.state == LeaveState.OVERDUE
    # The leave area tells both as the state moves; the reminder finds them told (same key).
    assert [row[0] for row in told("leave.overdue")] == ["cadre", "host"]
    assert Notification.objects.filter(key=f"leave:{approved.pk}:overdue").count() == 2


# --- the month's accomplishment -----------------------------------------------------------


def test_a_month_without_an_accomplishment_is_reminded_from_the_25th(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    remind(today=dt.date(2026, 6, 24))
    assert told("log.accomplishment_missing") == []
    remind(today=dt.date(2026, 6, 25))
    remind(today=dt.date(2026, 6, 26))
    assert told("log.accomplishment_missing") == [
        ("cadre", "2026年6月您还没有记录“做成一件事”，请在月底前记入工作纪实。")
    ]
    notification = Notification.objects.get(kind="log.accomplishment_missing")
    assert notification.key == f"accomplishment:{duty_world(world).serving_a.pk}:2026-06"
    assert notification.url == f"/duty/assignments/{duty_world(world).serving_a.pk}/log/"


def test_an_accomplishment_this_month_or_a_batch_not_requiring_one_means_no_reminder(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    entry = WorkLogEntry.objects.create(
        assignment=found.serving_a,
        date=dt.date(2026, 6, 3),
        category="招商引资",
        title="引进企业",
        content="签约一家企业",
        accomplishment=True,
    )
    remind(today=dt.date(2026, 6, 25))
    assert told("log.accomplishment_missing") == []
    WorkLogEntry.objects.filter(pk=entry.pk).update(accomplishment=False)
    found.rules_a.monthly_accomplishment_required = False
    found.rules_a.save(update_fields=["monthly_accomplishment_required"])
    remind(today=dt.date(2026, 6, 26))
    assert told("log.accomplishment_missing") == []


def test_the_reminder_day_is_the_batchs_own(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    found.rules_a.accomplishment_reminder_day = 20
    found.rules_a.save(update_fields=["accomplishment_reminder_day"])
    remind(today=dt.date(2026, 6, 20))
    assert [row[0] for row in told("log.accomplishment_missing")] == ["cadre"]


# --- periodic reports ---------------------------------------------------------------------


def _group_with_leaders(world: Any, found: DutyWorld) -> None:
    """张三's group: its leader holds the group-leader role for batch A, its deputy none."""
    leader_user = UserFactory(username="leader", full_name="孙组长")
    deputy_user = UserFactory(username="deputy", full_name="周副组长")
    post = PostFactory(batch=found.batch_a, host_unit=world.township_a, title="镇长助理")
    # Both reported for duty on the day of the runs below: no report of theirs is due yet.
    starts = dt.date(2026, 6, 2)
    leader = assign(
        post,
        CadreFactory(name="孙组长", home_unit=world.school_a, user=leader_user),
        AssignmentState.ACTIVE,
        start_date=starts,
    )
    deputy = assign(
        post,
        CadreFactory(name="周副组长", home_unit=world.school_a, user=deputy_user),
        AssignmentState.ACTIVE,
        start_date=starts,
    )
    RoleAssignment.objects.create(
        user=leader_user,
        role=Role.GROUP_LEADER,
        organisation=found.batch_a.coordinating_org,
        batch=found.batch_a,
    )
    group = Group.objects.create(batch=found.batch_a, name="第一组", leader=leader, deputy=deputy)
    Assignment.objects.filter(pk__in=[found.serving_a.pk, leader.pk, deputy.pk]).update(group=group)


def test_a_report_due_within_three_days_is_announced_and_late_ones_go_to_the_leaders_too(
    world,
) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    _group_with_leaders(world, found)
    # March is in; April and May are not. May's report is due on 5 June.
    PeriodicReport.objects.create(
        assignment=found.serving_a,
        frequency=ReportFrequency.MONTHLY,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        due_on=dt.date(2026, 4, 5),
        state=ReportState.SUBMITTED,
        submitted_at=timezone.now(),
    )
    remind(today=dt.date(2026, 6, 1))
    assert told("report.due") == []
    remind(today=dt.date(2026, 6, 2))
    assert told("report.due") == [("cadre", "2026年5月的定期汇报请于2026年6月5日前提交。")]
    assert told("report.late") == [
        ("cadre", "2026年4月的定期汇报已过提交期限（2026年5月5日），请尽快提交。"),
        ("groupleader", "张三2026年4月的定期汇报已过提交期限（2026年5月5日），尚未提交。"),
        ("leader", "张三2026年4月的定期汇报已过提交期限（2026年5月5日），尚未提交。"),
    ]
    urls = set(
        Notification.objects.filter(kind__startswith="report.").values_list("url", flat=True)
    )
    assert urls == {f"/duty/assignments/{found.serving_a.pk}/reports/"}


def test_a_draft_is_not_a_submission_and_a_submitted_report_is_not_late(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    for month in (3, 4):
        PeriodicReport.objects.create(
            assignment=found.serving_a,
            frequency=ReportFrequency.MONTHLY,
            period_start=dt.date(2026, month, 1),
            period_end=dt.date(2026, month + 1, 1) - dt.timedelta(days=1),
            due_on=dt.date(2026, month + 1, 5),
            state=ReportState.SUBMITTED if month == 3 else ReportState.DRAFT,
        )
    PeriodicReport.objects.filter(period_start=dt.date(2026, 3, 1)).update(
        submitted_at=timezone.now()
    )
    remind(today=dt.date(2026, 5, 6))
    assert told("report.late") == [
        ("cadre", "2026年4月的定期汇报已过提交期限（2026年5月5日），请尽快提交。"),
        ("groupleader", "张三2026年4月的定期汇报已过提交期限（2026年5月5日），尚未提交。"),
    ]


def test_quarterly_reports_follow_the_quarters(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    found.rules_a.report_frequency = ReportFrequency.QUARTERLY
    found.rules_a.save(update_fields=["report_frequency"])
    # The first quarter of the term is March alone (clipped), due on 5 April.
    remind(today=dt.date(2026, 4, 3))
    assert told("report.due") == [("cadre", "2026年第一季度的定期汇报请于2026年4月5日前提交。")]


def _april(found: DutyWorld, state: str, **fields: Any) -> PeriodicReport:
    """张三's April report (due 5 May), with March's accepted so only April can be owed."""
    PeriodicReport.objects.create(
        assignment=found.serving_a,
        frequency=ReportFrequency.MONTHLY,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        due_on=dt.date(2026, 4, 5),
        state=ReportState.ACCEPTED,
        submitted_at=timezone.now(),
    )
    values: dict[str, Any] = {"due_on": dt.date(2026, 5, 5), **fields}
    return PeriodicReport.objects.create(
        assignment=found.serving_a,
        frequency=ReportFrequency.MONTHLY,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 4, 30),
        state=state,
        **values,
    )


def _move(report: PeriodicReport, action: str) -> None:
    """What report_submit / report_return leave behind: the state and a trail row."""
    state = ReportState.RETURNED if action == ReviewAction.RETURN else ReportState.SUBMITTED
    PeriodicReport.objects.filter(pk=report.pk).update(state=state)
    ReportReview.objects.create(report=report, action=action)


def test_a_returned_report_is_reminded_again_after_each_return_until_resubmitted(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    report = _april(found, ReportState.SUBMITTED, submitted_at=timezone.now())
    ReportReview.objects.create(report=report, action=ReviewAction.SUBMIT)
    _move(report, ReviewAction.RETURN)

    # Returned before the due day: announced as due again within three days of it.
    remind(today=dt.date(2026, 5, 3))
    assert told("report.due") == [
        ("cadre", "2026年4月的定期汇报被退回，请修改后于2026年5月5日前重新提交。")
    ]
    remind(today=dt.date(2026, 5, 6))
    remind(today=dt.date(2026, 5, 7))  # the same return: nothing again
    assert told("report.late") == [
        (
            "cadre",
            "2026年4月的定期汇报被退回后尚未重新提交，已过提交期限（2026年5月5日），请尽快修改提交。",
        ),
        (
            "groupleader",
            "张三2026年4月的定期汇报被退回后尚未重新提交，已过提交期限（2026年5月5日）。",
        ),
    ]
    # Submitted again: owed no more.
    _move(report, ReviewAction.SUBMIT)
    remind(today=dt.date(2026, 5, 8))
    assert Notification.objects.filter(kind="report.late").count() == 2
    # Returned a second time: reminded once more, once.
    _move(report, ReviewAction.RETURN)
    remind(today=dt.date(2026, 5, 9))
    remind(today=dt.date(2026, 5, 10))
    keys = sorted(
        Notification.objects.filter(kind="report.late", recipient__username="cadre").values_list(
            "key", flat=True
        )
    )
    assert keys == [
        f"report.late:{found.serving_a.pk}:2026-04-01:returned:1",
        f"report.late:{found.serving_a.pk}:2026-04-01:returned:2",
    ]


def test_reminders_follow_a_reports_own_due_date(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    # April's draft was made when reports were due 5 days after the month; now the batch gives
    # 20. The draft keeps its 5 May.
    _april(found, ReportState.DRAFT)
    found.rules_a.report_due_days = 20
    found.rules_a.save(update_fields=["report_due_days"])
    remind(today=dt.date(2026, 5, 6))
    assert told("report.late") == [
        ("cadre", "2026年4月的定期汇报已过提交期限（2026年5月5日），请尽快提交。"),
        ("groupleader", "张三2026年4月的定期汇报已过提交期限（2026年5月5日），尚未提交。"),
    ]


# --- the attendance return ----------------------------------------------------------------


def test_the_attendance_return_is_announced_before_the_return_day_then_late(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    remind(today=dt.date(2026, 6, 2))
    assert told("attendance.due") == []
    remind(today=dt.date(2026, 6, 3))
    assert told("attendance.due") == [
        ("host", "白鹿镇2026年5月的考勤月报请于2026年6月5日前报送组织部门。")
    ]
    remind(today=dt.date(2026, 6, 5))
    remind(today=dt.date(2026, 6, 6))
    assert told("attendance.late") == [
        ("host", "白鹿镇2026年5月的考勤月报已过报送期限（2026年6月5日），尚未报送。")
    ]
    assert len(told("attendance.due")) == 1
    notification = Notification.objects.get(kind="attendance.late")
    found = duty_world(world)
    assert notification.key == f"attendance.late:{found.batch_a.pk}:{world.township_a.pk}:2026-05"
    assert notification.url == f"/duty/batches/{found.batch_a.pk}/attendance/"


def test_a_submitted_attendance_return_is_not_reminded(world) -> None:  # type: ignore[no-untyped-def]
    found = fixed_term(world)
    AttendanceReturn.objects.create(
        batch=found.batch_a,
        host_unit=world.township_a,
        month=dt.date(2026, 5, 1),
        submitted_at=timezone.now(),
    )
    remind(today=dt.date(2026, 6, 6))
    assert told("attendance.late") == []


def test_no_attendance_return_is_owed_for_the_month_before_the_term(world) -> None:  # type: ignore[no-untyped-def]
    fixed_term(world)
    remind(today=dt.date(2026, 3, 6))
    assert told("attendance.late") == []


# --- once, and everywhere at once ---------------------------------------------------------


def _busy_day(world: Any) -> DutyWorld:
    """A day with something of several kinds: a leave waiting, an overdue one, late reports."""
    found = fixed_term(world)
    host = world.users["host_leader"]
    host.email = "zhao@bailu.gov.cn"
    host.save(update_fields=["email"])
    cadre = world.users["cadre"]
    cadre.email = "zhangsan@xunyang.gov.cn"
    cadre.save(update_fields=["email"])
    leave(found.serving_a, LeaveState.PENDING, MONDAY, MONDAY, awaiting="host_leader")
    leave(found.serving_a, LeaveState.OVERDUE, dt.date(2026, 5, 11), dt.date(2026, 5, 12))
    return found


def test_running_twice_on_one_day_sends_nothing_twice(world) -> None:  # type: ignore[no-untyped-def]
    _busy_day(world)
    first = remind(today=dt.date(2026, 6, 3))
    assert first.sent == {
        "leave.awaiting": 1,
        "away.awaiting": 0,
        "leave.return_due": 0,
        "leave.overdue": 2,
        "log.accomplishment_missing": 0,
        "report.due": 1,
        "report.late": 4,  # March and April, each to 张三 and to 组长钱
        "attendance.due": 1,
        "attendance.late": 0,
    }
    made = Notification.objects.count()
    assert made == 9
    # Emailed in one go to those with an address: 张三 (4) and the host leader (3).
    assert first.emailed == 7
    assert sorted(email.to[0] for email in mail.outbox) == (
        ["zhangsan@xunyang.gov.cn"] * 4 + ["zhao@bailu.gov.cn"] * 3
    )

    again = remind(today=dt.date(2026, 6, 3))
    assert again.total == 0
    assert again.emailed == 0
    assert Notification.objects.count() == made
    assert len(mail.outbox) == 7


def test_each_run_is_in_the_audit_trail(world) -> None:  # type: ignore[no-untyped-def]
    _busy_day(world)
    remind(today=dt.date(2026, 6, 3))
    event = AuditEvent.objects.get(action="remind.run")
    assert (event.actor_id, event.actor_name) == (None, "system")
    assert event.detail == {
        "date": "2026-06-03",
        "sent": {
            "leave.awaiting": 1,
            "leave.overdue": 2,
            "report.due": 1,
            "report.late": 4,
            "attendance.due": 1,
        },
        "advanced": {"started": 0, "overdue": 0},
        "emailed": 7,
    }


# --- the command and the job --------------------------------------------------------------


def test_the_command_runs_as_of_the_date_given_and_says_what_it_sent(world) -> None:  # type: ignore[no-untyped-def]
    _busy_day(world)
    out = io.StringIO()
    call_command("remind", "--date", "2026-06-03", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "reminders for 2026-06-03:"
    assert "  leave.awaiting: 1" in lines
    assert "  report.late: 4" in lines
    assert "  notifications made: 9" in lines
    assert lines[-1] == "  emails sent: 7"
    out = io.StringIO()
    call_command("remind", "--date", "2026-06-03", stdout=out)
    assert "  notifications made: 0" in out.getvalue().splitlines()


def test_the_command_refuses_a_date_it_cannot_read(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="--date: expected YYYY-MM-DD"):
        call_command("remind", "--date", "2026/06/03", stdout=io.StringIO())
    assert Notification.objects.count() == 0


def test_the_worker_runs_it_as_a_job(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    _busy_day(world)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=world.users["admin"], kind=REMIND_JOB, params={"date": "2026-06-03"})
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert job.result["date"] == "2026-06-03"
    assert job.result["sent"]["leave.awaiting"] == 1
    assert job.result["emailed"] == 7
    assert (job.done, job.total) == (8, 8)


def _more_people(world: Any, found: DutyWorld, count: int) -> None:
    """`count` more people on duty in batch A, each with an account, a leave waiting and an
    away report waiting."""
    post = PostFactory(batch=found.batch_a, host_unit=world.township_a, title="镇长助理")
    for _ in range(count):
        person = assign(
            post,
            CadreFactory(home_unit=world.school_a, user=UserFactory()),
            AssignmentState.ACTIVE,
            start_date=TERM_START,
        )
        leave(person, LeaveState.PENDING, MONDAY, MONDAY, awaiting="host_leader")
        AwayReport.objects.create(
            assignment=person,
            reason="探亲",
            destination="南昌市",
            leave_date=dt.date(2026, 6, 13),
            return_date=dt.date(2026, 6, 14),
            stand_in="李明",
            contact_phone="13912345678",
        )


def _queries_of_a_quiet_run(today: dt.date) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert remind(today=today).total == 0
    return len(captured)


def test_a_run_costs_the_same_queries_for_two_people_as_for_eight(world) -> None:  # type: ignore[no-untyped-def]
    found = _busy_day(world)
    today = dt.date(2026, 6, 26)  # leave, away reports, reports, the month's accomplishment
    _more_people(world, found, 1)
    first = remind(today=today)
    assert first.sent["leave.awaiting"] == 2 and first.sent["away.awaiting"] == 1
    few = _queries_of_a_quiet_run(today)
    _more_people(world, found, 6)
    remind(today=today)
    assert _queries_of_a_quiet_run(today) == few

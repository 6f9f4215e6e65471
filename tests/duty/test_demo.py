"""The demo's life on duty (what `make demo` shows): every state, a term of logs, who has what to do.

The demo is loaded once for the tests of TestTheDemo, as of TODAY (a Tuesday late in the term),
on top of the city and its programmes; each test runs in a savepoint inside that load (a class,
so that the load is rolled back before the command's test, which needs an empty database). The
command loads it at the real date, with its commit callbacks.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from guazhi.core.attachments import attachments_of
from guazhi.core.models import Attachment, AuditEvent, Notification
from guazhi.duty import demo
from guazhi.duty.models import (
    AttendanceReturn,
    AwayReport,
    AwayState,
    CheckResult,
    DutyTask,
    HeartTalk,
    Inspection,
    InspectionState,
    LeaveLedgerEntry,
    LeaveRequest,
    LeaveState,
    LedgerKind,
    PeriodicReport,
    ReportState,
    ReviewAction,
    TaskState,
    WorkLogEntry,
)
from guazhi.duty.selectors.attendance import attendance_return_due
from guazhi.duty.selectors.inspections import draw_check
from guazhi.duty.selectors.leave import approval_inbox
from guazhi.duty.selectors.logs import accomplishment_missing
from guazhi.duty.selectors.reports import person_report_rows, review_queue
from guazhi.duty.selectors.scope import can_act_on_step
from guazhi.orgs import demo as orgs_demo
from guazhi.orgs.models import Role, RoleAssignment, User
from guazhi.programmes import demo as programmes_demo
from guazhi.programmes.models import Assignment, AssignmentState

TODAY = dt.date(2026, 11, 24)
TERM_START = dt.date(2026, 3, 2)


@dataclass
class Loaded:
    result: demo.DutyDemoResult
    people: list[Assignment]


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker) -> Iterator[Loaded]:  # type: ignore[no-untyped-def]
    # Runs before the per-test fixtures (the cache clear among them): start from an empty
    # cache, or scopes cached by an earlier test on this worker would answer for these users.
    from django.core.cache import cache

    cache.clear()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            programmes = programmes_demo.programmes_demo_load(orgs_demo.demo_load())
            result = demo.duty_demo_load(programmes, today=TODAY)
            people = list(
                Assignment.objects.filter(batch=result.batch, state=AssignmentState.ACTIVE)
                .select_related("cadre__user", "host_unit", "batch__coordinating_org", "group")
                .order_by("cadre__name_pinyin")
            )
            yield Loaded(result, people)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def on_duty(loaded, db) -> Loaded:  # type: ignore[no-untyped-def]
    return loaded  # type: ignore[no-any-return]


def user(username: str) -> User:
    return User.objects.get(username=username)


def mine(username: str) -> Assignment:
    return Assignment.objects.select_related("batch__coordinating_org", "host_unit").get(
        cadre__user__username=username, state=AssignmentState.ACTIVE
    )


class TestTheDemo:
    """What the demo holds and who has what to do, as of TODAY."""

    # Leave ------------------------------------------------------------------------------------------

    def test_leave_is_there_in_every_state(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        leave = LeaveRequest.objects.filter(assignment__batch=on_duty.result.batch)
        states = Counter(leave.values_list("state", flat=True))
        assert set(states) == set(LeaveState.values)
        assert {
            state: count for state, count in states.items() if state != LeaveState.RETURNED
        } == {
            LeaveState.DRAFT: 1,
            LeaveState.PENDING: 3,
            LeaveState.APPROVED: 1,
            LeaveState.ON_LEAVE: 1,
            LeaveState.OVERDUE: 1,
            LeaveState.REJECTED: 1,
            LeaveState.WITHDRAWN: 1,
        }
        # Pending at each step of the chain, each with who acts on it.
        pending = {
            leave.awaiting_role: leave
            for leave in leave.filter(state=LeaveState.PENDING).select_related(
                "assignment__cadre__user", "assignment__host_unit", "assignment__home_unit"
            )
        }
        assert set(pending) == {"host_leader", "dispatch_admin", "coordinator"}
        assert pending["host_leader"].assignment.cadre.user.username == "cadre.duty"
        assert can_act_on_step(actor=user("host.bailu"), leave=pending["host_leader"])
        assert pending["dispatch_admin"].assignment.cadre.user.username == "groupleader"
        assert can_act_on_step(actor=user("dispatch.fagaiwei"), leave=pending["dispatch_admin"])
        assert can_act_on_step(actor=user("coordinator"), leave=pending["coordinator"])
        assert pending["coordinator"].decisions.count() == 2
        # Upcoming, on leave today, overdue since three working days.
        [upcoming] = leave.filter(state=LeaveState.APPROVED)
        assert upcoming.start_date > TODAY
        [away_now] = leave.filter(state=LeaveState.ON_LEAVE)
        assert away_now.start_date <= TODAY <= away_now.end_date
        [overdue] = leave.filter(state=LeaveState.OVERDUE)
        assert overdue.end_date == dt.date(2026, 11, 19)
        assert overdue.overdue_at is not None
        [rejected] = leave.filter(state=LeaveState.REJECTED)
        assert rejected.decisions.get().comment.startswith("该时段单位有重点工作安排")

    def test_an_early_return_an_extension_and_leave_entered_afterwards(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        batch = on_duty.result.batch
        [given_back] = LeaveLedgerEntry.objects.filter(
            assignment__batch=batch, kind=LedgerKind.GIVE_BACK
        )
        early = given_back.request
        assert (given_back.note, given_back.days, early.days) == ("提前返岗", 2, 2)
        assert early.returned_date == early.end_date + dt.timedelta(days=1)
        [extension] = LeaveRequest.objects.filter(assignment__batch=batch, extends__isnull=False)
        assert extension.extends is not None
        assert (extension.state, extension.extends.state) == (
            LeaveState.RETURNED,
            LeaveState.RETURNED,
        )
        assert extension.start_slot == extension.extends.end_slot + 1
        [emergency] = LeaveRequest.objects.filter(assignment__batch=batch, emergency=True)
        assert emergency.state == LeaveState.RETURNED
        assert emergency.end_date == dt.date(2026, 11, 23)
        assert emergency.created_by != emergency.assignment.cadre.user  # entered by the host unit
        assert RoleAssignment.objects.filter(
            user=emergency.created_by, role=Role.HOST_LEADER
        ).exists()
        # A sick note on every sick leave; everyone's annual and home-visit balances granted.
        for sick in LeaveRequest.objects.filter(assignment__batch=batch, leave_type__kind="sick"):
            assert attachments_of(sick).filter(mime_type="image/png").exists()
        grants = Counter(
            LeaveLedgerEntry.objects.filter(kind=LedgerKind.GRANT).values_list(
                "leave_type__kind", "days"
            )
        )
        assert grants == {("annual", 5): 16, ("home_visit", 20): 16}

    # The work log and tasks -------------------------------------------------------------------------

    def test_everyone_has_a_log_from_the_first_week_of_the_term_to_yesterday(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        for person in on_duty.people:
            days = list(
                WorkLogEntry.objects.filter(assignment=person).values_list("date", flat=True)
            )
            assert min(days) < TERM_START + dt.timedelta(days=7), person.cadre.name
            assert TODAY - dt.timedelta(days=7) <= max(days) < TODAY, person.cadre.name
            weeks = Counter(day.isocalendar()[:2] for day in days)
            assert max(weeks.values()) <= 4, person.cadre.name
            assert 2 <= len(days) / len(weeks) <= 4, person.cadre.name
        entries = WorkLogEntry.objects.filter(assignment__batch=on_duty.result.batch)
        assert entries.count() == 1805
        quantities = set(entries.values_list("quantities__label", "quantities__unit"))
        assert {("争取资金", "元"), ("走访企业", "家"), ("走访群众", "户")} <= quantities
        assert set(entries.values_list("category", flat=True)) >= {
            "调研",
            "招商引资",
            "宣传",
            "会议",
            "学习",
            "走访",
            "活动",
        }
        photos = Attachment.objects.filter(
            mime_type="image/png", content_type__model="worklogentry"
        )
        assert photos.values("object_id").distinct().count() == 3
        assert set(
            entries.filter(pk__in=photos.values("object_id")).values_list(
                "assignment__cadre__user__username", flat=True
            )
        ) >= {"cadre.duty"}

    def test_most_months_have_an_accomplishment_and_october_shows_a_gap(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        people = Assignment.objects.filter(pk__in=[p.pk for p in on_duty.people])
        for month in range(3, 10):
            assert not accomplishment_missing(assignments=people, month=dt.date(2026, month, 1))
        missing = accomplishment_missing(assignments=people, month=dt.date(2026, 10, 1))
        assert missing.count() == 2
        assert not missing.filter(cadre__user__username__in=["cadre.duty", "groupleader"]).exists()

    def test_task_lists_were_agreed_and_ticked_off_with_evidence(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        tasks = DutyTask.objects.filter(assignment__batch=on_duty.result.batch)
        assert Counter(tasks.values_list("state", flat=True)) == {
            TaskState.DONE: 42,
            TaskState.AGREED: 38,
            TaskState.PROPOSED: 1,
        }
        [waiting] = tasks.filter(state=TaskState.PROPOSED)
        assert waiting.assignment == mine("cadre.duty")
        for task in tasks.filter(state=TaskState.DONE):
            assert task.evidence.exists()
            assert all(e.assignment_id == task.assignment_id for e in task.evidence.all())
        overdue = tasks.filter(state=TaskState.AGREED, target_month__lt=dt.date(2026, 11, 1))
        assert overdue.count() == 6

    # Reports, returns, talks, away ------------------------------------------------------------------

    def test_reports_accepted_one_returned_one_waiting_one_late_one_missing(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        reports = PeriodicReport.objects.filter(assignment__batch=on_duty.result.batch)
        assert Counter(reports.values_list("state", flat=True)) == {
            ReportState.ACCEPTED: 16 * 8 - 3,
            ReportState.SUBMITTED: 1,
            ReportState.RETURNED: 1,
        }
        leader = user("groupleader")
        [waiting] = review_queue(actor=leader)
        assert waiting.assignment == mine("cadre.duty")
        assert waiting.period_start == dt.date(2026, 10, 1)
        returned = reports.get(state=ReportState.RETURNED)
        assert returned.reviews.filter(action=ReviewAction.RETURN, actor=leader).exists()
        # Late marks as the person's list shows them: one sent late, one never sent.
        coordinator = user("coordinator")
        late = [
            (person.cadre.name, row.period.start, row.state)
            for person in on_duty.people
            for row in person_report_rows(actor=coordinator, assignment=person, today=TODAY)
            if row.late and row.state != ReportState.RETURNED
        ]
        assert [(start, state) for _name, start, state in late] == [
            (dt.date(2026, 6, 1), ReportState.ACCEPTED),
            (dt.date(2026, 10, 1), "missing"),
        ]
        # Returned once and sent again, accepted: the trail keeps the return.
        trails = [
            list(report.reviews.order_by("created_at", "id").values_list("action", flat=True))
            for report in reports.filter(state=ReportState.ACCEPTED)
        ]
        assert ["submit", "return", "submit", "accept"] in trails

    def test_attendance_returns_were_sent_one_late_one_missing(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        batch = on_duty.result.batch
        units = {person.host_unit_id for person in on_duty.people}
        sent = AttendanceReturn.objects.filter(batch=batch)
        by_month = Counter(sent.values_list("month", flat=True))
        assert by_month == {dt.date(2026, month, 1): len(units) for month in range(3, 10)} | {
            dt.date(2026, 10, 1): len(units) - 1
        }
        late = [
            row
            for row in sent
            if timezone.localdate(row.submitted_at) > attendance_return_due(batch, row.month)
        ]
        assert len(late) == 1
        assert late[0].note

    def test_talks_by_the_group_leader_and_host_leader_and_away_reports(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        talks = HeartTalk.objects.filter(assignment__batch=on_duty.result.batch)
        assert set(talks.values_list("recorded_by__username", flat=True)) == {
            "groupleader",
            "host.bailu",
        }
        assert talks.filter(
            recorded_by__username="host.bailu", assignment=mine("cadre.duty")
        ).exists()
        away = AwayReport.objects.filter(assignment__batch=on_duty.result.batch)
        assert Counter(away.values_list("state", flat=True)) == {
            AwayState.ACKNOWLEDGED: 14,
            AwayState.SUBMITTED: 1,
        }
        [waiting] = away.filter(state=AwayState.SUBMITTED)
        assert waiting.assignment == mine("groupleader")
        assert waiting.leave_date > TODAY

    # The inspection ---------------------------------------------------------------------------------

    def test_one_inspection_drawn_with_its_seed_found_an_absence(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        [inspection] = Inspection.objects.filter(batch=on_duty.result.batch)
        assert inspection.state == InspectionState.COMPLETED
        assert inspection.seed is not None and inspection.spread_across_hosts
        checks = list(inspection.checks.select_related("assignment"))
        assert len(checks) == 6
        assert len({check.assignment.host_unit_id for check in checks}) == 6
        results = Counter(check.result for check in checks)
        assert results == {
            CheckResult.PRESENT: 3,
            CheckResult.ON_LEAVE: 1,
            CheckResult.ABSENT: 1,
            CheckResult.OTHER: 1,
        }
        absent = next(check for check in checks if check.result == CheckResult.ABSENT)
        other = next(check for check in checks if check.result == CheckResult.OTHER)
        assert absent.rectification and absent.rectified_at is not None
        assert other.rectification and other.rectified_at is None
        redrawn = draw_check(actor=user("coordinator"), inspection=inspection)
        assert redrawn is not None and redrawn.matches and redrawn.population == 16

    # Who has what to do -----------------------------------------------------------------------------

    def test_the_cadre_on_duty_sees_her_leave_and_log(self, on_duty, client) -> None:  # type: ignore[no-untyped-def]
        client.force_login(user("cadre.duty"))
        assignment = mine("cadre.duty")
        leave = client.get(reverse("duty:leave_list", kwargs={"assignment_pk": assignment.pk}))
        assert leave.status_code == 200
        assert "事假" in leave.content.decode()
        log = client.get(reverse("duty:log_list", kwargs={"assignment_pk": assignment.pk}))
        assert log.status_code == 200
        latest = WorkLogEntry.objects.filter(assignment=assignment).order_by("-date", "-id").first()
        assert latest is not None and latest.title in log.content.decode()

    def test_the_host_leaders_inbox_lists_the_waiting_leave(self, on_duty, client) -> None:  # type: ignore[no-untyped-def]
        host = user("host.bailu")
        [waiting] = approval_inbox(actor=host)
        assert waiting.assignment == mine("cadre.duty")
        client.force_login(host)
        page = client.get(reverse("duty:approval_inbox")).content.decode()
        assert "缪悦" in page
        # The reminder run told him too, and of the group leader's weekend away.
        told = set(Notification.objects.filter(recipient=host).values_list("kind", flat=True))
        assert told == {"leave.awaiting", "away.awaiting"}
        assert set(
            Notification.objects.filter(recipient=user("groupleader")).values_list(
                "kind", flat=True
            )
        ) == {"report.late"}

    def test_every_row_was_written_by_a_service_and_audited(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        actions = Counter(AuditEvent.objects.values_list("action", flat=True))
        batch = on_duty.result.batch
        assert (
            actions["log_entry.create"]
            == WorkLogEntry.objects.filter(assignment__batch=batch).count()
        )
        assert actions["leave.submit"] + actions["leave.emergency"] + actions["leave.extend"] == (
            LeaveRequest.objects.filter(assignment__batch=batch)
            .exclude(state=LeaveState.DRAFT)
            .count()
        )
        assert (
            actions["report.submit"]
            == PeriodicReport.objects.filter(reviews__action=ReviewAction.SUBMIT).count()
        )
        assert actions["inspection.plan"] == 1
        assert actions["remind.run"] == 1
        # The past happened when it says: the first log entries in March, the accounts before.
        first_entry = AuditEvent.objects.filter(action="log_entry.create").order_by("created_at")[0]
        assert first_entry.created_at.date() < TERM_START + dt.timedelta(days=7)


# The command ------------------------------------------------------------------------------------


def test_demo_data_loads_life_on_duty_once_and_settles_the_inboxes(
    db, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_data", stdout=out)
    printed = out.getvalue()
    assert "在岗管理 / on duty:" in printed
    assert "cadre.duty" in printed and "缪悦 · 白鹿镇镇长助理（在岗）" in printed
    assert "host.shili" in printed
    # The services' notices about things long done are read; what waits is not.
    host = user("host.bailu")
    unread = Notification.objects.filter(recipient=host, read_at__isnull=True)
    assert set(unread.values_list("kind", flat=True)) <= {
        "leave.awaiting",
        "away.awaiting",
        "summary.accept",  # 陈瑶's mid-term summary waits for his appraisal
        "round.open",  # the annual evaluation is open and 缪悦 is left for him to rate
    }
    assert Notification.objects.filter(recipient=host, read_at__isnull=False).exists()
    counts = _counts()
    again = StringIO()
    call_command("demo_data", "--if-empty", stdout=again)
    assert "未载入" in again.getvalue()
    assert _counts() == counts


def _counts() -> dict[str, Any]:
    return {
        "log": WorkLogEntry.objects.count(),
        "leave": LeaveRequest.objects.count(),
        "reports": PeriodicReport.objects.count(),
        "notifications": Notification.objects.count(),
        "audit": AuditEvent.objects.count(),
        "users": User.objects.count(),
    }

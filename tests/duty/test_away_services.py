"""Away-from-post reports (外出报备): who files them, which days they may cover, acknowledging,
withdrawing, and the host leaders' inbox.

Dates are fixed in 2026, whose holidays the work calendar knows: National Day is 1–7 October,
with 20 September (a Sunday) and 10 October (a Saturday) worked instead.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.duty.models import AwayReport, AwayState, LeaveRequest, LeaveType, half_slot
from guazhi.duty.selectors.away import away_awaiting_acknowledgement
from guazhi.duty.services.away import (
    away_report_acknowledge,
    away_report_submit,
    away_report_withdraw,
)
from guazhi.orgs.models import Role, User
from guazhi.programmes.models import Assignment, AssignmentState
from tests.duty.world import DutyWorld, duty_world
from tests.factories import CadreFactory, grant
from tests.programmes.factories import PostFactory, assign

TODAY = dt.date(2026, 9, 9)  # a Wednesday
TERM = (dt.date(2026, 3, 1), dt.date(2027, 2, 28))


def on_duty(world) -> DutyWorld:  # type: ignore[no-untyped-def]
    """The duty world with 张三's term fixed to TERM, so the 2026 dates below fall inside it."""
    found = duty_world(world)
    Assignment.objects.filter(pk=found.serving_a.pk).update(start_date=TERM[0], end_date=TERM[1])
    found.serving_a.refresh_from_db()
    return found


def approved_leave(
    assignment: Assignment,
    start: dt.date,
    start_half: str,
    end: dt.date,
    end_half: str,
    state: str = "approved",
) -> LeaveRequest:
    return LeaveRequest.objects.create(
        assignment=assignment,
        leave_type=LeaveType.objects.get(batch=assignment.batch, kind="personal"),
        start_date=start,
        start_half=start_half,
        end_date=end,
        end_half=end_half,
        start_slot=half_slot(start, start_half),
        end_slot=half_slot(end, end_half),
        days=Decimal(1),
        reason="家中有事",
        stand_in="李明",
        contact_phone="13800000000",
        state=state,
    )


def trip(**changes: Any) -> dict[str, Any]:
    """The weekend of 12–13 September, Saturday morning to Sunday afternoon."""
    fields: dict[str, Any] = {
        "reason": "回家探望父母",
        "destination": "江西省南昌市",
        "leave_date": dt.date(2026, 9, 12),
        "leave_half": "am",
        "return_date": dt.date(2026, 9, 13),
        "return_half": "pm",
        "stand_in": "李明",
        "contact_phone": "13800000000",
        "today": TODAY,
    }
    fields.update(changes)
    return fields


def refusal(world, found: DutyWorld, **changes: Any) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The per-field messages of a refused submission; also proves nothing was written."""
    before = (AwayReport.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as raised:
        away_report_submit(
            actor=world.users["cadre"], assignment=found.serving_a, **trip(**changes)
        )
    assert (AwayReport.objects.count(), AuditEvent.objects.count()) == before
    return raised.value.detail


# Submitting ---------------------------------------------------------------------------------


def test_a_weekend_trip_is_reported_and_audited(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    report = away_report_submit(actor=world.users["cadre"], assignment=found.serving_a, **trip())
    report.refresh_from_db()
    assert (
        report.state,
        report.destination,
        report.leave_date,
        report.leave_half,
        report.return_date,
        report.return_half,
        report.stand_in,
        report.contact_phone,
    ) == (
        AwayState.SUBMITTED,
        "江西省南昌市",
        dt.date(2026, 9, 12),
        "am",
        dt.date(2026, 9, 13),
        "pm",
        "李明",
        "13800000000",
    )
    event = AuditEvent.objects.get(action="away.submit")
    assert (event.object_id, event.detail) == (
        str(report.pk),
        {"leave": "2026-09-12 am", "return": "2026-09-13 pm", "destination": "江西省南昌市"},
    )


def test_the_national_day_holiday_may_be_reported(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    report = away_report_submit(
        actor=world.users["cadre"],
        assignment=found.serving_a,
        **trip(leave_date=dt.date(2026, 10, 1), return_date=dt.date(2026, 10, 7)),
    )
    assert report.state == AwayState.SUBMITTED


def test_the_mid_autumn_friday_is_a_holiday_and_may_be_reported(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    report = away_report_submit(
        actor=world.users["cadre"],
        assignment=found.serving_a,
        **trip(leave_date=dt.date(2026, 9, 25), return_date=dt.date(2026, 9, 27)),
    )
    assert report.leave_date == dt.date(2026, 9, 25)


def test_a_make_up_working_saturday_is_refused_with_advice_to_ask_for_leave(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    detail = refusal(
        world, found, leave_date=dt.date(2026, 10, 10), return_date=dt.date(2026, 10, 11)
    )
    assert detail == {
        "leave_date": "离开至返回期间含工作日（2026年10月10日上午、2026年10月10日下午），"
        "外出报备只适用于周末和节假日；工作日离岗请先请假，请假获批后再报备。"
    }


def test_working_days_covered_by_approved_leave_may_be_reported(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    friday = dt.date(2026, 9, 11)
    approved_leave(found.serving_a, friday, "am", friday, "pm")
    report = away_report_submit(
        actor=world.users["cadre"], assignment=found.serving_a, **trip(leave_date=friday)
    )
    assert report.leave_date == friday


def test_pending_leave_does_not_cover_a_working_day(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    friday = dt.date(2026, 9, 11)
    approved_leave(found.serving_a, friday, "am", friday, "pm", state="pending")
    detail = refusal(world, found, leave_date=friday)
    assert detail["leave_date"].startswith(
        "离开至返回期间含工作日（2026年9月11日上午、2026年9月11日下午）"
    )


def test_half_day_leave_covers_only_its_half(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    friday = dt.date(2026, 9, 11)
    approved_leave(found.serving_a, friday, "pm", friday, "pm")
    away_report_submit(
        actor=world.users["cadre"],
        assignment=found.serving_a,
        **trip(leave_date=friday, leave_half="pm"),
    )
    AwayReport.objects.all().delete()
    detail = refusal(world, found, leave_date=friday, leave_half="am")
    assert detail["leave_date"].startswith("离开至返回期间含工作日（2026年9月11日上午）")


def test_returning_before_leaving_is_refused_to_the_half_day(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    sunday = dt.date(2026, 9, 13)
    assert refusal(
        world, found, leave_date=sunday, leave_half="pm", return_date=sunday, return_half="am"
    ) == {"return_date": "返回时间不能早于离开时间。"}


def test_blank_particulars_are_named_field_by_field(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    assert refusal(world, found, reason=" ", destination="", stand_in="", contact_phone="") == {
        "reason": "请填写外出事由。",
        "destination": "请填写去向。",
        "stand_in": "请填写外出期间的工作代理人。",
        "contact_phone": "请填写外出期间的联系电话。",
    }
    assert refusal(world, found, contact_phone="一三八") == {
        "contact_phone": "联系电话只能包含数字和“-”，如 13800000000 或 0792-8888888。"
    }


def test_dates_outside_the_term_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    assert refusal(
        world,
        found,
        leave_date=dt.date(2027, 2, 27),
        return_date=dt.date(2027, 3, 1),
        today=dt.date(2027, 2, 20),
    ) == {"return_date": "返回日期不能晚于期满日期2027年2月28日。"}
    assert refusal(
        world,
        found,
        leave_date=dt.date(2026, 2, 28),
        return_date=dt.date(2026, 3, 1),
        today=dt.date(2026, 2, 27),
    ) == {"leave_date": "离开日期不能早于到岗日期2026年3月1日。"}


def test_a_trip_already_over_is_not_reported(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    assert refusal(world, found, today=dt.date(2026, 9, 14)) == {
        "return_date": "返回日期已过：外出报备应在外出前或外出期间填报。"
    }


def test_an_overlapping_report_is_refused_and_a_withdrawn_one_is_not_in_the_way(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    first = away_report_submit(actor=world.users["cadre"], assignment=found.serving_a, **trip())
    assert refusal(world, found, leave_date=dt.date(2026, 9, 13)) == {
        "leave_date": "与2026年9月12日离开的外出报备时间重叠。"
    }
    away_report_withdraw(actor=world.users["cadre"], report=first, today=TODAY)
    again = away_report_submit(actor=world.users["cadre"], assignment=found.serving_a, **trip())
    assert again.state == AwayState.SUBMITTED


@pytest.mark.parametrize("role", ["host_leader", "coordinator", "admin"])
def test_only_the_person_files_a_report(world, role: str) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    with pytest.raises(Forbidden):
        away_report_submit(actor=world.users[role], assignment=found.serving_a, **trip())
    assert AwayReport.objects.count() == 0


def test_an_ended_term_takes_no_report(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    Assignment.objects.filter(pk=found.serving_a.pk).update(state=AssignmentState.ENDED)
    with pytest.raises(InvalidTransition):
        away_report_submit(actor=world.users["cadre"], assignment=found.serving_a, **trip())
    assert AwayReport.objects.count() == 0


# Acknowledging and withdrawing ---------------------------------------------------------------


def submitted(world, found: DutyWorld) -> AwayReport:  # type: ignore[no-untyped-def]
    return away_report_submit(actor=world.users["cadre"], assignment=found.serving_a, **trip())


def test_the_host_leader_acknowledges_once(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    report = submitted(world, found)
    away_report_acknowledge(actor=world.users["host_leader"], report=report)
    report.refresh_from_db()
    assert (report.state, report.acknowledged_by) == (
        AwayState.ACKNOWLEDGED,
        world.users["host_leader"],
    )
    assert report.acknowledged_at is not None
    with pytest.raises(InvalidTransition, match="该外出报备已经确认过了。"):
        away_report_acknowledge(actor=world.users["host_leader"], report=report)
    assert AuditEvent.objects.filter(action="away.acknowledge").count() == 1


@pytest.mark.parametrize("role", ["admin", "coordinator", "cadre"])
def test_no_one_but_the_host_leader_acknowledges(world, role: str) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    report = submitted(world, found)
    with pytest.raises(Forbidden):
        away_report_acknowledge(actor=world.users[role], report=report)
    report.refresh_from_db()
    assert (report.state, report.acknowledged_by) == (AwayState.SUBMITTED, None)


def test_a_cadre_who_also_leads_the_host_unit_does_not_confirm_their_own_trip(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    report = submitted(world, found)
    grant(world.users["cadre"], Role.HOST_LEADER, found.serving_a.host_unit)
    cadre = User.objects.get(username="cadre")  # as the next request reads them
    assert list(away_awaiting_acknowledgement(cadre)) == []
    assert list(away_awaiting_acknowledgement(world.users["host_leader"])) == [report]
    with pytest.raises(Forbidden):
        away_report_acknowledge(actor=cadre, report=report)
    report.refresh_from_db()
    assert (report.state, report.acknowledged_by) == (AwayState.SUBMITTED, None)


def test_the_person_withdraws_before_leaving_but_not_after(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    report = submitted(world, found)
    with pytest.raises(InvalidTransition, match="外出已经开始，不能撤回报备。"):
        away_report_withdraw(actor=world.users["cadre"], report=report, today=dt.date(2026, 9, 13))
    report.refresh_from_db()
    assert report.state == AwayState.SUBMITTED
    with pytest.raises(Forbidden):
        away_report_withdraw(actor=world.users["host_leader"], report=report, today=TODAY)
    away_report_withdraw(actor=world.users["cadre"], report=report, today=dt.date(2026, 9, 12))
    report.refresh_from_db()
    assert report.state == AwayState.WITHDRAWN
    event = AuditEvent.objects.get(action="away.withdraw")
    assert event.detail == {"away_state": ["submitted", "withdrawn"]}
    with pytest.raises(InvalidTransition):
        away_report_acknowledge(actor=world.users["host_leader"], report=report)


# The inbox ----------------------------------------------------------------------------------


def test_the_inbox_lists_submitted_reports_of_the_leaders_own_units(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    mine = submitted(world, found)
    AwayReport.objects.create(
        assignment=found.serving_b,
        reason="探亲",
        destination="九江",
        leave_date=dt.date(2026, 9, 26),
        return_date=dt.date(2026, 9, 27),
        stand_in="王五",
        contact_phone="13900000000",
    )
    assert list(away_awaiting_acknowledgement(world.users["host_leader"])) == [mine]
    # Administrators and coordinators see reports but do not acknowledge them.
    assert list(away_awaiting_acknowledgement(world.users["admin"])) == []
    assert list(away_awaiting_acknowledgement(world.users["coordinator"])) == []
    away_report_acknowledge(actor=world.users["host_leader"], report=mine)
    assert list(away_awaiting_acknowledgement(world.users["host_leader"])) == []


def test_the_inbox_costs_one_query_however_long(world) -> None:  # type: ignore[no-untyped-def]
    found = on_duty(world)
    leader = world.users["host_leader"]

    def read() -> int:
        list(away_awaiting_acknowledgement(leader))  # warm the scope cache
        with CaptureQueriesContext(connection) as queries:
            shown = [
                (r.assignment.cadre.name, r.assignment.host_unit.name)
                for r in away_awaiting_acknowledgement(leader)
                if r.assignment.post.title and r.assignment.batch.name
            ]
        assert len(shown) >= 1
        return len(queries)

    submitted(world, found)
    one = read()
    post = PostFactory(batch=found.batch_a, host_unit=world.township_a, title="镇长助理")
    for name in ("王芳", "刘洋"):
        person = assign(
            post, CadreFactory(name=name, home_unit=world.school_a), AssignmentState.ACTIVE
        )
        AwayReport.objects.create(
            assignment=person,
            reason="探亲",
            destination="九江",
            leave_date=dt.date(2026, 9, 26),
            return_date=dt.date(2026, 9, 27),
            stand_in="王五",
            contact_phone="13900000000",
        )
    assert (one, read()) == (1, 1)
    assert len(list(away_awaiting_acknowledgement(leader))) == 3

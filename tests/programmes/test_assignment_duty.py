"""Reporting for duty (报到), the Party relationship transfer, and outcomes, through the services."""

import datetime as dt

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.orgs.models import RoleAssignment
from guazhi.programmes.models import Assignment, Batch, BatchEvent
from guazhi.programmes.services.duty_start import (
    assignment_outcome_record,
    assignment_party_transfer_record,
    assignment_report_duty,
)
from guazhi.programmes.services.groups import group_create
from tests.factories import UserFactory
from tests.programmes.world import programme_world

D = dt.date
FIELDS = (
    "state",
    "start_date",
    "end_date",
    "party_transfer_on",
    "party_transfer_note",
    "outcome",
    "outcome_on",
    "outcome_reason",
    "group_id",
)


def serving(world, *, batch_state: str = "training", state: str = "approved") -> Assignment:  # type: ignore[no-untyped-def]
    """陈明 of batch_a (term 2027-03-01 to 2028-02-29), the batch moved to `batch_state`."""
    found = programme_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(state=batch_state)
    Assignment.objects.filter(pk=found.assignment_a.pk).update(state=state)
    return Assignment.objects.get(pk=found.assignment_a.pk)


def snapshot(assignment: Assignment) -> tuple:
    row = Assignment.objects.filter(pk=assignment.pk).values_list(*FIELDS).get()
    return row, AuditEvent.objects.count(), BatchEvent.objects.count()


# Reporting for duty ------------------------------------------------------------------------


def test_a_coordinator_records_reporting_for_duty_and_the_assignment_becomes_active(world):  # type: ignore[no-untyped-def]
    assignment = serving(world)
    coordinator = world.users["coordinator"]
    assignment_report_duty(
        actor=coordinator,
        assignment=assignment,
        start_date=D(2027, 2, 26),
        party_transfer_on=D(2027, 3, 5),
        party_transfer_note=" 已转入白鹿镇机关党支部 ",
    )
    assignment.refresh_from_db()
    assert (
        assignment.state,
        assignment.start_date,
        assignment.end_date,
        assignment.party_transfer_on,
        assignment.party_transfer_note,
    ) == ("active", D(2027, 2, 26), D(2028, 2, 29), D(2027, 3, 5), "已转入白鹿镇机关党支部")
    event = BatchEvent.objects.get(kind="assignment_report_duty")
    assert (event.batch_id, event.actor, event.note) == (
        assignment.batch_id,
        coordinator,
        "陈明到白鹿镇报到，到岗日期2027年2月26日。",
    )
    audit = AuditEvent.objects.get(action="assignment.report_duty")
    assert (audit.actor, audit.object_id) == (coordinator, str(assignment.pk))
    assert audit.detail == {
        "changes": {
            "state": ["approved", "active"],
            "start_date": [None, "2027-02-26"],
            "party_transfer_on": [None, "2027-03-05"],
            "party_transfer_note": ["", "已转入白鹿镇机关党支部"],
        },
        "party_transfer_note": "已转入白鹿镇机关党支部",
    }
    # The record's history names who did it, also outside a request.
    assert assignment.history.first().history_user == coordinator


def test_the_host_leader_records_reporting_for_duty_but_a_dispatch_admin_may_not(world):  # type: ignore[no-untyped-def]
    assignment = serving(world, batch_state="active")
    before = snapshot(assignment)
    with pytest.raises(Forbidden) as refused:
        assignment_report_duty(
            actor=world.users["dispatch_admin"], assignment=assignment, start_date=D(2027, 3, 1)
        )
    assert refused.value.message == "只有组织部门或接收单位领导可以登记报到。"
    assert snapshot(assignment) == before
    assignment_report_duty(
        actor=world.users["host_leader"], assignment=assignment, start_date=D(2027, 3, 1)
    )
    assert Assignment.objects.get(pk=assignment.pk).state == "active"


@pytest.mark.parametrize(
    ("batch_state", "state", "start", "party", "error", "message"),
    [
        (
            "training",
            "proposed",
            D(2027, 3, 1),
            None,
            InvalidTransition,
            "“陈明”的挂职安排当前为“拟任”，不能改为“在岗”。",
        ),
        (
            "publicity",
            "approved",
            D(2027, 3, 1),
            None,
            InvalidTransition,
            "批次“2027年浔阳区挂职干部”当前为“公示中”，不能登记报到。",
        ),
        (
            "training",
            "approved",
            D(2027, 1, 29),
            None,
            ValidationFailed,
            {"start_date": "到岗日期不能早于2027年1月30日（挂职开始前30天）。"},
        ),
        (
            "training",
            "approved",
            D(2028, 3, 1),
            None,
            ValidationFailed,
            {"start_date": "到岗日期不能晚于期满日期2028年2月29日。"},
        ),
        (
            "training",
            "approved",
            D(2027, 3, 1),
            D(2026, 12, 1),
            ValidationFailed,
            {"party_transfer_on": "党组织关系转接日期不能早于2027年1月30日（挂职开始前30天）。"},
        ),
    ],
    ids=["not-approved", "batch-not-serving", "too-early", "after-the-end", "transfer-too-early"],
)
def test_reporting_for_duty_is_refused_and_nothing_changes(  # type: ignore[no-untyped-def]
    world, batch_state, state, start, party, error, message
):
    assignment = serving(world, batch_state=batch_state, state=state)
    before = snapshot(assignment)
    with pytest.raises(error) as refused:
        assignment_report_duty(
            actor=world.users["coordinator"],
            assignment=assignment,
            start_date=start,
            party_transfer_on=party,
        )
    if isinstance(message, dict):
        assert refused.value.detail == message
    else:
        assert refused.value.message == message
    assert snapshot(assignment) == before


def test_the_earliest_start_is_30_days_before_the_term(world):  # type: ignore[no-untyped-def]
    assignment = serving(world)
    assignment_report_duty(
        actor=world.users["coordinator"], assignment=assignment, start_date=D(2027, 1, 30)
    )
    assert Assignment.objects.get(pk=assignment.pk).start_date == D(2027, 1, 30)


def test_the_party_transfer_is_recorded_after_reporting_for_duty_but_not_before(world):  # type: ignore[no-untyped-def]
    assignment = serving(world)
    host = world.users["host_leader"]
    before = snapshot(assignment)
    with pytest.raises(InvalidTransition) as refused:
        assignment_party_transfer_record(actor=host, assignment=assignment, on=D(2027, 3, 10))
    assert refused.value.message == "“陈明”尚未报到，请在登记报到时一并填写党组织关系转接。"
    assert snapshot(assignment) == before
    assignment_report_duty(actor=host, assignment=assignment, start_date=D(2027, 3, 1))
    assignment_party_transfer_record(
        actor=host, assignment=assignment, on=D(2027, 3, 10), note="转入白鹿镇党委"
    )
    assignment.refresh_from_db()
    assert (assignment.party_transfer_on, assignment.party_transfer_note) == (
        D(2027, 3, 10),
        "转入白鹿镇党委",
    )
    assert AuditEvent.objects.get(action="assignment.party_transfer").detail == {
        "changes": {
            "party_transfer_on": [None, "2027-03-10"],
            "party_transfer_note": ["", "转入白鹿镇党委"],
        }
    }


# Outcomes ----------------------------------------------------------------------------------


def on_duty(world, *, batch_state: str = "active") -> Assignment:  # type: ignore[no-untyped-def]
    assignment = serving(world, batch_state="training")
    assignment_report_duty(
        actor=world.users["coordinator"], assignment=assignment, start_date=D(2027, 3, 1)
    )
    Batch.objects.filter(pk=assignment.batch_id).update(state=batch_state)
    return Assignment.objects.get(pk=assignment.pk)


@pytest.mark.parametrize("outcome", ["completed", "stayed_on"])
def test_completed_and_stayed_on_end_the_assignment(world, outcome):  # type: ignore[no-untyped-def]
    assignment = on_duty(world, batch_state="evaluating")
    assignment_outcome_record(
        actor=world.users["coordinator"],
        assignment=assignment,
        outcome=outcome,
        on=D(2028, 2, 29),
        reason="",
    )
    assignment.refresh_from_db()
    assert (assignment.state, assignment.outcome, assignment.outcome_on, assignment.end_date) == (
        "ended",
        outcome,
        D(2028, 2, 29),
        D(2028, 2, 29),
    )
    audit = AuditEvent.objects.get(action="assignment.outcome")
    assert audit.detail["changes"]["state"] == ["active", "ended"]


def test_ending_early_needs_a_reason_ends_on_the_day_and_takes_the_leader_out_of_the_group(world):  # type: ignore[no-untyped-def]
    assignment = on_duty(world)
    coordinator = world.users["coordinator"]
    leader_account = UserFactory(username="chenming", full_name="陈明")
    assignment.cadre.user = leader_account
    assignment.cadre.save(update_fields=["user"])
    group, _grants = group_create(
        actor=coordinator,
        batch=assignment.batch,
        name="第一组",
        members=[assignment],
        leader=assignment,
    )
    assert RoleAssignment.objects.filter(user=leader_account, role="group_leader").count() == 1
    before = snapshot(assignment)
    with pytest.raises(ValidationFailed) as refused:
        assignment_outcome_record(
            actor=coordinator,
            assignment=assignment,
            outcome="ended_early",
            on=D(2027, 9, 1),
            reason=" ",
        )
    assert refused.value.detail == {"reason": "“提前结束”须填写原因。"}
    assert snapshot(assignment) == before
    assignment_outcome_record(
        actor=coordinator,
        assignment=assignment,
        outcome="ended_early",
        on=D(2027, 9, 1),
        reason="因工作需要召回",
    )
    assignment.refresh_from_db()
    assert (assignment.state, assignment.end_date, assignment.outcome_reason, assignment.group) == (
        "ended",
        D(2027, 9, 1),
        "因工作需要召回",
        None,
    )
    group.refresh_from_db()
    assert group.leader is None
    assert not RoleAssignment.objects.filter(user=leader_account, role="group_leader").exists()
    assert BatchEvent.objects.filter(kind="assignment_outcome").get().note == (
        "陈明挂职结果：提前结束（2027年9月1日）。"
    )


def test_extending_keeps_the_assignment_active_with_a_later_end(world):  # type: ignore[no-untyped-def]
    assignment = on_duty(world)
    coordinator = world.users["coordinator"]
    before = snapshot(assignment)
    for extended_to, message in [
        (None, "请填写延长至的日期。"),
        (D(2028, 2, 29), "延长至的日期须晚于当前期满日期2028年2月29日。"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            assignment_outcome_record(
                actor=coordinator,
                assignment=assignment,
                outcome="extended",
                on=D(2028, 1, 10),
                reason="乡村振兴项目尚未完成",
                extended_to=extended_to,
            )
        assert refused.value.detail == {"extended_to": message}
    assert snapshot(assignment) == before
    assignment_outcome_record(
        actor=coordinator,
        assignment=assignment,
        outcome="extended",
        on=D(2028, 1, 10),
        reason="乡村振兴项目尚未完成",
        extended_to=D(2028, 8, 31),
    )
    assignment.refresh_from_db()
    assert (assignment.state, assignment.end_date, assignment.outcome) == (
        "active",
        D(2028, 8, 31),
        "extended",
    )
    assert BatchEvent.objects.get(kind="assignment_outcome").note == "陈明挂职延长至2028年8月31日。"


@pytest.mark.parametrize(
    ("actor", "batch_state", "outcome", "extended_to", "error", "message"),
    [
        ("host_leader", "active", "completed", None, Forbidden, "只有组织部门可以登记挂职结果。"),
        (
            "coordinator",
            "training",
            "completed",
            None,
            InvalidTransition,
            "批次“2027年浔阳区挂职干部”当前为“岗前培训”，不能登记挂职结果。",
        ),
        (
            "coordinator",
            "active",
            "completed",
            D(2028, 8, 31),
            ValidationFailed,
            {"extended_to": "只有“延长”需要填写延长至的日期。"},
        ),
        ("coordinator", "active", "", None, ValidationFailed, {"outcome": "请选择挂职结果。"}),
    ],
    ids=["not-a-coordinator", "batch-in-training", "extended-to-without-extension", "no-outcome"],
)
def test_outcomes_are_refused_and_nothing_changes(  # type: ignore[no-untyped-def]
    world, actor, batch_state, outcome, extended_to, error, message
):
    assignment = on_duty(world, batch_state=batch_state)
    before = snapshot(assignment)
    with pytest.raises(error) as refused:
        assignment_outcome_record(
            actor=world.users[actor],
            assignment=assignment,
            outcome=outcome,
            on=D(2028, 2, 29),
            reason="",
            extended_to=extended_to,
        )
    if isinstance(message, dict):
        assert refused.value.detail == message
    else:
        assert refused.value.message == message
    assert snapshot(assignment) == before


def test_only_people_on_duty_get_an_outcome(world):  # type: ignore[no-untyped-def]
    assignment = serving(world, batch_state="active")  # approved, never reported for duty
    before = snapshot(assignment)
    with pytest.raises(InvalidTransition) as refused:
        assignment_outcome_record(
            actor=world.users["coordinator"],
            assignment=assignment,
            outcome="completed",
            on=D(2028, 2, 29),
            reason="",
        )
    assert refused.value.message == "“陈明”的挂职安排当前为“已批准”，只有在岗人员可以登记结果。"
    assert snapshot(assignment) == before


def test_an_outcome_date_before_the_start_is_refused(world):  # type: ignore[no-untyped-def]
    assignment = on_duty(world)
    with pytest.raises(ValidationFailed) as refused:
        assignment_outcome_record(
            actor=world.users["coordinator"],
            assignment=assignment,
            outcome="completed",
            on=D(2027, 2, 1),
            reason="",
        )
    assert refused.value.detail == {"on": "日期不能早于到岗日期2027年3月1日。"}

"""The batch's 在岗规则 page: general rules, leave types and the approval chain, edited by the
batch's coordinators, each refusal naming the field or the line."""

from decimal import Decimal

import pytest
from django.urls import reverse

from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.duty.models import DutyRules, LeaveApprovalRule, LeaveType
from guazhi.duty.services.rules import (
    ApprovalLine,
    duty_rules_update,
    leave_approval_rules_update,
)
from tests.duty.world import duty_world
from tests.pages import as_user, page

pytestmark = pytest.mark.django_db


def url(world) -> str:  # type: ignore[no-untyped-def]
    return reverse("duty:rules_edit", kwargs={"batch_pk": duty_world(world).batch_a.pk})


def general(**changes) -> dict:  # type: ignore[no-untyped-def]
    return {
        "section": "general",
        "log_categories": "调研\n招商引资\n走访\n其他",
        "monthly_accomplishment_required": "on",
        "report_frequency": "quarterly",
        "report_due_days": "10",
        "attendance_return_day": "3",
        "overdue_after_working_days": "2",
        "accomplishment_reminder_day": "20",
        **changes,
    }


def chain_rows(world) -> list[tuple[str | None, Decimal | None, list[str]]]:  # type: ignore[no-untyped-def]
    return [
        (rule.leave_type.kind if rule.leave_type else None, rule.max_days, rule.steps)
        for rule in LeaveApprovalRule.objects.filter(batch=duty_world(world).batch_a).order_by("id")
    ]


def test_the_page_shows_the_defaults(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "coordinator")
    shown = page(client.get(url(world)))
    assert "招商引资\n招工" in shown
    assert 'name="line-count" value="5"' in shown  # three default lines and two blank ones
    assert shown.count('name="type-') >= 6 * 5


def test_general_rules_are_saved_and_audited(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "coordinator")
    response = client.post(url(world), general())
    assert response.status_code == 302
    assert "在岗管理规则已保存。" in page(client.get(url(world)))
    rules = DutyRules.objects.get(batch=duty_world(world).batch_a)
    assert (
        rules.log_categories,
        rules.report_frequency,
        rules.report_due_days,
        rules.attendance_return_day,
        rules.overdue_after_working_days,
        rules.accomplishment_reminder_day,
    ) == (["调研", "招商引资", "走访", "其他"], "quarterly", 10, 3, 2, 20)
    event = AuditEvent.objects.get(action="duty_rules.update")
    assert event.detail["changes"]["report_due_days"] == [5, 10]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"log_categories": " \n "}, "log_categories", "请至少填写一个工作纪实类别，每行一个。"),
        (
            {"log_categories": "调研\n走访\n调研"},
            "log_categories",
            "工作纪实类别“调研”重复（第1行和第3行）。",
        ),
        (
            {"attendance_return_day": "31"},
            "attendance_return_day",
            "考勤月报报送日须在每月1日到28日之间。",
        ),
        (
            {"overdue_after_working_days": ""},
            "overdue_after_working_days",
            "逾期未销假认定须在假期结束后1到30个工作日之间。",
        ),
    ],
)
def test_general_rules_refusals_name_the_field(client, world, changes, field, message) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "coordinator")
    response = client.post(url(world), general(**changes))
    assert response.status_code == 200
    assert f'id="id_{field}_error"><li>{message}</li>' in page(response)
    assert DutyRules.objects.get(batch=duty_world(world).batch_a).report_due_days == 5


def test_leave_types_are_edited_row_by_row(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "coordinator")
    types = {t.kind: t for t in LeaveType.objects.filter(batch=duty_world(world).batch_a)}
    data = {"section": "types"}
    for leave_type in types.values():
        prefix = f"type-{leave_type.pk}"
        data[f"{prefix}-counting"] = leave_type.counting
        if leave_type.entitlement_by_service:
            data[f"{prefix}-entitlement_by_service"] = "on"
        data[f"{prefix}-active"] = "on"
    visit = f"type-{types['home_visit'].pk}"
    data[f"{visit}-entitlement_days"] = "20"
    data[f"{visit}-attachment_required"] = "on"
    del data[f"type-{types['compensatory'].pk}-active"]
    response = client.post(url(world), data)
    assert response.status_code == 302
    visit_type = LeaveType.objects.get(pk=types["home_visit"].pk)
    assert (visit_type.entitlement_days, visit_type.attachment_required) == (Decimal(20), True)
    assert LeaveType.objects.get(pk=types["compensatory"].pk).active is False
    annual = LeaveType.objects.get(pk=types["annual"].pk)
    assert (annual.entitlement_by_service, annual.entitlement_days) == (True, None)

    data[f"{visit}-entitlement_days"] = "20.3"
    response = client.post(url(world), data)
    assert "“探亲假”的每期额度须为0到365天、以半天为单位。" in page(response)
    assert LeaveType.objects.get(pk=types["home_visit"].pk).entitlement_days == Decimal(20)


def test_the_chain_is_replaced_line_by_line(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "coordinator")
    visit = LeaveType.objects.get(batch=duty_world(world).batch_a, kind="home_visit")
    data = {
        "section": "chain",
        "line-count": "4",
        "line-1-max_days": "5",
        "line-1-step_1": "host_leader",
        "line-2-step_1": "host_leader",
        "line-2-step_2": "coordinator",
        "line-3-leave_type": str(visit.pk),
        "line-3-step_1": "dispatch_admin",
        # line 4 left blank: dropped
    }
    response = client.post(url(world), data)
    assert response.status_code == 302
    assert chain_rows(world) == [
        (None, Decimal(5), ["host_leader"]),
        (None, None, ["host_leader", "coordinator"]),
        ("home_visit", None, ["dispatch_admin"]),
    ]
    assert AuditEvent.objects.filter(action="leave_rules.update").count() == 1


def test_chain_refusals_name_the_line(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "coordinator")
    before = chain_rows(world)
    response = client.post(
        url(world),
        {
            "section": "chain",
            "line-count": "2",
            "line-1-max_days": "3",
            "line-1-step_1": "host_leader",
            "line-2-max_days": "7",
        },
    )
    assert "第2行：请至少选择一个审批环节。" in page(response)
    response = client.post(
        url(world),
        {
            "section": "chain",
            "line-count": "1",
            "line-1-max_days": "3",
            "line-1-step_1": "host_leader",
        },
    )
    assert "须有一行适用于全部假别、不设工作日上限的审批规则" in page(response)
    assert chain_rows(world) == before


def test_the_same_step_twice_in_a_line_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    with pytest.raises(ValidationFailed) as error:
        leave_approval_rules_update(
            actor=world.users["coordinator"],
            batch=found.batch_a,
            lines=[ApprovalLine(None, None, ["host_leader", "host_leader"])],
        )
    assert error.value.detail == {"lines.1.step_1": "第1行：同一审批环节不能出现两次。"}


def test_only_the_batchs_coordinators_edit(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    with pytest.raises(Forbidden):
        duty_rules_update(
            actor=world.users["host_leader"],
            batch=found.batch_a,
            log_categories=["调研"],
            monthly_accomplishment_required=True,
            report_frequency="monthly",
            report_due_days=5,
            attendance_return_day=5,
            overdue_after_working_days=1,
            accomplishment_reminder_day=25,
        )
    assert DutyRules.objects.get(batch=found.batch_a).log_categories[0] == "调研"
    assert len(DutyRules.objects.get(batch=found.batch_a).log_categories) == 9


def test_the_report_frequency_is_fixed_once_a_report_exists(client, world) -> None:  # type: ignore[no-untyped-def]
    from guazhi.duty.models import PeriodicReport

    found = duty_world(world)
    period_start = found.serving_a.start_date.replace(day=1)
    PeriodicReport.objects.create(
        assignment=found.serving_a,
        frequency="monthly",
        period_start=period_start,
        period_end=period_start,
        due_on=period_start,
    )
    as_user(client, world, "coordinator")
    response = client.post(url(world), general(report_frequency="quarterly"))
    message = "本批次已有人提交或起草定期汇报，汇报频次不能再更改。"
    assert f'id="id_report_frequency_error"><li>{message}</li>' in page(response)
    assert DutyRules.objects.get(batch=found.batch_a).report_frequency == "monthly"
    # The other rules may still change while the frequency stays.
    assert client.post(url(world), general(report_frequency="monthly")).status_code == 302
    assert DutyRules.objects.get(batch=found.batch_a).report_due_days == 10


def _types_data(world, **counting) -> dict:  # type: ignore[no-untyped-def]
    """The leave types section as it stands, with `counting` changed by kind."""
    data = {"section": "types"}
    for leave_type in LeaveType.objects.filter(batch=duty_world(world).batch_a):
        prefix = f"type-{leave_type.pk}"
        data[f"{prefix}-counting"] = counting.get(leave_type.kind, leave_type.counting)
        if leave_type.entitlement_by_service:
            data[f"{prefix}-entitlement_by_service"] = "on"
        data[f"{prefix}-active"] = "on"
    return data


def test_a_types_counting_is_fixed_once_it_has_requests(client, world) -> None:  # type: ignore[no-untyped-def]
    from guazhi.duty.models import LeaveState
    from guazhi.duty.services.leave import leave_draft_save
    from tests.duty.test_leave_support import MONDAY, ask, fixed_term, leave_type, record

    fixed_term(world)
    # A draft alone does not fix it: it is counted again when sent.
    leave_draft_save(
        actor=world.users["cadre"],
        assignment=record(world),
        leave_type=leave_type(world, "home_visit"),
        start_date=MONDAY,
        end_date=MONDAY,
    )
    as_user(client, world, "coordinator")
    assert client.post(url(world), _types_data(world, home_visit="working")).status_code == 302
    assert leave_type(world, "home_visit").counting == "working"
    assert ask(world, MONDAY, MONDAY, kind="personal").state == LeaveState.PENDING
    response = client.post(url(world), _types_data(world, personal="calendar"))
    assert response.status_code == 200
    message = "“事假”已有提交过的请假，计算方式不能再更改（已计的天数须按原方式核算）。"
    assert (
        f'<ul class="errorlist" id="id_type-{leave_type(world, "personal").pk}-counting_error">'
        f"<li>{message}</li>" in page(response)
    )
    assert leave_type(world, "personal").counting == "working"


def test_a_gap_in_a_lines_steps_is_refused_naming_the_line(client, world) -> None:  # type: ignore[no-untyped-def]
    as_user(client, world, "coordinator")
    before = chain_rows(world)
    response = client.post(
        url(world),
        {
            "section": "chain",
            "line-count": "2",
            "line-1-max_days": "3",
            "line-1-step_2": "host_leader",
            "line-2-step_1": "host_leader",
        },
    )
    assert response.status_code == 200
    message = "第1行：审批环节须从第一步起依次填写，第1步不能空着。"
    assert f'id="id_line-1-step_1_error"><li>{message}</li>' in page(response)
    assert chain_rows(world) == before
    with pytest.raises(ValidationFailed) as error:
        leave_approval_rules_update(
            actor=world.users["coordinator"],
            batch=duty_world(world).batch_a,
            lines=[ApprovalLine(None, None, ["host_leader", "", "coordinator"])],
        )
    assert error.value.detail == {
        "lines.1.step_2": "第1行：审批环节须从第一步起依次填写，第2步不能空着。"
    }
    assert chain_rows(world) == before

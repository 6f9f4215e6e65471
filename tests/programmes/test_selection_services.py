"""Vetting, decision, publicity, objections and approval: the services as the specification."""

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.utils import timezone
from docx import Document

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.programmes.models import (
    Assignment,
    AssignmentState,
    Batch,
    BatchEvent,
    BatchState,
    Objection,
    Publicity,
    SelectionStep,
    SelectionStepKind,
)
from guazhi.programmes.selectors.selection import publicity_period
from guazhi.programmes.services.selection import (
    assignment_cancel,
    objection_record,
    objection_resolve,
    publicity_approve,
    publicity_document,
    publicity_start,
    selection_demo,
    selection_step_record,
)
from tests.factories import CadreFactory, UserFactory, grant
from tests.programmes.factories import PostFactory, assign
from tests.programmes.world import programme_world

VETTING = SelectionStepKind.VETTING
DECISION = SelectionStepKind.DECISION


@dataclass
class SelectionWorld:
    batch: Batch
    chen: Assignment  # 陈明, 白鹿镇 党委副书记 (the programme world's assignment_a)
    lin: Assignment  # 林芳, 白鹿镇 党委委员
    coordinator: object
    outside: Batch  # batch_b in district B
    outside_assignment: Assignment


def make_selection_world(world) -> SelectionWorld:  # type: ignore[no-untyped-def]
    """The programme world's batch_a in matching, with 陈明 and 林芳 proposed."""
    found = programme_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(state=BatchState.MATCHING)
    found.batch_a.refresh_from_db()
    lin = CadreFactory(
        name="林芳",
        gender="女",
        birth_date=dt.date(1988, 3, 15),
        political_status="中共党员",
        position="教研室主任",
        home_unit=world.school_a,
    )
    post = PostFactory(batch=found.batch_a, host_unit=world.township_a, title="党委委员")
    return SelectionWorld(
        batch=found.batch_a,
        chen=found.assignment_a,
        lin=assign(post, lin),
        coordinator=world.users["coordinator"],
        outside=found.batch_b,
        outside_assignment=found.assignment_b,
    )


@pytest.fixture
def selection_world(world) -> SelectionWorld:  # type: ignore[no-untyped-def]
    return make_selection_world(world)


def to_state(batch: Batch, state: str) -> None:
    Batch.objects.filter(pk=batch.pk).update(state=state)
    batch.refresh_from_db()


def decided(sw: SelectionWorld, on: dt.date) -> None:
    """Vetting and decision recorded on `on`, the batch moved on to publicity."""
    selection_step_record(actor=sw.coordinator, batch=sw.batch, kind=VETTING, held_on=on)
    selection_step_record(actor=sw.coordinator, batch=sw.batch, kind=DECISION, held_on=on)
    to_state(sw.batch, BatchState.PUBLICITY)


def publicised(sw: SelectionWorld, starts_on: dt.date) -> Publicity:
    decided(sw, starts_on - dt.timedelta(days=3))
    return publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=starts_on)


def past_publicity(sw: SelectionWorld) -> Publicity:
    """A publicity whose period is over: approval is possible today."""
    return publicised(sw, timezone.localdate() - dt.timedelta(days=30))


def counts() -> tuple[int, int, int, int, int]:
    return (
        SelectionStep.objects.count(),
        Publicity.objects.count(),
        Objection.objects.count(),
        BatchEvent.objects.count(),
        AuditEvent.objects.count(),
    )


# Vetting and decision -------------------------------------------------------------------------


def test_vetting_is_recorded_with_a_timeline_line_and_an_audit_event(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    step = selection_step_record(
        actor=sw.coordinator,
        batch=sw.batch,
        kind=VETTING,
        held_on=dt.date(2026, 11, 10),
        note="考察组：王科长等3人",
    )
    assert (step.kind, step.held_on, step.note, step.recorded_by) == (
        VETTING,
        dt.date(2026, 11, 10),
        "考察组：王科长等3人",
        sw.coordinator,
    )
    event = BatchEvent.objects.get(batch=sw.batch)
    assert (event.kind, event.note) == (
        "selection_step",
        "记录组织考察：2026年11月10日。考察组：王科长等3人",
    )
    audit = AuditEvent.objects.get(action="selection_step.create")
    assert audit.detail == {"kind": "vetting", "date": "2026-11-10"}


def test_decision_before_vetting_is_refused_and_nothing_changes(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    before = counts()
    with pytest.raises(InvalidTransition) as refused:
        selection_step_record(
            actor=sw.coordinator, batch=sw.batch, kind=DECISION, held_on=dt.date(2026, 11, 10)
        )
    assert refused.value.message == "请先记录组织考察，再记录党委（党组）研究决定。"
    assert counts() == before


def test_decision_may_not_be_dated_before_vetting(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    selection_step_record(
        actor=sw.coordinator, batch=sw.batch, kind=VETTING, held_on=dt.date(2026, 11, 10)
    )
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        selection_step_record(
            actor=sw.coordinator, batch=sw.batch, kind=DECISION, held_on=dt.date(2026, 11, 9)
        )
    assert refused.value.detail == {"held_on": "研究决定的日期不能早于组织考察（2026年11月10日）。"}
    assert counts() == before
    decision = selection_step_record(
        actor=sw.coordinator, batch=sw.batch, kind=DECISION, held_on=dt.date(2026, 11, 10)
    )
    assert decision.held_on == dt.date(2026, 11, 10)


def test_re_recording_a_step_corrects_it_and_audits_the_change(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    first = selection_step_record(
        actor=sw.coordinator, batch=sw.batch, kind=VETTING, held_on=dt.date(2026, 11, 10)
    )
    again = selection_step_record(
        actor=sw.coordinator,
        batch=sw.batch,
        kind=VETTING,
        held_on=dt.date(2026, 11, 12),
        note="补充谈话",
    )
    assert again.pk == first.pk
    assert SelectionStep.objects.get().held_on == dt.date(2026, 11, 12)
    audit = AuditEvent.objects.get(action="selection_step.update")
    assert audit.detail == {
        "kind": "vetting",
        "changes": {"held_on": ["2026-11-10", "2026-11-12"], "note": ["", "补充谈话"]},
    }
    assert BatchEvent.objects.filter(batch=sw.batch).first().note == (  # type: ignore[union-attr]
        "更正组织考察：2026年11月12日。补充谈话"
    )


def test_vetting_may_not_move_after_the_decision(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    selection_step_record(
        actor=sw.coordinator, batch=sw.batch, kind=VETTING, held_on=dt.date(2026, 11, 10)
    )
    selection_step_record(
        actor=sw.coordinator, batch=sw.batch, kind=DECISION, held_on=dt.date(2026, 11, 12)
    )
    with pytest.raises(ValidationFailed) as refused:
        selection_step_record(
            actor=sw.coordinator, batch=sw.batch, kind=VETTING, held_on=dt.date(2026, 11, 13)
        )
    assert refused.value.detail == {"held_on": "组织考察的日期不能晚于研究决定（2026年11月12日）。"}
    assert SelectionStep.objects.get(kind=VETTING).held_on == dt.date(2026, 11, 10)


def test_steps_need_the_matching_or_publicity_state(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    to_state(sw.batch, BatchState.RECRUITING)
    before = counts()
    with pytest.raises(InvalidTransition) as refused:
        selection_step_record(
            actor=sw.coordinator, batch=sw.batch, kind=VETTING, held_on=dt.date(2026, 11, 10)
        )
    assert refused.value.message == (
        "只有“匹配中”或“公示中”的批次可以记录考察和决定环节，本批次当前为“报名中”。"
    )
    assert counts() == before


def test_steps_need_someone_proposed_and_a_date_not_in_the_future(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        selection_step_record(actor=sw.coordinator, batch=sw.batch, kind=VETTING, held_on=tomorrow)
    assert refused.value.detail == {"held_on": "日期不能晚于今天。"}
    Assignment.objects.filter(batch=sw.batch).update(state=AssignmentState.CANCELLED)
    with pytest.raises(InvalidTransition) as refused_empty:
        selection_step_record(
            actor=sw.coordinator, batch=sw.batch, kind=VETTING, held_on=dt.date(2026, 11, 10)
        )
    assert refused_empty.value.message == "本批次还没有拟任人选，请先采纳匹配方案。"
    assert SelectionStep.objects.count() == 0


def test_a_coordinator_of_another_district_may_not_record_steps(world, selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    other = grant(UserFactory(username="coord_b"), "coordinator", world.district_b)
    before = counts()
    with pytest.raises(Forbidden):
        selection_step_record(
            actor=other, batch=sw.batch, kind=VETTING, held_on=dt.date(2026, 11, 10)
        )
    assert counts() == before


# Taking someone off the list ----------------------------------------------------------------


def test_cancel_needs_a_reason_and_records_it(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    with pytest.raises(ValidationFailed) as refused:
        assignment_cancel(actor=sw.coordinator, assignment=sw.lin, reason="  ")
    assert refused.value.detail == {"reason": "请填写取消原因。"}
    sw.lin.refresh_from_db()
    assert sw.lin.state == AssignmentState.PROPOSED

    cancelled = assignment_cancel(actor=sw.coordinator, assignment=sw.lin, reason="考察未通过")
    assert (cancelled.state, cancelled.cancelled_reason) == (
        AssignmentState.CANCELLED,
        "考察未通过",
    )
    event = BatchEvent.objects.get(kind="assignment_cancelled")
    assert event.note == "取消林芳（白鹿镇 党委委员）的人选：考察未通过"
    assert AuditEvent.objects.get(action="assignment.cancel").detail == {
        "from": "proposed",
        "reason": "考察未通过",
    }


def test_an_active_assignment_cannot_be_cancelled(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    Assignment.objects.filter(pk=sw.lin.pk).update(state=AssignmentState.ACTIVE)
    with pytest.raises(InvalidTransition) as refused:
        assignment_cancel(actor=sw.coordinator, assignment=sw.lin, reason="本人退出")
    assert refused.value.message == "林芳的挂职安排为“在岗”，只有拟任或已批准的人选可以取消。"
    sw.lin.refresh_from_db()
    assert (sw.lin.state, sw.lin.cancelled_reason) == (AssignmentState.ACTIVE, "")


# The period -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_period_counts_the_first_day_and_skips_national_day() -> None:
    # 2026: 9-25..27 中秋, 10-01..07 国庆, 10-10 (Saturday) a make-up workday (调休上班).
    period = publicity_period(starts_on=dt.date(2026, 9, 29), working_days=5)
    # 9-29 (day 1), 9-30, 10-08, 10-09, and Saturday 10-10, a make-up workday.
    assert (period.first_day, period.ends_on, period.warnings) == (
        dt.date(2026, 9, 29),
        dt.date(2026, 10, 10),
        [],
    )


@pytest.mark.django_db
def test_a_period_posted_on_a_holiday_starts_on_the_next_working_day() -> None:
    during_national_day = publicity_period(starts_on=dt.date(2026, 10, 3), working_days=5)
    # 10-08, 10-09, 10-10 (make-up), then Monday 10-12 and Tuesday 10-13.
    assert (during_national_day.first_day, during_national_day.ends_on) == (
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 13),
    )
    on_mid_autumn = publicity_period(starts_on=dt.date(2026, 9, 25), working_days=5)
    assert (on_mid_autumn.first_day, on_mid_autumn.ends_on) == (
        dt.date(2026, 9, 28),
        dt.date(2026, 10, 9),
    )


@pytest.mark.django_db
def test_a_period_in_years_the_calendar_lacks_is_warned_about() -> None:
    period = publicity_period(starts_on=dt.date(2035, 12, 28), working_days=5)
    # Weekends only until the schedules are entered: 元旦 (2036-01-01) counts as a working day.
    assert period.ends_on == dt.date(2036, 1, 3)
    assert [warning.split("：")[0] for warning in period.warnings] == [
        "2035年的法定节假日和调休安排尚未录入",
        "2036年的法定节假日和调休安排尚未录入",
    ]


# Publicity ------------------------------------------------------------------------------------


def test_publicity_starts_across_national_day(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    decided(sw, dt.date(2026, 9, 25))
    publicity = publicity_start(
        actor=sw.coordinator,
        batch=sw.batch,
        starts_on=dt.date(2026, 9, 29),
        text="电话：0792-1234567",
    )
    assert (publicity.starts_on, publicity.working_days, publicity.ends_on, publicity.text) == (
        dt.date(2026, 9, 29),
        5,
        dt.date(2026, 10, 10),
        "电话：0792-1234567",
    )
    event = BatchEvent.objects.get(kind="publicity_started")
    assert event.note == "公示2名拟任人选，公示期2026年9月29日至2026年10月10日（5个工作日）"
    assert sorted(event.payload["assignments"]) == sorted([sw.chen.pk, sw.lin.pk])
    assert AuditEvent.objects.get(action="publicity.start").detail == {
        "starts_on": "2026-09-29",
        "ends_on": "2026-10-10",
        "working_days": 5,
        "people": 2,
    }


def test_publicity_uses_the_batch_s_number_of_working_days(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    Batch.objects.filter(pk=sw.batch.pk).update(publicity_working_days=7)
    sw.batch.refresh_from_db()
    publicity = publicised(sw, dt.date(2026, 11, 2))  # a Monday
    assert (publicity.working_days, publicity.ends_on) == (7, dt.date(2026, 11, 10))


def test_publicity_needs_the_publicity_state_and_both_steps(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    start = dt.date(2026, 11, 16)
    before = counts()
    with pytest.raises(InvalidTransition) as in_matching:
        publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=start)
    assert in_matching.value.message == (
        "只有“公示中”的批次可以开始公示，本批次当前为“匹配中”，请先在批次概况中转入公示阶段。"
    )
    to_state(sw.batch, BatchState.PUBLICITY)
    with pytest.raises(InvalidTransition) as without_vetting:
        publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=start)
    assert without_vetting.value.message == "尚未记录组织考察，不能开始公示。"
    selection_step_record(
        actor=sw.coordinator, batch=sw.batch, kind=VETTING, held_on=dt.date(2026, 11, 10)
    )
    with pytest.raises(InvalidTransition) as without_decision:
        publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=start)
    assert without_decision.value.message == "尚未记录党委（党组）研究决定，不能开始公示。"
    assert Publicity.objects.count() == before[1] == 0


def test_publicity_may_not_start_before_the_decision_nor_twice(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    decided(sw, dt.date(2026, 11, 12))
    with pytest.raises(ValidationFailed) as early:
        publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=dt.date(2026, 11, 11))
    assert early.value.detail == {
        "starts_on": "公示开始日期不能早于党委（党组）研究决定的日期（2026年11月12日）。"
    }
    assert Publicity.objects.count() == 0
    publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=dt.date(2026, 11, 13))
    before = counts()
    with pytest.raises(InvalidTransition) as twice:
        publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=dt.date(2026, 11, 16))
    assert twice.value.message == "本批次已于2026年11月13日开始公示。"
    assert counts() == before


def test_steps_may_not_be_dated_after_publicity_started(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    publicised(sw, dt.date(2026, 11, 13))  # decided 11-10
    with pytest.raises(ValidationFailed) as refused:
        selection_step_record(
            actor=sw.coordinator, batch=sw.batch, kind=DECISION, held_on=dt.date(2026, 11, 16)
        )
    assert refused.value.detail == {"held_on": "日期不能晚于公示开始日期（2026年11月13日）。"}


# Objections -----------------------------------------------------------------------------------


def test_objections_are_recorded_within_the_period_only(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    publicity = publicised(sw, dt.date(2026, 9, 29))  # ends 2026-10-10
    before = counts()
    with pytest.raises(ValidationFailed) as late:
        objection_record(
            actor=sw.coordinator,
            publicity=publicity,
            received_on=dt.date(2026, 10, 12),
            content="反映其工作作风问题",
        )
    assert late.value.detail == {
        "received_on": "收到日期应在公示期内（2026年9月29日至2026年10月10日）。"
    }
    with pytest.raises(ValidationFailed) as empty:
        objection_record(
            actor=sw.coordinator, publicity=publicity, received_on=dt.date(2026, 10, 9), content=""
        )
    assert empty.value.detail == {"content": "请填写反映内容。"}
    with pytest.raises(ValidationFailed) as elsewhere:
        objection_record(
            actor=sw.coordinator,
            publicity=publicity,
            received_on=dt.date(2026, 10, 9),
            content="反映问题",
            assignment=sw.outside_assignment,
        )
    assert elsewhere.value.detail == {"assignment": "所选人员不在本批次的公示名单中。"}
    assert counts() == before

    objection = objection_record(
        actor=sw.coordinator,
        publicity=publicity,
        received_on=dt.date(2026, 10, 10),
        channel="来信",
        content="反映其在原单位工作期间作风问题",
        assignment=sw.lin,
    )
    assert (objection.raised_by, objection.resolved_at, objection.assignment) == ("", None, sw.lin)
    assert BatchEvent.objects.get(kind="objection_recorded").note == (
        "登记2026年10月10日收到的关于林芳的异议"
    )
    assert AuditEvent.objects.get(action="objection.create").detail == {
        "received_on": "2026-10-10",
        "channel": "来信",
        "anonymous": True,
        "assignment": sw.lin.pk,
    }


def test_an_upheld_objection_may_cancel_the_person_in_the_same_step(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    publicity = publicised(sw, dt.date(2026, 9, 29))
    objection = objection_record(
        actor=sw.coordinator,
        publicity=publicity,
        received_on=dt.date(2026, 9, 30),
        raised_by="王某",
        content="反映其存在违规兼职问题",
        assignment=sw.lin,
    )
    with pytest.raises(ValidationFailed) as contradicts:
        objection_resolve(
            actor=sw.coordinator,
            objection=objection,
            resolution="经核查，反映不属实。",
            upheld=False,
            cancel_assignment=True,
        )
    assert contradicts.value.detail == {"cancel_assignment": "反映不属实时不能取消人选。"}
    objection.refresh_from_db()
    assert objection.resolved_at is None

    objection_resolve(
        actor=sw.coordinator,
        objection=objection,
        resolution="经核查，反映属实，取消其人选资格。",
        upheld=True,
        cancel_assignment=True,
    )
    objection.refresh_from_db()
    sw.lin.refresh_from_db()
    assert (objection.upheld, objection.resolved_by) == (True, sw.coordinator)
    assert objection.resolved_at is not None
    assert (sw.lin.state, sw.lin.cancelled_reason) == (
        AssignmentState.CANCELLED,
        "公示期间反映的问题经核查属实：经核查，反映属实，取消其人选资格。",
    )
    assert [e.kind for e in BatchEvent.objects.filter(batch=sw.batch)[:2]] == [
        "assignment_cancelled",
        "objection_resolved",
    ]


def test_an_objection_not_upheld_leaves_the_person_on_the_list(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    publicity = publicised(sw, dt.date(2026, 9, 29))
    objection = objection_record(
        actor=sw.coordinator,
        publicity=publicity,
        received_on=dt.date(2026, 9, 30),
        content="反映其年龄不符合条件",
        assignment=sw.chen,
    )
    objection_resolve(
        actor=sw.coordinator,
        objection=objection,
        resolution="经核对档案，年龄符合条件。",
        upheld=False,
    )
    sw.chen.refresh_from_db()
    assert sw.chen.state == AssignmentState.PROPOSED
    assert BatchEvent.objects.get(kind="objection_resolved").note == (
        "关于陈明的异议已核查：反映不属实。经核对档案，年龄符合条件。"
    )


# Approval -------------------------------------------------------------------------------------


def test_approval_is_refused_before_the_period_ends(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    today = timezone.localdate()
    decided(sw, today - dt.timedelta(days=1))
    publicity = publicity_start(actor=sw.coordinator, batch=sw.batch, starts_on=today)
    before = counts()
    with pytest.raises(InvalidTransition) as refused:
        publicity_approve(actor=sw.coordinator, batch=sw.batch, note="同意")
    day_after = publicity.ends_on + dt.timedelta(days=1)
    assert refused.value.message == (
        f"公示期至{publicity.ends_on.year}年{publicity.ends_on.month}月{publicity.ends_on.day}日结束，"
        f"{day_after.year}年{day_after.month}月{day_after.day}日起方可审批。"
    )
    assert counts() == before
    publicity.refresh_from_db()
    assert (publicity.approved_at, publicity.approved_by) == (None, None)
    assert set(Assignment.objects.filter(batch=sw.batch).values_list("state", flat=True)) == {
        AssignmentState.PROPOSED
    }


def test_approval_is_refused_while_an_objection_is_open(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    publicity = past_publicity(sw)
    objection_record(
        actor=sw.coordinator,
        publicity=publicity,
        received_on=publicity.starts_on,
        content="反映公示名单中有人不符合条件",
    )
    before = counts()
    with pytest.raises(InvalidTransition) as refused:
        publicity_approve(actor=sw.coordinator, batch=sw.batch)
    assert refused.value.message == "还有1条异议尚未处理，处理完毕后方可审批。"
    assert counts() == before
    assert Assignment.objects.get(pk=sw.chen.pk).state == AssignmentState.PROPOSED


def test_approval_moves_every_proposed_person_to_approved(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    publicity = past_publicity(sw)
    objection = objection_record(
        actor=sw.coordinator,
        publicity=publicity,
        received_on=publicity.starts_on,
        content="反映其违规兼职",
        assignment=sw.lin,
    )
    objection_resolve(
        actor=sw.coordinator,
        objection=objection,
        resolution="属实",
        upheld=True,
        cancel_assignment=True,
    )
    approved = publicity_approve(actor=sw.coordinator, batch=sw.batch, note="同意")
    assert (approved.approved_by, approved.approval_note) == (sw.coordinator, "同意")
    assert approved.approved_at is not None
    assert dict(Assignment.objects.filter(batch=sw.batch).values_list("cadre__name", "state")) == {
        "陈明": AssignmentState.APPROVED,
        "林芳": AssignmentState.CANCELLED,
    }
    assert BatchEvent.objects.filter(batch=sw.batch).first().note == (  # type: ignore[union-attr]
        "公示期满，批准1名拟任人选。同意"
    )
    assert list(
        AuditEvent.objects.filter(action="assignment.approve").values_list("object_id", flat=True)
    ) == [str(sw.chen.pk)]
    assert AuditEvent.objects.get(action="publicity.approve").detail == {
        "people": 1,
        "note": "同意",
    }


def test_after_approval_the_record_is_closed(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    publicity = past_publicity(sw)
    publicity_approve(actor=sw.coordinator, batch=sw.batch)
    before = counts()
    with pytest.raises(InvalidTransition) as again:
        publicity_approve(actor=sw.coordinator, batch=sw.batch)
    assert again.value.message.startswith("公示结果已于")
    with pytest.raises(InvalidTransition):
        objection_record(
            actor=sw.coordinator,
            publicity=publicity,
            received_on=publicity.starts_on,
            content="迟到的反映",
        )
    with pytest.raises(InvalidTransition) as step:
        selection_step_record(
            actor=sw.coordinator, batch=sw.batch, kind=VETTING, held_on=publicity.starts_on
        )
    assert step.value.message == "公示结果已审批，考察和决定环节不能再修改。"
    assert counts() == before


# The Word document ----------------------------------------------------------------------------


def test_the_publicity_document_lists_the_people_in_the_official_layout(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    publicised(sw, dt.date(2026, 9, 29))
    assignment_cancel(actor=sw.coordinator, assignment=sw.chen, reason="本人退出")
    content, filename = publicity_document(actor=sw.coordinator, batch=sw.batch)
    assert filename == "2027年浔阳区挂职干部拟挂职人选公示.docx"
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "关于2027年浔阳区挂职干部拟挂职人选的公示"
    assert "公示时间为2026年9月29日至2026年10月10日（5个工作日）" in texts[1]
    assert "拟选派以下1名同志" in texts[1]
    assert texts[-2:] == ["浔阳区", "2026年9月29日"]
    [table] = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["序号", "姓名", "性别", "出生年月", "政治面貌", "派出单位及职务", "拟挂职单位及职务"],
        ["1", "林芳", "女", "1988.03", "中共党员", "浔阳区委党校教研室主任", "白鹿镇党委委员"],
    ]
    audit = AuditEvent.objects.get(action="publicity.export")
    assert audit.detail == {"rows": 1, "format": "docx"}


def test_there_is_no_document_before_publicity(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    with pytest.raises(ValidationFailed) as refused:
        publicity_document(actor=sw.coordinator, batch=sw.batch)
    assert refused.value.message == "尚未开始公示，没有可导出的公示名单。"
    assert not AuditEvent.objects.filter(action="publicity.export").exists()


def test_the_demo_walks_the_whole_procedure(selection_world) -> None:  # type: ignore[no-untyped-def]
    sw = selection_world
    to_state(sw.batch, BatchState.PUBLICITY)
    publicity = selection_demo(actor=sw.coordinator, batch=sw.batch, today=dt.date(2026, 11, 24))
    # Seven working days back from Tuesday 11-24 is Friday 11-13; five days run to 11-19.
    assert (publicity.starts_on, publicity.ends_on) == (
        dt.date(2026, 11, 13),
        dt.date(2026, 11, 19),
    )
    assert publicity.approved_at is not None
    assert [step.held_on for step in SelectionStep.objects.order_by("held_on")] == [
        dt.date(2026, 11, 5),
        dt.date(2026, 11, 11),
    ]
    assert Objection.objects.get().upheld is False
    assert set(Assignment.objects.filter(batch=sw.batch).values_list("state", flat=True)) == {
        AssignmentState.APPROVED
    }

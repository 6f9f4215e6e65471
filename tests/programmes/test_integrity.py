"""The programme's records hold together: who reads what on a batch's timeline, one person in
one batch at a time, vetting and decision about the list adopted, runs adopted only on what
they were computed from, moves that would leave a list behind, what a run freezes and
fingerprints, group leaders' grants, and pages that read in a fixed number of queries."""

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guazhi.core.errors import InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.matching import fingerprint
from guazhi.orgs.models import CadreProfile, RoleAssignment
from guazhi.programmes.events import EVENT_LABELS
from guazhi.programmes.models import (
    Application,
    Assignment,
    AssignmentState,
    Batch,
    BatchEvent,
    BatchState,
    Group,
    MatchingRun,
    Post,
    Publicity,
    SelectionStep,
    SelectionStepKind,
)
from guazhi.programmes.runs_explain import Labels
from guazhi.programmes.runs_inputs import default_weights, runs_freeze
from guazhi.programmes.runs_job import run_fingerprint_matches
from guazhi.programmes.selectors.batches import (
    PUBLIC_EVENT_KINDS,
    batch_timeline,
    transition_blockers,
)
from guazhi.programmes.selectors.selection import publicity_start_refusal, selection_steps
from guazhi.programmes.services.batches import batch_transition, batch_update
from guazhi.programmes.services.groups import group_create, group_update, serving_demo
from guazhi.programmes.services.runs import run_adopt, run_export, run_pairs_set, run_start
from guazhi.programmes.services.selection import (
    assignment_cancel,
    publicity_approve,
    selection_step_record,
)
from tests.factories import CadreFactory, UnitFactory, UserFactory
from tests.pages import as_user, page
from tests.programmes.factories import BatchFactory, PostFactory, apply, assign, publish_notice
from tests.programmes.test_run_inputs import Scenario, computed_run, matching_scenario
from tests.programmes.test_selection_services import counts, make_selection_world, past_publicity
from tests.programmes.world import programme_world

VETTING = SelectionStepKind.VETTING
DECISION = SelectionStepKind.DECISION


@pytest.fixture
def scenario(world) -> Scenario:  # type: ignore[no-untyped-def]
    return matching_scenario(world)


@pytest.fixture
def start(world, django_capture_on_commit_callbacks) -> Callable[..., MatchingRun]:  # type: ignore[no-untyped-def]
    """run_start as the coordinator with its job run at once; the run as the job left it."""

    def start(batch: Batch, **options: Any) -> MatchingRun:
        with django_capture_on_commit_callbacks(execute=True):
            run = run_start(
                actor=world.users["coordinator"],
                batch=batch,
                mode="optimal",
                weights=default_weights(),
                seed=options.pop("seed", 5),
                **options,
            )
        run.refresh_from_db()
        return run

    return start


def other_batch(world, name: str = "2026年江州学院挂职干部", state: str = "training") -> Batch:  # type: ignore[no-untyped-def]
    return BatchFactory(name=name, coordinating_org=world.district_b, state=state)


def approved_elsewhere(world, profile: CadreProfile, batch: Batch | None = None) -> Assignment:  # type: ignore[no-untyped-def]
    """`profile` approved for a post (in 白鹿镇's leadership team) in another batch."""
    batch = batch or other_batch(world)
    post = PostFactory(batch=batch, host_unit=world.township_a, title="党委委员")
    return assign(post, profile, state=AssignmentState.APPROVED)


def nothing_adopted(run: MatchingRun) -> None:
    run.refresh_from_db()
    assert run.adopted_at is None
    assert not Assignment.objects.filter(run=run).exists()
    assert not BatchEvent.objects.filter(kind="run_adopt").exists()
    assert not AuditEvent.objects.filter(action="run.adopt").exists()


def proposed(batch: Batch) -> list[tuple[str, str]]:
    return sorted(
        Assignment.objects.filter(batch=batch, state=AssignmentState.PROPOSED).values_list(
            "cadre__name", "post__title"
        )
    )


# The timeline: people's private matters for the managers only ----------------------------------


def test_only_the_managers_read_cancellations_on_the_timeline(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    coordinator = world.users["coordinator"]
    batch_transition(
        actor=coordinator, batch=found.batch_a, to_state=BatchState.MATCHING, reason="报名结束"
    )
    assignment_cancel(
        actor=coordinator, assignment=found.assignment_a, reason="考察发现其存在违纪问题"
    )

    def kinds(role: str) -> list[str]:
        timeline = batch_timeline(actor=world.users[role], batch=found.batch_a)
        return [entry.event.kind for entry in timeline]

    assert kinds("coordinator") == ["assignment_cancelled", "state_changed"]
    for role in ("cadre", "host_leader", "dispatch_admin", "group_leader"):
        assert kinds(role) == ["state_changed"], role
    url = reverse("programmes:batch_detail", kwargs={"batch_pk": found.batch_a.pk})
    for role in ("cadre", "host_leader", "dispatch_admin", "group_leader"):
        body = page(as_user(client, world, role).get(url))
        assert "报名结束" in body, role
        assert "违纪" not in body and "陈明" not in body, role
    body = page(as_user(client, world, "coordinator").get(url))
    assert "取消陈明（白鹿镇 党委副书记）的人选：考察发现其存在违纪问题" in body


def test_the_kinds_every_reader_sees_name_nobody(world) -> None:  # type: ignore[no-untyped-def]
    assert set(EVENT_LABELS) >= PUBLIC_EVENT_KINDS
    naming_people = {
        "run_start",
        "run_done",
        "run_failed",
        "run_pairs",
        "run_adopt",
        "selection_step",
        "assignment_cancelled",
        "objection_recorded",
        "objection_resolved",
        "publicity_withdrawn",
        "assignment_report_duty",
        "assignment_outcome",
        "group_create",
        "group_update",
    }
    assert not naming_people & PUBLIC_EVENT_KINDS
    assert naming_people | PUBLIC_EVENT_KINDS == set(EVENT_LABELS)


# One person in one batch at a time -----------------------------------------------------------


def test_a_run_leaves_out_who_fails_the_rules_today_and_its_page_names_them(  # type: ignore[no-untyped-def]
    world, client, scenario, start
) -> None:
    wang, chen = scenario.people["王芳"], scenario.people["陈静"]
    coordinator = world.users["coordinator"]
    # Since they applied: 王芳 was approved in another batch, and 陈静's record was corrected
    # to an age over the limit the batch set while recruiting.
    approved_elsewhere(world, wang)
    Batch.objects.filter(pk=scenario.batch.pk).update(max_age=45)
    CadreProfile.objects.filter(pk=chen.pk).update(birth_date=dt.date(1975, 1, 1))
    run_pairs_set(
        actor=coordinator, batch=scenario.batch, pins=[(wang.pk, scenario.post_a.pk)], forbids=[]
    )
    run = start(scenario.batch)
    assert [c["id"] for c in run.inputs["engine"]["candidates"]] == sorted(
        [scenario.people["刘强"].pk, scenario.people["赵磊"].pk]
    )
    assert run.inputs["ineligible"] == [
        {
            "cadre": wang.pk,
            "name": "王芳",
            "home_unit": "江州学院",
            "application": Application.objects.get(cadre=wang).pk,
            "reasons": ["正在挂职（2026年江州学院挂职干部），本批次不接受正在挂职的干部报名"],
        },
        {
            "cadre": chen.pk,
            "name": "陈静",
            "home_unit": "江州学院",
            "application": Application.objects.get(cadre=chen).pk,
            "reasons": ["年龄超过本批次报名条件（45周岁），挂职开始时已满52周岁"],
        },
    ]
    assert run.inputs["dropped_pairs"] == [[wang.pk, scenario.post_a.pk]]
    assert AuditEvent.objects.get(action="run.start").detail["ineligible"] == [wang.pk, chen.pk]
    body = page(
        as_user(client, world, "coordinator").get(
            reverse("programmes:run_detail", kwargs={"run_pk": run.pk})
        )
    )
    assert "2 名报名人员在发起匹配时不符合本批次报名条件，未参加本次匹配" in body
    assert "正在挂职（2026年江州学院挂职干部），本批次不接受正在挂职的干部报名" in body
    assert "年龄超过本批次报名条件（45周岁），挂职开始时已满52周岁" in body
    assert "本次未执行：王芳—白鹿镇 党委副书记" in body


def test_a_batch_admitting_serving_cadres_still_leaves_out_someone_approved_elsewhere(  # type: ignore[no-untyped-def]
    world, scenario
) -> None:
    Batch.objects.filter(pk=scenario.batch.pk).update(exclude_serving=False)
    scenario.batch.refresh_from_db()
    approved_elsewhere(world, scenario.people["王芳"])
    frozen = runs_freeze(batch=scenario.batch, mode="optimal", weights=default_weights(), seed=1)
    assert [(p["name"], p["reasons"]) for p in frozen["ineligible"]] == [
        ("王芳", ["已在其他批次（2026年江州学院挂职干部）获批挂职或正在挂职，不能同时参加本批次"])
    ]


def test_nobody_left_to_match_is_refused_before_a_run_starts(world, scenario) -> None:  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=scenario.batch.pk).update(max_age=30)
    with pytest.raises(ValidationFailed) as refused:
        run_start(
            actor=world.users["coordinator"],
            batch=scenario.batch,
            mode="optimal",
            weights=default_weights(),
            seed=1,
        )
    assert refused.value.message == (
        "本批次的有效报名人员目前都不符合报名条件（共 4 人），无法匹配；"
        "请核对批次的报名条件和人员档案。"
    )
    assert not MatchingRun.objects.exists()


def test_someone_approved_elsewhere_since_the_run_is_not_adopted(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    run = start(scenario.batch)
    approved_elsewhere(world, scenario.people["王芳"])
    with pytest.raises(ValidationFailed) as refused:
        run_adopt(actor=world.users["coordinator"], run=run)
    assert refused.value.detail == {
        "problems": ["王芳已在“2026年江州学院挂职干部”获批挂职，一人不能同时在两个批次挂职。"]
    }
    assert refused.value.message.endswith("请重新匹配。")
    nothing_adopted(run)


def test_the_publicised_list_is_not_approved_while_someone_on_it_serves_elsewhere(world) -> None:  # type: ignore[no-untyped-def]
    sw = make_selection_world(world)
    publicity = past_publicity(sw)
    elsewhere = other_batch(world, name="2026年濂溪区挂职干部", state="active")
    serving = approved_elsewhere(world, sw.lin.cadre, elsewhere)
    Assignment.objects.filter(pk=serving.pk).update(state=AssignmentState.ACTIVE)
    before = counts()
    with pytest.raises(InvalidTransition) as refused:
        publicity_approve(actor=sw.coordinator, batch=sw.batch)
    assert refused.value.message == (
        "林芳正在“2026年濂溪区挂职干部”挂职，一人不能同时在两个批次挂职："
        "请先取消其在本批次的人选，再审批公示结果。"
    )
    assert counts() == before
    publicity.refresh_from_db()
    assert publicity.approved_at is None
    assert set(Assignment.objects.filter(batch=sw.batch).values_list("state", flat=True)) == {
        AssignmentState.PROPOSED
    }
    assignment_cancel(actor=sw.coordinator, assignment=sw.lin, reason="已在其他批次挂职")
    publicity_approve(actor=sw.coordinator, batch=sw.batch)
    assert dict(Assignment.objects.filter(batch=sw.batch).values_list("cadre__name", "state")) == {
        "陈明": AssignmentState.APPROVED,
        "林芳": AssignmentState.CANCELLED,
    }


# Vetting and decision belong to the list adopted ---------------------------------------------


def _adopted_twice(world, scenario: Scenario, start) -> dt.date:  # type: ignore[no-untyped-def]
    """Run 1 adopted, vetted and decided on today; then run 2 (王芳 and 陈静 kept off their
    places) adopted. Returns the day the steps were held."""
    coordinator = world.users["coordinator"]
    run_adopt(actor=coordinator, run=start(scenario.batch))
    today = timezone.localdate()
    selection_step_record(actor=coordinator, batch=scenario.batch, kind=VETTING, held_on=today)
    selection_step_record(actor=coordinator, batch=scenario.batch, kind=DECISION, held_on=today)
    run_pairs_set(
        actor=coordinator,
        batch=scenario.batch,
        pins=[],
        forbids=[
            (scenario.people["王芳"].pk, scenario.post_a.pk),
            (scenario.people["陈静"].pk, scenario.post_2.pk),
        ],
    )
    run_adopt(actor=coordinator, run=start(scenario.batch))
    return today


def test_steps_recorded_before_a_new_adoption_count_as_missing(world, scenario, start) -> None:  # type: ignore[no-untyped-def]
    _adopted_twice(world, scenario, start)
    outdated = [
        f"“{step}”环节记录于采纳当前匹配方案之前，请针对当前拟任人选重新记录"
        "（日期未变也请重新保存确认）。"
        for step in ("组织考察", "党委（党组）研究决定")
    ]
    assert transition_blockers(batch=scenario.batch, to_state=BatchState.PUBLICITY) == outdated
    events = BatchEvent.objects.count()
    with pytest.raises(InvalidTransition) as refused:
        batch_transition(
            actor=world.users["coordinator"],
            batch=scenario.batch,
            to_state=BatchState.PUBLICITY,
            reason="进入公示",
        )
    assert refused.value.detail == {"blockers": outdated}
    scenario.batch.refresh_from_db()
    assert scenario.batch.state == BatchState.MATCHING
    assert BatchEvent.objects.count() == events
    # Had the batch reached publicity anyway, the publicity would not start on them.
    steps = selection_steps(batch=scenario.batch)
    assert publicity_start_refusal(
        batch=Batch(state=BatchState.PUBLICITY),
        steps=steps,
        publicity=None,
        proposed_count=2,
        outdated={VETTING, DECISION},
    ) == (
        "组织考察、党委（党组）研究决定记录于采纳当前匹配方案之前，"
        "请针对当前拟任人选重新记录后再开始公示。"
    )


def test_the_decision_waits_for_vetting_of_the_new_list(world, scenario, start) -> None:  # type: ignore[no-untyped-def]
    today = _adopted_twice(world, scenario, start)
    before = list(SelectionStep.objects.values_list("kind", "held_on", "updated_at"))
    with pytest.raises(InvalidTransition) as refused:
        selection_step_record(
            actor=world.users["coordinator"], batch=scenario.batch, kind=DECISION, held_on=today
        )
    assert refused.value.message == (
        "组织考察记录于采纳当前匹配方案之前，请先针对当前拟任人选重新记录组织考察，"
        "再记录党委（党组）研究决定。"
    )
    assert list(SelectionStep.objects.values_list("kind", "held_on", "updated_at")) == before


def test_recording_an_unchanged_step_again_confirms_it_for_the_new_list(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    today = _adopted_twice(world, scenario, start)
    coordinator = world.users["coordinator"]
    for kind in (VETTING, DECISION):
        selection_step_record(actor=coordinator, batch=scenario.batch, kind=kind, held_on=today)
    date = f"{today.year}年{today.month}月{today.day}日"
    assert list(
        BatchEvent.objects.filter(kind="selection_step").order_by("-id").values_list("note")[:2]
    ) == [
        (f"针对当前拟任人选重新确认党委（党组）研究决定：{date}",),
        (f"针对当前拟任人选重新确认组织考察：{date}",),
    ]
    assert AuditEvent.objects.filter(action="selection_step.confirm").count() == 2
    assert transition_blockers(batch=scenario.batch, to_state=BatchState.PUBLICITY) == []
    # Once confirmed, recording it unchanged again is nothing new.
    before = counts()
    selection_step_record(actor=coordinator, batch=scenario.batch, kind=VETTING, held_on=today)
    assert counts() == before


# A run is adopted only on what it was computed from ------------------------------------------


def test_a_run_computed_before_a_new_application_is_not_adopted(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    run = start(scenario.batch)
    late = CadreFactory(name="孙丽", home_unit=scenario.college, expertise=["乡村振兴"])
    apply(scenario.batch, late, [scenario.post_2])
    with pytest.raises(ValidationFailed) as refused:
        run_adopt(actor=world.users["coordinator"], run=run)
    assert refused.value.message == "本方案计算后报名或岗位已变化，请重新匹配。"
    assert refused.value.detail == {"stale": ["candidates"]}
    nothing_adopted(run)
    again = start(scenario.batch)
    assert len(run_adopt(actor=world.users["coordinator"], run=again)) == 3


def test_a_run_computed_before_a_post_changed_is_not_adopted(world, scenario, start) -> None:  # type: ignore[no-untyped-def]
    run = start(scenario.batch)
    Post.objects.filter(pk=scenario.post_2.pk).update(capacity=2)
    with pytest.raises(ValidationFailed) as refused:
        run_adopt(actor=world.users["coordinator"], run=run)
    assert refused.value.message == "本方案计算后报名或岗位已变化，请重新匹配。"
    assert refused.value.detail == {"stale": ["posts"]}
    nothing_adopted(run)


def test_a_run_computed_before_the_rules_changed_is_not_adopted(world, scenario, start) -> None:  # type: ignore[no-untyped-def]
    run = start(scenario.batch)
    # Someone of another batch approved into 白鹿镇's leadership team: the cap counts them now.
    approved_elsewhere(world, CadreFactory(name="钱多", home_unit=world.school_b))
    with pytest.raises(ValidationFailed) as refused:
        run_adopt(actor=world.users["coordinator"], run=run)
    assert refused.value.message == "本方案计算后批次的匹配规则已变化，请重新匹配。"
    assert refused.value.detail == {"stale": ["rules"]}
    nothing_adopted(run)


def test_reopening_the_call_cancels_the_proposed_list_with_the_reason(  # type: ignore[no-untyped-def]
    world, scenario, start
) -> None:
    coordinator = world.users["coordinator"]
    run = start(scenario.batch)
    created = run_adopt(actor=coordinator, run=run)
    chen_ming = Assignment.objects.get(cadre__name="陈明")  # proposed without a run
    batch_transition(
        actor=coordinator, batch=scenario.batch, to_state=BatchState.RECRUITING, reason="补充报名"
    )
    reason = "重新开放报名，拟任人选随之取消：补充报名"
    cancelled = sorted([chen_ming.pk, *(a.pk for a in created)])
    assert list(
        Assignment.objects.filter(batch=scenario.batch)
        .order_by("pk")
        .values_list("pk", "state", "cancelled_reason")
    ) == [(pk, AssignmentState.CANCELLED, reason) for pk in cancelled]
    assert sorted(
        AuditEvent.objects.filter(action="assignment.cancel").values_list("object_id", flat=True)
    ) == [str(pk) for pk in cancelled]
    move = BatchEvent.objects.filter(kind="state_changed").latest("id")
    assert (move.note, move.payload) == ("补充报名", {"cancelled": cancelled})
    assert AuditEvent.objects.filter(action="batch.transition").latest("id").detail == {
        "from_state": "matching",
        "to_state": "recruiting",
        "note": "补充报名",
        "cancelled": 4,
    }
    # Nothing changed while the call was open: the same run may be adopted again.
    batch_transition(
        actor=coordinator, batch=scenario.batch, to_state=BatchState.MATCHING, reason="报名结束"
    )
    assert len(run_adopt(actor=coordinator, run=run)) == 3
    assert proposed(scenario.batch) == [
        ("刘强", "党政办副主任"),
        ("王芳", "党委副书记"),
        ("陈静", "镇长助理"),
    ]


def _batch_row(batch: Batch) -> dict[str, Any]:
    return dict(Batch.objects.filter(pk=batch.pk).values()[0])


def test_rules_and_eligibility_change_only_before_matching(world, scenario) -> None:  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    before, events = _batch_row(scenario.batch), BatchEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        batch_update(
            actor=coordinator, batch=scenario.batch, max_per_dispatch_at_host=1, max_age=35
        )
    back = "如确需修改，请先将批次退回“报名中”。"
    assert refused.value.detail == {
        "max_age": "年龄上限（周岁）属于报名条件，只能在“规划中”或“报名中”修改，"
        "本批次当前为“匹配中”。" + back,
        "max_per_dispatch_at_host": "同一派出单位在同一接收单位最多人数属于匹配规则，"
        "只能在“规划中”或“报名中”修改，本批次当前为“匹配中”。" + back,
    }
    assert refused.value.message == refused.value.detail["max_age"]
    assert _batch_row(scenario.batch) == before
    assert BatchEvent.objects.count() == events
    # The form sends every field back: values left as they were are no change.
    batch_update(
        actor=coordinator, batch=scenario.batch, name="2027年浔阳区挂职干部（一）", max_age=None
    )
    assert Batch.objects.get(pk=scenario.batch.pk).name == "2027年浔阳区挂职干部（一）"
    Batch.objects.filter(pk=scenario.batch.pk).update(state=BatchState.RECRUITING)
    scenario.batch.refresh_from_db()
    batch_update(actor=coordinator, batch=scenario.batch, max_per_dispatch_at_host=1, max_age=35)
    scenario.batch.refresh_from_db()
    assert (scenario.batch.max_per_dispatch_at_host, scenario.batch.max_age) == (1, 35)


def test_the_coordinating_unit_changes_only_in_planning(world) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    coordinator = world.users["coordinator"]
    before = _batch_row(found.batch_a)
    with pytest.raises(ValidationFailed) as refused:
        batch_update(actor=coordinator, batch=found.batch_a, coordinating_org=world.school_a)
    assert refused.value.detail == {
        "coordinating_org": "组织协调单位只能在“规划中”修改，本批次当前为“报名中”；"
        "如需由其他单位组织，请新建批次。"
    }
    assert _batch_row(found.batch_a) == before
    Batch.objects.filter(pk=found.batch_a.pk).update(state=BatchState.PLANNING)
    found.batch_a.refresh_from_db()
    batch_update(actor=coordinator, batch=found.batch_a, coordinating_org=world.school_a)
    assert Batch.objects.get(pk=found.batch_a.pk).coordinating_org == world.school_a


# Moves that would leave a list behind ----------------------------------------------------------


def test_a_batch_is_not_closed_while_someone_is_approved_or_on_duty(world) -> None:  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    batch = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state="evaluating"
    )
    post = PostFactory(batch=batch, host_unit=world.township_a, capacity=2)
    on_duty = assign(post, world.cadre_a, state=AssignmentState.ACTIVE, start_date=batch.term_start)
    waiting = assign(post, CadreFactory(name="吴刚", home_unit=world.school_a), state="approved")
    events = BatchEvent.objects.count()
    with pytest.raises(InvalidTransition) as refused:
        batch_transition(actor=coordinator, batch=batch, to_state=BatchState.CLOSED, reason="期满")
    assert refused.value.message == (
        "批次暂不能转为“已结束”：还有2名挂职人员处于“已批准”或“在岗”状态："
        "请先在“挂职人员”页为在岗人员记录挂职结果，并取消未到岗人员的人选，再结束批次。"
    )
    batch.refresh_from_db()
    assert batch.state == BatchState.EVALUATING
    assert BatchEvent.objects.count() == events
    Assignment.objects.filter(pk=on_duty.pk).update(state=AssignmentState.ENDED)
    Assignment.objects.filter(pk=waiting.pk).update(state=AssignmentState.CANCELLED)
    batch_transition(actor=coordinator, batch=batch, to_state=BatchState.CLOSED, reason="期满")
    assert Batch.objects.get(pk=batch.pk).state == BatchState.CLOSED


# What a run freezes and fingerprints --------------------------------------------------------------


def test_approved_people_of_other_batches_count_in_a_leadership_team(world, scenario) -> None:  # type: ignore[no-untyped-def]
    other = other_batch(world)
    for name in ("甲", "乙"):
        approved_elsewhere(world, CadreFactory(name=name, home_unit=world.school_b), other)
    frozen = runs_freeze(batch=scenario.batch, mode="optimal", weights=default_weights(), seed=1)
    assert frozen["engine"]["rules"]["serving_in_leadership"] == {str(world.township_a.pk): 2}


def test_someone_from_outside_the_dispatching_units_keeps_their_unit_name(world, scenario) -> None:  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=scenario.batch.pk).update(require_dispatching_home=False)
    scenario.batch.refresh_from_db()
    outsider = CadreFactory(name="外来", home_unit=world.school_b, expertise=["法律"])
    apply(scenario.batch, outsider, [scenario.post_3])
    frozen = runs_freeze(batch=scenario.batch, mode="optimal", weights=default_weights(), seed=1)
    assert Labels(frozen["labels"]).person_unit(outsider.pk) == "濂溪区委党校"


def test_the_fingerprint_covers_the_names_and_the_number_the_export_prints(world, scenario) -> None:  # type: ignore[no-untyped-def]
    run = computed_run(scenario.batch, world.users["coordinator"])
    assert run.fingerprint == fingerprint(
        {"engine": run.inputs["engine"], "labels": run.inputs["labels"], "number": run.number},
        run.result,
    )
    assert run_fingerprint_matches(run)
    renamed = {**run.inputs, "labels": {**run.inputs["labels"], "batch": "另一个批次"}}
    MatchingRun.objects.filter(pk=run.pk).update(inputs=renamed)
    assert not run_fingerprint_matches(MatchingRun.objects.get(pk=run.pk))
    MatchingRun.objects.filter(pk=run.pk).update(inputs=run.inputs, number=9)
    assert not run_fingerprint_matches(MatchingRun.objects.get(pk=run.pk))


def test_a_run_fingerprinted_before_the_names_were_covered_still_checks(world, scenario) -> None:  # type: ignore[no-untyped-def]
    run = computed_run(scenario.batch, world.users["coordinator"])
    older = {k: v for k, v in run.inputs.items() if k not in ("fingerprint_version", "ineligible")}
    MatchingRun.objects.filter(pk=run.pk).update(
        inputs=older, fingerprint=fingerprint(older["engine"], run.result)
    )
    assert run_fingerprint_matches(MatchingRun.objects.get(pk=run.pk))
    MatchingRun.objects.filter(pk=run.pk).update(fingerprint=run.fingerprint)
    assert not run_fingerprint_matches(MatchingRun.objects.get(pk=run.pk))


def test_the_export_prints_the_batch_name_the_run_was_computed_under(world, scenario) -> None:  # type: ignore[no-untyped-def]
    run = computed_run(scenario.batch, world.users["coordinator"])
    Batch.objects.filter(pk=scenario.batch.pk).update(name="改名后的批次")
    run = MatchingRun.objects.select_related("batch").get(pk=run.pk)
    sheet = load_workbook(io.BytesIO(run_export(actor=world.users["coordinator"], run=run))).active
    assert sheet.cell(row=1, column=1).value == "2027年浔阳区挂职干部 第1号匹配方案"


# Group leaders' grants --------------------------------------------------------------------------


def test_a_leader_granted_under_an_earlier_coordinating_unit_is_found_and_revoked(world) -> None:  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    batch = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state="active"
    )
    post = PostFactory(batch=batch, host_unit=world.township_a, capacity=2)
    people = [
        assign(
            post,
            CadreFactory(name=name, home_unit=world.school_a, user=UserFactory(username=username)),
            state=AssignmentState.ACTIVE,
        )
        for name, username in (("甲", "jia"), ("乙", "yi"))
    ]
    group, _grants = group_create(
        actor=coordinator, batch=batch, name="第一组", members=people, leader=people[0]
    )
    # Data from before the coordinating unit was fixed in planning: the batch moved under a
    # unit below the one its leader's grant was made over.
    Batch.objects.filter(pk=batch.pk).update(coordinating_org=world.school_a)
    group = Group.objects.get(pk=group.pk)
    _group, grants = group_update(
        actor=coordinator, group=group, name="第一组", members=people, leader=people[1], deputy=None
    )
    assert [user.username for user in grants.revoked] == ["jia"]
    assert sorted(
        RoleAssignment.objects.filter(role="group_leader", batch=batch).values_list(
            "user__username", flat=True
        )
    ) == ["yi"]


# Pages read in a fixed number of queries ---------------------------------------------------------


@pytest.fixture
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def busy_batch(world, size: int = 8) -> Batch:  # type: ignore[no-untyped-def]
    """batch_a on duty with `size` people, each from a unit and for a post of their own, in
    groups of four with two training sessions (serving_demo), and its publicity approved."""
    found = programme_world(world)
    batch = found.batch_a
    Batch.objects.filter(pk=batch.pk).update(state=BatchState.TRAINING)
    Assignment.objects.filter(pk=found.assignment_a.pk).update(state=AssignmentState.APPROVED)
    for n in range(size - 1):
        home = UnitFactory(name=f"第{n}中学", parent=world.school_a)
        host = UnitFactory(
            name=f"第{n}社区", kind="community", level="village", parent=world.township_a
        )
        post = PostFactory(batch=batch, host_unit=host, title=f"副主任{n}")
        cadre = CadreFactory(name=f"干部{n}", home_unit=home, user=UserFactory(username=f"busy{n}"))
        assign(post, cadre, state=AssignmentState.APPROVED)
    batch.refresh_from_db()
    serving_demo(actor=world.users["coordinator"], batch=batch, group_size=4)
    Publicity.objects.create(
        batch=batch,
        starts_on=dt.date(2027, 1, 4),
        working_days=5,
        ends_on=dt.date(2027, 1, 8),
        approved_at=timezone.now(),
    )
    return Batch.objects.get(pk=batch.pk)


def test_the_batch_pages_read_in_a_fixed_number_of_queries(  # type: ignore[no-untyped-def]
    world, client, django_assert_max_num_queries, _media
) -> None:
    batch = busy_batch(world)
    group = Group.objects.filter(batch=batch).order_by("id").first()
    session = batch.training_sessions.order_by("id").first()
    # The same figures with 3 people as with 8: a query per row would overrun them. (Each
    # full page also counts the reader's unread notifications for the menu badge.)
    pages = [
        ("coordinator", "programmes:group_list", {"batch_pk": batch.pk}, 9),
        ("coordinator", "programmes:group_edit", {"group_pk": group.pk}, 5),
        ("coordinator", "programmes:training_list", {"batch_pk": batch.pk}, 6),
        ("coordinator", "programmes:training_detail", {"session_pk": session.pk}, 8),
        ("cadre", "programmes:publicity_notice", {"batch_pk": batch.pk}, 12),
    ]
    for role, name, kwargs, most in pages:
        client = as_user(client, world, role)
        with django_assert_max_num_queries(most):
            response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name


def test_the_cadres_call_list_reads_in_a_fixed_number_of_queries(  # type: ignore[no-untyped-def]
    world, client, django_assert_max_num_queries
) -> None:
    cadre = world.cadre_a
    for n in range(6):
        batch = BatchFactory(
            coordinating_org=world.district_a, dispatching=[world.school_a], state="recruiting"
        )
        publish_notice(batch)
        posts = [
            PostFactory(
                batch=batch, host_unit=UnitFactory(name=f"第{n}-{i}镇", parent=world.district_a)
            )
            for i in range(3)
        ]
        if n % 2:
            apply(batch, cadre, posts)
    client = as_user(client, world, "cadre")
    # As many with 2 calls as with 6 (3 of them applied to).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("programmes:call_list"))
    assert response.status_code == 200


def test_the_selection_page_asks_to_confirm_steps_older_than_the_list(  # type: ignore[no-untyped-def]
    world, scenario, start, client
) -> None:
    _adopted_twice(world, scenario, start)
    client.force_login(world.users["coordinator"])
    html = client.get(
        reverse("programmes:selection", kwargs={"batch_pk": scenario.batch.pk})
    ).content.decode()
    assert html.count("需重新确认") == 2
    # Vetting is confirmed first; the decision's form waits for it.
    assert html.count(">确认</button>") == 1


def test_the_batch_page_warns_that_reopening_the_call_cancels_the_proposed_list(  # type: ignore[no-untyped-def]
    world, scenario, start, client
) -> None:
    run_adopt(actor=world.users["coordinator"], run=start(scenario.batch))
    proposed_count = Assignment.objects.filter(
        batch=scenario.batch, state=AssignmentState.PROPOSED
    ).count()
    client.force_login(world.users["coordinator"])
    html = client.get(
        reverse("programmes:batch_detail", kwargs={"batch_pk": scenario.batch.pk})
    ).content.decode()
    assert f"“重新开放报名”：将取消已采纳方案的 {proposed_count} 名拟任人选。" in html

"""Commendations: nominating (by a leader over the person, or by the coordinator from a top
grade), approving or rejecting, withdrawing, the decision that lists the approved; every
refusal leaves the rows as they were."""

import datetime as dt

import pytest
from django.forms.models import model_to_dict

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent, Notification
from guazhi.evaluation.models import (
    NOMINATION_TRANSITIONS,
    CommendationDecision,
    CommendationKind,
    EvaluationRound,
    Evaluee,
    Nomination,
    NominationState,
    RoundState,
)
from guazhi.evaluation.selectors.commendations import (
    batch_nominations,
    nominable_results,
    nominee_choices,
)
from guazhi.evaluation.services.commendations import (
    decision_create,
    decision_update,
    nomination_approve,
    nomination_create,
    nomination_reject,
    nomination_withdraw,
)
from guazhi.evaluation.services.results import results_reopen
from guazhi.programmes.models import Assignment, AssignmentState
from tests.evaluation.forms_world import results_world
from tests.evaluation.world import evaluation_world
from tests.factories import CadreFactory, UnitFactory, grant
from tests.programmes.factories import PostFactory, assign

CITATION = "挂职期间牵头建成产业园，带动就业300余人。"


def loaded(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_related(
        "batch__coordinating_org", "cadre__user", "host_unit", "home_unit", "post"
    ).get(pk=assignment.pk)


def nominate(world, assignment, role: str = "host_leader", **fields):  # type: ignore[no-untyped-def]
    values = {"kind": CommendationKind.COMMENDATION, "citation": CITATION, **fields}
    return nomination_create(actor=world.users[role], assignment=loaded(assignment), **values)


def fresh(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_related(
        "assignment__batch__coordinating_org", "assignment__cadre__user", "nominated_by"
    ).get(pk=nomination.pk)


def snapshot(nomination: Nomination) -> dict[str, object]:
    return model_to_dict(Nomination.objects.get(pk=nomination.pk))


# Nominating -----------------------------------------------------------------------------------


def test_a_host_leader_nominates_a_person_of_their_unit_and_the_coordinators_are_told(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    with django_capture_on_commit_callbacks(execute=True):
        nomination = nominate(world, found.duty.serving_a)
    nomination = fresh(nomination)
    assert (
        nomination.state,
        nomination.kind,
        nomination.honorary_title,
        nomination.citation,
        nomination.nominated_by,
        nomination.evaluee,
    ) == (
        NominationState.NOMINATED,
        CommendationKind.COMMENDATION,
        "",
        CITATION,
        world.users["host_leader"],
        None,
    )
    event = AuditEvent.objects.get(action="commendation.nominate")
    assert event.detail == {
        "name": "张三",
        "commendation_kind": "commendation",
        "honorary_title": "",
        "from_result": False,
    }
    [notice] = Notification.objects.all()
    assert (notice.recipient, notice.text, notice.url) == (
        world.users["coordinator"],
        "白鹿镇赵书记提名张三嘉奖，请审批。",
        f"/evaluation/nominations/{nomination.pk}/",
    )


def test_an_honorary_title_needs_its_name_and_other_kinds_drop_it(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    with pytest.raises(ValidationFailed) as refused:
        nominate(world, found.duty.serving_a, kind=CommendationKind.HONORARY_TITLE)
    assert refused.value.detail == {"honorary_title": "请填写荣誉称号。"}
    titled = nominate(
        world,
        found.duty.serving_a,
        kind=CommendationKind.HONORARY_TITLE,
        honorary_title=" 优秀挂职干部 ",
    )
    assert titled.honorary_title == "优秀挂职干部"
    plain = nominate(
        world, found.duty.serving_a, kind=CommendationKind.THIRD_CLASS, honorary_title="多余"
    )
    assert plain.honorary_title == ""


def test_the_citation_is_required_and_nothing_is_made_without_it(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    with pytest.raises(ValidationFailed) as refused:
        nominate(world, found.duty.serving_a, citation="  ")
    assert refused.value.detail == {"citation": "请填写主要事迹。"}
    assert not Nomination.objects.exists()
    assert not AuditEvent.objects.filter(action="commendation.nominate").exists()


def test_a_leader_nominates_only_the_people_they_reach(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    with pytest.raises(Forbidden):
        nominate(world, found.duty.serving_b)  # batch B: outside the host leader's reach
    # A person of batch A at another township is not the 白鹿镇 host leader's either.
    town = UnitFactory(name="石门镇", kind="township", level="township", parent=world.district_a)
    post = PostFactory(batch=found.duty.batch_a, host_unit=town, title="镇长助理")
    elsewhere = assign(
        post, CadreFactory(name="孙五", home_unit=world.school_a), AssignmentState.ACTIVE
    )
    with pytest.raises(Forbidden):
        nominate(world, elsewhere)
    assert (
        nominee_choices(actor=world.users["host_leader"], batch=found.duty.batch_a)
        .filter(pk=elsewhere.pk)
        .count()
        == 0
    )
    # The coordinator reaches both.
    assert nominate(world, elsewhere, role="coordinator").state == NominationState.NOMINATED
    assert not Nomination.objects.filter(assignment=found.duty.serving_b).exists()


def test_nobody_nominates_themselves(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    leader = world.users["group_leader"]  # 钱组长, a seconded cadre leading group 第一组
    grant(leader, "cadre", world.school_a)
    grant(leader, "coordinator", world.district_a)
    with pytest.raises(Forbidden):
        nominate(world, found.leader_assignment, role="group_leader")
    assert [a.pk for a in nominee_choices(actor=leader, batch=found.duty.batch_a)] == [
        found.duty.serving_a.pk
    ]
    assert not Nomination.objects.exists()


def test_the_same_honour_is_not_nominated_twice_while_pending_or_approved(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    first = nominate(world, found.duty.serving_a)
    with pytest.raises(ValidationFailed) as refused:
        nominate(world, found.duty.serving_a, role="coordinator")
    assert refused.value.message == "张三已有待审批或已批准的同类表彰提名，不能重复提名。"
    # Another honour is another nomination.
    nominate(world, found.duty.serving_a, kind=CommendationKind.THIRD_CLASS)
    # Once rejected, the same honour may be proposed again.
    nomination_reject(
        actor=world.users["coordinator"], nomination=fresh(first), comment="事迹不够突出。"
    )
    assert nominate(world, found.duty.serving_a).state == NominationState.NOMINATED
    assert Nomination.objects.count() == 3


def test_the_coordinator_nominates_from_a_top_grade_result(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    coordinator = world.users["coordinator"]
    batch = found.duty.batch_a
    assert nominable_results(actor=coordinator, batch=batch) == [found.evaluee_a]
    assert nominable_results(actor=world.users["host_leader"], batch=batch) == []
    nomination = nominate(
        world,
        found.duty.serving_a,
        role="coordinator",
        kind=CommendationKind.HONORARY_TITLE,
        honorary_title="优秀挂职干部",
        evaluee=found.evaluee_a,
    )
    assert fresh(nomination).evaluee == found.evaluee_a
    assert AuditEvent.objects.get(action="commendation.nominate").detail["from_result"] is True
    # Once nominated from it, the result is no longer offered.
    assert nominable_results(actor=coordinator, batch=batch) == []


def test_no_nomination_from_a_result_below_the_top_grade_or_not_decided(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    with pytest.raises(ValidationFailed):  # 钱组长 was given 合格
        nominate(world, found.leader_assignment, role="coordinator", evaluee=found.evaluee_leader)
    with pytest.raises(Forbidden):  # results are the coordinator's to nominate from
        nominate(world, found.duty.serving_a, evaluee=found.evaluee_a)
    with pytest.raises(ValidationFailed):  # the result is another person's
        nominate(world, found.leader_assignment, role="coordinator", evaluee=found.evaluee_a)
    found.round.state = RoundState.CLOSED
    found.round.save(update_fields=["state"])
    found.evaluee_a.round.state = RoundState.CLOSED
    with pytest.raises(ValidationFailed):
        nominate(world, found.duty.serving_a, role="coordinator", evaluee=found.evaluee_a)
    assert not Nomination.objects.exists()


# Deciding -------------------------------------------------------------------------------------


def _move(world, nomination: Nomination, target: str) -> Nomination:  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    if target == NominationState.APPROVED:
        return nomination_approve(actor=coordinator, nomination=fresh(nomination))
    if target == NominationState.REJECTED:
        return nomination_reject(
            actor=coordinator, nomination=fresh(nomination), comment="不符合条件。"
        )
    return nomination_withdraw(actor=coordinator, nomination=fresh(nomination))


def test_the_transition_table_is_what_the_services_allow(world) -> None:  # type: ignore[no-untyped-def]
    """Every state against every target: allowed moves land in the target, refused ones raise
    InvalidTransition and leave the row as it was."""
    found = evaluation_world(world)
    for state in NominationState.values:
        for target in (
            NominationState.APPROVED,
            NominationState.REJECTED,
            NominationState.WITHDRAWN,
        ):
            Nomination.objects.all().delete()
            nomination = nominate(world, found.duty.serving_a, role="coordinator")
            Nomination.objects.filter(pk=nomination.pk).update(state=state)
            before = snapshot(nomination)
            if target in NOMINATION_TRANSITIONS[state]:
                assert _move(world, nomination, target).state == target
                assert Nomination.objects.get(pk=nomination.pk).state == target
            else:
                with pytest.raises(InvalidTransition):
                    _move(world, nomination, target)
                assert snapshot(nomination) == before, (state, target)


def test_approval_tells_the_person_and_the_nominator(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    nomination = nominate(world, found.duty.serving_a)
    with django_capture_on_commit_callbacks(execute=True):
        approved = nomination_approve(
            actor=world.users["coordinator"], nomination=fresh(nomination), comment="同意。"
        )
    assert (approved.state, approved.decided_by, approved.decision_comment) == (
        NominationState.APPROVED,
        world.users["coordinator"],
        "同意。",
    )
    assert approved.decided_at is not None
    told = {n.recipient.username: (n.text, n.url) for n in Notification.objects.all()}
    assert told == {
        "cadre": ("您被提名的嘉奖已获批准。", "/evaluation/mine/"),
        "host": ("您对张三的嘉奖提名已获批准。", f"/evaluation/nominations/{nomination.pk}/"),
    }
    event = AuditEvent.objects.get(action="commendation.approve")
    assert event.detail == {"name": "张三", "comment": "同意。"}


def test_a_rejection_says_why_and_the_person_is_not_told(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    nomination = nominate(world, found.duty.serving_a)
    before = snapshot(nomination)
    with pytest.raises(ValidationFailed) as refused:
        nomination_reject(
            actor=world.users["coordinator"], nomination=fresh(nomination), comment=""
        )
    assert refused.value.detail == {"comment": "请填写审批意见。"}
    assert snapshot(nomination) == before
    with django_capture_on_commit_callbacks(execute=True):
        nomination_reject(
            actor=world.users["coordinator"], nomination=fresh(nomination), comment="事迹不够突出。"
        )
    assert [(n.recipient.username, n.text) for n in Notification.objects.all()] == [
        ("host", "您对张三的嘉奖提名未获批准。")
    ]


def test_a_nomination_from_a_result_is_approved_only_while_the_result_stands(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    coordinator = world.users["coordinator"]
    nomination = nominate(world, found.duty.serving_a, role="coordinator", evaluee=found.evaluee_a)
    # Sent back to the committee: the grade stands only once decided again.
    results_reopen(actor=coordinator, round=found.round, reason="复核等次")
    before = snapshot(nomination)
    with pytest.raises(InvalidTransition) as refused:
        nomination_approve(actor=coordinator, nomination=fresh(nomination))
    assert refused.value.message == (
        f"该提名依据的“{found.round.name}”考核结果已退回重新决定，须再次决定后才能批准。"
    )
    # Decided again with another grade.
    EvaluationRound.objects.filter(pk=found.round.pk).update(state=RoundState.DECIDED)
    Evaluee.objects.filter(pk=found.evaluee_a.pk).update(grade="称职")
    with pytest.raises(InvalidTransition) as refused:
        nomination_approve(actor=coordinator, nomination=fresh(nomination))
    assert refused.value.message == (
        f"该提名依据的“{found.round.name}”考核结果已改为其他等次，不再是“优秀”（“好”），不能批准。"
    )
    assert snapshot(nomination) == before
    # A rejection needs no standing result; with the top grade back, approval goes through.
    Evaluee.objects.filter(pk=found.evaluee_a.pk).update(grade="优秀")
    approved = nomination_approve(actor=coordinator, nomination=fresh(nomination))
    assert approved.state == NominationState.APPROVED


def test_only_a_coordinator_over_the_batch_decides(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    nomination = nominate(world, found.duty.serving_a)
    before = snapshot(nomination)
    for role in ("host_leader", "dispatch_admin", "group_leader"):
        with pytest.raises(Forbidden):
            nomination_approve(actor=world.users[role], nomination=fresh(nomination))
    outside = Nomination.objects.create(
        assignment=found.duty.serving_b, kind=CommendationKind.COMMENDATION, citation=CITATION
    )
    outside_before = snapshot(outside)
    with pytest.raises(Forbidden):
        nomination_approve(actor=world.users["coordinator"], nomination=fresh(outside))
    assert (snapshot(nomination), snapshot(outside)) == (before, outside_before)
    assert not AuditEvent.objects.filter(action="commendation.approve").exists()


def test_only_the_nominator_withdraws(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    nomination = nominate(world, found.duty.serving_a)
    before = snapshot(nomination)
    with pytest.raises(Forbidden):
        nomination_withdraw(actor=world.users["coordinator"], nomination=fresh(nomination))
    assert snapshot(nomination) == before
    withdrawn = nomination_withdraw(actor=world.users["host_leader"], nomination=fresh(nomination))
    assert withdrawn.state == NominationState.WITHDRAWN
    assert AuditEvent.objects.get(action="commendation.withdraw").detail == {"name": "张三"}


# Reading ------------------------------------------------------------------------------------


def test_each_leader_reads_the_nominations_of_the_people_they_reach_and_the_person_none(
    world,
) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    batch = found.duty.batch_a
    zhang = nominate(world, found.duty.serving_a)
    qian = nominate(world, found.leader_assignment, role="coordinator")
    town = UnitFactory(name="石门镇", kind="township", level="township", parent=world.district_a)
    post = PostFactory(batch=batch, host_unit=town, title="镇长助理")
    sun = nominate(
        world,
        assign(post, CadreFactory(name="孙五", home_unit=world.school_b), AssignmentState.ACTIVE),
        role="coordinator",
    )

    def read(role: str) -> set[int]:
        return {n.pk for n in batch_nominations(actor=world.users[role], batch=batch)}

    assert read("coordinator") == {zhang.pk, qian.pk, sun.pk}
    assert read("host_leader") == {zhang.pk, qian.pk}  # 白鹿镇
    assert read("dispatch_admin") == {zhang.pk, qian.pk}  # 浔阳区委党校's people
    # The person nominated does not read the deliberation on their own nomination.
    assert read("cadre") == set()


# The decision ---------------------------------------------------------------------------------


def _approved(world, assignment, **fields) -> Nomination:  # type: ignore[no-untyped-def]
    nomination = nominate(world, assignment, role="coordinator", **fields)
    return nomination_approve(actor=world.users["coordinator"], nomination=fresh(nomination))


def _decision_fields(**changes: object) -> dict[str, object]:
    return {
        "title": "关于表彰2026年度优秀挂职干部的决定",
        "number": "浔组字〔2026〕12号",
        "issued_on": dt.date(2026, 12, 20),
        "issuer": "中共浔阳区委组织部",
        "preamble": "为表彰先进，决定对以下同志予以表彰。",
        **changes,
    }


def test_a_decision_lists_approved_nominations_of_the_batch_no_other_decision_lists(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    coordinator = world.users["coordinator"]
    batch = found.duty.batch_a
    zhang = _approved(world, found.duty.serving_a)
    qian = _approved(world, found.leader_assignment, kind=CommendationKind.THIRD_CLASS)
    pending = nominate(
        world, found.duty.serving_a, role="coordinator", kind=CommendationKind.FIRST_CLASS
    )
    decision = decision_create(
        actor=coordinator, batch=batch, nominations=[zhang.pk], **_decision_fields()
    )
    assert list(decision.nominations.values_list("pk", flat=True)) == [zhang.pk]
    assert AuditEvent.objects.get(action="commendation.decision_create").detail == {
        "title": "关于表彰2026年度优秀挂职干部的决定",
        "number": "浔组字〔2026〕12号",
        "count": 1,
    }
    # A pending nomination, or one another decision lists, cannot be listed: nothing is made.
    for refused in ([pending.pk], [zhang.pk, qian.pk], []):
        with pytest.raises(ValidationFailed):
            decision_create(
                actor=coordinator, batch=batch, nominations=refused, **_decision_fields()
            )
    assert CommendationDecision.objects.count() == 1
    assert Nomination.objects.get(pk=qian.pk).decision is None
    # Editing moves the list: 钱组长 in, 张三 out; the text changes with it.
    decision_update(
        actor=coordinator,
        decision=decision,
        nominations=[qian.pk],
        **_decision_fields(number="浔组字〔2026〕13号"),
    )
    assert list(Nomination.objects.filter(decision=decision).values_list("pk", flat=True)) == [
        qian.pk
    ]
    assert CommendationDecision.objects.get(pk=decision.pk).number == "浔组字〔2026〕13号"
    assert AuditEvent.objects.get(action="commendation.decision_update").detail == {
        "fields": ["number"],
        "added": 1,
        "removed": 1,
    }


def test_a_decision_needs_its_title_date_and_issuer_and_a_coordinator(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    zhang = _approved(world, found.duty.serving_a)
    batch = found.duty.batch_a
    with pytest.raises(ValidationFailed) as refused:
        decision_create(
            actor=world.users["coordinator"],
            batch=batch,
            nominations=[zhang.pk],
            **_decision_fields(title=" ", issued_on=None),
        )
    assert refused.value.detail == {"issued_on": "请填写印发日期。"}
    with pytest.raises(ValidationFailed) as refused:
        decision_create(
            actor=world.users["coordinator"],
            batch=batch,
            nominations=[zhang.pk],
            **_decision_fields(title=" "),
        )
    assert refused.value.detail == {"title": "请填写标题。"}
    with pytest.raises(Forbidden):
        decision_create(
            actor=world.users["host_leader"],
            batch=batch,
            nominations=[zhang.pk],
            **_decision_fields(),
        )
    assert not CommendationDecision.objects.exists()
    assert Nomination.objects.get(pk=zhang.pk).decision is None

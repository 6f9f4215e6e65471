"""Publishing a round's results: the publicity of the top grade counted in working days, the
people told, objections within the period only, their settlement, and the person's signed
opinion (once, only after publication). Refusals leave everything as it was."""

import datetime as dt

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent, Notification
from guazhi.evaluation.models import EvaluationRound, Evaluee, Objection, RoundState
from guazhi.evaluation.selectors.results import Acknowledgement, acknowledgement_of
from guazhi.evaluation.services.results import (
    objection_raise,
    objection_resolve,
    result_acknowledge,
    results_publish,
)
from tests.evaluation.results_world import person, results_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)
THURSDAY = dt.date(2026, 3, 5)


def _decided(world):  # type: ignore[no-untyped-def]
    """A decided round of batch A: 张三 优秀, 李明 称职."""
    found = results_world(world, state=RoundState.DECIDED)
    other = person(found.round_a, name="李明")
    Evaluee.objects.filter(pk=found.zhang.pk).update(
        score="95.00", rank=1, proposed_grade="优秀", grade="优秀"
    )
    Evaluee.objects.filter(pk=other.pk).update(
        score="80.00", rank=2, proposed_grade="称职", grade="称职"
    )
    found.zhang.refresh_from_db()
    other.refresh_from_db()
    return found, found.zhang, other


def test_publishing_opens_five_working_days_of_publicity(world) -> None:  # type: ignore[no-untyped-def]
    found, _zhang, _other = _decided(world)
    published = results_publish(actor=world.users["coordinator"], round=found.round_a, today=MONDAY)
    assert published.state == RoundState.PUBLISHED
    round = EvaluationRound.objects.get(pk=found.round_a.pk)
    assert (round.publicity_start, round.publicity_end) == (MONDAY, dt.date(2026, 3, 6))
    assert round.published_at is not None
    assert AuditEvent.objects.get(action="result.publish").detail == {
        "publicity_start": "2026-03-02",
        "publicity_end": "2026-03-06",
        "excellent": 1,
    }


def test_the_weekend_does_not_count(world) -> None:  # type: ignore[no-untyped-def]
    found, _zhang, _other = _decided(world)
    results_publish(actor=world.users["coordinator"], round=found.round_a, today=THURSDAY)
    round = EvaluationRound.objects.get(pk=found.round_a.pk)
    # Thursday, Friday, Monday, Tuesday, Wednesday.
    assert (round.publicity_start, round.publicity_end) == (THURSDAY, dt.date(2026, 3, 11))


def test_everyone_evaluated_is_told_their_result_is_out(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found, zhang, _other = _decided(world)
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(actor=world.users["coordinator"], round=found.round_a, today=MONDAY)
    notice = Notification.objects.get(recipient=world.users["cadre"])
    assert notice.text == f"您在“{found.round_a.name}”中的考核结果已公布，请查看并签署本人意见。"
    assert notice.url == f"/evaluation/evaluees/{zhang.pk}/result/"


def test_only_a_decided_round_is_published(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)  # closed
    with pytest.raises(InvalidTransition):
        results_publish(actor=world.users["coordinator"], round=found.round_a, today=MONDAY)
    with pytest.raises(Forbidden):
        results_publish(actor=world.users["host_leader"], round=found.round_a, today=MONDAY)
    round = EvaluationRound.objects.get(pk=found.round_a.pk)
    assert (round.state, round.publicity_start, round.published_at) == (
        RoundState.CLOSED,
        None,
        None,
    )
    assert not AuditEvent.objects.filter(action="result.publish").exists()


def test_objections_during_the_period_reach_the_coordinators(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found, zhang, _other = _decided(world)
    results_publish(actor=world.users["coordinator"], round=found.round_a, today=MONDAY)
    zhang.round.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        objection = objection_raise(
            actor=world.users["host_leader"],
            evaluee=zhang,
            content="该同志今年有两个月不在岗。",
            contact="0792-1234567",
            today=dt.date(2026, 3, 6),
        )
    assert (objection.round_id, objection.evaluee_id, objection.raised_by) == (
        found.round_a.pk,
        zhang.pk,
        world.users["host_leader"],
    )
    assert AuditEvent.objects.get(action="result.objection_raise").detail == {
        "evaluee": zhang.pk,
        "name": "张三",
    }
    notice = Notification.objects.get(recipient=world.users["coordinator"])
    assert notice.text == f"“{found.round_a.name}”优秀等次公示收到对张三的异议，请核实处理。"


def test_no_objection_outside_the_period(world) -> None:  # type: ignore[no-untyped-def]
    found, zhang, _other = _decided(world)
    results_publish(actor=world.users["coordinator"], round=found.round_a, today=MONDAY)
    zhang.round.refresh_from_db()
    for day in (dt.date(2026, 3, 1), dt.date(2026, 3, 9)):
        with pytest.raises(InvalidTransition) as refusal:
            objection_raise(
                actor=world.users["host_leader"], evaluee=zhang, content="异议。", today=day
            )
        assert refusal.value.message == "公示期为2026年3月2日至2026年3月6日，现在不在公示期内。"
    assert not Objection.objects.exists()


def test_no_objection_before_publication(world) -> None:  # type: ignore[no-untyped-def]
    _found, zhang, _other = _decided(world)
    with pytest.raises(InvalidTransition):
        objection_raise(actor=world.users["host_leader"], evaluee=zhang, content="异议。")
    assert not Objection.objects.exists()


def test_objections_only_about_the_people_on_the_list_by_people_who_read_it(world) -> None:  # type: ignore[no-untyped-def]
    found, zhang, other = _decided(world)
    results_publish(actor=world.users["coordinator"], round=found.round_a, today=MONDAY)
    zhang.round.refresh_from_db()
    other.round.refresh_from_db()
    with pytest.raises(ValidationFailed) as refusal:
        objection_raise(
            actor=world.users["host_leader"], evaluee=other, content="异议。", today=MONDAY
        )
    assert refusal.value.detail == {"evaluee": "李明不在公示名单中。"}
    with pytest.raises(Forbidden):  # about oneself
        objection_raise(actor=world.users["cadre"], evaluee=zhang, content="异议。", today=MONDAY)
    with pytest.raises(Forbidden):  # a signed-in user the batch does not concern
        objection_raise(
            actor=UserFactory(username="stranger"), evaluee=zhang, content="异议。", today=MONDAY
        )
    with pytest.raises(ValidationFailed) as refusal:
        objection_raise(actor=world.users["host_leader"], evaluee=zhang, content=" ", today=MONDAY)
    assert refusal.value.detail == {"content": "请填写异议内容。"}
    assert not Objection.objects.exists()


def test_the_coordinator_settles_an_objection(world) -> None:  # type: ignore[no-untyped-def]
    found, zhang, _other = _decided(world)
    results_publish(actor=world.users["coordinator"], round=found.round_a, today=MONDAY)
    zhang.round.refresh_from_db()
    objection = objection_raise(
        actor=world.users["host_leader"], evaluee=zhang, content="异议。", today=MONDAY
    )
    with pytest.raises(Forbidden):
        objection_resolve(actor=world.users["host_leader"], objection=objection, resolution="x")
    with pytest.raises(ValidationFailed):
        objection_resolve(actor=world.users["coordinator"], objection=objection, resolution="")
    assert Objection.objects.get(pk=objection.pk).resolved_at is None
    objection_resolve(
        actor=world.users["coordinator"],
        objection=objection,
        resolution="经核实，该同志两个月为经批准的病假，反映不属实。",
    )
    settled = Objection.objects.get(pk=objection.pk)
    assert settled.resolution == "经核实，该同志两个月为经批准的病假，反映不属实。"
    assert settled.resolved_by == world.users["coordinator"]
    assert settled.resolved_at is not None


def test_the_person_signs_once_after_publication(world) -> None:  # type: ignore[no-untyped-def]
    found, zhang, _other = _decided(world)
    cadre = world.users["cadre"]
    with pytest.raises(InvalidTransition):
        result_acknowledge(actor=cadre, evaluee=zhang, agrees=True)
    assert Evaluee.objects.get(pk=zhang.pk).acknowledged_at is None

    results_publish(actor=world.users["coordinator"], round=found.round_a, today=MONDAY)
    with pytest.raises(Forbidden):
        result_acknowledge(actor=world.users["host_leader"], evaluee=zhang, agrees=True)
    signed = result_acknowledge(actor=cadre, evaluee=zhang, agrees=True, text="感谢组织肯定。")
    assert (signed.acknowledgement_agrees, signed.acknowledgement) == (True, "感谢组织肯定。")
    assert acknowledgement_of(Evaluee.objects.get(pk=zhang.pk)) is not None
    assert acknowledgement_of(signed).text == "感谢组织肯定。"  # type: ignore[union-attr]
    assert AuditEvent.objects.get(action="result.acknowledge").detail == {"agrees": True}
    with pytest.raises(InvalidTransition):
        result_acknowledge(actor=cadre, evaluee=zhang, agrees=False, text="改主意了。")
    kept = Evaluee.objects.get(pk=zhang.pk)
    assert (kept.acknowledgement_agrees, kept.acknowledgement) == (True, "感谢组织肯定。")


def test_an_objection_by_the_person_says_to_what(world) -> None:  # type: ignore[no-untyped-def]
    found, zhang, _other = _decided(world)
    results_publish(actor=world.users["coordinator"], round=found.round_a, today=MONDAY)
    cadre = world.users["cadre"]
    with pytest.raises(ValidationFailed) as refusal:
        result_acknowledge(actor=cadre, evaluee=zhang, agrees=False, text="")
    assert refusal.value.detail == {"text": "请填写异议内容。"}
    assert Evaluee.objects.get(pk=zhang.pk).acknowledged_at is None
    signed = result_acknowledge(
        actor=cadre, evaluee=zhang, agrees=False, text="民主测评得分与实际不符。"
    )
    assert acknowledgement_of(signed) == Acknowledgement(
        agrees=False, text="民主测评得分与实际不符。"
    )


def test_a_cadre_of_the_batch_may_object_one_of_another_batch_may_not(world) -> None:  # type: ignore[no-untyped-def]
    from guazhi.evaluation.selectors.results import can_see_publicity
    from guazhi.programmes.models import AssignmentState
    from tests.factories import CadreFactory, grant
    from tests.programmes.factories import assign

    found, zhang, _other = _decided(world)
    results_publish(actor=world.users["coordinator"], round=found.round_a, today=MONDAY)
    zhang.round.refresh_from_db()

    def colleague(username: str, batch, home):  # type: ignore[no-untyped-def]
        user = grant(UserFactory(username=username), "cadre", home)
        cadre = CadreFactory(name=username, home_unit=home, user=user)
        assign(batch.posts.first(), cadre, AssignmentState.ACTIVE, start_date=batch.term_start)
        return user

    inside = colleague("colleague_a", found.duty.batch_a, world.school_a)
    outside = colleague("colleague_b", found.duty.batch_b, world.school_b)
    assert can_see_publicity(actor=inside, round=found.round_a) is True
    assert can_see_publicity(actor=outside, round=found.round_a) is False
    with pytest.raises(Forbidden):
        objection_raise(actor=outside, evaluee=zhang, content="异议。", today=MONDAY)
    objection = objection_raise(actor=inside, evaluee=zhang, content="异议。", today=MONDAY)
    assert objection.raised_by == inside
    assert Objection.objects.count() == 1

"""The committee's decision: grades prepared person by person, the decision fixing them (the
proposed ones by default), the tie and the quota refusing it, the approved exception, reopening
the decision, and checking a flag. Every refusal leaves everything as it was."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.evaluation.models import (
    CommitteeDecision,
    EvaluationRound,
    Evaluee,
    FlagKind,
    RaterRole,
    RatingFlag,
    RoundState,
)
from guazhi.evaluation.services.grading import NOT_GRADED, TIE_PENDING
from guazhi.evaluation.services.results import (
    flag_dismiss,
    quota_exception_approve,
    quota_exception_withdraw,
    result_grade_set,
    results_compute,
    results_decide,
    results_reopen,
)
from tests.evaluation.results_world import person, rate, results_world

pytestmark = pytest.mark.django_db
HOST = RaterRole.HOST_LEADERSHIP


def _round(world, totals: list[str | None]):  # type: ignore[no-untyped-def]
    """A closed round of batch A: 张三 first, then one more person per total (None: unrated),
    computed."""
    found = results_world(world)
    people = [found.zhang, *(person(found.round_a) for _ in range(len(totals) - 1))]
    for evaluee, total in zip(people, totals, strict=True):
        if total is not None:
            rate(evaluee, HOST, total)
    results_compute(round=found.round_a)
    return found.round_a, [Evaluee.objects.get(pk=evaluee.pk) for evaluee in people]


def _grades(people: list[Evaluee]) -> list[tuple[str, str]]:
    return [
        Evaluee.objects.values_list("grade", "decision_note").get(pk=evaluee.pk)
        for evaluee in people
    ]


def _state(round: EvaluationRound) -> tuple[str, object, int, int]:
    round.refresh_from_db()
    return (
        round.state,
        round.decided_at,
        CommitteeDecision.objects.filter(round=round).count(),
        AuditEvent.objects.filter(action="result.decide").count(),
    )


def _decide(world, round, **changes):  # type: ignore[no-untyped-def]
    values = {
        "actor": world.users["coordinator"],
        "round": round,
        "decided_on": timezone.localdate(),
        "body": "区委组织部考核委员会",
        "members": "王科长、李主任",
        "minutes": "会议研究了考核结果。",
    }
    return results_decide(**{**values, **changes})


def test_the_decision_takes_the_proposed_grades_by_default(world) -> None:  # type: ignore[no-untyped-def]
    # 5 people at 20%: one 优秀.
    round, people = _round(world, ["95", "80", "65", "50", None])
    decided = _decide(world, round)
    assert decided.state == RoundState.DECIDED
    assert _grades(people) == [
        ("优秀", ""),
        ("称职", ""),
        ("基本称职", ""),
        ("不称职", ""),
        (NOT_GRADED, ""),  # nobody rated them
    ]
    decision = CommitteeDecision.objects.get(round=round)
    assert (decision.decided_on, decision.body, decision.members, decision.minutes) == (
        timezone.localdate(),
        "区委组织部考核委员会",
        "王科长、李主任",
        "会议研究了考核结果。",
    )
    assert decision.recorded_by == world.users["coordinator"]
    event = AuditEvent.objects.get(action="result.decide")
    assert event.detail == {
        "decided_on": timezone.localdate().isoformat(),
        "body": "区委组织部考核委员会",
        "excellent": 1,
        "excellent_limit": 1,
        "quota_exception": False,
        "changed": [],
    }


def test_a_changed_grade_needs_a_note_and_is_kept_with_it(world) -> None:  # type: ignore[no-untyped-def]
    round, people = _round(world, ["95", "80", "65", "50", "50"])
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationFailed) as refusal:
        result_grade_set(actor=coordinator, evaluee=people[2], grade="称职")
    assert refusal.value.detail == {"note": "等次与建议等次不同，请填写调整说明。"}
    assert _grades(people)[2] == ("", "")

    result_grade_set(
        actor=coordinator,
        evaluee=people[2],
        grade="称职",
        note="民主测评票数不足，经核实工作实绩突出。",
    )
    # The proposed grade itself needs no note, and changes nothing.
    result_grade_set(actor=coordinator, evaluee=people[3], grade="不称职", note="")
    assert _grades(people)[2:4] == [("称职", "民主测评票数不足，经核实工作实绩突出。"), ("", "")]
    _decide(world, round)
    assert _grades(people)[2] == ("称职", "民主测评票数不足，经核实工作实绩突出。")
    assert AuditEvent.objects.get(action="result.decide").detail["changed"] == [
        {"evaluee": people[2].pk, "proposed": "基本称职", "grade": "称职"}
    ]


def test_setting_the_proposed_grade_again_clears_the_change(world) -> None:  # type: ignore[no-untyped-def]
    _unused, people = _round(world, ["80"])
    coordinator = world.users["coordinator"]
    result_grade_set(actor=coordinator, evaluee=people[0], grade="基本称职", note="说明")
    result_grade_set(actor=coordinator, evaluee=people[0], grade="称职", note="说明")
    assert _grades(people) == [("", "")]
    assert AuditEvent.objects.filter(action="result.grade_set").count() == 2


def test_a_grade_outside_the_scheme_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    _unused, people = _round(world, ["80"])
    with pytest.raises(ValidationFailed) as refusal:
        result_grade_set(
            actor=world.users["coordinator"], evaluee=people[0], grade="合格", note="说明"
        )
    assert refusal.value.detail == {"grade": "“合格”不是该考核对象可用的等次。"}
    assert _grades(people) == [("", "")]


def test_a_tie_at_the_cut_line_must_be_settled_before_deciding(world) -> None:  # type: ignore[no-untyped-def]
    round, people = _round(world, ["93", "93", "80", "80", "80"])
    assert [evaluee.proposed_grade for evaluee in people[:2]] == [TIE_PENDING, TIE_PENDING]
    before = _state(round)
    with pytest.raises(ValidationFailed) as refusal:
        _decide(world, round)
    assert refusal.value.detail == {
        "grades": f"{people[0].assignment.cadre.name}、{people[1].assignment.cadre.name}等 2 人"
        "得分并列处于优秀比例线上，请先逐人确定等次。"
    }
    assert _state(round) == before
    assert _grades(people) == [("", "")] * 5

    coordinator = world.users["coordinator"]
    result_grade_set(actor=coordinator, evaluee=people[0], grade="优秀", note="委员会投票确定。")
    result_grade_set(actor=coordinator, evaluee=people[1], grade="称职", note="委员会投票确定。")
    _decide(world, round)
    assert [grade for grade, _note in _grades(people)] == ["优秀", "称职", "称职", "称职", "称职"]


def test_the_quota_holds_on_the_decided_grades(world) -> None:  # type: ignore[no-untyped-def]
    round, people = _round(world, ["95", "92", "80", "80", "80"])
    coordinator = world.users["coordinator"]
    result_grade_set(actor=coordinator, evaluee=people[1], grade="优秀", note="实绩突出。")
    before = _state(round)
    with pytest.raises(ValidationFailed) as refusal:
        _decide(world, round)
    assert refusal.value.detail == {
        "grades": "确定为优秀（好）等次的有 2 人，超过比例上限 1 人（20%）；"
        "请调整等次，或先登记超比例的批准。"
    }
    assert _state(round) == before
    assert _grades(people)[:2] == [("", ""), ("优秀", "实绩突出。")]


def test_an_approved_exception_lifts_the_quota(world) -> None:  # type: ignore[no-untyped-def]
    round, people = _round(world, ["95", "92", "80", "80", "80"])
    coordinator = world.users["coordinator"]
    result_grade_set(actor=coordinator, evaluee=people[1], grade="优秀", note="实绩突出。")
    with pytest.raises(ValidationFailed) as refusal:
        quota_exception_approve(actor=coordinator, round=round, reason="  ")
    assert refusal.value.detail == {"reason": "请填写批准理由。"}
    round.refresh_from_db()
    assert (round.quota_exception, round.quota_exception_at) == ("", None)

    quota_exception_approve(
        actor=coordinator, round=round, reason="经区委组织部部务会研究同意（2027年1月5日）。"
    )
    round.refresh_from_db()
    assert round.quota_exception == "经区委组织部部务会研究同意（2027年1月5日）。"
    assert round.quota_exception_by == coordinator
    assert round.quota_exception_at is not None
    assert AuditEvent.objects.get(action="result.quota_exception").detail == {
        "reason": "经区委组织部部务会研究同意（2027年1月5日）。"
    }
    _decide(world, round)
    assert [grade for grade, _note in _grades(people)][:2] == ["优秀", "优秀"]
    assert AuditEvent.objects.get(action="result.decide").detail["quota_exception"] is True


def test_an_exception_can_be_withdrawn_before_the_decision_only(world) -> None:  # type: ignore[no-untyped-def]
    round, _people = _round(world, ["95"])
    coordinator = world.users["coordinator"]
    quota_exception_approve(actor=coordinator, round=round, reason="批准。")
    quota_exception_withdraw(actor=coordinator, round=round)
    round.refresh_from_db()
    assert (round.quota_exception, round.quota_exception_by, round.quota_exception_at) == (
        "",
        None,
        None,
    )
    quota_exception_approve(actor=coordinator, round=round, reason="再次批准。")
    _decide(world, round)
    with pytest.raises(InvalidTransition):
        quota_exception_withdraw(actor=coordinator, round=round)
    round.refresh_from_db()
    assert round.quota_exception == "再次批准。"


def test_only_the_coordinators_over_the_batch_decide(world) -> None:  # type: ignore[no-untyped-def]
    round, people = _round(world, ["95", "80"])
    before = _state(round)
    for role in ("host_leader", "dispatch_admin", "group_leader", "cadre"):
        with pytest.raises(Forbidden):
            _decide(world, round, actor=world.users[role])
        with pytest.raises(Forbidden):
            result_grade_set(actor=world.users[role], evaluee=people[1], grade="优秀", note="x")
        with pytest.raises(Forbidden):
            quota_exception_approve(actor=world.users[role], round=round, reason="x")
    assert _state(round) == before
    assert _grades(people) == [("", ""), ("", "")]


def test_deciding_needs_a_closed_round_and_a_date_not_in_the_future(world) -> None:  # type: ignore[no-untyped-def]
    round, people = _round(world, ["95"])
    with pytest.raises(ValidationFailed) as refusal:
        _decide(world, round, decided_on=timezone.localdate() + dt.timedelta(days=1))
    assert refusal.value.detail == {"decided_on": "决定日期不能晚于今天。"}
    with pytest.raises(ValidationFailed) as refusal:
        _decide(world, round, body=" ")
    assert refusal.value.detail == {"body": "请填写决定机构。"}
    EvaluationRound.objects.filter(pk=round.pk).update(state=RoundState.OPEN)
    before = _state(round)
    with pytest.raises(InvalidTransition):
        _decide(world, round)
    with pytest.raises(InvalidTransition):
        result_grade_set(
            actor=world.users["coordinator"], evaluee=people[0], grade="称职", note="x"
        )
    assert _state(round) == before
    assert _grades(people) == [("", "")]


def test_reopening_the_decision_keeps_the_grades_to_change_them(world) -> None:  # type: ignore[no-untyped-def]
    round, people = _round(world, ["95", "80", "80", "80", "80"])
    coordinator = world.users["coordinator"]
    _decide(world, round)
    with pytest.raises(ValidationFailed) as refusal:
        results_reopen(actor=coordinator, round=round, reason="")
    assert refusal.value.detail == {"reason": "请填写重新决定的原因。"}
    assert EvaluationRound.objects.get(pk=round.pk).state == RoundState.DECIDED

    results_reopen(actor=coordinator, round=round, reason="公示前收到反映，需重新研究。")
    round.refresh_from_db()
    assert (round.state, round.decided_at) == (RoundState.CLOSED, None)
    assert [grade for grade, _note in _grades(people)] == ["优秀", "称职", "称职", "称职", "称职"]
    assert AuditEvent.objects.get(action="result.reopen").detail == {
        "reason": "公示前收到反映，需重新研究。"
    }
    result_grade_set(actor=coordinator, evaluee=people[0], grade="称职", note="经核实，降为称职。")
    _decide(world, round)
    assert _grades(people)[0] == ("称职", "经核实，降为称职。")
    assert CommitteeDecision.objects.filter(round=round).count() == 1


def test_a_published_round_cannot_be_reopened(world) -> None:  # type: ignore[no-untyped-def]
    round, _people = _round(world, ["95"])
    EvaluationRound.objects.filter(pk=round.pk).update(state=RoundState.PUBLISHED)
    with pytest.raises(InvalidTransition):
        results_reopen(actor=world.users["coordinator"], round=round, reason="想改。")
    assert EvaluationRound.objects.get(pk=round.pk).state == RoundState.PUBLISHED


def test_a_flag_is_checked_once(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    rate(found.zhang, HOST, "80", uniform=True)
    results_compute(round=found.round_a)
    flag = RatingFlag.objects.get(round=found.round_a)
    assert flag.kind == FlagKind.UNIFORM
    with pytest.raises(Forbidden):
        flag_dismiss(actor=world.users["host_leader"], flag=flag)
    assert RatingFlag.objects.get(pk=flag.pk).dismissed is False
    flag_dismiss(actor=world.users["coordinator"], flag=flag)
    assert RatingFlag.objects.get(pk=flag.pk).dismissed is True
    with pytest.raises(InvalidTransition):
        flag_dismiss(actor=world.users["coordinator"], flag=flag)
    assert AuditEvent.objects.filter(action="result.flag_dismiss").count() == 1


def test_scores_written_are_exact_decimals(world) -> None:  # type: ignore[no-untyped-def]
    _unused, people = _round(world, ["95.55"])
    assert people[0].score == Decimal("95.55")

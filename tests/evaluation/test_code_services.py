"""The democratic evaluation's codes and ballots: issuing and voiding, a code that works once, the
one answer for every unusable code, and paper ballots keyed in by the coordinator."""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.evaluation.models import (
    BallotCode,
    EvaluationRound,
    RaterRole,
    RaterWeight,
    Rating,
    RatingScore,
    RatingSource,
    RoundState,
)
from guazhi.evaluation.selectors.scope import access_evaluee
from guazhi.evaluation.services.codes import (
    CodeRefused,
    ballot_submit_code,
    code_issue,
    code_usable,
    code_void,
    code_void_unused,
    format_code,
)
from guazhi.evaluation.services.ratings import ballot_submit_paper
from guazhi.evaluation.services.rounds import round_close, round_reopen
from tests.evaluation.test_rating_services import scores_of
from tests.evaluation.world import EvaluationWorld, evaluation_world

ONE_MESSAGE = (
    "测评码无效、已使用或已作废，或本轮测评已结束。请核对后重新输入，如有疑问请联系组织部门。"
)


def issue(found: EvaluationWorld, world: Any, count: int = 1, **kwargs: Any) -> list[str]:
    codes = code_issue(
        actor=world.users["coordinator"],
        round=found.round,
        count=count,
        evaluee=kwargs.get("evaluee", found.evaluee_a),
    )
    return [code.code for code in codes]


def ballot(found: EvaluationWorld, code: str, *values: int, **kwargs: Any) -> None:
    ballot_submit_code(
        code=code,
        scores=scores_of(found.round, *values),
        today=kwargs.pop("today", found.today),
        **kwargs,
    )


def test_codes_are_eight_unambiguous_characters_unique_for_the_person(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)

    codes = issue(found, world, count=40)

    assert len(set(codes)) == 40
    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", code) for code in codes)
    assert set(BallotCode.objects.values_list("evaluee", "round", "used", "voided").distinct()) == {
        (found.evaluee_a.pk, found.round.pk, False, False)
    }
    event = AuditEvent.objects.get(action="code.issue")
    assert event.actor == world.users["coordinator"]
    assert event.detail == {"codes": 40, "people": 1, "person": "张三"}
    assert format_code("ABCDEFGH") == "ABCD-EFGH"


def test_codes_for_every_person_of_the_round_at_once(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)

    codes = code_issue(actor=world.users["coordinator"], round=found.round, count=3)

    assert len(codes) == 6
    assert sorted(
        BallotCode.objects.values_list("evaluee__assignment__cadre__name", flat=True)
    ) == [
        "张三",
        "张三",
        "张三",
        "钱组长",
        "钱组长",
        "钱组长",
    ]


@pytest.mark.parametrize("count", [0, 201])
def test_the_number_of_codes_is_bounded(world, count: int) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)

    with pytest.raises(ValidationFailed) as refused:
        issue(found, world, count=count)

    assert refused.value.detail == {"count": "每人发放的测评码数量应为 1 到 200 之间的整数。"}
    assert not BallotCode.objects.exists()


def test_codes_are_not_issued_once_the_round_closed(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world, state=RoundState.CLOSED)

    with pytest.raises(InvalidTransition):
        issue(found, world, count=5)

    assert not BallotCode.objects.exists()
    assert not AuditEvent.objects.filter(action="code.issue").exists()


def test_a_round_without_democratic_evaluation_issues_no_codes(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    RaterWeight.objects.filter(round=found.round, role=RaterRole.DEMOCRATIC).update(weight=0)

    with pytest.raises(ValidationFailed) as refused:
        issue(found, world, count=5)

    assert refused.value.message == "本轮考核不设民主测评，不能发放测评码。"
    assert not BallotCode.objects.exists()


def test_only_a_coordinator_over_the_batch_issues_codes(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)

    with pytest.raises(Forbidden):
        code_issue(actor=world.users["host_leader"], round=found.round, count=5)

    assert not BallotCode.objects.exists()


def test_a_person_of_another_round_gets_no_codes_here(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)

    with pytest.raises(ValidationFailed):
        issue(found, world, count=5, evaluee=found.evaluee_b)

    assert not BallotCode.objects.exists()


# --- a code ballot ---------------------------------------------------------------------------


def test_a_code_opens_one_ballot_for_its_person_and_is_spent(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issue(found, world)

    assert code_usable(code=code.lower(), today=found.today).evaluee == found.evaluee_a
    # 德 80×20 + 能 85×20 + 勤 90×20 + 绩 75×30 + 廉 100×10 = 8350 → 83.50
    ballot(found, format_code(code).lower(), 80, 85, 90, 75, 100, comment="希望多下基层")

    rating = Rating.objects.get()
    assert (rating.evaluee, rating.rater, rating.rater_role, rating.source) == (
        found.evaluee_a,
        None,
        RaterRole.DEMOCRATIC,
        RatingSource.CODE,
    )
    assert (rating.total, rating.uniform, rating.comment) == (
        Decimal("83.50"),
        False,
        "希望多下基层",
    )
    assert rating.submitted_on == found.today
    assert sorted(RatingScore.objects.filter(rating=rating).values_list("score", flat=True)) == [
        75,
        80,
        85,
        90,
        100,
    ]
    assert BallotCode.objects.get().used is True


def test_a_code_works_once(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issue(found, world)
    ballot(found, code, 90, 90, 90, 90, 90)
    before = AuditEvent.objects.count()

    with pytest.raises(CodeRefused) as refused:
        ballot(found, code, 60, 60, 60, 60, 60)

    assert refused.value.message == ONE_MESSAGE
    assert Rating.objects.get().total == Decimal("90.00")
    assert RatingScore.objects.count() == 5
    assert AuditEvent.objects.count() == before


def refuse_with_nothing_changed(found: EvaluationWorld, code: str, **kwargs: Any) -> None:
    before = AuditEvent.objects.count()
    codes_before = list(BallotCode.objects.values_list("code", "used", "voided"))

    with pytest.raises(CodeRefused) as refused:
        ballot(found, code, 90, 90, 90, 90, 90, **kwargs)

    assert refused.value.message == ONE_MESSAGE
    assert not Rating.objects.exists()
    assert AuditEvent.objects.count() == before
    assert list(BallotCode.objects.values_list("code", "used", "voided")) == codes_before


def test_an_unknown_code_gets_the_one_answer(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issue(found, world)

    wrong = "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"
    refuse_with_nothing_changed(found, wrong)
    refuse_with_nothing_changed(found, "ABC")


def test_a_voided_code_gets_the_one_answer(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issue(found, world)
    code_void(actor=world.users["coordinator"], round=found.round, code=format_code(code))

    refuse_with_nothing_changed(found, code)


@pytest.mark.parametrize("state", [RoundState.CLOSED, RoundState.DECIDED])
def test_a_code_of_a_round_no_longer_open_gets_the_one_answer(world, state: str) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issue(found, world)
    EvaluationRound.objects.filter(pk=found.round.pk).update(state=state)

    refuse_with_nothing_changed(found, code)


def test_a_code_after_the_deadline_gets_the_one_answer(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issue(found, world)

    refuse_with_nothing_changed(found, code, today=found.round.deadline + dt.timedelta(days=1))


def test_a_ballot_with_a_missing_score_keeps_the_code_unused(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issue(found, world)
    scores = scores_of(found.round, 90, 90, 90, 90, 90)
    de = found.round.criteria.get(name="德")
    del scores[de.pk]

    with pytest.raises(ValidationFailed) as refused:
        ballot_submit_code(code=code, scores=scores, today=found.today)

    assert refused.value.detail == {f"score_{de.pk}": "请填写“德”的得分。"}
    assert not Rating.objects.exists()
    assert BallotCode.objects.get().used is False


# --- voiding --------------------------------------------------------------------------------


def test_the_coordinator_voids_the_unused_codes_of_a_person(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    codes = issue(found, world, count=3)
    issue(found, world, count=2, evaluee=found.evaluee_leader)
    ballot(found, codes[0], 90, 90, 90, 90, 90)

    voided = code_void_unused(
        actor=world.users["coordinator"], round=found.round, evaluee=found.evaluee_a
    )

    assert voided == 2
    assert sorted(
        BallotCode.objects.values_list("evaluee__assignment__cadre__name", "used", "voided")
    ) == [
        ("张三", False, True),
        ("张三", False, True),
        ("张三", True, False),
        ("钱组长", False, False),
        ("钱组长", False, False),
    ]
    event = AuditEvent.objects.get(action="code.void")
    assert event.detail == {"codes": 2, "person": "张三"}


def test_a_used_code_cannot_be_voided(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issue(found, world)
    ballot(found, code, 90, 90, 90, 90, 90)

    with pytest.raises(ValidationFailed) as refused:
        code_void(actor=world.users["coordinator"], round=found.round, code=code)

    assert refused.value.detail == {"code": "本轮没有这个未使用的测评码，请核对。"}
    assert BallotCode.objects.get().voided is False


# --- paper ballots --------------------------------------------------------------------------


def paper(found: EvaluationWorld, world: Any, role: str, *values: int, **kwargs: Any) -> Rating:
    user = world.users[role]
    return ballot_submit_paper(
        actor=user,
        evaluee=access_evaluee(actor=user, pk=found.evaluee_a.pk),
        scores=scores_of(found.round, *values),
        **kwargs,
    )


def test_the_coordinator_keys_in_a_paper_ballot(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)

    # 70×20 + 75×20 + 80×20 + 85×30 + 90×10 = 7950 → 79.50; keyed in after the voters' deadline
    rating = paper(
        found,
        world,
        "coordinator",
        70,
        75,
        80,
        85,
        90,
        today=found.round.deadline + dt.timedelta(1),
    )

    stored = Rating.objects.get()
    assert stored == rating
    assert (stored.rater, stored.rater_role, stored.source, stored.total) == (
        None,
        RaterRole.DEMOCRATIC,
        RatingSource.PAPER,
        Decimal("79.50"),
    )
    event = AuditEvent.objects.get(action="ballot.paper")
    assert event.actor == world.users["coordinator"]
    assert event.detail == {"person": "张三"}
    assert str(rating.pk) not in {event.object_id, *map(str, event.detail.values())}


def test_only_a_coordinator_keys_in_paper_ballots(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)

    with pytest.raises(Forbidden):
        paper(found, world, "host_leader", 90, 90, 90, 90, 90)

    assert not Rating.objects.exists()
    assert not AuditEvent.objects.filter(action="ballot.paper").exists()


def test_no_paper_ballot_once_the_round_closed(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world, state=RoundState.CLOSED)

    with pytest.raises(InvalidTransition):
        paper(found, world, "coordinator", 90, 90, 90, 90, 90)

    assert not Rating.objects.exists()


def test_after_a_reopen_no_ballot_is_taken_for_a_person_whose_average_was_shown(world) -> None:  # type: ignore[no-untyped-def]
    """张三's five ballots gave the coordinator his democratic average at the close; one more
    ballot after a reopen would move it, and the move would tell that ballot. 钱组长 had too
    few ballots to show anything, so he still takes them (why rounds are reopened)."""
    found = evaluation_world(world)
    coordinator = world.users["coordinator"]
    *cast, spare = issue(found, world, count=6)
    for code in cast:
        ballot(found, code, 80, 80, 85, 90, 70)
    ballot(found, issue(found, world, evaluee=found.evaluee_leader)[0], 80, 80, 80, 80, 80)
    round_close(actor=coordinator, round=found.round, reason="票已收齐", today=found.today)
    round_reopen(actor=coordinator, round=found.round, reason="钱组长票数不足")
    found.round.refresh_from_db()
    before = (Rating.objects.count(), BallotCode.objects.count())

    sealed = (
        "张三的民主测评得分已在评分截止时计算，重新开放评分后不再接收其民主测评票，"
        "以免从得分的变化推知新增选票。"
    )
    with pytest.raises(ValidationFailed) as refused:
        issue(found, world)
    assert refused.value.detail == {"evaluee": sealed}
    with pytest.raises(InvalidTransition) as refused_paper:
        paper(found, world, "coordinator", 90, 90, 90, 90, 90)
    assert refused_paper.value.message == sealed
    with pytest.raises(CodeRefused):
        ballot(found, spare, 90, 90, 90, 90, 90)
    assert (Rating.objects.count(), BallotCode.objects.count()) == before

    # Codes for everyone go to 钱组长 only, and his ballots are still taken.
    made = code_issue(actor=coordinator, round=found.round, count=2)
    assert {code.evaluee_id for code in made} == {found.evaluee_leader.pk}
    ballot(found, made[0].code, 85, 85, 85, 85, 85)
    assert Rating.objects.filter(evaluee=found.evaluee_leader).count() == 2

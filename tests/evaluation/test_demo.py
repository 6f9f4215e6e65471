"""The demo's evaluation rounds and commendations (what `make demo` shows).

Loaded once for the tests of TestTheDemo, as of TODAY (a Tuesday late in the term), on top of
the city, its programmes and their life on duty, as tests/duty/test_demo.py does. The summaries
demo, which `guazhi demo_data` loads in between, is left out to keep the load short: the
evaluation demo reads nothing of it but cadre.duty's summary, to start her self-assessment
(without one it starts from her log). The commit callbacks (the services' notices, then the
demo's settling of inboxes) run inside the load, so inboxes are as the command leaves them.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from guazhi.core.models import Notification
from guazhi.duty import demo as duty_demo
from guazhi.evaluation import demo
from guazhi.evaluation.models import (
    BallotCode,
    CommendationDecision,
    CommendationKind,
    CommitteeDecision,
    Evaluee,
    FlagKind,
    Nomination,
    NominationState,
    Objection,
    RaterRole,
    Rating,
    RatingFlag,
    RatingSource,
    RoundKind,
    RoundState,
)
from guazhi.evaluation.selectors.ratings import rating_inbox, unused_codes
from guazhi.evaluation.selectors.results import can_acknowledge
from guazhi.evaluation.services.codes import format_code
from guazhi.orgs import demo as orgs_demo
from guazhi.orgs.models import User
from guazhi.programmes import demo as programmes_demo
from guazhi.programmes.models import Assignment
from tests.pages import page

TODAY = dt.date(2026, 11, 24)


@dataclass
class Loaded:
    result: demo.EvaluationDemoResult


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker) -> Iterator[Loaded]:  # type: ignore[no-untyped-def]
    # As tests/duty/test_demo.py: no scope cached by an earlier test may answer for these users.
    from django.core.cache import cache

    cache.clear()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                programmes = programmes_demo.programmes_demo_load(orgs_demo.demo_load())
                duty = duty_demo.duty_demo_load(programmes, today=TODAY)
                result = demo.evaluation_demo_load(duty, today=TODAY)
            yield Loaded(result)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def on_duty(loaded, db) -> Loaded:  # type: ignore[no-untyped-def]
    return loaded  # type: ignore[no-any-return]


def user(username: str) -> User:
    return User.objects.get(username=username)


def evaluee_of(round_pk: int, username: str) -> Evaluee:
    return Evaluee.objects.select_related("round", "assignment__cadre").get(
        round_id=round_pk, assignment__cadre__user__username=username
    )


def local_day(moment: dt.datetime | None) -> dt.date:
    assert moment is not None
    return timezone.localtime(moment).date()


class TestTheDemo:
    """What the demo holds and who has what to do, as of TODAY."""

    # The routine round ------------------------------------------------------------------------

    def test_last_quarters_routine_round_went_through_to_publication(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        routine = on_duty.result.routine
        routine.refresh_from_db()
        assert routine.kind == RoundKind.ROUTINE
        assert routine.name == "2026年第3季度平时考核"
        assert (routine.period_start, routine.period_end) == (
            dt.date(2026, 7, 1),
            dt.date(2026, 9, 30),
        )
        assert routine.state == RoundState.PUBLISHED
        # Each step after the one before, on its own day, all before today.
        opened, closed = local_day(routine.opened_at), local_day(routine.closed_at)
        decided, published = local_day(routine.decided_at), local_day(routine.published_at)
        assert routine.period_end < opened < routine.deadline < closed < decided < published
        assert routine.publicity_start == published
        assert routine.publicity_end is not None and routine.publicity_end < TODAY
        decision = CommitteeDecision.objects.get(round=routine)
        assert decision.decided_on == decided
        assert decision.body == demo.COMMITTEE
        assert decision.recorded_by == user("coordinator")

    def test_its_results_three_given_the_top_grade_within_the_quota(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        people = list(
            Evaluee.objects.filter(round=on_duty.result.routine)
            .select_related("assignment__cadre")
            .order_by("rank")
        )
        assert len(people) == 16
        assert Counter(p.grade for p in people) == {"好": 3, "较好": 13}
        assert all(p.grade == p.proposed_grade for p in people)
        assert [p.rank for p in people] == list(range(1, 17))
        assert [p.assignment.cadre.name for p in people[:3]] == ["缪悦", "万斌", "李伟"]
        assert all(p.score is not None and p.score >= 90 for p in people[:3])
        assert all(p.score is not None and p.score < 90 for p in people[3:])
        # Every person was rated by the host leadership, the group leaders and 5+ colleagues.
        for person in people:
            assert {"host_leadership", "group_leader", "democratic"} <= person.role_scores.keys()
        ballots = Counter(
            Rating.objects.filter(
                evaluee__round=on_duty.result.routine, rater_role=RaterRole.DEMOCRATIC
            ).values_list("evaluee_id", flat=True)
        )
        assert len(ballots) == 16 and min(ballots.values()) >= 5
        assert not Rating.objects.filter(
            evaluee__round=on_duty.result.routine, rater_role=RaterRole.DEMOCRATIC
        ).exclude(source=RatingSource.CODE, rater__isnull=True)
        # The codes left over were voided when rating ended; one ballot is flagged.
        codes = BallotCode.objects.filter(round=on_duty.result.routine)
        assert codes.filter(used=True).count() == sum(ballots.values())
        assert not codes.filter(used=False, voided=False).exists()
        [flag] = RatingFlag.objects.filter(round=on_duty.result.routine)
        assert (flag.kind, flag.detail) == (FlagKind.UNIFORM, "1 张民主测评票各项同分")

    def test_an_objection_was_settled_and_four_people_signed(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        routine = on_duty.result.routine
        routine.refresh_from_db()
        [objection] = Objection.objects.filter(round=routine).select_related(
            "evaluee__assignment__cadre", "raised_by"
        )
        assert objection.evaluee.assignment.cadre.name == "万斌"
        assert objection.evaluee.grade == "好"
        assert objection.raised_by is not None
        assert Assignment.objects.filter(
            batch=routine.batch, cadre__user=objection.raised_by
        ).exists()
        assert objection.content == demo.OBJECTION
        assert objection.resolution == demo.RESOLUTION
        assert objection.resolved_by == user("coordinator")
        assert routine.publicity_start is not None and routine.publicity_end is not None
        assert routine.publicity_start <= local_day(objection.raised_at) <= routine.publicity_end
        assert local_day(objection.raised_at) < local_day(objection.resolved_at)
        signed = Evaluee.objects.filter(round=routine, acknowledged_at__isnull=False)
        assert signed.count() == 4
        assert all(person.acknowledgement_agrees for person in signed)
        # cadre.duty has her result (好) to read and sign.
        mine = evaluee_of(routine.pk, "cadre.duty")
        assert mine.grade == "好"
        assert can_acknowledge(actor=user("cadre.duty"), evaluee=mine)

    # The annual round ---------------------------------------------------------------------------

    def test_the_annual_round_is_open_with_some_ratings_in(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        annual = on_duty.result.annual
        annual.refresh_from_db()
        assert (annual.kind, annual.name, annual.state) == (
            RoundKind.ANNUAL,
            "2026年度考核",
            RoundState.OPEN,
        )
        assert local_day(annual.opened_at) < TODAY <= annual.deadline
        named = Rating.objects.filter(evaluee__round=annual, rater__isnull=False)
        raters = set(named.values_list("rater__username", flat=True))
        assert {"dispatch.dangxiao", "dispatch.xueyuan", "dispatch.fagaiwei"} <= raters
        assert (
            0
            < named.count()
            < Rating.objects.filter(
                evaluee__round=on_duty.result.routine, rater__isnull=False
            ).count()
        )
        # Nothing shown of the results while rating goes on.
        assert not Evaluee.objects.filter(round=annual, score__isnull=False).exists()
        mine = evaluee_of(annual.pk, "cadre.duty")
        assert mine.self_submitted_at is not None
        assert "白鹿镇" in mine.self_assessment
        assert Evaluee.objects.filter(round=annual, self_submitted_at__isnull=False).count() == 5

    def test_host_bailu_has_cadre_duty_left_to_rate(self, on_duty, client) -> None:  # type: ignore[no-untyped-def]
        [inbox] = rating_inbox(actor=user("host.bailu"), today=TODAY)
        assert inbox.round == on_duty.result.annual
        assert [(row.evaluee.assignment.cadre.name, row.rated) for row in inbox.rows] == [
            ("陈瑶", True),
            ("缪悦", False),
        ]
        client.force_login(user("host.bailu"))
        response = client.get(reverse("evaluation:rating_inbox"))
        assert response.status_code == 200
        assert "2026年度考核" in page(response) and "缪悦" in page(response)

    def test_unused_codes_wait_on_the_printable_sheet(self, on_duty, client) -> None:  # type: ignore[no-untyped-def]
        annual = on_duty.result.annual
        coordinator = user("coordinator")
        codes = unused_codes(actor=coordinator, round=annual)
        assert len(codes) == on_duty.result.unused_codes
        per_person = Counter(code.evaluee_id for code in codes)
        assert len(per_person) == 16 and min(per_person.values()) >= 4
        used = BallotCode.objects.filter(round=annual, used=True).count()
        assert used == Rating.objects.filter(evaluee__round=annual, rater__isnull=True).count()
        assert used + len(codes) == 16 * demo.ANNUAL_CODES
        client.force_login(coordinator)
        response = client.get(reverse("evaluation:code_sheet", kwargs={"round_pk": annual.pk}))
        assert response.status_code == 200
        assert format_code(codes[0].code) in page(response)

    # Commendations ----------------------------------------------------------------------------

    def test_a_decision_lists_two_approved_nominations(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        [decision] = CommendationDecision.objects.filter(batch=on_duty.result.batch)
        assert decision == on_duty.result.decision
        assert decision.title == "关于表彰陈瑶、缪悦同志的决定"
        assert decision.issuer == "中共江州市委组织部"
        assert decision.issued_on < TODAY
        nominations = {
            n.kind: n
            for n in Nomination.objects.select_related(
                "assignment__cadre", "nominated_by", "evaluee"
            )
        }
        assert nominations.keys() == {
            CommendationKind.COMMENDATION,
            CommendationKind.HONORARY_TITLE,
        }
        assert all(n.state == NominationState.APPROVED for n in nominations.values())
        assert all(n.decision_id == decision.pk for n in nominations.values())
        commended = nominations[CommendationKind.COMMENDATION]
        assert (commended.assignment.cadre.name, commended.nominated_by) == (
            "陈瑶",
            user("host.bailu"),
        )
        titled = nominations[CommendationKind.HONORARY_TITLE]
        assert titled.honorary_title == "优秀挂职干部"
        assert titled.nominated_by == user("coordinator")
        # From the routine round's first-ranked result.
        assert titled.evaluee is not None and titled.evaluee.round_id == on_duty.result.routine.pk
        assert (titled.evaluee.rank, titled.evaluee.grade) == (1, "好")
        assert titled.assignment.cadre.name == "缪悦"
        assert all(n.citation.startswith(n.assignment.cadre.name) for n in nominations.values())

    # Inboxes ------------------------------------------------------------------------------------

    def test_inboxes_show_what_waits(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        def unread(username: str) -> set[str]:
            return set(
                Notification.objects.filter(
                    recipient__username=username, read_at__isnull=True
                ).values_list("key", flat=True)
            )

        annual, routine = on_duty.result.annual, on_duty.result.routine
        assert f"round:{annual.pk}:open" in unread("host.bailu")
        duty = evaluee_of(routine.pk, "cadre.duty")
        assert f"evaluation.result:{duty.pk}:published" in unread("cadre.duty")
        assert any(key.startswith("commendation:") for key in unread("cadre.duty"))
        # Her self-assessment is in: the notice asking for it is read.
        assert f"round:{annual.pk}:open:self" not in unread("cadre.duty")
        # Nothing unread about the routine round's opening, nor the settled objection.
        assert not Notification.objects.filter(
            read_at__isnull=True, key__startswith=f"round:{routine.pk}:"
        ).exists()
        assert not Notification.objects.filter(
            read_at__isnull=True, kind="evaluation.objection"
        ).exists()
        # Those who signed have read that their result was out.
        for person in Evaluee.objects.filter(round=routine, acknowledged_at__isnull=False):
            assert not Notification.objects.filter(
                read_at__isnull=True, key=f"evaluation.result:{person.pk}:published"
            ).exists()

    # What the command prints --------------------------------------------------------------------

    def test_the_figures_the_command_prints(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        assert demo.evaluation_demo_summary(on_duty.result) == [
            "2026年第3季度平时考核（已公布）：16 人，评分 51 份，民主测评票 93 张，"
            "“好”等次 3 人，公示异议 1 件，本人已签署 4 人",
            "2026年度考核（评分中）：16 人，评分 25 份，民主测评票 31 张，未使用测评码 97 个，"
            "个人总结已提交 5 人，评分截止 2027-01-14",
            "表彰决定“关于表彰陈瑶、缪悦同志的决定”（江组字〔2026〕51号）2026-11-13：2 人",
        ]

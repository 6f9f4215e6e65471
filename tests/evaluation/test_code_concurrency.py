"""A code works once even when two phones submit it at the same moment, and a rater's double click
makes one rating: proven on PostgreSQL, where the requests really run side by side."""

from decimal import Decimal

import pytest

from guazhi.core.models import AuditEvent
from guazhi.evaluation.models import BallotCode, Rating, RatingScore
from guazhi.evaluation.selectors.scope import access_evaluee
from guazhi.evaluation.services.codes import CodeRefused, ballot_submit_code, code_issue
from guazhi.evaluation.services.ratings import rating_submit
from tests.duty.test_report_concurrency import side_by_side
from tests.evaluation.test_rating_services import scores_of
from tests.evaluation.world import evaluation_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_code_submitted_twice_at_once_makes_one_ballot(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = code_issue(
        actor=world.users["coordinator"], round=found.round, count=1, evaluee=found.evaluee_a
    )

    def cast(score: int):  # type: ignore[no-untyped-def]
        return lambda: ballot_submit_code(
            code=code.code, scores=scores_of(found.round, *[score] * 5), today=found.today
        )

    answers, errors = side_by_side(cast(90), cast(60))

    assert len(answers) == 1 and len(errors) == 1
    assert isinstance(errors[0], CodeRefused)
    assert Rating.objects.count() == 1
    assert Rating.objects.get().total in (Decimal("90.00"), Decimal("60.00"))
    assert RatingScore.objects.count() == 5
    assert BallotCode.objects.get().used is True
    assert AuditEvent.objects.filter(action="ballot.code").count() == 1


def test_a_double_click_on_the_rating_form_makes_one_rating(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    user = world.users["host_leader"]

    def rate(score: int):  # type: ignore[no-untyped-def]
        return lambda: rating_submit(
            actor=user,
            evaluee=access_evaluee(actor=user, pk=found.evaluee_a.pk),
            scores=scores_of(found.round, *[score] * 5),
            today=found.today,
        )

    _answers, errors = side_by_side(rate(90), rate(80))

    assert errors == []
    assert Rating.objects.count() == 1
    assert RatingScore.objects.count() == 5
    assert AuditEvent.objects.filter(action__in=("rating.submit", "rating.update")).count() == 2

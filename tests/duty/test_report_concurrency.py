"""Reports under concurrency, proven on PostgreSQL where the requests really run side by side: a
double-clicked 撰写汇报 makes one report, and two reviewers deciding at once make one move."""

import pytest

from guazhi.core.errors import InvalidTransition
from guazhi.duty.models import PeriodicReport, ReportReview, ReportState
from guazhi.duty.services.reports import (
    report_accept,
    report_draft,
    report_return,
    report_submit,
)
from tests.concurrency import side_by_side
from tests.duty.test_report_services import reload, report_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_drafts_of_the_same_period_at_once_make_one_report(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)

    def draft() -> int:
        return report_draft(
            actor=found.user("cadre"),
            assignment=found.zhang,
            period_start=found.period.start,
            today=found.duty.today,
        ).pk

    answers, errors = side_by_side(draft, draft)

    assert errors == []
    assert PeriodicReport.objects.count() == 1
    assert answers == [PeriodicReport.objects.get().pk] * 2


def test_two_reviewers_at_once_make_one_move(world) -> None:  # type: ignore[no-untyped-def]
    found = report_world(world)
    report = report_draft(
        actor=found.user("cadre"),
        assignment=found.zhang,
        period_start=found.period.start,
        today=found.duty.today,
    )
    report_submit(actor=found.user("cadre"), report=reload(report), narrative="本月工作。")

    answers, errors = side_by_side(
        lambda: report_accept(actor=found.user("coordinator"), report=reload(report)),
        lambda: report_return(actor=found.user("liming"), report=reload(report), comment="请补充"),
    )

    assert len(answers) == 1 and len(errors) == 1
    assert isinstance(errors[0], InvalidTransition)
    final = PeriodicReport.objects.get(pk=report.pk)
    assert final.state == answers[0].state
    assert final.state in (ReportState.ACCEPTED, ReportState.RETURNED)
    assert ReportReview.objects.filter(report=report).exclude(action="submit").count() == 1

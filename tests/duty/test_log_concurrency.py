"""The work record under concurrency (issue 4 §6), proven on PostgreSQL where the two requests
really run side by side: a log entry, a task proposal or a talk sent twice at the same moment (a
double tap on a slow phone) is kept once, and both submissions answer with that one record.

Each submission runs in its own thread with its own connection, released together by a
barrier; the lock on the person's assignment row queues the second behind the first, which then
finds the first one's record instead of writing its own.

Run: python -m tests.postgres pytest tests/duty/test_log_concurrency.py
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guazhi.core.models import Attachment, AuditEvent
from guazhi.duty.models import DutyTask, HeartTalk, LogQuantity, WorkLogEntry
from guazhi.duty.services.logs import QuantityRow, log_entry_create
from guazhi.duty.services.talks import talk_record
from guazhi.duty.services.tasks import task_propose
from guazhi.orgs.models import User
from guazhi.programmes.models import Assignment
from tests.concurrency import side_by_side
from tests.duty.test_log_services import png
from tests.duty.world import duty_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def fresh(world, role: str) -> tuple[User, Assignment]:  # type: ignore[no-untyped-def]
    """What each request loads for itself: its own user and assignment objects."""
    found = duty_world(world)
    return (
        User.objects.get(pk=world.users[role].pk),
        Assignment.objects.get(pk=found.serving_a.pk),
    )


def test_a_log_entry_sent_twice_at_once_is_recorded_once(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)

    def send() -> int:
        actor, assignment = fresh(world, "cadre")
        return log_entry_create(
            actor=actor,
            assignment=assignment,
            date=found.today,
            category="走访",
            title="走访园区企业",
            content="走访白鹿镇工业园区企业。",
            accomplishment=True,
            quantities=[QuantityRow("走访企业", "13", "家")],
            files=[SimpleUploadedFile("园区.png", png(), content_type="image/png")],
            today=found.today,
        ).pk

    answers, errors = side_by_side(send, send)

    assert errors == []
    entry = WorkLogEntry.objects.get()
    assert answers == [entry.pk, entry.pk]
    assert LogQuantity.objects.count() == 1
    assert Attachment.objects.count() == 1
    assert AuditEvent.objects.filter(action="log_entry.create").count() == 1


def test_a_task_proposed_twice_at_once_is_kept_once(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    following = (found.today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)

    def send() -> int:
        actor, assignment = fresh(world, "cadre")
        return task_propose(
            actor=actor,
            assignment=assignment,
            title="组织一次用工对接会",
            description="对接园区企业与本地求职人员。",
            target_month=following,
            today=found.today,
        ).pk

    answers, errors = side_by_side(send, send)

    assert errors == []
    task = DutyTask.objects.get()
    assert answers == [task.pk, task.pk]
    assert AuditEvent.objects.filter(action="task.propose").count() == 1


def test_a_talk_recorded_twice_at_once_is_kept_once(world) -> None:  # type: ignore[no-untyped-def]
    found = duty_world(world)

    def send() -> int:
        actor, assignment = fresh(world, "host_leader")
        return talk_record(
            actor=actor,
            assignment=assignment,
            held_on=found.today,
            talker="赵书记",
            topics="了解到岗以来的工作和生活情况。",
            follow_up="下月回访。",
            today=found.today,
        ).pk

    answers, errors = side_by_side(send, send)

    assert errors == []
    talk = HeartTalk.objects.get()
    assert answers == [talk.pk, talk.pk]
    assert AuditEvent.objects.filter(action="talk.record").count() == 1

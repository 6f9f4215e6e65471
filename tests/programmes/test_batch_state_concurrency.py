"""Writes gated by the batch's state, sent while the coordinator moves the batch on, proven on
PostgreSQL where the two really run side by side.

The move is made and held uncommitted while the other write runs. A write that checks the state
on an unlocked copy of the batch still reads the old state then and commits (an application
in a batch already matching); one that locks the batch first waits for the move and is refused
with the stage it finds.

Run on PostgreSQL: python -m tests.postgres pytest tests/programmes/test_batch_state_concurrency.py
"""

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from guazhi.core.errors import InvalidTransition
from guazhi.core.models import Attachment
from guazhi.programmes.models import (
    Application,
    Assignment,
    Batch,
    BatchState,
    Group,
    Recommendation,
    TrainingSession,
)
from guazhi.programmes.services.batches import batch_transition
from guazhi.programmes.services.call import application_submit, recommendation_create
from guazhi.programmes.services.groups import (
    group_create,
    training_material_add,
    training_session_create,
)
from tests.concurrency import side_by_side
from tests.programmes.world import programme_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# How long the move stays uncommitted once made: the other write either finishes within it (the
# race) or is still waiting for the batch's lock when it ends.
HOLD_SECONDS = 2.0


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def during_the_move(
    world: Any, batch: Batch, to_state: str, write: Callable[[], Any]
) -> list[BaseException]:
    """`write` run while the coordinator's move of `batch` to `to_state` is made but not yet
    committed; what either raised."""
    moved, written = threading.Event(), threading.Event()

    def move() -> None:
        with transaction.atomic():
            batch_transition(
                actor=world.users["coordinator"], batch=batch, to_state=to_state, reason="按计划"
            )
            moved.set()
            written.wait(timeout=HOLD_SECONDS)

    def other() -> Any:
        moved.wait(timeout=30)
        try:
            return write()
        finally:
            written.set()

    _answers, errors = side_by_side(move, other)
    assert Batch.objects.get(pk=batch.pk).state == to_state  # the move itself went through
    return errors


def refused_because(errors: list[BaseException]) -> str:
    assert [type(error) for error in errors] == [InvalidTransition], errors
    return str(errors[0].message)  # type: ignore[attr-defined]


# The call closes ------------------------------------------------------------------------------


def test_an_application_sent_as_the_call_closes_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    errors = during_the_move(
        world,
        found.batch_a,
        BatchState.MATCHING,
        lambda: application_submit(
            actor=world.users["cadre"], batch=found.batch_a, choices=[found.post_a.pk]
        ),
    )
    assert refused_because(errors) == "批次处于“匹配中”阶段，不在报名期内。"
    assert not Application.objects.exists()


def test_a_recommendation_sent_as_the_call_closes_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    errors = during_the_move(
        world,
        found.batch_a,
        BatchState.MATCHING,
        lambda: recommendation_create(
            actor=world.users["dispatch_admin"],
            batch=found.batch_a,
            cadre=world.cadre_a,
            comment="政治素质好，推荐参加。",
        ),
    )
    assert refused_because(errors) == "批次处于“匹配中”阶段，不在报名期内。"
    assert not Recommendation.objects.exists()


# The serving stages end -----------------------------------------------------------------------


def _active_batch(world) -> tuple[Batch, Assignment]:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(state=BatchState.ACTIVE)
    Assignment.objects.filter(pk=found.assignment_a.pk).update(state="approved")
    return Batch.objects.get(pk=found.batch_a.pk), Assignment.objects.get(pk=found.assignment_a.pk)


def _session(batch: Batch) -> TrainingSession:
    return TrainingSession.objects.create(
        batch=batch,
        topic="乡村振兴政策解读",
        starts_at=timezone.make_aware(dt.datetime(2027, 2, 20, 9, 0)),
    )


@pytest.mark.parametrize(
    "doing",
    [
        pytest.param("建立小组", id="group"),
        pytest.param("安排岗前培训", id="session"),
        pytest.param("上传培训材料", id="material"),
    ],
)
def test_groups_and_training_sent_as_the_term_ends_are_refused(world, doing) -> None:  # type: ignore[no-untyped-def]
    batch, chen = _active_batch(world)
    session = _session(batch)
    coordinator = world.users["coordinator"]
    writes = {
        "建立小组": lambda: group_create(
            actor=coordinator, batch=batch, name="第一组", members=[chen], leader=chen
        ),
        "安排岗前培训": lambda: training_session_create(
            actor=coordinator,
            batch=batch,
            topic="廉政教育",
            starts_at=timezone.make_aware(dt.datetime(2027, 2, 21, 9, 0)),
        ),
        "上传培训材料": lambda: training_material_add(
            actor=coordinator,
            session=session,
            upload=SimpleUploadedFile("讲义.pdf", b"%PDF-1.4\n1 0 obj\n", "application/pdf"),
        ),
    }
    errors = during_the_move(world, batch, BatchState.EVALUATING, writes[doing])
    assert refused_because(errors) == (
        f"批次“{batch.name}”当前为“考核中”，不能{doing}；岗前培训和在岗阶段才可以。"
    )
    assert (Group.objects.count(), TrainingSession.objects.count(), Attachment.objects.count()) == (
        0,
        1,
        0,
    )

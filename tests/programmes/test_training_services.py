"""Pre-dispatch training through the services: sessions, the attendance list, materials."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guazhi.core.attachments import attachments_of
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import Attachment, AuditEvent
from guazhi.programmes.models import (
    Assignment,
    Batch,
    BatchEvent,
    TrainingAttendance,
    TrainingSession,
)
from guazhi.programmes.selectors.groups import attendance_counts, training_participants
from guazhi.programmes.services.groups import (
    AttendanceEntry,
    training_attendance_record,
    training_material_add,
    training_session_create,
)
from tests.factories import CadreFactory
from tests.programmes.factories import PostFactory, assign
from tests.programmes.world import programme_world

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def at(day: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2027, 2, day, hour, 0))


def training_batch(world, batch_state: str = "training") -> tuple[Batch, list[Assignment]]:  # type: ignore[no-untyped-def]
    """batch_a with three approved people (陈明, 刘洋 of the party school, 李四 of district B's
    school) and 王芳, only proposed."""
    found = programme_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(state=batch_state)
    Assignment.objects.filter(pk=found.assignment_a.pk).update(state="approved")
    post = PostFactory(
        batch=found.batch_a, host_unit=world.township_a, title="镇长助理", capacity=4
    )
    people = [
        Assignment.objects.get(pk=found.assignment_a.pk),
        assign(post, CadreFactory(name="刘洋", home_unit=world.school_a), state="approved"),
        assign(post, world.cadre_b, state="approved"),
        assign(post, CadreFactory(name="王芳", home_unit=world.school_a)),
    ]
    return Batch.objects.get(pk=found.batch_a.pk), people


def session_of(world, batch: Batch) -> TrainingSession:  # type: ignore[no-untyped-def]
    return training_session_create(
        actor=world.users["coordinator"],
        batch=batch,
        topic="乡村振兴政策解读",
        starts_at=at(20, 9),
        ends_at=at(20, 17),
        place="区委党校报告厅",
        description="政策与案例",
    )


def attendance() -> list[tuple]:
    return list(
        TrainingAttendance.objects.order_by("assignment__cadre__name_pinyin").values_list(
            "assignment__cadre__name", "status", "note"
        )
    )


def test_a_coordinator_arranges_a_session(world):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    assert (session.topic, session.starts_at, session.ends_at, session.place) == (
        "乡村振兴政策解读",
        at(20, 9),
        at(20, 17),
        "区委党校报告厅",
    )
    assert BatchEvent.objects.get(kind="training_create").note == "安排岗前培训“乡村振兴政策解读”。"
    assert AuditEvent.objects.get(action="training.create").object_id == str(session.pk)


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        (
            "no-topic",
            ValidationFailed,
            {"topic": "请填写培训主题。", "starts_at": "请填写开始时间。"},
        ),
        ("ends-first", ValidationFailed, {"ends_at": "结束时间须晚于开始时间。"}),
        (
            "recruiting",
            InvalidTransition,
            "批次“2027年浔阳区挂职干部”当前为“报名中”，不能安排岗前培训；岗前培训和在岗阶段才可以。",
        ),
        ("host-leader", Forbidden, "只有组织部门可以安排岗前培训。"),
    ],
)
def test_arranging_a_session_is_refused_and_nothing_changes(world, case, error, message):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world, "recruiting" if case == "recruiting" else "training")
    arguments = {
        "actor": world.users["host_leader" if case == "host-leader" else "coordinator"],
        "batch": batch,
        "topic": "" if case == "no-topic" else "廉政教育",
        "starts_at": None if case == "no-topic" else at(21, 9),
        "ends_at": at(21, 8) if case == "ends-first" else None,
    }
    audits = AuditEvent.objects.count()
    with pytest.raises(error) as refused:
        training_session_create(**arguments)
    if isinstance(message, dict):
        assert refused.value.detail == message
    else:
        assert refused.value.message == message
    assert TrainingSession.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_attendance_is_recorded_for_the_whole_list_and_counted(world):  # type: ignore[no-untyped-def]
    batch, (chen, liu, li, _wang) = training_batch(world)
    session = session_of(world, batch)
    counts = training_attendance_record(
        actor=world.users["coordinator"],
        session=session,
        entries=[
            AttendanceEntry(chen.pk, "present"),
            AttendanceEntry(liu.pk, "excused", " 因病请假 "),
            AttendanceEntry(li.pk, "absent"),
        ],
    )
    assert counts == {"present": 1, "excused": 1, "absent": 1}
    assert attendance() == [
        ("陈明", "present", ""),
        ("李四", "absent", ""),
        ("刘洋", "excused", "因病请假"),
    ]
    # A second save changes one line and clears another (blank = not recorded).
    counts = training_attendance_record(
        actor=world.users["coordinator"],
        session=session,
        entries=[
            AttendanceEntry(chen.pk, "present"),
            AttendanceEntry(liu.pk, "present"),
            AttendanceEntry(li.pk, ""),
        ],
    )
    assert counts == {"present": 2, "excused": 0, "absent": 0}
    assert attendance() == [("陈明", "present", ""), ("刘洋", "present", "")]
    audits = AuditEvent.objects.filter(action="training.attendance").order_by("pk")
    assert [a.detail for a in audits] == [
        {"changed": 3, "present": 1, "excused": 1, "absent": 1},
        {"changed": 2, "present": 2, "excused": 0, "absent": 0},
    ]
    participants = training_participants(actor=world.users["coordinator"], session=session)
    counted = attendance_counts(participants)
    assert (counted.present, counted.excused, counted.absent, counted.unrecorded) == (2, 0, 0, 1)


def test_a_bad_line_refuses_the_whole_list(world):  # type: ignore[no-untyped-def]
    batch, (chen, liu, _li, wang) = training_batch(world)
    session = session_of(world, batch)
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        training_attendance_record(
            actor=world.users["coordinator"],
            session=session,
            entries=[
                AttendanceEntry(chen.pk, "present"),
                AttendanceEntry(liu.pk, "late"),
                AttendanceEntry(wang.pk, "present"),  # only proposed: not a participant
                AttendanceEntry(chen.pk, "absent", "长" * 201),
            ],
        )
    assert refused.value.detail == {
        "entries.2.status": "刘洋的出勤情况无效。",
        "entries.3.status": "第3行不是本次培训的参训人员。",
        "entries.4.status": "第4行不是本次培训的参训人员。",
    }
    assert attendance() == []
    assert AuditEvent.objects.count() == audits


def test_attendance_is_for_coordinators_in_the_serving_stages(world):  # type: ignore[no-untyped-def]
    batch, (chen, *_rest) = training_batch(world)
    session = session_of(world, batch)
    with pytest.raises(Forbidden):
        training_attendance_record(
            actor=world.users["host_leader"],
            session=session,
            entries=[AttendanceEntry(chen.pk, "present")],
        )
    Batch.objects.filter(pk=batch.pk).update(state="evaluating")
    with pytest.raises(InvalidTransition):
        training_attendance_record(
            actor=world.users["coordinator"],
            session=session,
            entries=[AttendanceEntry(chen.pk, "present")],
        )
    assert attendance() == []


def test_staff_see_the_participants_in_their_scope_only(world):  # type: ignore[no-untyped-def]
    batch, (chen, _liu, li, _wang) = training_batch(world)
    session = session_of(world, batch)
    training_attendance_record(
        actor=world.users["coordinator"],
        session=session,
        entries=[AttendanceEntry(chen.pk, "present"), AttendanceEntry(li.pk, "absent")],
    )

    def names(role: str) -> list[str]:
        return [
            p.assignment.cadre.name
            for p in training_participants(actor=world.users[role], session=session)
        ]

    assert names("coordinator") == ["陈明", "李四", "刘洋"]
    # The party school's admin sees its own cadres, not district B's 李四.
    assert names("dispatch_admin") == ["陈明", "刘洋"]
    counted = attendance_counts(
        training_participants(actor=world.users["dispatch_admin"], session=session)
    )
    assert (counted.present, counted.absent, counted.unrecorded) == (1, 0, 1)


def test_a_material_is_stored_by_its_content(world):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    attachment = training_material_add(
        actor=world.users["coordinator"],
        session=session,
        upload=SimpleUploadedFile("课件.jpg", PDF_BYTES, content_type="image/jpeg"),
    )
    assert list(attachments_of(session)) == [attachment]
    assert attachment.mime_type == "application/pdf"
    assert BatchEvent.objects.get(kind="training_material").note == (
        "为培训“乡村振兴政策解读”上传材料“课件.jpg”。"
    )
    with pytest.raises(ValidationFailed):
        training_material_add(
            actor=world.users["coordinator"],
            session=session,
            upload=SimpleUploadedFile("讲义.pdf", b"MZ\x90\x00program"),
        )
    with pytest.raises(Forbidden):
        training_material_add(
            actor=world.users["host_leader"],
            session=session,
            upload=SimpleUploadedFile("讲义.pdf", PDF_BYTES),
        )
    assert Attachment.objects.count() == 1
    assert BatchEvent.objects.filter(kind="training_material").count() == 1


@pytest.mark.parametrize(
    ("starts_at", "refused"),
    [
        (dt.datetime(1999, 12, 31, 23, 59), True),
        (dt.datetime(2000, 1, 1, 0, 0), False),
        (dt.datetime(2100, 12, 31, 23, 59), False),
        (dt.datetime(2101, 1, 1, 0, 0), True),
    ],
)
def test_a_session_is_dated_between_2000_and_2100(world, starts_at, refused):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    arranging = {
        "actor": world.users["coordinator"],
        "batch": batch,
        "topic": "廉政教育",
        "starts_at": timezone.make_aware(starts_at),
    }
    if not refused:
        assert training_session_create(**arranging).starts_at == arranging["starts_at"]
        return
    with pytest.raises(ValidationFailed) as refusal:
        training_session_create(**arranging)
    assert refusal.value.detail == {"starts_at": "开始时间的年份应在2000年至2100年之间。"}
    assert TrainingSession.objects.count() == 0

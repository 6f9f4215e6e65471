"""Correcting and deleting a training session, removing a material: services and pages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guazhi.core.attachments import attachment_store
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import Attachment, AuditEvent
from guazhi.programmes.models import Batch, TrainingAttendance, TrainingSession
from guazhi.programmes.services.groups import (
    AttendanceEntry,
    training_attendance_record,
    training_material_add,
    training_material_delete,
    training_session_delete,
    training_session_update,
)
from tests.pages import as_user, page
from tests.programmes.test_training_services import (
    PDF_BYTES,
    at,
    session_of,
    training_batch,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def snapshot() -> tuple:
    return (
        list(
            TrainingSession.objects.order_by("pk").values_list(
                "pk", "topic", "starts_at", "ends_at", "place", "description"
            )
        ),
        list(Attachment.objects.order_by("pk").values_list("pk", "name")),
        TrainingAttendance.objects.count(),
        AuditEvent.objects.count(),
    )


def material(world, session: TrainingSession, name: str = "课件.pdf") -> Attachment:  # type: ignore[no-untyped-def]
    return training_material_add(
        actor=world.users["coordinator"],
        session=session,
        upload=SimpleUploadedFile(name, PDF_BYTES),
    )


# Correcting ------------------------------------------------------------------------------------


def test_a_session_is_corrected_and_the_change_audited(world):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    updated = training_session_update(
        actor=world.users["coordinator"],
        session=session,
        topic="乡村振兴政策解读（二）",
        starts_at=at(21, 9),
        ends_at=at(21, 12),
        place=" 区委党校报告厅 ",
        description="政策与案例",
    )
    session.refresh_from_db()
    assert (session.topic, session.starts_at, session.ends_at, session.place) == (
        "乡村振兴政策解读（二）",
        at(21, 9),
        at(21, 12),
        "区委党校报告厅",
    )
    assert updated == session
    changes = AuditEvent.objects.get(action="training.update").detail["changes"]
    assert sorted(changes) == ["ends_at", "starts_at", "topic"]
    assert changes["topic"] == ["乡村振兴政策解读", "乡村振兴政策解读（二）"]
    assert changes["starts_at"] == ["2027-02-20 09:00:00+08:00", "2027-02-21 09:00:00+08:00"]
    # Saving the same values again records nothing.
    training_session_update(
        actor=world.users["coordinator"],
        session=session,
        topic="乡村振兴政策解读（二）",
        starts_at=at(21, 9),
        ends_at=at(21, 12),
        place="区委党校报告厅",
        description="政策与案例",
    )
    assert AuditEvent.objects.filter(action="training.update").count() == 1


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("ends before it starts", ValidationFailed),
        ("no topic", ValidationFailed),
        ("host leader", Forbidden),
        ("batch recruiting", InvalidTransition),
    ],
)
def test_a_refused_correction_changes_nothing(world, case, error):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    actor, topic, ends_at = world.users["coordinator"], "新主题", at(20, 17)
    if case == "ends before it starts":
        ends_at = at(20, 8)
    elif case == "no topic":
        topic = " "
    elif case == "host leader":
        actor = world.users["host_leader"]
    else:
        Batch.objects.filter(pk=batch.pk).update(state="recruiting")
    before = snapshot()
    with pytest.raises(error):
        training_session_update(
            actor=actor, session=session, topic=topic, starts_at=at(20, 9), ends_at=ends_at
        )
    assert snapshot() == before


# Deleting --------------------------------------------------------------------------------------


def test_a_session_without_attendance_is_deleted_with_its_materials(
    world, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    attachment = material(world, session)
    stored = attachment.file.storage.path(attachment.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        training_session_delete(actor=world.users["coordinator"], session=session)
    assert not TrainingSession.objects.exists()
    assert not Attachment.objects.exists()
    assert not attachment.file.storage.exists(attachment.file.name), stored
    audit = AuditEvent.objects.get(action="training.delete")
    assert audit.detail == {
        "topic": "乡村振兴政策解读",
        "starts_at": str(at(20, 9)),
        "place": "区委党校报告厅",
        "materials": ["课件.pdf"],
    }
    assert AuditEvent.objects.filter(action="attachment.delete").count() == 1
    assert session.history.first().history_type == "-"


def test_a_session_with_attendance_is_not_deleted(world):  # type: ignore[no-untyped-def]
    batch, people = training_batch(world)
    session = session_of(world, batch)
    material(world, session)
    training_attendance_record(
        actor=world.users["coordinator"],
        session=session,
        entries=[AttendanceEntry(people[0].pk, "present")],
    )
    before = snapshot()
    with pytest.raises(InvalidTransition) as refused:
        training_session_delete(actor=world.users["coordinator"], session=session)
    assert str(refused.value.message) == (
        "培训“乡村振兴政策解读”已登记1人的签到，不能删除；如需更正，请修改培训信息或签到。"
    )
    assert snapshot() == before


def test_only_the_batchs_coordinators_delete_a_session(world):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    before = snapshot()
    with pytest.raises(Forbidden):
        training_session_delete(actor=world.users["dispatch_admin"], session=session)
    assert snapshot() == before


# Removing a material ---------------------------------------------------------------------------


def test_a_material_is_removed_and_the_removal_audited(world, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    kept = material(world, session, "日程.pdf")
    removed = material(world, session, "课件.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        back = training_material_delete(actor=world.users["coordinator"], attachment=removed)
    assert back == session
    assert list(Attachment.objects.values_list("name", flat=True)) == ["日程.pdf"]
    assert not removed.file.storage.exists(removed.file.name)
    assert kept.file.storage.exists(kept.file.name)
    assert AuditEvent.objects.get(action="attachment.delete").detail["name"] == "课件.pdf"


def test_a_refused_removal_changes_nothing(world):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    attachment = material(world, session)
    not_training = attachment_store(
        actor=world.users["admin"],
        owner=batch,
        upload=SimpleUploadedFile("批次文件.pdf", PDF_BYTES),
    )
    before = snapshot()
    with pytest.raises(Forbidden):
        training_material_delete(actor=world.users["host_leader"], attachment=attachment)
    with pytest.raises(ValidationFailed):
        training_material_delete(actor=world.users["coordinator"], attachment=not_training)
    Batch.objects.filter(pk=batch.pk).update(state="evaluating")
    with pytest.raises(InvalidTransition):
        training_material_delete(actor=world.users["coordinator"], attachment=attachment)
    assert snapshot() == before


# The pages -------------------------------------------------------------------------------------


def detail_url(session: TrainingSession) -> str:
    return reverse("programmes:training_detail", kwargs={"session_pk": session.pk})


def test_the_session_is_corrected_through_its_form(world, client):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    client = as_user(client, world, "coordinator")
    edit = reverse("programmes:training_edit", kwargs={"session_pk": session.pk})
    assert f'href="{edit}"' in page(client.get(detail_url(session)))
    form = page(client.get(edit))
    assert "<h1>修改培训信息</h1>" in form
    assert 'value="乡村振兴政策解读"' in form
    assert 'value="2027-02-20T09:00"' in form
    response = client.post(
        edit,
        {
            "topic": "乡村振兴政策解读（二）",
            "starts_at": "2027-02-21T09:00",
            "ends_at": "2027-02-21T12:00",
            "place": "区委党校报告厅",
            "description": "",
        },
        follow=True,
    )
    html = page(response)
    assert "已保存培训“乡村振兴政策解读（二）”。" in html
    assert "<h1>乡村振兴政策解读（二）</h1>" in html
    assert TrainingSession.objects.get().starts_at == at(21, 9)


def test_a_bad_correction_comes_back_on_the_form(world, client):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    client = as_user(client, world, "coordinator")
    before = snapshot()
    html = page(
        client.post(
            reverse("programmes:training_edit", kwargs={"session_pk": session.pk}),
            {"topic": "新主题", "starts_at": "2027-02-21T09:00", "ends_at": "2027-02-21T08:00"},
        )
    )
    assert "结束时间须晚于开始时间。" in html
    assert snapshot() == before


def test_the_session_is_deleted_from_its_page_until_attendance_is_recorded(world, client):  # type: ignore[no-untyped-def]
    batch, people = training_batch(world)
    session = session_of(world, batch)
    other = session_of(world, batch)
    training_attendance_record(
        actor=world.users["coordinator"],
        session=other,
        entries=[AttendanceEntry(people[0].pk, "present")],
    )
    client = as_user(client, world, "coordinator")
    delete = reverse("programmes:training_delete", kwargs={"session_pk": session.pk})
    assert f'action="{delete}"' in page(client.get(detail_url(session)))
    # With attendance recorded the page says why there is no delete button.
    other_delete = reverse("programmes:training_delete", kwargs={"session_pk": other.pk})
    other_page = page(client.get(detail_url(other)))
    assert f'action="{other_delete}"' not in other_page
    assert "已登记签到的培训不能删除。" in other_page
    # Posting anyway is refused with the reason, on the session's page.
    html = page(client.post(other_delete, follow=True))
    assert "已登记1人的签到，不能删除" in html
    assert TrainingSession.objects.filter(pk=other.pk).exists()

    response = client.post(delete, follow=True)
    html = page(response)
    assert response.redirect_chain[-1][0] == reverse(
        "programmes:training_list", kwargs={"batch_pk": batch.pk}
    )
    assert "已删除培训“乡村振兴政策解读”。" in html
    assert list(TrainingSession.objects.values_list("pk", flat=True)) == [other.pk]


def test_a_material_is_removed_from_the_sessions_page(world, client):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    attachment = material(world, session)
    remove = reverse("programmes:training_material_delete", kwargs={"attachment_pk": attachment.pk})
    client = as_user(client, world, "coordinator")
    assert f'action="{remove}"' in page(client.get(detail_url(session)))
    response = client.post(remove, follow=True)
    html = page(response)
    assert response.redirect_chain[-1][0] == detail_url(session)
    assert "已删除材料“课件.pdf”。" in html
    assert "暂无材料。" in html
    assert not Attachment.objects.exists()


def test_readers_see_no_change_buttons(world, client):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    attachment = material(world, session)
    html = page(as_user(client, world, "host_leader").get(detail_url(session)))
    assert reverse("programmes:training_edit", kwargs={"session_pk": session.pk}) not in html
    assert reverse("programmes:training_delete", kwargs={"session_pk": session.pk}) not in html
    assert (
        reverse("programmes:training_material_delete", kwargs={"attachment_pk": attachment.pk})
        not in html
    )


def test_a_file_of_another_record_is_not_found_as_a_material(world, client):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    not_training = attachment_store(
        actor=world.users["admin"], owner=batch, upload=SimpleUploadedFile("批次.pdf", PDF_BYTES)
    )
    client = as_user(client, world, "coordinator")
    response = client.post(
        reverse("programmes:training_material_delete", kwargs={"attachment_pk": not_training.pk})
    )
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=not_training.pk).exists()


def test_the_form_of_a_session_outside_the_serving_stages_warns(world, client):  # type: ignore[no-untyped-def]
    batch, _people = training_batch(world)
    session = session_of(world, batch)
    Batch.objects.filter(pk=batch.pk).update(state="evaluating")
    client = as_user(client, world, "coordinator")
    html = page(client.get(reverse("programmes:training_edit", kwargs={"session_pk": session.pk})))
    assert "批次当前为“考核中”，岗前培训或在岗阶段才能安排或修改培训。" in html
    assert dt.date(2027, 2, 20).isoformat() in html

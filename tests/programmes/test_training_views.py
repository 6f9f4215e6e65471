"""The training pages: arranging a session, the attendance list in one form, materials."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from guazhi.core.models import Attachment
from guazhi.programmes.models import Assignment, Batch, TrainingAttendance, TrainingSession
from tests.factories import UserFactory, grant
from tests.pages import as_user, field_error, page
from tests.programmes.factories import PostFactory, assign
from tests.programmes.world import programme_world

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def training(
    world, batch_state: str = "training"
) -> tuple[TrainingSession, Assignment, Assignment]:  # type: ignore[no-untyped-def]
    """A session of batch_a with 陈明 (party school A) and 李四 (party school B) taking part."""
    found = programme_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(state=batch_state)
    Assignment.objects.filter(pk=found.assignment_a.pk).update(state="approved")
    post = PostFactory(batch=found.batch_a, host_unit=world.township_a, title="镇长助理")
    session = TrainingSession.objects.create(
        batch=found.batch_a,
        topic="乡村振兴政策解读",
        starts_at=timezone.make_aware(dt.datetime(2027, 2, 20, 9, 0)),
        place="区委党校报告厅",
    )
    return (
        session,
        Assignment.objects.get(pk=found.assignment_a.pk),
        assign(post, world.cadre_b, state="approved"),
    )


def detail_url(session: TrainingSession) -> str:
    return reverse("programmes:training_detail", kwargs={"session_pk": session.pk})


def attendance_url(session: TrainingSession) -> str:
    return reverse("programmes:training_attendance", kwargs={"session_pk": session.pk})


def upload_url(session: TrainingSession) -> str:
    return reverse("programmes:training_material_upload", kwargs={"session_pk": session.pk})


def test_a_coordinator_arranges_a_session_through_the_page(world, client):  # type: ignore[no-untyped-def]
    found = programme_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(state="training")
    client = as_user(client, world, "coordinator")
    list_url = reverse("programmes:training_list", kwargs={"batch_pk": found.batch_a.pk})
    create_url = reverse("programmes:training_create", kwargs={"batch_pk": found.batch_a.pk})
    assert create_url in page(client.get(list_url))
    response = client.post(
        create_url,
        {"topic": "", "starts_at": "2027-02-20T09:00", "ends_at": "2027-02-20T08:00"},
    )
    assert field_error("topic", "请填写培训主题。") in page(response)
    assert field_error("ends_at", "结束时间须晚于开始时间。") in page(response)
    response = client.post(
        create_url,
        {
            "topic": "廉政教育",
            "starts_at": "2027-02-21T09:00",
            "ends_at": "2027-02-21T11:30",
            "place": "区委党校",
            "description": "",
        },
    )
    session = TrainingSession.objects.get()
    assert response["Location"] == detail_url(session)
    assert session.starts_at == timezone.make_aware(dt.datetime(2027, 2, 21, 9, 0))
    body = page(client.get(list_url))
    assert f'<a href="{detail_url(session)}">廉政教育</a>' in body
    assert "2027年2月21日 09:00" in body


def test_attendance_is_entered_for_the_whole_list_and_counted(world, client):  # type: ignore[no-untyped-def]
    session, chen, li = training(world)
    client = as_user(client, world, "coordinator")
    body = page(client.get(detail_url(session)))
    assert f'name="a{chen.pk}-status"' in body and f'name="a{li.pk}-status"' in body
    assert 'aria-label="陈明的出勤情况"' in body
    response = client.post(
        attendance_url(session),
        {
            f"a{chen.pk}-status": "present",
            f"a{chen.pk}-note": "",
            f"a{li.pk}-status": "excused",
            f"a{li.pk}-note": "因病请假",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail_url(session)
    body = page(client.get(detail_url(session)))
    assert "签到已保存：出席1人，请假1人，缺席0人。" in body
    assert '<span class="value">1</span><span class="label">出席</span>' in body
    assert '<span class="value">0</span><span class="label">未登记</span>' in body
    assert sorted(TrainingAttendance.objects.values_list("assignment__cadre__name", "status")) == [
        ("李四", "excused"),
        ("陈明", "present"),
    ]
    listed = page(
        client.get(reverse("programmes:training_list", kwargs={"batch_pk": session.batch_id}))
    )
    assert '<td data-label="出席" class="num">1</td>' in listed
    assert '<td data-label="请假" class="num">1</td>' in listed


def test_a_bad_line_is_marked_and_nothing_is_saved(world, client):  # type: ignore[no-untyped-def]
    session, chen, li = training(world)
    response = as_user(client, world, "coordinator").post(
        attendance_url(session),
        {f"a{chen.pk}-status": "present", f"a{li.pk}-status": "late"},
    )
    assert response.status_code == 200
    body = page(response)
    assert "签到信息有误，请修改标出的行。" in body
    assert f'id="id_a{li.pk}-status_error"' in body
    assert TrainingAttendance.objects.count() == 0


def test_other_staff_read_the_attendance_of_their_people_without_the_form(world, client):  # type: ignore[no-untyped-def]
    session, chen, li = training(world)
    TrainingAttendance.objects.create(session=session, assignment=chen, status="absent")
    TrainingAttendance.objects.create(session=session, assignment=li, status="present")
    body = page(as_user(client, world, "dispatch_admin").get(detail_url(session)))
    assert attendance_url(session) not in body and upload_url(session) not in body
    assert '<td data-label="出勤情况">缺席</td>' in body
    assert "李四" not in body  # district B's cadre is outside the party school's scope
    assert '<span class="value">0</span><span class="label">出席</span>' in body


def test_a_material_is_uploaded_and_downloaded_by_whoever_sees_the_batch(world, client):  # type: ignore[no-untyped-def]
    session, _chen, _li = training(world)
    client = as_user(client, world, "coordinator")
    response = client.post(
        upload_url(session),
        {"file": SimpleUploadedFile("政策汇编.jpg", PDF_BYTES, content_type="image/jpeg")},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.mime_type == "application/pdf"
    download = reverse("core:attachment_download", kwargs={"attachment_pk": attachment.pk})
    body = page(client.get(detail_url(session)))
    assert f'<a href="{download}">政策汇编.jpg</a>' in body and "PDF 文档" in body
    client.logout()
    # The cadre of a dispatching unit sees the batch once the call is out: the file too.
    response = as_user(client, world, "cadre").get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    client.logout()
    outsider = grant(UserFactory(username="lianxi"), "host_leader", world.township_b)
    client.force_login(outsider)
    assert client.get(download).status_code == 404


def test_a_refused_upload_is_shown_on_the_field(world, client):  # type: ignore[no-untyped-def]
    session, _chen, _li = training(world)
    response = as_user(client, world, "coordinator").post(
        upload_url(session), {"file": SimpleUploadedFile("讲义.pdf", b"MZ\x90\x00program")}
    )
    assert response.status_code == 200
    assert field_error(
        "file",
        "文件“讲义.pdf”的类型不受支持：只接受 PDF、Word、Excel、PowerPoint、图片（PNG、JPEG、GIF）和纯文本文件。",
    ) in page(response)
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize("page_name", ["create", "edit"])
def test_a_time_in_year_one_is_refused_beside_its_field(world, client, page_name):  # type: ignore[no-untyped-def]
    """The picker takes any year; one the system cannot even convert to UTC comes back as a
    message on the form, not a server error."""
    session, _chen, _li = training(world)
    url = (
        reverse("programmes:training_create", kwargs={"batch_pk": session.batch_id})
        if page_name == "create"
        else reverse("programmes:training_edit", kwargs={"session_pk": session.pk})
    )
    before = list(TrainingSession.objects.values_list("pk", "topic", "starts_at", "ends_at"))
    response = as_user(client, world, "coordinator").post(
        url,
        {"topic": "廉政教育", "starts_at": "0001-01-01T00:00", "ends_at": "9999-12-31T23:59"},
    )
    body = page(response)
    assert field_error("starts_at", "开始时间的年份应在2000年至2100年之间。") in body
    assert field_error("ends_at", "结束时间的年份应在2000年至2100年之间。") in body
    assert (
        list(TrainingSession.objects.values_list("pk", "topic", "starts_at", "ends_at")) == before
    )

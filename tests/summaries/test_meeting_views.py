"""The meeting pages as a coordinator uses them: schedule, speakers in one form, minutes after the
day, summaries discussed, files; and what the other readers are not offered."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from guazhi.core.jinja import format_date
from guazhi.core.models import Attachment
from guazhi.summaries.models import Meeting, MeetingSpeaker
from tests.pages import as_user, field_error, page
from tests.summaries.meeting_world import meeting_world

PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def detail_url(meeting: Meeting) -> str:
    return reverse("summaries:meeting_detail", kwargs={"meeting_pk": meeting.pk})


def test_a_coordinator_schedules_a_meeting_through_the_page(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    client = as_user(client, world, "coordinator")
    list_url = reverse("summaries:meeting_list", kwargs={"batch_pk": found.batch_a.pk})
    create_url = reverse("summaries:meeting_create", kwargs={"batch_pk": found.batch_a.pk})
    assert create_url in page(client.get(list_url))
    form = page(client.get(create_url))
    # The batch's cadres on duty or ended are offered; one approved but not on duty is not.
    assert "张三（白鹿镇 党委副书记）" in form and "刘强（白鹿镇 镇长助理）" in form
    assert "陈静" not in form and "周亮" not in form
    response = client.post(create_url, {"kind": "", "title": "", "place": ""})
    body = page(response)
    assert field_error("kind", "请选择会议类型。") in body
    assert field_error("title", "请填写会议名称。") in body
    assert field_error("participants", "请至少选择一名参会的挂职干部。") in body
    assert Meeting.objects.count() == 0
    day = found.today + dt.timedelta(days=5)
    response = client.post(
        create_url,
        {
            "kind": "symposium",
            "title": "挂职干部座谈会",
            "held_on": day.isoformat(),
            "starts_at": "09:30",
            "place": "区委党校报告厅",
            "participants": [found.zhang.pk, found.zhao.pk],
            "other_participants": "区委组织部王科长",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == detail_url(meeting)
    body = page(client.get(detail_url(meeting)))
    assert "已安排会议“挂职干部座谈会”。" in body
    assert f"<dd>{format_date(day)} 09:30</dd>" in body
    assert "<dd>区委党校报告厅</dd>" in body and "<dd>2人</dd>" in body
    assert "<dd>区委组织部王科长</dd>" in body
    listed = page(client.get(list_url))
    assert f'<a href="{detail_url(meeting)}">挂职干部座谈会</a>' in listed


def test_the_speakers_form_orders_them_by_number_and_refuses_a_number_used_twice(  # type: ignore[no-untyped-def]
    world, client: Client
) -> None:
    found = meeting_world(world)
    meeting = found.meeting(participants=[found.zhang, found.wang, found.liu])
    url = reverse("summaries:meeting_speakers", kwargs={"meeting_pk": meeting.pk})
    client = as_user(client, world, "coordinator")
    body = page(client.get(url))
    assert f'name="s{found.zhang.pk}-order"' in body and 'aria-label="王芳的发言顺序"' in body
    response = client.post(
        url,
        {
            f"s{found.zhang.pk}-order": "1",
            f"s{found.wang.pk}-order": "1",
            f"s{found.liu.pk}-order": "",
        },
    )
    body = page(response)
    assert response.status_code == 200
    assert "代表发言安排有误，请修改标出的行。" in body
    assert body.count("与其他发言人的顺序相同。") == 2
    assert MeetingSpeaker.objects.count() == 0
    response = client.post(
        url,
        {
            f"s{found.zhang.pk}-order": "5",
            f"s{found.zhang.pk}-topic": "基层党建工作",
            f"s{found.wang.pk}-order": "2",
            f"s{found.wang.pk}-topic": "产业振兴的几点体会",
            f"s{found.liu.pk}-order": "",
        },
    )
    assert response["Location"] == detail_url(meeting)
    body = page(client.get(detail_url(meeting)))
    assert "代表发言已保存：共2人发言。" in body
    assert list(
        MeetingSpeaker.objects.order_by("position").values_list(
            "position", "assignment__cadre__name", "topic"
        )
    ) == [(1, "王芳", "产业振兴的几点体会"), (2, "张三", "基层党建工作")]
    speakers = body[body.index('id="speakers"') : body.index('id="minutes"')]
    assert speakers.index("王芳") < speakers.index("张三")


def test_minutes_open_on_the_day(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    later = found.meeting(held_on=found.today + dt.timedelta(days=1))
    today = found.meeting(title="今天的座谈会", held_on=found.today)
    client = as_user(client, world, "coordinator")
    later_url = reverse("summaries:meeting_minutes", kwargs={"meeting_pk": later.pk})
    body = page(client.get(later_url))
    warning = f"会议定于{format_date(later.held_on)}召开，会后才能记录纪要。"
    assert warning in body and 'name="minutes"' not in body
    assert later_url not in page(client.get(detail_url(later)))
    response = client.post(later_url, {"minutes": "提前写的纪要。"})
    assert response.status_code == 200 and warning in page(response)
    assert Meeting.objects.get(pk=later.pk).minutes == ""

    today_url = reverse("summaries:meeting_minutes", kwargs={"meeting_pk": today.pk})
    assert today_url in page(client.get(detail_url(today)))
    response = client.post(today_url, {"minutes": "一、交流了挂职体会。\n二、部署下一步工作。"})
    assert response["Location"] == detail_url(today)
    body = page(client.get(detail_url(today)))
    assert "<p>一、交流了挂职体会。</p><p>二、部署下一步工作。</p>" in body
    # With minutes the meeting took place: no more deleting it.
    assert reverse("summaries:meeting_delete", kwargs={"meeting_pk": today.pk}) not in body


def test_linking_summaries_through_the_page(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(participants=[found.zhang])
    zhang_summary = found.summaries.archived(found.zhang)
    found.summaries.archived(found.zhou)  # batch B: never offered
    # A draft: never offered, not even by its title (nobody but the person reads it).
    found.summaries.drafted(found.wang, kind="midterm", title="王芳尚未提交的标题")
    url = reverse("summaries:meeting_summaries", kwargs={"meeting_pk": meeting.pk})
    client = as_user(client, world, "coordinator")
    body = page(client.get(url))
    assert "张三：张三同志挂职锻炼期满总结（期满总结，已归档）" in body
    assert "周亮" not in body
    assert "王芳" not in body and "草稿" not in body
    response = client.post(url, {"summaries": [zhang_summary.pk]})
    assert response["Location"] == detail_url(meeting)
    assert list(meeting.summaries.values_list("pk", flat=True)) == [zhang_summary.pk]
    assert "已关联1篇交流的总结。" in page(client.get(detail_url(meeting)))


def test_files_through_the_page(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting()
    upload_url = reverse("summaries:meeting_file_upload", kwargs={"meeting_pk": meeting.pk})
    client = as_user(client, world, "coordinator")
    response = client.post(
        upload_url, {"file": SimpleUploadedFile("签到表.docx", b"MZ\x90\x00\x03\x00\x00\x00")}
    )
    assert response.status_code == 200
    assert field_error(
        "file",
        "文件“签到表.docx”的类型不受支持：只接受 PDF、Word、Excel、PowerPoint、图片（PNG、JPEG、GIF）和纯文本文件。",
    ) in page(response)
    assert Attachment.objects.count() == 0
    response = client.post(upload_url, {"file": SimpleUploadedFile("会议纪要.pdf", PDF_BYTES)})
    assert response["Location"] == detail_url(meeting)
    attachment = Attachment.objects.get()
    download = reverse("core:attachment_download", kwargs={"attachment_pk": attachment.pk})
    body = page(client.get(detail_url(meeting)))
    assert f'<a href="{download}">会议纪要.pdf</a>' in body
    delete_url = reverse("summaries:meeting_file_delete", kwargs={"meeting_file_pk": attachment.pk})
    assert client.post(delete_url)["Location"] == detail_url(meeting)
    assert Attachment.objects.count() == 0


def test_deleting_through_the_page_returns_to_the_list(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting()
    client = as_user(client, world, "coordinator")
    response = client.post(reverse("summaries:meeting_delete", kwargs={"meeting_pk": meeting.pk}))
    list_url = reverse("summaries:meeting_list", kwargs={"batch_pk": found.batch_a.pk})
    assert response["Location"] == list_url
    assert "已删除会议“挂职干部中期交流会”。" in page(client.get(list_url))
    assert Meeting.objects.count() == 0


def test_other_readers_get_the_meeting_without_any_form(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(held_on=found.today, minutes="会议纪要正文。")
    forms = [
        reverse(f"summaries:meeting_{name}", kwargs={"meeting_pk": meeting.pk})
        for name in ("edit", "minutes", "speakers", "summaries", "file_upload")
    ]
    for role in ("group_leader", "host_leader", "cadre"):
        body = page(as_user(client, world, role).get(detail_url(meeting)))
        assert "<p>会议纪要正文。</p>" in body
        assert [url for url in forms if url in body] == []

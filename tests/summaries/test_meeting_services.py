"""Arranging a batch's meetings: schedule, change, minutes, speakers, summaries discussed, files,
and every refusal leaving everything as it was."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.jinja import format_date
from guazhi.core.models import Attachment, AuditEvent, Notification
from guazhi.programmes.models import Batch, BatchState
from guazhi.summaries.models import Meeting, MeetingSpeaker
from guazhi.summaries.services.meetings import (
    SpeakerEntry,
    meeting_attachment_add,
    meeting_attachment_delete,
    meeting_create,
    meeting_delete,
    meeting_minutes_record,
    meeting_speakers_set,
    meeting_summaries_set,
    meeting_update,
)
from tests.summaries.meeting_world import MeetingWorld, meeting_world

PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def schedule(found: MeetingWorld, **overrides: Any) -> Meeting:
    arguments: dict[str, Any] = {
        "actor": found.user("coordinator"),
        "batch": found.batch_a,
        "kind": "exchange",
        "title": "挂职干部中期交流会",
        "held_on": found.today + dt.timedelta(days=7),
        "starts_at": dt.time(14, 30),
        "place": "区委组织部三楼会议室",
        "participants": [found.zhang, found.wang, found.liu],
        "other_participants": "区委组织部王科长",
        "today": found.today,
        **overrides,
    }
    return meeting_create(**arguments)


def notes() -> list[tuple[str, str, str]]:
    return sorted(Notification.objects.values_list("recipient__username", "kind", "text"))


def snapshot(meeting: Meeting) -> tuple:
    """What a refused change must leave alone."""
    meeting = Meeting.objects.get(pk=meeting.pk)
    return (
        meeting.kind,
        meeting.title,
        meeting.held_on,
        meeting.starts_at,
        meeting.place,
        meeting.minutes,
        sorted(meeting.participants.values_list("cadre__name", flat=True)),
        list(meeting.speakers.values_list("position", "assignment__cadre__name", "topic")),
        sorted(meeting.summaries.values_list("pk", flat=True)),
        AuditEvent.objects.filter(action__startswith="meeting.").count(),
        Notification.objects.count(),
    )


# Scheduling --------------------------------------------------------------------------------


def test_a_coordinator_schedules_a_meeting_and_the_participants_with_accounts_are_told(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    found = meeting_world(world)
    day = found.today + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(found)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.kind, meeting.title, meeting.held_on, meeting.starts_at, meeting.place) == (
        "exchange",
        "挂职干部中期交流会",
        day,
        dt.time(14, 30),
        "区委组织部三楼会议室",
    )
    assert meeting.other_participants == "区委组织部王科长"
    assert meeting.created_by == found.user("coordinator")
    assert sorted(meeting.participants.values_list("cadre__name", flat=True)) == [
        "刘强",
        "张三",
        "王芳",
    ]
    event = AuditEvent.objects.get(action="meeting.create")
    assert event.actor == found.user("coordinator")
    assert event.detail == {
        "meeting_kind": "exchange",
        "meeting_title": "挂职干部中期交流会",
        "meeting_date": day.isoformat(),
        "meeting_time": "14:30",
        "meeting_place": "区委组织部三楼会议室",
        "participants": ["刘强", "王芳", "张三"],
        "other_participants": "区委组织部王科长",
    }
    # 刘强 has no account: he is told on paper.
    text = (
        f"请参加交流会“挂职干部中期交流会”：{format_date(day)} 14:30，地点：区委组织部三楼会议室。"
    )
    assert notes() == [("cadre", "meeting.invited", text), ("wangfang", "meeting.invited", text)]
    assert Notification.objects.filter(url=f"/summaries/meetings/{meeting.pk}/").count() == 2


def test_a_meeting_entered_after_it_was_held_tells_nobody(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    found = meeting_world(world)
    with django_capture_on_commit_callbacks(execute=True):
        schedule(found, held_on=found.today - dt.timedelta(days=3), starts_at=None)
    assert Meeting.objects.count() == 1
    assert Notification.objects.count() == 0


def test_scheduling_names_every_wrong_field_and_saves_nothing(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    with pytest.raises(ValidationFailed) as refused:
        schedule(found, kind="party", title=" ", held_on=None, place="", participants=[])
    assert refused.value.detail == {
        "kind": "请选择会议类型。",
        "title": "请填写会议名称。",
        "held_on": "请填写会议日期。",
        "place": "请填写会议地点。",
        "participants": "请至少选择一名参会的挂职干部。",
    }
    assert Meeting.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="meeting.").count() == 0


def test_participants_are_the_batchs_cadres_on_duty_or_ended_only(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    with pytest.raises(ValidationFailed) as refused:
        schedule(found, participants=[found.zhang, found.zhou, found.chen])
    assert refused.value.detail == {
        "participants": "陈静、周亮不是本批次在岗或已期满的挂职干部，不能列为参会人员。"
    }
    assert Meeting.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("role", ["host_leader", "dispatch_admin", "group_leader", "cadre"])
def test_only_a_coordinator_over_the_batch_schedules(world, role) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    with pytest.raises(Forbidden) as refused:
        schedule(found, actor=found.user(role))
    assert refused.value.message == "只有本批次的组织部门可以安排交流会议。"
    assert Meeting.objects.count() == 0


def test_a_coordinator_cannot_schedule_for_a_batch_outside_their_district(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    with pytest.raises(Forbidden):
        schedule(found, batch=found.batch_b, participants=[found.zhou])
    assert Meeting.objects.count() == 0


def test_a_closed_batchs_meetings_are_a_record(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(participants=[found.zhang])
    Batch.objects.filter(pk=found.batch_a.pk).update(state=BatchState.CLOSED)
    before = snapshot(meeting)
    with pytest.raises(InvalidTransition) as refused:
        schedule(found)
    assert refused.value.message == (
        "批次“2026年浔阳区挂职干部（在岗）”当前为“已结束”，不能安排交流会议；在岗和考核阶段才可以。"
    )
    with pytest.raises(InvalidTransition):
        meeting_minutes_record(
            actor=found.user("coordinator"), meeting=meeting, minutes="补记。", today=found.today
        )
    assert Meeting.objects.count() == 1
    assert snapshot(meeting) == before


# Changing ---------------------------------------------------------------------------------


def test_moving_a_meeting_tells_those_staying_and_asks_those_added(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    found = meeting_world(world)
    meeting = schedule(found, participants=[found.zhang, found.wang])
    Notification.objects.all().delete()
    new_day = found.today + dt.timedelta(days=9)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(
            actor=found.user("coordinator"),
            meeting=meeting,
            kind="symposium",
            title="挂职干部中期座谈会",
            held_on=new_day,
            starts_at=dt.time(9, 0),
            place="区委党校报告厅",
            participants=[found.zhang, found.zhao],
            other_participants="区委组织部王科长",
            today=found.today,
        )
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.kind, meeting.held_on, meeting.starts_at, meeting.place) == (
        "symposium",
        new_day,
        dt.time(9, 0),
        "区委党校报告厅",
    )
    assert sorted(meeting.participants.values_list("cadre__name", flat=True)) == ["张三", "赵敏"]
    event = AuditEvent.objects.get(action="meeting.update")
    assert event.detail == {
        "changes": {
            "meeting_kind": ["exchange", "symposium"],
            "meeting_title": ["挂职干部中期交流会", "挂职干部中期座谈会"],
            "meeting_date": [(found.today + dt.timedelta(days=7)).isoformat(), new_day.isoformat()],
            "meeting_time": ["14:30", "09:00"],
            "meeting_place": ["区委组织部三楼会议室", "区委党校报告厅"],
        },
        "participants_added": ["赵敏"],
        "participants_removed": ["王芳"],
    }
    when = f"{format_date(new_day)} 09:00"
    assert notes() == [
        (
            "cadre",
            "meeting.moved",
            f"座谈会“挂职干部中期座谈会”时间或地点有变：改为{when}，地点：区委党校报告厅。",
        ),
        (
            "wangfang",
            "meeting.removed",
            f"座谈会“挂职干部中期座谈会”（{when}）的参会人员已调整，您无需参加。",
        ),
        (
            "zhaomin",
            "meeting.invited",
            f"请参加座谈会“挂职干部中期座谈会”：{when}，地点：区委党校报告厅。",
        ),
    ]


def test_a_change_of_title_only_tells_nobody_and_saving_unchanged_records_nothing(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    found = meeting_world(world)
    meeting = schedule(found, participants=[found.zhang])
    Notification.objects.all().delete()
    same: dict[str, Any] = {
        "actor": found.user("coordinator"),
        "meeting": meeting,
        "kind": "exchange",
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "participants": [found.zhang],
        "other_participants": meeting.other_participants,
        "today": found.today,
    }
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(title="挂职干部中期交流会", **same)
        assert AuditEvent.objects.filter(action="meeting.update").count() == 0
        meeting_update(title="第一次交流会", **same)
    assert AuditEvent.objects.get(action="meeting.update").detail == {
        "changes": {"meeting_title": ["挂职干部中期交流会", "第一次交流会"]},
        "participants_added": [],
        "participants_removed": [],
    }
    assert Notification.objects.count() == 0


def test_a_speaker_stays_on_the_list_until_taken_off_the_speakers(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(
        participants=[found.zhang, found.wang], speakers=[(found.wang, "产业振兴的几点体会")]
    )
    before = snapshot(meeting)
    with pytest.raises(ValidationFailed) as refused:
        meeting_update(
            actor=found.user("coordinator"),
            meeting=meeting,
            kind="exchange",
            title=meeting.title,
            held_on=meeting.held_on,
            place=meeting.place,
            participants=[found.zhang],
            today=found.today,
        )
    assert refused.value.detail == {
        "participants": "王芳是代表发言人，请先在代表发言中移除，再从参会人员中移除。"
    }
    assert snapshot(meeting) == before


def test_a_meeting_with_minutes_is_not_moved_past_today(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(held_on=found.today - dt.timedelta(days=1), minutes="会议纪要正文。")
    before = snapshot(meeting)
    with pytest.raises(ValidationFailed) as refused:
        meeting_update(
            actor=found.user("coordinator"),
            meeting=meeting,
            kind="exchange",
            title=meeting.title,
            held_on=found.today + dt.timedelta(days=1),
            place=meeting.place,
            participants=[found.zhang],
            today=found.today,
        )
    assert refused.value.detail == {"held_on": "会议已记录纪要，日期不能改到今天以后。"}
    assert snapshot(meeting) == before


def test_another_districts_coordinator_cannot_change_it(world) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory, grant

    found = meeting_world(world)
    meeting = found.meeting(participants=[found.zhang])
    other = grant(UserFactory(username="lianxi"), "coordinator", world.district_b)
    before = snapshot(meeting)
    with pytest.raises(Forbidden):
        meeting_update(
            actor=other,
            meeting=meeting,
            kind="exchange",
            title="改名",
            held_on=meeting.held_on,
            place=meeting.place,
            participants=[found.zhang],
            today=found.today,
        )
    with pytest.raises(Forbidden):
        meeting_delete(actor=other, meeting=meeting, today=found.today)
    assert snapshot(meeting) == before


# Deleting ---------------------------------------------------------------------------------


def test_calling_off_an_upcoming_meeting_deletes_it_and_tells_the_participants(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    found = meeting_world(world)
    meeting = schedule(found, participants=[found.zhang, found.wang])
    meeting_speakers_set(
        actor=found.user("coordinator"), meeting=meeting, speakers=[SpeakerEntry(found.wang.pk)]
    )
    meeting_attachment_add(
        actor=found.user("coordinator"),
        meeting=meeting,
        upload=SimpleUploadedFile("议程.pdf", PDF_BYTES),
    )
    Notification.objects.all().delete()
    pk = meeting.pk
    with django_capture_on_commit_callbacks(execute=True):
        meeting_delete(actor=found.user("coordinator"), meeting=meeting, today=found.today)
    assert not Meeting.objects.filter(pk=pk).exists()
    assert MeetingSpeaker.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert AuditEvent.objects.get(action="meeting.delete").detail == {
        "meeting_title": "挂职干部中期交流会",
        "meeting_date": (found.today + dt.timedelta(days=7)).isoformat(),
        "meeting_place": "区委组织部三楼会议室",
        "files": ["议程.pdf"],
    }
    text = (
        f"交流会“挂职干部中期交流会”（{format_date(found.today + dt.timedelta(days=7))} 14:30，"
        "区委组织部三楼会议室）已取消。"
    )
    assert notes() == [
        ("cadre", "meeting.cancelled", text),
        ("wangfang", "meeting.cancelled", text),
    ]
    assert set(Notification.objects.values_list("url", flat=True)) == {""}


def test_a_meeting_with_minutes_is_not_deleted(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(held_on=found.today, minutes="会议纪要正文。")
    before = snapshot(meeting)
    with pytest.raises(InvalidTransition) as refused:
        meeting_delete(actor=found.user("coordinator"), meeting=meeting, today=found.today)
    assert refused.value.message == "会议“挂职干部中期交流会”已记录纪要，不能删除。"
    assert snapshot(meeting) == before


# Minutes ----------------------------------------------------------------------------------


def test_minutes_are_refused_before_the_day_and_recorded_from_the_day_on(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    day = found.today + dt.timedelta(days=2)
    meeting = found.meeting(held_on=day)
    before = snapshot(meeting)
    coordinator = found.user("coordinator")
    with pytest.raises(ValidationFailed) as refused:
        meeting_minutes_record(
            actor=coordinator, meeting=meeting, minutes="会议纪要。", today=found.today
        )
    message = f"会议定于{format_date(day)}召开，会后才能记录纪要。"
    assert refused.value.detail == {"minutes": message}
    assert snapshot(meeting) == before
    with pytest.raises(ValidationFailed) as refused:
        meeting_minutes_record(actor=coordinator, meeting=meeting, minutes="  ", today=day)
    assert refused.value.detail == {"minutes": "请填写会议纪要。"}
    assert snapshot(meeting) == before

    meeting_minutes_record(
        actor=coordinator,
        meeting=meeting,
        minutes=" 一、交流了挂职体会。\n二、部署下一步工作。 ",
        today=day,
    )
    assert (
        Meeting.objects.get(pk=meeting.pk).minutes == "一、交流了挂职体会。\n二、部署下一步工作。"
    )
    meeting_minutes_record(
        actor=coordinator, meeting=meeting, minutes="一、交流了挂职体会。", today=day
    )
    assert list(
        AuditEvent.objects.filter(action="meeting.minutes")
        .order_by("pk")
        .values_list("detail", flat=True)
    ) == [
        {"minutes_length": 21, "minutes_first": True},
        {"minutes_length": 10, "minutes_first": False},
    ]


def test_only_a_coordinator_records_minutes(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(held_on=found.today)
    before = snapshot(meeting)
    with pytest.raises(Forbidden):
        meeting_minutes_record(
            actor=found.user("group_leader"), meeting=meeting, minutes="纪要。", today=found.today
        )
    assert snapshot(meeting) == before


# Speakers ---------------------------------------------------------------------------------


def test_speakers_speak_in_the_order_given_and_a_new_order_replaces_the_old(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(participants=[found.zhang, found.wang, found.liu])
    coordinator = found.user("coordinator")
    meeting_speakers_set(
        actor=coordinator,
        meeting=meeting,
        speakers=[
            SpeakerEntry(found.wang.pk, " 产业振兴的几点体会 "),
            SpeakerEntry(found.zhang.pk, "基层党建工作"),
            SpeakerEntry(found.liu.pk),
        ],
    )
    assert list(
        MeetingSpeaker.objects.filter(meeting=meeting)
        .order_by("position")
        .values_list("position", "assignment__cadre__name", "topic")
    ) == [(1, "王芳", "产业振兴的几点体会"), (2, "张三", "基层党建工作"), (3, "刘强", "")]
    assert AuditEvent.objects.get(action="meeting.speakers").detail == {
        "speakers": ["1. 王芳：产业振兴的几点体会", "2. 张三：基层党建工作", "3. 刘强：—"]
    }
    meeting_speakers_set(
        actor=coordinator,
        meeting=meeting,
        speakers=[
            SpeakerEntry(found.zhang.pk, "基层党建工作"),
            SpeakerEntry(found.wang.pk, "产业"),
        ],
    )
    assert list(
        MeetingSpeaker.objects.filter(meeting=meeting)
        .order_by("position")
        .values_list("position", "assignment__cadre__name", "topic")
    ) == [(1, "张三", "基层党建工作"), (2, "王芳", "产业")]
    # The same list again changes nothing and records nothing.
    meeting_speakers_set(
        actor=coordinator,
        meeting=meeting,
        speakers=[
            SpeakerEntry(found.zhang.pk, "基层党建工作"),
            SpeakerEntry(found.wang.pk, "产业"),
        ],
    )
    assert AuditEvent.objects.filter(action="meeting.speakers").count() == 2


def test_a_speaker_who_is_not_a_participant_is_refused_and_nothing_changes(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(
        participants=[found.zhang, found.wang], speakers=[(found.zhang, "基层党建工作")]
    )
    before = snapshot(meeting)
    with pytest.raises(ValidationFailed) as refused:
        meeting_speakers_set(
            actor=found.user("coordinator"),
            meeting=meeting,
            speakers=[
                SpeakerEntry(found.wang.pk, "体会"),
                SpeakerEntry(found.zhao.pk, "体会"),  # batch A, but not at this meeting
                SpeakerEntry(found.wang.pk, "x" * 101),
            ],
        )
    assert refused.value.detail == {
        "speakers.2.assignment": "第2位发言人不是本次会议的参会人员；发言人须从参会人员中选定。",
        "speakers.3.assignment": "王芳已安排发言，每人只发言一次。",
        "speakers.3.topic": "王芳的发言题目不能超过100个字。",
    }
    assert snapshot(meeting) == before


# Summaries discussed ------------------------------------------------------------------------


def test_linking_the_summaries_discussed_and_unlinking_one(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(participants=[found.zhang, found.wang])
    zhang_summary = found.summaries.archived(found.zhang)
    wang_summary = found.summaries.summary(found.wang, kind="midterm", state="submitted")
    coordinator = found.user("coordinator")
    linked = meeting_summaries_set(
        actor=coordinator, meeting=meeting, summaries=[wang_summary, zhang_summary]
    )
    assert [summary.pk for summary in linked] == [wang_summary.pk, zhang_summary.pk]  # wáng, zhāng
    assert sorted(meeting.summaries.values_list("pk", flat=True)) == sorted(
        [zhang_summary.pk, wang_summary.pk]
    )
    meeting_summaries_set(actor=coordinator, meeting=meeting, summaries=[zhang_summary])
    assert list(meeting.summaries.values_list("pk", flat=True)) == [zhang_summary.pk]
    assert list(
        AuditEvent.objects.filter(action="meeting.summaries")
        .order_by("pk")
        .values_list("detail", flat=True)
    ) == [
        {
            "summaries_linked": ["王芳同志挂职锻炼阶段总结", "张三同志挂职锻炼期满总结"],
            "summaries_unlinked": [],
        },
        {"summaries_linked": [], "summaries_unlinked": ["王芳同志挂职锻炼阶段总结"]},
    ]


def test_a_summary_from_another_batch_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(participants=[found.zhang])
    mine = found.summaries.archived(found.zhang)
    elsewhere = found.summaries.archived(found.zhou)
    meeting_summaries_set(actor=found.user("coordinator"), meeting=meeting, summaries=[mine])
    before = snapshot(meeting)
    # The administrator reaches every summary: the batch is what refuses it.
    with pytest.raises(ValidationFailed) as refused:
        meeting_summaries_set(
            actor=found.user("admin"), meeting=meeting, summaries=[mine, elsewhere]
        )
    assert refused.value.detail == {
        "summaries": "“周亮同志挂职锻炼期满总结”不是本批次人员的总结，不能关联到本次会议。"
    }
    # A coordinator of district A does not even reach it.
    with pytest.raises(ValidationFailed) as refused:
        meeting_summaries_set(
            actor=found.user("coordinator"), meeting=meeting, summaries=[elsewhere]
        )
    assert refused.value.detail == {"summaries": "所选总结不存在或无权查看。"}
    assert snapshot(meeting) == before


def test_a_draft_is_refused_without_its_title(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(participants=[found.zhang, found.wang])
    mine = found.summaries.archived(found.zhang)
    draft = found.summaries.drafted(found.wang, kind="midterm", title="王芳尚未提交的标题")
    before = snapshot(meeting)

    with pytest.raises(ValidationFailed) as refused:
        meeting_summaries_set(
            actor=found.user("coordinator"), meeting=meeting, summaries=[mine, draft]
        )

    # Named by person and kind: the draft's title is the person's own until submitted.
    assert refused.value.detail == {"summaries": "王芳的阶段总结尚未提交，草稿不能关联到会议。"}
    assert snapshot(meeting) == before
    assert not meeting.summaries.exists()


# Files ------------------------------------------------------------------------------------


def test_files_are_accepted_by_their_content_and_a_program_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    meeting = found.meeting(participants=[found.zhang])
    coordinator = found.user("coordinator")
    stored = meeting_attachment_add(
        actor=coordinator, meeting=meeting, upload=SimpleUploadedFile("现场照片.jpg", PDF_BYTES)
    )
    assert (stored.name, stored.mime_type) == ("现场照片.jpg", "application/pdf")
    with pytest.raises(ValidationFailed) as refused:
        meeting_attachment_add(
            actor=coordinator,
            meeting=meeting,
            upload=SimpleUploadedFile("会议纪要.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        )
    assert refused.value.detail == {
        "file": "文件“会议纪要.pdf”的类型不受支持：只接受 PDF、Word、Excel、PowerPoint、图片（PNG、JPEG、GIF）和纯文本文件。"
    }
    assert list(Attachment.objects.values_list("name", flat=True)) == ["现场照片.jpg"]
    with pytest.raises(Forbidden):
        meeting_attachment_add(
            actor=found.user("host_leader"),
            meeting=meeting,
            upload=SimpleUploadedFile("a.pdf", PDF_BYTES),
        )
    with pytest.raises(Forbidden):
        meeting_attachment_delete(actor=found.user("host_leader"), attachment=stored)
    assert Attachment.objects.count() == 1
    meeting_attachment_delete(actor=coordinator, attachment=stored)
    assert Attachment.objects.count() == 0
    assert list(
        AuditEvent.objects.filter(action__startswith="attachment.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["attachment.create", "attachment.delete"]

"""Who reads which meeting, which of its summaries and files: staff the meetings of the people they
reach, a cadre the meetings they take part in, each summary only to whoever reads it anyway."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from guazhi.core.attachments import attachment_store
from guazhi.core.errors import NotFound
from guazhi.orgs.models import User
from guazhi.summaries.selectors.meetings import (
    access_meeting,
    meeting_queryset,
    meeting_summaries,
    summary_meetings,
)
from tests.pages import page
from tests.summaries.meeting_world import MeetingWorld, meeting_world


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def three_meetings(found: MeetingWorld):  # type: ignore[no-untyped-def]
    """Batch A's meeting with 张三 and 赵敏, batch A's with 赵敏 alone, batch B's with 周亮."""
    both = found.meeting(title="中期交流会", participants=[found.zhang, found.zhao])
    zhao_only = found.meeting(title="新港镇座谈会", participants=[found.zhao])
    other = found.meeting(title="濂溪区交流会", batch=found.batch_b, participants=[found.zhou])
    return both, zhao_only, other


def titles(actor: User) -> list[str]:
    return sorted(meeting_queryset(actor).values_list("title", flat=True))


def test_each_role_reads_the_meetings_of_the_people_it_reaches(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    three_meetings(found)
    assert titles(found.user("admin")) == ["中期交流会", "新港镇座谈会", "濂溪区交流会"]
    # Coordinators over batch A: all of its meetings; the group leader over the district too.
    assert titles(found.user("coordinator")) == ["中期交流会", "新港镇座谈会"]
    assert titles(found.user("group_leader")) == ["中期交流会", "新港镇座谈会"]
    # The party school's admin and 白鹿镇's leader reach 张三, not 赵敏.
    assert titles(found.user("dispatch_admin")) == ["中期交流会"]
    assert titles(found.user("host_leader")) == ["中期交流会"]
    # A cadre: the meetings they take part in, nothing else of the batch.
    assert titles(found.user("cadre")) == ["中期交流会"]
    assert titles(User.objects.get(username="zhaomin")) == ["中期交流会", "新港镇座谈会"]
    assert titles(User.objects.get(username="wangfang")) == []


def test_a_meeting_nobody_may_read_answers_the_same_as_a_missing_one(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    _both, zhao_only, other = three_meetings(found)
    for role, meeting in (
        ("dispatch_admin", zhao_only),
        ("cadre", zhao_only),
        ("coordinator", other),
    ):
        with pytest.raises(NotFound) as refused:
            access_meeting(actor=found.user(role), pk=meeting.pk)
        assert refused.value.message == "记录不存在或无权访问。"
    with pytest.raises(NotFound):
        access_meeting(actor=found.user("coordinator"), pk=other.pk + 1000)
    # Reading is not managing: the group leader reads it, but only a coordinator manages it.
    assert access_meeting(actor=found.user("group_leader"), pk=zhao_only.pk) == zhao_only
    with pytest.raises(NotFound):
        access_meeting(actor=found.user("group_leader"), pk=zhao_only.pk, manage=True)


def test_linked_summaries_show_only_to_those_who_may_read_them(world) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    both, _zhao_only, _other = three_meetings(found)
    zhang_summary = found.summaries.archived(found.zhang)
    zhao_summary = found.summaries.archived(found.zhao)
    both.summaries.set([zhang_summary, zhao_summary])

    def shown(actor: User) -> list[str]:
        return [
            summary.assignment.cadre.name
            for summary in meeting_summaries(actor=actor, meeting=both)
        ]

    assert shown(found.user("coordinator")) == ["张三", "赵敏"]
    assert shown(found.user("group_leader")) == ["张三", "赵敏"]
    assert shown(found.user("dispatch_admin")) == ["张三"]
    assert shown(found.user("host_leader")) == ["张三"]
    assert shown(found.user("cadre")) == ["张三"]
    assert shown(User.objects.get(username="zhaomin")) == ["赵敏"]
    # The summary's side: the meetings that discussed it, those the reader reads.
    assert [
        m.title for m in summary_meetings(actor=found.user("cadre"), summary=zhang_summary)
    ] == ["中期交流会"]
    assert (
        summary_meetings(actor=User.objects.get(username="wangfang"), summary=zhang_summary) == []
    )


def test_the_meeting_page_shows_each_reader_only_the_summaries_they_may_read(  # type: ignore[no-untyped-def]
    world, client: Client
) -> None:
    found = meeting_world(world)
    both, _zhao_only, _other = three_meetings(found)
    zhang_summary = found.summaries.archived(found.zhang)
    both.summaries.set(
        [zhang_summary, found.summaries.archived(found.zhao, title="在新港镇的一年")]
    )
    url = reverse("summaries:meeting_detail", kwargs={"meeting_pk": both.pk})
    client.force_login(found.user("dispatch_admin"))
    body = page(client.get(url))
    link = reverse("summaries:summary_detail", kwargs={"summary_pk": zhang_summary.pk})
    assert f'<a href="{link}">张三同志挂职锻炼期满总结</a>' in body
    assert "在新港镇的一年" not in body
    # Who took part is the meeting's own record: every reader sees the whole list.
    assert '<td data-label="姓名">赵敏</td>' in body
    client.force_login(User.objects.get(username="zhaomin"))
    body = page(client.get(url))
    assert "在新港镇的一年" in body and "张三同志挂职锻炼期满总结" not in body


def test_a_draft_linked_before_drafts_were_refused_shows_to_nobody(  # type: ignore[no-untyped-def]
    world, client: Client
) -> None:
    found = meeting_world(world)
    both, _zhao_only, _other = three_meetings(found)
    draft = found.summaries.drafted(found.wang, kind="midterm", title="王芳尚未提交的标题")
    both.summaries.set([found.summaries.archived(found.zhang), draft])
    url = reverse("summaries:meeting_detail", kwargs={"meeting_pk": both.pk})

    for role in ("coordinator", "dispatch_admin", "host_leader"):
        client.force_login(found.user(role))
        body = page(client.get(url))
        assert "张三同志挂职锻炼期满总结" in body
        assert "王芳尚未提交的标题" not in body


def test_a_meetings_files_download_for_its_readers_only(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    both, zhao_only, _other = three_meetings(found)
    admin = found.user("admin")
    minutes = attachment_store(
        actor=admin, owner=both, upload=SimpleUploadedFile("纪要.pdf", b"%PDF-1.7\n1 0 obj\n")
    )
    photos = attachment_store(
        actor=admin, owner=zhao_only, upload=SimpleUploadedFile("合影.pdf", b"%PDF-1.7\n2 0 obj\n")
    )

    def status(user: User, attachment_pk: int) -> int:
        client.force_login(user)
        url = reverse("core:attachment_download", kwargs={"attachment_pk": attachment_pk})
        return client.get(url).status_code

    cadre, wang = found.user("cadre"), User.objects.get(username="wangfang")
    assert status(cadre, minutes.pk) == 200
    assert status(cadre, photos.pk) == 404  # not at that meeting
    assert status(wang, minutes.pk) == 404  # batch A's cadre, but at neither
    assert status(found.user("dispatch_admin"), minutes.pk) == 200
    assert status(found.user("dispatch_admin"), photos.pk) == 404
    assert status(found.user("group_leader"), photos.pk) == 200


def test_a_cadre_sees_their_own_meetings_with_their_speaking_slot(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    found = meeting_world(world)
    found.meeting(
        title="期满交流会",
        participants=[found.zhang, found.wang],
        held_on=found.today + dt.timedelta(days=3),
        speakers=[(found.wang, "产业振兴"), (found.zhang, "基层党建工作")],
    )
    found.meeting(
        title="中期座谈会",
        participants=[found.zhang],
        held_on=found.today - dt.timedelta(days=30),
    )
    found.meeting(title="新港镇座谈会", participants=[found.zhao])
    client.force_login(found.user("cadre"))
    body = page(
        client.get(reverse("summaries:meeting_list", kwargs={"batch_pk": found.batch_a.pk}))
    )
    assert "我的会议" in body
    assert '<td data-label="我的发言">第2位发言：基层党建工作</td>' in body
    assert '<td data-label="我的发言">—</td>' in body  # at the past one he did not speak
    assert "期满交流会" in body and "中期座谈会" in body
    assert "新港镇座谈会" not in body
    # No batch-wide lists for a cadre, and no way to arrange one.
    assert 'id="upcoming"' not in body
    assert reverse("summaries:meeting_create", kwargs={"batch_pk": found.batch_a.pk}) not in body


def test_staff_see_upcoming_and_past_with_counts_and_the_list_costs_the_same_for_more(  # type: ignore[no-untyped-def]
    world, client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = meeting_world(world)
    found.meeting(
        title="期满交流会",
        participants=[found.zhang, found.wang, found.liu],
        held_on=found.today,
        speakers=[(found.wang, "产业振兴")],
    )
    found.meeting(
        title="中期座谈会", participants=[found.zhang], held_on=found.today - dt.timedelta(days=30)
    )
    url = reverse("summaries:meeting_list", kwargs={"batch_pk": found.batch_a.pk})
    client.force_login(found.user("coordinator"))
    client.get(url)  # caches warmed (menu, scopes) as on any later request
    with CaptureQueriesContext(connection) as few:
        body = page(client.get(url))
    upcoming = body[body.index('id="upcoming"') : body.index('id="past"')]
    past = body[body.index('id="past"') :]
    assert "期满交流会" in upcoming and "中期座谈会" in past
    assert '<td data-label="参会干部" class="num">3</td>' in upcoming
    assert '<td data-label="代表发言" class="num">1</td>' in upcoming
    assert 'id="mine"' not in body
    assert reverse("summaries:meeting_create", kwargs={"batch_pk": found.batch_a.pk}) in body
    for day in range(5):
        found.meeting(
            title=f"座谈会{day}",
            participants=[found.zhang, found.wang],
            held_on=found.today + dt.timedelta(days=day - 2),
            speakers=[(found.zhang, "体会")],
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)

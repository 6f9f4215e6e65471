"""Word exports: one summary downloads at once; a batch's summaries leave as a zip made by a
background job with progress. Each file is opened back with python-docx."""

import io
import zipfile

from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from docx import Document

from guazhi.core.jobs import job_run
from guazhi.core.models import AuditEvent, Job
from guazhi.orgs.models import RoleAssignment
from guazhi.orgs.scopes import grants_changed
from guazhi.programmes.models import Assignment, AssignmentState
from guazhi.summaries.jobs import summaries_export_job, zip_entry_name
from guazhi.summaries.models import Summary, SummaryKind, SummaryState
from tests.factories import CadreFactory, UnitFactory
from tests.programmes.factories import PostFactory, assign
from tests.summaries.world import APPRAISAL, summary_world

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def opened(content: bytes) -> Document:
    return Document(io.BytesIO(content))


def second_zhang(world, found) -> Assignment:  # type: ignore[no-untyped-def]
    """Another 张三 in batch A, from the same party school, serving at 石门镇: inside the
    coordinator's and the dispatch admin's scope, outside the 白鹿镇 host leader's."""
    town = UnitFactory(name="石门镇", kind="township", level="township", parent=world.district_a)
    post = PostFactory(batch=found.duty.batch_a, host_unit=town, title="镇长助理")
    cadre = CadreFactory(name="张三", home_unit=world.school_a)
    return assign(post, cadre, AssignmentState.ACTIVE, start_date=found.duty.serving_a.start_date)


def zip_of(job: Job) -> zipfile.ZipFile:
    with default_storage.open(job.result["file"], "rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def titles_in(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each entry's document title (its first paragraph), opening every .docx."""
    return {name: opened(archive.read(name)).paragraphs[0].text for name in archive.namelist()}


# One summary --------------------------------------------------------------------------------


def test_the_person_downloads_their_summary_as_word(client, world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.archived()
    client.force_login(world.users["cadre"])
    response = client.get(reverse("summaries:summary_word", kwargs={"summary_pk": summary.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    # 张三_期满总结.docx, encoded for every browser.
    assert response["Content-Disposition"] == (
        "attachment; filename=\"download.docx\"; filename*=UTF-8''"
        "%E5%BC%A0%E4%B8%89_%E6%9C%9F%E6%BB%A1%E6%80%BB%E7%BB%93.docx"
    )
    assert response["Cache-Control"] == "private, no-store"
    document = opened(response.content)
    assert [p.text for p in document.paragraphs[:2]] == [
        "张三同志挂职锻炼期满总结",
        "张三（挂职白鹿镇党委副书记）",
    ]
    event = AuditEvent.objects.get(action="summary.export")
    assert (event.actor, event.object_id, event.detail) == (
        world.users["cadre"],
        str(summary.pk),
        {"summary_kind": "final", "summary_state": "archived"},
    )


def test_each_leader_over_the_person_downloads_it(client, world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.archived()
    url = reverse("summaries:summary_word", kwargs={"summary_pk": summary.pk})
    for role in ("coordinator", "dispatch_admin", "host_leader", "group_leader"):
        client.force_login(world.users[role])
        response = client.get(url)
        assert (role, response.status_code, response["Content-Type"]) == (role, 200, DOCX)
    assert AuditEvent.objects.filter(action="summary.export").count() == 4


def test_a_summary_out_of_scope_is_not_found_and_nothing_is_recorded(client, world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    outside = found.archived(found.zhou)
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("summaries:summary_word", kwargs={"summary_pk": outside.pk}))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="summary.export").exists()


# A batch ------------------------------------------------------------------------------------


def test_the_batchs_archived_summaries_leave_as_a_zip_made_by_a_job(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    other = second_zhang(world, found)
    found.archived()
    found.archived(other)
    found.archived(kind=SummaryKind.MIDTERM)
    found.drafted(other, kind=SummaryKind.MIDTERM)  # not archived: left out
    found.archived(found.zhou)  # batch B: another batch
    client.force_login(world.users["coordinator"])
    url = reverse("summaries:batch_export", kwargs={"batch_pk": found.duty.batch_a.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"state": "archived", "kind": ""})
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job_detail", kwargs={"job_pk": job.pk})
    assert (job.kind, job.state, job.done, job.total, job.result["rows"]) == (
        "summaries_export",
        Job.State.SUCCEEDED,
        3,
        3,
        3,
    )
    assert job.result["filename"].startswith("挂职总结_2026年浔阳区挂职干部（在岗）_")
    assert job.result["filename"].endswith(".zip")
    archive = zip_of(job)
    # By host unit (白鹿镇 was made first), then person, 阶段 before 期满; the second 张三 is
    # told apart by his host unit.
    assert titles_in(archive) == {
        "张三_阶段总结.docx": "张三同志挂职锻炼阶段总结",
        "张三_期满总结.docx": "张三同志挂职锻炼期满总结",
        "张三_期满总结_石门镇.docx": "张三同志挂职锻炼期满总结",
    }
    assert archive.namelist() == [
        "张三_阶段总结.docx",
        "张三_期满总结.docx",
        "张三_期满总结_石门镇.docx",
    ]
    second = opened(archive.read("张三_期满总结_石门镇.docx"))
    texts = [p.text for p in second.paragraphs]
    assert texts[1] == "张三（挂职石门镇镇长助理）"
    # The whole summary is there, sections and appraisal (the sections were read in chunks).
    assert [text for text in texts if text[:2] in ("一、", "三、", "五、")] == [
        "一、基本情况",
        "一、推动产业发展。走访辖区企业32家，协调解决用地、用工问题12个。",
        "三、心得体会",
        "五、下一步打算",
    ]
    assert texts[-5:] == ["接收单位鉴定意见", APPRAISAL, "", "石门镇", texts[-1]]
    event = AuditEvent.objects.get(action="summary.batch_export")
    assert (event.object_id, event.detail) == (
        str(found.duty.batch_a.pk),
        {"summary_state": "archived", "summary_kind": "", "count": 3},
    )
    # The file downloads from the job's page, as a zip.
    download = client.get(reverse("core:job_download", kwargs={"job_pk": job.pk}))
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_a_host_leader_exports_only_the_people_of_their_unit(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    other = second_zhang(world, found)
    found.archived()
    found.archived(other)
    client.force_login(world.users["host_leader"])
    url = reverse("summaries:batch_export", kwargs={"batch_pk": found.duty.batch_a.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {})
    job = Job.objects.get()
    assert (job.state, job.total) == (Job.State.SUCCEEDED, 1)
    archive = zip_of(job)
    assert archive.namelist() == ["张三_期满总结.docx"]
    assert opened(archive.read("张三_期满总结.docx")).paragraphs[1].text == (
        "张三（挂职白鹿镇党委副书记）"
    )


def test_progress_is_reported_summary_by_summary(world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    found.archived()
    found.archived(second_zhang(world, found))
    found.drafted(kind=SummaryKind.MIDTERM)
    job = Job.objects.create(
        kind="summaries_export",
        owner=world.users["coordinator"],
        params={"batch": found.duty.batch_a.pk},
    )
    reports: list[tuple[int, int]] = []
    result = summaries_export_job(job, lambda done, total: reports.append((done, total)))  # type: ignore[arg-type]
    # The draft never submitted is the person's own: not in a staff member's export.
    assert reports == [(0, 2), (1, 2), (2, 2)]
    assert result["rows"] == 2


def test_another_batch_is_not_found_and_no_job_starts(client, world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    found.archived(found.zhou)
    client.force_login(world.users["coordinator"])
    url = reverse("summaries:batch_export", kwargs={"batch_pk": found.duty.batch_b.pk})
    response = client.post(url, {"state": "archived"})
    assert response.status_code == 404
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action="summary.batch_export").exists()


def test_a_cadre_may_not_export_a_batch(client, world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    found.archived()
    client.force_login(world.users["cadre"])
    url = reverse("summaries:batch_export", kwargs={"batch_pk": found.duty.batch_a.pk})
    assert client.post(url, {}).status_code == 403
    assert not Job.objects.exists()


def test_nothing_to_export_says_so_instead_of_starting_a_job(client, world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    found.drafted()
    client.force_login(world.users["coordinator"])
    url = reverse("summaries:batch_export", kwargs={"batch_pk": found.duty.batch_a.pk})
    with translation.override("zh-hans"):
        response = client.post(url, {"state": "archived"})
    assert response["Location"] == reverse(
        "summaries:batch_summaries", kwargs={"batch_pk": found.duty.batch_a.pk}
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "没有符合条件的挂职总结可以导出。"
    ]
    assert not Job.objects.exists()


def test_an_unknown_state_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    found.archived()
    client.force_login(world.users["coordinator"])
    url = reverse("summaries:batch_export", kwargs={"batch_pk": found.duty.batch_a.pk})
    response = client.post(url, {"state": "published"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "请从挂职总结页面选择要导出的总结。"
    ]
    assert not Job.objects.exists()


def test_a_role_revoked_before_the_job_runs_takes_effect(client, world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    found.archived()
    client.force_login(world.users["coordinator"])
    url = reverse("summaries:batch_export", kwargs={"batch_pk": found.duty.batch_a.pk})
    client.post(url, {"state": SummaryState.ARCHIVED})  # queued: no on-commit run in a test
    job = Job.objects.get()
    assert job.state == Job.State.QUEUED
    RoleAssignment.objects.filter(user=world.users["coordinator"]).delete()
    grants_changed(user_ids=[world.users["coordinator"].pk])  # what revoking a role does
    job_run(str(job.pk))
    job.refresh_from_db()
    assert (job.state, job.result.get("file"), job.message) == (
        Job.State.FAILED,
        None,
        "记录不存在或无权访问。",
    )


def test_the_summaries_left_since_the_click_fail_the_job_with_a_reason(world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.archived()
    job = Job.objects.create(
        kind="summaries_export",
        owner=world.users["coordinator"],
        params={"batch": found.duty.batch_a.pk, "state": "archived"},
    )
    Summary.objects.filter(pk=summary.pk).update(state=SummaryState.APPRAISED)
    job_run(str(job.pk))
    job.refresh_from_db()
    assert (job.state, job.message) == (Job.State.FAILED, "没有符合条件的挂职总结可以导出。")


def test_entry_names_stay_unique_however_many_namesakes(world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = Summary.objects.select_related("assignment__cadre", "assignment__host_unit").get(
        pk=found.archived().pk
    )
    taken: set[str] = set()
    with translation.override("zh-hans"):
        names = [zip_entry_name(summary, taken) for _ in range(4)]
    assert names == [
        "张三_期满总结.docx",
        "张三_期满总结_白鹿镇.docx",
        "张三_期满总结_白鹿镇（2）.docx",
        "张三_期满总结_白鹿镇（3）.docx",
    ]


def test_a_draft_never_submitted_downloads_for_its_writer_only(client, world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted()
    url = reverse("summaries:summary_word", kwargs={"summary_pk": summary.pk})
    client.force_login(world.users["coordinator"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["cadre"])
    response = client.get(url)
    assert response.status_code == 200
    assert opened(response.content).paragraphs[0].text == summary.title

"""Background jobs: starting, progress, outcome, running twice, and the owner-only pages."""

import logging
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guazhi.core import jobs
from guazhi.core.errors import ValidationFailed
from guazhi.core.models import AuditEvent, Job

calls: list[str] = []
seen_progress: list[tuple[int, int]] = []


@jobs.job_kind("test.count", label="测试计数")
def count_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    calls.append(str(job.pk))
    progress(1, 4)
    # What a page reading the job from the database sees while the job is still running.
    stored = Job.objects.get(pk=job.pk)
    seen_progress.append((stored.done, stored.total))
    return {"counted": 4}


@jobs.job_kind("test.refuse", label="测试拒绝")
def refuse_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    raise ValidationFailed("第3行有错误。", detail={"name": "姓名不能为空。"})


@jobs.job_kind("test.crash", label="测试崩溃")
def crash_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    raise KeyError("secret internals")


@jobs.job_kind("test.file", label="测试导出")
def file_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    name = default_storage.save(
        f"{jobs.job_files_dir(job.pk)}/export.xlsx", SimpleUploadedFile("x", b"PK-data")
    )
    return {"file": name, "filename": "干部名册_导出.xlsx", "rows": 2}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    calls.clear()
    seen_progress.clear()
    return tmp_path / "media"


def start(user: Any, kind: str, capture: Any, **kwargs: Any) -> Job:
    with capture(execute=True):
        job = jobs.job_start(actor=user, kind=kind, params={}, **kwargs)
    job.refresh_from_db()
    return job


# Starting and running ----------------------------------------------------------------------


def test_starting_a_job_keeps_the_upload_audits_and_runs_only_after_commit(
    world, django_capture_on_commit_callbacks, _media: Path
) -> None:
    user = world.users["coordinator"]
    upload = SimpleUploadedFile("../../名册.xlsx", b"PK\x03\x04 content")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.job_start(actor=user, kind="test.count", params={"query": "张"}, upload=upload)
    assert (Job.objects.get(pk=job.pk).state, calls) == (Job.State.QUEUED, [])
    assert job.params == {
        "query": "张",
        "upload": f"jobs/{job.pk}/upload.xlsx",
        "upload_name": "名册.xlsx",
    }
    assert (_media / "jobs" / str(job.pk) / "upload.xlsx").read_bytes() == b"PK\x03\x04 content"
    event = AuditEvent.objects.get(action="job.start")
    assert (event.actor, event.object_id, event.detail) == (
        user,
        str(job.pk),
        {"kind": "test.count", "upload": "名册.xlsx"},
    )
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert (job.state, job.result, job.done, job.total, calls) == (
        Job.State.SUCCEEDED,
        {"counted": 4},
        4,
        4,
        [str(job.pk)],
    )
    assert job.finished_at is not None and job.percent == 100


def test_an_unknown_kind_is_a_programming_error(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        jobs.job_start(actor=world.users["coordinator"], kind="test.nothing", params={})
    assert Job.objects.count() == 0


def test_progress_is_written_while_the_job_runs(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    start(world.users["coordinator"], "test.count", django_capture_on_commit_callbacks)
    assert seen_progress == [(1, 4)]


def test_progress_writes_are_throttled_but_the_last_one_always_lands(world) -> None:  # type: ignore[no-untyped-def]
    job = Job.objects.create(kind="test.count", owner=world.users["coordinator"])
    now = [100.0]
    progress = jobs.Progress(job, interval=1.0, clock=lambda: now[0])

    def stored() -> tuple[int, int]:
        return Job.objects.values_list("done", "total").get(pk=job.pk)

    progress(1, 10)
    assert stored() == (1, 10)
    now[0] += 0.5
    progress(5, 10)
    assert stored() == (1, 10)
    now[0] += 0.6
    progress(6, 10)
    assert stored() == (6, 10)
    progress(10, 10)
    assert stored() == (10, 10)


def test_a_domain_refusal_fails_the_job_with_its_chinese_message(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    job = start(world.users["coordinator"], "test.refuse", django_capture_on_commit_callbacks)
    assert (job.state, job.message) == (Job.State.FAILED, "第3行有错误。")
    assert job.result == {
        "code": "invalid",
        "message": "第3行有错误。",
        "detail": {"name": "姓名不能为空。"},
    }
    assert job.finished_at is not None


def test_an_unexpected_error_fails_the_job_with_a_generic_message_and_is_logged(
    world, django_capture_on_commit_callbacks, caplog
) -> None:
    with caplog.at_level(logging.ERROR, logger="guazhi.core.jobs"):
        job = start(world.users["coordinator"], "test.crash", django_capture_on_commit_callbacks)
    assert (job.state, job.result) == (Job.State.FAILED, {})
    assert job.message == "任务执行失败，请稍后重试；如仍失败，请联系系统管理员。"
    assert "secret internals" not in job.message
    assert [record.message for record in caplog.records] == [f"job {job.pk} (test.crash) failed"]


def test_running_the_same_job_twice_runs_it_once(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    job = start(world.users["coordinator"], "test.count", django_capture_on_commit_callbacks)
    finished_at = job.finished_at
    jobs.job_run(str(job.pk))
    job.refresh_from_db()
    assert (calls, job.state, job.finished_at) == ([str(job.pk)], Job.State.SUCCEEDED, finished_at)


def test_a_job_already_running_elsewhere_is_not_started_again(world) -> None:  # type: ignore[no-untyped-def]
    job = Job.objects.create(
        kind="test.count", owner=world.users["coordinator"], state=Job.State.RUNNING
    )
    jobs.job_run(str(job.pk))
    job.refresh_from_db()
    assert (calls, job.state, job.finished_at) == ([], Job.State.RUNNING, None)


def test_the_task_runs_the_job(world) -> None:  # type: ignore[no-untyped-def]
    from guazhi.core.tasks import run_job

    job = Job.objects.create(kind="test.count", owner=world.users["coordinator"])
    run_job.enqueue(str(job.pk))
    job.refresh_from_db()
    assert (job.state, calls) == (Job.State.SUCCEEDED, [str(job.pk)])


# The job page ------------------------------------------------------------------------------


def test_the_owner_sees_the_progress_bar_which_polls_while_unfinished(client, world) -> None:  # type: ignore[no-untyped-def]
    owner = world.users["coordinator"]
    job = Job.objects.create(
        kind="test.count", owner=owner, state=Job.State.RUNNING, done=3, total=12
    )
    client.force_login(owner)
    response = client.get(reverse("core:job_detail", kwargs={"job_pk": job.pk}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>测试计数</h1>" in body
    assert '<progress value="25" max="100"' in body
    assert "进行中" in body and "（3 / 12）" in body
    assert 'hx-trigger="every 1s"' in body
    assert f'hx-get="/core/jobs/{job.pk}/"' in body


def test_the_htmx_poll_gets_only_the_status_block(client, world) -> None:  # type: ignore[no-untyped-def]
    owner = world.users["coordinator"]
    job = Job.objects.create(kind="test.count", owner=owner, state=Job.State.QUEUED)
    client.force_login(owner)
    response = client.get(
        reverse("core:job_detail", kwargs={"job_pk": job.pk}), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="job-status"')
    assert "<html" not in body and "排队中" in body and 'hx-trigger="every 1s"' in body


def test_a_finished_job_stops_polling_and_shows_its_result(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    owner = world.users["coordinator"]
    job = start(owner, "test.file", django_capture_on_commit_callbacks)
    client.force_login(owner)
    body = client.get(reverse("core:job_detail", kwargs={"job_pk": job.pk})).content.decode()
    assert "hx-trigger" not in body
    assert '<progress value="100" max="100"' in body
    assert "导出完成，共 2 条。" in body
    assert f'href="/core/jobs/{job.pk}/download/"' in body


def test_a_failed_import_lists_its_errors_by_row_and_column(client, world) -> None:  # type: ignore[no-untyped-def]
    owner = world.users["coordinator"]
    job = Job.objects.create(
        kind="orgs.cadre_import",
        owner=owner,
        state=Job.State.FAILED,
        message="共有 1 处错误，没有导入任何数据；请修改后重新上传。",
        result={
            "code": "sheet_invalid",
            "detail": [
                {"row": 7, "column": "身份证号", "message": "身份证号校验位不正确，请核对。"}
            ],
        },
    )
    client.force_login(owner)
    body = client.get(reverse("core:job_detail", kwargs={"job_pk": job.pk})).content.decode()
    assert "共有 1 处错误，没有导入任何数据；请修改后重新上传。" in body
    assert '<td data-label="行号">第7行</td>' in body
    assert '<td data-label="列">身份证号</td>' in body
    assert '<td data-label="问题">身份证号校验位不正确，请核对。</td>' in body


def test_someone_elses_job_is_not_found(client, world) -> None:  # type: ignore[no-untyped-def]
    job = Job.objects.create(kind="test.count", owner=world.users["coordinator"])
    client.force_login(world.users["dispatch_admin"])
    assert client.get(reverse("core:job_detail", kwargs={"job_pk": job.pk})).status_code == 404
    client.force_login(world.users["admin"])
    assert client.get(reverse("core:job_detail", kwargs={"job_pk": job.pk})).status_code == 404


# Downloading the result --------------------------------------------------------------------


def test_the_owner_downloads_the_result_under_its_chinese_name_and_it_is_audited(
    client, world, django_capture_on_commit_callbacks
) -> None:
    owner = world.users["coordinator"]
    job = start(owner, "test.file", django_capture_on_commit_callbacks)
    client.force_login(owner)
    response = client.get(reverse("core:job_download", kwargs={"job_pk": job.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK-data"
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="download.xlsx"; '
        "filename*=UTF-8''%E5%B9%B2%E9%83%A8%E5%90%8D%E5%86%8C_%E5%AF%BC%E5%87%BA.xlsx"
    )
    event = AuditEvent.objects.get(action="export.download")
    assert (event.actor, event.object_id, event.detail) == (
        owner,
        str(job.pk),
        {"kind": "test.file", "filename": "干部名册_导出.xlsx", "rows": 2},
    )


def test_someone_elses_download_is_not_found_and_not_audited(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    job = start(world.users["coordinator"], "test.file", django_capture_on_commit_callbacks)
    client.force_login(world.users["dispatch_admin"])
    assert client.get(reverse("core:job_download", kwargs={"job_pk": job.pk})).status_code == 404
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_a_download_followed_before_the_job_finished_leads_to_its_progress(client, world) -> None:  # type: ignore[no-untyped-def]
    owner = world.users["coordinator"]
    job = Job.objects.create(kind="test.file", owner=owner, state=Job.State.RUNNING)
    client.force_login(owner)
    response = client.get(reverse("core:job_download", kwargs={"job_pk": job.pk}))
    assert (response.status_code, response["Location"]) == (302, f"/core/jobs/{job.pk}/")
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_a_finished_job_without_a_result_file_has_nothing_to_download(client, world) -> None:  # type: ignore[no-untyped-def]
    owner = world.users["coordinator"]
    failed = Job.objects.create(kind="test.file", owner=owner, state=Job.State.FAILED)
    gone = Job.objects.create(
        kind="test.file",
        owner=owner,
        state=Job.State.SUCCEEDED,
        result={"file": "jobs/x/gone.xlsx"},
    )
    client.force_login(owner)
    for job in (failed, gone):
        assert (
            client.get(reverse("core:job_download", kwargs={"job_pk": job.pk})).status_code == 404
        )
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_anonymous_visitors_are_sent_to_log_in(client, world) -> None:  # type: ignore[no-untyped-def]
    job = Job.objects.create(kind="test.count", owner=world.users["coordinator"])
    response = client.get(reverse("core:job_detail", kwargs={"job_pk": job.pk}))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_made_inside_the_handlers_transaction_is_seen_before_it_commits() -> None:
    """An import writes all rows in one transaction; the bar must still move for the page."""
    from django.db import connections, transaction

    from tests.factories import UserFactory

    connection = connections["default"]
    job = Job.objects.create(kind="test.count", owner=UserFactory(username="pg-owner"))
    observer = type(connection)(connection.settings_dict, connection.alias)
    progress = jobs.Progress(job)
    try:
        with transaction.atomic():
            progress(3, 10)
            with observer.cursor() as cursor:
                cursor.execute("SELECT done, total FROM core_job WHERE id = %s", [job.pk])
                seen = cursor.fetchone()
    finally:
        progress.close()
        observer.close()
    assert seen == (3, 10)


def test_a_job_whose_worker_died_is_marked_failed_and_its_owner_told_why(client, world) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    owner = world.users["coordinator"]
    long_ago = timezone.now() - dt.timedelta(hours=2)
    dead = Job.objects.create(
        kind="test.count", owner=owner, state=Job.State.RUNNING, heartbeat_at=long_ago
    )
    alive = Job.objects.create(
        kind="test.count", owner=owner, state=Job.State.RUNNING, heartbeat_at=timezone.now()
    )

    assert jobs.job_fail_stale(silent_for=dt.timedelta(minutes=30)) == 1

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.state, alive.state) == (Job.State.FAILED, Job.State.RUNNING)
    assert AuditEvent.objects.filter(action="job.interrupted", object_id=str(dead.pk)).count() == 1
    client.force_login(owner)
    page = client.get(reverse("core:job_detail", kwargs={"job_pk": dead.pk})).content.decode()
    assert "任务已中断（处理进程长时间没有进展），请重新提交。" in page


def test_progress_reports_are_signs_of_life(world) -> None:  # type: ignore[no-untyped-def]
    job = Job.objects.create(
        kind="test.count", owner=world.users["coordinator"], state=Job.State.RUNNING
    )
    jobs.Progress(job)(3, 10)
    job.refresh_from_db()
    assert job.heartbeat_at is not None

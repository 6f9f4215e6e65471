"""Background jobs: the kinds and their handlers, starting one, its progress and its outcome.

A handler is a plain function `handler(job, progress) -> dict` registered under a kind with
`@job_kind(...)`. It reports progress by calling `progress(done, total)`, returns the result
shown to the owner, or raises a GuazhiError whose Chinese message the owner reads instead.
Apps register their kinds in a module named `jobs` or `imports`; those modules are imported on
first use, so a task worker finds every kind without importing the URL configuration.

The worker's language is not the reader's: a handler runs in the source language (Chinese),
so the outcome is stored in Chinese with the source of each message (core.i18n) and shown in
the language of whoever opens the job's page. A file made for the person who started the job
(an export) is written in their language: `job_language(job)`.
"""

import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record
from guazhi.core.errors import GuazhiError, NotFound
from guazhi.core.i18n import Message, message_source, stored_text
from guazhi.core.models import Job

logger = logging.getLogger(__name__)

Handler = Callable[[Job, "Progress"], dict[str, Any]]
JOB_MODULES = ("jobs", "imports")
GENERIC_FAILURE = gettext_noop("任务执行失败，请稍后重试；如仍失败，请联系系统管理员。")
INTERRUPTED = gettext_noop("任务已中断（处理进程长时间没有进展），请重新提交。")


@dataclass(frozen=True)
class JobKind:
    kind: str
    label: str | Promise
    handler: Handler
    # The roles that may start the job (the starting view's), asked again when its file is
    # downloaded: an export holds what the role let its owner read, and a role revoked since
    # takes the file with it. Empty: any owner (a job without a file, an import's report).
    roles: tuple[str, ...] = ()


_registry: dict[str, JobKind] = {}
_discovered = False


def job_kind(
    kind: str, *, label: str | Promise, roles: tuple[str, ...] = ()
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `kind` (`roles`: see JobKind)."""

    def decorator(handler: Handler) -> Handler:
        _registry[kind] = JobKind(kind, label, handler, tuple(roles))
        return handler

    return decorator


def job_kind_get(kind: str) -> JobKind | None:
    global _discovered
    if kind not in _registry and not _discovered:
        _discovered = True
        autodiscover_modules(*JOB_MODULES)
    return _registry.get(kind)


def job_kind_label(kind: str) -> str:
    found = job_kind_get(kind)
    return str(found.label) if found else kind


# Starting ----------------------------------------------------------------------------------


def job_files_dir(job_id: uuid.UUID | str) -> str:
    """Storage folder of one job's files (upload and result), under MEDIA_ROOT."""
    return f"jobs/{job_id}"


def job_start(
    *, actor: Any, kind: str, params: dict[str, Any], upload: UploadedFile | None = None
) -> Job:
    """Create the job, keep its uploaded file, run it in a worker once the transaction commits."""
    if job_kind_get(kind) is None:
        raise ValueError(f"unknown job kind: {kind}")
    job_id = uuid.uuid4()
    params = dict(params)
    language = translation.get_language()
    if language and language != settings.LANGUAGE_CODE:
        params["language"] = language  # only when not the default, so most jobs' params stay lean
    if upload is not None:
        # The stored name is ours, never the uploader's: the original name is only displayed.
        suffix = PurePath(upload.name or "").suffix.lower()[:8] or ".bin"
        params["upload"] = default_storage.save(f"{job_files_dir(job_id)}/upload{suffix}", upload)
        params["upload_name"] = PurePath(upload.name or "").name[:200]
    with transaction.atomic():
        job = Job.objects.create(id=job_id, kind=kind, owner=actor, params=params)
        audit_record(
            actor=actor,
            action="job.start",
            obj=job,
            detail={"kind": kind, "upload": params.get("upload_name", "")},
        )
        transaction.on_commit(partial(_enqueue, str(job.pk)))
    return job


def _enqueue(job_id: str) -> None:
    from guazhi.core.tasks import run_job

    run_job.enqueue(job_id)


def job_language(job: Job) -> str:
    """The interface language of the person who started the job: files made for them use it."""
    return str(job.params.get("language") or settings.LANGUAGE_CODE)


def access_job(*, actor: Any, pk: uuid.UUID | str) -> Job:
    """The actor's own job; anyone else's looks missing, like a missing one."""
    job = Job.objects.filter(pk=pk, owner_id=actor.pk).first()
    if job is None:
        raise NotFound()
    return job


# Progress ----------------------------------------------------------------------------------


class Progress:
    """What a handler calls as it goes: `progress(done, total)`.

    Each report is one small UPDATE of two columns, and at most one per `interval` seconds
    (plus the last one), so a 10 000-row import costs a few dozen writes, not 10 000.

    A report made inside a transaction the handler opened (an import's all-or-nothing write)
    would stay invisible until that transaction commits, so on PostgreSQL it goes through a
    connection of its own that commits at once. SQLite allows one writer at a time: there the
    bar moves while rows are checked and jumps to the end when the write commits.
    """

    def __init__(
        self, job: Job, *, interval: float = 0.5, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.job = job
        self.interval = interval
        self.clock = clock
        self.last_write: float | None = None
        connection = connections[DEFAULT_DB_ALIAS]
        self.base_depth = len(connection.atomic_blocks)
        self.side: BaseDatabaseWrapper | None = None

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        due = self.last_write is None or now - self.last_write >= self.interval
        if not due and done < total:
            return
        self.job.done, self.job.total = done, total
        connection = connections[DEFAULT_DB_ALIAS]
        if len(connection.atomic_blocks) > self.base_depth and connection.vendor != "sqlite":
            self._write_aside(connection, done, total)
        else:
            Job.objects.filter(pk=self.job.pk).update(
                done=done, total=total, heartbeat_at=timezone.now()
            )
        self.last_write = now

    def _write_aside(self, connection: BaseDatabaseWrapper, done: int, total: int) -> None:
        if self.side is None:
            self.side = type(connection)(connection.settings_dict, connection.alias)
        quote = self.side.ops.quote_name
        sql = "UPDATE {} SET {} = %s, {} = %s, {} = %s WHERE {} = %s".format(
            quote(Job._meta.db_table),
            quote("done"),
            quote("total"),
            quote("heartbeat_at"),
            quote("id"),
        )
        pk = Job._meta.get_field("id").get_db_prep_value(self.job.pk, self.side)
        now = Job._meta.get_field("heartbeat_at").get_db_prep_value(timezone.now(), self.side)
        with self.side.cursor() as cursor:
            cursor.execute(sql, [done, total, now, pk])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


# Running -----------------------------------------------------------------------------------


def job_run(job_id: str) -> None:
    """Run a queued job once. A job already running or finished is left alone, so a task
    delivered twice (a worker restart, a retry) does no harm."""
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.select_related("owner").get(pk=job_id)
    found = job_kind_get(job.kind)
    progress = Progress(job)
    # Whatever language a worker (or a request running the job at once) happens to have.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            if found is None:
                raise RuntimeError(f"unknown job kind: {job.kind}")
            result = found.handler(job, progress)
        except GuazhiError as error:
            raw = {"code": error.code, "message": error.message, "detail": error.detail}
            stored = _stored(raw)
            _finish(job, Job.State.FAILED, result=stored, message=stored["message"])
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            # The msgid itself: job_failure translates it for the reader.
            _finish(job, Job.State.FAILED, result={}, message=GENERIC_FAILURE)
        else:
            _finish(job, Job.State.SUCCEEDED, result=result or {}, message="")
        finally:
            progress.close()


def _stored(value: Any) -> Any:
    """`value` as JSON keeps it: messages as Chinese text, and next to a "message" made with
    core.i18n.Message, its "message_source" for translating it when the page is shown."""
    if isinstance(value, dict):
        stored = {str(key): _stored(item) for key, item in value.items()}
        if isinstance(value.get("message"), Message):
            stored["message_source"] = message_source(value["message"])
        return stored
    if isinstance(value, list | tuple):
        return [_stored(item) for item in value]
    if isinstance(value, Message):
        return str(Message(value.msgid, **value.params))  # in the source language, set above
    return json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class JobFailure:
    message: str
    # A refused import's problems: {row, column, message}, the column as the file names it.
    problems: list[dict[str, Any]] | None


def job_failure(job: Job) -> JobFailure:
    """Why a job failed, in the reader's language."""
    message = stored_text(job.message, job.result.get("message_source"))
    problems = None
    if job.result.get("code") == "sheet_invalid" and isinstance(job.result.get("detail"), list):
        problems = [
            {
                "row": problem.get("row"),
                "column": problem.get("column", ""),
                "message": stored_text(problem.get("message", ""), problem.get("message_source")),
            }
            for problem in job.result["detail"]
            if isinstance(problem, dict)
        ]
    return JobFailure(message, problems)


def _finish(job: Job, state: str, *, result: dict[str, Any], message: str) -> None:
    job.state = state
    job.result = result
    job.message = message
    job.finished_at = timezone.now()
    fields = ["state", "result", "message", "finished_at"]
    if state == Job.State.SUCCEEDED and job.total:
        job.done = job.total
        fields.append("done")
    job.save(update_fields=fields)


def job_fail_stale(*, silent_for: dt.timedelta) -> int:
    """Mark failed the running jobs with no sign of life for `silent_for`: their worker died
    (a restart, a killed process), and without this their owners would watch a bar that never
    moves. Returns how many. Run at worker start and periodically (`guazhi jobs_fail_stale`)."""
    cutoff = timezone.now() - silent_for
    with transaction.atomic():
        stale = list(
            Job.objects.select_for_update().filter(state=Job.State.RUNNING, heartbeat_at__lt=cutoff)
        )
        for job in stale:
            _finish(job, Job.State.FAILED, result={}, message=INTERRUPTED)
            audit_record(
                actor=None,
                actor_name="system",
                action="job.interrupted",
                obj=job,
                detail={"kind": job.kind, "heartbeat_at": str(job.heartbeat_at)},
            )
    return len(stale)

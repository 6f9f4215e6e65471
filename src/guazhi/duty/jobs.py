"""The duty app's background job kinds, found by core.jobs when a worker looks them up.

A whole batch's monthly return and leave ledger can run to thousands of people: they are made
by a worker with progress, and the file waits on the job's page for its owner. The job runs
as its owner: the batch and the people are looked up through the owner's scope again, so a
role revoked since the click takes effect.
"""

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guazhi.core.jobs import Progress, job_files_dir, job_kind, job_language
from guazhi.core.models import Job
from guazhi.duty import jobs_remind  # noqa: F401  (the daily reminders' job kind lives there)
from guazhi.duty.exports_attendance import (
    attendance_return_workbook,
    ledger_balances,
    ledger_entries,
    ledger_workbook,
)
from guazhi.duty.periods import month_text
from guazhi.duty.selectors.attendance import (
    attendance_batch_month,
    batch_leave_types,
)
from guazhi.duty.selectors.scope import duty_assignment_queryset
from guazhi.programmes.selectors.scope import BATCH_STAFF_ROLES, access_batch

ATTENDANCE_EXPORT = "duty_attendance_export"
LEDGER_EXPORT = "duty_ledger_export"


def _store(job: Job, content: bytes, filename: str, rows: int) -> dict[str, Any]:
    stored = default_storage.save(f"{job_files_dir(job.pk)}/export.xlsx", ContentFile(content))
    return {"file": stored, "filename": filename, "rows": rows}


@job_kind(ATTENDANCE_EXPORT, label=gettext_lazy("导出考勤月报"), roles=BATCH_STAFF_ROLES)
def attendance_export_job(job: Job, progress: Progress) -> dict[str, Any]:
    actor = job.owner
    batch = access_batch(actor=actor, pk=int(job.params["batch"]))
    month = dt.date.fromisoformat(job.params["month"])
    figures = attendance_batch_month(actor, batch, month)
    progress(0, len(figures))
    with translation.override(job_language(job)):
        units = {row.assignment.host_unit_id for row in figures}
        content = attendance_return_workbook(
            batch=batch,
            unit_name=_("全部接收单位（%(n)s个）") % {"n": len(units)},
            month=month,
            figures=figures,
            leave_types=batch_leave_types(batch),
            progress=progress,
        )
        filename = _("考勤月报_%(batch)s_%(month)s.xlsx") % {
            "batch": batch.name,
            "month": month_text(month),
        }
    return _store(job, content, filename, len(figures))


@job_kind(LEDGER_EXPORT, label=gettext_lazy("导出假期台账"), roles=BATCH_STAFF_ROLES)
def ledger_export_job(job: Job, progress: Progress) -> dict[str, Any]:
    actor = job.owner
    batch = access_batch(actor=actor, pk=int(job.params["batch"]))
    people = (
        duty_assignment_queryset(actor)
        .filter(batch=batch)
        .select_related("cadre", "host_unit")
        .order_by("host_unit__path", "cadre__name_pinyin", "id")
    )
    entries = ledger_entries(people)
    total = entries.count()
    progress(0, total)
    with translation.override(job_language(job)):
        content = ledger_workbook(
            title=_("%(batch)s 假期台账") % {"batch": batch.name},
            entries=entries.iterator(chunk_size=1000),
            balances=ledger_balances(people, batch),
            total=total,
            progress=progress,
        )
        filename = _("假期台账_%(batch)s_%(time)s.xlsx") % {
            "batch": batch.name,
            "time": f"{timezone.localtime():%Y%m%d_%H%M}",
        }
    return _store(job, content, filename, total)

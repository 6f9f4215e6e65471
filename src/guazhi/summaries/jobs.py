"""The summaries app's background job kinds, found by core.jobs when a worker looks them up.

A batch's summaries leave as one zip of Word files (one .docx per summary), made by a worker
with progress, the file waiting on the job's page for its owner. The job runs as its owner:
the batch and the summaries are looked up through the owner's scope again, so a role revoked
since the click takes effect.
"""

import tempfile
import zipfile
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from guazhi.core.documents import unique_entry_name
from guazhi.core.errors import ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.jobs import Progress, job_files_dir, job_kind, job_language
from guazhi.core.models import Job
from guazhi.programmes.selectors.scope import BATCH_STAFF_ROLES, access_batch
from guazhi.summaries.documents import safe_filename, summary_docx_bytes, summary_filename
from guazhi.summaries.models import Summary
from guazhi.summaries.selectors.exports import summaries_for_export

SUMMARIES_EXPORT = "summaries_export"
# Summaries are read from the database this many at a time (with their sections).
CHUNK = 100


def zip_entry_name(summary: Summary, taken: set[str]) -> str:
    """The file's name in the zip: a second 张三 gets his host unit added, and a number beyond
    that (core.documents.unique_entry_name)."""
    return unique_entry_name(summary_filename(summary), summary.assignment.host_unit.name, taken)


@job_kind(SUMMARIES_EXPORT, label=gettext_lazy("导出挂职总结（Word）"), roles=BATCH_STAFF_ROLES)
def summaries_export_job(job: Job, progress: Progress) -> dict[str, Any]:
    actor = job.owner
    batch = access_batch(actor=actor, pk=int(job.params["batch"]))
    summaries = summaries_for_export(
        actor=actor,
        batch=batch,
        state=str(job.params.get("state", "")),
        kind=str(job.params.get("kind", "")),
    )
    total = summaries.count()
    if not total:
        raise ValidationFailed(Message(gettext_noop("没有符合条件的挂职总结可以导出。")))
    progress(0, total)
    taken: set[str] = set()
    # On disk, not in memory: a batch of a thousand summaries makes a zip of tens of megabytes.
    with tempfile.TemporaryFile() as spool:
        with (
            translation.override(job_language(job)),
            zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for done, summary in enumerate(summaries.iterator(chunk_size=CHUNK), start=1):
                archive.writestr(zip_entry_name(summary, taken), summary_docx_bytes(summary))
                progress(done, total)
            filename = _("挂职总结_%(batch)s_%(time)s.zip") % {
                "batch": safe_filename(batch.name),
                "time": f"{timezone.localtime():%Y%m%d_%H%M}",
            }
        spool.seek(0)
        stored = default_storage.save(f"{job_files_dir(job.pk)}/summaries.zip", File(spool))
    return {"file": stored, "filename": filename, "rows": total}

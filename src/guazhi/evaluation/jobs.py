"""The evaluation app's background job kinds, found by core.jobs when a worker looks them up
(and imported when the app is ready: see apps.py).

A round's forms leave as one zip of Word files, one form per person, made by a worker with
progress, the file waiting on the job's page for its owner. The job runs as its owner: the
round is looked up through the owner's scope again (a coordinator over its batch), so a role
revoked since the click takes effect.
"""

import tempfile
import zipfile
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from guazhi.core.documents import safe_filename, unique_entry_name
from guazhi.core.errors import ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.jobs import Progress, job_files_dir, job_kind, job_language
from guazhi.core.models import Job
from guazhi.evaluation.documents import (
    FormKind,
    form_bytes,
    form_facts,
    form_filename,
    form_kind_label,
)
from guazhi.evaluation.models import Evaluee
from guazhi.evaluation.selectors.forms import form_evaluees
from guazhi.evaluation.selectors.scope import access_round
from guazhi.orgs.models import Role

EVALUATION_FORMS = "evaluation_forms"
# People are read (and their forms' texts loaded) this many at a time.
CHUNK = 100


def zip_entry_name(evaluee: Evaluee, kind: str, taken: set[str]) -> str:
    """The file's name in the zip: a second 张三 gets his host unit added, and a number beyond
    that (core.documents.unique_entry_name)."""
    return unique_entry_name(form_filename(evaluee, kind), evaluee.assignment.host_unit.name, taken)


@job_kind(EVALUATION_FORMS, label=gettext_lazy("导出考核表（Word）"), roles=(Role.COORDINATOR,))
def evaluation_forms_job(job: Job, progress: Progress) -> dict[str, Any]:
    actor = job.owner
    round = access_round(actor=actor, pk=int(job.params["round"]), manage=True)
    kind = str(job.params.get("form", FormKind.ANNUAL))
    if kind not in FormKind.ALL:
        kind = FormKind.ANNUAL
    people = list(form_evaluees(actor=actor, round=round))
    total = len(people)
    if not total:
        raise ValidationFailed(Message(gettext_noop("该考核没有考核对象，没有可以导出的考核表。")))
    progress(0, total)
    taken: set[str] = set()
    # On disk, not in memory: a round of a thousand people makes a zip of tens of megabytes.
    with tempfile.TemporaryFile() as spool:
        with (
            translation.override(job_language(job)),
            zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for start in range(0, total, CHUNK):
                chunk = people[start : start + CHUNK]
                facts = form_facts(chunk)
                for done, evaluee in enumerate(chunk, start=start + 1):
                    # Stored, not deflated again: a .docx is a zip already.
                    archive.writestr(
                        zip_entry_name(evaluee, kind, taken),
                        form_bytes(evaluee, kind, facts=facts[evaluee.pk]),
                        compress_type=zipfile.ZIP_STORED,
                    )
                    progress(done, total)
            filename = _("%(form)s_%(round)s_%(time)s.zip") % {
                "form": form_kind_label(kind),
                "round": safe_filename(round.name),
                "time": f"{timezone.localtime():%Y%m%d_%H%M}",
            }
        spool.seek(0)
        stored = default_storage.save(f"{job_files_dir(job.pk)}/forms.zip", File(spool))
    return {"file": stored, "filename": filename, "rows": total}

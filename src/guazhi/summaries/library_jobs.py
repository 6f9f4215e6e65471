"""The experience library's background job: importing a lot of documents (library_import).

The view keeps the uploaded files under the job's own folder of storage and starts the job with
their stored names; the worker reads them, runs services.library_import as the job's owner (the
owner's rights are checked again, so a role revoked since the click takes effect) and removes the
files whatever the outcome. Registered when this module is imported: by the library services,
and by the worker through the summaries app.
"""

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy

from guazhi.core.jobs import Progress, job_kind, job_start
from guazhi.core.models import Job

LIBRARY_IMPORT = "library_import"
UPLOAD_DIR = "jobs/library_import"


def library_import_start(
    *,
    actor: Any,
    files: list[UploadedFile],
    year: int,
    host_unit_kind: str,
    owner_org_id: int,
    to_simplified_chinese: bool,
) -> Job:
    """Keep the files and start the import job; returns the job (its page shows the bar)."""
    folder = f"{UPLOAD_DIR}/{uuid.uuid4().hex}"
    stored = []
    for number, upload in enumerate(files, 1):
        path = default_storage.save(f"{folder}/{number}.bin", ContentFile(upload.read()))
        stored.append({"path": path, "name": (upload.name or "")[:200]})
    return job_start(
        actor=actor,
        kind=LIBRARY_IMPORT,
        params={
            "files": stored,
            "year": year,
            "host_unit_kind": host_unit_kind,
            "owner_org": owner_org_id,
            "t2s": to_simplified_chinese,
            "upload_name": "、".join(item["name"] for item in stored)[:200],
        },
    )


@job_kind(LIBRARY_IMPORT, label=gettext_lazy("导入经验库文档"))
def library_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    from guazhi.orgs.models import Organisation
    from guazhi.summaries.services.library_import import ImportFile, library_import

    params = job.params
    try:
        files = []
        for item in params["files"]:
            with default_storage.open(item["path"], "rb") as handle:
                files.append(ImportFile(name=item["name"], data=handle.read()))
        owner_org = Organisation.objects.get(pk=params["owner_org"])
        documents = library_import(
            actor=job.owner,
            files=files,
            year=int(params["year"]),
            host_unit_kind=params.get("host_unit_kind", ""),
            owner_org=owner_org,
            to_simplified_chinese=bool(params.get("t2s")),
            progress=progress,
        )
    finally:
        for item in params["files"]:
            if default_storage.exists(item["path"]):
                default_storage.delete(item["path"])
    # "created"/"updated"/"unchanged" are what the job page reports for an import.
    return {
        "created": len(documents),
        "updated": 0,
        "unchanged": 0,
        "documents": [document.pk for document in documents],
    }

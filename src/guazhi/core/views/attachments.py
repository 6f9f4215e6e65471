"""Downloading an attachment: whoever may read its record gets the file, as a download."""

from collections.abc import Iterator

from django.core.files.storage import Storage
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase

from guazhi.core.attachments import access_attachment, download_name
from guazhi.core.audit import audit_record
from guazhi.core.errors import NotFound
from guazhi.core.spreadsheets import attachment_header
from guazhi.orgs.access import ANY_ROLE, acting_user, roles_required


@roles_required(ANY_ROLE)
def attachment_download(request: HttpRequest, attachment_pk: int) -> HttpResponseBase:
    actor = acting_user(request)
    attachment = access_attachment(actor=actor, pk=attachment_pk)
    storage, stored = attachment.file.storage, attachment.file.name
    if not stored or not storage.exists(stored):  # the row outlived its file: answer as for
        raise NotFound()  # any record that is not there
    name = download_name(attachment)
    # Files may be personal (a sick note): who took a copy is what an auditor asks about.
    audit_record(
        actor=actor,
        action="attachment.download",
        obj=attachment,
        detail={"name": name, "sha256": attachment.sha256},
    )
    # Always a download, typed by what the content was found to be when stored, and with
    # nosniff: a browser never renders an uploaded file inside the application's origin.
    response = StreamingHttpResponse(_chunks(storage, stored), content_type=attachment.mime_type)
    response["Content-Length"] = str(attachment.size)
    response["Content-Disposition"] = attachment_header(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


CHUNK = 64 * 1024


def _chunks(storage: Storage, name: str) -> Iterator[bytes]:
    """The file in pieces, opened only once the server starts sending and closed when it stops
    (a client that goes away never leaves a file handle open)."""
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk

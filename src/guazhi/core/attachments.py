"""Files attached to any record: stored by their content, read only through their record.

How another app uses it (training materials today; sick notes and work-log photos later):

    from guazhi.core.attachments import attachment_store, attachments_of, register_attachment_access

    # once, at import of the app's selectors: who may read files attached to a SickNote
    register_attachment_access(SickNote, lambda actor, note: can_see_leave(actor, note.leave))

    # in the app's service, after its own permission check, inside its transaction
    attachment = attachment_store(actor=actor, owner=note, upload=request.FILES["file"])

    # on the record's page (already access-checked): the files to list, each linking to
    # url('core:attachment_download', attachment_pk=a.pk)
    files = attachments_of(note)

The type is decided from the first bytes and, for Office files, from the inside of the file:
never from the name or the content type the browser sent, which anyone can set. What is not one
of the known types is refused, so a program renamed "通知.pdf" never reaches a colleague.
Downloads ask the owner model's registered check; a model nobody registered has no readable
attachments, and missing and forbidden answer the same NotFound.
"""

import hashlib
import io
import re
import struct
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guazhi.core.audit import audit_record
from guazhi.core.errors import NotFound, ValidationFailed
from guazhi.core.models import Attachment

# Overridable per deployment (settings.ATTACHMENT_MAX_BYTES); a scanned document fits easily.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
NAME_MAX = 200


@dataclass(frozen=True)
class FileKind:
    mime_type: str
    extension: str
    label: str | Promise


PDF = FileKind("application/pdf", ".pdf", gettext_lazy("PDF 文档"))
PNG = FileKind("image/png", ".png", gettext_lazy("PNG 图片"))
JPEG = FileKind("image/jpeg", ".jpg", gettext_lazy("JPEG 图片"))
GIF = FileKind("image/gif", ".gif", gettext_lazy("GIF 图片"))
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    gettext_lazy("Word 文档"),
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    gettext_lazy("Excel 表格"),
)
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".pptx",
    gettext_lazy("PowerPoint 演示文稿"),
)
DOC = FileKind("application/msword", ".doc", gettext_lazy("Word 文档（旧版）"))
XLS = FileKind("application/vnd.ms-excel", ".xls", gettext_lazy("Excel 表格（旧版）"))
PPT = FileKind("application/vnd.ms-powerpoint", ".ppt", gettext_lazy("PowerPoint 演示文稿（旧版）"))
TEXT = FileKind("text/plain", ".txt", gettext_lazy("文本文件"))

KINDS = (PDF, PNG, JPEG, GIF, DOCX, XLSX, PPTX, DOC, XLS, PPT, TEXT)
KIND_BY_MIME = {kind.mime_type: kind for kind in KINDS}
# Other names people give the same kind of file; the download name keeps any of them.
EXTENSION_ALIASES = {".jpeg": JPEG, ".jpe": JPEG, ".text": TEXT, ".log": TEXT, ".csv": TEXT}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The main part each Office Open XML kind must contain (and the Content_Types manifest).
OOXML_PARTS = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)
# The stream that makes a compound file a Word, Excel or PowerPoint file.
OLE_STREAMS = (
    ("WordDocument", DOC),
    ("Workbook", XLS),
    ("Book", XLS),
    ("PowerPoint Document", PPT),
)
# Text files: tab, line breaks and form feed are text; other control characters are not.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def kind_of(mime_type: str) -> FileKind | None:
    return KIND_BY_MIME.get(mime_type)


def sniff(data: bytes) -> FileKind | None:
    """The kind of file `data` is, read from its content; None for anything not accepted."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data.startswith(b"PK\x03\x04"):
        return _sniff_ooxml(data)
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data)
    return _sniff_text(data)


def _sniff_ooxml(data: bytes) -> FileKind | None:
    """A zip is accepted only as a Word, Excel or PowerPoint file, and never with macros: a
    macro-enabled document is a program, whatever its name says. Only names are read, not the
    parts' contents, so a zip bomb costs nothing."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names or any(
        name.lower().endswith("vbaproject.bin") for name in names
    ):
        return None
    for part, kind in OOXML_PARTS:
        if part in names:
            return kind
    return None


def _sniff_ole(data: bytes) -> FileKind | None:
    """Word 97–2003, Excel and PowerPoint files are OLE compound files: tell them apart by the
    streams their directory names."""
    try:
        names = _ole_stream_names(data)
    except (struct.error, ValueError, IndexError):
        return None
    for stream, kind in OLE_STREAMS:
        if stream in names:
            return kind
    return None


FREE_SECTOR, END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE


def _ole_stream_names(data: bytes) -> set[str]:
    """The names in a compound file's directory (MS-CFB): header → FAT → directory chain."""
    sector_shift = struct.unpack_from("<H", data, 30)[0]
    if sector_shift not in (9, 12):
        raise ValueError("sector size")
    size = 1 << sector_shift
    fat_count, first_dir = struct.unpack_from("<II", data, 44)
    first_difat, difat_count = struct.unpack_from("<II", data, 68)

    def sector(number: int) -> bytes:
        start = (number + 1) * size
        if number >= 0xFFFFFFFA or start + size > len(data):
            raise ValueError("sector outside the file")
        return data[start : start + size]

    fat_sectors = [n for n in struct.unpack_from("<109I", data, 76) if n != FREE_SECTOR]
    next_difat, seen = first_difat, 0
    while next_difat not in (END_OF_CHAIN, FREE_SECTOR) and seen < difat_count:
        entries = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_sectors += [n for n in entries[:-1] if n != FREE_SECTOR]
        next_difat, seen = entries[-1], seen + 1
    fat: list[int] = []
    for number in fat_sectors[:fat_count]:
        fat += struct.unpack(f"<{size // 4}I", sector(number))
    names: set[str] = set()
    current, steps = first_dir, 0
    # A malformed chain may loop; a directory longer than the file has sectors cannot be real.
    while current != END_OF_CHAIN and steps <= len(data) // size:
        block = sector(current)
        for offset in range(0, size, 128):
            length = struct.unpack_from("<H", block, offset + 64)[0]
            if 2 <= length <= 64:
                names.add(block[offset : offset + length - 2].decode("utf-16-le", "replace"))
        current, steps = fat[current], steps + 1
    return names


def _sniff_text(data: bytes) -> FileKind | None:
    if not data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return None if CONTROL.search(text) else TEXT


def clean_name(name: str) -> str:
    """The name as people see it: no folders (browsers on Windows send C:\\…), no control
    characters, at most NAME_MAX characters with the extension kept."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = CONTROL.sub("", name).replace("\r", "").replace("\n", "").strip().strip(".")
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        keep = NAME_MAX - len(extension) - 1
        name = f"{stem[:keep]}.{extension}" if dot and keep > 0 else name[:NAME_MAX]
    return name


def download_name(attachment: Attachment) -> str:
    """The original name, its extension corrected when it disagrees with the content (a PDF
    sent as "扫描件.jpg" downloads as "扫描件.pdf"), so the reader's computer opens it right."""
    kind = kind_of(attachment.mime_type)
    name = attachment.name or "attachment"
    if kind is None:
        return name
    stem, dot, extension = name.rpartition(".")
    extension = f".{extension.lower()}" if dot else ""
    if extension == kind.extension or EXTENSION_ALIASES.get(extension) == kind:
        return name
    return f"{stem if dot else name}{kind.extension}"


def max_attachment_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_text(size: int) -> str:
    """A byte count as people write it: 20 MB, 512 KB, 100 B."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.0f} MB"
    return f"{size // 1024} KB" if size >= 1024 else f"{size} B"


@transaction.atomic
def attachment_store(
    *, actor: Any, owner: models.Model, upload: Any, max_bytes: int | None = None
) -> Attachment:
    """Store `upload` (a Django UploadedFile, or any file object with .name) on `owner`.

    The caller has checked that `actor` may attach files to `owner`. Refuses, naming the file,
    an empty or oversized file and any type not in KINDS. The file goes under MEDIA_ROOT with a
    generated name (the original is kept only as the record's `name`), so no name a person
    chose ever becomes a path on the server.
    """
    limit = max_attachment_bytes() if max_bytes is None else max_bytes
    name = clean_name(getattr(upload, "name", "") or "")
    shown = name or _("（未命名）")
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:  # refused before reading it into memory
        raise _too_big(shown, limit)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_big(shown, limit)
    if not data:
        message = _("文件“%(name)s”是空文件。") % {"name": shown}
        raise ValidationFailed(message, detail={"file": message})
    kind = sniff(data)
    if kind is None:
        message = _(
            "文件“%(name)s”的类型不受支持：只接受 PDF、Word、Excel、PowerPoint、图片（PNG、JPEG、GIF）和纯文本文件。"
        ) % {"name": shown}
        raise ValidationFailed(message, detail={"file": message})
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(owner),
        object_id=owner.pk,
        name=name or f"attachment{kind.extension}",
        size=len(data),
        mime_type=kind.mime_type,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # Saved before the row: a rolled-back transaction leaves an orphan file under a random
    # name, which nothing links to; the reverse would leave a row pointing at nothing.
    attachment.file.save(f"{uuid.uuid4().hex}{kind.extension}", ContentFile(data), save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="attachment.create",
        obj=attachment,
        detail={
            "owner": f"{owner._meta.label_lower}:{owner.pk}",
            "name": attachment.name,
            "kind": kind.mime_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
    )
    return attachment


def _too_big(name: str, limit: int) -> ValidationFailed:
    message = _("文件“%(name)s”超过 %(limit)s，不能上传。") % {
        "name": name,
        "limit": size_text(limit),
    }
    return ValidationFailed(message, detail={"file": message})


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    """Remove a file from its record. The caller checks that `actor` may change the owner.
    The stored file is removed after commit, so a rollback keeps both."""
    attachment = Attachment.objects.select_for_update(of=("self",)).get(pk=attachment.pk)
    audit_record(
        actor=actor,
        action="attachment.delete",
        obj=attachment,
        detail={
            "owner": f"{attachment.content_type.model}:{attachment.object_id}",
            "name": attachment.name,
            "sha256": attachment.sha256,
        },
    )
    stored, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


# Reading ---------------------------------------------------------------------------------

AccessCheck = Callable[[Any, Any], bool]
_ACCESS: dict[type[models.Model], AccessCheck] = {}


def register_attachment_access(model: type[models.Model], check: AccessCheck) -> None:
    """Say who may read files attached to rows of `model`: check(actor, owner) -> bool.

    Register at import of the app's selectors (the URL configuration imports them before any
    download is served). Registering a model twice replaces the check.
    """
    _ACCESS[model] = check


def attachments_of(owner: models.Model) -> QuerySet[Attachment]:
    """The files of a record the caller has already shown the actor, oldest first."""
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(owner), object_id=owner.pk
    ).select_related("uploaded_by")


def access_attachment(*, actor: Any, pk: int) -> Attachment:
    """The attachment if the actor may read its record; NotFound for missing and forbidden,
    and for files of a model no app registered a check for."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if attachment is None:
        raise NotFound()
    model = attachment.content_type.model_class()
    check = _ACCESS.get(model) if model is not None else None
    if check is None or model is None:
        raise NotFound()
    owner = model._default_manager.filter(pk=attachment.object_id).first()
    if owner is None or not check(actor, owner):
        raise NotFound()
    return attachment

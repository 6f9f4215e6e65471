"""Attachments: the type read from the content, refusals that name the file, the download."""

import hashlib
import io
import struct
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import Workbook

from guazhi.core import attachments
from guazhi.core.attachments import attachment_delete, attachment_store, download_name
from guazhi.core.errors import NotFound, ValidationFailed
from guazhi.core.models import Attachment, AuditEvent
from guazhi.orgs.models import Organisation

PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
GIF_BYTES = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 10
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50 + b"PE\x00\x00"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def readable_units(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Files on units, readable by whoever's name the test puts in `readers`."""
    readers: set[str] = set()
    monkeypatch.setitem(
        attachments._ACCESS, Organisation, lambda actor, unit: actor.username in readers
    )
    return readers


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):  # type: ignore[no-untyped-def]
    return SimpleUploadedFile(name, data, content_type=content_type)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("岗前培训讲义")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def zip_bytes(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def compound_file(stream: str) -> bytes:
    """A minimal OLE compound file (MS-CFB, 512-byte sectors): sector 0 holds the FAT, sector 1
    the directory with the root entry and one stream named `stream`."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = attachments.OLE_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 44, 1, 1, 0)  # one FAT sector; directory at sector 1
    struct.pack_into("<IIIII", header, 56, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))

    def entry(name: str, kind: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HB", raw, 64, len(encoded), kind)
        return bytes(raw)

    directory = entry("Root Entry", 5) + entry(stream, 2) + bytes(256)
    return bytes(header) + fat + directory


# What a file is: its content decides -------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "mime_type"),
    [
        (PDF_BYTES, "application/pdf"),
        (PNG_BYTES, "image/png"),
        (JPEG_BYTES, "image/jpeg"),
        (GIF_BYTES, "image/gif"),
        (docx_bytes(), attachments.DOCX.mime_type),
        (xlsx_bytes(), attachments.XLSX.mime_type),
        (zip_bytes(["[Content_Types].xml", "ppt/presentation.xml"]), attachments.PPTX.mime_type),
        (compound_file("WordDocument"), "application/msword"),
        (compound_file("Workbook"), "application/vnd.ms-excel"),
        (compound_file("PowerPoint Document"), "application/vnd.ms-powerpoint"),
        ("培训须知：请准时参加。\n".encode(), "text/plain"),
    ],
    ids=["pdf", "png", "jpeg", "gif", "docx", "xlsx", "pptx", "doc", "xls", "ppt", "text"],
)
def test_each_accepted_kind_is_recognised_by_its_content(data: bytes, mime_type: str) -> None:
    kind = attachments.sniff(data)
    assert kind is not None and kind.mime_type == mime_type


@pytest.mark.parametrize(
    "data",
    [
        EXE_BYTES,
        zip_bytes(["readme.txt"]),  # a zip that is not an Office file
        zip_bytes(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"]),  # macros
        compound_file("Contents"),  # a compound file of some other program
        attachments.OLE_MAGIC + b"\x00" * 40,  # a broken compound file
        b"\x00\x01\x02binary",
        "文字".encode("gbk"),  # not UTF-8
        b"",
    ],
    ids=["exe", "plain-zip", "macro-document", "other-ole", "broken-ole", "binary", "gbk", "empty"],
)
def test_anything_else_is_not_recognised(data: bytes) -> None:
    assert attachments.sniff(data) is None


def test_a_pdf_named_jpg_is_stored_as_a_pdf_and_downloads_as_one(world, readable_units) -> None:  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    stored = attachment_store(
        actor=coordinator,
        owner=world.township_a,
        upload=upload("扫描件.jpg", PDF_BYTES, content_type="image/jpeg"),
    )
    stored.refresh_from_db()
    assert (stored.name, stored.mime_type, stored.size) == (
        "扫描件.jpg",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert stored.owner == world.township_a and stored.uploaded_by == coordinator
    # Stored under a generated name: nothing the uploader typed becomes a path on the server.
    assert stored.file.name.startswith("attachments/") and stored.file.name.endswith(".pdf")
    assert "扫描件" not in stored.file.name
    with default_storage.open(stored.file.name, "rb") as handle:
        assert handle.read() == PDF_BYTES
    assert download_name(stored) == "扫描件.pdf"
    event = AuditEvent.objects.get(action="attachment.create")
    assert (event.actor, event.object_id) == (coordinator, str(stored.pk))
    assert event.detail == {
        "owner": f"orgs.organisation:{world.township_a.pk}",
        "name": "扫描件.jpg",
        "kind": "application/pdf",
        "size": len(PDF_BYTES),
        "sha256": hashlib.sha256(PDF_BYTES).hexdigest(),
    }


@pytest.mark.parametrize(
    ("name", "data", "max_bytes", "message"),
    [
        (
            "通知.pdf",
            EXE_BYTES,
            None,
            "文件“通知.pdf”的类型不受支持：只接受 PDF、Word、Excel、PowerPoint、图片（PNG、JPEG、GIF）和纯文本文件。",
        ),
        ("空白.txt", b"", None, "文件“空白.txt”是空文件。"),
        ("大文件.pdf", PDF_BYTES, 20, "文件“大文件.pdf”超过 20 B，不能上传。"),
        ("扫描件.pdf", PDF_BYTES + b"x" * 2048, 2048, "文件“扫描件.pdf”超过 2 KB，不能上传。"),
    ],
    ids=["exe-renamed-pdf", "empty", "over-a-tiny-limit", "over-the-limit"],
)
def test_refused_files_are_named_and_leave_nothing_behind(  # type: ignore[no-untyped-def]
    world, _media: Path, name: str, data: bytes, max_bytes: int | None, message: str
):
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        attachment_store(
            actor=world.users["coordinator"],
            owner=world.township_a,
            upload=upload(name, data),
            max_bytes=max_bytes,
        )
    assert refused.value.message == message
    assert refused.value.detail == {"file": message}
    assert Attachment.objects.count() == 0
    assert AuditEvent.objects.count() == audits
    assert not _media.exists() or not any(path.is_file() for path in _media.rglob("*"))


def test_the_limit_defaults_to_20_mb_and_follows_the_setting(settings) -> None:  # type: ignore[no-untyped-def]
    assert attachments.max_attachment_bytes() == 20 * 1024 * 1024
    settings.ATTACHMENT_MAX_BYTES = 1024
    assert attachments.max_attachment_bytes() == 1024


def test_names_lose_folders_and_control_characters_and_keep_their_extension() -> None:
    assert attachments.clean_name("C:\\Users\\王\\Desktop\\讲义.docx") == "讲义.docx"
    assert attachments.clean_name("../../etc/passwd") == "passwd"
    assert attachments.clean_name("报告\x00\x1b.pdf") == "报告.pdf"
    long = attachments.clean_name("长" * 300 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")


def test_download_names_keep_a_matching_or_alias_extension() -> None:
    def named(name: str, mime_type: str) -> str:
        return download_name(Attachment(name=name, mime_type=mime_type))

    assert named("照片.JPEG", "image/jpeg") == "照片.JPEG"
    assert named("讲义.docx", attachments.DOCX.mime_type) == "讲义.docx"
    assert named("无扩展名", "application/pdf") == "无扩展名.pdf"
    assert named("页面.html", "text/plain") == "页面.txt"


def test_deleting_removes_the_row_and_after_commit_the_file(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
):
    stored = attachment_store(
        actor=world.users["coordinator"], owner=world.township_a, upload=upload("a.pdf", PDF_BYTES)
    )
    name = stored.file.name
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=world.users["coordinator"], attachment=stored)
    assert not Attachment.objects.filter(pk=stored.pk).exists()
    assert not default_storage.exists(name)
    assert AuditEvent.objects.filter(action="attachment.delete", object_id=str(stored.pk)).exists()


# Reading: through the owner's registered check ------------------------------------------


def test_access_follows_the_owner_models_check_and_hides_what_it_refuses(world, readable_units):  # type: ignore[no-untyped-def]
    stored = attachment_store(
        actor=world.users["admin"], owner=world.township_a, upload=upload("a.pdf", PDF_BYTES)
    )
    readable_units.add("host")
    assert attachments.access_attachment(actor=world.users["host_leader"], pk=stored.pk) == stored
    for pk in (stored.pk, stored.pk + 1000):  # refused and missing answer the same
        with pytest.raises(NotFound):
            attachments.access_attachment(actor=world.users["cadre"], pk=pk)


def test_files_of_a_model_nobody_registered_are_not_readable(world) -> None:  # type: ignore[no-untyped-def]
    stored = attachment_store(
        actor=world.users["admin"], owner=world.township_a, upload=upload("a.pdf", PDF_BYTES)
    )
    with pytest.raises(NotFound):
        attachments.access_attachment(actor=world.users["admin"], pk=stored.pk)


def test_the_download_is_an_attachment_typed_by_content_with_its_chinese_name(  # type: ignore[no-untyped-def]
    world, client, readable_units
):
    stored = attachment_store(
        actor=world.users["admin"],
        owner=world.township_a,
        upload=upload("白鹿镇 情况介绍.jpg", PDF_BYTES),
    )
    readable_units.add("host")
    client.force_login(world.users["host_leader"])
    response = client.get(reverse("core:attachment_download", kwargs={"attachment_pk": stored.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert response["Content-Disposition"] == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''"
        + quote("白鹿镇 情况介绍.pdf", safe="")
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="attachment.download")
    assert (event.actor, event.object_id) == (world.users["host_leader"], str(stored.pk))


def test_a_download_outside_the_check_or_of_a_lost_file_is_not_found(  # type: ignore[no-untyped-def]
    world, client, readable_units
):
    stored = attachment_store(
        actor=world.users["admin"], owner=world.township_a, upload=upload("a.pdf", PDF_BYTES)
    )
    url = reverse("core:attachment_download", kwargs={"attachment_pk": stored.pk})
    client.force_login(world.users["cadre"])
    assert client.get(url).status_code == 404
    readable_units.add("cadre")
    default_storage.delete(stored.file.name)
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="attachment.download").exists()

"""Bulk import into the experience library: .docx, .txt and .md read into a title and sections,
Traditional converted on request, published at once by the importing coordinator, all or
nothing per upload; through the page, a background job with its progress.
"""

import io
import zipfile
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx.shared import Pt

from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.core.models import AuditEvent, Job
from guazhi.summaries import search
from guazhi.summaries.models import LibraryDocument, LibraryKeyword, LibrarySource, LibraryState
from guazhi.summaries.services.library_import import (
    ImportFile,
    library_import,
    parse_file,
)
from tests.pages import as_user, page


def word_file() -> bytes:
    """A summary as offices write it: a Title, Heading 1 sections, a bold short line as a
    sub-heading, a 一、 line typed as plain text, and a table."""
    document = docx.Document()
    document.add_paragraph("驻村一年的几点体会", style="Title")
    document.add_paragraph("一、基本情况", style="Heading 1")
    document.add_paragraph("2023年3月，我到青山村担任第一书记。")
    heading = document.add_paragraph()
    run = heading.add_run("发展产业")
    run.bold = True
    run.font.size = Pt(16)
    document.add_paragraph("成立茶叶合作社，带动农户增收。")
    document.add_paragraph("二、心得体会")
    document.add_paragraph("扎根基层，才能把政策落到实处。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "茶叶产值"
    table.rows[0].cells[1].text = "300万元"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def damaged_word_file(how: str) -> bytes:
    """word_file() damaged as files arrive from old disks and mail: `broken_xml`, a valid zip
    whose document.xml is cut off; `bad_crc`, a zip whose stored document.xml has a byte
    changed (its checksum no longer matches); `wrong_styles`, well-formed XML that is not what
    Word writes."""
    source = zipfile.ZipFile(io.BytesIO(word_file()))
    replaced = {
        "broken_xml": ("word/document.xml", b"<w:document><w:body"),
        "wrong_styles": ("word/styles.xml", b"<styles/>"),
    }.get(how)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as target:
        for name in source.namelist():
            data = source.read(name)
            if replaced is not None and name == replaced[0]:
                data = replaced[1]
            target.writestr(name, data)
    damaged = bytearray(buffer.getvalue())
    if how == "bad_crc":
        at = damaged.index(b"<w:body>")
        damaged[at + 3] = ord("X")
    return bytes(damaged)


TEXT = "社区治理经验谈\n\n一、背景\n老旧小区多，矛盾纠纷多。\n二、做法\n建立网格化管理机制，\n化解矛盾纠纷36件。\n"
MARKDOWN = "# 招商引资的实践\n\n导语：一年来的探索。\n\n## 一、思路\n\n**盯住**龙头企业。\n\n## 二、成效\n\n引进项目2个。\n"
TRADITIONAL = "鄉村振興工作總結\n一、發展產業\n推動茶葉合作社發展，帶動農戶增收。\n"


def test_a_word_file_is_read_into_title_and_sections() -> None:
    parsed = parse_file(ImportFile("体会.docx", word_file()))

    assert parsed.title == "驻村一年的几点体会"
    assert parsed.sections == [
        {"heading": "一、基本情况", "body": "2023年3月，我到青山村担任第一书记。"},
        {"heading": "发展产业", "body": "成立茶叶合作社，带动农户增收。"},
        {"heading": "二、心得体会", "body": "扎根基层，才能把政策落到实处。\n茶叶产值　300万元"},
    ]


def test_a_text_file_is_read_by_its_numbered_lines() -> None:
    parsed = parse_file(ImportFile("社区.txt", TEXT.encode()))

    assert parsed.title == "社区治理经验谈"
    assert parsed.sections == [
        {"heading": "一、背景", "body": "老旧小区多，矛盾纠纷多。"},
        {"heading": "二、做法", "body": "建立网格化管理机制，\n化解矛盾纠纷36件。"},
    ]


def test_a_markdown_file_is_read_by_its_headings() -> None:
    parsed = parse_file(ImportFile("招商.md", MARKDOWN.encode()))

    assert parsed.title == "招商引资的实践"
    assert parsed.sections == [
        {"heading": "", "body": "导语：一年来的探索。"},
        {"heading": "一、思路", "body": "盯住龙头企业。"},
        {"heading": "二、成效", "body": "引进项目2个。"},
    ]


def test_a_text_saved_by_chinese_windows_is_read_and_a_file_without_title_takes_its_name() -> None:
    parsed = parse_file(ImportFile("老区经验.txt", "一、做法\n走访农户。".encode("gb18030")))

    assert parsed.title == "老区经验"
    assert parsed.sections == [{"heading": "一、做法", "body": "走访农户。"}]


def test_the_content_decides_the_type_not_the_name() -> None:
    parsed = parse_file(ImportFile("其实是Word.txt", word_file()))

    assert parsed.title == "驻村一年的几点体会"


def lot(world: Any, files: list[ImportFile], **kwargs: Any) -> list[LibraryDocument]:
    arguments = {
        "actor": world.users["coordinator"],
        "files": files,
        "year": 2023,
        "host_unit_kind": "village",
        "owner_org": world.district_a,
        **kwargs,
    }
    return library_import(**arguments)


def test_an_upload_is_published_at_once_with_keywords(world: Any) -> None:
    steps: list[tuple[int, int]] = []

    documents = lot(
        world,
        [
            ImportFile("体会.docx", word_file()),
            ImportFile("社区.txt", TEXT.encode()),
            ImportFile("招商.md", MARKDOWN.encode()),
        ],
        progress=lambda done, total: steps.append((done, total)),
    )

    assert [d.title for d in documents] == [
        "驻村一年的几点体会",
        "社区治理经验谈",
        "招商引资的实践",
    ]
    for document in documents:
        fresh = LibraryDocument.objects.get(pk=document.pk)
        assert fresh.state == LibraryState.PUBLISHED
        assert fresh.source == LibrarySource.IMPORT
        assert fresh.owner_org == world.district_a
        assert (fresh.year, fresh.host_unit_kind) == (2023, "village")
        assert fresh.published_by == world.users["coordinator"]
        assert fresh.published_at is not None
    assert steps == [(n, 6) for n in range(7)]
    assert "合作社" in LibraryKeyword.objects.filter(document=documents[0]).values_list(
        "keyword", flat=True
    )
    assert (
        search.search_documents("网格化", documents=LibraryDocument.objects.published()).total == 1
    )
    assert list(
        AuditEvent.objects.filter(action="library.import")
        .order_by("id")
        .values_list("detail__file", flat=True)
    ) == ["体会.docx", "社区.txt", "招商.md"]


def test_traditional_text_is_converted_on_request(world: Any) -> None:
    (document,) = lot(
        world, [ImportFile("振興.txt", TRADITIONAL.encode())], to_simplified_chinese=True
    )

    assert document.title == "乡村振兴工作总结"
    assert document.sections == [
        {"heading": "一、发展产业", "body": "推动茶叶合作社发展，带动农户增收。"}
    ]


def test_traditional_text_stays_as_written_unless_asked(world: Any) -> None:
    (document,) = lot(world, [ImportFile("振興.txt", TRADITIONAL.encode())])

    assert document.title == "鄉村振興工作總結"


def test_one_unreadable_file_refuses_the_whole_upload_naming_each_file(world: Any) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    with pytest.raises(ValidationFailed) as refused:
        lot(
            world,
            [
                ImportFile("社区.txt", TEXT.encode()),
                ImportFile("照片.docx", png),
                ImportFile("空白.md", "# 只有标题\n".encode()),
            ],
        )

    assert str(refused.value.message) == (
        "2个文件无法导入，本次未导入任何文档："
        "“照片.docx”：不是 .docx、.txt 或 .md 文件，不能导入。、“空白.md”：没有正文。"
    )
    assert LibraryDocument.objects.count() == 0
    assert AuditEvent.objects.filter(action="library.import").count() == 0


def test_a_damaged_word_file_is_named_and_the_upload_refused(world: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        lot(
            world,
            [
                ImportFile("社区.txt", TEXT.encode()),
                ImportFile("断了的.docx", damaged_word_file("broken_xml")),
                ImportFile("校验错.docx", damaged_word_file("bad_crc")),
                ImportFile("样式坏.docx", damaged_word_file("wrong_styles")),
            ],
        )

    assert str(refused.value.message) == (
        "3个文件无法导入，本次未导入任何文档："
        "“断了的.docx”：无法作为 Word 文档读取，文件可能已损坏。、"
        "“校验错.docx”：无法作为 Word 文档读取，文件可能已损坏。、"
        "“样式坏.docx”：无法作为 Word 文档读取，文件可能已损坏。"
    )
    assert LibraryDocument.objects.count() == 0
    assert AuditEvent.objects.filter(action="library.import").count() == 0


def test_only_a_coordinator_imports_for_their_own_organisation(world: Any) -> None:
    with pytest.raises(Forbidden):
        lot(world, [ImportFile("社区.txt", TEXT.encode())], owner_org=world.district_b)
    with pytest.raises(Forbidden):
        lot(world, [ImportFile("社区.txt", TEXT.encode())], actor=world.users["host_leader"])

    assert LibraryDocument.objects.count() == 0


def test_the_import_page_runs_a_job_that_publishes_the_files(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    as_user(client, world, "coordinator")
    url = reverse("summaries:library_import")
    assert "批量导入经验库文档" in page(client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "uploads": [
                    SimpleUploadedFile("体会.docx", word_file()),
                    SimpleUploadedFile("振興.txt", TRADITIONAL.encode()),
                ],
                "year": "2023",
                "host_unit_kind": "village",
                "owner_org": str(world.district_a.pk),
                "to_simplified": "on",
            },
        )

    job = Job.objects.get(kind="library_import")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", kwargs={"job_pk": job.pk})
    assert job.state == Job.State.SUCCEEDED
    assert (job.done, job.total) == (4, 4)
    assert sorted(LibraryDocument.objects.values_list("title", flat=True)) == sorted(
        ["驻村一年的几点体会", "乡村振兴工作总结"]
    )
    assert "导入完成：新增 2 条" in page(client.get(response["Location"]))


def test_a_failed_import_job_says_which_file(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    as_user(client, world, "coordinator")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("summaries:library_import"),
            {
                "uploads": [SimpleUploadedFile("旧版.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")],
                "year": "2023",
                "host_unit_kind": "",
                "owner_org": str(world.district_a.pk),
            },
        )

    job = Job.objects.get(kind="library_import")
    assert job.state == Job.State.FAILED
    assert (
        job.message
        == "1个文件无法导入，本次未导入任何文档：“旧版.docx”：不是 .docx、.txt 或 .md 文件，不能导入。"
    )
    assert LibraryDocument.objects.count() == 0


def test_an_import_job_with_a_damaged_word_file_names_it(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    as_user(client, world, "coordinator")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("summaries:library_import"),
            {
                "uploads": [
                    SimpleUploadedFile("体会.docx", word_file()),
                    SimpleUploadedFile("断了的.docx", damaged_word_file("broken_xml")),
                ],
                "year": "2023",
                "host_unit_kind": "",
                "owner_org": str(world.district_a.pk),
            },
        )

    job = Job.objects.get(kind="library_import")
    assert job.state == Job.State.FAILED
    assert job.message == (
        "1个文件无法导入，本次未导入任何文档："
        "“断了的.docx”：无法作为 Word 文档读取，文件可能已损坏。"
    )
    assert LibraryDocument.objects.count() == 0


def test_the_import_page_refuses_an_upload_it_cannot_take(world: Any, client: Any) -> None:
    as_user(client, world, "coordinator")
    form = {"year": "2023", "host_unit_kind": "", "owner_org": str(world.district_a.pk)}

    empty = client.post(reverse("summaries:library_import"), form)
    huge = client.post(
        reverse("summaries:library_import"),
        {**form, "uploads": [SimpleUploadedFile("大文件.txt", b"a" * (10 * 1024 * 1024 + 1))]},
    )

    assert empty.status_code == 400 and "请选择要导入的文件。" in page(empty)
    assert huge.status_code == 400
    assert "以下文件超过 10 MB，请拆分后再导入：大文件.txt" in page(huge)
    assert Job.objects.count() == 0

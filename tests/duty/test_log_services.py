"""The work log's services: who writes, what an entry must say, quantities, files, closed months."""

import datetime as dt
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guazhi.core.attachments import attachments_of
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import Attachment, AuditEvent
from guazhi.duty.models import (
    DutyTask,
    LogQuantity,
    PeriodicReport,
    ReportFrequency,
    ReportState,
    TaskState,
    WorkLogEntry,
)
from guazhi.duty.services.logs import (
    QuantityRow,
    log_entry_create,
    log_entry_delete,
    log_entry_update,
)
from guazhi.programmes.models import Assignment, AssignmentState
from tests.duty.world import duty_world


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG (grey pixels), built by hand: no imaging library needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x80" * width for _row in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


# A Windows program starts with "MZ": renamed to .jpg it is still a program.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def create(world, **fields):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    arguments = {
        "actor": world.users["cadre"],
        "assignment": found.serving_a,
        "date": found.today - dt.timedelta(days=3),
        "category": "走访",
        "title": "走访辖区企业",
        "content": "走访白鹿镇工业园区企业，了解用工需求。",
        "today": found.today,
        **fields,
    }
    return log_entry_create(**arguments)


def test_an_entry_with_quantities_and_a_photo_is_recorded(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    photo = SimpleUploadedFile("园区.png", png(), content_type="application/octet-stream")
    entry = create(
        world,
        accomplishment=True,
        quantities=[
            QuantityRow("走访企业", "13", "家"),
            QuantityRow("", "", ""),  # a blank row is no row
            QuantityRow("争取资金", "100,000", "元"),
        ],
        files=[photo],
    )
    entry.refresh_from_db()
    assert (entry.assignment_id, entry.date, entry.category, entry.accomplishment) == (
        found.serving_a.pk,
        found.today - dt.timedelta(days=3),
        "走访",
        True,
    )
    assert entry.created_by == world.users["cadre"]
    assert [str(q) for q in LogQuantity.objects.filter(entry=entry).order_by("id")] == [
        "走访企业 13 家",
        "争取资金 100000 元",
    ]
    (attachment,) = attachments_of(entry)
    assert (attachment.name, attachment.mime_type, attachment.size) == (
        "园区.png",
        "image/png",
        len(png()),
    )
    event = AuditEvent.objects.get(action="log_entry.create")
    assert event.detail == {
        "date": str(found.today - dt.timedelta(days=3)),
        "category": "走访",
        "title": "走访辖区企业",
        "accomplishment": True,
        "quantities": ["走访企业 13 家", "争取资金 100000 元"],
        "files": ["园区.png"],
    }


def test_a_program_renamed_jpg_is_refused_and_nothing_is_kept(world):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("现场照片.jpg", EXE_BYTES, content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as refused:
        create(world, quantities=[QuantityRow("走访企业", "3", "家")], files=[upload])
    assert refused.value.detail == {
        "files": "文件“现场照片.jpg”的类型不受支持：只接受 PDF、Word、Excel、PowerPoint、图片（PNG、JPEG、GIF）和纯文本文件。"
    }
    assert WorkLogEntry.objects.count() == 0
    assert LogQuantity.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert not AuditEvent.objects.filter(action="log_entry.create").exists()


def test_a_half_filled_quantity_row_is_named(world):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        create(
            world,
            quantities=[
                QuantityRow("走访企业", "13", "家"),
                QuantityRow("争取资金", "100000", ""),
                QuantityRow("", "-2", "人"),
                QuantityRow("培训", "三", "场"),
            ],
        )
    assert refused.value.detail == {
        "quantities.2.unit": "第2行工作量：请填写单位。",
        "quantities.3.label": "第3行工作量：请填写事项。",
        "quantities.3.value": "第3行工作量：数量须为正数。",
        "quantities.4.value": "第4行工作量：数量须为正数。",
    }
    assert WorkLogEntry.objects.count() == 0


def test_what_an_entry_must_say(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    with pytest.raises(ValidationFailed) as refused:
        create(
            world, date=found.today + dt.timedelta(days=1), category="打球", title="", content=" "
        )
    assert refused.value.detail == {
        "date": "日期不能晚于今天。",
        "category": "类别“打球”不在本批次的工作纪实类别中。",
        "title": "请填写标题。",
        "content": "请填写内容。",
    }
    before_term = found.serving_a.start_date - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        create(world, date=before_term)
    start = found.serving_a.start_date
    end = found.serving_a.end_date
    assert refused.value.detail == {
        "date": f"日期须在挂职期内（{start.year}年{start.month}月{start.day}日至"
        f"{end.year}年{end.month}月{end.day}日）。"
    }
    assert WorkLogEntry.objects.count() == 0


def test_only_the_person_writes_and_only_on_duty(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    with pytest.raises(Forbidden):
        create(world, actor=world.users["host_leader"])
    Assignment.objects.filter(pk=found.serving_a.pk).update(state=AssignmentState.ENDED)
    found.serving_a.refresh_from_db()
    with pytest.raises(InvalidTransition) as refused:
        create(world, assignment=found.serving_a)
    assert refused.value.message == "挂职安排当前为“已期满”，不能再填写工作纪实。"
    assert WorkLogEntry.objects.count() == 0


def test_an_update_replaces_quantities_and_files_and_records_the_changes(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    old_photo = SimpleUploadedFile("旧照片.png", png(), content_type="image/png")
    entry = create(world, quantities=[QuantityRow("走访企业", "13", "家")], files=[old_photo])
    (old,) = attachments_of(entry)
    notes = SimpleUploadedFile("座谈记录.txt", "座谈会记录\n".encode(), content_type="text/plain")
    log_entry_update(
        actor=world.users["cadre"],
        entry=entry,
        date=found.today - dt.timedelta(days=2),
        category="调研",
        title="走访辖区企业",
        content="走访白鹿镇工业园区企业 15 家。",
        accomplishment=True,
        quantities=[QuantityRow("走访企业", "15", "家"), QuantityRow("召开座谈会", "1", "次")],
        files=[notes],
        remove_files=[old.pk],
        today=found.today,
    )
    entry.refresh_from_db()
    assert (entry.category, entry.accomplishment) == ("调研", True)
    assert [str(q) for q in entry.quantities.order_by("id")] == [
        "走访企业 15 家",
        "召开座谈会 1 次",
    ]
    assert [a.name for a in attachments_of(entry)] == ["座谈记录.txt"]
    event = AuditEvent.objects.get(action="log_entry.update")
    assert event.detail["changes"] == {
        "date": [str(found.today - dt.timedelta(days=3)), str(found.today - dt.timedelta(days=2))],
        "category": ["走访", "调研"],
        "content": ["走访白鹿镇工业园区企业，了解用工需求。", "走访白鹿镇工业园区企业 15 家。"],
        "accomplishment": [False, True],
        "quantities": [["走访企业 13 家"], ["走访企业 15 家", "召开座谈会 1 次"]],
    }
    assert (event.detail["files"], event.detail["removed_files"]) == (
        ["座谈记录.txt"],
        ["旧照片.png"],
    )


def accepted_report(world, start: dt.date, end: dt.date) -> PeriodicReport:  # type: ignore[no-untyped-def]
    found = duty_world(world)
    return PeriodicReport.objects.create(
        assignment=found.serving_a,
        frequency=ReportFrequency.MONTHLY,
        period_start=start,
        period_end=end,
        due_on=end + dt.timedelta(days=5),
        state=ReportState.ACCEPTED,
    )


def test_a_month_whose_report_was_accepted_is_closed(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    day = found.today - dt.timedelta(days=60)
    start, end = day.replace(day=1), day.replace(day=28)
    entry = create(world, date=start + dt.timedelta(days=2))
    accepted_report(world, start, end)
    closed = (
        f"{start.year}年{start.month}月1日至{end.year}年{end.month}月28日的定期汇报已审阅通过，"
        "这期间的工作纪实已随汇报存档，不能再新增、修改或删除。"
    )
    arguments = {
        "actor": world.users["cadre"],
        "entry": entry,
        "date": found.today - dt.timedelta(days=1),
        "category": "走访",
        "title": "改到昨天",
        "content": "改",
        "today": found.today,
    }
    with pytest.raises(InvalidTransition) as refused:
        log_entry_update(**arguments)
    assert refused.value.message == closed
    with pytest.raises(InvalidTransition) as refused:
        log_entry_delete(actor=world.users["cadre"], entry=entry, today=found.today)
    assert refused.value.message == closed
    with pytest.raises(ValidationFailed) as refused:
        create(world, date=start + dt.timedelta(days=5))
    assert refused.value.detail == {"date": closed}
    entry.refresh_from_db()
    assert (entry.title, entry.date) == ("走访辖区企业", start + dt.timedelta(days=2))
    assert WorkLogEntry.objects.count() == 1
    # An entry elsewhere may not be moved into the closed month either.
    other = create(world, date=found.today)
    with pytest.raises(ValidationFailed) as refused:
        log_entry_update(**{**arguments, "entry": other, "date": start + dt.timedelta(days=9)})
    assert refused.value.detail == {"date": closed}


def test_an_entry_that_proves_a_ticked_off_task_stays(world):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    entry = create(world, title="园区用工对接会", quantities=[QuantityRow("对接企业", "8", "家")])
    task = DutyTask.objects.create(
        assignment=found.serving_a,
        title="组织一次用工对接会",
        target_month=found.today.replace(day=1),
        state=TaskState.DONE,
        done_month=found.today.replace(day=1),
        done_note="已召开",
    )
    task.evidence.add(entry)
    with pytest.raises(InvalidTransition) as refused:
        log_entry_delete(actor=world.users["cadre"], entry=entry, today=found.today)
    assert refused.value.message == "这条工作纪实是任务“组织一次用工对接会”的销号佐证，不能删除。"
    assert WorkLogEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_an_entry_removes_its_quantities_and_files(world):  # type: ignore[no-untyped-def]
    photo = SimpleUploadedFile("现场.png", png(), content_type="image/png")
    entry = create(world, quantities=[QuantityRow("走访企业", "2", "家")], files=[photo])
    log_entry_delete(actor=world.users["cadre"], entry=entry, today=duty_world(world).today)
    assert WorkLogEntry.objects.count() == 0
    assert LogQuantity.objects.count() == 0
    assert Attachment.objects.count() == 0
    event = AuditEvent.objects.get(action="log_entry.delete")
    assert event.detail["files"] == ["现场.png"] and event.detail["title"] == "走访辖区企业"


def test_a_form_sent_twice_records_one_entry(world):  # type: ignore[no-untyped-def]
    """The second submission of the same form answers with the first entry: one entry, one
    set of quantities and files, one audit event."""

    def send(**fields):  # type: ignore[no-untyped-def]
        photo = SimpleUploadedFile("园区.png", png(), content_type="image/png")
        arguments = {
            "accomplishment": True,
            "quantities": [
                QuantityRow("走访企业", "13", "家"),
                QuantityRow("争取资金", "100,000", "元"),
            ],
            "files": [photo],
            **fields,
        }
        return create(world, **arguments)

    first = send()
    again = send()
    assert again.pk == first.pk
    assert WorkLogEntry.objects.count() == 1
    assert LogQuantity.objects.count() == 2
    assert Attachment.objects.count() == 1
    assert AuditEvent.objects.filter(action="log_entry.create").count() == 1
    # Not the same entry: another photo, another quantity, or the first one long ago.
    other_photo = SimpleUploadedFile("园区.png", png(3, 3), content_type="image/png")
    assert send(files=[other_photo]).pk != first.pk
    assert send(quantities=[QuantityRow("走访企业", "14", "家")]).pk != first.pk
    assert WorkLogEntry.objects.count() == 3
    WorkLogEntry.objects.update(created_at=timezone.now() - dt.timedelta(minutes=6))
    assert send().pk != first.pk
    assert WorkLogEntry.objects.count() == 4

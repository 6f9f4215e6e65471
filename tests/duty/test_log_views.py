"""The work-log pages: the cadre logs on a phone-sized form, leaders read, "更多" pages by keyset."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guazhi.core.attachments import attachments_of
from guazhi.duty.models import LogQuantity, WorkLogEntry
from guazhi.programmes.models import Assignment, AssignmentState
from tests.duty.test_log_services import EXE_BYTES, png
from tests.duty.world import duty_world
from tests.factories import UserFactory, grant
from tests.pages import as_user, field_error, page


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


# Exactly what core.attachments keeps (KINDS and the names it knows them by): a phone offers
# no HEIC or WebP photo the server would refuse.
ACCEPTED = (
    'accept="application/pdf,image/png,image/jpeg,image/gif,'
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.openxmlformats-officedocument.presentationml.presentation,"
    "application/msword,application/vnd.ms-excel,application/vnd.ms-powerpoint,text/plain,"
    '.pdf,.png,.jpg,.gif,.docx,.xlsx,.pptx,.doc,.xls,.ppt,.txt,.jpeg,.jpe,.text,.log,.csv"'
)


def list_url(assignment: Assignment) -> str:
    return reverse("duty:log_list", kwargs={"assignment_pk": assignment.pk})


def detail_url(entry: WorkLogEntry) -> str:
    return reverse("duty:log_entry_detail", kwargs={"log_entry_pk": entry.pk})


def entry_data(today: dt.date, **fields: object) -> dict:
    return {
        "date": today.isoformat(),
        "category": "走访",
        "title": "走访园区企业",
        "content": "走访白鹿镇工业园区企业。\n了解用工需求。",
        "accomplishment": "on",
        "rows": "2",
        "q1-label": "走访企业",
        "q1-value": "13",
        "q1-unit": "家",
        "q2-label": "",
        "q2-value": "",
        "q2-unit": "",
        **fields,
    }


def test_a_cadre_logs_an_accomplishment_with_a_photo(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    client = as_user(client, world, "cadre")
    body = page(client.get(list_url(found.serving_a)))
    assert 'enctype="multipart/form-data"' in body
    assert 'name="q1-label"' in body and 'name="q2-label"' in body and 'name="q3-label"' not in body
    assert ACCEPTED in body and "image/*" not in body
    photo = SimpleUploadedFile("园区.png", png(), content_type="image/png")
    response = client.post(list_url(found.serving_a), {**entry_data(found.today), "files": [photo]})
    assert response.status_code == 302 and response["Location"] == list_url(found.serving_a)
    entry = WorkLogEntry.objects.get()
    assert (entry.title, entry.accomplishment, entry.date) == ("走访园区企业", True, found.today)
    assert [str(q) for q in LogQuantity.objects.all()] == ["走访企业 13 家"]
    body = page(client.get(list_url(found.serving_a)))
    assert "已记录“走访园区企业”。" in body
    assert f'<a href="{detail_url(entry)}"><strong>走访园区企业</strong></a>' in body
    assert '<span class="tag">走访企业 13 家</span>' in body
    assert "附件 1 个" in body
    (photo_file,) = attachments_of(entry)
    download = reverse("core:attachment_download", kwargs={"attachment_pk": photo_file.pk})
    body = page(client.get(detail_url(entry)))
    assert f'<img src="{download}" width="160" alt="园区.png" loading="lazy">' in body
    assert "<p>走访白鹿镇工业园区企业。</p><p>了解用工需求。</p>" in body
    # Whoever reads the log reads its photos; outside the person's reach, no file.
    for role, status in (("host_leader", 200), ("group_leader", 200), ("cadre", 200)):
        client = as_user(client, world, role)
        response = client.get(download)
        assert response.status_code == status
        assert b"".join(response.streaming_content) == png()
    outsider = grant(UserFactory(username="lianhua"), "host_leader", world.township_b)
    client.force_login(outsider)
    assert client.get(download).status_code == 404


def test_a_bad_row_and_a_program_are_shown_where_they_belong(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    client = as_user(client, world, "cadre")
    response = client.post(
        list_url(found.serving_a),
        {
            **entry_data(found.today, **{"q2-label": "争取资金", "q2-value": "100000"}),
            "files": [SimpleUploadedFile("照片.jpg", EXE_BYTES, content_type="image/jpeg")],
        },
    )
    body = page(response)
    # The rows' inputs have no ids (see QuantityRowForm): the message sits in the row's cell.
    assert (
        '<td data-label="单位"><input type="text" name="q2-unit" maxlength="10"'
        ' aria-label="第2行单位" placeholder="如：家" aria-invalid="true">'
        '<ul class="errorlist"><li>第2行工作量：请填写单位。</li></ul></td>'
    ) in body
    assert WorkLogEntry.objects.count() == 0
    # The rows are fixed; now only the file is wrong.
    response = client.post(
        list_url(found.serving_a),
        {
            **entry_data(
                found.today, **{"q2-label": "争取资金", "q2-value": "100000", "q2-unit": "元"}
            ),
            "files": [SimpleUploadedFile("照片.jpg", EXE_BYTES, content_type="image/jpeg")],
        },
    )
    assert field_error(
        "files",
        "文件“照片.jpg”的类型不受支持：只接受 PDF、Word、Excel、PowerPoint、图片（PNG、JPEG、GIF）和纯文本文件。",
    ) in page(response)
    assert WorkLogEntry.objects.count() == 0
    assert 'value="争取资金"' in page(response)  # what was typed stays


def test_adding_a_row_keeps_what_was_typed_and_saves_nothing(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    client = as_user(client, world, "cadre")
    data = {**entry_data(found.today), "add_row": "1"}
    body = page(client.post(list_url(found.serving_a), data))
    assert 'name="q3-label"' in body and 'name="rows" value="3"' in body
    assert 'value="走访企业"' in body and "走访园区企业" in body
    assert WorkLogEntry.objects.count() == 0
    # Through htmx only the rows come back, to replace the fieldset.
    fragment = page(client.post(list_url(found.serving_a), data, headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith('<fieldset id="quantity-rows">')
    assert 'name="q3-unit"' in fragment and "<html" not in fragment


def test_leaders_read_the_log_and_write_nothing(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    WorkLogEntry.objects.create(
        assignment=found.serving_a,
        date=found.today,
        category="会议",
        title="参加镇党委会",
        content="研究园区用工。",
    )
    client = as_user(client, world, "host_leader")
    body = page(client.get(list_url(found.serving_a)))
    assert "参加镇党委会" in body and "记一条工作纪实" not in body
    response = client.post(list_url(found.serving_a), entry_data(found.today))
    assert response.status_code == 403
    assert WorkLogEntry.objects.count() == 1
    # The talks tab is a leader's; the person never sees it.
    assert reverse("duty:talk_list", kwargs={"assignment_pk": found.serving_a.pk}) in body
    client = as_user(client, world, "cadre")
    body = page(client.get(list_url(found.serving_a)))
    assert reverse("duty:talk_list", kwargs={"assignment_pk": found.serving_a.pk}) not in body


def test_an_ended_term_is_read_only(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    Assignment.objects.filter(pk=found.serving_a.pk).update(state=AssignmentState.ENDED)
    client = as_user(client, world, "cadre")
    assert "记一条工作纪实" not in page(client.get(list_url(found.serving_a)))


def make_entries(assignment: Assignment, today: dt.date, count: int) -> list[WorkLogEntry]:
    """`count` entries, one a day going back from today, every third an accomplishment."""
    return WorkLogEntry.objects.bulk_create(
        WorkLogEntry(
            assignment=assignment,
            date=today - dt.timedelta(days=n),
            category="调研" if n % 2 else "走访",
            title=f"第{n}天",
            content="记录",
            accomplishment=n % 3 == 0,
        )
        for n in range(count)
    )


def test_more_continues_after_the_last_entry_shown(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    make_entries(found.serving_a, found.today, 25)
    client = as_user(client, world, "cadre")
    body = page(client.get(list_url(found.serving_a)))
    assert "第0天" in body and "第19天" in body and "第20天" not in body
    last = WorkLogEntry.objects.get(title="第19天")
    cursor = f"{last.date.isoformat()}_{last.pk}"
    assert f'href="?after={cursor}"' in body
    rest = page(
        client.get(list_url(found.serving_a), {"after": cursor}, headers={"HX-Request": "true"})
    )
    assert "第20天" in rest and "第24天" in rest and "第19天" not in rest
    assert "更多" not in rest and "<html" not in rest
    # Filters ride along: accomplishments only, one category.
    body = page(
        client.get(list_url(found.serving_a), {"category": "走访", "accomplishments": "on"})
    )
    shown = [f"第{n}天" for n in range(25) if n % 2 == 0 and n % 3 == 0]
    assert all(f"<strong>{title}</strong>" in body for title in shown)
    assert "<strong>第3天</strong>" not in body and "<strong>第2天</strong>" not in body


def test_a_page_costs_the_same_queries_whatever_the_log_holds(world, client):  # type: ignore[no-untyped-def]
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = duty_world(world)
    client = as_user(client, world, "cadre")
    make_entries(found.serving_a, found.today, 3)
    client.get(list_url(found.serving_a))  # rules, content types: made and cached once
    cache.clear()  # the page itself is rendered, not served from the page cache
    with CaptureQueriesContext(connection) as few:
        client.get(list_url(found.serving_a))
    make_entries(found.serving_a, found.today - dt.timedelta(days=3), 60)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get(list_url(found.serving_a))
    assert response.status_code == 200
    assert len(many) == len(few)
    # Nothing counts the log (the menu's unread-notification count is not the log's).
    log_counts = [q["sql"] for q in many.captured_queries if "COUNT(" in q["sql"].upper()]
    assert log_counts and not any("duty_worklogentry" in sql for sql in log_counts)


def test_the_cadre_corrects_and_removes_an_entry(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    client = as_user(client, world, "cadre")
    client.post(list_url(found.serving_a), entry_data(found.today))
    entry = WorkLogEntry.objects.get()
    edit = reverse("duty:log_entry_edit", kwargs={"log_entry_pk": entry.pk})
    body = page(client.get(edit))
    assert 'value="走访企业"' in body and 'value="13"' in body and 'name="q2-label"' in body
    response = client.post(
        edit,
        entry_data(
            found.today,
            title="走访园区企业（补记）",
            **{"q1-value": "15", "rows": "1"},
        ),
    )
    assert response["Location"] == detail_url(entry)
    assert [str(q) for q in LogQuantity.objects.all()] == ["走访企业 15 家"]
    delete = reverse("duty:log_entry_delete", kwargs={"log_entry_pk": entry.pk})
    # A leader's post changes nothing.
    client = as_user(client, world, "host_leader")
    assert client.post(delete).status_code == 403
    client = as_user(client, world, "cadre")
    response = client.post(delete)
    assert response["Location"] == list_url(found.serving_a)
    assert WorkLogEntry.objects.count() == 0


def test_the_batch_tab_counts_per_month_group_and_person(world, client):  # type: ignore[no-untyped-def]
    from guazhi.programmes.models import Group

    found = duty_world(world)
    group = Group.objects.create(batch=found.batch_a, name="第一组")
    Assignment.objects.filter(pk=found.serving_a.pk).update(group=group)
    month = found.today.replace(day=1)
    entry = WorkLogEntry.objects.create(
        assignment=found.serving_a,
        date=month,
        category="走访",
        title="走访企业",
        content="走访",
        accomplishment=True,
    )
    LogQuantity.objects.create(entry=entry, label="走访企业", value=13, unit="家")
    client = as_user(client, world, "coordinator")
    url = reverse("duty:log_batch", kwargs={"batch_pk": found.batch_a.pk})
    body = page(client.get(url, {"month": month.strftime("%Y-%m")}))
    assert f"{month.year}年{month.month}月" in body
    assert '<td data-label="小组">第一组</td>' in body
    assert '<td data-label="做成一件事" class="num">1/1</td>' in body
    assert '<span class="badge ok">已做成</span>' in body
    assert '<td data-label="合计" class="num">13</td>' in body
    body = page(client.get(url, {"month": month.strftime("%Y-%m"), "group": "none"}))
    assert "没有符合条件的人员。" in body


def test_an_entry_of_an_accepted_report_says_why_it_stays(world, client):  # type: ignore[no-untyped-def]
    from guazhi.duty.models import PeriodicReport, ReportFrequency, ReportState

    found = duty_world(world)
    day = found.today - dt.timedelta(days=60)
    start, end = day.replace(day=1), day.replace(day=28)
    entry = WorkLogEntry.objects.create(
        assignment=found.serving_a, date=start, category="走访", title="走访企业", content="走访"
    )
    PeriodicReport.objects.create(
        assignment=found.serving_a,
        frequency=ReportFrequency.MONTHLY,
        period_start=start,
        period_end=end,
        due_on=end,
        state=ReportState.ACCEPTED,
    )
    why = (
        f"{start.year}年{start.month}月1日至{end.year}年{end.month}月28日的定期汇报已审阅通过，"
        "这期间的工作纪实已随汇报存档，不能再新增、修改或删除。"
    )
    client = as_user(client, world, "cadre")
    body = page(client.get(detail_url(entry)))
    assert f'<p class="hint">{why}</p>' in body
    edit = reverse("duty:log_entry_edit", kwargs={"log_entry_pk": entry.pk})
    assert f'href="{edit}"' not in body
    response = client.get(edit)
    assert response["Location"] == detail_url(entry)
    assert f'<p class="message error">{why}</p>' in page(client.get(detail_url(entry)))


def first_button(body: str, form_action: str) -> str:
    """The first <button …> inside the form posting to `form_action`: the one a browser presses
    when Enter is typed in a field (implicit submission)."""
    form = body[body.index(f'action="{form_action}"') :]
    start = form.index("<button")
    return form[start : form.index("</button>", start) + len("</button>")]


def test_enter_in_a_field_saves_and_does_not_add_a_row(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    client = as_user(client, world, "cadre")
    saving = '<button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">保存</button>'
    assert first_button(page(client.get(list_url(found.serving_a))), list_url(found.serving_a)) == (
        saving
    )
    entry = WorkLogEntry.objects.create(
        assignment=found.serving_a, date=found.today, category="走访", title="走访", content="走访"
    )
    edit = reverse("duty:log_entry_edit", kwargs={"log_entry_pk": entry.pk})
    assert first_button(page(client.get(edit)), edit) == saving
    # What that button sends (no add_row) saves the entry.
    response = client.post(list_url(found.serving_a), entry_data(found.today))
    assert response["Location"] == list_url(found.serving_a)
    assert WorkLogEntry.objects.filter(title="走访园区企业").count() == 1


def test_an_empty_file_is_named_on_the_form(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    client = as_user(client, world, "cadre")
    empty = SimpleUploadedFile("会议纪要.txt", b"", content_type="text/plain")
    response = client.post(list_url(found.serving_a), {**entry_data(found.today), "files": [empty]})
    assert field_error("files", "文件“会议纪要.txt”是空文件。") in page(response)
    assert WorkLogEntry.objects.count() == 0


def test_the_same_form_sent_twice_records_one_entry(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    client = as_user(client, world, "cadre")
    for _time in range(2):
        photo = SimpleUploadedFile("园区.png", png(), content_type="image/png")
        response = client.post(
            list_url(found.serving_a), {**entry_data(found.today), "files": [photo]}
        )
        assert response["Location"] == list_url(found.serving_a)
    (entry,) = WorkLogEntry.objects.all()
    assert len(attachments_of(entry)) == 1
    body = page(client.get(list_url(found.serving_a)))
    assert body.count(f'<a href="{detail_url(entry)}">') == 1


def log_queries(captured) -> list[str]:  # type: ignore[no-untyped-def]
    return [q["sql"] for q in captured.captured_queries if "duty_worklogentry" in q["sql"]]


def test_the_log_is_read_in_two_queries_and_more_in_one(world, client):  # type: ignore[no-untyped-def]
    """The months' marks are one query (not one per month), the page one; 更多 through htmx
    reads the next entries and nothing else of the page: no months, no form."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = duty_world(world)
    make_entries(found.serving_a, found.today, 30)
    client = as_user(client, world, "cadre")
    client.get(list_url(found.serving_a))
    with CaptureQueriesContext(connection) as whole:
        body = page(client.get(list_url(found.serving_a)))
    assert "记一条工作纪实" in body and "本月尚未做成" not in body  # today's entry is one
    assert len(log_queries(whole)) == 2
    last = WorkLogEntry.objects.get(title="第19天")
    with CaptureQueriesContext(connection) as more:
        fragment = page(
            client.get(
                list_url(found.serving_a),
                {"after": f"{last.date.isoformat()}_{last.pk}"},
                headers={"HX-Request": "true"},
            )
        )
    assert "第20天" in fragment and "<form" not in fragment
    assert len(log_queries(more)) == 1
    assert len(more) <= len(whole) - 2
    # A reader's page builds no entry form.
    client = as_user(client, world, "coordinator")
    body = page(client.get(list_url(found.serving_a)))
    assert "记一条工作纪实" not in body and 'name="q1-label"' not in body


def test_the_kept_blank_form_follows_the_batchs_categories(world, client):  # type: ignore[no-untyped-def]
    from guazhi.duty.models import DutyRules

    found = duty_world(world)
    client = as_user(client, world, "cadre")
    body = page(client.get(list_url(found.serving_a)))
    assert body.count('<option value="招商引资">招商引资</option>') == 2  # the form, the filter
    DutyRules.objects.filter(batch=found.batch_a).update(log_categories=["走访", "督导检查"])
    body = page(client.get(list_url(found.serving_a)))
    assert body.count('<option value="督导检查">督导检查</option>') == 2
    assert '<option value="招商引资">' not in body


def test_adding_a_row_while_correcting_posts_back_to_the_entry(world, client):  # type: ignore[no-untyped-def]
    found = duty_world(world)
    entry = WorkLogEntry.objects.create(
        assignment=found.serving_a, date=found.today, category="走访", title="走访", content="走访"
    )
    edit = reverse("duty:log_entry_edit", kwargs={"log_entry_pk": entry.pk})
    client = as_user(client, world, "cadre")
    fragment = page(
        client.post(
            edit,
            {**entry_data(found.today), "add_row": "1"},
            headers={"HX-Request": "true"},
        )
    )
    assert fragment.lstrip().startswith('<fieldset id="quantity-rows">')
    assert f'hx-post="{edit}"' in fragment and 'name="q3-label"' in fragment

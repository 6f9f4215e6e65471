"""The selection and publicity pages as a coordinator uses them."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from guazhi.core.documents import DOCX_CONTENT_TYPE
from guazhi.programmes.models import (
    Assignment,
    AssignmentState,
    BatchState,
    Objection,
    Publicity,
    SelectionStep,
)
from tests.factories import CadreFactory
from tests.pages import field_error
from tests.programmes.factories import PostFactory, assign
from tests.programmes.test_selection_services import (
    SelectionWorld,
    decided,
    make_selection_world,
    past_publicity,
    publicised,
    to_state,
)


@pytest.fixture
def sw(world) -> SelectionWorld:  # type: ignore[no-untyped-def]
    return make_selection_world(world)


def page(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.content.decode()


def test_the_selection_page_lists_the_proposed_people_and_what_comes_next(client, sw) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sw.coordinator)
    html = page(client.get(reverse("programmes:selection", kwargs={"batch_pk": sw.batch.pk})))
    assert "拟任人选（2 人）" in html
    assert '<td data-label="姓名">林芳</td>' in html
    assert '<td data-label="出生年月">1988.03</td>' in html
    assert '<td data-label="拟挂职单位及职务">白鹿镇 党委委员</td>' in html
    # Vetting can be recorded; the decision waits for it; publicity waits for the state.
    assert 'name="vetting-held_on"' in html
    assert 'name="decision-held_on"' not in html
    assert "请先记录组织考察，再记录党委（党组）研究决定。" in html
    assert "只有“公示中”的批次可以开始公示，本批次当前为“匹配中”" in html


def test_recording_a_step_from_the_page(client, sw) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sw.coordinator)
    url = reverse("programmes:selection_step", kwargs={"batch_pk": sw.batch.pk})
    response = client.post(
        url, {"kind": "vetting", "vetting-held_on": "2026-11-10", "vetting-note": "考察组3人"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:selection", kwargs={"batch_pk": sw.batch.pk})
    step = SelectionStep.objects.get()
    assert (step.kind, step.held_on, step.note) == ("vetting", dt.date(2026, 11, 10), "考察组3人")

    refused = page(client.post(url, {"kind": "decision", "decision-held_on": "2026-11-09"}))
    assert "研究决定的日期不能早于组织考察（2026年11月10日）。" in refused
    assert SelectionStep.objects.count() == 1


def test_cancelling_needs_a_reason(client, sw) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sw.coordinator)
    url = reverse("programmes:assignment_cancel", kwargs={"assignment_pk": sw.lin.pk})
    response = client.post(url, {"reason": ""}, follow=True)
    assert "请填写取消原因。" in page(response)
    assert Assignment.objects.get(pk=sw.lin.pk).state == AssignmentState.PROPOSED
    response = client.post(url, {"reason": "考察未通过"}, follow=True)
    html = page(response)
    assert "已取消林芳的人选。" in html
    assert "已取消人选（1 人）" in html
    assert Assignment.objects.get(pk=sw.lin.pk).state == AssignmentState.CANCELLED


def test_starting_publicity_from_the_page(client, sw) -> None:  # type: ignore[no-untyped-def]
    decided(sw, dt.date(2026, 9, 25))
    client.force_login(sw.coordinator)
    response = client.post(
        reverse("programmes:publicity_start", kwargs={"batch_pk": sw.batch.pk}),
        {"starts_on": "2026-09-29", "text": "联系电话：0792-1234567"},
        follow=True,
    )
    html = page(response)
    assert "已开始公示，公示期5个工作日。" in html
    assert "2026年9月29日至2026年10月10日（5个工作日）" in html
    assert "公示名单（2 人）" in html
    assert Publicity.objects.get(batch=sw.batch).ends_on == dt.date(2026, 10, 10)


def test_a_refused_start_comes_back_on_the_form(client, sw) -> None:  # type: ignore[no-untyped-def]
    decided(sw, dt.date(2026, 11, 12))
    client.force_login(sw.coordinator)
    html = page(
        client.post(
            reverse("programmes:publicity_start", kwargs={"batch_pk": sw.batch.pk}),
            {"starts_on": "2026-11-11"},
        )
    )
    assert "公示开始日期不能早于党委（党组）研究决定的日期（2026年11月12日）。" in html
    assert not Publicity.objects.exists()


def test_a_start_in_year_9999_comes_back_on_the_form(client, sw) -> None:  # type: ignore[no-untyped-def]
    """The end of the period is counted in working days from the start: a start the calendar
    cannot count from is refused with the field named, not a server error."""
    decided(sw, dt.date(2026, 11, 12))
    client.force_login(sw.coordinator)
    html = page(
        client.post(
            reverse("programmes:publicity_start", kwargs={"batch_pk": sw.batch.pk}),
            {"starts_on": "9999-12-31"},
        )
    )
    assert field_error("starts_on", "公示开始日期的年份应在2000年至2100年之间。") in html
    assert not Publicity.objects.exists()


def test_objections_are_recorded_and_resolved_from_the_pages(client, sw) -> None:  # type: ignore[no-untyped-def]
    publicised(sw, dt.date(2026, 9, 29))
    client.force_login(sw.coordinator)
    create = reverse("programmes:objection_create", kwargs={"batch_pk": sw.batch.pk})
    form = page(client.get(create))
    assert "林芳（白鹿镇 党委委员）" in form
    response = client.post(
        create,
        {
            "received_on": "2026-09-30",
            "channel": "来电",
            "raised_by": "",
            "assignment": str(sw.lin.pk),
            "content": "反映其违规兼职",
        },
        follow=True,
    )
    html = page(response)
    assert "异议（1 条，未处理 1 条）" in html
    assert '<td data-label="反映人">匿名</td>' in html
    # The period (to 2026-10-10) is over; approval waits for the objection alone.
    assert "还有1条异议尚未处理，处理完毕后方可审批。" in html

    objection = Objection.objects.get()
    resolve = reverse("programmes:objection_resolve", kwargs={"objection_pk": objection.pk})
    assert "反映属实，同时取消该人选" in page(client.get(resolve))
    response = client.post(
        resolve,
        {"upheld": "yes", "resolution": "经核查属实。", "cancel_assignment": "on"},
        follow=True,
    )
    assert "已保存异议的核查处理意见。" in page(response)
    assert Assignment.objects.get(pk=sw.lin.pk).state == AssignmentState.CANCELLED
    assert "公示名单（1 人）" in page(response)


def test_approval_waits_for_the_end_of_the_period(client, sw) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    decided(sw, today - dt.timedelta(days=1))
    client.force_login(sw.coordinator)
    client.post(
        reverse("programmes:publicity_start", kwargs={"batch_pk": sw.batch.pk}),
        {"starts_on": today.isoformat()},
    )
    html = page(
        client.post(
            reverse("programmes:publicity_approve", kwargs={"batch_pk": sw.batch.pk}),
            {"note": "同意"},
        )
    )
    assert "起方可审批。" in html
    assert Publicity.objects.get(batch=sw.batch).approved_at is None
    assert Assignment.objects.get(pk=sw.chen.pk).state == AssignmentState.PROPOSED


def test_approval_after_the_period(client, sw) -> None:  # type: ignore[no-untyped-def]
    past_publicity(sw)
    client.force_login(sw.coordinator)
    publicity_url = reverse("programmes:publicity", kwargs={"batch_pk": sw.batch.pk})
    assert "审批通过" in page(client.get(publicity_url))
    response = client.post(
        reverse("programmes:publicity_approve", kwargs={"batch_pk": sw.batch.pk}),
        {"note": "同意"},
        follow=True,
    )
    html = page(response)
    assert "公示结果已审批，拟任人选已转为“已批准”。" in html
    assert "<dt>审批意见</dt><dd>同意</dd>" in html
    assert set(Assignment.objects.filter(batch=sw.batch).values_list("state", flat=True)) == {
        AssignmentState.APPROVED
    }


def test_the_export_is_a_word_document(client, sw) -> None:  # type: ignore[no-untyped-def]
    publicised(sw, dt.date(2026, 9, 29))
    client.force_login(sw.coordinator)
    response = client.get(reverse("programmes:publicity_export", kwargs={"batch_pk": sw.batch.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    [table] = Document(io.BytesIO(response.content)).tables
    assert [row.cells[1].text for row in table.rows] == ["姓名", "陈明", "林芳"]


def test_the_export_before_publicity_explains_why_not(client, sw) -> None:  # type: ignore[no-untyped-def]
    client.force_login(sw.coordinator)
    selection_url = reverse("programmes:selection", kwargs={"batch_pk": sw.batch.pk})
    response = client.get(
        reverse("programmes:publicity_export", kwargs={"batch_pk": sw.batch.pk}),
        HTTP_REFERER=selection_url,
        follow=True,
    )
    assert "尚未开始公示，没有可导出的公示名单。" in page(response)


def test_the_selection_page_costs_the_same_queries_for_more_people(client, world, sw) -> None:  # type: ignore[no-untyped-def]
    to_state(sw.batch, BatchState.PUBLICITY)
    client.force_login(sw.coordinator)
    url = reverse("programmes:selection", kwargs={"batch_pk": sw.batch.pk})
    client.get(url)  # warm the per-user caches (scopes, menu)
    with CaptureQueriesContext(connection) as few:
        page(client.get(url))
    for number in range(5):
        post = PostFactory(batch=sw.batch, host_unit=world.township_a, title=f"副镇长{number}")
        assign(post, CadreFactory(home_unit=world.school_a))
    with CaptureQueriesContext(connection) as many:
        html = page(client.get(url))
    assert "拟任人选（7 人）" in html
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_publicity_page_warns_of_years_the_calendar_lacks(client, sw) -> None:  # type: ignore[no-untyped-def]
    decided(sw, dt.date(2026, 11, 20))
    client.force_login(sw.coordinator)
    response = client.post(
        reverse("programmes:publicity_start", kwargs={"batch_pk": sw.batch.pk}),
        {"starts_on": "2035-12-28"},
        follow=True,
    )
    html = page(response)
    assert '<p class="message warning">2035年的法定节假日和调休安排尚未录入' in html
    assert '<p class="message warning">2036年的法定节假日和调休安排尚未录入' in html

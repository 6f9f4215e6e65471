"""The summary pages: the person's tab, the editor (a plain form and its JSON autosave), the
summary's page with the trail and each reader's step, the batch's overview and template.

The duty world's term runs around today (begun 120 days ago, ending in 245 days): the mid-term
summary may be started today, the final one only in the term's last two months.
"""

import json
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guazhi.core.models import AuditEvent
from guazhi.programmes.models import Assignment, AssignmentState
from guazhi.summaries.models import (
    Summary,
    SummaryEvent,
    SummaryKind,
    SummaryState,
    SummaryTemplate,
)
from guazhi.summaries.selectors.summaries import draft_window
from guazhi.summaries.services.templates import summary_template_of
from tests.factories import CadreFactory
from tests.pages import as_user, field_error, page
from tests.programmes.factories import PostFactory, assign
from tests.summaries.world import SummaryWorld, log, summary_world


def list_url(found: SummaryWorld) -> str:
    return reverse("summaries:summary_list", kwargs={"assignment_pk": found.zhang.pk})


def detail_url(summary: Summary) -> str:
    return reverse("summaries:summary_detail", kwargs={"summary_pk": summary.pk})


def edit_url(summary: Summary) -> str:
    return reverse("summaries:summary_edit", kwargs={"summary_pk": summary.pk})


def save_url(summary: Summary) -> str:
    return reverse("summaries:summary_save", kwargs={"summary_pk": summary.pk})


def batch_url(found: SummaryWorld) -> str:
    return reverse("summaries:batch_summaries", kwargs={"batch_pk": found.duty.batch_a.pk})


def texts(summary: Summary) -> dict[str, str]:
    return dict(summary.sections.values_list("key", "body"))


def editor_post(summary: Summary, version: int, then: str = "save", **changes: str) -> dict:
    """What the editor's form posts: every section as shown, with `changes` (key=text)."""
    data = {
        "base_version": str(version),
        "title": summary.title,
        "then": then,
        **{f"section_{key}": body for key, body in texts(summary).items()},
    }
    data.update({f"section_{key}": body for key, body in changes.items()})
    return data


def save_json(client: Client, summary: Summary, version: int, **bodies: str) -> Any:
    return client.post(
        save_url(summary),
        json.dumps({"base_version": version, "title": summary.title, "bodies": bodies}),
        content_type="application/json",
    )


# --- the person's tab -------------------------------------------------------------------------


def test_the_person_starts_a_mid_term_summary_from_the_tab_and_lands_in_the_editor(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    log(found.zhang, found.duty.today, "调解邻里纠纷", accomplishment=True)
    final_opens = draft_window(found.zhang, SummaryKind.FINAL).opens_on
    as_user(client, world, "cadre")

    listed = page(client.get(list_url(found)))
    assert listed.count("开始撰写") == 1  # the mid-term one; the final one waits
    assert '<input type="hidden" name="kind" value="midterm">' in listed
    assert f"{final_opens.year}年{final_opens.month}月{final_opens.day}日起可撰写" in listed
    assert 'aria-current="page">挂职总结</a>' in listed

    response = client.post(
        reverse("summaries:summary_start", kwargs={"assignment_pk": found.zhang.pk}),
        {"kind": "midterm"},
    )
    summary = Summary.objects.get(assignment=found.zhang, kind="midterm")
    assert response["Location"] == edit_url(summary)

    editor = page(client.get(edit_url(summary)))
    assert f'data-save-url="{save_url(summary)}"' in editor
    assert f'data-summary-pk="{summary.pk}"' in editor
    assert '<input type="hidden" name="base_version" value="1"' in editor
    assert "调解邻里纠纷" in editor
    assert 'data-section-key="insights"' in editor
    assert "/static/js/summary_editor.js" in editor

    listed = page(client.get(list_url(found)))
    assert "继续撰写" in listed
    assert listed.count("开始撰写") == 0


def test_a_final_summary_cannot_be_started_before_its_window(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    opens = draft_window(found.zhang, SummaryKind.FINAL).opens_on
    as_user(client, world, "cadre")

    response = client.post(
        reverse("summaries:summary_start", kwargs={"assignment_pk": found.zhang.pk}),
        {"kind": "final"},
        follow=True,
    )

    assert (
        f"期满总结自{opens.year}年{opens.month}月{opens.day}日起可以撰写（挂职期最后两个月）。"
        in page(response)
    )
    assert Summary.objects.count() == 0


def test_leaders_see_the_states_but_not_a_draft_nor_a_start_button(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    draft = found.drafted(kind=SummaryKind.MIDTERM, title="尚未提交的标题")
    as_user(client, world, "group_leader")

    listed = page(client.get(list_url(found)))
    assert "开始撰写" not in listed
    assert ">草稿</span>" in listed
    assert detail_url(draft) not in listed

    # Opened anyway: the page says a draft exists, without its text.
    shown = page(client.get(detail_url(draft)))
    assert "本人尚未提交，提交后可以查看全文。" in shown
    assert "<title>阶段总结 · 张三" in shown
    assert "尚未提交的标题" not in shown  # neither in the heading nor in the window's title
    assert "深入基层、贴近群众" not in shown
    assert "下载 Word" not in shown


# --- the editor without JavaScript ------------------------------------------------------------


def test_the_plain_form_saves_and_submits(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted(bodies={"insights": ""})
    as_user(client, world, "cadre")

    response = client.post(
        edit_url(summary), editor_post(summary, 1, insights="基层是最好的课堂。")
    )
    assert response.status_code == 302
    assert response["Location"] == edit_url(summary)
    fresh = Summary.objects.get(pk=summary.pk)
    assert (fresh.version, texts(fresh)["insights"]) == (2, "基层是最好的课堂。")

    response = client.post(edit_url(summary), editor_post(fresh, 2, then="submit"))
    assert response["Location"] == detail_url(summary)
    assert Summary.objects.get(pk=summary.pk).state == SummaryState.SUBMITTED
    # Submitted: the editor sends the person to the read view.
    assert client.get(edit_url(summary))["Location"] == detail_url(summary)


def test_submitting_with_an_empty_section_shows_the_message_at_that_section(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted(bodies={"shortcomings": ""})
    as_user(client, world, "cadre")

    response = client.post(
        edit_url(summary), editor_post(summary, 1, then="submit", insights="新的体会。")
    )

    assert response.status_code == 200
    assert field_error("section_shortcomings", "“存在不足”还没有填写，请填写后再提交。") in page(
        response
    )
    assert "新的体会。" in page(response)  # what was typed stays on the page
    fresh = Summary.objects.get(pk=summary.pk)
    assert (fresh.state, fresh.version) == (SummaryState.DRAFT, 1)
    assert texts(fresh)["insights"] == "深入基层、贴近群众，才能把工作做实做细。"


def test_a_plain_save_over_a_newer_version_shows_both_and_keeps_what_was_typed(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted()
    as_user(client, world, "cadre")
    # Another tab saves first.
    client.post(edit_url(summary), editor_post(summary, 1, insights="另一个标签页写的。"))

    response = client.post(edit_url(summary), editor_post(summary, 1, insights="这个页面写的。"))

    shown = page(response)
    assert response.status_code == 409
    assert "这份总结已在别处修改并保存（第 2 版），请对照两个版本，选择保留哪一个。" in shown
    assert "在别处保存的版本（第 2 版）" in shown
    assert "<p>另一个标签页写的。</p>" in shown
    assert "\n这个页面写的。</textarea>" in shown
    # The form is now based on version 2: saving it again keeps this page's text.
    assert '<input type="hidden" name="base_version" value="2"' in shown
    assert texts(Summary.objects.get(pk=summary.pk))["insights"] == "另一个标签页写的。"

    client.post(edit_url(summary), editor_post(summary, 2, insights="这个页面写的。"))
    assert texts(Summary.objects.get(pk=summary.pk))["insights"] == "这个页面写的。"


def test_only_the_person_opens_the_editor(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted()
    as_user(client, world, "admin")

    response = client.post(edit_url(summary), editor_post(summary, 1, insights="管理员改的"))

    assert response["Location"] == detail_url(summary)
    assert Summary.objects.get(pk=summary.pk).version == 1
    as_user(client, world, "coordinator")
    assert client.get(edit_url(summary)).status_code == 403


# --- the autosave endpoint --------------------------------------------------------------------


def test_the_autosave_endpoint_saves_and_answers_the_new_version(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted()
    as_user(client, world, "cadre")

    response = save_json(client, summary, 1, insights="自动保存的文字")

    answer = response.json()
    assert (response.status_code, answer["version"]) == (200, 2)
    assert set(answer) == {"version", "saved_at"}
    assert texts(summary)["insights"] == "自动保存的文字"
    # The same text again (saved on leaving the page): nothing is written, the version stays.
    assert save_json(client, summary, 2, insights="自动保存的文字").json()["version"] == 2
    assert AuditEvent.objects.filter(action="summary.save").count() == 1


def test_the_autosave_endpoint_answers_a_conflict_with_the_other_text(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted()
    as_user(client, world, "cadre")
    save_json(client, summary, 1, insights="另一个标签页写的")

    response = save_json(client, summary, 1, insights="这个标签页写的")

    answer = response.json()
    assert response.status_code == 409
    assert answer["code"] == "edit_conflict"
    assert answer["message"] == (
        "这份总结已在别处修改并保存（第 2 版），请对照两个版本，选择保留哪一个。"
    )
    assert answer["detail"]["version"] == 2
    assert answer["detail"]["title"] == "张三同志挂职锻炼期满总结"
    assert answer["detail"]["bodies"]["insights"] == "另一个标签页写的"
    assert texts(summary)["insights"] == "另一个标签页写的"


def test_the_autosave_endpoint_refuses_bad_input_other_people_and_a_submitted_summary(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted()
    theirs = found.drafted(found.zhou)
    as_user(client, world, "cadre")

    unreadable = client.post(save_url(summary), "{", content_type="application/json")
    assert (unreadable.status_code, unreadable.json()["code"]) == (400, "invalid")
    wrong = client.post(
        save_url(summary),
        json.dumps({"base_version": "1", "title": "x", "bodies": {}}),
        content_type="application/json",
    )
    assert wrong.status_code == 400
    empty_title = client.post(
        save_url(summary),
        json.dumps({"base_version": 1, "title": " ", "bodies": {}}),
        content_type="application/json",
    )
    assert empty_title.json() == {
        "code": "invalid",
        "message": "请填写标题。",
        "detail": {"title": "请填写标题。"},
    }
    assert save_json(client, theirs, 1, insights="x").status_code == 404

    Summary.objects.filter(pk=summary.pk).update(state=SummaryState.SUBMITTED)
    submitted = save_json(client, summary, 1, insights="提交后又自动保存")
    assert (submitted.status_code, submitted.json()["code"]) == (409, "invalid_transition")
    assert texts(summary)["insights"] == "深入基层、贴近群众，才能把工作做实做细。"
    assert Summary.objects.get(pk=summary.pk).version == 1


def test_the_autosave_endpoint_answers_a_crafted_version_number_with_the_usual_message(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted()
    as_user(client, world, "cadre")

    # "²" and "٣" pass str.isdigit(); int() refuses the first and no page sends the second.
    for version in ("²", "٣", "1" * 5000):
        answer = client.post(
            save_url(summary), {"base_version": version, "title": "x", "section_insights": "y"}
        )
        assert answer.status_code == 400
        assert answer.json() == {
            "code": "invalid",
            "message": "保存的内容格式不正确，请刷新页面后重试。",
            "detail": None,
        }
    assert Summary.objects.get(pk=summary.pk).version == 1


def test_the_autosave_endpoint_takes_the_csrf_token_from_a_header(world) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted()
    client = Client(enforce_csrf_checks=True)
    as_user(client, world, "cadre")
    client.get(edit_url(summary))
    token = client.cookies["csrftoken"].value

    refused = save_json(client, summary, 1, insights="没有令牌")
    accepted = client.post(
        save_url(summary),
        json.dumps({"base_version": 1, "title": summary.title, "bodies": {"insights": "有令牌"}}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert (refused.status_code, accepted.status_code) == (403, 200)
    assert texts(summary)["insights"] == "有令牌"


def test_the_autosave_endpoint_takes_the_editor_form_fields_too(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.drafted()
    as_user(client, world, "cadre")

    response = client.post(save_url(summary), editor_post(summary, 1, insights="信标发送的"))

    assert response.json()["version"] == 2
    assert texts(summary)["insights"] == "信标发送的"


# --- the summary's page and the flow ------------------------------------------------------------


def test_the_flow_through_the_pages_with_the_trail_on_the_summary(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.summary(state=SummaryState.SUBMITTED)

    as_user(client, world, "group_leader")
    shown = page(client.get(detail_url(summary)))
    assert f'action="/summaries/{summary.pk}/review/"' in shown
    assert "下载 Word" in shown
    assert "一、推动产业发展。走访辖区企业32家" in shown
    review_url = reverse("summaries:summary_review", kwargs={"summary_pk": summary.pk})
    refused = client.post(review_url, {"decision": "return", "comment": ""})
    assert field_error("comment", "退回总结时请填写意见，说明需要修改的地方。") in page(refused)
    assert Summary.objects.get(pk=summary.pk).state == SummaryState.SUBMITTED
    client.post(review_url, {"decision": "accept", "comment": "同意。"})
    assert Summary.objects.get(pk=summary.pk).state == SummaryState.ACCEPTED

    as_user(client, world, "host_leader")
    shown = page(client.get(detail_url(summary)))
    assert "填写鉴定意见" in shown
    appraise_url = reverse("summaries:summary_appraise", kwargs={"summary_pk": summary.pk})
    assert field_error("appraisal", "请填写鉴定意见。") in page(
        client.post(appraise_url, {"appraisal": ""})
    )
    client.post(appraise_url, {"appraisal": "工作扎实，群众认可。"})

    as_user(client, world, "coordinator")
    archive_url = reverse("summaries:summary_archive", kwargs={"summary_pk": summary.pk})
    client.post(archive_url, {"comment": ""})
    assert Summary.objects.get(pk=summary.pk).state == SummaryState.ARCHIVED

    as_user(client, world, "cadre")
    shown = page(client.get(detail_url(summary)))
    assert ">已归档</span>" in shown
    assert "<p>工作扎实，群众认可。</p>" in shown
    trail = shown[shown.index('id="trail"') :]
    for who, action, comment in [
        ("组长钱", "审阅通过", "同意。"),
        ("白鹿镇赵书记", "鉴定", "工作扎实，群众认可。"),
        ("组织部王科长", "归档", "—"),
    ]:
        assert (
            f'<td data-label="操作人">{who}</td>\n'
            f'      <td data-label="操作">{action}</td>\n'
            f'      <td data-label="意见">{comment}</td>'
        ) in trail
    # Nobody may take a step any more: no form for anyone.
    assert 'id="review"' not in shown and 'id="appraise"' not in shown


def test_a_step_by_someone_who_may_not_take_it_is_refused_and_changes_nothing(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.summary(state=SummaryState.SUBMITTED)
    as_user(client, world, "host_leader")

    response = client.post(
        reverse("summaries:summary_appraise", kwargs={"summary_pk": summary.pk}),
        {"appraisal": "提前鉴定"},
        follow=True,
    )

    assert "该总结当前为“待审阅”，您不能执行此操作。" in page(response)
    assert Summary.objects.get(pk=summary.pk).appraisal == ""
    assert SummaryEvent.objects.filter(summary=summary, action="appraise").count() == 0


def test_an_archived_summary_shows_the_library_panel_to_the_coordinator(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.archived()

    as_user(client, world, "coordinator")
    assert 'id="library"' in page(client.get(detail_url(summary)))
    as_user(client, world, "host_leader")
    assert 'id="library"' not in page(client.get(detail_url(summary)))


# --- the batch's pages ------------------------------------------------------------------------


def serving(found: SummaryWorld, name: str) -> Assignment:
    post = PostFactory(batch=found.duty.batch_a, host_unit=found.zhang.host_unit, title="镇长助理")
    cadre = CadreFactory(name=name, home_unit=found.zhang.home_unit)
    return assign(post, cadre, AssignmentState.ACTIVE, start_date=found.zhang.start_date)


def test_the_batch_page_lists_both_kinds_for_everyone_and_filters_by_state(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    li = serving(found, "李明")
    wang = serving(found, "王五")
    found.summary(state=SummaryState.SUBMITTED)  # 张三's final summary
    found.summary(li, kind=SummaryKind.MIDTERM, state=SummaryState.ARCHIVED)
    found.drafted(wang, kind=SummaryKind.MIDTERM)
    as_user(client, world, "coordinator")

    shown = page(client.get(batch_url(found)))
    assert shown.count('<td data-label="姓名">') == 3
    assert ">待审阅</span>" in shown and ">已归档</span>" in shown and ">草稿</span>" in shown
    assert shown.count(">未开始</span>") == 3
    assert reverse("summaries:template_edit", kwargs={"batch_pk": found.duty.batch_a.pk}) in shown
    assert f'action="/summaries/batches/{found.duty.batch_a.pk}/export/"' in shown
    # The coordinator reviews 张三's (no group leader over him in his group): 待我处理.
    assert '<span class="value">1</span><span class="label">待我处理</span>' in shown

    submitted = page(client.get(batch_url(found), {"state": "submitted"}))
    assert submitted.count('<td data-label="姓名">') == 1 and "张三" in submitted
    missing_final = page(client.get(batch_url(found), {"kind": "final", "state": "missing"}))
    assert missing_final.count('<td data-label="姓名">') == 2
    assert "李明" in missing_final and "王五" in missing_final

    as_user(client, world, "group_leader")
    assert "总结模板" not in page(client.get(batch_url(found)))


def test_the_batch_page_costs_the_same_queries_whatever_the_number_of_people(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    found.summary(state=SummaryState.SUBMITTED)
    as_user(client, world, "coordinator")
    client.get(batch_url(found))  # caches (menu, grants) warmed

    with CaptureQueriesContext(connection) as one:
        client.get(batch_url(found))
    for index in range(4):
        person = serving(found, f"干部{index}")
        found.summary(person, state=SummaryState.SUBMITTED)
        found.drafted(person, kind=SummaryKind.MIDTERM)
    with CaptureQueriesContext(connection) as five:
        response = client.get(batch_url(found))

    assert page(response).count('<td data-label="姓名">') == 5
    assert len(five) == len(one)


def test_the_coordinator_renames_reorders_adds_and_removes_template_sections(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    batch = found.duty.batch_a
    url = reverse("summaries:template_edit", kwargs={"batch_pk": batch.pk})
    as_user(client, world, "coordinator")
    shown = page(client.get(url))
    assert 'name="heading_0" value="基本情况"' in shown
    assert 'name="remove_0"' not in shown  # 基本情况 cannot be removed
    assert 'name="remove_2"' in shown
    # Opening the page is reading: the defaults are shown, nothing is written.
    assert not SummaryTemplate.objects.exists()

    response = client.post(
        url,
        {
            "rows": "7",
            **{
                f"key_{i}": key
                for i, key in enumerate(
                    ["basic", "work", "insights", "shortcomings", "next_steps", "", ""]
                )
            },
            **{
                f"heading_{i}": h
                for i, h in enumerate(
                    ["基本情况", "工作成效", "心得体会", "存在不足", "下一步打算", "意见建议", ""]
                )
            },
            **{f"order_{i}": o for i, o in enumerate(["2", "1", "3", "4", "5", "4.5", ""])},
            "remove_3": "on",
            # Forged: a fixed section's box is never shown, and ticking it removes nothing.
            "remove_0": "on",
        },
    )

    assert response["Location"] == url
    assert summary_template_of(batch).sections == [
        {"key": "work", "heading": "工作成效"},
        {"key": "basic", "heading": "基本情况"},
        {"key": "insights", "heading": "心得体会"},
        {"key": "custom_1", "heading": "意见建议"},
        {"key": "next_steps", "heading": "下一步打算"},
    ]
    assert SummaryTemplate.objects.filter(batch=batch).count() == 1
    assert AuditEvent.objects.filter(action="summary_template.update").count() == 1


def test_a_template_refusal_is_shown_and_nothing_changes(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    batch = found.duty.batch_a
    url = reverse("summaries:template_edit", kwargs={"batch_pk": batch.pk})
    as_user(client, world, "coordinator")

    response = client.post(
        url,
        {
            "rows": "2",
            "key_0": "basic",
            "heading_0": "基本情况",
            "order_0": "1",
            "key_1": "work",
            "heading_1": "基本情况",
            "order_1": "2",
        },
    )

    assert response.status_code == 400
    assert "栏目“基本情况”重复了。" in page(response)
    assert summary_template_of(batch).sections[1] == {"key": "work", "heading": "主要工作"}


def test_a_crafted_row_count_is_refused_like_any_unreadable_template(world, client) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    batch = found.duty.batch_a
    url = reverse("summaries:template_edit", kwargs={"batch_pk": batch.pk})
    as_user(client, world, "coordinator")

    response = client.post(url, {"rows": "²", "key_0": "basic", "heading_0": "基本情况"})

    assert response.status_code == 400
    assert "“基本情况”由系统自动填写，不能删除。" in page(response)
    assert summary_template_of(batch).sections[0] == {"key": "basic", "heading": "基本情况"}


def test_the_editor_page_opens_for_a_returned_summary_with_the_reviewers_comment(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    found = summary_world(world)
    summary = found.summary(state=SummaryState.RETURNED)
    as_user(client, world, "cadre")

    shown = page(client.get(edit_url(summary)))

    assert "总结已被退回，请按意见修改后重新提交：请补充具体数据。" in shown

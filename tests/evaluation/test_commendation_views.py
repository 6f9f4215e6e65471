"""The commendation pages: the batch's list, nominating (from a result too), deciding,
withdrawing, the decision form, and the decision as Word opened back with python-docx."""

import datetime as dt
import io

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from guazhi.core.models import AuditEvent
from guazhi.evaluation.documents import commendation_decision_bytes
from guazhi.evaluation.models import (
    CommendationDecision,
    CommendationKind,
    Nomination,
    NominationState,
    RoundState,
)
from guazhi.evaluation.services.results import results_reopen
from guazhi.programmes.models import AssignmentState
from tests.evaluation.forms_world import results_world
from tests.evaluation.world import evaluation_world
from tests.factories import CadreFactory, UnitFactory
from tests.pages import as_user, field_error, page
from tests.programmes.factories import PostFactory, assign

CITATION = "挂职期间牵头建成产业园，带动就业300余人。"


def make(world, assignment, *, state=NominationState.NOMINATED, by="host_leader", **fields):  # type: ignore[no-untyped-def]
    values = {"kind": CommendationKind.COMMENDATION, "citation": CITATION, **fields}
    return Nomination.objects.create(
        assignment=assignment, state=state, nominated_by=world.users[by], **values
    )


def list_url(batch) -> str:  # type: ignore[no-untyped-def]
    return reverse("evaluation:commendation_list", kwargs={"batch_pk": batch.pk})


def nominate_url(batch) -> str:  # type: ignore[no-untyped-def]
    return reverse("evaluation:commendation_nominate", kwargs={"batch_pk": batch.pk})


def detail_url(nomination: Nomination) -> str:
    return reverse("evaluation:commendation_detail", kwargs={"nomination_pk": nomination.pk})


# Nominations ---------------------------------------------------------------------------------


def test_the_list_shows_the_nominations_and_for_the_coordinator_the_results_to_nominate_from(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.PUBLISHED)
    nomination = make(world, found.duty.serving_a)
    text = page(as_user(client, world, "coordinator").get(list_url(found.duty.batch_a)))
    assert detail_url(nomination) in text
    assert f"?evaluee={found.evaluee_a.pk}" in text
    assert "可依据考核结果提名" in text
    client.logout()
    text = page(as_user(client, world, "host_leader").get(list_url(found.duty.batch_a)))
    assert detail_url(nomination) in text
    assert "可依据考核结果提名" not in text
    assert "新建表彰决定" not in text


def test_a_leader_nominates_through_the_form(client, world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    client = as_user(client, world, "host_leader")
    url = nominate_url(found.duty.batch_a)
    form = page(client.get(url))
    assert "张三（白鹿镇党委副书记）" in form
    assert "周亮" not in form
    response = client.post(
        url,
        {
            "assignment": found.duty.serving_a.pk,
            "kind": CommendationKind.HONORARY_TITLE,
            "honorary_title": "优秀挂职干部",
            "citation": CITATION,
        },
    )
    nomination = Nomination.objects.get()
    assert response["Location"] == detail_url(nomination)
    assert (nomination.kind, nomination.honorary_title, nomination.assignment) == (
        CommendationKind.HONORARY_TITLE,
        "优秀挂职干部",
        found.duty.serving_a,
    )
    assert "提名已提交，等待组织部门审批。" in [str(m) for m in get_messages(response.wsgi_request)]
    text = page(client.get(detail_url(nomination)))
    assert "授予“优秀挂职干部”称号" in text
    assert CITATION in text


def test_a_nomination_without_a_citation_comes_back_with_the_field_error(client, world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    response = as_user(client, world, "host_leader").post(
        nominate_url(found.duty.batch_a),
        {
            "assignment": found.duty.serving_a.pk,
            "kind": CommendationKind.COMMENDATION,
            "citation": "",
        },
    )
    assert response.status_code == 200
    assert field_error("citation", "这个字段是必填项。") in page(response)
    assert not Nomination.objects.exists()


def test_someone_outside_the_leaders_reach_cannot_be_posted(client, world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    response = as_user(client, world, "host_leader").post(
        nominate_url(found.duty.batch_a),
        {"assignment": found.duty.serving_b.pk, "kind": "commendation", "citation": CITATION},
    )
    assert response.status_code == 200
    assert not Nomination.objects.exists()


def test_the_coordinator_nominates_from_a_result(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    client = as_user(client, world, "coordinator")
    url = nominate_url(found.duty.batch_a)
    text = page(client.get(url, {"evaluee": found.evaluee_a.pk}))
    assert f'name="evaluee" value="{found.evaluee_a.pk}"' in text
    response = client.post(
        url,
        {
            "evaluee": found.evaluee_a.pk,
            "assignment": found.duty.serving_a.pk,
            "kind": CommendationKind.COMMENDATION,
            "citation": CITATION,
        },
    )
    nomination = Nomination.objects.get()
    assert response["Location"] == detail_url(nomination)
    assert nomination.evaluee == found.evaluee_a
    # 钱组长 (合格) is no result to nominate from.
    assert client.get(url, {"evaluee": found.evaluee_leader.pk}).status_code == 404


def test_the_coordinator_approves_and_a_rejection_without_comment_changes_nothing(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    nomination = make(world, found.duty.serving_a)
    client = as_user(client, world, "coordinator")
    decide = reverse("evaluation:commendation_decide", kwargs={"nomination_pk": nomination.pk})
    assert 'action="' + decide + '"' in page(client.get(detail_url(nomination)))
    response = client.post(decide, {"decision": "reject", "comment": ""})
    assert response.status_code == 200
    assert field_error("comment", "请填写审批意见。") in page(response)
    assert Nomination.objects.get(pk=nomination.pk).state == NominationState.NOMINATED
    response = client.post(decide, {"decision": "approve", "comment": ""})
    assert response["Location"] == detail_url(nomination)
    assert Nomination.objects.get(pk=nomination.pk).state == NominationState.APPROVED
    # Decided: no form any more, and a second decision is refused with a message.
    assert 'action="' + decide + '"' not in page(client.get(detail_url(nomination)))
    response = client.post(decide, {"decision": "reject", "comment": "重复提交。"})
    assert response["Location"] == detail_url(nomination)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "该提名当前为“已批准”，不能执行此操作。"
    ]
    assert Nomination.objects.get(pk=nomination.pk).state == NominationState.APPROVED


def test_the_grade_behind_a_nomination_shows_only_while_decided(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    nomination = make(world, found.duty.serving_a, by="coordinator", evaluee=found.evaluee_a)
    as_user(client, world, "host_leader")
    text = page(client.get(detail_url(nomination)))
    assert f"{found.round.name} · 优秀" in text
    # Sent back to the committee, the grade is being reconsidered: it shows nowhere.
    results_reopen(actor=world.users["coordinator"], round=found.round, reason="复核等次")
    text = page(client.get(detail_url(nomination)))
    assert found.round.name in text and "优秀" not in text
    text = page(as_user(client, world, "coordinator").get(detail_url(nomination)))
    assert found.round.name in text and "优秀" not in text


def test_the_nominator_withdraws_and_others_are_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    nomination = make(world, found.duty.serving_a)
    withdraw = reverse("evaluation:commendation_withdraw", kwargs={"nomination_pk": nomination.pk})
    response = as_user(client, world, "dispatch_admin").post(withdraw)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["只有提名人可以撤回提名。"]
    assert Nomination.objects.get(pk=nomination.pk).state == NominationState.NOMINATED
    client.logout()
    client = as_user(client, world, "host_leader")
    assert withdraw in page(client.get(detail_url(nomination)))
    client.post(withdraw)
    assert Nomination.objects.get(pk=nomination.pk).state == NominationState.WITHDRAWN


# Decisions --------------------------------------------------------------------------------


def test_the_coordinator_drafts_a_decision_and_downloads_it(client, world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    zhang = make(world, found.duty.serving_a, state=NominationState.APPROVED)
    make(world, found.leader_assignment)  # pending: not offered
    client = as_user(client, world, "coordinator")
    url = reverse(
        "evaluation:commendation_decision_create", kwargs={"batch_pk": found.duty.batch_a.pk}
    )
    form = page(client.get(url))
    assert f'value="{zhang.pk}"' in form
    assert "钱组长" not in form
    response = client.post(
        url,
        {
            "title": "关于表彰优秀挂职干部的决定",
            "number": "浔组字〔2026〕12号",
            "issued_on": "2026-12-20",
            "issuer": "中共浔阳区委组织部",
            "preamble": "为表彰先进，决定予以表彰。",
            "nominations": [zhang.pk],
        },
    )
    decision = CommendationDecision.objects.get()
    assert response["Location"] == reverse(
        "evaluation:commendation_decision_edit", kwargs={"decision_pk": decision.pk}
    )
    assert Nomination.objects.get(pk=zhang.pk).decision == decision
    word = client.get(
        reverse("evaluation:commendation_decision_word", kwargs={"decision_pk": decision.pk})
    )
    document = Document(io.BytesIO(word.content))
    assert "关于表彰优秀挂职干部的决定" in [p.text for p in document.paragraphs]
    assert AuditEvent.objects.get(action="commendation.decision_export").detail == {
        "title": "关于表彰优秀挂职干部的决定",
        "count": 1,
    }


def test_a_decision_without_anyone_to_list_comes_back_with_the_field_error(client, world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    url = reverse(
        "evaluation:commendation_decision_create", kwargs={"batch_pk": found.duty.batch_a.pk}
    )
    response = as_user(client, world, "coordinator").post(
        url, {"title": "关于表彰的决定", "issued_on": "2026-12-20", "issuer": "中共浔阳区委组织部"}
    )
    assert response.status_code == 200
    assert "本批次没有已批准、尚未列入其他表彰决定的提名" in page(response)
    assert not CommendationDecision.objects.exists()


# The decision as Word ---------------------------------------------------------------------


def test_the_decision_document_lists_the_commended_by_honour_with_unit_and_post(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    town = UnitFactory(name="石门镇", kind="township", level="township", parent=world.district_a)
    post = PostFactory(batch=found.duty.batch_a, host_unit=town, title="镇长助理")
    sun = assign(
        post,
        CadreFactory(name="孙五", home_unit=world.school_a, position="副科长"),
        AssignmentState.ACTIVE,
    )
    decision = CommendationDecision.objects.create(
        batch=found.duty.batch_a,
        title="关于表彰2026年度优秀挂职干部的决定",
        number="浔组字〔2026〕12号",
        issued_on=dt.date(2026, 12, 20),
        issuer="中共浔阳区委组织部",
        preamble="2026年，全区挂职干部扎根基层、担当作为。\n为表彰先进，决定：",
    )
    approved = NominationState.APPROVED
    for assignment, kind, title in (
        (found.duty.serving_a, CommendationKind.COMMENDATION, ""),
        (sun, CommendationKind.COMMENDATION, ""),
        (found.leader_assignment, CommendationKind.THIRD_CLASS, ""),
        (found.duty.serving_a, CommendationKind.HONORARY_TITLE, "优秀挂职干部"),
    ):
        made = make(world, assignment, state=approved, kind=kind, honorary_title=title)
        Nomination.objects.filter(pk=made.pk).update(decision=decision)
    # A nomination not approved is never printed, even if listed.
    make(world, sun, state=NominationState.WITHDRAWN, kind=CommendationKind.FIRST_CLASS)
    Nomination.objects.filter(kind=CommendationKind.FIRST_CLASS).update(decision=decision)
    document = Document(io.BytesIO(commendation_decision_bytes(decision)))
    texts = [p.text for p in document.paragraphs]
    assert texts == [
        "浔组字〔2026〕12号",
        "",
        "关于表彰2026年度优秀挂职干部的决定",
        "",
        "2026年，全区挂职干部扎根基层、担当作为。",
        "为表彰先进，决定：",
        "一、记三等功（1名）",
        "钱组长（浔阳区委党校科长，挂职白鹿镇党委委员）",
        "二、嘉奖（2名）",
        "孙五（浔阳区委党校副科长，挂职石门镇镇长助理）",
        "张三（浔阳区委党校科长，挂职白鹿镇党委副书记）",
        "三、授予“优秀挂职干部”称号（1名）",
        "张三（浔阳区委党校科长，挂职白鹿镇党委副书记）",
        "",
        "",
        "中共浔阳区委组织部",
        "2026年12月20日",
    ]
    number, title = document.paragraphs[0], document.paragraphs[2]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    [run] = title.runs
    assert (run._element.rPr.rFonts.get(qn("w:eastAsia")), run.font.size.pt) == (
        "方正小标宋简体",
        22,
    )
    heading = document.paragraphs[6].runs[0]
    assert heading._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    person = document.paragraphs[7].runs[0]
    assert (person._element.rPr.rFonts.get(qn("w:eastAsia")), person.font.size.pt) == (
        "仿宋_GB2312",
        16,
    )
    assert document.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_the_list_costs_the_same_queries_however_many_nominations(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.PUBLISHED)
    make(world, found.duty.serving_a)
    client = as_user(client, world, "coordinator")
    url = list_url(found.duty.batch_a)
    client.get(url)  # the session and the caches warm
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    make(world, found.leader_assignment, state=NominationState.APPROVED, by="coordinator")
    make(world, found.duty.serving_a, kind=CommendationKind.THIRD_CLASS, by="dispatch_admin")
    with CaptureQueriesContext(connection) as three:
        assert page(client.get(url)).count("/evaluation/nominations/") == 3
    assert len(three.captured_queries) == len(one.captured_queries)

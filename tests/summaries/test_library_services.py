"""Publishing to the experience library through the services: propose → consent or decline →
approve → withdraw → publish again, an author's own offer, edits, bookmarks; every refusal
leaves everything as it was.

张三 (the world's cadre) has an archived final summary in batch A, coordinated by 浔阳区, where
the world's coordinator works; 周亮's summary in batch B is outside every role.
"""

from typing import Any

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent, Notification
from guazhi.summaries import search
from guazhi.summaries.models import (
    LIBRARY_TRANSITIONS,
    Bookmark,
    LibraryDocument,
    LibraryKeyword,
    LibrarySource,
    LibraryState,
    SummaryState,
)
from guazhi.summaries.selectors.library import access_library_document
from guazhi.summaries.services.keywords import extract_keywords
from guazhi.summaries.services.library import (
    library_approve,
    library_bookmark_set,
    library_consent,
    library_decline,
    library_offer,
    library_propose,
    library_republish,
    library_update,
    library_withdraw,
)
from tests.summaries.library_world import LibraryWorld, library_world


def snapshot(document: LibraryDocument) -> tuple:
    """Everything a refused step must leave as it was."""
    fresh = LibraryDocument.objects.get(pk=document.pk)
    return (
        fresh.state,
        fresh.title,
        fresh.sections,
        fresh.consented_at,
        fresh.published_at,
        fresh.published_by_id,
        list(fresh.keywords.values_list("keyword", flat=True)),
        AuditEvent.objects.filter(action__startswith="library.").count(),
    )


def loaded(found: LibraryWorld, document: LibraryDocument, role: str) -> LibraryDocument:
    return access_library_document(actor=found.user(role), pk=document.pk)


def propose(found: LibraryWorld, **kwargs: Any) -> LibraryDocument:
    return library_propose(actor=found.user("coordinator"), summary=found.archived(), **kwargs)


def texts(role_notifications: Any) -> list[str]:
    return [n.text for n in role_notifications]


# --- the whole way ----------------------------------------------------------------------------


def test_proposed_consented_approved_it_is_published(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found = library_world(world)
    summary = found.archived()

    with django_capture_on_commit_callbacks(execute=True):
        document = propose(found, anonymised=False)

    assert document.state == LibraryState.AWAITING_CONSENT
    assert document.source == LibrarySource.SUMMARY
    assert document.owner_org == world.district_a
    assert document.title == "张三同志挂职锻炼期满总结"
    assert [s["heading"] for s in document.sections] == [
        "基本情况",
        "主要工作",
        "心得体会",
        "存在不足",
        "下一步打算",
    ]
    assert document.sections[2]["body"] == "深入基层、贴近群众，才能把工作做实做细。"
    assert document.year == found.zhang.start_date.year
    assert document.host_unit_kind == "township"
    assert document.author_label == "张三（浔阳区委党校，挂任白鹿镇党委副书记）"
    assert document.anonymised is False
    assert document.created_by == found.user("coordinator")
    assert texts(Notification.objects.filter(recipient=found.user("cadre"))) == [
        "组织部门推荐将您的总结“张三同志挂职锻炼期满总结”收入经验库，请确认是否同意。"
    ]
    # Not published: readers' search finds nothing yet.
    assert search.search_documents("产业", documents=LibraryDocument.objects.published()).total == 0

    with django_capture_on_commit_callbacks(execute=True):
        document = library_consent(
            actor=found.user("cadre"), document=loaded(found, document, "cadre")
        )

    assert document.state == LibraryState.AWAITING_APPROVAL
    assert document.consented_at is not None
    assert texts(Notification.objects.filter(recipient=found.user("coordinator"))) == [
        "张三同意将总结“张三同志挂职锻炼期满总结”收入经验库，请审批发布。"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        document = library_approve(
            actor=found.user("coordinator"), document=loaded(found, document, "coordinator")
        )

    assert document.state == LibraryState.PUBLISHED
    assert document.published_by == found.user("coordinator")
    assert document.published_at is not None
    assert Notification.objects.filter(
        recipient=found.user("cadre"), text="您的总结“张三同志挂职锻炼期满总结”已发布到经验库。"
    ).exists()
    hits = search.search_documents("产业", documents=LibraryDocument.objects.published())
    assert [hit.document.pk for hit in hits.hits] == [document.pk]
    assert list(
        AuditEvent.objects.filter(object_id=str(document.pk), action__startswith="library.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["library.propose", "library.consent", "library.approve"]
    assert summary.state == SummaryState.ARCHIVED


def test_the_author_declines_and_nothing_is_published(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found = library_world(world)
    document = propose(found)

    with django_capture_on_commit_callbacks(execute=True):
        document = library_decline(
            actor=found.user("cadre"), document=loaded(found, document, "cadre")
        )

    assert document.state == LibraryState.DECLINED
    assert document.consented_at is None
    assert texts(Notification.objects.filter(recipient=found.user("coordinator"))) == [
        "张三不同意将总结“张三同志挂职锻炼期满总结”收入经验库。"
    ]
    before = snapshot(document)
    with pytest.raises(InvalidTransition):
        library_approve(
            actor=found.user("coordinator"), document=loaded(found, document, "coordinator")
        )
    assert snapshot(document) == before
    assert LibraryDocument.objects.published().count() == 0


def test_proposing_again_after_a_decline_asks_again_with_the_text_copied_anew(
    world: Any,
) -> None:
    found = library_world(world)
    document = propose(found, anonymised=False)
    library_decline(actor=found.user("cadre"), document=loaded(found, document, "cadre"))

    again = propose(found, anonymised=True)

    assert again.pk == document.pk
    assert again.state == LibraryState.AWAITING_CONSENT
    assert again.anonymised is True
    assert again.title == "某同志挂职锻炼期满总结"
    assert again.author_label == "某乡镇挂职干部"
    assert AuditEvent.objects.get(action="library.propose", detail__again=True).object_id == str(
        document.pk
    )


def test_an_anonymised_document_keeps_no_name_and_no_placeholder_keyword(world: Any) -> None:
    found = library_world(world)

    document = propose(found, anonymised=True, extra_names=["江州市"])

    assert document.sections[0]["body"].startswith("某同志，某区委党校科长，")
    assert "在某镇挂职，任党委副书记。" in document.sections[0]["body"]
    assert "张三" not in document.text and "白鹿镇" not in document.text
    keywords = list(
        LibraryKeyword.objects.filter(document=document).values_list("keyword", flat=True)
    )
    assert keywords and all("某" not in keyword for keyword in keywords)
    assert keywords == extract_keywords(document.text)


def test_an_author_offers_their_own_summary_and_a_coordinator_approves(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found = library_world(world)

    with django_capture_on_commit_callbacks(execute=True):
        document = library_offer(
            actor=found.user("cadre"), summary=found.archived(), anonymised=False
        )

    assert document.state == LibraryState.AWAITING_APPROVAL
    assert document.consented_at is not None
    assert texts(Notification.objects.filter(recipient=found.user("coordinator"))) == [
        "张三申请将总结“张三同志挂职锻炼期满总结”收入经验库，请审批。"
    ]
    document = library_approve(
        actor=found.user("coordinator"), document=loaded(found, document, "coordinator")
    )
    assert document.state == LibraryState.PUBLISHED


def test_a_coordinator_withdraws_and_publishes_again(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.PUBLISHED)
    search.index_document(document)

    with django_capture_on_commit_callbacks(execute=True):
        document = library_withdraw(
            actor=found.user("coordinator"),
            document=loaded(found, document, "coordinator"),
            reason="内容需要更新",
        )

    assert document.state == LibraryState.WITHDRAWN
    assert document.consented_at is not None
    assert search.search_documents("产业", documents=LibraryDocument.objects.published()).total == 0
    assert Notification.objects.filter(
        recipient=found.user("cadre"), text="您的总结“张三同志挂职锻炼期满总结”已从经验库撤下。"
    ).exists()
    assert AuditEvent.objects.get(action="library.withdraw").detail == {
        "by_author": False,
        "reason": "内容需要更新",
    }

    document = library_republish(
        actor=found.user("coordinator"), document=loaded(found, document, "coordinator")
    )
    assert document.state == LibraryState.PUBLISHED
    assert search.search_documents("产业", documents=LibraryDocument.objects.published()).total == 1


def test_a_withdrawal_reason_too_long_is_refused_not_cut(world: Any) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.PUBLISHED)
    before = snapshot(document)

    with pytest.raises(ValidationFailed) as refused:
        library_withdraw(
            actor=found.user("coordinator"),
            document=loaded(found, document, "coordinator"),
            reason="内" * 501,
        )

    assert refused.value.detail == {"reason": "撤下原因不能超过 500 字。"}
    assert snapshot(document) == before


def test_withdrawn_by_its_author_it_cannot_be_published_again(world: Any) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.PUBLISHED)

    document = library_withdraw(
        actor=found.user("cadre"), document=loaded(found, document, "cadre")
    )

    assert document.state == LibraryState.WITHDRAWN
    assert document.consented_at is None
    before = snapshot(document)
    with pytest.raises(InvalidTransition, match="作者本人已撤回同意，不能重新发布。"):
        library_republish(
            actor=found.user("coordinator"), document=loaded(found, document, "coordinator")
        )
    assert snapshot(document) == before


def test_withdrawn_by_its_author_a_coordinator_asks_again(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.PUBLISHED)
    library_withdraw(actor=found.user("cadre"), document=loaded(found, document, "cadre"))

    with django_capture_on_commit_callbacks(execute=True):
        again = propose(found, anonymised=True)

    assert (again.pk, again.state) == (document.pk, LibraryState.AWAITING_CONSENT)
    assert again.title == "某同志挂职锻炼期满总结"  # the text copied anew, as chosen
    assert texts(Notification.objects.filter(recipient=found.user("cadre"))) == [
        "组织部门推荐将您的总结“张三同志挂职锻炼期满总结”收入经验库，请确认是否同意。"
    ]
    assert AuditEvent.objects.get(action="library.propose").detail["again"] is True
    library_consent(actor=found.user("cadre"), document=loaded(found, again, "cadre"))
    published = library_approve(
        actor=found.user("coordinator"), document=loaded(found, again, "coordinator")
    )
    assert published.state == LibraryState.PUBLISHED
    assert search.search_documents("产业", documents=LibraryDocument.objects.published()).total == 1


def test_withdrawn_by_its_author_the_author_offers_it_again(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.PUBLISHED)
    library_withdraw(actor=found.user("cadre"), document=loaded(found, document, "cadre"))

    with django_capture_on_commit_callbacks(execute=True):
        again = library_offer(actor=found.user("cadre"), summary=found.archived())

    assert (again.pk, again.state) == (document.pk, LibraryState.AWAITING_APPROVAL)
    assert again.consented_at is not None
    assert Notification.objects.filter(
        recipient=found.user("coordinator"),
        text="张三申请将总结“张三同志挂职锻炼期满总结”收入经验库，请审批。",
    ).exists()
    assert AuditEvent.objects.get(action="library.offer").detail["again"] is True
    published = library_approve(
        actor=found.user("coordinator"), document=loaded(found, again, "coordinator")
    )
    assert published.state == LibraryState.PUBLISHED


def test_withdrawn_by_a_coordinator_it_is_published_again_not_asked_again(world: Any) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.PUBLISHED)
    library_withdraw(
        actor=found.user("coordinator"), document=loaded(found, document, "coordinator")
    )
    before = snapshot(document)

    # The author's consent stands: asking for it again would only take it back.
    with pytest.raises(InvalidTransition, match="作者本人的同意仍然有效，可以直接重新发布。"):
        propose(found)
    with pytest.raises(InvalidTransition, match="这篇总结已在经验库流程中（已撤下）。"):
        library_offer(actor=found.user("cadre"), summary=found.archived())

    assert snapshot(document) == before


def test_without_the_authors_consent_nothing_is_approved(world: Any) -> None:
    found = library_world(world)
    # Awaiting approval, but the consent is missing (as no service leaves it): still refused.
    document = found.document(state=LibraryState.AWAITING_APPROVAL)
    LibraryDocument.objects.filter(pk=document.pk).update(consented_at=None)
    before = snapshot(document)

    with pytest.raises(InvalidTransition, match="作者本人尚未同意，不能发布。"):
        library_approve(
            actor=found.user("coordinator"), document=loaded(found, document, "coordinator")
        )

    assert snapshot(document) == before


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["host_leader", "group_leader", "dispatch_admin", "cadre"])
def test_only_a_coordinator_over_the_batch_proposes(world: Any, role: str) -> None:
    found = library_world(world)

    with pytest.raises(Forbidden):
        library_propose(actor=found.user(role), summary=found.archived())

    assert LibraryDocument.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="library.").count() == 0


def test_a_summary_not_archived_is_not_proposed_nor_offered(world: Any) -> None:
    found = library_world(world)
    summary = found.summaries.summary(state=SummaryState.APPRAISED)

    with pytest.raises(InvalidTransition, match="总结归档后才能推荐入经验库。"):
        library_propose(actor=found.user("coordinator"), summary=summary)
    with pytest.raises(InvalidTransition, match="总结归档后才能申请收入经验库。"):
        library_offer(actor=found.user("cadre"), summary=summary)

    assert LibraryDocument.objects.count() == 0


def test_only_the_author_consents_or_declines(world: Any) -> None:
    found = library_world(world)
    document = propose(found)
    before = snapshot(document)

    for role in ("coordinator", "group_leader", "host_leader", "admin"):
        with pytest.raises(Forbidden):
            library_consent(actor=found.user(role), document=document)
        with pytest.raises(Forbidden):
            library_decline(actor=found.user(role), document=document)

    assert snapshot(document) == before


def test_the_author_does_not_approve_their_own(world: Any) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.AWAITING_APPROVAL)
    before = snapshot(document)

    with pytest.raises(Forbidden):
        library_approve(actor=found.user("cadre"), document=loaded(found, document, "cadre"))

    assert snapshot(document) == before


def test_a_coordinator_elsewhere_does_not_manage_the_document(world: Any) -> None:
    found = library_world(world)
    document = found.document(found.zhou, state=LibraryState.PUBLISHED)
    before = snapshot(document)

    # Published, so readable; but 浔阳区's coordinator does not manage 濂溪区's document.
    readable = loaded(found, document, "coordinator")
    with pytest.raises(Forbidden):
        library_withdraw(actor=found.user("coordinator"), document=readable)
    with pytest.raises(Forbidden):
        library_update(
            actor=found.user("coordinator"),
            document=readable,
            title="新标题",
            sections=[{"heading": "", "body": "正文"}],
            keywords=None,
        )

    assert snapshot(document) == before


def test_an_author_offers_only_once(world: Any) -> None:
    found = library_world(world)
    document = propose(found)
    before = snapshot(document)

    with pytest.raises(InvalidTransition, match="这篇总结已在经验库流程中（待本人同意）。"):
        library_offer(actor=found.user("cadre"), summary=found.archived())

    assert snapshot(document) == before


# --- the transition table, walked -------------------------------------------------------------

# The service that moves a document to each target, and who takes it.
MOVES = {
    LibraryState.AWAITING_CONSENT: ("coordinator", "propose"),
    LibraryState.AWAITING_APPROVAL: ("cadre", "consent"),
    LibraryState.DECLINED: ("cadre", "decline"),
    LibraryState.PUBLISHED: ("coordinator", "approve"),
    LibraryState.WITHDRAWN: ("coordinator", "withdraw"),
}
ASKING = (LibraryState.AWAITING_CONSENT, LibraryState.AWAITING_APPROVAL)


def _move(found: LibraryWorld, document: LibraryDocument, target: str) -> None:
    role, name = MOVES[target]
    actor = found.user(role)
    if name == "propose":
        library_propose(actor=actor, summary=found.archived())
        return
    if target == LibraryState.AWAITING_APPROVAL and document.state == LibraryState.WITHDRAWN:
        library_offer(actor=actor, summary=found.archived())  # consent given again
        return
    service = {
        "consent": library_consent,
        "decline": library_decline,
        "approve": library_approve,
        "withdraw": library_withdraw,
    }[name]
    if target == LibraryState.PUBLISHED and document.state == LibraryState.WITHDRAWN:
        service = library_republish
    service(actor=actor, document=loaded(found, document, role))


@pytest.mark.parametrize(
    ("start", "target"),
    [(start, target) for start in LibraryState.values for target in LibraryState.values],
)
def test_every_move_of_the_table_is_taken_and_every_other_refused(
    world: Any, start: str, target: str
) -> None:
    found = library_world(world)
    document = found.document(state=start)
    if start == LibraryState.WITHDRAWN and target in ASKING:
        # Only a document its author withdrew is asked for again (the tests above).
        LibraryDocument.objects.filter(pk=document.pk).update(consented_at=None)
    allowed = target in LIBRARY_TRANSITIONS[start]
    before = snapshot(document)

    if allowed:
        _move(found, document, target)
        assert LibraryDocument.objects.get(pk=document.pk).state == target
    else:
        with pytest.raises(InvalidTransition):
            _move(found, document, target)
        assert snapshot(document) == before


# --- editing ------------------------------------------------------------------------------------


def test_an_edit_changes_title_text_and_keywords_and_reindexes(world: Any) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.PUBLISHED)
    search.index_document(document)

    document = library_update(
        actor=found.user("coordinator"),
        document=loaded(found, document, "coordinator"),
        title="  扎根基层  一年间 ",
        sections=[
            {"heading": "一、做法", "body": "发展茶叶合作社，带动农户增收。"},
            {"heading": "", "body": ""},
        ],
        keywords=["茶叶", "合作社", "茶叶"],
    )

    fresh = LibraryDocument.objects.get(pk=document.pk)
    assert fresh.title == "扎根基层 一年间"
    assert fresh.sections == [{"heading": "一、做法", "body": "发展茶叶合作社，带动农户增收。"}]
    assert list(fresh.keywords.values_list("keyword", flat=True)) == ["茶叶", "合作社"]
    assert search.search_documents("产业", documents=LibraryDocument.objects.published()).total == 0
    assert search.search_documents("茶叶", documents=LibraryDocument.objects.published()).total == 1
    assert AuditEvent.objects.get(action="library.update").detail == {
        "changed": ["title", "sections", "keywords"],
        "keywords": ["茶叶", "合作社"],
        "length": len(fresh.text),
    }


def test_an_edit_without_keywords_extracts_them_again(world: Any) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.PUBLISHED)
    body = "发展茶叶合作社，带动农户增收；修建产业路，方便茶叶运输。茶叶品牌打响了。"

    library_update(
        actor=found.user("coordinator"),
        document=loaded(found, document, "coordinator"),
        title="茶叶富民",
        sections=[{"heading": "做法", "body": body}],
        keywords=None,
    )

    assert list(
        LibraryKeyword.objects.filter(document=document).values_list("keyword", flat=True)
    ) == extract_keywords("茶叶富民\n做法\n" + body)


@pytest.mark.parametrize(
    ("title", "sections", "keywords", "field", "message"),
    [
        ("", [{"heading": "", "body": "正文"}], None, "title", "请填写标题。"),
        ("标题", [{"heading": "", "body": " "}], None, "body_0", "正文不能为空。"),
        (
            "标题",
            [{"heading": "长" * 51, "body": "正文"}],
            None,
            "heading_0",
            "第1部分的标题不能超过 50 字。",
        ),
        (
            "标题",
            [{"heading": "", "body": "正文"}],
            ["词" * 21],
            "keywords",
            "关键词“" + "词" * 21 + "”超过 20 字。",
        ),
    ],
)
def test_an_edit_that_does_not_hold_is_refused(
    world: Any, title: str, sections: list, keywords: Any, field: str, message: str
) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.PUBLISHED)
    before = snapshot(document)

    with pytest.raises(ValidationFailed) as refused:
        library_update(
            actor=found.user("coordinator"),
            document=loaded(found, document, "coordinator"),
            title=title,
            sections=sections,
            keywords=keywords,
        )

    assert refused.value.detail == {field: message}
    assert snapshot(document) == before


# --- bookmarks ----------------------------------------------------------------------------------


def test_bookmarks_are_each_readers_own(world: Any) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.PUBLISHED)

    assert library_bookmark_set(actor=found.user("cadre"), document=document, marked=True)
    assert library_bookmark_set(actor=found.user("cadre"), document=document, marked=True)
    assert not library_bookmark_set(
        actor=found.user("host_leader"), document=document, marked=False
    )

    assert list(Bookmark.objects.values_list("user__username", flat=True)) == ["cadre"]
    assert not library_bookmark_set(actor=found.user("cadre"), document=document, marked=False)
    assert Bookmark.objects.count() == 0
    assert list(
        AuditEvent.objects.filter(action__startswith="library.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["library.bookmark", "library.unbookmark"]


def test_an_unpublished_document_is_not_bookmarked(world: Any) -> None:
    found = library_world(world)
    document = found.document(state=LibraryState.AWAITING_APPROVAL)

    with pytest.raises(InvalidTransition, match="该文档未发布，不能收藏。"):
        library_bookmark_set(actor=found.user("coordinator"), document=document, marked=True)

    assert Bookmark.objects.count() == 0

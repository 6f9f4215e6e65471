"""Reading the experience library: the list with its search box and filters, one document, the
收藏 button with and without JavaScript, each reader's bookmarks, the coordinators' pages, and the
panel on an archived summary's page. Readers only ever see published documents.
"""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guazhi.core.models import AuditEvent
from guazhi.summaries import search
from guazhi.summaries.models import Bookmark, LibraryDocument, LibraryState
from guazhi.summaries.search import postgresql
from guazhi.summaries.selectors.library import library_panel
from guazhi.summaries.services.library import (
    library_approve,
    library_propose,
    library_withdraw,
)
from tests.pages import as_user, field_error, page
from tests.summaries.library_world import LibraryWorld, library_world

LIST = "/summaries/library/"


def shelf(world: Any) -> tuple[LibraryWorld, dict[str, LibraryDocument]]:
    """Four published documents of two years and kinds, one waiting for approval, one
    withdrawn; all indexed as the services would."""
    found = library_world(world)
    made = {
        "tea": found.imported(
            world.district_a,
            year=2023,
            kind="village",
            title="茶叶合作社的故事",
            body="发展茶叶合作社，带动农户增收。",
            keywords=("茶叶", "合作社"),
        ),
        "grid": found.imported(
            world.district_a,
            year=2024,
            kind="community",
            title="社区网格化治理",
            body="建立网格化管理机制，化解矛盾纠纷。",
            keywords=("网格化",),
        ),
        "invest": found.imported(
            world.district_b,
            year=2024,
            kind="township",
            title="招商引资一年间",
            body="引进茶叶加工项目两个。",
            keywords=("招商引资", "茶叶"),
        ),
        "zhang": found.document(found.zhang, state=LibraryState.PUBLISHED),
        "pending": found.imported(
            world.district_a,
            title="尚未发布的茶叶经验",
            body="茶叶。",
            state=LibraryState.AWAITING_APPROVAL,
        ),
        "withdrawn": found.imported(
            world.district_a,
            title="撤下的茶叶经验",
            body="茶叶。",
            state=LibraryState.WITHDRAWN,
        ),
    }
    for document in made.values():
        search.index_document(document)
    return found, made


def titles(html: str, documents: dict[str, LibraryDocument]) -> list[str]:
    """The documents whose titles the page links to, in page order."""
    found = []
    for key, document in documents.items():
        link = reverse("summaries:library_detail", kwargs={"document_pk": document.pk})
        position = html.find(f'href="{link}')
        if position >= 0:
            found.append((position, key))
    return [key for _position, key in sorted(found)]


def test_the_list_shows_published_documents_newest_first(world: Any, client: Any) -> None:
    _found, documents = shelf(world)
    as_user(client, world, "cadre")

    html = page(client.get(LIST))

    assert titles(html, documents) == ["zhang", "invest", "grid", "tea"]
    assert "共 4 篇" in html


def test_a_coordinator_and_an_author_do_not_see_pending_ones_in_the_list(
    world: Any, client: Any
) -> None:
    _found, documents = shelf(world)

    for role in ("coordinator", "admin"):
        as_user(client, world, role)
        assert "pending" not in titles(page(client.get(LIST + "?q=茶叶")), documents)


def test_filters_by_year_kind_and_keyword(world: Any, client: Any) -> None:
    _found, documents = shelf(world)
    as_user(client, world, "cadre")

    assert titles(page(client.get(LIST + "?year=2024")), documents) == ["invest", "grid"]
    assert titles(page(client.get(LIST + "?kind=village")), documents) == ["tea"]
    by_keyword = page(client.get(LIST + "?keyword=茶叶"))
    assert titles(by_keyword, documents) == ["invest", "tea"]
    assert '<span class="tag">茶叶</span>' in by_keyword
    assert titles(page(client.get(LIST + "?keyword=茶叶&year=2023")), documents) == ["tea"]
    # The keyword chips link to the filtered list.
    assert 'href="/summaries/library/?keyword=%E7%BD%91%E6%A0%BC%E5%8C%96">网格化</a>' in page(
        client.get(LIST)
    )


def test_the_filters_choices_follow_what_is_published(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    found, _documents = shelf(world)
    as_user(client, world, "cadre")
    before = page(client.get(LIST))
    document = found.imported(
        world.district_a, year=2019, kind="subdistrict", state=LibraryState.AWAITING_APPROVAL
    )

    with django_capture_on_commit_callbacks(execute=True):
        library_approve(actor=found.user("coordinator"), document=document)
    after = page(client.get(LIST))

    assert '<option value="2019">' not in before
    assert '<option value="2019">2019年</option>' in after
    assert '<option value="subdistrict">街道</option>' in after


def test_a_search_finds_words_highlighted_among_published_documents_only(
    world: Any, client: Any
) -> None:
    _found, documents = shelf(world)
    as_user(client, world, "host_leader")

    html = page(client.get(LIST + "?q=茶葉"))  # Traditional finds Simplified

    assert sorted(titles(html, documents)) == ["invest", "tea"]
    assert "找到 2 篇" in html
    assert "<mark>茶叶</mark>" in html
    assert "?q=%E8%8C%B6%E8%91%89" in html  # the reading page marks the words too
    assert titles(page(client.get(LIST + "?q=茶叶 网格化")), documents) == []
    assert titles(page(client.get(LIST + "?q=茶叶&kind=village")), documents) == ["tea"]


def test_an_htmx_search_answers_with_the_results_only(world: Any, client: Any) -> None:
    _found, documents = shelf(world)
    as_user(client, world, "cadre")

    html = page(client.get(LIST + "?q=网格化", HTTP_HX_REQUEST="true"))

    assert titles(html, documents) == ["grid"]
    assert "<html" not in html and 'role="search"' not in html


def test_the_list_pages_by_twenty_with_queries_not_growing(world: Any, client: Any) -> None:
    found = library_world(world)
    for number in range(21):
        found.imported(world.district_a, title=f"经验{number:02d}", keywords=("扎根基层",))
    as_user(client, world, "cadre")
    client.get(LIST)  # warm the session and the menu

    with CaptureQueriesContext(connection) as first:
        html = page(client.get(LIST))
    second = page(client.get(LIST + "?page=2"))

    assert "共 21 篇" in html and "第 1 / 2 页" in html
    assert html.count('<article class="card">') == 20
    assert second.count('<article class="card">') == 1 and "经验00" in second
    for number in range(21, 41):
        found.imported(world.district_a, title=f"经验{number:02d}", keywords=("扎根基层",))
    with CaptureQueriesContext(connection) as more:
        client.get(LIST)
    assert len(more.captured_queries) == len(first.captured_queries)


@pytest.mark.parametrize("ranked", [True, False])
def test_a_page_number_past_every_match_shows_the_last_page(
    world: Any, client: Any, monkeypatch: Any, ranked: bool
) -> None:
    found = library_world(world)
    if not ranked:  # more matches than the search counts: newest first, paged by the index
        monkeypatch.setattr(search, "RANK_LIMIT", 3)
    for number in range(4):
        search.index_document(
            found.imported(world.district_a, title=f"茶叶经验{number}", body="茶叶。")
        )
    as_user(client, world, "cadre")

    for number in ("99999999999999999999", "3"):
        response = client.get(LIST + f"?q=茶叶&page={number}")
        html = page(response)
        assert response.status_code == 200
        assert "第 1 / 1 页" not in html  # one page: no pager at all
        # The first (and only) page.
        assert html.count('<article class="card">') == 4
        if not ranked:
            assert html.index("茶叶经验3") < html.index("茶叶经验0")  # newest first


def test_a_reader_opens_a_published_document_with_the_words_marked(world: Any, client: Any) -> None:
    _found, documents = shelf(world)
    as_user(client, world, "group_leader")
    url = reverse("summaries:library_detail", kwargs={"document_pk": documents["tea"].pk})

    html = page(client.get(url + "?q=合作社"))

    assert "<h1><mark>茶叶</mark>" not in html
    assert "<p>发展茶叶<mark>合作社</mark>，带动农户增收。</p>" in html
    assert '<a class="tag" href="/summaries/library/?keyword=%E8%8C%B6%E5%8F%B6">茶叶</a>' in html
    assert "收藏" in html


def test_readers_never_open_an_unpublished_document(world: Any, client: Any) -> None:
    found, documents = shelf(world)
    pending = found.document(found.zhou, state=LibraryState.AWAITING_APPROVAL)

    for role in ("cadre", "host_leader", "group_leader", "dispatch_admin"):
        as_user(client, world, role)
        for document in (documents["pending"], documents["withdrawn"], pending):
            url = reverse("summaries:library_detail", kwargs={"document_pk": document.pk})
            assert client.get(url).status_code == 404
    # The coordinators of the owner organisation manage theirs.
    as_user(client, world, "coordinator")
    url = reverse("summaries:library_detail", kwargs={"document_pk": documents["pending"].pk})
    assert "该文档当前为“待审批”，读者看不到。" in page(client.get(url))


def test_the_author_opens_the_text_they_are_asked_to_consent_to(world: Any, client: Any) -> None:
    found = library_world(world)
    document = library_propose(
        actor=found.user("coordinator"), summary=found.archived(), anonymised=True
    )
    as_user(client, world, "cadre")

    html = page(
        client.get(reverse("summaries:library_detail", kwargs={"document_pk": document.pk}))
    )

    assert "<h1>某同志挂职锻炼期满总结</h1>" in html
    assert "同意收入经验库" in html and "不同意" in html


def test_bookmarking_without_javascript_comes_back_to_the_page(world: Any, client: Any) -> None:
    _found, documents = shelf(world)
    as_user(client, world, "cadre")
    document = documents["tea"]
    url = reverse("summaries:library_bookmark", kwargs={"document_pk": document.pk})

    response = client.post(url, {"marked": "1", "next": "/summaries/library/?q=茶叶"})

    assert response.status_code == 302
    assert response["Location"] == "/summaries/library/?q=%E8%8C%B6%E5%8F%B6"
    assert list(Bookmark.objects.values_list("user__username", "document_id")) == [
        ("cadre", document.pk)
    ]
    # An address elsewhere is not followed: back to the document.
    response = client.post(url, {"marked": "0", "next": "https://example.com/"})
    assert response["Location"] == reverse(
        "summaries:library_detail", kwargs={"document_pk": document.pk}
    )
    assert Bookmark.objects.count() == 0


def test_bookmarking_with_htmx_swaps_the_button(world: Any, client: Any) -> None:
    _found, documents = shelf(world)
    as_user(client, world, "cadre")
    url = reverse("summaries:library_bookmark", kwargs={"document_pk": documents["tea"].pk})

    html = page(client.post(url, {"marked": "1"}, HTTP_HX_REQUEST="true"))

    assert html.strip().startswith('<form method="post"')
    assert 'aria-pressed="true"' in html and "已收藏" in html
    assert '<input type="hidden" name="marked" value="0">' in html
    assert Bookmark.objects.count() == 1


def test_each_reader_sees_only_their_own_bookmarks_newest_first(world: Any, client: Any) -> None:
    found, documents = shelf(world)
    cadre, leader = found.user("cadre"), found.user("host_leader")
    Bookmark.objects.create(user=cadre, document=documents["tea"])
    Bookmark.objects.create(user=cadre, document=documents["grid"])
    Bookmark.objects.create(user=leader, document=documents["invest"])
    withdrawn = Bookmark.objects.create(user=cadre, document=documents["zhang"])
    LibraryDocument.objects.filter(pk=documents["zhang"].pk).update(state=LibraryState.WITHDRAWN)
    assert withdrawn.pk

    as_user(client, world, "cadre")
    html = page(client.get(reverse("summaries:bookmark_list")))

    assert titles(html, documents) == ["grid", "tea"]
    assert "招商引资一年间" not in html
    # Withdrawn since: listed, without a link, saying so.
    assert "张三同志挂职锻炼期满总结" in html
    assert "该文档已撤下，不能再阅读。" in html
    assert "共 3 篇" in html


def test_a_reader_drops_the_bookmark_of_a_document_withdrawn_since(world: Any, client: Any) -> None:
    found, documents = shelf(world)
    author, reader = found.user("cadre"), found.user("host_leader")
    Bookmark.objects.create(user=author, document=documents["zhang"])
    Bookmark.objects.create(user=reader, document=documents["zhang"])
    LibraryDocument.objects.filter(pk=documents["zhang"].pk).update(state=LibraryState.WITHDRAWN)
    url = reverse("summaries:library_bookmark", kwargs={"document_pk": documents["zhang"].pk})
    as_user(client, world, "host_leader")
    bookmarks = reverse("summaries:bookmark_list")
    assert "该文档已撤下，不能再阅读。" in page(client.get(bookmarks))

    # The reader may no longer open it, nor bookmark it again...
    assert client.post(url, {"marked": "1", "next": bookmarks}).status_code == 404
    # ...and the button on their bookmarks page still takes it off the list.
    response = client.post(url, {"marked": "0", "next": bookmarks})

    assert response.status_code == 302 and response["Location"] == bookmarks
    assert list(Bookmark.objects.values_list("user", flat=True)) == [author.pk]
    assert "该文档已撤下" not in page(client.get(bookmarks))


def test_the_coordinators_pages(world: Any, client: Any) -> None:
    _found, documents = shelf(world)
    as_user(client, world, "coordinator")

    manage = page(client.get(reverse("summaries:library_manage")))
    edit_url = reverse("summaries:library_edit", kwargs={"document_pk": documents["tea"].pk})
    response = client.post(
        edit_url,
        {
            "title": "茶叶合作社",
            "keywords": "茶叶、合作社、增收",
            "heading_0": "一、做法",
            "body_0": "发展茶叶合作社。",
            "heading_1": "",
            "body_1": "",
        },
    )

    assert titles(manage, {"pending": documents["pending"], "tea": documents["tea"]}) == [
        "pending",
        "tea",
    ]
    assert response.status_code == 302
    fresh = LibraryDocument.objects.get(pk=documents["tea"].pk)
    assert fresh.title == "茶叶合作社"
    assert list(fresh.keywords.values_list("keyword", flat=True)) == ["茶叶", "合作社", "增收"]
    refused = client.post(edit_url, {"title": "", "body_0": "正文"})
    assert refused.status_code == 400
    assert '<ul class="errorlist"' in page(refused)


def test_one_keyword_too_many_is_refused_on_the_field_not_dropped(world: Any, client: Any) -> None:
    found = library_world(world)
    document = found.imported(world.district_a, title="茶叶合作社", keywords=("茶叶",))
    as_user(client, world, "coordinator")

    response = client.post(
        reverse("summaries:library_edit", kwargs={"document_pk": document.pk}),
        {
            "title": "茶叶合作社",
            "keywords": "、".join(f"关键词{n}" for n in range(13)),
            "heading_0": "一、做法",
            "body_0": "扎根基层，服务群众。",
        },
    )

    assert response.status_code == 400
    assert field_error("keywords", "关键词最多 12 个。") in page(response)
    assert list(document.keywords.values_list("keyword", flat=True)) == ["茶叶"]


def test_a_withdrawal_with_a_reason_too_long_is_refused_and_said_so(
    world: Any, client: Any
) -> None:
    found = library_world(world)
    document = found.document(found.zhang, state=LibraryState.PUBLISHED)
    url = reverse("summaries:library_detail", kwargs={"document_pk": document.pk})
    as_user(client, world, "coordinator")

    response = client.post(
        reverse("summaries:library_withdraw", kwargs={"document_pk": document.pk}),
        {"reason": "内" * 501},
    )

    assert response["Location"] == url
    assert "撤下原因不能超过 500 字。" in page(client.get(url))
    document.refresh_from_db()
    assert document.state == LibraryState.PUBLISHED
    assert not AuditEvent.objects.filter(action="library.withdraw").exists()


# --- the panel on an archived summary's page --------------------------------------------------


def test_the_panel_offers_a_coordinator_the_proposal_and_the_author_nothing_yet(
    world: Any,
) -> None:
    found = library_world(world)
    summary = found.archived()

    coordinator = library_panel(actor=found.user("coordinator"), summary=summary)
    author = library_panel(actor=found.user("cadre"), summary=summary)

    assert coordinator is not None and author is not None
    assert (coordinator["can_propose"], coordinator["can_approve"]) == (True, False)
    assert (author["can_offer"], author["can_consent"]) == (True, False)
    assert library_panel(actor=found.user("host_leader"), summary=summary) is None
    assert library_panel(actor=found.user("group_leader"), summary=summary) is None


def test_the_panel_asks_the_author_and_then_the_coordinator(world: Any) -> None:
    found = library_world(world)
    summary = found.archived()
    library_propose(actor=found.user("coordinator"), summary=summary)

    author = library_panel(actor=found.user("cadre"), summary=summary)
    coordinator = library_panel(actor=found.user("coordinator"), summary=summary)

    assert author is not None and coordinator is not None
    assert (author["can_consent"], author["state_label"]) == (True, "待本人同意")
    assert (coordinator["can_propose"], coordinator["can_approve"]) == (False, False)


@pytest.mark.parametrize(
    ("withdrawn_by", "republish", "propose", "offer"),
    [
        # The author took their consent back: only asking again, or their own offer.
        ("cadre", False, True, True),
        # A coordinator withdrew it: the consent stands, it is published again as it was.
        ("coordinator", True, False, False),
    ],
)
def test_after_a_withdrawal_the_panel_offers_what_the_consent_allows(
    world: Any, client: Any, withdrawn_by: str, republish: bool, propose: bool, offer: bool
) -> None:
    found = library_world(world)
    summary = found.archived()
    document = found.document(found.zhang, state=LibraryState.PUBLISHED)
    library_withdraw(actor=found.user(withdrawn_by), document=document)

    coordinator = library_panel(actor=found.user("coordinator"), summary=summary)
    author = library_panel(actor=found.user("cadre"), summary=summary)

    assert coordinator is not None and author is not None
    assert (coordinator["can_republish"], coordinator["can_propose"]) == (republish, propose)
    assert author["can_offer"] is offer
    as_user(client, world, "coordinator")
    url = reverse("summaries:library_detail", kwargs={"document_pk": document.pk})
    button = reverse("summaries:library_republish", kwargs={"document_pk": document.pk})
    assert (button in page(client.get(url))) is republish


def test_no_panel_on_a_summary_not_archived(world: Any) -> None:
    found = library_world(world)
    summary = found.summaries.summary(state="appraised")

    assert library_panel(actor=found.user("coordinator"), summary=summary) is None


def test_the_panel_renders_its_forms(world: Any, rf: Any) -> None:
    from django.template import engines

    found = library_world(world)
    summary = found.archived()
    panel = library_panel(actor=found.user("coordinator"), summary=summary)
    request = rf.get("/summaries/1/")
    request.user = found.user("coordinator")

    html = (
        engines["jinja2"]
        .get_template("summaries/library_panel.html")
        .render({"panel": panel, "csrf_input": "", "request": request})
    )

    propose = reverse("summaries:library_propose", kwargs={"summary_pk": summary.pk})
    assert f'action="{propose}"' in html
    assert 'name="anonymise" value="1" checked' in html
    assert '<input type="hidden" name="next" value="/summaries/1/">' in html


def test_the_panels_buttons_take_a_summary_into_the_library_and_come_back(
    world: Any, client: Any
) -> None:
    found = library_world(world)
    summary = found.archived()
    back = f"/summaries/{summary.pk}/"

    as_user(client, world, "coordinator")
    proposed = client.post(
        reverse("summaries:library_propose", kwargs={"summary_pk": summary.pk}),
        {"anonymise": "1", "extra_names": "青山村", "next": back},
    )
    document = LibraryDocument.objects.get(summary=summary)
    as_user(client, world, "cadre")
    consented = client.post(
        reverse("summaries:library_consent", kwargs={"document_pk": document.pk}), {"next": back}
    )
    as_user(client, world, "coordinator")
    approved = client.post(
        reverse("summaries:library_approve", kwargs={"document_pk": document.pk}), {"next": back}
    )
    again = client.post(
        reverse("summaries:library_approve", kwargs={"document_pk": document.pk}), {"next": back}
    )

    assert [r["Location"] for r in (proposed, consented, approved)] == [back, back, back]
    document.refresh_from_db()
    assert (document.state, document.anonymised) == (LibraryState.PUBLISHED, True)
    assert document.title == "某同志挂职锻炼期满总结"
    followed = page(client.get(again["Location"]))
    assert "该经验库文档当前为“已发布”，不能执行此操作。" in followed


@pytest.mark.postgres
def test_common_words_are_paged_newest_first_without_a_count(
    world: Any, client: Any, monkeypatch: Any
) -> None:
    # PostgreSQL decides from its term counts: 茶叶 and 经验 are each in many more documents
    # than the search ranks, so the page neither counts nor ranks, and the pager knows the next
    # page only.
    found = library_world(world)
    monkeypatch.setattr(search, "RANK_LIMIT", 30)
    monkeypatch.setattr(postgresql, "EXACT_BOUND_FACTOR", 1)  # not counted up to 30 × 20
    for number in range(45):
        search.index_document(
            found.imported(world.district_a, title=f"茶叶经验{number:02d}", body="茶叶。")
        )
    as_user(client, world, "cadre")

    first = page(client.get(LIST + "?q=茶叶 经验"))
    second = page(client.get(LIST + "?q=茶叶 经验&page=2"))
    past = page(client.get(LIST + "?q=茶叶 经验&page=9"))

    assert "按发布时间排列：这些词很常见，没有逐篇计数和排序" in first
    assert "第 1 页" in first and "第 1 / " not in first and "下一页" in first
    assert first.index("茶叶经验44") < first.index("茶叶经验25")
    assert first.count('<article class="card">') == 20
    assert "茶叶经验24" in second and "上一页" in second
    # Page 2 is the last the search pages (RANK_LIMIT 30): no next page.
    assert "下一页" not in second
    assert "茶叶经验24" in past and "第 2 页" in past  # past the last page: the last one

"""The staff's pages of the call: the notice, the list of applications and recommendations
(scoped per role), recommending a cadre, and a host's ranking of a post's applicants."""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guazhi.programmes.models import (
    Batch,
    BatchEvent,
    HostPreference,
    Notice,
    Post,
    Recommendation,
)
from guazhi.programmes.services import call as services
from tests.factories import CadreFactory, UnitFactory
from tests.pages import as_user, field_error, page
from tests.programmes.factories import BatchFactory, PostFactory, apply
from tests.programmes.world import programme_world


def list_url(batch: Batch) -> str:
    return reverse("programmes:application_list", kwargs={"batch_pk": batch.pk})


def names_in(html: str, section_id: str) -> list[str]:
    """The names in the first column of a section's table, in order."""
    section = re.search(rf'<section[^>]*aria-labelledby="{section_id}".*?</section>', html, re.S)
    if section is None:
        return []
    return re.findall(r'<td data-label="姓名">(.*?)</td>', section.group(0))


@dataclass
class Board:
    batch: Batch
    post_a: Post  # 白鹿镇: the host leader's unit
    post_x: Post  # 新港镇: nobody's but the coordinator's


@pytest.fixture
def board(world) -> Board:  # type: ignore[no-untyped-def]
    """batch_a with a second dispatching unit (财政局, outside the dispatch admin's school) and
    a second host (新港镇, outside the host leader's township); three applicants, two
    recommended cadres who have not applied, one withdrawn application."""
    found = programme_world(world)
    finance = UnitFactory(name="浔阳区财政局", parent=world.district_a)
    xingang = UnitFactory(name="新港镇", kind="township", level="township", parent=world.district_a)
    found.batch_a.dispatching_orgs.add(finance)
    post_x = PostFactory(batch=found.batch_a, host_unit=xingang, title="镇长助理")
    apply(found.batch_a, world.cadre_a, [found.post_a, post_x], statement="熟悉招商引资")
    apply(found.batch_a, CadreFactory(name="王五", home_unit=finance), [post_x])
    apply(found.batch_a, CadreFactory(name="赵六", home_unit=finance), [found.post_a])
    gone = apply(found.batch_a, CadreFactory(name="钱七", home_unit=world.school_a), [post_x])
    gone.state = "withdrawn"
    gone.withdrawn_at = timezone.now()
    gone.save()
    services.recommendation_create(
        actor=world.users["dispatch_admin"],
        batch=found.batch_a,
        cadre=CadreFactory(name="孙八", home_unit=world.school_a),
        comment="党校推荐",
    )
    services.recommendation_create(
        actor=world.users["coordinator"],
        batch=found.batch_a,
        cadre=CadreFactory(name="周九", home_unit=finance),
        comment="组织部推荐",
    )
    return Board(found.batch_a, found.post_a, post_x)


# The list of applications -------------------------------------------------------------------


def test_the_coordinator_sees_every_application_and_recommendation(world, client, board):  # type: ignore[no-untyped-def]
    body = page(as_user(client, world, "coordinator").get(list_url(board.batch)))
    assert "已报名（3人）" in body
    assert names_in(body, "submitted-heading") == ["张三", "王五", "赵六"]
    assert '<li value="2">新港镇 · 镇长助理</li>' in body  # 张三's second choice
    assert names_in(body, "recommended-heading") == ["孙八", "周九"]
    assert '<span class="badge warn">待本人确认</span>' in body
    assert names_in(body, "withdrawn-heading") == ["钱七"]
    assert reverse("programmes:notice_edit", kwargs={"batch_pk": board.batch.pk}) in body
    assert reverse("programmes:recommendation_create", kwargs={"batch_pk": board.batch.pk}) in body
    for post in (board.post_a, board.post_x):
        assert reverse("programmes:host_preferences", kwargs={"post_pk": post.pk}) in body


def test_a_dispatch_admin_sees_the_cadres_of_their_units_only(world, client, board):  # type: ignore[no-untyped-def]
    body = page(as_user(client, world, "dispatch_admin").get(list_url(board.batch)))
    assert names_in(body, "submitted-heading") == ["张三"]
    assert '<li value="2">新港镇 · 镇长助理</li>' in body  # their own cadre's every choice
    assert names_in(body, "recommended-heading") == ["孙八"]
    assert names_in(body, "withdrawn-heading") == ["钱七"]
    assert "编辑通知" not in body
    assert reverse("programmes:recommendation_create", kwargs={"batch_pk": board.batch.pk}) in body
    assert "接收单位意向" not in body


def test_a_host_leader_sees_the_applications_naming_their_posts_and_only_those_choices(
    world, client, board
):  # type: ignore[no-untyped-def]
    body = page(as_user(client, world, "host_leader").get(list_url(board.batch)))
    assert names_in(body, "submitted-heading") == ["张三", "赵六"]
    assert '<li value="1">白鹿镇 · 党委副书记</li>' in body
    assert "新港镇" not in body  # nor where else 张三 applied
    assert "<p>熟悉招商引资</p>" in body
    assert "recommended-heading" not in body and "孙八" not in body
    assert "推荐干部</a>" not in body
    assert reverse("programmes:host_preferences", kwargs={"post_pk": board.post_a.pk}) in body
    assert reverse("programmes:host_preferences", kwargs={"post_pk": board.post_x.pk}) not in body


@pytest.mark.parametrize("role", ["group_leader", "cadre"])
def test_group_leaders_and_cadres_do_not_read_the_list(world, client, board, role):  # type: ignore[no-untyped-def]
    assert as_user(client, world, role).get(list_url(board.batch)).status_code == 403


def test_the_list_marks_who_no_longer_meets_the_conditions(world, client, board):  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=board.batch.pk).update(min_education="研究生")
    body = page(as_user(client, world, "dispatch_admin").get(list_url(board.batch)))
    assert '<span class="badge bad">不符合</span>' in body
    assert "<li>学历低于本批次报名条件：最低为研究生</li>" in body


def test_the_list_costs_the_same_queries_for_four_applications_or_fourteen(world, client, board):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "coordinator")
    client.get(list_url(board.batch))
    with CaptureQueriesContext(connection) as few:
        client.get(list_url(board.batch))
    for n in range(10):
        apply(board.batch, CadreFactory(name=f"干部{n}", home_unit=world.school_a), [board.post_a])
    with CaptureQueriesContext(connection) as many:
        body = page(client.get(list_url(board.batch)))
    assert "已报名（13人）" in body
    assert len(many) == len(few)


# The notice ---------------------------------------------------------------------------------


def test_the_coordinator_writes_and_publishes_a_notice(world, client):  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
    client = as_user(client, world, "coordinator")
    url = reverse("programmes:notice_edit", kwargs={"batch_pk": batch.pk})
    deadline = (timezone.localtime() + dt.timedelta(days=7)).replace(second=0, microsecond=0)
    response = client.post(
        url,
        {"title": "选派通知", "body": "第一段\n\n第二段", "deadline": f"{deadline:%Y-%m-%dT%H:%M}"},
        follow=True,
    )
    body = page(response)
    assert '<p class="message success">选派通知已保存，尚未发布。</p>' in body
    assert '<span class="badge warn">未发布</span>' in body
    assert ">发布通知</button>" in body
    assert Notice.objects.get(batch=batch).deadline == deadline

    publish = reverse("programmes:notice_publish", kwargs={"batch_pk": batch.pk})
    body = page(client.post(publish, follow=True))
    assert '<p class="message success">选派通知已发布，派出单位的干部可以报名了。</p>' in body
    assert ">保存更正</button>" in body and ">发布通知</button>" not in body
    assert Notice.objects.get(batch=batch).published_at is not None

    # A correction after publishing is listed under the notice.
    client.post(
        url,
        {"title": "选派通知", "body": "第一段（更正）", "deadline": f"{deadline:%Y-%m-%dT%H:%M}"},
    )
    assert "更正了通知正文</li>" in page(client.get(url))
    form = reverse("programmes:application_form", kwargs={"batch_pk": batch.pk})
    assert "更正了通知正文</li>" in page(as_user(client, world, "cadre").get(form))


def test_publishing_again_is_refused_on_the_notice_page(world, client):  # type: ignore[no-untyped-def]
    found = programme_world(world)
    before = Notice.objects.get(batch=found.batch_a).published_at
    publish = reverse("programmes:notice_publish", kwargs={"batch_pk": found.batch_a.pk})
    response = as_user(client, world, "coordinator").post(publish, follow=True)
    assert response.redirect_chain == [
        (reverse("programmes:notice_edit", kwargs={"batch_pk": found.batch_a.pk}), 302)
    ]
    assert '<p class="message error">选派通知已于' in page(response)
    assert Notice.objects.get(batch=found.batch_a).published_at == before


def test_a_bad_notice_shows_the_problem_next_to_the_field(world, client):  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
    response = as_user(client, world, "coordinator").post(
        reverse("programmes:notice_edit", kwargs={"batch_pk": batch.pk}),
        {"title": "", "body": "正文", "deadline": ""},
    )
    body = page(response)
    assert field_error("title", "通知标题不能为空。") in body
    assert field_error("deadline", "报名截止时间不能为空。") in body
    assert not Notice.objects.filter(batch=batch).exists()
    assert not BatchEvent.objects.filter(batch=batch).exists()


# Recommending -------------------------------------------------------------------------------


def test_a_dispatch_admin_recommends_from_their_own_cadres(world, client):  # type: ignore[no-untyped-def]
    found = programme_world(world)
    CadreFactory(name="欧阳明", home_unit=world.school_a)
    client = as_user(client, world, "dispatch_admin")
    url = reverse("programmes:recommendation_create", kwargs={"batch_pk": found.batch_a.pk})
    body = page(client.get(url))
    assert f'<option value="{world.cadre_a.pk}">张三（浔阳区委党校 · 科长）</option>' in body
    assert "欧阳明" in body and "李四" not in body
    searched = page(client.get(url, {"q": "oym"}))
    assert "欧阳明" in searched and "张三（" not in searched

    # A cadre outside the admin's units is not accepted, whatever is posted.
    body = page(client.post(url, {"cadre": world.cadre_b.pk, "comment": "好"}))
    assert field_error("cadre", "请从列表中选择可推荐的干部。") in body
    assert not Recommendation.objects.exists()

    response = client.post(url, {"cadre": world.cadre_a.pk, "comment": "工作扎实"}, follow=True)
    assert response.redirect_chain == [(list_url(found.batch_a), 302)]
    assert "已推荐张三，待本人确认报名后进入人岗匹配。" in page(response)
    assert Recommendation.objects.get().comment == "工作扎实"
    # Recommended once: no longer offered.
    assert f'<option value="{world.cadre_a.pk}">' not in page(client.get(url))


def test_an_ineligible_cadre_is_not_recommended_and_the_page_says_why(world, client):  # type: ignore[no-untyped-def]
    found = programme_world(world)
    Batch.objects.filter(pk=found.batch_a.pk).update(max_age=30)
    url = reverse("programmes:recommendation_create", kwargs={"batch_pk": found.batch_a.pk})
    body = page(
        as_user(client, world, "dispatch_admin").post(
            url, {"cadre": world.cadre_a.pk, "comment": "好"}
        )
    )
    assert (
        field_error(
            "cadre",
            "张三不符合本批次报名条件：年龄超过本批次报名条件（30周岁），挂职开始时已满40周岁。",
        )
        in body
    )
    assert not Recommendation.objects.exists()


# Host preferences ---------------------------------------------------------------------------


def cadre_id_of(board: Board, name: str) -> int:
    return board.batch.applications.get(cadre__name=name).cadre_id


def prefs_url(post: Post) -> str:
    return reverse("programmes:host_preferences", kwargs={"post_pk": post.pk})


def test_a_host_leader_ranks_the_applicants_of_a_post(world, client, board):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "host_leader")
    body = page(client.get(prefs_url(board.post_a)))
    assert names_in(body, "prefs-heading") == ["张三", "赵六"]
    zhang, zhao = world.cadre_a.pk, cadre_id_of(board, "赵六")
    response = client.post(
        prefs_url(board.post_a), {f"rank_{zhang}": "2", f"rank_{zhao}": "1"}, follow=True
    )
    body = page(response)
    assert '<p class="message success">接收单位意向已保存。</p>' in body
    assert names_in(body, "prefs-heading") == ["赵六", "张三"]  # in the host's order now
    assert list(
        HostPreference.objects.filter(post=board.post_a).values_list("cadre__name", "rank")
    ) == [("赵六", 1), ("张三", 2)]


def test_two_applicants_with_the_same_number_are_refused(world, client, board):  # type: ignore[no-untyped-def]
    zhao = cadre_id_of(board, "赵六")
    body = page(
        as_user(client, world, "host_leader").post(
            prefs_url(board.post_a), {f"rank_{world.cadre_a.pk}": "1", f"rank_{zhao}": "1"}
        )
    )
    assert field_error(f"rank_{zhao}", "与张三的顺序相同（1），请分出先后。") in body
    assert not HostPreference.objects.exists()


def test_the_ranking_is_shown_frozen_once_the_batch_has_moved_on(world, client, board):  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=board.batch.pk).update(state="publicity")
    body = page(as_user(client, world, "host_leader").get(prefs_url(board.post_a)))
    assert "批次处于“公示中”阶段，不能再调整接收单位意向。" in body
    assert " disabled>" in body and "保存排序" not in body


def test_a_ranking_posted_after_adoption_is_refused_on_the_form(world, client, board):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "host_leader")
    client.get(prefs_url(board.post_a))
    Batch.objects.filter(pk=board.batch.pk).update(state="training")
    body = page(client.post(prefs_url(board.post_a), {f"rank_{world.cadre_a.pk}": "1"}))
    assert (
        '<ul class="errorlist nonfield"><li>批次处于“岗前培训”阶段，不能再调整接收单位意向。</li></ul>'
        in body
    )
    assert not HostPreference.objects.exists()


def test_a_host_leader_cannot_open_another_units_post(world, client, board):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "host_leader")
    assert client.get(prefs_url(board.post_x)).status_code == 404
    assert client.post(prefs_url(board.post_x), {}).status_code == 404

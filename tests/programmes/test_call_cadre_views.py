"""The cadre's pages of the call: the calls open to them, the application form (eligibility
shown first, ranked choices, withdrawal), and answering a recommendation."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guazhi.orgs.models import User
from guazhi.programmes.models import Application, Batch, Notice, Recommendation
from guazhi.programmes.services import call as services
from tests.factories import CadreFactory, UserFactory, grant
from tests.pages import as_user, field_error, page
from tests.programmes.factories import BatchFactory, PostFactory
from tests.programmes.world import programme_world

# ------------------------------------------------------------------------------------------


def form_url(batch: Batch) -> str:
    return reverse("programmes:application_form", kwargs={"batch_pk": batch.pk})


def cadre_of(world, unit, name: str, username: str) -> User:  # type: ignore[no-untyped-def]
    user = UserFactory(username=username, full_name=name)
    grant(user, "cadre", unit)
    CadreFactory(name=name, user=user, home_unit=unit)
    return user


@pytest.fixture
def found(world):  # type: ignore[no-untyped-def]
    return programme_world(world)


def test_the_cadre_sees_the_open_call_on_their_page(world, client, found):  # type: ignore[no-untyped-def]
    body = page(as_user(client, world, "cadre").get(reverse("programmes:call_list")))
    assert "关于选派2027年浔阳区挂职干部的通知" in body
    assert "濂溪区" not in body
    assert f'<a class="button primary" href="{form_url(found.batch_a)}">查看通知并报名</a>' in body
    assert '<span class="badge">未报名</span>' in body
    assert "您还没有报名。" in body


def test_a_cadre_outside_the_dispatching_units_does_not_see_the_call(world, client, found):  # type: ignore[no-untyped-def]
    client.force_login(cadre_of(world, world.school_b, "周强", "zhouqiang"))
    body = page(client.get(reverse("programmes:call_list")))
    # 濂溪区委党校's cadre sees the call of their own district's batch, not batch_a's.
    assert "关于选派2027年濂溪区挂职干部的通知" in body
    assert "浔阳区" not in body
    assert client.get(form_url(found.batch_a)).status_code == 404
    response = client.post(
        form_url(found.batch_a), {"choice_1": str(found.post_a.pk), "statement": ""}
    )
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_a_call_whose_notice_is_not_out_is_not_found(world, client):  # type: ignore[no-untyped-def]
    draft = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
    Notice.objects.create(
        batch=draft, title="草稿", body="草稿", deadline=timezone.now() + dt.timedelta(days=9)
    )
    client = as_user(client, world, "cadre")
    assert client.get(form_url(draft)).status_code == 404
    assert "草稿" not in page(client.get(reverse("programmes:call_list")))


def test_the_form_tells_an_eligible_cadre_so_and_offers_a_select_per_rank(world, client, found):  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=found.batch_a.pk).update(max_choices=3, max_age=40)
    body = page(as_user(client, world, "cadre").get(form_url(found.batch_a)))
    assert "您符合本批次报名条件。" in body
    assert "<li>年龄不超过40周岁（按挂职开始日2027年3月1日计算）</li>" in body
    for rank in (1, 2, 3):
        assert f'<label for="id_choice_{rank}">第{rank}志愿</label>' in body
    assert 'id="id_choice_4"' not in body
    assert f'<option value="{found.post_a.pk}">白鹿镇 · 党委副书记（招商引资）</option>' in body
    assert ">提交报名</button>" in body
    # Made for a phone: one column, nothing as wide as a table.
    assert "<table" not in body


def test_an_ineligible_cadre_reads_why_before_applying_and_a_post_is_refused(world, client, found):  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=found.batch_a.pk).update(max_age=35, min_education="研究生")
    client = as_user(client, world, "cadre")
    body = page(client.get(form_url(found.batch_a)))
    reasons = (
        '<ul class="reasons">\n    <li>年龄超过本批次报名条件（35周岁），挂职开始时已满40周岁</li>'
        "<li>学历低于本批次报名条件：最低为研究生</li>\n  </ul>"
    )
    assert reasons in body
    assert "提交报名" not in body
    response = client.post(form_url(found.batch_a), {"choice_1": str(found.post_a.pk)})
    assert response.status_code == 200
    assert reasons in page(response)
    assert not Application.objects.exists()


def test_the_cadre_applies_changes_and_withdraws(world, client, found):  # type: ignore[no-untyped-def]
    second = PostFactory(batch=found.batch_a, host_unit=world.township_a, title="镇长助理")
    client = as_user(client, world, "cadre")
    response = client.post(
        form_url(found.batch_a),
        {"choice_1": str(second.pk), "choice_2": str(found.post_a.pk), "statement": "熟悉招商"},
        follow=True,
    )
    assert response.redirect_chain == [(form_url(found.batch_a), 302)]
    body = page(response)
    assert '<p class="message success">报名已提交。</p>' in body
    assert '<li value="1">白鹿镇 · 镇长助理</li>' in body
    assert '<li value="2">白鹿镇 · 党委副书记</li>' in body
    assert ">保存修改</button>" in body
    assert f'<option value="{second.pk}" selected>' in body
    application = Application.objects.get()
    assert [c.post_id for c in application.choices.order_by("rank")] == [second.pk, found.post_a.pk]

    body = page(
        client.post(
            form_url(found.batch_a),
            {"choice_1": str(found.post_a.pk), "statement": ""},
            follow=True,
        )
    )
    assert '<p class="message success">报名已修改。</p>' in body
    assert [c.post_id for c in application.choices.all()] == [found.post_a.pk]

    withdraw = reverse("programmes:application_withdraw", kwargs={"batch_pk": found.batch_a.pk})
    body = page(client.post(withdraw, follow=True))
    assert '<p class="message success">报名已撤回。截止前仍可重新报名。</p>' in body
    application.refresh_from_db()
    assert application.state == "withdrawn"
    assert ">提交报名</button>" in body  # and may apply again


def test_a_choice_out_of_order_is_shown_next_to_its_field_and_nothing_saved(world, client, found):  # type: ignore[no-untyped-def]
    response = as_user(client, world, "cadre").post(
        form_url(found.batch_a), {"choice_2": str(found.post_a.pk), "statement": "想去"}
    )
    body = page(response)
    assert response.status_code == 200
    assert '<p class="message error" role="alert">报名未提交，请按提示修改。</p>' in body
    assert field_error("choice_1", "请按顺序填报：后面还有志愿，第1志愿不能空着。") in body
    assert "想去</textarea>" in body  # what was typed is kept
    assert not Application.objects.exists()


def test_after_the_deadline_the_form_and_the_withdraw_button_are_gone(world, client, found):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "cadre")
    client.post(form_url(found.batch_a), {"choice_1": str(found.post_a.pk)})
    Notice.objects.filter(batch=found.batch_a).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    body = page(client.get(form_url(found.batch_a)))
    assert '<span class="badge warn">已截止</span>' in body
    assert "报名已截止。" in body
    assert "撤回报名" not in body and "保存修改" not in body
    withdraw = reverse("programmes:application_withdraw", kwargs={"batch_pk": found.batch_a.pk})
    response = client.post(withdraw, follow=True)
    assert response.redirect_chain == [(form_url(found.batch_a), 302)]
    assert "截止，不能再撤回。如确需退出，请联系组织部门。</p>" in page(response)
    assert Application.objects.get().state == "submitted"


def test_a_recommended_cadre_confirms_by_applying(world, client, found):  # type: ignore[no-untyped-def]
    services.recommendation_create(
        actor=world.users["dispatch_admin"],
        batch=found.batch_a,
        cadre=world.cadre_a,
        comment="政治素质好，熟悉招商。",
    )
    client = as_user(client, world, "cadre")
    body = page(client.get(reverse("programmes:call_list")))
    assert "待确认的推荐（1）" in body
    assert "<p>浔阳区委党校推荐您参加本批次挂职。</p>" in body
    assert "<p>政治素质好，熟悉招商。</p>" in body
    body = page(client.get(form_url(found.batch_a)))
    assert ">确认推荐并报名</button>" in body
    body = page(client.post(form_url(found.batch_a), {"choice_1": found.post_a.pk}, follow=True))
    assert '<p class="message success">已确认推荐并报名。</p>' in body
    assert '<span class="badge ok">已报名，视为确认推荐</span>' in body
    assert Application.objects.get().confirms_recommendation is True
    assert "待确认的推荐" not in page(client.get(reverse("programmes:call_list")))


def test_a_recommended_cadre_declines(world, client, found):  # type: ignore[no-untyped-def]
    services.recommendation_create(
        actor=world.users["dispatch_admin"], batch=found.batch_a, cadre=world.cadre_a, comment="好"
    )
    client = as_user(client, world, "cadre")
    decline = reverse("programmes:recommendation_decline", kwargs={"batch_pk": found.batch_a.pk})
    response = client.post(decline, follow=True)
    assert response.redirect_chain == [(reverse("programmes:call_list"), 302)]
    body = page(response)
    assert '<p class="message success">已谢绝推荐。</p>' in body
    assert "待确认的推荐" not in body
    assert Recommendation.objects.get().declined_at is not None
    assert "您已于" in page(client.get(form_url(found.batch_a)))


def test_an_account_without_a_profile_is_told_it_cannot_apply(world, client, found):  # type: ignore[no-untyped-def]
    client = as_user(client, world, "admin")
    body = page(client.get(form_url(found.batch_a)))
    assert "您的账号没有关联干部档案，不能报名。" in body
    assert "提交报名" not in body


def test_other_roles_are_refused_the_cadre_pages(world, client: Client, found: Any) -> None:
    for role in ("coordinator", "dispatch_admin", "host_leader", "group_leader"):
        client = as_user(client, world, role)
        assert client.get(reverse("programmes:call_list")).status_code == 403
        assert client.get(form_url(found.batch_a)).status_code == 403

"""The call's writes: the notice, applications, recommendations, host rankings, and what the
runs area reads from them. Every refusal also proves that nothing changed."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.orgs.models import CadreProfile, CadreRelative, User
from guazhi.programmes.models import (
    Application,
    ApplicationChoice,
    AssignmentState,
    Batch,
    BatchEvent,
    HostPreference,
    MatchingRun,
    Notice,
    Post,
    Recommendation,
)
from guazhi.programmes.selectors.call import host_rankings, matching_candidates
from guazhi.programmes.services import call as services
from tests.factories import CadreFactory, UserFactory, grant
from tests.programmes.factories import BatchFactory, PostFactory, apply, assign
from tests.programmes.world import programme_world


@dataclass
class Call:
    world: Any
    batch: Batch  # batch_a: recruiting, notice out for 30 days, dispatching 浔阳区委党校
    post: Post  # 白鹿镇 党委副书记
    second: Post  # 白鹿镇 镇长助理
    cadre: User  # 张三's account (浔阳区委党校), eligible, not yet applied
    coordinator: User
    dispatch_admin: User
    host_leader: User


@pytest.fixture
def call(world) -> Call:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    second = PostFactory(batch=found.batch_a, host_unit=world.township_a, title="镇长助理")
    return Call(
        world,
        found.batch_a,
        found.post_a,
        second,
        world.users["cadre"],
        world.users["coordinator"],
        world.users["dispatch_admin"],
        world.users["host_leader"],
    )


def cadre_with_account(world, name: str, username: str, **fields: Any) -> User:  # type: ignore[no-untyped-def]
    user = UserFactory(username=username, full_name=name)
    grant(user, "cadre", world.school_a)
    CadreFactory(name=name, user=user, home_unit=fields.pop("home_unit", world.school_a), **fields)
    return user


def snapshot() -> dict[str, list]:
    """Everything the call's services write, to prove a refusal left it all as it was."""
    return {
        "notices": list(Notice.objects.order_by("pk").values_list()),
        "applications": list(Application.objects.order_by("pk").values_list()),
        "choices": list(ApplicationChoice.objects.order_by("pk").values_list()),
        "recommendations": list(Recommendation.objects.order_by("pk").values_list()),
        "preferences": list(HostPreference.objects.order_by("pk").values_list()),
        "events": list(BatchEvent.objects.order_by("pk").values_list("pk")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk")),
    }


def close_the_call(batch: Batch) -> None:
    Notice.objects.filter(batch=batch).update(deadline=timezone.now() - dt.timedelta(minutes=1))


def choices_of(application: Application) -> list[str]:
    return [str(choice.post) for choice in application.choices.order_by("rank")]


# The notice ---------------------------------------------------------------------------------


def test_a_coordinator_writes_the_notice_in_planning_and_publishes_it_once_recruiting(call):  # type: ignore[no-untyped-def]
    batch = BatchFactory(
        coordinating_org=call.world.district_a, dispatching=[call.world.school_a], state="planning"
    )
    deadline = timezone.now() + dt.timedelta(days=10)
    notice = services.notice_save(
        actor=call.coordinator,
        batch=batch,
        title=" 选派通知 ",
        body="请自愿报名。",
        deadline=deadline,
    )
    assert (notice.title, notice.body, notice.deadline, notice.published_at) == (
        "选派通知",
        "请自愿报名。",
        deadline,
        None,
    )
    assert AuditEvent.objects.filter(action="notice.create", object_id=str(notice.pk)).count() == 1

    before = snapshot()
    with pytest.raises(InvalidTransition) as refused:
        services.notice_publish(actor=call.coordinator, batch=batch)
    assert refused.value.message == "批次处于“规划中”阶段，进入“报名中”阶段后才能发布选派通知。"
    assert snapshot() == before

    Batch.objects.filter(pk=batch.pk).update(state="recruiting")
    services.notice_publish(actor=call.coordinator, batch=batch)
    notice.refresh_from_db()
    assert notice.published_at is not None and notice.published_by == call.coordinator
    event = BatchEvent.objects.get(batch=batch)
    assert event.kind == "notice_published" and event.actor == call.coordinator
    local = timezone.localtime(deadline)
    assert event.note == (
        f"发布选派通知“选派通知”，报名截止时间{local.year}年{local.month}月{local.day}日 "
        f"{local:%H:%M}"
    )
    assert AuditEvent.objects.filter(action="notice.publish", object_id=str(notice.pk)).exists()


def test_the_notice_is_published_once(call):  # type: ignore[no-untyped-def]
    before = snapshot()
    with pytest.raises(InvalidTransition) as refused:
        services.notice_publish(actor=call.coordinator, batch=call.batch)
    published = timezone.localtime(Notice.objects.get(batch=call.batch).published_at)
    assert refused.value.message == (
        f"选派通知已于{published.year}年{published.month}月{published.day}日 "
        f"{published:%H:%M}发布。"
    )
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        services.notice_publish(actor=call.coordinator, batch=call.batch)
    # Dates follow the reader's language, never a Chinese date with English words around it.
    assert refused.value.message == (
        f"The secondment notice was published on {published:%Y-%m-%d %H:%M}."
    )
    assert snapshot() == before


def test_a_notice_whose_deadline_passed_is_not_published(call):  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=call.world.district_a, dispatching=[call.world.school_a])
    services.notice_save(
        actor=call.coordinator,
        batch=batch,
        title="通知",
        body="正文",
        deadline=timezone.now() + dt.timedelta(days=1),
    )
    close_the_call(batch)
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.notice_publish(actor=call.coordinator, batch=batch)
    assert refused.value.detail == {"deadline": "报名截止时间应晚于现在。"}
    assert snapshot() == before


def test_publishing_needs_a_written_notice(call):  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=call.world.district_a, dispatching=[call.world.school_a])
    with pytest.raises(ValidationFailed) as refused:
        services.notice_publish(actor=call.coordinator, batch=batch)
    assert refused.value.message == "请先填写并保存选派通知，再发布。"
    assert not Notice.objects.filter(batch=batch).exists()


def test_the_notice_fields_are_checked_and_nothing_is_saved(call):  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=call.world.district_a, dispatching=[call.world.school_a])
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.notice_save(actor=call.coordinator, batch=batch, title=" ", body="", deadline=None)
    assert refused.value.detail == {
        "title": "通知标题不能为空。",
        "body": "通知正文不能为空。",
        "deadline": "报名截止时间不能为空。",
    }
    with pytest.raises(ValidationFailed) as refused:
        services.notice_save(
            actor=call.coordinator,
            batch=batch,
            title="通" * 201,
            body="正文",
            deadline=timezone.now() - dt.timedelta(hours=1),
        )
    assert refused.value.detail == {
        "title": "通知标题不能超过200个字。",
        "deadline": "报名截止时间应晚于现在。",
    }
    with pytest.raises(ValidationFailed) as refused:
        services.notice_save(
            actor=call.coordinator,
            batch=batch,
            title="通知",
            body="正文",
            deadline=timezone.make_aware(dt.datetime(2027, 3, 1, 9, 0)),
        )
    assert refused.value.detail == {"deadline": "报名截止时间应早于挂职开始日期（2027年3月1日）。"}
    assert snapshot() == before


def test_a_published_notice_may_be_corrected_and_the_correction_is_shown(call):  # type: ignore[no-untyped-def]
    notice = call.batch.notice
    old_deadline = notice.deadline
    new_deadline = old_deadline + dt.timedelta(days=3)
    services.notice_save(
        actor=call.coordinator,
        batch=call.batch,
        title=notice.title,
        body="请符合条件的干部于截止前自愿报名。",
        deadline=new_deadline,
    )
    notice.refresh_from_db()
    assert notice.body == "请符合条件的干部于截止前自愿报名。"
    event = BatchEvent.objects.get(batch=call.batch, kind="notice_corrected")
    old, new = timezone.localtime(old_deadline), timezone.localtime(new_deadline)
    assert event.note == (
        "更正了通知正文、报名截止时间；报名截止时间由"
        f"{old.year}年{old.month}月{old.day}日 {old:%H:%M}改为"
        f"{new.year}年{new.month}月{new.day}日 {new:%H:%M}"
    )
    assert event.payload["fields"] == ["body", "deadline"]
    audit = AuditEvent.objects.get(action="notice.correct")
    assert audit.detail["changes"]["body"] == ["请符合条件的干部自愿报名。", notice.body]

    # Saving the same text again is no correction.
    before = snapshot()
    services.notice_save(
        actor=call.coordinator,
        batch=call.batch,
        title=notice.title,
        body=notice.body,
        deadline=notice.deadline,
    )
    assert snapshot() == before


def test_only_the_batchs_coordinators_write_the_notice(call):  # type: ignore[no-untyped-def]
    before = snapshot()
    for actor in (call.dispatch_admin, call.host_leader, call.cadre):
        with pytest.raises(Forbidden):
            services.notice_save(
                actor=actor,
                batch=call.batch,
                title="改",
                body="改",
                deadline=timezone.now() + dt.timedelta(days=2),
            )
        with pytest.raises(Forbidden):
            services.notice_publish(actor=actor, batch=call.batch)
    assert snapshot() == before


def test_the_notice_is_frozen_once_recruiting_is_over(call):  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=call.batch.pk).update(state="matching")
    before = snapshot()
    with pytest.raises(InvalidTransition) as refused:
        services.notice_save(
            actor=call.coordinator,
            batch=call.batch,
            title="改",
            body="改",
            deadline=timezone.now() + dt.timedelta(days=2),
        )
    assert refused.value.message == "批次处于“匹配中”阶段，选派通知不能再修改。"
    assert snapshot() == before


# Applications -------------------------------------------------------------------------------


def test_a_cadre_applies_with_ranked_posts_and_a_statement(call):  # type: ignore[no-untyped-def]
    application = services.application_submit(
        actor=call.cadre,
        batch=call.batch,
        choices=[call.second.pk, call.post.pk, None],
        statement=" 熟悉招商引资。 ",
    )
    assert application.cadre == call.world.cadre_a
    assert (application.state, application.statement, application.confirms_recommendation) == (
        "submitted",
        "熟悉招商引资。",
        False,
    )
    assert choices_of(application) == ["白鹿镇 镇长助理", "白鹿镇 党委副书记"]
    audit = AuditEvent.objects.get(action="application.submit")
    assert audit.object_id == str(application.pk)
    assert audit.detail == {
        "batch": "2027年浔阳区挂职干部",
        "choices": ["白鹿镇 镇长助理", "白鹿镇 党委副书记"],
    }


def test_a_cadre_changes_the_choices_before_the_deadline(call):  # type: ignore[no-untyped-def]
    first = services.application_submit(
        actor=call.cadre, batch=call.batch, choices=[call.post.pk, call.second.pk]
    )
    changed = services.application_submit(
        actor=call.cadre, batch=call.batch, choices=[call.second.pk], statement="改为一个志愿"
    )
    assert changed.pk == first.pk and changed.submitted_at == first.submitted_at
    assert choices_of(changed) == ["白鹿镇 镇长助理"]
    assert changed.statement == "改为一个志愿"
    assert AuditEvent.objects.filter(action="application.change").count() == 1


def test_a_cadre_withdraws_and_applies_again_before_the_deadline(call):  # type: ignore[no-untyped-def]
    services.application_submit(actor=call.cadre, batch=call.batch, choices=[call.post.pk])
    withdrawn = services.application_withdraw(actor=call.cadre, batch=call.batch)
    assert withdrawn.state == "withdrawn" and withdrawn.withdrawn_at is not None
    assert AuditEvent.objects.filter(action="application.withdraw").count() == 1
    assert matching_candidates(call.batch) == []

    again = services.application_submit(
        actor=call.cadre, batch=call.batch, choices=[call.second.pk]
    )
    assert (again.pk, again.state, again.withdrawn_at) == (withdrawn.pk, "submitted", None)
    assert again.submitted_at > withdrawn.submitted_at
    assert choices_of(again) == ["白鹿镇 镇长助理"]
    assert AuditEvent.objects.filter(action="application.resubmit").count() == 1


def test_after_the_deadline_nothing_is_submitted_changed_or_withdrawn(call):  # type: ignore[no-untyped-def]
    services.application_submit(actor=call.cadre, batch=call.batch, choices=[call.post.pk])
    late = cadre_with_account(call.world, "王五", "wangwu")
    close_the_call(call.batch)
    before = snapshot()
    with pytest.raises(InvalidTransition) as refused:
        services.application_submit(actor=late, batch=call.batch, choices=[call.post.pk])
    assert refused.value.message.startswith("报名已于") and refused.value.message.endswith("截止。")
    with pytest.raises(InvalidTransition):
        services.application_submit(actor=call.cadre, batch=call.batch, choices=[call.second.pk])
    with pytest.raises(InvalidTransition) as refused:
        services.application_withdraw(actor=call.cadre, batch=call.batch)
    assert refused.value.message.endswith("截止，不能再撤回。如确需退出，请联系组织部门。")
    assert snapshot() == before


@pytest.mark.parametrize("state", ["planning", "matching", "publicity"])
def test_outside_recruiting_nothing_is_submitted_or_withdrawn(call, state):  # type: ignore[no-untyped-def]
    services.application_submit(actor=call.cadre, batch=call.batch, choices=[call.post.pk])
    Batch.objects.filter(pk=call.batch.pk).update(state=state)
    other = cadre_with_account(call.world, "王五", "wangwu")
    before = snapshot()
    for action in (
        lambda: services.application_submit(actor=other, batch=call.batch, choices=[call.post.pk]),
        lambda: services.application_withdraw(actor=call.cadre, batch=call.batch),
    ):
        with pytest.raises(InvalidTransition) as refused:
            action()
        assert refused.value.message.endswith("阶段，不在报名期内。")
    assert snapshot() == before


def test_an_ineligible_cadre_is_refused_with_every_reason_and_nothing_saved(call):  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=call.batch.pk).update(max_age=35, min_education="研究生")
    post_b = PostFactory(batch=programme_world(call.world).batch_b, host_unit=call.world.township_b)
    assign(post_b, call.world.cadre_a, state=AssignmentState.ACTIVE)
    before = snapshot()
    with pytest.raises(services.Ineligible) as refused:
        services.application_submit(actor=call.cadre, batch=call.batch, choices=[call.post.pk])
    assert refused.value.reasons == [
        "年龄超过本批次报名条件（35周岁），挂职开始时已满40周岁",
        "学历低于本批次报名条件：最低为研究生",
        "正在挂职（2027年濂溪区挂职干部），本批次不接受正在挂职的干部报名",
    ]
    assert refused.value.message == (
        "不符合本批次报名条件：年龄超过本批次报名条件（35周岁），挂职开始时已满40周岁；"
        "学历低于本批次报名条件：最低为研究生；"
        "正在挂职（2027年濂溪区挂职干部），本批次不接受正在挂职的干部报名。"
    )
    assert snapshot() == before


def test_a_proposed_assignment_elsewhere_is_not_serving(call):  # type: ignore[no-untyped-def]
    post_b = PostFactory(batch=programme_world(call.world).batch_b, host_unit=call.world.township_b)
    assign(post_b, call.world.cadre_a, state=AssignmentState.PROPOSED)
    application = services.application_submit(
        actor=call.cadre, batch=call.batch, choices=[call.post.pk]
    )
    assert application.state == "submitted"


def test_a_cadre_outside_the_dispatching_units_is_refused(call):  # type: ignore[no-untyped-def]
    outsider = cadre_with_account(call.world, "赵六", "zhaoliu", home_unit=call.world.township_a)
    before = snapshot()
    with pytest.raises(services.Ineligible) as refused:
        services.application_submit(actor=outsider, batch=call.batch, choices=[call.post.pk])
    assert refused.value.reasons == ["工作单位不在本批次的派出单位范围内"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("slots", "detail"),
    [
        ([], {"choice_1": "请至少填报一个岗位。"}),
        ([None, None], {"choice_1": "请至少填报一个岗位。"}),
        (["second", None, "post"], {"choice_2": "请按顺序填报：后面还有志愿，第2志愿不能空着。"}),
        (["post", "post"], {"choice_2": "与第1志愿重复。"}),
        (["outside"], {"choice_1": "所选岗位不属于本批次。"}),
        ([0], {"choice_1": "所选岗位不属于本批次。"}),
    ],
)
def test_the_choices_are_checked_rank_by_rank(call, slots, detail):  # type: ignore[no-untyped-def]
    ids = {
        "post": call.post.pk,
        "second": call.second.pk,
        "outside": programme_world(call.world).post_b.pk,
    }
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(
            actor=call.cadre, batch=call.batch, choices=[ids.get(s, s) for s in slots]
        )
    assert refused.value.detail == detail
    assert snapshot() == before


def test_no_more_choices_than_the_batch_allows(call):  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=call.batch.pk).update(max_choices=1)
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(
            actor=call.cadre, batch=call.batch, choices=[call.post.pk, call.second.pk]
        )
    assert refused.value.detail == {"choices": "本批次最多填报1个岗位。"}
    assert snapshot() == before


def test_the_statement_has_a_length_limit(call):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(
            actor=call.cadre, batch=call.batch, choices=[call.post.pk], statement="字" * 2001
        )
    assert refused.value.detail == {"statement": "个人陈述不能超过2000个字。"}
    assert not Application.objects.exists()


def test_an_account_without_a_cadre_profile_cannot_apply(call):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(
            actor=call.world.users["admin"], batch=call.batch, choices=[call.post.pk]
        )
    assert refused.value.message == "您的账号没有关联干部档案，不能报名。"
    assert not Application.objects.exists()


# Recommendations ----------------------------------------------------------------------------


def test_a_dispatch_admin_recommends_a_cadre_of_the_school(call):  # type: ignore[no-untyped-def]
    recommendation = services.recommendation_create(
        actor=call.dispatch_admin,
        batch=call.batch,
        cadre=call.world.cadre_a,
        comment=" 工作扎实，熟悉基层。 ",
    )
    assert (
        recommendation.cadre,
        recommendation.recommender,
        recommendation.recommending_unit,
        recommendation.comment,
        recommendation.declined_at,
    ) == (
        call.world.cadre_a,
        call.dispatch_admin,
        call.world.school_a,
        "工作扎实，熟悉基层。",
        None,
    )
    audit = AuditEvent.objects.get(action="recommendation.create")
    assert audit.detail == {
        "batch": "2027年浔阳区挂职干部",
        "cadre": "张三",
        "unit": "浔阳区委党校",
    }
    # Recommended is not applied: matching sees nobody until the cadre confirms.
    assert matching_candidates(call.batch) == []


def test_nobody_recommends_a_cadre_outside_their_units(call):  # type: ignore[no-untyped-def]
    before = snapshot()
    with pytest.raises(Forbidden) as refused:
        services.recommendation_create(
            actor=call.dispatch_admin, batch=call.batch, cadre=call.world.cadre_b, comment="好"
        )
    assert refused.value.message == "李四不在您的管辖范围内，不能推荐。"
    with pytest.raises(Forbidden):
        services.recommendation_create(
            actor=call.host_leader, batch=call.batch, cadre=call.world.cadre_a, comment="好"
        )
    assert snapshot() == before


def test_a_cadre_outside_the_dispatching_units_is_not_recommended(call):  # type: ignore[no-untyped-def]
    township_cadre = CadreFactory(name="钱七", home_unit=call.world.township_a)
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.recommendation_create(
            actor=call.coordinator, batch=call.batch, cadre=township_cadre, comment="好"
        )
    assert refused.value.detail == {"cadre": "钱七的工作单位不在本批次的派出单位范围内。"}
    assert snapshot() == before


def test_a_cadre_is_recommended_once_and_with_a_comment(call):  # type: ignore[no-untyped-def]
    services.recommendation_create(
        actor=call.dispatch_admin, batch=call.batch, cadre=call.world.cadre_a, comment="好"
    )
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.recommendation_create(
            actor=call.coordinator, batch=call.batch, cadre=call.world.cadre_a, comment=" "
        )
    assert refused.value.detail == {
        "cadre": "张三已由浔阳区委党校推荐，不能重复推荐。",
        "comment": "推荐意见不能为空。",
    }
    assert snapshot() == before


def test_an_ineligible_cadre_is_not_recommended(call):  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=call.batch.pk).update(max_rank="副科级")
    before = snapshot()
    with pytest.raises(services.Ineligible) as refused:
        services.recommendation_create(
            actor=call.dispatch_admin, batch=call.batch, cadre=call.world.cadre_a, comment="好"
        )
    assert refused.value.reasons == ["职级高于本批次报名条件：最高为乡科级副职（副科级）"]
    assert snapshot() == before


def test_recommendations_are_taken_only_while_recruiting(call):  # type: ignore[no-untyped-def]
    Batch.objects.filter(pk=call.batch.pk).update(state="matching")
    before = snapshot()
    with pytest.raises(InvalidTransition):
        services.recommendation_create(
            actor=call.dispatch_admin, batch=call.batch, cadre=call.world.cadre_a, comment="好"
        )
    assert snapshot() == before


def test_the_recommended_cadre_confirms_by_applying_even_after_the_deadline(call):  # type: ignore[no-untyped-def]
    close_the_call(call.batch)
    services.recommendation_create(
        actor=call.dispatch_admin, batch=call.batch, cadre=call.world.cadre_a, comment="好"
    )
    application = services.application_submit(
        actor=call.cadre, batch=call.batch, choices=[call.post.pk]
    )
    assert application.confirms_recommendation is True
    assert AuditEvent.objects.get(action="application.submit").detail["confirms_recommendation"]
    assert [a.cadre.name for a in matching_candidates(call.batch)] == ["张三"]


def test_the_recommended_cadre_declines_and_stays_out(call):  # type: ignore[no-untyped-def]
    services.recommendation_create(
        actor=call.dispatch_admin, batch=call.batch, cadre=call.world.cadre_a, comment="好"
    )
    declined = services.recommendation_decline(actor=call.cadre, batch=call.batch)
    assert declined.declined_at is not None
    assert AuditEvent.objects.filter(action="recommendation.decline").count() == 1
    before = snapshot()
    with pytest.raises(InvalidTransition) as refused:
        services.recommendation_decline(actor=call.cadre, batch=call.batch)
    assert refused.value.message.startswith("您已于") and refused.value.message.endswith(
        "谢绝推荐。"
    )
    assert snapshot() == before
    assert matching_candidates(call.batch) == []

    # Changing one's mind: applying after declining confirms after all.
    services.application_submit(actor=call.cadre, batch=call.batch, choices=[call.post.pk])
    declined.refresh_from_db()
    assert declined.declined_at is None


def test_an_applied_cadre_withdraws_rather_than_declines(call):  # type: ignore[no-untyped-def]
    services.recommendation_create(
        actor=call.dispatch_admin, batch=call.batch, cadre=call.world.cadre_a, comment="好"
    )
    services.application_submit(actor=call.cadre, batch=call.batch, choices=[call.post.pk])
    before = snapshot()
    with pytest.raises(InvalidTransition) as refused:
        services.recommendation_decline(actor=call.cadre, batch=call.batch)
    assert refused.value.message == "您已报名，视为确认推荐；如不参加，请撤回报名。"
    assert snapshot() == before


def test_declining_without_a_recommendation_is_refused(call):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        services.recommendation_decline(actor=call.cadre, batch=call.batch)
    assert refused.value.message == "您在本批次没有收到推荐。"


# Host preferences ---------------------------------------------------------------------------


@pytest.fixture
def applicants(call) -> list[CadreProfile]:  # type: ignore[no-untyped-def]
    """Three cadres naming post_a; the third withdrew."""
    people = [CadreFactory(name=name, home_unit=call.world.school_a) for name in "甲乙丙"]
    for person in people:
        apply(call.batch, person, [call.post])
    Application.objects.filter(cadre=people[2]).update(state="withdrawn")
    return people


def test_a_host_leader_ranks_the_posts_applicants(call, applicants):  # type: ignore[no-untyped-def]
    first, second, _withdrawn = applicants
    services.host_preferences_set(
        actor=call.host_leader, post=call.post, ranking=[second.pk, first.pk]
    )
    assert list(
        HostPreference.objects.filter(post=call.post).values_list("cadre__name", "rank", "set_by")
    ) == [("乙", 1, call.host_leader.pk), ("甲", 2, call.host_leader.pk)]
    assert host_rankings(call.batch) == {call.post.pk: [second.pk, first.pk]}
    audit = AuditEvent.objects.get(action="host_preference.set")
    assert (audit.detail["old"], audit.detail["new"]) == ([], ["乙", "甲"])

    # Replaced as a whole by the coordinator; an empty ranking clears it.
    services.host_preferences_set(actor=call.coordinator, post=call.post, ranking=[first.pk])
    assert host_rankings(call.batch) == {call.post.pk: [first.pk]}
    services.host_preferences_set(actor=call.coordinator, post=call.post, ranking=[])
    assert host_rankings(call.batch) == {}


def test_only_applicants_of_the_post_are_ranked_and_each_once(call, applicants):  # type: ignore[no-untyped-def]
    first, _second, withdrawn = applicants
    before = snapshot()
    with pytest.raises(ValidationFailed) as refused:
        services.host_preferences_set(
            actor=call.host_leader, post=call.post, ranking=[withdrawn.pk]
        )
    assert refused.value.detail == {"ranking": "只能排序填报了本岗位的报名人选。"}
    with pytest.raises(ValidationFailed) as refused:
        services.host_preferences_set(
            actor=call.host_leader, post=call.post, ranking=[first.pk, first.pk]
        )
    assert refused.value.detail == {f"rank_{first.pk}": "甲排了两次。"}
    assert snapshot() == before


def test_a_host_leader_ranks_only_the_posts_of_their_units(call, applicants):  # type: ignore[no-untyped-def]
    post_b = programme_world(call.world).post_b
    before = snapshot()
    with pytest.raises(Forbidden):
        services.host_preferences_set(actor=call.host_leader, post=post_b, ranking=[])
    with pytest.raises(Forbidden):
        services.host_preferences_set(
            actor=call.dispatch_admin, post=call.post, ranking=[applicants[0].pk]
        )
    assert snapshot() == before


def test_the_ranking_is_frozen_once_a_run_is_adopted_or_the_batch_moves_on(call, applicants):  # type: ignore[no-untyped-def]
    first = applicants[0]
    services.host_preferences_set(actor=call.host_leader, post=call.post, ranking=[first.pk])
    Batch.objects.filter(pk=call.batch.pk).update(state="matching")
    MatchingRun.objects.create(
        batch=call.batch,
        number=1,
        mode="optimal",
        seed=1,
        started_by=call.coordinator,
        adopted_at=timezone.now(),
    )
    before = snapshot()
    with pytest.raises(InvalidTransition) as refused:
        services.host_preferences_set(actor=call.host_leader, post=call.post, ranking=[])
    assert refused.value.message == "本批次已采纳匹配方案，不能再调整接收单位意向。"
    MatchingRun.objects.all().delete()
    Batch.objects.filter(pk=call.batch.pk).update(state="publicity")
    with pytest.raises(InvalidTransition) as refused:
        services.host_preferences_set(actor=call.host_leader, post=call.post, ranking=[])
    assert refused.value.message == "批次处于“公示中”阶段，不能再调整接收单位意向。"
    assert snapshot() == before


def test_host_rankings_leave_out_cadres_who_no_longer_name_the_post(call, applicants):  # type: ignore[no-untyped-def]
    first, second, _withdrawn = applicants
    services.host_preferences_set(
        actor=call.host_leader, post=call.post, ranking=[first.pk, second.pk]
    )
    Application.objects.filter(cadre=first).update(state="withdrawn")
    assert host_rankings(call.batch) == {call.post.pk: [second.pk]}


# What matching reads ------------------------------------------------------------------------


def test_matching_candidates_come_with_everything_matching_needs_fetched(call, applicants):  # type: ignore[no-untyped-def]
    CadreRelative.objects.create(
        profile=applicants[0],
        name="甲父",
        relation="父亲",
        unit_name="白鹿镇",
        unit=call.world.township_a,
    )
    apply(call.batch, call.world.cadre_a, [call.second, call.post])
    with CaptureQueriesContext(connection) as queries:
        candidates = matching_candidates(call.batch)
    # The applications, then the relatives and the choices in one query each.
    assert len(queries) == 3
    with CaptureQueriesContext(connection) as more:
        seen = [
            (
                candidate.cadre.name,
                candidate.cadre.home_unit.name,
                [relative.unit.name for relative in candidate.cadre.relatives.all()],
                [
                    (choice.rank, choice.post.title, choice.post.host_unit.name)
                    for choice in candidate.choices.all()
                ],
            )
            for candidate in candidates
        ]
    assert len(more) == 0
    # Submitted applications in the order they came; the withdrawn 丙 is not a candidate.
    assert seen == [
        ("甲", "浔阳区委党校", ["白鹿镇"], [(1, "党委副书记", "白鹿镇")]),
        ("乙", "浔阳区委党校", [], [(1, "党委副书记", "白鹿镇")]),
        ("张三", "浔阳区委党校", [], [(1, "镇长助理", "白鹿镇"), (2, "党委副书记", "白鹿镇")]),
    ]


# Demo data ----------------------------------------------------------------------------------


def test_demo_call_publishes_applies_and_recommends_the_same_way_every_time(world):  # type: ignore[no-untyped-def]
    def run() -> tuple[list, list]:
        batch = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
        for title in ("党委副书记", "镇长助理", "办公室副主任"):
            PostFactory(batch=batch, host_unit=world.township_a, title=title)
        people = [CadreFactory(name=f"示例{n}", home_unit=world.school_a) for n in range(5)]
        people.append(
            CadreFactory(name="年长", home_unit=world.school_a, birth_date=dt.date(1960, 1, 1))
        )
        Batch.objects.filter(pk=batch.pk).update(max_age=45)
        batch.refresh_from_db()
        made = services.demo_call(
            coordinator=world.users["coordinator"],
            batch=batch,
            cadres=people,
            recommender=world.users["dispatch_admin"],
        )
        assert batch.notice.published_at is not None
        applied = [(a.cadre.name, [c.post.title for c in a.choices.order_by("rank")]) for a in made]
        recommended = list(
            batch.recommendations.order_by("id").values_list("cadre__name", flat=True)
        )
        return applied, recommended

    first, second = run(), run()
    assert first == second
    applied, recommended = first
    # The first two eligible cadres are recommended (awaiting confirmation), the other three
    # apply; 年长 (66 at the term start) is over the age limit and does neither.
    assert recommended == ["示例0", "示例1"]
    assert [name for name, _choices in applied] == ["示例2", "示例3", "示例4"]
    assert all(1 <= len(choices) <= 3 for _name, choices in applied)

"""Writes of the call: the notice, applications, recommendations and the hosts' rankings.

The batch's state gates them: the notice is written in planning or recruiting and published
in recruiting; applications are taken in recruiting until the notice's deadline, and may be
changed or withdrawn until then. A recommendation may come at any time while the batch is
recruiting, so the recommended cadre may answer it (apply, which confirms it, or decline)
until the batch leaves recruiting, even after the deadline: the deadline closes voluntary
applications, and a confirmation is the answer to a recommendation, not a late application.
"""

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record, changed_fields
from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.jinja import format_date
from guazhi.core.text import join_clauses, join_list
from guazhi.orgs.models import CadreProfile, Organisation, User
from guazhi.orgs.scopes import scopes_of
from guazhi.programmes.models import (
    Application,
    ApplicationChoice,
    ApplicationState,
    Batch,
    BatchState,
    HostPreference,
    Notice,
    Post,
    Recommendation,
)
from guazhi.programmes.selectors.call import (
    EVENT_NOTICE_CORRECTED,
    EVENT_NOTICE_PUBLISHED,
    RECOMMENDER_ROLES,
    can_rank_for_post,
    eligibility_of,
    preferences_locked_reason,
)
from guazhi.programmes.selectors.scope import cadre_profile_for, can_manage_batch
from guazhi.programmes.services.events import batch_event_record
from guazhi.programmes.services.locks import locked_batch

TITLE_MAX = 200
STATEMENT_MAX = 2000
COMMENT_MAX = 2000
NOTICE_FIELDS = ["title", "body", "deadline"]


class Ineligible(ValidationFailed):
    """The cadre does not meet the batch's conditions; `reasons` lists every failing rule."""

    code = "ineligible"

    def __init__(self, message: str, *, reasons: list[str]) -> None:
        super().__init__(message, detail={"reasons": reasons})
        self.reasons = reasons


def _when(value: dt.datetime) -> str:
    """A moment in the reader's format (2026年11月23日 17:00 / 2026-11-23 17:00)."""
    return format_date(value, with_time=True)


# The notice ---------------------------------------------------------------------------------


def _check_notice_manager(actor: User, batch: Batch) -> None:
    if not can_manage_batch(actor=actor, batch=batch):
        raise Forbidden(_("只有本批次的组织部门可以编写和发布选派通知。"))


def _notice_errors(
    batch: Batch, title: str, body: str, deadline: dt.datetime | None, *, check_deadline: bool
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("通知标题不能为空。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("通知标题不能超过%(n)s个字。") % {"n": TITLE_MAX}
    if not body:
        errors["body"] = _("通知正文不能为空。")
    if deadline is None:
        errors["deadline"] = _("报名截止时间不能为空。")
    elif check_deadline and deadline <= timezone.now():
        errors["deadline"] = _("报名截止时间应晚于现在。")
    elif check_deadline and timezone.localtime(deadline).date() >= batch.term_start:
        errors["deadline"] = _("报名截止时间应早于挂职开始日期（%(day)s）。") % {
            "day": format_date(batch.term_start)
        }
    return errors


@transaction.atomic
def notice_save(
    *, actor: User, batch: Batch, title: str, body: str, deadline: dt.datetime | None
) -> Notice:
    """Write the batch's notice, or change it. After publishing a change is a correction:
    audited, and put on the batch's timeline, where cadres reading the notice see it."""
    batch = locked_batch(batch.pk)
    _check_notice_manager(actor, batch)
    if batch.state not in (BatchState.PLANNING, BatchState.RECRUITING):
        raise InvalidTransition(
            _("批次处于“%(state)s”阶段，选派通知不能再修改。")
            % {"state": batch.get_state_display()}
        )
    title, body = (title or "").strip(), (body or "").strip()
    notice = Notice.objects.select_for_update(of=("self",)).filter(batch=batch).first()
    # An unchanged deadline that has since passed is not the editor's mistake; a new one is.
    check_deadline = notice is None or notice.deadline != deadline
    errors = _notice_errors(batch, title, body, deadline, check_deadline=check_deadline)
    if errors:
        raise ValidationFailed(_("选派通知填写有误。"), detail=errors)
    assert deadline is not None  # checked above
    if notice is None:
        notice = Notice.objects.create(batch=batch, title=title, body=body, deadline=deadline)
        audit_record(actor=actor, action="notice.create", obj=notice, detail={"batch": batch.name})
        return notice
    before = {name: getattr(notice, name) for name in NOTICE_FIELDS}
    notice.title, notice.body, notice.deadline = title, body, deadline
    changes = changed_fields(notice, before, NOTICE_FIELDS)
    if not changes:
        return notice
    notice.save(update_fields=[*changes.keys(), "updated_at"])
    published = notice.published_at is not None
    audit_record(
        actor=actor,
        action="notice.correct" if published else "notice.update",
        obj=notice,
        detail={"changes": changes},
    )
    if published:
        labels = {
            "title": gettext_noop("通知标题"),
            "body": gettext_noop("通知正文"),
            "deadline": gettext_noop("报名截止时间"),
        }
        note = Message(
            gettext_noop("更正了%(fields)s"),
            fields=[Message(labels[name]) for name in changes],
        )
        if "deadline" in changes:
            note = Message(
                gettext_noop("%(first)s；%(second)s"),
                first=note,
                second=Message(
                    gettext_noop("报名截止时间由%(old)s改为%(new)s"),
                    old=_when(before["deadline"]),
                    new=_when(deadline),
                ),
            )
        batch_event_record(
            actor=actor,
            batch=batch,
            kind=EVENT_NOTICE_CORRECTED,
            note=note,
            payload={"fields": list(changes)},
        )
    return notice


@transaction.atomic
def notice_publish(*, actor: User, batch: Batch) -> Notice:
    """Publish the notice: the cadres of the dispatching units see it and may apply."""
    batch = locked_batch(batch.pk)
    _check_notice_manager(actor, batch)
    notice = Notice.objects.select_for_update(of=("self",)).filter(batch=batch).first()
    if notice is None:
        raise ValidationFailed(_("请先填写并保存选派通知，再发布。"))
    if notice.published_at is not None:
        raise InvalidTransition(
            _("选派通知已于%(when)s发布。") % {"when": _when(notice.published_at)}
        )
    if batch.state != BatchState.RECRUITING:
        raise InvalidTransition(
            _("批次处于“%(state)s”阶段，进入“报名中”阶段后才能发布选派通知。")
            % {"state": batch.get_state_display()}
        )
    if notice.deadline <= timezone.now():
        raise ValidationFailed(
            _("报名截止时间已过，请先修改截止时间再发布。"),
            detail={"deadline": _("报名截止时间应晚于现在。")},
        )
    notice.published_at = timezone.now()
    notice.published_by = actor
    notice.save(update_fields=["published_at", "published_by", "updated_at"])
    audit_record(actor=actor, action="notice.publish", obj=notice, detail={"batch": batch.name})
    batch_event_record(
        actor=actor,
        batch=batch,
        kind=EVENT_NOTICE_PUBLISHED,
        note=Message(
            gettext_noop("发布选派通知“%(title)s”，报名截止时间%(deadline)s"),
            title=notice.title,
            deadline=_when(notice.deadline),
        ),
        payload={"deadline": notice.deadline.isoformat()},
    )
    return notice


# Applications -------------------------------------------------------------------------------


def _own_profile(actor: User) -> CadreProfile:
    """The acting cadre's profile, locked: one person's submit, change, withdraw and decline
    run one after another, so a double click cannot make two applications."""
    profile = cadre_profile_for(actor)
    if profile is None:
        # Missing data rather than a missing right (an admin holds every role, and a cadre's
        # account may not be linked yet): said as a message, not as a refused page.
        raise ValidationFailed(_("您的账号没有关联干部档案，不能报名。"))
    return (
        CadreProfile.objects.select_for_update(of=("self",))
        .select_related("home_unit")
        .get(pk=profile.pk)
    )


def _published_notice(batch: Batch) -> Notice:
    notice = Notice.objects.filter(batch=batch, published_at__isnull=False).first()
    if notice is None:
        raise InvalidTransition(_("本批次尚未发布选派通知。"))
    return notice


def _check_recruiting(batch: Batch) -> None:
    if batch.state != BatchState.RECRUITING:
        raise InvalidTransition(
            _("批次处于“%(state)s”阶段，不在报名期内。") % {"state": batch.get_state_display()}
        )


def _choice_errors(batch: Batch, choices: Sequence[int | None]) -> tuple[list[int], dict]:
    """The post ids in rank order, and the problems by field ("choice_<rank>")."""
    slots = list(choices)
    while slots and slots[-1] is None:
        slots.pop()
    errors: dict[str, str] = {}
    if not slots:
        return [], {"choice_1": _("请至少填报一个岗位。")}
    if len(slots) > batch.max_choices:
        errors["choices"] = _("本批次最多填报%(n)s个岗位。") % {"n": batch.max_choices}
    in_batch = set(Post.objects.filter(batch=batch).values_list("pk", flat=True))
    seen: dict[int, int] = {}
    for rank, post_id in enumerate(slots, start=1):
        key = f"choice_{rank}"
        if post_id is None:
            errors[key] = _("请按顺序填报：后面还有志愿，第%(n)s志愿不能空着。") % {"n": rank}
        elif post_id not in in_batch:
            errors[key] = _("所选岗位不属于本批次。")
        elif post_id in seen:
            errors[key] = _("与第%(n)s志愿重复。") % {"n": seen[post_id]}
        else:
            seen[post_id] = rank
    return [post_id for post_id in slots if post_id is not None], errors


@transaction.atomic
def application_submit(
    *, actor: User, batch: Batch, choices: Sequence[int | None], statement: str = ""
) -> Application:
    """Apply to the batch, change the application, or apply again after withdrawing.

    `choices` are post ids in rank order (None for a slot left blank, which only trailing
    slots may be). A cadre recommended in the batch confirms the recommendation by applying.
    Ineligible cadres are refused with every failing rule (Ineligible); nothing is saved.
    """
    profile = _own_profile(actor)
    # Locked, so an application cannot slip in after the call has closed (the move out of
    # recruiting holds the same lock): it waits for the move and is refused.
    batch = locked_batch(batch.pk)
    notice = _published_notice(batch)
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",))
        .filter(batch=batch, cadre=profile)
        .first()
    )
    _check_recruiting(batch)
    if timezone.now() >= notice.deadline and recommendation is None:
        raise InvalidTransition(_("报名已于%(when)s截止。") % {"when": _when(notice.deadline)})
    reasons = eligibility_of(batch, profile)
    if reasons:
        raise Ineligible(
            _("不符合本批次报名条件：%(reasons)s。") % {"reasons": join_clauses(reasons)},
            reasons=reasons,
        )
    statement = (statement or "").strip()
    post_ids, errors = _choice_errors(batch, choices)
    if len(statement) > STATEMENT_MAX:
        errors["statement"] = _("个人陈述不能超过%(n)s个字。") % {"n": STATEMENT_MAX}
    if errors:
        raise ValidationFailed(_("报名信息有误。"), detail=errors)

    now = timezone.now()
    application = (
        Application.objects.select_for_update(of=("self",))
        .filter(batch=batch, cadre=profile)
        .first()
    )
    confirms = recommendation is not None
    if application is None:
        application = Application.objects.create(
            batch=batch,
            cadre=profile,
            statement=statement,
            state=ApplicationState.SUBMITTED,
            submitted_at=now,
            confirms_recommendation=confirms,
        )
        action = "application.submit"
    else:
        old_choices = list(application.choices.order_by("rank").values_list("post_id", flat=True))
        resubmitted = application.state == ApplicationState.WITHDRAWN
        unchanged = (
            not resubmitted
            and old_choices == post_ids
            and application.statement == statement
            and application.confirms_recommendation == confirms
        )
        if unchanged:
            return application
        application.statement = statement
        application.confirms_recommendation = confirms
        fields = ["statement", "confirms_recommendation", "updated_at"]
        if resubmitted:
            application.state = ApplicationState.SUBMITTED
            application.submitted_at = now
            application.withdrawn_at = None
            fields += ["state", "submitted_at", "withdrawn_at"]
        application.save(update_fields=fields)
        application.choices.all().delete()
        action = "application.resubmit" if resubmitted else "application.change"
    posts = Post.objects.in_bulk(post_ids)
    ApplicationChoice.objects.bulk_create(
        ApplicationChoice(application=application, post_id=post_id, rank=rank)
        for rank, post_id in enumerate(post_ids, start=1)
    )
    detail: dict[str, Any] = {
        "batch": batch.name,
        "choices": [str(posts[post_id]) for post_id in post_ids],
    }
    if recommendation is not None:
        detail["confirms_recommendation"] = True
        if recommendation.declined_at is not None:
            # Declined, then applied after all: the application is the later answer.
            recommendation.declined_at = None
            recommendation.save(update_fields=["declined_at", "updated_at"])
            detail["recommendation_decline_undone"] = True
    audit_record(actor=actor, action=action, obj=application, detail=detail)
    return application


@transaction.atomic
def application_withdraw(*, actor: User, batch: Batch) -> Application:
    """Withdraw one's application before the deadline (one may apply again until then)."""
    profile = _own_profile(actor)
    batch = locked_batch(batch.pk)  # the state checked below holds until commit
    application = (
        Application.objects.select_for_update(of=("self",))
        .filter(batch=batch, cadre=profile, state=ApplicationState.SUBMITTED)
        .first()
    )
    if application is None:
        raise ValidationFailed(_("您在本批次没有可撤回的报名。"))
    _check_recruiting(batch)
    notice = _published_notice(batch)
    if timezone.now() >= notice.deadline:
        raise InvalidTransition(
            _("报名已于%(when)s截止，不能再撤回。如确需退出，请联系组织部门。")
            % {"when": _when(notice.deadline)}
        )
    application.state = ApplicationState.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["state", "withdrawn_at", "updated_at"])
    audit_record(
        actor=actor, action="application.withdraw", obj=application, detail={"batch": batch.name}
    )
    return application


# Recommendations ----------------------------------------------------------------------------


def _recommending_unit(batch: Batch, profile: CadreProfile) -> Organisation | None:
    """The dispatching organisation the cadre belongs to (the nearest, if they nest)."""
    units = [
        unit
        for unit in batch.dispatching_orgs.all()
        if profile.home_unit.path.startswith(unit.path)
    ]
    return max(units, key=lambda unit: len(unit.path), default=None)


@transaction.atomic
def recommendation_create(
    *, actor: User, batch: Batch, cadre: CadreProfile, comment: str
) -> Recommendation:
    """Recommend a cadre of one's units for the batch. The cadre must still confirm by applying;
    until then they are listed apart and do not enter matching."""
    profile = (
        CadreProfile.objects.select_for_update(of=("self",))
        .select_related("home_unit")
        .get(pk=cadre.pk)
    )
    batch = locked_batch(batch.pk)  # the state checked below holds until commit
    if not scopes_of(actor).covers(profile.home_unit.path, RECOMMENDER_ROLES, batch_id=batch.pk):
        raise Forbidden(_("%(name)s不在您的管辖范围内，不能推荐。") % {"name": profile.name})
    _check_recruiting(batch)
    _published_notice(batch)
    unit = _recommending_unit(batch, profile)
    errors: dict[str, str] = {}
    if unit is None:
        errors["cadre"] = _("%(name)s的工作单位不在本批次的派出单位范围内。") % {
            "name": profile.name
        }
    else:
        existing = (
            Recommendation.objects.filter(batch=batch, cadre=profile)
            .select_related("recommending_unit")
            .first()
        )
        if existing is not None:
            errors["cadre"] = _("%(name)s已由%(unit)s推荐，不能重复推荐。") % {
                "name": profile.name,
                "unit": existing.recommending_unit.name,
            }
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = _("推荐意见不能为空。")
    elif len(comment) > COMMENT_MAX:
        errors["comment"] = _("推荐意见不能超过%(n)s个字。") % {"n": COMMENT_MAX}
    if errors:
        raise ValidationFailed(_("推荐信息有误。"), detail=errors)
    assert unit is not None
    reasons = eligibility_of(batch, profile)
    if reasons:
        raise Ineligible(
            _("%(name)s不符合本批次报名条件：%(reasons)s。")
            % {"name": profile.name, "reasons": join_clauses(reasons)},
            reasons=reasons,
        )
    recommendation = Recommendation.objects.create(
        batch=batch, cadre=profile, recommender=actor, recommending_unit=unit, comment=comment
    )
    audit_record(
        actor=actor,
        action="recommendation.create",
        obj=recommendation,
        detail={"batch": batch.name, "cadre": profile.name, "unit": unit.name},
    )
    return recommendation


@transaction.atomic
def recommendation_decline(*, actor: User, batch: Batch) -> Recommendation:
    """The recommended cadre declines (the voluntary principle): they stay out of matching."""
    profile = _own_profile(actor)
    batch = locked_batch(batch.pk)  # the state checked below holds until commit
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",))
        .filter(batch=batch, cadre=profile)
        .first()
    )
    if recommendation is None:
        raise ValidationFailed(_("您在本批次没有收到推荐。"))
    if recommendation.declined_at is not None:
        raise InvalidTransition(
            _("您已于%(when)s谢绝推荐。") % {"when": _when(recommendation.declined_at)}
        )
    _check_recruiting(batch)
    if Application.objects.filter(
        batch=batch, cadre=profile, state=ApplicationState.SUBMITTED
    ).exists():
        raise InvalidTransition(_("您已报名，视为确认推荐；如不参加，请撤回报名。"))
    recommendation.declined_at = timezone.now()
    recommendation.save(update_fields=["declined_at", "updated_at"])
    audit_record(
        actor=actor,
        action="recommendation.decline",
        obj=recommendation,
        detail={"batch": batch.name},
    )
    return recommendation


# Host preferences ---------------------------------------------------------------------------


@transaction.atomic
def host_preferences_set(
    *, actor: User, post: Post, ranking: Sequence[int]
) -> list[HostPreference]:
    """Replace the host's ranking of the post's applicants: `ranking` lists cadre ids, most
    wanted first; an empty list clears it. Optional; matching reads it as a preference."""
    # The batch first, as every other write takes it: its state and adopted run, checked
    # below, cannot change until commit (adopting a run and moving the batch both lock it).
    batch = locked_batch(post.batch_id)
    post = Post.objects.select_for_update(of=("self",)).select_related("host_unit").get(pk=post.pk)
    post.batch = batch
    if not can_rank_for_post(actor=actor, post=post):
        raise Forbidden(_("只有接收单位领导和本批次的组织部门可以排序本岗位的报名人选。"))
    locked = preferences_locked_reason(post.batch)
    if locked:
        raise InvalidTransition(locked)
    applicants = dict(
        ApplicationChoice.objects.filter(
            post=post, application__state=ApplicationState.SUBMITTED
        ).values_list("application__cadre_id", "application__cadre__name")
    )
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for cadre_id in ranking:
        if cadre_id not in applicants:
            errors["ranking"] = _("只能排序填报了本岗位的报名人选。")
        elif cadre_id in seen:
            errors[f"rank_{cadre_id}"] = _("%(name)s排了两次。") % {"name": applicants[cadre_id]}
        seen.add(cadre_id)
    if errors:
        raise ValidationFailed(_("排序有误。"), detail=errors)
    old = list(post.host_preferences.order_by("rank").values_list("cadre_id", flat=True))
    if old == list(ranking):
        return list(post.host_preferences.order_by("rank"))
    post.host_preferences.all().delete()
    preferences = HostPreference.objects.bulk_create(
        HostPreference(post=post, cadre_id=cadre_id, rank=rank, set_by=actor)
        for rank, cadre_id in enumerate(ranking, start=1)
    )
    audit_record(
        actor=actor,
        action="host_preference.set",
        obj=post,
        detail={
            "batch": post.batch.name,
            "old": [applicants.get(c, str(c)) for c in old],
            "new": [applicants[c] for c in ranking],
        },
    )
    return preferences


# Demo data ----------------------------------------------------------------------------------


def demo_call(
    *,
    coordinator: User,
    batch: Batch,
    cadres: Sequence[CadreProfile],
    recommender: User | None = None,
    recommend: int = 2,
    seed: int = 2026,
) -> list[Application]:
    """A published notice, applications from the eligible among `cadres`, and (with a
    `recommender`) a few recommendations still waiting for their cadre, for demos.

    The batch must be recruiting and have posts. Choices are drawn from a seeded random
    generator (posts whose tags meet the cadre's expertise first), so the same call gives the
    same applications. Demo cadres often have no account to act with, so applications are
    written directly, audited as the coordinator's demo entries; everything else goes through
    the services. Returns the applications made.
    """
    rng = random.Random(seed)
    # By name, not by the default order: that follows unit paths, which are made of ids, and
    # the same demo must come out the same in any database.
    posts = sorted(
        Post.objects.filter(batch=batch).select_related("host_unit"),
        key=lambda post: (post.host_unit.name_pinyin, post.title, post.portfolio),
    )
    if not posts:
        raise ValidationFailed(_("本批次还没有岗位。"))
    notice = Notice.objects.filter(batch=batch).first()
    if notice is None:
        notice_save(
            actor=coordinator,
            batch=batch,
            title=_("关于选派%(batch)s的通知") % {"batch": batch.name},
            body=_("请符合报名条件的干部自愿报名，按意愿填报岗位并简述个人特长。"),
            deadline=timezone.now() + dt.timedelta(days=14),
        )
    if notice is None or notice.published_at is None:
        notice_publish(actor=coordinator, batch=batch)
    taken = set(Application.objects.filter(batch=batch).values_list("cadre_id", flat=True)) | set(
        Recommendation.objects.filter(batch=batch).values_list("cadre_id", flat=True)
    )
    eligible = [c for c in cadres if c.pk not in taken and not eligibility_of(batch, c)]
    to_recommend = eligible[:recommend] if recommender is not None else []
    made: list[Application] = []
    with transaction.atomic():
        for profile in eligible[len(to_recommend) :]:
            wanted = set(profile.expertise)
            ranked = sorted(
                posts,
                key=lambda p: (
                    -len(wanted & set(p.preferred_tags + p.required_tags)),
                    rng.random(),
                ),
            )
            chosen = ranked[: rng.randint(1, min(batch.max_choices, len(posts)))]
            application = Application.objects.create(
                batch=batch,
                cadre=profile,
                statement=_("熟悉%(fields)s工作，愿意到基层锻炼。")
                % {"fields": join_list(profile.expertise) or _("综合")},
                submitted_at=timezone.now(),
            )
            ApplicationChoice.objects.bulk_create(
                ApplicationChoice(application=application, post=post, rank=rank)
                for rank, post in enumerate(chosen, start=1)
            )
            audit_record(
                actor=coordinator,
                action="application.submit",
                obj=application,
                detail={"batch": batch.name, "choices": [str(p) for p in chosen], "demo": True},
            )
            made.append(application)
    for profile in to_recommend:
        recommendation_create(
            actor=recommender,  # type: ignore[arg-type]
            batch=batch,
            cadre=profile,
            comment=_("政治素质好，工作扎实，推荐参加本批次挂职。"),
        )
    return made

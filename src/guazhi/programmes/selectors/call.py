"""Reads of the call: the notice, a cadre's own applications and recommendations, the staff's
list of applications, the applicants of a post, and the inputs matching takes from the call.

Scope comes from selectors/scope.py (who sees the batch); inside a batch, dispatch admins see
the applications and recommendations of the cadres of their units, host leaders the
applications naming posts of their units, the batch's coordinators everything.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.errors import NotFound
from guazhi.orgs.models import CadreProfile, CadreRelative, Role
from guazhi.orgs.scopes import scopes_of
from guazhi.orgs.selectors.search import _search
from guazhi.programmes.eligibility import Standing, eligibility_reasons
from guazhi.programmes.events import batch_event_note
from guazhi.programmes.models import (
    Application,
    ApplicationChoice,
    ApplicationState,
    Assignment,
    AssignmentState,
    Batch,
    BatchEvent,
    BatchState,
    HostPreference,
    MatchingRun,
    Notice,
    Post,
    Recommendation,
)
from guazhi.programmes.selectors.scope import batch_queryset, cadre_profile_for, can_manage_batch

RECOMMENDER_ROLES = (Role.COORDINATOR, Role.DISPATCH_ADMIN)
APPLICATION_READER_ROLES = (Role.COORDINATOR, Role.DISPATCH_ADMIN, Role.HOST_LEADER)
HOST_PREFERENCE_ROLES = (Role.COORDINATOR, Role.HOST_LEADER)
# Kinds of the batch events this area writes (the batch page's timeline names them).
EVENT_NOTICE_PUBLISHED = "notice_published"
EVENT_NOTICE_CORRECTED = "notice_corrected"
# Assignments that make a cadre "serving" for the exclude_serving rule.
SERVING_STATES = (AssignmentState.APPROVED, AssignmentState.ACTIVE)


# The notice ---------------------------------------------------------------------------------


def notice_of(batch: Batch) -> Notice | None:
    """The batch's notice, published or draft (None before one is written). For staff pages:
    a draft is the coordinators' business, so cadre pages use `published_notice`."""
    return Notice.objects.filter(batch=batch).select_related("published_by").first()


def published_notice(batch: Batch) -> Notice | None:
    return Notice.objects.filter(batch=batch, published_at__isnull=False).first()


def notice_corrections(batch: Batch) -> list[BatchEvent]:
    """Changes made to the notice after it was published, newest first: cadres are shown them,
    each note in the reader's language (set on the row for the page, never saved)."""
    events = list(
        BatchEvent.objects.filter(batch=batch, kind=EVENT_NOTICE_CORRECTED)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    for event in events:
        event.note = batch_event_note(event)
    return events


def call_is_open(batch: Batch, notice: Notice | None, *, now: dt.datetime | None = None) -> bool:
    """Voluntary applications are taken: recruiting, notice out, deadline not reached."""
    now = now or timezone.now()
    return (
        batch.state == BatchState.RECRUITING
        and notice is not None
        and notice.published_at is not None
        and now < notice.deadline
    )


# Eligibility facts --------------------------------------------------------------------------


def dispatching_paths(batch: Batch) -> list[str]:
    return list(batch.dispatching_orgs.values_list("path", flat=True))


def standings(batch: Batch, profiles: Iterable[CadreProfile]) -> dict[int, Standing]:
    """What the eligibility rules need for each profile, in two queries however many."""
    profiles = list(profiles)
    paths = dispatching_paths(batch)
    serving: dict[int, str] = {}
    for cadre_id, name in (
        Assignment.objects.filter(
            cadre__in=[profile.pk for profile in profiles], state__in=SERVING_STATES
        )
        .exclude(batch=batch)
        .order_by("id")
        .values_list("cadre_id", "batch__name")
    ):
        serving.setdefault(cadre_id, name)
    return {
        profile.pk: Standing(
            serving_in=serving.get(profile.pk, ""),
            home_under_dispatching=any(profile.home_unit.path.startswith(p) for p in paths),
        )
        for profile in profiles
    }


def eligibility_of(batch: Batch, profile: CadreProfile) -> list[str]:
    """Every reason `profile` may not apply to `batch`, in Chinese; empty when eligible."""
    return eligibility_reasons(batch, profile, standings(batch, [profile])[profile.pk])


# A cadre's own call -------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenCall:
    notice: Notice
    is_open: bool  # before the deadline
    application: Application | None
    recommendation: Recommendation | None


@dataclass(frozen=True)
class CallOverview:
    """What the cadre's page shows: recommendations to answer, calls open to them, their
    applications in every batch (newest first)."""

    profile: CadreProfile | None
    pending_recommendations: list[Recommendation]
    calls: list[OpenCall]
    applications: list[Application]


def _choices_prefetch() -> Prefetch:
    return Prefetch(
        "choices",
        queryset=ApplicationChoice.objects.select_related("post__host_unit").order_by("rank"),
    )


def call_overview(*, actor) -> CallOverview:  # type: ignore[no-untyped-def]
    profile = cadre_profile_for(actor)
    notices = list(
        Notice.objects.filter(
            batch__in=batch_queryset(actor),
            batch__state=BatchState.RECRUITING,
            published_at__isnull=False,
        )
        .select_related("batch")
        .order_by("deadline", "id")
    )
    if profile is None:
        now = timezone.now()
        calls = [OpenCall(n, now < n.deadline, None, None) for n in notices]
        return CallOverview(None, [], calls, [])
    applications = list(
        Application.objects.filter(cadre=profile)
        .select_related("batch")
        .prefetch_related(_choices_prefetch())
        .order_by("-submitted_at", "-id")
    )
    recommendations = list(
        Recommendation.objects.filter(cadre=profile)
        .select_related("batch", "recommending_unit", "recommender")
        .order_by("-created_at", "-id")
    )
    by_batch_application = {a.batch_id: a for a in applications}
    by_batch_recommendation = {r.batch_id: r for r in recommendations}
    now = timezone.now()
    calls = [
        OpenCall(
            notice,
            now < notice.deadline,
            by_batch_application.get(notice.batch_id),
            by_batch_recommendation.get(notice.batch_id),
        )
        for notice in notices
    ]
    pending = [
        r
        for r in recommendations
        if recommendation_awaits_answer(r, by_batch_application.get(r.batch_id))
    ]
    return CallOverview(profile, pending, calls, applications)


def recommendation_awaits_answer(
    recommendation: Recommendation | None, application: Application | None
) -> bool:
    """The cadre still owes an answer: recommended while recruiting, neither declined nor
    (currently) applied."""
    return (
        recommendation is not None
        and recommendation.declined_at is None
        and recommendation.batch.state == BatchState.RECRUITING
        and (application is None or application.state != ApplicationState.SUBMITTED)
    )


@dataclass(frozen=True)
class OwnCall:
    """One batch's call as the acting cadre sees it on the application form."""

    profile: CadreProfile | None
    notice: Notice | None
    application: Application | None
    recommendation: Recommendation | None
    reasons: list[str]  # eligibility; empty when eligible (or without a profile)
    posts: list[Post]
    corrections: list[BatchEvent]
    is_open: bool  # voluntary applications are taken
    can_apply: bool  # this cadre may submit or change now (open, or answering a recommendation)
    can_withdraw: bool
    can_decline: bool


def own_call(*, actor, batch: Batch) -> OwnCall:  # type: ignore[no-untyped-def]
    """The batch's call for the acting cadre. Call after access_batch; a batch whose notice is
    not out answers NotFound, as if it did not exist (nobody is told about drafts)."""
    notice = published_notice(batch)
    if notice is None:
        raise NotFound()
    profile = cadre_profile_for(actor)
    application = recommendation = None
    reasons: list[str] = []
    if profile is not None:
        application = (
            Application.objects.filter(batch=batch, cadre=profile)
            .prefetch_related(_choices_prefetch())
            .first()
        )
        recommendation = (
            Recommendation.objects.filter(batch=batch, cadre=profile)
            .select_related("recommending_unit", "recommender")
            .first()
        )
        reasons = eligibility_of(batch, profile)
    is_open = call_is_open(batch, notice)
    recruiting = batch.state == BatchState.RECRUITING
    submitted = application is not None and application.state == ApplicationState.SUBMITTED
    can_apply = profile is not None and (is_open or (recruiting and recommendation is not None))
    return OwnCall(
        profile=profile,
        notice=notice,
        application=application,
        recommendation=recommendation,
        reasons=reasons,
        posts=list(Post.objects.filter(batch=batch).select_related("host_unit")),
        corrections=notice_corrections(batch),
        is_open=is_open,
        can_apply=can_apply,
        can_withdraw=submitted and is_open,
        can_decline=recruiting
        and recommendation is not None
        and recommendation.declined_at is None
        and not submitted,
    )


# The staff's list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationRow:
    application: Application
    choices: list[ApplicationChoice]  # those the reader may see, by rank
    reasons: list[str]  # eligibility today; empty when eligible
    recommendation: Recommendation | None


@dataclass
class ApplicationBoard:
    submitted: list[ApplicationRow] = field(default_factory=list)
    withdrawn: list[ApplicationRow] = field(default_factory=list)
    # Recommended cadres who have not applied (declined ones too, marked): not in matching.
    recommended_only: list[Recommendation] = field(default_factory=list)
    shows_recommendations: bool = False


def _reads_whole_batch(actor, batch: Batch) -> bool:  # type: ignore[no-untyped-def]
    return scopes_of(actor).is_admin or can_manage_batch(actor=actor, batch=batch)


def application_queryset(*, actor, batch: Batch) -> QuerySet[Application]:  # type: ignore[no-untyped-def]
    """The batch's applications the actor reads: all for its coordinators, the cadres of their
    units for dispatch admins, those naming a post of their units for host leaders."""
    applications = Application.objects.filter(batch=batch)
    if _reads_whole_batch(actor, batch):
        return applications
    scopes = scopes_of(actor)
    condition = scopes.batch_filter(
        [Role.DISPATCH_ADMIN], path_field="cadre__home_unit__path", batch_field="batch_id"
    ) | scopes.batch_filter(
        [Role.HOST_LEADER], path_field="choices__post__host_unit__path", batch_field="batch_id"
    )
    # The join over choices repeats rows: filter through the ids instead.
    return applications.filter(pk__in=Application.objects.filter(condition).values("pk"))


def recommendation_queryset(*, actor, batch: Batch) -> QuerySet[Recommendation]:  # type: ignore[no-untyped-def]
    """Recommendations the actor reads: the coordinators all, dispatch admins their units'."""
    recommendations = Recommendation.objects.filter(batch=batch)
    if _reads_whole_batch(actor, batch):
        return recommendations
    return recommendations.filter(
        scopes_of(actor).batch_filter(
            [Role.DISPATCH_ADMIN], path_field="cadre__home_unit__path", batch_field="batch_id"
        )
    )


def application_board(*, actor, batch: Batch) -> ApplicationBoard:  # type: ignore[no-untyped-def]
    """The staff's list of the batch's call, scoped; a fixed number of queries."""
    scopes = scopes_of(actor)
    whole = _reads_whole_batch(actor, batch)
    applications = list(
        application_queryset(actor=actor, batch=batch)
        .select_related("cadre__home_unit")
        .prefetch_related(_choices_prefetch())
        .order_by("submitted_at", "id")
    )
    shows_recommendations = whole or scopes.has(Role.DISPATCH_ADMIN)
    recommendations = (
        list(
            recommendation_queryset(actor=actor, batch=batch)
            .select_related("cadre__home_unit", "recommending_unit", "recommender")
            .order_by("created_at", "id")
        )
        if shows_recommendations
        else []
    )
    by_cadre = {r.cadre_id: r for r in recommendations}
    facts = standings(batch, [a.cadre for a in applications])
    board = ApplicationBoard(shows_recommendations=shows_recommendations)
    for application in applications:
        # A cadre's other choices are for the organisation and their own unit; a host leader
        # reads only the choices naming their posts.
        sees_all = whole or scopes.covers(
            application.cadre.home_unit.path, [Role.DISPATCH_ADMIN], batch_id=batch.pk
        )
        choices = [
            choice
            for choice in application.choices.all()
            if sees_all
            or scopes.covers(choice.post.host_unit.path, [Role.HOST_LEADER], batch_id=batch.pk)
        ]
        row = ApplicationRow(
            application,
            choices,
            eligibility_reasons(batch, application.cadre, facts[application.cadre_id]),
            by_cadre.get(application.cadre_id),
        )
        if application.state == ApplicationState.SUBMITTED:
            board.submitted.append(row)
        else:
            board.withdrawn.append(row)
    applied = {a.cadre_id for a in applications}
    board.recommended_only = [r for r in recommendations if r.cadre_id not in applied]
    return board


def can_recommend(*, actor, batch: Batch) -> bool:  # type: ignore[no-untyped-def]
    """Whether the recommend button is worth showing: a recommender role that reaches the batch."""
    scopes = scopes_of(actor)
    return scopes.is_admin or any(
        grant.role in RECOMMENDER_ROLES and grant.batch_id in (None, batch.pk)
        for grant in scopes.grants
    )


def recommendable_cadres(*, actor, batch: Batch, query: str = "") -> QuerySet[CadreProfile]:  # type: ignore[no-untyped-def]
    """Cadres the actor may recommend in the batch: of a unit their recommender roles reach,
    under one of the batch's dispatching organisations, not yet recommended in it."""
    scopes = scopes_of(actor)
    cadres = CadreProfile.objects.all()
    if not scopes.is_admin:
        reach = Q(pk__in=[])
        for grant in scopes.grants:
            if grant.role in RECOMMENDER_ROLES and grant.batch_id in (None, batch.pk):
                reach |= Q(home_unit__path__startswith=grant.path)
        cadres = cadres.filter(reach)
    under = Q(pk__in=[])
    for path in dispatching_paths(batch):
        under |= Q(home_unit__path__startswith=path)
    cadres = cadres.filter(under).exclude(recommendations__batch=batch)
    return _search(cadres, query).select_related("home_unit").order_by("name_pinyin", "id")


# Host preferences ---------------------------------------------------------------------------


def can_rank_for_post(*, actor, post: Post) -> bool:  # type: ignore[no-untyped-def]
    """The post's host leaders and the batch's coordinators rank its applicants."""
    return can_manage_batch(actor=actor, batch=post.batch) or scopes_of(actor).covers(
        post.host_unit.path, [Role.HOST_LEADER], batch_id=post.batch_id
    )


def rankable_posts(*, actor, batch: Batch) -> list[Post]:  # type: ignore[no-untyped-def]
    """The batch's posts whose applicants the actor may rank."""
    posts = list(Post.objects.filter(batch=batch).select_related("host_unit"))
    if _reads_whole_batch(actor, batch):
        return posts
    scopes = scopes_of(actor)
    return [
        post
        for post in posts
        if scopes.covers(post.host_unit.path, [Role.HOST_LEADER], batch_id=batch.pk)
    ]


def access_post_for_preferences(*, actor, pk: int) -> Post:  # type: ignore[no-untyped-def]
    """The post if the actor ranks its applicants, else NotFound (missing looks the same)."""
    post = Post.objects.filter(pk=pk).select_related("batch__coordinating_org", "host_unit").first()
    if post is None or not can_rank_for_post(actor=actor, post=post):
        raise NotFound()
    return post


def preferences_locked_reason(batch: Batch) -> str:
    """Why the host's ranking may not change now ("" when it may): only while recruiting or
    matching, and until a matching run has been adopted."""
    if batch.state not in (BatchState.RECRUITING, BatchState.MATCHING):
        return _("批次处于“%(state)s”阶段，不能再调整接收单位意向。") % {
            "state": batch.get_state_display()
        }
    if MatchingRun.objects.filter(batch=batch, adopted_at__isnull=False).exists():
        return _("本批次已采纳匹配方案，不能再调整接收单位意向。")
    return ""


@dataclass(frozen=True)
class PostApplicant:
    application: Application
    choice_rank: int  # where the cadre put this post
    host_rank: int | None  # the host's current ranking, if any


def post_applicants(*, actor, post: Post) -> list[PostApplicant]:  # type: ignore[no-untyped-def]
    """The submitted applications naming `post`: ranked ones first in the host's order, then
    by the cadre's own rank of the post, then by time of application."""
    if not can_rank_for_post(actor=actor, post=post):
        raise NotFound()
    choices = list(
        ApplicationChoice.objects.filter(
            post=post,
            application__batch_id=post.batch_id,
            application__state=ApplicationState.SUBMITTED,
        ).select_related("application__cadre__home_unit")
    )
    ranks = dict(HostPreference.objects.filter(post=post).values_list("cadre_id", "rank"))
    applicants = [
        PostApplicant(c.application, c.rank, ranks.get(c.application.cadre_id)) for c in choices
    ]
    applicants.sort(
        key=lambda a: (
            a.host_rank is None,
            a.host_rank or 0,
            a.choice_rank,
            a.application.submitted_at,
            a.application.pk,
        )
    )
    return applicants


# What matching takes from the call ----------------------------------------------------------


def matching_candidates(batch: Batch) -> list[Application]:
    """The submitted applications of `batch`, with the cadre, the home unit, the relatives
    (with their in-system units) and the ranked choices (with post and host unit) fetched.

    No actor: the runs area calls it inside the run's background job, after its view checked
    that the starter manages the batch. Recommended cadres who have not applied are not here
    (they enter matching only by confirming, which is applying).
    """
    return list(
        Application.objects.filter(batch=batch, state=ApplicationState.SUBMITTED)
        .select_related("cadre__home_unit")
        .prefetch_related(
            Prefetch(
                "cadre__relatives",
                queryset=CadreRelative.objects.select_related("unit").order_by("id"),
            ),
            _choices_prefetch(),
        )
        .order_by("submitted_at", "id")
    )


def host_rankings(batch: Batch) -> dict[int, list[int]]:
    """{post id: [cadre id, most wanted first]} for the posts whose host ranked applicants.

    Only cadres who still name the post in a submitted application count: a ranking set
    before someone withdrew or changed their choices keeps no stale entries.
    """
    live = set(
        ApplicationChoice.objects.filter(
            application__batch=batch, application__state=ApplicationState.SUBMITTED
        ).values_list("post_id", "application__cadre_id")
    )
    rankings: dict[int, list[int]] = {}
    for post_id, cadre_id in (
        HostPreference.objects.filter(post__batch=batch)
        .order_by("post_id", "rank")
        .values_list("post_id", "cadre_id")
    ):
        if (post_id, cadre_id) in live:
            rankings.setdefault(post_id, []).append(cadre_id)
    return rankings

"""The demo programmes (what `make demo` shows): states, figures, rules, and every role's view."""

import datetime as dt
import re
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from guazhi.core.models import AuditEvent
from guazhi.orgs import demo as orgs_demo
from guazhi.orgs.models import CadreProfile, CadreRelative, Role, RoleAssignment, User
from guazhi.orgs.vocab import RANK_ORDER
from guazhi.programmes import demo
from guazhi.programmes.events import EVENT_LABELS
from guazhi.programmes.models import (
    Application,
    ApplicationState,
    Assignment,
    AssignmentState,
    AttendanceStatus,
    BatchEvent,
    BatchState,
    Group,
    MatchingRun,
    Post,
    Publicity,
    Recommendation,
    RunState,
    SelectionStep,
    TrainingAttendance,
    TrainingSession,
)
from guazhi.programmes.runs_inputs import default_weights
from guazhi.programmes.runs_job import run_compute
from guazhi.programmes.selectors.batches import batch_moves, post_list
from guazhi.programmes.selectors.call import application_queryset, call_overview
from guazhi.programmes.selectors.groups import assignment_list
from guazhi.programmes.services.batches import batch_transition
from guazhi.programmes.services.runs import run_start


@pytest.fixture
def loaded(db):  # type: ignore[no-untyped-def]
    city = orgs_demo.demo_load()
    return city, demo.programmes_demo_load(city)


def users(city) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The demo accounts read afresh, as a request would (the loaded objects keep the scopes
    they had when the demo acted with them)."""
    return {account.username: User.objects.get(pk=user.pk) for account, user in city.accounts}


def snapshot() -> dict[str, Any]:
    """Everything the demo shows, by names and dates (ids and action times left out)."""
    return {
        "posts": list(
            Post.objects.order_by("batch__name", "id").values_list(
                "batch__name", "host_unit__name", "title", "capacity", "rank", "required_tags"
            )
        ),
        "applications": sorted(
            (
                a.batch.name,
                a.cadre.name,
                a.state,
                a.statement,
                tuple(str(c.post) for c in a.choices.order_by("rank")),
            )
            for a in Application.objects.select_related("batch", "cadre")
        ),
        "recommendations": sorted(
            Recommendation.objects.values_list(
                "batch__name", "cadre__name", "recommending_unit__name"
            )
        ),
        "host_rankings": sorted(
            Post.objects.filter(host_preferences__isnull=False).values_list(
                "title", "host_preferences__rank", "host_preferences__cadre__name"
            )
        ),
        "runs": [
            (run.number, run.mode, run.seed, run.objective, run.adopted_at is not None)
            for run in MatchingRun.objects.order_by("number")
        ],
        "assignments": sorted(
            Assignment.objects.values_list(
                "batch__name",
                "cadre__name",
                "host_unit__name",
                "post__title",
                "state",
                "group__name",
                "start_date",
            )
        ),
        "groups": sorted(
            Group.objects.values_list("name", "leader__cadre__name", "deputy__cadre__name")
        ),
        "training": sorted(
            TrainingAttendance.objects.values_list(
                "session__topic", "session__starts_at", "assignment__cadre__name", "status", "note"
            )
        ),
        "selection": sorted(SelectionStep.objects.values_list("kind", "held_on", "note")),
        "publicity": list(Publicity.objects.values_list("starts_on", "ends_on", "approval_note")),
    }


# What the demo holds ----------------------------------------------------------------------------


def test_the_batch_on_duty_went_through_every_step_and_is_active(loaded) -> None:  # type: ignore[no-untyped-def]
    _city, result = loaded
    batch = result.on_duty
    batch.refresh_from_db()
    assert (batch.name, batch.state, batch.term_start, batch.term_end) == (
        "2026年江州市第十批挂职干部",
        BatchState.ACTIVE,
        dt.date(2026, 3, 1),
        dt.date(2027, 2, 28),
    )
    assert batch.coordinating_org.name == "中共江州市委组织部"
    assert {unit.name for unit in batch.dispatching_orgs.all()} == {
        name for name, *_rest in orgs_demo.DISPATCHING_UNITS
    }
    assert Post.objects.filter(batch=batch).count() == len(demo.ON_DUTY_POSTS) == 17
    assert Application.objects.filter(batch=batch, state=ApplicationState.SUBMITTED).count() == 32
    # Two runs computed for comparison, the optimal one adopted.
    runs = list(MatchingRun.objects.filter(batch=batch).order_by("number"))
    assert [(run.mode, run.state, run.adopted_at is not None) for run in runs] == [
        ("optimal", RunState.DONE, True),
        ("stable", RunState.DONE, False),
    ]
    # Everyone the adopted run placed is on duty since the first working day of the term.
    people = Assignment.objects.filter(batch=batch)
    assert runs[0].result is not None
    placed = {int(c): p for c, p in runs[0].result["assignments"].items()}
    assert dict(people.values_list("cadre_id", "post_id")) == placed
    assert len(placed) == 16
    assert set(people.values_list("state", "start_date", "party_transfer_on")) == {
        (AssignmentState.ACTIVE, dt.date(2026, 3, 2), dt.date(2026, 3, 16))
    }
    # The selection happened in January 2026, in order; approval came after the period.
    steps = dict(SelectionStep.objects.filter(batch=batch).values_list("kind", "held_on"))
    assert steps == {"vetting": dt.date(2026, 1, 12), "decision": dt.date(2026, 1, 20)}
    publicity = Publicity.objects.get(batch=batch)
    assert (publicity.starts_on, publicity.ends_on) == (dt.date(2026, 1, 21), dt.date(2026, 1, 27))
    assert publicity.approved_at is not None
    assert timezone.localtime(publicity.approved_at).date() > publicity.ends_on
    [objection] = publicity.objections.all()
    assert (objection.received_on, objection.upheld) == (dt.date(2026, 1, 23), False)
    # Two groups cover everyone; three training sessions before the term, few excused.
    groups = Group.objects.filter(batch=batch).order_by("name")
    assert [group.name for group in groups] == [name for name, _counties in demo.GROUPS]
    assert sum(group.members.count() for group in groups) == 16
    assert all(group.leader and group.deputy for group in groups)
    sessions = TrainingSession.objects.filter(batch=batch).order_by("starts_at")
    assert [s.starts_at.date() for s in sessions] == [
        dt.date(2026, 2, 25),
        dt.date(2026, 2, 25),
        dt.date(2026, 2, 26),
    ]
    counts = [
        Counter(s.attendance.values_list("status", flat=True)) for s in sessions.order_by("id")
    ]
    assert counts == [
        {AttendanceStatus.PRESENT: 16},
        {AttendanceStatus.PRESENT: 14, AttendanceStatus.EXCUSED: 2},
        {AttendanceStatus.PRESENT: 15, AttendanceStatus.EXCUSED: 1},
    ]


def test_the_recruiting_batch_has_an_open_call_applications_and_waiting_recommendations(
    loaded,
) -> None:  # type: ignore[no-untyped-def]
    _city, result = loaded
    batch = result.recruiting
    batch.refresh_from_db()
    assert (batch.name, batch.state, batch.term_start, batch.term_end) == (
        "2027年江州市第十一批挂职干部",
        BatchState.RECRUITING,
        dt.date(2027, 3, 1),
        dt.date(2028, 2, 29),
    )
    assert Post.objects.filter(batch=batch).count() == len(demo.RECRUITING_POSTS) == 18
    notice = batch.notice
    assert notice.published_at is not None
    deadline = timezone.localtime(notice.deadline)
    assert (deadline.date(), deadline.time()) == (
        timezone.localdate() + dt.timedelta(days=30),
        dt.time(17, 30),
    )
    applications = Application.objects.filter(batch=batch, state=ApplicationState.SUBMITTED)
    assert applications.count() == 38
    recommended = Recommendation.objects.filter(batch=batch).select_related("recommending_unit")
    assert sorted(r.recommending_unit.name for r in recommended) == [
        "江州学院",
        "江州市发展和改革委员会",
    ]
    assert all(r.declined_at is None for r in recommended)
    assert not applications.filter(cadre__in=[r.cadre_id for r in recommended]).exists()
    # Nobody on duty in the tenth batch could apply (the batch excludes people serving).
    serving = Assignment.objects.filter(batch=result.on_duty).values("cadre")
    assert not Application.objects.filter(batch=batch, cadre__in=serving).exists()
    assert not Assignment.objects.filter(batch=batch).exists()


def test_the_demo_is_the_same_on_every_load(db) -> None:  # type: ignore[no-untyped-def]
    def loaded_once() -> dict[str, Any]:
        with transaction.atomic():
            demo.programmes_demo_load(orgs_demo.demo_load())
            shown = snapshot()
            transaction.set_rollback(True)
        return shown

    first = loaded_once()
    assert len(first["assignments"]) == 16
    assert loaded_once() == first


def test_every_assignment_obeys_the_matching_rules(loaded) -> None:  # type: ignore[no-untyped-def]
    _city, result = loaded
    batch = result.on_duty
    people = list(
        Assignment.objects.filter(batch=batch).select_related(
            "post", "host_unit", "home_unit", "cadre"
        )
    )
    dispatching = {unit.pk for unit in batch.dispatching_orgs.all()}
    per_post: Counter[int] = Counter()
    per_dispatch_host: Counter[tuple[int, int]] = Counter()
    leadership: Counter[int] = Counter()
    for person in people:
        cadre, post, host = person.cadre, person.post, person.host_unit
        assert (post.batch_id, post.host_unit_id, person.home_unit_id) == (
            batch.pk,
            host.pk,
            cadre.home_unit_id,
        )
        choices = Application.objects.get(batch=batch, cadre=cadre).choices
        assert choices.filter(post=post).exists(), cadre.name  # only posts they ranked
        assert set(post.required_tags) <= set(cadre.expertise), cadre.name
        assert host.pk != cadre.home_unit_id
        assert host.region_code != cadre.native_region_code, cadre.name  # 籍贯回避
        home_code = person.home_unit.region_code
        if not home_code.endswith("00"):  # a county-level home unit avoids its county
            assert host.region_code != home_code, cadre.name
        assert not CadreRelative.objects.filter(profile=cadre, unit=host).exists(), cadre.name
        if post.rank:  # 不高挂
            assert RANK_ORDER[post.rank] - RANK_ORDER[cadre.rank] <= batch.max_levels_above
        per_post[post.pk] += 1
        assert person.home_unit_id in dispatching
        per_dispatch_host[(person.home_unit_id, host.pk)] += 1
        if post.leadership:
            leadership[host.pk] += 1
    posts = {post.pk: post for post in Post.objects.filter(batch=batch)}
    assert all(count <= posts[pk].capacity for pk, count in per_post.items())
    assert max(per_dispatch_host.values()) <= (batch.max_per_dispatch_at_host or 99)
    assert max(leadership.values()) <= (batch.max_leadership_per_host or 99)
    women = sum(1 for person in people if person.cadre.gender == "女")
    assert women >= batch.min_women
    adopted = MatchingRun.objects.get(batch=batch, adopted_at__isnull=False)
    assert adopted.result is not None
    assert adopted.result["violations"] == []


def test_the_writes_went_through_the_services_and_onto_the_timelines(loaded) -> None:  # type: ignore[no-untyped-def]
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions["batch.create"] == 2
    assert actions["post.create"] == Post.objects.count()
    assert actions["notice.publish"] == 2
    assert actions["application.submit"] == Application.objects.count()
    assert actions["recommendation.create"] == 2
    assert actions["host_preference.set"] == 1
    assert actions["run.adopt"] == 1
    assert actions["publicity.approve"] == 1
    assert actions["assignment.report_duty"] == Assignment.objects.count()
    assert actions["group.create"] == 2
    kinds = set(BatchEvent.objects.values_list("kind", flat=True))
    assert kinds <= set(EVENT_LABELS)
    _city, result = loaded
    moves = list(
        BatchEvent.objects.filter(batch=result.on_duty, kind="state_changed")
        .order_by("id")
        .values_list("to_state", flat=True)
    )
    assert moves == ["recruiting", "matching", "publicity", "training", "active"]


# Every role's view ------------------------------------------------------------------------------


def test_the_group_leader_role_comes_from_her_group_and_shows_her_members(loaded, client) -> None:  # type: ignore[no-untyped-def]
    city, result = loaded
    leader = users(city)["groupleader"]
    grants = RoleAssignment.objects.filter(user=leader).exclude(role=Role.CADRE)
    assert list(grants.values_list("role", "organisation__name", "batch")) == [
        (Role.GROUP_LEADER, "中共江州市委组织部", result.on_duty.pk)
    ]
    group = result.leader_group
    assert group.leader.cadre.user == leader
    assert group.name == "第一组（浔阳区、濂溪区）"
    members = set(group.members.values_list("cadre__name", flat=True))
    seen = assignment_list(actor=leader, batch=result.on_duty)
    assert set(seen.values_list("cadre__name", flat=True)) == members
    client.force_login(leader)
    html = client.get(
        reverse("programmes:assignment_list", kwargs={"batch_pk": result.on_duty.pk})
    ).content.decode()
    others = Assignment.objects.filter(batch=result.on_duty).exclude(group=group)
    assert all(name in html for name in members)
    assert not any(name in html for name in others.values_list("cadre__name", flat=True))


def test_the_demo_cadre_sees_her_application_on_her_page(loaded, client) -> None:  # type: ignore[no-untyped-def]
    city, result = loaded
    cadre = users(city)["cadre"]
    overview = call_overview(actor=cadre)
    [application] = overview.applications
    assert application.batch == result.recruiting
    assert [str(choice.post) for choice in application.choices.all()] == [
        f"{host} {title}" for title, host in demo.CADRE_CHOICES
    ]
    client.force_login(cadre)
    html = client.get(reverse("programmes:call_list")).content.decode()
    mine = html[html.index('id="mine-heading"') :]
    assert "2027年江州市第十一批挂职干部" in mine
    assert "濂溪区教育体育局" in mine


def test_the_host_leader_of_bailu_sees_its_posts_and_people_in_both_batches(loaded) -> None:  # type: ignore[no-untyped-def]
    city, result = loaded
    host = users(city)["host.bailu"]
    for batch in (result.on_duty, result.recruiting):
        hosts = set(post_list(actor=host, batch=batch).values_list("host_unit__name", flat=True))
        assert hosts == {"白鹿镇"}, batch.name
    serving = assignment_list(actor=host, batch=result.on_duty)
    assert set(serving.values_list("host_unit__name", flat=True)) == {"白鹿镇"}
    assert serving.count() == 2
    assert "陈瑶" in set(serving.values_list("cadre__name", flat=True))
    applying = application_queryset(actor=host, batch=result.recruiting).distinct()
    assert applying.count() >= 3
    assert all(a.choices.filter(post__host_unit__name="白鹿镇").exists() for a in applying)


def test_each_role_opens_the_demo_batch_pages(loaded, client) -> None:  # type: ignore[no-untyped-def]
    city, result = loaded
    accounts = users(city)
    on_duty, recruiting = result.on_duty.pk, result.recruiting.pk
    pages = {
        "coordinator": [
            ("programmes:batch_detail", on_duty),
            ("programmes:batch_detail", recruiting),
            ("programmes:post_list", recruiting),
            ("programmes:application_list", recruiting),
            ("programmes:application_list", on_duty),
            ("programmes:run_list", on_duty),
            ("programmes:publicity", on_duty),
            ("programmes:group_list", on_duty),
            ("programmes:training_list", on_duty),
            ("programmes:assignment_list", on_duty),
        ],
        "host.bailu": [("programmes:batch_detail", on_duty), ("programmes:post_list", recruiting)],
        "dispatch.xueyuan": [("programmes:application_list", recruiting)],
        "groupleader": [("programmes:batch_detail", on_duty)],
        "cadre": [("programmes:application_form", recruiting)],
    }
    for username, names in pages.items():
        client.force_login(accounts[username])
        for name, pk in names:
            answer = client.get(reverse(name, kwargs={"batch_pk": pk}))
            assert answer.status_code == 200, (username, name, pk)
    adopted = MatchingRun.objects.get(batch=result.on_duty, adopted_at__isnull=False)
    client.force_login(accounts["coordinator"])
    answer = client.get(reverse("programmes:run_detail", kwargs={"run_pk": adopted.pk}))
    assert answer.status_code == 200
    # Everyone's home page, with the demo's figures on it.
    for username, user in accounts.items():
        client.force_login(user)
        assert client.get("/").status_code == 200, username


def test_the_coordinator_can_close_the_call_and_match_live(loaded) -> None:  # type: ignore[no-untyped-def]
    city, result = loaded
    coordinator = users(city)["coordinator"]
    batch = result.recruiting
    [close] = [
        move
        for move in batch_moves(actor=coordinator, batch=batch)
        if move.to_state == BatchState.MATCHING
    ]
    assert (close.label, close.blockers) == ("结束报名，进入匹配", [])
    batch = batch_transition(
        actor=coordinator, batch=batch, to_state=BatchState.MATCHING, reason="报名截止。"
    )
    run = run_start(
        actor=coordinator, batch=batch, mode="optimal", weights=default_weights(), seed=7
    )
    run = run_compute(run_pk=run.pk, actor=coordinator)
    assert run.state == RunState.DONE
    assert run.result is not None
    assert run.result["violations"] == []
    assert len(run.result["assignments"]) >= 10


# The command --------------------------------------------------------------------------------------


def test_demo_data_prints_the_batches_and_the_group_leaders_group(db) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("demo_data", stdout=out)
    printed = out.getvalue()
    assert (
        "2026年江州市第十批挂职干部（在岗）：17 个岗位，32 人报名，在岗 16 人，2 个小组" in printed
    )
    closes = timezone.localdate() + dt.timedelta(days=30)
    assert (
        "2027年江州市第十一批挂职干部（报名中）：18 个岗位，38 人报名，2 人获推荐待确认，"
        f"报名截止 {closes:%Y-%m-%d} 17:30"
    ) in printed
    assert re.search(
        r"groupleader\s+Guazhi-Demo-2026\s+陈瑶 · 2026年江州市第十批挂职干部 第一组（浔阳区、濂溪区）组长",
        printed,
    )
    assert re.search(r"cadre\s+Guazhi-Demo-2026\s+王艳 · 中共江州市委党校 · 已报名", printed)
    assert CadreProfile.objects.count() == len(orgs_demo.demo_people())

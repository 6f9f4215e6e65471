"""Batch services: setting a batch up within one's own units, editing it, and moving its state
through the one table of transitions, with a reason, only by the roles allowed."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.programmes.models import (
    BATCH_TRANSITIONS,
    AssignmentState,
    Batch,
    BatchEvent,
    BatchState,
    Publicity,
    SelectionStep,
    SelectionStepKind,
)
from guazhi.programmes.services import batches as services
from tests.factories import CadreFactory, UnitFactory, UserFactory, grant
from tests.programmes.factories import BatchFactory, PostFactory, assign


def new_batch(world, **changes):  # type: ignore[no-untyped-def]
    fields = {
        "name": "2027年浔阳区第一批下派挂职干部",
        "coordinating_org": world.district_a,
        "direction": "down",
        "term_start": dt.date(2027, 3, 1),
        "term_end": dt.date(2028, 2, 29),
    } | changes
    return fields


def batch_rows() -> list[tuple]:
    return list(Batch.objects.order_by("pk").values_list("pk", "name", "state", "term_end"))


def coordinator_b():  # type: ignore[no-untyped-def]
    return grant(UserFactory(username="coordinator_b"), "coordinator", _district_b())


def _district_b():  # type: ignore[no-untyped-def]
    from guazhi.orgs.models import Organisation

    return Organisation.objects.get(name="濂溪区")


# Creating ----------------------------------------------------------------------------------


def test_a_coordinator_sets_up_a_batch_in_planning_with_the_default_rules(world) -> None:  # type: ignore[no-untyped-def]
    actor = world.users["coordinator"]
    batch = services.batch_create(
        actor=actor, dispatching_orgs=[world.school_a], **new_batch(world)
    )
    batch.refresh_from_db()
    assert batch.state == BatchState.PLANNING
    assert list(batch.dispatching_orgs.all()) == [world.school_a]
    assert (batch.max_choices, batch.max_per_dispatch_at_host, batch.max_leadership_per_host) == (
        5,
        2,
        2,
    )
    assert (batch.max_levels_above, batch.publicity_working_days, batch.exclude_serving) == (
        0,
        5,
        True,
    )
    event = BatchEvent.objects.get(batch=batch)
    assert (event.kind, event.actor, event.to_state) == ("batch_created", actor, "planning")
    audit = AuditEvent.objects.get(action="batch.create")
    assert audit.object_id == str(batch.pk)
    assert audit.detail == {"organisation": "浔阳区", "dispatching": ["浔阳区委党校"]}


def test_every_missing_or_wrong_value_is_named_in_chinese_and_nothing_is_created(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        services.batch_create(
            actor=world.users["coordinator"],
            dispatching_orgs=[],
            **new_batch(
                world,
                name="  ",
                direction="sideways",
                term_end=dt.date(2027, 3, 1),
                max_age=12,
                max_choices=None,
                min_rank="正处级",
                max_rank="副科级",
                publicity_working_days=0,
            ),
        )
    assert refused.value.detail == {
        "name": "批次名称不能为空。",
        "direction": "挂职方向不在可选范围内。",
        "term_end": "挂职结束日期应晚于开始日期。",
        "max_age": "年龄上限（周岁）应为 18 到 65 之间的整数。",
        "max_choices": "可填报岗位数不能为空。",
        "publicity_working_days": "公示期（工作日）应为 1 到 30 之间的整数。",
        "max_rank": "最高职级不能低于最低职级。",
        "dispatching_orgs": "请至少选择一个派出单位。",
    }
    assert Batch.objects.count() == 0
    assert not AuditEvent.objects.filter(action="batch.create").exists()


def test_blank_caps_mean_no_cap_and_the_term_dates_are_required(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        services.batch_create(
            actor=world.users["coordinator"],
            dispatching_orgs=[world.school_a],
            **new_batch(world, term_start=None, term_end=None),
        )
    assert refused.value.detail == {
        "term_start": "挂职开始日期不能为空。",
        "term_end": "挂职结束日期不能为空。",
    }
    batch = services.batch_create(
        actor=world.users["coordinator"],
        dispatching_orgs=[world.school_a],
        **new_batch(world, max_per_dispatch_at_host=None, max_leadership_per_host=None),
    )
    batch.refresh_from_db()
    assert (batch.max_per_dispatch_at_host, batch.max_leadership_per_host) == (None, None)


def test_a_coordinator_of_district_b_cannot_set_up_a_batch_in_district_a(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        services.batch_create(
            actor=coordinator_b(),
            dispatching_orgs=[world.school_a, world.school_b],
            **new_batch(world),
        )
    assert refused.value.detail == {
        "coordinating_org": "组织协调单位不在您的管辖范围内。",
        "dispatching_orgs": "派出单位不在您的管辖范围内：浔阳区委党校。",
    }
    assert Batch.objects.count() == 0


def test_the_supervising_unit_may_be_above_the_coordinator_but_not_beside_it(world) -> None:  # type: ignore[no-untyped-def]
    actor = world.users["coordinator"]
    batch = services.batch_create(
        actor=actor,
        dispatching_orgs=[world.school_a],
        **new_batch(world, supervising_org=world.city, co_managing_org=world.township_a),
    )
    assert (batch.supervising_org, batch.co_managing_org) == (world.city, world.township_a)
    with pytest.raises(ValidationFailed) as refused:
        services.batch_create(
            actor=actor,
            dispatching_orgs=[world.school_a],
            **new_batch(world, name="另一批", supervising_org=world.district_b),
        )
    assert refused.value.detail == {"supervising_org": "总辖单位应为您管辖的单位或其上级单位。"}


def test_roles_that_do_not_coordinate_cannot_set_up_batches(world) -> None:  # type: ignore[no-untyped-def]
    for role in ("dispatch_admin", "host_leader", "group_leader", "cadre"):
        with pytest.raises(Forbidden):
            services.batch_create(
                actor=world.users[role], dispatching_orgs=[world.school_a], **new_batch(world)
            )
    assert Batch.objects.count() == 0


def test_two_batches_of_one_coordinating_unit_cannot_share_a_name(world) -> None:  # type: ignore[no-untyped-def]
    actor = world.users["coordinator"]
    services.batch_create(actor=actor, dispatching_orgs=[world.school_a], **new_batch(world))
    with pytest.raises(ValidationFailed) as refused:
        services.batch_create(actor=actor, dispatching_orgs=[world.school_a], **new_batch(world))
    assert refused.value.detail == {"name": "该组织协调单位已有同名批次。"}
    assert Batch.objects.count() == 1


# Editing -----------------------------------------------------------------------------------


def test_an_edit_saves_what_changed_and_says_so_on_the_timeline(world) -> None:  # type: ignore[no-untyped-def]
    actor = world.users["coordinator"]
    batch = services.batch_create(
        actor=actor, dispatching_orgs=[world.school_a], **new_batch(world)
    )
    extra_school = UnitFactory(name="浔阳区教育局", parent=world.district_a)
    services.batch_update(
        actor=actor,
        batch=batch,
        dispatching_orgs=[world.school_a, extra_school],
        term_end=dt.date(2028, 8, 31),
        min_women=2,
    )
    batch.refresh_from_db()
    assert (batch.term_end, batch.min_women) == (dt.date(2028, 8, 31), 2)
    assert set(batch.dispatching_orgs.all()) == {world.school_a, extra_school}
    event = BatchEvent.objects.filter(batch=batch).first()
    assert (event.kind, event.note) == ("batch_updated", "挂职结束日期、女干部最少人数、派出单位")
    audit = AuditEvent.objects.get(action="batch.update")
    assert audit.detail["changes"]["term_end"] == ["2028-02-29", "2028-08-31"]
    assert audit.detail["changes"]["dispatching_orgs"] == [
        ["浔阳区委党校"],
        ["浔阳区委党校", "浔阳区教育局"],
    ]


def test_an_edit_that_changes_nothing_writes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    actor = world.users["coordinator"]
    batch = services.batch_create(
        actor=actor, dispatching_orgs=[world.school_a], **new_batch(world)
    )
    services.batch_update(actor=actor, batch=batch, dispatching_orgs=[world.school_a], min_women=0)
    assert not AuditEvent.objects.filter(action="batch.update").exists()
    assert BatchEvent.objects.filter(batch=batch).count() == 1


def test_a_closed_batch_and_someone_elses_batch_cannot_be_edited(world) -> None:  # type: ignore[no-untyped-def]
    closed = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state="closed"
    )
    with pytest.raises(InvalidTransition, match="批次已结束，不能再修改。"):
        services.batch_update(actor=world.users["coordinator"], batch=closed, name="改名")
    other = BatchFactory(coordinating_org=world.district_b, dispatching=[world.school_b])
    with pytest.raises(Forbidden):
        services.batch_update(actor=world.users["coordinator"], batch=other, name="改名")
    assert Batch.objects.filter(name="改名").count() == 0


def test_an_edit_keeps_units_set_by_an_admin_above_the_coordinator(world) -> None:  # type: ignore[no-untyped-def]
    batch = services.batch_create(
        actor=world.users["admin"],
        dispatching_orgs=[world.school_a, world.org_department],
        **new_batch(world, co_managing_org=world.org_department),
    )
    services.batch_update(
        actor=world.users["coordinator"],
        batch=batch,
        dispatching_orgs=[world.school_a, world.org_department],
        name="改名后的批次",
    )
    batch.refresh_from_db()
    assert batch.name == "改名后的批次"
    assert batch.co_managing_org == world.org_department


# State moves: the whole table --------------------------------------------------------------


def ready_for(batch: Batch, to_state: str) -> None:
    """Give the batch what the stage it moves to works on."""
    post = PostFactory(batch=batch, host_unit=batch.coordinating_org)
    if to_state == BatchState.PUBLICITY:
        assign(post, CadreFactory(home_unit=batch.coordinating_org))
        for kind in SelectionStepKind.values:
            SelectionStep.objects.create(batch=batch, kind=kind, held_on=dt.date(2027, 1, 5))
    if to_state == BatchState.TRAINING:
        Publicity.objects.create(
            batch=batch,
            starts_on=dt.date(2027, 1, 6),
            working_days=5,
            ends_on=dt.date(2027, 1, 12),
            approved_at=timezone.now(),
        )
    if to_state == BatchState.ACTIVE:
        assign(post, CadreFactory(home_unit=batch.coordinating_org), state=AssignmentState.APPROVED)


def state_of(batch: Batch) -> tuple:
    return (
        Batch.objects.get(pk=batch.pk).state,
        BatchEvent.objects.filter(batch=batch).count(),
        AuditEvent.objects.filter(action="batch.transition").count(),
    )


@pytest.mark.parametrize(("move", "roles"), sorted(BATCH_TRANSITIONS.items()))
def test_every_move_of_the_table_is_made_by_its_roles_and_refused_to_the_others(
    world, move, roles
) -> None:  # type: ignore[no-untyped-def]
    from_state, to_state = move
    batch = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state=from_state
    )
    ready_for(batch, to_state)
    for role in ("dispatch_admin", "host_leader", "group_leader", "cadre"):
        if role in roles:
            continue
        before = state_of(batch)
        with pytest.raises(Forbidden):
            services.batch_transition(
                actor=world.users[role], batch=batch, to_state=to_state, reason="试一试"
            )
        assert state_of(batch) == before
    for role in sorted({"admin", *roles}):
        batch.state = from_state
        Batch.objects.filter(pk=batch.pk).update(state=from_state)
        moved = services.batch_transition(
            actor=world.users[role], batch=batch, to_state=to_state, reason=f"{role}推进"
        )
        assert moved.state == to_state == Batch.objects.get(pk=batch.pk).state
        event = BatchEvent.objects.filter(batch=batch).first()
        assert (event.kind, event.from_state, event.to_state, event.note, event.actor) == (
            "state_changed",
            from_state,
            to_state,
            f"{role}推进",
            world.users[role],
        )
        audit = AuditEvent.objects.filter(action="batch.transition").latest("id")
        assert audit.detail == {
            "from_state": from_state,
            "to_state": to_state,
            "note": f"{role}推进",
        }


MOVES_NOT_IN_TABLE = [
    pair for pair in itertools.product(BatchState.values, repeat=2) if pair not in BATCH_TRANSITIONS
]


@pytest.mark.parametrize(("from_state", "to_state"), MOVES_NOT_IN_TABLE)
def test_a_move_not_in_the_table_is_refused_even_to_an_admin(world, from_state, to_state) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state=from_state
    )
    before = state_of(batch)
    with pytest.raises(InvalidTransition) as refused:
        services.batch_transition(
            actor=world.users["admin"], batch=batch, to_state=to_state, reason="试一试"
        )
    labels = dict(BatchState.choices)
    assert refused.value.message == f"批次不能从“{labels[from_state]}”转为“{labels[to_state]}”。"
    assert state_of(batch) == before


def test_a_move_needs_a_reason(world) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
    before = state_of(batch)
    with pytest.raises(ValidationFailed) as refused:
        services.batch_transition(
            actor=world.users["coordinator"], batch=batch, to_state="planning", reason="  "
        )
    assert refused.value.detail == {"reason": "请填写状态变更的原因。"}
    assert state_of(batch) == before


def test_a_coordinator_of_another_district_cannot_move_the_batch(world) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])
    before = state_of(batch)
    with pytest.raises(Forbidden):
        services.batch_transition(
            actor=coordinator_b(), batch=batch, to_state="planning", reason="越权"
        )
    assert state_of(batch) == before


@pytest.mark.parametrize(
    ("from_state", "to_state", "message"),
    [
        ("recruiting", "matching", "批次暂不能转为“匹配中”：批次还没有岗位，请先新增或导入岗位。"),
        (
            "matching",
            "publicity",
            "批次暂不能转为“公示中”：还没有拟任人选，请先采纳一个匹配方案。"
            "尚未记录“组织考察”环节。尚未记录“党委（党组）研究决定”环节。",
        ),
        ("publicity", "training", "批次暂不能转为“岗前培训”：公示尚未审批通过。"),
        ("training", "active", "批次暂不能转为“在岗”：没有已批准或已到岗的挂职人员。"),
    ],
)
def test_a_stage_with_nothing_to_work_on_cannot_be_entered(
    world, from_state, to_state, message
) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state=from_state
    )
    before = state_of(batch)
    with pytest.raises(InvalidTransition) as refused:
        services.batch_transition(
            actor=world.users["coordinator"], batch=batch, to_state=to_state, reason="推进"
        )
    assert refused.value.message == message
    assert state_of(batch) == before


def test_publicity_needs_both_selection_steps_not_just_one(world) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state="matching"
    )
    post = PostFactory(batch=batch, host_unit=world.township_a)
    assign(post, CadreFactory(home_unit=world.school_a))
    SelectionStep.objects.create(batch=batch, kind="vetting", held_on=dt.date(2027, 1, 5))
    with pytest.raises(InvalidTransition) as refused:
        services.batch_transition(
            actor=world.users["coordinator"], batch=batch, to_state="publicity", reason="推进"
        )
    assert refused.value.detail == {"blockers": ["尚未记录“党委（党组）研究决定”环节。"]}
    SelectionStep.objects.create(batch=batch, kind="decision", held_on=dt.date(2027, 1, 6))
    services.batch_transition(
        actor=world.users["coordinator"], batch=batch, to_state="publicity", reason="推进"
    )
    assert Batch.objects.get(pk=batch.pk).state == "publicity"


def test_a_publicity_not_yet_approved_holds_the_batch_back(world) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state="publicity"
    )
    Publicity.objects.create(
        batch=batch, starts_on=dt.date(2027, 1, 6), working_days=5, ends_on=dt.date(2027, 1, 12)
    )
    with pytest.raises(InvalidTransition):
        services.batch_transition(
            actor=world.users["coordinator"], batch=batch, to_state="training", reason="推进"
        )
    assert Batch.objects.get(pk=batch.pk).state == "publicity"


@pytest.mark.parametrize(
    ("term_start", "term_end", "errors"),
    [
        (
            dt.date(1, 1, 1),
            dt.date(9999, 12, 31),
            {
                "term_start": "挂职开始日期的年份应在2000年至2100年之间。",
                "term_end": "挂职结束日期的年份应在2000年至2100年之间。",
            },
        ),
        (
            dt.date(1999, 12, 31),
            dt.date(2001, 1, 1),
            {"term_start": "挂职开始日期的年份应在2000年至2100年之间。"},
        ),
        (
            dt.date(2099, 3, 1),
            dt.date(2101, 1, 1),
            {"term_end": "挂职结束日期的年份应在2000年至2100年之间。"},
        ),
        (dt.date(2000, 1, 1), dt.date(2100, 12, 31), {}),
    ],
)
def test_the_term_falls_between_2000_and_2100(world, term_start, term_end, errors) -> None:  # type: ignore[no-untyped-def]
    """Term dates feed working-day counts, reminders and rounds later: a year typed wrong is
    refused here, naming the field, before anything is worked out from it."""
    fields = new_batch(world, term_start=term_start, term_end=term_end)
    if not errors:
        batch = services.batch_create(
            actor=world.users["coordinator"], dispatching_orgs=[world.school_a], **fields
        )
        assert (batch.term_start, batch.term_end) == (term_start, term_end)
        return
    with pytest.raises(ValidationFailed) as refused:
        services.batch_create(
            actor=world.users["coordinator"], dispatching_orgs=[world.school_a], **fields
        )
    assert refused.value.detail == errors
    assert Batch.objects.count() == 0

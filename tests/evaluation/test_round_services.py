"""Setting up rounds: the defaults, who may set one up, the weights and thresholds checks, the
people evaluated, and the moves open, close and reopen walked through ROUND_TRANSITIONS.

A batch of its own with a fixed term (1 September 2025 to 31 August 2026) and "today" 20 May
2026, so every default is known: 张三 (公务员) and 李明 (事业单位) on duty, 王芳 (参公) whose
term has ended, 赵强 (高校) only proposed.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from guazhi.core.errors import Forbidden, InvalidTransition, ValidationFailed
from guazhi.core.models import AuditEvent, Notification
from guazhi.evaluation.models import (
    ROUND_TRANSITIONS,
    Criterion,
    EvaluationRound,
    Evaluee,
    GradeScheme,
    GradeThreshold,
    RaterRole,
    RaterWeight,
    Rating,
    RatingSource,
    RoundKind,
    RoundState,
)
from guazhi.evaluation.services.rounds import (
    CriterionRow,
    criteria_update,
    evaluee_add,
    evaluee_remove,
    rater_weights_update,
    round_close,
    round_create,
    round_move,
    round_open,
    round_reopen,
    round_update,
    self_assessment_save,
    thresholds_update,
)
from guazhi.programmes.models import Assignment, AssignmentState, Batch, BatchState
from tests.evaluation.world import add_evaluee, evaluation_world, make_round
from tests.factories import CadreFactory, UserFactory, grant
from tests.programmes.factories import BatchFactory, PostFactory, assign

TODAY = dt.date(2026, 5, 20)
TERM = (dt.date(2025, 9, 1), dt.date(2026, 8, 31))


@dataclass
class SetUp:
    batch: Batch
    zhang: Assignment
    li: Assignment
    wang: Assignment
    zhao: Assignment


def set_up(world) -> SetUp:  # type: ignore[no-untyped-def]
    batch = BatchFactory(
        name="2025年浔阳区挂职干部",
        coordinating_org=world.district_a,
        dispatching=[world.school_a],
        term_start=TERM[0],
        term_end=TERM[1],
        state=BatchState.ACTIVE,
    )

    def person(cadre, state):  # type: ignore[no-untyped-def]
        post = PostFactory(batch=batch, host_unit=world.township_a)
        return assign(post, cadre, state, start_date=TERM[0])

    return SetUp(
        batch=batch,
        zhang=person(world.cadre_a, AssignmentState.ACTIVE),
        li=person(
            CadreFactory(name="李明", home_unit=world.school_a, staff_type="事业单位"), "active"
        ),
        wang=person(
            CadreFactory(name="王芳", home_unit=world.school_a, staff_type="参公"), "ended"
        ),
        zhao=person(
            CadreFactory(name="赵强", home_unit=world.school_a, staff_type="高校"), "proposed"
        ),
    )


def create(world, found: SetUp, kind: str = RoundKind.ANNUAL, **fields) -> EvaluationRound:  # type: ignore[no-untyped-def]
    return round_create(
        actor=world.users["coordinator"],
        batch=found.batch,
        kind=kind,
        today=TODAY,
        **fields,
    )


def people(round: EvaluationRound) -> list[tuple[str, str]]:
    return sorted(
        Evaluee.objects.filter(round=round).values_list("assignment__cadre__name", "scheme")
    )


def snapshot(round: EvaluationRound) -> tuple:
    """Everything a refused set-up change must leave as it was."""
    fresh = EvaluationRound.objects.get(pk=round.pk)
    return (
        fresh.state,
        fresh.name,
        fresh.deadline,
        fresh.opened_at,
        fresh.closed_at,
        list(Criterion.objects.filter(round=round).values_list("name", "description", "weight")),
        sorted(RaterWeight.objects.filter(round=round).values_list("role", "weight")),
        sorted(
            GradeThreshold.objects.filter(round=round).values_list("scheme", "grade", "min_score")
        ),
        people(round),
        AuditEvent.objects.count(),
    )


# --- defaults ----------------------------------------------------------------------------------


def test_a_new_round_carries_every_default(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    round = create(world, found)

    assert (round.state, round.kind, round.name) == (RoundState.DRAFT, "annual", "2026年度考核")
    # The calendar year clipped to the term; ten working days after the period ends.
    assert (round.period_start, round.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 8, 31))
    assert round.deadline == dt.date(2026, 9, 14)
    assert (round.excellent_quota, round.democratic_minimum, round.publicity_days) == (20, 5, 5)
    assert round.evaluated_by == "host"
    assert round.created_by == world.users["coordinator"]
    assert list(
        Criterion.objects.filter(round=round).values_list(
            "position", "name", "description", "weight"
        )
    ) == [
        (1, "德", "政治品质和道德品行", Decimal("20.00")),
        (2, "能", "履行职责的业务素质和能力", Decimal("20.00")),
        (3, "勤", "责任心、工作态度、工作作风", Decimal("20.00")),
        (4, "绩", "完成工作的数量、质量、效率和所产生的效益", Decimal("30.00")),
        (5, "廉", "廉洁自律", Decimal("10.00")),
    ]
    assert list(RaterWeight.objects.filter(round=round).values_list("role", "weight")) == [
        ("host_leadership", Decimal("40.00")),
        ("democratic", Decimal("30.00")),
        ("dispatch", Decimal("20.00")),
        ("group_leader", Decimal("10.00")),
    ]
    assert sorted(
        GradeThreshold.objects.filter(round=round).values_list("scheme", "grade", "min_score")
    ) == sorted(
        [
            ("civil_servant", "优秀", Decimal("90.00")),
            ("civil_servant", "称职", Decimal("70.00")),
            ("civil_servant", "基本称职", Decimal("60.00")),
            ("institution", "优秀", Decimal("90.00")),
            ("institution", "合格", Decimal("70.00")),
            ("institution", "基本合格", Decimal("60.00")),
            ("routine", "好", Decimal("90.00")),
            ("routine", "较好", Decimal("70.00")),
            ("routine", "一般", Decimal("60.00")),
        ]
    )
    # Those on duty, each in the scheme of their staff type; not the ended, not the proposed.
    assert people(round) == [("张三", "civil_servant"), ("李明", "institution")]
    event = AuditEvent.objects.get(action="round.create")
    assert event.detail == {
        "kind": "annual",
        "period_start": "2026-01-01",
        "period_end": "2026-08-31",
        "deadline": "2026-09-14",
        "evaluees": 2,
    }


@pytest.mark.parametrize(
    ("kind", "name", "period", "deadline"),
    [
        # The quarter of today.
        (
            "routine",
            "2026年第2季度平时考核",
            (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
            dt.date(2026, 7, 14),
        ),
        # The first half of the term (364 days: 182 days in).
        ("midterm", "期中考核", (dt.date(2025, 9, 1), dt.date(2026, 3, 2)), dt.date(2026, 6, 3)),
        (
            "annual",
            "2026年度考核",
            (dt.date(2026, 1, 1), dt.date(2026, 8, 31)),
            dt.date(2026, 9, 14),
        ),
        ("end_of_term", "期满考核", TERM, dt.date(2026, 9, 14)),
    ],
)
def test_the_default_period_name_and_deadline_by_kind(world, kind, name, period, deadline) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    round = create(world, found, kind=kind)
    assert (round.name, (round.period_start, round.period_end), round.deadline) == (
        name,
        period,
        deadline,
    )


def test_the_people_and_schemes_by_kind(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    routine = create(world, found, kind=RoundKind.ROUTINE)
    assert people(routine) == [("张三", "routine"), ("李明", "routine")]
    final = create(world, found, kind=RoundKind.END_OF_TERM)
    # The end of term also evaluates those whose term has ended: 王芳 (参公) as a civil servant.
    assert people(final) == [
        ("张三", "civil_servant"),
        ("李明", "institution"),
        ("王芳", "civil_servant"),
    ]


def test_given_dates_are_kept_and_bad_ones_refused(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    round = create(
        world,
        found,
        name=" 2026年上半年考核 ",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        deadline=dt.date(2026, 7, 10),
    )
    assert (round.name, round.period_end, round.deadline) == (
        "2026年上半年考核",
        dt.date(2026, 6, 30),
        dt.date(2026, 7, 10),
    )
    cases = [
        (
            {"period_start": dt.date(2026, 6, 1), "period_end": dt.date(2026, 5, 1)},
            "period_end",
            "考核期间截止日期不能早于起始日期。",
        ),
        (
            {"period_start": dt.date(2026, 9, 1), "period_end": dt.date(2026, 12, 31)},
            "period_start",
            "考核期间须在挂职期（2025年9月1日至2026年8月31日）之内。",
        ),
        ({"deadline": dt.date(2026, 5, 19)}, "deadline", "评分截止日期不能早于今天。"),
    ]
    for fields, field, message in cases:
        with pytest.raises(ValidationFailed) as refused:
            create(world, found, **fields)
        assert refused.value.detail == {field: message}
    assert EvaluationRound.objects.filter(batch=found.batch).count() == 1


# --- who sets up ----------------------------------------------------------------------------


def test_only_a_coordinator_over_the_batch_sets_up_a_round(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    outsider = grant(UserFactory(username="coordinator.b"), "coordinator", world.district_b)
    for actor in (
        world.users["host_leader"],
        world.users["dispatch_admin"],
        world.users["group_leader"],
        world.users["cadre"],
        outsider,
    ):
        with pytest.raises(Forbidden):
            round_create(actor=actor, batch=found.batch, kind="annual", today=TODAY)
    assert EvaluationRound.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="round.").count() == 0

    round = create(world, found)
    before = snapshot(round)
    for actor in (world.users["host_leader"], outsider):
        with pytest.raises(Forbidden):
            criteria_update(actor=actor, round=round, rows=[CriterionRow("德", "", Decimal(100))])
        with pytest.raises(Forbidden):
            rater_weights_update(
                actor=actor, round=round, weights={role: Decimal(25) for role in RaterRole}
            )
        with pytest.raises(Forbidden):
            evaluee_remove(actor=actor, evaluee=Evaluee.objects.filter(round=round).first())
        with pytest.raises(Forbidden):
            round_open(actor=actor, round=round, today=TODAY)
    assert snapshot(round) == before


def test_a_round_needs_people_on_duty(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    Batch.objects.filter(pk=found.batch.pk).update(state=BatchState.RECRUITING)
    found.batch.refresh_from_db()
    with pytest.raises(InvalidTransition) as refused:
        create(world, found)
    assert refused.value.message == "批次当前为“报名中”，挂职干部到岗后才能设置考核。"
    assert EvaluationRound.objects.count() == 0


# --- weights and thresholds ------------------------------------------------------------------


def rows(*weights: str) -> list[CriterionRow]:
    names = ("德", "能", "勤", "绩", "廉", "效")
    return [CriterionRow(names[i], f"说明{i}", Decimal(w)) for i, w in enumerate(weights)]


def test_criteria_must_sum_to_100_and_a_refusal_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    round = create(world, found)
    coordinator = world.users["coordinator"]
    before = snapshot(round)
    with pytest.raises(ValidationFailed) as refused:
        criteria_update(actor=coordinator, round=round, rows=rows("20", "20", "20", "25", "10"))
    assert refused.value.message == "考核内容权重合计为95%，应为100%。"
    with pytest.raises(ValidationFailed) as refused:
        criteria_update(actor=coordinator, round=round, rows=rows("33.33", "33.33", "33.33"))
    assert refused.value.message == "考核内容权重合计为99.99%，应为100%。"
    with pytest.raises(ValidationFailed) as refused:
        criteria_update(
            actor=coordinator,
            round=round,
            rows=[CriterionRow("德", "", Decimal(50)), CriterionRow("德", "", Decimal(50))],
        )
    assert refused.value.detail == {"criteria.2.name": "第2行：考核内容“德”重复。"}
    with pytest.raises(ValidationFailed) as refused:
        criteria_update(
            actor=coordinator, round=round, rows=[CriterionRow("德", "", Decimal("100.5"))]
        )
    assert refused.value.detail == {"criteria.1.weight": "第1行：权重应在0到100之间。"}
    assert snapshot(round) == before

    # A blank row is dropped; the rest are numbered again in order.
    criteria_update(
        actor=coordinator,
        round=round,
        rows=[
            CriterionRow("德", "政治素质", Decimal("33.34")),
            CriterionRow("", "", None),
            CriterionRow("绩", "工作实绩", Decimal("33.33")),
            CriterionRow("廉", "", Decimal("33.33")),
        ],
    )
    assert list(
        Criterion.objects.filter(round=round).values_list(
            "position", "name", "description", "weight"
        )
    ) == [
        (1, "德", "政治素质", Decimal("33.34")),
        (2, "绩", "工作实绩", Decimal("33.33")),
        (3, "廉", "", Decimal("33.33")),
    ]
    assert AuditEvent.objects.get(action="round.criteria").detail == {
        "before": "德 20%、能 20%、勤 20%、绩 30%、廉 10%",
        "after": "德 33.34%、绩 33.33%、廉 33.33%",
    }


def test_rater_weights_must_sum_to_100_and_a_refusal_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    round = create(world, found)
    coordinator = world.users["coordinator"]
    before = snapshot(round)
    weights = {
        "host_leadership": Decimal(50),
        "democratic": Decimal(30),
        "dispatch": Decimal(20),
        "group_leader": Decimal(10),
    }
    with pytest.raises(ValidationFailed) as refused:
        rater_weights_update(actor=coordinator, round=round, weights=weights)
    assert refused.value.message == "评价主体权重合计为110%，应为100%。"
    with pytest.raises(ValidationFailed) as refused:
        rater_weights_update(actor=coordinator, round=round, weights={**weights, "dispatch": None})
    assert refused.value.detail == {"weight_dispatch": "派出单位：请填写权重。"}
    assert snapshot(round) == before

    rater_weights_update(
        actor=coordinator,
        round=round,
        weights={**weights, "democratic": Decimal(40), "dispatch": Decimal(0)},
    )
    assert list(RaterWeight.objects.filter(round=round).values_list("role", "weight")) == [
        ("host_leadership", Decimal("50.00")),
        ("democratic", Decimal("40.00")),
        ("dispatch", Decimal("0.00")),
        ("group_leader", Decimal("10.00")),
    ]
    assert AuditEvent.objects.get(action="round.weights").detail == {
        "changes": {
            "host_leadership": ["40", "50"],
            "democratic": ["30", "40"],
            "dispatch": ["20", "0"],
        }
    }


def thresholds(**changed: list[str]) -> dict[str, list[Decimal]]:
    values = {scheme: ["90", "70", "60"] for scheme in GradeScheme.values} | changed
    return {scheme: [Decimal(v) for v in minimums] for scheme, minimums in values.items()}


def test_thresholds_must_descend(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    round = create(world, found)
    coordinator = world.users["coordinator"]
    before = snapshot(round)
    with pytest.raises(ValidationFailed) as refused:
        thresholds_update(
            actor=coordinator, round=round, thresholds=thresholds(civil_servant=["90", "90", "60"])
        )
    assert refused.value.detail == {"civil_servant_2": "公务员“称职”：最低分应低于上一等次的90分。"}
    with pytest.raises(ValidationFailed) as refused:
        thresholds_update(
            actor=coordinator, round=round, thresholds=thresholds(routine=["85", "101", "60"])
        )
    assert refused.value.detail == {
        "routine_2": "平时考核“较好”：最低分应在0到100之间，最多两位小数。"
    }
    assert snapshot(round) == before

    thresholds_update(
        actor=coordinator, round=round, thresholds=thresholds(institution=["85", "65.5", "50"])
    )
    assert list(
        GradeThreshold.objects.filter(round=round, scheme="institution")
        .order_by("-min_score")
        .values_list("grade", "min_score")
    ) == [("优秀", Decimal("85.00")), ("合格", Decimal("65.50")), ("基本合格", Decimal("50.00"))]


def test_settings_change_while_a_draft_and_only_the_deadline_while_open(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    round = create(world, found)
    coordinator = world.users["coordinator"]
    settings = {
        "name": "2026年度考核（调整）",
        "period_start": round.period_start,
        "period_end": round.period_end,
        "deadline": dt.date(2026, 9, 20),
        "evaluated_by": "dispatch",
        "excellent_quota": 15,
        "democratic_minimum": 7,
        "publicity_days": 7,
    }
    round_update(actor=coordinator, round=round, today=TODAY, **settings)
    fresh = EvaluationRound.objects.get(pk=round.pk)
    assert (fresh.name, fresh.evaluated_by, fresh.excellent_quota, fresh.democratic_minimum) == (
        "2026年度考核（调整）",
        "dispatch",
        15,
        7,
    )
    round_open(actor=coordinator, round=fresh, today=TODAY)
    before = snapshot(round)
    with pytest.raises(InvalidTransition):
        round_update(
            actor=coordinator, round=fresh, today=TODAY, **{**settings, "excellent_quota": 30}
        )
    assert snapshot(round) == before
    round_update(
        actor=coordinator,
        round=fresh,
        today=TODAY,
        **{**settings, "deadline": dt.date(2026, 9, 30)},
    )
    assert EvaluationRound.objects.get(pk=round.pk).deadline == dt.date(2026, 9, 30)


def test_whole_number_settings_are_bounded_with_a_message_naming_the_field(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    round = create(world, found)
    settings = {
        "name": round.name,
        "period_start": round.period_start,
        "period_end": round.period_end,
        "deadline": round.deadline,
        "evaluated_by": round.evaluated_by,
        "excellent_quota": 20,
        "democratic_minimum": 5,
        "publicity_days": 5,
    }
    before = snapshot(round)
    for field, value, message in (
        ("democratic_minimum", 40000, "民主测评最少票数不能超过200票。"),
        ("democratic_minimum", 0, "民主测评最少票数至少为1。"),
        ("excellent_quota", 101, "优秀比例上限应在0到100之间。"),
        ("publicity_days", 31, "公示天数应在1到30个工作日之间。"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            round_update(
                actor=world.users["coordinator"],
                round=round,
                today=TODAY,
                **{**settings, field: value},
            )
        assert refused.value.detail == {field: message}
        assert snapshot(round) == before
    round_update(
        actor=world.users["coordinator"],
        round=round,
        today=TODAY,
        **{**settings, "democratic_minimum": 200},
    )
    assert EvaluationRound.objects.get(pk=round.pk).democratic_minimum == 200


# --- the people evaluated --------------------------------------------------------------------


def test_people_are_added_and_removed_while_a_draft_only(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    round = create(world, found)
    coordinator = world.users["coordinator"]
    li = Evaluee.objects.get(round=round, assignment=found.li)
    evaluee_remove(actor=coordinator, evaluee=li)
    assert people(round) == [("张三", "civil_servant")]
    with pytest.raises(ValidationFailed) as refused:
        evaluee_add(actor=coordinator, round=round, assignment=found.wang)  # ended: not annual
    assert refused.value.detail == {"assignment": "只能添加本批次在岗的挂职干部。"}
    with pytest.raises(ValidationFailed) as refused:
        evaluee_add(actor=coordinator, round=round, assignment=found.zhang)
    assert refused.value.detail == {"assignment": "张三已在本次考核名单中。"}
    evaluee_add(actor=coordinator, round=round, assignment=found.li, scheme="civil_servant")
    assert people(round) == [("张三", "civil_servant"), ("李明", "civil_servant")]

    round_open(actor=coordinator, round=round, today=TODAY)
    before = snapshot(round)
    with pytest.raises(InvalidTransition) as refused:
        evaluee_remove(
            actor=coordinator, evaluee=Evaluee.objects.get(round=round, assignment=found.li)
        )
    assert refused.value.message == "该考核当前为“评分中”，只有草稿状态才能修改设置。"
    assert snapshot(round) == before


# --- moves -----------------------------------------------------------------------------------


# The moves of this area; the table's others (decide, undo a decision, publish) are the
# results area's, and round_move sends the coordinator there.
MINE = {
    (RoundState.DRAFT, RoundState.OPEN),
    (RoundState.OPEN, RoundState.CLOSED),
    (RoundState.CLOSED, RoundState.OPEN),
}
RESULTS = {
    (RoundState.CLOSED, RoundState.DECIDED),
    (RoundState.DECIDED, RoundState.CLOSED),
    (RoundState.DECIDED, RoundState.PUBLISHED),
}


def test_the_table_is_these_moves_and_the_results_areas() -> None:
    table = {(state, target) for state, targets in ROUND_TRANSITIONS.items() for target in targets}
    assert table == MINE | RESULTS


@pytest.mark.parametrize("state", RoundState.values)
@pytest.mark.parametrize("target", RoundState.values)
def test_moves_follow_the_transition_table(world, state, target) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world, state=state)
    round = found.round
    before = snapshot(round)

    def move() -> EvaluationRound:
        return round_move(
            actor=world.users["coordinator"],
            round=round,
            target=target,
            reason="补评",
            today=round.deadline,
        )

    if (state, target) in MINE:
        assert move().state == target
        assert EvaluationRound.objects.get(pk=round.pk).state == target
        return
    with pytest.raises(InvalidTransition) as refused:
        move()
    if (state, target) in RESULTS:
        assert refused.value.message == "考核的决定和公布请在考核结果页面进行。"
    assert snapshot(round) == before


def test_open_refuses_an_incomplete_set_up_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    round = create(world, found)
    coordinator = world.users["coordinator"]
    Evaluee.objects.filter(round=round).delete()
    RaterWeight.objects.filter(round=round, role="dispatch").update(weight=Decimal(25))
    GradeThreshold.objects.filter(round=round, scheme="civil_servant", grade="称职").delete()
    before = snapshot(round)
    with pytest.raises(ValidationFailed) as refused:
        round_open(actor=coordinator, round=round, today=TODAY)
    assert (
        refused.value.message
        == "评价主体权重合计为105%，应为100%。 考核名单为空，请至少添加一名考核对象。"
    )
    assert snapshot(round) == before

    evaluee_add(actor=coordinator, round=round, assignment=found.zhang)
    RaterWeight.objects.filter(round=round, role="dispatch").update(weight=Decimal(20))
    with pytest.raises(ValidationFailed) as refused:
        round_open(actor=coordinator, round=round, today=TODAY)
    assert refused.value.message == "尚未设置“公务员（优秀/称职/基本称职/不称职）”的等次分数线。"
    assert EvaluationRound.objects.get(pk=round.pk).state == RoundState.DRAFT


def test_opening_tells_the_raters_in_scope_and_the_people(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world, state=RoundState.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        round_open(actor=world.users["coordinator"], round=found.round, today=found.today)
    deadline = (
        f"{found.round.deadline.year}年{found.round.deadline.month}月{found.round.deadline.day}日"
    )
    name = found.round.name
    # Host leader and dispatch admin rate both; the group leader rates 张三 (and is evaluated
    # himself as 钱组长); the coordinator rates nobody.
    assert sorted(Notification.objects.values_list("recipient__username", "text", "url")) == sorted(
        [
            (
                "host",
                f"{name}已开始评分，请于{deadline}前完成对2名挂职干部的评分。",
                "/evaluation/ratings/",
            ),
            (
                "dispatch",
                f"{name}已开始评分，请于{deadline}前完成对2名挂职干部的评分。",
                "/evaluation/ratings/",
            ),
            (
                "groupleader",
                f"{name}已开始评分，请于{deadline}前完成对1名挂职干部的评分。",
                "/evaluation/ratings/",
            ),
            ("cadre", f"{name}已开始，请于{deadline}前填写个人总结。", "/evaluation/mine/"),
            ("groupleader", f"{name}已开始，请于{deadline}前填写个人总结。", "/evaluation/mine/"),
        ]
    )
    assert EvaluationRound.objects.get(pk=found.round.pk).opened_at is not None
    assert (
        AuditEvent.objects.filter(action="round.open", object_id=str(found.round.pk)).count() == 1
    )


def test_a_role_weighed_zero_is_not_told(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world, state=RoundState.DRAFT)
    RaterWeight.objects.filter(round=found.round, role="group_leader").update(weight=Decimal(0))
    RaterWeight.objects.filter(round=found.round, role="dispatch").update(weight=Decimal(30))
    with django_capture_on_commit_callbacks(execute=True):
        round_open(actor=world.users["coordinator"], round=found.round, today=found.today)
    assert sorted(
        Notification.objects.filter(kind="round.open", url="/evaluation/ratings/").values_list(
            "recipient__username", flat=True
        )
    ) == ["dispatch", "host"]


def test_closing_early_needs_a_reason_and_computes_the_results(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    coordinator = world.users["coordinator"]
    Rating.objects.create(
        evaluee=found.evaluee_a,
        rater_role=RaterRole.HOST_LEADERSHIP,
        source=RatingSource.ONLINE,
        rater=world.users["host_leader"],
        total=Decimal("88.00"),
        submitted_on=found.today,
    )
    before = snapshot(found.round)
    with pytest.raises(ValidationFailed) as refused:
        round_close(actor=coordinator, round=found.round, reason="  ", today=found.today)
    deadline = found.round.deadline
    assert refused.value.detail == {
        "reason": f"评分截止日期为{deadline.year}年{deadline.month}月{deadline.day}日，提前截止请说明理由。"
    }
    assert snapshot(found.round) == before

    round_close(actor=coordinator, round=found.round, reason="评分人均已评分", today=found.today)
    closed = EvaluationRound.objects.get(pk=found.round.pk)
    assert closed.state == RoundState.CLOSED and closed.closed_at is not None
    assert Decimal(
        Evaluee.objects.get(pk=found.evaluee_a.pk).role_scores["host_leadership"]
    ) == Decimal("88")
    assert AuditEvent.objects.get(action="round.close").detail == {
        "early": True,
        "reason": "评分人均已评分",
    }

    # On the deadline day no reason is needed.
    round_reopen(actor=coordinator, round=closed, reason="有评分人漏评")
    round_close(actor=coordinator, round=closed, today=deadline)
    assert AuditEvent.objects.filter(action="round.close").order_by("-id").first().detail == {
        "early": False,
        "reason": "",
    }


def test_reopening_needs_a_reason_and_tells_the_raters(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world, state=RoundState.CLOSED)
    coordinator = world.users["coordinator"]
    before = snapshot(found.round)
    with pytest.raises(ValidationFailed) as refused:
        round_reopen(actor=coordinator, round=found.round, reason="")
    assert refused.value.detail == {"reason": "重新开放评分请说明理由。"}
    assert snapshot(found.round) == before
    with django_capture_on_commit_callbacks(execute=True):
        round_reopen(actor=coordinator, round=found.round, reason="有评分人漏评")
    reopened = EvaluationRound.objects.get(pk=found.round.pk)
    assert (reopened.state, reopened.closed_at) == (RoundState.OPEN, None)
    assert sorted(
        Notification.objects.filter(kind="round.reopen").values_list(
            "recipient__username", flat=True
        )
    ) == [
        "dispatch",
        "groupleader",
        "host",
    ]
    assert AuditEvent.objects.get(action="round.reopen").detail == {"reason": "有评分人漏评"}


# --- the self-assessment ---------------------------------------------------------------------


def test_the_person_writes_and_submits_their_self_assessment_while_open(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    cadre = world.users["cadre"]
    self_assessment_save(actor=cadre, evaluee=found.evaluee_a, text=" 一年来，我…… ")
    saved = Evaluee.objects.get(pk=found.evaluee_a.pk)
    assert (saved.self_assessment, saved.self_submitted_at) == ("一年来，我……", None)
    with pytest.raises(ValidationFailed) as refused:
        self_assessment_save(actor=cadre, evaluee=found.evaluee_a, text="", submit=True)
    assert refused.value.detail == {"text": "请填写个人总结后再提交。"}
    self_assessment_save(
        actor=cadre, evaluee=found.evaluee_a, text="一年来，我主要做了三件事。", submit=True
    )
    submitted = Evaluee.objects.get(pk=found.evaluee_a.pk)
    assert submitted.self_assessment == "一年来，我主要做了三件事。"
    assert submitted.self_submitted_at is not None
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="round.self").order_by("id")
    ] == [
        "round.self_save",
        "round.self_submit",
    ]

    # Nobody else writes it; nobody writes it once rating has closed.
    with pytest.raises(Forbidden):
        self_assessment_save(actor=world.users["host_leader"], evaluee=found.evaluee_a, text="代写")
    EvaluationRound.objects.filter(pk=found.round.pk).update(state=RoundState.CLOSED)
    with pytest.raises(InvalidTransition):
        self_assessment_save(actor=cadre, evaluee=found.evaluee_a, text="改写")
    assert (
        Evaluee.objects.get(pk=found.evaluee_a.pk).self_assessment == "一年来，我主要做了三件事。"
    )


def test_the_world_helpers_stay_usable(world) -> None:  # type: ignore[no-untyped-def]
    found = set_up(world)
    round = make_round(found.batch, state=RoundState.DRAFT)
    add_evaluee(round, found.li)
    assert people(round) == [("李明", "institution")]

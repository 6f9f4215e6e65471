"""Anonymity of the democratic evaluation, proven on what is stored and what is exported: after a
code ballot no row anywhere links the ballot to its code or to whoever cast it, the ballots keep
no order among themselves, and a person's figures show nowhere below the minimum of ballots."""

import io
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guazhi.core.models import AuditEvent
from guazhi.evaluation.models import (
    BallotCode,
    EvaluationRound,
    Evaluee,
    Rating,
    RatingScore,
    RoundState,
)
from guazhi.evaluation.selectors.scope import access_evaluee
from guazhi.evaluation.services.codes import ballot_submit_code, code_issue
from guazhi.evaluation.services.ratings import ballot_submit_paper
from tests.evaluation.test_rating_services import scores_of
from tests.evaluation.test_rating_views import posted_scores
from tests.evaluation.world import EvaluationWorld, evaluation_world
from tests.pages import as_user, page

ENTRY = "/evaluation/code/"
VOTER_ADDRESS = "10.1.2.3"


def every_stored_row() -> list[tuple[str, str]]:
    """(table, the row as text) for every row of every table of the database."""
    quote = connection.ops.quote_name
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # table names from the schema
            rows += [(table, " | ".join(map(str, row))) for row in cursor.fetchall()]
    return rows


def codes_for(found: EvaluationWorld, world: Any, evaluee: Evaluee, count: int) -> list[str]:
    made = code_issue(
        actor=world.users["coordinator"], round=found.round, count=count, evaluee=evaluee
    )
    return [code.code for code in made]


def test_a_code_ballot_leaves_no_link_to_its_code_or_its_voter(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    codes = codes_for(found, world, found.evaluee_a, 3)
    code = codes[1]
    before_code = BallotCode.objects.filter(code=code).values().get()
    # A colleague who happens to be logged in, from a known address: neither may stick.
    voter = as_user(client, world, "host_leader")
    events_before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = voter.post(
        ENTRY,
        {"step": "ballot", "code": code, **posted_scores(found.round, 80, 85, 90, 75, 100)},
        REMOTE_ADDR=VOTER_ADDRESS,
    )

    assert response.status_code == 302
    assert code not in response["Location"]
    # The code's row: only "used" moved; it knows nothing of the ballot.
    assert BallotCode.objects.filter(code=code).values().get() == {**before_code, "used": True}
    assert [
        (model.__name__, field.name)
        for model in apps.get_models()
        for field in model._meta.fields
        if field.related_model is BallotCode
    ] == []
    # The ballot: no rater, a day and no time, nothing of the code.
    rating = Rating.objects.get()
    assert (rating.rater_id, rating.submitted_on) == (None, timezone.localdate())
    assert [
        field.name
        for model in (Rating, RatingScore)
        for field in model._meta.fields
        if isinstance(field, models.DateTimeField | models.TimeField)
    ] == []
    # One audit event: no actor, no address, not the ballot, not the code, not the person
    # (its time to the second would tie the person's ballot of the day to the moment sent).
    [event] = AuditEvent.objects.exclude(pk__in=events_before)
    assert (event.action, event.actor_id, event.actor_name, event.ip_address) == (
        "ballot.code",
        None,
        "",
        None,
    )
    assert (event.object_type, event.object_id, event.detail) == (
        "evaluation.evaluationround",
        str(found.round.pk),
        {},
    )
    # Anywhere in the database: the code only in its own row, the voter's address nowhere.
    stored = every_stored_row()
    assert [table for table, row in stored if code in row] == [BallotCode._meta.db_table]
    assert [table for table, row in stored if VOTER_ADDRESS in row] == []


def test_ballots_keep_no_order_among_themselves(world) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    codes = codes_for(found, world, found.evaluee_a, 12)

    for number, code in enumerate(codes):
        ballot_submit_code(
            code=code, scores=scores_of(found.round, *[50 + number] * 5), today=found.today
        )

    cast = [Decimal(50 + number) for number in range(12)]
    stored = list(Rating.objects.order_by("pk").values_list("total", flat=True))
    # Keys drawn at random: their order is not the order of casting (1 chance in 12! that it is).
    assert sorted(stored) == cast and stored != cast
    assert set(Rating.objects.values_list("submitted_on", flat=True)) == {found.today}
    by_score = list(
        RatingScore.objects.filter(criterion__name="德")
        .order_by("pk")
        .values_list("score", flat=True)
    )
    assert sorted(by_score) == list(range(50, 62)) and by_score != list(range(50, 62))


# --- fewer than the minimum shows nothing ------------------------------------------------------

# 钱组长's five ballots, 德能勤绩廉 (weights 20/20/20/30/10), and their weighted totals:
LEADER_BALLOTS = (
    (90, 90, 90, 90, 90),  # 90.00
    (80, 80, 80, 80, 80),  # 80.00
    (70, 80, 90, 100, 60),  # 1400 + 1600 + 1800 + 3000 + 600 = 8400 → 84.00
    (100, 100, 100, 100, 100),  # 100.00
    (60, 65, 70, 75, 80),  # 1200 + 1300 + 1400 + 2250 + 800 = 6950 → 69.50
)
# Averages per criterion: 德 400/5, 能 415/5, 勤 430/5, 绩 445/5, 廉 410/5; total 423.50/5.
LEADER_AVERAGES = [80.0, 83.0, 86.0, 89.0, 82.0, 84.7]
# Bands: 90 and above (90, 100), 80–90 (80, 84), 60–80 (69.5), below 60.
LEADER_BANDS = [2, 2, 1, 0]


def democratic_world(world: Any) -> EvaluationWorld:
    """Four ballots of 95 on every item for 张三 (one short of the minimum of 5), and
    LEADER_BALLOTS for 钱组长: three through codes, two keyed in from paper."""
    found = evaluation_world(world)
    for code in codes_for(found, world, found.evaluee_a, 4):
        ballot_submit_code(code=code, scores=scores_of(found.round, *[95] * 5), today=found.today)
    leader_codes = codes_for(found, world, found.evaluee_leader, 3)
    for code, values in zip(leader_codes, LEADER_BALLOTS[:3], strict=True):
        ballot_submit_code(code=code, scores=scores_of(found.round, *values), today=found.today)
    coordinator = world.users["coordinator"]
    for values in LEADER_BALLOTS[3:]:
        ballot_submit_paper(
            actor=coordinator,
            evaluee=access_evaluee(actor=coordinator, pk=found.evaluee_leader.pk),
            scores=scores_of(found.round, *values),
            today=found.today,
        )
    return found


def close(found: EvaluationWorld) -> None:
    EvaluationRound.objects.filter(pk=found.round.pk).update(state=RoundState.CLOSED)


def export_rows(client: Any, found: EvaluationWorld) -> list[list[Any]]:
    response = client.get(
        reverse("evaluation:democratic_export", kwargs={"round_pk": found.round.pk})
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_below_the_minimum_the_table_shows_no_figure_at_all(world, client) -> None:  # type: ignore[no-untyped-def]
    found = democratic_world(world)
    close(found)
    as_user(client, world, "coordinator")

    rows = export_rows(client, found)

    assert rows[0][0] == "民主测评统计表"
    assert rows[4] == [
        "序号",
        "姓名",
        "接收单位",
        "挂职岗位",
        "有效票数",
        "德",
        "能",
        "勤",
        "绩",
        "廉",
        "平均得分",
        "90分及以上（票）",
        "80–90分（票）",
        "60–80分（票）",
        "60分以下（票）",
    ]
    # Sorted by host unit, then name in pinyin: qian before zhang.
    assert rows[5] == [1, "钱组长", "白鹿镇", "党委委员", 5, *LEADER_AVERAGES, *LEADER_BANDS]
    assert rows[6][:6] == [2, "张三", "白鹿镇", "党委副书记", 4, "不足 5 票，不显示"]
    assert all(value is None for value in rows[6][6:])
    assert len(rows) == 7
    # Nothing names a voter or a code.
    texts = {str(value) for row in rows for value in row if value is not None}
    codes = set(BallotCode.objects.values_list("code", flat=True))
    voters = {"组织部王科长", "coordinator", "白鹿镇赵书记"}
    assert texts & (codes | voters) == set()
    event = AuditEvent.objects.get(action="democratic.export")
    assert event.actor == world.users["coordinator"]
    assert event.detail == {"rows": 2, "shown_people": 1}


def test_below_the_minimum_the_round_page_shows_no_figure_either(world, client) -> None:  # type: ignore[no-untyped-def]
    found = democratic_world(world)
    close(found)
    as_user(client, world, "coordinator")

    shown = page(
        client.get(reverse("evaluation:democratic_round", kwargs={"round_pk": found.round.pk}))
    )

    assert "不足 5 票，不显示" in shown
    assert "95.00" not in shown  # 张三's average, had it been shown
    assert '<td data-label="平均得分" class="num"><strong>84.70</strong></td>' in shown
    assert '<td data-label="绩" class="num">89.00</td>' in shown


def test_while_ballots_come_in_nobody_s_figures_show(world, client) -> None:  # type: ignore[no-untyped-def]
    found = democratic_world(world)  # the round still open: 钱组长 has his five ballots
    as_user(client, world, "coordinator")

    rows = export_rows(client, found)
    shown = page(
        client.get(reverse("evaluation:democratic_round", kwargs={"round_pk": found.round.pk}))
    )

    assert rows[5][:6] == [1, "钱组长", "白鹿镇", "党委委员", 5, "测评进行中，截止后显示"]
    assert all(value is None for value in rows[5][6:])
    assert "84.70" not in shown
    assert 'id="results"' not in shown


def test_a_minimum_the_round_lowers_shows_the_figures_from_it(world, client) -> None:  # type: ignore[no-untyped-def]
    found = democratic_world(world)
    EvaluationRound.objects.filter(pk=found.round.pk).update(
        state=RoundState.CLOSED, democratic_minimum=4
    )
    as_user(client, world, "coordinator")

    rows = export_rows(client, found)

    assert rows[6] == [2, "张三", "白鹿镇", "党委副书记", 4, *[95.0] * 6, 4, 0, 0, 0]

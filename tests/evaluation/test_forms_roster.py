"""The 考核花名册 as Excel: one row per person the reader's roles reach, by rank; scores and
grades only where the reader may see that person's result; every export audited."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from guazhi.core.models import AuditEvent
from guazhi.evaluation.models import RoundState
from guazhi.programmes.models import AssignmentState
from tests.evaluation.forms_world import results_world
from tests.evaluation.world import add_evaluee
from tests.factories import CadreFactory, grant
from tests.pages import as_user
from tests.programmes.factories import PostFactory, assign

HEADER_ROW = 5
HEADERS = [
    "序号",
    "姓名",
    "性别",
    "出生年月",
    "派出单位及职务",
    "挂职单位及职务",
    "人员类别",
    "综合得分",
    "建议等次",
    "确定等次",
    "备注",
]


def roster(client, world, role: str, round_pk: int) -> list[list[object]]:  # type: ignore[no-untyped-def]
    """The roster's header and rows as the reader downloads it."""
    client.force_login(world.users[role])
    response = client.get(reverse("evaluation:roster_export", kwargs={"round_pk": round_pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(min_row=HEADER_ROW, values_only=True)]


def test_the_coordinator_reads_every_person_with_scores_and_grades_by_rank(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    found.evaluee_leader.decision_note = "按考核委员会意见确定。"
    found.evaluee_leader.save(update_fields=["decision_note"])
    rows = roster(client, world, "coordinator", found.round.pk)
    assert rows == [
        HEADERS,
        [
            1,
            "张三",
            "男",
            "1986.05",
            "浔阳区委党校科长",
            "白鹿镇党委副书记",
            "公务员",
            92.5,
            "优秀",
            "优秀",
            None,
        ],
        [
            2,
            "钱组长",
            "男",
            "1986.05",
            "浔阳区委党校科长",
            "白鹿镇党委委员",
            "事业单位",
            85.0,
            "合格",
            "合格",
            "按考核委员会意见确定。",
        ],
    ]
    event = AuditEvent.objects.get(action="evaluation_roster.export")
    assert (event.object_id, event.detail) == (str(found.round.pk), {"rows": 2, "with_results": 2})


def test_while_closed_the_coordinator_sees_proposed_grades_and_nothing_is_decided(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.CLOSED)
    rows = roster(client, world, "coordinator", found.round.pk)
    assert [row[7:10] for row in rows[1:]] == [[92.5, "优秀", None], [85.0, "合格", None]]


def test_other_staff_see_no_result_before_the_decision_nor_the_ranking(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.CLOSED)
    # Rank 1 is 张三, but the host leader's rows come by name (pinyin): 钱 before 张.
    rows = roster(client, world, "host_leader", found.round.pk)
    assert [row[:2] + row[7:] for row in rows[1:]] == [
        [1, "钱组长", None, None, None, None],
        [2, "张三", None, None, None, None],
    ]
    event = AuditEvent.objects.get(action="evaluation_roster.export")
    assert event.detail == {"rows": 2, "with_results": 0}


def test_once_decided_other_staff_see_the_results_of_the_people_they_reach(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    rows = roster(client, world, "host_leader", found.round.pk)
    assert [row[1] for row in rows[1:]] == ["张三", "钱组长"]
    assert [row[7:10] for row in rows[1:]] == [[92.5, "优秀", "优秀"], [85.0, "合格", "合格"]]


def test_a_leader_evaluated_in_the_round_does_not_see_their_own_result_before_publication(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    """The group leader user is 钱组长 (holding the cadre role too, as a seconded group leader
    does): his own row stays blank, after the ranked rows."""
    found = results_world(world, state=RoundState.DECIDED)
    grant(world.users["group_leader"], "cadre", world.school_a)
    rows = roster(client, world, "group_leader", found.round.pk)
    assert [row[1:2] + row[7:10] for row in rows[1:]] == [
        ["张三", 92.5, "优秀", "优秀"],
        ["钱组长", None, None, None],
    ]


def test_another_batchs_round_is_not_found_and_nothing_is_recorded(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    client = as_user(client, world, "coordinator")
    url = reverse("evaluation:roster_export", kwargs={"round_pk": found.round_b.pk})
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="evaluation_roster.export").exists()


def test_the_roster_costs_the_same_queries_however_many_people(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    client = as_user(client, world, "coordinator")
    url = reverse("evaluation:roster_export", kwargs={"round_pk": found.round.pk})
    client.get(url)  # the session and the caches warm
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for number in range(3):
        post = PostFactory(batch=found.duty.batch_a, host_unit=world.township_a, title="科员")
        cadre = CadreFactory(name=f"新人{number}", home_unit=world.school_a)
        add_evaluee(found.round, assign(post, cadre, AssignmentState.ACTIVE))
    with CaptureQueriesContext(connection) as five:
        rows = client.get(url)
    assert rows.status_code == 200
    assert len(five.captured_queries) == len(two.captured_queries)

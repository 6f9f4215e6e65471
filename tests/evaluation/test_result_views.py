"""The results pages as people use them: the coordinator's table, grades and decision through
the forms, publishing, the person's page before and after publication, signing, objections."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guazhi.evaluation.models import (
    EvaluationRound,
    Evaluee,
    Objection,
    RaterRole,
    RatingFlag,
    RoundState,
)
from guazhi.evaluation.services.results import results_compute
from tests.evaluation.forms_world import results_world as graded_world
from tests.evaluation.results_world import ballots, person, rate, results_world
from tests.pages import as_user, field_error, page

pytestmark = pytest.mark.django_db
HOST = RaterRole.HOST_LEADERSHIP


def _results(round: EvaluationRound) -> str:
    return reverse("evaluation:round_results", kwargs={"round_pk": round.pk})


def _person_url(evaluee: Evaluee) -> str:
    return reverse("evaluation:evaluee_result", kwargs={"evaluee_pk": evaluee.pk})


def _scored(world, state: str = RoundState.CLOSED):  # type: ignore[no-untyped-def]
    """张三 rated 95.5 by the host leadership and by 5 ballots of 90: 93.14, 优秀 (5 people)."""
    found = results_world(world)
    rate(found.zhang, HOST, "95.5")
    ballots(found.zhang, 90, 90, 90, 90, 90)
    others = [person(found.round_a) for _ in range(4)]
    for other in others:
        rate(other, HOST, "75")
    results_compute(round=found.round_a)
    EvaluationRound.objects.filter(pk=found.round_a.pk).update(state=state)
    found.round_a.refresh_from_db()
    if state in (RoundState.DECIDED, RoundState.PUBLISHED):
        for evaluee in Evaluee.objects.filter(round=found.round_a):
            evaluee.grade = evaluee.proposed_grade
            evaluee.save(update_fields=["grade"])
    return found, others


def test_the_coordinator_reads_the_table_once_closed(world, client) -> None:  # type: ignore[no-untyped-def]
    found, _others = _scored(world)
    html = page(as_user(client, world, "coordinator").get(_results(found.round_a)))
    # (95.5 × 40 + 90 × 30) / 70 = 93.142… → 93.14
    assert "93.14" in html
    assert "95.50" in html and "90.00" in html
    assert ">5 票<" in html
    assert "评价主体不全" in html  # no dispatching unit nor group leader rated
    assert "缺派出单位、挂职小组组长" in html
    assert html.count("/result/grade/") == 5
    assert "登记考核委员会决定" in html


def test_other_staff_read_nothing_before_the_decision(world, client) -> None:  # type: ignore[no-untyped-def]
    found, _others = _scored(world)
    html = page(as_user(client, world, "host_leader").get(_results(found.round_a)))
    assert "考核结果经考核委员会决定后可以查看。" in html
    assert "93.14" not in html
    EvaluationRound.objects.filter(pk=found.round_a.pk).update(state=RoundState.DECIDED)
    html = page(client.get(_results(found.round_a)))
    assert "93.14" in html
    assert "/result/grade/" not in html and "评分异常提示" not in html


def test_only_the_coordinator_reads_each_rater_roles_score(world, client) -> None:  # type: ignore[no-untyped-def]
    """A role's score is often one named rater's total (here the host leadership's 95.50):
    other readers get the score and the grade, not the rater's figure."""
    found, _others = _scored(world, RoundState.PUBLISHED)
    table = page(as_user(client, world, "host_leader").get(_results(found.round_a)))
    assert "93.14" in table and "优秀" in table
    assert "95.50" not in table and "90.00" not in table and ">5 票<" not in table
    for role in ("host_leader", "cadre"):
        html = page(as_user(client, world, role).get(_person_url(found.zhang)))
        assert "93.14" in html and "95.50" not in html and "<th>评价主体</th>" not in html
    html = page(as_user(client, world, "coordinator").get(_person_url(found.zhang)))
    assert "95.50" in html and "90.00" in html


def test_a_leader_evaluated_in_the_round_finds_no_own_result_before_publication(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    """The group leader 钱组长 (85.00, 合格) reads his group's results once decided; his own
    row waits for the publication, as his own page does."""
    found = graded_world(world, state=RoundState.DECIDED)
    url = _results(found.round)
    html = page(as_user(client, world, "group_leader").get(url))
    assert "张三" in html and "92.50" in html
    assert "钱组长" not in html and "85.00" not in html
    EvaluationRound.objects.filter(pk=found.round.pk).update(state=RoundState.PUBLISHED)
    html = page(client.get(url))
    assert "钱组长" in html and "85.00" in html


def test_the_table_costs_the_same_queries_for_more_people(world, client) -> None:  # type: ignore[no-untyped-def]
    found, _others = _scored(world)
    as_user(client, world, "coordinator")
    client.get(_results(found.round_a))  # caches warm
    with CaptureQueriesContext(connection) as few:
        client.get(_results(found.round_a))
    for _ in range(6):
        rate(person(found.round_a), HOST, "80", uniform=True)
    results_compute(round=found.round_a)
    with CaptureQueriesContext(connection) as more:
        response = client.get(_results(found.round_a))
    assert page(response).count("/result/grade/") == 11
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_person_sees_nothing_of_the_result_before_publication(world, client) -> None:  # type: ignore[no-untyped-def]
    for state in (RoundState.CLOSED, RoundState.DECIDED):
        found, _others = _scored(world, state)
        html = page(as_user(client, world, "cadre").get(_person_url(found.zhang)))
        assert "考核结果尚未公布。" in html
        for hidden in ("93.14", "95.50", "优秀", 'name="opinion"'):
            assert hidden not in html
        Evaluee.objects.filter(round=found.round_a).delete()
        EvaluationRound.objects.filter(pk__in=[found.round_a.pk, found.round_b.pk]).delete()


def test_the_person_reads_and_signs_once_published(world, client) -> None:  # type: ignore[no-untyped-def]
    found, _others = _scored(world, RoundState.PUBLISHED)
    as_user(client, world, "cadre")
    html = page(client.get(_person_url(found.zhang)))
    assert "93.14" in html and "优秀" in html
    assert "名次" not in html  # the person is not ranked against colleagues
    url = reverse("evaluation:result_acknowledge", kwargs={"evaluee_pk": found.zhang.pk})
    response = client.post(url, {"opinion": "object", "text": ""})
    assert field_error("text", "请填写异议内容。") in page(response)
    assert Evaluee.objects.get(pk=found.zhang.pk).acknowledged_at is None
    response = client.post(url, {"opinion": "agree", "text": "服从组织决定。"})
    assert response.status_code == 302
    html = page(client.get(_person_url(found.zhang)))
    assert "服从组织决定。" in html
    assert 'name="opinion"' not in html
    table = page(as_user(client, world, "coordinator").get(_results(found.round_a)))
    assert "服从组织决定。" in table


def test_grades_and_the_decision_through_the_forms(world, client) -> None:  # type: ignore[no-untyped-def]
    found, others = _scored(world)
    as_user(client, world, "coordinator")
    adjust = reverse("evaluation:result_adjust", kwargs={"evaluee_pk": others[0].pk})
    response = client.post(adjust, {"grade": "优秀", "note": ""})
    assert field_error("note", "等次与建议等次不同，请填写调整说明。") in page(response)
    response = client.post(adjust, {"grade": "基本称职", "note": "年内有违纪行为。"})
    assert response.status_code == 302
    decide = reverse("evaluation:result_decide", kwargs={"round_pk": found.round_a.pk})
    response = client.post(decide, {"decided_on": "", "body": "考核委员会"})
    assert response.status_code == 200
    assert EvaluationRound.objects.get(pk=found.round_a.pk).state == RoundState.CLOSED
    today = found.duty.today.isoformat()
    response = client.post(
        decide, {"decided_on": today, "body": "考核委员会", "members": "", "minutes": ""}
    )
    assert response.status_code == 302
    assert EvaluationRound.objects.get(pk=found.round_a.pk).state == RoundState.DECIDED
    assert Evaluee.objects.get(pk=others[0].pk).grade == "基本称职"
    publish = reverse("evaluation:result_publish", kwargs={"round_pk": found.round_a.pk})
    client.post(publish)
    assert EvaluationRound.objects.get(pk=found.round_a.pk).state == RoundState.PUBLISHED


def test_a_colleague_objects_on_the_publicity_page(world, client) -> None:  # type: ignore[no-untyped-def]
    found, _others = _scored(world, RoundState.DECIDED)
    as_user(client, world, "coordinator").post(
        reverse("evaluation:result_publish", kwargs={"round_pk": found.round_a.pk})
    )
    publicity = reverse("evaluation:result_publicity", kwargs={"round_pk": found.round_a.pk})
    html = page(as_user(client, world, "host_leader").get(publicity))
    assert "张三" in html and "提交异议" in html
    response = client.post(
        reverse("evaluation:objection_raise", kwargs={"round_pk": found.round_a.pk}),
        {"evaluee": found.zhang.pk, "content": "该同志考勤记录有误。", "contact": ""},
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.evaluee_id, objection.raised_by) == (
        found.zhang.pk,
        world.users["host_leader"],
    )
    html = page(as_user(client, world, "coordinator").get(publicity))
    assert "该同志考勤记录有误。" in html and "核实处理" in html
    # The person on the list reads it, and has nobody else to object to.
    html = page(as_user(client, world, "cadre").get(publicity))
    assert "张三" in html and "提交异议" not in html and "该同志考勤记录有误。" not in html


def test_the_coordinator_checks_a_flag(world, client) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    rate(found.zhang, HOST, "88", uniform=True)
    results_compute(round=found.round_a)
    flag = RatingFlag.objects.get()
    as_user(client, world, "coordinator")
    html = page(client.get(_results(found.round_a)))
    assert "各项均为 88 分" in html and "待核实 1 条" in html
    client.post(reverse("evaluation:flag_dismiss", kwargs={"flag_pk": flag.pk}))
    assert RatingFlag.objects.get(pk=flag.pk).dismissed is True
    assert "待核实 0 条" in page(client.get(_results(found.round_a)))

"""The round pages as people use them: the coordinator creates and sets up a round (the weights
form with its live sum and its refusal), moves it; staff read it; the cadre writes the
self-assessment from 我的考核."""

from decimal import Decimal

from guazhi.core.models import AuditEvent
from guazhi.evaluation.models import (
    Criterion,
    EvaluationRound,
    Evaluee,
    RaterWeight,
    RoundState,
)
from guazhi.summaries.models import Summary, SummarySection
from tests.evaluation.world import evaluation_world
from tests.pages import as_user, field_error, page


def test_the_coordinator_creates_a_round_from_the_batch_tab(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    batch = found.duty.batch_a
    as_user(client, world, "coordinator")
    listing = page(client.get(f"/evaluation/batches/{batch.pk}/rounds/"))
    assert found.round.name in listing
    assert f'href="/evaluation/batches/{batch.pk}/rounds/new/"' in listing

    response = client.post(
        f"/evaluation/batches/{batch.pk}/rounds/new/",
        {"kind": "end_of_term", "name": "", "period_start": "", "period_end": "", "deadline": ""},
    )
    made = EvaluationRound.objects.filter(batch=batch).exclude(pk=found.round.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/evaluation/rounds/{made.pk}/"
    assert (made.name, made.state, made.period_start, made.period_end) == (
        "期满考核",
        RoundState.DRAFT,
        batch.term_start,
        batch.term_end,
    )
    detail = page(client.get(response["Location"]))
    assert "已新建“期满考核”（草稿），考核对象2人。请核对设置后开始评分。" in detail
    assert "张三" in detail and "钱组长" in detail
    assert "开始评分" in detail


def test_staff_other_than_the_coordinator_only_read_the_tab(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "host_leader")
    listing = page(client.get(f"/evaluation/batches/{found.duty.batch_a.pk}/rounds/"))
    assert found.round.name in listing
    assert "/rounds/new/" not in listing
    detail = page(client.get(f"/evaluation/rounds/{found.round.pk}/"))
    assert "张三" in detail
    assert "截止评分" not in detail
    assert client.get(f"/evaluation/batches/{found.duty.batch_a.pk}/rounds/new/").status_code == 403


def test_the_weights_form_sums_as_typed_and_refuses_a_total_other_than_100(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world, state=RoundState.DRAFT)
    round = found.round
    as_user(client, world, "coordinator")
    url = f"/evaluation/rounds/{round.pk}/weights/"
    form = page(client.get(url))
    assert form.count('data-weight="criteria"') == 7  # five criteria and two blank rows
    assert form.count('data-weight="raters"') == 4
    assert 'data-weight-sum="criteria"' in form and "/static/js/evaluation_weights.js" in form

    data = {"section": "criteria", "criteria-count": "5"}
    for n, (name, weight) in enumerate(
        [("德", "20"), ("能", "20"), ("勤", "20"), ("绩", "25"), ("廉", "10")], start=1
    ):
        data |= {
            f"criteria-{n}-name": name,
            f"criteria-{n}-description": "",
            f"criteria-{n}-weight": weight,
        }
    events = AuditEvent.objects.count()
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert '<p class="message error">考核内容权重合计为95%，应为100%。</p>' in page(refused)
    assert list(Criterion.objects.filter(round=round).values_list("weight", flat=True)) == [
        Decimal("20.00"),
        Decimal("20.00"),
        Decimal("20.00"),
        Decimal("30.00"),
        Decimal("10.00"),
    ]
    assert AuditEvent.objects.count() == events

    saved = client.post(
        url,
        {
            "section": "raters",
            "weight_host_leadership": "50",
            "weight_democratic": "25",
            "weight_dispatch": "15",
            "weight_group_leader": "10",
        },
    )
    assert saved.status_code == 302
    assert dict(RaterWeight.objects.filter(round=round).values_list("role", "weight")) == {
        "host_leadership": Decimal("50.00"),
        "democratic": Decimal("25.00"),
        "dispatch": Decimal("15.00"),
        "group_leader": Decimal("10.00"),
    }


def test_closing_early_without_a_reason_is_refused_on_the_page(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "coordinator")
    response = client.post(f"/evaluation/rounds/{found.round.pk}/close/", {"reason": ""})
    assert response.status_code == 200
    deadline = found.round.deadline
    assert (
        f"评分截止日期为{deadline.year}年{deadline.month}月{deadline.day}日，提前截止请说明理由。"
        in page(response)
    )
    assert EvaluationRound.objects.get(pk=found.round.pk).state == RoundState.OPEN

    response = client.post(f"/evaluation/rounds/{found.round.pk}/close/", {"reason": "已全部评分"})
    assert response.status_code == 302
    assert EvaluationRound.objects.get(pk=found.round.pk).state == RoundState.CLOSED
    detail = page(client.get(response["Location"]))
    assert "截止评分" in detail and "已全部评分" in detail  # the trail, with the reason


def test_the_cadre_writes_the_self_assessment_from_my_evaluations(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    draft = EvaluationRound.objects.create(
        batch=found.duty.batch_a,
        kind="routine",
        name="尚未开始的平时考核",
        period_start=found.round.period_start,
        period_end=found.round.period_end,
        deadline=found.round.deadline,
    )
    Evaluee.objects.create(round=draft, assignment=found.duty.serving_a, scheme="routine")
    summary = Summary.objects.create(
        assignment=found.duty.serving_a, kind="midterm", title="阶段总结"
    )
    SummarySection.objects.create(
        summary=summary, position=1, key="work", heading="主要工作", body="走访企业"
    )
    SummarySection.objects.create(
        summary=summary, position=2, key="insights", heading="心得体会", body=""
    )

    as_user(client, world, "cadre")
    mine = page(client.get("/evaluation/mine/"))
    assert found.round.name in mine
    assert "尚未开始的平时考核" not in mine  # a draft is not announced yet
    url = f"/evaluation/evaluees/{found.evaluee_a.pk}/self/"
    assert f'href="{url}"' in mine

    form = page(client.get(url))
    assert "已按您的挂职总结预先填入" in form
    assert "主要工作\n走访企业</textarea>" in form

    response = client.post(url, {"text": "主要工作\n走访企业十二家。", "then": "submit"})
    assert response.status_code == 302
    evaluee = Evaluee.objects.get(pk=found.evaluee_a.pk)
    assert evaluee.self_assessment == "主要工作\n走访企业十二家。"
    assert evaluee.self_submitted_at is not None
    assert "个人总结已提交，评分人可以看到。" in page(client.get(url))

    # Someone else's page is not found; the coordinator reads it beside the evidence.
    assert client.get(f"/evaluation/evaluees/{found.evaluee_leader.pk}/self/").status_code == 404
    client.logout()
    as_user(client, world, "coordinator")
    evidence = page(client.get(f"/evaluation/evaluees/{found.evaluee_a.pk}/evidence/"))
    assert "走访企业十二家。" in evidence


def test_a_saved_draft_is_not_shown_to_raters(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "cadre")
    client.post(
        f"/evaluation/evaluees/{found.evaluee_a.pk}/self/", {"text": "草稿内容", "then": "save"}
    )
    assert Evaluee.objects.get(pk=found.evaluee_a.pk).self_assessment == "草稿内容"
    client.logout()
    as_user(client, world, "host_leader")
    evidence = page(client.get(f"/evaluation/evaluees/{found.evaluee_a.pk}/evidence/"))
    assert "草稿内容" not in evidence
    assert "本人尚未提交个人总结。" in evidence


def test_the_results_pages_are_linked_once_there_are_results(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "coordinator")
    open_page = page(client.get(f"/evaluation/rounds/{found.round.pk}/"))
    assert f"/evaluation/rounds/{found.round.pk}/results/" not in open_page
    EvaluationRound.objects.filter(pk=found.round.pk).update(state=RoundState.CLOSED)
    closed = page(client.get(f"/evaluation/rounds/{found.round.pk}/"))
    assert f'href="/evaluation/rounds/{found.round.pk}/results/"' in closed
    assert f'href="/evaluation/evaluees/{found.evaluee_a.pk}/result/"' in closed
    client.logout()
    # Other staff only once the committee has decided.
    as_user(client, world, "host_leader")
    assert "/results/" not in page(client.get(f"/evaluation/rounds/{found.round.pk}/"))
    EvaluationRound.objects.filter(pk=found.round.pk).update(state=RoundState.DECIDED)
    assert f'href="/evaluation/rounds/{found.round.pk}/results/"' in page(
        client.get(f"/evaluation/rounds/{found.round.pk}/")
    )
    client.logout()
    # The person sees their result only once published.
    as_user(client, world, "cadre")
    result = f'href="/evaluation/evaluees/{found.evaluee_a.pk}/result/"'
    assert result not in page(client.get("/evaluation/mine/"))
    EvaluationRound.objects.filter(pk=found.round.pk).update(state=RoundState.PUBLISHED)
    assert result in page(client.get("/evaluation/mine/"))


def test_the_round_page_costs_the_same_for_more_people(world, client) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.evaluation.world import add_evaluee
    from tests.factories import CadreFactory
    from tests.programmes.factories import PostFactory, assign

    found = evaluation_world(world)
    as_user(client, world, "coordinator")
    url = f"/evaluation/rounds/{found.round.pk}/"
    client.get(url)  # warm the menus and scopes
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    for n in range(4):
        cadre = CadreFactory(name=f"新人{n}", home_unit=world.school_a)
        post = PostFactory(batch=found.duty.batch_a, host_unit=world.township_a)
        add_evaluee(found.round, assign(post, cadre, "active"))
    with CaptureQueriesContext(connection) as six:
        page_text = page(client.get(url))
    assert "新人3" in page_text
    assert len(six.captured_queries) == len(two.captured_queries)


def test_the_settings_form_refuses_numbers_beyond_their_bounds_on_the_field(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world, state=RoundState.DRAFT)
    round = found.round
    url = f"/evaluation/rounds/{round.pk}/settings/"
    as_user(client, world, "coordinator")
    form = page(client.get(url))
    assert 'name="democratic_minimum"' in form and 'max="200"' in form
    posted = {
        "name": round.name,
        "period_start": round.period_start.isoformat(),
        "period_end": round.period_end.isoformat(),
        "deadline": round.deadline.isoformat(),
        "evaluated_by": round.evaluated_by,
        "excellent_quota": "20",
        "democratic_minimum": "40000",
        "publicity_days": "5",
    }
    response = client.post(url, posted)
    assert response.status_code == 200
    assert field_error("democratic_minimum", "确保该值小于或等于200。") in page(response)
    for field, value in (("excellent_quota", "101"), ("publicity_days", "31")):
        response = client.post(url, {**posted, "democratic_minimum": "5", field: value})
        limit = "100" if field == "excellent_quota" else "30"
        assert field_error(field, f"确保该值小于或等于{limit}。") in page(response)
    assert EvaluationRound.objects.get(pk=round.pk).democratic_minimum == 5

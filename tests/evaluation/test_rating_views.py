"""The rating pages: a rater's inbox with progress per round, the phone-first rating form with the
person's self-assessment and record beside it, and the coordinator's paper ballot form."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guazhi.evaluation.models import EvaluationRound, Evaluee, Rating, RatingSource, RoundState
from guazhi.programmes.models import AssignmentState
from tests.evaluation.world import add_evaluee, evaluation_world
from tests.factories import CadreFactory
from tests.pages import as_user, page
from tests.programmes.factories import PostFactory, assign

INBOX = "/evaluation/ratings/"


def form_url(evaluee: Evaluee) -> str:
    return reverse("evaluation:rating_form", kwargs={"evaluee_pk": evaluee.pk})


def posted_scores(round: EvaluationRound, *values: object, comment: str = "") -> dict[str, object]:
    criteria = list(round.criteria.order_by("position"))
    data: dict[str, object] = {
        f"score_{c.pk}": v for c, v in zip(criteria, values, strict=True) if v is not None
    }
    data["comment"] = comment
    return data


def test_the_inbox_lists_the_open_rounds_with_the_people_to_rate(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "host_leader")

    shown = page(client.get(INBOX))

    assert reverse("evaluation:rating_inbox") == INBOX
    assert found.round.name in shown
    assert found.round_b.name not in shown
    assert "已评 0 人，待评 2 人" in shown
    assert shown.count('<span class="badge warn">待评分</span>') == 2
    assert f'href="{form_url(found.evaluee_a)}"' in shown
    assert f'href="{form_url(found.evaluee_leader)}"' in shown
    assert '<td data-label="评价主体">接收单位领导班子</td>' in shown


def test_the_inbox_counts_what_the_rater_has_done(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "host_leader")
    client.post(form_url(found.evaluee_a), posted_scores(found.round, 90, 90, 90, 90, 90))

    shown = page(client.get(INBOX))

    assert "已评 1 人，待评 1 人" in shown
    assert shown.count('<span class="badge ok">已评分</span>') == 1
    assert ">修改评分</a>" in shown


def test_a_group_leader_sees_only_the_members_of_their_group(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "group_leader")

    shown = page(client.get(INBOX))

    assert "已评 0 人，待评 1 人" in shown
    assert f'href="{form_url(found.evaluee_a)}"' in shown
    assert f'href="{form_url(found.evaluee_leader)}"' not in shown  # his own evaluation


def test_a_round_not_open_is_not_in_the_inbox(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world, state=RoundState.CLOSED)
    as_user(client, world, "host_leader")

    shown = page(client.get(INBOX))

    assert found.round.name not in shown
    assert "目前没有需要您评分的考核。" in shown


def test_the_inbox_costs_the_same_queries_for_more_people(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "host_leader")
    client.get(INBOX)
    with CaptureQueriesContext(connection) as few:
        client.get(INBOX)
    for number in range(4):
        cadre = CadreFactory(name=f"新人{number}", home_unit=world.school_a)
        post = PostFactory(batch=found.duty.batch_a, host_unit=world.township_a)
        add_evaluee(
            found.round, assign(post, cadre, AssignmentState.ACTIVE, start_date=found.today)
        )

    with CaptureQueriesContext(connection) as many:
        shown = page(client.get(INBOX))

    assert "已评 0 人，待评 6 人" in shown
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_form_shows_the_criteria_the_self_assessment_and_the_record(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    Evaluee.objects.filter(pk=found.evaluee_a.pk).update(
        self_assessment="一年来走访农户三百余户。\n推动产业项目落地。",
        self_submitted_at=timezone.now(),
    )
    as_user(client, world, "dispatch_admin")

    shown = page(client.get(form_url(found.evaluee_a)))

    assert "为张三评分" in shown
    assert "<dt>评价主体</dt><dd>派出单位</dd>" in shown
    de = found.round.criteria.get(name="德")
    assert f'<label for="id_score_{de.pk}">德（权重 20%）</label>' in shown
    assert "政治品质和道德品行" in shown
    assert (
        f'<input type="number" name="score_{de.pk}" inputmode="numeric" min="0" max="100" '
        f'step="1" class="score" required aria-describedby="id_score_{de.pk}_helptext" '
        f'id="id_score_{de.pk}">'
    ) in shown
    assert f'<p class="hint" id="id_score_{de.pk}_helptext">政治品质和道德品行</p>' in shown
    assert "<p>一年来走访农户三百余户。</p><p>推动产业项目落地。</p>" in shown
    assert 'id="evidence"' in shown and "在岗率" in shown


def test_an_unsubmitted_self_assessment_is_not_shown(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    Evaluee.objects.filter(pk=found.evaluee_a.pk).update(self_assessment="草稿，尚未提交")
    as_user(client, world, "host_leader")

    shown = page(client.get(form_url(found.evaluee_a)))

    assert "草稿，尚未提交" not in shown
    assert "本人尚未提交个人总结。" in shown


def test_a_rater_submits_and_then_changes_a_rating(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "host_leader")

    response = client.post(
        form_url(found.evaluee_a), posted_scores(found.round, 85, 90, 88, 92, 95, comment="扎实")
    )

    assert response.status_code == 302 and response["Location"] == INBOX
    assert "已保存对张三的评分，加权得分 89.70。" in page(client.get(INBOX))
    shown = page(client.get(form_url(found.evaluee_a)))
    de = found.round.criteria.get(name="德")
    assert f'name="score_{de.pk}" value="85"' in shown
    assert '">\n扎实</textarea>' in shown
    assert "保存评分" in shown

    client.post(form_url(found.evaluee_a), posted_scores(found.round, 85, 90, 88, 80, 95))

    assert list(Rating.objects.values_list("total", "comment")) == [(Decimal("86.10"), "")]


def test_a_score_out_of_range_is_shown_on_its_box_and_nothing_is_saved(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "host_leader")

    response = client.post(
        form_url(found.evaluee_a), posted_scores(found.round, 85, 90, None, 120, 95)
    )

    shown = page(response)
    assert response.status_code == 200
    assert "请填写“勤”的得分。" in shown
    assert "“绩”的得分应为 0 到 100 之间的整数。" in shown
    assert not Rating.objects.exists()


def test_after_the_deadline_the_form_is_gone_and_a_post_is_refused(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    EvaluationRound.objects.filter(pk=found.round.pk).update(deadline=yesterday)
    as_user(client, world, "host_leader")

    shown = page(client.get(form_url(found.evaluee_a)))
    assert "的评分已于" in shown and "截止。" in shown
    assert "提交评分" not in shown

    response = client.post(
        form_url(found.evaluee_a), posted_scores(found.round, 90, 90, 90, 90, 90)
    )

    assert response.status_code == 200
    assert "的评分已于" in page(response)
    assert not Rating.objects.exists()


def test_someone_who_does_not_rate_the_person_is_sent_back(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "group_leader")

    # 钱组长 is the group leader's own evaluation.
    response = client.post(
        form_url(found.evaluee_leader), posted_scores(found.round, 90, 90, 90, 90, 90)
    )

    assert response.status_code == 302 and response["Location"] == INBOX
    assert "不能给自己评分。" in page(client.get(INBOX))
    assert not Rating.objects.exists()


def test_the_coordinator_keys_in_paper_ballots_one_after_another(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    url = reverse("evaluation:paper_ballot", kwargs={"evaluee_pk": found.evaluee_a.pk})
    as_user(client, world, "coordinator")

    shown = page(client.get(url))
    assert "录入纸质票：张三" in shown and "已有民主测评票 0 张" in shown

    first = client.post(url, posted_scores(found.round, 90, 90, 90, 90, 90))
    client.post(url, posted_scores(found.round, 80, 80, 80, 80, 80))

    assert first.status_code == 302 and first["Location"] == url
    shown = page(client.get(url))
    assert "已录入一张纸质票。张三现有民主测评票 2 张。" in shown
    assert sorted(Rating.objects.values_list("source", "rater", "total")) == [
        (RatingSource.PAPER, None, Decimal("80.00")),
        (RatingSource.PAPER, None, Decimal("90.00")),
    ]

"""The democratic evaluation pages: the coordinator issues codes and prints the slips, a colleague
rates through the public code form on a phone, wrong codes get one answer and are throttled."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from guazhi.evaluation.models import BallotCode, EvaluationRound, Rating, RatingSource, RoundState
from guazhi.evaluation.services.codes import code_issue, format_code
from guazhi.evaluation.views.codes import GUESS_LIMIT
from tests.evaluation.test_code_services import ONE_MESSAGE
from tests.evaluation.test_rating_views import posted_scores
from tests.evaluation.world import EvaluationWorld, evaluation_world
from tests.pages import as_user, page

ENTRY = "/evaluation/code/"


@pytest.fixture(autouse=True)
def _no_guesses_counted() -> None:
    cache.clear()


def issued(found: EvaluationWorld, world, count: int = 1) -> list[str]:  # type: ignore[no-untyped-def]
    codes = code_issue(
        actor=world.users["coordinator"], round=found.round, count=count, evaluee=found.evaluee_a
    )
    return [code.code for code in codes]


def round_url(name: str, found: EvaluationWorld) -> str:
    return reverse(f"evaluation:{name}", kwargs={"round_pk": found.round.pk})


def test_a_colleague_rates_through_a_code_without_an_account(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issued(found, world)
    assert reverse("evaluation:code_entry") == ENTRY

    first = page(client.get(ENTRY))
    assert 'name="code"' in first and 'class="mainnav"' not in first

    step = page(client.post(ENTRY, {"step": "code", "code": format_code(code).lower()}))
    assert "<dt>测评对象</dt><dd><strong>张三</strong></dd>" in step
    assert "<dt>接收单位</dt><dd>白鹿镇</dd>" in step
    assert "政治品质和道德品行" in step
    assert f'<input type="hidden" name="code" value="{format_code(code).lower()}">' in step

    done = client.post(
        ENTRY,
        {
            "step": "ballot",
            "code": format_code(code).lower(),
            **posted_scores(found.round, 80, 85, 90, 75, 100, comment="希望多下基层"),
        },
    )

    assert done.status_code == 302 and done["Location"] == f"{ENTRY}?done=1"
    assert "您的测评票已提交，感谢参与民主测评。" in page(client.get(done["Location"]))
    rating = Rating.objects.get()
    assert (rating.source, rating.rater, rating.total) == (
        RatingSource.CODE,
        None,
        Decimal("83.50"),
    )
    assert BallotCode.objects.get().used is True
    # Nothing in the session: no account, and nothing kept between the steps but the posted code.
    assert "sessionid" not in client.cookies


def test_a_missing_score_comes_back_on_the_form_and_the_code_stays_unused(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issued(found, world)

    response = client.post(
        ENTRY, {"step": "ballot", "code": code, **posted_scores(found.round, 80, None, 90, 75, 100)}
    )

    shown = page(response)
    assert response.status_code == 200
    assert "请填写“能”的得分。" in shown
    assert f'name="code" value="{code}"' in shown
    assert not Rating.objects.exists()
    assert BallotCode.objects.get().used is False


@pytest.mark.parametrize("kind", ["unknown", "used", "voided", "closed"])
def test_every_unusable_code_gets_the_same_answer(world, client, kind: str) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issued(found, world)
    if kind == "unknown":
        code = "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"
    elif kind == "used":
        client.post(
            ENTRY,
            {"step": "ballot", "code": code, **posted_scores(found.round, 90, 90, 90, 90, 90)},
        )
    elif kind == "voided":
        BallotCode.objects.update(voided=True)
    else:
        EvaluationRound.objects.filter(pk=found.round.pk).update(state=RoundState.CLOSED)

    for step in ("code", "ballot"):
        response = client.post(
            ENTRY, {"step": step, "code": code, **posted_scores(found.round, 60, 60, 60, 60, 60)}
        )
        shown = page(response)
        assert response.status_code == 200
        assert ONE_MESSAGE in shown
        assert "张三" not in shown
    assert Rating.objects.filter(total=Decimal("60.00")).count() == 0


def test_too_many_wrong_codes_lock_the_form_for_a_while(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    [code] = issued(found, world)
    for number in range(GUESS_LIMIT):
        client.post(ENTRY, {"step": "code", "code": f"WRONG{number:03d}"})

    response = client.post(ENTRY, {"step": "code", "code": code})

    assert response.status_code == 429
    assert "错误次数过多，请 15 分钟后再试。" in page(response)
    # Another address is not held back.
    other = client.post(ENTRY, {"step": "code", "code": code}, REMOTE_ADDR="10.0.0.9")
    assert "张三" in page(other)


def test_the_coordinator_issues_codes_and_prints_the_unused_ones(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    as_user(client, world, "coordinator")

    response = client.post(
        round_url("code_issue", found), {"evaluee": str(found.evaluee_a.pk), "count": "3"}
    )

    sheet_url = f"{round_url('code_sheet', found)}?evaluee={found.evaluee_a.pk}"
    assert response.status_code == 302 and response["Location"] == sheet_url
    codes = list(BallotCode.objects.values_list("code", flat=True))
    sheet = page(client.get(sheet_url))
    assert "已发放 3 个测评码。" in sheet
    assert sheet.count('<article class="slip">') == 3
    assert all(f'<p class="slip-code">{format_code(code)}</p>' in sheet for code in codes)
    assert "http://testserver/evaluation/code/" in sheet
    assert "测评对象：<strong>张三</strong>（白鹿镇）" in sheet

    client.logout()
    client.post(
        ENTRY, {"step": "ballot", "code": codes[0], **posted_scores(found.round, *[90] * 5)}
    )
    as_user(client, world, "coordinator")
    sheet = page(client.get(sheet_url))

    assert sheet.count('<article class="slip">') == 2
    assert format_code(codes[0]) not in sheet


def test_the_round_page_counts_codes_and_ballots_per_person(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    codes = issued(found, world, count=3)
    client.post(
        ENTRY, {"step": "ballot", "code": codes[0], **posted_scores(found.round, *[90] * 5)}
    )
    as_user(client, world, "coordinator")
    client.post(round_url("code_void", found), {"code": format_code(codes[1])})

    shown = page(client.get(round_url("democratic_round", found)))

    row = re.search(r"<tr>\s*<td data-label=\"姓名\">张三</td>.*?</tr>", shown, re.S)
    assert row is not None
    cells = re.findall(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', row.group(0), re.S)
    assert [(label, re.sub(r"<[^>]+>", "", text).strip()) for label, text in cells][:7] == [
        ("姓名", "张三"),
        ("接收单位", "白鹿镇"),
        ("未使用", "1"),
        ("已使用", "1"),
        ("已作废", "1"),
        ("有效票数", "1"),
        ("平均得分", "测评进行中，截止后显示"),
    ]


def test_the_coordinator_voids_every_unused_code_of_the_round(world, client) -> None:  # type: ignore[no-untyped-def]
    found = evaluation_world(world)
    issued(found, world, count=4)
    as_user(client, world, "coordinator")

    response = client.post(round_url("code_void", found), {"evaluee": "all"})

    assert response.status_code == 302
    assert "已作废 4 个未使用的测评码。" in page(client.get(response["Location"]))
    assert BallotCode.objects.filter(voided=False).count() == 0

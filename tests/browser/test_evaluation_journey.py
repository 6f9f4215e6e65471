"""The evaluation journey in a real browser (issue 6 §8): an annual round from the democratic
codes to the person's signed opinion, driven through the pages the way the people concerned use
them — the coordinator and the host leader at a desk, host colleagues and the cadre on a phone.

The coordinator issues two democratic codes for 张三 in an open round and opens the printable
sheet; two host colleagues rate 张三 on a phone through the codes, without an account, and the
first code is refused when typed again; the host leader rates 张三 from 考核评分; the
coordinator closes the round, reads the computed results, records the committee's decision and
publishes; 张三 reads his result on a phone (我的考核) and signs his opinion.

The round (tests/evaluation/world.py, opened, its democratic minimum lowered to 2) and the
ratings of the dispatching unit and the group leader are made through the world and the rating
service: setting a round up and those raters' forms have their own tests.

The expected figures, by hand (criteria 德能勤绩廉 weigh 20/20/20/30/10; rater roles 40/30/20/10):
  host leader    85 88 90 86 92 → (1700+1760+1800+2580+920)/100 = 87.60
  ballot 1       88 86 84 82 80 → 84.20;  ballot 2  78 80 82 84 86 → 81.80;  average 83.00
  dispatch       80 82 84 86 88 → 83.80
  group leader   90 85 80 85 90 → 85.50
  score = 87.60×0.4 + 83.00×0.3 + 83.80×0.2 + 85.50×0.1 = 85.25 → 称职 (90 for 优秀, 70 称职)
钱组长 (institution scheme) is rated by the dispatching unit only: 77.60 → 合格, rank 2, with the
other roles missing. Both stay under 90, so the quota (20 % of 2 people: none) is not in play.
"""

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from guazhi.evaluation.models import (
    BallotCode,
    CommitteeDecision,
    Evaluee,
    RaterRole,
    Rating,
    RoundState,
)
from guazhi.evaluation.services.ratings import rating_submit, round_criteria
from tests.browser.conftest import SCREENSHOTS, assert_fits_phone, log_in
from tests.evaluation.world import evaluation_world

CRITERIA = ("德", "能", "勤", "绩", "廉")
WEIGHTS = (20, 20, 20, 30, 10)
HOST_SCORES = (85, 88, 90, 86, 92)
BALLOTS = ((88, 86, 84, 82, 80), (78, 80, 82, 84, 86))
DISPATCH_SCORES = (80, 82, 84, 86, 88)
GROUP_LEADER_SCORES = (90, 85, 80, 85, 90)
LEADER_DISPATCH_SCORES = (75, 78, 80, 76, 82)
CLOSE_REASON = "各评价主体均已评分，考核委员会定于本周召开会议。"
MEMBERS = "王科长、赵书记、李老师"
MINUTES = "会议审议了各挂职干部的年度考核结果，同意按建议等次确定。"
OPINION = "对考核结果没有异议，今后继续努力。"
REFUSED = "测评码无效、已使用或已作废，或本轮测评已结束。请核对后重新输入，如有疑问请联系组织部门。"


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """Assertions wait up to 10 s, as actions do (conftest): the machine is shared."""
    expect.set_options(timeout=10_000)
    yield
    expect.set_options(timeout=None)  # back to Playwright's default for the other journeys


# --- what every step does ----------------------------------------------------------------------


def _message(page: Page, text: str) -> None:
    expect(page.locator("#messages")).to_have_text(text)


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="退出", exact=True).click()
    _heading(page, "登录")


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _fill_scores(page: Page, scores: tuple[int, ...]) -> None:
    """One box per criterion, found by its label as a rater reads it: 德（权重 20%）…"""
    for name, weight, score in zip(CRITERIA, WEIGHTS, scores, strict=True):
        page.get_by_label(f"{name}（权重 {weight}%）", exact=True).fill(str(score))


def _rate_by_service(user, evaluee: Evaluee, scores: tuple[int, ...]) -> None:  # type: ignore[no-untyped-def]
    criteria = round_criteria(evaluee.round)
    rating_submit(
        actor=user,
        evaluee=evaluee,
        scores={criterion.pk: score for criterion, score in zip(criteria, scores, strict=True)},
    )


def _vote(phone: Page, code: str, scores: tuple[int, ...], total: str) -> None:
    """A host colleague types the slip's code on a phone and rates 张三 (no account)."""
    phone.get_by_label("测评码", exact=True).fill(code)
    phone.get_by_role("button", name="下一步", exact=True).click()
    _heading(phone, "民主测评")
    expect(phone.locator("dl.details")).to_contain_text("张三")
    expect(phone.locator("dl.details")).to_contain_text("白鹿镇")
    _fill_scores(phone, scores)
    expect(phone.locator("[data-total-value]")).to_have_text(total)  # counted while typing
    assert_fits_phone(phone)
    phone.get_by_role("button", name="提交测评票", exact=True).click()
    _heading(phone, "提交成功")
    expect(phone.get_by_role("status")).to_have_text("您的测评票已提交，感谢参与民主测评。")


# --- the journey -------------------------------------------------------------------------------


def test_codes_ratings_decision_publication_and_the_persons_signature(  # type: ignore[no-untyped-def]
    page, phone, world
) -> None:
    found = evaluation_world(world)
    round = found.round
    round.democratic_minimum = 2
    round.save(update_fields=["democratic_minimum"])
    zhang, leader = found.evaluee_a, found.evaluee_leader
    _rate_by_service(world.users["dispatch_admin"], zhang, DISPATCH_SCORES)
    _rate_by_service(world.users["group_leader"], zhang, GROUP_LEADER_SCORES)
    _rate_by_service(world.users["dispatch_admin"], leader, LEADER_DISPATCH_SCORES)
    batch_name = round.batch.name

    # 1. The coordinator issues two codes for 张三 and opens the sheet of slips to print.
    log_in(page, "coordinator")
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="挂职批次", exact=True
    ).click()
    page.get_by_role("link", name=batch_name, exact=True).click()
    page.get_by_role("navigation", name="批次栏目").get_by_role(
        "link", name="考核评价", exact=True
    ).click()
    _heading(page, "考核评价")
    page.get_by_role("link", name=round.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(round.name)
    expect(page.get_by_role("heading", level=1)).to_contain_text("评分中")
    page.get_by_role("link", name="民主测评", exact=True).click()
    _heading(page, "民主测评 评分中")
    issue = page.locator("#issue")
    issue.get_by_label("考核对象", exact=True).select_option(label="张三（白鹿镇）")
    issue.get_by_label("每人发放数量", exact=True).fill("2")
    issue.get_by_role("button", name="发放并打印", exact=True).click()
    _message(page, "已发放 2 个测评码。")
    _heading(page, "民主测评票：张三")
    slips = page.locator("article.slip")
    expect(slips).to_have_count(2)
    expect(slips.first).to_contain_text("测评对象：张三（白鹿镇）")
    expect(slips.first).to_contain_text("/evaluation/code/")
    codes = page.locator(".slip-code").all_inner_texts()
    assert len(codes) == 2 and all(len(code) == 9 and code[4] == "-" for code in codes), codes
    _shot(page, "desktop-evaluation-code-sheet")
    # Printed, only the slips remain: the page's buttons and menus stay off the paper.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印", exact=True)).to_be_hidden()
    expect(slips.nth(1)).to_be_visible()
    page.emulate_media(media="screen")

    # 2. Two host colleagues rate 张三 on a phone through the codes, without logging in; the
    # first code, typed again (in small letters, without the hyphen), is refused.
    phone.goto("/evaluation/code/")
    _heading(phone, "民主测评")
    expect(phone.get_by_role("navigation", name="主导航")).to_have_count(0)
    assert_fits_phone(phone)
    _vote(phone, codes[0], BALLOTS[0], "84.20")
    _shot(phone, "phone-evaluation-ballot-done")
    phone.get_by_role("link", name="还有其他测评票？输入下一个测评码", exact=True).click()
    _heading(phone, "民主测评")
    _vote(phone, codes[1], BALLOTS[1], "81.80")
    phone.goto("/evaluation/code/")
    phone.get_by_label("测评码", exact=True).fill(codes[0].replace("-", "").lower())
    phone.get_by_role("button", name="下一步", exact=True).click()
    expect(phone.get_by_text(REFUSED, exact=True)).to_be_visible()
    expect(phone.get_by_role("button", name="提交测评票")).to_have_count(0)
    _shot(phone, "phone-evaluation-code-refused")
    assert_fits_phone(phone)

    # The coordinator's page counts the codes used; no average shows while rating goes on.
    page.get_by_role("link", name="返回民主测评", exact=True).click()
    row = page.locator("#people tbody tr").filter(has_text="张三")
    expect(row.locator("td").nth(2)).to_have_text("0")  # unused
    expect(row.locator("td").nth(3)).to_have_text("2")  # used
    expect(row.locator("td").nth(5)).to_have_text("2")  # ballots
    expect(page.locator("#results")).to_have_count(0)
    _log_out(page)

    # 3. The host leader rates 张三 from 考核评分.
    log_in(page, "host")
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="考核评分", exact=True
    ).click()
    _heading(page, "考核评分")
    inbox = page.locator(f"#round-{round.pk}")
    expect(inbox.locator(".progress-line strong")).to_have_text("已评 0 人，待评 2 人")
    mine = inbox.get_by_role("row").filter(has=page.get_by_role("cell", name="张三", exact=True))
    expect(mine.locator("td").nth(3)).to_have_text("接收单位领导班子")
    mine.get_by_role("link", name="评分", exact=True).click()
    _heading(page, "为张三评分")
    _fill_scores(page, HOST_SCORES)
    expect(page.locator("[data-total-value]")).to_have_text("87.60")
    page.get_by_role("button", name="提交评分", exact=True).click()
    _message(page, "已保存对张三的评分，加权得分 87.60。")
    _heading(page, "考核评分")
    expect(inbox.locator(".progress-line strong")).to_have_text("已评 1 人，待评 1 人")
    expect(mine.locator("td").nth(4)).to_have_text("已评分")
    _log_out(page)

    # 4. The coordinator closes the round (early, so with a reason) and reads the results.
    log_in(page, "coordinator")
    page.goto(f"/evaluation/rounds/{round.pk}/")
    moves = page.locator("#moves")
    moves.get_by_label("理由", exact=True).fill(CLOSE_REASON)
    moves.get_by_role("button", name="截止评分", exact=True).click()
    _message(page, "评分已截止，考核结果已计算。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已截止")
    page.get_by_role("link", name="考核结果", exact=True).first.click()
    _heading(page, "考核结果 已截止")
    results = page.locator("#results tbody tr")
    expect(results).to_have_count(2)
    first = results.nth(0)
    expect(first.locator("td").nth(0)).to_have_text("1")
    expect(first.locator("td").nth(1)).to_contain_text("张三")
    expect(first.locator("td").nth(2)).to_have_text("87.60")
    expect(first.locator("td").nth(3)).to_contain_text("83.00")
    expect(first.locator("td").nth(3).locator(".muted")).to_have_text("2 票")
    expect(first.locator("td").nth(4)).to_have_text("83.80")
    expect(first.locator("td").nth(5)).to_have_text("85.50")
    expect(first.locator("td").nth(6)).to_have_text("85.25")
    expect(first.locator("td").nth(7)).to_have_text("称职")
    expect(first.locator("td").nth(8)).to_contain_text("按建议等次")
    second = results.nth(1)
    expect(second.locator("td").nth(0)).to_have_text("2")
    expect(second.locator("td").nth(1)).to_contain_text("钱组长")
    expect(second.locator("td").nth(1)).to_contain_text("评价主体不全")
    expect(second.locator("td").nth(6)).to_have_text("77.60")
    expect(second.locator("td").nth(7)).to_have_text("合格")
    _shot(page, "desktop-evaluation-results-closed")

    # The committee's decision, recorded; then the results published.
    decide = page.locator("#decide")
    # The decision is dated today unless changed: the box shows it (an <input type="date">
    # takes 2026-11-24 only, so the form renders it so).
    expect(decide.get_by_label("决定日期", exact=True)).to_have_value(
        timezone.localdate().isoformat()
    )
    expect(decide.get_by_label("决定机构", exact=True)).to_have_value("考核委员会")
    decide.get_by_label("参加人员", exact=True).fill(MEMBERS)
    decide.get_by_label("会议记录", exact=True).fill(MINUTES)
    decide.get_by_role("button", name="登记决定", exact=True).click()
    _message(page, "考核委员会决定已登记，等次已确定。")
    _heading(page, "考核结果 已决定")
    expect(page.locator("#decision")).to_contain_text(MEMBERS)
    expect(first.locator("td").nth(8)).to_have_text("称职")
    page.once("dialog", lambda dialog: dialog.accept())  # 公布后考核对象即可查看本人结果…
    page.get_by_role("button", name="公布结果", exact=True).click()
    _message(page, "考核结果已公布，考核对象会收到通知；优秀（好）等次进入公示。")
    _heading(page, "考核结果 已公布")
    expect(first.locator("td").nth(9)).to_have_text("未签署")
    _shot(page, "desktop-evaluation-results-published")

    # 5. 张三, on a phone, reads his result in 我的考核 and signs his opinion.
    log_in(phone, "cadre")
    phone.get_by_text("菜单", exact=True).click()
    phone.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="我的考核", exact=True
    ).click()
    _heading(phone, "我的考核")
    card = phone.locator("section.card").filter(has_text=round.name)
    expect(card.get_by_role("heading")).to_have_text(f"{round.name} 已公布")
    assert_fits_phone(phone)
    card.get_by_role("link", name="查看考核结果", exact=True).click()
    _heading(phone, f"{round.name}结果")
    figures = phone.locator("#result .figure")
    expect(figures).to_have_count(2)  # his own page shows no rank
    expect(figures.nth(0)).to_have_text("85.25综合得分")
    expect(figures.nth(1)).to_have_text("称职考核等次")
    # Not each rater role's score: one role is often one named rater (his group leader).
    expect(phone.locator("#result tbody tr td.num")).to_have_count(0)
    signing = phone.locator("#acknowledgement")
    signing.get_by_label("同意", exact=True).check()
    signing.get_by_label("说明", exact=True).fill(OPINION)
    assert_fits_phone(phone)
    phone.once("dialog", lambda dialog: dialog.accept())  # 本人意见签署后不能修改…
    signing.get_by_role("button", name="签署", exact=True).click()
    _message(phone, "本人意见已签署。")
    expect(signing.locator(".badge")).to_have_text("同意")
    expect(signing).to_contain_text(OPINION)
    expect(signing.get_by_role("button", name="签署")).to_have_count(0)
    _shot(phone, "phone-evaluation-signed")
    assert_fits_phone(phone)

    # The coordinator's table shows the signature.
    page.reload()
    expect(first.locator("td").nth(9)).to_have_text(f"同意 {OPINION}")

    # What the pages said is what was recorded.
    round.refresh_from_db()
    assert round.state == RoundState.PUBLISHED
    zhang.refresh_from_db()
    assert (
        zhang.score,
        zhang.rank,
        zhang.proposed_grade,
        zhang.grade,
        zhang.acknowledgement_agrees,
        zhang.acknowledgement,
    ) == (Decimal("85.25"), 1, "称职", "称职", True, OPINION)
    assert zhang.role_scores == {
        RaterRole.HOST_LEADERSHIP: "87.60",
        RaterRole.DEMOCRATIC: "83.00",
        RaterRole.DISPATCH: "83.80",
        RaterRole.GROUP_LEADER: "85.50",
    }
    ballots = Rating.objects.filter(evaluee=zhang, rater_role=RaterRole.DEMOCRATIC)
    assert sorted(ballots.values_list("total", flat=True)) == [Decimal("81.80"), Decimal("84.20")]
    assert set(ballots.values_list("rater", flat=True)) == {None}
    assert sorted(
        BallotCode.objects.filter(evaluee=zhang).values_list("code", "used", "voided")
    ) == [(code.replace("-", ""), True, False) for code in sorted(codes)]
    assert list(
        Rating.objects.filter(evaluee=zhang, rater__username="host").values_list(
            "rater_role", "total"
        )
    ) == [(RaterRole.HOST_LEADERSHIP, Decimal("87.60"))]
    decision = CommitteeDecision.objects.get(round=round)
    assert (decision.body, decision.members, decision.minutes) == (
        "考核委员会",
        MEMBERS,
        MINUTES,
    )

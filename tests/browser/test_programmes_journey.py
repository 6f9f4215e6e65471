"""The programme journey in a real browser: from the notice to a cadre reporting for duty.

One batch, as the people who run it would see it: the coordinator publishes the notice, a
cadre applies on a phone, a dispatch admin recommends a colleague who confirms by applying, the
coordinator matches, vets, publicises, approves, trains and records who reported for duty.
"""

import datetime as dt
import re
from typing import cast

from django.utils import timezone
from playwright.sync_api import Page, expect

from guazhi.core import jobs
from guazhi.orgs.models import CadreProfile, Organisation, User
from guazhi.programmes.models import (
    Application,
    Assignment,
    AssignmentState,
    Batch,
    BatchState,
    MatchingRun,
    Publicity,
    Recommendation,
    RunState,
    SelectionStep,
    TrainingAttendance,
)
from tests.browser.conftest import SCREENSHOTS, assert_fits_phone, log_in
from tests.factories import CadreFactory, UnitFactory, UserFactory, grant
from tests.programmes.factories import BatchFactory, PostFactory

BATCH = "2027年江州学院干部到浔阳区挂职"
NOTICE = "关于选派江州学院干部到浔阳区挂职的通知"
TOWNSHIP_POST = "白鹿镇 · 党委副书记（招商引资）"
SCHOOL_POST = "浔阳区委党校 · 副校长（党史教育）"
# The task backend that never runs what it is given: the run waits in its queue, as it does
# until a worker picks it up, so the run page shows its progress bar first.
HELD_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _day(value: dt.date) -> str:
    return value.isoformat()


def _message(page: Page, text: str) -> None:
    expect(page.locator("#messages")).to_have_text(text)


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")


def _open_batch(page: Page) -> None:
    """From any page, the way a member of staff gets there: the menu, then the batch list."""
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="挂职批次", exact=True
    ).click()
    page.get_by_role("link", name=BATCH, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BATCH)


def _tab(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="批次栏目").get_by_role(
        "link", name=label, exact=True
    ).click()


def _move_batch(page: Page, button: str, reason: str, state: str) -> None:
    _tab(page, "概况")
    page.get_by_label("原因").fill(reason)
    page.get_by_role("button", name=button, exact=True).click()
    _message(page, f"批次已转为“{state}”。")
    expect(
        page.get_by_role("navigation", name="批次", exact=True).get_by_text(state, exact=True)
    ).to_be_visible()


def _user(username: str, full_name: str) -> User:
    return cast(User, UserFactory(username=username, full_name=full_name))


def _row(page: Page, *cells: str):  # type: ignore[no-untyped-def]
    row = page.get_by_role("row")
    for cell in cells:
        row = row.filter(has=page.get_by_role("cell", name=cell, exact=True))
    return row


def test_a_batch_goes_from_its_notice_to_a_cadre_on_duty(  # type: ignore[no-untyped-def]
    page, phone, live_server, world, settings
) -> None:
    today = timezone.localdate()
    term_start = today + dt.timedelta(days=60)
    # A city-level unit (region code 360400 names no county): avoidance leaves district A's
    # hosts open to its cadres, where a unit inside 浔阳区 could not be sent there.
    college = cast(
        Organisation,
        UnitFactory(
            name="江州学院",
            kind="university",
            level="city",
            parent=world.city,
            region_code="360400",
        ),
    )
    batch = cast(
        Batch,
        BatchFactory(
            name=BATCH,
            coordinating_org=world.district_a,
            dispatching=[college],
            term_start=term_start,
            term_end=term_start + dt.timedelta(days=364),
        ),
    )
    PostFactory(
        batch=batch,
        host_unit=world.township_a,
        title="党委副书记",
        portfolio="招商引资",
        duties="协助做好招商引资和产业发展工作",
        preferred_tags=["招商引资"],
    )
    PostFactory(
        batch=batch,
        host_unit=world.school_a,
        title="副校长",
        portfolio="党史教育",
        duties="协助做好干部教育培训和党史教育工作",
        preferred_tags=["党史教育"],
    )
    wang = cast(
        CadreProfile,
        CadreFactory(
            name="王芳",
            gender="女",
            home_unit=college,
            position="讲师",
            expertise=["招商引资"],
            user=grant(_user("wangfang", "王芳"), "cadre", college),
        ),
    )
    liu = cast(
        CadreProfile,
        CadreFactory(
            name="刘洋",
            home_unit=college,
            position="副教授",
            expertise=["党史教育"],
            user=grant(_user("liuyang", "刘洋"), "cadre", college),
        ),
    )
    grant(_user("college", "江州学院组织部孙老师"), "dispatch_admin", college)

    # The coordinator writes the notice and publishes it.
    log_in(page, "coordinator")
    _open_batch(page)
    _tab(page, "报名与推荐")
    page.get_by_role("link", name="编写通知", exact=True).click()
    page.get_by_label("通知标题").fill(NOTICE)
    page.get_by_label("通知正文").fill("请江州学院符合条件的干部自愿报名，按意愿填报岗位。")
    deadline = today + dt.timedelta(days=14)
    page.get_by_label("报名截止时间").fill(f"{_day(deadline)}T17:30")
    page.get_by_role("button", name="保存", exact=True).click()
    _message(page, "选派通知已保存，尚未发布。")
    expect(page.get_by_role("heading", level=1)).to_have_text("选派通知 未发布")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发布通知", exact=True).click()
    _message(page, "选派通知已发布，派出单位的干部可以报名了。")
    expect(page.get_by_role("heading", level=1)).to_have_text("选派通知 已发布")
    expect(page.get_by_role("button", name="发布通知")).to_have_count(0)
    _log_out(page)

    # 王芳 applies on her phone, ranking two posts.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(phone, "wangfang")
    phone.get_by_text("菜单", exact=True).click()
    phone.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="选派报名", exact=True
    ).click()
    card = phone.get_by_role("article").filter(has=phone.get_by_role("heading", name=NOTICE))
    expect(card).to_contain_text("未报名")
    phone.screenshot(path=str(SCREENSHOTS / "phone-call-list.png"), full_page=True)
    card.get_by_role("link", name="查看通知并报名", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(NOTICE)
    expect(phone.get_by_role("status").filter(has_text="报名条件")).to_have_text(
        "您符合本批次报名条件。"
    )
    phone.get_by_label("第1志愿").select_option(label=TOWNSHIP_POST)
    phone.get_by_label("第2志愿").select_option(label=SCHOOL_POST)
    phone.get_by_label("个人陈述").fill("长期从事校地合作和招商引资研究，愿意到乡镇一线锻炼。")
    phone.screenshot(path=str(SCREENSHOTS / "phone-application-form.png"), full_page=True)
    phone.get_by_role("button", name="提交报名", exact=True).click()
    _message(phone, "报名已提交。")
    mine = phone.get_by_role("region", name="我的报名")
    expect(mine.get_by_role("heading", level=2)).to_have_text("我的报名 已报名")
    expect(mine.get_by_role("listitem")).to_have_text(
        ["白鹿镇 · 党委副书记", "浔阳区委党校 · 副校长"]
    )
    phone.screenshot(path=str(SCREENSHOTS / "phone-application-submitted.png"), full_page=True)
    assert_fits_phone(phone)

    # The college's dispatch admin recommends 刘洋, who has not applied.
    log_in(page, "college")
    _open_batch(page)
    _tab(page, "报名与推荐")
    page.get_by_role("link", name="推荐干部", exact=True).click()
    page.get_by_role("combobox", name="推荐干部").select_option(label="刘洋（江州学院 · 副教授）")
    page.get_by_label("推荐意见").fill("党史教育教学经验丰富，推荐到党校挂职。")
    page.get_by_role("button", name="提交推荐", exact=True).click()
    _message(page, "已推荐刘洋，待本人确认报名后进入人岗匹配。")
    expect(page.get_by_role("heading", name="已报名（1人）")).to_be_visible()
    expect(page.get_by_role("heading", name="已推荐、未报名（1人）")).to_be_visible()
    expect(_row(page, "刘洋", "江州学院")).to_contain_text("待本人确认")
    _log_out(page)

    # 刘洋 confirms the recommendation by applying.
    log_in(page, "liuyang")
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="选派报名", exact=True
    ).click()
    pending = page.get_by_role("article").filter(has_text="江州学院推荐您参加本批次挂职。")
    expect(pending).to_contain_text("党史教育教学经验丰富，推荐到党校挂职。")
    pending.get_by_role("link", name="确认并报名", exact=True).click()
    page.get_by_label("第1志愿").select_option(label=TOWNSHIP_POST)
    page.get_by_label("第2志愿").select_option(label=SCHOOL_POST)
    page.get_by_role("button", name="确认推荐并报名", exact=True).click()
    _message(page, "已确认推荐并报名。")
    expect(page.get_by_text("已报名，视为确认推荐", exact=True)).to_be_visible()
    _log_out(page)

    # The coordinator sees both applications and ends recruiting.
    log_in(page, "coordinator")
    _open_batch(page)
    _tab(page, "报名与推荐")
    expect(page.get_by_role("heading", name="已报名（2人）")).to_be_visible()
    expect(_row(page, "王芳").get_by_text("符合", exact=True)).to_be_visible()
    expect(_row(page, "王芳").get_by_role("listitem")).to_have_text(
        ["白鹿镇 · 党委副书记", "浔阳区委党校 · 副校长"]
    )
    expect(_row(page, "刘洋")).to_contain_text("江州学院推荐")
    _move_batch(page, "结束报名，进入匹配", "报名已满两周，进入人岗匹配。", "匹配中")

    # Matching: the run waits for a worker with its progress bar, then shows its result.
    _tab(page, "人岗匹配")
    page.get_by_role("link", name="发起匹配", exact=True).click()
    expect(page.get_by_label("总分最优")).to_be_checked()
    page.get_by_label("随机种子").fill("2027")
    tasks_as_configured = settings.TASKS
    settings.TASKS = HELD_TASKS
    page.get_by_role("button", name="开始匹配", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("第1号匹配方案")
    bar = page.get_by_role("progressbar", name="进度")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("value", "0")
    expect(page.get_by_text("状态：排队中")).to_be_visible()
    run = MatchingRun.objects.get(batch=batch)
    assert run.state == RunState.QUEUED
    jobs.job_run(str(run.job_id))  # what the task worker does
    settings.TASKS = tasks_as_configured
    expect(bar).to_have_count(0, timeout=15_000)  # the page polls every second
    expect(page.get_by_text("参加匹配人数")).to_be_visible()
    expect(_row(page, "白鹿镇", "党委副书记")).to_contain_text("1/1")
    expect(_row(page, "白鹿镇", "党委副书记")).to_contain_text("王芳")
    expect(_row(page, "浔阳区委党校", "副校长")).to_contain_text("刘洋")
    expect(page.get_by_role("heading", name="未安排人员（0 人）")).to_be_visible()

    # Why 刘洋 got his second choice.
    page.get_by_role("link", name="刘洋", exact=True).first.click()
    explanation = page.locator("section").filter(
        has=page.get_by_role("heading", name="刘洋 的匹配说明")
    )
    expect(explanation).to_contain_text(
        re.compile(r"安排到第2志愿岗位“浔阳区委党校 副校长”，综合得分 [\d.]+。")
    )
    expect(explanation).to_contain_text(
        re.compile(
            r"第1志愿“白鹿镇 党委副书记”：名额已满，由王芳（[\d.]+分）获得，"
            r"录取最低分 [\d.]+，本人在该岗位得分 [\d.]+。"
        )
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="采纳本方案", exact=True).click()
    _message(page, "已采纳第1号匹配方案，拟任 2 人。")
    expect(page.get_by_role("heading", level=1)).to_have_text("第1号匹配方案 已采纳")

    # Vetting and the decision, dated in the past; publicity waits for the batch's state.
    vetted_on = today - dt.timedelta(days=40)
    decided_on = today - dt.timedelta(days=38)
    publicised_on = today - dt.timedelta(days=35)
    _tab(page, "考察与公示")
    expect(page.get_by_role("heading", name="拟任人选（2 人）")).to_be_visible()
    vetting = page.locator("#step-vetting")
    vetting.get_by_label("日期").fill(_day(vetted_on))
    vetting.get_by_label("说明").fill("考察组到江州学院个别谈话、查阅档案。")
    vetting.get_by_role("button", name="记录", exact=True).click()
    _message(page, "已记录“组织考察”。")
    expect(page.locator("#step-vetting").get_by_role("heading")).to_have_text("组织考察 已记录")
    decision = page.locator("#step-decision")
    decision.get_by_label("日期").fill(_day(decided_on))
    decision.get_by_label("说明").fill("区委常委会研究同意。")
    decision.get_by_role("button", name="记录", exact=True).click()
    _message(page, "已记录“党委（党组）研究决定”。")
    expect(page.locator("#step-decision").get_by_role("heading")).to_have_text(
        "党委（党组）研究决定 已记录"
    )
    expect(page.get_by_text("只有“公示中”的批次可以开始公示")).to_be_visible()
    _move_batch(page, "进入公示", "考察和研究决定已完成。", "公示中")

    # The publicity started five weeks ago has ended; nobody objected; it is approved.
    _tab(page, "考察与公示")
    page.get_by_label("公示开始日期").fill(_day(publicised_on))
    page.get_by_label("异议反映方式").fill("浔阳区委组织部干部科，电话 0792-8000000。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="开始公示", exact=True).click()
    _message(page, "已开始公示，公示期5个工作日。")
    expect(page.get_by_role("heading", level=1)).to_have_text("公示")
    expect(page.get_by_text("公示期满，待审批", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="公示名单（2 人）")).to_be_visible()
    expect(page.get_by_text("公示期间未收到异议。", exact=True)).to_be_visible()
    page.get_by_label("审批意见").fill("公示期满无异议，同意。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="审批通过", exact=True).click()
    _message(page, "公示结果已审批，拟任人选已转为“已批准”。")
    expect(page.get_by_text("已审批", exact=True)).to_be_visible()
    expect(_row(page, "王芳")).to_contain_text("已批准")
    expect(_row(page, "刘洋")).to_contain_text("已批准")

    # Training: a session, and who attended it.
    _move_batch(page, "进入岗前培训", "公示结果已审批。", "岗前培训")
    _tab(page, "岗前培训")
    page.get_by_role("link", name="安排培训", exact=True).click()
    training_day = _day(today + dt.timedelta(days=7))
    page.get_by_label("培训主题").fill("浔阳区情与基层治理")
    page.get_by_label("开始时间").fill(f"{training_day}T09:00")
    page.get_by_label("结束时间").fill(f"{training_day}T17:00")
    page.get_by_label("地点").fill("浔阳区委党校报告厅")
    page.get_by_role("button", name="保存", exact=True).click()
    _message(page, "已安排培训“浔阳区情与基层治理”。")
    expect(page.get_by_role("heading", level=1)).to_have_text("浔阳区情与基层治理")
    page.get_by_label("王芳的出勤情况").select_option(label="出席")
    page.get_by_label("刘洋的出勤情况").select_option(label="请假")
    page.get_by_label("刘洋的备注").fill("学院期末考试监考")
    page.get_by_role("button", name="保存签到", exact=True).click()
    _message(page, "签到已保存：出席1人，请假1人，缺席0人。")
    expect(page.get_by_label("王芳的出勤情况")).to_have_value("present")
    expect(page.get_by_label("刘洋的备注")).to_have_value("学院期末考试监考")

    # 王芳 reports for duty on the first day of the term.
    _tab(page, "挂职人员")
    expect(_row(page, "王芳")).to_contain_text("已批准")
    page.get_by_role("link", name="王芳", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("王芳 已批准")
    expect(_row(page, "浔阳区情与基层治理")).to_contain_text("出席")
    page.get_by_role("link", name="登记报到", exact=True).click()
    page.get_by_label("到岗日期").fill(_day(term_start))
    page.get_by_role("button", name="确认报到", exact=True).click()
    _message(page, "已登记王芳报到。")
    expect(page.get_by_role("heading", level=1)).to_have_text("王芳 在岗")
    _tab(page, "挂职人员")
    expect(_row(page, "王芳")).to_contain_text("在岗")
    expect(_row(page, "刘洋")).to_contain_text("已批准")

    # What the pages said is what the database holds.
    batch = Batch.objects.get(pk=batch.pk)
    assert batch.state == BatchState.TRAINING
    assignments = {
        a.cadre_id: a for a in Assignment.objects.filter(batch=batch).select_related("post")
    }
    assert set(assignments) == {wang.pk, liu.pk}
    on_duty = assignments[wang.pk]
    assert (on_duty.state, on_duty.post.title, on_duty.host_unit) == (
        AssignmentState.ACTIVE,
        "党委副书记",
        world.township_a,
    )
    assert on_duty.start_date == term_start
    assert on_duty.run_id == run.pk
    waiting = assignments[liu.pk]
    assert (waiting.state, waiting.post.title, waiting.host_unit, waiting.start_date) == (
        AssignmentState.APPROVED,
        "副校长",
        world.school_a,
        None,
    )
    confirmed = Application.objects.get(batch=batch, cadre=liu)
    assert confirmed.confirms_recommendation is True
    assert Recommendation.objects.get(batch=batch, cadre=liu).declined_at is None
    assert list(
        Application.objects.get(batch=batch, cadre=wang)
        .choices.order_by("rank")
        .values_list("post__title", flat=True)
    ) == ["党委副书记", "副校长"]
    run.refresh_from_db()
    assert run.state == RunState.DONE
    assert run.adopted_at is not None
    assert dict(SelectionStep.objects.filter(batch=batch).values_list("kind", "held_on")) == {
        "vetting": vetted_on,
        "decision": decided_on,
    }
    publicity = Publicity.objects.get(batch=batch)
    assert publicity.starts_on == publicised_on
    assert publicity.ends_on < today
    assert publicity.approved_by == world.users["coordinator"]
    assert publicity.approval_note == "公示期满无异议，同意。"
    assert dict(
        TrainingAttendance.objects.filter(session__batch=batch).values_list(
            "assignment__cadre__name", "status"
        )
    ) == {"王芳": "present", "刘洋": "excused"}

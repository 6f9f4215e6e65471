"""On-duty journeys in a real browser: leave and return, a work log with a photo, a returned
report and a spot inspection, each driven through the pages the way the people concerned use
them: the cadre on a phone, the staff at a desk.

The server's clock is set to a known week (see `clock`): leave is asked from today on and is
reported back on the day of return, so the leave journey has to live through several days; a
fixed week also keeps the work calendar's weekends and holidays out of the day counts.
"""

import datetime as dt
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import FilePayload, Locator, Page, expect

from guazhi.core.attachments import attachments_of
from guazhi.duty.models import (
    CheckResult,
    Inspection,
    InspectionCheck,
    InspectionState,
    LeaveDecision,
    LeaveLedgerEntry,
    LeaveRequest,
    LeaveState,
    PeriodicReport,
    ReportReview,
    ReportState,
    SamplingMode,
    WorkLogEntry,
)
from guazhi.programmes.models import AssignmentState, Post
from tests.browser.conftest import SCREENSHOTS, assert_fits_phone, log_in
from tests.duty.test_report_services import log, report_world
from tests.duty.world import duty_world
from tests.factories import CadreFactory
from tests.programmes.factories import PostFactory, assign

# A week without holidays (2026: chinese-calendar knows it): Monday 8 June to Friday 12 June.
MONDAY = dt.date(2026, 6, 8)
TUESDAY = MONDAY + dt.timedelta(days=1)
THURSDAY = MONDAY + dt.timedelta(days=3)


@dataclass
class Clock:
    """The server's time, moved to a chosen day; it keeps running from there."""

    offset: dt.timedelta = dt.timedelta(0)

    def set(self, day: dt.date, hour: int = 9, minute: int = 0) -> None:
        wanted = dt.datetime.combine(
            day, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE)
        )
        self.offset = wanted - REAL_NOW()


REAL_NOW = timezone.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """timezone.now (and with it timezone.localdate, auto_now and the audit's times) for the
    test and the live server's thread alike: they share the module."""
    found = Clock()
    monkeypatch.setattr(timezone, "now", lambda: REAL_NOW() + found.offset)
    yield found


# --- what every journey does ----------------------------------------------------------------


def _message(page: Page, text: str) -> None:
    expect(page.locator("#messages")).to_have_text(text)


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _my_record(phone: Page) -> None:
    """The cadre's way in on a phone: the folded menu, then 在岗管理."""
    phone.get_by_text("菜单", exact=True).click()
    phone.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="在岗管理", exact=True
    ).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("在岗概况")


def _person_tab(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="在岗栏目").get_by_role(
        "link", name=label, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def _open_batch(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="挂职批次", exact=True
    ).click()
    page.get_by_role("link", name=name, exact=True).click()


def _batch_tab(page: Page, label: str, heading: str | None = None) -> None:
    page.get_by_role("navigation", name="批次栏目").get_by_role(
        "link", name=label, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading or label)


def _panel(page: Page, heading: str) -> Locator:
    return page.locator("section.panel").filter(
        has=page.get_by_role("heading", name=heading, exact=True)
    )


def _row(scope: Page | Locator, *cells: str) -> Locator:
    page = scope if isinstance(scope, Page) else scope.page
    row = scope.get_by_role("row")
    for cell in cells:
        row = row.filter(has=page.get_by_role("cell", name=cell, exact=True))
    return row


def _card_row(scope: Page | Locator, first_cell: str) -> Locator:
    """A table row by its first cell, on a phone too (where each cell also reads its label)."""
    # `has` is looked for inside each row: built from the page, not from `scope`.
    page = scope if isinstance(scope, Page) else scope.page
    return scope.get_by_role("row").filter(
        has=page.locator("td:first-child").get_by_text(first_cell, exact=True)
    )


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour, built byte by byte (the browser draws it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


# --- 1. leave and return ---------------------------------------------------------------------


def test_a_cadre_asks_for_two_days_on_a_phone_the_host_approves_and_the_cadre_reports_back(  # type: ignore[no-untyped-def]
    page, phone, world, clock
) -> None:
    clock.set(MONDAY, 8, 30)
    duty = duty_world(world)

    # Monday: 张三 asks for Tuesday afternoon to Thursday morning on a phone.
    log_in(phone, "cadre")
    _my_record(phone)
    _person_tab(phone, "请销假")
    phone.get_by_role("link", name="请假", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("请假")
    phone.get_by_label("假别").select_option(label="事假")
    phone.get_by_label("开始日期").fill(TUESDAY.isoformat())
    phone.get_by_label("开始时段").select_option(label="下午")
    phone.get_by_label("结束日期").fill(THURSDAY.isoformat())
    phone.get_by_label("结束时段").select_option(label="上午")
    # The count follows the choices (htmx asks the page for it).
    expect(phone.locator("#leave-days")).to_have_text("共 2 天（按工作日计）")
    phone.get_by_label("请假事由").fill("回浔阳区委党校参加结业考试。")
    phone.get_by_label("工作代理人").fill("白鹿镇党政办刘主任")
    phone.get_by_label("联系电话").fill("13907920001")
    _shot(phone, "phone-leave-form")
    assert_fits_phone(phone)
    phone.get_by_role("button", name="提交审批", exact=True).click()
    _message(phone, "请假已提交（共2天），等待审批。")
    expect(phone.get_by_role("heading", level=1)).to_have_text("事假 审批中")
    details = phone.locator("dl.details")
    expect(details).to_contain_text("2026年6月9日下午至2026年6月11日上午")
    expect(details).to_contain_text("2天（按工作日计）")
    assert_fits_phone(phone)

    # The host unit's leader approves it from the inbox, at a desk.
    log_in(page, "host")
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="待我审批", exact=True
    ).click()
    expect(page.get_by_text("共 1 份请假等待审批")).to_be_visible()
    waiting = _row(page, "张三")
    expect(waiting.get_by_role("cell", name="2", exact=True)).to_be_visible()
    waiting.get_by_role("link", name="审批", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("事假 审批中")
    expect(page.get_by_text("第1步：接收单位领导")).to_be_visible()
    page.get_by_label("同意", exact=True).check()
    page.get_by_label("意见说明").fill("同意，请做好工作交接。")
    page.get_by_role("button", name="提交审批意见", exact=True).click()
    _message(page, "已批准张三的请假。")
    expect(page.get_by_role("heading", level=1)).to_have_text("待我审批")
    expect(page.get_by_text("没有等待您审批的请假。")).to_be_visible()

    # The cadre sees the approval and the leader's words.
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text("事假 已批准")
    expect(phone.locator("ol.timeline")).to_contain_text("同意，请做好工作交接。")
    expect(phone.locator("ol.timeline")).to_contain_text("白鹿镇赵书记")
    _log_out(phone)

    # Thursday after lunch: back at work, 张三 reports back for the afternoon.
    clock.set(THURSDAY, 13, 30)
    log_in(phone, "cadre")
    _my_record(phone)
    _person_tab(phone, "请销假")
    listed = _card_row(_panel(phone, "请假记录"), "事假")
    expect(listed).to_contain_text("已批准")
    listed.get_by_role("link", name="查看", exact=True).click()
    phone.get_by_role("link", name="销假", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("销假")
    expect(phone.get_by_label("实际返岗日期")).to_have_value(THURSDAY.isoformat())
    phone.get_by_label("返岗时段").select_option(label="下午")
    assert_fits_phone(phone)
    phone.get_by_role("button", name="确认销假", exact=True).click()
    _message(phone, "已销假，实际休假2天。")
    expect(phone.get_by_role("heading", level=1)).to_have_text("事假 已销假")
    expect(phone.locator("dl.details")).to_contain_text("2026年6月11日下午")
    _shot(phone, "phone-leave-returned")
    assert_fits_phone(phone)

    leave = LeaveRequest.objects.get(assignment=duty.serving_a)
    assert (
        leave.state,
        leave.leave_type.get_kind_display(),
        leave.start_date,
        leave.start_half,
        leave.end_date,
        leave.end_half,
        leave.days,
        leave.returned_date,
        leave.returned_half,
        leave.stand_in,
        leave.contact_phone,
    ) == (
        LeaveState.RETURNED,
        "事假",
        TUESDAY,
        "pm",
        THURSDAY,
        "am",
        Decimal("2"),
        THURSDAY,
        "pm",
        "白鹿镇党政办刘主任",
        "13907920001",
    )
    assert list(
        LeaveDecision.objects.filter(request=leave).values_list(
            "decision", "decided_by__username", "comment"
        )
    ) == [("approve", "host", "同意，请做好工作交接。")]
    assert sum(
        LeaveLedgerEntry.objects.filter(request=leave).values_list("days", flat=True)
    ) == Decimal("-2")


# --- 2. a work log entry with a photo --------------------------------------------------------


def test_a_cadre_logs_an_accomplishment_with_a_photo_on_a_phone(phone, world, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(MONDAY, 18)
    duty = duty_world(world)
    photo = _png(64, 48, (200, 30, 30))

    log_in(phone, "cadre")
    _my_record(phone)
    _person_tab(phone, "工作纪实")
    month = (
        phone.get_by_role("list", name="每月做成一件事")
        .get_by_role("listitem")
        .filter(has_text="2026年6月")
    )
    expect(month).to_contain_text("本月尚未做成")
    form = _panel(phone, "记一条工作纪实")
    expect(form.get_by_label("日期")).to_have_value(MONDAY.isoformat())
    form.get_by_label("类别").select_option(label="招商引资")
    form.get_by_label("标题").fill("促成江西某新材料公司落户白鹿镇")
    form.get_by_label("内容").fill("三次赴企业洽谈，协调用地和用电，今天签订投资协议。")
    form.get_by_label("做成一件事").check()
    form.get_by_label("第1行事项").fill("签约企业")
    form.get_by_label("第1行数量").fill("1")
    form.get_by_label("第1行单位").fill("家")
    form.get_by_label("第2行事项").fill("协议投资")
    form.get_by_label("第2行数量").fill("5000")
    form.get_by_label("第2行单位").fill("万元")
    form.get_by_label("照片和附件").set_input_files(
        FilePayload(name="签约现场.png", mimeType="image/png", buffer=photo)
    )
    _shot(phone, "phone-log-form")
    assert_fits_phone(phone)
    form.get_by_role("button", name="保存", exact=True).click()

    _message(phone, "已记录“促成江西某新材料公司落户白鹿镇”。")
    expect(month).to_contain_text("已做成")
    entries = phone.locator("#log-entries > li")
    expect(entries).to_have_count(1)
    expect(entries).to_contain_text("做成一件事")
    expect(entries).to_contain_text("2026年6月8日 · 招商引资 · 附件 1 个")
    expect(entries.locator(".tag")).to_have_text(["签约企业 1 家", "协议投资 5000 万元"])
    assert_fits_phone(phone)

    entries.get_by_role("link", name="促成江西某新材料公司落户白鹿镇").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "促成江西某新材料公司落户白鹿镇 做成一件事"
    )
    picture = phone.get_by_role("img", name="签约现场.png")
    expect(picture).to_be_visible()
    # The photo came back as the picture it was: the browser decoded it at its own size.
    phone.wait_for_function(
        "img => img.complete && img.naturalWidth === 64 && img.naturalHeight === 48",
        arg=picture.element_handle(),
    )
    expect(_card_row(phone, "协议投资").get_by_role("cell")).to_have_text(
        ["协议投资", "5000", "万元"]
    )
    _shot(phone, "phone-log-entry")
    assert_fits_phone(phone)

    entry = WorkLogEntry.objects.get(assignment=duty.serving_a)
    files = list(attachments_of(entry))
    assert (
        entry.date,
        entry.category,
        entry.accomplishment,
        sorted((q.label, q.value, q.unit) for q in entry.quantities.all()),
        [(f.name, f.mime_type, f.size) for f in files],
    ) == (
        MONDAY,
        "招商引资",
        True,
        [("协议投资", Decimal("5000"), "万元"), ("签约企业", Decimal("1"), "家")],
        [("签约现场.png", "image/png", len(photo))],
    )


# --- 3. a monthly report returned with a comment ---------------------------------------------


def test_a_group_leader_returns_a_monthly_report_with_a_comment_the_cadre_reads(  # type: ignore[no-untyped-def]
    page, phone, world, clock
) -> None:
    # Tuesday 2 June: May has ended and its report is due by the 5th.
    clock.set(dt.date(2026, 6, 2), 9)
    found = report_world(world)  # 张三 in 第一组, led by 李明
    log(
        found.zhang,
        dt.date(2026, 5, 20),
        "走访白鹿镇工业园区企业",
        category="走访",
        quantities=[("走访企业", "6", "家")],
    )
    narrative = "五月走访工业园区企业6家，了解用工和融资困难。"

    # 张三 writes May's report on a phone and submits it.
    log_in(phone, "cadre")
    _my_record(phone)
    _person_tab(phone, "定期汇报")
    may = _card_row(_panel(phone, "定期汇报"), "2026年5月")
    expect(may).to_contain_text("2026年6月5日")
    may.get_by_role("button", name="撰写汇报", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("2026年5月定期汇报 草稿")
    expect(phone.locator("#summary")).to_contain_text("本期共记录工作纪实 1 条，做成一件事 0 件。")
    phone.get_by_label("汇报正文").fill(narrative)
    assert_fits_phone(phone)
    phone.get_by_role("button", name="提交汇报", exact=True).click()
    _message(phone, "汇报已提交，等待组长审阅。")
    expect(phone.get_by_role("heading", level=1)).to_have_text("2026年5月定期汇报 待审阅")
    expect(phone.get_by_label("汇报正文")).to_have_count(0)  # no editor once submitted

    # 李明, the group's leader, returns it from the batch's queue with a comment.
    log_in(page, "liming")
    _open_batch(page, found.duty.batch_a.name)
    _batch_tab(page, "定期汇报")
    queue = _panel(page, "待我审阅")
    queued = _row(queue, "张三 白鹿镇")
    expect(queued.get_by_role("cell", name="2026年5月", exact=True)).to_be_visible()
    queued.get_by_role("link", name="审阅", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2026年5月定期汇报 待审阅")
    expect(page.locator("#narrative")).to_contain_text(narrative)
    review = page.locator("#review")
    review.get_by_label("退回修改", exact=True).check()
    review.get_by_label("审阅意见").fill("请补充走访中发现问题的解决进展和六月打算。")
    review.get_by_role("button", name="确定", exact=True).click()
    _message(page, "汇报已退回，本人会收到通知。")
    expect(page.get_by_role("heading", level=1)).to_have_text("2026年5月定期汇报 已退回")
    expect(page.locator("#review")).to_have_count(0)

    # 张三 finds it returned, with the comment, and can edit it again.
    phone.get_by_role("navigation", name="在岗栏目").get_by_role(
        "link", name="定期汇报", exact=True
    ).click()
    may = _card_row(_panel(phone, "定期汇报"), "2026年5月")
    expect(may).to_contain_text("已退回")
    may.get_by_role("link", name="修改后重新提交", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("2026年5月定期汇报 已退回")
    expect(phone.locator("#narrative")).to_contain_text(
        "汇报已被退回，请按下方审阅意见修改后重新提交。"
    )
    returned = phone.locator("#trail").get_by_role("row").filter(has_text="退回")
    expect(returned).to_contain_text("李明")
    expect(returned).to_contain_text("请补充走访中发现问题的解决进展和六月打算。")
    expect(phone.get_by_label("汇报正文")).to_have_value(narrative)
    _shot(phone, "phone-report-returned")
    assert_fits_phone(phone)

    report = PeriodicReport.objects.get(assignment=found.zhang)
    assert (report.period_start, report.state, report.narrative) == (
        dt.date(2026, 5, 1),
        ReportState.RETURNED,
        narrative,
    )
    assert list(
        ReportReview.objects.filter(report=report)
        .order_by("created_at", "id")
        .values_list("action", "actor__username", "comment")
    ) == [
        ("submit", "cadre", ""),
        ("return", "liming", "请补充走访中发现问题的解决进展和六月打算。"),
    ]


# --- 4. a random inspection finds someone absent ---------------------------------------------


def test_a_coordinator_runs_a_random_inspection_and_records_an_absence(  # type: ignore[no-untyped-def]
    page, world, clock
) -> None:
    clock.set(MONDAY, 10)
    duty = duty_world(world)
    # A second person on duty in the batch, so that drawing one is a draw.
    post = cast(Post, PostFactory(batch=duty.batch_a, host_unit=world.township_a, title="镇长助理"))
    li = assign(
        post,
        CadreFactory(name="李四", home_unit=world.school_a),
        AssignmentState.ACTIVE,
        start_date=duty.serving_a.start_date,
    )
    people = {"张三": duty.serving_a, "李四": li}

    log_in(page, "coordinator")
    _open_batch(page, duty.batch_a.name)
    _batch_tab(page, "不定期检查")
    expect(page.get_by_text("尚未安排不定期检查。")).to_be_visible()
    plan = page.locator("#plan-form")
    expect(plan.get_by_label("检查日期")).to_have_value(MONDAY.isoformat())
    expect(plan.get_by_label("随机抽取", exact=True)).to_be_checked()
    plan.get_by_label("抽查人数").fill("1")
    plan.get_by_label("检查人员").fill("组织部王科长、党校李老师")
    plan.get_by_role("button", name="安排检查并抽取人员", exact=True).click()

    _message(page, "已安排2026年6月8日的检查，抽取1人。")
    expect(page.get_by_role("heading", level=1)).to_have_text("2026年6月8日不定期检查 已计划")
    expect(
        page.get_by_text("核验：按记录的种子对当时2名在岗人员重新抽取，结果与本名单一致。")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="抽取名单（1人）")).to_be_visible()
    card = page.locator("article.card")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading")).to_contain_text("未登记")
    # Whoever the draw chose is the one checked.
    drawn = card.get_by_role("heading").inner_text().split()[0]
    assert drawn in people

    card.get_by_label(f"{drawn}：检查结果").select_option(label="脱岗（未经批准）")
    card.get_by_label(f"{drawn}：发现问题").fill("检查组10时到镇政府，本人不在岗，也未请假。")
    card.get_by_label(f"{drawn}：整改要求").fill("写出书面说明，向镇党委作检讨。")
    card.get_by_label(f"{drawn}：整改期限").fill("2026-06-15")
    card.get_by_role("button", name="登记检查结果", exact=True).click()
    _message(page, f"已登记{drawn}的检查结果：脱岗（未经批准）。")
    expect(card.get_by_role("heading")).to_contain_text("脱岗（未经批准）")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="完成检查", exact=True).click()
    _message(page, "检查已完成，结果不再修改。")
    expect(page.get_by_role("heading", level=1)).to_have_text("2026年6月8日不定期检查 已完成")

    # The absence is on the person's record: the overview's flags and the 检查记录 tab.
    _batch_tab(page, "考勤", "考勤月报")
    page.get_by_role("link", name=drawn, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("在岗概况")
    expect(_panel(page, "提示事项")).to_contain_text(
        "脱岗 2026年6月8日不定期检查发现未经批准离岗。"
    )
    _person_tab(page, "检查记录")
    expect(page.get_by_text("不定期检查中有1次脱岗（未经批准）记录。")).to_be_visible()
    checked = _row(page, "2026年6月8日")
    expect(checked.get_by_role("cell").nth(1)).to_have_text("脱岗（未经批准）")
    expect(checked).to_contain_text("检查组10时到镇政府，本人不在岗，也未请假。")
    expect(checked).to_contain_text("待整改")
    _shot(page, "desktop-check-list-absent")

    inspection = Inspection.objects.get(batch=duty.batch_a)
    assert (
        inspection.state,
        inspection.sampling,
        inspection.sample_size,
        inspection.seed is not None,
        inspection.inspectors,
        list(
            InspectionCheck.objects.filter(inspection=inspection).values_list(
                "assignment_id", "result", "rectification_due", "checked_by__username"
            )
        ),
    ) == (
        InspectionState.COMPLETED,
        SamplingMode.RANDOM,
        1,
        True,
        "组织部王科长、党校李老师",
        [(people[drawn].pk, CheckResult.ABSENT, dt.date(2026, 6, 15), "coordinator")],
    )

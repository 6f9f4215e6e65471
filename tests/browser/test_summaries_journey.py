"""The summaries journey in a real browser (issue 5 §6): a final summary from its first draft to
the experience library, driven through the pages the way the people concerned use them — the
cadre on a phone, the staff at a desk, another cadre reading the library on a phone.

张三 writes his final summary, drafted from his work log; the connection drops while he types and
nothing is lost; the group leader returns it with a comment, he fixes it and submits again; it is
accepted, appraised by the host unit and archived, and its Word file downloads and opens. The
coordinator then proposes it to the library anonymised, 张三 consents, the coordinator approves;
the published text reads 某同志 and 某镇 instead of names. A cadre of another district finds it
by a two-character word typed in Traditional characters (鄉村 for 乡村), reads it with the word
marked and bookmarks it.

The starting point (the batch on duty, the log entry, the draft) is made through factories and
the drafting service: drafting itself has its own tests (tests/summaries/test_summary_services.py).
"""

import datetime as dt
import io
from collections.abc import Iterator
from typing import cast

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from guazhi.duty.periods import term_bounds
from guazhi.orgs.models import User
from guazhi.summaries.models import (
    Bookmark,
    LibraryDocument,
    LibraryState,
    Summary,
    SummaryEvent,
    SummaryKind,
    SummaryState,
)
from guazhi.summaries.services.summaries import summary_draft
from tests.browser.conftest import SCREENSHOTS, assert_fits_phone, log_in
from tests.factories import CadreFactory, UserFactory, grant
from tests.summaries.world import log, summary_world

INSIGHTS = "扎根乡村，才懂得群众的期盼。"
INSIGHTS_MORE = "一年里跑遍了十二个村。"
SHORTCOMINGS = "对农业政策的理解还不够深。"
NEXT_STEPS = "回原单位后把挂职所学用到本职工作中。"
FIX = "调研成果转化不够。"
RETURN_COMMENT = "存在不足写得太简略，请补充调研方面的不足。"
APPRAISAL = "该同志挂职期间工作认真负责，作风扎实，群众评价好。"


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """Assertions wait up to 10 s, as actions do (conftest): the journey's pages run search,
    Word and anonymisation on a test machine shared with other work."""
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


def _phone_menu(phone: Page, item: str) -> None:
    """On a phone the main menu is folded: open it, then follow `item`."""
    phone.get_by_text("菜单", exact=True).click()
    phone.get_by_role("navigation", name="主导航").get_by_role(
        "link", name=item, exact=True
    ).click()


def _my_summaries(phone: Page) -> None:
    """The cadre's way to his summaries on a phone: 在岗管理, then the 挂职总结 tab."""
    _phone_menu(phone, "在岗管理")
    _heading(phone, "在岗概况")
    phone.get_by_role("navigation", name="在岗栏目").get_by_role(
        "link", name="挂职总结", exact=True
    ).click()
    _heading(phone, "挂职总结")


def _final_summary_row(phone: Page):  # type: ignore[no-untyped-def]
    return phone.get_by_role("row").filter(
        has=phone.locator("td:first-child").get_by_text("期满总结", exact=True)
    )


def _batch_summary(page: Page, batch_name: str, person: str) -> None:
    """Staff reach a person's summary from the batch's 挂职总结 tab, by its 处理 button."""
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="挂职批次", exact=True
    ).click()
    page.get_by_role("link", name=batch_name, exact=True).click()
    page.get_by_role("navigation", name="批次栏目").get_by_role(
        "link", name="挂职总结", exact=True
    ).click()
    _heading(page, "挂职总结")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=person, exact=True))
    row.get_by_role("link", name="处理", exact=True).click()


def _save_status(page: Page, text: str) -> None:
    # The editor saves after 3 s without typing; a loaded test machine may take longer still.
    expect(page.locator("#save-status")).to_have_text(text, timeout=15_000)


# --- the journey -------------------------------------------------------------------------------


def test_a_final_summary_goes_from_draft_through_review_to_the_library_and_a_bookmark(  # type: ignore[no-untyped-def]
    page, phone, world
) -> None:
    found = summary_world(world)
    zhang = found.zhang
    batch_name = zhang.batch.name
    # What the draft's 主要工作 is made from: one accomplishment in the log.
    logged_on = found.duty.today - dt.timedelta(days=40)
    log(
        zhang,
        logged_on,
        "促成江西某新材料公司落户白鹿镇",
        category="招商引资",
        accomplishment=True,
        quantities=[("签约企业", "1", "家")],
    )
    start, end = term_bounds(zhang)
    # The final summary opens two months before the term ends: drafted a month before.
    summary = summary_draft(
        actor=found.user("cadre"),
        assignment=zhang,
        kind=SummaryKind.FINAL,
        today=end - dt.timedelta(days=30),
    )
    title = "张三同志挂职锻炼期满总结"
    basic = (
        f"张三，浔阳区委党校科长，{start.year}年{start.month}月{start.day}日至"
        f"{end.year}年{end.month}月{end.day}日在白鹿镇挂职锻炼，挂任党委副书记。"
    )
    work = (
        "（一）做成的事\n"
        f"{logged_on.year}年{logged_on.month}月：{logged_on.month}月{logged_on.day}日，"
        "促成江西某新材料公司落户白鹿镇。\n"
        "（二）工作量\n"
        "挂职以来共记录工作纪实1条，其中招商引资1条。\n"
        "累计签约企业1家。"
    )
    reader = cast(User, UserFactory(username="reader", full_name="刘洋"))
    grant(reader, "cadre", world.school_b)
    CadreFactory(name="刘洋", home_unit=world.school_b, user=reader)

    # 1. 张三 opens his drafted final summary on a phone: the draft comes from his record.
    log_in(phone, "cadre")
    _my_summaries(phone)
    final = _final_summary_row(phone)
    expect(final).to_contain_text("草稿")
    final.get_by_role("link", name="继续撰写", exact=True).click()
    _heading(phone, "撰写期满总结 草稿")
    _save_status(phone, "已保存")
    expect(phone.get_by_label("标题")).to_have_value(title)
    expect(phone.get_by_label("基本情况")).to_have_value(basic)
    expect(phone.get_by_label("主要工作")).to_have_value(work)
    expect(phone.get_by_label("心得体会")).to_have_value("")

    # He writes 心得体会; the editor saves it by itself.
    phone.get_by_label("心得体会").fill(INSIGHTS)
    _save_status(phone, "已保存")

    # The connection drops; he types on, and the page says the text is kept on the phone.
    phone.context.set_offline(True)
    phone.get_by_label("心得体会").press_sequentially(INSIGHTS_MORE)
    phone.get_by_label("存在不足").fill(SHORTCOMINGS)
    phone.get_by_label("下一步打算").fill(NEXT_STEPS)
    _save_status(phone, "未联网，已存在本机")
    _shot(phone, "phone-summary-offline")
    assert_fits_phone(phone)
    assert _bodies(summary)["insights"] == INSIGHTS  # the server has not got it yet

    # Back online, the waiting text goes by itself, and opening the page again shows it all.
    # (Waiting for 已保存 first: the test's in-memory SQLite refuses a read during a write.)
    phone.context.set_offline(False)
    _save_status(phone, "已保存")
    phone.reload()
    _save_status(phone, "已保存")
    expect(phone.get_by_label("心得体会")).to_have_value(INSIGHTS + INSIGHTS_MORE)
    expect(phone.get_by_label("存在不足")).to_have_value(SHORTCOMINGS)
    expect(phone.get_by_label("下一步打算")).to_have_value(NEXT_STEPS)

    phone.once("dialog", lambda dialog: dialog.accept())  # 提交后在审阅完成前不能修改…
    phone.get_by_role("button", name="提交总结", exact=True).click()
    _message(phone, "总结已提交，等待组长审阅。")
    _heading(phone, f"{title} 待审阅")
    assert_fits_phone(phone)

    # 2. The group leader returns it with a comment, at a desk.
    log_in(page, "groupleader")
    _batch_summary(page, batch_name, "张三")
    _heading(page, f"{title} 待审阅")
    expect(page.locator("#text")).to_contain_text(INSIGHTS + INSIGHTS_MORE)
    review = page.locator("#review")
    review.get_by_label("退回修改", exact=True).check()
    review.get_by_label("审阅意见").fill(RETURN_COMMENT)
    review.get_by_role("button", name="确定", exact=True).click()
    _message(page, "总结已退回，本人会收到通知。")
    _heading(page, f"{title} 已退回")
    expect(page.locator("#review")).to_have_count(0)

    # 张三 sees the comment, fixes the section and submits again.
    _my_summaries(phone)
    final = _final_summary_row(phone)
    expect(final).to_contain_text("已退回")
    final.get_by_role("link", name="修改后重新提交", exact=True).click()
    _heading(phone, "撰写期满总结 已退回")
    expect(
        phone.get_by_text(f"总结已被退回，请按意见修改后重新提交：{RETURN_COMMENT}", exact=True)
    ).to_be_visible()
    _save_status(phone, "已保存")
    shortcomings = phone.get_by_label("存在不足")
    shortcomings.press("Control+End")  # the caret to the end of the text, to add to it
    shortcomings.press_sequentially(FIX)
    # Submitted at once, without waiting for the autosave: the form itself carries the text.
    _shot(phone, "phone-summary-returned")
    assert_fits_phone(phone)
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="提交总结", exact=True).click()
    _message(phone, "总结已提交，等待组长审阅。")
    _heading(phone, f"{title} 待审阅")

    # The group leader accepts it; the host leader writes the appraisal; the coordinator files it.
    page.reload()
    _heading(page, f"{title} 待审阅")
    expect(page.locator("#text")).to_contain_text(SHORTCOMINGS + FIX)
    review = page.locator("#review")
    review.get_by_label("通过", exact=True).check()
    review.get_by_role("button", name="确定", exact=True).click()
    _message(page, "总结已通过审阅，接收单位会收到通知填写鉴定意见。")
    _heading(page, f"{title} 待鉴定")
    _log_out(page)

    log_in(page, "host")
    _batch_summary(page, batch_name, "张三")
    _heading(page, f"{title} 待鉴定")
    page.get_by_label("鉴定意见").fill(APPRAISAL)
    page.get_by_role("button", name="保存鉴定意见", exact=True).click()
    _message(page, "鉴定意见已保存，等待组织部门归档。")
    _heading(page, f"{title} 待归档")
    expect(page.locator("#appraisal")).to_contain_text(APPRAISAL)
    expect(page.locator("#appraisal")).to_contain_text("白鹿镇赵书记")
    _log_out(page)

    log_in(page, "coordinator")
    _batch_summary(page, batch_name, "张三")
    _heading(page, f"{title} 待归档")
    page.locator("#archive").get_by_role("button", name="归档", exact=True).click()
    _message(page, "总结已归档。")
    _heading(page, f"{title} 已归档")
    trail = page.locator("#trail tbody tr")
    expect(trail.locator("td:nth-child(3)")).to_have_text(
        ["起草", "提交", "退回", "提交", "审阅通过", "鉴定", "归档"]
    )
    expect(trail.nth(2)).to_contain_text(RETURN_COMMENT)
    expect(trail.nth(2)).to_contain_text("组长钱")
    _shot(page, "desktop-summary-archived")

    # 5. (on the archived summary's page) The Word file downloads and opens.
    with page.expect_download() as downloading:
        page.get_by_role("link", name="下载 Word", exact=True).click()
    download = downloading.value
    assert download.suggested_filename == "张三_期满总结.docx"
    word = Document(io.BytesIO(_read(download)))
    paragraphs = [paragraph.text for paragraph in word.paragraphs if paragraph.text.strip()]
    assert paragraphs[0] == title
    for heading in (
        "一、基本情况",
        "二、主要工作",
        "三、心得体会",
        "四、存在不足",
        "五、下一步打算",
    ):
        assert heading in paragraphs
    assert basic in paragraphs
    assert SHORTCOMINGS + FIX in paragraphs
    assert APPRAISAL in paragraphs

    # 3. The coordinator proposes it to the library, anonymised; 张三 consents; it is approved.
    library = page.locator("#library")
    expect(library.get_by_label("匿名化（替换人名、单位名）")).to_be_checked()
    library.get_by_role("button", name="推荐入经验库", exact=True).click()
    _message(page, "已推荐入经验库，等待本人同意。")
    expect(page.locator("#library h2")).to_have_text("经验库 待本人同意")

    _my_summaries(phone)
    _final_summary_row(phone).get_by_role("link", name="查看", exact=True).click()
    _heading(phone, f"{title} 已归档")
    asked = phone.locator("#library")
    expect(asked).to_contain_text("组织部门推荐将您的这篇总结收入经验库")
    expect(asked).to_contain_text("已匿名化")
    asked.get_by_role("button", name="同意收入经验库", exact=True).click()
    _message(phone, "您已同意，组织部门审批后即发布。")
    expect(phone.locator("#library h2")).to_have_text("经验库 待审批")
    assert_fits_phone(phone)
    _log_out(phone)

    page.reload()
    page.locator("#library").get_by_role("button", name="批准发布", exact=True).click()
    _message(page, "已发布到经验库。")
    expect(page.locator("#library h2")).to_have_text("经验库 已发布")
    page.locator("#library").get_by_role("link", name="查看经验库文本", exact=True).click()
    published_title = "某同志挂职锻炼期满总结"
    _heading(page, published_title)
    text = page.locator("article.library-document")
    expect(text).to_contain_text(
        f"某同志，某区委党校科长，{start.year}年{start.month}月{start.day}日至"
        f"{end.year}年{end.month}月{end.day}日在某镇挂职锻炼，挂任党委副书记。"
    )
    expect(text).to_contain_text("促成江西某新材料公司落户某镇。")
    expect(text).not_to_contain_text("张三")
    expect(text).not_to_contain_text("白鹿镇")
    expect(text).not_to_contain_text("浔阳区")
    _shot(page, "desktop-library-published")

    # 4. A cadre of another district finds it by 鄉村 (乡村 in Traditional characters).
    log_in(phone, "reader")
    _phone_menu(phone, "经验库")
    _heading(phone, "经验库")
    phone.get_by_label("搜索").fill("鄉村")
    phone.get_by_role("button", name="查找", exact=True).click()
    results = phone.locator("#results")
    expect(results).to_contain_text("找到 1 篇")
    card = results.locator("article.card")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading")).to_have_text(published_title)
    expect(card.locator(".snippet mark")).to_have_text(["乡村"])
    expect(card.locator(".snippet")).to_contain_text(INSIGHTS)
    _shot(phone, "phone-library-search")
    assert_fits_phone(phone)

    card.get_by_role("link", name=published_title, exact=True).click()
    _heading(phone, published_title)
    expect(phone.locator("article.library-document section mark")).to_have_text(["乡村"])
    bookmark = phone.locator("form.bookmark button")
    expect(bookmark).to_have_text("收藏")
    bookmark.click()
    expect(bookmark).to_have_text("已收藏")
    expect(bookmark).to_have_attribute("aria-pressed", "true")
    assert_fits_phone(phone)

    phone.get_by_role("link", name="← 返回经验库", exact=True).click()
    phone.get_by_role("link", name="我的收藏", exact=True).click()
    _heading(phone, "我的收藏")
    kept = phone.locator("#results article.card")
    expect(kept).to_have_count(1)
    expect(kept.get_by_role("heading")).to_have_text(published_title)
    _shot(phone, "phone-library-bookmarks")
    assert_fits_phone(phone)

    # What the pages said is what was recorded.
    summary = Summary.objects.get(pk=summary.pk)
    assert (summary.state, summary.appraisal, summary.appraised_by.username) == (
        SummaryState.ARCHIVED,
        APPRAISAL,
        "host",
    )
    assert _bodies(summary) == {
        "basic": basic,
        "work": work,
        "insights": INSIGHTS + INSIGHTS_MORE,
        "shortcomings": SHORTCOMINGS + FIX,
        "next_steps": NEXT_STEPS,
    }
    assert list(
        SummaryEvent.objects.filter(summary=summary)
        .order_by("created_at", "id")
        .values_list("action", "actor__username", "comment")
    ) == [
        ("draft", "cadre", ""),
        ("submit", "cadre", ""),
        ("return", "groupleader", RETURN_COMMENT),
        ("submit", "cadre", ""),
        ("accept", "groupleader", ""),
        ("appraise", "host", APPRAISAL),
        ("archive", "coordinator", ""),
    ]
    document = LibraryDocument.objects.get(summary=summary)
    assert (
        document.state,
        document.anonymised,
        document.title,
        document.consented_at is not None,
        document.published_by.username,
    ) == (LibraryState.PUBLISHED, True, published_title, True, "coordinator")
    assert list(Bookmark.objects.values_list("user__username", "document_id")) == [
        ("reader", document.pk)
    ]


def _bodies(summary: Summary) -> dict[str, str]:
    return dict(Summary.objects.get(pk=summary.pk).sections.values_list("key", "body"))


def _read(download) -> bytes:  # type: ignore[no-untyped-def]
    path = download.path()
    with open(path, "rb") as file:
        return file.read()

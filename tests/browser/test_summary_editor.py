"""The summary editor's script in a real browser (marked `browser`: run with `-m browser`):
nothing typed is lost when the network drops, and an edit saved meanwhile in another tab is
shown beside this one instead of being overwritten.

The cadre's issue-wide journey (draft, submit, return, library) lives in tests/browser/; these
check the editor's own promises on a phone.
"""

import pytest
from playwright.sync_api import Page, expect

from guazhi.summaries.models import Summary, SummaryKind
from tests.browser.conftest import log_in
from tests.summaries.world import summary_world

pytestmark = pytest.mark.browser


def insights(summary: Summary) -> str:
    return Summary.objects.get(pk=summary.pk).sections.get(key="insights").body


def open_editor(page: Page, summary: Summary) -> None:
    page.goto(f"/summaries/{summary.pk}/edit/")
    expect(page.locator("#save-status")).to_have_text("已保存")


def test_text_typed_offline_is_saved_when_the_network_is_back(phone: Page, world) -> None:  # type: ignore[no-untyped-def]
    summary = summary_world(world).drafted(kind=SummaryKind.MIDTERM, bodies={"insights": ""})
    log_in(phone, "cadre")
    open_editor(phone, summary)
    field = phone.get_by_label("心得体会")

    field.fill("在白鹿镇的第一个月，")
    expect(phone.locator("#save-status")).to_have_text("已保存", timeout=10_000)
    assert insights(summary) == "在白鹿镇的第一个月，"

    phone.context.set_offline(True)
    field.press_sequentially("跑遍了十二个村。")
    expect(phone.locator("#save-status")).to_have_text("未联网，已存在本机", timeout=10_000)
    assert insights(summary) == "在白鹿镇的第一个月，"

    # Back online, the waiting text is saved by itself; then a reload shows it. (Waiting first
    # keeps the save and the reload from meeting in the test's in-memory SQLite database, whose
    # shared cache refuses a read while a write is under way; a real database does not.)
    phone.context.set_offline(False)
    expect(phone.locator("#save-status")).to_have_text("已保存", timeout=10_000)
    phone.reload()
    expect(phone.get_by_label("心得体会")).to_have_value("在白鹿镇的第一个月，跑遍了十二个村。")
    expect(phone.locator("#save-status")).to_have_text("已保存", timeout=10_000)
    assert insights(summary) == "在白鹿镇的第一个月，跑遍了十二个村。"


def test_an_edit_saved_in_another_tab_is_shown_and_the_person_chooses(phone: Page, world) -> None:  # type: ignore[no-untyped-def]
    summary = summary_world(world).drafted(kind=SummaryKind.MIDTERM, bodies={"insights": ""})
    log_in(phone, "cadre")
    open_editor(phone, summary)
    other = phone.context.new_page()
    open_editor(other, summary)

    other.get_by_label("心得体会").fill("另一个标签页写的。")
    expect(other.locator("#save-status")).to_have_text("已保存", timeout=10_000)
    phone.get_by_label("心得体会").fill("这个标签页写的。")

    conflict = phone.locator("#summary-conflict")
    expect(conflict).to_be_visible(timeout=10_000)
    expect(conflict).to_contain_text("另一个标签页写的。")
    expect(conflict).to_contain_text("这个标签页写的。")
    assert insights(summary) == "另一个标签页写的。"

    conflict.get_by_role("button", name="保留本页的版本").click()
    expect(conflict).to_be_hidden()
    expect(phone.locator("#save-status")).to_have_text("已保存", timeout=10_000)
    assert insights(summary) == "这个标签页写的。"
    other.close()


def test_text_kept_in_the_browser_is_put_back_when_the_page_opens_again(phone: Page, world) -> None:  # type: ignore[no-untyped-def]
    summary = summary_world(world).drafted(kind=SummaryKind.MIDTERM, bodies={"insights": ""})
    log_in(phone, "cadre")
    open_editor(phone, summary)
    context = phone.context
    # Every save fails (a gateway in between answers 503; the browser still thinks it is
    # online), and the page is closed before any save gets through.
    context.route("**/save/", lambda route: route.fulfill(status=503, body=""))
    phone.get_by_label("心得体会").fill("只存在本机的文字。")
    expect(phone.locator("#save-status")).to_have_text(
        "保存失败，内容已存在本机：503", timeout=10_000
    )
    phone.close()
    assert insights(summary) == ""

    context.unroute("**/save/")
    again = context.new_page()
    again.goto(f"/summaries/{summary.pk}/edit/")
    expect(again.get_by_label("心得体会")).to_have_value("只存在本机的文字。")
    expect(again.locator("#save-status")).to_have_text("已保存", timeout=10_000)
    assert insights(summary) == "只存在本机的文字。"

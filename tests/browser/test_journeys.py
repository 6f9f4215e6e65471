"""Journeys in a real browser: logging in as each role, switching language, using a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, assert_fits_phone, log_in

# (username, full name, menu entries this role must see, menu entries it must not see)
ROLES = {
    "admin": (
        "admin",
        "管理员",
        ["首页", "单位", "干部名册", "挂职批次", "角色授权", "工作日历", "审计日志"],
        [],
    ),
    "coordinator": (
        "coordinator",
        "组织部王科长",
        ["首页", "单位", "干部名册", "挂职批次", "角色授权", "审计日志"],
        ["我的档案", "工作日历"],
    ),
    "dispatch_admin": (
        "dispatch",
        "党校李老师",
        ["首页", "单位", "干部名册", "挂职批次"],
        ["我的档案", "角色授权", "审计日志"],
    ),
    "host_leader": (
        "host",
        "白鹿镇赵书记",
        ["首页", "单位", "挂职批次"],
        ["干部名册", "我的档案", "角色授权"],
    ),
    "group_leader": (
        "groupleader",
        "组长钱",
        ["首页", "挂职批次"],
        ["干部名册", "我的档案", "角色授权", "审计日志"],
    ),
    "cadre": (
        "cadre",
        "张三",
        ["首页", "我的档案"],
        ["单位", "干部名册", "挂职批次", "角色授权", "审计日志"],
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_through_the_form_and_sees_its_own_menu(
    page, live_server, world, role: str
) -> None:
    username, full_name, visible, hidden = ROLES[role]

    log_in(page, username)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{full_name}")
    expect(page.locator(".topbar .who")).to_have_text(full_name)
    menu = page.get_by_role("navigation", name="主导航")
    for label in visible:
        expect(menu.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in hidden:
        expect(menu.get_by_role("link", name=label, exact=True)).to_have_count(0)


def test_a_wrong_password_keeps_the_person_on_the_login_page_with_a_message(page, world) -> None:
    log_in(page, "coordinator", "Wrong-Horse-42")

    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("navigation", name="主导航")).to_have_count(0)


def test_the_language_switch_turns_the_page_english_and_back(page, world) -> None:
    log_in(page, "coordinator")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("button", name="简体中文")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="English")).to_be_disabled()
    expect(page.get_by_role("button", name="简体中文")).not_to_have_attribute(
        "aria-pressed", "true"
    )

    page.get_by_role("button", name="简体中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("button", name="简体中文")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，组织部王科长")


def test_on_a_phone_pages_fit_the_screen_and_the_menu_opens(phone, live_server, world) -> None:
    log_in(phone, "coordinator")
    expect(phone.get_by_role("heading", level=1)).to_have_text("您好，组织部王科长")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "phone-home.png"), full_page=True)

    assert_fits_phone(phone)
    menu = phone.get_by_role("navigation", name="主导航")
    roster_link = menu.get_by_role("link", name="干部名册", exact=True)
    expect(roster_link).to_be_hidden()

    phone.get_by_text("菜单", exact=True).click()

    expect(roster_link).to_be_visible()
    phone.screenshot(path=str(SCREENSHOTS / "phone-menu-open.png"))
    roster_link.click()

    expect(phone).to_have_url(f"{live_server.url}{reverse('orgs:cadre_list')}")
    expect(phone.get_by_text("张三").first).to_be_visible()
    phone.screenshot(path=str(SCREENSHOTS / "phone-cadre-list.png"), full_page=True)
    assert_fits_phone(phone)


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(page, world) -> None:
    for _ in range(5):
        log_in(page, "coordinator", "Wrong-Horse-42")

    log_in(page, "coordinator")

    expect(page.get_by_role("heading", level=1)).to_have_text("账号已锁定")
    expect(page.get_by_role("alert")).to_have_text(
        "登录失败次数过多，账号已锁定 15 分钟，请稍后再试或联系管理员。"
    )
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    expect(page.get_by_role("navigation", name="主导航")).to_have_count(0)

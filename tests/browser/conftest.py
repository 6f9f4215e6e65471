"""Browser journeys: Debian's Chromium driven by Playwright against a live Guazhi server.

Playwright's own browser downloads are never used (`playwright install` needs the internet):
the Chromium that Debian packages runs headless, with every background call home turned off,
and each page refuses any request that is not for the live server.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # root in a container has no user namespace for the sandbox
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Correct-Horse-42"  # tests/factories.py UserFactory
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}

# The live server binds an IPv4 loopback address; "localhost" could send Chromium to ::1 first.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    if not os.access(CHROMIUM, os.X_OK):
        message = f"Chromium not found at {CHROMIUM}: run scripts/system-packages.sh as root"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in the test thread, so Django takes
    # the fixtures' ORM calls for async code and refuses them. They are not: the thread is plain.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class PageProblems:
    """What a page did that no Guazhi page may do: reach another host, break the CSP, throw."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.outside_requests: list[str] = []
        self.errors: list[str] = []

    def route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        parts = urlsplit(url)
        if (
            parts.scheme in {"data", "blob", "about"}
            or f"{parts.scheme}://{parts.netloc}" == self.origin
        ):
            route.continue_()
        else:
            self.outside_requests.append(url)
            route.abort()

    def console(self, message) -> None:  # type: ignore[no-untyped-def]
        # A refused login answers 429 on purpose; the tests check statuses themselves.
        if message.type == "error" and not message.text.startswith(
            "Failed to load resource: the server responded"
        ):
            self.errors.append(message.text)

    def page_error(self, error) -> None:  # type: ignore[no-untyped-def]
        self.errors.append(str(error))


def _open_page(chromium, live_server, viewport: dict) -> Iterator:  # type: ignore[no-untyped-def]
    context = chromium.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport=viewport,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
        device_scale_factor=2 if viewport is PHONE else 1,
    )
    context.set_default_timeout(10_000)
    problems = PageProblems(live_server.url)
    context.route("**/*", problems.route)
    page = context.new_page()
    page.on("console", problems.console)
    page.on("pageerror", problems.page_error)
    yield page
    context.close()
    assert problems.outside_requests == [], "the page asked for outside hosts"
    assert problems.errors == [], "the page logged errors (a CSP violation or a script error)"


@pytest.fixture
def page(chromium, live_server) -> Iterator:  # type: ignore[no-untyped-def]
    """A desktop-sized page whose relative URLs go to the live server."""
    yield from _open_page(chromium, live_server, DESKTOP)


@pytest.fixture
def phone(chromium, live_server) -> Iterator:  # type: ignore[no-untyped-def]
    """A 375×812 phone page (the narrowest screen the design supports)."""
    yield from _open_page(chromium, live_server, PHONE)


def log_in(page, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Through the real login form, the way a person does it."""
    page.goto("/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()


def assert_fits_phone(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing sticks out sideways on the phone: no horizontal scrolling.

    It waits for the page's load event first: until the stylesheet has arrived the browser lays
    the page out unstyled, which is wider than any phone, and a busy test machine can take long
    enough over the stylesheet for that to be measured.
    """
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{width} px wide; furthest right: {_furthest_right(page)}"


def _furthest_right(page) -> list:  # type: ignore[no-untyped-def]
    """The elements reaching furthest right, to say what broke the phone layout."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .map(e => [Math.round(e.getBoundingClientRect().right),
                       e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 30)])
            .sort((a, b) => b[0] - a[0]).slice(0, 5)"""
    )

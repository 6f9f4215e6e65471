"""Government intranets have no internet: no page or asset may name a host other than this one."""

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}
# XML namespace names look like URLs but are never fetched.
NAMESPACES = {
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/1998/Math/MathML",
}
# Our own files: any absolute or protocol-relative URL, even in a comment, is a finding.
ANY_URL = re.compile(r"""(?:https?:)?//(\[[0-9a-fA-F:]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)[^\s"'<>()]*""")
# A protocol-relative `//host` only counts where a URL goes: "//" also starts JS comments.
URL_PLACES = re.compile(
    r"""(?:\b(?:src|href|action|formaction|poster|data|srcset)\s*=\s*["']?|url\(\s*["']?|@import\s+["']?|\b(?:fetch|open)\(\s*["'])"""
    r"""((?:https?:)?//(\[[0-9a-fA-F:]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)[^\s"'<>()]*)""",
    re.IGNORECASE,
)
VENDORED = {"htmx.min.js"}


def outside_urls(text: str, *, vendored: bool = False) -> list[str]:
    """The URLs in `text` that point at a host other than this machine.

    For vendored minified code only the places that load something (src=, href=, url(…), …)
    are read: its strings and comments are not ours to police, what it fetches is.
    """
    found = []
    if not vendored:
        for match in ANY_URL.finditer(text):
            url, host = match.group(0), match.group(1)
            if not url.startswith(("http:", "https:")) and not _url_place_before(
                text, match.start()
            ):
                continue
            if host.lower() not in LOCAL_HOSTS and url not in NAMESPACES:
                found.append(url)
    for match in URL_PLACES.finditer(text):
        url, host = match.group(1), match.group(2)
        if host.lower() not in LOCAL_HOSTS and url not in found and url not in NAMESPACES:
            found.append(url)
    return found


def _url_place_before(text: str, start: int) -> bool:
    return bool(
        re.search(
            r"""(?:=\s*["']?|url\(\s*["']?|@import\s+["']?)$""", text[max(0, start - 12) : start]
        )
    )


def files_to_check() -> list[Path]:
    templates = sorted(SRC.rglob("templates/**/*.html"))
    assets = sorted(
        p for p in SRC.rglob("static/**/*") if p.suffix in {".css", ".js", ".svg", ".html"}
    )
    return templates + assets


def test_there_are_templates_and_assets_to_check() -> None:
    names = {path.name for path in files_to_check()}

    assert {"base.html", "guazhi.css", "guazhi.js", "htmx.min.js"} <= names


@pytest.mark.parametrize("path", files_to_check(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_template_or_asset_names_an_outside_host(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    assert outside_urls(text, vendored=path.name in VENDORED) == []


@pytest.mark.parametrize(
    "text",
    [
        '<script src="https://cdn.example.com/htmx.js"></script>',
        "<link rel=stylesheet href=//fonts.example.com/css>",
        "body { background: url('//img.example.com/bg.png') }",
        '@import "https://fonts.example.com/noto.css";',
        "// see http://example.com/docs for why",
        '<a href="http://10.0.0.8/login">',
    ],
)
def test_the_check_catches_outside_urls(text: str) -> None:
    assert outside_urls(text) != []


@pytest.mark.parametrize(
    "text",
    [
        'a.src="https://cdn.example.com/x.js"',
        "s.setAttribute('x', 1); e.style.backgroundImage = \"url(//img.example.com/a.png)\"",
    ],
)
def test_the_check_catches_outside_loads_in_vendored_code(text: str) -> None:
    assert outside_urls(text, vendored=True) != []


@pytest.mark.parametrize(
    "text",
    [
        "// Small behaviours the pages share.",
        '<a href="/orgs/cadres/">',
        '<a href="http://127.0.0.1:8000/">',
        "fetch('http://localhost:8000/healthz')",
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        'var r = /^(?:[a-z]+:)?\\/\\//i; x = "a" // comment',
    ],
)
def test_the_check_lets_local_and_relative_urls_pass(text: str) -> None:
    assert outside_urls(text) == []


def test_vendored_code_may_mention_hosts_in_strings_it_does_not_load() -> None:
    assert outside_urls('var doc = "see https://htmx.org/docs";', vendored=True) == []

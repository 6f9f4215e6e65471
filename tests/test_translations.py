"""The English translation is complete: catalogue, compiled catalogue, sources and pages agree.

Msgids are the Chinese source strings, so a string added without an English translation shows
Chinese to an English reader; these tests name every such string. `make messages` extracts new
strings into locale/en/LC_MESSAGES/django.po and compiles django.mo (committed: a fresh machine
may have no msgfmt).

locale/zh_Hans holds the other way round what Django's own Chinese catalogue lacks: msgids in
Django's English, translations in Chinese. `make messages` leaves it alone.
"""

import ast
import functools
import gettext as gnu_gettext
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import translation
from jinja2.ext import GETTEXT_FUNCTIONS, extract_from_ast

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "src" / "guazhi"
PO_FILE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
DJANGO_GAPS_PO_FILE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Han ideographs, CJK punctuation and full-width forms: none of them belongs in an English page.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
CONTEXT_SEPARATOR = "\x04"


# --- the .po catalogue ---------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    context: str | None = None
    plural: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"{self.context}|{self.msgid}" if self.context is not None else self.msgid


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a PO string is a C string; Python's literal syntax reads it


def parse_po(text: str) -> list[Entry]:
    """Live entries of a PO file (header included, obsolete `#~` entries left out)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] = ("msgid", 0)
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is None or target[0] == "msgstr":
                entry = Entry()
                entries.append(entry)
                target = ("flags", 0)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        elif keyword in ("msgctxt", "msgid") and (entry is None or target[0] == "msgstr"):
            entry = Entry()
            entries.append(entry)
        assert entry is not None, f"unexpected line in a .po file: {line}"
        if keyword == "msgctxt":
            entry.context, target = "", ("msgctxt", 0)
        elif keyword == "msgid":
            target = ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.plural, target = "", ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstrs[index] = ""
            target = ("msgstr", index)
        value = _unquote(rest)
        if target[0] == "msgctxt":
            entry.context = (entry.context or "") + value
        elif target[0] == "msgid":
            entry.msgid += value
        elif target[0] == "msgid_plural":
            entry.plural = (entry.plural or "") + value
        else:
            entry.msgstrs[target[1]] += value
    return entries


def catalogue_entries(po_file: Path = PO_FILE) -> list[Entry]:
    return [entry for entry in parse_po(po_file.read_text(encoding="utf-8")) if entry.msgid]


def test_the_po_parser_reads_contexts_plurals_flags_and_skips_obsolete_entries() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, python-format\nmsgid ""\n"共 %(n)s "\n"人"\nmsgstr "%(n)s people"\n\n'
        'msgctxt "月份"\nmsgid "五月"\nmsgstr "May"\n\n'
        'msgid "一项"\nmsgid_plural "多项"\nmsgstr[0] "one item"\nmsgstr[1] "items"\n\n'
        '#, fuzzy\nmsgid "引号\\"内\\""\nmsgstr ""\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n'
    )
    entries = parse_po(text)
    assert [(e.context, e.msgid, e.plural, e.msgstrs, e.flags) for e in entries] == [
        (None, "", None, {0: "Language: en\n"}, set()),
        (None, "共 %(n)s 人", None, {0: "%(n)s people"}, {"python-format"}),
        ("月份", "五月", None, {0: "May"}, set()),
        (None, "一项", "多项", {0: "one item", 1: "items"}, set()),
        (None, '引号"内"', None, {0: ""}, {"fuzzy"}),
    ]


def test_every_catalogue_entry_has_an_english_translation() -> None:
    entries = catalogue_entries()
    untranslated = [e.label for e in entries if not e.msgstrs or not all(e.msgstrs.values())]
    assert len(entries) > 400
    assert untranslated == [], f"{len(untranslated)} entries of {PO_FILE.name} have no English"


def test_no_catalogue_entry_is_fuzzy() -> None:
    fuzzy = [entry.label for entry in catalogue_entries() if "fuzzy" in entry.flags]
    assert fuzzy == [], "fuzzy entries are msgmerge's guesses: check the English, drop the flag"


def test_every_translation_keeps_the_placeholders_of_its_source() -> None:
    wrong = [
        (entry.label, text)
        for entry in catalogue_entries()
        for text in entry.msgstrs.values()
        if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert wrong == []


def test_no_translation_is_left_in_chinese() -> None:
    # Chinese inside quotation marks is what a person must type into an import file (“汉族”).
    chinese = [
        (entry.label, text)
        for entry in catalogue_entries()
        for text in entry.msgstrs.values()
        if CJK.search(re.sub(r"“[^”]*”", "", text))
    ]
    assert chinese == []


# --- the compiled .mo -----------------------------------------------------------------------


def po_catalogue(entries: list[Entry]) -> dict[object, str]:
    """The catalogue as gettext.GNUTranslations keys it: plural forms as (msgid, n)."""
    catalogue: dict[object, str] = {}
    for entry in entries:
        if "fuzzy" in entry.flags or not all(entry.msgstrs.values()):
            continue  # msgfmt leaves these out
        key = entry.msgid
        if entry.context is not None:
            key = f"{entry.context}{CONTEXT_SEPARATOR}{entry.msgid}"
        if entry.plural is None:
            catalogue[key] = entry.msgstrs[0]
        else:
            catalogue.update({(key, index): text for index, text in entry.msgstrs.items()})
    return catalogue


@pytest.mark.parametrize("po_file", [PO_FILE, DJANGO_GAPS_PO_FILE], ids=["en", "zh_Hans"])
def test_the_compiled_catalogue_is_in_step_with_the_po_file(po_file: Path) -> None:
    with po_file.with_suffix(".mo").open("rb") as compiled:
        mo = gnu_gettext.GNUTranslations(compiled)
    compiled_catalogue = {key: text for key, text in mo._catalog.items() if key != ""}  # type: ignore[attr-defined]
    expected = po_catalogue(catalogue_entries(po_file))
    stale = sorted(str(key) for key in expected.keys() ^ compiled_catalogue.keys())
    both = expected.keys() & compiled_catalogue.keys()
    changed = sorted(str(key) for key in both if expected[key] != compiled_catalogue[key])
    assert (stale, changed) == ([], []), "django.mo is out of date: run `make messages`"


def test_the_chinese_catalogue_only_fills_gaps_in_djangos_own_and_is_all_chinese() -> None:
    entries = catalogue_entries(DJANGO_GAPS_PO_FILE)
    assert entries, "locale/zh_Hans/LC_MESSAGES/django.po has no entries"
    # English msgids: a Chinese one here would be a project string makemessages put in by mistake.
    assert [entry.label for entry in entries if CJK.search(entry.msgid)] == []
    not_chinese = [
        entry.label
        for entry in entries
        if not entry.msgstrs or not all(CJK.search(text) for text in entry.msgstrs.values())
    ]
    assert not_chinese == []


# --- every translatable string in the sources -----------------------------------------------

TRANSLATION_FUNCTIONS = {
    "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy",
    "pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy",
}  # fmt: skip


@dataclass(frozen=True)
class Call:
    where: str
    function: str  # the canonical name: gettext, pgettext, ngettext, npgettext
    literals: tuple[str, ...]  # (msgid,) / (context, msgid) / (singular, plural) / (context, s, p)


def _canonical(name: str) -> str:
    return name.removesuffix("_lazy").replace("gettext_noop", "gettext")


def _arity(function: str) -> int:
    return {"gettext": 1, "pgettext": 2, "ngettext": 2}.get(function, 3)


@functools.cache
def python_calls(path: Path) -> list[tuple[Call, list[ast.expr]]]:
    """Calls of Django's translation functions, whatever the module imported them as."""
    return list(_python_calls(path))


def _python_calls(path: Path) -> Iterator[tuple[Call, list[ast.expr]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            names = [a for a in node.names if a.name in TRANSLATION_FUNCTIONS]
            aliases.update({a.asname or a.name: a.name for a in names})
        elif isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            modules.update(a.asname or a.name for a in node.names if a.name == "translation")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in aliases:
            name = aliases[func.id]
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
            and func.attr in TRANSLATION_FUNCTIONS
        ):
            name = func.attr
        else:
            continue
        function = _canonical(name)
        arguments = node.args[: _arity(function)]
        literals = tuple(
            a.value for a in arguments if isinstance(a, ast.Constant) and isinstance(a.value, str)
        )
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        yield Call(where, function, literals), arguments


def template_calls(path: Path) -> Iterator[Call]:
    """gettext calls in a Jinja2 template, found by Jinja2's parser as scripts/jinja_messages.py."""
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    tree = env.parse(path.read_text(encoding="utf-8"))
    for lineno, name, message in extract_from_ast(tree, GETTEXT_FUNCTIONS, babel_style=False):
        function = {"_": "gettext"}.get(name, name)
        parts = message if isinstance(message, tuple) else (message,)
        literals = tuple(part for part in parts[: _arity(function)] if isinstance(part, str))
        yield Call(f"{path.relative_to(ROOT)}:{lineno}", function, literals)


def source_calls() -> list[Call]:
    calls = [call for path in sorted(SOURCES.rglob("*.py")) for call, _node in python_calls(path)]
    templates = sorted(path for path in SOURCES.rglob("*.html") if "templates" in path.parts)
    return calls + [call for path in templates for call in template_calls(path)]


def untranslated(call: Call) -> list[str]:
    """The source strings of `call` that English readers would still see in Chinese."""
    if len(call.literals) < _arity(call.function):
        return []  # a computed msgid (e.g. a gettext_noop constant) is checked where it is written
    with translation.override("en"):
        if call.function == "gettext":
            (msgid,) = call.literals
            pairs = [(msgid, translation.gettext(msgid))]
        elif call.function == "pgettext":
            context, msgid = call.literals
            pairs = [(msgid, translation.pgettext(context, msgid))]
        elif call.function == "ngettext":
            singular, plural = call.literals
            pairs = [
                (singular, translation.ngettext(singular, plural, 1)),
                (plural, translation.ngettext(singular, plural, 2)),
            ]
        else:
            context, singular, plural = call.literals
            pairs = [
                (singular, translation.npgettext(context, singular, plural, 1)),
                (plural, translation.npgettext(context, singular, plural, 2)),
            ]
    return [source for source, english in pairs if CJK.search(source) and english == source]


def test_the_source_scan_finds_strings_in_python_and_in_every_kind_of_jinja_expression() -> None:
    calls = source_calls()
    found = {(call.where.split(":")[0], call.literals) for call in calls}
    # A model label, a lazy label, a Jinja2 call inside a conditional expression, one after `or`.
    assert ("src/guazhi/core/models.py", ("工作日历调整",)) in found
    assert ("src/guazhi/orgs/navigation.py", ("干部名册",)) in found
    assert ("src/guazhi/templates/error.html", ("操作未完成",)) in found
    assert ("src/guazhi/core/templates/core/audit_list.html", ("（未登录）",)) in found


def test_a_string_without_a_translation_is_reported() -> None:
    new = "一句尚未翻译的新文字"
    assert untranslated(Call("x.py:1", "gettext", (new,))) == [new]
    assert untranslated(Call("x.py:2", "gettext", ("干部名册",))) == []


def test_every_translatable_string_in_the_sources_has_english() -> None:
    missing = sorted({f"{c.where}: {text}" for c in source_calls() for text in untranslated(c)})
    hint = "strings without English (run `make messages`, then translate them):\n"
    assert missing == [], hint + "\n".join(missing)


def test_no_gettext_call_builds_its_text_at_run_time() -> None:
    """gettext(f"…") or gettext("…" + x) looks up a string no catalogue can hold."""
    built = [
        f"{call.where}: {ast.unparse(argument)}"
        for path in sorted(SOURCES.rglob("*.py"))
        for call, arguments in python_calls(path)
        for argument in arguments
        if isinstance(argument, ast.JoinedStr | ast.BinOp)
    ]
    assert built == []


# --- pages in English -----------------------------------------------------------------------

# Text a person sees or hears: text nodes and these attributes (data-label heads table cells on
# phones, data-confirm is the confirmation dialogue).
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-label", "data-confirm"}


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        values = dict(attrs)
        self.parts += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]
        button = tag == "input" and values.get("type") in ("submit", "button", "reset")
        if button and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def world_data() -> list[str]:
    """What people typed in, not what the interface says: names of people and units, records."""
    from guazhi.orgs.models import CadreProfile, Organisation, User

    data = {label for _code, label in settings.LANGUAGES}  # each language named in itself
    for row in Organisation.objects.values_list("name", "region_name"):
        data.update(row)
    for row in User.objects.values_list("full_name", "username"):
        data.update(row)
    for profile in CadreProfile.objects.all():
        for model_field in CadreProfile._meta.concrete_fields:
            value = getattr(profile, model_field.attname)
            if isinstance(value, str):
                data.add(value)
            elif isinstance(value, list):
                data.update(item for item in value if isinstance(item, str))
    return sorted((text for text in data if text), key=len, reverse=True)


def chinese_left(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    data = world_data()
    left = []
    for part in parser.parts:
        for text in data:
            part = part.replace(text, " ")
        if CJK.search(part):
            left.append(part)
    return left


def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_login_page_is_all_english(world) -> None:  # type: ignore[no-untyped-def]
    response = english_client().get(reverse("login"))
    html = response.content.decode()
    assert (response.status_code, response.headers["Content-Language"]) == (200, "en")
    assert chinese_left(html) == []
    assert "<h1>Sign in</h1>" in html


def test_the_home_page_of_a_coordinator_is_all_english(world) -> None:  # type: ignore[no-untyped-def]
    client = english_client()
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert (response.status_code, response.headers["Content-Language"]) == (200, "en")
    assert chinese_left(html) == []
    assert "Hello, 组织部王科长" in html
    assert 'aria-label="Main navigation"' in html and ">Cadre roster</a>" in html


def test_the_cadre_roster_is_all_english_but_for_the_records_themselves(world) -> None:  # type: ignore[no-untyped-def]
    client = english_client()
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("orgs:cadre_list"))
    html = response.content.decode()
    assert (response.status_code, reverse("orgs:cadre_list")) == (200, "/orgs/cadres/")
    assert chinese_left(html) == []
    assert "<h1>Cadre roster</h1>" in html and "<th>Political affiliation</th>" in html
    assert world.cadre_a.name in html  # the records are there, only stripped before the check


def test_the_same_pages_stay_chinese_without_the_english_choice(world) -> None:  # type: ignore[no-untyped-def]
    """The check above can fail: without the cookie the interface is Chinese, and it is seen."""
    client = Client()
    client.force_login(world.users["coordinator"])
    left = chinese_left(client.get(reverse("orgs:cadre_list")).content.decode())
    assert "干部名册" in left

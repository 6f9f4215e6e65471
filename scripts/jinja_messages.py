"""Adds to locale/*/django.po the template strings Django's makemessages cannot see in Jinja2.

makemessages reads .html files as Django templates: `{{ _("…") }}` is found only when the call
opens the expression, so `{{ a or _("…") }}`, `{{ _("是") if x else _("否") }}`, macro arguments
and tags spread over several lines are missed. Jinja2's own parser sees every gettext call, so
this step parses each project template with the project's environment, writes what it finds to a
template catalogue and merges that into each translation's django.po with msgmerge, which also
revives the translations makemessages has just marked obsolete for the strings only Jinja2 could
find. The source language's catalogue (locale/zh_Hans: Chinese for Django's own English strings
that Django's catalogue lacks) is no translation of the templates and is left alone.

Run after makemessages and before compilemessages (`make messages` does both).
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")

# How many leading arguments of each gettext function are strings to translate.
ARITY = {"_": 1, "gettext": 1, "ngettext": 2, "pgettext": 2, "npgettext": 3}
# Old-style gettext in the templates: `_("共 %(n)s 人")|format(n=…)`; msgfmt checks these.
FORMAT = re.compile(r"%(\(\w+\))?[sdif]")
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return '"' + escaped.replace("\n", "\\n") + '"'


def template_files() -> list[Path]:
    """The project's own Jinja2 templates (an installed app's Django templates would not parse)."""
    from django.conf import settings
    from django.template import engines

    base = Path(settings.BASE_DIR).resolve()
    files: set[Path] = set()
    for folder in engines["jinja2"].env.loader.searchpath:  # type: ignore[attr-defined]
        folder_path = Path(folder).resolve()
        if folder_path.is_relative_to(base):
            files.update(folder_path.rglob("*.html"))
    return sorted(files)


def extract() -> tuple[list[str], list[str]]:
    """Catalogue entries for every constant gettext call, and a warning for each other call."""
    from django.template import engines
    from jinja2.ext import GETTEXT_FUNCTIONS, extract_from_ast

    env = engines["jinja2"].env  # type: ignore[attr-defined]
    seen: set[tuple[str | None, str, str]] = set()
    entries: list[str] = []
    warnings: list[str] = []
    for path in template_files():
        source = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        calls = extract_from_ast(env.parse(source), GETTEXT_FUNCTIONS, babel_style=False)
        for lineno, function, message in calls:
            parts = list(message) if isinstance(message, tuple) else [message]
            literals = [text for text in parts[: ARITY[function]] if isinstance(text, str)]
            if len(literals) < ARITY[function]:
                warnings.append(f"{where}:{lineno}: {function}() of something other than a literal")
                continue
            context = literals.pop(0) if function in ("pgettext", "npgettext") else None
            msgid, plural = literals[0], (literals[1] if len(literals) > 1 else "")
            key = (context, msgid, plural)
            if key in seen:
                continue
            seen.add(key)
            lines = []
            if FORMAT.search(msgid):
                lines.append("#, python-format")
            if context is not None:
                lines.append(f"msgctxt {quote(context)}")
            lines.append(f"msgid {quote(msgid)}")
            if plural:
                lines += [f"msgid_plural {quote(plural)}", 'msgstr[0] ""', 'msgstr[1] ""']
            else:
                lines.append('msgstr ""')
            entries.append("\n".join(lines) + "\n")
    return entries, warnings


def merge(po_file: Path, pot_file: Path, work: Path) -> None:
    """django.po := its live entries plus the template strings, translations kept or revived."""
    live = work / "live.po"
    reference = work / "reference.pot"
    subprocess.run(["msgattrib", "--no-obsolete", "-o", str(live), str(po_file)], check=True)
    # --use-first: where both define a string, keep django.po's entry (msgmerge reads only ids).
    union = [
        "msgcat",
        "--use-first",
        "--to-code=utf-8",
        "-o",
        str(reference),
        str(live),
        str(pot_file),
    ]
    subprocess.run(union, check=True)
    update = ["msgmerge", "-q", "--previous", "--no-location", "--backup=none", "--update"]
    subprocess.run([*update, str(po_file), str(reference)], check=True)


def main() -> int:
    import django

    django.setup()
    entries, warnings = extract()
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    from django.conf import settings
    from django.utils.translation import to_locale

    # The source language's catalogue (msgids in English: Django's own strings it lacks) is
    # not a translation of the templates' Chinese strings; leave it alone.
    source = to_locale(settings.LANGUAGE_CODE)
    po_files = sorted(
        path
        for path in (ROOT / "locale").glob("*/LC_MESSAGES/django.po")
        if path.parent.parent.name != source
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pot_file = work / "jinja.pot"
        pot_file.write_text("\n".join([HEADER, *entries]), encoding="utf-8")
        for po_file in po_files:
            merge(po_file, pot_file, work)
    print(f"{len(entries)} template strings checked against {len(po_files)} catalogue(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

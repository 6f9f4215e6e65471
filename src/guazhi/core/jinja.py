"""The Jinja2 environment every page renders with (see CONTRIBUTING.md for why Jinja2)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.template.backends.jinja2 import Jinja2
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext, pgettext
from jinja2 import Environment, select_autoescape

from guazhi.core.text import join_list


class AppTemplatesJinja2(Jinja2):
    """Jinja2 that looks in each app's templates/ folder, the layout the house style decided."""

    app_dirname = "templates"


_reversed: dict[tuple[Any, ...], str] = {}


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """reverse(), remembered: a page asks for the same 20 menu links on every request, and
    reverse() costs more than the rest of the menu. The URL configuration never changes while
    the process runs; the script prefix (SCRIPT_NAME) and urlconf are part of the key."""
    key = (get_script_prefix(), get_urlconf(), name, args, tuple(sorted(kwargs.items())))
    found = _reversed.get(key)
    if found is None:
        found = reverse(name, args=args or None, kwargs=kwargs or None)
        if len(_reversed) < 10_000:  # URLs with object ids are many; keep the memory bounded
            _reversed[key] = found
    return found


def format_date(value: dt.date | dt.datetime | None, with_time: bool = False) -> str:
    """2026年11月23日 in Chinese, 2026-11-23 in English: what each reader expects."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    chinese = translation.get_language() != "en"
    if chinese:
        text = f"{value.year}年{value.month}月{value.day}日"
        if with_time and isinstance(value, dt.datetime):
            text += f" {value:%H:%M}"
        return text
    return value.strftime(
        "%Y-%m-%d %H:%M" if with_time and isinstance(value, dt.datetime) else "%Y-%m-%d"
    )


def environment(**options: Any) -> Environment:
    options.setdefault("autoescape", select_autoescape(default=True, default_for_string=True))
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    # Old-style gettext: `_("共 %(n)s 人")|format(n=…)`, so makemessages can read the calls.
    env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.globals.update(
        {
            "static": static,
            "url": url,
            "pgettext": pgettext,
            "get_messages": get_messages,
            "get_language": translation.get_language,
            "LANGUAGES": settings.LANGUAGES,
            "DEBUG": settings.DEBUG,
        }
    )
    env.filters["join_list"] = join_list
    env.filters["date_zh"] = format_date
    env.filters["datetime_zh"] = lambda value: format_date(value, with_time=True)
    return env

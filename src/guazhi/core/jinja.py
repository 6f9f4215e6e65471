"""The Jinja2 environment every page renders with (see CONTRIBUTING.md for why Jinja2)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.template.backends.jinja2 import Jinja2
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext, pgettext
from jinja2 import Environment, select_autoescape


class AppTemplatesJinja2(Jinja2):
    """Jinja2 that looks in each app's templates/ folder, the layout the house style decided."""

    app_dirname = "templates"


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


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
    return value.strftime("%Y-%m-%d %H:%M" if with_time and isinstance(value, dt.datetime) else "%Y-%m-%d")


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
    env.filters["date_zh"] = format_date
    env.filters["datetime_zh"] = lambda value: format_date(value, with_time=True)
    return env

"""Messages that keep their Chinese source and parameters, to be shown later in any language.

A message made now but read later by someone else (a background job's outcome, made in the
worker and read in the owner's browser) must not be frozen in the language of the moment.
`Message(gettext_noop("共有 %(n)s 处错误…"), n=3)` is a str, the text in the active language,
so it goes wherever a message goes (ValidationFailed, a form error, an equality check); where it
is stored, `message_source` keeps the msgid and parameters and `message_text` translates them
again for whoever reads it.

Parameters may be numbers, plain text (names, column headers: shown as they are), other
Messages (a translated word inside a sentence) or lists of these (joined as the reader's
language joins lists).
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

from guazhi.core.text import join_list

Source = dict[str, Any]  # {"msgid": str, "params": {name: value}}, as JSON keeps it


class Message(str):
    """A translated message that remembers its source; write the msgid as
    `gettext_noop("…")` so makemessages finds it."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> "Message":
        message = super().__new__(cls, message_text({"msgid": msgid, "params": params}))
        message.msgid, message.params = msgid, params
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        # copy and pickle would otherwise rebuild it from its text as if that were the msgid.
        return (_rebuild, (self.msgid, self.params))


def msgid_of(label: Any) -> str:
    """A model or choice label (gettext_lazy) as its msgid: Chinese is the source language,
    so the label read in Chinese is it. For sheets that use the Chinese words whatever the
    interface language, and for labels nested in a stored message."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(label)


def label_message(label: Any) -> "Message":
    """A model or choice label as a Message, to sit inside a message kept for later."""
    return Message(msgid_of(label))


def _rebuild(msgid: str, params: dict[str, Any]) -> Message:
    return Message(msgid, **params)


def message_source(message: Message) -> Source:
    """What JSON keeps of a message: its msgid and its parameters, nested messages included."""
    return {
        "msgid": message.msgid,
        "params": {k: _param_source(v) for k, v in message.params.items()},
    }


def _param_source(value: Any) -> Any:
    if isinstance(value, Message):
        return message_source(value)
    if isinstance(value, list | tuple):
        return [_param_source(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # a date, a lazy string: as text, JSON holds nothing richer


def message_text(source: Mapping[str, Any]) -> str:
    """A message source translated into the active language."""
    text = gettext(source["msgid"])
    params = source.get("params") or {}
    if not params:
        return text
    return text % {name: _param_text(value) for name, value in params.items()}


def _param_text(value: Any) -> Any:
    if isinstance(value, Message):
        return message_text(message_source(value))
    if isinstance(value, Mapping) and "msgid" in value:
        return message_text(value)
    if isinstance(value, list | tuple):
        return join_list(_param_text(item) for item in value)
    return value


def stored_text(text: str, source: Any = None) -> str:
    """A message kept as text (and perhaps its source), in the active language: from the source
    when there is one; else the text itself, translated when it is a msgid (one without
    parameters, stored in Chinese), as it is when it is not."""
    if isinstance(source, Mapping) and "msgid" in source:
        return message_text(source)
    return gettext(text) if text else ""

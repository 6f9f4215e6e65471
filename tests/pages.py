"""Reading pages in view tests: a logged-in client, the page's text, a field's error as rendered."""

from typing import Any

from django.test import Client


def as_user(client: Client, world: Any, role: str) -> Client:
    client.force_login(world.users[role])
    return client


def page(response: Any) -> str:
    return response.content.decode()


def field_error(field: str, message: str) -> str:
    """The message as Django renders it under the field, so it is shown where it belongs."""
    return f'<ul class="errorlist" id="id_{field}_error"><li>{message}</li></ul>'

"""Placeholders for the routes the menus link to while the areas are built (removed when done)."""

from django.http import Http404, HttpRequest, HttpResponse


def not_yet(request: HttpRequest, **kwargs: int) -> HttpResponse:
    raise Http404()

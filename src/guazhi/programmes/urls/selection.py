"""URL patterns of the programmes area 'selection' (included by programmes/urls/__init__.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

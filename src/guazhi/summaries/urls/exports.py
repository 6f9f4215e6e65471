"""exports URLs (see guazhi.summaries.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

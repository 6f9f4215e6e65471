"""results URLs (see guazhi.evaluation.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

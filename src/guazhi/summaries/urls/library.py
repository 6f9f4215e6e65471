"""library URLs (see guazhi.summaries.urls)."""

from django.urls import path

from guazhi.summaries.views.placeholder import not_yet

urlpatterns = [
    path("library/", not_yet, name="library_list"),
]

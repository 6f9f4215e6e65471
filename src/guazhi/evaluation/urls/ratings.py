"""ratings URLs (see guazhi.evaluation.urls)."""

from django.urls import path

from guazhi.evaluation.views.placeholder import not_yet

urlpatterns = [
    path("ratings/", not_yet, name="rating_inbox"),
]

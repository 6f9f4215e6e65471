"""rounds URLs (see guazhi.evaluation.urls)."""

from django.urls import path

from guazhi.evaluation.views.placeholder import not_yet

urlpatterns = [
    path("batches/<int:batch_pk>/rounds/", not_yet, name="round_list"),
    path("mine/", not_yet, name="my_evaluations"),
]

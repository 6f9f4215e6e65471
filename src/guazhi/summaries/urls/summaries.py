"""summaries URLs (see guazhi.summaries.urls)."""

from django.urls import path

from guazhi.summaries.views.placeholder import not_yet

urlpatterns = [
    path("assignments/<int:assignment_pk>/", not_yet, name="summary_list"),
    path("batches/<int:batch_pk>/", not_yet, name="batch_summaries"),
]

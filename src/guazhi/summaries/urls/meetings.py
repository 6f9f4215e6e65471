"""meetings URLs (see guazhi.summaries.urls)."""

from django.urls import path

from guazhi.summaries.views.placeholder import not_yet

urlpatterns = [
    path("batches/<int:batch_pk>/meetings/", not_yet, name="meeting_list"),
]

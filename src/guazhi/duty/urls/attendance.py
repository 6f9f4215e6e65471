"""attendance URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views.placeholder import placeholder

urlpatterns = [
    path(
        "assignments/<int:assignment_pk>/", placeholder, name="assignment_overview"
    ),  # TEMPORARY placeholder
    path(
        "batches/<int:batch_pk>/attendance/", placeholder, name="attendance_batch"
    ),  # TEMPORARY placeholder
]

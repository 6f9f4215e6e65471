"""reports URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views.placeholder import placeholder

urlpatterns = [
    path(
        "assignments/<int:assignment_pk>/reports/", placeholder, name="report_list"
    ),  # TEMPORARY placeholder
    path(
        "batches/<int:batch_pk>/reports/", placeholder, name="report_batch"
    ),  # TEMPORARY placeholder
]

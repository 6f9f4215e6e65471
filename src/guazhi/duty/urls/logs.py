"""logs URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views.placeholder import placeholder

urlpatterns = [
    path(
        "assignments/<int:assignment_pk>/log/", placeholder, name="log_list"
    ),  # TEMPORARY placeholder
    path("batches/<int:batch_pk>/log/", placeholder, name="log_batch"),  # TEMPORARY placeholder
]

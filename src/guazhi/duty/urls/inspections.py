"""inspections URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views.placeholder import placeholder

urlpatterns = [
    path(
        "assignments/<int:assignment_pk>/checks/", placeholder, name="check_list"
    ),  # TEMPORARY placeholder
    path(
        "batches/<int:batch_pk>/inspections/", placeholder, name="inspection_list"
    ),  # TEMPORARY placeholder
]

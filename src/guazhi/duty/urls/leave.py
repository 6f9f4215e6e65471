"""leave URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views.placeholder import placeholder

urlpatterns = [
    path("approvals/", placeholder, name="approval_inbox"),  # TEMPORARY placeholder
    path(
        "assignments/<int:assignment_pk>/leave/", placeholder, name="leave_list"
    ),  # TEMPORARY placeholder
]

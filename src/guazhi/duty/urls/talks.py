"""talks URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views.placeholder import placeholder

urlpatterns = [
    path(
        "assignments/<int:assignment_pk>/talks/", placeholder, name="talk_list"
    ),  # TEMPORARY placeholder
]

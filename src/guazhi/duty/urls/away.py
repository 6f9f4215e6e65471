"""away URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views.placeholder import placeholder

urlpatterns = [
    path(
        "assignments/<int:assignment_pk>/away/", placeholder, name="away_list"
    ),  # TEMPORARY placeholder
]

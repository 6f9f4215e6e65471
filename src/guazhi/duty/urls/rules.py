"""rules URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views.placeholder import placeholder

urlpatterns = [
    path("batches/<int:batch_pk>/rules/", placeholder, name="rules_edit"),  # TEMPORARY placeholder
]

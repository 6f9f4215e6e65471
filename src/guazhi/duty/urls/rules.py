"""rules URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views import rules

urlpatterns = [
    path("batches/<int:batch_pk>/rules/", rules.rules_edit, name="rules_edit"),
]

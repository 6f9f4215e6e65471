"""talks URLs (see guazhi.duty.urls): a person's heart-to-heart talks, for leaders in scope."""

from django.urls import path

from guazhi.duty.views import talks

urlpatterns = [
    path("assignments/<int:assignment_pk>/talks/", talks.talk_list, name="talk_list"),
    path("talks/<int:talk_pk>/edit/", talks.talk_edit, name="talk_edit"),
]

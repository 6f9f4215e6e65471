"""URL patterns of the programmes area 'call' (included by programmes/urls/__init__.py)."""

from django.urls import URLPattern, path

from guazhi.programmes.views import call as views

urlpatterns: list[URLPattern] = [
    path("calls/", views.call_list, name="call_list"),
    path("batches/<int:batch_pk>/notice/", views.notice_edit, name="notice_edit"),
    path("batches/<int:batch_pk>/notice/publish/", views.notice_publish, name="notice_publish"),
    path("batches/<int:batch_pk>/apply/", views.application_form, name="application_form"),
    path(
        "batches/<int:batch_pk>/apply/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "batches/<int:batch_pk>/apply/decline/",
        views.recommendation_decline,
        name="recommendation_decline",
    ),
    path("batches/<int:batch_pk>/applications/", views.application_list, name="application_list"),
    path(
        "batches/<int:batch_pk>/recommend/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path("posts/<int:post_pk>/preferences/", views.host_preferences, name="host_preferences"),
]

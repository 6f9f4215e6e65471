"""commendations URLs (see guazhi.evaluation.urls): a batch's nominations and decisions under
/evaluation/batches/<batch_pk>/commendations/…, one nomination under /evaluation/nominations/…,
one decision under /evaluation/commendation-decisions/…."""

from django.urls import path

from guazhi.evaluation.views import commendations as views

urlpatterns = [
    path(
        "batches/<int:batch_pk>/commendations/",
        views.commendation_list,
        name="commendation_list",
    ),
    path(
        "batches/<int:batch_pk>/commendations/nominate/",
        views.commendation_nominate,
        name="commendation_nominate",
    ),
    path(
        "batches/<int:batch_pk>/commendations/decisions/new/",
        views.commendation_decision_create,
        name="commendation_decision_create",
    ),
    path(
        "nominations/<int:nomination_pk>/",
        views.commendation_detail,
        name="commendation_detail",
    ),
    path(
        "nominations/<int:nomination_pk>/decide/",
        views.commendation_decide,
        name="commendation_decide",
    ),
    path(
        "nominations/<int:nomination_pk>/withdraw/",
        views.commendation_withdraw,
        name="commendation_withdraw",
    ),
    path(
        "commendation-decisions/<int:decision_pk>/",
        views.commendation_decision_edit,
        name="commendation_decision_edit",
    ),
    path(
        "commendation-decisions/<int:decision_pk>/word/",
        views.commendation_decision_word,
        name="commendation_decision_word",
    ),
]

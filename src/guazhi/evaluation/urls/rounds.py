"""rounds URLs (see guazhi.evaluation.urls): a batch's rounds, one round's set-up and moves, a
person's evidence, and the person's own evaluations with the self-assessment."""

from django.urls import path

from guazhi.evaluation.views import rounds

urlpatterns = [
    path("batches/<int:batch_pk>/rounds/", rounds.round_list, name="round_list"),
    path("batches/<int:batch_pk>/rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:round_pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:round_pk>/settings/", rounds.round_settings, name="round_settings"),
    path("rounds/<int:round_pk>/weights/", rounds.round_weights, name="round_weights"),
    path("rounds/<int:round_pk>/thresholds/", rounds.round_thresholds, name="round_thresholds"),
    path("rounds/<int:round_pk>/evaluees/add/", rounds.round_evaluee_add, name="round_evaluee_add"),
    path(
        "evaluees/<int:evaluee_pk>/remove/",
        rounds.round_evaluee_remove,
        name="round_evaluee_remove",
    ),
    path(
        "evaluees/<int:evaluee_pk>/scheme/",
        rounds.round_evaluee_scheme,
        name="round_evaluee_scheme",
    ),
    path("rounds/<int:round_pk>/open/", rounds.round_open, name="round_open"),
    path("rounds/<int:round_pk>/close/", rounds.round_close, name="round_close"),
    path("rounds/<int:round_pk>/reopen/", rounds.round_reopen, name="round_reopen"),
    path("evaluees/<int:evaluee_pk>/evidence/", rounds.evidence_page, name="evaluee_evidence"),
    path("evaluees/<int:evaluee_pk>/self/", rounds.self_assessment, name="self_assessment"),
    path("mine/", rounds.my_evaluations, name="my_evaluations"),
]

"""results URLs (see guazhi.evaluation.urls)."""

from django.urls import path

from guazhi.evaluation.views import results

urlpatterns = [
    path("rounds/<int:round_pk>/results/", results.round_results, name="round_results"),
    path("rounds/<int:round_pk>/results/decide/", results.result_decide, name="result_decide"),
    path("rounds/<int:round_pk>/results/reopen/", results.result_reopen, name="result_reopen"),
    path(
        "rounds/<int:round_pk>/results/quota-exception/",
        results.result_quota_exception,
        name="result_quota_exception",
    ),
    path("rounds/<int:round_pk>/results/publish/", results.result_publish, name="result_publish"),
    path("rounds/<int:round_pk>/publicity/", results.result_publicity, name="result_publicity"),
    path(
        "rounds/<int:round_pk>/publicity/objection/",
        results.objection_raise,
        name="objection_raise",
    ),
    path(
        "objections/<int:objection_pk>/resolve/",
        results.objection_resolve,
        name="objection_resolve",
    ),
    path("flags/<int:flag_pk>/dismiss/", results.flag_dismiss, name="flag_dismiss"),
    path("evaluees/<int:evaluee_pk>/result/", results.evaluee_result, name="evaluee_result"),
    path("evaluees/<int:evaluee_pk>/result/grade/", results.result_adjust, name="result_adjust"),
    path(
        "evaluees/<int:evaluee_pk>/result/acknowledge/",
        results.result_acknowledge,
        name="result_acknowledge",
    ),
]

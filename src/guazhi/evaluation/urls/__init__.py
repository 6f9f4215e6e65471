"""Evaluation URLs, one module per area so each area's views stay together.

A batch's rounds live under /evaluation/batches/<batch_pk>/…, one round under
/evaluation/rounds/<round_pk>/…, one person's evaluation under /evaluation/evaluees/<evaluee_pk>/…,
the democratic evaluation's code form at /evaluation/code/ (no account needed), commendations
under /evaluation/batches/<batch_pk>/commendations/….
"""

from guazhi.evaluation.urls import commendations, forms, ratings, results, rounds

app_name = "evaluation"

urlpatterns = [
    *rounds.urlpatterns,
    *ratings.urlpatterns,
    *results.urlpatterns,
    *forms.urlpatterns,
    *commendations.urlpatterns,
]

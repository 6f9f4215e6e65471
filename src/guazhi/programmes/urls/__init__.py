"""Programmes URLs, one module per area so each area's views stay together."""

from guazhi.programmes.urls import batches, call, groups, runs, selection

app_name = "programmes"

urlpatterns = [
    *batches.urlpatterns,
    *call.urlpatterns,
    *runs.urlpatterns,
    *selection.urlpatterns,
    *groups.urlpatterns,
]

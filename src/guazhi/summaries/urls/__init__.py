"""Summaries, library and meetings URLs, one module per area so each area's views stay together.

A person's summaries live under /summaries/assignments/<assignment_pk>/…, one summary under
/summaries/<summary_pk>/…, a batch's overviews under /summaries/batches/<batch_pk>/…, the
experience library under /summaries/library/….
"""

from guazhi.summaries.urls import exports, library, meetings, summaries

app_name = "summaries"

urlpatterns = [
    *summaries.urlpatterns,
    *exports.urlpatterns,
    *library.urlpatterns,
    *meetings.urlpatterns,
]

"""On-duty URLs, one module per area so each area's views stay together.

A person's record lives under /duty/assignments/<assignment_pk>/…, a batch's overviews under
/duty/batches/<batch_pk>/…, the approval inbox at /duty/approvals/.
"""

from guazhi.duty.urls import (
    attendance,
    away,
    home,
    inspections,
    leave,
    logs,
    reports,
    rules,
    talks,
    tasks,
)

app_name = "duty"

urlpatterns = [
    *home.urlpatterns,
    *rules.urlpatterns,
    *leave.urlpatterns,
    *away.urlpatterns,
    *attendance.urlpatterns,
    *logs.urlpatterns,
    *tasks.urlpatterns,
    *talks.urlpatterns,
    *reports.urlpatterns,
    *inspections.urlpatterns,
]

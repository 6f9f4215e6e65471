"""inspections URLs (see guazhi.duty.urls): the batch's inspections, one inspection and its
checks (coordinators), a person's recorded checks."""

from django.urls import path

from guazhi.duty.views import inspections

urlpatterns = [
    path("assignments/<int:assignment_pk>/checks/", inspections.check_list, name="check_list"),
    path(
        "batches/<int:batch_pk>/inspections/",
        inspections.inspection_list,
        name="inspection_list",
    ),
    path(
        "inspections/<int:inspection_pk>/",
        inspections.inspection_detail,
        name="inspection_detail",
    ),
    path(
        "inspections/<int:inspection_pk>/complete/",
        inspections.inspection_complete,
        name="inspection_complete",
    ),
    path(
        "inspection-checks/<int:check_pk>/record/",
        inspections.check_record,
        name="check_record",
    ),
    path(
        "inspection-checks/<int:check_pk>/rectified/",
        inspections.check_rectified,
        name="check_rectified",
    ),
]

"""attendance URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views import attendance

urlpatterns = [
    path(
        "assignments/<int:assignment_pk>/",
        attendance.assignment_overview,
        name="assignment_overview",
    ),
    path(
        "assignments/<int:assignment_pk>/ledger.xlsx",
        attendance.ledger_export,
        name="ledger_export",
    ),
    path(
        "batches/<int:batch_pk>/attendance/",
        attendance.attendance_batch,
        name="attendance_batch",
    ),
    path(
        "batches/<int:batch_pk>/attendance/send/",
        attendance.attendance_return_send,
        name="attendance_return_submit",
    ),
    path(
        "batches/<int:batch_pk>/attendance/export/",
        attendance.attendance_export,
        name="attendance_export",
    ),
    path(
        "batches/<int:batch_pk>/attendance/export-all/",
        attendance.attendance_export_batch,
        name="attendance_export_batch",
    ),
    path(
        "batches/<int:batch_pk>/ledger/export/",
        attendance.ledger_export_batch,
        name="ledger_export_batch",
    ),
]

"""reports URLs (see guazhi.duty.urls)."""

from django.urls import path

from guazhi.duty.views import reports

urlpatterns = [
    path("assignments/<int:assignment_pk>/reports/", reports.report_list, name="report_list"),
    path(
        "assignments/<int:assignment_pk>/reports/start/",
        reports.report_start,
        name="report_start",
    ),
    path("reports/<int:report_pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:report_pk>/review/", reports.report_review, name="report_review"),
    path("reports/<int:report_pk>/word/", reports.report_export, name="report_export"),
    path("batches/<int:batch_pk>/reports/", reports.report_batch, name="report_batch"),
]

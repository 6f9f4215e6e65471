"""Work calendar, audit trail, background jobs, attachments and notifications."""

from django.urls import path

from guazhi.core.views import attachments, audit, calendar, jobs, notifications

app_name = "core"

urlpatterns = [
    path("calendar/", calendar.calendar_overview, name="calendar"),
    path("calendar/overrides/new/", calendar.override_create, name="calendar_override_create"),
    path(
        "calendar/overrides/<int:override_pk>/delete/",
        calendar.override_delete,
        name="calendar_override_delete",
    ),
    path("audit/", audit.audit_list, name="audit_list"),
    path("jobs/<uuid:job_pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<uuid:job_pk>/download/", jobs.job_download, name="job_download"),
    path(
        "attachments/<int:attachment_pk>/",
        attachments.attachment_download,
        name="attachment_download",
    ),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path(
        "notifications/<int:notification_pk>/open/",
        notifications.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notification_read_all",
    ),
]

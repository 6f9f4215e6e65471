"""meetings URLs (see guazhi.summaries.urls): a batch's meetings, one meeting, its forms, files.

A meeting's files download through core:attachment_download (selectors.meetings registers
who may read them)."""

from django.urls import path

from guazhi.summaries.views import meetings

urlpatterns = [
    path("batches/<int:batch_pk>/meetings/", meetings.meeting_list, name="meeting_list"),
    path("batches/<int:batch_pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_pk>/delete/", meetings.meeting_delete, name="meeting_delete"),
    path("meetings/<int:meeting_pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:meeting_pk>/speakers/", meetings.meeting_speakers, name="meeting_speakers"),
    path(
        "meetings/<int:meeting_pk>/summaries/",
        meetings.meeting_summaries,
        name="meeting_summaries",
    ),
    path(
        "meetings/<int:meeting_pk>/files/", meetings.meeting_file_upload, name="meeting_file_upload"
    ),
    path(
        "meetings/files/<int:meeting_file_pk>/delete/",
        meetings.meeting_file_delete,
        name="meeting_file_delete",
    ),
]

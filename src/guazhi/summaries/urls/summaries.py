"""summaries URLs (see guazhi.summaries.urls)."""

from django.urls import path

from guazhi.summaries.views import summaries

urlpatterns = [
    path("assignments/<int:assignment_pk>/", summaries.summary_list, name="summary_list"),
    path("assignments/<int:assignment_pk>/start/", summaries.summary_start, name="summary_start"),
    path("<int:summary_pk>/", summaries.summary_detail, name="summary_detail"),
    path("<int:summary_pk>/edit/", summaries.summary_edit, name="summary_edit"),
    path("<int:summary_pk>/save/", summaries.summary_save, name="summary_save"),
    path("<int:summary_pk>/review/", summaries.summary_review, name="summary_review"),
    path("<int:summary_pk>/appraise/", summaries.summary_appraise, name="summary_appraise"),
    path("<int:summary_pk>/archive/", summaries.summary_archive, name="summary_archive"),
    path("batches/<int:batch_pk>/", summaries.batch_summaries, name="batch_summaries"),
    path("batches/<int:batch_pk>/template/", summaries.template_edit, name="template_edit"),
]

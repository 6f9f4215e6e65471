"""logs URLs (see guazhi.duty.urls): a person's work log, one entry, the batch's 工作纪实 tab."""

from django.urls import path

from guazhi.duty.views import logs

urlpatterns = [
    path("assignments/<int:assignment_pk>/log/", logs.log_list, name="log_list"),
    path("log/<int:log_entry_pk>/", logs.log_entry_detail, name="log_entry_detail"),
    path("log/<int:log_entry_pk>/edit/", logs.log_entry_edit, name="log_entry_edit"),
    path("log/<int:log_entry_pk>/delete/", logs.log_entry_delete, name="log_entry_delete"),
    path("batches/<int:batch_pk>/log/", logs.log_batch, name="log_batch"),
]

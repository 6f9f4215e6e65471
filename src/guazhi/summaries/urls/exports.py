"""exports URLs (see guazhi.summaries.urls)."""

from django.urls import path

from guazhi.summaries.views import exports

urlpatterns = [
    path("<int:summary_pk>/word/", exports.summary_word, name="summary_word"),
    path("batches/<int:batch_pk>/export/", exports.batch_export, name="batch_export"),
]

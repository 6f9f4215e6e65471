"""forms URLs (see guazhi.evaluation.urls): a round's forms page, one person's forms as Word,
the round's forms as a zip (a background job), the 考核花名册 as Excel."""

from django.urls import path

from guazhi.evaluation.views import forms

urlpatterns = [
    path("rounds/<int:round_pk>/forms/", forms.form_list, name="form_list"),
    path("rounds/<int:round_pk>/forms/zip/", forms.form_batch, name="form_batch"),
    path("rounds/<int:round_pk>/roster.xlsx", forms.roster_export, name="roster_export"),
    path("evaluees/<int:evaluee_pk>/forms/annual.docx", forms.form_annual, name="form_annual"),
    path(
        "evaluees/<int:evaluee_pk>/forms/appraisal.docx",
        forms.form_appraisal,
        name="form_appraisal",
    ),
]

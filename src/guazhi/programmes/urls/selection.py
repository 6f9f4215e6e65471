"""URL patterns of the programmes area 'selection' (included by programmes/urls/__init__.py):
vetting and decision, publicity (公示) with its objections, approval, withdrawal and the Word
export, and the public notice every reader of the batch may open."""

from django.urls import URLPattern, path

from guazhi.programmes.views import selection as views

urlpatterns: list[URLPattern] = [
    path("batches/<int:batch_pk>/selection/", views.selection, name="selection"),
    path("batches/<int:batch_pk>/selection/step/", views.selection_step, name="selection_step"),
    path(
        "assignments/<int:assignment_pk>/cancel/",
        views.assignment_cancel,
        name="assignment_cancel",
    ),
    path("batches/<int:batch_pk>/publicity/start/", views.publicity_start, name="publicity_start"),
    path("batches/<int:batch_pk>/publicity/", views.publicity, name="publicity"),
    path(
        "batches/<int:batch_pk>/publicity/objections/new/",
        views.objection_create,
        name="objection_create",
    ),
    path(
        "objections/<int:objection_pk>/resolve/",
        views.objection_resolve,
        name="objection_resolve",
    ),
    path(
        "batches/<int:batch_pk>/publicity/approve/",
        views.publicity_approve,
        name="publicity_approve",
    ),
    path(
        "batches/<int:batch_pk>/publicity/withdraw/",
        views.publicity_withdraw,
        name="publicity_withdraw",
    ),
    path(
        "batches/<int:batch_pk>/publicity/notice/", views.publicity_notice, name="publicity_notice"
    ),
    path(
        "batches/<int:batch_pk>/publicity/export.docx",
        views.publicity_export,
        name="publicity_export",
    ),
]

"""URL patterns of the programmes area 'groups': the batch's people, groups, training."""

from django.urls import URLPattern, path

from guazhi.programmes.views import assignments, groups, training

urlpatterns: list[URLPattern] = [
    path("batches/<int:batch_pk>/people/", assignments.assignment_list, name="assignment_list"),
    path(
        "assignments/<int:assignment_pk>/",
        assignments.assignment_detail,
        name="assignment_detail",
    ),
    path(
        "assignments/<int:assignment_pk>/report-duty/",
        assignments.assignment_report_duty,
        name="assignment_report_duty",
    ),
    path(
        "assignments/<int:assignment_pk>/outcome/",
        assignments.assignment_outcome,
        name="assignment_outcome",
    ),
    path("batches/<int:batch_pk>/groups/", groups.group_list, name="group_list"),
    path("batches/<int:batch_pk>/groups/new/", groups.group_create, name="group_create"),
    path("groups/<int:group_pk>/edit/", groups.group_edit, name="group_edit"),
    path("batches/<int:batch_pk>/training/", training.training_list, name="training_list"),
    path("batches/<int:batch_pk>/training/new/", training.training_create, name="training_create"),
    path("training/<int:session_pk>/", training.training_detail, name="training_detail"),
    path("training/<int:session_pk>/edit/", training.training_edit, name="training_edit"),
    path("training/<int:session_pk>/delete/", training.training_delete, name="training_delete"),
    path(
        "training/<int:session_pk>/attendance/",
        training.training_attendance,
        name="training_attendance",
    ),
    path(
        "training/<int:session_pk>/materials/",
        training.training_material_upload,
        name="training_material_upload",
    ),
    path(
        "training/materials/<int:attachment_pk>/delete/",
        training.training_material_delete,
        name="training_material_delete",
    ),
]

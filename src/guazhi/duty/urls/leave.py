"""leave URLs (see guazhi.duty.urls): a person's leave under their record, one request under
/duty/leave/<leave_pk>/, the approval inbox at /duty/approvals/."""

from django.urls import path

from guazhi.duty.views import leave

urlpatterns = [
    path("approvals/", leave.approval_inbox, name="approval_inbox"),
    path("assignments/<int:assignment_pk>/leave/", leave.leave_list, name="leave_list"),
    path("assignments/<int:assignment_pk>/leave/new/", leave.leave_create, name="leave_create"),
    path(
        "assignments/<int:assignment_pk>/leave/afterwards/",
        leave.leave_emergency,
        name="leave_emergency",
    ),
    path("leave/<int:leave_pk>/", leave.leave_detail, name="leave_detail"),
    path("leave/<int:leave_pk>/edit/", leave.leave_edit, name="leave_edit"),
    path("leave/<int:leave_pk>/submit/", leave.leave_submit_view, name="leave_submit"),
    path("leave/<int:leave_pk>/decide/", leave.leave_decide_view, name="leave_decide"),
    path("leave/<int:leave_pk>/withdraw/", leave.leave_withdraw, name="leave_withdraw"),
    path("leave/<int:leave_pk>/extend/", leave.leave_extend, name="leave_extend"),
    path("leave/<int:leave_pk>/return/", leave.leave_return_view, name="leave_return"),
    path(
        "leave/<int:leave_pk>/files/",
        leave.leave_attachment_upload,
        name="leave_attachment_upload",
    ),
]

"""Pre-dispatch training (岗前培训): sessions, their materials and the attendance list.

The batch's staff read the sessions and the attendance of the people they see; coordinators
arrange, correct and delete sessions (delete only before any attendance is recorded), upload
and remove materials, and record attendance for the whole list in one form.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.attachments import attachments_of, kind_of
from guazhi.core.errors import GuazhiError, InvalidTransition, ValidationFailed
from guazhi.core.forms import GuazhiForm, show_service_errors
from guazhi.orgs.access import acting_user, roles_required
from guazhi.programmes.forms.groups import AttendanceRowForm, MaterialForm, TrainingSessionForm
from guazhi.programmes.models import AttendanceStatus, Batch, TrainingSession
from guazhi.programmes.selectors import groups as selectors
from guazhi.programmes.selectors.scope import (
    BATCH_MANAGER_ROLES,
    BATCH_STAFF_ROLES,
    access_batch,
    can_manage_batch,
)
from guazhi.programmes.services import groups as services
from guazhi.programmes.views.common import act, render_batch_page, submit


@roles_required(*BATCH_STAFF_ROLES)
def training_list(request: HttpRequest, batch_pk: int) -> HttpResponse:
    actor = acting_user(request)
    batch = access_batch(actor=actor, pk=batch_pk)
    return render_batch_page(
        request,
        "programmes/training_list.html",
        batch,
        {
            "sessions": selectors.training_session_list(batch=batch),
            "can_manage": can_manage_batch(actor=actor, batch=batch)
            and batch.state in selectors.SERVING_BATCH_STATES,
        },
    )


def _session_form_page(
    request: HttpRequest, batch: Batch, session: TrainingSession | None
) -> HttpResponse:
    """Arrange a session (session None) or correct one: the same form and page."""
    actor = acting_user(request)
    initial = {}
    if session is not None:
        initial = {
            "topic": session.topic,
            "starts_at": timezone.localtime(session.starts_at),
            "ends_at": timezone.localtime(session.ends_at) if session.ends_at else None,
            "place": session.place,
            "description": session.description,
        }
    form = TrainingSessionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.session_fields()
        if session is None:
            saved = submit(
                form, services.training_session_create, actor=actor, batch=batch, **values
            )
            done = gettext("已安排培训“%(topic)s”。")
        else:
            saved = submit(
                form, services.training_session_update, actor=actor, session=session, **values
            )
            done = gettext("已保存培训“%(topic)s”。")
        if saved is not None:
            messages.success(request, done % {"topic": saved.topic})
            return redirect("programmes:training_detail", session_pk=saved.pk)
    return render_batch_page(
        request,
        "programmes/training_form.html",
        batch,
        {
            "form": form,
            "session": session,
            "serving": batch.state in selectors.SERVING_BATCH_STATES,
        },
    )


@roles_required(*BATCH_MANAGER_ROLES)
def training_create(request: HttpRequest, batch_pk: int) -> HttpResponse:
    batch = access_batch(actor=acting_user(request), pk=batch_pk, manage=True)
    return _session_form_page(request, batch, None)


@roles_required(*BATCH_MANAGER_ROLES)
def training_edit(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = selectors.access_training_session(
        actor=acting_user(request), pk=session_pk, manage=True
    )
    return _session_form_page(request, session.batch, session)


@roles_required(*BATCH_MANAGER_ROLES)
@require_POST
def training_delete(request: HttpRequest, session_pk: int) -> HttpResponse:
    actor = acting_user(request)
    session = selectors.access_training_session(actor=actor, pk=session_pk, manage=True)
    deleted = act(
        request,
        gettext("已删除培训“%(topic)s”。") % {"topic": session.topic},
        services.training_session_delete,
        refusals=(GuazhiError,),
        actor=actor,
        session=session,
    )
    if not deleted:
        return redirect("programmes:training_detail", session_pk=session.pk)
    return redirect("programmes:training_list", batch_pk=session.batch_id)


@roles_required(*BATCH_MANAGER_ROLES)
@require_POST
def training_material_delete(request: HttpRequest, attachment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    attachment, session = selectors.access_training_material(actor=actor, pk=attachment_pk)
    act(
        request,
        gettext("已删除材料“%(name)s”。") % {"name": attachment.name},
        services.training_material_delete,
        refusals=(GuazhiError,),
        actor=actor,
        attachment=attachment,
    )
    return redirect("programmes:training_detail", session_pk=session.pk)


def _detail_page(
    request: HttpRequest,
    session: TrainingSession,
    *,
    rows: list[AttendanceRowForm] | None = None,
    attendance_form: GuazhiForm | None = None,
    material_form: MaterialForm | None = None,
) -> HttpResponse:
    actor = acting_user(request)
    batch = session.batch
    participants = selectors.training_participants(actor=actor, session=session)
    manages = can_manage_batch(actor=actor, batch=batch)
    editable = manages and batch.state in selectors.SERVING_BATCH_STATES
    if editable and rows is None:
        rows = [_row_form(None, p) for p in participants]
    materials = [(a, kind_of(a.mime_type)) for a in attachments_of(session)]
    return render_batch_page(
        request,
        "programmes/training_detail.html",
        batch,
        {
            "session": session,
            "participants": participants,
            "rows": list(zip(participants, rows, strict=True)) if editable and rows else [],
            "counts": selectors.attendance_counts(participants),
            "statuses": dict(AttendanceStatus.choices),
            "editable": editable,
            "attendance_form": attendance_form or GuazhiForm(),
            "materials": materials,
            "material_form": material_form or (MaterialForm() if editable else None),
            # Deleting is offered only while nothing is recorded; the service says the same.
            "deletable": editable and not selectors.training_has_attendance(session=session),
        },
    )


def _row_form(data: Any, participant: selectors.Participant) -> AttendanceRowForm:
    return AttendanceRowForm(
        data,
        prefix=f"a{participant.assignment.pk}",
        initial={"status": participant.status, "note": participant.note},
        person=participant.assignment.cadre.name,
    )


@roles_required(*BATCH_STAFF_ROLES)
def training_detail(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = selectors.access_training_session(actor=acting_user(request), pk=session_pk)
    return _detail_page(request, session)


@roles_required(*BATCH_MANAGER_ROLES)
@require_POST
def training_attendance(request: HttpRequest, session_pk: int) -> HttpResponse:
    """The whole list in one form: a line per participant, all saved or none."""
    actor = acting_user(request)
    session = selectors.access_training_session(actor=actor, pk=session_pk, manage=True)
    participants = selectors.training_participants(actor=actor, session=session)
    rows = [_row_form(request.POST, p) for p in participants]
    holder = GuazhiForm(request.POST)
    holder.is_valid()
    if all(row.is_valid() for row in rows):
        entries = [
            services.AttendanceEntry(
                assignment_id=p.assignment.pk,
                status=row.cleaned_data.get("status") or "",
                note=row.cleaned_data.get("note") or "",
            )
            for p, row in zip(participants, rows, strict=True)
        ]
        try:
            counts = services.training_attendance_record(
                actor=actor, session=session, entries=entries
            )
        except ValidationFailed as error:
            show_service_errors(holder, error, rows={"entries": rows})
        except InvalidTransition as error:
            holder.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                gettext("签到已保存：出席%(present)s人，请假%(excused)s人，缺席%(absent)s人。")
                % counts,
            )
            return redirect("programmes:training_detail", session_pk=session.pk)
    else:
        holder.add_error(None, gettext("签到信息有误，请修改标出的行。"))
    return _detail_page(request, session, rows=rows, attendance_form=holder)


@roles_required(*BATCH_MANAGER_ROLES)
@require_POST
def training_material_upload(request: HttpRequest, session_pk: int) -> HttpResponse:
    actor = acting_user(request)
    session = selectors.access_training_session(actor=actor, pk=session_pk, manage=True)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        attachment = submit(
            form,
            services.training_material_add,
            actor=actor,
            session=session,
            upload=form.cleaned_data["file"],
        )
        if attachment is not None:
            messages.success(request, gettext("已上传“%(name)s”。") % {"name": attachment.name})
            return redirect("programmes:training_detail", session_pk=session.pk)
    return _detail_page(request, session, material_form=form)

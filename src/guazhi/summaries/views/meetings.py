"""Exchange meeting pages (交流会 / 座谈会): a batch's meetings, one meeting, and the coordinator's
forms (the meeting, minutes, speakers, summaries discussed, files).

Everyone concerned reads on a phone as often as at a desk: each page is a column of panels and
tables turn into cards under 600 px (data-label). Who reads what is selectors.meetings' rule;
only a coordinator over the batch sees the forms, and the services check it again.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from guazhi.core.attachments import kind_of
from guazhi.core.errors import GuazhiError, InvalidTransition, ValidationFailed
from guazhi.core.forms import GuazhiForm, show_service_errors
from guazhi.orgs.access import acting_user, roles_required
from guazhi.programmes.models import Assignment, Batch
from guazhi.programmes.selectors.scope import BATCH_MANAGER_ROLES, BATCH_READER_ROLES
from guazhi.programmes.views.common import act, render_batch_page, submit
from guazhi.summaries.forms.meetings import (
    MeetingFileForm,
    MeetingForm,
    MinutesForm,
    SpeakerRowForm,
    SummaryLinkForm,
)
from guazhi.summaries.models import Meeting

# Importing the selectors registers who may download a meeting's files (core.attachments);
# until the app's ready() imports them too, the URL configuration importing this module does.
from guazhi.summaries.selectors import meetings as selectors
from guazhi.summaries.services import meetings as services

TAB = "meetings"
REFUSALS = (InvalidTransition,)


@roles_required(*BATCH_READER_ROLES)
def meeting_list(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """The batch's meetings the visitor reads as staff, upcoming and past, and their own."""
    actor = acting_user(request)
    batch = selectors.access_meeting_batch(actor=actor, pk=batch_pk)
    return render_batch_page(
        request,
        "summaries/meeting_list.html",
        batch,
        {
            "lists": selectors.meeting_lists(actor=actor, batch=batch),
            "can_manage": selectors.can_manage_meetings(actor=actor, batch=batch)
            and selectors.meetings_writable(batch),
            "tab": TAB,
        },
    )


# The meeting form ---------------------------------------------------------------------------


def _meeting_form_page(request: HttpRequest, batch: Batch, meeting: Meeting | None) -> HttpResponse:
    """Schedule a meeting (meeting None) or change one: the same form and page."""
    actor = acting_user(request)
    offered = selectors.participant_choices(batch=batch)
    initial: dict[str, Any] = {}
    if meeting is not None:
        initial = {
            "kind": meeting.kind,
            "title": meeting.title,
            "held_on": meeting.held_on,
            "starts_at": meeting.starts_at,
            "place": meeting.place,
            "participants": list(meeting.participants.values_list("pk", flat=True)),
            "other_participants": meeting.other_participants,
        }
    form = MeetingForm(
        request.POST if request.method == "POST" else None, initial=initial, offered=offered
    )
    if request.method == "POST" and form.is_valid():
        values = form.meeting_fields()
        if meeting is None:
            saved = submit(
                form, services.meeting_create, refusals=REFUSALS, actor=actor, batch=batch, **values
            )
            done = gettext("已安排会议“%(title)s”。")
        else:
            saved = submit(
                form,
                services.meeting_update,
                refusals=REFUSALS,
                actor=actor,
                meeting=meeting,
                **values,
            )
            done = gettext("已保存会议“%(title)s”。")
        if saved is not None:
            messages.success(request, done % {"title": saved.title})
            return redirect("summaries:meeting_detail", meeting_pk=saved.pk)
    return render_batch_page(
        request,
        "summaries/meeting_form.html",
        batch,
        {
            "form": form,
            "meeting": meeting,
            "writable": selectors.meetings_writable(batch),
            "tab": TAB,
        },
    )


@roles_required(*BATCH_MANAGER_ROLES)
def meeting_create(request: HttpRequest, batch_pk: int) -> HttpResponse:
    batch = selectors.access_meeting_batch(actor=acting_user(request), pk=batch_pk, manage=True)
    return _meeting_form_page(request, batch, None)


@roles_required(*BATCH_MANAGER_ROLES)
def meeting_edit(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=acting_user(request), pk=meeting_pk, manage=True)
    return _meeting_form_page(request, meeting.batch, meeting)


@roles_required(*BATCH_MANAGER_ROLES)
@require_POST
def meeting_delete(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    actor = acting_user(request)
    meeting = selectors.access_meeting(actor=actor, pk=meeting_pk, manage=True)
    deleted = act(
        request,
        gettext("已删除会议“%(title)s”。") % {"title": meeting.title},
        services.meeting_delete,
        refusals=(GuazhiError,),
        actor=actor,
        meeting=meeting,
    )
    if not deleted:
        return redirect("summaries:meeting_detail", meeting_pk=meeting.pk)
    return redirect("summaries:meeting_list", batch_pk=meeting.batch_id)


# One meeting --------------------------------------------------------------------------------


def _detail_page(
    request: HttpRequest, meeting: Meeting, *, file_form: MeetingFileForm | None = None
) -> HttpResponse:
    actor = acting_user(request)
    batch = meeting.batch
    editable = selectors.can_manage_meetings(
        actor=actor, batch=batch
    ) and selectors.meetings_writable(batch)
    summaries = selectors.meeting_summaries(actor=actor, meeting=meeting)
    files = [(a, kind_of(a.mime_type)) for a in selectors.meeting_attachments(meeting=meeting)]
    return render_batch_page(
        request,
        "summaries/meeting_detail.html",
        batch,
        {
            "meeting": meeting,
            "participants": selectors.meeting_participants(meeting=meeting),
            "speakers": selectors.meeting_speakers(meeting=meeting),
            "summaries": summaries,
            "files": files,
            "editable": editable,
            "held": meeting.held_on <= timezone.localdate(),
            "file_form": file_form or (MeetingFileForm() if editable else None),
            "tab": TAB,
        },
    )


@roles_required(*BATCH_READER_ROLES)
def meeting_detail(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = selectors.access_meeting(actor=acting_user(request), pk=meeting_pk)
    return _detail_page(request, meeting)


@roles_required(*BATCH_MANAGER_ROLES)
def meeting_minutes(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The minutes' form: shown before the day too, saying when it opens (the service refuses
    a save before the day the same way)."""
    actor = acting_user(request)
    meeting = selectors.access_meeting(actor=actor, pk=meeting_pk, manage=True)
    form = MinutesForm(
        request.POST if request.method == "POST" else None, initial={"minutes": meeting.minutes}
    )
    if request.method == "POST" and form.is_valid():
        saved = submit(
            form,
            services.meeting_minutes_record,
            refusals=REFUSALS,
            actor=actor,
            meeting=meeting,
            minutes=form.cleaned_data["minutes"] or "",
        )
        if saved is not None:
            messages.success(request, gettext("会议纪要已保存。"))
            return redirect("summaries:meeting_detail", meeting_pk=meeting.pk)
    return render_batch_page(
        request,
        "summaries/meeting_minutes.html",
        meeting.batch,
        {
            "meeting": meeting,
            "form": form,
            "held": meeting.held_on <= timezone.localdate(),
            "writable": selectors.meetings_writable(meeting.batch),
            "tab": TAB,
        },
    )


def _speaker_rows(
    data: Any, participants: list[Assignment], meeting: Meeting
) -> list[SpeakerRowForm]:
    current = {
        speaker.assignment_id: speaker for speaker in selectors.meeting_speakers(meeting=meeting)
    }
    rows = []
    for person in participants:
        speaker = current.get(person.pk)
        rows.append(
            SpeakerRowForm(
                data,
                prefix=f"s{person.pk}",
                initial={
                    "order": speaker.position if speaker else None,
                    "topic": speaker.topic if speaker else "",
                },
                person=person.cadre.name,
            )
        )
    return rows


@roles_required(*BATCH_MANAGER_ROLES)
def meeting_speakers(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The speakers chosen among the participants in one form: a line per participant, a
    number for those who speak (in that order), blank for the others."""
    actor = acting_user(request)
    meeting = selectors.access_meeting(actor=actor, pk=meeting_pk, manage=True)
    participants = selectors.meeting_participants(meeting=meeting)
    posted = request.method == "POST"
    rows = _speaker_rows(request.POST if posted else None, participants, meeting)
    holder = GuazhiForm(request.POST if posted else None)
    if posted:
        holder.is_valid()
        if all(row.is_valid() for row in rows) and _orders_distinct(rows):
            chosen = sorted(
                (
                    (row.cleaned_data["order"], index)
                    for index, row in enumerate(rows)
                    if row.cleaned_data.get("order") is not None
                ),
            )
            entries = [
                services.SpeakerEntry(
                    assignment_id=participants[index].pk,
                    topic=rows[index].cleaned_data.get("topic") or "",
                )
                for _order, index in chosen
            ]
            try:
                services.meeting_speakers_set(actor=actor, meeting=meeting, speakers=entries)
            except ValidationFailed as error:
                in_order = [rows[index] for _order, index in chosen]
                show_service_errors(holder, error, rows={"speakers": in_order})
            except InvalidTransition as error:
                holder.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    gettext("代表发言已保存：共%(n)s人发言。") % {"n": len(entries)},
                )
                return redirect("summaries:meeting_detail", meeting_pk=meeting.pk)
        else:
            holder.add_error(None, gettext("代表发言安排有误，请修改标出的行。"))
    return render_batch_page(
        request,
        "summaries/meeting_speakers.html",
        meeting.batch,
        {
            "meeting": meeting,
            "rows": list(zip(participants, rows, strict=True)),
            "form": holder,
            "writable": selectors.meetings_writable(meeting.batch),
            "tab": TAB,
        },
    )


def _orders_distinct(rows: list[SpeakerRowForm]) -> bool:
    """Marks each line whose number another line has too; True when none does."""
    by_order: dict[int, list[SpeakerRowForm]] = {}
    for row in rows:
        order = row.cleaned_data.get("order")
        if order is not None:
            by_order.setdefault(order, []).append(row)
    clashes = [group for group in by_order.values() if len(group) > 1]
    for group in clashes:
        for row in group:
            row.add_error("order", gettext("与其他发言人的顺序相同。"))
    return not clashes


@roles_required(*BATCH_MANAGER_ROLES)
def meeting_summaries(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """Which of the batch's summaries the meeting discussed."""
    actor = acting_user(request)
    meeting = selectors.access_meeting(actor=actor, pk=meeting_pk, manage=True)
    offered = selectors.summary_choices(actor=actor, batch=meeting.batch)
    form = SummaryLinkForm(
        request.POST if request.method == "POST" else None,
        initial={"summaries": list(meeting.summaries.values_list("pk", flat=True))},
        offered=offered,
    )
    if request.method == "POST" and form.is_valid():
        linked = submit(
            form,
            services.meeting_summaries_set,
            refusals=REFUSALS,
            actor=actor,
            meeting=meeting,
            summaries=form.chosen(),
        )
        if linked is not None:
            messages.success(request, gettext("已关联%(n)s篇交流的总结。") % {"n": len(linked)})
            return redirect("summaries:meeting_detail", meeting_pk=meeting.pk)
    return render_batch_page(
        request,
        "summaries/meeting_summaries.html",
        meeting.batch,
        {
            "meeting": meeting,
            "form": form,
            "offered": offered,
            "writable": selectors.meetings_writable(meeting.batch),
            "tab": TAB,
        },
    )


# Files -------------------------------------------------------------------------------------


@roles_required(*BATCH_MANAGER_ROLES)
@require_POST
def meeting_file_upload(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    actor = acting_user(request)
    meeting = selectors.access_meeting(actor=actor, pk=meeting_pk, manage=True)
    form = MeetingFileForm(request.POST, request.FILES)
    if form.is_valid():
        attachment = submit(
            form,
            services.meeting_attachment_add,
            refusals=REFUSALS,
            actor=actor,
            meeting=meeting,
            upload=form.cleaned_data["file"],
        )
        if attachment is not None:
            messages.success(request, gettext("已上传“%(name)s”。") % {"name": attachment.name})
            return redirect("summaries:meeting_detail", meeting_pk=meeting.pk)
    return _detail_page(request, meeting, file_form=form)


@roles_required(*BATCH_MANAGER_ROLES)
@require_POST
def meeting_file_delete(request: HttpRequest, meeting_file_pk: int) -> HttpResponse:
    actor = acting_user(request)
    attachment, meeting = selectors.access_meeting_attachment(actor=actor, pk=meeting_file_pk)
    act(
        request,
        gettext("已删除材料“%(name)s”。") % {"name": attachment.name},
        services.meeting_attachment_delete,
        refusals=(GuazhiError,),
        actor=actor,
        attachment=attachment,
    )
    return redirect("summaries:meeting_detail", meeting_pk=meeting.pk)

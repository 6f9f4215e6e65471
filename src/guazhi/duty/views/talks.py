"""The heart-to-heart talk pages (谈心谈话): a person's talks with the form to record one, and
correcting one. Leaders in scope only: a cadre's role opens neither page, and a leader who
is the person gets the same not-found as for anyone outside their reach. A record is corrected
by the leader who recorded it or a coordinator of the batch; each shows who changed it last."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext

from guazhi.duty.forms.talks import TalkForm
from guazhi.duty.selectors import talks as selectors
from guazhi.duty.services import talks as services
from guazhi.duty.views.common import render_person_page, submit
from guazhi.orgs.access import acting_user, roles_required
from guazhi.programmes.selectors.scope import BATCH_STAFF_ROLES

LEADERS = BATCH_STAFF_ROLES


@roles_required(*LEADERS)
def talk_list(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    actor = acting_user(request)
    assignment = selectors.access_talk_assignment(actor=actor, pk=assignment_pk)
    form = TalkForm(
        request.POST if request.method == "POST" else None,
        initial={"held_on": timezone.localdate(), "talker": actor.get_full_name()},
    )
    if request.method == "POST" and form.is_valid():
        talk = submit(
            form, services.talk_record, actor=actor, assignment=assignment, **form.talk_fields()
        )
        if talk is not None:
            messages.success(request, gettext("已记录谈心谈话。"))
            return redirect("duty:talk_list", assignment_pk=assignment.pk)
    talks = selectors.talk_list(actor=actor, assignment=assignment)
    for talk in talks:
        talk.assignment = assignment  # loaded once, with the batch the edit rule reads
    return render_person_page(
        request,
        "duty/talk_list.html",
        assignment,
        {
            "talks": talks,
            "editable": {t.pk for t in talks if selectors.can_edit_talk(actor=actor, talk=t)},
            "edits": selectors.talk_last_edits(talks),
            "form": form,
        },
    )


@roles_required(*LEADERS)
def talk_edit(request: HttpRequest, talk_pk: int) -> HttpResponse:
    actor = acting_user(request)
    talk = selectors.access_talk(actor=actor, pk=talk_pk)
    if not selectors.can_edit_talk(actor=actor, talk=talk):
        messages.error(request, selectors.talk_edit_refusal())
        return redirect("duty:talk_list", assignment_pk=talk.assignment_id)
    form = TalkForm(
        request.POST if request.method == "POST" else None,
        initial={
            "held_on": talk.held_on,
            "talker": talk.talker,
            "participants": talk.participants,
            "topics": talk.topics,
            "follow_up": talk.follow_up,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = submit(form, services.talk_update, actor=actor, talk=talk, **form.talk_fields())
        if saved is not None:
            messages.success(request, gettext("已保存谈心谈话记录。"))
            return redirect("duty:talk_list", assignment_pk=talk.assignment_id)
    return render_person_page(
        request,
        "duty/talk_form.html",
        talk.assignment,
        {"talk": talk, "form": form, "edit": selectors.talk_last_edits([talk]).get(talk.pk)},
    )

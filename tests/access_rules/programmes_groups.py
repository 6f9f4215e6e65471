"""Who may open the serving-stage pages: the batch's people, groups, training, attachments."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.programmes.world import programme_world
from tests.test_authorization_matrix import EVERY_ROLE, MANAGERS, Rule

STAFF = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader")
DUTY = ("admin", "coordinator", "host_leader")

RULES = {
    "programmes:assignment_list": Rule(STAFF, scoped="batch_pk"),
    "programmes:assignment_detail": Rule((*STAFF, "cadre"), scoped="assignment_pk"),
    "programmes:assignment_report_duty": Rule(DUTY, scoped="assignment_pk"),
    "programmes:assignment_outcome": Rule(MANAGERS, scoped="assignment_pk"),
    "programmes:group_list": Rule(STAFF, scoped="batch_pk"),
    "programmes:group_create": Rule(MANAGERS, scoped="batch_pk"),
    "programmes:group_edit": Rule(MANAGERS, scoped="group_pk"),
    "programmes:training_list": Rule(STAFF, scoped="batch_pk"),
    "programmes:training_create": Rule(MANAGERS, scoped="batch_pk"),
    "programmes:training_detail": Rule(STAFF, scoped="session_pk"),
    "programmes:training_attendance": Rule(MANAGERS, method="POST", scoped="session_pk"),
    "programmes:training_material_upload": Rule(MANAGERS, method="POST", scoped="session_pk"),
    "programmes:training_edit": Rule(MANAGERS, scoped="session_pk"),
    # The world's batches are recruiting: an allowed delete is refused with the reason (302).
    "programmes:training_delete": Rule(MANAGERS, method="POST", scoped="session_pk"),
    "programmes:training_material_delete": Rule(MANAGERS, method="POST", scoped="attachment_pk"),
    # Whoever sees the record a file is attached to may download it: for training materials,
    # everyone who sees the batch, its cadres included.
    "core:attachment_download": Rule(EVERY_ROLE, scoped="attachment_pk"),
}


def _groups(world, role):  # type: ignore[no-untyped-def]
    from guazhi.programmes.models import Group

    found = programme_world(world)
    inside, _ = Group.objects.get_or_create(batch=found.batch_a, name="第一组")
    outside, _ = Group.objects.get_or_create(batch=found.batch_b, name="第一组")
    return inside, outside


def _sessions(world, role):  # type: ignore[no-untyped-def]
    from guazhi.programmes.models import TrainingSession

    found = programme_world(world)
    starts = timezone.make_aware(dt.datetime(2027, 2, 20, 9, 0))
    inside, _ = TrainingSession.objects.get_or_create(
        batch=found.batch_a, topic="乡村振兴政策解读", defaults={"starts_at": starts}
    )
    outside, _ = TrainingSession.objects.get_or_create(
        batch=found.batch_b, topic="乡村振兴政策解读", defaults={"starts_at": starts}
    )
    return inside, outside


def _attachments(world, role):  # type: ignore[no-untyped-def]
    from guazhi.core.attachments import attachment_store, attachments_of

    inside_session, outside_session = _sessions(world, role)

    def material(session):  # type: ignore[no-untyped-def]
        found = attachments_of(session).first()
        if found is None:
            upload = SimpleUploadedFile("课件.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
            found = attachment_store(actor=world.users["admin"], owner=session, upload=upload)
        return found

    return material(inside_session), material(outside_session)


SCOPED = {"group_pk": _groups, "session_pk": _sessions, "attachment_pk": _attachments}

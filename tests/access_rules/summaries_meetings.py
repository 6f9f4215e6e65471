"""Who may open the meeting pages: everyone concerned reads (staff the meetings of the people they
reach, a cadre the meetings they take part in); only coordinators over the batch change them."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.summaries.meeting_world import meeting_world
from tests.test_authorization_matrix import EVERY_ROLE, MANAGERS, Rule

RULES = {
    # The batch tab 交流会议 is every role's, the cadres' included (their own meetings).
    "summaries:meeting_list": Rule(EVERY_ROLE, scoped="batch_pk", objects="duty_batch"),
    "summaries:meeting_create": Rule(MANAGERS, scoped="batch_pk", objects="duty_batch"),
    "summaries:meeting_detail": Rule(EVERY_ROLE, scoped="meeting_pk"),
    "summaries:meeting_edit": Rule(MANAGERS, scoped="meeting_pk"),
    # The inside meeting has no minutes: an allowed delete deletes it (302 to the list).
    "summaries:meeting_delete": Rule(MANAGERS, method="POST", scoped="meeting_pk"),
    "summaries:meeting_minutes": Rule(MANAGERS, scoped="meeting_pk"),
    "summaries:meeting_speakers": Rule(MANAGERS, scoped="meeting_pk"),
    "summaries:meeting_summaries": Rule(MANAGERS, scoped="meeting_pk"),
    # No file posted: the meeting's page comes back with the form's error (200).
    "summaries:meeting_file_upload": Rule(MANAGERS, method="POST", scoped="meeting_pk"),
    "summaries:meeting_file_delete": Rule(MANAGERS, method="POST", scoped="meeting_file_pk"),
}


def _meetings(world, role):  # type: ignore[no-untyped-def]
    """A meeting of batch A where 张三 (inside every role; the cadre himself) takes part, and one
    of batch B where 周亮 (outside every role) does."""
    from guazhi.summaries.models import Meeting

    found = meeting_world(world)
    inside = Meeting.objects.filter(batch=found.batch_a, title="中期交流会").first()
    outside = Meeting.objects.filter(batch=found.batch_b, title="中期交流会").first()
    inside = inside or found.meeting(title="中期交流会", participants=[found.zhang])
    outside = outside or found.meeting(
        title="中期交流会", batch=found.batch_b, participants=[found.zhou]
    )
    return inside, outside


def _files(world, role):  # type: ignore[no-untyped-def]
    from guazhi.core.attachments import attachment_store
    from guazhi.summaries.selectors.meetings import meeting_attachments

    inside_meeting, outside_meeting = _meetings(world, role)

    def material(meeting):  # type: ignore[no-untyped-def]
        found = meeting_attachments(meeting=meeting).first()
        if found is None:
            upload = SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
            found = attachment_store(actor=world.users["admin"], owner=meeting, upload=upload)
        return found

    return material(inside_meeting), material(outside_meeting)


SCOPED = {"meeting_pk": _meetings, "meeting_file_pk": _files}

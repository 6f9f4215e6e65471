"""The forms pages: one person's form downloads for the coordinator and (once published) the
person; the round's forms leave as a zip made by a background job with progress, every entry a
Word file that opens; each download is audited, a refusal records nothing."""

import io
import zipfile

from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.urls import reverse
from docx import Document

from guazhi.core.jobs import job_run
from guazhi.core.models import AuditEvent, Job
from guazhi.evaluation.jobs import EVALUATION_FORMS, evaluation_forms_job, zip_entry_name
from guazhi.evaluation.models import Evaluee, RoundKind, RoundState
from guazhi.evaluation.selectors.forms import FORM_RELATED
from guazhi.orgs.models import RoleAssignment
from guazhi.orgs.scopes import grants_changed
from guazhi.programmes.models import AssignmentState
from tests.evaluation.forms_world import results_world
from tests.evaluation.world import add_evaluee
from tests.factories import CadreFactory, UnitFactory
from tests.pages import as_user, page
from tests.programmes.factories import PostFactory, assign

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def opened(content: bytes) -> Document:
    return Document(io.BytesIO(content))


def annual_url(evaluee: Evaluee) -> str:
    return reverse("evaluation:form_annual", kwargs={"evaluee_pk": evaluee.pk})


def zip_of(job: Job) -> zipfile.ZipFile:
    with default_storage.open(job.result["file"], "rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def namesake(world, found, town: str) -> Evaluee:  # type: ignore[no-untyped-def]
    """Another 张三 in batch A's round, serving at `town` (a new township of district A)."""
    unit = UnitFactory(name=town, kind="township", level="township", parent=world.district_a)
    post = PostFactory(batch=found.duty.batch_a, host_unit=unit, title="镇长助理")
    cadre = CadreFactory(name="张三", home_unit=world.school_a)
    assignment = assign(
        post, cadre, AssignmentState.ACTIVE, start_date=found.duty.serving_a.start_date
    )
    return add_evaluee(found.round, assignment)


# One form -----------------------------------------------------------------------------------


def test_the_coordinator_downloads_a_persons_form_and_it_is_audited(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.CLOSED)
    response = as_user(client, world, "coordinator").get(annual_url(found.evaluee_a))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "filename*=UTF-8''%E5%BC%A0%E4%B8%89_" in response["Content-Disposition"]
    document = opened(response.content)
    assert document.paragraphs[0].text == "年度考核登记表"
    assert document.tables[0].rows[0].cells[1].text == "张三"
    event = AuditEvent.objects.get(action="evaluation_form.download")
    assert (event.object_id, event.detail) == (
        str(found.evaluee_a.pk),
        {"form": "annual", "name": "张三"},
    )
    appraisal = client.get(
        reverse("evaluation:form_appraisal", kwargs={"evaluee_pk": found.evaluee_a.pk})
    )
    assert opened(appraisal.content).paragraphs[0].text == "挂职锻炼干部总结鉴定表"


def test_the_person_downloads_their_own_form_once_the_result_is_published(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    response = as_user(client, world, "cadre").get(annual_url(found.evaluee_a))
    assert response.status_code == 200
    rows = {row.cells[0].text: row.cells[1].text for row in opened(response.content).tables[0].rows}
    assert rows["考核等次"].endswith("确定为“优秀”等次。")


def test_before_publication_the_persons_form_is_not_found_and_nothing_is_recorded(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    response = as_user(client, world, "cadre").get(annual_url(found.evaluee_a))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="evaluation_form.download").exists()


def test_other_staff_and_other_batches_get_no_form(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world)
    # The host leader reads the result on the results page, but the form is the coordinator's
    # to print and file.
    assert as_user(client, world, "host_leader").get(annual_url(found.evaluee_a)).status_code == 403
    client.logout()
    coordinator = as_user(client, world, "coordinator")
    assert coordinator.get(annual_url(found.evaluee_b)).status_code == 404
    # Nor another person's form for the cadre.
    client.logout()
    cadre = as_user(client, world, "cadre")
    assert cadre.get(annual_url(found.evaluee_leader)).status_code == 404
    assert not AuditEvent.objects.filter(action="evaluation_form.download").exists()


# The forms page ---------------------------------------------------------------------------


def test_the_forms_page_lists_the_people_with_their_forms_for_the_coordinator(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.CLOSED)
    url = reverse("evaluation:form_list", kwargs={"round_pk": found.round.pk})
    text = page(as_user(client, world, "coordinator").get(url))
    assert annual_url(found.evaluee_a) in text
    assert annual_url(found.evaluee_leader) in text
    assert reverse("evaluation:form_batch", kwargs={"round_pk": found.round.pk}) in text
    assert reverse("evaluation:roster_export", kwargs={"round_pk": found.round.pk}) in text
    client.logout()
    # A host leader gets the roster only.
    text = page(as_user(client, world, "host_leader").get(url))
    assert annual_url(found.evaluee_a) not in text
    assert reverse("evaluation:form_batch", kwargs={"round_pk": found.round.pk}) not in text
    assert reverse("evaluation:roster_export", kwargs={"round_pk": found.round.pk}) in text


# The zip ----------------------------------------------------------------------------------


def test_the_rounds_forms_leave_as_a_zip_made_by_a_job_and_every_entry_opens(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    namesake(world, found, "石门镇")
    client = as_user(client, world, "coordinator")
    url = reverse("evaluation:form_batch", kwargs={"round_pk": found.round.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"form": "appraisal"})
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job_detail", kwargs={"job_pk": job.pk})
    assert (job.kind, job.state, job.done, job.total, job.result["rows"]) == (
        EVALUATION_FORMS,
        Job.State.SUCCEEDED,
        3,
        3,
        3,
    )
    assert job.result["filename"].startswith(f"挂职锻炼干部总结鉴定表_{found.round.name}_")
    archive = zip_of(job)
    # By name (pinyin): 钱 before 张; the second 张三 told apart by his host unit.
    assert archive.namelist() == [
        "钱组长_挂职锻炼干部总结鉴定表.docx",
        "张三_挂职锻炼干部总结鉴定表.docx",
        "张三_挂职锻炼干部总结鉴定表_石门镇.docx",
    ]
    names = {}
    for name in archive.namelist():
        document = opened(archive.read(name))
        assert document.paragraphs[0].text == "挂职锻炼干部总结鉴定表"
        names[name] = (
            document.tables[0].rows[0].cells[1].text,
            document.tables[0].rows[3].cells[1].text,
        )
    assert names == {
        "钱组长_挂职锻炼干部总结鉴定表.docx": ("钱组长", "白鹿镇党委委员"),
        "张三_挂职锻炼干部总结鉴定表.docx": ("张三", "白鹿镇党委副书记"),
        "张三_挂职锻炼干部总结鉴定表_石门镇.docx": ("张三", "石门镇镇长助理"),
    }
    event = AuditEvent.objects.get(action="evaluation_form.batch_export")
    assert (event.object_id, event.detail) == (
        str(found.round.pk),
        {"form": "appraisal", "count": 3},
    )
    download = client.get(reverse("core:job_download", kwargs={"job_pk": job.pk}))
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content)[:2] == b"PK"
    download.close()


def test_the_form_defaults_to_the_rounds_kind(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    found.round.kind = RoundKind.END_OF_TERM
    found.round.save(update_fields=["kind"])
    url = reverse("evaluation:form_batch", kwargs={"round_pk": found.round.pk})
    with django_capture_on_commit_callbacks(execute=True):
        as_user(client, world, "coordinator").post(url, {"form": "no-such-form"})
    job = Job.objects.get()
    assert job.params["form"] == "appraisal"
    assert zip_of(job).namelist()[0] == "钱组长_挂职锻炼干部总结鉴定表.docx"


def test_progress_is_reported_form_by_form(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    job = Job.objects.create(
        kind=EVALUATION_FORMS,
        owner=world.users["coordinator"],
        params={"round": found.round.pk, "form": "annual"},
    )
    reports: list[tuple[int, int]] = []
    result = evaluation_forms_job(job, lambda done, total: reports.append((done, total)))  # type: ignore[arg-type]
    assert reports == [(0, 2), (1, 2), (2, 2)]
    assert result["rows"] == 2


def test_entry_names_stay_unique_however_many_namesakes(world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    first = namesake(world, found, "石门镇")
    people = Evaluee.objects.select_related(*FORM_RELATED).filter(
        pk__in=[found.evaluee_a.pk, first.pk, first.pk, first.pk]
    )
    evaluee_a = people.get(pk=found.evaluee_a.pk)
    other = people.get(pk=first.pk)
    taken: set[str] = set()
    assert [zip_entry_name(e, "annual", taken) for e in (evaluee_a, other, other, other)] == [
        "张三_年度考核登记表.docx",
        "张三_年度考核登记表_石门镇.docx",
        "张三_年度考核登记表_石门镇（2）.docx",
        "张三_年度考核登记表_石门镇（3）.docx",
    ]


def test_only_the_coordinator_starts_the_zip_and_another_batch_is_not_found(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    url = reverse("evaluation:form_batch", kwargs={"round_pk": found.round.pk})
    assert as_user(client, world, "host_leader").post(url).status_code == 403
    client.logout()
    outside = reverse("evaluation:form_batch", kwargs={"round_pk": found.round_b.pk})
    assert as_user(client, world, "coordinator").post(outside).status_code == 404
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action="evaluation_form.batch_export").exists()


def test_a_round_without_people_says_so_instead_of_starting_a_job(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    Evaluee.objects.filter(round=found.round).delete()
    url = reverse("evaluation:form_batch", kwargs={"round_pk": found.round.pk})
    response = as_user(client, world, "coordinator").post(url)
    assert response["Location"] == reverse(
        "evaluation:form_list", kwargs={"round_pk": found.round.pk}
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "该考核没有考核对象，没有可以导出的考核表。"
    ]
    assert not Job.objects.exists()


def test_a_role_revoked_before_the_job_runs_takes_effect(client, world) -> None:  # type: ignore[no-untyped-def]
    found = results_world(world, state=RoundState.DECIDED)
    url = reverse("evaluation:form_batch", kwargs={"round_pk": found.round.pk})
    as_user(client, world, "coordinator").post(url)
    job = Job.objects.get()
    RoleAssignment.objects.filter(user=world.users["coordinator"]).delete()
    grants_changed(user_ids=[world.users["coordinator"].pk])
    job_run(str(job.pk))
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "file" not in job.result

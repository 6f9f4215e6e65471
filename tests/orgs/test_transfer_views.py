"""The Excel pages: who may open them, the sample workbooks, the upload check, starting jobs."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guazhi.core.models import AuditEvent, Job
from guazhi.orgs import imports
from guazhi.orgs.models import CadreProfile, Role, RoleAssignment
from guazhi.orgs.services.accounts import role_revoke
from tests.factories import CadreFactory
from tests.orgs.workbooks import CADRE_HEADERS, XLSX, cadre_row, upload, workbook


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def job_url(job: Job) -> str:
    return reverse("core:job_detail", kwargs={"job_pk": job.pk})


# Who may open what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["dispatch_admin", "host_leader", "group_leader", "cadre"])
def test_only_coordinators_import_units(client, world, role: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users[role])
    assert client.get(reverse("orgs:unit_import")).status_code == 403
    assert client.get(reverse("orgs:unit_import_sample")).status_code == 403
    response = client.post(
        reverse("orgs:unit_import"), {"file": upload(workbook(["单位名称"], []))}
    )
    assert response.status_code == 403
    assert Job.objects.count() == 0


@pytest.mark.parametrize("role", ["host_leader", "group_leader", "cadre"])
def test_only_coordinators_and_dispatch_admins_keep_the_roster(client, world, role: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users[role])
    assert client.get(reverse("orgs:cadre_import")).status_code == 403
    assert client.get(reverse("orgs:cadre_import_sample")).status_code == 403
    assert client.post(reverse("orgs:cadre_export"), {"q": ""}).status_code == 403
    assert Job.objects.count() == 0


def test_the_import_page_explains_every_column_and_links_the_sample(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["dispatch_admin"])
    response = client.get(reverse("orgs:cadre_import"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post" enctype="multipart/form-data"' in body
    assert f'href="{reverse("orgs:cadre_import_sample")}"' in body
    for header in CADRE_HEADERS:
        assert f'<td data-label="列名">{header}</td>' in body
    assert "可选值：中共党员、中共预备党员、共青团员、民主党派、无党派人士、群众" in body


# Sample workbooks ----------------------------------------------------------------------------


def test_the_unit_sample_is_a_workbook_with_headers_example_instructions_and_drop_downs(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("orgs:unit_import_sample"))
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="download.xlsx"; '
        "filename*=UTF-8''%E5%8D%95%E4%BD%8D%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["单位", "填写说明", "可选值"]
    sheet = book["单位"]
    assert [cell.value for cell in sheet[1]] == [
        "单位名称",
        "上级单位",
        "单位类型",
        "行政级别",
        "行政区划名称",
        "行政区划代码",
    ]
    assert [cell.value for cell in sheet[2]] == [
        "白鹿镇人民政府",
        "白鹿镇",
        "党政机关",
        "乡级",
        "白鹿镇",
        "360403",
    ]
    validations = {
        str(v.sqref): (v.formula1, v.showErrorMessage)
        for v in sheet.data_validations.dataValidation
    }
    assert validations == {
        "B2:B10001": ("'可选值'!$A$2:$A$4", False),
        "C2:C10001": ("'可选值'!$B$2:$B$12", True),
        "D2:D10001": ("'可选值'!$C$2:$C$6", True),
    }
    options = book["可选值"]
    assert [options.cell(row=r, column=1).value for r in range(1, 5)] == [
        "上级单位",
        "浔阳区",
        "浔阳区委党校",
        "白鹿镇",
    ]
    assert [options.cell(row=r, column=3).value for r in range(2, 7)] == [
        "省级",
        "市级",
        "县级",
        "乡级",
        "村级",
    ]
    instructions = [
        [cell.value for cell in row] for row in book["填写说明"].iter_rows(min_row=2, max_row=7)
    ]
    assert [row[:2] for row in instructions] == [
        ["单位名称", "必填"],
        ["上级单位", "选填"],
        ["单位类型", "必填"],
        ["行政级别", "必填"],
        ["行政区划名称", "选填"],
        ["行政区划代码", "选填"],
    ]
    assert instructions[3][3] == "省级、市级、县级、乡级、村级"


def test_the_cadre_sample_offers_only_the_units_in_the_actors_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["dispatch_admin"])
    book = load_workbook(io.BytesIO(client.get(reverse("orgs:cadre_import_sample")).content))
    sheet, options = book["干部名册"], book["可选值"]
    assert [cell.value for cell in sheet[1]] == CADRE_HEADERS
    assert (
        sheet["C2"].value == dt.datetime(1985, 6, 1) and sheet["C2"].number_format == "yyyy-mm-dd"
    )
    assert sheet["R2"].number_format == "@"  # 身份证号 stays text
    headers = [cell.value for cell in options[1]]
    assert headers == ["性别", "民族", "政治面貌", "学历", "学位", "人员类别", "工作单位", "职级"]
    units = [
        row[0]
        for row in options.iter_rows(min_row=2, min_col=7, max_col=7, values_only=True)
        if row[0]
    ]
    assert units == ["浔阳区委党校"]
    ethnicities = [
        row[0]
        for row in options.iter_rows(min_row=2, min_col=2, max_col=2, values_only=True)
        if row[0]
    ]
    assert len(ethnicities) == 56
    assert len(sheet.data_validations.dataValidation) == 8


def test_a_sample_sent_back_as_it_is_imports_nothing(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["coordinator"])
    sample = client.get(reverse("orgs:cadre_import_sample")).content
    before = CadreProfile.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orgs:cadre_import"), {"file": upload(sample)})
    job = Job.objects.get()
    assert (job.state, job.result) == (
        Job.State.SUCCEEDED,
        {"created": 0, "updated": 0, "unchanged": 0},
    )
    assert CadreProfile.objects.count() == before


# Uploading -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "姓名,性别\n张三,男\n".encode(),
            "文件不是 Excel 工作簿（.xlsx）。较早的 .xls 文件请先在 Excel 或 WPS 中另存为 .xlsx。",
        ),
        (b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024), "文件不能超过 5 MB。"),
    ],
    ids=["csv-named-xlsx", "over-5-mb"],
)
def test_an_upload_that_is_not_a_small_xlsx_is_refused_and_starts_nothing(
    client, world, content: bytes, message: str
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["coordinator"])
    response = client.post(reverse("orgs:unit_import"), {"file": upload(content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Job.objects.count(), AuditEvent.objects.filter(action="job.start").count()) == (0, 0)


def test_a_post_without_a_file_asks_for_one(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["coordinator"])
    response = client.post(reverse("orgs:cadre_import"), {})
    assert response.status_code == 400
    assert "请选择要上传的 Excel 文件。" in response.content.decode()
    assert Job.objects.count() == 0


def test_an_upload_starts_a_job_and_its_page_shows_the_counts(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["dispatch_admin"])
    content = workbook(CADRE_HEADERS, [cadre_row(姓名="周明")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orgs:cadre_import"), {"file": upload(content, "周明.XLSX")})
    job = Job.objects.get()
    assert (response.status_code, response["Location"]) == (302, job_url(job))
    assert (job.kind, job.owner, job.params["upload_name"]) == (
        imports.CADRE_IMPORT,
        world.users["dispatch_admin"],
        "周明.XLSX",
    )
    body = client.get(job_url(job)).content.decode()
    assert "导入完成：新增 1 条，更新 0 条，未变化 0 条。" in body
    assert CadreProfile.objects.get(name="周明").home_unit == world.school_a


def test_a_bad_row_is_shown_by_row_and_column_and_nothing_is_imported(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["coordinator"])
    rows = [cadre_row(姓名=f"干部{n}") for n in range(5)]
    rows[3][CADRE_HEADERS.index("工作单位")] = "莲花镇"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("orgs:cadre_import"), {"file": upload(workbook(CADRE_HEADERS, rows))}
        )
    body = client.get(response["Location"]).content.decode()
    assert "共有 1 处错误，没有导入任何数据；请修改后重新上传。" in body
    assert '<td data-label="行号">第5行</td>' in body
    assert '<td data-label="列">工作单位</td>' in body
    assert "单位“莲花镇”不存在或不在您的管辖范围内。" in body
    assert not CadreProfile.objects.filter(name__startswith="干部").exists()


def test_a_unit_upload_creates_the_units(client, world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["coordinator"])
    content = workbook(
        ["上级单位", "单位名称", "单位类型", "行政级别"],
        [["白鹿镇", "白鹿镇卫生院", "其他", "乡级"]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orgs:unit_import"), {"file": upload(content)})
    assert Job.objects.get().result == {"created": 1, "updated": 0, "unchanged": 0}
    assert world.township_a.children.get().name == "白鹿镇卫生院"


# Exporting -----------------------------------------------------------------------------------


def test_exporting_starts_a_job_whose_file_downloads_and_is_audited(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    CadreFactory(name="吴刚", home_unit=world.township_a)
    dispatch_admin = world.users["dispatch_admin"]
    client.force_login(dispatch_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orgs:cadre_export"), {"q": ""})
    job = Job.objects.get()
    assert (response.status_code, response["Location"], job.params) == (
        302,
        job_url(job),
        {"query": ""},
    )
    page = client.get(job_url(job)).content.decode()
    download_url = reverse("core:job_download", kwargs={"job_pk": job.pk})
    assert f'href="{download_url}"' in page and "导出完成，共 1 条。" in page
    download = client.get(download_url)
    assert download["Content-Disposition"].startswith('attachment; filename="')
    assert (
        "filename*=UTF-8''%E5%B9%B2%E9%83%A8%E5%90%8D%E5%86%8C_" in download["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["干部名册"]
    # The dispatch admin's scope is the party school: 吴刚 of the township is not theirs.
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["张三"]
    event = AuditEvent.objects.get(action="export.download")
    assert (event.actor, event.object_id, event.detail["rows"]) == (dispatch_admin, str(job.pk), 1)


def test_an_export_file_goes_with_the_role_that_made_it(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    dispatch_admin = world.users["dispatch_admin"]
    client.force_login(dispatch_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orgs:cadre_export"), {"q": ""})
    job = Job.objects.get()
    download_url = reverse("core:job_download", kwargs={"job_pk": job.pk})
    grant = RoleAssignment.objects.get(user=dispatch_admin, role=Role.DISPATCH_ADMIN)
    role_revoke(actor=world.users["admin"], assignment=grant)

    # Still signed in without the role: the job is still theirs to see, its file no longer.
    assert client.get(job_url(job)).status_code == 200
    assert client.get(download_url).status_code == 404
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_exporting_is_not_started_by_a_get(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["coordinator"])
    assert client.get(reverse("orgs:cadre_export")).status_code == 405
    assert Job.objects.count() == 0

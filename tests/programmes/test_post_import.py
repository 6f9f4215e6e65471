"""Importing a batch's posts from Excel: the sample, a filled-in workbook opened back, row-level
Chinese errors, all or nothing, updates on a second import, and the page that starts the job."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guazhi.core.jobs import job_start
from guazhi.core.models import AuditEvent, Job
from guazhi.programmes import imports
from guazhi.programmes.models import BatchEvent, Post
from tests.factories import UnitFactory
from tests.orgs.workbooks import XLSX, upload, workbook
from tests.pages import as_user, page
from tests.programmes.factories import BatchFactory, PostFactory

HEADERS = [column.header for column in imports.post_spec().columns]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def batch(world):  # type: ignore[no-untyped-def]
    return BatchFactory(
        name="2027年浔阳区挂职干部", coordinating_org=world.district_a, dispatching=[world.school_a]
    )


@pytest.fixture
def run_import(django_capture_on_commit_callbacks) -> Callable[..., Job]:  # type: ignore[no-untyped-def]
    """Start the import as `user` for `batch` and run it as the worker would."""

    def run(user: Any, batch: Any, content: bytes) -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(
                actor=user,
                kind=imports.POST_IMPORT,
                params={"batch": batch.pk},
                upload=upload(content, "岗位.xlsx"),
            )
        job.refresh_from_db()
        return job

    return run


def row(**values: Any) -> list[Any]:
    """A post row by header that imports as it is into 白鹿镇."""
    cells = {
        "接收单位": "白鹿镇",
        "挂职职务": "党委副书记",
        "分管工作": "工业、招商引资",
        "岗位职责": "协助分管招商引资和产业发展工作",
        "必备专长": "招商引资",
        "优先专长": "乡村振兴、产业发展",
        "需求人数": 1,
        "挂职职务级别": "副科级",
        "进入领导班子": "是",
        "工作地点": "白鹿镇政府",
    } | values
    return [cells[header] for header in HEADERS]


def errors_of(job: Job) -> list[tuple[int, str, str]]:
    assert job.state == Job.State.FAILED, job.result
    return [(e["row"], e["column"], e["message"]) for e in job.result["detail"]]


def posts() -> list[tuple]:
    return list(
        Post.objects.order_by("pk").values_list(
            "host_unit__name",
            "title",
            "portfolio",
            "required_tags",
            "preferred_tags",
            "capacity",
            "rank",
            "leadership",
            "location",
        )
    )


# The sample --------------------------------------------------------------------------------


def test_the_sample_has_headers_an_example_and_the_coordinators_units(world, client, batch) -> None:  # type: ignore[no-untyped-def]
    response = as_user(client, world, "coordinator").get(
        reverse("programmes:post_import_sample", kwargs={"batch_pk": batch.pk})
    )
    assert response["Content-Type"] == XLSX
    assert (
        "filename*=UTF-8''%E5%B2%97%E4%BD%8D%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
        in (response["Content-Disposition"])
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["岗位", "填写说明", "可选值"]
    sheet = book["岗位"]
    assert [cell.value for cell in sheet[1]] == [
        "接收单位",
        "挂职职务",
        "分管工作",
        "岗位职责",
        "必备专长",
        "优先专长",
        "需求人数",
        "挂职职务级别",
        "进入领导班子",
        "工作地点",
    ]
    assert [cell.value for cell in sheet[2]][:3] == ["白鹿镇", "党委副书记", "工业、招商引资"]
    options = book["可选值"]
    units = [r[0] for r in options.iter_rows(min_row=2, max_col=1, values_only=True) if r[0]]
    assert units == ["浔阳区", "浔阳区委党校", "白鹿镇"]


def test_a_filled_in_sample_imports_its_rows_and_skips_the_example(
    world, client, batch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(client, world, "coordinator")
    sample = client.get(reverse("programmes:post_import_sample", kwargs={"batch_pk": batch.pk}))
    book = load_workbook(io.BytesIO(sample.content))
    sheet = book["岗位"]
    sheet.append(row(挂职职务="党委委员、副镇长", 必备专长="", 需求人数=2, 进入领导班子="否"))
    sheet.append(row(接收单位="浔阳区", 挂职职务="区发改委副主任", 挂职职务级别="", 工作地点=None))
    buffer = io.BytesIO()
    book.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programmes:post_import", kwargs={"batch_pk": batch.pk}),
            {"file": upload(buffer.getvalue())},
        )
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job_detail", kwargs={"job_pk": job.pk})
    assert (job.state, job.result) == (
        Job.State.SUCCEEDED,
        {"created": 2, "updated": 0, "unchanged": 0},
    )
    assert posts() == [
        (
            "白鹿镇",
            "党委委员、副镇长",
            "工业、招商引资",
            [],
            ["乡村振兴", "产业发展"],
            2,
            "副科级",
            False,
            "白鹿镇政府",
        ),
        (
            "浔阳区",
            "区发改委副主任",
            "工业、招商引资",
            ["招商引资"],
            ["乡村振兴", "产业发展"],
            1,
            "",
            True,
            "",
        ),
    ]
    assert AuditEvent.objects.filter(action="post.create").count() == 2
    event = BatchEvent.objects.get(batch=batch, kind="posts_imported")
    assert (event.note, event.payload) == (
        "名册.xlsx",
        {"created": 2, "updated": 0, "unchanged": 0},
    )
    assert "导入完成：新增 2 条，更新 0 条，未变化 0 条。" in page(
        client.get(reverse("core:job_detail", kwargs={"job_pk": job.pk}))
    )


def test_one_bad_row_imports_nothing_and_every_problem_names_row_and_column(
    world, batch, run_import
) -> None:  # type: ignore[no-untyped-def]
    content = workbook(
        HEADERS,
        [
            row(),
            row(接收单位="莲花镇"),
            row(挂职职务="", 需求人数="两个"),
            row(挂职职务="副镇长", 必备专长="乡村振兴", 挂职职务级别="大官", 进入领导班子="也许"),
            row(需求人数=0),
            row(),
            row(挂职职务="镇长助理", 需求人数="²"),  # a digit to str.isdigit(), not to int()
        ],
    )
    job = run_import(world.users["coordinator"], batch, content)
    assert errors_of(job) == [
        (3, "接收单位", "单位“莲花镇”不存在或不在您的管辖范围内。"),
        (4, "挂职职务", "必填，不能为空。"),
        (4, "需求人数", "应为整数，如 1。"),
        (5, "优先专长", "优先专长不能与必备专长重复：乡村振兴。"),
        (
            5,
            "挂职职务级别",
            "不在可选范围内，应为：科员级、副科级、正科级、副处级、正处级、副厅级、正厅级。",
        ),
        (5, "进入领导班子", "应填“是”或“否”。"),
        (6, "需求人数", "需求人数至少为1。"),
        (7, "挂职职务", "与第2行重复：同一接收单位下不能有两个“党委副书记”。"),
        (8, "需求人数", "应为整数，如 1。"),
    ]
    assert job.message == "共有 9 处错误，没有导入任何数据；请修改后重新上传。"
    assert posts() == []
    assert not BatchEvent.objects.filter(batch=batch).exists()


def test_a_second_import_updates_the_posts_it_names_and_leaves_the_rest(
    world, batch, run_import
) -> None:  # type: ignore[no-untyped-def]
    PostFactory(batch=batch, host_unit=world.township_a, title="党委副书记", capacity=1)
    PostFactory(batch=batch, host_unit=world.township_a, title="副镇长", portfolio="农业")
    # Only some columns: those left out keep their values.
    content = workbook(
        ["接收单位", "挂职职务", "需求人数", "分管工作"],
        [["白鹿镇", "党委副书记", 2, "招商引资"], ["白鹿镇", "副镇长", 1, "农业"]],
    )
    job = run_import(world.users["coordinator"], batch, content)
    assert job.result == {"created": 0, "updated": 1, "unchanged": 1}
    assert posts() == [
        ("白鹿镇", "党委副书记", "招商引资", [], ["招商引资"], 2, "副科级", True, ""),
        ("白鹿镇", "副镇长", "农业", [], ["招商引资"], 1, "副科级", True, ""),
    ]
    audit = AuditEvent.objects.get(action="post.update")
    assert audit.detail == {"changes": {"capacity": [1, 2]}}


def test_an_ambiguous_unit_name_asks_for_its_chain_which_then_works(
    world, batch, run_import
) -> None:  # type: ignore[no-untyped-def]
    UnitFactory(name="白鹿镇", kind="township", level="township", parent=world.school_a)
    job = run_import(world.users["coordinator"], batch, workbook(HEADERS, [row()]))
    assert errors_of(job) == [
        (2, "接收单位", "有2个单位名为“白鹿镇”，请连同上级单位写出，如“浔阳区委党校/白鹿镇”。")
    ]
    job = run_import(
        world.users["coordinator"], batch, workbook(HEADERS, [row(接收单位="浔阳区/白鹿镇")])
    )
    assert job.result == {"created": 1, "updated": 0, "unchanged": 0}
    assert Post.objects.get().host_unit == world.township_a


def test_a_batch_past_recruiting_takes_no_import(world, run_import) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state="matching"
    )
    job = run_import(world.users["coordinator"], batch, workbook(HEADERS, [row()]))
    assert job.state == Job.State.FAILED
    assert job.message == "批次处于“匹配中”阶段，岗位只能在规划中或报名中新增和修改。"
    assert posts() == []


def test_a_coordinator_of_another_district_cannot_import_into_the_batch(
    world, batch, run_import
) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory, grant

    outsider = grant(UserFactory(username="coordinator_b"), "coordinator", world.district_b)
    job = run_import(outsider, batch, workbook(HEADERS, [row()]))
    assert job.state == Job.State.FAILED
    assert job.message == "记录不存在或无权访问。"
    assert posts() == []


# The page ----------------------------------------------------------------------------------


def test_the_import_page_explains_every_column_and_links_the_sample(world, client, batch) -> None:  # type: ignore[no-untyped-def]
    body = page(
        as_user(client, world, "coordinator").get(
            reverse("programmes:post_import", kwargs={"batch_pk": batch.pk})
        )
    )
    sample = reverse("programmes:post_import_sample", kwargs={"batch_pk": batch.pk})
    assert f'href="{sample}"' in body
    for header in HEADERS:
        assert f'<td data-label="列名">{header}</td>' in body
    assert '<form method="post" enctype="multipart/form-data"' in body


def test_the_import_page_of_a_batch_in_matching_starts_no_job(world, client) -> None:  # type: ignore[no-untyped-def]
    batch = BatchFactory(
        coordinating_org=world.district_a, dispatching=[world.school_a], state="matching"
    )
    client = as_user(client, world, "coordinator")
    url = reverse("programmes:post_import", kwargs={"batch_pk": batch.pk})
    body = page(client.get(url))
    assert "批次处于“匹配中”阶段，岗位只能在规划中或报名中新增和修改。" in body
    assert 'enctype="multipart/form-data"' not in body
    response = client.post(url, {"file": upload(workbook(HEADERS, [row()]))})
    assert response.status_code == 400
    assert Job.objects.count() == 0

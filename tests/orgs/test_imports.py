"""Importing units and the cadre roster from Excel, and exporting the roster, as jobs."""

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from guazhi.core.jobs import job_start
from guazhi.core.models import AuditEvent, Job
from guazhi.orgs import imports
from guazhi.orgs.models import CadreProfile, CadreRelative, Organisation
from tests.factories import CadreFactory, UnitFactory, make_id_number
from tests.orgs.workbooks import CADRE_HEADERS, cadre_row, upload, workbook

UNIT_HEADERS = ["单位名称", "上级单位", "单位类型", "行政级别", "行政区划名称", "行政区划代码"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def run_job(django_capture_on_commit_callbacks) -> Callable[..., Job]:  # type: ignore[no-untyped-def]
    """Start a job as `user`, with `content` as its upload, and run it as the worker would."""

    def run(user: Any, kind: str, content: bytes | None = None, **params: Any) -> Job:
        file = upload(content) if content is not None else None
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(actor=user, kind=kind, params=params, upload=file)
        job.refresh_from_db()
        return job

    return run


def errors_of(job: Job) -> list[tuple[int, str, str]]:
    assert job.state == Job.State.FAILED, job.message
    return [(e["row"], e["column"], e["message"]) for e in job.result["detail"]]


def unit_row(
    name: str,
    parent: str,
    kind: str = "党政机关",
    level: str = "乡级",
    region: str = "",
    code: str = "",
) -> list[str]:
    return [name, parent, kind, level, region, code]


# Units -------------------------------------------------------------------------------------


def test_a_coordinator_imports_a_small_tree_under_a_unit_in_scope(world, run_job) -> None:  # type: ignore[no-untyped-def]
    content = workbook(
        UNIT_HEADERS,
        [
            unit_row("白鹿镇人民政府", "白鹿镇", region="浔阳区白鹿镇", code="360403"),
            unit_row("党政综合办公室", "白鹿镇人民政府", kind="其他"),
            unit_row("浔阳区委党校分校", "浔阳区", kind="党校", level="县级"),
        ],
    )
    job = run_job(world.users["coordinator"], imports.UNIT_IMPORT, content)
    assert (job.state, job.result) == (
        Job.State.SUCCEEDED,
        {"created": 3, "updated": 0, "unchanged": 0},
    ), job.result
    government = Organisation.objects.get(name="白鹿镇人民政府")
    office = Organisation.objects.get(name="党政综合办公室")
    assert (
        government.parent,
        government.kind,
        government.level,
        government.region_name,
        government.region_code,
    ) == (world.township_a, "party_government", "township", "浔阳区白鹿镇", "360403")
    assert (office.parent, office.kind, office.path) == (
        government,
        "other",
        f"{government.path}{office.pk}.",
    )
    assert Organisation.objects.get(name="浔阳区委党校分校").parent == world.district_a
    assert AuditEvent.objects.filter(action="org.create").count() == 3


def test_one_bad_unit_row_among_many_imports_nothing_and_names_row_and_column(
    world, run_job
) -> None:  # type: ignore[no-untyped-def]
    before = Organisation.objects.count()
    rows = [unit_row(f"第{n}居委会", "白鹿镇", kind="社区", level="村级") for n in range(1, 30)]
    rows[12][2] = "居委会"
    rows[20][5] = "36040"
    job = run_job(world.users["coordinator"], imports.UNIT_IMPORT, workbook(UNIT_HEADERS, rows))
    assert errors_of(job) == [
        (
            14,
            "单位类型",
            "不在可选范围内，应为：党政机关、党校、高校、国企、县区、乡镇、街道、社区、村、组织部门、其他。",
        ),
        (22, "行政区划代码", "行政区划代码应为6位数字。"),
    ]
    assert job.message == "共有 2 处错误，没有导入任何数据；请修改后重新上传。"
    assert Organisation.objects.count() == before


def test_a_parent_outside_the_coordinators_scope_is_refused(world, run_job) -> None:  # type: ignore[no-untyped-def]
    content = workbook(UNIT_HEADERS, [unit_row("莲花镇人民政府", "莲花镇")])
    job = run_job(world.users["coordinator"], imports.UNIT_IMPORT, content)
    assert errors_of(job) == [(2, "上级单位", "单位“莲花镇”不存在或不在您的管辖范围内。")]
    assert not Organisation.objects.filter(name="莲花镇人民政府").exists()


def test_only_an_admin_may_leave_the_parent_empty(world, run_job) -> None:  # type: ignore[no-untyped-def]
    content = workbook(UNIT_HEADERS, [unit_row("湖州市", "", kind="县区", level="市级")])
    job = run_job(world.users["coordinator"], imports.UNIT_IMPORT, content)
    assert errors_of(job) == [(2, "上级单位", "上级单位不能为空；只有系统管理员可以创建顶级单位。")]
    job = run_job(world.users["admin"], imports.UNIT_IMPORT, content)
    assert job.result == {"created": 1, "updated": 0, "unchanged": 0}
    assert Organisation.objects.get(name="湖州市").parent is None


def test_the_same_unit_twice_in_a_file_names_both_rows(world, run_job) -> None:  # type: ignore[no-untyped-def]
    content = workbook(
        UNIT_HEADERS,
        [
            unit_row("白鹿镇人民政府", "白鹿镇"),
            unit_row("便民服务中心", "白鹿镇"),
            unit_row("白鹿镇人民政府", "白鹿镇"),
        ],
    )
    job = run_job(world.users["coordinator"], imports.UNIT_IMPORT, content)
    assert errors_of(job) == [
        (4, "单位名称", "与第2行重复：同一上级单位下不能有两个“白鹿镇人民政府”。")
    ]


def test_a_unit_already_there_is_updated_or_left_alone(world, run_job) -> None:  # type: ignore[no-untyped-def]
    content = workbook(
        UNIT_HEADERS,
        [
            unit_row("白鹿镇", "浔阳区", kind="乡镇", level="乡级", region="白鹿镇", code="360403"),
            unit_row("浔阳区委党校", "浔阳区", kind="党校", level="县级"),
        ],
    )
    job = run_job(world.users["coordinator"], imports.UNIT_IMPORT, content)
    assert job.result == {"created": 0, "updated": 1, "unchanged": 1}
    world.township_a.refresh_from_db()
    assert (world.township_a.region_name, world.township_a.region_code) == ("白鹿镇", "360403")
    assert AuditEvent.objects.filter(action="org.update").count() == 1


def test_an_ambiguous_parent_asks_for_its_chain_of_names_which_then_works(world, run_job) -> None:  # type: ignore[no-untyped-def]
    UnitFactory(name="党政办", kind="other", level="township", parent=world.township_a)
    UnitFactory(name="党政办", kind="other", level="county", parent=world.school_a)
    coordinator = world.users["coordinator"]
    job = run_job(
        coordinator,
        imports.UNIT_IMPORT,
        workbook(UNIT_HEADERS, [unit_row("档案室", "党政办", kind="其他")]),
    )
    assert errors_of(job) == [
        (2, "上级单位", "有2个单位名为“党政办”，请连同上级单位写出，如“浔阳区委党校/党政办”。")
    ]
    job = run_job(
        coordinator,
        imports.UNIT_IMPORT,
        workbook(UNIT_HEADERS, [unit_row("档案室", "白鹿镇/党政办", kind="其他")]),
    )
    assert job.result == {"created": 1, "updated": 0, "unchanged": 0}
    assert Organisation.objects.get(name="档案室").parent.parent == world.township_a


def test_a_sheet_missing_a_required_column_says_which(world, run_job) -> None:  # type: ignore[no-untyped-def]
    content = workbook(
        ["单位名称", "上级单位", "单位类型"], [["白鹿镇人民政府", "白鹿镇", "党政机关"]]
    )
    job = run_job(world.users["coordinator"], imports.UNIT_IMPORT, content)
    assert errors_of(job) == [(1, "行政级别", "缺少必填列“行政级别”。")]


# Cadres ------------------------------------------------------------------------------------


def test_a_roster_row_creates_a_full_profile_with_relatives_and_tags(world, run_job) -> None:  # type: ignore[no-untyped-def]
    row = cadre_row()
    job = run_job(world.users["coordinator"], imports.CADRE_IMPORT, workbook(CADRE_HEADERS, [row]))
    assert job.result == {"created": 1, "updated": 0, "unchanged": 0}
    profile = CadreProfile.objects.get(name="赵敏")
    assert (
        profile.gender,
        profile.birth_date,
        profile.ethnicity,
        profile.political_status,
        profile.education,
        profile.degree,
        profile.professional_title,
        profile.staff_type,
        profile.home_unit,
        profile.position,
        profile.rank,
        profile.current_post_since,
        profile.native_place,
        profile.native_region_code,
        profile.expertise,
        profile.phone,
        profile.id_number,
    ) == (
        "女",
        dt.date(1988, 3, 15),
        "汉族",
        "中共党员",
        "研究生",
        "硕士",
        "讲师",
        "事业单位",
        world.school_a,
        "教研室主任",
        "副科级",
        dt.date(2021, 7, 1),
        "江西九江",
        "360402",
        ["乡村振兴", "基层党建"],
        "13907921234",
        row[CADRE_HEADERS.index("身份证号")],
    )
    # A relative's unit is linked when exactly one unit in the system bears that name.
    assert [(r.relation, r.name, r.unit_name, r.unit) for r in profile.relatives.all()] == [
        ("配偶", "王强", "白鹿镇", world.township_a),
        ("父亲", "赵大山", "江州市财政局", None),
    ]
    assert AuditEvent.objects.get(action="cadre.create").object_id == str(profile.pk)


@pytest.mark.parametrize(
    "written", [dt.datetime(1988, 3, 15), "1988-03-15", "1988.03.15", "1988/3/15"]
)
def test_birth_dates_are_read_as_excel_dates_or_text(world, run_job, written) -> None:  # type: ignore[no-untyped-def]
    row = cadre_row(出生日期=written, 身份证号=make_id_number(dt.date(1988, 3, 15), female=True))
    job = run_job(world.users["coordinator"], imports.CADRE_IMPORT, workbook(CADRE_HEADERS, [row]))
    assert job.state == Job.State.SUCCEEDED, job.result
    assert CadreProfile.objects.get(name="赵敏").birth_date == dt.date(1988, 3, 15)


def test_full_width_digits_typed_by_chinese_input_methods_are_read_as_digits(
    world, run_job
) -> None:  # type: ignore[no-untyped-def]
    number = make_id_number(dt.date(1988, 3, 15), female=True)
    wide = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    row = cadre_row(身份证号=wide, 手机号码="１３９０７９２１２３４")
    job = run_job(world.users["coordinator"], imports.CADRE_IMPORT, workbook(CADRE_HEADERS, [row]))
    assert job.state == Job.State.SUCCEEDED, job.result
    profile = CadreProfile.objects.get(name="赵敏")
    assert (profile.id_number, profile.phone) == (number, "13907921234")


def test_one_bad_cadre_row_among_many_imports_nothing_and_names_row_and_column(
    world, run_job
) -> None:  # type: ignore[no-untyped-def]
    rows = [
        cadre_row(姓名=f"干部{n}", 身份证号=make_id_number(dt.date(1988, 3, 15), female=True))
        for n in range(40)
    ]
    rows[25][CADRE_HEADERS.index("职级")] = "处长"
    rows[31][CADRE_HEADERS.index("身份证号")] = "36040319880315002X"
    before = CadreProfile.objects.count()
    job = run_job(world.users["coordinator"], imports.CADRE_IMPORT, workbook(CADRE_HEADERS, rows))
    assert errors_of(job) == [
        (
            27,
            "职级",
            "不在可选范围内，应为：科员级、副科级、正科级、副处级、正处级、副厅级、正厅级。",
        ),
        (33, "身份证号", "身份证号校验位不正确，请核对。"),
    ]
    assert CadreProfile.objects.count() == before


def test_a_registered_id_number_updates_that_profile(world, run_job) -> None:  # type: ignore[no-untyped-def]
    cadre = world.cadre_a
    row = cadre_row(
        姓名=cadre.name,
        性别=cadre.gender,
        出生日期=cadre.birth_date,
        身份证号=cadre.id_number,
        职务="副校长",
        回避关系="",
    )
    job = run_job(world.users["coordinator"], imports.CADRE_IMPORT, workbook(CADRE_HEADERS, [row]))
    assert job.result == {"created": 0, "updated": 1, "unchanged": 0}
    cadre.refresh_from_db()
    assert (cadre.position, cadre.education, cadre.user) == (
        "副校长",
        "研究生",
        world.users["cadre"],
    )
    assert AuditEvent.objects.get(action="cadre.update").object_id == str(cadre.pk)


def test_a_column_left_out_of_the_sheet_keeps_its_values(world, run_job) -> None:  # type: ignore[no-untyped-def]
    cadre = world.cadre_a
    CadreRelative.objects.create(
        profile=cadre, name="王芳", relation="配偶", unit_name="白鹿镇", unit=world.township_a
    )
    header = [
        "姓名",
        "性别",
        "出生日期",
        "民族",
        "政治面貌",
        "学历",
        "人员类别",
        "工作单位",
        "职级",
        "身份证号",
        "职务",
    ]
    row = [
        cadre.name,
        "男",
        cadre.birth_date,
        "汉族",
        "中共党员",
        "大学本科",
        "公务员",
        "浔阳区委党校",
        "正科级",
        cadre.id_number,
        "处长",
    ]
    job = run_job(world.users["coordinator"], imports.CADRE_IMPORT, workbook(header, [row]))
    assert job.result == {"created": 0, "updated": 1, "unchanged": 0}
    cadre.refresh_from_db()
    assert (cadre.position, cadre.phone, cadre.expertise, cadre.degree) == (
        "处长",
        world.cadre_a.phone,
        ["招商引资"],
        "学士",
    )
    assert [(r.name, r.unit) for r in cadre.relatives.all()] == [("王芳", world.township_a)]


def test_a_registered_id_number_outside_scope_is_an_error_for_that_row(world, run_job) -> None:  # type: ignore[no-untyped-def]
    outsider = world.cadre_b
    rows = [
        cadre_row(),
        cadre_row(
            姓名="李四", 性别="男", 出生日期=outsider.birth_date, 身份证号=outsider.id_number
        ),
    ]
    job = run_job(world.users["coordinator"], imports.CADRE_IMPORT, workbook(CADRE_HEADERS, rows))
    assert errors_of(job) == [
        (3, "身份证号", "该身份证号已登记在您管辖范围以外的单位，不能在此导入。")
    ]
    outsider.refresh_from_db()
    assert (outsider.home_unit, outsider.position) == (world.school_b, "科长")
    assert not CadreProfile.objects.filter(name="赵敏").exists()


def test_the_same_id_number_twice_in_a_file_names_both_rows(world, run_job) -> None:  # type: ignore[no-untyped-def]
    number = make_id_number(dt.date(1988, 3, 15), female=True)
    rows = [
        cadre_row(身份证号=number),
        cadre_row(姓名="钱红"),
        cadre_row(姓名="孙丽", 身份证号=number.lower()),
    ]
    job = run_job(world.users["coordinator"], imports.CADRE_IMPORT, workbook(CADRE_HEADERS, rows))
    assert errors_of(job) == [(4, "身份证号", "与第2行的身份证号重复。")]


def test_a_dispatch_admin_imports_only_into_units_in_its_scope(world, run_job) -> None:  # type: ignore[no-untyped-def]
    rows = [cadre_row(), cadre_row(姓名="钱红", 工作单位="白鹿镇")]
    job = run_job(
        world.users["dispatch_admin"], imports.CADRE_IMPORT, workbook(CADRE_HEADERS, rows)
    )
    assert errors_of(job) == [(3, "工作单位", "单位“白鹿镇”不存在或不在您的管辖范围内。")]
    assert not CadreProfile.objects.filter(name="赵敏").exists()


def test_service_rules_apply_to_each_row(world, run_job) -> None:  # type: ignore[no-untyped-def]
    rows = [cadre_row(性别="男"), cadre_row(姓名="钱红", 手机号码="1390792", 回避关系="配偶王强")]
    job = run_job(world.users["coordinator"], imports.CADRE_IMPORT, workbook(CADRE_HEADERS, rows))
    assert errors_of(job) == [
        (2, "性别", "性别与身份证号不一致：身份证号第17位为偶数，性别应为“女”。"),
        (3, "手机号码", "手机号码应为以1开头的11位数字。"),
        (
            3,
            "回避关系",
            "回避关系应写成“关系:姓名:工作单位”，多人之间用“；”分隔，如“配偶:王芳:白鹿镇人民政府”。",
        ),
    ]


# Export --------------------------------------------------------------------------------------


def stored_bytes(job: Job) -> bytes:
    with default_storage.open(job.result["file"], "rb") as stored:
        return stored.read()


def exported(job: Job) -> Any:
    return load_workbook(io.BytesIO(stored_bytes(job)))


def test_the_roster_export_has_the_import_columns_and_the_actors_cadres(world, run_job) -> None:  # type: ignore[no-untyped-def]
    cadre = world.cadre_a
    CadreRelative.objects.create(
        profile=cadre, name="王芳", relation="配偶", unit_name="白鹿镇", unit=world.township_a
    )
    job = run_job(world.users["coordinator"], imports.CADRE_EXPORT, query="")
    assert (job.state, job.result["rows"], job.done, job.total) == (Job.State.SUCCEEDED, 1, 1, 1)
    assert job.result["filename"].startswith("干部名册_") and job.result["filename"].endswith(
        ".xlsx"
    )
    sheet = exported(job)["干部名册"]
    assert [cell.value for cell in sheet[1]] == CADRE_HEADERS
    values = dict(zip(CADRE_HEADERS, [cell.value for cell in sheet[2]], strict=True))
    assert values == {
        "姓名": "张三",
        "性别": "男",
        "出生日期": dt.datetime(1986, 5, 20),
        "民族": "汉族",
        "政治面貌": "中共党员",
        "学历": "大学本科",
        "学位": "学士",
        "职称": None,
        "人员类别": "公务员",
        "工作单位": "浔阳区委党校",
        "职务": "科长",
        "职级": "正科级",
        "任现职时间": None,
        "参加工作时间": None,
        "籍贯": None,
        "籍贯行政区划代码": None,
        "专业特长": "招商引资",
        "手机号码": cadre.phone,
        "身份证号": cadre.id_number,
        "回避关系": "配偶:王芳:白鹿镇",
    }
    assert sheet.max_row == 2  # 李四 of the other district is not in it


def test_an_export_imports_back_with_zero_changes(world, run_job) -> None:  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    run_job(
        coordinator,
        imports.CADRE_IMPORT,
        workbook(
            CADRE_HEADERS,
            [
                cadre_row(),
                cadre_row(姓名="钱红", 任现职时间="", 专业特长="", 回避关系="", 学位=""),
            ],
        ),
    )
    UnitFactory(
        name="浔阳区委党校", kind="other", level="township", parent=world.township_a
    )  # now ambiguous
    CadreFactory(name="孙丽", home_unit=world.school_a, expertise=[], phone="")
    export = run_job(coordinator, imports.CADRE_EXPORT, query="")
    assert export.result["rows"] == 4
    sheet = exported(export)["干部名册"]
    assert {row[CADRE_HEADERS.index("工作单位")].value for row in sheet.iter_rows(min_row=2)} == {
        "浔阳区/浔阳区委党校"
    }
    audit_before = AuditEvent.objects.exclude(action__startswith="job.").count()
    again = run_job(coordinator, imports.CADRE_IMPORT, stored_bytes(export))
    assert again.result == {"created": 0, "updated": 0, "unchanged": 4}
    assert AuditEvent.objects.exclude(action__startswith="job.").count() == audit_before


def test_the_export_follows_the_roster_search(world, run_job) -> None:  # type: ignore[no-untyped-def]
    CadreFactory(name="钱红", home_unit=world.school_a)
    job = run_job(world.users["coordinator"], imports.CADRE_EXPORT, query="qh")
    sheet = exported(job)["干部名册"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["钱红"]


def test_the_export_masks_id_and_phone_for_viewers_who_may_not_see_them(
    world, run_job, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(imports.roster.selectors, "can_see_sensitive", lambda **kwargs: False)
    job = run_job(world.users["coordinator"], imports.CADRE_EXPORT, query="")
    row = next(exported(job)["干部名册"].iter_rows(min_row=2, values_only=True))
    number, phone = world.cadre_a.id_number, world.cadre_a.phone
    assert row[CADRE_HEADERS.index("身份证号")] == number[:6] + "********" + number[-4:]
    assert row[CADRE_HEADERS.index("手机号码")] == phone[:3] + "****" + phone[-4:]

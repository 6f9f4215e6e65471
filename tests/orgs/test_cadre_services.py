"""Cadre profile services: create, update, relatives, accounts; refusals change nothing."""

import datetime as dt
import json
from typing import Any

import pytest

from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.core.models import AuditEvent
from guazhi.orgs import services
from guazhi.orgs.models import CadreProfile, CadreRelative, Role, RoleAssignment, User
from tests.factories import CadreFactory, make_id_number

BIRTH = dt.date(1988, 3, 15)


def profile_fields(world: Any, **overrides: Any) -> dict[str, Any]:
    fields = {
        "name": "单雄信",
        "gender": "男",
        "birth_date": BIRTH,
        "ethnicity": "回族",
        "political_status": "中共党员",
        "education": "研究生",
        "degree": "硕士",
        "professional_title": "讲师",
        "staff_type": "事业单位",
        "home_unit": world.school_a,
        "position": "教研室主任",
        "rank": "副科级",
        "current_post_since": dt.date(2021, 7, 1),
        "native_place": "江西九江",
        "native_region_code": "360402",
        "expertise": ["招商引资", "乡村振兴"],
        "phone": "13800001111",
        "id_number": make_id_number(BIRTH),
    }
    return fields | overrides


RELATIVES = [
    {"name": "王芳", "relation": "配偶", "unit_name": "白鹿镇人民政府"},
    {"name": "单田", "relation": "父亲", "unit_name": "浔阳区财政局"},
]


def relatives_of(profile: CadreProfile) -> list[tuple[str, str, str]]:
    return [(r.name, r.relation, r.unit_name) for r in profile.relatives.all()]


def snapshot(profile: CadreProfile) -> dict[str, Any]:
    """Everything a refused update must leave as it was."""
    fresh = CadreProfile.objects.get(pk=profile.pk)
    fields = {key: getattr(fresh, key) for key in services.CADRE_FIELDS}
    return fields | {"relatives": relatives_of(fresh), "history": fresh.history.count()}


# Create ------------------------------------------------------------------------------------


def test_coordinator_creates_a_profile_with_relatives(world: Any) -> None:
    fields = profile_fields(world)
    profile = services.cadre_create(actor=world.users["coordinator"], relatives=RELATIVES, **fields)

    profile.refresh_from_db()
    assert {key: getattr(profile, key) for key in fields} == fields
    assert (profile.name_pinyin, profile.name_initials) == ("shan xiong xin", "sxx")
    assert relatives_of(profile) == [
        ("王芳", "配偶", "白鹿镇人民政府"),
        ("单田", "父亲", "浔阳区财政局"),
    ]
    event = AuditEvent.objects.get(action="cadre.create")
    assert (event.object_id, event.actor_id) == (str(profile.pk), world.users["coordinator"].pk)
    assert event.detail == {"home_unit": "浔阳区委党校"}


def test_dispatch_admin_creates_in_its_own_unit(world: Any) -> None:
    profile = services.cadre_create(actor=world.users["dispatch_admin"], **profile_fields(world))
    assert profile.home_unit == world.school_a


def test_optional_fields_take_their_defaults(world: Any) -> None:
    fields = profile_fields(world)
    for key in (
        "ethnicity",
        "degree",
        "professional_title",
        "position",
        "current_post_since",
        "native_place",
        "native_region_code",
        "expertise",
        "phone",
    ):
        del fields[key]
    profile = services.cadre_create(actor=world.users["coordinator"], **fields)
    profile.refresh_from_db()
    assert (profile.ethnicity, profile.degree, profile.phone, profile.expertise) == (
        "汉族",
        "无",
        "",
        [],
    )
    assert profile.current_post_since is None


def test_id_number_typed_with_spaces_full_width_digits_and_a_small_x_is_stored_normalised(
    world: Any,
) -> None:
    number = make_id_number(BIRTH)
    typed = " " + number[:6] + " " + number[6:].replace("X", "x") + " "
    typed = typed.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    profile = services.cadre_create(
        actor=world.users["coordinator"],
        **profile_fields(world, id_number=typed, phone="１３８００００１１１１"),
    )
    profile.refresh_from_db()
    assert (profile.id_number, profile.phone) == (number, "13800001111")


def test_invalid_fields_are_named_one_by_one_and_nothing_is_saved(world: Any) -> None:
    before = (
        CadreProfile.objects.count(),
        CadreRelative.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(ValidationFailed) as caught:
        services.cadre_create(
            actor=world.users["coordinator"],
            relatives=[{"name": "王芳", "relation": "", "unit_name": "白鹿镇人民政府"}],
            **profile_fields(
                world, name=" ", ethnicity="汉", phone="12345", native_region_code="3604"
            ),
        )
    assert caught.value.detail == {
        "name": "姓名不能为空。",
        "ethnicity": "民族名称不规范，应填写如“汉族”“蒙古族”。",
        "phone": "手机号码应为以1开头的11位数字。",
        "native_region_code": "行政区划代码应为6位数字。",
        "relatives.1.relation": "第1位亲属的关系不能为空。",
    }
    after = (
        CadreProfile.objects.count(),
        CadreRelative.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_birth_date_must_agree_with_the_id_number(world: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.cadre_create(
            actor=world.users["coordinator"],
            **profile_fields(world, birth_date=dt.date(1988, 3, 16)),
        )
    assert caught.value.detail == {
        "id_number": "身份证号中的出生日期（1988-03-15）与填写的出生日期不一致。"
    }


def test_gender_must_agree_with_the_seventeenth_digit(world: Any) -> None:
    man = make_id_number(BIRTH, female=False)
    woman = make_id_number(BIRTH, female=True)
    with pytest.raises(ValidationFailed) as as_woman:
        services.cadre_create(
            actor=world.users["coordinator"], **profile_fields(world, gender="女", id_number=man)
        )
    with pytest.raises(ValidationFailed) as as_man:
        services.cadre_create(
            actor=world.users["coordinator"], **profile_fields(world, gender="男", id_number=woman)
        )
    assert as_woman.value.detail == {
        "gender": "性别与身份证号不一致：身份证号第17位为奇数，性别应为“男”。"
    }
    assert as_man.value.detail == {
        "gender": "性别与身份证号不一致：身份证号第17位为偶数，性别应为“女”。"
    }
    assert not CadreProfile.objects.filter(id_number__in=[man, woman]).exists()
    profile = services.cadre_create(
        actor=world.users["coordinator"], **profile_fields(world, gender="女", id_number=woman)
    )
    assert profile.gender == "女"


def test_a_registered_id_number_is_refused(world: Any) -> None:
    count = CadreProfile.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.cadre_create(
            actor=world.users["admin"],
            **profile_fields(
                world, id_number=world.cadre_b.id_number, birth_date=world.cadre_b.birth_date
            ),
        )
    assert caught.value.detail == {"id_number": "该身份证号已登记。"}
    assert CadreProfile.objects.count() == count


def test_creating_outside_scope_is_refused_and_nothing_is_saved(world: Any) -> None:
    before = (CadreProfile.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Forbidden):
        services.cadre_create(
            actor=world.users["coordinator"], **profile_fields(world, home_unit=world.school_b)
        )
    with pytest.raises(Forbidden):
        services.cadre_create(
            actor=world.users["dispatch_admin"], **profile_fields(world, home_unit=world.township_a)
        )
    with pytest.raises(Forbidden):
        services.cadre_create(
            actor=world.users["host_leader"], **profile_fields(world, home_unit=world.township_a)
        )
    assert (CadreProfile.objects.count(), AuditEvent.objects.count()) == before


# Update ------------------------------------------------------------------------------------


def test_update_audits_changes_but_never_the_raw_id_number_or_phone(world: Any) -> None:
    profile = world.cadre_a
    old_number, old_phone = profile.id_number, profile.phone
    new_number = make_id_number(profile.birth_date)
    services.cadre_update(
        actor=world.users["coordinator"],
        profile=profile,
        position="副校长",
        id_number=new_number,
        phone="13900002222",
    )
    profile.refresh_from_db()
    assert (profile.position, profile.id_number, profile.phone) == (
        "副校长",
        new_number,
        "13900002222",
    )
    event = AuditEvent.objects.get(action="cadre.update")
    assert event.detail == {
        "changes": {
            "position": ["科长", "副校长"],
            "phone": ["***", "***"],
            "id_number": ["***", "***"],
        },
        "relatives_changed": False,
    }
    trail = json.dumps(event.detail, ensure_ascii=False) + event.object_repr
    for secret in (old_number, new_number, old_phone, "13900002222"):
        assert secret not in trail


def test_update_of_a_few_fields_keeps_the_others(world: Any) -> None:
    profile = world.cadre_a
    before = {key: getattr(profile, key) for key in services.CADRE_FIELDS}
    services.cadre_update(actor=world.users["dispatch_admin"], profile=profile, rank="副处级")
    profile.refresh_from_db()
    assert {key: getattr(profile, key) for key in services.CADRE_FIELDS} == before | {
        "rank": "副处级"
    }


def test_renaming_recomputes_the_pinyin_keys(world: Any) -> None:
    profile = world.cadre_a
    services.cadre_update(actor=world.users["coordinator"], profile=profile, name="曾国藩")
    profile.refresh_from_db()
    assert (profile.name_pinyin, profile.name_initials) == ("zeng guo fan", "zgf")


def test_an_update_that_changes_nothing_writes_no_audit_event(world: Any) -> None:
    profile = world.cadre_a
    services.cadre_update(
        actor=world.users["coordinator"], profile=profile, position=profile.position, relatives=[]
    )
    assert not AuditEvent.objects.filter(action="cadre.update").exists()


def test_relatives_are_replaced_as_a_whole(world: Any) -> None:
    profile = world.cadre_a
    services.cadre_update(actor=world.users["coordinator"], profile=profile, relatives=RELATIVES)
    services.cadre_update(
        actor=world.users["coordinator"],
        profile=profile,
        relatives=[{"name": " 刘洋 ", "relation": "子女", "unit_name": "江州市第一中学"}],
    )
    assert relatives_of(profile) == [("刘洋", "子女", "江州市第一中学")]
    assert [e.detail for e in AuditEvent.objects.filter(action="cadre.update").order_by("id")] == [
        {"changes": {}, "relatives_changed": True},
        {"changes": {}, "relatives_changed": True},
    ]


def test_relatives_are_kept_when_not_given(world: Any) -> None:
    profile = world.cadre_a
    services.cadre_update(actor=world.users["coordinator"], profile=profile, relatives=RELATIVES)
    services.cadre_update(actor=world.users["coordinator"], profile=profile, position="副校长")
    assert len(relatives_of(profile)) == 2


def test_a_bad_relative_row_leaves_profile_and_relatives_untouched(world: Any) -> None:
    profile = world.cadre_a
    services.cadre_update(actor=world.users["coordinator"], profile=profile, relatives=RELATIVES)
    before = snapshot(profile)
    with pytest.raises(ValidationFailed) as caught:
        services.cadre_update(
            actor=world.users["coordinator"],
            profile=profile,
            position="副校长",
            relatives=[RELATIVES[0], {"name": "", "relation": "母亲", "unit_name": ""}],
        )
    assert caught.value.detail == {
        "relatives.2.name": "第2位亲属的姓名不能为空。",
        "relatives.2.unit_name": "第2位亲属的工作单位不能为空。",
    }
    assert snapshot(profile) == before


def test_taking_another_profiles_id_number_is_refused(world: Any) -> None:
    profile = CadreFactory(name="王五", home_unit=world.school_a)
    before = snapshot(profile)
    with pytest.raises(ValidationFailed) as caught:
        services.cadre_update(
            actor=world.users["coordinator"], profile=profile, id_number=world.cadre_a.id_number
        )
    assert caught.value.detail == {"id_number": "该身份证号已登记。"}
    assert snapshot(profile) == before


def test_updating_outside_scope_is_refused_with_nothing_changed(world: Any) -> None:
    before_b, before_a = snapshot(world.cadre_b), snapshot(world.cadre_a)
    audit_count = AuditEvent.objects.count()
    with pytest.raises(Forbidden):
        services.cadre_update(
            actor=world.users["coordinator"],
            profile=world.cadre_b,
            position="局长",
            relatives=RELATIVES,
        )
    with pytest.raises(Forbidden):
        services.cadre_update(actor=world.users["cadre"], profile=world.cadre_a, position="局长")
    with pytest.raises(Forbidden):
        # Moving a profile out of one's scope would hand it to someone else: refused too.
        services.cadre_update(
            actor=world.users["coordinator"], profile=world.cadre_a, home_unit=world.school_b
        )
    assert (snapshot(world.cadre_b), snapshot(world.cadre_a)) == (before_b, before_a)
    assert AuditEvent.objects.count() == audit_count


# Accounts ----------------------------------------------------------------------------------


def test_a_cadre_account_gets_the_cadre_role_over_the_home_unit(world: Any) -> None:
    profile = world.cadre_b
    user = services.cadre_account_create(
        actor=world.users["admin"],
        profile=profile,
        username="lisi",
        password="Qingshan-Lushan-2026",
    )
    profile.refresh_from_db()
    assert profile.user == user
    assert (user.username, user.full_name, user.check_password("Qingshan-Lushan-2026")) == (
        "lisi",
        "李四",
        True,
    )
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", "organisation")) == [
        (Role.CADRE, world.school_b.pk)
    ]
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "account.create",
        "role.grant",
    ]


def test_dispatch_admin_opens_an_account_for_its_own_cadre(world: Any) -> None:
    profile = CadreFactory(name="王五", home_unit=world.school_a)
    user = services.cadre_account_create(
        actor=world.users["dispatch_admin"],
        profile=profile,
        username="wangwu",
        password="Qingshan-Lushan-2026",
    )
    assert RoleAssignment.objects.get(user=user).granted_by == world.users["dispatch_admin"]


@pytest.mark.parametrize(
    ("username", "password", "detail"),
    [
        ("wangwu", "12345678901234", {"password": "密码只包含数字。"}),
        ("wangwu", "password123", {"password": "这个密码太常见了。"}),
        ("wangwu2026", "wangwu2026!", {"password": "密码跟 用户名 太相似了。"}),
        ("w", "Qingshan-Lushan-2026", {"username": "用户名格式不正确。"}),
        ("Coordinator", "Qingshan-Lushan-2026", {"username": "用户名已被使用。"}),
    ],
)
def test_bad_account_input_is_refused_and_nothing_is_created(
    world: Any, username: str, password: str, detail: dict[str, str]
) -> None:
    profile = CadreFactory(name="王五", home_unit=world.school_a)
    before = (User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as caught:
        services.cadre_account_create(
            actor=world.users["coordinator"], profile=profile, username=username, password=password
        )
    assert caught.value.detail == detail
    assert (
        User.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    ) == before
    profile.refresh_from_db()
    assert profile.user is None


def test_a_second_account_for_the_same_cadre_is_refused(world: Any) -> None:
    count = User.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.cadre_account_create(
            actor=world.users["coordinator"],
            profile=world.cadre_a,
            username="zhangsan2",
            password="Qingshan-Lushan-2026",
        )
    assert caught.value.message == "该干部已有账号。"
    assert User.objects.count() == count


def test_an_account_outside_scope_is_refused_and_nothing_is_created(world: Any) -> None:
    before = (User.objects.count(), RoleAssignment.objects.count())
    with pytest.raises(Forbidden):
        services.cadre_account_create(
            actor=world.users["coordinator"],
            profile=world.cadre_b,
            username="lisi",
            password="Qingshan-Lushan-2026",
        )
    assert (User.objects.count(), RoleAssignment.objects.count()) == before
    world.cadre_b.refresh_from_db()
    assert world.cadre_b.user is None


def test_relatives_are_linked_to_the_one_unit_of_that_name_and_keep_the_link_when_edited(
    world: Any,
) -> None:
    coordinator = world.users["coordinator"]
    profile = world.cadre_a
    services.cadre_update(
        actor=coordinator,
        profile=profile,
        relatives=[
            {"name": "王芳", "relation": "配偶", "unit_name": "白鹿镇"},
            {"name": "张强", "relation": "兄弟", "unit_name": "不在系统中的公司"},
        ],
    )
    links = {r.name: r.unit for r in CadreRelative.objects.filter(profile=profile)}
    assert links == {"王芳": world.township_a, "张强": None}

    # An admin links 张强's unit by hand; an edit through the form (no `unit` keys) keeps it.
    CadreRelative.objects.filter(name="张强").update(unit=world.township_b)
    services.cadre_update(
        actor=coordinator,
        profile=profile,
        relatives=[
            {"name": "王芳", "relation": "配偶", "unit_name": "白鹿镇"},
            {"name": "张强", "relation": "兄弟", "unit_name": "不在系统中的公司"},
            {"name": "张丽", "relation": "姐妹", "unit_name": "莲花镇"},
        ],
    )
    links = {r.name: r.unit for r in CadreRelative.objects.filter(profile=profile)}
    assert links == {"王芳": world.township_a, "张强": world.township_b, "张丽": world.township_b}

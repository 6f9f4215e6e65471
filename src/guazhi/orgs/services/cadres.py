"""Writes to cadre profiles and their avoidance relatives, and cadres' own logins."""

import datetime as dt
import re
import unicodedata
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guazhi.core.audit import audit_record, changed_fields
from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.core.i18n import Message
from guazhi.core.text import initials, name_syllables
from guazhi.orgs import vocab
from guazhi.orgs.idcard import gender_of, id_number_problem, normalise_id_number
from guazhi.orgs.models import (
    CadreProfile,
    CadreRelative,
    Organisation,
    Role,
    RoleAssignment,
    User,
)
from guazhi.orgs.scopes import ROSTER_ROLES, scopes_of
from guazhi.orgs.services.accounts import account_create
from guazhi.orgs.services.units import REGION_CODE

# ASCII only: a bare \d also takes full-width and other scripts' digits (１３８…).
PHONE = re.compile(r"^1\d{10}$", re.ASCII)
CADRE_FIELDS = [
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "political_status",
    "education",
    "degree",
    "professional_title",
    "staff_type",
    "home_unit",
    "position",
    "rank",
    "current_post_since",
    "work_started_on",
    "native_place",
    "native_region_code",
    "expertise",
    "phone",
    "id_number",
]


def cadre_field_errors(fields: dict[str, Any]) -> dict[str, str]:
    """Problems with cadre profile fields, by field name, in Chinese (forms and importer)."""
    errors: dict[str, str] = {}
    name = (fields.get("name") or "").strip()
    if not name:
        errors["name"] = _("姓名不能为空。")
    elif len(name) > 50:
        errors["name"] = _("姓名不能超过50个字。")
    choice_fields = {
        "gender": vocab.Gender,
        "political_status": vocab.PoliticalStatus,
        "education": vocab.Education,
        "degree": vocab.Degree,
        "staff_type": vocab.StaffType,
        "rank": vocab.Rank,
    }
    for field, choices in choice_fields.items():
        if fields.get(field) not in choices.values:
            # A Message: the importer's job shows it later, in its reader's language.
            errors[field] = Message(
                gettext_noop("不在可选范围内：%(options)s。"), options=choices.values
            )
    if fields.get("ethnicity") not in vocab.ETHNICITIES:
        errors["ethnicity"] = _("民族名称不规范，应填写如“汉族”“蒙古族”。")
    birth_date = fields.get("birth_date")
    if not isinstance(birth_date, dt.date):
        errors["birth_date"] = _("出生日期不能为空，格式如 1985-06-01。")
    elif not (dt.date(1940, 1, 1) <= birth_date <= dt.date.today()):
        errors["birth_date"] = _("出生日期不在合理范围内。")
    since = fields.get("current_post_since")
    if since is not None and not isinstance(since, dt.date):
        errors["current_post_since"] = _("任现职时间格式应如 2020-03-01。")
    # Years of service decide the annual-leave entitlement (duty: leave_grants_ensure).
    started = fields.get("work_started_on")
    if started is not None and not isinstance(started, dt.date):
        errors["work_started_on"] = _("参加工作时间格式应如 2008-07-01。")
    elif started is not None and started > dt.date.today():
        errors["work_started_on"] = _("参加工作时间不能晚于今天。")
    elif started is not None and isinstance(birth_date, dt.date) and started < birth_date:
        errors["work_started_on"] = _("参加工作时间不能早于出生日期。")
    if not isinstance(fields.get("home_unit"), Organisation):
        errors["home_unit"] = _("工作单位不存在。")
    number = normalise_id_number(fields.get("id_number") or "")
    problem = id_number_problem(number, birth_date if isinstance(birth_date, dt.date) else None)
    if problem:
        errors["id_number"] = problem
    elif fields.get("gender") in vocab.Gender.values and gender_of(number) != fields["gender"]:
        # GB 11643: the 17th digit is odd for men and even for women.
        errors["gender"] = Message(
            gettext_noop(
                "性别与身份证号不一致：身份证号第17位为%(parity)s，性别应为“%(gender)s”。"
            ),
            parity=Message(gettext_noop("奇数") if int(number[16]) % 2 else gettext_noop("偶数")),
            gender=Message(gender_of(number)),  # 男 / 女 are the Gender labels' msgids
        )
    phone = (fields.get("phone") or "").strip()
    if phone and not PHONE.match(phone):
        errors["phone"] = _("手机号码应为以1开头的11位数字。")
    code = (fields.get("native_region_code") or "").strip()
    if code and not REGION_CODE.match(code):
        errors["native_region_code"] = _("行政区划代码应为6位数字。")
    expertise = fields.get("expertise") or []
    if not isinstance(expertise, list) or any(
        not isinstance(tag, str) or len(tag) > 20 for tag in expertise
    ):
        errors["expertise"] = _("专业特长每项不超过20个字。")
    return errors


def parse_tags(text: str) -> list[str]:
    """Expertise tags from free text: separated by 、，, ; or spaces; duplicates dropped."""
    parts = re.split(r"[、，,；;\s]+", text or "")
    seen: dict[str, None] = {}
    for part in parts:
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


def _normalised_cadre_fields(
    fields: dict[str, Any], *, with_defaults: bool = True
) -> dict[str, Any]:
    """Stripped values; on create, defaults for the optional fields. An update passes only what
    it changes, so it takes no defaults (they would blank the fields it did not mention)."""
    clean = {
        key: (value.strip() if isinstance(value, str) else value) for key, value in fields.items()
    }
    # Chinese input methods type full-width digits (１３８…); NFKC turns them into ASCII.
    for key in ("id_number", "phone", "native_region_code"):
        if isinstance(clean.get(key), str):
            clean[key] = unicodedata.normalize("NFKC", clean[key])
    if "id_number" in clean:
        clean["id_number"] = normalise_id_number(clean["id_number"] or "")
    for key in ("professional_title", "position", "native_place", "native_region_code", "phone"):
        if key in clean and clean[key] is None:
            clean[key] = ""
    if not with_defaults:
        return clean
    for key in ("professional_title", "position", "native_place", "native_region_code", "phone"):
        clean.setdefault(key, "")
    clean.setdefault("degree", vocab.Degree.NONE)
    clean.setdefault("ethnicity", "汉族")
    clean.setdefault("expertise", [])
    clean.setdefault("current_post_since", None)
    clean.setdefault("work_started_on", None)
    return clean


def cadre_input_errors(fields: dict[str, Any]) -> dict[str, str]:
    """What cadre_create would refuse in these fields, before scope and duplicates: lets a form
    whose other parts failed still show the profile's own problems in the same round."""
    return cadre_field_errors(_normalised_cadre_fields(fields))


def _check_can_manage_cadre_in(actor: User, unit: Organisation) -> None:
    if not scopes_of(actor).covers(unit.path, ROSTER_ROLES):
        raise Forbidden(_("该工作单位不在您的管辖范围内。"))


def fill_cadre_pinyin(profile: CadreProfile) -> None:
    """Sort and search keys from the name; bulk loaders (`seed`) call it too."""
    syllables = name_syllables(profile.name)
    profile.name_pinyin = " ".join(syllables)[:300]
    profile.name_initials = initials(syllables)[:50]


@transaction.atomic
def cadre_create(
    *, actor: User, relatives: list[dict[str, Any]] | None = None, **fields: Any
) -> CadreProfile:
    fields = _normalised_cadre_fields(fields)
    # Relatives are checked with the fields so a form shows every problem at once.
    errors = cadre_field_errors(fields) | relative_errors(relatives or [])
    if errors:
        raise ValidationFailed(_("干部信息有误。"), detail=errors)
    _check_can_manage_cadre_in(actor, fields["home_unit"])
    if CadreProfile.objects.filter(id_number=fields["id_number"]).exists():
        raise ValidationFailed(
            _("该身份证号已登记。"), detail={"id_number": _("该身份证号已登记。")}
        )
    profile = CadreProfile(**{key: fields[key] for key in CADRE_FIELDS})
    fill_cadre_pinyin(profile)
    profile.save()
    _replace_relatives(profile, relatives or [])
    audit_record(
        actor=actor,
        action="cadre.create",
        obj=profile,
        detail={"home_unit": str(profile.home_unit)},
    )
    return profile


@transaction.atomic
def cadre_update(
    *,
    actor: User,
    profile: CadreProfile,
    relatives: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> CadreProfile:
    profile = (
        CadreProfile.objects.select_for_update().select_related("home_unit").get(pk=profile.pk)
    )
    _check_can_manage_cadre_in(actor, profile.home_unit)
    merged = {key: getattr(profile, key) for key in CADRE_FIELDS} | _normalised_cadre_fields(
        fields, with_defaults=False
    )
    errors = cadre_field_errors(merged)
    if relatives is not None:
        errors |= relative_errors(relatives)
    if errors:
        raise ValidationFailed(_("干部信息有误。"), detail=errors)
    _check_can_manage_cadre_in(actor, merged["home_unit"])
    if CadreProfile.objects.filter(id_number=merged["id_number"]).exclude(pk=profile.pk).exists():
        raise ValidationFailed(
            _("该身份证号已登记。"), detail={"id_number": _("该身份证号已登记。")}
        )
    before = {key: getattr(profile, key) for key in CADRE_FIELDS}
    for key in CADRE_FIELDS:
        setattr(profile, key, merged[key])
    changes = changed_fields(profile, before, CADRE_FIELDS)
    # ID numbers are personal data: the trail records that it changed, never the numbers.
    if "id_number" in changes:
        changes["id_number"] = ["***", "***"]
    if "phone" in changes:
        changes["phone"] = ["***", "***"]
    relatives_changed = relatives is not None and _replace_relatives(profile, relatives)
    if changes:
        fill_cadre_pinyin(profile)
        profile.save(
            update_fields=[*(f for f in changes), "name_pinyin", "name_initials", "updated_at"]
        )
    if changes or relatives_changed:
        audit_record(
            actor=actor,
            action="cadre.update",
            obj=profile,
            detail={"changes": changes, "relatives_changed": bool(relatives_changed)},
        )
    return profile


def relative_errors(relatives: list[dict[str, Any]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for index, relative in enumerate(relatives, start=1):
        labels = (
            ("name", gettext_noop("姓名")),
            ("relation", gettext_noop("关系")),
            ("unit_name", gettext_noop("工作单位")),
        )
        for key, label in labels:
            if not (relative.get(key) or "").strip():
                errors[f"relatives.{index}.{key}"] = Message(
                    gettext_noop("第%(n)s位亲属的%(label)s不能为空。"),
                    n=index,
                    label=Message(label),
                )
    return errors


def _replace_relatives(profile: CadreProfile, relatives: list[dict[str, Any]]) -> bool:
    """Make the profile's relatives exactly `relatives`; True when anything changed.

    A relative given without a `unit` keeps the in-system unit it was linked to, or is linked to
    the one unit bearing that name: avoidance checks in matching need the link, and a form that
    only edits names must not lose it.
    """
    errors = relative_errors(relatives)
    if errors:
        raise ValidationFailed(_("回避关系信息有误。"), detail=errors)
    current = [(r.name, r.relation, r.unit_name, r.unit) for r in profile.relatives.all()]
    linked = {(name, relation, unit_name): unit for name, relation, unit_name, unit in current}
    wanted = []
    for r in relatives:
        key = (r["name"].strip(), r["relation"].strip(), r["unit_name"].strip())
        unit = r["unit"] if "unit" in r else linked.get(key) or _only_unit_named(key[2])
        wanted.append((*key, unit))
    if wanted == current:
        return False
    profile.relatives.all().delete()
    for name, relation, unit_name, unit in wanted:
        CadreRelative.objects.create(
            profile=profile, name=name, relation=relation, unit_name=unit_name, unit=unit
        )
    return True


def _only_unit_named(name: str) -> Organisation | None:
    units = list(Organisation.objects.filter(name=name)[:2])
    return units[0] if len(units) == 1 else None


@transaction.atomic
def cadre_account_create(
    *, actor: User, profile: CadreProfile, username: str, password: str
) -> User:
    """Open a login for a cadre the actor manages, holding the cadre role over the home unit."""
    profile = (
        CadreProfile.objects.select_for_update().select_related("home_unit").get(pk=profile.pk)
    )
    _check_can_manage_cadre_in(actor, profile.home_unit)
    if profile.user_id is not None:
        raise ValidationFailed(_("该干部已有账号。"))
    user = account_create(
        actor=actor, username=username, full_name=profile.name, password=password, profile=profile
    )
    # Not role_grant: that is for coordinators granting anything in their subtree, while the
    # authority here is managing this profile, which dispatch admins hold too.
    assignment = RoleAssignment.objects.create(
        user=user, role=Role.CADRE, organisation=profile.home_unit, granted_by=actor
    )
    audit_record(
        actor=actor,
        action="role.grant",
        obj=assignment,
        detail={
            "user": user.username,
            "role": Role.CADRE.value,
            "organisation": profile.home_unit.name,
        },
    )
    return user

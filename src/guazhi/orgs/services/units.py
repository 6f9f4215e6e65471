"""Writes to the organisation tree: create, update and move units, audited."""

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record, changed_fields
from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.core.text import initials, text_syllables
from guazhi.orgs.models import (
    Organisation,
    OrgKind,
    OrgLevel,
    Role,
    User,
)
from guazhi.orgs.scopes import grants_changed, scopes_of

# ASCII only: a bare \d also takes full-width and other scripts' digits (１３８…).
REGION_CODE = re.compile(r"^\d{6}$", re.ASCII)
UNIT_FIELDS = ["name", "kind", "level", "region_name", "region_code"]


def unit_field_errors(fields: dict[str, Any]) -> dict[str, str]:
    """Problems with unit fields, by field name, in Chinese. Shared by forms and the importer."""
    errors: dict[str, str] = {}
    name = (fields.get("name") or "").strip()
    if not name:
        errors["name"] = _("单位名称不能为空。")
    elif len(name) > 100:
        errors["name"] = _("单位名称不能超过100个字。")
    if not fields.get("kind"):
        errors["kind"] = _("单位类型不能为空。")
    elif fields.get("kind") not in OrgKind.values:
        errors["kind"] = _("单位类型不在可选范围内。")
    if not fields.get("level"):
        errors["level"] = _("行政级别不能为空。")
    elif fields.get("level") not in OrgLevel.values:
        errors["level"] = _("行政级别不在可选范围内。")
    if len((fields.get("region_name") or "").strip()) > 50:
        errors["region_name"] = _("行政区划名称不能超过50个字。")
    code = (fields.get("region_code") or "").strip()
    if code and not REGION_CODE.match(code):
        errors["region_code"] = _("行政区划代码应为6位数字。")
    return errors


def fill_unit_pinyin(unit: Organisation) -> None:
    """Sort and search keys from the name; bulk loaders (`seed`) call it too."""
    syllables = text_syllables(unit.name)
    unit.name_pinyin = " ".join(syllables)[:400]
    unit.name_initials = initials(syllables)[:100]


def _check_can_manage_under(actor: User, parent: Organisation | None) -> None:
    scopes = scopes_of(actor)
    if parent is None:
        if not scopes.is_admin:
            raise Forbidden(_("只有系统管理员可以创建顶级单位。"))
    elif not scopes.covers(parent.path, [Role.COORDINATOR]):
        raise Forbidden(_("上级单位不在您的管辖范围内。"))


@transaction.atomic
def unit_create(*, actor: User, parent: Organisation | None, **fields: Any) -> Organisation:
    fields = {
        key: (value.strip() if isinstance(value, str) else value) for key, value in fields.items()
    }
    errors = unit_field_errors(fields)
    if errors:
        raise ValidationFailed(_("单位信息有误。"), detail=errors)
    _check_can_manage_under(actor, parent)
    if Organisation.objects.filter(parent=parent, name=fields["name"]).exists():
        raise ValidationFailed(
            _("同一上级下已有同名单位。"), detail={"name": _("同一上级下已有同名单位。")}
        )
    unit = Organisation(parent=parent, **{key: fields.get(key, "") for key in UNIT_FIELDS})
    fill_unit_pinyin(unit)
    unit.save()
    unit.path = Organisation.path_for(parent, unit.pk)
    unit.save(update_fields=["path"])
    audit_record(actor=actor, action="org.create", obj=unit, detail={"parent": str(parent or "")})
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Organisation, **fields: Any) -> Organisation:
    unit = Organisation.objects.select_for_update().get(pk=unit.pk)
    if not scopes_of(actor).covers(unit.path, [Role.COORDINATOR]):
        raise Forbidden(_("该单位不在您的管辖范围内。"))
    merged = {key: getattr(unit, key) for key in UNIT_FIELDS} | {
        key: (value.strip() if isinstance(value, str) else value) for key, value in fields.items()
    }
    errors = unit_field_errors(merged)
    if errors:
        raise ValidationFailed(_("单位信息有误。"), detail=errors)
    if (
        Organisation.objects.filter(parent_id=unit.parent_id, name=merged["name"])
        .exclude(pk=unit.pk)
        .exists()
    ):
        raise ValidationFailed(
            _("同一上级下已有同名单位。"), detail={"name": _("同一上级下已有同名单位。")}
        )
    before = {key: getattr(unit, key) for key in UNIT_FIELDS}
    for key in UNIT_FIELDS:
        setattr(unit, key, merged[key])
    changes = changed_fields(unit, before, UNIT_FIELDS)
    if changes:
        fill_unit_pinyin(unit)
        unit.save(update_fields=[*changes.keys(), "name_pinyin", "name_initials", "updated_at"])
        audit_record(actor=actor, action="org.update", obj=unit, detail={"changes": changes})
    return unit


@transaction.atomic
def unit_move(*, actor: User, unit: Organisation, new_parent: Organisation) -> Organisation:
    """Move a unit and its whole subtree under `new_parent`; paths of descendants follow."""
    unit = Organisation.objects.select_for_update().get(pk=unit.pk)
    new_parent = Organisation.objects.get(pk=new_parent.pk)
    scopes = scopes_of(actor)
    if not scopes.covers(unit.path, [Role.COORDINATOR]) or not scopes.covers(
        new_parent.path, [Role.COORDINATOR]
    ):
        raise Forbidden(_("单位或新的上级单位不在您的管辖范围内。"))
    if new_parent.path.startswith(unit.path):
        raise ValidationFailed(
            _("不能把单位移动到它自己或它的下级单位之下。"),
            detail={"parent": _("不能把单位移动到它自己或它的下级单位之下。")},
        )
    if new_parent.pk == unit.parent_id:
        return unit
    if Organisation.objects.filter(parent=new_parent, name=unit.name).exists():
        raise ValidationFailed(
            _("新的上级单位下已有同名单位。"), detail={"parent": _("新的上级单位下已有同名单位。")}
        )
    old_path, old_parent = unit.path, unit.parent
    new_path = f"{new_parent.path}{unit.pk}."
    descendants = list(
        Organisation.objects.select_for_update()
        .filter(path__startswith=old_path)
        .exclude(pk=unit.pk)
    )
    unit.parent = new_parent
    unit.path = new_path
    unit.save(update_fields=["parent", "path", "updated_at"])
    for descendant in descendants:
        descendant.path = new_path + descendant.path[len(old_path) :]
    Organisation.objects.bulk_update(descendants, ["path"], batch_size=500)
    grants_changed(under_path=new_path)
    audit_record(
        actor=actor,
        action="org.move",
        obj=unit,
        detail={
            "from": str(old_parent or ""),
            "to": str(new_parent),
            "subtree_size": len(descendants) + 1,
        },
    )
    return unit

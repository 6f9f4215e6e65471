"""Writes to accounts and role grants: open a login, grant and revoke roles."""

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record
from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.orgs.models import (
    CadreProfile,
    Organisation,
    Role,
    RoleAssignment,
    User,
)
from guazhi.orgs.scopes import grants_changed, scopes_of


@transaction.atomic
def account_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    password: str,
    profile: CadreProfile | None = None,
) -> User:
    username = username.strip()
    if not re.match(r"^[A-Za-z0-9_.@-]{3,150}$", username):
        raise ValidationFailed(
            _("用户名应为3位以上的字母、数字或 _ . @ -。"),
            detail={"username": _("用户名格式不正确。")},
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("用户名已被使用。"), detail={"username": _("用户名已被使用。")})
    user = User(username=username, full_name=full_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(
            " ".join(error.messages), detail={"password": " ".join(error.messages)}
        ) from error
    user.set_password(password)
    user.save()
    if profile is not None:
        if profile.user_id is not None:
            raise ValidationFailed(_("该干部已有账号。"))
        profile.user = user
        profile.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor, action="account.create", obj=user, detail={"profile": str(profile or "")}
    )
    return user


def _check_can_grant(actor: User, role: str, organisation: Organisation) -> None:
    scopes = scopes_of(actor)
    if scopes.is_admin:
        return
    if role == Role.ADMIN:
        raise Forbidden(_("只有系统管理员可以授予系统管理员角色。"))
    if not scopes.covers(organisation.path, [Role.COORDINATOR]):
        raise Forbidden(_("该单位不在您的管辖范围内，不能在此授权。"))


@transaction.atomic
def role_grant(*, actor: User, user: User, role: str, organisation: Organisation) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationFailed(_("角色不存在。"), detail={"role": _("角色不存在。")})
    if not user.is_active:
        message = _("该账号已停用，不能授权。")
        raise ValidationFailed(message, detail={"user": message})
    _check_can_grant(actor, role, organisation)
    # Grants limited to one batch (a group leader's) are the programmes' business, not this one.
    if RoleAssignment.objects.filter(
        user=user, role=role, organisation=organisation, batch=None
    ).exists():
        raise ValidationFailed(_("该账号已在此范围内拥有该角色。"))
    assignment = RoleAssignment.objects.create(
        user=user, role=role, organisation=organisation, granted_by=actor
    )
    grants_changed(user_ids=[user.pk])
    audit_record(
        actor=actor,
        action="role.grant",
        obj=assignment,
        detail={"user": user.username, "role": role, "organisation": organisation.name},
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    assignment = (
        RoleAssignment.objects.select_for_update()
        .select_related("organisation", "user")
        .get(pk=assignment.pk)
    )
    _check_can_grant(actor, assignment.role, assignment.organisation)
    if assignment.user_id == actor.pk and assignment.role in {Role.ADMIN, Role.COORDINATOR}:
        raise ValidationFailed(_("不能撤销自己的管理角色，请由其他管理员操作。"))
    audit_record(
        actor=actor,
        action="role.revoke",
        obj=assignment,
        detail={
            "user": assignment.user.username,
            "role": assignment.role,
            "organisation": assignment.organisation.name,
        },
    )
    assignment.delete()
    grants_changed(user_ids=[assignment.user_id])

"""The role grant form: an account found by search, a role, and the subtree it reaches."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.orgs.forms.units import UnitChoiceField
from guazhi.orgs.models import Organisation, Role, User

# Accounts offered in the select at once; more are found by typing a name.
USER_OPTIONS = 30


def user_label(user: User) -> str:
    if not user.full_name:
        return user.username
    return gettext("%(name)s（%(username)s）") % {"name": user.full_name, "username": user.username}


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return user_label(obj)


class RoleGrantForm(GuazhiForm):
    # A plain text value offered through a select: the service checks it is a role, and refuses
    # the admin role to non-admins with its own message (coordinators are not offered it).
    role = forms.CharField(
        label=_("角色"), widget=forms.Select, error_messages={"required": _("请选择角色。")}
    )

    def __init__(
        self,
        *args: Any,
        users: QuerySet[User],
        offered_users: list[User],
        organisations: QuerySet[Organisation],
        base_depth: int,
        may_grant_admin: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        user_field = UserChoiceField(
            queryset=users,
            label=_("账号"),
            empty_label=_("请选择账号"),
            error_messages={
                "required": _("请选择要授权的账号。"),
                "invalid_choice": _("账号不存在或已停用。"),
            },
        )
        user_field.choices = [("", user_field.empty_label)] + [
            (u.pk, user_label(u)) for u in offered_users
        ]
        self.fields = {
            "user": user_field,
            "role": self.fields["role"],
            "organisation": UnitChoiceField(
                queryset=organisations,
                base_depth=base_depth,
                label=_("管辖范围（单位及其下级）"),
                empty_label=_("请选择单位"),
                error_messages={
                    "required": _("请选择管辖范围。"),
                    "invalid_choice": _("单位不存在或不在您的管辖范围内。"),
                },
            ),
        }
        roles = Role.choices if may_grant_admin else [c for c in Role.choices if c[0] != Role.ADMIN]
        self.fields["role"].widget.choices = [("", _("请选择角色")), *roles]

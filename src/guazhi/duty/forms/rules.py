"""Forms of the batch's 在岗规则 page: the general rules, one row per leave type, one row per
line of the approval chain. They parse; services/rules.py checks and names what is wrong."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guazhi.core.forms import GuazhiForm
from guazhi.duty.models import ApproverRole, CountingRule, DutyRules, LeaveType, ReportFrequency
from guazhi.duty.services.rules import ApprovalLine, LeaveTypeChange

STEPS = 3  # steps offered per line: host leader, dispatching unit, coordinator at most


def _number(label: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _days(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "inputmode": "decimal"}),
    )


class DutyRulesForm(GuazhiForm):
    log_categories = forms.CharField(
        label=_("工作纪实类别"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text=_("每行一个类别，按行的顺序显示。"),
    )
    monthly_accomplishment_required = forms.BooleanField(
        label=_("每月须至少做成一件事"), required=False
    )
    report_frequency = forms.ChoiceField(
        label=_("定期汇报频次"), choices=ReportFrequency.choices, required=False
    )
    report_due_days = _number(_("汇报提交期限（期末后天数）"), _("如 5：每期结束后5天内提交。"))
    attendance_return_day = _number(
        _("考勤月报报送日"), _("接收单位在次月这一天前报送考勤月报，如 5。")
    )
    overdue_after_working_days = _number(
        _("逾期未销假认定（工作日）"), _("假期结束后这么多个工作日仍未销假的，认定为逾期。")
    )
    accomplishment_reminder_day = _number(
        _("“做成一件事”提醒日"), _("当月还没有“做成一件事”的，从这一天起提醒。")
    )

    @staticmethod
    def initial_of(rules: DutyRules) -> dict[str, Any]:
        return {
            "log_categories": "\n".join(rules.log_categories),
            "monthly_accomplishment_required": rules.monthly_accomplishment_required,
            "report_frequency": rules.report_frequency,
            "report_due_days": rules.report_due_days,
            "attendance_return_day": rules.attendance_return_day,
            "overdue_after_working_days": rules.overdue_after_working_days,
            "accomplishment_reminder_day": rules.accomplishment_reminder_day,
        }

    def rules_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "log_categories": (data.get("log_categories") or "").splitlines(),
            "monthly_accomplishment_required": bool(data.get("monthly_accomplishment_required")),
            "report_frequency": data.get("report_frequency") or "",
            "report_due_days": data.get("report_due_days"),
            "attendance_return_day": data.get("attendance_return_day"),
            "overdue_after_working_days": data.get("overdue_after_working_days"),
            "accomplishment_reminder_day": data.get("accomplishment_reminder_day"),
        }


class LeaveTypeRowForm(GuazhiForm):
    """One leave type's line; prefixed by the type's id."""

    counting = forms.ChoiceField(label=_("计算方式"), choices=CountingRule.choices, required=False)
    entitlement_days = _days(_("每期额度（天）"))
    entitlement_by_service = forms.BooleanField(label=_("按工龄确定"), required=False)
    attachment_required = forms.BooleanField(label=_("须上传证明"), required=False)
    active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args: Any, leave_type: LeaveType, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"type-{leave_type.pk}")
        kwargs.setdefault(
            "initial",
            {
                "counting": leave_type.counting,
                "entitlement_days": leave_type.entitlement_days,
                "entitlement_by_service": leave_type.entitlement_by_service,
                "attachment_required": leave_type.attachment_required,
                "active": leave_type.active,
            },
        )
        super().__init__(*args, **kwargs)
        self.leave_type = leave_type
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = gettext("%(type)s：%(field)s") % {
                "type": leave_type,
                "field": field.label,
            }

    def change(self) -> LeaveTypeChange:
        data = self.cleaned_data
        return LeaveTypeChange(
            leave_type=self.leave_type,
            counting=data.get("counting") or "",
            entitlement_days=data.get("entitlement_days"),
            entitlement_by_service=bool(data.get("entitlement_by_service")),
            attachment_required=bool(data.get("attachment_required")),
            active=bool(data.get("active")),
        )


class ApprovalLineForm(GuazhiForm):
    """One line of the approval chain; prefixed by its position. A cleared line is dropped."""

    leave_type = forms.TypedChoiceField(
        label=_("假别"), required=False, coerce=int, empty_value=None
    )
    max_days = _days(_("工作日上限"))
    step_1 = forms.ChoiceField(label=_("第一步"), required=False)
    step_2 = forms.ChoiceField(label=_("第二步"), required=False)
    step_3 = forms.ChoiceField(label=_("第三步"), required=False)

    def __init__(self, *args: Any, number: int, types: list[LeaveType], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"line-{number}")
        super().__init__(*args, **kwargs)
        self.number = number
        self.types = {leave_type.pk: leave_type for leave_type in types}
        type_field: Any = self.fields["leave_type"]
        type_field.choices = [("", gettext("全部假别"))] + [
            (pk, str(leave_type)) for pk, leave_type in self.types.items()
        ]
        for index in range(1, STEPS + 1):
            step: Any = self.fields[f"step_{index}"]
            step.choices = [("", "—"), *ApproverRole.choices]
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = gettext("第%(n)s行：%(field)s") % {
                "n": number,
                "field": field.label,
            }

    @staticmethod
    def initial_of(rule: Any) -> dict[str, Any]:
        steps = list(rule.steps) + [""] * STEPS
        return {
            "leave_type": rule.leave_type_id,
            "max_days": rule.max_days,
            **{f"step_{index}": steps[index - 1] for index in range(1, STEPS + 1)},
        }

    def line(self) -> ApprovalLine:
        data = self.cleaned_data
        pk = data.get("leave_type")
        max_days: Decimal | None = data.get("max_days")
        steps = [data.get(f"step_{index}") or "" for index in range(1, STEPS + 1)]
        # Empty steps kept in place: the service refuses a gap and names the line.
        return ApprovalLine(
            leave_type=self.types.get(pk) if pk is not None else None,
            max_days=max_days,
            steps=steps,
        )

"""What a batch decides about daily life on duty: leave types, the approval chain, log
categories, report frequency. One row of DutyRules per batch, made with the defaults the first
time it is asked for (see services/rules.py: duty_rules_of)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.programmes.models import Batch

# The log categories the issue names; a batch edits its own copy.
DEFAULT_LOG_CATEGORIES = [
    "调研",
    "招商引资",
    "招工",
    "宣传",
    "会议",
    "学习",
    "走访",
    "活动",
    "其他",
]


class ReportFrequency(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")


class DutyRules(TimeStampedModel):
    batch = models.OneToOneField(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="duty_rules"
    )
    log_categories = models.JSONField(_("工作纪实类别"), default=list)
    monthly_accomplishment_required = models.BooleanField(_("每月须至少做成一件事"), default=True)
    report_frequency = models.CharField(
        _("定期汇报频次"), max_length=16, choices=ReportFrequency, default=ReportFrequency.MONTHLY
    )
    # A report for a period is due this many calendar days after the period ends.
    report_due_days = models.PositiveSmallIntegerField(_("汇报提交期限（期末后天数）"), default=5)
    # The host unit's monthly attendance return is due by this day of the next month.
    attendance_return_day = models.PositiveSmallIntegerField(_("考勤月报报送日"), default=5)
    # A leave not reported back this many working days after its end is overdue.
    overdue_after_working_days = models.PositiveSmallIntegerField(
        _("逾期未销假认定（工作日）"), default=1
    )
    # Reminders about a month without an accomplishment go out from this day of the month.
    accomplishment_reminder_day = models.PositiveSmallIntegerField(
        _("“做成一件事”提醒日"), default=25
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("在岗管理规则")
        verbose_name_plural = _("在岗管理规则")

    def __str__(self) -> str:
        return str(self.batch)


class CountingRule(models.TextChoices):
    WORKING_DAYS = "working", _("按工作日计")
    CALENDAR_DAYS = "calendar", _("按自然日计")


class LeaveKind(models.TextChoices):
    """The kinds a batch's leave types are made from (the type's code)."""

    ANNUAL = "annual", _("年休假")
    HOME_VISIT = "home_visit", _("探亲假")
    PERSONAL = "personal", _("事假")
    SICK = "sick", _("病假")
    MARRIAGE_FUNERAL = "marriage_funeral", _("婚丧假")
    COMPENSATORY = "compensatory", _("调休")


class LeaveType(TimeStampedModel):
    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="leave_types"
    )
    kind = models.CharField(_("假别"), max_length=20, choices=LeaveKind)
    counting = models.CharField(_("计算方式"), max_length=16, choices=CountingRule)
    # Days granted per term; None: no entitlement (taken days are still recorded).
    # For annual leave None means "by years of service" (5 / 10 / 15 after 1 / 10 / 20 years).
    entitlement_days = models.DecimalField(
        _("每期额度（天）"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    entitlement_by_service = models.BooleanField(_("额度按工龄确定"), default=False)
    attachment_required = models.BooleanField(_("须上传证明材料"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("假别")
        verbose_name_plural = _("假别")
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "kind"], name="leave_type_one_per_kind")
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class ApproverRole(models.TextChoices):
    """Who acts on one step of a leave's approval chain, over which unit of the assignment."""

    HOST_LEADER = "host_leader", _("接收单位领导")  # over the host unit
    DISPATCH_ADMIN = "dispatch_admin", _("派出单位组织人事部门")  # over the home unit
    COORDINATOR = "coordinator", _("组织部门")  # over the batch's coordinating unit


class LeaveApprovalRule(TimeStampedModel):
    """One line of a batch's approval chain: leave up to `max_days` (of `leave_type`, or of any
    type when blank) goes through `steps` in order. The rule that applies to a request is the
    first, type-specific rules before general ones, by ascending max_days (blank = no limit).

    Default (services/rules.py): ≤3 days host leader; ≤7 host leader → dispatching unit;
    longer host leader → dispatching unit → coordinator."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="leave_rules"
    )
    leave_type = models.ForeignKey(
        LeaveType,
        verbose_name=_("假别"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_rules",
    )
    max_days = models.DecimalField(
        _("天数上限"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    steps = models.JSONField(_("审批环节"), default=list)  # ApproverRole values in order
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("请假审批规则")
        verbose_name_plural = _("请假审批规则")
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"{self.leave_type or ''} ≤{self.max_days or '∞'}: {'→'.join(self.steps)}"


HALF_DAY = Decimal("0.5")

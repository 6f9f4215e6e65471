"""Leave and return (请销假), away-from-post reports (外出报备), the leave ledger and the host
unit's monthly attendance return (考勤月报).

Half days: a moment of leave is a date and a half (上午 / 下午). `start_slot` and `end_slot` number
the half days (date ordinal × 2, +1 for the afternoon) so that overlap, including half-day
overlap, is one integer comparison an index can serve. The services keep them in step with the
dates; nothing else writes them.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.duty.models.rules import ApproverRole, LeaveType
from guazhi.orgs.models import Organisation
from guazhi.programmes.models import Assignment, Batch


class Half(models.TextChoices):
    AM = "am", _("上午")
    PM = "pm", _("下午")


def half_slot(day: dt.date, half: str) -> int:
    """The half day's number: consecutive half days have consecutive numbers."""
    return day.toordinal() * 2 + (1 if half == Half.PM else 0)


def slot_day(slot: int) -> tuple[dt.date, str]:
    return dt.date.fromordinal(slot // 2), (Half.PM if slot % 2 else Half.AM)


class LeaveState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("审批中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")
    ON_LEAVE = "on_leave", _("休假中")
    RETURNED = "returned", _("已销假")
    OVERDUE = "overdue", _("逾期未销假")


# The one table of allowed moves. APPROVED → ON_LEAVE when the first day comes (daily job, or
# on the spot for leave entered afterwards); ON_LEAVE → OVERDUE when not reported back in time;
# an overdue leave may still be reported back (RETURNED), and stays flagged (overdue_at).
LEAVE_TRANSITIONS: dict[str, frozenset[str]] = {
    LeaveState.DRAFT: frozenset({LeaveState.PENDING, LeaveState.WITHDRAWN}),
    LeaveState.PENDING: frozenset({LeaveState.APPROVED, LeaveState.REJECTED, LeaveState.WITHDRAWN}),
    LeaveState.APPROVED: frozenset(
        {LeaveState.ON_LEAVE, LeaveState.WITHDRAWN, LeaveState.RETURNED, LeaveState.OVERDUE}
    ),
    # WITHDRAWN: reported back on or before its first half day: on leave by date, not taken.
    LeaveState.ON_LEAVE: frozenset({LeaveState.RETURNED, LeaveState.OVERDUE, LeaveState.WITHDRAWN}),
    LeaveState.OVERDUE: frozenset({LeaveState.RETURNED}),
    LeaveState.REJECTED: frozenset(),
    LeaveState.WITHDRAWN: frozenset(),
    LeaveState.RETURNED: frozenset(),
}
# Leave that holds its days: a new request may not overlap these (RETURNED holds up to the
# actual return, which services write back into end_slot).
HOLDING_STATES = (
    LeaveState.PENDING,
    LeaveState.APPROVED,
    LeaveState.ON_LEAVE,
    LeaveState.OVERDUE,
    LeaveState.RETURNED,
)


class LeaveRequest(TimeStampedModel):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="leaves"
    )
    leave_type = models.ForeignKey(
        LeaveType, verbose_name=_("假别"), on_delete=models.PROTECT, related_name="requests"
    )
    start_date = models.DateField(_("开始日期"))
    start_half = models.CharField(_("开始时段"), max_length=2, choices=Half, default=Half.AM)
    end_date = models.DateField(_("结束日期"))
    end_half = models.CharField(_("结束时段"), max_length=2, choices=Half, default=Half.PM)
    start_slot = models.IntegerField(editable=False)
    end_slot = models.IntegerField(editable=False)
    # Counted by the type's rule when submitted; an early return writes the days actually taken.
    days = models.DecimalField(_("天数"), max_digits=5, decimal_places=1)
    reason = models.TextField(_("事由"))
    stand_in = models.CharField(_("工作代理人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    state = models.CharField(_("状态"), max_length=16, choices=LeaveState, default=LeaveState.DRAFT)
    # The chain fixed at submission (ApproverRole values): later rule changes do not move it.
    chain = models.JSONField(_("审批流程"), default=list)
    step = models.PositiveSmallIntegerField(_("当前环节"), default=0)
    # The role the current step waits for, "" when nothing waits: the inbox's indexed filter.
    awaiting_role = models.CharField(max_length=20, choices=ApproverRole, blank=True)
    # Leave entered afterwards (补假): the reason it was not asked for in advance.
    emergency = models.BooleanField(_("事后补办"), default=False)
    emergency_reason = models.TextField(_("未事先请假的原因"), blank=True)
    # 续假: this request extends `extends` and starts the half day after it ends.
    extends = models.ForeignKey(
        "self",
        verbose_name=_("续假的原请假"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="extensions",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审批完成时间"), null=True, blank=True)
    # 销假: the day and half the person was back at work, and when they reported it.
    returned_date = models.DateField(_("实际返岗日期"), null=True, blank=True)
    returned_half = models.CharField(_("返岗时段"), max_length=2, choices=Half, blank=True)
    returned_at = models.DateTimeField(_("销假时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("逾期认定时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("请假")
        verbose_name_plural = _("请假")
        ordering = ["-start_slot", "-id"]
        indexes = [
            models.Index(fields=["assignment", "start_slot"]),
            # The approval inbox: the requests waiting for one role, person by person, in the
            # order they wait (covers the inbox's filter and sort; see selectors.scope).
            models.Index(fields=["awaiting_role", "state", "assignment", "submitted_at", "id"]),
            models.Index(fields=["state", "end_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_slot__gte=models.F("start_slot")), name="leave_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment.cadre} · {self.leave_type} · {self.start_date:%Y-%m-%d}"


class LeaveDecisionKind(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("不同意")


class LeaveDecision(models.Model):
    """One approver's decision on one step. Unique per step: two approvers acting on the same
    step at the same moment give one decision and one transition, never two."""

    request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="decisions")
    step = models.PositiveSmallIntegerField(_("环节"))
    role = models.CharField(_("审批角色"), max_length=20, choices=ApproverRole)
    decision = models.CharField(_("意见"), max_length=8, choices=LeaveDecisionKind)
    comment = models.TextField(_("审批意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("请假审批意见")
        verbose_name_plural = _("请假审批意见")
        ordering = ["request", "step"]
        constraints = [
            models.UniqueConstraint(fields=["request", "step"], name="leave_decision_one_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.step} {self.decision}"


class LedgerKind(models.TextChoices):
    GRANT = "grant", _("额度")
    TAKE = "take", _("休假")
    GIVE_BACK = "give_back", _("退回")
    ADJUST = "adjust", _("调整")


class AppendOnly(Exception):
    pass


class LeaveLedgerEntry(models.Model):
    """The leave balance's only source: an append-only list of grants (+), days taken (−) and
    days given back (+). A balance is a sum over these rows; nothing stores a running counter,
    and no row is ever changed or deleted (a correction is an ADJUST row with a note)."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("挂职安排"),
        on_delete=models.PROTECT,
        related_name="leave_ledger",
    )
    leave_type = models.ForeignKey(
        LeaveType, verbose_name=_("假别"), on_delete=models.PROTECT, related_name="ledger"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=LedgerKind)
    days = models.DecimalField(_("天数"), max_digits=5, decimal_places=1)  # signed
    request = models.ForeignKey(
        LeaveRequest,
        verbose_name=_("请假"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记账人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("假期台账")
        verbose_name_plural = _("假期台账")
        ordering = ["assignment", "created_at", "id"]
        indexes = [models.Index(fields=["assignment", "leave_type"])]
        constraints = [
            # One grant per type per term: granting twice would double a balance.
            models.UniqueConstraint(
                fields=["assignment", "leave_type"],
                condition=Q(kind="grant"),
                name="leave_ledger_one_grant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.days}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise AppendOnly("leave ledger rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnly("leave ledger rows are never deleted")


class AwayState(models.TextChoices):
    SUBMITTED = "submitted", _("待确认")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    WITHDRAWN = "withdrawn", _("已撤回")


class AwayReport(TimeStampedModel):
    """外出报备: leaving the area on a weekend or holiday without leave, reported and
    acknowledged by the host unit's leader."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("挂职安排"),
        on_delete=models.PROTECT,
        related_name="away_reports",
    )
    reason = models.TextField(_("事由"))
    destination = models.CharField(_("去向"), max_length=100)
    leave_date = models.DateField(_("离开日期"))
    leave_half = models.CharField(_("离开时段"), max_length=2, choices=Half, default=Half.AM)
    return_date = models.DateField(_("返回日期"))
    return_half = models.CharField(_("返回时段"), max_length=2, choices=Half, default=Half.PM)
    stand_in = models.CharField(_("工作代理人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    state = models.CharField(
        _("状态"), max_length=16, choices=AwayState, default=AwayState.SUBMITTED
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("外出报备")
        verbose_name_plural = _("外出报备")
        ordering = ["-leave_date", "-id"]
        indexes = [models.Index(fields=["assignment", "leave_date"])]

    def __str__(self) -> str:
        return f"{self.assignment.cadre} · {self.destination} · {self.leave_date:%Y-%m-%d}"


class AttendanceReturn(TimeStampedModel):
    """考勤月报: a host unit's attendance return for one batch and month, submitted (报送) to the
    organisation department by the batch's return day of the next month. The figures are
    computed from leave and inspections when exported; the row records that it was sent."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="attendance_returns"
    )
    host_unit = models.ForeignKey(
        Organisation, verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"))  # the first day of the month
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考勤月报")
        verbose_name_plural = _("考勤月报")
        ordering = ["-month", "host_unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "host_unit", "month"], name="attendance_return_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.host_unit} · {self.month:%Y-%m}"

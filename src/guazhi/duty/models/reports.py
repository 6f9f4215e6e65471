"""Periodic reports (定期汇报): one per person and period, compiled from the period's log plus the
person's narrative, reviewed by the group leader."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.duty.models.rules import ReportFrequency
from guazhi.programmes.models import Assignment


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审阅")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportState.DRAFT: frozenset({ReportState.SUBMITTED}),
    ReportState.SUBMITTED: frozenset({ReportState.ACCEPTED, ReportState.RETURNED}),
    ReportState.RETURNED: frozenset({ReportState.SUBMITTED}),
    ReportState.ACCEPTED: frozenset(),
}


class PeriodicReport(TimeStampedModel):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="reports"
    )
    frequency = models.CharField(_("频次"), max_length=16, choices=ReportFrequency)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    due_on = models.DateField(_("应交日期"))
    # The log summary the draft was compiled from (by category, with quantity totals, and the
    # accomplishments), kept as it was when compiled or last refreshed: the report says what
    # the person submitted even if the log changes later.
    compiled = models.JSONField(_("纪实汇总"), default=dict)
    narrative = models.TextField(_("汇报正文"), blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=ReportState, default=ReportState.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)  # first submission
    accepted_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("定期汇报")
        verbose_name_plural = _("定期汇报")
        ordering = ["assignment", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period_start"], name="report_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment.cadre} · {self.period_start:%Y-%m}"


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("提交")
    ACCEPT = "accept", _("通过")
    RETURN = "return", _("退回")


class ReportReview(models.Model):
    """The report's trail: each submission, return (with its comment) and acceptance."""

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(_("操作"), max_length=8, choices=ReviewAction)
    comment = models.TextField(_("意见"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("汇报审阅记录")
        verbose_name_plural = _("汇报审阅记录")
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"

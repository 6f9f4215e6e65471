"""Spot inspections (不定期检查): planned by the coordinator, unannounced to the people chosen.

Sampling is reproducible: the seed is recorded, so anyone can redraw the same sample from the
same population and see that nobody was picked or spared by hand."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.orgs.models import Organisation
from guazhi.programmes.models import Assignment, Batch


class SamplingMode(models.TextChoices):
    RANDOM = "random", _("随机抽取")
    ALL = "all", _("全部")
    CHOSEN = "chosen", _("指定人员")


class InspectionState(models.TextChoices):
    PLANNED = "planned", _("已计划")
    COMPLETED = "completed", _("已完成")


class Inspection(TimeStampedModel):
    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="inspections"
    )
    planned_on = models.DateField(_("检查日期"))
    # The host units inspected; empty means every host unit of the batch.
    host_units = models.ManyToManyField(
        Organisation, verbose_name=_("检查范围"), blank=True, related_name="+"
    )
    sampling = models.CharField(_("抽查方式"), max_length=8, choices=SamplingMode)
    sample_size = models.PositiveSmallIntegerField(_("抽查人数"), null=True, blank=True)
    spread_across_hosts = models.BooleanField(_("按接收单位分散抽取"), default=False)
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    inspectors = models.CharField(_("检查人员"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=InspectionState, default=InspectionState.PLANNED
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("计划人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[host_units])

    class Meta:
        verbose_name = _("不定期检查")
        verbose_name_plural = _("不定期检查")
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return f"{self.batch} · {self.planned_on:%Y-%m-%d}"


class CheckResult(models.TextChoices):
    PRESENT = "present", _("在岗")
    ON_LEAVE = "on_leave", _("请假（已批准）")
    ABSENT = "absent", _("脱岗（未经批准）")
    OTHER = "other", _("其他")


class InspectionCheck(TimeStampedModel):
    """One person drawn for an inspection and what the inspector found. `result` is blank until
    checked; an ABSENT result is the flag on the person's record."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checks")
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="checks"
    )
    result = models.CharField(_("检查结果"), max_length=12, choices=CheckResult, blank=True)
    findings = models.TextField(_("发现问题"), blank=True)
    rectification = models.TextField(_("整改要求"), blank=True)
    rectification_due = models.DateField(_("整改期限"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("整改销号时间"), null=True, blank=True)
    rectified_note = models.TextField(_("整改情况"), blank=True)
    checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["inspection", "assignment__host_unit__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "assignment"], name="inspection_check_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.assignment.cadre}"

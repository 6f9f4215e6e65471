"""Matching runs: frozen inputs, parameters, seed, result and its fingerprint."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guazhi.core.models import Job, TimeStampedModel
from guazhi.programmes.models.batches import Batch


class RunMode(models.TextChoices):
    OPTIMAL = "optimal", _("总分最优")
    STABLE = "stable", _("稳定匹配")


class RunState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class MatchingRun(TimeStampedModel):
    """One computation. Immutable once done: inputs are frozen when it starts, so a later edit
    to a post or a profile never changes what a published list was computed from."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="runs"
    )
    number = models.PositiveIntegerField(_("序号"))
    mode = models.CharField(_("匹配方式"), max_length=16, choices=RunMode)
    state = models.CharField(_("状态"), max_length=16, choices=RunState, default=RunState.QUEUED)
    weights = models.JSONField(_("权重"), default=dict)
    seed = models.BigIntegerField(_("随机种子"))
    pins = models.JSONField(_("指定人岗"), default=list, blank=True)
    forbids = models.JSONField(_("排除人岗"), default=list, blank=True)
    inputs = models.JSONField(_("输入数据"), default=dict)
    result = models.JSONField(_("结果"), null=True, blank=True)
    fingerprint = models.CharField(_("校验码"), max_length=64, blank=True)
    objective = models.FloatField(_("总分"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    job = models.ForeignKey(
        Job, verbose_name=_("后台任务"), null=True, blank=True, on_delete=models.SET_NULL
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("采纳时间"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("采纳人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("匹配方案")
        verbose_name_plural = _("匹配方案")
        ordering = ["batch", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="run_number_per_batch")
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.number}"

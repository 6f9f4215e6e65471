"""The work record: the work log (工作纪实) with quantities and files, the task list agreed at the
start of the term and ticked off month by month (任务清单, 逐月对账销号), and heart-to-heart
talks (谈心谈话) recorded by leaders."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.programmes.models import Assignment


class WorkLogEntry(TimeStampedModel):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="log_entries"
    )
    date = models.DateField(_("日期"))
    # One of the batch's categories (DutyRules.log_categories), kept as text: renaming or
    # removing a category later must not change what an old entry says.
    category = models.CharField(_("类别"), max_length=20)
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("内容"))
    accomplishment = models.BooleanField(_("做成一件事"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作纪实")
        verbose_name_plural = _("工作纪实")
        ordering = ["-date", "-id"]
        indexes = [
            # A person's log, newest first, and a month of it: the pages people open most.
            models.Index(fields=["assignment", "-date", "-id"]),
            models.Index(fields=["assignment", "accomplishment", "date"]),
        ]

    def __str__(self) -> str:
        # Read in the audit log and history: the date as the reader writes it (2026年11月23日).
        # Imported here: the models module stays free of the template layer's imports.
        from guazhi.core.jinja import format_date

        return f"{format_date(self.date)} {self.title}"


class LogQuantity(models.Model):
    """A measured result of an entry: 走访企业 13 家, 争取资金 100000 元. Totals add values with the
    same label and unit."""

    entry = models.ForeignKey(WorkLogEntry, on_delete=models.CASCADE, related_name="quantities")
    label = models.CharField(_("事项"), max_length=30)
    value = models.DecimalField(_("数量"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=10)

    class Meta:
        verbose_name = _("工作量")
        verbose_name_plural = _("工作量")
        ordering = ["entry", "id"]

    def __str__(self) -> str:
        return f"{self.label} {self.value.normalize():f} {self.unit}"


class TaskState(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    AGREED = "agreed", _("已确认")
    DONE = "done", _("已销号")
    DROPPED = "dropped", _("已取消")


class DutyTask(TimeStampedModel):
    """One task of the list the cadre and the host unit agree at the start of the term: the cadre
    proposes, the host leader agrees; each month the cadre ticks off what is done with the log
    entries that prove it."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("任务"), max_length=100)
    description = models.TextField(_("目标与措施"), blank=True)
    target_month = models.DateField(_("计划完成月份"))  # the first day of the month
    state = models.CharField(
        _("状态"), max_length=12, choices=TaskState, default=TaskState.PROPOSED
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agreed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    done_month = models.DateField(_("销号月份"), null=True, blank=True)
    drop_reason = models.TextField(_("取消原因"), blank=True)
    done_note = models.TextField(_("完成情况"), blank=True)
    evidence = models.ManyToManyField(
        WorkLogEntry, verbose_name=_("佐证纪实"), blank=True, related_name="tasks"
    )
    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        verbose_name = _("任务清单事项")
        verbose_name_plural = _("任务清单")
        ordering = ["assignment", "target_month", "id"]

    def __str__(self) -> str:
        return self.title


class HeartTalk(TimeStampedModel):
    """谈心谈话: recorded by a leader, read only by the leaders whose roles reach the person, never
    by the person or other cadres."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="talks"
    )
    held_on = models.DateField(_("谈话日期"))
    talker = models.CharField(_("谈话人"), max_length=50)
    participants = models.CharField(_("参加人员"), max_length=200, blank=True)
    topics = models.TextField(_("谈话内容"))
    follow_up = models.TextField(_("后续跟进"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("谈心谈话")
        verbose_name_plural = _("谈心谈话")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        from guazhi.core.jinja import format_date

        return f"{self.assignment.cadre} · {format_date(self.held_on)}"

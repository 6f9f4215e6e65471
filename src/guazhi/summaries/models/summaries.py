"""Mid-term and final summaries (阶段总结 / 期满总结): sections per the batch's template, drafted from
the person's record, reviewed by the group leader, appraised by the host unit, archived.

A summary is one row per assignment and kind, with its sections as rows in template order. The
`version` counts saves: an editor sends the version it started from, and a save made meanwhile
elsewhere (another tab, another device) is detected instead of overwritten. Every move of the
flow is a SummaryEvent row (the trail shown on the summary page) beside the audit event.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.programmes.models import Assignment, Batch

# The default template (key, heading). Keys stay fixed when a batch renames a heading, so a
# section keeps its meaning: 基本情况 is filled from the assignment, 主要工作 from the work log.
BASIC_SECTION = "basic"
WORK_SECTION = "work"
DEFAULT_SECTIONS: tuple[tuple[str, str], ...] = (
    (BASIC_SECTION, "基本情况"),
    (WORK_SECTION, "主要工作"),
    ("insights", "心得体会"),
    ("shortcomings", "存在不足"),
    ("next_steps", "下一步打算"),
)


class SummaryTemplate(TimeStampedModel):
    """A batch's sections, in order: a list of {"key": str, "heading": str}. Saved with the
    coordinator's first change (until then the defaults apply, services.templates); a change
    applies to summaries drafted afterwards."""

    batch = models.OneToOneField(
        Batch,
        verbose_name=_("批次"),
        on_delete=models.CASCADE,
        related_name="summary_template",
    )
    sections = models.JSONField(_("总结栏目"), default=list)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("总结模板")
        verbose_name_plural = _("总结模板")

    def __str__(self) -> str:
        return f"{self.batch} · {len(self.sections)}"


class SummaryKind(models.TextChoices):
    MIDTERM = "midterm", _("阶段总结")
    FINAL = "final", _("期满总结")


class SummaryState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审阅")
    RETURNED = "returned", _("已退回")
    # Accepted by the group leader: the host unit writes its appraisal (鉴定意见) next.
    ACCEPTED = "accepted", _("待鉴定")
    APPRAISED = "appraised", _("待归档")
    ARCHIVED = "archived", _("已归档")


SUMMARY_TRANSITIONS: dict[str, frozenset[str]] = {
    SummaryState.DRAFT: frozenset({SummaryState.SUBMITTED}),
    SummaryState.SUBMITTED: frozenset({SummaryState.ACCEPTED, SummaryState.RETURNED}),
    SummaryState.RETURNED: frozenset({SummaryState.SUBMITTED}),
    SummaryState.ACCEPTED: frozenset({SummaryState.APPRAISED}),
    SummaryState.APPRAISED: frozenset({SummaryState.ARCHIVED}),
    SummaryState.ARCHIVED: frozenset(),
}

# The person writes while these hold; afterwards the text is what was reviewed.
EDITABLE_STATES = frozenset({SummaryState.DRAFT, SummaryState.RETURNED})


class Summary(TimeStampedModel):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="summaries"
    )
    kind = models.CharField(_("总结类型"), max_length=8, choices=SummaryKind)
    title = models.CharField(_("标题"), max_length=100)
    state = models.CharField(
        _("状态"), max_length=12, choices=SummaryState, default=SummaryState.DRAFT
    )
    # Counts saves of the text (title and sections); see the module's docstring.
    version = models.PositiveIntegerField(_("版本"), default=1)
    # The log summary 主要工作 was drafted from (duty.selectors.log_summary's as_json()).
    compiled = models.JSONField(_("纪实汇总"), default=dict)
    appraisal = models.TextField(_("鉴定意见"), blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("鉴定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)  # first submission
    accepted_at = models.DateTimeField(_("审阅通过时间"), null=True, blank=True)
    appraised_at = models.DateTimeField(_("鉴定时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("总结")
        verbose_name_plural = _("总结")
        ordering = ["assignment", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind"], name="summary_one_per_kind")
        ]
        indexes = [models.Index(fields=["state", "assignment"])]

    def __str__(self) -> str:
        return f"{self.assignment.cadre} · {self.get_kind_display()}"


class SummarySection(models.Model):
    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("序号"))
    key = models.CharField(_("栏目标识"), max_length=32)
    heading = models.CharField(_("栏目"), max_length=50)
    body = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("总结栏目")
        verbose_name_plural = _("总结栏目")
        ordering = ["summary", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "position"], name="summary_section_position"
            ),
            models.UniqueConstraint(fields=["summary", "key"], name="summary_section_key"),
        ]

    def __str__(self) -> str:
        return self.heading


class SummaryEventAction(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("summary event", "起草")
    SUBMIT = "submit", pgettext_lazy("summary event", "提交")
    RETURN = "return", pgettext_lazy("summary event", "退回")
    ACCEPT = "accept", pgettext_lazy("summary event", "审阅通过")
    APPRAISE = "appraise", pgettext_lazy("summary event", "鉴定")
    ARCHIVE = "archive", pgettext_lazy("summary event", "归档")


class SummaryEvent(models.Model):
    """The summary's trail: each step of the flow, with the comment that went with it."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=10, choices=SummaryEventAction)
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
        verbose_name = _("总结流转记录")
        verbose_name_plural = _("总结流转记录")
        ordering = ["summary", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.summary_id} {self.action}"

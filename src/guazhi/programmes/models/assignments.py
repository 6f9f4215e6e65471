"""Assignments (who serves where), the selection steps before them, and publicity (公示)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.orgs.models import CadreProfile, Organisation
from guazhi.programmes.models.batches import Batch, Post


class AssignmentState(models.TextChoices):
    PROPOSED = "proposed", _("拟任")
    APPROVED = "approved", _("已批准")
    ACTIVE = "active", _("在岗")
    ENDED = "ended", _("已期满")
    CANCELLED = "cancelled", _("已取消")


# The one table of allowed moves. PROPOSED comes from adopting a matching run; APPROVED after
# publicity; ACTIVE on reporting for duty (报到); ENDED with an outcome; CANCELLED with a reason
# (failed vetting, an upheld objection, the cadre withdrew).
ASSIGNMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AssignmentState.PROPOSED: frozenset({AssignmentState.APPROVED, AssignmentState.CANCELLED}),
    AssignmentState.APPROVED: frozenset({AssignmentState.ACTIVE, AssignmentState.CANCELLED}),
    AssignmentState.ACTIVE: frozenset({AssignmentState.ENDED}),
    AssignmentState.ENDED: frozenset(),
    AssignmentState.CANCELLED: frozenset(),
}
# States in which a cadre holds (or is about to hold) a post: at most one per batch.
LIVE_STATES = (AssignmentState.PROPOSED, AssignmentState.APPROVED, AssignmentState.ACTIVE)


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("期满")
    EXTENDED = "extended", _("延长")
    ENDED_EARLY = "ended_early", _("提前结束")
    STAYED_ON = "stayed_on", _("留任")


class Assignment(TimeStampedModel):
    """A cadre in a post for a term. Issues to come (leave, logs, evaluation) hang off this."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="assignments"
    )
    cadre = models.ForeignKey(
        CadreProfile, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="assignments"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="assignments"
    )
    # Copied from the post and the cadre when proposed: scopes filter on them, and the record
    # must keep saying where the person served and came from after either unit changes.
    host_unit = models.ForeignKey(
        Organisation, verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+"
    )
    home_unit = models.ForeignKey(
        Organisation, verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(
        "programmes.MatchingRun",
        verbose_name=_("匹配方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=AssignmentState, default=AssignmentState.PROPOSED
    )
    group = models.ForeignKey(
        "programmes.Group",
        verbose_name=_("小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    start_date = models.DateField(_("到岗日期"), null=True, blank=True)
    end_date = models.DateField(_("期满日期"), null=True, blank=True)
    party_transfer_on = models.DateField(_("党组织关系转接日期"), null=True, blank=True)
    party_transfer_note = models.CharField(_("党组织关系转接说明"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome, blank=True)
    outcome_on = models.DateField(_("结果日期"), null=True, blank=True)
    outcome_reason = models.TextField(_("结果说明"), blank=True)
    cancelled_reason = models.TextField(_("取消原因"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("挂职安排")
        verbose_name_plural = _("挂职安排")
        ordering = ["batch", "host_unit__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "cadre"],
                condition=Q(state__in=LIVE_STATES),
                name="assignment_one_live_per_batch",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.post}"


class SelectionStepKind(models.TextChoices):
    VETTING = "vetting", _("组织考察")
    DECISION = "decision", _("党委（党组）研究决定")


class SelectionStep(TimeStampedModel):
    """A recorded step of the selection procedure, with its date and note."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="selection_steps")
    kind = models.CharField(_("环节"), max_length=16, choices=SelectionStepKind)
    held_on = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("选派环节")
        verbose_name_plural = _("选派环节")
        ordering = ["batch", "held_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "kind"], name="selection_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.get_kind_display()}"


class Publicity(TimeStampedModel):
    """The public notice (公示) of the proposed list, for a number of working days.

    A batch may publicise more than once: when objections send the list back to matching, the
    running publicity is withdrawn (with the reason) and a new one starts later. The batch's
    current publicity is the latest one not withdrawn; withdrawn ones stay on record with
    their objections.
    """

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="publicities")
    starts_on = models.DateField(_("公示开始日期"))
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    ends_on = models.DateField(_("公示结束日期"))
    text = models.TextField(_("公示说明"), blank=True)
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approval_note = models.TextField(_("审批意见"), blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["batch", "-id"]
        constraints = [
            # Two publicities running at once would leave "the" list and its objections
            # ambiguous; services withdraw the old one before a new one may start.
            models.UniqueConstraint(
                fields=["batch"],
                condition=Q(withdrawn_at__isnull=True),
                name="publicity_one_current_per_batch",
            ),
            # Approval closes the record: an approved publicity is never withdrawn.
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(withdrawn_at__isnull=True),
                name="publicity_not_approved_and_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.starts_on}–{self.ends_on}"


class ObjectionChannel(models.TextChoices):
    """How an objection reached the organisation department (stored in Chinese)."""

    LETTER = "来信", _("来信")
    PHONE = "来电", _("来电")
    VISIT = "来访", _("来访")
    ONLINE = "网络", _("网络（电子邮件、举报网站）")
    OTHER = "其他", _("其他")


class Objection(TimeStampedModel):
    """An objection (异议) raised during publicity, resolved with a note."""

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="objections")
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("涉及人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objections",
    )
    received_on = models.DateField(_("收到日期"))
    channel = models.CharField(_("反映方式"), max_length=20, choices=ObjectionChannel, blank=True)
    raised_by = models.CharField(_("反映人"), max_length=50, blank=True)
    content = models.TextField(_("反映内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(_("核查处理意见"), blank=True)
    upheld = models.BooleanField(_("反映属实"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.publicity} {self.received_on}"

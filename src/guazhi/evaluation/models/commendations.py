"""Commendations (表彰): nominations with a citation, approval, and the decision document."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.evaluation.models.rounds import Evaluee
from guazhi.programmes.models import Assignment, Batch


class CommendationKind(models.TextChoices):
    COMMENDATION = "commendation", _("嘉奖")
    THIRD_CLASS = "third_class", _("记三等功")
    SECOND_CLASS = "second_class", _("记二等功")
    FIRST_CLASS = "first_class", _("记一等功")
    HONORARY_TITLE = "honorary_title", _("授予荣誉称号")


class NominationState(models.TextChoices):
    NOMINATED = "nominated", _("已提名")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


NOMINATION_TRANSITIONS: dict[str, frozenset[str]] = {
    NominationState.NOMINATED: frozenset(
        {NominationState.APPROVED, NominationState.REJECTED, NominationState.WITHDRAWN}
    ),
    NominationState.APPROVED: frozenset(),
    NominationState.REJECTED: frozenset(),
    NominationState.WITHDRAWN: frozenset(),
}


class CommendationDecision(TimeStampedModel):
    """The decision that commends (关于表彰……的决定): its number, date and text; lists the
    approved nominations attached to it."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=50, blank=True)
    issued_on = models.DateField(_("印发日期"))
    issuer = models.CharField(_("发文机关"), max_length=100)
    preamble = models.TextField(_("正文"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("表彰决定")
        verbose_name_plural = _("表彰决定")
        ordering = ["batch", "-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Nomination(TimeStampedModel):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("表彰类型"), max_length=16, choices=CommendationKind)
    # The honorary title's name (优秀挂职干部) when kind is HONORARY_TITLE.
    honorary_title = models.CharField(_("荣誉称号"), max_length=50, blank=True)
    citation = models.TextField(_("主要事迹"))
    # Set when the nomination comes from an evaluation result.
    evaluee = models.ForeignKey(
        Evaluee,
        verbose_name=_("考核结果"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=NominationState, default=NominationState.NOMINATED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提名人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)
    decision = models.ForeignKey(
        CommendationDecision,
        verbose_name=_("表彰决定"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nominations",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("表彰提名")
        verbose_name_plural = _("表彰提名")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.kind}"

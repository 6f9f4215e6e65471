"""What follows the ratings: the committee's decision, flags for the coordinator, the publicity
of 优秀 results with objections."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guazhi.evaluation.models.ratings import Rating
from guazhi.evaluation.models.rounds import EvaluationRound, Evaluee


class CommitteeDecision(models.Model):
    """The evaluation committee's (or unit head's) decision on the round's grades."""

    round = models.OneToOneField(EvaluationRound, on_delete=models.CASCADE, related_name="decision")
    decided_on = models.DateField(_("决定日期"))
    body = models.CharField(_("决定机构"), max_length=100)  # e.g. 考核委员会
    members = models.TextField(_("参加人员"), blank=True)
    minutes = models.TextField(_("会议记录"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核决定")
        verbose_name_plural = _("考核决定")

    def __str__(self) -> str:
        return f"{self.round_id} {self.decided_on}"


class FlagKind(models.TextChoices):
    UNIFORM = "uniform", _("各项同分")
    LENIENT = "lenient", _("明显偏高")
    SEVERE = "severe", _("明显偏低")


class RatingFlag(models.Model):
    """A rating pattern shown to the coordinator (computed when the round closes). Democratic
    ballots are flagged as ballots, never tied to a person."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="flags")
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("类型"), max_length=8, choices=FlagKind)
    detail = models.CharField(_("说明"), max_length=200)
    dismissed = models.BooleanField(_("已核实"), default=False)

    class Meta:
        verbose_name = _("评分异常提示")
        verbose_name_plural = _("评分异常提示")
        ordering = ["round", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.kind}"


class Objection(models.Model):
    """An objection raised during the publicity of 优秀 results, and how it was settled."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="objections")
    evaluee = models.ForeignKey(Evaluee, on_delete=models.CASCADE, related_name="objections")
    content = models.TextField(_("异议内容"))
    contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["round", "raised_at", "id"]

    def __str__(self) -> str:
        return f"{self.evaluee_id} {self.raised_at:%Y-%m-%d}"

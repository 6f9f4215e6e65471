"""Ratings: one rater's scores for one person, and the democratic evaluation's one-time codes.

A rating by a named rater (host leadership, dispatching unit, group leader) keeps who gave it,
once per rater and person. A democratic ballot — through a one-time code or keyed in from paper
by the coordinator — keeps no rater at all, and nothing ties it to the code that opened it: the
code only knows whether it was used, the ballot only which person it rates and on which day.
So no query, export or audit event can tell who used a code (tests/evaluation prove it).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guazhi.evaluation.models.rounds import Criterion, EvaluationRound, Evaluee, RaterRole


class RatingSource(models.TextChoices):
    ONLINE = "online", _("在线评分")
    CODE = "code", _("测评码")
    PAPER = "paper", _("纸质票录入")


class Rating(models.Model):
    evaluee = models.ForeignKey(Evaluee, on_delete=models.CASCADE, related_name="ratings")
    rater_role = models.CharField(_("评价主体"), max_length=16, choices=RaterRole)
    source = models.CharField(_("来源"), max_length=8, choices=RatingSource)
    # Null for democratic ballots (code or paper): see the module's docstring.
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评分人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The criteria's weighted sum of this rating's scores, 0–100: what aggregation averages.
    total = models.DecimalField(_("加权得分"), max_digits=5, decimal_places=2)
    # Every item the same score: one of the patterns shown to the coordinator.
    uniform = models.BooleanField(_("各项同分"), default=False)
    comment = models.TextField(_("评语"), blank=True)
    # A day, and no other time anywhere on the row (no created/updated stamps): see above.
    submitted_on = models.DateField(_("评分日期"))

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["evaluee", "rater_role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluee", "rater"],
                condition=Q(rater__isnull=False),
                name="rating_once_per_rater",
            ),
            models.CheckConstraint(
                condition=Q(rater__isnull=True) | ~Q(rater_role=RaterRole.DEMOCRATIC),
                name="democratic_rating_is_anonymous",
            ),
        ]
        indexes = [models.Index(fields=["evaluee", "rater_role"])]

    def __str__(self) -> str:
        return f"{self.evaluee_id} {self.rater_role} {self.total}"


class RatingScore(models.Model):
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("得分"))

    class Meta:
        verbose_name = _("分项得分")
        verbose_name_plural = _("分项得分")
        constraints = [
            models.UniqueConstraint(fields=["rating", "criterion"], name="score_once"),
            models.CheckConstraint(condition=Q(score__lte=100), name="score_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class BallotCode(models.Model):
    """A one-time code for a host colleague to rate one person (民主测评). Printed on a sheet and
    handed out; it knows only whether it was used (see the module's docstring)."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="codes")
    evaluee = models.ForeignKey(Evaluee, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("测评码"), max_length=16, unique=True)
    used = models.BooleanField(_("已使用"), default=False)
    issued_at = models.DateTimeField(_("发放时间"), auto_now_add=True)
    voided = models.BooleanField(_("已作废"), default=False)

    class Meta:
        verbose_name = _("民主测评码")
        verbose_name_plural = _("民主测评码")
        ordering = ["round", "evaluee", "id"]

    def __str__(self) -> str:
        return f"{self.evaluee_id} ····"

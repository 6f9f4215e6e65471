"""The call (选派通知), voluntary applications with ranked posts, recommendations, host rankings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.orgs.models import CadreProfile, Organisation
from guazhi.programmes.models.batches import Batch, Post


class Notice(TimeStampedModel):
    """The selection notice. Cadres of the dispatching units see it once published."""

    batch = models.OneToOneField(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="notice"
    )
    title = models.CharField(_("通知标题"), max_length=200)
    body = models.TextField(_("通知正文"))
    deadline = models.DateTimeField(_("报名截止时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("选派通知")
        verbose_name_plural = _("选派通知")

    def __str__(self) -> str:
        return self.title


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("已报名")
    WITHDRAWN = "withdrawn", _("已撤回")


class Application(TimeStampedModel):
    """A voluntary application (自愿报名). Only submitted applications enter matching."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="applications"
    )
    cadre = models.ForeignKey(
        CadreProfile, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="applications"
    )
    statement = models.TextField(_("个人陈述"), blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ApplicationState, default=ApplicationState.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("报名时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    # Set when the cadre applied in answer to a recommendation (the voluntary confirmation).
    confirms_recommendation = models.BooleanField(_("确认推荐"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "cadre"], name="application_once_per_batch")
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.batch}"


class ApplicationChoice(models.Model):
    """A ranked post in an application: rank 1 is the most wanted."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="choices")
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="choices"
    )
    rank = models.PositiveSmallIntegerField(_("志愿顺序"))

    class Meta:
        verbose_name = _("志愿岗位")
        verbose_name_plural = _("志愿岗位")
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="choice_rank_once"),
            models.UniqueConstraint(fields=["application", "post"], name="choice_post_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.post}"


class Recommendation(TimeStampedModel):
    """A dispatching-unit leader's recommendation (推荐). The cadre must still confirm."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="recommendations"
    )
    cadre = models.ForeignKey(
        CadreProfile,
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    recommender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recommending_unit = models.ForeignKey(
        Organisation, verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("推荐意见"))
    declined_at = models.DateTimeField(_("本人谢绝时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "cadre"], name="recommendation_once_per_batch")
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.batch}"


class HostPreference(models.Model):
    """A host unit's ranking of applicants for one of its posts (optional; feeds matching)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="host_preferences")
    cadre = models.ForeignKey(CadreProfile, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("优先顺序"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("接收单位意向")
        verbose_name_plural = _("接收单位意向")
        ordering = ["post", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["post", "cadre"], name="host_preference_once"),
            models.UniqueConstraint(fields=["post", "rank"], name="host_preference_rank_once"),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.rank}. {self.cadre}"

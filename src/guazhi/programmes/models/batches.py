"""A batch (批次) of secondments, its state machine, its timeline, and the posts it fills."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.orgs import vocab
from guazhi.orgs.models import Organisation, Role


class Direction(models.TextChoices):
    DOWN = "down", _("下派")
    UP = "up", _("上派")
    EXCHANGE = "exchange", _("交流")
    PAIRED = "paired", _("对口支援")


class BatchState(models.TextChoices):
    PLANNING = "planning", _("规划中")
    RECRUITING = "recruiting", _("报名中")
    MATCHING = "matching", _("匹配中")
    PUBLICITY = "publicity", _("公示中")
    TRAINING = "training", _("岗前培训")
    ACTIVE = "active", _("在岗")
    EVALUATING = "evaluating", _("考核中")
    CLOSED = "closed", _("已结束")


# The one table of allowed moves: (from, to) -> roles that may make it (admins may make all).
# Backward moves exist for real reasons (a call reopened, a list sent back after objections);
# every move needs a reason, which the batch page shows.
BATCH_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (BatchState.PLANNING, BatchState.RECRUITING): frozenset({Role.COORDINATOR}),
    (BatchState.RECRUITING, BatchState.PLANNING): frozenset({Role.COORDINATOR}),
    (BatchState.RECRUITING, BatchState.MATCHING): frozenset({Role.COORDINATOR}),
    (BatchState.MATCHING, BatchState.RECRUITING): frozenset({Role.COORDINATOR}),
    (BatchState.MATCHING, BatchState.PUBLICITY): frozenset({Role.COORDINATOR}),
    (BatchState.PUBLICITY, BatchState.MATCHING): frozenset({Role.COORDINATOR}),
    (BatchState.PUBLICITY, BatchState.TRAINING): frozenset({Role.COORDINATOR}),
    (BatchState.TRAINING, BatchState.ACTIVE): frozenset({Role.COORDINATOR}),
    (BatchState.ACTIVE, BatchState.EVALUATING): frozenset({Role.COORDINATOR}),
    (BatchState.EVALUATING, BatchState.ACTIVE): frozenset({Role.COORDINATOR}),
    (BatchState.EVALUATING, BatchState.CLOSED): frozenset({Role.COORDINATOR}),
}


class Batch(TimeStampedModel):
    name = models.CharField(_("批次名称"), max_length=100)
    coordinating_org = models.ForeignKey(
        Organisation,
        verbose_name=_("组织协调单位"),
        on_delete=models.PROTECT,
        related_name="coordinated_batches",
    )
    dispatching_orgs = models.ManyToManyField(
        Organisation, verbose_name=_("派出单位"), related_name="dispatched_batches"
    )
    co_managing_org = models.ForeignKey(
        Organisation,
        verbose_name=_("协管单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="co_managed_batches",
    )
    supervising_org = models.ForeignKey(
        Organisation,
        verbose_name=_("总辖单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_batches",
    )
    direction = models.CharField(_("挂职方向"), max_length=16, choices=Direction)
    full_time = models.BooleanField(_("全日制"), default=True)
    term_start = models.DateField(_("挂职开始日期"))
    term_end = models.DateField(_("挂职结束日期"))
    state = models.CharField(
        _("状态"), max_length=16, choices=BatchState, default=BatchState.PLANNING
    )

    # Eligibility (报名条件), checked when a cadre applies. Blank means no such rule.
    max_age = models.PositiveSmallIntegerField(_("年龄上限（周岁）"), null=True, blank=True)
    min_rank = models.CharField(_("最低职级"), max_length=8, choices=vocab.Rank, blank=True)
    max_rank = models.CharField(_("最高职级"), max_length=8, choices=vocab.Rank, blank=True)
    min_education = models.CharField(
        _("最低学历"), max_length=16, choices=vocab.Education, blank=True
    )
    exclude_serving = models.BooleanField(_("不得正在挂职"), default=True)
    require_dispatching_home = models.BooleanField(_("须为派出单位干部"), default=True)
    max_choices = models.PositiveSmallIntegerField(_("可填报岗位数"), default=5)

    # Matching rules (匹配规则): defaults from ../shared/DOMAIN.md, each a setting per batch.
    max_per_dispatch_at_host = models.PositiveSmallIntegerField(
        _("同一派出单位在同一接收单位最多人数"), null=True, blank=True, default=2
    )
    max_leadership_per_host = models.PositiveSmallIntegerField(
        _("同一领导班子挂职干部最多人数"), null=True, blank=True, default=2
    )
    max_levels_above = models.PositiveSmallIntegerField(_("可高挂级数"), default=0)
    min_women = models.PositiveSmallIntegerField(_("女干部最少人数"), default=0)
    min_minority = models.PositiveSmallIntegerField(_("少数民族干部最少人数"), default=0)
    min_non_party = models.PositiveSmallIntegerField(_("党外干部最少人数"), default=0)
    publicity_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    history = HistoricalRecords(m2m_fields=[dispatching_orgs])

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["-term_start", "-id"]

    def __str__(self) -> str:
        return self.name


class BatchEvent(models.Model):
    """The batch's timeline: state moves with their reasons, selection steps, adoptions.

    Append-only by convention (services only create rows); the audit trail holds the same
    facts for auditors, this table holds them for the people reading the batch page.
    """

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("事项"), max_length=32)
    from_state = models.CharField(max_length=16, choices=BatchState, blank=True)
    to_state = models.CharField(max_length=16, choices=BatchState, blank=True)
    note = models.TextField(_("说明"), blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("批次事项")
        verbose_name_plural = _("批次事项")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.batch} {self.kind}"


class Post(TimeStampedModel):
    """A post (岗位) a host unit offers in a batch: what the cadre will hold and do there."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="posts"
    )
    host_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("接收单位"),
        on_delete=models.PROTECT,
        related_name="hosted_posts",
    )
    title = models.CharField(_("挂职职务"), max_length=100)
    portfolio = models.CharField(_("分管（协管）工作"), max_length=200, blank=True)
    duties = models.TextField(_("岗位职责"), blank=True)
    required_tags = models.JSONField(_("必备专长"), default=list, blank=True)
    preferred_tags = models.JSONField(_("优先专长"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(_("需求人数"), default=1)
    location = models.CharField(_("工作地点"), max_length=100, blank=True)
    rank = models.CharField(_("挂职职务级别"), max_length=8, choices=vocab.Rank, blank=True)
    # Counts toward the cap on seconded cadres in one host leadership team (领导班子).
    leadership = models.BooleanField(_("进入领导班子"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["batch", "host_unit__path", "id"]

    def __str__(self) -> str:
        return f"{self.host_unit.name} {self.title}"

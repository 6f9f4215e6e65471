"""Evaluation rounds (考核): a batch's round with its period, deadline, criteria, rater roles and
their weights, grade thresholds, and the people it evaluates.

A round is configured while a draft (criteria and rater weights each sum to 100, the form says
so before saving), opened for rating, closed, decided by the committee and published. Every
number that local practice varies (weights, the share of 优秀, the democratic minimum, grade
thresholds) is a field of the round with the default of DOMAIN.md, never a constant in code.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.programmes.models import Assignment, Batch


class RoundKind(models.TextChoices):
    ROUTINE = "routine", _("平时考核")
    MIDTERM = "midterm", _("期中考核")
    ANNUAL = "annual", _("年度考核")
    END_OF_TERM = "end_of_term", _("期满考核")


class RoundState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("评分中")
    CLOSED = "closed", _("已截止")
    DECIDED = "decided", _("已决定")
    PUBLISHED = "published", _("已公布")


ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundState.DRAFT: frozenset({RoundState.OPEN}),
    RoundState.OPEN: frozenset({RoundState.CLOSED}),
    # Reopened when the deadline was too short or ballots were missing.
    RoundState.CLOSED: frozenset({RoundState.OPEN, RoundState.DECIDED}),
    RoundState.DECIDED: frozenset({RoundState.CLOSED, RoundState.PUBLISHED}),
    RoundState.PUBLISHED: frozenset(),
}


class EvaluatedBy(models.TextChoices):
    """Where a seconded cadre is evaluated (DOMAIN.md: set per programme)."""

    HOST = "host", _("接收单位考核")
    DISPATCH = "dispatch", _("派出单位考核（以接收单位意见为主要依据）")


class GradeScheme(models.TextChoices):
    """The grades a result is given in, chosen by the person's staff type (routine rounds use
    their own)."""

    CIVIL_SERVANT = "civil_servant", _("公务员（优秀/称职/基本称职/不称职）")
    INSTITUTION = "institution", _("事业单位（优秀/合格/基本合格/不合格）")
    ROUTINE = "routine", _("平时考核（好/较好/一般/较差）")


# Each scheme's grades, best first; the first is the one the quota caps.
SCHEME_GRADES: dict[str, tuple[str, ...]] = {
    GradeScheme.CIVIL_SERVANT: ("优秀", "称职", "基本称职", "不称职"),
    GradeScheme.INSTITUTION: ("优秀", "合格", "基本合格", "不合格"),
    GradeScheme.ROUTINE: ("好", "较好", "一般", "较差"),
}

# Default lowest weighted score for each grade but the last (which takes the rest).
DEFAULT_THRESHOLDS: tuple[Decimal, ...] = (Decimal("90"), Decimal("70"), Decimal("60"))

DEFAULT_CRITERIA: tuple[tuple[str, str, Decimal], ...] = (
    ("德", "政治品质和道德品行", Decimal("20")),
    ("能", "履行职责的业务素质和能力", Decimal("20")),
    ("勤", "责任心、工作态度、工作作风", Decimal("20")),
    ("绩", "完成工作的数量、质量、效率和所产生的效益", Decimal("30")),
    ("廉", "廉洁自律", Decimal("10")),
)


class RaterRole(models.TextChoices):
    HOST_LEADERSHIP = "host_leadership", _("接收单位领导班子")
    DEMOCRATIC = "democratic", _("民主测评（接收单位同事）")
    DISPATCH = "dispatch", _("派出单位")
    GROUP_LEADER = "group_leader", _("挂职小组组长")


DEFAULT_RATER_WEIGHTS: tuple[tuple[str, Decimal], ...] = (
    (RaterRole.HOST_LEADERSHIP, Decimal("40")),
    (RaterRole.DEMOCRATIC, Decimal("30")),
    (RaterRole.DISPATCH, Decimal("20")),
    (RaterRole.GROUP_LEADER, Decimal("10")),
)


class EvaluationRound(TimeStampedModel):
    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="evaluation_rounds"
    )
    kind = models.CharField(_("考核类型"), max_length=12, choices=RoundKind)
    name = models.CharField(_("名称"), max_length=100)
    period_start = models.DateField(_("考核期间起始日期"))
    period_end = models.DateField(_("考核期间截止日期"))
    deadline = models.DateField(_("评分截止日期"))
    state = models.CharField(_("状态"), max_length=10, choices=RoundState, default=RoundState.DRAFT)
    evaluated_by = models.CharField(
        _("考核主体"), max_length=10, choices=EvaluatedBy, default=EvaluatedBy.HOST
    )
    # The share of 优秀 (of the people evaluated), in percent, and its approved exception.
    excellent_quota = models.PositiveSmallIntegerField(_("优秀比例上限（%）"), default=20)
    quota_exception = models.TextField(_("超比例的批准理由"), blank=True)
    quota_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("超比例批准人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quota_exception_at = models.DateTimeField(_("超比例批准时间"), null=True, blank=True)
    # Democratic results show only from this many ballots for a person, so no one is singled out.
    democratic_minimum = models.PositiveSmallIntegerField(_("民主测评最少票数"), default=5)
    # The publicity of 优秀 results (5 working days by default), set when published.
    publicity_days = models.PositiveSmallIntegerField(_("公示天数（工作日）"), default=5)
    publicity_start = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束日期"), null=True, blank=True)
    opened_at = models.DateTimeField(_("开始评分时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核轮次")
        verbose_name_plural = _("考核轮次")
        ordering = ["batch", "-period_end", "-id"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A criterion of the round (德、能、勤、绩、廉 by default), scored 0–100, with its weight in
    percent of the total."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("考核内容"), max_length=20)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("考核内容")
        verbose_name_plural = _("考核内容")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="criterion_position"),
            models.UniqueConstraint(fields=["round", "name"], name="criterion_name"),
        ]

    def __str__(self) -> str:
        return self.name


class RaterWeight(models.Model):
    """How much one kind of rater counts in the round's weighted score, in percent."""

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="rater_weights"
    )
    role = models.CharField(_("评价主体"), max_length=16, choices=RaterRole)
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("评价主体权重")
        verbose_name_plural = _("评价主体权重")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "role"], name="rater_weight_once")]

    def __str__(self) -> str:
        return f"{self.role} {self.weight}"


class GradeThreshold(models.Model):
    """The lowest weighted score for a grade of a scheme in this round (the scheme's last grade
    has none: it takes the rest)."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="thresholds")
    scheme = models.CharField(_("等次方案"), max_length=16, choices=GradeScheme)
    grade = models.CharField(_("等次"), max_length=8)
    min_score = models.DecimalField(_("最低分"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("等次分数线")
        verbose_name_plural = _("等次分数线")
        ordering = ["round", "scheme", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["round", "scheme", "grade"], name="threshold_once")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.grade} ≥ {self.min_score}"


class Evaluee(TimeStampedModel):
    """One person evaluated in a round: their self-assessment, the computed result, the
    committee's decision and the person's acknowledgement.

    The person sees this row's result only once the round is published; `score` and
    `proposed_grade` are written by the aggregation when the round closes (and again if it is
    reopened and closed), `grade` by the committee's decision."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="evaluees")
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("挂职安排"), on_delete=models.PROTECT, related_name="+"
    )
    scheme = models.CharField(_("等次方案"), max_length=16, choices=GradeScheme)
    self_assessment = models.TextField(_("个人总结"), blank=True)
    self_submitted_at = models.DateTimeField(_("个人总结提交时间"), null=True, blank=True)
    score = models.DecimalField(
        _("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # Each rater role's average total, as computed: {"host_leadership": "91.20", ...}; a
    # democratic average below the round's minimum is left out (see EvaluationRound).
    role_scores = models.JSONField(_("各评价主体得分"), default=dict, blank=True)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    proposed_grade = models.CharField(_("建议等次"), max_length=8, blank=True)
    grade = models.CharField(_("确定等次"), max_length=8, blank=True)
    decision_note = models.TextField(_("决定说明"), blank=True)
    # The person's signed opinion: agrees or objects (None until signed), and what they wrote.
    acknowledgement_agrees = models.BooleanField(_("本人同意考核结果"), null=True, blank=True)
    acknowledgement = models.TextField(_("本人意见"), blank=True)
    acknowledged_at = models.DateTimeField(_("本人签署时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核对象")
        verbose_name_plural = _("考核对象")
        ordering = ["round", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "assignment"], name="evaluee_once")]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.assignment_id}"

"""Groups (小组) of a batch's cadres and pre-dispatch training (岗前培训) with attendance."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.programmes.models.batches import Batch


class Group(TimeStampedModel):
    """Members are the assignments pointing here; leader and deputy get the group-leader role."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("小组名称"), max_length=100)
    leader = models.ForeignKey(
        "programmes.Assignment",
        verbose_name=_("组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deputy = models.ForeignKey(
        "programmes.Assignment",
        verbose_name=_("副组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("小组")
        verbose_name_plural = _("小组")
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "name"], name="group_name_per_batch")
        ]

    def __str__(self) -> str:
        return self.name


class TrainingSession(TimeStampedModel):
    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="training_sessions"
    )
    topic = models.CharField(_("培训主题"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    description = models.TextField(_("内容简介"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("岗前培训")
        verbose_name_plural = _("岗前培训")
        ordering = ["batch", "starts_at", "id"]

    def __str__(self) -> str:
        return self.topic


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    EXCUSED = "excused", _("请假")
    ABSENT = "absent", _("缺席")


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    assignment = models.ForeignKey(
        "programmes.Assignment", on_delete=models.CASCADE, related_name="training_attendance"
    )
    status = models.CharField(_("出勤情况"), max_length=16, choices=AttendanceStatus)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")
        constraints = [
            models.UniqueConstraint(fields=["session", "assignment"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.assignment}"

"""Exchange meetings and symposia (交流会 / 座谈会) of a batch: when and where, who took part, who
spoke for the others (代表发言), the minutes and the summaries discussed. Attachments (slides,
photos, the signed minutes) hang off the meeting through core attachments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guazhi.core.models import TimeStampedModel
from guazhi.programmes.models import Assignment, Batch
from guazhi.summaries.models.summaries import Summary


class MeetingKind(models.TextChoices):
    EXCHANGE = "exchange", _("交流会")
    SYMPOSIUM = "symposium", _("座谈会")


class Meeting(TimeStampedModel):
    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("会议类型"), max_length=10, choices=MeetingKind)
    title = models.CharField(_("会议名称"), max_length=100)
    held_on = models.DateField(_("日期"))
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100)
    participants = models.ManyToManyField(
        Assignment,
        verbose_name=_("参会挂职干部"),
        related_name="meetings_attended",
        blank=True,
    )
    # Leaders and guests who are not cadres of the batch, as written on the notice.
    other_participants = models.TextField(_("其他参会人员"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    summaries = models.ManyToManyField(
        Summary, verbose_name=_("交流的总结"), related_name="meetings", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[participants, summaries])

    class Meta:
        verbose_name = _("交流会议")
        verbose_name_plural = _("交流会议")
        ordering = ["batch", "-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class MeetingSpeaker(models.Model):
    """A cadre chosen to speak for the others (代表发言), in speaking order."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speakers")
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("发言人"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("发言顺序"))
    topic = models.CharField(_("发言题目"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("代表发言")
        verbose_name_plural = _("代表发言")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "assignment"], name="speaker_once"),
            models.UniqueConstraint(fields=["meeting", "position"], name="speaker_position"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.position}"

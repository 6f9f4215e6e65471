"""The reminder run as a background job kind, for a task worker to run (`duty_remind`).

Scheduling stays outside the application, as simple as it gets: cron runs `guazhi remind` at
07:00 every day (the README's line: `0 7 * * * guazhi remind`). The command and this job call
the same `remind`, and the notification keys make a second run harmless, so a deployment may
also start the job from anywhere (`job_start(actor=…, kind="duty_remind", params={"date":
"YYYY-MM-DD"})`, the date optional) and let the worker run it with a progress bar.

core.jobs finds job kinds in modules named `jobs`; this one has its own name so that the other
duty areas keep `duty/jobs.py`, which imports it (`from guazhi.duty import jobs_remind`).
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guazhi.core.errors import ValidationFailed
from guazhi.core.jobs import Progress, job_kind
from guazhi.core.models import Job
from guazhi.duty.reminders import remind

KIND = "duty_remind"


@job_kind(KIND, label=_("在岗提醒"))
def remind_job(job: Job, progress: Progress) -> dict[str, Any]:
    text = str(job.params.get("date") or "")
    try:
        today = dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError as error:
        raise ValidationFailed(gettext("日期格式应为 YYYY-MM-DD。")) from error
    report = remind(today=today, progress=progress)
    return {
        "date": today.isoformat(),
        "sent": report.sent,
        "advanced": report.advanced,
        "emailed": report.emailed,
    }

"""`guazhi remind [--date YYYY-MM-DD]`: the daily reminder run (see guazhi.duty.reminders).

Run it once a day from cron (the README's line: `0 7 * * * guazhi remind`); running it again the
same day, or on two machines at once, sends nothing twice. --date runs it as of another day (a
missed day caught up, or a test).
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from guazhi.duty.reminders import remind


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--date: expected YYYY-MM-DD, got {text!r}") from error


class Command(BaseCommand):
    help = "Send the day's on-duty reminders (in-app and email); safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=str, default="", help="run as of this day (YYYY-MM-DD)")

    def handle(self, *args: Any, date: str, **options: Any) -> None:
        today = _date(date) if date else timezone.localdate()
        report = remind(today=today)
        self.stdout.write(f"reminders for {today.isoformat()}:")
        for kind, count in report.advanced.items():
            self.stdout.write(f"  leave moved, {kind}: {count}")
        for kind, count in report.sent.items():
            self.stdout.write(f"  {kind}: {count}")
        self.stdout.write(f"  notifications made: {report.total}")
        self.stdout.write(f"  emails sent: {report.emailed}")

"""`guazhi jobs_fail_stale`: fail the running jobs whose worker died (no progress for long)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from guazhi.core.jobs import job_fail_stale


class Command(BaseCommand):
    help = "Mark failed the running jobs with no progress for --minutes (default 30)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=int, default=30)

    def handle(self, *args: Any, minutes: int, **options: Any) -> None:
        count = job_fail_stale(silent_for=dt.timedelta(minutes=minutes))
        if count:
            self.stdout.write(f"interrupted jobs marked failed: {count}")

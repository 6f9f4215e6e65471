"""`guazhi seed --scale N`: N cadres and units in proportion, fast, for load tests."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guazhi.orgs.demo import seed


class Command(BaseCommand):
    help = (
        "批量生成 N 名干部及相应单位（每约20人一个接收单位，每约200人一个派出单位），用于压力测试。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, required=True, help="干部人数")

    def handle(self, *args: Any, scale: int, **options: Any) -> None:
        if scale < 1:
            raise CommandError("--scale 应为正整数。")
        started = time.perf_counter()
        result = seed(scale, progress=self.stdout.write if options["verbosity"] > 1 else None)
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {result.cadres} 名干部，{result.counties} 个县区，"
                f"{result.host_units} 个接收单位，{result.dispatching_units} 个派出单位，"
                f"用时 {time.perf_counter() - started:.1f} 秒。"
            )
        )

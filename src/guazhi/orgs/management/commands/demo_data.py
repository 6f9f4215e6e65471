"""`guazhi demo_data [--if-empty]`: load the demo city 江州市 with its programmes and their life on
duty, print accounts."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from guazhi.orgs.demo import DEMO_PASSWORD, DEMO_SEED, demo_accounts_table, demo_load
from guazhi.orgs.models import Organisation


class Command(BaseCommand):
    help = (
        "载入演示数据（江州市：单位、干部、各角色账号，一个在岗批次和一个报名中的批次，"
        "在岗批次的工作纪实、请销假、定期汇报和抽查等），并列出演示账号。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="只在数据库中还没有任何单位时载入（make demo 每次启动都可放心调用）。",
        )

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        # The programmes sit on top of the city, life on duty on the programmes; the city
        # knows nothing of them.
        from guazhi.duty.demo import duty_demo_load, duty_demo_summary
        from guazhi.evaluation.demo import evaluation_demo_load, evaluation_demo_summary
        from guazhi.programmes.demo import demo_summary, programmes_demo_load
        from guazhi.summaries.demo import summaries_demo_load, summaries_demo_summary

        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有单位，未载入演示数据。")
                return
            # The demo's unit and account names would collide with what is there.
            raise CommandError(
                "数据库中已有单位：演示数据只能载入空数据库（可加 --if-empty 跳过）。"
            )
        # All or nothing: a city without its programmes would be skipped by --if-empty later.
        with transaction.atomic():
            result = demo_load()
            programmes = programmes_demo_load(result)
            # Dated from the day it is loaded: the term so far lies behind, the rest ahead.
            duty = duty_demo_load(programmes, seed=DEMO_SEED, today=timezone.localdate())
            summaries = summaries_demo_load(
                programmes, duty, seed=DEMO_SEED, today=timezone.localdate()
            )
            evaluation = evaluation_demo_load(duty, seed=DEMO_SEED, today=timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入演示数据：{len(result.units)} 个单位"
                f"（派出单位 {len(result.dispatching_units)} 个，"
                f"接收单位 {len(result.host_units)} 个），{len(result.cadres)} 名干部。"
            )
        )
        self.stdout.write("挂职批次 / batches:")
        for line in demo_summary(programmes):
            self.stdout.write(f"  {line}")
        self.stdout.write("在岗管理 / on duty:")
        for line in duty_demo_summary(duty):
            self.stdout.write(f"  {line}")
        self.stdout.write("总结、经验库和交流会议 / summaries, library, meetings:")
        for line in summaries_demo_summary(summaries):
            self.stdout.write(f"  {line}")
        self.stdout.write("考核评价和表彰 / evaluation, commendations:")
        for line in evaluation_demo_summary(evaluation):
            self.stdout.write(f"  {line}")
        rows = [
            ("角色", "用户名", "密码", "姓名 · 管辖范围"),
            *demo_accounts_table(result, {**programmes.account_notes, **duty.account_notes}),
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("演示账号 / demo accounts:")
        for row in rows:
            cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(3)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))
        # The people on duty and the host units' leaders act in the demo too; listed apart.
        self.stdout.write(f"在岗批次另开账号 {len(duty.accounts)} 个（密码均为 {DEMO_PASSWORD}）：")
        for role, username, who in duty.accounts:
            self.stdout.write(f"  {role} {username} {who}")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(character) > 0x2E80 else 1 for character in text)

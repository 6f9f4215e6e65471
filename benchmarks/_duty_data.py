"""Fast bulk data for the on-duty page benchmark: a batch on duty, a year of work log and leave.

Run by benchmarks/duty_pages.py in the environment of the database it fills (never imported by
it: this module sets up Django). Two commands, each printing one JSON line for the caller:

  load     `seed` people and units, a batch on duty over them (one post per host unit, groups),
           three accounts (a host leader over one unit, a coordinator over the city, a cadre of
           that unit), then the log entries, their quantities, the leave requests, their
           decisions and the leave ledger, written straight into the tables (COPY on
           PostgreSQL, executemany on SQLite, explicit ids, no model objects per row);
           prints DUTY_DATA {facts: accounts, pages, markers, counts, seconds}.
  explain  renders each page in-process once warm, captures its queries and prints the plans
           of the slowest (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite);
           prints DUTY_EXPLAIN {page: {queries, total_ms, slowest: [...]}}.

The data follows the calendar of a term that started 300 days ago and ends in 65: logs on
working days up to today, leave requests that fill each person's term without overlapping
(returned in the past, a few rejected, withdrawn or overdue; on leave today; pending, approved
or draft ahead). One host unit (the benchmark's host leader's) has most of its future leave
pending, so the leader's inbox holds a realistic page (about a hundred at full size). Bulk rows
get no django-simple-history rows: the pages measured do not read history.
"""

import argparse
import cProfile
import datetime as dt
import json
import pstats
import random
import statistics
import sys
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from guazhi.core.audit import audit_record  # noqa: E402
from guazhi.core.calendar import workdays_in  # noqa: E402
from guazhi.duty.models import (  # noqa: E402
    DEFAULT_LOG_CATEGORIES,
    ApproverRole,
    Half,
    LeaveDecision,
    LeaveKind,
    LeaveLedgerEntry,
    LeaveRequest,
    LeaveState,
    LedgerKind,
    LogQuantity,
    WorkLogEntry,
    half_slot,
    slot_day,
)
from guazhi.duty.services.rules import duty_rules_of  # noqa: E402
from guazhi.orgs import services as org_services  # noqa: E402
from guazhi.orgs.demo import seed  # noqa: E402
from guazhi.orgs.models import CadreProfile, Organisation, Role, RoleAssignment, User  # noqa: E402
from guazhi.programmes.models import (  # noqa: E402
    Assignment,
    AssignmentState,
    Batch,
    BatchState,
    Direction,
    Group,
    Post,
)

PASSWORD = "Load-Test-Passphrase-77"
ACCOUNTS = {
    "host_leader": ("bench.host", "压测接收单位领导"),
    "coordinator": ("bench.coordinator", "压测组织部"),
    "cadre": ("bench.cadre", ""),  # named after the cadre profile it belongs to
}
TERM_BEFORE_TODAY = 300
TERM_AFTER_TODAY = 65
HOSTS_PER_GROUP = 5
LOG_MARK = "（压测核对）"  # on the benchmark cadre's newest entry: the page must show it
UTC_OFFSET = dt.timedelta(hours=8)  # entries are written in the evening, Beijing time
CHUNK = 50_000
PROFILE_LINES = 15  # kept per page
WRAPPERS = ("core/middleware.py", "orgs/access.py")

# --- what people write ---------------------------------------------------------------------

CATEGORY_WEIGHTS = {
    "调研": 12,
    "招商引资": 8,
    "招工": 4,
    "宣传": 6,
    "会议": 20,
    "学习": 12,
    "走访": 18,
    "活动": 10,
    "其他": 10,
}
TITLES = {
    "调研": ("产业发展情况调研", "农村人居环境整治调研", "集体经济发展调研", "营商环境座谈调研"),
    "招商引资": ("对接意向投资企业", "参加招商推介会", "洽谈农产品加工项目", "陪同客商实地考察"),
    "招工": ("组织专场招聘会", "摸排返乡务工人员", "对接劳务输出企业"),
    "宣传": ("撰写工作信息", "政策宣讲进村组", "拍摄乡村振兴宣传片"),
    "会议": ("参加党委会", "参加镇村干部例会", "参加项目推进会", "列席人大主席团会议"),
    "学习": ("集中学习党的理论", "参加专题培训", "学习乡村振兴政策文件"),
    "走访": ("走访辖区企业", "入户走访困难群众", "走访村“两委”班子", "走访老党员"),
    "活动": ("组织主题党日活动", "参加志愿服务活动", "开展安全生产检查"),
    "其他": ("处理群众来信来访", "协调解决用地问题", "整理挂职工作台账"),
}
SENTENCES = (
    "上午与镇党委书记、分管领导交流，了解近期重点工作安排。",
    "实地查看了三个村的产业项目建设进度，现场协调解决施工用电问题。",
    "与企业负责人座谈，听取企业在用工、融资方面的困难和诉求。",
    "梳理形成问题清单五条，已报镇党委研究。",
    "下午随同分管领导检查辖区安全生产，督促整改隐患两处。",
    "入户走访脱贫户和监测户，逐户核实收入情况和帮扶措施落实情况。",
    "参加村“两委”班子会议，讨论村集体经济项目分红方案。",
    "对接派出单位专家，争取技术支持，商定下月来镇开展培训。",
    "整理近期调研材料，起草调研报告初稿。",
    "协调县农业农村局，争取高标准农田建设项目资金。",
    "参加镇党委理论学习中心组学习，作交流发言。",
    "组织青年干部读书分享会，十余名年轻干部参加。",
    "赴县城参加全县项目推进会，汇报本镇重点项目进展。",
    "接待群众来访两批次，现场答复政策问题，其余事项转相关站所办理。",
    "与招商客商洽谈农产品深加工项目，初步达成投资意向。",
    "撰写工作信息一篇，被县委办录用。",
    "检查村级党群服务中心阵地建设情况，提出改进意见。",
    "总结本周工作，明确下周重点任务。",
)
QUANTITIES = {
    "走访": (("走访企业", "家"), ("走访农户", "户")),
    "招商引资": (("争取资金", "元"), ("签约项目", "个")),
    "招工": (("帮助就业", "人"),),
    "调研": (("形成调研报告", "篇"),),
    "宣传": (("发布稿件", "篇"),),
    "活动": (("参与群众", "人次"),),
}

# (kind, weight, (shortest, longest) in half days, reasons)
LEAVE_KINDS = (
    (
        LeaveKind.PERSONAL,
        36,
        (1, 4),
        ("子女入学报名", "办理房产过户手续", "回派出单位办理人事手续"),
    ),
    (LeaveKind.ANNUAL, 25, (2, 8), ("休年休假，回家探望父母", "年休假，处理家庭事务")),
    (LeaveKind.SICK, 15, (1, 6), ("感冒发烧，就医治疗", "腰椎不适，需门诊治疗")),
    (LeaveKind.COMPENSATORY, 17, (1, 2), ("周末加班调休", "节假日值班调休")),
    (LeaveKind.HOME_VISIT, 5, (16, 30), ("探望父母", "探望配偶")),
    (LeaveKind.MARRIAGE_FUNERAL, 2, (6, 20), ("祖父去世，回家奔丧", "本人结婚")),
)


# --- writing rows -----------------------------------------------------------------------------


def columns_of(model: type[models.Model], names: list[str]) -> list[str]:
    """The table's column names for these attribute names; fails loudly when the model and
    this generator no longer agree (a NOT NULL column left out would fail later, less clearly)."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    missing = [
        field.attname
        for field in fields.values()
        if field.attname not in names and not field.null and not field.has_default()
    ]
    unknown = [name for name in names if name not in fields]
    if missing or unknown:
        raise RuntimeError(f"{model.__name__}: columns missing {missing}, unknown {unknown}")
    return [fields[name].column for name in names]


def insert(model: type[models.Model], names: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Rows straight into the model's table: COPY on PostgreSQL, executemany on SQLite."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in columns_of(model, names))
    written = 0
    if connection.vendor == "postgresql":
        statement = f"COPY {table} ({columns}) FROM STDIN"
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(statement) as copy,
        ):
            for row in rows:
                copy.write_row(row)
                written += 1
        return written
    marks = ", ".join("?" * len(names))
    iterator = iter(rows)
    while True:
        chunk = list(islice(iterator, CHUNK))
        if not chunk:
            return written
        with transaction.atomic():
            connection.connection.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", chunk
            )
        written += len(chunk)


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


class Stamps:
    """Datetimes as the database stores them (UTC): naive text on SQLite, with the offset on
    PostgreSQL. Cached: a million rows share about a hundred thousand minutes."""

    def __init__(self) -> None:
        self.suffix = "+00" if connection.vendor == "postgresql" else ""
        self.made: dict[tuple[dt.date, int, int], str] = {}

    def at(self, day: dt.date, hour: int, minute: int = 0) -> str:
        """`hour`:`minute` Beijing time on `day`."""
        key = (day, hour, minute)
        found = self.made.get(key)
        if found is None:
            moment = dt.datetime.combine(day, dt.time(hour, minute)) - UTC_OFFSET
            found = self.made[key] = f"{moment:%Y-%m-%d %H:%M:%S}{self.suffix}"
        return found


# --- people and the batch ---------------------------------------------------------------------


def account(key: str, profile: CadreProfile | None = None) -> User:
    username, name = ACCOUNTS[key]
    return org_services.account_create(
        actor=None,
        username=username,
        full_name=profile.name if profile else name,
        password=PASSWORD,
        profile=profile,
    )


def grant(user: User, role: str, organisation: Organisation) -> None:
    # Nobody in an empty database can grant the first role, so the benchmark writes it directly.
    row = RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
    audit_record(actor=None, action="role.grant", obj=row, actor_name="benchmark")


def build_batch(people: int, today: dt.date) -> dict[str, Any]:
    seed(people)
    root = Organisation.objects.filter(parent=None).order_by("pk").first()
    assert root is not None
    profiles = list(CadreProfile.objects.order_by("pk"))
    senders = sorted({profile.home_unit_id for profile in profiles})
    hosts = list(
        Organisation.objects.filter(parent__isnull=False)
        .exclude(pk__in=senders)
        .exclude(kind="county")
        .exclude(level="city")  # the city's own agencies send, they do not host
        .order_by("pk")
    )
    start = today - dt.timedelta(days=TERM_BEFORE_TODAY)
    end = today + dt.timedelta(days=TERM_AFTER_TODAY)
    batch = Batch.objects.create(
        name=f"{start.year}年江州市挂职干部（压测）",
        coordinating_org=root,
        direction=Direction.DOWN,
        term_start=start,
        term_end=end,
        state=BatchState.ACTIVE,
    )
    batch.dispatching_orgs.set(senders)
    posts = Post.objects.bulk_create(
        [
            Post(
                batch=batch,
                host_unit=host,
                title="党委副书记" if host.kind in ("township", "subdistrict") else "副局长",
                capacity=len(profiles) // len(hosts) + 1,
                location=host.name,
            )
            for host in hosts
        ]
    )
    groups = Group.objects.bulk_create(
        [
            Group(batch=batch, name=f"第{index + 1}组")
            for index in range((len(hosts) + HOSTS_PER_GROUP - 1) // HOSTS_PER_GROUP)
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                batch=batch,
                cadre=profile,
                post=posts[index % len(posts)],
                host_unit_id=posts[index % len(posts)].host_unit_id,
                home_unit_id=profile.home_unit_id,
                state=AssignmentState.ACTIVE,
                group=groups[(index % len(posts)) // HOSTS_PER_GROUP],
                start_date=start,
                end_date=end,
            )
            for index, profile in enumerate(profiles)
        ],
        batch_size=2000,
    )
    assignments = list(
        Assignment.objects.filter(batch=batch).select_related("cadre").order_by("pk")
    )
    for group in groups:
        members = [a for a in assignments if a.group_id == group.pk]
        group.leader, group.deputy = members[0], members[1] if len(members) > 1 else None
    Group.objects.bulk_update(groups, ["leader", "deputy"])
    duty_rules_of(batch)

    bench_host = hosts[0]
    bench_person = next(a for a in assignments if a.host_unit_id == bench_host.pk)
    users = {
        "host_leader": account("host_leader"),
        "coordinator": account("coordinator"),
        "cadre": account("cadre", bench_person.cadre),
    }
    grant(users["host_leader"], Role.HOST_LEADER, bench_host)
    grant(users["coordinator"], Role.COORDINATOR, root)
    grant(users["cadre"], Role.CADRE, bench_person.cadre.home_unit)
    return {
        "batch": batch,
        "assignments": assignments,
        "bench_host": bench_host,
        "bench_person": bench_person,
        "users": users,
    }


# --- the work log -----------------------------------------------------------------------------


def log_rows(
    world: dict[str, Any], total: int, today: dt.date, rng: random.Random
) -> tuple[Iterator[tuple[Any, ...]], list[tuple[Any, ...]], dict[str, Any]]:
    """The entries (a generator) and, filled while it runs, their quantities."""
    assignments: list[Assignment] = world["assignments"]
    bench: Assignment = world["bench_person"]
    cadre_user: User = world["users"]["cadre"]
    days = workdays_in(assignments[0].start_date, today)  # type: ignore[arg-type]
    stamps = Stamps()
    contents = [
        "".join(rng.sample(SENTENCES, rng.randint(2, 4))) for _ in range(4000)
    ]  # shared texts: generating a million of them would dominate the load time
    categories = list(CATEGORY_WEIGHTS)
    assert categories == DEFAULT_LOG_CATEGORIES, "the batch's categories, in the batch's order"
    weights = list(CATEGORY_WEIGHTS.values())
    quantities: list[tuple[Any, ...]] = []
    facts: dict[str, Any] = {"entries_of_bench_person": 0, "quantities": 0}
    per_person, extra = divmod(total, len(assignments))
    first_entry = next_id(WorkLogEntry)
    first_quantity = next_id(LogQuantity)

    def rows() -> Iterator[tuple[Any, ...]]:
        entry_id, quantity_id = first_entry, first_quantity
        for index, assignment in enumerate(assignments):
            count = per_person + (1 if index < extra else 0)
            own = assignment.pk == bench.pk
            dates = sorted(rng.choices(days, k=count))
            chosen = rng.choices(categories, weights=weights, k=count)
            for position, (day, category) in enumerate(zip(dates, chosen, strict=True)):
                title = rng.choice(TITLES[category])
                if own and position == count - 1:
                    title += LOG_MARK
                stamp = stamps.at(day, rng.randint(17, 22), rng.randrange(60))
                yield (
                    entry_id,
                    stamp,
                    stamp,
                    assignment.pk,
                    day.isoformat(),
                    category,
                    title,
                    contents[rng.randrange(len(contents))],
                    rng.random() < 0.03,
                    cadre_user.pk if own else None,
                )
                if category in QUANTITIES and rng.random() < 0.5:
                    for label, unit in rng.sample(
                        QUANTITIES[category], min(len(QUANTITIES[category]), rng.randint(1, 2))
                    ):
                        value = rng.randint(1, 50) * (10000 if unit == "元" else 1)
                        quantities.append((quantity_id, entry_id, label, str(value), unit))
                        quantity_id += 1
                entry_id += 1
            if own:
                facts["entries_of_bench_person"] = count
        facts["quantities"] = len(quantities)

    return rows(), quantities, facts


LOG_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "assignment_id",
    "date",
    "category",
    "title",
    "content",
    "accomplishment",
    "created_by_id",
]


# --- leave ------------------------------------------------------------------------------------

LEAVE_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "assignment_id",
    "leave_type_id",
    "start_date",
    "start_half",
    "end_date",
    "end_half",
    "start_slot",
    "end_slot",
    "days",
    "reason",
    "stand_in",
    "contact_phone",
    "state",
    "chain",
    "step",
    "awaiting_role",
    "emergency",
    "emergency_reason",
    "extends_id",
    "submitted_at",
    "decided_at",
    "returned_date",
    "returned_half",
    "returned_at",
    "overdue_at",
    "created_by_id",
]
DECISION_COLUMNS = [
    "id",
    "request_id",
    "step",
    "role",
    "decision",
    "comment",
    "decided_by_id",
    "decided_at",
]
LEDGER_COLUMNS = [
    "id",
    "assignment_id",
    "leave_type_id",
    "kind",
    "days",
    "request_id",
    "note",
    "created_at",
    "created_by_id",
]


def chain_for(days: Decimal) -> list[str]:
    """The default chain by length (services/rules.py DEFAULT_CHAIN)."""
    if days <= 3:
        return [ApproverRole.HOST_LEADER.value]
    if days <= 7:
        return [ApproverRole.HOST_LEADER.value, ApproverRole.DISPATCH_ADMIN.value]
    return [
        ApproverRole.HOST_LEADER.value,
        ApproverRole.DISPATCH_ADMIN.value,
        ApproverRole.COORDINATOR.value,
    ]


def spans(rng: random.Random, first: int, last: int, lengths: list[int]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) half-day slots of these lengths spread over [first, last]
    in a random order of gaps: the person's leave over the term."""
    room = last - first + 1
    if sum(lengths) > room - len(lengths):
        lengths = [min(length, 2) for length in lengths]
    spare = max(0, room - sum(lengths) - len(lengths))
    cuts = sorted(rng.randrange(spare + 1) for _ in lengths)
    found, cursor, previous = [], first, 0
    for length, cut in zip(lengths, cuts, strict=True):
        cursor += cut - previous + 1
        previous = cut
        found.append((cursor, cursor + length - 1))
        cursor += length
    return found


def leave_rows(
    world: dict[str, Any], total: int, today: dt.date, rng: random.Random
) -> dict[str, Any]:
    """Requests, decisions and ledger rows as lists (100,000 requests fit in memory easily),
    and the facts the benchmark checks the inbox pages against."""
    assignments: list[Assignment] = world["assignments"]
    batch: Batch = world["batch"]
    bench_host: Organisation = world["bench_host"]
    # The host leader's reach: the unit and any unit under it (a subdistrict's communities).
    led = set(
        Organisation.objects.filter(path__startswith=bench_host.path).values_list("pk", flat=True)
    )
    users: dict[str, User] = world["users"]
    stamps = Stamps()
    types = {t.kind: t.pk for t in batch.leave_types.all()}
    kinds = [k for k, *_ in LEAVE_KINDS]
    kind_weights = [w for _, w, *_ in LEAVE_KINDS]
    shape = {k: (span, reasons) for k, _w, span, reasons in LEAVE_KINDS}
    today_slot = half_slot(today, Half.AM)
    now = stamps.at(today, 9)
    names_by_host: dict[int, list[str]] = {}
    for assignment in assignments:
        names_by_host.setdefault(assignment.host_unit_id, []).append(assignment.cadre.name)
    requests: list[tuple[Any, ...]] = []
    decisions: list[tuple[Any, ...]] = []
    ledger: list[tuple[Any, ...]] = []
    request_id, decision_id, ledger_id = (
        next_id(LeaveRequest),
        next_id(LeaveDecision),
        next_id(LeaveLedgerEntry),
    )
    waiting_host: set[str] = set()
    waiting_coordinator: set[str] = set()
    counted = {"waiting_host_leader": 0, "waiting_coordinator": 0, "pending": 0}
    states: dict[str, int] = {}
    per_person, extra = divmod(total, len(assignments))
    for index, assignment in enumerate(assignments):
        in_bench_unit = assignment.host_unit_id in led
        pending_share = 0.8 if in_bench_unit else 0.3
        start = assignment.start_date
        end = assignment.end_date
        assert start is not None and end is not None
        count = per_person + (1 if index < extra else 0)
        chosen = rng.choices(kinds, weights=kind_weights, k=count)
        lengths = [rng.randint(*shape[kind][0]) for kind in chosen]
        slots = spans(rng, half_slot(start, Half.AM), half_slot(end, Half.PM), lengths)
        grant = Decimal(rng.choice((5, 10, 10, 15)))
        ledger.append(
            (
                ledger_id,
                assignment.pk,
                types[LeaveKind.ANNUAL],
                LedgerKind.GRANT.value,
                str(grant),
                None,
                "按工龄核定年休假",
                stamps.at(start, 10),
                None,
            )
        )
        ledger_id += 1
        stand_ins = names_by_host[assignment.host_unit_id]
        phone = assignment.cadre.phone or "13800000000"
        for kind, (first, last) in zip(chosen, slots, strict=True):
            first_day, first_half = slot_day(first)
            last_day, last_half = slot_day(last)
            days = Decimal(last - first + 1) / 2
            chain = chain_for(days)
            # Asked for a few days ahead; leave far ahead was asked for lately (never after today).
            submitted_day = first_day - dt.timedelta(days=rng.randint(1, 7))
            if submitted_day > today:
                submitted_day = today - dt.timedelta(days=rng.randint(0, 14))
            submitted_day = max(submitted_day, start)
            submitted = stamps.at(submitted_day, 10, rng.randrange(60))
            decided = stamps.at(min(submitted_day + dt.timedelta(days=1), today), 11)
            step, awaiting = 0, ""
            decided_at = returned_date = returned_half = returned_at = overdue_at = None
            emergency, emergency_reason = False, ""
            approved_steps, rejected_step = 0, None
            roll = rng.random()
            if last < today_slot:  # over
                if roll < 0.03:
                    state, rejected_step = LeaveState.REJECTED, rng.randrange(len(chain))
                    approved_steps, decided_at = rejected_step, decided
                elif roll < 0.07:
                    state = LeaveState.WITHDRAWN
                elif roll < 0.08 and last >= today_slot - 40:
                    state, approved_steps, decided_at = LeaveState.OVERDUE, len(chain), decided
                    overdue_at = stamps.at(last_day + dt.timedelta(days=2), 1)
                else:
                    state, approved_steps, decided_at = LeaveState.RETURNED, len(chain), decided
                    returned_date, returned_half = slot_day(last + 1)
                    returned_at = stamps.at(returned_date, 9, rng.randrange(60))
                    if roll > 0.97:  # entered afterwards (补假)
                        emergency, emergency_reason = True, "突发情况，未能事先请假"
            elif first <= today_slot:
                state, approved_steps, decided_at = LeaveState.ON_LEAVE, len(chain), decided
            elif roll < pending_share:
                state = LeaveState.PENDING
                step = 0 if in_bench_unit else rng.randrange(len(chain))
                approved_steps, awaiting = step, chain[step]
            elif roll < pending_share + (1 - pending_share) * 0.75:
                state, approved_steps, decided_at = LeaveState.APPROVED, len(chain), decided
            else:
                state, chain, submitted = LeaveState.DRAFT, [], None
            if state == LeaveState.WITHDRAWN and roll < 0.05:
                submitted = None  # withdrawn before anyone looked
            states[state] = states.get(state, 0) + 1
            name = assignment.cadre.name
            if state == LeaveState.PENDING:
                counted["pending"] += 1
                if awaiting == ApproverRole.HOST_LEADER and in_bench_unit:
                    counted["waiting_host_leader"] += 1
                    waiting_host.add(name)
                if awaiting == ApproverRole.COORDINATOR:
                    counted["waiting_coordinator"] += 1
                    waiting_coordinator.add(name)
            created = submitted or now
            requests.append(
                (
                    request_id,
                    created,
                    decided_at or returned_at or created,
                    assignment.pk,
                    types[kind],
                    first_day.isoformat(),
                    str(first_half),
                    last_day.isoformat(),
                    str(last_half),
                    first,
                    last,
                    str(days),
                    rng.choice(shape[kind][1]),
                    rng.choice(stand_ins),
                    phone,
                    state.value,
                    json.dumps(chain),
                    step,
                    awaiting,
                    emergency,
                    emergency_reason,
                    None,
                    submitted,
                    decided_at,
                    returned_date.isoformat() if returned_date else None,
                    str(returned_half or ""),
                    returned_at,
                    overdue_at,
                    users["cadre"].pk if assignment.pk == world["bench_person"].pk else None,
                )
            )
            for done in range(approved_steps + (1 if rejected_step is not None else 0)):
                role = chain[done]
                by = (
                    users["coordinator"].pk
                    if role == ApproverRole.COORDINATOR
                    else users["host_leader"].pk
                    if role == ApproverRole.HOST_LEADER and in_bench_unit
                    else None
                )
                rejected = done == rejected_step
                decisions.append(
                    (
                        decision_id,
                        request_id,
                        done,
                        role,
                        "reject" if rejected else "approve",
                        "请假理由不充分，工作未妥善安排" if rejected else "同意",
                        by,
                        decided,
                    )
                )
                decision_id += 1
            if kind == LeaveKind.ANNUAL and state in (
                LeaveState.APPROVED,
                LeaveState.ON_LEAVE,
                LeaveState.RETURNED,
                LeaveState.OVERDUE,
            ):
                ledger.append(
                    (
                        ledger_id,
                        assignment.pk,
                        types[kind],
                        LedgerKind.TAKE.value,
                        str(-days),
                        request_id,
                        "",
                        decided,
                        None,
                    )
                )
                ledger_id += 1
            request_id += 1
    return {
        "requests": requests,
        "decisions": decisions,
        "ledger": ledger,
        "states": states,
        "counted": counted,
        "waiting_host": sorted(waiting_host),
        "waiting_coordinator": sorted(waiting_coordinator),
    }


# --- the commands -----------------------------------------------------------------------------


def reset_sequences() -> None:
    """Explicit ids leave PostgreSQL's identity sequences behind; SQLite follows by itself."""
    tables = [WorkLogEntry, LogQuantity, LeaveRequest, LeaveDecision, LeaveLedgerEntry]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(statement)


def analyze() -> None:
    """PostgreSQL's autovacuum would analyse (and vacuum: index-only scans) these tables within a
    minute of the load; done here so it does not happen in the middle of a measurement. SQLite
    is left as a deployment has it: nothing in the app runs ANALYZE."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def load(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(f"guazhi-duty-bench-{args.people}-{args.log_entries}-{args.leave}")
    today = timezone.localdate()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    world = build_batch(args.people, today)
    seconds["people"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    entries, quantities, log_facts = log_rows(world, args.log_entries, today, rng)
    written_entries = insert(WorkLogEntry, LOG_COLUMNS, entries)
    written_quantities = insert(
        LogQuantity, ["id", "entry_id", "label", "value", "unit"], quantities
    )
    seconds["log"] = round(time.perf_counter() - started, 1)
    print(f"log: {written_entries} entries in {seconds['log']} s", file=sys.stderr, flush=True)

    started = time.perf_counter()
    leave = leave_rows(world, args.leave, today, rng)
    written_requests = insert(LeaveRequest, LEAVE_COLUMNS, leave["requests"])
    written_decisions = insert(LeaveDecision, DECISION_COLUMNS, leave["decisions"])
    written_ledger = insert(LeaveLedgerEntry, LEDGER_COLUMNS, leave["ledger"])
    seconds["leave"] = round(time.perf_counter() - started, 1)
    print(f"leave: {written_requests} requests in {seconds['leave']} s", file=sys.stderr)

    started = time.perf_counter()
    reset_sequences()
    analyze()
    seconds["analyze"] = round(time.perf_counter() - started, 1)
    bench: Assignment = world["bench_person"]
    log_path = f"/duty/assignments/{bench.pk}/log/"
    return {
        "today": today.isoformat(),
        "password": PASSWORD,
        "accounts": {key: username for key, (username, _name) in ACCOUNTS.items()},
        "pages": {
            "approval_inbox.host_leader": {
                "path": "/duty/approvals/",
                "account": "host_leader",
                "markers": leave["waiting_host"],
                "waiting": leave["counted"]["waiting_host_leader"],
            },
            "approval_inbox.coordinator": {
                "path": "/duty/approvals/",
                "account": "coordinator",
                "markers": leave["waiting_coordinator"],
                "waiting": leave["counted"]["waiting_coordinator"],
            },
            "log_list.cadre": {
                "path": log_path,
                "account": "cadre",
                "markers": [LOG_MARK],
                "entries": log_facts["entries_of_bench_person"],
            },
            "log_list.coordinator": {
                "path": log_path,
                "account": "coordinator",
                "markers": [LOG_MARK],
                "entries": log_facts["entries_of_bench_person"],
            },
        },
        "counts": {
            "people": len(world["assignments"]),
            "host_units": len({a.host_unit_id for a in world["assignments"]}),
            "log_entries": written_entries,
            "log_quantities": written_quantities,
            "leave_requests": written_requests,
            "leave_decisions": written_decisions,
            "leave_ledger": written_ledger,
            "leave_pending": leave["counted"]["pending"],
            "leave_states": dict(sorted(leave["states"].items())),
        },
        "seconds": seconds,
    }


def explain(args: argparse.Namespace) -> dict[str, Any]:
    """Each page warm: its render time in-process (median of five, no HTTP, no contention), its
    queries timed with the plans of the slowest, and where the Python time goes (cProfile)."""
    facts = json.loads(args.facts)
    found: dict[str, Any] = {}
    for key, page in facts["pages"].items():
        user = User.objects.get(username=facts["accounts"][page["account"]])
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        client.force_login(user)
        response = client.get(page["path"])  # warm: caches, compiled templates
        if response.status_code != 200:
            found[key] = {"status": response.status_code}
            continue
        # The page as rendered (the page cache emptied first: what the first reader after a
        # write waits for), and as served from the page cache (what wrk mostly measures).
        renders, hits = [], []
        for _ in range(5):
            cache.clear()
            started = time.perf_counter()
            client.get(page["path"])
            renders.append(time.perf_counter() - started)
            started = time.perf_counter()
            client.get(page["path"])
            hits.append(time.perf_counter() - started)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(page["path"])
        queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        slowest = [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"], "plan": plan_of(q["sql"])}
            for q in queries[: args.top]
        ]
        found[key] = {
            "status": response.status_code,
            "render_ms": round(statistics.median(renders) * 1000, 1),
            "cached_ms": round(statistics.median(hits) * 1000, 2),
            "queries": len(queries),
            "query_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
            "slowest": slowest,
            "profile": profile_of(client, page["path"]),
        }
    return found


def profile_of(client: Client, path: str) -> list[str]:
    """The project's own functions by cumulative time over one request: where a slow page
    spends its Python time (a template loop, a per-row query, a calendar walk)."""
    cache.clear()  # the render, not the page cache
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, function), (_cc, calls, _tt, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        # The middleware chain and the role check wrap every page alike: left out.
        if "/guazhi/" in filename and not filename.endswith(WRAPPERS):
            where = filename.split("/guazhi/", 1)[1]
            rows.append(
                (cumulative, f"{cumulative * 1000:.1f} ms {calls}x {where}:{line} {function}")
            )
    return [text for _cumulative, text in sorted(rows, reverse=True)[:PROFILE_LINES]]


def plan_of(sql: str) -> list[str]:
    if not sql.lstrip().upper().startswith("SELECT"):
        return []
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return [row[0] for row in rows]
    return [" " * (2 * depth_of(rows, row)) + str(row[-1]) for row in rows]


def depth_of(rows: list[tuple[Any, ...]], row: tuple[Any, ...]) -> int:
    """SQLite's plan rows are (id, parent, _, detail): the depth of one in the tree."""
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent:
        depth, parent = depth + 1, parents.get(parent, 0)
    return depth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    loading = commands.add_parser("load")
    loading.add_argument("--people", type=int, default=2000)
    loading.add_argument("--log-entries", type=int, default=1_000_000)
    loading.add_argument("--leave", type=int, default=100_000)
    explaining = commands.add_parser("explain")
    explaining.add_argument("--facts", required=True, help="the JSON `load` printed")
    explaining.add_argument("--top", type=int, default=3)
    args = parser.parse_args()
    if args.command == "load":
        print("DUTY_DATA " + json.dumps(load(args), ensure_ascii=False))
    else:
        print("DUTY_EXPLAIN " + json.dumps(explain(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

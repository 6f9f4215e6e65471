"""Demo life on duty (在岗管理) of the demo batch on duty, written through the duty services.

`duty_demo_load(programmes, seed=, today=)` runs after guazhi.programmes.demo and fills the term
of 2026年江州市第十批挂职干部 from the day its people reported for duty to yesterday: a work log
for everyone (two to four entries a week, quantities, an accomplishment most months, a couple of
photos), task lists agreed at the start and ticked off month by month, leave in every state,
away-from-post reports, heart-to-heart talks, monthly reports and their reviews, the host units'
attendance returns, one spot inspection; then the daily reminder run, so inboxes have content.
Everything that lies ahead of `today` is dated relative to it and kept inside the term.

Every row is written by the service a page would call, as the person who would act there: the
cadres themselves (log, leave, reports, tasks, away reports), their host units' leaders (tasks
agreed, leave approved, returns sent), the dispatching units and the coordinator (later steps
of the chain, the inspection), the group leaders (talks, reviews). So people need accounts: the
demo city gives accounts to a few (guazhi.orgs.demo.DEMO_ACCOUNTS, among them `cadre.duty`, one
of the people on duty, and `host.bailu`); this module opens the others a real deployment would
have, through the account services: each person on duty (username: the name in pinyin) and the
leader of each host unit with people on duty (HOST_LEADERS), all with the demo password. The
group-leader role then follows the groups (programmes' group_update, unchanged groups).

How the past is written. The services check dates against `today` (a log entry may not lie
ahead of it, leave is asked in advance, a report only after its period) and stamp the moment
they act with `timezone.now()`: when a report was submitted decides whether it was late, when
leave entered afterwards was entered decides whether it covered a day. A year written at one
instant would be a year of late reports. So the demo replays the term: each step is given the
`today` it happened on and runs inside `_Clock.at`, which makes django.utils.timezone.now answer that
day's moment, so that the step's stamps, audit events and history rows say when it happened,
as if the people had used the system all term. Nothing else is changed: the services check and
write as they always do. Only this module does it, only around its own calls.

The services notify people after commit; at the demo's commit that is a year of notices about
leave long decided and reports long reviewed. `_settle_inboxes` (run after commit, after them)
marks read, as each recipient, those about things no longer waiting for them, so an inbox shows
what is to do now, and the reminder run's own notifications.

Deterministic: every choice comes from generators seeded with `seed` and the person's name,
dates from `today` and the work calendar; the same `today` gives the same demo.
"""

import datetime as dt
import functools
import random
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from guazhi.core.calendar import workdays_in
from guazhi.core.models import Notification
from guazhi.core.notifications import notification_mark_read, notifications_mark_all_read
from guazhi.core.statistics import refresh_planner_statistics
from guazhi.duty import demo_text, sampling
from guazhi.duty.models import (
    ApproverRole,
    CheckResult,
    DutyTask,
    Half,
    Inspection,
    LeaveKind,
    LeaveRequest,
    LeaveState,
    LeaveType,
    PeriodicReport,
    ReportState,
    ReviewAction,
    SamplingMode,
    WorkLogEntry,
)
from guazhi.duty.reminders import remind
from guazhi.duty.selectors.reports import periods_between
from guazhi.duty.services.attendance import attendance_return_submit
from guazhi.duty.services.away import away_report_acknowledge, away_report_submit
from guazhi.duty.services.inspections import (
    check_record,
    check_rectified,
    inspection_complete,
    inspection_plan,
    on_duty_population,
)
from guazhi.duty.services.leave import (
    leave_draft_save,
    leave_emergency_record,
    leave_extend,
    leave_request_submit,
    leave_withdraw,
)
from guazhi.duty.services.leave_checks import leave_grants_ensure
from guazhi.duty.services.leave_decide import leave_decide
from guazhi.duty.services.leave_return import leave_return
from guazhi.duty.services.logs import QuantityRow, log_entry_create
from guazhi.duty.services.reports import (
    report_accept,
    report_draft,
    report_return,
    report_submit,
)
from guazhi.duty.services.rules import LeaveTypeChange, duty_rules_of, leave_types_update
from guazhi.duty.services.talks import talk_record
from guazhi.duty.services.tasks import task_agree_all, task_propose, task_tick_off
from guazhi.orgs.demo import DEMO_PASSWORD, DEMO_SEED
from guazhi.orgs.models import Organisation, Role, RoleAssignment, User
from guazhi.orgs.services.accounts import account_create, role_grant
from guazhi.programmes.demo import ProgrammeDemoResult
from guazhi.programmes.models import Assignment, AssignmentState, Batch, Group
from guazhi.programmes.services.groups import group_update

# The demo accounts that take part (guazhi.orgs.demo.DEMO_ACCOUNTS), by username.
COORDINATOR = "coordinator"
GROUP_LEADER = "groupleader"
CADRE_ON_DUTY = "cadre.duty"
DISPATCH_ADMINS = ("dispatch.dangxiao", "dispatch.xueyuan", "dispatch.fagaiwei")

# The leaders of the host units, opened where a unit has people on duty and nobody over it
# holds the host-leader role yet: (unit, username, name).
HOST_LEADERS: tuple[tuple[str, str, str], ...] = (
    ("湓浦街道", "host.penpu", "何立军"),
    ("甘棠社区", "host.gantang", "曹淑珍"),
    ("白水湖社区", "host.baishuihu", "潘秀英"),
    ("浔阳区农业农村局", "host.xunyang.nongye", "袁德平"),
    ("十里街道", "host.shili", "刘振华"),
    ("莲花池社区", "host.lianhuachi", "胡秀兰"),
    ("莲花镇", "host.lianhua", "罗志强"),
    ("姑塘镇", "host.gutang", "彭志刚"),
    ("濂溪区教育体育局", "host.lianxi.jiaoti", "谢文斌"),
    ("沙河镇", "host.shahe", "汪建国"),
    ("岷山乡", "host.minshan", "龚卫东"),
    ("港口镇", "host.gangkou", "黎晓东"),
    ("柴桑县农业农村局", "host.chaisang.nongye", "熊海波"),
    ("柴桑县卫生健康委员会", "host.chaisang.weijian", "钟丽华"),
    ("双钟镇", "host.shuangzhong", "邹明亮"),
    ("石钟山社区", "host.shizhongshan", "余桂芳"),
    ("流泗镇", "host.liusi", "邓春生"),
    ("武山镇", "host.wushan", "蔡伟民"),
    ("湖口县文化广电旅游局", "host.hukou.wenlv", "戴永红"),
)
# Home-visit leave gets an entitlement in this batch (the national rule leaves the number to
# family circumstances): 20 days a term, what most of its people would be granted.
HOME_VISIT_DAYS = Decimal(20)
INSPECTION_SAMPLE = 6
INSPECTORS = "市委组织部干部一科 孙立新、李明"


@dataclass
class DutyDemoResult:
    batch: Batch
    # Accounts this module opened: (role label, username, name · where).
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    # What the account table says after a demo account's name (by username).
    account_notes: dict[str, str] = field(default_factory=dict)
    # Notifications the day's reminder run made.
    reminded: int = 0


# The clock ----------------------------------------------------------------------------------


class _Clock:
    """The day the demo is loaded on, and the moments of the steps before it."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.real_now = timezone.now()

    def moment(self, day: dt.date, hour: int, minute: int) -> dt.datetime:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        # Never ahead of the real clock: what happens "today" happened by now.
        return min(moment, self.real_now) if day >= timezone.localdate(self.real_now) else moment

    @contextmanager
    def at(self, day: dt.date, hour: int = 9, minute: int = 0) -> Iterator[None]:
        """Run the services as on `day` at hour:minute (see the module docstring)."""
        moment = self.moment(day, hour, minute)
        with mock.patch.object(timezone, "now", new=lambda: moment):
            yield


# Pictures -----------------------------------------------------------------------------------


def _png(width: int, height: int, pixel: Any) -> bytes:
    """A real PNG (RGB, 8 bits) drawn by `pixel(x, y) -> (r, g, b)`; zlib is all it needs."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _photo(rng: random.Random) -> bytes:
    """A field under a sky with hills: a stand-in for a photo taken on a phone."""
    width, height = 192, 128
    horizon = rng.randint(50, 70)
    hills = [(rng.randint(0, width), rng.randint(20, 45), rng.randint(40, 90)) for _ in range(3)]
    green = (rng.randint(60, 100), rng.randint(130, 170), rng.randint(50, 80))

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        for centre, rise, spread in hills:
            if y >= horizon - rise + abs(x - centre) * rise // spread and y < horizon:
                return (70, 110 + (y % 7), 80)
        if y < horizon:
            return (120 + y, 170 + y // 2, 235)
        stripe = ((y - horizon) // 6 + x // 24) % 2
        return (green[0] + 15 * stripe, green[1] - 10 * stripe, green[2])

    return _png(width, height, pixel)


def _sick_note(rng: random.Random) -> bytes:
    """A photographed slip of paper with lines of writing: the 病假条 a sick leave needs."""
    return _sick_note_drawn(rng.randrange(4))


@functools.cache
def _sick_note_drawn(variant: int) -> bytes:
    width, height = 120, 160
    lengths = random.Random(variant)
    lines = [(18 + 14 * i, lengths.randint(50, 100)) for i in range(8)]

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        if x < 6 or x >= width - 6 or y < 6 or y >= height - 6:
            return (200, 200, 190)
        for top, length in lines:
            if top <= y < top + 2 and 12 <= x < 12 + length:
                return (40, 40, 90)
        if 120 <= y < 140 and 70 <= x < 105 and (x - 87) ** 2 + (y - 130) ** 2 < 150:
            return (210, 40, 40)  # the hospital's stamp
        return (250, 250, 245)

    return _png(width, height, pixel)


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


# The people ---------------------------------------------------------------------------------


@dataclass
class _Person:
    assignment: Assignment
    user: User
    host_leader: User
    dispatch_admin: User | None
    rng: random.Random
    places: list[str]
    topics: list[str]
    # Days the person is away (planned leave) or must not log (an absence found by inspection).
    away: set[dt.date] = field(default_factory=set)
    # Days no leave may be planned on (the inspection's, for the people it draws).
    busy: set[dt.date] = field(default_factory=set)
    annual_left: Decimal = Decimal(5)
    reviewer: User | None = None
    entries: list[WorkLogEntry] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.assignment.cadre.name

    @property
    def phone(self) -> str:
        return self.assignment.cadre.phone or "13907920000"


@dataclass
class _Leave:
    """One leave as it will have gone: asked, decided step by step, maybe returned."""

    person: _Person
    kind: str
    start: dt.date
    end: dt.date
    asked_on: dt.date
    start_half: str = Half.AM
    end_half: str = Half.PM
    reason: str = ""
    # How far it gets: "approved" (all steps), "pending" (`steps` approved), "rejected" (at
    # step `steps`), "withdrawn" (while pending), "draft".
    outcome: str = "approved"
    steps: int = 0
    comment: str = ""
    returned: tuple[dt.date, str] | None = None
    withdrawn_on: dt.date | None = None
    # 续假: (asked on, new end day, new end half, reason); decided the day it is asked.
    extension: tuple[dt.date, dt.date, str, str] | None = None
    emergency_reason: str = ""  # entered afterwards by the host unit's leader


class _Demo:
    """The state of one load: who acts, the calendar, the plans, and the steps to run."""

    def __init__(self, programmes: ProgrammeDemoResult, *, seed: int, today: dt.date) -> None:
        self.batch = Batch.objects.select_related("coordinating_org").get(pk=programmes.on_duty.pk)
        self.seed = seed
        self.clock = _Clock(today)
        self.today = today
        self.result = DutyDemoResult(batch=self.batch)
        self.users = {
            user.username: user
            for user in User.objects.filter(
                username__in=[COORDINATOR, GROUP_LEADER, CADRE_ON_DUTY, *DISPATCH_ADMINS]
            )
        }
        self.coordinator = self.users[COORDINATOR]
        assignments = list(
            Assignment.objects.filter(batch=self.batch, state=AssignmentState.ACTIVE)
            .select_related(
                "batch__coordinating_org", "cadre__user", "host_unit", "home_unit", "post", "group"
            )
            .order_by("cadre__name_pinyin", "pk")
        )
        if not assignments:
            raise RuntimeError("the demo batch on duty has nobody on duty")
        self.assignments = assignments
        self.start = min(a.start_date or self.batch.term_start for a in assignments)
        self.term_end = self.batch.term_end
        # The last day of the past: the log runs to yesterday.
        self.last = min(today - dt.timedelta(days=1), self.term_end)
        self.workdays = set(workdays_in(self.start - dt.timedelta(days=40), self.term_end))
        self.people: list[_Person] = []
        self.leaves: list[_Leave] = []
        # Usernames of the people a leave scenario has been given to (one each).
        self.cast_in: set[str] = set()

    # --- calendar ------------------------------------------------------------------------------

    def workday(self, day: dt.date) -> bool:
        return day in self.workdays

    def next_workday(self, day: dt.date, n: int = 1) -> dt.date:
        """The n-th working day after `day` (n ≥ 1)."""
        while n:
            day += dt.timedelta(days=1)
            if self.workday(day) or day > self.term_end:
                n -= 1
        return day

    def previous_workday(self, day: dt.date, n: int = 1) -> dt.date:
        while n:
            day -= dt.timedelta(days=1)
            if self.workday(day) or day < self.start:
                n -= 1
        return day

    def in_term(self, *days: dt.date) -> bool:
        return all(self.start <= day <= self.term_end for day in days)

    def workdays_between(self, first: dt.date, last: dt.date) -> list[dt.date]:
        days = []
        day = first
        while day <= last:
            if self.workday(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days


# Accounts -------------------------------------------------------------------------------------


def _accounts(demo: _Demo) -> None:
    """Accounts for the people on duty and the host units' leaders, opened by the coordinator
    the week before the term; then the group-leader role for the groups' leaders and deputies."""
    coordinator = demo.coordinator
    day = demo.start - dt.timedelta(days=5)
    taken = set(User.objects.values_list("username", flat=True))
    with demo.clock.at(day, 10, 0):
        for assignment in demo.assignments:
            profile = assignment.cadre
            if profile.user_id is not None:
                continue
            base = "".join(profile.name_pinyin.split()) or f"cadre{profile.pk}"
            username, number = base, 2
            while username in taken:
                username, number = f"{base}{number}", number + 1
            taken.add(username)
            user = account_create(
                actor=coordinator,
                username=username,
                full_name=profile.name,
                password=DEMO_PASSWORD,
                profile=profile,
            )
            role_grant(
                actor=coordinator, user=user, role=Role.CADRE, organisation=assignment.home_unit
            )
            profile.user = user
            demo.result.accounts.append(
                (
                    str(Role.CADRE.label),
                    username,
                    f"{profile.name} · {assignment.host_unit.name}{assignment.post.title}",
                )
            )
        leaders = {name: (username, full_name) for name, username, full_name in HOST_LEADERS}
        for unit in _host_units(demo):
            if _host_leaders_of(unit, demo.batch):
                continue
            if unit.name not in leaders:
                raise RuntimeError(f"no demo host leader for {unit.name}: add it to HOST_LEADERS")
            username, full_name = leaders[unit.name]
            user = account_create(
                actor=coordinator, username=username, full_name=full_name, password=DEMO_PASSWORD
            )
            role_grant(actor=coordinator, user=user, role=Role.HOST_LEADER, organisation=unit)
            demo.result.accounts.append(
                (str(Role.HOST_LEADER.label), username, f"{full_name} · {unit.name}")
            )
    # The accounts are there before the groups' leaders are confirmed for the term: the
    # coordinator saves each group unchanged, and the role follows its leader and deputy.
    with demo.clock.at(day, 11, 0):
        for group in Group.objects.filter(batch=demo.batch).order_by("pk"):
            group_update(
                actor=coordinator,
                group=group,
                name=group.name,
                members=list(Assignment.objects.filter(group=group).order_by("pk")),
                leader=group.leader,
                deputy=group.deputy,
            )


def _host_units(demo: _Demo) -> list[Organisation]:
    seen: dict[int, Organisation] = {}
    for assignment in demo.assignments:
        seen.setdefault(assignment.host_unit_id, assignment.host_unit)
    return sorted(seen.values(), key=lambda unit: unit.path)


def _host_leaders_of(unit: Organisation, batch: Batch) -> list[User]:
    """The accounts holding the host-leader role over the unit (for this batch or any): the
    unit's own leader first, then those over a wider unit (a street over its community)."""
    grants = [
        grant
        for grant in RoleAssignment.objects.filter(role=Role.HOST_LEADER).select_related(
            "organisation", "user"
        )
        if unit.path.startswith(grant.organisation.path)
        and grant.batch_id in (None, batch.pk)
        and grant.user.is_active
    ]
    grants.sort(key=lambda grant: (-len(grant.organisation.path), grant.pk))
    return [grant.user for grant in grants]


def _cast(demo: _Demo) -> None:
    """Each person with who acts for them: host leader, dispatch admin, report reviewer."""
    dispatch: dict[int, User] = {}
    for grant in RoleAssignment.objects.filter(
        role=Role.DISPATCH_ADMIN, user__username__in=DISPATCH_ADMINS
    ).select_related("user"):
        dispatch[grant.organisation_id] = grant.user
    own_leader = {unit.pk: _host_leaders_of(unit, demo.batch)[0] for unit in _host_units(demo)}
    for assignment in (
        Assignment.objects.filter(pk__in=[a.pk for a in demo.assignments])
        .select_related(
            "batch__coordinating_org",
            "cadre__user",
            "host_unit",
            "home_unit",
            "post",
            "group__leader__cadre__user",
            "group__deputy__cadre__user",
        )
        .order_by("cadre__name_pinyin", "pk")
    ):
        rng = random.Random(f"{demo.seed}:{assignment.cadre.name}")
        user = assignment.cadre.user
        assert user is not None  # every person on duty has an account by now (_accounts)
        person = _Person(
            assignment=assignment,
            user=user,
            host_leader=own_leader[assignment.host_unit_id],
            dispatch_admin=dispatch.get(assignment.home_unit_id),
            rng=rng,
            places=demo_text.places_of(assignment.host_unit.kind, rng),
            topics=demo_text.topics_of(assignment.post.portfolio),
        )
        group = assignment.group
        if group is not None:
            leader, deputy = group.leader, group.deputy
            chosen = deputy if leader is not None and leader.pk == assignment.pk else leader
            person.reviewer = chosen.cadre.user if chosen is not None else None
        demo.people.append(person)


def _person(demo: _Demo, username: str) -> _Person:
    return next(person for person in demo.people if person.user.username == username)


# Rules ----------------------------------------------------------------------------------------


def _rules(demo: _Demo) -> None:
    """The coordinator gives home-visit leave an entitlement before the term; on the first day
    every person's balances are granted from the rules."""
    with demo.clock.at(demo.start - dt.timedelta(days=3), 15, 0):
        duty_rules_of(demo.batch)
        home_visit = LeaveType.objects.get(batch=demo.batch, kind=LeaveKind.HOME_VISIT)
        leave_types_update(
            actor=demo.coordinator,
            batch=demo.batch,
            changes=[
                LeaveTypeChange(
                    leave_type=home_visit,
                    counting=home_visit.counting,
                    entitlement_days=HOME_VISIT_DAYS,
                    entitlement_by_service=False,
                    attachment_required=home_visit.attachment_required,
                    active=True,
                )
            ],
        )
    with demo.clock.at(demo.start, 8, 30):
        for person in demo.people:
            leave_grants_ensure(person.assignment)


# Planning leave ----------------------------------------------------------------------------


def _days_of(leave: _Leave) -> set[dt.date]:
    day, days = leave.start, set()
    last = leave.extension[1] if leave.extension else leave.end
    while day <= last:
        days.add(day)
        day += dt.timedelta(days=1)
    return days


def _free(demo: _Demo, person: _Person, first: dt.date, last: dt.date) -> bool:
    """Nothing of the person's planned in [first - 1, last + 1], and all of it in the term."""
    if not demo.in_term(first, last):
        return False
    day = first - dt.timedelta(days=1)
    while day <= last + dt.timedelta(days=1):
        if day in person.away or day in person.busy:
            return False
        day += dt.timedelta(days=1)
    return True


def _plan(demo: _Demo, leave: _Leave) -> _Leave | None:
    """Keep `leave` if it fits the person's calendar and lies where it can (asked in the term,
    never ahead of today for what has happened); its days are theirs from now on."""
    person = leave.person
    last = leave.extension[1] if leave.extension else leave.end
    if not _free(demo, person, leave.start, last) or leave.asked_on < demo.start:
        return None
    if leave.asked_on > demo.today:
        return None
    working = len(demo.workdays_between(leave.start, last))
    if leave.kind == LeaveKind.ANNUAL and leave.outcome in ("approved", "pending"):
        if working > person.annual_left:
            return None
        person.annual_left -= working
    if leave.outcome not in ("draft", "withdrawn", "rejected"):
        person.away |= _days_of(leave)
    demo.leaves.append(leave)
    return leave


def _span(demo: _Demo, first: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """From working day `first`, `days` working days."""
    return first, (first if days <= 1 else demo.next_workday(first, days - 1))


def _fit(demo: _Demo, candidates: list[_Person], make: Any) -> _Leave | None:
    """The first of `candidates` (not yet in a scenario) whose calendar takes `make(person)`."""
    for person in candidates:
        if person.user.username in demo.cast_in:
            continue
        planned = _plan(demo, make(person))
        if planned is not None:
            demo.cast_in.add(person.user.username)
            return planned
    return None


def _plan_leave(demo: _Demo, insp: dict[str, Any]) -> None:
    """The leave that shows every state, then a little ordinary leave for everyone."""
    today = demo.today
    duty = _person(demo, CADRE_ON_DUTY)
    leader = _person(demo, GROUP_LEADER)
    others = [p for p in demo.people if p not in (duty, leader)]
    with_dispatch = [p for p in others if p.dispatch_admin is not None]
    # People whose home unit has no demo account first: those with one are kept for leave
    # long enough to need the dispatching unit.
    plain = [p for p in others if p.dispatch_admin is None] + with_dispatch

    def reason(person: _Person, kind: str) -> str:
        return person.rng.choice(demo_text.LEAVE_REASONS[kind])

    # On approved leave the day of the inspection (planned first: the draw is fixed).
    on_leave = insp.get("on_leave")
    if on_leave is not None:
        day = insp["day"]
        on_leave.busy.discard(day)
        insp["leave"] = _plan(
            demo,
            _Leave(
                on_leave,
                LeaveKind.PERSONAL,
                day,
                day,
                day - dt.timedelta(days=4),
                reason=reason(on_leave, "personal"),
                returned=(demo.next_workday(day), Half.AM),
            ),
        )
    # Waiting for host.bailu: 缪悦 asks one and a half days next week (事假).
    first = demo.next_workday(today, 4)
    _plan(
        demo,
        _Leave(
            duty,
            LeaveKind.PERSONAL,
            first,
            demo.next_workday(first),
            today,
            end_half=Half.AM,
            reason="回南昌办理房产证过户手续",
            outcome="pending",
        ),
    )
    # Her draft: annual leave she has not sent yet.
    first = demo.next_workday(today, 15)
    _plan(
        demo,
        _Leave(
            duty,
            LeaveKind.ANNUAL,
            *_span(demo, first, 2),
            demo.previous_workday(today),
            reason="休年休假，陪同家人外出",
            outcome="draft",
        ),
    )
    # Waiting at the dispatching unit: the group leader's five days, agreed by her host unit.
    first = demo.next_workday(today, 10)
    _plan(
        demo,
        _Leave(
            leader,
            LeaveKind.ANNUAL,
            *_span(demo, first, 5),
            demo.previous_workday(today, 2),
            reason="休年休假，回家探望父母",
            outcome="pending",
            steps=1,
        ),
    )
    # Waiting at the coordinator: fifteen days' home visit (more than seven working days),
    # agreed by the host and the dispatching unit.
    start = today + dt.timedelta(days=18)
    _fit(
        demo,
        with_dispatch,
        lambda person: _Leave(
            person,
            LeaveKind.HOME_VISIT,
            start,
            start + dt.timedelta(days=14),
            demo.previous_workday(today, 3),
            reason=reason(person, "home_visit"),
            outcome="pending",
            steps=2,
        ),
    )
    # Back early, days given back: four days' annual leave ended after two.
    first = demo.previous_workday(today, 60)
    _fit(
        demo,
        with_dispatch,
        lambda person: _Leave(
            person,
            LeaveKind.ANNUAL,
            *_span(demo, first, 4),
            first - dt.timedelta(days=7),
            reason=reason(person, "annual"),
            returned=(demo.next_workday(first, 2), Half.AM),
        ),
    )
    # Approved and still ahead: two days in a week or so.
    first = demo.next_workday(today, 6)
    _fit(
        demo,
        plain,
        lambda person: _Leave(
            person,
            LeaveKind.ANNUAL,
            *_span(demo, first, 2),
            demo.previous_workday(today, 4),
            reason=reason(person, "annual"),
        ),
    )
    # On leave now: from the working day before today to the one after (the daily run moves
    # it to 休假中 when the demo's reminders run).
    first, last = demo.previous_workday(today), demo.next_workday(today)
    _fit(
        demo,
        plain,
        lambda person: _Leave(
            person,
            LeaveKind.PERSONAL,
            first,
            last,
            first - dt.timedelta(days=3),
            reason=reason(person, "personal"),
        ),
    )
    # Overdue: sick leave that ended three working days ago and was never reported back.
    end = demo.previous_workday(today, 3)
    first = demo.previous_workday(end)
    _fit(
        demo,
        plain,
        lambda person: _Leave(
            person,
            LeaveKind.SICK,
            first,
            end,
            first - dt.timedelta(days=2),
            reason=reason(person, "sick"),
        ),
    )
    # Entered afterwards: taken ill yesterday, entered today by the host unit's leader.
    day = demo.previous_workday(today)
    _fit(
        demo,
        plain,
        lambda person: _Leave(
            person,
            LeaveKind.SICK,
            day,
            day,
            today,
            reason="突发急性肠胃炎，到县人民医院就诊，医嘱休息",
            emergency_reason="当天早上突发疾病直接就医，未能事先请假，由单位代为补办。",
        ),
    )
    # Extended: two days' sick leave, one more asked on its last day, then back at work.
    start, end = _span(demo, demo.previous_workday(today, 45), 2)
    extra_end = demo.next_workday(end)
    _fit(
        demo,
        plain,
        lambda person: _Leave(
            person,
            LeaveKind.SICK,
            start,
            end,
            start - dt.timedelta(days=1),
            reason=reason(person, "sick"),
            extension=(end, extra_end, Half.PM, "复查后医嘱继续休息一天"),
            returned=(demo.next_workday(extra_end), Half.AM),
        ),
    )
    # Rejected: three days asked, refused by the host unit.
    start, end = _span(demo, demo.previous_workday(today, 75), 3)
    _fit(
        demo,
        plain,
        lambda person: _Leave(
            person,
            LeaveKind.PERSONAL,
            start,
            end,
            start - dt.timedelta(days=6),
            reason=reason(person, "personal"),
            outcome="rejected",
            comment="该时段单位有重点工作安排，请与分管领导沟通后调整请假时间。",
        ),
    )
    # Withdrawn: annual leave asked, then withdrawn while waiting.
    start, end = _span(demo, demo.previous_workday(today, 50), 2)
    _fit(
        demo,
        plain,
        lambda person: _Leave(
            person,
            LeaveKind.ANNUAL,
            start,
            end,
            start - dt.timedelta(days=10),
            reason=reason(person, "annual"),
            outcome="withdrawn",
            withdrawn_on=start - dt.timedelta(days=8),
        ),
    )
    # Ordinary leave, asked ahead and reported back on time.
    for person in demo.people:
        for _ in range(person.rng.choice((0, 1, 1, 2, 2, 3))):
            _plan_ordinary(demo, person)


def _plan_ordinary(demo: _Demo, person: _Person) -> None:
    rng = person.rng
    latest = demo.today - dt.timedelta(days=12)
    earliest = demo.start + dt.timedelta(days=14)
    if latest <= earliest:
        return
    for _attempt in range(12):
        kind = rng.choice(
            (LeaveKind.PERSONAL,) * 3
            + (LeaveKind.SICK,) * 2
            + (LeaveKind.COMPENSATORY,) * 2
            + (LeaveKind.ANNUAL,) * 2
        )
        day = earliest + dt.timedelta(days=rng.randrange((latest - earliest).days))
        if not demo.workday(day):
            continue
        halves = {
            LeaveKind.PERSONAL: (1, 2, 2, 3, 4),
            LeaveKind.SICK: (2, 2, 4),
            LeaveKind.COMPENSATORY: (2,),
            LeaveKind.ANNUAL: (2, 4, 6),
        }[kind]
        count = rng.choice(halves)
        days = (count + 1) // 2
        start, end = _span(demo, day, days)
        end_half = Half.AM if count % 2 else Half.PM
        back = (end, Half.PM) if end_half == Half.AM else (demo.next_workday(end), Half.AM)
        leave = _Leave(
            person,
            kind,
            start,
            end,
            start - dt.timedelta(days=rng.randint(2, 8)),
            end_half=end_half,
            reason=rng.choice(demo_text.LEAVE_REASONS[kind]),
            returned=back,
        )
        if back[0] < demo.today and _plan(demo, leave) is not None:
            return


# Running leave ------------------------------------------------------------------------------


def _approver(demo: _Demo, person: _Person, role: str) -> User:
    if role == ApproverRole.HOST_LEADER:
        return person.host_leader
    if role == ApproverRole.DISPATCH_ADMIN:
        if person.dispatch_admin is None:
            raise RuntimeError(f"no demo dispatch admin over {person.assignment.home_unit}")
        return person.dispatch_admin
    return demo.coordinator


def _run_leave(demo: _Demo, plan: _Leave, types: dict[str, LeaveType]) -> LeaveRequest:
    person, clock = plan.person, demo.clock
    leave_type = types[plan.kind]
    uploads = (
        [_upload("病假条.png", _sick_note(person.rng))] if leave_type.attachment_required else []
    )
    common: dict[str, Any] = {
        "leave_type": leave_type,
        "start_date": plan.start,
        "start_half": plan.start_half,
        "end_date": plan.end,
        "end_half": plan.end_half,
        "reason": plan.reason,
        "stand_in": demo_text.stand_in(person.rng),
        "contact_phone": person.phone,
        "uploads": uploads,
    }
    asked = plan.asked_on
    if plan.outcome == "draft":
        with clock.at(asked, 21, 10):
            return leave_draft_save(actor=person.user, assignment=person.assignment, **common)
    if plan.emergency_reason:
        with clock.at(asked, 8, 40):
            leave = leave_emergency_record(
                actor=person.host_leader,
                assignment=person.assignment,
                emergency_reason=plan.emergency_reason,
                today=asked,
                **common,
            )
    else:
        with clock.at(asked, 9, person.rng.randint(0, 50)):
            leave = leave_request_submit(
                actor=person.user, assignment=person.assignment, today=asked, **common
            )
    step_day = asked
    while leave.state == LeaveState.PENDING:
        if plan.outcome == "pending" and leave.step >= plan.steps:
            break
        if plan.outcome == "withdrawn":
            break
        step_day = min(step_day + dt.timedelta(days=1), demo.today)
        if plan.emergency_reason:
            step_day = asked
        rejecting = plan.outcome == "rejected" and leave.step == plan.steps
        with clock.at(step_day, 15, 20 + leave.step * 10):
            leave = leave_decide(
                actor=_approver(demo, person, leave.awaiting_role),
                leave=leave,
                decision="reject" if rejecting else "approve",
                comment=plan.comment if rejecting else "同意。",
                step=leave.step,
                today=step_day,
            )
    if plan.outcome == "withdrawn" and plan.withdrawn_on is not None:
        with clock.at(plan.withdrawn_on, 10, 5):
            leave = leave_withdraw(actor=person.user, leave=leave, today=plan.withdrawn_on)
    if plan.extension is not None:
        ext_day, ext_end, ext_half, ext_reason = plan.extension
        with clock.at(ext_day, 10, 30):
            extension = leave_extend(
                actor=person.user,
                leave=leave,
                end_date=ext_end,
                end_half=ext_half,
                reason=ext_reason,
                stand_in=common["stand_in"],
                contact_phone=person.phone,
                uploads=[_upload("复查诊断证明.png", _sick_note(person.rng))],
                today=ext_day,
            )
        while extension.state == LeaveState.PENDING:
            with clock.at(ext_day, 16, 0 + extension.step * 10):
                extension = leave_decide(
                    actor=_approver(demo, person, extension.awaiting_role),
                    leave=extension,
                    decision="approve",
                    comment="同意，请安心养病。",
                    step=extension.step,
                    today=ext_day,
                )
    if plan.returned is not None and leave.state in (LeaveState.APPROVED, LeaveState.ON_LEAVE):
        back, half = plan.returned
        with clock.at(back, 8 if half == Half.AM else 14, 35):
            leave_return(
                actor=person.user, leave=leave, returned_date=back, returned_half=half, today=back
            )
    return leave


# The work log ---------------------------------------------------------------------------------


@dataclass
class _Planned:
    day: dt.date
    text: demo_text.EntryText
    photos: int = 0


def _plan_log(demo: _Demo, person: _Person, gap_month: dt.date | None) -> list[_Planned]:
    """Two to four entries a week on working days the person was there, one or two of each
    month's made accomplishments (none in `gap_month`, none yet some months in progress)."""
    rng = person.rng
    host = person.assignment.host_unit.name
    weights = demo_text.category_weights(person.assignment.post.portfolio)
    categories, counts = list(weights), list(weights.values())
    planned: list[_Planned] = []
    monday = person.assignment.start_date or demo.start
    monday -= dt.timedelta(days=monday.weekday())
    while monday <= demo.last:
        week = [
            day
            for day in (monday + dt.timedelta(days=i) for i in range(5))
            if demo.workday(day)
            and demo.in_term(day)
            and day >= (person.assignment.start_date or demo.start)
            and day <= demo.last
            and day not in person.away
        ]
        for day in sorted(rng.sample(week, min(len(week), rng.choice((2, 3, 3, 3, 4))))):
            category = rng.choices(categories, weights=counts)[0]
            text = demo_text.entry(
                rng, category=category, host=host, places=person.places, topics=person.topics
            )
            planned.append(_Planned(day, text))
        monday += dt.timedelta(days=7)
    by_month: dict[dt.date, list[_Planned]] = {}
    for item in planned:
        by_month.setdefault(item.day.replace(day=1), []).append(item)
    current = demo.today.replace(day=1)
    for month, items in by_month.items():
        if month == gap_month:
            continue
        if month == current and rng.random() < 0.5:
            continue  # not yet this month
        for item in rng.sample(items, 2 if len(items) > 8 and rng.random() < 0.3 else 1):
            item.text = demo_text.accomplishment(rng, host=host, places=person.places)
    return planned


def _write_log(demo: _Demo, person: _Person, planned: list[_Planned]) -> None:
    for item in planned:
        # Most entries are written the same evening, some the next morning.
        late = item.photos == 0 and person.rng.random() < 0.2
        day = min(item.day + dt.timedelta(days=1), demo.today) if late else item.day
        files = [
            _upload(f"现场照片{number}.png", _photo(person.rng))
            for number in range(1, item.photos + 1)
        ]
        with demo.clock.at(day, 8 if late else 18, person.rng.randint(0, 59)):
            person.entries.append(
                log_entry_create(
                    actor=person.user,
                    assignment=person.assignment,
                    date=item.day,
                    category=item.text.category,
                    title=item.text.title,
                    content=item.text.content,
                    accomplishment=item.text.accomplishment,
                    quantities=[
                        QuantityRow(label, value, unit)
                        for label, value, unit in item.text.quantities
                    ],
                    files=files,
                    today=day,
                )
            )


# Tasks ----------------------------------------------------------------------------------------


def _month_add(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _tasks(demo: _Demo) -> None:
    """Proposed in the first days, agreed by the host unit; ticked off month by month with the
    entries that prove them; some are overdue, and one new task waits for host.bailu."""
    proposed_on = demo.next_workday(demo.start, 2)
    agreed_on = demo.next_workday(demo.start, 4)
    if proposed_on >= demo.today:
        return
    last_month = demo.term_end.replace(day=1)
    this_month = demo.today.replace(day=1)
    for number, person in enumerate(demo.people):
        rng = person.rng
        first = demo.start.replace(day=1)
        months = [_month_add(first, 2), _month_add(first, 4), _month_add(first, 6)]
        months += [_month_add(first, 8), last_month]
        tasks: list[DutyTask] = []
        with demo.clock.at(proposed_on, 16, rng.randint(0, 59)):
            for text, month in zip(demo_text.tasks_for(person.topics), months, strict=True):
                tasks.append(
                    task_propose(
                        actor=person.user,
                        assignment=person.assignment,
                        title=text.title,
                        description=text.description,
                        target_month=min(month, last_month),
                        today=proposed_on,
                    )
                )
        if agreed_on >= demo.today:
            continue
        with demo.clock.at(agreed_on, 10, rng.randint(0, 59)):
            task_agree_all(actor=person.host_leader, assignment=person.assignment)
        texts = demo_text.tasks_for(person.topics)
        for index, (task, text) in enumerate(zip(tasks, texts, strict=True)):
            target = task.target_month
            # Every third person leaves the second task overdue; the first person ticks off
            # the first a month late.
            if target >= this_month or (index == 1 and number % 3 == 0):
                continue
            done_month = _month_add(target, 1) if (index == 0 and number == 0) else target
            ticked_on = min(
                demo.previous_workday(_month_add(done_month, 1)),
                demo.previous_workday(demo.today),
            )
            month_entries = [
                e
                for e in person.entries
                if e.date.replace(day=1) == done_month and e.date <= ticked_on
            ]
            proofs = [
                e
                for e in month_entries
                if (e.category == text.proof if text.proof else e.accomplishment)
            ] or [e for e in month_entries if e.accomplishment]
            if not proofs or ticked_on < done_month:
                continue
            with demo.clock.at(ticked_on, 17, rng.randint(0, 59)):
                task_tick_off(
                    actor=person.user,
                    task=task,
                    note=text.done_note,
                    evidence=[entry.pk for entry in proofs[:2]],
                    month=done_month,
                    today=ticked_on,
                )
    duty = _person(demo, CADRE_ON_DUTY)
    asked = demo.previous_workday(demo.today, 2)
    target = _month_add(this_month, 2)
    if demo.start < asked and target <= last_month:
        with demo.clock.at(asked, 16, 30):
            task_propose(
                actor=duty.user,
                assignment=duty.assignment,
                title="协助打造白鹿镇农产品电商品牌",
                description="联系电商平台和本地合作社，完成品牌注册和首批产品上线。",
                target_month=target,
                today=asked,
            )


# Away reports, talks --------------------------------------------------------------------------


def _weekends(demo: _Demo, first: dt.date, last: dt.date) -> list[dt.date]:
    """Saturdays in [first, last] whose weekend is two days off (no 调休 working Saturday)."""
    found = []
    day = first + dt.timedelta(days=(5 - first.weekday()) % 7)
    while day <= last:
        sunday = day + dt.timedelta(days=1)
        if not demo.workday(day) and not demo.workday(sunday) and demo.in_term(day, sunday):
            found.append(day)
        day += dt.timedelta(days=7)
    return found


def _away(demo: _Demo) -> None:
    """Weekend trips reported on the Friday and acknowledged by the host unit; the group
    leader's trip next weekend still waits for host.bailu."""
    past = _weekends(demo, demo.start + dt.timedelta(days=7), demo.today - dt.timedelta(days=3))
    travellers = [p for p in demo.people if p.user.username in (CADRE_ON_DUTY, GROUP_LEADER)]
    travellers += [p for p in demo.people if p not in travellers][::3]
    for person in travellers:
        rng = person.rng
        for saturday in sorted(rng.sample(past, min(len(past), rng.randint(1, 3)))):
            friday = saturday - dt.timedelta(days=1)
            reason, where = rng.choice(demo_text.AWAY_TRIPS)
            with demo.clock.at(friday, 16, rng.randint(0, 40)):
                report = away_report_submit(
                    actor=person.user,
                    assignment=person.assignment,
                    reason=reason,
                    destination=where,
                    leave_date=saturday,
                    leave_half=Half.AM,
                    return_date=saturday + dt.timedelta(days=1),
                    return_half=Half.PM,
                    stand_in=demo_text.stand_in(rng),
                    contact_phone=person.phone,
                    today=friday,
                )
            with demo.clock.at(friday, 17, 45):
                away_report_acknowledge(actor=person.host_leader, report=report)
    leader = _person(demo, GROUP_LEADER)
    ahead = _weekends(demo, demo.today + dt.timedelta(days=1), demo.today + dt.timedelta(days=14))
    if ahead:
        with demo.clock.at(demo.today, 8, 20):
            away_report_submit(
                actor=leader.user,
                assignment=leader.assignment,
                reason="周末回家探望父母",
                destination="南昌市",
                leave_date=ahead[0],
                leave_half=Half.AM,
                return_date=ahead[0] + dt.timedelta(days=1),
                return_half=Half.PM,
                stand_in=demo_text.stand_in(leader.rng),
                contact_phone=leader.phone,
                today=demo.today,
            )


TALKS = (
    (
        "到岗谈心：了解到岗后的工作和生活情况，交流对分管工作的初步打算，提醒严格遵守挂职纪律和请销假制度。",
        "协调解决住宿和交通问题；一个月后再了解工作进展。",
    ),
    (
        "了解近期工作进展和思想状况，听取对小组管理的意见建议，就做好下阶段工作提出要求。",
        "帮助对接派出单位资源；在小组交流会上介绍经验。",
    ),
)


def _talks(demo: _Demo) -> None:
    """The group leader talks with her group's members; host.bailu with the people of 白鹿镇."""
    leader = _person(demo, GROUP_LEADER)
    group = leader.assignment.group
    first_day = demo.start + dt.timedelta(days=24)
    second_day = demo.today - dt.timedelta(days=30)
    for index, person in enumerate(demo.people):
        if person is leader or group is None or person.assignment.group_id != group.pk:
            continue
        days = [first_day + dt.timedelta(days=index)] + ([second_day] if index % 2 else [])
        for (topics, follow_up), day in zip(TALKS, days, strict=False):
            if not demo.start <= day < demo.today:
                continue
            with demo.clock.at(day, 19, 0):
                talk_record(
                    actor=leader.user,
                    assignment=person.assignment,
                    held_on=day,
                    talker=leader.name,
                    topics=topics,
                    participants="",
                    follow_up=follow_up,
                    today=day,
                )
    for person in demo.people:
        if person.assignment.host_unit.name != "白鹿镇":
            continue
        day = demo.start + dt.timedelta(days=9)
        if day < demo.today:
            with demo.clock.at(day, 16, 0):
                talk_record(
                    actor=person.host_leader,
                    assignment=person.assignment,
                    held_on=day,
                    talker=person.host_leader.full_name,
                    participants="镇党政办主任",
                    topics="介绍镇情和班子分工，明确分管工作和联系村，提出工作要求。",
                    follow_up="安排党政办做好后勤保障。",
                    today=day,
                )


# Reports --------------------------------------------------------------------------------------


RETURN_COMMENT = (
    "纪实汇总较全面，但正文对下月计划写得过于笼统，请补充具体措施和时间节点后重新提交。"
)


def _reports(demo: _Demo) -> None:
    """Each month's report drafted after the month, submitted by its due day, accepted by the
    group's leader (the deputy for the leader's own). One was late; one was returned and sent
    again; one is returned now; 缪悦's last one waits for the group leader; one person has
    not sent the last one past its due day."""
    rules = duty_rules_of(demo.batch)
    duty = _person(demo, CADRE_ON_DUTY)
    leader = _person(demo, GROUP_LEADER)
    group_one = [p for p in demo.people if p.assignment.group_id == leader.assignment.group_id]
    group_two = [p for p in demo.people if p not in group_one]
    plain_one = [p for p in group_one if p not in (duty, leader)]
    returned_now = plain_one[0] if plain_one else None
    returned_before = plain_one[-1] if len(plain_one) > 1 else None
    missing = group_two[-1] if group_two else None
    late_one = group_two[0] if len(group_two) > 1 else None
    for person in demo.people:
        rng = person.rng
        start = person.assignment.start_date or demo.start
        periods = [
            period
            for period in periods_between(
                frequency=rules.report_frequency,
                due_days=rules.report_due_days,
                start=start,
                end=demo.term_end,
            )
            if period.end < demo.today
        ]
        overdue = [period for period in periods if period.due_on < demo.today]
        for index, period in enumerate(periods):
            last = index == len(periods) - 1
            if person is missing and overdue and period is overdue[-1]:
                continue  # never written: late, and reminded
            drafted = period.end + dt.timedelta(days=1)
            submitted = period.end + dt.timedelta(days=rng.randint(1, rules.report_due_days))
            if person is late_one and index == 3:
                submitted = period.due_on + dt.timedelta(days=3)
            if last and person in (duty, returned_now):
                submitted = min(submitted, demo.today)
            reviewed = submitted + dt.timedelta(days=rng.randint(1, 4))
            entries = [e for e in person.entries if period.start <= e.date <= period.end]
            text = demo_text.narrative(
                rng,
                period=f"{period.start.year}年{period.start.month}月",
                portfolio=person.assignment.post.portfolio,
                titles=[e.title for e in entries] or ["做好日常工作"],
                done=[e.title for e in entries if e.accomplishment],
            )
            with demo.clock.at(drafted, 20, rng.randint(0, 50)):
                report = report_draft(
                    actor=person.user,
                    assignment=person.assignment,
                    period_start=period.start,
                    today=drafted,
                )
            if submitted > demo.today:
                continue
            with demo.clock.at(submitted, 21, rng.randint(0, 50)):
                report = report_submit(
                    actor=person.user, report=report, narrative=text, today=submitted
                )
            reviewer = person.reviewer or demo.coordinator
            if last and person is duty:
                continue  # waits for the group leader
            if last and person is returned_now:
                with demo.clock.at(min(reviewed, demo.today), 10, 15):
                    report_return(actor=reviewer, report=report, comment=RETURN_COMMENT)
                continue
            if person is returned_before and index == 2 and reviewed < demo.today:
                with demo.clock.at(reviewed, 10, 15):
                    report = report_return(actor=reviewer, report=report, comment=RETURN_COMMENT)
                reviewed += dt.timedelta(days=1)
                if reviewed >= demo.today:
                    continue
                with demo.clock.at(reviewed, 21, 0):
                    report = report_submit(
                        actor=person.user,
                        report=report,
                        narrative=text
                        + "\n补充：下月完成联系村产业发展规划初稿，月底前提交党委会研究。",
                        today=reviewed,
                    )
                reviewed += dt.timedelta(days=2)
            if reviewed >= demo.today:
                continue
            with demo.clock.at(reviewed, 11, rng.randint(0, 50)):
                report_accept(
                    actor=reviewer,
                    report=report,
                    comment=rng.choice(("同意。", "内容翔实，继续保持。", "")),
                )


# Attendance returns ---------------------------------------------------------------------------


def _attendance(demo: _Demo) -> None:
    """Each host unit sends each ended month's return by the due day; one was late, and one
    unit has not sent the latest one past its due day."""
    from guazhi.duty.selectors.attendance import attendance_return_due

    units = _host_units(demo)
    leaders = {p.assignment.host_unit_id: p.host_leader for p in demo.people}
    month = demo.start.replace(day=1)
    months = []
    while True:
        following = _month_add(month, 1)
        if following > demo.today:
            break
        months.append(month)
        month = following
    due_past = [m for m in months if attendance_return_due(demo.batch, m) < demo.today]
    missing = (due_past[-1], units[len(units) // 2].pk) if due_past and units else None
    late = (
        (due_past[len(due_past) // 2], units[1].pk)
        if len(due_past) > 2 and len(units) > 1
        else None
    )
    rng = random.Random(f"{demo.seed}:attendance")
    for month in months:
        due = attendance_return_due(demo.batch, month)
        for unit in units:
            if (month, unit.pk) == missing:
                continue
            first_day = _month_add(month, 1)
            sent = demo.previous_workday(due, rng.randint(0, 2))
            sent = max(sent, first_day)
            if (month, unit.pk) == late:
                sent = demo.next_workday(due, 2)
            if sent >= demo.today:
                continue
            with demo.clock.at(sent, 16, rng.randint(0, 59)):
                attendance_return_submit(
                    actor=leaders[unit.pk],
                    batch=demo.batch,
                    host_unit=unit,
                    month=month,
                    note="" if (month, unit.pk) != late else "因迎接上级检查，报送有所延迟。",
                    today=sent,
                )


# The inspection -------------------------------------------------------------------------------


def _plan_inspection(demo: _Demo) -> dict[str, Any]:
    """The day and the draw (made again by the service with the same seed), and what each
    person drawn will be found doing."""
    day = demo.previous_workday(demo.today, 25)
    if day < demo.start + dt.timedelta(days=20):
        return {}
    seed = random.Random(f"{demo.seed}:inspection").randrange(10**12)
    population = list(on_duty_population(batch=demo.batch, on=day))
    drawn = sampling.draw(
        population,
        mode=SamplingMode.RANDOM,
        n=INSPECTION_SAMPLE,
        seed=seed,
        spread_by=lambda person: person.host_unit_id,
        key=lambda person: person.pk,
    )
    by_pk = {person.assignment.pk: person for person in demo.people}
    people = [by_pk[assignment.pk] for assignment in drawn]
    plain = [p for p in people if p.user.username not in (CADRE_ON_DUTY, GROUP_LEADER)]
    roles: dict[str, Any] = {"day": day, "seed": seed, "people": people}
    for person in people:
        person.busy.add(day)
    if len(plain) >= 3:
        roles["on_leave"], roles["absent"], roles["other"] = plain[0], plain[1], plain[2]
        roles["absent"].away.add(day)
    return roles


def _inspection(demo: _Demo, roles: dict[str, Any]) -> Inspection | None:
    if not roles:
        return None
    day: dt.date = roles["day"]
    with demo.clock.at(demo.previous_workday(day), 16, 0):
        inspection = inspection_plan(
            actor=demo.coordinator,
            batch=demo.batch,
            planned_on=day,
            sampling_mode=SamplingMode.RANDOM,
            sample_size=INSPECTION_SAMPLE,
            spread_across_hosts=True,
            seed=roles["seed"],
            inspectors=INSPECTORS,
            note="按照挂职干部管理办法，不打招呼、直奔现场，抽查在岗履职情况。",
            today=demo.previous_workday(day),
        )
    closed_on = day + dt.timedelta(days=9)
    open_due = min(
        max(day + dt.timedelta(days=30), demo.today + dt.timedelta(days=10)), demo.term_end
    )
    findings = {
        "absent": (
            CheckResult.ABSENT,
            "检查时本人不在岗，未履行请假手续，经电话联系在市区家中处理私事。",
            "作出书面说明，在小组会上作检讨，严格执行请销假制度。",
            day + dt.timedelta(days=7),
        ),
        "other": (
            CheckResult.OTHER,
            "检查时在县城参加培训，但未向接收单位报备，接收单位掌握情况不及时。",
            "补办外出报告手续，今后外出参加活动须事先向接收单位报备。",
            open_due,
        ),
    }
    checks = {c.assignment_id: c for c in inspection.checks.select_related("assignment__cadre")}
    for minute, person in enumerate(roles["people"]):
        check = checks[person.assignment.pk]
        result, found, rectification, due = CheckResult.PRESENT, "", "", None
        if person is roles.get("on_leave") and roles.get("leave") is not None:
            result = CheckResult.ON_LEAVE
        for role, values in findings.items():
            if person is roles.get(role):
                result, found, rectification, due = values
        with demo.clock.at(day, 10 + minute, 15):
            check_record(
                actor=demo.coordinator,
                check=check,
                result=result,
                findings=found,
                rectification=rectification,
                rectification_due=due,
                today=day,
            )
    with demo.clock.at(day, 17, 30):
        inspection = inspection_complete(actor=demo.coordinator, inspection=inspection)
    absent = checks.get(roles["absent"].assignment.pk) if "absent" in roles else None
    if absent is not None and closed_on < demo.today:
        with demo.clock.at(closed_on, 15, 0):
            check_rectified(
                actor=demo.coordinator,
                check=absent,
                note="本人已作出书面说明并在小组会上作检讨，此后未再发生类似情况。",
                today=closed_on,
            )
    return inspection


# Inboxes ----------------------------------------------------------------------------------------


def _waiting_keys() -> set[str]:
    """The keys of the notifications about things that still wait for their reader."""
    keys = {
        f"leave:{pk}:step:{step}"
        for pk, step in LeaveRequest.objects.filter(state=LeaveState.PENDING).values_list(
            "pk", "step"
        )
    }
    keys |= {
        f"leave:{pk}:overdue"
        for pk in LeaveRequest.objects.filter(state=LeaveState.OVERDUE).values_list("pk", flat=True)
    }
    for report in PeriodicReport.objects.filter(
        state__in=(ReportState.SUBMITTED, ReportState.RETURNED)
    ).prefetch_related("reviews"):
        action = (
            ReviewAction.SUBMIT if report.state == ReportState.SUBMITTED else ReviewAction.RETURN
        )
        latest = max((r.pk for r in report.reviews.all() if r.action == action), default=None)
        if latest is not None:
            keys.add(f"report:{report.pk}:{action}:{latest}")
    return keys


def _settle_inboxes(made_after: int) -> None:
    """After commit, after the services' own notifications: mark read, as each reader, those
    about things long settled (leave decided and back, reports reviewed), so inboxes show what
    waits now. What the reminder run made (up to `made_after`) is left as it is."""
    waiting = _waiting_keys()
    unread = Notification.objects.filter(read_at__isnull=True).select_related("recipient")
    by_reader: dict[int, list[Notification]] = {}
    for notification in unread.order_by("pk"):
        by_reader.setdefault(notification.recipient_id, []).append(notification)
    for notifications in by_reader.values():
        reader = notifications[0].recipient
        keep = [n for n in notifications if n.pk <= made_after or n.key in waiting]
        if not keep:
            notifications_mark_all_read(actor=reader)
            continue
        for notification in notifications:
            if notification not in keep:
                notification_mark_read(actor=reader, pk=notification.pk)


# The load ---------------------------------------------------------------------------------------


@transaction.atomic
def duty_demo_load(
    programmes: ProgrammeDemoResult, *, seed: int = DEMO_SEED, today: dt.date
) -> DutyDemoResult:
    """The term of the demo batch on duty, up to `today` (see the module docstring)."""
    demo = _Demo(programmes, seed=seed, today=today)
    _accounts(demo)
    _cast(demo)
    _rules(demo)
    inspection_roles = _plan_inspection(demo) if demo.last > demo.start else {}
    if demo.last > demo.start:
        _plan_leave(demo, inspection_roles)
    # Plans first (who is away when), then the log around them, then everything else.
    people = demo.people
    gaps = [p for p in people if p.user.username not in (CADRE_ON_DUTY, GROUP_LEADER)][-2:]
    gap_month = _month_add(today.replace(day=1), -1)
    duty = _person(demo, CADRE_ON_DUTY)
    for person in people:
        planned = _plan_log(demo, person, gap_month if person in gaps else None)
        photographed = [p for p in planned if p.text.accomplishment or p.text.category == "活动"]
        if person is duty:
            for item in photographed[-3:-1]:
                item.photos = 2
        elif person is people[0] and photographed:
            photographed[-1].photos = 1
        _write_log(demo, person, planned)
    refresh_planner_statistics()  # the log just written is most of the demo's rows
    _tasks(demo)
    types = {t.kind: t for t in LeaveType.objects.filter(batch=demo.batch)}
    for plan in sorted(demo.leaves, key=lambda p: (p.asked_on, p.person.name)):
        _run_leave(demo, plan, types)
    _away(demo)
    _talks(demo)
    _reports(demo)
    _attendance(demo)
    _inspection(demo, inspection_roles)
    # The day's reminder run, as the task worker would make it this morning.
    demo.result.reminded = remind(today=today).total
    made = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    transaction.on_commit(functools.partial(_settle_inboxes, made))
    refresh_planner_statistics()
    duty.assignment.refresh_from_db()
    demo.result.account_notes[CADRE_ON_DUTY] = (
        f"{duty.assignment.host_unit.name}{duty.assignment.post.title}（在岗）"
    )
    return demo.result


def duty_demo_summary(result: DutyDemoResult) -> list[str]:
    """The demo's figures on duty, as `guazhi demo_data` prints them."""
    batch = result.batch
    leave = LeaveRequest.objects.filter(assignment__batch=batch)
    states = dict(LeaveState.choices)
    counted = {state: leave.filter(state=state).count() for state in LeaveState.values}
    reports = PeriodicReport.objects.filter(assignment__batch=batch)
    return [
        f"工作纪实 {WorkLogEntry.objects.filter(assignment__batch=batch).count()} 条，"
        f"任务清单 {DutyTask.objects.filter(assignment__batch=batch).count()} 项，"
        f"定期汇报 {reports.count()} 份（待审阅 {reports.filter(state=ReportState.SUBMITTED).count()}）",
        f"请假 {leave.count()} 条："
        + "，".join(f"{states[state]} {count}" for state, count in counted.items() if count),
        f"不定期检查 {Inspection.objects.filter(batch=batch).count()} 次，"
        f"今日提醒 {result.reminded} 条",
    ]

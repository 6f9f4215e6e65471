"""Demo evaluation (考核评价) and commendations of the demo batch on duty, written through the
evaluation services.

`evaluation_demo_load(duty, seed=, today=)` runs after guazhi.summaries.demo, on the batch
2026年江州市第十批挂职干部 whose term the duty demo has filled:

- the routine round (平时考核) of the last quarter that ended long enough before `today` for the
  whole cycle to be over: created and opened by `coordinator` a few working days after the
  quarter, self-assessments handed in by most people, rated by everyone who rates in it (the
  host units' leaders, the dispatching units' admins, the group leaders and their deputies:
  whoever `rating_inbox` gives them), democratic ballots through one-time codes for every person
  (5 to 7 each, one giving every item 90: a flag for the coordinator; the codes left over
  voided when rating ends), closed on the day after the
  deadline (results computed), decided by the committee, published with the publicity of the
  three people given 好; a colleague's objection during the publicity, settled by `coordinator`;
  four people have signed their acknowledgement (本人意见), `cadre.duty` not yet.
- the annual round (年度考核) of this year, opened about eight working days ago: the dispatching
  units' admins and about half the host leaders have rated their people, `host.bailu` only
  陈瑶 (缪悦, `cadre.duty`, is still to rate in his 考核评分), a few democratic ballots came in
  through codes (eight issued a person, most still unused: the printable sheet lists them),
  `cadre.duty` and a few others have handed in their self-assessment.
- after the routine round, a commendation decision of the coordinating unit listing two
  approved nominations: 嘉奖 for 陈瑶 nominated by `host.bailu`, and the honorary title 优秀挂职干部
  for the routine round's first-ranked person nominated by `coordinator` from that result.

As in the duty and summaries demos every step runs as the person who would act, on the day it
happened, under the clock of guazhi.duty.demo (see its docstring). Scores come from generators
seeded with `seed` and each person's name, dates from `today` and the work calendar, so the
same `today` gives the same demo; only what the services draw at random on purpose differs from
load to load (the code strings, the democratic ballots' keys). The services notify after
commit; `_settle_inboxes` then marks read the notices about steps long past.
"""

import datetime as dt
import functools
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from guazhi.core.calendar import add_working_days, is_workday
from guazhi.core.models import Notification
from guazhi.core.notifications import notification_mark_read
from guazhi.core.statistics import refresh_planner_statistics
from guazhi.duty.demo import DISPATCH_ADMINS, DutyDemoResult, _Clock
from guazhi.duty.models import WorkLogEntry
from guazhi.evaluation.models import (
    BallotCode,
    CommendationDecision,
    CommendationKind,
    EvaluationRound,
    Evaluee,
    Nomination,
    NominationState,
    Objection,
    RaterRole,
    Rating,
    RoundKind,
    RoundState,
)
from guazhi.evaluation.selectors.ratings import EVALUEE_RELATIONS
from guazhi.evaluation.selectors.rounds import self_assessment_prefill
from guazhi.evaluation.selectors.scope import rater_role_for
from guazhi.evaluation.services.codes import ballot_submit_code, code_issue, code_void_unused
from guazhi.evaluation.services.commendations import (
    DEFAULT_HONORARY_TITLE,
    decision_create,
    nomination_approve,
    nomination_create,
)
from guazhi.evaluation.services.decisions import results_decide
from guazhi.evaluation.services.grading import is_top_grade
from guazhi.evaluation.services.publicity import (
    objection_raise,
    objection_resolve,
    result_acknowledge,
    results_publish,
)
from guazhi.evaluation.services.ratings import rating_submit, round_criteria
from guazhi.evaluation.services.rounds import (
    default_period,
    round_close,
    round_create,
    round_open,
    round_raters,
    self_assessment_save,
)
from guazhi.orgs.demo import DEMO_SEED
from guazhi.orgs.models import User
from guazhi.programmes.models import Assignment, AssignmentState, Batch

COORDINATOR = "coordinator"
GROUP_LEADER = "groupleader"
CADRE_ON_DUTY = "cadre.duty"
HOST_LEADER = "host.bailu"
# The routine round: codes issued a person (5 to 7 used), people given 好 (the quota of 20% of
# the 16 people allows 3), people who have signed their acknowledgement.
ROUTINE_CODES = 7
ROUTINE_TOP = 3
SIGNED = 4
# The annual round: opened this many working days ago, codes issued a person (up to 4 used).
UNIFORM_SCORE = 90
ANNUAL_OPENED_AGO = 8
ANNUAL_CODES = 8
ANNUAL_SELF_SUBMITTED = 4  # besides cadre.duty
COMMITTEE = "第十批挂职干部考核工作领导小组"
COMMITTEE_MEMBERS = "孙立新（市委组织部）、何立军（湓浦街道）、罗志强（莲花镇）、郑国栋（市发改委）"
ISSUER = "中共江州市委组织部"
RATER_COMMENTS = (
    "工作积极主动，能较好完成挂职单位交办的各项任务。",
    "深入基层，作风扎实，群众评价较好。",
    "业务能力较强，建议在统筹协调方面进一步加强。",
    "遵守纪律，考勤情况良好，工作有思路、有成效。",
    "",
    "",
)
OBJECTION = "反映该同志本季度有两周较少在村（社区）走访，建议核实其在岗情况后再确定等次。"
RESOLUTION = (
    "经调阅工作纪实、考勤记录并向接收单位核实，该同志所述期间在镇里参加项目专班集中办公，"
    "均按规定在岗，反映情况不属实。维持“好”等次，已向提出人当面反馈。"
)


@dataclass
class EvaluationDemoResult:
    batch: Batch
    routine: EvaluationRound | None = None
    annual: EvaluationRound | None = None
    decision: CommendationDecision | None = None
    # The annual round's codes still to hand out (on its printable sheet).
    unused_codes: int = 0


class _Demo:
    """The state of one load: who acts, the people, the clock."""

    def __init__(self, duty: DutyDemoResult, *, seed: int, today: dt.date) -> None:
        self.batch = Batch.objects.select_related("coordinating_org").get(pk=duty.batch.pk)
        self.seed = seed
        self.today = today
        self.clock = _Clock(today)
        self.result = EvaluationDemoResult(batch=self.batch)
        self.users = {
            user.username: user
            for user in User.objects.filter(
                username__in=[COORDINATOR, GROUP_LEADER, CADRE_ON_DUTY, HOST_LEADER]
            )
        }
        self.coordinator = self.users[COORDINATOR]
        self.people = list(
            Assignment.objects.filter(batch=self.batch, state=AssignmentState.ACTIVE)
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
        )
        # Each person's standing over the term (the mean of their scores); three stand out.
        rng = self.rng("merits")
        self.merit = {person.pk: rng.uniform(78, 86) for person in self.people}
        star = self.person(CADRE_ON_DUTY)
        others = [p for p in self.people if p is not star and _username(p) != GROUP_LEADER]
        top = [star] if star is not None else []
        top += rng.sample(others, min(len(others), ROUTINE_TOP - len(top)))
        for number, person in enumerate(top):
            self.merit[person.pk] = 95.0 - number
        self.top = top

    def rng(self, *key: object) -> random.Random:
        return random.Random(":".join(str(part) for part in (self.seed, "evaluation", *key)))

    def person(self, username: str) -> Assignment | None:
        return next((p for p in self.people if _username(p) == username), None)

    def day(self, start: dt.date, working_days: int) -> dt.date:
        """The working day `working_days` after `start` (`start` itself when 0 and a workday)."""
        if working_days == 0 and is_workday(start):
            return start
        return add_working_days(start, max(working_days, 1) if working_days >= 0 else working_days)


def _username(assignment: Assignment) -> str:
    user = assignment.cadre.user
    return user.username if user is not None else ""


def _evaluees(round: EvaluationRound) -> list[Evaluee]:
    """The round's people, loaded as access_evaluee loads them (what the services read)."""
    return list(
        Evaluee.objects.filter(round=round)
        .select_related(*EVALUEE_RELATIONS)
        .order_by("assignment__cadre__name_pinyin", "pk")
    )


def _scores(
    round: EvaluationRound, rng: random.Random, merit: float, *, spread: int = 4
) -> dict[int, int]:
    """Scores of every criterion around `merit`."""
    return {
        criterion.pk: max(0, min(100, round_half(merit + rng.uniform(-spread, spread))))
        for criterion in round_criteria(round)
    }


def round_half(value: float) -> int:
    return int(value + 0.5)


def _done(assignment: Assignment, start: dt.date, end: dt.date, count: int = 3) -> list[str]:
    """What the person's log marks as done in [start, end], latest first."""
    return [
        title.rstrip("。；，")
        for title in WorkLogEntry.objects.filter(
            assignment=assignment, accomplishment=True, date__range=(start, end)
        )
        .order_by("-date", "-id")
        .values_list("title", flat=True)[:count]
    ]


def _self_text(assignment: Assignment, start: dt.date, end: dt.date) -> str:
    done = _done(assignment, start, end) or ["按时完成挂职单位交办的各项工作"]
    return "\n".join(
        (
            "一、思想政治方面",
            "认真学习党的创新理论，自觉服从挂职单位管理，严格遵守各项纪律规定。",
            "二、工作完成情况",
            f"在{assignment.host_unit.name}挂职期间，主要做了以下工作：" + "；".join(done) + "。",
            "三、存在的不足和下步打算",
            "对基层情况的了解还不够全面深入，下一步将多走访、多调研，把所学所长用到实处。",
        )
    )


# The routine round ---------------------------------------------------------------------------


@dataclass
class _Timeline:
    """When each step of the routine round happened."""

    period: tuple[dt.date, dt.date]
    created: dt.date
    deadline: dt.date
    closed: dt.date
    decided: dt.date
    published: dt.date
    publicity_end: dt.date
    objected: dt.date
    resolved: dt.date
    nominated: dt.date
    approved: dt.date
    issued: dt.date


def _timeline(demo: _Demo, period: tuple[dt.date, dt.date]) -> _Timeline:
    created = demo.day(period[1], 3)
    deadline = add_working_days(created, 10)  # round_create's default, from the day it was made
    closed = demo.day(deadline, 1)
    decided = demo.day(closed, 2)
    published = demo.day(decided, 1)
    publicity_end = add_working_days(published - dt.timedelta(days=1), 5)
    nominated = demo.day(publicity_end, 2)
    approved = demo.day(nominated, 2)
    return _Timeline(
        period=period,
        created=created,
        deadline=deadline,
        closed=closed,
        decided=decided,
        published=published,
        publicity_end=publicity_end,
        objected=demo.day(published, 1),
        resolved=demo.day(published, 3),
        nominated=nominated,
        approved=approved,
        issued=demo.day(approved, 3),
    )


def _routine_timeline(demo: _Demo) -> _Timeline | None:
    """The last quarter, at least a month of it in the term, whose cycle is over by yesterday."""
    batch = demo.batch
    first_month = (demo.today.month - 1) // 3 * 3 + 1
    quarter_start = dt.date(demo.today.year, first_month, 1)
    for _ in range(4):
        quarter_end = quarter_start - dt.timedelta(days=1)
        quarter_start = dt.date(quarter_end.year, (quarter_end.month - 1) // 3 * 3 + 1, 1)
        if quarter_end > batch.term_end or quarter_end < batch.term_start + dt.timedelta(days=30):
            continue
        period = default_period(batch=batch, kind=RoundKind.ROUTINE, today=quarter_start)
        plan = _timeline(demo, period)
        if plan.issued < demo.today:
            return plan
    return None


def _routine(demo: _Demo) -> tuple[EvaluationRound, _Timeline] | None:
    plan = _routine_timeline(demo)
    if plan is None:
        return None
    clock, coordinator = demo.clock, demo.coordinator
    with clock.at(plan.created, 9, 30):
        round = round_create(
            actor=coordinator,
            batch=demo.batch,
            kind=RoundKind.ROUTINE,
            period_start=plan.period[0],
            period_end=plan.period[1],
            today=plan.created,
        )
        codes = code_issue(actor=coordinator, round=round, count=ROUTINE_CODES)
    with clock.at(plan.created, 10, 0):
        round = round_open(actor=coordinator, round=round, today=plan.created)
    people = _evaluees(round)
    # Self-assessments within the first days; two people never hand one in.
    rng = demo.rng("routine", "self")
    for evaluee in people[:-2]:
        day = demo.day(plan.created, rng.randint(1, 5))
        with clock.at(day, 20, rng.randint(0, 59)):
            self_assessment_save(
                actor=evaluee.assignment.cadre.user,
                evaluee=evaluee,
                text=_self_text(evaluee.assignment, *plan.period),
                submit=True,
            )
    _rate_all(demo, round, plan.created, plan.deadline, key="routine")
    _ballots(
        demo, round, people, codes, plan.created, plan.deadline, key="routine", low=5, uniform=True
    )
    with clock.at(plan.closed, 9, 0):
        code_void_unused(actor=coordinator, round=round)
        round = round_close(actor=coordinator, round=round, today=plan.closed)
    with clock.at(plan.decided, 16, 0):
        round = results_decide(
            actor=coordinator,
            round=round,
            decided_on=plan.decided,
            body=COMMITTEE,
            members=COMMITTEE_MEMBERS,
            minutes=(
                f"会议审议了{round.name}的综合评分和建议等次，同意按建议等次确定考核结果，"
                "“好”等次人员按规定公示5个工作日。"
            ),
            today=plan.decided,
        )
    with clock.at(plan.published, 10, 0):
        round = results_publish(actor=coordinator, round=round, today=plan.published)
    _publicity(demo, round, plan)
    return round, plan


def _rate_all(
    demo: _Demo,
    round: EvaluationRound,
    opened: dt.date,
    until: dt.date,
    *,
    key: str,
    share: float = 1.0,
) -> None:
    """Every rater of the round rates the people their inbox gives them, each on a day of their
    own; with `share` < 1 only about that share of the raters has done so besides the
    dispatching units' admins (host.bailu one person, never cadre.duty)."""
    rng = demo.rng(key, "raters")
    raters = sorted((user for user, _count in round_raters(round).values()), key=_by_username)
    people = _evaluees(round)
    span = max(1, len([d for d in range(1, 15) if demo.day(opened, d) < until]))
    for rater in raters:
        partial = share < 1 and rater.username == HOST_LEADER
        # The dispatching units answer first: their admins have all rated.
        drawn = rng.random()
        if share < 1 and not partial and rater.username not in DISPATCH_ADMINS and drawn >= share:
            continue
        day = min(demo.day(opened, rng.randint(1, span)), demo.today)
        # Whom the rater's 考核评分 lists (rating_inbox asks the same question of each row).
        mine = [e for e in people if rater_role_for(actor=rater, assignment=e.assignment)]
        if partial:
            mine = [e for e in mine if _username(e.assignment) != CADRE_ON_DUTY][:1]
        for number, evaluee in enumerate(mine):
            person = evaluee.assignment
            scores = _scores(
                round, demo.rng(key, rater.username, person.cadre.name), demo.merit[person.pk]
            )
            with demo.clock.at(day, 15, min(59, 5 * number)):
                rating_submit(
                    actor=rater,
                    evaluee=evaluee,
                    scores=scores,
                    comment=rng.choice(RATER_COMMENTS),
                    today=day,
                )


def _by_username(user: User) -> str:
    return str(user.username)


def _ballots(
    demo: _Demo,
    round: EvaluationRound,
    people: list[Evaluee],
    codes: list[BallotCode],
    opened: dt.date,
    until: dt.date,
    *,
    key: str,
    low: int,
    uniform: bool = False,
) -> None:
    """Host colleagues use `low` to all of each person's codes (up to four when `low` is below
    the democratic minimum), on days between `opened` and `until`; with `uniform`, the first
    person's first ballot gives every item the same score."""
    by_person: dict[int, list[str]] = defaultdict(list)
    for issued in codes:
        by_person[issued.evaluee_id].append(issued.code)
    for index, evaluee in enumerate(people):
        rng = demo.rng(key, "ballots", evaluee.assignment.cadre.name)
        mine = sorted(by_person[evaluee.pk])
        used = rng.randint(low, len(mine)) if low >= 5 else rng.randint(low, min(4, len(mine)))
        merit = demo.merit[evaluee.assignment.pk]
        for number, code in enumerate(mine[:used]):
            day = min(demo.day(opened, rng.randint(1, 9)), until, demo.today)
            scores = _scores(round, rng, merit, spread=6)
            if uniform and index == number == 0:
                # A ballot giving every item the same score: the coordinator sees it flagged.
                scores = dict.fromkeys(scores, UNIFORM_SCORE)
            with demo.clock.at(day, 12, rng.randint(0, 59)):
                ballot_submit_code(code=code, scores=scores, today=day)


def _publicity(demo: _Demo, round: EvaluationRound, plan: _Timeline) -> None:
    """A colleague's objection settled; four people sign their opinion (cadre.duty not yet)."""
    people = _evaluees(round)
    publicised = sorted(
        (e for e in people if is_top_grade(e.grade)), key=lambda e: (e.rank or 0, e.pk)
    )
    duty = next((e for e in people if _username(e.assignment) == CADRE_ON_DUTY), None)
    about = next((e for e in publicised if e is not duty), None)
    if about is not None:
        colleague = next(
            e
            for e in people
            if e not in publicised and e.assignment.group_id == about.assignment.group_id
        )
        with demo.clock.at(plan.objected, 19, 40):
            objection = objection_raise(
                actor=colleague.assignment.cadre.user,
                evaluee=about,
                content=OBJECTION,
                today=plan.objected,
            )
        with demo.clock.at(plan.resolved, 11, 0):
            objection_resolve(actor=demo.coordinator, objection=objection, resolution=RESOLUTION)
    rng = demo.rng("routine", "sign")
    signers = [e for e in people if e is not duty]
    for number, evaluee in enumerate(rng.sample(signers, min(SIGNED, len(signers)))):
        day = demo.day(plan.published, number)
        with demo.clock.at(day, 17, rng.randint(0, 59)):
            result_acknowledge(
                actor=evaluee.assignment.cadre.user,
                evaluee=evaluee,
                agrees=True,
                text="同意。" if number % 2 else "",
            )


# The annual round --------------------------------------------------------------------------


def _annual(demo: _Demo) -> EvaluationRound | None:
    batch, today = demo.batch, demo.today
    if not batch.term_start + dt.timedelta(days=60) <= today <= batch.term_end:
        return None
    opened = demo.day(today, -ANNUAL_OPENED_AGO)
    clock, coordinator = demo.clock, demo.coordinator
    with clock.at(opened, 9, 0):
        round = round_create(actor=coordinator, batch=batch, kind=RoundKind.ANNUAL, today=opened)
    with clock.at(opened, 9, 30):
        round = round_open(actor=coordinator, round=round, today=opened)
        codes = code_issue(actor=coordinator, round=round, count=ANNUAL_CODES)
    people = _evaluees(round)
    yesterday = demo.day(today, -1)
    # cadre.duty's self-assessment starts from her summary, as the form offers it.
    rng = demo.rng("annual", "self")
    writers = [e for e in people if _username(e.assignment) == CADRE_ON_DUTY]
    others = [e for e in people if e not in writers]
    writers += rng.sample(others, min(len(others), ANNUAL_SELF_SUBMITTED))
    for evaluee in writers:
        start = max(round.period_start, evaluee.assignment.start_date or round.period_start)
        if _username(evaluee.assignment) == CADRE_ON_DUTY:
            text = self_assessment_prefill(evaluee) or _self_text(evaluee.assignment, start, today)
        else:
            text = _self_text(evaluee.assignment, start, today)
        day = demo.day(opened, rng.randint(1, 4))
        with clock.at(min(day, yesterday), 21, rng.randint(0, 59)):
            self_assessment_save(
                actor=evaluee.assignment.cadre.user, evaluee=evaluee, text=text, submit=True
            )
    _rate_all(demo, round, opened, yesterday, key="annual", share=0.5)
    _ballots(demo, round, people, codes, opened, yesterday, key="annual", low=1)
    return round


# Commendations -----------------------------------------------------------------------------


def _citation(person: Assignment, start: dt.date, end: dt.date, lead: str) -> str:
    done = _done(person, start, end, count=2) or ["圆满完成挂职单位交办的各项任务"]
    return (
        f"{person.cadre.name}同志挂任{person.host_unit.name}{person.post.title}以来，{lead}"
        f"{'；'.join(done)}，得到干部群众一致好评。"
    )


def _commendations(demo: _Demo, round: EvaluationRound, plan: _Timeline) -> None:
    leader = demo.person(GROUP_LEADER)
    host = demo.users.get(HOST_LEADER)
    people = _evaluees(round)
    best = min((e for e in people if is_top_grade(e.grade)), key=lambda e: (e.rank or 0, e.pk))
    start, end = demo.batch.term_start, plan.issued
    nominations: list[Nomination] = []
    if leader is not None and host is not None:
        with demo.clock.at(plan.nominated, 10, 0):
            nominations.append(
                nomination_create(
                    actor=host,
                    assignment=leader,
                    kind=CommendationKind.COMMENDATION,
                    citation=_citation(leader, start, end, "带领挂职小组深入基层，"),
                )
            )
    with demo.clock.at(plan.nominated, 15, 0):
        nominations.append(
            nomination_create(
                actor=demo.coordinator,
                assignment=best.assignment,
                kind=CommendationKind.HONORARY_TITLE,
                honorary_title=DEFAULT_HONORARY_TITLE,
                citation=_citation(best.assignment, start, end, f"在{round.name}中获评“好”等次，"),
                evaluee=best,
            )
        )
    with demo.clock.at(plan.approved, 10, 0):
        approved = [
            nomination_approve(actor=demo.coordinator, nomination=nomination, comment="同意。")
            for nomination in nominations
        ]
    names = "、".join(n.assignment.cadre.name for n in approved)
    year = plan.issued.year
    with demo.clock.at(plan.issued, 16, 0):
        demo.result.decision = decision_create(
            actor=demo.coordinator,
            batch=demo.batch,
            title=f"关于表彰{names}同志的决定",
            number=f"江组字〔{year}〕{40 + plan.issued.month}号",
            issued_on=plan.issued,
            issuer=ISSUER,
            preamble=(
                f"{demo.batch.name}选派以来，广大挂职干部扎根基层、真抓实干。为树立鲜明导向，"
                f"经研究，决定对{names}同志予以表彰。希望受表彰的同志珍惜荣誉、再接再厉。"
            ),
            nominations=[n.pk for n in approved],
        )


# Inboxes ------------------------------------------------------------------------------------

AREAS = ("round.", "evaluation.", "commendation.")


def _settle_inboxes(routine_pk: int | None, annual_pk: int | None) -> None:
    """After commit, after the services' notices: mark read, as each reader, those about steps
    long past (the routine round's opening, the objection settled, a result signed, the
    nominations decided), and the annual round's opening for whoever has done their part."""
    area = Q()
    for prefix in AREAS:
        area |= Q(kind__startswith=prefix)
    unread = Notification.objects.filter(area, read_at__isnull=True).select_related("recipient")
    waiting_self: set[int] = set()
    waiting_raters: set[int] = set()
    if annual_pk is not None:
        annual = EvaluationRound.objects.get(pk=annual_pk)
        waiting_self = set(
            Evaluee.objects.filter(round=annual, self_submitted_at__isnull=True).values_list(
                "assignment__cadre__user_id", flat=True
            )
        )
        people = _evaluees(annual)
        rated = set(
            Rating.objects.filter(evaluee__round=annual, rater__isnull=False).values_list(
                "rater_id", "evaluee_id"
            )
        )
        for user, _count in round_raters(annual).values():
            if any(
                (user.pk, e.pk) not in rated and rater_role_for(actor=user, assignment=e.assignment)
                for e in people
            ):
                waiting_raters.add(user.pk)
    unsigned = set(
        Evaluee.objects.filter(round_id=routine_pk, acknowledged_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for notification in unread.order_by("pk"):
        key = notification.key
        if annual_pk is not None and key.startswith(f"round:{annual_pk}:"):
            waits = waiting_self if key.endswith(":self") else waiting_raters
            if notification.recipient_id in waits:
                continue
        elif key.startswith("evaluation.result:") and int(key.split(":")[1]) in unsigned:
            continue  # the result is out, the person's opinion still to sign
        elif notification.kind == "commendation.approve":
            continue  # the person's news
        notification_mark_read(actor=notification.recipient, pk=notification.pk)


# The load -------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_demo_load(
    duty: DutyDemoResult, *, seed: int = DEMO_SEED, today: dt.date
) -> EvaluationDemoResult:
    """The demo batch's evaluation rounds and commendations up to `today` (see the module
    docstring)."""
    demo = _Demo(duty, seed=seed, today=today)
    routine = _routine(demo)
    refresh_planner_statistics()  # a whole round rated, read back by the next steps
    if routine is not None:
        demo.result.routine = routine[0]
        _commendations(demo, *routine)
    demo.result.annual = _annual(demo)
    if demo.result.annual is not None:
        demo.result.unused_codes = BallotCode.objects.filter(
            round=demo.result.annual, used=False, voided=False
        ).count()
    transaction.on_commit(
        functools.partial(
            _settle_inboxes,
            demo.result.routine.pk if demo.result.routine else None,
            demo.result.annual.pk if demo.result.annual else None,
        )
    )
    refresh_planner_statistics()
    return demo.result


def evaluation_demo_summary(result: EvaluationDemoResult) -> list[str]:
    """The demo's figures on evaluation and commendations, as `guazhi demo_data` prints them."""
    lines = []
    for round in (result.routine, result.annual):
        if round is None:
            continue
        round.refresh_from_db()
        people = Evaluee.objects.filter(round=round)
        ratings = Rating.objects.filter(evaluee__round=round)
        named = ratings.exclude(rater_role=RaterRole.DEMOCRATIC).count()
        ballots = ratings.filter(rater_role=RaterRole.DEMOCRATIC).count()
        line = (
            f"{round.name}（{round.get_state_display()}）：{people.count()} 人，"
            f"评分 {named} 份，民主测评票 {ballots} 张"
        )
        if round.state == RoundState.PUBLISHED:
            top = sum(1 for grade in people.values_list("grade", flat=True) if is_top_grade(grade))
            line += (
                f"，“好”等次 {top} 人，公示异议 "
                f"{Objection.objects.filter(round=round).count()} 件，本人已签署 "
                f"{people.filter(acknowledged_at__isnull=False).count()} 人"
            )
        else:
            unused = BallotCode.objects.filter(round=round, used=False, voided=False).count()
            line += (
                f"，未使用测评码 {unused} 个，个人总结已提交 "
                f"{people.filter(self_submitted_at__isnull=False).count()} 人，"
                f"评分截止 {round.deadline.isoformat()}"
            )
        lines.append(line)
    if result.decision is not None:
        listed = result.decision.nominations.filter(state=NominationState.APPROVED).count()
        lines.append(
            f"表彰决定“{result.decision.title}”（{result.decision.number}）"
            f"{result.decision.issued_on.isoformat()}：{listed} 人"
        )
    return lines

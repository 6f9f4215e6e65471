"""Demo summaries, experience library and meetings of the demo batch on duty, written through the
summaries services.

`summaries_demo_load(programmes, duty, seed=, today=)` runs after guazhi.duty.demo, on the batch
2026年江州市第十批挂职干部 whose term the duty demo has filled with work logs:

- mid-term summaries (阶段总结) for most of its people, in every state. The round held at the
  middle of the term is done: drafted (基本情况 and 主要工作 by the drafting service, from the
  person's log up to that day), written, submitted, accepted by the group's leader (once after
  a return), appraised by the host unit's leader, archived by the coordinator. Those who were
  late are on the way now: one appraised and waiting to be archived, one accepted waiting for
  the host leader's appraisal (the group leader's own, at 白鹿镇: host.bailu's), one returned
  with a comment, one submitted waiting for `groupleader`, a draft, and `cadre.duty`'s own
  draft (主要工作 from her log, 心得体会 begun, the rest hers to write); one person has not
  started. Once the final summary may be started (the last two months of the term), her
  mid-term summary is in the finished round and her draft is the final summary.
- the experience library: three archived summaries published through propose → consent →
  approve (the first anonymised), one proposed and waiting for its author's consent
  (`cadre.duty`'s when she has an archived one); about thirty experience summaries of earlier
  years imported by the coordinator (Word, Markdown and plain text made here, several in
  Traditional characters imported with conversion), keywords extracted by the import; a few
  bookmarks of `cadre.duty`.
- two meetings: the batch's exchange meeting (交流会) after the round, with speakers, minutes,
  the agenda and the summaries discussed; a symposium (座谈会) of the group leader's group ahead.

As in the duty demo, every step runs as the person who would act, on the day it happened, with
the clock of guazhi.duty.demo (see its docstring); dates follow `today` and stay inside the term.
The services notify after commit; `_settle_inboxes` then marks read the notices about steps
long past, so inboxes show what waits. Deterministic for a seed and a `today`.
"""

import datetime as dt
import functools
import io
import random
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q

from guazhi.core.calendar import workdays_in
from guazhi.core.models import Notification
from guazhi.core.notifications import notification_mark_read
from guazhi.core.statistics import refresh_planner_statistics
from guazhi.duty import demo_text as duty_text
from guazhi.duty.demo import DutyDemoResult, _Clock
from guazhi.duty.models import WorkLogEntry
from guazhi.duty.periods import term_bounds
from guazhi.orgs.demo import DEMO_SEED
from guazhi.orgs.models import Organisation, OrgKind, Role, RoleAssignment, User
from guazhi.programmes.demo import ProgrammeDemoResult
from guazhi.programmes.models import Assignment, AssignmentState, Batch
from guazhi.summaries import demo_text
from guazhi.summaries.models import (
    LibraryDocument,
    LibrarySource,
    LibraryState,
    Meeting,
    MeetingKind,
    Summary,
    SummaryEvent,
    SummaryEventAction,
    SummaryKind,
    SummaryState,
)
from guazhi.summaries.selectors.library import import_owner_choices
from guazhi.summaries.selectors.meetings import participant_choices
from guazhi.summaries.selectors.summaries import draft_window
from guazhi.summaries.services.library import (
    library_approve,
    library_bookmark_set,
    library_consent,
    library_propose,
)
from guazhi.summaries.services.library_import import ImportFile, library_import
from guazhi.summaries.services.meetings import (
    SpeakerEntry,
    meeting_attachment_add,
    meeting_create,
    meeting_minutes_record,
    meeting_speakers_set,
    meeting_summaries_set,
)
from guazhi.summaries.services.summaries import (
    summary_accept,
    summary_appraise,
    summary_archive,
    summary_draft,
    summary_return,
    summary_save,
    summary_submit,
)

COORDINATOR = "coordinator"
GROUP_LEADER = "groupleader"
CADRE_ON_DUTY = "cadre.duty"
HOST_LEADER = "host.bailu"
# The summaries of the finished round published in the library (the first anonymised).
PUBLISHED = 3
# The imported documents, by the kind of unit their authors served in; the exchanges in Hong
# Kong and Macao (OTHER) and two township ones are kept in Traditional characters.
IMPORTED_KINDS: tuple[tuple[str, int], ...] = (
    (OrgKind.TOWNSHIP, 8),
    (OrgKind.COMMUNITY, 5),
    (OrgKind.SUBDISTRICT, 3),
    (OrgKind.VILLAGE, 4),
    (OrgKind.PARTY_GOVERNMENT, 5),
    (OrgKind.STATE_ENTERPRISE, 2),
    (OrgKind.OTHER, 3),
)
TRADITIONAL_TOWNSHIPS = 2
# How far back the imported documents go: the three years before this one.
IMPORTED_YEARS = 3
SKIP = "missing"  # the role of the person who has not started


@dataclass
class SummariesDemoResult:
    batch: Batch
    # Documents imported from Traditional characters (converted on import).
    converted: list[int] = field(default_factory=list)


# The people ---------------------------------------------------------------------------------


@dataclass
class _Person:
    assignment: Assignment
    user: User
    reviewer: User
    host_leader: User
    rng: random.Random
    text: demo_text.Person

    @property
    def name(self) -> str:
        return self.assignment.cadre.name


def _own_host_leader(unit: Organisation, batch: Batch) -> User:
    """The leader of the unit itself before one over a wider unit (a street over its community),
    as the duty demo's host leaders act."""
    grants = [
        grant
        for grant in RoleAssignment.objects.filter(
            role=Role.HOST_LEADER, user__is_active=True
        ).select_related("organisation", "user")
        if unit.path.startswith(grant.organisation.path) and grant.batch_id in (None, batch.pk)
    ]
    if not grants:
        raise RuntimeError(f"no demo host leader over {unit.name}")
    grants.sort(key=lambda grant: (-len(grant.organisation.path), grant.pk))
    return grants[0].user


class _Demo:
    """The state of one load: who acts, the calendar and the clock."""

    def __init__(self, duty: DutyDemoResult, *, seed: int, today: dt.date) -> None:
        self.batch = Batch.objects.select_related("coordinating_org").get(pk=duty.batch.pk)
        self.seed = seed
        self.today = today
        # The clock the duty demo replays the term with (its docstring says how and why).
        self.clock = _Clock(today)
        self.result = SummariesDemoResult(batch=self.batch)
        self.users = {
            user.username: user
            for user in User.objects.filter(
                username__in=[COORDINATOR, GROUP_LEADER, CADRE_ON_DUTY, HOST_LEADER]
            )
        }
        self.coordinator = self.users[COORDINATOR]
        assignments = list(
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
        self.start = min(term_bounds(a)[0] for a in assignments) if assignments else today
        self.end = self.batch.term_end
        self.workdays = set(
            workdays_in(self.start - dt.timedelta(days=60), self.end + dt.timedelta(days=60))
        )
        leaders = {a.host_unit_id: _own_host_leader(a.host_unit, self.batch) for a in assignments}
        self.people = [self._person(a, leaders[a.host_unit_id]) for a in assignments]

    def _person(self, assignment: Assignment, host_leader: User) -> _Person:
        user = assignment.cadre.user
        assert user is not None  # the duty demo opened an account for everyone on duty
        group = assignment.group
        reviewer = self.coordinator
        if group is not None:
            leader, deputy = group.leader, group.deputy
            chosen = deputy if leader is not None and leader.pk == assignment.pk else leader
            if chosen is not None and chosen.cadre.user is not None:
                reviewer = chosen.cadre.user
        # The places the duty demo gave the person's log (its first draw from the same seed).
        places = duty_text.places_of(
            assignment.host_unit.kind, random.Random(f"{self.seed}:{assignment.cadre.name}")
        )
        return _Person(
            assignment=assignment,
            user=user,
            reviewer=reviewer,
            host_leader=host_leader,
            rng=random.Random(f"{self.seed}:summaries:{assignment.cadre.name}"),
            text=demo_text.Person(
                host=assignment.host_unit.name,
                host_kind=assignment.host_unit.kind,
                home=assignment.home_unit.name,
                topics=duty_text.topics_of(assignment.post.portfolio),
                places=places,
            ),
        )

    def person(self, username: str) -> _Person | None:
        return next((p for p in self.people if p.user.username == username), None)

    # --- calendar ------------------------------------------------------------------------------

    def workday_on_or_after(self, day: dt.date) -> dt.date:
        for _ in range(30):
            if day in self.workdays:
                return day
            day += dt.timedelta(days=1)
        return day

    def workday_on_or_before(self, day: dt.date) -> dt.date:
        for _ in range(30):
            if day in self.workdays:
                return day
            day -= dt.timedelta(days=1)
        return day

    def chain(self, *days: dt.date) -> list[dt.date]:
        """`days` moved to working days, each after the one before and none after today."""
        placed: list[dt.date] = []
        for day in days:
            day = self.workday_on_or_before(day)
            if placed and day <= placed[-1]:
                day = self.workday_on_or_after(placed[-1] + dt.timedelta(days=1))
            placed.append(min(day, self.today))
        return placed

    def after(self, day: dt.date, *offsets: int) -> list[dt.date]:
        """Working days about `offsets` days after `day`, each after the one before (chain)."""
        return self.chain(day, *(day + dt.timedelta(days=n) for n in offsets))[1:]


# Summaries ----------------------------------------------------------------------------------


@dataclass
class _Plan:
    """How far one person's summary goes, and when each step happened."""

    person: _Person
    kind: str
    drafted: dt.date
    written: dt.date | None = None
    # Only 心得体会 written so far (a draft in progress).
    partial: bool = False
    submitted: dt.date | None = None
    returned: dt.date | None = None
    resubmitted: dt.date | None = None
    accepted: dt.date | None = None
    appraised: dt.date | None = None
    archived: dt.date | None = None


def _bodies(person: _Person, summary: Summary, *, partial: bool) -> dict[str, str]:
    rng, text = person.rng, person.text
    written = {
        "insights": demo_text.insights(rng, text),
        "shortcomings": demo_text.shortcomings(rng, text),
        "next_steps": demo_text.next_steps(rng, text),
    }
    if partial:
        # Two of the three points, the third still to come.
        points = written["insights"].split("\n")
        written = {"insights": "\n".join(points[:2])}
    keys = {section.key for section in summary.sections.all()}
    return {key: body for key, body in written.items() if key in keys}


def _done_by(person: _Person, day: dt.date) -> list[str]:
    """What the person's log marks as done by `day`, latest first (for the appraisal)."""
    return list(
        WorkLogEntry.objects.filter(
            assignment=person.assignment, accomplishment=True, date__lte=day
        )
        .order_by("-date", "-id")
        .values_list("title", flat=True)[:2]
    )


def _run(demo: _Demo, plan: _Plan) -> Summary:
    person, clock, rng = plan.person, demo.clock, plan.person.rng
    with clock.at(plan.drafted, 20, rng.randint(0, 40)):
        summary = summary_draft(
            actor=person.user, assignment=person.assignment, kind=plan.kind, today=plan.drafted
        )
    if plan.written is None:
        return summary
    bodies = _bodies(person, summary, partial=plan.partial)
    with clock.at(plan.written, 21, rng.randint(0, 40)):
        summary = summary_save(
            actor=person.user,
            summary=summary,
            title=summary.title,
            bodies=bodies,
            base_version=summary.version,
        )
    if plan.submitted is None:
        return summary
    with clock.at(plan.submitted, 9, rng.randint(0, 50)):
        summary = summary_submit(actor=person.user, summary=summary)
    if plan.returned is not None:
        with clock.at(plan.returned, 16, rng.randint(0, 50)):
            summary = summary_return(
                actor=person.reviewer,
                summary=summary,
                comment=rng.choice(demo_text.RETURN_COMMENTS),
            )
        if plan.resubmitted is None:
            return summary
        month = plan.resubmitted.month % 12 + 1
        addition = demo_text.RESUBMIT_ADDITION.format(
            month=month, later=(month + 1) % 12 + 1, topic=person.text.topics[0]
        )
        with clock.at(plan.resubmitted, 21, rng.randint(0, 50)):
            summary = summary_submit(
                actor=person.user,
                summary=summary,
                bodies={"next_steps": f"{bodies.get('next_steps', '')}\n{addition}".strip()},
                base_version=summary.version,
            )
    if plan.accepted is None:
        return summary
    with clock.at(plan.accepted, 10, rng.randint(0, 50)):
        summary = summary_accept(
            actor=person.reviewer, summary=summary, comment=rng.choice(demo_text.ACCEPT_COMMENTS)
        )
    if plan.appraised is None:
        return summary
    with clock.at(plan.appraised, 15, rng.randint(0, 50)):
        summary = summary_appraise(
            actor=person.host_leader,
            summary=summary,
            appraisal=demo_text.appraisal(
                rng,
                name=person.name,
                host=person.text.host,
                topic=person.text.topics[0],
                done=_done_by(person, plan.appraised),
            ),
        )
    if plan.archived is None:
        return summary
    with clock.at(plan.archived, 11, rng.randint(0, 50)):
        summary = summary_archive(
            actor=demo.coordinator, summary=summary, comment=rng.choice(demo_text.ARCHIVE_COMMENTS)
        )
    return summary


@dataclass
class _Round:
    """The summaries written, by person, and who plays which part."""

    summaries: dict[int, Summary] = field(default_factory=dict)  # by assignment pk
    archived: list[_Person] = field(default_factory=list)
    archived_on: dt.date | None = None
    finals: list[Summary] = field(default_factory=list)


def _leads(person: _Person) -> bool:
    group = person.assignment.group
    return group is not None and person.assignment.pk in (group.leader_id, group.deputy_id)


def _roles(demo: _Demo) -> dict[str, _Person]:
    """Who plays which part in the mid-term round; everyone else is in the finished round."""
    duty = demo.person(CADRE_ON_DUTY)
    leader = demo.person(GROUP_LEADER)
    roles: dict[str, _Person] = {}
    if duty is not None:
        roles["duty"] = duty
    # Waiting for host.bailu's appraisal: someone of his unit (the group leader, at 白鹿镇).
    at_bailu = [p for p in demo.people if p.host_leader.username == HOST_LEADER and p is not duty]
    if at_bailu:
        roles["accepted"] = at_bailu[0]
    # Waiting for groupleader, and returned by her: members of her group.
    group_id = leader.assignment.group_id if leader is not None else None
    mine = [p for p in demo.people if group_id is not None and p.assignment.group_id == group_id]
    plain = [p for p in mine if p not in roles.values() and not _leads(p)]
    for role, person in zip(("submitted", "returned"), plain, strict=False):
        roles[role] = person
    # The other group: one appraised, one drafting, one not started.
    others = [p for p in demo.people if p not in mine and p not in roles.values()]
    plain = [p for p in others if not _leads(p)]
    if plain:
        roles["appraised"] = plain[0]
    if len(plain) >= 3:
        roles["draft"] = plain[-2]
        roles[SKIP] = plain[-1]
    return roles


def _midterm_round(demo: _Demo) -> _Round:
    """Every person's mid-term summary as planned (see the module docstring), run in the order
    the first steps happened."""
    found = _Round()
    today, start, end = demo.today, demo.start, demo.end
    if today < start + dt.timedelta(days=30):
        return found  # too early in the term for anything but the log
    roles = _roles(demo)
    duty = roles.get("duty")
    final_open = duty is not None and draft_window(duty.assignment, SummaryKind.FINAL).is_open(
        today
    )
    if final_open:
        del roles["duty"]  # her mid-term summary is in the finished round
    # The round at the middle of the term, early enough to be done well before today.
    middle = min(start + (end - start) // 2, today - dt.timedelta(days=80))
    finished = middle >= start + dt.timedelta(days=30)
    by_role = {id(person): role for role, person in roles.items()}
    plans: list[_Plan] = []
    in_round: list[_Plan] = []

    def back(*offsets: int) -> list[dt.date]:
        return demo.chain(*(today - dt.timedelta(days=n) for n in offsets))

    midterm = SummaryKind.MIDTERM
    for person in demo.people:
        role = by_role.get(id(person))
        if role == SKIP or (role is None and not finished):
            continue
        if role is None:
            d = demo.chain(
                middle + dt.timedelta(days=person.rng.randint(0, 6)),
                middle + dt.timedelta(days=person.rng.randint(9, 12)),
                middle + dt.timedelta(days=person.rng.randint(14, 16)),
            )
            plan = _Plan(person, midterm, d[0], written=d[1], submitted=d[2])
            in_round.append(plan)
        elif role == "appraised":
            d = back(24, 20, 16, 12, 3)
            plan = _Plan(person, midterm, d[0], written=d[1], submitted=d[2], accepted=d[3])
            plan.appraised = d[4]
        elif role == "accepted":
            d = back(21, 17, 13, 6)
            plan = _Plan(person, midterm, d[0], written=d[1], submitted=d[2], accepted=d[3])
        elif role == "returned":
            d = back(20, 15, 11, 7)
            plan = _Plan(person, midterm, d[0], written=d[1], submitted=d[2], returned=d[3])
        elif role == "submitted":
            d = back(14, 6, 2)
            plan = _Plan(person, midterm, d[0], written=d[1], submitted=d[2])
        else:  # a draft in progress; cadre.duty's has 主要工作 from her log up to the day
            d = back(12, 5) if role == "draft" else back(9, 2)
            plan = _Plan(person, midterm, d[0], written=d[1], partial=True)
        plans.append(plan)
    # The finished round: accepted by the reviewers within days (the second one returned
    # first and sent again), appraised by the host units, archived in one sitting.
    for number, plan in enumerate(in_round):
        rng = plan.person.rng
        assert plan.submitted is not None
        if number == 1:
            plan.returned, plan.resubmitted, plan.accepted, plan.appraised = demo.after(
                plan.submitted, 2, 5, 7, 7 + rng.randint(3, 6)
            )
        else:
            plan.accepted, plan.appraised = demo.after(
                plan.submitted, rng.randint(1, 4), rng.randint(7, 12)
            )
    if in_round:
        last = max(plan.appraised for plan in in_round if plan.appraised is not None)
        found.archived_on = demo.after(last, 3)[0]
        for plan in in_round:
            plan.archived = found.archived_on
        found.archived = [plan.person for plan in in_round]
    # Each service checks the state as it was then: the plans run in order of their start.
    for plan in sorted(plans, key=lambda p: (p.drafted, p.person.name)):
        found.summaries[plan.person.assignment.pk] = _run(demo, plan)
    if final_open and duty is not None:
        window = draft_window(duty.assignment, SummaryKind.FINAL)
        drafted, written = demo.chain(max(window.opens_on, today - dt.timedelta(days=3)), today)
        found.finals.append(
            _run(demo, _Plan(duty, SummaryKind.FINAL, drafted, written=written, partial=True))
        )
    return found


# The library ----------------------------------------------------------------------------------


def _publish(demo: _Demo, found: _Round) -> list[LibraryDocument]:
    """Three archived summaries of different kinds of unit published (the first anonymised,
    its places named for the anonymisation too), proposed in one sitting after the round; one
    more proposed lately and waiting for its author (cadre.duty when hers is archived)."""
    if found.archived_on is None:
        return []
    chosen: list[_Person] = []
    kinds: set[str] = set()
    duty = demo.person(CADRE_ON_DUTY)
    candidates = [p for p in found.archived if p is not duty]
    for person in candidates:
        if person.assignment.host_unit.kind not in kinds and len(chosen) < PUBLISHED:
            chosen.append(person)
            kinds.add(person.assignment.host_unit.kind)
    proposed_on = demo.after(found.archived_on, 4)[0]
    consents = demo.after(proposed_on, *range(1, len(chosen) + 1))
    approved_on = demo.after(consents[-1], 1)[0] if consents else proposed_on
    published: list[LibraryDocument] = []
    with demo.clock.at(proposed_on, 15, 0):
        documents = [
            library_propose(
                actor=demo.coordinator,
                summary=found.summaries[person.assignment.pk],
                anonymised=number == 0,
                extra_names=person.text.places if number == 0 else [],
            )
            for number, person in enumerate(chosen)
        ]
    for person, document, day in zip(chosen, documents, consents, strict=True):
        with demo.clock.at(day, 12, person.rng.randint(0, 50)):
            library_consent(actor=person.user, document=document)
    for number, document in enumerate(documents):
        with demo.clock.at(approved_on, 9, 10 + number):
            published.append(library_approve(actor=demo.coordinator, document=document))
    waiting = [p for p in found.archived if p not in chosen]
    author = duty if duty in waiting else (waiting[0] if waiting else None)
    if author is not None:
        day = demo.chain(demo.today - dt.timedelta(days=4))[0]
        with demo.clock.at(day, 16, 20):
            library_propose(
                actor=demo.coordinator,
                summary=found.summaries[author.assignment.pk],
                anonymised=False,
            )
    return published


def _docx(title: str, sections: list[tuple[str, str]]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=0)
    for heading, body in sections:
        document.add_heading(heading, level=1)
        for paragraph in body.split("\n"):
            document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _markdown(title: str, sections: list[tuple[str, str]]) -> bytes:
    parts = [f"# {title}"]
    for heading, body in sections:
        parts.append(f"## {heading}")
        parts.extend(body.split("\n"))
    return ("\n\n".join(parts) + "\n").encode()


def _text(title: str, sections: list[tuple[str, str]], encoding: str) -> bytes:
    lines = [title, ""]
    for heading, body in sections:
        lines.append(heading)
        lines.extend(f"　　{paragraph}" for paragraph in body.split("\n"))
    # A Chinese Windows saves 文本文档 with CRLF (and often in GB18030).
    return "\r\n".join(lines).encode(encoding)


@functools.cache
def _to_traditional() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


@dataclass(frozen=True)
class _Upload:
    year: int
    kind: str
    traditional: bool
    file: ImportFile


def _uploads(demo: _Demo) -> list[_Upload]:
    """The documents of earlier years, each as the file the office keeps."""
    rng = random.Random(f"{demo.seed}:library")
    years = [demo.today.year - n for n in range(IMPORTED_YEARS, 0, -1)]
    uploads: list[_Upload] = []
    number = 0
    for kind, count in IMPORTED_KINDS:
        # Each title once a kind (as long as there are enough), in an order of the seed's.
        titles = rng.sample(demo_text.TITLES_BY_KIND[kind], len(demo_text.TITLES_BY_KIND[kind]))
        for index in range(count):
            number += 1
            year = years[(number + index) % len(years)]
            text = demo_text.library_document(
                rng, kind=kind, year=year, title_template=titles[index % len(titles)]
            )
            traditional = kind == OrgKind.OTHER or (
                kind == OrgKind.TOWNSHIP and index < TRADITIONAL_TOWNSHIPS
            )
            title, sections = text.title, text.sections
            if traditional:
                convert = _to_traditional().convert
                title = convert(title)
                sections = [(convert(h), convert(b)) for h, b in sections]
            form = ("docx", "txt", "md")[(number + rng.randrange(2)) % 3]
            stem = f"{year}年 {title}".replace("：", " ").replace("——", " ")
            if form == "docx":
                data, name = _docx(title, sections), f"{stem}.docx"
            elif form == "md":
                data, name = _markdown(title, sections), f"{stem}.md"
            else:
                encoding = "gb18030" if not traditional and rng.random() < 0.4 else "utf-8"
                data, name = _text(title, sections, encoding), f"{stem}.txt"
            uploads.append(_Upload(year, kind, traditional, ImportFile(name=name, data=data)))
    return uploads


def _import(demo: _Demo) -> list[LibraryDocument]:
    """The coordinator imports the archive before the term, a lot per year and kind of unit
    (what the import form asks for), Traditional ones in lots of their own with conversion."""
    owners = import_owner_choices(actor=demo.coordinator)
    if not owners:
        return []
    owner = next((org for org in owners if org.pk == demo.batch.coordinating_org_id), owners[0])
    lots: dict[tuple[int, str, bool], list[ImportFile]] = {}
    for upload in _uploads(demo):
        lots.setdefault((upload.year, upload.kind, upload.traditional), []).append(upload.file)
    day = demo.chain(demo.start - dt.timedelta(days=30))[0]
    imported: list[LibraryDocument] = []
    for number, ((year, kind, traditional), files) in enumerate(sorted(lots.items())):
        with demo.clock.at(day, 14 + number // 20, (number % 20) * 3):
            documents = library_import(
                actor=demo.coordinator,
                files=files,
                year=year,
                host_unit_kind=kind,
                owner_org=owner,
                to_simplified_chinese=traditional,
            )
        imported.extend(documents)
        if traditional:
            demo.result.converted.extend(document.pk for document in documents)
    return imported


def _bookmarks(
    demo: _Demo, published: list[LibraryDocument], imported: list[LibraryDocument]
) -> None:
    """cadre.duty keeps what speaks to her post at a township: a published summary, two
    township documents and an exchange in Macao or Hong Kong."""
    duty = demo.person(CADRE_ON_DUTY)
    if duty is None:
        return
    townships = [d for d in imported if d.host_unit_kind == OrgKind.TOWNSHIP]
    exchanges = [d for d in imported if d.host_unit_kind == OrgKind.OTHER]
    chosen = [*published[-1:], *townships[:2], *exchanges[:1]]
    days = demo.chain(*(demo.today - dt.timedelta(days=8 - 2 * i) for i in range(len(chosen))))
    for document, day in zip(chosen, days, strict=True):
        with demo.clock.at(day, 21, 30):
            library_bookmark_set(actor=duty.user, document=document, marked=True)


# Meetings -------------------------------------------------------------------------------------


def _agenda(title: str, held_on: dt.date, place: str) -> SimpleUploadedFile:
    import docx

    document = docx.Document()
    document.add_heading(f"{title}议程", level=0)
    document.add_paragraph(f"时间：{held_on.year}年{held_on.month}月{held_on.day}日下午2:30")
    document.add_paragraph(f"地点：{place}")
    for line in demo_text.AGENDA:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(
        "会议议程.docx",
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _meetings(demo: _Demo, found: _Round) -> None:
    everyone = participant_choices(batch=demo.batch)
    if found.archived_on is not None:
        _exchange(demo, found, everyone)
    _symposium(demo)


def _exchange(demo: _Demo, found: _Round, everyone: list[Assignment]) -> None:
    """The exchange meeting after the round: scheduled ten days ahead, speakers and agenda set
    the week before, minutes and the summaries discussed recorded the day after."""
    assert found.archived_on is not None
    held_on = demo.after(found.archived_on, 18)[0]
    if held_on >= demo.today - dt.timedelta(days=1):
        return
    scheduled, prepared = demo.chain(
        held_on - dt.timedelta(days=12), held_on - dt.timedelta(days=5)
    )
    title = "第十批挂职干部阶段工作交流会"
    with demo.clock.at(scheduled, 10, 0):
        meeting = meeting_create(
            actor=demo.coordinator,
            batch=demo.batch,
            kind=MeetingKind.EXCHANGE,
            title=title,
            held_on=held_on,
            starts_at=dt.time(14, 30),
            place=demo_text.EXCHANGE_PLACE,
            participants=everyone,
            other_participants=demo_text.EXCHANGE_OTHERS,
            today=scheduled,
        )
    rng = random.Random(f"{demo.seed}:meetings")
    speakers = found.archived[:4]
    topics = [
        demo_text.speaker_topic(rng, topic=p.text.topics[0], host=p.text.host) for p in speakers
    ]
    with demo.clock.at(prepared, 16, 0):
        meeting_speakers_set(
            actor=demo.coordinator,
            meeting=meeting,
            speakers=[
                SpeakerEntry(assignment_id=p.assignment.pk, topic=topic)
                for p, topic in zip(speakers, topics, strict=True)
            ],
        )
        meeting_attachment_add(
            actor=demo.coordinator,
            meeting=meeting,
            upload=_agenda(title, held_on, demo_text.EXCHANGE_PLACE),
        )
    after = demo.after(held_on, 1)[0]
    with demo.clock.at(after, 10, 0):
        meeting_minutes_record(
            actor=demo.coordinator,
            meeting=meeting,
            minutes=demo_text.minutes(
                batch=demo.batch.name,
                speakers=[
                    (p.name, p.text.host, topic) for p, topic in zip(speakers, topics, strict=True)
                ],
                count=len(everyone),
            ),
            today=after,
        )
        meeting_summaries_set(
            actor=demo.coordinator,
            meeting=meeting,
            summaries=[found.summaries[p.assignment.pk] for p in speakers],
        )


def _symposium(demo: _Demo) -> None:
    """The group leader's group is asked to a symposium at 白鹿镇 in a week or so."""
    leader = demo.person(GROUP_LEADER)
    if leader is None or leader.assignment.group_id is None:
        return
    held_on = demo.workday_on_or_after(demo.today + dt.timedelta(days=9))
    if held_on > demo.end or demo.today < demo.start:
        return
    group = [
        p.assignment for p in demo.people if p.assignment.group_id == leader.assignment.group_id
    ]
    scheduled = demo.chain(demo.today - dt.timedelta(days=2))[0]
    with demo.clock.at(scheduled, 11, 0):
        meeting_create(
            actor=demo.coordinator,
            batch=demo.batch,
            kind=MeetingKind.SYMPOSIUM,
            title="第一组挂职干部基层治理专题座谈会",
            held_on=held_on,
            starts_at=dt.time(9, 0),
            place=demo_text.SYMPOSIUM_PLACE,
            participants=group,
            other_participants=demo_text.SYMPOSIUM_OTHERS,
            today=scheduled,
        )


# Inboxes --------------------------------------------------------------------------------------

AREAS = ("summary.", "library.", "meeting.")


def _waiting_keys(today: dt.date) -> tuple[set[str], tuple[str, ...]]:
    """The keys (and key prefixes) of this module's notices about what still waits: a summary's
    latest step while it is not archived, a proposal awaiting its author, an upcoming meeting."""
    keys: set[str] = set()
    latest: dict[int, SummaryEvent] = {}
    for event in SummaryEvent.objects.exclude(action=SummaryEventAction.DRAFT).order_by("id"):
        latest[event.summary_id] = event
    open_ids = set(
        Summary.objects.exclude(state=SummaryState.ARCHIVED).values_list("pk", flat=True)
    )
    for summary_id, event in latest.items():
        if summary_id in open_ids:
            keys.add(f"summary:{summary_id}:{event.action}:{event.pk}")
    prefixes = [
        f"library:{pk}:propose:"
        for pk in LibraryDocument.objects.filter(state=LibraryState.AWAITING_CONSENT).values_list(
            "pk", flat=True
        )
    ]
    prefixes += [
        f"meeting:{pk}:"
        for pk in Meeting.objects.filter(held_on__gte=today).values_list("pk", flat=True)
    ]
    return keys, tuple(prefixes)


def _settle_inboxes(today: dt.date) -> None:
    """After commit, after the services' notices: mark read, as each reader, those of summaries,
    the library and meetings about steps long past, so inboxes show what waits now."""
    keys, prefixes = _waiting_keys(today)
    area = Q()
    for prefix in AREAS:
        area |= Q(kind__startswith=prefix)
    unread = Notification.objects.filter(area, read_at__isnull=True).select_related("recipient")
    for notification in unread.order_by("pk"):
        if notification.key in keys or notification.key.startswith(prefixes):
            continue
        notification_mark_read(actor=notification.recipient, pk=notification.pk)


# The load -------------------------------------------------------------------------------------


@transaction.atomic
def summaries_demo_load(
    programmes: ProgrammeDemoResult,
    duty: DutyDemoResult,
    *,
    seed: int = DEMO_SEED,
    today: dt.date,
) -> SummariesDemoResult:
    """Summaries, the library and meetings of the demo batch on duty, up to `today` (see the
    module docstring). `programmes` is what the duty demo was loaded on."""
    del programmes  # the duty demo's batch is the programmes' batch on duty
    demo = _Demo(duty, seed=seed, today=today)
    imported = _import(demo)
    found = _midterm_round(demo)
    published = _publish(demo, found)
    _bookmarks(demo, published, imported)
    _meetings(demo, found)
    transaction.on_commit(functools.partial(_settle_inboxes, today))
    refresh_planner_statistics()
    return demo.result


def summaries_demo_summary(result: SummariesDemoResult) -> list[str]:
    """The demo's figures on summaries, the library and meetings, as `guazhi demo_data` prints
    them."""
    batch = result.batch
    summaries = Summary.objects.filter(assignment__batch=batch)
    states = dict(SummaryState.choices)
    lines = []
    for kind, label in SummaryKind.choices:
        of_kind = summaries.filter(kind=kind)
        counted = {state: of_kind.filter(state=state).count() for state in SummaryState.values}
        if of_kind.exists():
            lines.append(
                f"{label} {of_kind.count()} 份："
                + "，".join(f"{states[s]} {n}" for s, n in counted.items() if n)
            )
    library = LibraryDocument.objects.all()
    published = LibraryDocument.objects.published()
    lines.append(
        f"经验库已发布 {published.count()} 篇（挂职总结 "
        f"{published.filter(source=LibrarySource.SUMMARY).count()} 篇，导入 "
        f"{published.filter(source=LibrarySource.IMPORT).count()} 篇，其中繁体转简体 "
        f"{len(result.converted)} 篇），待本人同意 "
        f"{library.filter(state=LibraryState.AWAITING_CONSENT).count()} 篇"
    )
    for meeting in Meeting.objects.filter(batch=batch).order_by("held_on", "pk"):
        lines.append(
            f"{meeting.get_kind_display()}“{meeting.title}” {meeting.held_on.isoformat()}："
            f"参会 {meeting.participants.count()} 人，代表发言 {meeting.speakers.count()} 人"
        )
    return lines

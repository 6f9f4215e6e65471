"""Meetings in the shared `world`: batch A's people on duty, one outside most roles' reach, and a
meeting factory.

On top of the summary world (tests/summaries/world.py: 张三 at 白鹿镇 in batch A, inside every
role; 周亮 in batch B, outside every role) batch A gets:

- 王芳, from 浔阳区委党校 at 白鹿镇, on duty, with an account (username "wangfang"): inside the
  dispatch admin's and the host leader's reach, like 张三;
- 赵敏, from 浔阳区农业农村局 at 新港镇, on duty, with an account ("zhaomin"): inside batch A
  (its coordinator and the world's group leader, granted over the district, reach her) but
  outside the dispatch admin's party school and the host leader's township;
- 刘强, whose term has ended (ENDED): still a possible participant;
- 陈静, approved but not on duty: never a participant.

`found.meeting(...)` writes a meeting straight into the database (no service, no audit, no
notification), for tests of reading; the services' own tests go through the services.
"""

import datetime as dt
from dataclasses import dataclass

from guazhi.orgs.models import User
from guazhi.programmes.models import Assignment, AssignmentState, Batch
from guazhi.summaries.models import Meeting, MeetingKind, MeetingSpeaker
from tests.factories import CadreFactory, UnitFactory, UserFactory, grant
from tests.programmes.factories import PostFactory, assign
from tests.summaries.world import SummaryWorld, summary_world


@dataclass
class MeetingWorld:
    summaries: SummaryWorld
    batch_a: Batch
    batch_b: Batch
    zhang: Assignment  # 张三, the world's cadre: inside every role
    wang: Assignment  # 王芳: inside every role of district A, with an account
    zhao: Assignment  # 赵敏: batch A, outside the dispatch admin's and host leader's units
    liu: Assignment  # 刘强: batch A, term ended
    chen: Assignment  # 陈静: batch A, approved, not on duty
    zhou: Assignment  # 周亮: batch B, outside every role
    today: dt.date

    def user(self, role: str) -> User:
        return self.summaries.user(role)

    def meeting(
        self,
        *,
        batch: Batch | None = None,
        participants: list[Assignment] | None = None,
        held_on: dt.date | None = None,
        title: str = "挂职干部中期交流会",
        kind: str = MeetingKind.EXCHANGE,
        place: str = "区委组织部三楼会议室",
        minutes: str = "",
        speakers: list[tuple[Assignment, str]] = (),  # type: ignore[assignment]
    ) -> Meeting:
        made = Meeting.objects.create(
            batch=batch or self.batch_a,
            kind=kind,
            title=title,
            held_on=held_on or self.today + dt.timedelta(days=7),
            place=place,
            minutes=minutes,
        )
        made.participants.set(participants if participants is not None else [self.zhang])
        for position, (person, topic) in enumerate(speakers, start=1):
            MeetingSpeaker.objects.create(
                meeting=made, assignment=person, position=position, topic=topic
            )
        return Meeting.objects.select_related("batch__coordinating_org").get(pk=made.pk)


def meeting_world(world) -> MeetingWorld:  # type: ignore[no-untyped-def]
    found = getattr(world, "_meetings", None)
    if found is not None:
        return found
    sw = summary_world(world)
    duty = sw.duty
    batch_a = duty.batch_a
    start = duty.today - dt.timedelta(days=120)
    post_a = PostFactory(batch=batch_a, host_unit=world.township_a, title="镇长助理")
    bureau = UnitFactory(name="浔阳区农业农村局", kind="party_government", parent=world.district_a)
    xingang = UnitFactory(name="新港镇", kind="township", level="township", parent=world.district_a)
    post_x = PostFactory(batch=batch_a, host_unit=xingang, title="党委委员")

    def person(name: str, username: str | None, home, post, state: str) -> Assignment:  # type: ignore[no-untyped-def]
        user = None
        if username is not None:
            user = grant(UserFactory(username=username, full_name=name), "cadre", home)
        cadre = CadreFactory(name=name, home_unit=home, user=user)
        start_date = start if state in (AssignmentState.ACTIVE, AssignmentState.ENDED) else None
        return assign(post, cadre, state, start_date=start_date)

    found = MeetingWorld(
        summaries=sw,
        batch_a=batch_a,
        batch_b=duty.batch_b,
        zhang=sw.zhang,
        wang=person("王芳", "wangfang", world.school_a, post_a, AssignmentState.ACTIVE),
        zhao=person("赵敏", "zhaomin", bureau, post_x, AssignmentState.ACTIVE),
        liu=person("刘强", None, world.school_a, post_a, AssignmentState.ENDED),
        chen=person("陈静", None, world.school_a, post_a, AssignmentState.APPROVED),
        zhou=sw.zhou,
        today=duty.today,
    )
    world._meetings = found
    return found


__all__ = ["MeetingWorld", "meeting_world"]

"""Who may open the work-record pages: the log, the task list, talks.

A person's log and task list are read by everyone whose roles reach the person and written by
the person; the batch's 工作纪实 tab is for the batch's staff; talks are for leaders only (a
cadre's role opens no talk page). Inside objects hang off serving_a (张三 at 白鹿镇, batch A),
outside ones off serving_b (batch B, outside every role). A refusal by a service on an allowed
page (an administrator agrees nothing, a leader ticks off nothing) answers with a redirect and
a message, which the matrix counts as answering.
"""

import datetime as dt

from tests.duty.world import duty_world
from tests.test_authorization_matrix import Rule

EVERYONE = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader", "cadre")
STAFF = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader")
CADRES = ("admin", "cadre")

RULES = {
    "duty:log_list": Rule(EVERYONE, scoped="assignment_pk", objects="duty_assignment"),
    "duty:log_entry_detail": Rule(EVERYONE, scoped="log_entry_pk"),
    "duty:log_entry_edit": Rule(CADRES, scoped="log_entry_pk"),
    "duty:log_entry_delete": Rule(CADRES, method="POST", scoped="log_entry_pk"),
    "duty:log_batch": Rule(STAFF, scoped="batch_pk", objects="duty_batch"),
    "duty:task_list": Rule(EVERYONE, scoped="assignment_pk", objects="duty_assignment"),
    "duty:task_agree_all": Rule(
        ("admin", "host_leader"), method="POST", scoped="assignment_pk", objects="duty_assignment"
    ),
    "duty:task_agree": Rule(("admin", "host_leader"), method="POST", scoped="task_pk"),
    "duty:task_drop": Rule(("admin", "coordinator", "host_leader"), scoped="task_pk"),
    "duty:task_tick_off": Rule(CADRES, scoped="task_pk"),
    "duty:talk_list": Rule(STAFF, scoped="assignment_pk", objects="duty_assignment"),
    "duty:talk_edit": Rule(STAFF, scoped="talk_pk"),
}


def _entries(world, role):  # type: ignore[no-untyped-def]
    from guazhi.duty.models import WorkLogEntry

    found = duty_world(world)

    def entry(assignment):  # type: ignore[no-untyped-def]
        made, _created = WorkLogEntry.objects.get_or_create(
            assignment=assignment,
            title="走访辖区企业",
            defaults={"date": found.today, "category": "走访", "content": "走访园区企业。"},
        )
        return made

    return entry(found.serving_a), entry(found.serving_b)


def _tasks(world, role):  # type: ignore[no-untyped-def]
    from guazhi.duty.models import DutyTask

    found = duty_world(world)
    month = found.today.replace(day=1) + dt.timedelta(days=40)

    def task(assignment):  # type: ignore[no-untyped-def]
        made, _created = DutyTask.objects.get_or_create(
            assignment=assignment,
            title="组织一次用工对接会",
            defaults={"target_month": month.replace(day=1)},
        )
        return made

    return task(found.serving_a), task(found.serving_b)


def _talks(world, role):  # type: ignore[no-untyped-def]
    from guazhi.duty.models import HeartTalk

    found = duty_world(world)

    def talk(assignment):  # type: ignore[no-untyped-def]
        made, _created = HeartTalk.objects.get_or_create(
            assignment=assignment,
            talker="赵书记",
            defaults={"held_on": found.today, "topics": "了解工作和生活情况。"},
        )
        return made

    return talk(found.serving_a), talk(found.serving_b)


SCOPED = {"log_entry_pk": _entries, "task_pk": _tasks, "talk_pk": _talks}

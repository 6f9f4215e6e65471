"""On-duty objects in the shared `world`: a batch on duty in district A and one in district B.

The world's cadre 张三 (user "cadre", from 浔阳区委党校) serves in 白鹿镇 (the host leader's unit) in
batch A; 周亮 serves in 莲花镇 in batch B, outside every role of the world. The term runs around
today (started 120 days ago, ends in 245 days), so leave, logs and reports can be dated around
now. Built on demand and kept on the world, like tests/programmes/world.py.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from guazhi.duty.models import DutyRules
from guazhi.duty.services.rules import duty_rules_of
from guazhi.programmes.models import Assignment, AssignmentState, Batch, BatchState
from tests.factories import CadreFactory
from tests.programmes.factories import BatchFactory, PostFactory, assign


@dataclass
class DutyWorld:
    batch_a: Batch
    batch_b: Batch
    serving_a: Assignment  # 张三 (the world's cadre) at 白鹿镇, active
    serving_b: Assignment  # 周亮 at 莲花镇, batch B, active
    rules_a: DutyRules
    today: dt.date


def duty_world(world) -> DutyWorld:  # type: ignore[no-untyped-def]
    found = getattr(world, "_duty", None)
    if found is not None:
        return found
    today = timezone.localdate()
    start = today - dt.timedelta(days=120)
    end = today + dt.timedelta(days=245)
    batch_a = BatchFactory(
        name="2026年浔阳区挂职干部（在岗）",
        coordinating_org=world.district_a,
        dispatching=[world.school_a],
        term_start=start,
        term_end=end,
        state=BatchState.ACTIVE,
    )
    batch_b = BatchFactory(
        name="2026年濂溪区挂职干部（在岗）",
        coordinating_org=world.district_b,
        dispatching=[world.school_b],
        term_start=start,
        term_end=end,
        state=BatchState.ACTIVE,
    )
    post_a = PostFactory(batch=batch_a, host_unit=world.township_a, title="党委副书记")
    post_b = PostFactory(batch=batch_b, host_unit=world.township_b, title="党委副书记")
    serving_b_cadre = CadreFactory(name="周亮", home_unit=world.school_b)
    found = DutyWorld(
        batch_a=batch_a,
        batch_b=batch_b,
        serving_a=assign(post_a, world.cadre_a, AssignmentState.ACTIVE, start_date=start),
        serving_b=assign(post_b, serving_b_cadre, AssignmentState.ACTIVE, start_date=start),
        rules_a=duty_rules_of(batch_a),
        today=today,
    )
    duty_rules_of(batch_b)
    world._duty = found
    return found

"""Programme objects in the shared `world`: one batch in district A, one in district B.

Built on demand and kept on the world, so the authorisation matrix and view tests of every
area get the same inside/outside pair for each kind of object.
"""

from dataclasses import dataclass

from guazhi.programmes.models import Assignment, Batch, Post
from tests.factories import CadreFactory
from tests.programmes.factories import BatchFactory, PostFactory, assign, publish_notice


@dataclass
class ProgrammeWorld:
    batch_a: Batch  # coordinated by district A, dispatching 浔阳区委党校, recruiting, call out
    batch_b: Batch  # the same in district B: outside every role of the world
    post_a: Post  # 白鹿镇 党委副书记
    post_b: Post  # 莲花镇 党委副书记
    # 浔阳区委党校's 陈明 proposed for post_a; the cadre 张三 (the world's cadre) is free to apply.
    assignment_a: Assignment
    assignment_b: Assignment


def programme_world(world) -> ProgrammeWorld:  # type: ignore[no-untyped-def]
    found = getattr(world, "_programmes", None)
    if found is not None:
        return found
    batch_a = BatchFactory(
        name="2027年浔阳区挂职干部", coordinating_org=world.district_a, dispatching=[world.school_a]
    )
    batch_b = BatchFactory(
        name="2027年濂溪区挂职干部", coordinating_org=world.district_b, dispatching=[world.school_b]
    )
    publish_notice(batch_a)
    publish_notice(batch_b)
    post_a = PostFactory(batch=batch_a, host_unit=world.township_a)
    post_b = PostFactory(batch=batch_b, host_unit=world.township_b)
    serving_a = CadreFactory(name="陈明", home_unit=world.school_a)
    serving_b = CadreFactory(name="周亮", home_unit=world.school_b)
    found = ProgrammeWorld(
        batch_a=batch_a,
        batch_b=batch_b,
        post_a=post_a,
        post_b=post_b,
        assignment_a=assign(post_a, serving_a),
        assignment_b=assign(post_b, serving_b),
    )
    world._programmes = found
    return found

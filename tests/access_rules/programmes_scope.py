"""Inside/outside objects for the programme kwargs every area shares: batches, posts,
assignments. Each area's own kwargs (runs, groups, …) live in that area's rule module."""

from tests.programmes.world import programme_world

RULES: dict = {}


def _batches(world, role):  # type: ignore[no-untyped-def]
    found = programme_world(world)
    return found.batch_a, found.batch_b


def _posts(world, role):  # type: ignore[no-untyped-def]
    found = programme_world(world)
    return found.post_a, found.post_b


def _assignments(world, role):  # type: ignore[no-untyped-def]
    found = programme_world(world)
    if role == "cadre":  # a cadre's inside assignment is their own
        from guazhi.programmes.models import Assignment
        from tests.programmes.factories import assign

        own = Assignment.objects.filter(cadre=world.cadre_a).first()
        return own or assign(found.post_a, world.cadre_a), found.assignment_b
    return found.assignment_a, found.assignment_b


SCOPED = {"batch_pk": _batches, "post_pk": _posts, "assignment_pk": _assignments}

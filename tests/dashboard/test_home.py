"""The home page tells each role where its programmes stand."""

from django.urls import reverse

from guazhi.programmes.models import AssignmentState
from tests.pages import as_user, page
from tests.programmes.factories import assign
from tests.programmes.world import programme_world


def test_programme_staff_see_their_running_batches_and_people_on_duty(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    found.assignment_a.state = AssignmentState.ACTIVE
    found.assignment_a.save(update_fields=["state"])
    html = page(as_user(client, world, "host_leader").get(reverse("home")))
    assert "2027年浔阳区挂职干部" in html
    assert "2027年濂溪区挂职干部" not in html  # outside the host leader's reach
    assert '<span class="value">1</span><span class="label">在岗挂职干部</span>' in html


def test_a_cadre_on_duty_sees_where_they_serve(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    assign(found.post_a, world.cadre_a, state=AssignmentState.ACTIVE)
    html = page(as_user(client, world, "cadre").get(reverse("home")))
    assert "我的挂职" in html
    assert "白鹿镇 · 党委副书记" in html


def test_a_cadre_only_proposed_sees_no_secondment_yet(world, client) -> None:  # type: ignore[no-untyped-def]
    found = programme_world(world)
    assign(found.post_a, world.cadre_a, state=AssignmentState.PROPOSED)
    assert "我的挂职" not in page(as_user(client, world, "cadre").get(reverse("home")))

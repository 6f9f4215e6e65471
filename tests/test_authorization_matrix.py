"""The authorisation matrix: every URL pattern, every role, objects inside and outside scope.

Each named URL pattern of the project must have a rule here. A new view without a rule fails
`test_every_url_pattern_has_a_rule`, so nobody can add a page and forget who may open it.

A rule says which method to use, which roles may use the view at all (others get 403, the
anonymous visitor is sent to the login page), and which URL argument names an object whose
scope is checked: for that argument each role is given an object inside its own scope (the
view answers) and one outside it (the view answers 404, the same as for a missing object).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

EVERY_ROLE = ("admin", "coordinator", "dispatch_admin", "host_leader", "group_leader", "cadre")
MANAGERS = ("admin", "coordinator")
ROSTER = ("admin", "coordinator", "dispatch_admin")
UNIT_READERS = ("admin", "coordinator", "dispatch_admin", "host_leader")


@dataclass(frozen=True)
class Rule:
    allowed: tuple[str, ...]
    method: str = "GET"
    public: bool = False
    # URL kwarg whose object is checked against scope ("" when the view has no object).
    scoped: str = ""
    # Which inside/outside objects to use when they differ from the kwarg's usual ones (a duty
    # page's `assignment_pk` needs an assignment on duty, not the programme world's proposed one).
    objects: str = ""
    # Roles for which the view answers for the inside object but has no outside object to
    # refuse (e.g. an admin's scope has no outside).
    unscoped_roles: tuple[str, ...] = ("admin",)
    data: dict = field(default_factory=dict)


RULES: dict[str, Rule] = {
    "home": Rule(EVERY_ROLE),
    "healthz": Rule(EVERY_ROLE, public=True),
    "login": Rule(EVERY_ROLE, public=True),
    "logout": Rule(EVERY_ROLE, method="POST", public=True),
    "language_switch": Rule(EVERY_ROLE, method="POST", public=True, data={"language": "en"}),
    "password_change": Rule(EVERY_ROLE),
    "orgs:unit_list": Rule(UNIT_READERS),
    "orgs:unit_create": Rule(MANAGERS),
    "orgs:unit_detail": Rule(UNIT_READERS, scoped="unit_pk"),
    "orgs:unit_edit": Rule(MANAGERS, scoped="unit_pk"),
    "orgs:unit_move": Rule(MANAGERS, scoped="unit_pk"),
    "orgs:unit_import": Rule(MANAGERS),
    "orgs:unit_import_sample": Rule(MANAGERS),
    "orgs:cadre_list": Rule(ROSTER),
    "orgs:cadre_create": Rule(ROSTER),
    "orgs:cadre_detail": Rule((*ROSTER, "cadre"), scoped="cadre_pk"),
    "orgs:cadre_edit": Rule(ROSTER, scoped="cadre_pk"),
    "orgs:cadre_account_create": Rule(ROSTER, method="POST", scoped="cadre_pk"),
    "orgs:cadre_import": Rule(ROSTER),
    "orgs:cadre_import_sample": Rule(ROSTER),
    "orgs:cadre_export": Rule(ROSTER, method="POST"),
    # Admins hold every role, so they pass every role guard.
    "orgs:my_profile": Rule(("admin", "cadre")),
    "orgs:role_list": Rule(MANAGERS),
    "orgs:role_grant": Rule(MANAGERS),
    "orgs:role_revoke": Rule(MANAGERS, method="POST", scoped="role_pk"),
    "core:calendar": Rule(("admin",)),
    "core:calendar_override_create": Rule(("admin",), method="POST"),
    "core:calendar_override_delete": Rule(("admin",), method="POST", scoped="override_pk"),
    "core:audit_list": Rule(MANAGERS),
    # A job belongs to the one who started it: everyone else, admins included, gets 404.
    "core:job_detail": Rule(EVERY_ROLE, scoped="job_pk", unscoped_roles=()),
    "core:job_download": Rule(EVERY_ROLE, scoped="job_pk", unscoped_roles=()),
}


def _area_modules() -> list:  # type: ignore[type-arg]
    """Per-area rule modules (tests/access_rules/<area>.py): each has RULES, and SCOPED, a
    mapping of URL kwarg -> function(world, role) -> (inside, outside), for its own kwargs."""
    import importlib
    import pkgutil

    import tests.access_rules as package

    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


for _module in _area_modules():
    _clash = RULES.keys() & _module.RULES.keys()
    assert not _clash, f"rules given twice: {_clash}"
    RULES.update(_module.RULES)


def url_pattern_names() -> set[str]:
    """Every named pattern of the project (namespaced), as reverse() knows it."""
    names: set[str] = set()

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                if not pattern.name:
                    raise AssertionError(f"URL pattern without a name: {pattern.pattern}")
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_pattern_has_a_rule() -> None:
    names = url_pattern_names()
    assert sorted(names - RULES.keys()) == [], "URL patterns with no rule in RULES"
    assert sorted(RULES.keys() - names) == [], "rules for URL patterns that no longer exist"


def test_every_view_declares_who_may_open_it() -> None:
    """The decorator is the enforcement; the matrix below checks it does what RULES says."""

    def walk(patterns: list) -> list[tuple[str, Callable]]:
        found = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found += walk(pattern.url_patterns)
            else:
                found.append((str(pattern.pattern), pattern.callback))
        return found

    undeclared = [
        route
        for route, view in walk(get_resolver().url_patterns)
        if not (hasattr(view, "guazhi_roles") or getattr(view, "guazhi_public", False))
    ]
    assert undeclared == []


# Objects inside and outside each role's scope --------------------------------------------


def scoped_objects(world, kwarg: str, role: str) -> tuple[object, object]:  # type: ignore[no-untyped-def]
    """(inside, outside) for `role`: inside is within what that role's grant reaches."""
    from guazhi.core.models import Job, WorkdayOverride
    from guazhi.orgs.models import RoleAssignment
    from tests.factories import UserFactory, grant

    if kwarg == "unit_pk":
        inside = {"dispatch_admin": world.school_a, "host_leader": world.township_a}.get(
            role, world.township_a
        )
        return inside, world.township_b
    if kwarg == "cadre_pk":
        return world.cadre_a, world.cadre_b
    if kwarg == "role_pk":
        # Fresh grants for each role's turn: an allowed role really revokes the inside one.
        insider = grant(
            UserFactory(username=f"in-{uuid.uuid4().hex[:6]}"), "host_leader", world.township_a
        )
        outsider = grant(
            UserFactory(username=f"out-{uuid.uuid4().hex[:6]}"), "host_leader", world.township_b
        )
        return (
            RoleAssignment.objects.get(user=insider),
            RoleAssignment.objects.get(user=outsider),
        )
    if kwarg == "override_pk":
        import datetime as dt

        override, _ = WorkdayOverride.objects.get_or_create(
            date=dt.date(2027, 1, 1), defaults={"is_workday": False}
        )
        return override, None
    if kwarg == "job_pk":
        user = world.users[role]
        mine = Job.objects.create(kind="cadre_export", owner=user, state=Job.State.RUNNING)
        other_user = UserFactory(username=f"other-{uuid.uuid4().hex[:6]}")
        theirs = Job.objects.create(kind="cadre_export", owner=other_user, state=Job.State.RUNNING)
        return mine, theirs
    for module in _area_modules():
        if kwarg in getattr(module, "SCOPED", {}):
            return module.SCOPED[kwarg](world, role)
    raise AssertionError(f"no scoped objects for {kwarg}")


def request(client, rule: Rule, url: str):  # type: ignore[no-untyped-def]
    if rule.method == "POST":
        return client.post(url, rule.data)
    return client.get(url)


def is_login_redirect(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(RULES))
def test_matrix(name: str, world, client) -> None:  # type: ignore[no-untyped-def]
    rule = RULES[name]
    failures: list[str] = []

    def check(who: str, url: str, expected: str) -> None:
        response = request(client, rule, url)
        status = response.status_code
        if expected == "answers":
            # A public view may answer by sending to the login page (logout does).
            ok = status in (200, 302) and (rule.public or not is_login_redirect(response))
        elif expected == "login":
            ok = is_login_redirect(response)
        else:
            ok = status == int(expected)
        if not ok:
            failures.append(f"{who} {rule.method} {url}: expected {expected}, got {status}")

    if not rule.scoped:
        url = reverse(name)
        check("anonymous", url, "answers" if rule.public else "login")
        for role in EVERY_ROLE:
            client.force_login(world.users[role])
            check(role, url, "answers" if role in rule.allowed else "403")
            client.logout()
    else:
        for role in EVERY_ROLE:
            inside, outside = scoped_objects(world, rule.objects or rule.scoped, role)
            inside_url = reverse(name, kwargs={rule.scoped: inside.pk})
            if role == EVERY_ROLE[0]:
                check("anonymous", inside_url, "login")
            client.force_login(world.users[role])
            if role not in rule.allowed:
                check(role, inside_url, "403")
            else:
                check(role, inside_url, "answers")
                if outside is not None:
                    outside_url = reverse(name, kwargs={rule.scoped: outside.pk})
                    expected = "answers" if role in rule.unscoped_roles else "404"
                    check(role, outside_url, expected)
            client.logout()
    assert failures == []

"""Demo data and seeding: the same on every run, valid, complete, and usable by every role."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory

from guazhi.core.models import AuditEvent
from guazhi.core.text import initials, name_syllables, text_syllables
from guazhi.orgs import demo, services
from guazhi.orgs.idcard import gender_of, id_number_problem
from guazhi.orgs.models import (
    CadreProfile,
    CadreRelative,
    Organisation,
    OrgKind,
    Role,
    RoleAssignment,
)
from tests.factories import CadreFactory

HOST_KINDS = {OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT, OrgKind.COMMUNITY}


def names_and_numbers(people):  # type: ignore[no-untyped-def]
    return [(fields["name"], fields["id_number"]) for _unit, fields in people]


def assert_tree_and_pinyin_as_the_services_fill_them() -> None:
    for unit in Organisation.objects.select_related("parent"):
        parent_path = unit.parent.path if unit.parent else ""
        assert unit.path == f"{parent_path}{unit.pk}.", unit.name
        syllables = text_syllables(unit.name)
        assert (unit.name_pinyin, unit.name_initials) == (" ".join(syllables), initials(syllables))
    for profile in CadreProfile.objects.all():
        syllables = name_syllables(profile.name)
        assert (profile.name_pinyin, profile.name_initials) == (
            " ".join(syllables),
            initials(syllables),
        )


# The people, before any database -------------------------------------------------------------


def test_two_runs_give_the_same_people_and_id_numbers() -> None:
    assert names_and_numbers(demo.demo_people()) == names_and_numbers(demo.demo_people())


def test_another_seed_gives_other_people() -> None:
    assert names_and_numbers(demo.demo_people(1)) != names_and_numbers(demo.demo_people())


def test_every_demo_id_number_is_valid_and_agrees_with_the_profile() -> None:
    people = [fields for _unit, fields in demo.demo_people()]
    for fields in people:
        number = fields["id_number"]
        assert id_number_problem(number, fields["birth_date"]) is None, number
        assert gender_of(number) == fields["gender"]
        assert number[:6] == fields["native_region_code"]
    assert len({fields["id_number"] for fields in people}) == len(people)


def test_demo_people_are_many_varied_and_realistic() -> None:
    people = [fields for _unit, fields in demo.demo_people()]
    names = [fields["name"] for fields in people]
    assert len(people) >= 60
    assert len(set(names)) == len(names)
    assert {len(name) for name in names} >= {2, 3}
    assert {"单", "曾", "解"} <= {name[0] for name in names}
    assert {fields["gender"] for fields in people} == {"男", "女"}
    assert "汉族" in {fields["ethnicity"] for fields in people}
    assert len({fields["ethnicity"] for fields in people}) >= 2
    assert len({fields["political_status"] for fields in people}) >= 3
    assert all(re.fullmatch(r"1[3-9]\d{9}", fields["phone"]) for fields in people)
    assert all(set(fields["expertise"]) <= set(demo.EXPERTISE_TAGS) for fields in people)
    # No cadre too young for the rank the post carries.
    for fields in people:
        low, _high = demo.AGES[fields["rank"]]
        assert demo.REFERENCE_YEAR - fields["birth_date"].year >= low


def test_every_generated_profile_passes_the_services_own_checks() -> None:
    for unit_name, fields in demo.demo_people():
        problems = services.cadre_field_errors(fields | {"home_unit": Organisation(name=unit_name)})
        assert problems == {}, (fields["name"], problems)


# The demo city, written through the services ---------------------------------------------------


@pytest.fixture
def demo_city(db):  # type: ignore[no-untyped-def]
    return demo.demo_load()


def test_demo_city_has_the_promised_units_and_cadres(demo_city) -> None:  # type: ignore[no-untyped-def]
    counties = Organisation.objects.filter(kind=OrgKind.COUNTY)
    assert 3 <= counties.count() <= 4
    assert len(demo_city.dispatching_units) >= 3
    assert len(demo_city.host_units) >= 15
    assert Organisation.objects.filter(
        kind=OrgKind.ORGANISATION_DEPARTMENT, name="中共江州市委组织部"
    ).exists()
    assert {unit.kind for unit in demo_city.dispatching_units} >= {
        OrgKind.PARTY_SCHOOL,
        OrgKind.UNIVERSITY,
        OrgKind.PARTY_GOVERNMENT,
        OrgKind.STATE_ENTERPRISE,
    }
    assert {unit.kind for unit in demo_city.host_units} >= HOST_KINDS
    assert CadreProfile.objects.count() == len(demo.demo_people()) >= 60
    assert set(CadreProfile.objects.values_list("home_unit__name", flat=True)) == {
        unit.name for unit in demo_city.dispatching_units
    }
    assert all(unit.region_code.startswith("3604") for unit in Organisation.objects.all())


def test_demo_city_is_the_same_people_as_the_generator(demo_city) -> None:  # type: ignore[no-untyped-def]
    stored = list(CadreProfile.objects.order_by("pk").values_list("name", "id_number"))
    assert stored == names_and_numbers(demo.demo_people())


def test_demo_writes_go_through_the_services_with_an_audit_trail(demo_city) -> None:  # type: ignore[no-untyped-def]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("org.create") == Organisation.objects.count()
    assert actions.count("cadre.create") == CadreProfile.objects.count()
    assert actions.count("account.create") == len(demo.DEMO_ACCOUNTS)
    assert_tree_and_pinyin_as_the_services_fill_them()


def test_polyphonic_surnames_sort_by_their_surname_reading(demo_city) -> None:  # type: ignore[no-untyped-def]
    readings = {
        profile.name[0]: profile.name_pinyin.split()[0] for profile in CadreProfile.objects.all()
    }
    assert (readings["单"], readings["曾"], readings["解"]) == ("shan", "zeng", "xie")


def test_some_cadres_have_avoidance_relatives_in_host_units(demo_city) -> None:  # type: ignore[no-untyped-def]
    relatives = CadreRelative.objects.select_related("unit")
    host_ids = {unit.pk for unit in demo_city.host_units}
    assert relatives.count() >= 3
    assert all(
        relative.unit_id in host_ids and relative.unit.name == relative.unit_name
        for relative in relatives
    )


def test_every_demo_account_logs_in_with_the_documented_password_and_holds_its_role(
    demo_city,
) -> None:  # type: ignore[no-untyped-def]
    for account in demo.DEMO_ACCOUNTS:
        request = RequestFactory().post("/login/")
        user = authenticate(request, username=account.username, password=demo.DEMO_PASSWORD)
        assert user is not None, account.username
        if account.profile_index is not None:
            assert CadreProfile.objects.get(user=user) == demo_city.cadres[account.profile_index]
        if account.role == Role.GROUP_LEADER:
            # Leading a group of the demo batch on duty grants the role, over the batch's
            # coordinating unit for that batch: tests/programmes/test_demo.py checks it.
            assert not RoleAssignment.objects.filter(user=user, role=account.role).exists()
            assert RoleAssignment.objects.filter(user=user, role=Role.CADRE).exists()
            continue
        assert RoleAssignment.objects.filter(
            user=user, role=account.role, organisation__name=account.scope
        ).exists(), account.username


def test_the_demo_login_form_takes_the_coordinator_to_the_roster(demo_city, client) -> None:  # type: ignore[no-untyped-def]
    answer = client.post("/login/", {"username": "coordinator", "password": demo.DEMO_PASSWORD})
    assert answer.status_code == 302
    assert client.get("/orgs/cadres/").status_code == 200


def test_every_role_has_a_demo_account() -> None:
    assert {account.role for account in demo.DEMO_ACCOUNTS} == set(Role.values)


def test_the_demo_password_is_the_one_the_readme_announces() -> None:
    assert demo.DEMO_PASSWORD == "Guazhi-Demo-2026"


def test_the_demo_admin_reaches_everything_and_the_coordinator_the_whole_city(demo_city) -> None:  # type: ignore[no-untyped-def]
    from guazhi.orgs import selectors

    users = {account.username: user for account, user in demo_city.accounts}
    total = CadreProfile.objects.count()
    assert selectors.cadre_list(actor=users["admin"]).count() == total
    assert selectors.cadre_list(actor=users["coordinator"]).count() == total
    school = demo_city.units["中共江州市委党校"]
    assert (
        selectors.cadre_list(actor=users["dispatch.dangxiao"]).count()
        == school.cadres.count()
        == 12
    )


# The commands ---------------------------------------------------------------------------------


def test_demo_data_command_loads_and_prints_every_account(db) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    printed = out.getvalue()
    for account in demo.DEMO_ACCOUNTS:
        assert re.search(rf"{re.escape(account.username)}\s+Guazhi-Demo-2026", printed), (
            account.username
        )
    assert CadreProfile.objects.count() == len(demo.demo_people())


def test_demo_data_if_empty_leaves_a_database_with_units_alone(demo_city) -> None:  # type: ignore[no-untyped-def]
    before = (
        Organisation.objects.count(),
        CadreProfile.objects.count(),
        AuditEvent.objects.count(),
    )
    out = StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert "未载入演示数据" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("demo_data", stdout=StringIO())
    assert (
        Organisation.objects.count(),
        CadreProfile.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_seed_scale_200_makes_200_cadres_and_units_in_proportion(db) -> None:  # type: ignore[no-untyped-def]
    call_command("seed", "--scale", "200", stdout=StringIO())
    assert CadreProfile.objects.count() == 200
    host = Organisation.objects.filter(kind__in=HOST_KINDS).count()
    bureaus = Organisation.objects.filter(kind=OrgKind.PARTY_GOVERNMENT, level="county").count()
    assert host + bureaus == 10
    senders = set(CadreProfile.objects.values_list("home_unit_id", flat=True))
    assert len(senders) == 1
    assert Organisation.objects.filter(parent=None).count() == 1
    assert_tree_and_pinyin_as_the_services_fill_them()
    numbers = list(CadreProfile.objects.values_list("id_number", "birth_date"))
    assert all(id_number_problem(number, born) is None for number, born in numbers)
    assert AuditEvent.objects.filter(action="orgs.seed", detail__cadres=200).count() == 1


def test_seed_gives_the_same_rows_for_the_same_scale(db) -> None:  # type: ignore[no-untyped-def]
    def seeded() -> list[tuple[str, str, str, dt.date]]:
        with transaction.atomic():
            demo.seed(60)
            rows = list(
                CadreProfile.objects.order_by("pk").values_list(
                    "name", "id_number", "home_unit__name", "birth_date"
                )
            )
            transaction.set_rollback(True)
        return rows

    first = seeded()
    assert len(first) == 60
    assert seeded() == first


def test_seed_on_top_of_the_demo_city_adds_without_clashing(demo_city) -> None:  # type: ignore[no-untyped-def]
    demo.seed(400)
    assert CadreProfile.objects.count() == len(demo_city.cadres) + 400
    assert Organisation.objects.filter(parent=None).get().name == "江州市"
    assert_tree_and_pinyin_as_the_services_fill_them()


# The roster page on the demo city -------------------------------------------------------------


def test_roster_page_shows_50_rows_and_the_whole_count(demo_city, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(demo_city.accounts[1][1])  # coordinator over the city
    page = client.get("/orgs/cadres/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('<td data-label="姓名">') == 50
    assert f"共 {len(demo_city.cadres)} 人" in html
    second = client.get("/orgs/cadres/?page=2").content.decode()
    assert second.count('<td data-label="姓名">') == len(demo_city.cadres) - 50


def test_roster_count_follows_a_new_cadre_at_once(demo_city, client) -> None:  # type: ignore[no-untyped-def]
    coordinator = demo_city.accounts[1][1]
    client.force_login(coordinator)
    total = len(demo_city.cadres)
    assert f"共 {total} 人" in client.get("/orgs/cadres/").content.decode()
    fields = dict(demo.demo_people(seed=99)[0][1])
    services.cadre_create(actor=coordinator, home_unit=demo_city.dispatching_units[0], **fields)
    assert f"共 {total + 1} 人" in client.get("/orgs/cadres/").content.decode()
    # A save that skips the services (and so the audit trail) is seen too.
    CadreFactory(name="甲乙", home_unit=demo_city.dispatching_units[0])
    assert f"共 {total + 2} 人" in client.get("/orgs/cadres/").content.decode()


def test_roster_search_by_initials_finds_the_cadre(demo_city, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(demo_city.accounts[1][1])
    target = next(profile for profile in demo_city.cadres if profile.name.startswith("解"))
    others = [p for p in demo_city.cadres if p.name_initials.startswith(target.name_initials)]
    answer = client.get("/orgs/cadres/", {"q": target.name_initials}, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert "<html" not in html  # the htmx answer is the results block only
    assert f"共 {len(others)} 人" in html
    assert f'href="/orgs/cadres/{target.pk}/">{target.name}</a>' in html


def test_roster_pages_of_viewers_with_other_scopes_are_not_shared(demo_city, client) -> None:  # type: ignore[no-untyped-def]
    users = {account.username: user for account, user in demo_city.accounts}
    client.force_login(users["coordinator"])
    assert f"共 {len(demo_city.cadres)} 人" in client.get("/orgs/cadres/").content.decode()
    client.force_login(users["dispatch.dangxiao"])
    html = client.get("/orgs/cadres/").content.decode()
    assert "共 12 人" in html
    assert html.count('<td data-label="姓名">') == 12

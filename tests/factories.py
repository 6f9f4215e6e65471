"""Factories build test data through the services, so tests see what users would create."""

import datetime as dt
import itertools

import factory

from guazhi.orgs import services
from guazhi.orgs.idcard import check_character
from guazhi.orgs.models import CadreProfile, Organisation, RoleAssignment, User

_serial = itertools.count(1)


def make_id_number(birth_date: dt.date, region: str = "360403", female: bool = False) -> str:
    sequence = next(_serial) % 500 * 2 + (0 if female else 1)
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("Correct-Horse-42")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = "party_government"
    level = "county"
    parent = None

    @factory.post_generation
    def _path(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        services.fill_unit_pinyin(obj)
        obj.path = Organisation.path_for(obj.parent, obj.pk)
        obj.save(update_fields=["path", "name_pinyin", "name_initials"])


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CadreProfile
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"干部{n}")
    gender = "男"
    birth_date = dt.date(1986, 5, 20)
    political_status = "中共党员"
    education = "大学本科"
    degree = "学士"
    staff_type = "公务员"
    rank = "正科级"
    position = "科长"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    id_number = factory.LazyAttribute(
        lambda o: make_id_number(o.birth_date, female=o.gender == "女")
    )
    expertise = factory.LazyFunction(lambda: ["招商引资"])

    @factory.post_generation
    def _pinyin(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        services.fill_cadre_pinyin(obj)
        obj.save(update_fields=["name_pinyin", "name_initials"])


def grant(user: User, role: str, organisation: Organisation) -> User:
    from guazhi.orgs.scopes import grants_changed

    RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
    grants_changed(user_ids=[user.pk])  # as role_grant does: cached scopes must not go stale
    user.refresh_from_db(fields=["roles_version"])
    return user

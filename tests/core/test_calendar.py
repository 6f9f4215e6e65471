"""The work calendar: statutory holidays and 调休 from the package, admin overrides on top."""

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guazhi.core import calendar, services
from guazhi.core.calendar import (
    add_working_days,
    covered_years,
    is_workday,
    uncovered_years_warning,
    workdays_in,
    working_days_between,
    working_half_days_between,
)
from guazhi.core.errors import Forbidden, ValidationFailed
from guazhi.core.models import AuditEvent, WorkdayOverride

D = dt.date
LAST_COVERED = covered_years()[-1]
# The first year the installed package knows nothing about (2027 with chinese-calendar 1.11).
UNCOVERED = LAST_COVERED + 1


def weekdays_of(year: int, count: int) -> list[dt.date]:
    """The first `count` Mondays–Fridays of `year`: a stand-in for a year's official rest days."""
    day, found = D(year, 1, 1), list[dt.date]()
    while len(found) < count:
        if day.weekday() < 5:
            found.append(day)
        day += dt.timedelta(days=1)
    return found


def first_saturday(year: int) -> dt.date:
    day = D(year, 1, 1)
    while day.weekday() != 5:
        day += dt.timedelta(days=1)
    return day


# What the package covers --------------------------------------------------------------------


def test_covered_years_are_exactly_the_years_the_package_answers_for() -> None:
    first, last = covered_years()[0], covered_years()[-1]
    chinese_calendar.is_workday(D(first, 6, 1))  # answers without raising
    chinese_calendar.is_workday(D(last, 6, 1))
    for outside in (D(first - 1, 6, 1), D(last + 1, 6, 1)):
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(outside)
    assert 2025 in covered_years() and 2026 in covered_years()


# Known cases, checked against the State Council notices ------------------------------------


@pytest.mark.django_db
def test_national_day_2025_rests_october_1_to_8_with_two_weekend_make_up_days() -> None:
    assert [is_workday(D(2025, 10, day)) for day in range(1, 9)] == [False] * 8
    assert is_workday(D(2025, 9, 28)) is True  # Sunday, 调休上班
    assert is_workday(D(2025, 10, 11)) is True  # Saturday, 调休上班
    assert is_workday(D(2025, 10, 12)) is False  # an ordinary Sunday
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 31)) == 18
    assert working_days_between(D(2025, 9, 1), D(2025, 9, 30)) == 23
    assert workdays_in(D(2025, 9, 27), D(2025, 10, 13)) == [
        D(2025, 9, 28),
        D(2025, 9, 29),
        D(2025, 9, 30),
        D(2025, 10, 9),
        D(2025, 10, 10),
        D(2025, 10, 11),
        D(2025, 10, 13),
    ]


@pytest.mark.django_db
def test_spring_festival_2026_rests_february_15_to_23_and_works_two_saturdays() -> None:
    assert [is_workday(D(2026, 2, day)) for day in range(15, 24)] == [False] * 9
    assert is_workday(D(2026, 2, 14)) is True  # Saturday, 调休上班
    assert is_workday(D(2026, 2, 28)) is True  # Saturday, 调休上班
    assert is_workday(D(2026, 2, 24)) is True
    assert working_days_between(D(2026, 2, 1), D(2026, 2, 28)) == 16
    assert working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == 248
    assert working_days_between(D(2025, 1, 1), D(2025, 12, 31)) == 248


@pytest.mark.django_db
def test_add_working_days_steps_over_holidays_and_onto_make_up_days() -> None:
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)  # Friday → the working Sunday
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)
    assert add_working_days(D(2025, 10, 4), 0) == D(2025, 10, 4)
    # A 5-working-day publicity opening on Tuesday 30 September 2025 closes on 14 October.
    assert add_working_days(D(2025, 9, 29), 5) == D(2025, 10, 13)


@pytest.mark.django_db
def test_an_end_before_the_start_is_an_empty_range() -> None:
    assert working_days_between(D(2025, 10, 10), D(2025, 10, 9)) == 0
    assert workdays_in(D(2025, 10, 10), D(2025, 10, 9)) == []


@pytest.mark.django_db
def test_datetimes_are_taken_as_their_date() -> None:
    assert is_workday(dt.datetime(2025, 10, 11, 9, 30)) is True
    assert working_days_between(dt.datetime(2025, 10, 1, 8), D(2025, 10, 31)) == 18


# Half days ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_half_days_count_from_the_first_half_away_to_the_last() -> None:
    monday, wednesday = D(2025, 11, 3), D(2025, 11, 5)
    assert working_half_days_between(monday, "pm", wednesday, "am") == 4
    assert working_half_days_between(monday, "am", wednesday, "pm") == 6
    assert working_half_days_between(monday, "am", monday, "pm") == 2
    assert working_half_days_between(monday, "am", monday, "am") == 1
    assert working_half_days_between(monday, "pm", monday, "pm") == 1


@pytest.mark.django_db
def test_half_days_skip_rest_days_and_empty_ranges_count_nothing() -> None:
    # Tuesday 30 September afternoon to Thursday 9 October morning 2025: the holiday is free.
    assert working_half_days_between(D(2025, 9, 30), "pm", D(2025, 10, 9), "am") == 2
    assert working_half_days_between(D(2025, 10, 4), "am", D(2025, 10, 4), "pm") == 0
    assert working_half_days_between(D(2025, 11, 3), "pm", D(2025, 11, 3), "am") == 0
    assert working_half_days_between(D(2025, 11, 4), "am", D(2025, 11, 3), "pm") == 0


@pytest.mark.django_db
def test_a_half_that_is_neither_am_nor_pm_is_refused() -> None:
    with pytest.raises(ValueError):
        working_half_days_between(D(2025, 11, 3), "morning", D(2025, 11, 4), "pm")  # type: ignore[arg-type]


# Overrides ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_override_beats_the_package_both_ways() -> None:
    WorkdayOverride.objects.create(date=D(2025, 10, 8), is_workday=True, note="更正")
    WorkdayOverride.objects.create(date=D(2025, 10, 13), is_workday=False, note="本地节日")
    assert is_workday(D(2025, 10, 8)) is True
    assert is_workday(D(2025, 10, 13)) is False
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 10)) == 3  # the package says 2
    assert working_days_between(D(2025, 10, 1), D(2025, 10, 31)) == 18  # one more, one fewer
    assert workdays_in(D(2025, 10, 7), D(2025, 10, 14)) == [
        D(2025, 10, 8),
        D(2025, 10, 9),
        D(2025, 10, 10),
        D(2025, 10, 11),
        D(2025, 10, 14),
    ]
    assert add_working_days(D(2025, 10, 11), 1) == D(2025, 10, 14)


@pytest.mark.django_db
def test_an_uncovered_year_counts_weekends_as_rest_plus_the_overrides() -> None:
    january = [D(UNCOVERED, 1, day) for day in range(1, 32)]
    weekdays = sum(1 for day in january if day.weekday() < 5)
    assert working_days_between(january[0], january[-1]) == weekdays
    saturday = first_saturday(UNCOVERED)
    first, second = weekdays_of(UNCOVERED, 2)
    WorkdayOverride.objects.create(date=first, is_workday=False)
    WorkdayOverride.objects.create(date=second, is_workday=False)
    WorkdayOverride.objects.create(date=saturday, is_workday=True)
    WorkdayOverride.objects.create(date=saturday + dt.timedelta(days=1), is_workday=False)
    assert working_days_between(january[0], january[-1]) == weekdays - 2 + 1
    assert (
        is_workday(first),
        is_workday(saturday),
        is_workday(saturday + dt.timedelta(days=1)),
    ) == (
        False,
        True,
        False,
    )


# The warning --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_uncovered_next_year_warns_until_its_schedule_is_entered() -> None:
    today = D(LAST_COVERED, 11, 23)
    warnings = uncovered_years_warning(today=today)
    assert len(warnings) == 1
    assert f"{UNCOVERED}年的法定节假日和调休安排尚未录入" in warnings[0]
    assert f"{covered_years()[0]}—{LAST_COVERED}年" in warnings[0]

    rest = weekdays_of(UNCOVERED, calendar.EXPECTED_WEEKDAY_REST_OVERRIDES)
    WorkdayOverride.objects.bulk_create(
        WorkdayOverride(date=day, is_workday=False) for day in rest[:-1]
    )
    # Weekend rest days and make-up workdays do not make a schedule: still one day short.
    WorkdayOverride.objects.create(date=first_saturday(UNCOVERED), is_workday=False)
    assert len(uncovered_years_warning(today=today)) == 1

    WorkdayOverride.objects.create(date=rest[-1], is_workday=False)
    assert uncovered_years_warning(today=today) == []


@pytest.mark.django_db
def test_covered_years_never_warn_and_an_uncovered_current_year_warns_with_the_next() -> None:
    assert uncovered_years_warning(today=D(2025, 3, 1)) == []
    warnings = uncovered_years_warning(today=D(UNCOVERED, 3, 1))
    assert [warning[:4] for warning in warnings] == [str(UNCOVERED), str(UNCOVERED + 1)]


# Properties ---------------------------------------------------------------------------------

DAYS = st.dates(min_value=D(LAST_COVERED - 2, 1, 1), max_value=D(UNCOVERED + 1, 12, 31))
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def some_overrides(db) -> None:
    """Overrides on both sides of the package's last year, so properties cross every layer."""
    for day, works in [
        (D(LAST_COVERED, 10, 8), True),
        (D(LAST_COVERED, 11, 2), True),
        (D(LAST_COVERED, 12, 31), False),
        (D(UNCOVERED, 1, 1), False),
        (first_saturday(UNCOVERED), True),
        (D(UNCOVERED, 2, 10), False),
    ]:
        WorkdayOverride.objects.create(date=day, is_workday=works)


@PROPERTY
@given(DAYS, DAYS, DAYS)
def test_counts_add_up_over_adjacent_ranges(some_overrides, a, b, c) -> None:
    a, b, c = sorted((a, b, c))
    left, right = working_days_between(a, b), working_days_between(b + dt.timedelta(days=1), c)
    assert left + right == working_days_between(a, c)


@PROPERTY
@given(DAYS, DAYS)
def test_never_more_working_days_than_calendar_days(some_overrides, a, b) -> None:
    a, b = sorted((a, b))
    count = working_days_between(a, b)
    assert 0 <= count <= (b - a).days + 1
    assert count == len(workdays_in(a, b))
    assert working_half_days_between(a, "am", b, "pm") == 2 * count


@PROPERTY
@given(DAYS, st.integers(min_value=1, max_value=80))
def test_add_working_days_inverts_the_count(some_overrides, start, n) -> None:
    later = add_working_days(start, n)
    assert is_workday(later)
    assert working_days_between(start + dt.timedelta(days=1), later) == n
    earlier = add_working_days(start, -n)
    assert is_workday(earlier)
    assert working_days_between(earlier, start - dt.timedelta(days=1)) == n


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dates(min_value=D(covered_years()[0], 1, 1), max_value=D(LAST_COVERED, 12, 31)))
def test_without_overrides_every_covered_day_agrees_with_the_package(db, day) -> None:
    assert is_workday(day) is chinese_calendar.is_workday(day)


# Services -----------------------------------------------------------------------------------


def test_an_admin_sets_an_override_and_the_trail_records_it(world) -> None:
    admin = world.users["admin"]
    override = services.workday_override_set(
        actor=admin, date=D(2025, 10, 13), is_workday=False, note=" 本地节日 "
    )
    assert (override.date, override.is_workday, override.note) == (
        D(2025, 10, 13),
        False,
        "本地节日",
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_type, event.object_id) == (
        "calendar.override_create",
        admin,
        "core.workdayoverride",
        str(override.pk),
    )
    assert event.detail == {"date": "2025-10-13", "is_workday": False, "note": "本地节日"}


def test_setting_an_existing_date_updates_it_and_records_the_change(world) -> None:
    admin = world.users["admin"]
    first = services.workday_override_set(
        actor=admin, date=D(2025, 10, 13), is_workday=False, note=""
    )
    second = services.workday_override_set(
        actor=admin, date=D(2025, 10, 13), is_workday=True, note="更正"
    )
    assert second.pk == first.pk
    assert WorkdayOverride.objects.get().is_workday is True
    event = AuditEvent.objects.filter(action="calendar.override_update").get()
    assert event.detail == {
        "date": "2025-10-13",
        "changes": {"is_workday": [False, True], "note": ["", "更正"]},
    }
    services.workday_override_set(actor=admin, date=D(2025, 10, 13), is_workday=True, note="更正")
    assert AuditEvent.objects.count() == 2  # nothing changed, nothing written


def test_deleting_an_override_restores_the_package_and_is_recorded(world) -> None:
    admin = world.users["admin"]
    override = services.workday_override_set(
        actor=admin, date=D(2025, 10, 8), is_workday=True, note=""
    )
    services.workday_override_delete(actor=admin, override=override)
    assert WorkdayOverride.objects.count() == 0
    assert is_workday(D(2025, 10, 8)) is False
    event = AuditEvent.objects.get(action="calendar.override_delete")
    assert event.object_id == str(override.pk)
    assert event.detail == {"date": "2025-10-08", "is_workday": True, "note": ""}


@pytest.mark.parametrize(
    "role", ["coordinator", "dispatch_admin", "host_leader", "group_leader", "cadre"]
)
def test_only_admins_change_the_calendar(world, role) -> None:
    existing = WorkdayOverride.objects.create(date=D(2025, 10, 8), is_workday=True)
    actor = world.users[role]
    with pytest.raises(Forbidden):
        services.workday_override_set(actor=actor, date=D(2025, 10, 13), is_workday=False, note="")
    with pytest.raises(Forbidden):
        services.workday_override_delete(actor=actor, override=existing)
    with pytest.raises(Forbidden):
        services.workday_overrides_import_year(
            actor=actor,
            year=UNCOVERED,
            rest_days=[D(UNCOVERED, 1, 1)],
            make_up_workdays=[],
            note="",
        )
    assert list(WorkdayOverride.objects.values_list("date", "is_workday")) == [
        (D(2025, 10, 8), True)
    ]
    assert AuditEvent.objects.count() == 0


def test_a_too_long_note_is_refused_by_field(world) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.workday_override_set(
            actor=world.users["admin"], date=D(2025, 10, 13), is_workday=False, note="长" * 101
        )
    assert refused.value.detail == {"note": "说明不能超过100个字。"}
    assert WorkdayOverride.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_importing_a_year_enters_it_in_one_go_and_silences_the_warning(world) -> None:
    admin = world.users["admin"]
    local = WorkdayOverride.objects.create(
        date=D(UNCOVERED, 6, 1), is_workday=False, note="本地节日"
    )
    rest = [*weekdays_of(UNCOVERED, 13), first_saturday(UNCOVERED) + dt.timedelta(days=1)]
    make_up = [first_saturday(UNCOVERED) + dt.timedelta(days=14)]
    WorkdayOverride.objects.create(date=rest[0], is_workday=True)  # an earlier guess, corrected

    result = services.workday_overrides_import_year(
        actor=admin, year=UNCOVERED, rest_days=rest, make_up_workdays=make_up, note="国办通知"
    )

    assert (result.created, result.updated, result.unchanged) == (14, 1, 0)
    assert WorkdayOverride.objects.filter(is_workday=False, note="国办通知").count() == 14
    assert WorkdayOverride.objects.get(date=make_up[0]).is_workday is True
    assert WorkdayOverride.objects.get(pk=local.pk).note == "本地节日"  # other overrides stay
    assert uncovered_years_warning(today=D(LAST_COVERED, 12, 1)) == []
    event = AuditEvent.objects.get()
    assert event.action == "calendar.import_year"
    assert event.detail["year"] == UNCOVERED
    assert event.detail["make_up_workdays"] == [make_up[0].isoformat()]
    assert len(event.detail["rest_days"]) == 14
    assert (event.detail["created"], event.detail["updated"]) == (14, 1)

    again = services.workday_overrides_import_year(
        actor=admin, year=UNCOVERED, rest_days=rest, make_up_workdays=make_up, note="国办通知"
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 15)


@pytest.mark.parametrize(
    ("rest", "make_up", "field", "message"),
    [
        ([], [], "rest_days", "请至少填写一个放假日期或调休上班日期。"),
        (
            [D(UNCOVERED + 1, 1, 1)],
            [],
            "rest_days",
            f"以下日期不在{UNCOVERED}年内：{UNCOVERED + 1}-01-01。",
        ),
        ([], [weekdays_of(UNCOVERED, 1)[0]], "make_up_workdays", "调休上班日应为周六或周日"),
        (
            [first_saturday(UNCOVERED)],
            [first_saturday(UNCOVERED)],
            "make_up_workdays",
            "同时填在了放假和调休上班中",
        ),
    ],
)
def test_a_bad_schedule_is_refused_whole(world, rest, make_up, field, message) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.workday_overrides_import_year(
            actor=world.users["admin"],
            year=UNCOVERED,
            rest_days=rest,
            make_up_workdays=make_up,
            note="",
        )
    assert message in refused.value.detail[field]
    assert WorkdayOverride.objects.count() == 0
    assert AuditEvent.objects.count() == 0

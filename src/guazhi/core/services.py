"""Writes to the shared building blocks: the admins' work-calendar overrides."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guazhi.core.audit import audit_record, changed_fields
from guazhi.core.errors import Forbidden, NotFound, ValidationFailed
from guazhi.core.models import WorkdayOverride
from guazhi.core.text import join_list
from guazhi.orgs.scopes import scopes_of

NOTE_MAX = 100
# The People's Republic's holiday rules start in 1949; nobody plans leave past 2100.
FIRST_YEAR, LAST_YEAR = 1949, 2100


def _check_admin(actor) -> None:  # type: ignore[no-untyped-def]
    if not scopes_of(actor).is_admin:
        raise Forbidden(_("只有系统管理员可以维护工作日历。"))


def _note_errors(note: str) -> dict[str, str]:
    if len(note) > NOTE_MAX:
        return {"note": _("说明不能超过%(n)s个字。") % {"n": NOTE_MAX}}
    return {}


def _day_list(days: list[dt.date]) -> str:
    return join_list(day.isoformat() for day in sorted(days))


@transaction.atomic
def workday_override_set(
    *, actor, date: dt.date, is_workday: bool, note: str = ""
) -> WorkdayOverride:  # type: ignore[no-untyped-def]
    """Make `date` a working day or a rest day whatever the package says; create or update."""
    _check_admin(actor)
    note = (note or "").strip()
    errors = _note_errors(note)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors["date"] = _("请填写日期，格式如 2027-01-01。")
    elif not FIRST_YEAR <= date.year <= LAST_YEAR:
        errors["date"] = _("日期应在%(first)s年至%(last)s年之间。") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    if not isinstance(is_workday, bool):
        errors["is_workday"] = _("请选择上班或休息。")
    if errors:
        raise ValidationFailed(_("工作日历调整有误。"), detail=errors)
    override = WorkdayOverride.objects.select_for_update().filter(date=date).first()
    if override is None:
        override = WorkdayOverride.objects.create(date=date, is_workday=is_workday, note=note)
        audit_record(
            actor=actor,
            action="calendar.override_create",
            obj=override,
            detail={"date": date.isoformat(), "is_workday": is_workday, "note": note},
        )
        return override
    before = {"is_workday": override.is_workday, "note": override.note}
    override.is_workday, override.note = is_workday, note
    changes = changed_fields(override, before, ["is_workday", "note"])
    if changes:
        override.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor,
            action="calendar.override_update",
            obj=override,
            detail={"date": date.isoformat(), "changes": changes},
        )
    return override


@transaction.atomic
def workday_override_delete(*, actor, override: WorkdayOverride) -> None:  # type: ignore[no-untyped-def]
    """Drop an override: the date goes back to what the package (or the weekend rule) says."""
    _check_admin(actor)
    locked = WorkdayOverride.objects.select_for_update().filter(pk=override.pk).first()
    if locked is None:
        raise NotFound()
    audit_record(
        actor=actor,
        action="calendar.override_delete",
        obj=locked,
        detail={
            "date": locked.date.isoformat(),
            "is_workday": locked.is_workday,
            "note": locked.note,
        },
    )
    locked.delete()


@dataclass(frozen=True)
class YearImport:
    year: int
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def workday_overrides_import_year(  # type: ignore[no-untyped-def]
    *,
    actor,
    year: int,
    rest_days: list[dt.date],
    make_up_workdays: list[dt.date],
    note: str = "",
) -> YearImport:
    """Enter a year's official schedule (国务院办公厅放假通知) in one go, all or nothing.

    Rest days may include the weekends inside a holiday (harmless, and the page then shows the
    holiday as one run); make-up workdays (调休上班) are always a Saturday or Sunday. Dates
    already overridden are updated; other overrides of the year (local festivals) are kept.
    """
    _check_admin(actor)
    note = (note or "").strip()
    rest, work = set(rest_days), set(make_up_workdays)
    errors = _note_errors(note)
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = _("年份应在%(first)s年至%(last)s年之间。") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
        raise ValidationFailed(_("全年安排有误。"), detail=errors)
    if not rest and not work:
        errors["rest_days"] = _("请至少填写一个放假日期或调休上班日期。")
    for field, days in (("rest_days", rest), ("make_up_workdays", work)):
        outside = [day for day in days if day.year != year]
        if outside:
            errors[field] = _("以下日期不在%(year)s年内：%(days)s。") % {
                "year": year,
                "days": _day_list(outside),
            }
    weekdays = [day for day in work if day.weekday() < 5]
    if weekdays and "make_up_workdays" not in errors:
        errors["make_up_workdays"] = _("调休上班日应为周六或周日，以下日期不是：%(days)s。") % {
            "days": _day_list(weekdays)
        }
    both = rest & work
    if both and "make_up_workdays" not in errors:
        errors["make_up_workdays"] = _("以下日期同时填在了放假和调休上班中：%(days)s。") % {
            "days": _day_list(list(both))
        }
    if errors:
        raise ValidationFailed(_("全年安排有误。"), detail=errors)

    wanted = {day: False for day in rest} | {day: True for day in work}
    existing = {
        row.date: row for row in WorkdayOverride.objects.select_for_update().filter(date__in=wanted)
    }
    now = timezone.now()
    to_create, to_update = [], []
    for day, works in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            to_create.append(WorkdayOverride(date=day, is_workday=works, note=note))
        elif (row.is_workday, row.note) != (works, note):
            row.is_workday, row.note, row.updated_at = works, note, now
            to_update.append(row)
    WorkdayOverride.objects.bulk_create(to_create)
    WorkdayOverride.objects.bulk_update(to_update, ["is_workday", "note", "updated_at"])
    result = YearImport(
        year, len(to_create), len(to_update), len(wanted) - len(to_create) - len(to_update)
    )
    audit_record(
        actor=actor,
        action="calendar.import_year",
        detail={
            "year": year,
            "rest_days": sorted(day.isoformat() for day in rest),
            "make_up_workdays": sorted(day.isoformat() for day in work),
            "note": note,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return result

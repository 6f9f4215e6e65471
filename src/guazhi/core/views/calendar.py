"""The admins' work-calendar page: a year's holidays and make-up workdays, and the overrides."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from guazhi.core import calendar, selectors, services
from guazhi.core.errors import ValidationFailed
from guazhi.core.forms import GuazhiForm, show_service_errors
from guazhi.core.jinja import format_date
from guazhi.core.rendering import render_page
from guazhi.orgs.access import roles_required
from guazhi.orgs.models import Role

# Whole names, not 一…日 put after 周: English has no such prefix.
WEEKDAYS = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)
# A typo like 2027-01-01~2027-11-03 would silently rest ten months; no holiday is that long.
LONGEST_RANGE_DAYS = 31
RANGE_SEPARATOR = re.compile(r"\s*(?:~|～|至|到|—|–)\s*")
ITEM_SEPARATOR = re.compile(r"[,，、;；\s]+")
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_day_lines(text: str) -> list[dt.date]:
    """Dates pasted one per line, or ranges 2027-01-01~2027-01-03 (also 至, ～, 2027年1月1日).

    Raises forms.ValidationError naming every bad line, so the admin fixes them all at once.
    """
    days: list[dt.date] = []
    problems: list[str] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = RANGE_SEPARATOR.sub("~", line.strip())
        for item in ITEM_SEPARATOR.split(line):
            if not item:
                continue
            try:
                days.extend(_parse_item(item))
            except ValueError as error:
                problems.append(
                    _("第%(line)s行“%(item)s”：%(problem)s")
                    % {
                        "line": number,
                        "item": item,
                        "problem": error,
                    }
                )
    if problems:
        raise forms.ValidationError(problems)
    return sorted(set(days))


def _parse_item(item: str) -> list[dt.date]:
    parts = item.split("~")
    if len(parts) > 2:
        raise ValueError(_("一段日期只能有开始和结束两个日期。"))
    first, last = _parse_date(parts[0]), _parse_date(parts[-1])
    if last < first:
        raise ValueError(_("结束日期早于开始日期。"))
    if (last - first).days >= LONGEST_RANGE_DAYS:
        raise ValueError(_("一段日期不能超过%(n)s天，请检查是否写错。") % {"n": LONGEST_RANGE_DAYS})
    return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


def _parse_date(text: str) -> dt.date:
    match = DATE.match(text.strip())
    if match:
        try:
            return dt.date(*(int(group) for group in match.groups()))
        except ValueError:
            pass
    raise ValueError(_("不是有效日期，应如 2027-01-01 或 2027-01-01~2027-01-03。"))


class OverrideForm(GuazhiForm):
    """One date's override. Both forms share one page, so each has its own element ids."""

    date = forms.DateField(
        label=gettext_lazy("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    is_workday = forms.TypedChoiceField(
        label=gettext_lazy("安排"),
        choices=(("0", gettext_lazy("休息")), ("1", gettext_lazy("上班"))),
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=services.NOTE_MAX, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "override_%s")
        super().__init__(*args, **kwargs)


class YearScheduleForm(GuazhiForm):
    year = forms.IntegerField(
        label=gettext_lazy("年份"), min_value=services.FIRST_YEAR, max_value=services.LAST_YEAR
    )
    rest_days = forms.CharField(
        label=gettext_lazy("放假日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2027-01-01~2027-01-03"}),
        help_text=gettext_lazy(
            "每行一个日期或一段日期，如 2027-01-01 或 2027-01-01~2027-01-03；可含假期中的周末。"
        ),
    )
    make_up_workdays = forms.CharField(
        label=gettext_lazy("调休上班日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2027-02-07"}),
        help_text=gettext_lazy("需要上班的周六、周日，每行一个。"),
    )
    note = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=services.NOTE_MAX,
        required=False,
        help_text=gettext_lazy("如“国办发明电〔2026〕×号”。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "schedule_%s")
        super().__init__(*args, **kwargs)

    def clean_rest_days(self) -> list[dt.date]:
        return parse_day_lines(self.cleaned_data["rest_days"])

    def clean_make_up_workdays(self) -> list[dt.date]:
        return parse_day_lines(self.cleaned_data["make_up_workdays"])


def _year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return year if services.FIRST_YEAR <= year <= services.LAST_YEAR else timezone.localdate().year


def _calendar_url(year: int) -> str:
    return f"{reverse('core:calendar')}?year={year}"


def _overview(
    request: HttpRequest,
    year: int,
    *,
    add_form: OverrideForm | None = None,
    import_form: YearScheduleForm | None = None,
) -> HttpResponse:
    overrides = [
        (row, calendar.package_is_workday(row.date))
        for row in selectors.workday_override_list(actor=request.user, year=year)
    ]
    covered = calendar.covered_years()
    context = {
        "year": year,
        "covered": year in covered,
        "covered_first": covered[0],
        "covered_last": covered[-1],
        "warning": calendar.year_warning(year),
        "working_days": calendar.working_days_between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        "schedule": calendar.year_schedule(year),
        "overrides": overrides,
        "add_form": add_form or OverrideForm(),
        "import_form": import_form or YearScheduleForm(initial={"year": year}),
        "weekdays": WEEKDAYS,
        "SOURCE_OVERRIDE": calendar.SOURCE_OVERRIDE,
    }
    return render_page(request, "core/calendar.html", context)


@roles_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def calendar_overview(request: HttpRequest) -> HttpResponse:
    """GET shows a year; POST enters a year's whole official schedule from pasted dates."""
    year = _year(request.GET.get("year"))
    if request.method != "POST":
        return _overview(request, year)
    form = YearScheduleForm(request.POST)
    if form.is_valid():
        try:
            result = services.workday_overrides_import_year(actor=request.user, **form.cleaned_data)
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "已录入%(year)s年的放假安排：新增%(created)s天，更新%(updated)s天，%(unchanged)s天原已一致。"
                )
                % {
                    "year": result.year,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return HttpResponseRedirect(_calendar_url(result.year))
    return _overview(request, form.cleaned_data.get("year") or year, import_form=form)


@roles_required(Role.ADMIN)
@require_POST
def override_create(request: HttpRequest) -> HttpResponse:
    """Create an override, or change the one already on that date."""
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            override = services.workday_override_set(actor=request.user, **form.cleaned_data)
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            message = (
                _("已将%(date)s设为上班日。")
                if override.is_workday
                else _("已将%(date)s设为休息日。")
            )
            messages.success(request, message % {"date": format_date(override.date)})
            return HttpResponseRedirect(_calendar_url(override.date.year))
    day = form.cleaned_data.get("date")
    return _overview(request, day.year if day else _year(None), add_form=form)


@roles_required(Role.ADMIN)
@require_POST
def override_delete(request: HttpRequest, override_pk: int) -> HttpResponse:
    override = selectors.access_workday_override(actor=request.user, pk=override_pk)
    services.workday_override_delete(actor=request.user, override=override)
    messages.success(
        request,
        _("已删除%(date)s的调整，该日恢复按日历组件计算。") % {"date": format_date(override.date)},
    )
    return HttpResponseRedirect(_calendar_url(override.date.year))

"""Text once built where translation could not reach it reads in the reader's language.

Weekdays, holiday names, audit phrases, lists, ethnic groups, a background job's outcome, Excel
sheet and file names: English for an English reader, Chinese for a Chinese one. Column headers
of the Excel files stay Chinese in both: they are the file format the importer reads.
"""

import copy
import datetime as dt
import io
import json
import pickle
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
)
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from openpyxl import load_workbook

from guazhi.core import services as core_services
from guazhi.core.calendar import covered_years
from guazhi.core.errors import ValidationFailed
from guazhi.core.i18n import Message, message_source, message_text
from guazhi.core.jobs import GENERIC_FAILURE
from guazhi.core.models import Job, WorkdayOverride
from guazhi.core.text import join_clauses, join_list
from guazhi.core.views.audit import action_label, compact_detail
from guazhi.orgs import imports, vocab
from guazhi.orgs.forms.roles import user_label
from guazhi.orgs.models import CadreProfile
from guazhi.orgs.services import cadre_field_errors
from tests.orgs.workbooks import CADRE_HEADERS, cadre_row, upload, workbook
from tests.test_translations import CJK, chinese_left, english_client

D = dt.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def logged_in(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


# Lists ---------------------------------------------------------------------------------------


def test_lists_are_joined_the_way_each_language_writes_them() -> None:
    with translation.override("zh-hans"):
        assert (join_list(["汉族", "回族"]), join_clauses(["日期: 1", "说明: 元旦"])) == (
            "汉族、回族",
            "日期: 1；说明: 元旦",
        )
    with translation.override("en"):
        assert (join_list(["Han", "Hui"]), join_clauses(["Date: 1", "Note: x"])) == (
            "Han, Hui",
            "Date: 1; Note: x",
        )


def test_dates_a_year_schedule_refuses_are_listed_in_english_and_nothing_is_saved(world) -> None:  # type: ignore[no-untyped-def]
    year = covered_years()[-1] + 1
    weekdays = [day for day in (D(year, 1, n) for n in range(1, 10)) if day.weekday() < 5][:2]
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        core_services.workday_overrides_import_year(
            actor=world.users["admin"], year=year, rest_days=[], make_up_workdays=weekdays
        )
    assert error.value.detail == {
        "make_up_workdays": "Make-up workdays must fall on a Saturday or Sunday; these do not: "
        f"{weekdays[0].isoformat()}, {weekdays[1].isoformat()}."
    }
    assert WorkdayOverride.objects.count() == 0


def test_a_choice_error_lists_its_options_with_the_readers_separator() -> None:
    with translation.override("en"):
        english = cadre_field_errors({"gender": "未知"})["gender"]
    with translation.override("zh-hans"):
        chinese = cadre_field_errors({"gender": "未知"})["gender"]
    assert (english, chinese) == ("Not an allowed value: 男, 女.", "不在可选范围内：男、女。")


def test_an_account_reads_as_name_and_username_in_the_readers_brackets(world) -> None:  # type: ignore[no-untyped-def]
    coordinator = world.users["coordinator"]
    with translation.override("en"):
        assert user_label(coordinator) == "组织部王科长 (coordinator)"
    with translation.override("zh-hans"):
        assert user_label(coordinator) == "组织部王科长（coordinator）"


# The work calendar ---------------------------------------------------------------------------


def test_the_calendar_names_weekdays_and_holidays_in_english(world) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(english_client(), world.users["admin"])
    page = client.get(reverse("core:calendar"), {"year": "2025"}).content.decode()
    # 1 January 2025 was a Wednesday; 28 September 2025 a Sunday worked for National Day.
    assert (
        '<td data-label="Date">2025-01-01</td>\n      <td data-label="Weekday">Wednesday</td>'
        in page
    )
    assert '<td data-label="Weekday">Sunday</td>' in page
    assert "New Year&#39;s Day" in page
    assert "Spring Festival" in page and "National Day" in page and "Mid-Autumn Festival" in page
    # What is left is the example of a notice number, which is typed in Chinese.
    assert chinese_left(page) == ["E.g. the notice number, such as “国办发明电〔2026〕×号”."]


def test_the_chinese_calendar_keeps_chinese_weekdays_and_holiday_names(world, client) -> None:  # type: ignore[no-untyped-def]
    page = logged_in(client, world.users["admin"]).get(reverse("core:calendar"), {"year": "2025"})
    html = page.content.decode()
    assert '<td data-label="日期">2025年1月1日</td>\n      <td data-label="星期">周三</td>' in html
    assert "元旦" in html and "春节" in html and "清明节" in html and "Wednesday" not in html


def test_a_workday_override_reads_in_the_interface_language() -> None:
    rest = WorkdayOverride(date=D(2027, 1, 1), is_workday=False)
    work = WorkdayOverride(date=D(2027, 2, 7), is_workday=True)
    with translation.override("en"):
        assert (str(rest), str(work)) == ("2027-01-01 Rest day", "2027-02-07 Workday")
    with translation.override("zh-hans"):
        assert (str(rest), str(work)) == ("2027-01-01 休息", "2027-02-07 上班")


# The audit log and the menu ------------------------------------------------------------------


def test_audit_actions_without_a_label_read_as_english_phrases() -> None:
    with translation.override("en"):
        assert action_label("org.delete") == "Delete unit"
        assert action_label("job.import") == "Import background task"
        assert action_label("parcel.approve") == "Approve (parcel.approve)"
        detail = {"rest_days": ["2027-01-01", "2027-01-02"], "note": "元旦"}
        assert compact_detail(detail) == "Holidays: 2027-01-01, 2027-01-02; Note: 元旦"
    with translation.override("zh-hans"):
        assert action_label("org.delete") == "删除单位"
        assert compact_detail(detail) == "放假: 2027-01-01、2027-01-02；说明: 元旦"


def test_the_menu_names_the_pages_while_a_unit_stays_one_unit(world) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(english_client(), world.users["coordinator"])
    home = client.get(reverse("home")).content.decode()
    assert ">Units</a>" in home and ">Role grants</a>" in home
    audit = client.get(reverse("core:audit_list")).content.decode()
    assert '<option value="orgs.roleassignment">Role grant</option>' in audit
    assert '<option value="orgs.organisation">Unit</option>' in audit


# Ethnic groups -------------------------------------------------------------------------------


def test_every_ethnic_group_has_an_english_name_of_its_own() -> None:
    with translation.override("en"):
        names = [gettext(name) for name in vocab.ETHNICITIES]
    assert len(set(names)) == 56
    assert [name for name in names if CJK.search(name)] == []
    assert names[:5] == ["Han", "Mongol", "Hui", "Tibetan", "Uyghur"]


def test_the_cadre_form_offers_ethnic_groups_in_english_but_keeps_the_chinese_values(world) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(english_client(), world.users["coordinator"])
    url = reverse("orgs:cadre_edit", kwargs={"cadre_pk": world.cadre_a.pk})
    html = client.get(url).content.decode()
    assert '<option value="汉族" selected>Han</option>' in html
    assert '<option value="维吾尔族">Uyghur</option>' in html


def test_a_profile_shows_the_ethnic_group_and_region_code_in_the_readers_language(world) -> None:  # type: ignore[no-untyped-def]
    CadreProfile.objects.filter(pk=world.cadre_a.pk).update(
        ethnicity="回族", native_region_code="360402"
    )
    url = reverse("orgs:cadre_detail", kwargs={"cadre_pk": world.cadre_a.pk})
    english = logged_in(english_client(), world.users["coordinator"]).get(url).content.decode()
    chinese = logged_in(Client(), world.users["coordinator"]).get(url).content.decode()
    assert "<dt>Ethnicity</dt><dd>Hui</dd>" in english
    assert '<span class="muted">(360402)</span>' in english
    assert "<dt>民族</dt><dd>回族</dd>" in chinese
    assert '<span class="muted">（360402）</span>' in chinese
    assert chinese_left(english) == []


# Messages kept for later ---------------------------------------------------------------------


def test_a_stored_message_is_translated_again_for_a_reader_of_another_language() -> None:
    with translation.override("zh-hans"):
        message = Message(
            gettext_noop(
                "性别与身份证号不一致：身份证号第17位为%(parity)s，性别应为“%(gender)s”。"
            ),
            parity=Message(gettext_noop("偶数")),
            gender=Message("女"),
        )
        options = Message(gettext_noop("不在可选范围内：%(options)s。"), options=["男", "女"])
    assert message == "性别与身份证号不一致：身份证号第17位为偶数，性别应为“女”。"
    stored = json.loads(json.dumps([message_source(message), message_source(options)]))
    with translation.override("en"):
        assert [message_text(source) for source in stored] == [
            "Sex does not match the ID card number: its 17th digit is even, so the sex should "
            "be “Female”.",
            "Not an allowed value: 男, 女.",
        ]
    for copied in (copy.deepcopy(options), pickle.loads(pickle.dumps(options))):
        assert (copied, copied.msgid, copied.params) == (options, options.msgid, options.params)


def run_import(client: Client, content: bytes, capture) -> Job:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        client.post(reverse("orgs:cadre_import"), {"file": upload(content, "roster.xlsx")})
    return Job.objects.latest("created_at")


def test_a_failed_import_shows_its_message_and_problems_in_the_readers_language(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    rows = [cadre_row(姓名="干部甲"), cadre_row(姓名="干部乙", 性别="男"), cadre_row(学历="小学")]
    rows[0][CADRE_HEADERS.index("工作单位")] = "莲花镇"
    english = logged_in(english_client(), world.users["coordinator"])
    job = run_import(english, workbook(CADRE_HEADERS, rows), django_capture_on_commit_callbacks)
    # Stored in the source language, whoever started it: the worker's language is nobody's.
    assert (job.state, job.message) == (
        Job.State.FAILED,
        "共有 3 处错误，没有导入任何数据；请修改后重新上传。",
    )
    url = reverse("core:job_detail", kwargs={"job_pk": job.pk})
    page = english.get(url).content.decode()
    assert (
        "3 error(s) found; nothing was imported. Please correct the file and upload it again."
        in page
    )
    assert '<td data-label="Row">Row 2</td>' in page
    assert '<td data-label="Column">工作单位</td>' in page  # the file's own header
    assert "The unit “莲花镇” does not exist or is outside your scope." in page
    assert (
        "Sex does not match the ID card number: its 17th digit is even, so the sex should be "
        "“Female”." in page
    )
    assert "Not an allowed value; use one of: 研究生, 大学本科, 大学专科, 中专, 高中及以下." in page
    # Left in Chinese: the file's own headers and values, as the file must hold them.
    left = [text for text in chinese_left(page) if not text.startswith("Not an allowed value")]
    assert left == ["工作单位", "性别", "学历"]
    chinese = logged_in(Client(), world.users["coordinator"]).get(url).content.decode()
    assert "共有 3 处错误，没有导入任何数据；请修改后重新上传。" in chinese
    assert "性别与身份证号不一致：身份证号第17位为偶数，性别应为“女”。" in chinese
    assert not CadreProfile.objects.filter(name__startswith="干部").exists()


def test_a_plain_stored_message_is_translated_when_it_is_a_msgid(world) -> None:  # type: ignore[no-untyped-def]
    owner = world.users["coordinator"]
    job = Job.objects.create(
        kind=imports.CADRE_IMPORT,
        owner=owner,
        state=Job.State.FAILED,
        message=GENERIC_FAILURE,
        result={
            "code": "sheet_invalid",
            "detail": [
                {"row": 7, "column": "身份证号", "message": "身份证号校验位不正确，请核对。"}
            ],
        },
    )
    page = logged_in(english_client(), owner).get(
        reverse("core:job_detail", kwargs={"job_pk": job.pk})
    )
    html = page.content.decode()
    assert "The task failed. Please try again later" in html
    assert "The check digit of the ID card number is wrong; please check the number." in html


# Excel files ---------------------------------------------------------------------------------


def test_a_sample_downloaded_in_english_has_english_names_but_chinese_headers(world) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(english_client(), world.users["coordinator"])
    response = client.get(reverse("orgs:cadre_import_sample"))
    assert response["Content-Disposition"] == (
        'attachment; filename="Cadre_roster_import_template.xlsx"; '
        f"filename*=UTF-8''{quote('Cadre roster import template.xlsx', safe='')}"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Cadre roster", "Instructions", "Allowed values"]
    assert [cell.value for cell in book.worksheets[0][1]] == CADRE_HEADERS
    units = load_workbook(io.BytesIO(client.get(reverse("orgs:unit_import_sample")).content))
    assert units.sheetnames[:2] == ["Units", "Instructions"]


def test_a_sample_downloaded_in_english_imports_like_a_chinese_one(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(english_client(), world.users["coordinator"])
    book = load_workbook(io.BytesIO(client.get(reverse("orgs:cadre_import_sample")).content))
    sheet = book.worksheets[0]
    for column, value in enumerate(cadre_row(姓名="周明"), start=1):
        sheet.cell(row=3, column=column, value=value)  # under the example row, left in place
    buffer = io.BytesIO()
    book.save(buffer)
    job = run_import(client, buffer.getvalue(), django_capture_on_commit_callbacks)
    assert (job.state, job.result) == (
        Job.State.SUCCEEDED,
        {"created": 1, "updated": 0, "unchanged": 0},
    )
    assert CadreProfile.objects.get(name="周明").home_unit == world.school_a
    page = client.get(reverse("core:job_detail", kwargs={"job_pk": job.pk})).content.decode()
    assert "Import complete: 1 added, 0 updated, 0 unchanged." in page


def test_an_export_for_an_english_reader_has_english_sheet_and_file_names(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(english_client(), world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orgs:cadre_export"))
    job = Job.objects.get()
    assert (job.state, job.params["language"]) == (Job.State.SUCCEEDED, "en")
    assert job.result["filename"].startswith("Cadre roster ")
    assert job.result["filename"].endswith(".xlsx")
    with default_storage.open(job.result["file"], "rb") as stored:
        book = load_workbook(stored)
    assert book.sheetnames == ["Cadre roster"]
    assert [cell.value for cell in book.worksheets[0][1]] == CADRE_HEADERS


# Django's own strings in Chinese -------------------------------------------------------------


def test_the_chinese_password_page_says_a_short_password_is_too_short_in_chinese(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    user = world.users["coordinator"]
    user.set_password("Old-pass-2026")
    user.save()
    minimum = next(
        v.min_length
        for v in get_default_password_validators()
        if isinstance(v, MinimumLengthValidator)
    )
    short = "Zq9!"
    response = logged_in(client, user).post(
        reverse("password_change"),
        {"old_password": "Old-pass-2026", "new_password1": short, "new_password2": short},
    )
    html = response.content.decode()
    assert f"密码长度太短。密码必须包含至少 {minimum} 个字符。" in html
    assert "too short" not in html
    user.refresh_from_db()
    assert user.check_password("Old-pass-2026")

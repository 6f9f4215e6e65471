"""参加工作时间 (when a cadre started work): on the cadre form and page, in the roster import (an
optional column) and checked by the cadre services. Years of service decide annual leave."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from guazhi.core.errors import ValidationFailed
from guazhi.core.jobs import job_start
from guazhi.core.models import Job
from guazhi.orgs import imports, services
from guazhi.orgs.models import CadreProfile
from tests.orgs.workbooks import CADRE_HEADERS, cadre_row, upload, workbook
from tests.pages import as_user, page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def run_import(django_capture_on_commit_callbacks) -> Callable[..., Job]:  # type: ignore[no-untyped-def]
    def run(user: Any, content: bytes) -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(
                actor=user, kind=imports.CADRE_IMPORT, params={}, upload=upload(content)
            )
        job.refresh_from_db()
        return job

    return run


def test_the_start_of_work_is_edited_and_shown(world) -> None:  # type: ignore[no-untyped-def]
    profile = services.cadre_update(
        actor=world.users["coordinator"],
        profile=world.cadre_a,
        work_started_on=dt.date(2008, 7, 1),
    )
    profile.refresh_from_db()
    assert profile.work_started_on == dt.date(2008, 7, 1)


def test_the_form_and_the_page_carry_it(client, world) -> None:  # type: ignore[no-untyped-def]
    CadreProfile.objects.filter(pk=world.cadre_a.pk).update(work_started_on=dt.date(2008, 7, 1))
    as_user(client, world, "coordinator")
    form = page(client.get(reverse("orgs:cadre_edit", kwargs={"cadre_pk": world.cadre_a.pk})))
    assert 'name="work_started_on"' in form and 'value="2008-07-01"' in form
    shown = page(client.get(reverse("orgs:cadre_detail", kwargs={"cadre_pk": world.cadre_a.pk})))
    assert "参加工作时间" in shown and "2008年7月1日" in shown


@pytest.mark.parametrize(
    ("started", "message"),
    [
        (dt.date.today() + dt.timedelta(days=1), "参加工作时间不能晚于今天。"),
        (dt.date(1980, 1, 1), "参加工作时间不能早于出生日期。"),
    ],
)
def test_an_impossible_start_of_work_is_refused(world, started, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as error:
        services.cadre_update(
            actor=world.users["coordinator"], profile=world.cadre_a, work_started_on=started
        )
    assert error.value.detail["work_started_on"] == message
    world.cadre_a.refresh_from_db()
    assert world.cadre_a.work_started_on is None


def test_the_roster_import_reads_the_column(world, run_import) -> None:  # type: ignore[no-untyped-def]
    assert "参加工作时间" in CADRE_HEADERS
    job = run_import(
        world.users["coordinator"], workbook(CADRE_HEADERS, [cadre_row(参加工作时间="2012.08.01")])
    )
    assert job.result == {"created": 1, "updated": 0, "unchanged": 0}
    assert CadreProfile.objects.get(name="赵敏").work_started_on == dt.date(2012, 8, 1)


def test_the_column_is_optional(world, run_import) -> None:  # type: ignore[no-untyped-def]
    headers = [header for header in CADRE_HEADERS if header != "参加工作时间"]
    row = dict(zip(CADRE_HEADERS, cadre_row(参加工作时间=""), strict=True))
    job = run_import(
        world.users["coordinator"], workbook(headers, [[row[header] for header in headers]])
    )
    assert job.state == Job.State.SUCCEEDED, job.message
    assert CadreProfile.objects.get(name="赵敏").work_started_on is None

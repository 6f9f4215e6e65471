"""A batch's timeline reads in the reader's language, whoever wrote it in whichever language;
what a person typed (a reason) reads as they typed it."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from guazhi.core.i18n import Message
from guazhi.programmes.models import BatchEvent
from guazhi.programmes.services import batches as services
from guazhi.programmes.services.events import batch_event_record
from tests.pages import as_user, page
from tests.programmes.factories import BatchFactory
from tests.test_translations import english_client


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    # A request activates its reader's language for the rest of the thread: an English page
    # here would otherwise leave the next test on this worker reading English.
    language = translation.get_language()
    yield
    translation.activate(language)


def _batch(world):  # type: ignore[no-untyped-def]
    return BatchFactory(coordinating_org=world.district_a, dispatching=[world.school_a])


def _detail(batch) -> str:  # type: ignore[no-untyped-def]
    return reverse("programmes:batch_detail", kwargs={"batch_pk": batch.pk})


def test_a_line_written_in_chinese_reads_in_english_on_the_english_page(world, client) -> None:  # type: ignore[no-untyped-def]
    batch = _batch(world)
    actor = world.users["coordinator"]
    with translation.override("zh-hans"):
        services.batch_update(actor=actor, batch=batch, term_end=dt.date(2028, 8, 31), min_women=2)
        batch_event_record(
            actor=actor,
            batch=batch,
            kind="training_create",
            note=Message(gettext_noop("安排岗前培训“%(topic)s”。"), topic="乡村振兴专题"),
        )
    stored = list(BatchEvent.objects.filter(batch=batch).values_list("note", flat=True))
    assert stored == ["安排岗前培训“乡村振兴专题”。", "挂职结束日期、女干部最少人数"]

    english = page(as_user(english_client(), world, "coordinator").get(_detail(batch)))
    assert "<div>Secondment end date, Minimum number of women cadres</div>" in english
    assert "<div>Scheduled pre-dispatch training “乡村振兴专题”.</div>" in english
    chinese = page(as_user(client, world, "coordinator").get(_detail(batch)))
    assert "<div>挂职结束日期、女干部最少人数</div>" in chinese
    assert "<div>安排岗前培训“乡村振兴专题”。</div>" in chinese


def test_a_line_written_in_english_reads_in_chinese_on_the_chinese_page(world, client) -> None:  # type: ignore[no-untyped-def]
    batch = _batch(world)
    with translation.override("en"):
        services.batch_update(actor=world.users["coordinator"], batch=batch, min_women=3)
    assert BatchEvent.objects.get(batch=batch).note == "Minimum number of women cadres"

    chinese = page(as_user(client, world, "coordinator").get(_detail(batch)))
    assert "<div>女干部最少人数</div>" in chinese
    assert "Minimum number of women cadres" not in chinese


def test_a_typed_reason_reads_as_typed_in_either_language(world, client) -> None:  # type: ignore[no-untyped-def]
    batch = _batch(world)
    with translation.override("en"):
        services.batch_transition(
            actor=world.users["coordinator"],
            batch=batch,
            to_state="planning",
            reason="通知需要修改",
        )
    event = BatchEvent.objects.get(batch=batch)
    assert (event.note, "note_source" in event.payload) == ("通知需要修改", False)

    english = page(as_user(english_client(), world, "coordinator").get(_detail(batch)))
    chinese = page(as_user(client, world, "coordinator").get(_detail(batch)))
    assert "<div>通知需要修改</div>" in english
    assert "<div>通知需要修改</div>" in chinese

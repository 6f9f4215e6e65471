"""The demo's summaries, experience library and meetings (what `make demo` shows).

Loaded once for the tests of TestTheDemo, as of TODAY (a Tuesday late in the term, before the
final summary may be started), on top of the city, its programmes and their life on duty, as
tests/duty/test_demo.py does; the commit callbacks (the services' notices, then the demo's
settling of inboxes) are run inside the load, so inboxes are as the command leaves them.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from guazhi.core.models import AuditEvent, Notification
from guazhi.duty import demo as duty_demo
from guazhi.duty.models import WorkLogEntry
from guazhi.orgs import demo as orgs_demo
from guazhi.orgs.models import OrgKind, User
from guazhi.programmes import demo as programmes_demo
from guazhi.programmes.models import Assignment, AssignmentState
from guazhi.summaries import demo, demo_text
from guazhi.summaries.models import (
    LibraryDocument,
    LibrarySource,
    LibraryState,
    Meeting,
    MeetingKind,
    Summary,
    SummaryEvent,
    SummaryEventAction,
    SummaryKind,
    SummaryState,
)
from guazhi.summaries.selectors.library import LibraryFilters, bookmark_rows, library_search
from guazhi.summaries.selectors.scope import (
    can_appraise_summary,
    can_archive_summary,
    can_review_summary,
)
from guazhi.summaries.services.library_import import to_simplified
from tests.pages import page

TODAY = dt.date(2026, 11, 24)


@dataclass
class Loaded:
    result: demo.SummariesDemoResult


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker) -> Iterator[Loaded]:  # type: ignore[no-untyped-def]
    # As tests/duty/test_demo.py: no scope cached by an earlier test may answer for these users.
    from django.core.cache import cache

    cache.clear()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                programmes = programmes_demo.programmes_demo_load(orgs_demo.demo_load())
                duty = duty_demo.duty_demo_load(programmes, today=TODAY)
                result = demo.summaries_demo_load(programmes, duty, today=TODAY)
            yield Loaded(result)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def on_duty(loaded, db) -> Loaded:  # type: ignore[no-untyped-def]
    return loaded  # type: ignore[no-any-return]


def user(username: str) -> User:
    return User.objects.get(username=username)


def summary_of(username: str) -> Summary:
    return Summary.objects.select_related(
        "assignment__cadre",
        "assignment__batch__coordinating_org",
        "assignment__host_unit",
        "assignment__group__leader__cadre",
        "assignment__group__deputy__cadre",
    ).get(assignment__cadre__user__username=username, kind=SummaryKind.MIDTERM)


def body(summary: Summary, key: str) -> str:
    return summary.sections.get(key=key).body


class TestTheDemo:
    """What the demo holds and who has what to do, as of TODAY."""

    # Summaries --------------------------------------------------------------------------------

    def test_mid_term_summaries_are_there_in_every_state(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        summaries = Summary.objects.filter(assignment__batch=on_duty.result.batch)
        assert Counter(summaries.values_list("kind", "state")) == {
            (SummaryKind.MIDTERM, SummaryState.DRAFT): 2,
            (SummaryKind.MIDTERM, SummaryState.SUBMITTED): 1,
            (SummaryKind.MIDTERM, SummaryState.RETURNED): 1,
            (SummaryKind.MIDTERM, SummaryState.ACCEPTED): 1,
            (SummaryKind.MIDTERM, SummaryState.APPRAISED): 1,
            (SummaryKind.MIDTERM, SummaryState.ARCHIVED): 9,
        }
        # 16 people on duty: one has not started.
        people = Assignment.objects.filter(batch=on_duty.result.batch, state=AssignmentState.ACTIVE)
        assert people.count() == 16
        assert people.filter(summaries__isnull=True).count() == 1
        # Who waits for whom.
        submitted = summaries.get(state=SummaryState.SUBMITTED)
        assert can_review_summary(actor=user("groupleader"), assignment=submitted.assignment)
        accepted = summary_of("groupleader")
        assert accepted.state == SummaryState.ACCEPTED
        assert can_appraise_summary(actor=user("host.bailu"), assignment=accepted.assignment)
        appraised = summaries.get(state=SummaryState.APPRAISED)
        assert can_archive_summary(actor=user("coordinator"), assignment=appraised.assignment)
        returned = summaries.get(state=SummaryState.RETURNED)
        [comment] = returned.events.filter(action=SummaryEventAction.RETURN)
        assert comment.actor == user("groupleader")
        assert comment.comment in demo_text.RETURN_COMMENTS

    def test_cadre_duty_has_a_draft_from_her_log_with_her_insights_begun(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        summary = summary_of("cadre.duty")
        assert summary.state == SummaryState.DRAFT
        assert summary.version == 2  # drafted, then 心得体会 saved once
        work = body(summary, "work")
        drafted = summary.events.get(action=SummaryEventAction.DRAFT).created_at.date()
        done = WorkLogEntry.objects.filter(
            assignment=summary.assignment, accomplishment=True, date__lte=drafted
        ).values_list("title", flat=True)
        assert len(done) >= 8
        assert all(title.rstrip("。；，") in work for title in done)
        assert work.startswith("（一）做成的事\n2026年3月：")
        assert body(summary, "basic").startswith("缪悦，江州市农业农村局")
        assert body(summary, "insights").count("\n") == 1  # two points of three
        assert body(summary, "shortcomings") == body(summary, "next_steps") == ""

    def test_the_finished_round_was_reviewed_appraised_and_archived_in_order(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        archived = Summary.objects.filter(state=SummaryState.ARCHIVED)
        for summary in archived:
            steps = [
                (event.action, event.created_at)
                for event in summary.events.order_by("created_at", "id")
            ]
            assert [action for action, _at in steps][-3:] == ["accept", "appraise", "archive"]
            assert [at for _action, at in steps] == sorted(at for _action, at in steps)
            assert steps[-1][1].date() < TODAY
            assert summary.appraisal and summary.appraised_by is not None
            assert all(section.body for section in summary.sections.all())
        # One was returned once and sent again, with the dates the reviewer asked for.
        [again] = [s for s in archived if s.events.filter(action="return").exists()]
        assert [e.action for e in again.events.order_by("id")] == [
            "draft",
            "submit",
            "return",
            "submit",
            "accept",
            "appraise",
            "archive",
        ]
        assert "具体安排：" in body(again, "next_steps")
        # Every step is an audit event too.
        for action in ("submit", "return", "accept", "appraise", "archive"):
            assert (
                AuditEvent.objects.filter(action=f"summary.{action}").count()
                == SummaryEvent.objects.filter(action=action).count()
            )

    # The library --------------------------------------------------------------------------------

    def test_archived_summaries_are_published_with_consent_one_anonymised(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        from_summaries = LibraryDocument.objects.filter(source=LibrarySource.SUMMARY)
        published = from_summaries.filter(state=LibraryState.PUBLISHED)
        assert published.count() == 3
        assert all(document.consented_at is not None for document in published)
        [anonymised] = published.filter(anonymised=True)
        name = anonymised.summary.assignment.cadre.name  # type: ignore[union-attr]
        assert name not in anonymised.text
        assert anonymised.author_label.startswith("某")
        for document in published:
            steps = AuditEvent.objects.filter(
                object_id=str(document.pk),
                action__in=("library.propose", "library.consent", "library.approve"),
            ).order_by("created_at", "id")
            assert [e.action for e in steps] == [
                "library.propose",
                "library.consent",
                "library.approve",
            ]
        # One waits for its author, who is told.
        [waiting] = from_summaries.filter(state=LibraryState.AWAITING_CONSENT)
        author = waiting.summary.assignment.cadre.user  # type: ignore[union-attr]
        assert Notification.objects.filter(
            recipient=author, kind="library.propose", read_at__isnull=True
        ).exists()

    def test_earlier_years_are_imported_some_from_traditional_characters(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        imported = LibraryDocument.objects.filter(source=LibrarySource.IMPORT)
        assert imported.count() == 30
        assert set(imported.values_list("state", flat=True)) == {LibraryState.PUBLISHED}
        assert set(imported.values_list("year", flat=True)) == {2023, 2024, 2025}
        assert set(imported.values_list("host_unit_kind", flat=True)) == {
            OrgKind.TOWNSHIP,
            OrgKind.COMMUNITY,
            OrgKind.SUBDISTRICT,
            OrgKind.VILLAGE,
            OrgKind.PARTY_GOVERNMENT,
            OrgKind.STATE_ENTERPRISE,
            OrgKind.OTHER,
        }
        assert all(document.keywords.count() >= 5 for document in imported)
        files = [e.detail["file"] for e in AuditEvent.objects.filter(action="library.import")]
        assert {name.rsplit(".", 1)[1] for name in files} == {"docx", "md", "txt"}
        converted = imported.filter(pk__in=on_duty.result.converted)
        assert converted.count() == 5
        # What was Traditional reads Simplified now.
        assert all(to_simplified(document.text) == document.text for document in converted)
        assert sum("澳門" in name or "灣區" in name for name in files) >= 1

    def test_search_finds_a_two_character_word_of_the_converted_documents(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        reader = user("cadre.duty")
        converted = set(on_duty.result.converted)
        found = library_search(actor=reader, filters=LibraryFilters(query="湾区"))
        hits = {row.document.pk for row in found.rows}
        assert hits and hits <= converted
        assert all("<mark>湾区</mark>" in str(row.snippet) for row in found.rows)
        # The same in Traditional characters.
        again = library_search(actor=reader, filters=LibraryFilters(query="灣區"))
        assert {row.document.pk for row in again.rows} == hits

    def test_cadre_duty_has_bookmarks_and_finds_them_on_the_library_page(
        self, on_duty, client
    ) -> None:  # type: ignore[no-untyped-def]
        reader = user("cadre.duty")
        _page, rows = bookmark_rows(actor=reader)
        assert len(rows) == 4
        assert all(row.readable for row in rows)
        assert {row.document.source for row in rows} == {
            LibrarySource.SUMMARY,
            LibrarySource.IMPORT,
        }
        client.force_login(reader)
        response = client.get(reverse("summaries:library_list"), {"q": "湾区"})
        assert response.status_code == 200
        [exchange] = [row.document for row in rows if row.document.host_unit_kind == "other"]
        assert exchange.title in page(response)

    # Meetings -----------------------------------------------------------------------------------

    def test_a_past_exchange_meeting_and_an_upcoming_symposium(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        batch = on_duty.result.batch
        exchange = Meeting.objects.get(batch=batch, kind=MeetingKind.EXCHANGE)
        assert exchange.held_on < TODAY
        assert exchange.participants.count() == 16
        speakers = list(exchange.speakers.select_related("assignment").order_by("position"))
        assert [s.position for s in speakers] == [1, 2, 3, 4]
        assert all(s.topic for s in speakers)
        linked = list(exchange.summaries.all())
        assert {s.assignment for s in linked} == {s.assignment for s in speakers}
        assert {s.state for s in linked} == {SummaryState.ARCHIVED}
        assert all(s.assignment.cadre.name in exchange.minutes for s in speakers)
        symposium = Meeting.objects.get(batch=batch, kind=MeetingKind.SYMPOSIUM)
        assert TODAY < symposium.held_on <= batch.term_end
        people = {a.cadre.user.username for a in symposium.participants.all()}
        assert {"cadre.duty", "groupleader"} <= people and len(people) == 8

    # Inboxes ------------------------------------------------------------------------------------

    def test_inboxes_show_what_waits(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        def unread(username: str) -> set[str]:
            return set(
                Notification.objects.filter(
                    recipient__username=username, read_at__isnull=True
                ).values_list("kind", flat=True)
            )

        assert {"summary.accept", "leave.awaiting"} <= unread("host.bailu")
        assert "summary.submit" in unread("groupleader")
        assert "meeting.invited" in unread("cadre.duty")
        assert "summary.appraise" in unread("coordinator")
        # Nothing unread about a summary long archived, nor a meeting held.
        archived = Summary.objects.filter(state=SummaryState.ARCHIVED).values_list("pk", flat=True)
        stale = Notification.objects.filter(read_at__isnull=True, kind__startswith="summary.")
        assert not [n for n in stale if int(n.key.split(":")[1]) in set(archived)]
        held = Meeting.objects.get(kind=MeetingKind.EXCHANGE)
        assert not Notification.objects.filter(
            read_at__isnull=True, key__startswith=f"meeting:{held.pk}:"
        ).exists()

    # What the command prints ----------------------------------------------------------------------

    def test_the_figures_the_command_prints(self, on_duty) -> None:  # type: ignore[no-untyped-def]
        assert demo.summaries_demo_summary(on_duty.result) == [
            "阶段总结 15 份：草稿 2，待审阅 1，已退回 1，待鉴定 1，待归档 1，已归档 9",
            "经验库已发布 33 篇（挂职总结 3 篇，导入 30 篇，其中繁体转简体 5 篇），待本人同意 1 篇",
            "交流会“第十批挂职干部阶段工作交流会” 2026-10-16：参会 16 人，代表发言 4 人",
            "座谈会“第一组挂职干部基层治理专题座谈会” 2026-12-03：参会 8 人，代表发言 0 人",
        ]

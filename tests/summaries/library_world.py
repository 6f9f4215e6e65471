"""Experience library objects in the shared `world`, on top of the summaries world.

`library_world(world)` gives the summaries world (张三 at 白鹿镇 in batch A, inside every role;
周亮 at 莲花镇 in batch B, outside) and helpers:

- `archived(assignment)`: the person's final summary, archived (made once);
- `document(assignment, state)`: a library document of that summary in `state`, written
  straight into the database as the flow would leave it (consent given for the states after
  it, published_at for PUBLISHED), keywords 乡村振兴 and 基层党建;
- `imported(owner, year, kind, title, body)`: an imported published document.
"""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from guazhi.programmes.models import Assignment
from guazhi.summaries.models import (
    LibraryDocument,
    LibraryKeyword,
    LibrarySource,
    LibraryState,
    Summary,
    SummaryKind,
)
from tests.summaries.world import SummaryWorld, summary_world

CONSENTED = (LibraryState.AWAITING_APPROVAL, LibraryState.PUBLISHED, LibraryState.WITHDRAWN)


@dataclass
class LibraryWorld:
    summaries: SummaryWorld

    @property
    def zhang(self) -> Assignment:
        return self.summaries.zhang

    @property
    def zhou(self) -> Assignment:
        return self.summaries.zhou

    def user(self, role: str) -> Any:
        return self.summaries.user(role)

    def archived(self, assignment: Assignment | None = None) -> Summary:
        assignment = assignment or self.zhang
        made = Summary.objects.filter(assignment=assignment, kind=SummaryKind.FINAL).first()
        return made or self.summaries.archived(assignment)

    def document(
        self, assignment: Assignment | None = None, state: str = LibraryState.PUBLISHED
    ) -> LibraryDocument:
        summary = self.archived(assignment)
        existing = LibraryDocument.objects.filter(summary=summary).first()
        if existing is not None:
            return existing
        now = timezone.now()
        assignment = summary.assignment
        document = LibraryDocument.objects.create(
            title=summary.title,
            sections=[
                {"heading": section.heading, "body": section.body}
                for section in summary.sections.order_by("position")
            ],
            source=LibrarySource.SUMMARY,
            summary=summary,
            owner_org=assignment.batch.coordinating_org,
            year=assignment.start_date.year if assignment.start_date else 2026,
            host_unit_kind=assignment.host_unit.kind,
            author_label=assignment.cadre.name,
            state=state,
            created_by=self.summaries.users["coordinator"],
            consented_at=now if state in CONSENTED else None,
            published_by=self.summaries.users["coordinator"]
            if state == LibraryState.PUBLISHED
            else None,
            published_at=now if state == LibraryState.PUBLISHED else None,
        )
        for position, keyword in enumerate(("乡村振兴", "基层党建"), 1):
            LibraryKeyword.objects.create(document=document, position=position, keyword=keyword)
        return document

    def imported(
        self,
        owner: Any,
        *,
        year: int = 2024,
        kind: str = "township",
        title: str = "驻村工作经验谈",
        body: str = "扎根基层，服务群众。",
        state: str = LibraryState.PUBLISHED,
        keywords: tuple[str, ...] = (),
    ) -> LibraryDocument:
        now = timezone.now()
        document = LibraryDocument.objects.create(
            title=title,
            sections=[{"heading": "一、做法", "body": body}],
            source=LibrarySource.IMPORT,
            owner_org=owner,
            year=year,
            host_unit_kind=kind,
            state=state,
            published_at=now if state == LibraryState.PUBLISHED else None,
        )
        for position, keyword in enumerate(keywords, 1):
            LibraryKeyword.objects.create(document=document, position=position, keyword=keyword)
        return document


def library_world(world) -> LibraryWorld:  # type: ignore[no-untyped-def]
    found = getattr(world, "_library", None)
    if found is None:
        found = LibraryWorld(summary_world(world))
        world._library = found
    return found

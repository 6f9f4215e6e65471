"""The library search tests' shared fixture: documents written straight into the database and
indexed with index_document, as the library's services do inside their transactions."""

import datetime as dt
from collections.abc import Callable

import pytest

from guazhi.summaries import search
from guazhi.summaries.models import LibraryDocument, LibraryKeyword, LibrarySource, LibraryState
from tests.factories import UnitFactory

Publish = Callable[..., LibraryDocument]
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def publish() -> Publish:
    owner = UnitFactory(name="江州市委组织部", kind="organisation_department", level="city")
    made = [0]

    def make(
        body: str,
        *,
        title: str = "挂职心得",
        heading: str = "主要工作",
        keywords: tuple[str, ...] = (),
        state: str = LibraryState.PUBLISHED,
        year: int = 2026,
    ) -> LibraryDocument:
        made[0] += 1
        document = LibraryDocument.objects.create(
            title=title,
            sections=[{"heading": heading, "body": body}],
            source=LibrarySource.IMPORT,
            owner_org=owner,
            year=year,
            state=state,
            published_at=START + dt.timedelta(hours=made[0]),
        )
        for position, keyword in enumerate(keywords):
            LibraryKeyword.objects.create(document=document, position=position, keyword=keyword)
        search.index_document(document)
        return document

    return make

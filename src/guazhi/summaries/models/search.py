"""The search index's rows, as far as Django needs to know them (summaries/search/).

Migration 0002 creates the table per database: on SQLite a plain table holding each published
document's terms (the external content of an FTS5 table that triggers keep in step), on
PostgreSQL one row per document part with a tsvector and GIN indexes. Only the columns named here
are common to both; they are what Django itself uses: the test flush empties the table, and
deleting a document deletes its rows. Everything else goes through summaries/search/.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from guazhi.summaries.models.library import LibraryDocument


class LibrarySearchEntry(models.Model):
    # SQLite: the FTS rowid and sort key (publication time, then document). PostgreSQL: an
    # identity; the sort key is a column of its own there (a document has one row per part).
    id = models.BigIntegerField(primary_key=True)
    document = models.ForeignKey(
        LibraryDocument,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        db_table = "summaries_library_search"
        verbose_name = _("经验库检索索引")
        verbose_name_plural = _("经验库检索索引")

    def __str__(self) -> str:
        return f"{self.document_id} · {self.pk}"

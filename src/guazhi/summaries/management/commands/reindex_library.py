"""`guazhi reindex_library`: rebuild the experience library's search index from the documents.

Needed after restoring a database from a dump made without the index, or after a release that
changes how text is analysed (core.search); the library's services keep it in step otherwise.
"""

from typing import Any

from django.core.management.base import BaseCommand

from guazhi.summaries.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the experience library's search index from the published documents."

    def handle(self, *args: Any, **options: Any) -> None:
        count = reindex_all()
        self.stdout.write(f"indexed documents: {count}")

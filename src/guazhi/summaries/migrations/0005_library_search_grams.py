"""A word of three characters or more is looked up by its own characters, not by its pairs.

SQLite: every 3 and 4 characters of a run are indexed as terms too (core.search.terms: grams),
so a word of that length is one term. The index is emptied here, and filled again by this
release's analysis when `migrate` ends (summaries/apps.py: an empty index while documents are
published is rebuilt, reindex_all). Not filled here: a migration sees the models as they were
at this point of the history, and the index is built by today's code from today's models.

PostgreSQL: a trigram index (pg_trgm) over each row's canonical text, title and body; a word of
several terms is found with LIKE on that text (summaries/search/postgresql.py). The sort key is
its first column (btree_gin), so that a search for the newest matches reads only the matches in
the newest slice of the library: with the sort key apart, the planner rechecked every match's
text before looking at its sort key (4.9 ms instead of 1.9 for a word in 500 of 20,000
documents). Both extensions ship with PostgreSQL and are trusted: the database owner may create
them. Grams in the tsvector would do the same, but GIN's build time and size grow with the
number of distinct terms: at 3,000 documents that build took 63 s instead of 13.5, for an
index of 469 MB instead of 71; the trigram index took 19 s and 134 MB.
"""

from django.db import migrations

ENTRIES = "summaries_library_search"
TEXT_INDEX = (
    f'CREATE INDEX "{ENTRIES}_text" ON "{ENTRIES}" '
    'USING gin ("sort_key", ("title" || "body") gin_trgm_ops) WHERE "parts" = 1'
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema_editor.execute(TEXT_INDEX)
    else:
        # The delete trigger takes each row out of the FTS table too.
        schema_editor.execute(f'DELETE FROM "{ENTRIES}"')


def backward(apps, schema_editor):
    # The extensions stay: other tables may use them. On SQLite, run the older release's
    # `manage.py reindex_library` afterwards.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{ENTRIES}_text"')
    else:
        schema_editor.execute(f'DELETE FROM "{ENTRIES}"')


class Migration(migrations.Migration):

    dependencies = [
        ("summaries", "0004_library_search_text_in_row"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]

"""Index a word of 3 or 4 characters as one term (core.search.terms: grams): the index is
emptied here, and filled again by the analysis of this release when `migrate` ends
(summaries/apps.py: an empty index with published documents is rebuilt, reindex_all).

Not filled here: a migration sees the models as they were at this point of the history, and
the index is built by today's code from today's models.
"""

from django.db import migrations

ENTRIES = "summaries_library_search"


def empty_the_index(apps, schema_editor):
    # On PostgreSQL, TRUNCATE also empties the term counts (their TRUNCATE trigger); on SQLite,
    # the delete trigger takes each row out of the FTS table.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'TRUNCATE "{ENTRIES}"')
    else:
        schema_editor.execute(f'DELETE FROM "{ENTRIES}"')


class Migration(migrations.Migration):

    dependencies = [
        ("summaries", "0004_library_search_text_in_row"),
    ]

    # Going back empties it too: then run the older release's `manage.py reindex_library`.
    operations = [migrations.RunPython(empty_the_index, empty_the_index, elidable=False)]

"""SQLite: index every 3 and 4 characters of a run as a term too (core.search.terms: grams), so a
word of that length is one term there. The index is emptied here, and filled again by this
release's analysis when `migrate` ends (summaries/apps.py: an empty index while documents are
published is rebuilt, reindex_all). PostgreSQL's index does not change.

Not filled here: a migration sees the models as they were at this point of the history, and
the index is built by today's code from today's models.
"""

from django.db import migrations

ENTRIES = "summaries_library_search"


def empty_the_index(apps, schema_editor):
    # The delete trigger takes each row out of the FTS table too.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'DELETE FROM "{ENTRIES}"')


class Migration(migrations.Migration):

    dependencies = [
        ("summaries", "0004_library_search_text_in_row"),
    ]

    # Going back empties it too: then run the older release's `manage.py reindex_library`.
    operations = [migrations.RunPython(empty_the_index, empty_the_index, elidable=False)]

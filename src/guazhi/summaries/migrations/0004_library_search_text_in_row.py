"""PostgreSQL only: keep a document's canonical text in its index row when the row fits a page.

A search checks a word of several characters, and scores a match, by reading that text. Left to
the default (rows over 2 kB moved out of line), every read fetches the text back from the TOAST
table: about 15 µs a document of 2,000 characters, against 5 µs in the row. The tsvector, the
largest value, still moves out first. Rows written before this keep their layout until the
index is rebuilt (`manage.py reindex_library`).
"""

from django.db import migrations

TARGET = 8160  # the most PostgreSQL allows: a row up to a whole 8 kB page


def keep_in_row(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'ALTER TABLE "summaries_library_search" SET (toast_tuple_target = {TARGET})'
        )


def reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "summaries_library_search" RESET (toast_tuple_target)')


class Migration(migrations.Migration):

    dependencies = [
        ("summaries", "0003_library_term_frequencies"),
    ]

    operations = [migrations.RunPython(keep_in_row, reset, elidable=False)]

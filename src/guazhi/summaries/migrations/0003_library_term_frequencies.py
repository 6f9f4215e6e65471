"""PostgreSQL only: how many documents hold each term of the library's index.

A search there decides from this table, before reading any posting list, whether a word can be
ranked or is too common for it (summaries/search/postgresql.py). Triggers on the index keep it
in step with every insert and delete, the cascade of a deleted document's rows included, and
commit or roll back with them; a TRUNCATE of the index (the test flush) empties it. Bulk loads
turn the row trigger off and count afresh at the end. SQLite needs no such table:
FTS5 counts a word's matches at about 0.5 µs each.
"""

from django.db import migrations

TABLE = "summaries_library_search_frequency"
# Terms are letters, digits and CJK characters (core.search): names with "#" are no term.
DOCUMENTS, LONG = "#documents", "#long"

POSTGRESQL = [
    # documents: one-part documents holding the term (exact); "#documents" counts one-part
    # documents, "#long" the documents split into parts (few: a text of several hundred
    # thousand characters), whose terms are not counted here.
    f'CREATE TABLE "{TABLE}" ("term" text PRIMARY KEY, "documents" integer NOT NULL)',
    f"""CREATE FUNCTION "{TABLE}_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Every write of the index takes this row first: two writers of common terms queue here
    -- instead of locking the terms in two different orders (a deadlock).
    PERFORM 1 FROM "{TABLE}" WHERE "term" = '{DOCUMENTS}' FOR UPDATE;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE "{TABLE}" SET "documents" = "documents" - 1
        WHERE "term" = ANY(CASE WHEN OLD."parts" = 1
            THEN array_append(tsvector_to_array(OLD."terms"), '{DOCUMENTS}')
            WHEN OLD."part" = 0 THEN ARRAY['{LONG}'] ELSE ARRAY[]::text[] END);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO "{TABLE}" ("term", "documents")
        SELECT "term", 1 FROM unnest(CASE WHEN NEW."parts" = 1
            THEN array_append(tsvector_to_array(NEW."terms"), '{DOCUMENTS}')
            WHEN NEW."part" = 0 THEN ARRAY['{LONG}'] ELSE ARRAY[]::text[] END) AS t("term")
        ORDER BY "term"
        ON CONFLICT ("term") DO UPDATE SET "documents" = "{TABLE}"."documents" + 1;
    END IF;
    RETURN NULL;
END $$""",
    f'CREATE TRIGGER "{TABLE}_count" AFTER INSERT OR UPDATE OR DELETE '
    f'ON "summaries_library_search" FOR EACH ROW EXECUTE FUNCTION "{TABLE}_count"()',
    f"""CREATE FUNCTION "{TABLE}_empty"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE "{TABLE}";
    RETURN NULL;
END $$""",
    f'CREATE TRIGGER "{TABLE}_empty" AFTER TRUNCATE ON "summaries_library_search" '
    f'FOR EACH STATEMENT EXECUTE FUNCTION "{TABLE}_empty"()',
]
# Counting what the index already holds (also what a bulk load runs at its end).
RECOUNT = [
    f'DELETE FROM "{TABLE}"',
    f'INSERT INTO "{TABLE}" ("term", "documents") SELECT "term", count(*) '
    'FROM "summaries_library_search", unnest(tsvector_to_array("terms")) AS t("term") '
    'WHERE "parts" = 1 GROUP BY "term"',
    f'INSERT INTO "{TABLE}" ("term", "documents") VALUES '
    f'(\'{DOCUMENTS}\', (SELECT count(*) FROM "summaries_library_search" WHERE "parts" = 1)), '
    f'(\'{LONG}\', (SELECT count(*) FROM "summaries_library_search" '
    'WHERE "parts" > 1 AND "part" = 0))',
]
POSTGRESQL_REVERSE = [
    f'DROP TRIGGER "{TABLE}_empty" ON "summaries_library_search"',
    f'DROP FUNCTION "{TABLE}_empty"()',
    f'DROP TRIGGER "{TABLE}_count" ON "summaries_library_search"',
    f'DROP FUNCTION "{TABLE}_count"()',
    f'DROP TABLE "{TABLE}"',
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL + RECOUNT:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("summaries", "0002_library_search"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

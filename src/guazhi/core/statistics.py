"""The query planner's statistics, refreshed after writing many rows in one transaction.

PostgreSQL plans a join from the statistics autovacuum gathers, and autovacuum sees committed
rows only. A world written inside one transaction (the demo, loaded all or nothing; a test's
fixture) is planned against the statistics of the tables as they were before: nearly empty. The
planner then nests loops over whole tables that it believes hold one row, and a select of 16
assignments with their units and groups ran for minutes. ANALYZE inside the transaction samples
its own new rows, and what it writes commits or rolls back with them.

SQLite's planner needs no statistics for these joins (it has no ANALYZE data unless asked), so
this is nothing there.
"""

from django.db import connection


def refresh_planner_statistics() -> None:
    """After writing many rows in the current transaction, before reading them back with
    joins. Analyzes the project's own tables (about a quarter of a second for the demo's).

    Never the whole database: that takes in the shared system catalogs, whose lock the
    transaction would hold to its end, and a second database's ANALYZE (another test worker,
    another demo) would wait for it."""
    if connection.vendor != "postgresql":
        return
    tables = connection.introspection.django_table_names(only_existing=True)
    if not tables:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(quote(table) for table in sorted(tables)))

"""Prefix indexes for PostgreSQL: subtree (`path LIKE '1.5.%'`) and pinyin-initials searches.

With a non-C collation PostgreSQL cannot use a plain btree index for LIKE 'prefix%'; the
varchar_pattern_ops operator class can. SQLite's LIKE prefix optimisation needs nothing more.
"""

from django.db import migrations

INDEXES = {
    "orgs_org_path_prefix": ("orgs_organisation", "path"),
    "orgs_org_initials_prefix": ("orgs_organisation", "name_initials"),
    "orgs_cadre_initials_prefix": ("orgs_cadreprofile", "name_initials"),
    "orgs_cadre_pinyin_prefix": ("orgs_cadreprofile", "name_pinyin"),
}


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column} varchar_pattern_ops)"
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_user_roles_version")]
    operations = [migrations.RunPython(create, drop)]

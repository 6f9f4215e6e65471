"""Migration 0002 keeps every publicity and objection recorded before it (one-to-one publicity
becomes a foreign key; the objection channel gets choices)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("programmes", "0001_initial")]
AFTER = [("programmes", "0002_publicity_withdrawal_objection_channel")]


@pytest.mark.django_db(transaction=True)
def test_existing_publicities_and_objections_survive_the_migration() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        unit = old.get_model("orgs", "Organisation").objects.create(
            name="浔阳区", kind="county", level="county", path="1."
        )
        batch = old.get_model("programmes", "Batch").objects.create(
            name="2027年浔阳区挂职干部",
            coordinating_org=unit,
            direction="down",
            term_start=dt.date(2027, 3, 1),
            term_end=dt.date(2028, 2, 29),
        )
        publicity = old.get_model("programmes", "Publicity").objects.create(
            batch=batch,
            starts_on=dt.date(2026, 9, 29),
            working_days=5,
            ends_on=dt.date(2026, 10, 10),
            text="联系电话：0792-1234567",
        )
        old.get_model("programmes", "Objection").objects.create(
            publicity=publicity,
            received_on=dt.date(2026, 9, 30),
            channel="来电",
            content="反映其违规兼职",
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        Publicity = new.get_model("programmes", "Publicity")
        assert list(
            Publicity.objects.values_list(
                "batch__name", "starts_on", "ends_on", "text", "withdrawn_at", "withdrawn_reason"
            )
        ) == [
            (
                "2027年浔阳区挂职干部",
                dt.date(2026, 9, 29),
                dt.date(2026, 10, 10),
                "联系电话：0792-1234567",
                None,
                "",
            )
        ]
        assert list(
            new.get_model("programmes", "Objection").objects.values_list(
                "publicity__starts_on", "channel", "content"
            )
        ) == [(dt.date(2026, 9, 29), "来电", "反映其违规兼职")]
        assert list(new.get_model("programmes", "Batch").objects.get().publicities.all()) == list(
            Publicity.objects.all()
        )
    finally:
        MigrationExecutor(connection).migrate(latest)

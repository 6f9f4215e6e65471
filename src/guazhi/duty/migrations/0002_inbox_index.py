"""The approval inbox's index: the requests waiting for one role, person by person, in the
order they wait (selectors.scope.awaiting_actor, selectors.leave.approval_inbox_page). It
replaces the (awaiting_role, state) index, which is its prefix.

On PostgreSQL also extended statistics on (awaiting_role, state): a request waits for a role
exactly while it is pending, and without knowing that the planner multiplies the two
selectivities, takes a unit leader's waiting requests for a few rows, and reads every request
of the batch waiting for that role instead of seeking those of the leader's people.
"""

from django.db import migrations, models

STATISTICS = "duty_leave_waiting_stats"


def create_statistics(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (dependencies, mcv) "
        "ON awaiting_role, state FROM duty_leaverequest"
    )


def drop_statistics(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_initial")]

    operations = [
        migrations.RemoveIndex(
            model_name="leaverequest",
            name="duty_leaver_awaitin_7c2232_idx",
        ),
        migrations.AddIndex(
            model_name="leaverequest",
            index=models.Index(
                fields=["awaiting_role", "state", "assignment", "submitted_at", "id"],
                name="duty_leaver_awaitin_7d5549_idx",
            ),
        ),
        migrations.RunPython(create_statistics, drop_statistics),
    ]

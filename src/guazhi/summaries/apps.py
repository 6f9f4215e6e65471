from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "guazhi.summaries"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("总结与交流")

    def ready(self) -> None:
        # Modules that register something when imported (a job kind, who may download an
        # attachment), so the registration holds before any request or worker needs it.
        from guazhi.summaries import jobs, library_jobs  # noqa: F401
        from guazhi.summaries.selectors import meetings  # noqa: F401

        post_migrate.connect(_rebuild_a_missing_index, sender=self)


def _rebuild_a_missing_index(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    # The index is derived from the documents by today's code: a migration that changes the
    # analysis empties it, and it is filled here, once every migration has run.
    if using != DEFAULT_DB_ALIAS:
        return
    from guazhi.summaries.search import rebuild_a_missing_index

    rebuild_a_missing_index()

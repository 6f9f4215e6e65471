from django.apps import AppConfig
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

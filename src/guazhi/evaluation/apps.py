from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "guazhi.evaluation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("考核评价")

    def ready(self) -> None:
        # Registers the background job kinds (the round's forms as a zip) before any request
        # or worker looks one up; core.jobs would also find the module on first use.
        from guazhi.evaluation import jobs  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "guazhi.programmes"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("挂职项目与选派")

    def ready(self) -> None:
        # Registers who may download a training session's materials (core attachments ask
        # the owner's app); importing it here makes that true before any URL is resolved.
        from guazhi.programmes.selectors import groups  # noqa: F401

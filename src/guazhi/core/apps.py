from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guazhi.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from guazhi.core import signals  # noqa: F401  (login audit receivers)

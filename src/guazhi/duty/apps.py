from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "guazhi.duty"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("在岗管理")

    def ready(self) -> None:
        # Registers who may download a leave request's sick note or a log entry's photos (core
        # attachments ask the owner's app): each area's selectors register their own models,
        # and importing them here makes that true before any request.
        from guazhi.duty.selectors import leave, logs  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "guazhi.summaries"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("总结与交流")

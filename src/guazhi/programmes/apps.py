from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "guazhi.programmes"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("挂职项目与选派")

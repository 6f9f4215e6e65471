from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "guazhi.evaluation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("考核评价")
